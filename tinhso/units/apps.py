from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "tinhso.units"
    label = "units"
    verbose_name = "Đơn vị / Units"
    demo_loader = "tinhso.units.demo.load"
    demo_order = 10
    nav_entry = {"url_name": "units:tree", "title": "Đơn vị",
                 "description": "Danh mục cơ quan, đơn vị hành chính, mã định danh và lịch sử sắp xếp", "order": 10}
