from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class UnitsConfig(AppConfig):
    name = "tinhso.units"
    label = "units"
    verbose_name = pgettext_lazy("plural", "Đơn vị")
    demo_loader = "tinhso.units.demo.load"
    demo_order = 10
    nav_entry = {"url_name": "units:tree", "title": "Đơn vị",
                 "description": "Danh mục cơ quan, đơn vị hành chính, mã định danh và lịch sử sắp xếp", "order": 10}

    def ready(self) -> None:
        from tinhso.core import memo
        from tinhso.units.models import Succession, Unit, UnitEvent

        # tree levels, searches and read scopes kept per process recompute
        memo.changed_on_write("units", Unit, Succession, UnitEvent)
