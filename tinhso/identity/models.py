"""Client applications that sign their users in through tinhso, and the log of those sign-ins.

django-oauth-toolkit keeps the OAuth2 application itself (client id, hashed secret, redirect URIs, tokens);
`ClientApplication` adds what a province needs to govern it: the owning unit, the scopes it may ask for,
a switch that disables it at once, a version for concurrent edits, and the audit history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

# Scopes tinhso offers; the Vietnamese text is what the consent page shows the user.
SCOPES = {
    "openid": "Xác nhận danh tính của bạn",
    "profile": "Họ tên và tên đăng nhập",
    "email": "Địa chỉ thư điện tử",
    "tinhso": "Đơn vị công tác (tên, mã định danh điện tử), tỉnh và vai trò của bạn trong Tỉnh số",
}
DEFAULT_ALLOWED_SCOPES = "openid profile"


class ClientApplication(models.Model):
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="tinhso_client"
    )
    owner_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="client_applications",
                                   verbose_name=_("Đơn vị chủ quản"))
    description = models.TextField(_("Mô tả"), blank=True)
    allowed_scopes = models.CharField(_("Phạm vi được cấp"), max_length=200, default=DEFAULT_ALLOWED_SCOPES,
                                      help_text=_("Các phạm vi, cách nhau bởi dấu cách"))
    enabled = models.BooleanField(_("Đang hoạt động"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Ứng dụng kết nối đăng nhập")
        verbose_name_plural = pgettext_lazy("plural", "Ứng dụng kết nối đăng nhập")
        ordering = ["application__name"]

    def __str__(self) -> str:
        return self.application.name

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.allowed_scopes.split() if s in SCOPES]


class SignIn(models.Model):
    """One token issued to an application for a user: the per-application sign-in log (append-only)."""

    client = models.ForeignKey(ClientApplication, on_delete=models.CASCADE, related_name="sign_ins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    grant_type = models.CharField(max_length=40)
    scopes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.client} · {self.user} · {self.at:%d/%m/%Y %H:%M}"
