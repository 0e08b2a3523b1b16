"""Journey monitoring (giám sát hành trình): the relational side — businesses, vehicles, drivers,
devices, violation rules kept as data, and the log of ingested batches.

Positions themselves are not in the relational store: they live as Parquet files partitioned by day
under TINHSO_DATA_DIR/transport (see tinhso.transport.store) and are queried through DuckDB.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tinhso.core.errors import in_language

VIEW_PERMISSION = "transport.view_journeys"
INGEST_PERMISSION = "transport.ingest_positions"
INSPECTOR_GROUP = "Thanh tra giao thông"


class LicenceKind(models.TextChoices):
    FIXED_ROUTE = "fixed_route", _("Tuyến cố định")
    CONTRACT = "contract", _("Hợp đồng")
    TOURIST = "tourist", _("Du lịch")
    TAXI = "taxi", "Taxi"
    BUS = "bus", _("Xe buýt")
    FREIGHT = "freight", _("Hàng hóa")
    CONTAINER = "container", "Container"


class Business(models.Model):
    """A transport business (đơn vị kinh doanh vận tải) holding a transport business licence."""

    name = models.CharField(_("Tên đơn vị"), max_length=255)
    licence_number = models.CharField(_("Số giấy phép KDVT"), max_length=50, unique=True)
    address = models.CharField(_("Địa chỉ"), max_length=255, blank=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="transport_businesses", verbose_name=_("Tỉnh quản lý"))
    active = models.BooleanField(_("Đang hoạt động"), default=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("Đơn vị kinh doanh vận tải")
        verbose_name_plural = pgettext_lazy("plural", "Đơn vị kinh doanh vận tải")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    plate = models.CharField(_("Biển số"), max_length=20)
    # Upper-case plate without separators ("20B01234"): what devices' rows are matched on.
    plate_key = models.CharField(max_length=20, unique=True, editable=False)
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="vehicles",
                                 verbose_name=_("Đơn vị kinh doanh"))
    licence_kind = models.CharField(_("Loại hình kinh doanh"), max_length=20, choices=LicenceKind.choices)
    seats = models.PositiveSmallIntegerField(_("Số chỗ"), null=True, blank=True)
    tonnage = models.DecimalField(_("Tải trọng (tấn)"), max_digits=6, decimal_places=2,
                                  null=True, blank=True)
    registered_route = models.CharField(_("Tuyến đăng ký"), max_length=255, blank=True,
                                        help_text=_("Chỉ với xe tuyến cố định"))
    badge_number = models.CharField(_("Số phù hiệu"), max_length=50, blank=True)
    badge_expiry = models.DateField(_("Hạn phù hiệu"), null=True, blank=True)
    drivers = models.ManyToManyField("Driver", blank=True, related_name="vehicles",
                                     verbose_name=_("Lái xe được giao"))
    active = models.BooleanField(_("Đang hoạt động"), default=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("Phương tiện")
        verbose_name_plural = pgettext_lazy("plural", "Phương tiện")
        ordering = ["plate"]
        permissions = [
            ("view_journeys", _("Xem dữ liệu giám sát hành trình")),
            ("ingest_positions", _("Gửi dữ liệu giám sát hành trình")),
        ]

    def __str__(self) -> str:
        return self.plate


class Driver(models.Model):
    full_name = models.CharField(_("Họ và tên"), max_length=200)
    licence_number = models.CharField(_("Số giấy phép lái xe"), max_length=20, unique=True)
    business = models.ForeignKey(Business, null=True, blank=True, on_delete=models.PROTECT, related_name="drivers",
                                 verbose_name=_("Đơn vị kinh doanh"))
    active = models.BooleanField(_("Đang hoạt động"), default=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Lái xe")
        verbose_name_plural = pgettext_lazy("plural", "Lái xe")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.licence_number})"


class Device(models.Model):
    """A journey-monitoring device (thiết bị giám sát hành trình) fitted to a vehicle."""

    serial = models.CharField(_("Số sê-ri"), max_length=50, unique=True)
    provider = models.CharField(_("Đơn vị cung cấp"), max_length=120, blank=True)
    vehicle = models.OneToOneField(Vehicle, null=True, blank=True, on_delete=models.SET_NULL, related_name="device",
                                   verbose_name=_("Lắp trên xe"))
    active = models.BooleanField(_("Đang hoạt động"), default=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Thiết bị GSHT")
        verbose_name_plural = pgettext_lazy("plural", "Thiết bị GSHT")

    def __str__(self) -> str:
        return self.serial


class FleetStamp(models.Model):
    """One row whose version changes with every change of the vehicle registry, in the same transaction.
    Each process caches the plate → vehicle map and compares this stamp before every ingest batch, so a
    vehicle registered in another process is known at once (one indexed read instead of a time-out)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("Dấu phiên bản đội xe")

    def __str__(self) -> str:
        return str(self.version)


