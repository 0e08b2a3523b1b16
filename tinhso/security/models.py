"""The province's information systems and digital infrastructure, their security-level dossiers and
the incidents raised from security events.

An information system belongs to an owner agency (chủ quản) and is run by an operating unit, both
from the unit registry; the hosts, IP ranges and domains listed on it are what attributes a security
event to the system and so to its owner. Infrastructure assets (video-conference points, connection
points of the specialised data network, cameras, servers) are typed records of the same registry.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Category(models.TextChoices):
    ADMIN_PROCEDURE = "admin_procedure", _("Giải quyết thủ tục hành chính")
    INTERNAL = "internal", _("Quản lý nội bộ, điều hành")
    SHARED_PLATFORM = "shared_platform", _("Nền tảng dùng chung")
    PORTAL = "portal", _("Cổng, trang thông tin điện tử")
    DATABASE = "database", _("Cơ sở dữ liệu chuyên ngành")
    INFRASTRUCTURE = "infrastructure", _("Hạ tầng thông tin")
    INDUSTRIAL = "industrial_control", _("Điều khiển công nghiệp")
    OTHER = "other", _("Khác")


class Hosting(models.TextChoices):
    PROVINCIAL_DC = "provincial_dc", _("Trung tâm dữ liệu tỉnh")
    OTHER_DC = "other_dc", _("Trung tâm dữ liệu khác")
    CLOUD = "cloud", _("Điện toán đám mây")
    ON_PREMISES = "on_premises", _("Tại cơ quan")


class MigrationStatus(models.TextChoices):
    """The plan to move a system into the provincial data centre (seed 000)."""

    NOT_NEEDED = "not_needed", _("Không cần (đã ở TTDL tỉnh)")
    NOT_PLANNED = "not_planned", _("Chưa có kế hoạch")
    PLANNED = "planned", _("Đã có kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang chuyển")
    DONE = "done", _("Đã chuyển")


class SystemStatus(models.TextChoices):
    BUILDING = "building", _("Đang xây dựng")
    OPERATING = "operating", _("Đang vận hành")
    RETIRED = "retired", _("Đã dừng")


class InformationSystem(models.Model):
    code = models.CharField(_("Mã hệ thống"), max_length=40, unique=True,
                            help_text="Mã trong danh mục của tỉnh, ví dụ LCI-HTTT-001")
    name = models.CharField(_("Tên hệ thống"), max_length=255)
    owner = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="owned_systems",
                              verbose_name=_("Chủ quản"))
    operator = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="operated_systems",
                                 null=True, blank=True, verbose_name=_("Đơn vị vận hành"))
    purpose = models.TextField(_("Mục đích"), blank=True)
    category = models.CharField(_("Loại hệ thống"), max_length=30, choices=Category.choices)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=SystemStatus.choices,
                              default=SystemStatus.OPERATING)
    users_count = models.PositiveIntegerField(_("Số người dùng"), null=True, blank=True)
    data_subjects = models.PositiveIntegerField(
        _("Số chủ thể dữ liệu cá nhân"), null=True, blank=True,
        help_text="Số người có dữ liệu cá nhân cơ bản trong hệ thống")
    sensitive_subjects = models.PositiveIntegerField(
        _("Số chủ thể dữ liệu nhạy cảm"), null=True, blank=True)
    hosting = models.CharField(_("Nơi đặt"), max_length=20, choices=Hosting.choices)
    migration_status = models.CharField(_("Chuyển về TTDL tỉnh"), max_length=20,
                                        choices=MigrationStatus.choices, default=MigrationStatus.NOT_PLANNED)
    migration_date = models.DateField(_("Ngày chuyển (dự kiến/thực tế)"), null=True, blank=True)
    connects_lgsp = models.BooleanField(_("Kết nối nền tảng chia sẻ tỉnh (LGSP)"), default=False)
    national_connections = models.CharField(_("Kết nối hệ thống quốc gia"), max_length=500,
                                            blank=True, help_text="Cách nhau bằng dấu ;")
    addresses = models.TextField(_("Máy chủ, dải IP, tên miền"), blank=True,
                                 help_text="Mỗi dòng một địa chỉ: 10.1.2.3, 10.1.2.0/24, dichvucong.laocai.gov.vn")
    in_service_since = models.DateField(_("Đưa vào sử dụng"), null=True, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)

    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        verbose_name = _("Hệ thống thông tin")
        verbose_name_plural = pgettext_lazy("plural", "Hệ thống thông tin")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AssetKind(models.TextChoices):
    VC_POINT = "vc_point", _("Điểm cầu truyền hình trực tuyến")
    NETWORK_POINT = "network_point", _("Điểm kết nối mạng truyền số liệu chuyên dùng")
    CAMERA = "camera", _("Camera (IOC, giao thông)")
    SERVER = "server", _("Máy chủ")


# Allowed subtypes per kind: the typed part of an asset record.
ASSET_SUBTYPES: dict[str, dict[str, str]] = {
    AssetKind.VC_POINT: {"province": _("Cấp tỉnh"), "department": _("Sở, ngành"),
                         "commune": _("Cấp xã"), "district": _("Cấp huyện (trước 2025)")},
    AssetKind.NETWORK_POINT: {"level1": _("Cấp I"), "level2": _("Cấp II")},
    AssetKind.CAMERA: {"traffic": _("Giao thông"), "security": _("An ninh trật tự"),
                       "ioc": _("Đô thị thông minh, IOC")},
    AssetKind.SERVER: {"physical": _("Máy chủ vật lý"), "virtual": _("Máy chủ ảo")},
}


class AssetStatus(models.TextChoices):
    OPERATING = "operating", pgettext_lazy("asset status", "Đang hoạt động")
    FAULTY = "faulty", _("Hỏng, gián đoạn")
    RETIRED = "retired", pgettext_lazy("asset status", "Đã thu hồi")


class Asset(models.Model):
    code = models.CharField(_("Mã tài sản"), max_length=40, unique=True)
    kind = models.CharField(_("Loại"), max_length=20, choices=AssetKind.choices)
    subtype = models.CharField(_("Phân loại"), max_length=20, blank=True)
    name = models.CharField(_("Tên"), max_length=255)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="digital_assets",
                             verbose_name=_("Đơn vị"))
    system = models.ForeignKey(InformationSystem, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="assets", verbose_name=_("Thuộc hệ thống"))
    status = models.CharField(_("Trạng thái"), max_length=20, choices=AssetStatus.choices,
                              default=AssetStatus.OPERATING)
    location = models.CharField(_("Vị trí"), max_length=255, blank=True)
    address = models.CharField(_("Địa chỉ IP, tên máy"), max_length=255, blank=True)
    latitude = models.DecimalField(_("Vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("Kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    commissioned_on = models.DateField(_("Đưa vào sử dụng"), null=True, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)

    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        verbose_name = _("Tài sản hạ tầng số")
        verbose_name_plural = pgettext_lazy("plural", "Tài sản hạ tầng số")
        ordering = ["kind", "code"]
        indexes = [models.Index(fields=["kind", "unit"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def subtype_label(self) -> str:
        return ASSET_SUBTYPES.get(self.kind, {}).get(self.subtype, self.subtype)


def _user_fk(related: str, verbose: str) -> models.ForeignKey:
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name=related, verbose_name=verbose)


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã trình thẩm định")
    APPRAISED = "appraised", _("Đã thẩm định")
    APPROVED = "approved", _("Đã phê duyệt")
    RETURNED = "returned", _("Trả lại để bổ sung")


class LevelDossier(models.Model):
    """A system's security-level dossier (hồ sơ đề xuất cấp độ), judged under the regime in force on its
    date. Draft → submitted → appraised → approved (decision number, date, signer) → due for review when
    the review date passes; the appraiser or approver may return it with comments."""

    system = models.ForeignKey(InformationSystem, on_delete=models.PROTECT, related_name="dossiers",
                               verbose_name=_("Hệ thống"))
    dated = models.DateField(_("Ngày hồ sơ"),
                             help_text="Chế độ pháp lý áp dụng là chế độ có hiệu lực vào ngày này")
    regime = models.CharField(_("Chế độ áp dụng"), max_length=40)
    proposed_level = models.PositiveSmallIntegerField(_("Cấp độ đề xuất"))
    screening = models.JSONField(_("Kết quả sàng lọc"), default=dict, blank=True)
    justification = models.TextField(_("Thuyết minh"), blank=True)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=DossierStatus.choices,
                              default=DossierStatus.DRAFT)
    submitted_at = models.DateTimeField(_("Ngày trình"), null=True, blank=True)
    appraised_by = _user_fk("appraised_dossiers", _("Người thẩm định"))
    appraiser_authority = models.CharField(_("Cơ quan thẩm định"), max_length=255, blank=True)
    appraised_at = models.DateTimeField(_("Ngày thẩm định"), null=True, blank=True)
    appraisal_note = models.TextField(_("Ý kiến thẩm định"), blank=True)
    approved_by = _user_fk("approved_dossiers", _("Người phê duyệt"))
    decision_number = models.CharField(_("Số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    signer = models.CharField(_("Người ký"), max_length=255, blank=True)
    approved_level = models.PositiveSmallIntegerField(_("Cấp độ được phê duyệt"), null=True, blank=True)
    review_due = models.DateField(_("Hạn rà soát"), null=True, blank=True)
    comments = models.TextField(_("Ý kiến trả lại"), blank=True)
    created_by = _user_fk("created_dossiers", _("Người lập"))
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("Hồ sơ cấp độ")
        verbose_name_plural = pgettext_lazy("plural", "Hồ sơ cấp độ")
        ordering = ["-dated", "-id"]
        permissions = [("approve_level", _("Phê duyệt hồ sơ cấp độ"))]

    def __str__(self) -> str:
        return f"{self.system.code} · cấp độ {self.proposed_level} · {self.get_status_display()}"


def dossier_upload_path(instance: "DossierDocument", filename: str) -> str:
    return f"security/dossiers/{instance.dossier_id}/{filename}"


class DossierDocument(models.Model):
    dossier = models.ForeignKey(LevelDossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("Thành phần hồ sơ"), max_length=40)
    file = models.FileField(_("Tệp"), upload_to=dossier_upload_path, max_length=255)
    name = models.CharField(_("Tên tệp"), max_length=255)
    uploaded_by = _user_fk("security_documents", _("Người tải lên"))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Tài liệu hồ sơ cấp độ")
        verbose_name_plural = pgettext_lazy("plural", "Tài liệu hồ sơ cấp độ")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name


class Severity(models.TextChoices):
    INFORMATIONAL = "informational", _("Thông tin")
    LOW = "low", _("Thấp")
    MEDIUM = "medium", pgettext_lazy("severity", "Trung bình")
    HIGH = "high", _("Cao")
    CRITICAL = "critical", _("Nghiêm trọng")


class IncidentStatus(models.TextChoices):
    NEW = "new", _("Mới")
    INVESTIGATING = "investigating", _("Đang xử lý")
    CONTAINED = "contained", _("Đã ngăn chặn")
    RESOLVED = "resolved", _("Đã khắc phục")
    FALSE_POSITIVE = "false_positive", _("Cảnh báo nhầm")


CLOSED_STATUSES = (IncidentStatus.RESOLVED, IncidentStatus.FALSE_POSITIVE)


class Incident(models.Model):
    """An alert of a detection rule, attributed to a system and its owner, with the reporting clock of
    the regime in force when it was detected."""

    key = models.CharField(max_length=255, unique=True, editable=False,
                           help_text="rule | host | source | window: the same alert found again updates this row")
    rule_id = models.CharField(_("Mã quy tắc"), max_length=64)
    title = models.CharField(_("Tiêu đề"), max_length=255)
    severity = models.CharField(_("Mức độ"), max_length=20, choices=Severity.choices)
    host = models.CharField(_("Máy"), max_length=255, blank=True)
    source_ip = models.CharField(_("Địa chỉ nguồn"), max_length=64, blank=True)
    system = models.ForeignKey(InformationSystem, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="incidents", verbose_name=_("Hệ thống"))
    owner = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="security_incidents", verbose_name=_("Đơn vị chủ quản"))
    first_seen = models.DateTimeField(_("Sự kiện đầu"))
    last_seen = models.DateTimeField(_("Sự kiện cuối"))
    event_count = models.PositiveIntegerField(_("Số sự kiện"), default=0)
    sample = models.TextField(_("Sự kiện mẫu"), blank=True)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=IncidentStatus.choices,
                              default=IncidentStatus.NEW)
    assignee = _user_fk("security_incidents", _("Người xử lý"))
    detected_at = models.DateTimeField(_("Phát hiện lúc"))
    regime = models.CharField(_("Chế độ áp dụng"), max_length=40)
    notice_due = models.DateTimeField(_("Hạn thông báo ban đầu"))
    report_due = models.DateTimeField(_("Hạn báo cáo"), null=True, blank=True)
    notified_at = models.DateTimeField(_("Đã thông báo lúc"), null=True, blank=True)
    reported_at = models.DateTimeField(_("Đã báo cáo lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Đóng lúc"), null=True, blank=True)
    note = models.TextField(_("Ghi chú xử lý"), blank=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("Sự cố an toàn thông tin")
        verbose_name_plural = pgettext_lazy("plural", "Sự cố an toàn thông tin")
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["status", "owner"]), models.Index(fields=["detected_at"])]
        permissions = [("ingest_events", _("Gửi sự kiện an toàn thông tin"))]

    def __str__(self) -> str:
        return f"{self.title} · {self.host}"
