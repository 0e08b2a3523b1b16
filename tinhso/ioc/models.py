"""Dashboards are data: a saved definition (widgets, alert filters, layout, scope, period), shared by
the DX office or owned by one user, a per-user pin, and kiosk links for the IOC video wall."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Audience(models.TextChoices):
    LEADER = "leader", _("Lãnh đạo")
    DX_OFFICE = "dx_office", _("Cơ quan chuyên trách CĐS")
    FOCAL = "focal", _("Đầu mối đơn vị")
    SECTOR = "sector", _("Cán bộ chuyên ngành")


class Dashboard(models.Model):
    name = models.CharField(_("Tên"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="ioc_dashboards",
                              help_text=_("Trống: bảng dùng chung do cơ quan CĐS quản lý"))
    default_for = models.CharField(_("Mặc định cho"), max_length=20, choices=Audience.choices,
                                   blank=True)
    definition = models.JSONField(_("Định nghĩa"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("Bảng điều hành")
        verbose_name_plural = pgettext_lazy("plural", "Bảng điều hành")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Pin(models.Model):
    """The dashboard a user opens on the home page instead of their role's default."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ioc_pin")
    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="pins")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.dashboard_id}"


class KioskLink(models.Model):
    """A signed, read-only, expiring, revocable link showing one dashboard on a wall PC without login.
    The URL carries a signature of (id, nonce); revoking sets `revoked_at`, so the same URL then fails."""

    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="kiosk_links")
    label = models.CharField(_("Màn hình"), max_length=120)
    nonce = models.CharField(max_length=64, default=secrets.token_hex, editable=False)  # token_hex() gives 64
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("Hết hạn"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_seen_at"])

    class Meta:
        verbose_name = _("Liên kết màn hình")
        verbose_name_plural = pgettext_lazy("plural", "Liên kết màn hình")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} → {self.dashboard}"