class Contract(models.Model):
    """A declared transport contract (hợp đồng vận tải điện tử) of a contract vehicle: who hired it, for
    which route and dates, how many passengers. A trip matching a declared contract is evidence against a
    disguised-coach suspicion."""

    number = models.CharField(_("Số hợp đồng"), max_length=60)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="contracts",
                                verbose_name=_("Phương tiện"))
    customer = models.CharField(_("Bên thuê"), max_length=255)
    origin = models.CharField(_("Điểm đi"), max_length=255)
    destination = models.CharField(_("Điểm đến"), max_length=255)
    start_date = models.DateField(_("Từ ngày"))
    end_date = models.DateField(_("Đến ngày"))
    passengers = models.PositiveIntegerField(_("Số hành khách"), null=True, blank=True)
    active = models.BooleanField(_("Còn hiệu lực"), default=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Hợp đồng vận tải")
        verbose_name_plural = pgettext_lazy("plural", "Hợp đồng vận tải")
        ordering = ["-start_date", "number"]
        constraints = [models.UniqueConstraint(fields=["vehicle", "number"], name="transport_contract_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.vehicle})"


class RuleKind(models.TextChoices):
    SPEEDING = "speeding", _("Quá tốc độ")
    CONTINUOUS_DRIVING = "continuous_driving", _("Lái xe liên tục quá thời gian")
    DAILY_DRIVING = "daily_driving", _("Lái xe quá thời gian trong ngày")
    WEEKLY_DRIVING = "weekly_driving", _("Lái xe quá thời gian trong tuần")
    DATA_GAP = "data_gap", _("Mất tín hiệu, gián đoạn dữ liệu")
    NO_DRIVER = "no_driver", _("Chạy xe không đăng nhập lái xe")


class Rule(models.Model):
    """A violation rule as data: its parameters and the legal text they come from. Changing a limit
    is an edit of this row (audited), never a code change."""

    code = models.SlugField(_("Mã"), max_length=50, unique=True)
    kind = models.CharField(_("Loại"), max_length=30, choices=RuleKind.choices)
    name = models.CharField(_("Tên"), max_length=255)
    params = models.JSONField(_("Tham số"), default=dict)
    legal_reference = models.TextField(_("Căn cứ pháp lý"), blank=True)
    # The rule applies to data of these local days (inclusive; empty = unbounded): a 2024 trip is judged by
    # the rules of 2024, a 2026 trip by today's.
    valid_from = models.DateField(_("Áp dụng từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("Áp dụng đến ngày"), null=True, blank=True)
    verified = models.BooleanField(_("Đã đối chiếu văn bản"), default=False)
    verification_note = models.TextField(_("Ghi chú đối chiếu"), blank=True)
    verification_note_en = models.TextField(_("Ghi chú đối chiếu (tiếng Anh)"), blank=True)
    active = models.BooleanField(_("Áp dụng"), default=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Quy tắc vi phạm")
        verbose_name_plural = pgettext_lazy("plural", "Quy tắc vi phạm")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def note_in_language(self) -> str:
        """The verification note in the reader's language (English when it has one)."""
        return in_language(self.verification_note, self.verification_note_en)


class MonitoringRegime(models.Model):
    """What the journey-monitoring regulation in force on a date requires of the devices: reporting
    intervals, the fields a record must carry, and where the data goes — with its legal basis, dated."""

    code = models.SlugField(_("Mã"), max_length=50, unique=True)
    name = models.CharField(_("Tên"), max_length=255)
    valid_from = models.DateField(_("Áp dụng từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("Áp dụng đến ngày"), null=True, blank=True)
    moving_interval_s = models.PositiveIntegerField(_("Tần suất khi xe chạy (giây)"))
    parked_interval_s = models.PositiveIntegerField(_("Tần suất khi dừng đỗ (giây)"))
    required_fields = models.JSONField(_("Trường dữ liệu bắt buộc"), default=list)
    destination = models.TextField(_("Nơi nhận dữ liệu"))
    legal_reference = models.TextField(_("Căn cứ pháp lý"))
    verified = models.BooleanField(_("Đã đối chiếu văn bản"), default=False)
    verification_note = models.TextField(_("Ghi chú đối chiếu"), blank=True)
    verification_note_en = models.TextField(_("Ghi chú đối chiếu (tiếng Anh)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Quy định giám sát hành trình")
        verbose_name_plural = pgettext_lazy("plural", "Quy định giám sát hành trình")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.name

    @property
    def note_in_language(self) -> str:
        """The verification note in the reader's language (English when it has one)."""
        return in_language(self.verification_note, self.verification_note_en)


class IngestBatch(models.Model):
    """The log of one ingested batch: what came in, what was kept and why rows were refused."""

    batch_id = models.CharField(max_length=40, unique=True)
    # Idempotency key: "client:<user id>:<key the client sent>" or "sha256:<hash of the content>". A retry of
    # a committed batch finds its row and is answered "already stored" instead of storing the points twice.
    key = models.CharField(_("Khóa chống gửi lặp"), max_length=120, unique=True, null=True,
                           blank=True)
    source = models.CharField(_("Nguồn"), max_length=20)  # csv, jsonl, parquet, stream
    filename = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    rows_total = models.PositiveBigIntegerField(default=0)
    rows_stored = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    days = models.JSONField(default=list)
    report = models.JSONField(_("Báo cáo lỗi"), default=dict)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("Lô dữ liệu")
        verbose_name_plural = pgettext_lazy("plural", "Lô dữ liệu")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.batch_id} ({self.source})"
