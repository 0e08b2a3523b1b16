import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị cấp tỉnh / Provincial administrator"
    FOCAL = "focal", "Đầu mối đơn vị / Unit focal point"
    VIEWER = "viewer", "Lãnh đạo, xem / Leader, read-only"
    API_CLIENT = "api_client", "Hệ thống kết nối (API) / API client"


class User(AbstractUser):
    """A person or system account. Its unit bounds what it may change (see accounts.services)."""

    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name="Đơn vị / Unit",
        help_text="Trống nghĩa là toàn hệ thống (chỉ với quản trị) / Empty means system-wide (admins only)",
    )
    role = models.CharField("Vai trò / Role", max_length=20, choices=Role.choices, default=Role.VIEWER)
    full_name = models.CharField("Họ và tên / Full name", max_length=200, blank=True)
    # A message shown once at the next sign-in, e.g. that the account followed its unit into a merger.
    notice = models.TextField("Thông báo khi đăng nhập lần sau / Notice at next sign-in", blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "Người dùng / User"
        verbose_name_plural = "Người dùng / Users"

    def __str__(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for an API client. Only its SHA-256 digest is stored."""

    PREFIX = "tsk_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("Tên / Name", max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="First characters, to recognise it")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "Mã truy cập API / API token"
        verbose_name_plural = "Mã truy cập API / API tokens"

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
