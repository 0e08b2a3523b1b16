"""The data-sharing catalogue (X-Road's ideas: providers, services, access rights per client, keys).

Transactions themselves are not here: they are high-volume and live in the Parquet ledger (ledger.py)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class LegalBasis(models.Model):
    """A legal text on connecting and sharing data, as dated data: which text governs a service on a day."""

    code = models.CharField(_("Mã"), max_length=40, unique=True)
    title = models.CharField(_("Tên văn bản"), max_length=300)
    reference = models.CharField(_("Số, ký hiệu"), max_length=60)
    issued_on = models.DateField(_("Ngày ban hành"), null=True, blank=True)
    valid_from = models.DateField(_("Hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replaces", verbose_name=_("Thay thế bởi"))
    verified = models.BooleanField(_("Đã đối chiếu"), default=False)
    verification_note = models.TextField(_("Ghi chú đối chiếu"), blank=True)
    source_url = models.URLField(_("Nguồn"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from", "code"]
        verbose_name = _("Căn cứ pháp lý")
        verbose_name_plural = pgettext_lazy("plural", "Căn cứ pháp lý")

    def __str__(self) -> str:
        return self.reference

    def in_force_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class ServiceKind(models.TextChoices):
    REST = "rest", "REST (OpenAPI)"
    SOAP = "soap", "SOAP (WSDL)"
    FILE = "file", _("Tệp")


class DataCategory(models.TextChoices):
    POPULATION = "population", _("Dân cư")
    BUSINESS = "business", _("Doanh nghiệp")
    LAND = "land", _("Đất đai")
    HEALTH = "health", _("Y tế")
    EDUCATION = "education", _("Giáo dục")
    TRANSPORT = "transport", _("Giao thông, xây dựng")
    FINANCE = "finance", _("Tài chính, thuế")
    SOCIAL = "social", _("Lao động, xã hội")
    ADMIN = "admin", _("Thủ tục hành chính")
    CATALOGUE = "catalogue", _("Danh mục dùng chung")
    OTHER = "other", _("Khác")


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ACTIVE = "active", _("Đang cung cấp")
    DEPRECATED = "deprecated", _("Sắp ngừng")
    RETIRED = "retired", _("Đã ngừng")


class Service(models.Model):
    """A data service one unit provides to others, identified like X-Road: provider, system, code, version."""

    provider_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="provided_services",
                                      verbose_name=_("Đơn vị cung cấp"))
    provider_system = models.CharField(
        _("Hệ thống cung cấp"), max_length=120,
        help_text="Tên hệ thống thông tin cung cấp dịch vụ")
    provider_system_code = models.CharField(
        _("Mã hệ thống trong danh mục"), max_length=40, blank=True, default="",
        help_text="Mã hệ thống trong danh mục hệ thống thông tin của tỉnh (không bắt buộc); hệ thống phải do "
                  "đơn vị cung cấp làm chủ quản hoặc vận hành")
    code = models.SlugField(_("Mã dịch vụ"), max_length=80)
    service_version = models.CharField(_("Phiên bản dịch vụ"), max_length=20, default="v1")
    name = models.CharField(_("Tên dịch vụ"), max_length=300)
    kind = models.CharField(_("Loại"), max_length=10, choices=ServiceKind.choices, default=ServiceKind.REST)
    data_category = models.CharField(_("Nhóm dữ liệu"), max_length=20, choices=DataCategory.choices,
                                     default=DataCategory.OTHER)
    personal_data = models.BooleanField(_("Có dữ liệu cá nhân"), default=False)
    legal_basis = models.ForeignKey(LegalBasis, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="services", verbose_name=_("Căn cứ pháp lý"))
    legal_basis_text = models.CharField(_("Căn cứ khác"), max_length=300, blank=True)
    status = models.CharField(_("Trạng thái"), max_length=12, choices=ServiceStatus.choices,
                              default=ServiceStatus.DRAFT)
    documentation_url = models.URLField("Tài liệu (OpenAPI/WSDL) / Documentation URL", max_length=500, blank=True)
    documentation = models.TextField(_("Mô tả, hướng dẫn"), blank=True)
    endpoint_url = models.URLField(_("Địa chỉ nội bộ của dịch vụ"), max_length=500, blank=True,
                                   help_text="Cổng kết nối chuyển tiếp lời gọi tới địa chỉ này; không công khai")
    timeout_seconds = models.PositiveSmallIntegerField(_("Thời gian chờ (giây)"), default=30)
    rate_limit_per_minute = models.PositiveIntegerField(_("Giới hạn lượt/phút mỗi bên khai thác"),
                                                        default=600)
    daily_quota = models.PositiveIntegerField(_("Hạn mức lượt/ngày mỗi bên khai thác"), default=100_000)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(_("Phiên bản bản ghi"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["code", "service_version"]
        constraints = [models.UniqueConstraint(fields=["code", "service_version"], name="sharing_service_code_version")]
        verbose_name = _("Dịch vụ chia sẻ dữ liệu")
        verbose_name_plural = pgettext_lazy("plural", "Dịch vụ chia sẻ dữ liệu")

    def __str__(self) -> str:
        return f"{self.code} {self.service_version} — {self.name}"


class AccessStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REFUSED = "refused", pgettext_lazy("status", "Từ chối")
    REVOKED = "revoked", _("Đã thu hồi")


class Access(models.Model):
    """A consumer unit's request for, and then right to, one service (X-Road's access right per client)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="accesses",
                                verbose_name=_("Dịch vụ"))
    consumer_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="service_accesses",
                                      verbose_name=_("Đơn vị khai thác"))
    consumer_system = models.CharField(_("Hệ thống khai thác"), max_length=120)
    purpose = models.TextField(_("Mục đích khai thác"))
    status = models.CharField(_("Trạng thái"), max_length=10, choices=AccessStatus.choices,
                              default=AccessStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("Ý kiến"), blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("Giới hạn lượt/phút riêng"),
                                                        null=True, blank=True)
    daily_quota = models.PositiveIntegerField(_("Hạn mức lượt/ngày riêng"), null=True, blank=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("Quyền khai thác")
        verbose_name_plural = pgettext_lazy("plural", "Quyền khai thác")

    def __str__(self) -> str:
        return f"{self.consumer_unit} → {self.service.code} ({self.status})"

    @property
    def limit_per_minute(self) -> int:
        return self.rate_limit_per_minute or self.service.rate_limit_per_minute

    @property
    def quota_per_day(self) -> int:
        return self.daily_quota or self.service.daily_quota


class ApiKey(models.Model):
    """A gateway key bound to one approved access. Only its SHA-256 digest is kept: shown once."""

    PREFIX = "tsg_"

    access = models.ForeignKey(Access, on_delete=models.CASCADE, related_name="keys")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("Nhận dạng"), max_length=12, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("Hết hạn"))
    revoked_at = models.DateTimeField(_("Thu hồi lúc"), null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("Thay bằng khóa"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Khóa API cổng kết nối")
        verbose_name_plural = pgettext_lazy("plural", "Khóa API cổng kết nối")

    def __str__(self) -> str:
        return f"{self.hint}…"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def new_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class ImportBatch(models.Model):
    """One imported transaction file: its content hash makes a second import of the same file a no-op."""

    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=255)
    mapping = models.CharField(_("Mẫu ánh xạ"), max_length=40)
    side = models.CharField(_("Phía ghi nhận"), max_length=10)
    rows_total = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Lần nhập nhật ký")
        verbose_name_plural = pgettext_lazy("plural", "Lần nhập nhật ký")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.mapping})"
