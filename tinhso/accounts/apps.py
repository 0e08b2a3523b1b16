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
        self._forget_permissions_when_they_change()

    @staticmethod
    def _forget_permissions_when_they_change() -> None:
        """Permissions kept per process (accounts.auth.AccountBackend) are recomputed, in every process, when
        an account's groups or permissions, a group's permissions, a group, a permission or an account go; the
        signed-in account itself is read again when any account is written."""
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete

        from tinhso.accounts.models import User
        from tinhso.core import memo

        memo.changed_on_write("accounts", Group, Permission)
        memo.changed_on_write("accounts", User, signals=(post_delete,))
        memo.changed_on_write("account-rows", User)  # the signed-in account kept per process (accounts.auth)
        memo.changed_on_write("accounts", User.groups.through, User.user_permissions.through,
                              Group.permissions.through, signals=(m2m_changed,))
