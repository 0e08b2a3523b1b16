from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "tinhso.programme"
    label = "programme"
    verbose_name = "Chương trình, kế hoạch / Programme"
    demo_loader = "tinhso.programme.demo.load"
    demo_order = 30
    nav_entry = {"url_name": "programme:index", "title": "Kế hoạch CĐS",
                 "description": "Đề án, kế hoạch chuyển đổi số, nhiệm vụ, tiến độ, kinh phí và nhiệm vụ quá hạn",
                 "order": 20}
