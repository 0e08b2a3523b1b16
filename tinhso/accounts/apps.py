from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tinhso.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và phân quyền")
    demo_loader = "tinhso.accounts.demo.load"
    demo_order = 20

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tinhso.accounts.services import show_notice_once

        user_logged_in.connect(lambda sender, request, user, **kw: show_notice_once(request, user), weak=False,
                               dispatch_uid="tinhso.accounts.notice")
