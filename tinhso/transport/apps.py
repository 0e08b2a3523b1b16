from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "tinhso.transport"
    label = "transport"
    verbose_name = _("Giám sát hành trình")
    demo_loader = "tinhso.transport.demo.load"
    demo_order = 60
    # Shown in the `tinhso demo` banner; the demo loader creates it with the shared demo password.
    demo_logins = [("thanhtra.giaothong", "Thanh tra giao thông / transport inspector — Sở Xây dựng Thái Nguyên")]
    nav_entry = {"url_name": "transport:vehicles", "title": "Giám sát hành trình",
                 "description": "Dữ liệu giám sát hành trình xe kinh doanh vận tải: trích xuất, vi phạm, "
                                "xe hợp đồng trá hình (dành cho thanh tra giao thông)", "order": 60}

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tinhso.transport.fleet import bump_stamp
        from tinhso.transport.models import Vehicle

        # every change of a vehicle changes the registry stamp in the same transaction: other processes'
        # plate caches see it before their next batch
        post_save.connect(bump_stamp, sender=Vehicle, dispatch_uid="transport-vehicle-map-save")
        post_delete.connect(bump_stamp, sender=Vehicle, dispatch_uid="transport-vehicle-map-delete")

        from tinhso.transport import store
        from tinhso.transport.services import batch_recorded

        store.STORE.recorded = batch_recorded  # recovery asks the database whether a prepared batch committed

    @staticmethod
    def nav_visible(user) -> bool:
        from tinhso.transport.services import can_view

        return can_view(user)
