from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "tinhso.security"
    label = "security"
    verbose_name = _("Hệ thống thông tin và an toàn thông tin")
    demo_loader = "tinhso.security.demo.load"
    demo_order = 70
    nav_entry = {"url_name": "security:systems", "title": "Hệ thống thông tin",
                 "description": "Danh mục hệ thống thông tin và hạ tầng số, cấp độ an toàn, hồ sơ cấp độ, "
                                "sự kiện và sự cố an toàn thông tin", "order": 70}

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tinhso.security.models import InformationSystem
        from tinhso.security.services import forget_attribution

        # admin edits and fixtures bypass the services; the attribution map must still follow
        post_save.connect(forget_attribution, sender=InformationSystem, dispatch_uid="security-attribution-save")
        post_delete.connect(forget_attribution, sender=InformationSystem, dispatch_uid="security-attribution-delete")
