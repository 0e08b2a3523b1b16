"""The province's information systems and digital infrastructure, their security-level dossiers and
the incidents raised from security events.

An information system belongs to an owner agency (chủ quản) and is run by an operating unit, both
from the unit registry; the hosts, IP ranges and domains listed on it are what attributes a security
event to the system and so to its owner. Infrastructure assets (video-conference points, connection
points of the specialised data network, cameras, servers) are typed records of the same registry.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Category(models.TextChoices):
    ADMIN_PROCEDURE = "admin_procedure", "Giải quyết thủ tục hành chính / Administrative procedures"
    INTERNAL = "internal", "Quản lý nội bộ, điều hành / Internal management"
    SHARED_PLATFORM = "shared_platform", "Nền tảng dùng chung / Shared platform"
    PORTAL = "portal", "Cổng, trang thông tin điện tử / Public portal"
    DATABASE = "database", "Cơ sở dữ liệu chuyên ngành / Specialised database"
    INFRASTRUCTURE = "infrastructure", "Hạ tầng thông tin / Information infrastructure"
    INDUSTRIAL = "industrial_control", "Điều khiển công nghiệp / Industrial control"
    OTHER = "other", "Khác / Other"


class Hosting(models.TextChoices):
    PROVINCIAL_DC = "provincial_dc", "Trung tâm dữ liệu tỉnh / Provincial data centre"
    OTHER_DC = "other_dc", "Trung tâm dữ liệu khác / Another data centre"
    CLOUD = "cloud", "Điện toán đám mây / Cloud"
    ON_PREMISES = "on_premises", "Tại cơ quan / On premises"


class MigrationStatus(models.TextChoices):
    """The plan to move a system into the provincial data centre (seed 000)."""

    NOT_NEEDED = "not_needed", "Không cần (đã ở TTDL tỉnh) / Not needed"
    NOT_PLANNED = "not_planned", "Chưa có kế hoạch / Not planned"
    PLANNED = "planned", "Đã có kế hoạch / Planned"
    IN_PROGRESS = "in_progress", "Đang chuyển / In progress"
    DONE = "done", "Đã chuyển / Done"


class SystemStatus(models.TextChoices):
    BUILDING = "building", "Đang xây dựng / Being built"
    OPERATING = "operating", "Đang vận hành / In operation"
    RETIRED = "retired", "Đã dừng / Retired"


class InformationSystem(models.Model):
    code = models.CharField("Mã hệ thống / Code", max_length=40, unique=True,
                            help_text="Mã trong danh mục của tỉnh, ví dụ LCI-HTTT-001")
    name = models.CharField("Tên hệ thống / Name", max_length=255)
    owner = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="owned_systems",
                              verbose_name="Chủ quản / Owner agency")
    operator = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="operated_systems",
                                 null=True, blank=True, verbose_name="Đơn vị vận hành / Operating unit")
    purpose = models.TextField("Mục đích / Purpose", blank=True)
    category = models.CharField("Loại hệ thống / Category", max_length=30, choices=Category.choices)
    status = models.CharField("Trạng thái / Status", max_length=20, choices=SystemStatus.choices,
                              default=SystemStatus.OPERATING)
    users_count = models.PositiveIntegerField("Số người dùng / Users", null=True, blank=True)
    data_subjects = models.PositiveIntegerField(
        "Số chủ thể dữ liệu cá nhân / Personal-data subjects", null=True, blank=True,
        help_text="Số người có dữ liệu cá nhân cơ bản trong hệ thống")
    sensitive_subjects = models.PositiveIntegerField(
        "Số chủ thể dữ liệu nhạy cảm / Sensitive-data subjects", null=True, blank=True)
    hosting = models.CharField("Nơi đặt / Hosting", max_length=20, choices=Hosting.choices)
    migration_status = models.CharField("Chuyển về TTDL tỉnh / Migration to the provincial DC", max_length=20,
                                        choices=MigrationStatus.choices, default=MigrationStatus.NOT_PLANNED)
    migration_date = models.DateField("Ngày chuyển (dự kiến/thực tế) / Migration date", null=True, blank=True)
    connects_lgsp = models.BooleanField("Kết nối nền tảng chia sẻ tỉnh (LGSP) / Connected to LGSP", default=False)
    national_connections = models.CharField("Kết nối hệ thống quốc gia / National connections", max_length=500,
                                            blank=True, help_text="Cách nhau bằng dấu ;")
    addresses = models.TextField("Máy chủ, dải IP, tên miền / Hosts, IP ranges, domains", blank=True,
                                 help_text="Mỗi dòng một địa chỉ: 10.1.2.3, 10.1.2.0/24, dichvucong.laocai.gov.vn")
    in_service_since = models.DateField("Đưa vào sử dụng / In service since", null=True, blank=True)
    note = models.TextField("Ghi chú / Note", blank=True)

    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        verbose_name = "Hệ thống thông tin / Information system"
        verbose_name_plural = "Hệ thống thông tin / Information systems"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AssetKind(models.TextChoices):
    VC_POINT = "vc_point", "Điểm cầu truyền hình trực tuyến / Video-conference point"
    NETWORK_POINT = "network_point", "Điểm kết nối mạng truyền số liệu chuyên dùng / Data-network point"
    CAMERA = "camera", "Camera (IOC, giao thông) / Camera"
    SERVER = "server", "Máy chủ / Server"


# Allowed subtypes per kind: the typed part of an asset record.
ASSET_SUBTYPES: dict[str, dict[str, str]] = {
    AssetKind.VC_POINT: {"province": "Cấp tỉnh / Province", "department": "Sở, ngành / Department",
                         "commune": "Cấp xã / Commune", "district": "Cấp huyện (trước 2025) / District"},
    AssetKind.NETWORK_POINT: {"level1": "Cấp I / Level I", "level2": "Cấp II / Level II"},
    AssetKind.CAMERA: {"traffic": "Giao thông / Traffic", "security": "An ninh trật tự / Public order",
                       "ioc": "Đô thị thông minh, IOC / Smart city"},
    AssetKind.SERVER: {"physical": "Máy chủ vật lý / Physical", "virtual": "Máy chủ ảo / Virtual"},
}


class AssetStatus(models.TextChoices):
    OPERATING = "operating", "Đang hoạt động / Operating"
    FAULTY = "faulty", "Hỏng, gián đoạn / Faulty"
    RETIRED = "retired", "Đã thu hồi / Retired"


class Asset(models.Model):
    code = models.CharField("Mã tài sản / Code", max_length=40, unique=True)
    kind = models.CharField("Loại / Kind", max_length=20, choices=AssetKind.choices)
    subtype = models.CharField("Phân loại / Subtype", max_length=20, blank=True)
    name = models.CharField("Tên / Name", max_length=255)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="digital_assets",
                             verbose_name="Đơn vị / Unit")
    system = models.ForeignKey(InformationSystem, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="assets", verbose_name="Thuộc hệ thống / System")
    status = models.CharField("Trạng thái / Status", max_length=20, choices=AssetStatus.choices,
                              default=AssetStatus.OPERATING)
    location = models.CharField("Vị trí / Location", max_length=255, blank=True)
    address = models.CharField("Địa chỉ IP, tên máy / IP address, host name", max_length=255, blank=True)
    latitude = models.DecimalField("Vĩ độ / Latitude", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("Kinh độ / Longitude", max_digits=9, decimal_places=6, null=True, blank=True)
    commissioned_on = models.DateField("Đưa vào sử dụng / Commissioned", null=True, blank=True)
    note = models.TextField("Ghi chú / Note", blank=True)

    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        verbose_name = "Tài sản hạ tầng số / Digital infrastructure asset"
        verbose_name_plural = "Tài sản hạ tầng số / Digital infrastructure assets"
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
    DRAFT = "draft", "Đang soạn / Draft"
    SUBMITTED = "submitted", "Đã trình thẩm định / Submitted"
    APPRAISED = "appraised", "Đã thẩm định / Appraised"
    APPROVED = "approved", "Đã phê duyệt / Approved"
    RETURNED = "returned", "Trả lại để bổ sung / Returned with comments"


class LevelDossier(models.Model):
    """A system's security-level dossier (hồ sơ đề xuất cấp độ), judged under the regime in force on its
    date. Draft → submitted → appraised → approved (decision number, date, signer) → due for review when
    the review date passes; the appraiser or approver may return it with comments."""

    system = models.ForeignKey(InformationSystem, on_delete=models.PROTECT, related_name="dossiers",
                               verbose_name="Hệ thống / System")
    dated = models.DateField("Ngày hồ sơ / Dossier date",
                             help_text="Chế độ pháp lý áp dụng là chế độ có hiệu lực vào ngày này")
    regime = models.CharField("Chế độ áp dụng / Regime", max_length=40)
    proposed_level = models.PositiveSmallIntegerField("Cấp độ đề xuất / Proposed level")
    screening = models.JSONField("Kết quả sàng lọc / Screening", default=dict, blank=True)
    justification = models.TextField("Thuyết minh / Justification", blank=True)
    status = models.CharField("Trạng thái / Status", max_length=20, choices=DossierStatus.choices,
                              default=DossierStatus.DRAFT)
    submitted_at = models.DateTimeField("Ngày trình / Submitted", null=True, blank=True)
    appraised_by = _user_fk("appraised_dossiers", "Người thẩm định / Appraised by")
    appraiser_authority = models.CharField("Cơ quan thẩm định / Appraising authority", max_length=255, blank=True)
    appraised_at = models.DateTimeField("Ngày thẩm định / Appraised", null=True, blank=True)
    appraisal_note = models.TextField("Ý kiến thẩm định / Appraisal opinion", blank=True)
    approved_by = _user_fk("approved_dossiers", "Người phê duyệt / Approved by")
    decision_number = models.CharField("Số quyết định / Decision number", max_length=60, blank=True)
    decision_date = models.DateField("Ngày quyết định / Decision date", null=True, blank=True)
    signer = models.CharField("Người ký / Signer", max_length=255, blank=True)
    approved_level = models.PositiveSmallIntegerField("Cấp độ được phê duyệt / Approved level", null=True, blank=True)
    review_due = models.DateField("Hạn rà soát / Review due", null=True, blank=True)
    comments = models.TextField("Ý kiến trả lại / Comments when returned", blank=True)
    created_by = _user_fk("created_dossiers", "Người lập / Created by")
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "Hồ sơ cấp độ / Level dossier"
        verbose_name_plural = "Hồ sơ cấp độ / Level dossiers"
        ordering = ["-dated", "-id"]
        permissions = [("approve_level", "Phê duyệt hồ sơ cấp độ / Approve level dossiers")]

    def __str__(self) -> str:
        return f"{self.system.code} · cấp độ {self.proposed_level} · {self.get_status_display()}"


def dossier_upload_path(instance: "DossierDocument", filename: str) -> str:
    return f"security/dossiers/{instance.dossier_id}/{filename}"


class DossierDocument(models.Model):
    dossier = models.ForeignKey(LevelDossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("Thành phần hồ sơ / Document", max_length=40)
    file = models.FileField("Tệp / File", upload_to=dossier_upload_path, max_length=255)
    name = models.CharField("Tên tệp / File name", max_length=255)
    uploaded_by = _user_fk("security_documents", "Người tải lên / Uploaded by")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Tài liệu hồ sơ cấp độ / Dossier document"
        verbose_name_plural = "Tài liệu hồ sơ cấp độ / Dossier documents"
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name


class Severity(models.TextChoices):
    INFORMATIONAL = "informational", "Thông tin / Informational"
    LOW = "low", "Thấp / Low"
    MEDIUM = "medium", "Trung bình / Medium"
    HIGH = "high", "Cao / High"
    CRITICAL = "critical", "Nghiêm trọng / Critical"


class IncidentStatus(models.TextChoices):
    NEW = "new", "Mới / New"
    INVESTIGATING = "investigating", "Đang xử lý / Investigating"
    CONTAINED = "contained", "Đã ngăn chặn / Contained"
    RESOLVED = "resolved", "Đã khắc phục / Resolved"
    FALSE_POSITIVE = "false_positive", "Cảnh báo nhầm / False positive"


CLOSED_STATUSES = (IncidentStatus.RESOLVED, IncidentStatus.FALSE_POSITIVE)


class Incident(models.Model):
    """An alert of a detection rule, attributed to a system and its owner, with the reporting clock of
    the regime in force when it was detected."""

    key = models.CharField(max_length=255, unique=True, editable=False,
                           help_text="rule | host | source | window: the same alert found again updates this row")
    rule_id = models.CharField("Mã quy tắc / Rule id", max_length=64)
    title = models.CharField("Tiêu đề / Title", max_length=255)
    severity = models.CharField("Mức độ / Severity", max_length=20, choices=Severity.choices)
    host = models.CharField("Máy / Host", max_length=255, blank=True)
    source_ip = models.CharField("Địa chỉ nguồn / Source address", max_length=64, blank=True)
    system = models.ForeignKey(InformationSystem, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="incidents", verbose_name="Hệ thống / System")
    owner = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="security_incidents", verbose_name="Đơn vị chủ quản / Owner unit")
    first_seen = models.DateTimeField("Sự kiện đầu / First event")
    last_seen = models.DateTimeField("Sự kiện cuối / Last event")
    event_count = models.PositiveIntegerField("Số sự kiện / Events", default=0)
    sample = models.TextField("Sự kiện mẫu / Sample event", blank=True)
    status = models.CharField("Trạng thái / Status", max_length=20, choices=IncidentStatus.choices,
                              default=IncidentStatus.NEW)
    assignee = _user_fk("security_incidents", "Người xử lý / Assignee")
    detected_at = models.DateTimeField("Phát hiện lúc / Detected at")
    regime = models.CharField("Chế độ áp dụng / Regime", max_length=40)
    notice_due = models.DateTimeField("Hạn thông báo ban đầu / Initial notice due")
    report_due = models.DateTimeField("Hạn báo cáo / Report due", null=True, blank=True)
    notified_at = models.DateTimeField("Đã thông báo lúc / Notified at", null=True, blank=True)
    reported_at = models.DateTimeField("Đã báo cáo lúc / Reported at", null=True, blank=True)
    closed_at = models.DateTimeField("Đóng lúc / Closed at", null=True, blank=True)
    note = models.TextField("Ghi chú xử lý / Handling notes", blank=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "Sự cố an toàn thông tin / Security incident"
        verbose_name_plural = "Sự cố an toàn thông tin / Security incidents"
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["status", "owner"]), models.Index(fields=["detected_at"])]
        permissions = [("ingest_events", "Gửi sự kiện an toàn thông tin / Send security events")]

    def __str__(self) -> str:
        return f"{self.title} · {self.host}"
