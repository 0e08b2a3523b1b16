import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị cấp tỉnh")
    FOCAL = "focal", _("Đầu mối đơn vị")
    VIEWER = "viewer", _("Lãnh đạo, xem")
    API_CLIENT = "api_client", _("Hệ thống kết nối (API)")


class User(AbstractUser):
    """A person or system account. Its unit bounds what it may change (see accounts.services)."""

    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("Đơn vị"),
        help_text=_("Trống nghĩa là toàn hệ thống (chỉ với quản trị)"),
    )
    role = models.CharField(_("Vai trò"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    full_name = models.CharField(_("Họ và tên"), max_length=200, blank=True)
    # A message shown once at the next sign-in, e.g. that the account followed its unit into a merger.
    notice = models.TextField(_("Thông báo khi đăng nhập lần sau"), blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("Người dùng")
        verbose_name_plural = pgettext_lazy("plural", "Người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for an API client. Only its SHA-256 digest is stored."""

    PREFIX = "tsk_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("Tên"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="First characters, to recognise it")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Mã truy cập API")
        verbose_name_plural = pgettext_lazy("plural", "Mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, expires_at=None) -> tuple["ApiToken", str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.digest_of(raw), hint=raw[:10],
                                   expires_at=expires_at)
        return token, raw
