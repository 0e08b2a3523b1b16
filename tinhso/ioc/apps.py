from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IocConfig(AppConfig):
    name = "tinhso.ioc"
    label = "ioc"
    verbose_name = _("Trung tâm điều hành")
    demo_loader = "tinhso.ioc.demo.load"
    demo_order = 90
    nav_entry = {"url_name": "ioc:index", "title": "Bảng điều hành",
                 "description": "Bảng điều hành: chỉ tiêu, kế hoạch, xếp hạng, cảnh báo; màn hình trung tâm điều hành",
                 "order": 5}

    def ready(self) -> None:
        from tinhso.core import memo
        from tinhso.ioc.models import Dashboard, Pin

        memo.changed_on_write("dashboards", Dashboard, Pin)  # home pages kept per process (services.home_definition)
