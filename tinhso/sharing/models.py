"""The data-sharing catalogue (X-Road's ideas: providers, services, access rights per client, keys).

Transactions themselves are not here: they are high-volume and live in the Parquet ledger (ledger.py)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class LegalBasis(models.Model):
    """A legal text on connecting and sharing data, as dated data: which text governs a service on a day."""

    code = models.CharField("Mã / Code", max_length=40, unique=True)
    title = models.CharField("Tên văn bản / Title", max_length=300)
    reference = models.CharField("Số, ký hiệu / Reference", max_length=60)
    issued_on = models.DateField("Ngày ban hành / Issued on", null=True, blank=True)
    valid_from = models.DateField("Hiệu lực từ / Valid from", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến / Valid to", null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replaces", verbose_name="Thay thế bởi / Replaced by")
    verified = models.BooleanField("Đã đối chiếu / Verified", default=False)
    verification_note = models.TextField("Ghi chú đối chiếu / What was confirmed", blank=True)
    source_url = models.URLField("Nguồn / Source", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from", "code"]
        verbose_name = "Căn cứ pháp lý / Legal basis"
        verbose_name_plural = "Căn cứ pháp lý / Legal bases"

    def __str__(self) -> str:
        return self.reference

    def in_force_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class ServiceKind(models.TextChoices):
    REST = "rest", "REST (OpenAPI)"
    SOAP = "soap", "SOAP (WSDL)"
    FILE = "file", "Tệp / File"


class DataCategory(models.TextChoices):
    POPULATION = "population", "Dân cư / Population"
    BUSINESS = "business", "Doanh nghiệp / Businesses"
    LAND = "land", "Đất đai / Land"
    HEALTH = "health", "Y tế / Health"
    EDUCATION = "education", "Giáo dục / Education"
    TRANSPORT = "transport", "Giao thông, xây dựng / Transport, construction"
    FINANCE = "finance", "Tài chính, thuế / Finance, tax"
    SOCIAL = "social", "Lao động, xã hội / Labour, social"
    ADMIN = "admin", "Thủ tục hành chính / Administrative procedures"
    CATALOGUE = "catalogue", "Danh mục dùng chung / Shared code lists"
    OTHER = "other", "Khác / Other"


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo / Draft"
    ACTIVE = "active", "Đang cung cấp / Active"
    DEPRECATED = "deprecated", "Sắp ngừng / Deprecated"
    RETIRED = "retired", "Đã ngừng / Retired"


class Service(models.Model):
    """A data service one unit provides to others, identified like X-Road: provider, system, code, version."""

    provider_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="provided_services",
                                      verbose_name="Đơn vị cung cấp / Provider unit")
    provider_system = models.CharField(
        "Hệ thống cung cấp / Provider system", max_length=120,
        help_text="Tên hệ thống thông tin cung cấp dịch vụ")
    provider_system_code = models.CharField(
        "Mã hệ thống trong danh mục / Inventory system code", max_length=40, blank=True, default="",
        help_text="Mã hệ thống trong danh mục hệ thống thông tin của tỉnh (không bắt buộc); hệ thống phải do "
                  "đơn vị cung cấp làm chủ quản hoặc vận hành")
    code = models.SlugField("Mã dịch vụ / Service code", max_length=80)
    service_version = models.CharField("Phiên bản dịch vụ / Service version", max_length=20, default="v1")
    name = models.CharField("Tên dịch vụ / Name", max_length=300)
    kind = models.CharField("Loại / Kind", max_length=10, choices=ServiceKind.choices, default=ServiceKind.REST)
    data_category = models.CharField("Nhóm dữ liệu / Data category", max_length=20, choices=DataCategory.choices,
                                     default=DataCategory.OTHER)
    personal_data = models.BooleanField("Có dữ liệu cá nhân / Carries personal data", default=False)
    legal_basis = models.ForeignKey(LegalBasis, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="services", verbose_name="Căn cứ pháp lý / Legal basis")
    legal_basis_text = models.CharField("Căn cứ khác / Other legal basis", max_length=300, blank=True)
    status = models.CharField("Trạng thái / Status", max_length=12, choices=ServiceStatus.choices,
                              default=ServiceStatus.DRAFT)
    documentation_url = models.URLField("Tài liệu (OpenAPI/WSDL) / Documentation URL", max_length=500, blank=True)
    documentation = models.TextField("Mô tả, hướng dẫn / Documentation", blank=True)
    endpoint_url = models.URLField("Địa chỉ nội bộ của dịch vụ / Provider endpoint", max_length=500, blank=True,
                                   help_text="Cổng kết nối chuyển tiếp lời gọi tới địa chỉ này; không công khai")
    timeout_seconds = models.PositiveSmallIntegerField("Thời gian chờ (giây) / Timeout (s)", default=30)
    rate_limit_per_minute = models.PositiveIntegerField("Giới hạn lượt/phút mỗi bên khai thác / Calls per minute",
                                                        default=600)
    daily_quota = models.PositiveIntegerField("Hạn mức lượt/ngày mỗi bên khai thác / Calls per day", default=100_000)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField("Phiên bản bản ghi / Record version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["code", "service_version"]
        constraints = [models.UniqueConstraint(fields=["code", "service_version"], name="sharing_service_code_version")]
        verbose_name = "Dịch vụ chia sẻ dữ liệu / Data service"
        verbose_name_plural = "Dịch vụ chia sẻ dữ liệu / Data services"

    def __str__(self) -> str:
        return f"{self.code} {self.service_version} — {self.name}"


class AccessStatus(models.TextChoices):
    PENDING = "pending", "Chờ duyệt / Pending"
    APPROVED = "approved", "Đã duyệt / Approved"
    REFUSED = "refused", "Từ chối / Refused"
    REVOKED = "revoked", "Đã thu hồi / Revoked"


class Access(models.Model):
    """A consumer unit's request for, and then right to, one service (X-Road's access right per client)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="accesses",
                                verbose_name="Dịch vụ / Service")
    consumer_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="service_accesses",
                                      verbose_name="Đơn vị khai thác / Consumer unit")
    consumer_system = models.CharField("Hệ thống khai thác / Consumer system", max_length=120)
    purpose = models.TextField("Mục đích khai thác / Purpose")
    status = models.CharField("Trạng thái / Status", max_length=10, choices=AccessStatus.choices,
                              default=AccessStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("Ý kiến / Decision note", blank=True)
    rate_limit_per_minute = models.PositiveIntegerField("Giới hạn lượt/phút riêng / Own calls per minute",
                                                        null=True, blank=True)
    daily_quota = models.PositiveIntegerField("Hạn mức lượt/ngày riêng / Own calls per day", null=True, blank=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "Quyền khai thác / Access right"
        verbose_name_plural = "Quyền khai thác / Access rights"

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
    hint = models.CharField("Nhận dạng / Hint", max_length=12, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("Hết hạn / Expires")
    revoked_at = models.DateTimeField("Thu hồi lúc / Revoked at", null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="Thay bằng khóa / Rotated to")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Khóa API cổng kết nối / Gateway API key"
        verbose_name_plural = "Khóa API cổng kết nối / Gateway API keys"

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
    mapping = models.CharField("Mẫu ánh xạ / Mapping", max_length=40)
    side = models.CharField("Phía ghi nhận / Recorded by", max_length=10)
    rows_total = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Lần nhập nhật ký / Ledger import"
        verbose_name_plural = "Lần nhập nhật ký / Ledger imports"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.mapping})"
