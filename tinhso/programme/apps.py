from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "tinhso.programme"
    label = "programme"
    verbose_name = _("Chương trình, kế hoạch")
    demo_loader = "tinhso.programme.demo.load"
    demo_order = 30
    nav_entry = {"url_name": "programme:index", "title": "Kế hoạch CĐS",
                 "description": "Đề án, kế hoạch chuyển đổi số, nhiệm vụ, tiến độ, kinh phí và nhiệm vụ quá hạn",
                 "order": 20}
