"""Dashboards are data: a saved definition (widgets, alert filters, layout, scope, period), shared by
the DX office or owned by one user, a per-user pin, and kiosk links for the IOC video wall."""

import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Audience(models.TextChoices):
    LEADER = "leader", "Lãnh đạo / Leader"
    DX_OFFICE = "dx_office", "Cơ quan chuyên trách CĐS / DX office"
    FOCAL = "focal", "Đầu mối đơn vị / Focal point"
    SECTOR = "sector", "Cán bộ chuyên ngành / Sector officer"


class Dashboard(models.Model):
    name = models.CharField("Tên / Name", max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="ioc_dashboards",
                              help_text="Trống: bảng dùng chung do cơ quan CĐS quản lý / Empty: shared")
    default_for = models.CharField("Mặc định cho / Default for", max_length=20, choices=Audience.choices,
                                   blank=True)
    definition = models.JSONField("Định nghĩa / Definition")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "Bảng điều hành / Dashboard"
        verbose_name_plural = "Bảng điều hành / Dashboards"
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
    label = models.CharField("Màn hình / Screen", max_length=120)
    nonce = models.CharField(max_length=64, default=secrets.token_hex, editable=False)  # token_hex() gives 64
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("Hết hạn / Expires")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_seen_at"])

    class Meta:
        verbose_name = "Liên kết màn hình / Kiosk link"
        verbose_name_plural = "Liên kết màn hình / Kiosk links"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} → {self.dashboard}"
