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
        from django.db.models.signals import post_delete, post_save

        from tinhso.core import memo
        from tinhso.units.models import Succession, Unit, UnitEvent

        def registry_changed(sender, **kwargs) -> None:
            memo.changed("units")  # tree levels, searches and read scopes kept per process recompute

        for model in (Unit, Succession, UnitEvent):
            for signal in (post_save, post_delete):
                signal.connect(registry_changed, sender=model, weak=False,
                               dispatch_uid=f"tinhso.units.changed.{model.__name__}.{signal is post_save}")
