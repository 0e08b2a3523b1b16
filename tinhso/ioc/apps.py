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
        from django.db.models.signals import post_delete, post_save

        from tinhso.core import memo
        from tinhso.ioc.models import Dashboard, Pin

        def changed(sender, **kwargs) -> None:
            memo.changed("dashboards")  # home pages kept per process (services.home_definition) recompute

        for model in (Dashboard, Pin):
            for signal in (post_save, post_delete):
                signal.connect(changed, sender=model, weak=False,
                               dispatch_uid=f"tinhso.ioc.changed.{model.__name__}.{signal is post_save}")
