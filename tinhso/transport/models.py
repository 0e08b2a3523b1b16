"""Journey monitoring (giám sát hành trình): the relational side — businesses, vehicles, drivers,
devices, violation rules kept as data, and the log of ingested batches.

Positions themselves are not in the relational store: they live as Parquet files partitioned by day
under TINHSO_DATA_DIR/transport (see tinhso.transport.store) and are queried through DuckDB.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

VIEW_PERMISSION = "transport.view_journeys"
INGEST_PERMISSION = "transport.ingest_positions"
INSPECTOR_GROUP = "Thanh tra giao thông"


class LicenceKind(models.TextChoices):
    FIXED_ROUTE = "fixed_route", "Tuyến cố định / Fixed-route coach"
    CONTRACT = "contract", "Hợp đồng / Contract hire"
    TOURIST = "tourist", "Du lịch / Tourist"
    TAXI = "taxi", "Taxi / Taxi"
    BUS = "bus", "Xe buýt / Bus"
    FREIGHT = "freight", "Hàng hóa / Freight"
    CONTAINER = "container", "Container / Container"


class Business(models.Model):
    """A transport business (đơn vị kinh doanh vận tải) holding a transport business licence."""

    name = models.CharField("Tên đơn vị / Name", max_length=255)
    licence_number = models.CharField("Số giấy phép KDVT / Licence number", max_length=50, unique=True)
    address = models.CharField("Địa chỉ / Address", max_length=255, blank=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="transport_businesses", verbose_name="Tỉnh quản lý / Province")
    active = models.BooleanField("Đang hoạt động / Active", default=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = "Đơn vị kinh doanh vận tải / Transport business"
        verbose_name_plural = "Đơn vị kinh doanh vận tải / Transport businesses"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    plate = models.CharField("Biển số / Plate", max_length=20)
    # Upper-case plate without separators ("20B01234"): what devices' rows are matched on.
    plate_key = models.CharField(max_length=20, unique=True, editable=False)
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="vehicles",
                                 verbose_name="Đơn vị kinh doanh / Business")
    licence_kind = models.CharField("Loại hình kinh doanh / Licence kind", max_length=20, choices=LicenceKind.choices)
    seats = models.PositiveSmallIntegerField("Số chỗ / Seats", null=True, blank=True)
    tonnage = models.DecimalField("Tải trọng (tấn) / Tonnage (t)", max_digits=6, decimal_places=2,
                                  null=True, blank=True)
    registered_route = models.CharField("Tuyến đăng ký / Registered route", max_length=255, blank=True,
                                        help_text="Chỉ với xe tuyến cố định / fixed-route coaches only")
    badge_number = models.CharField("Số phù hiệu / Badge number", max_length=50, blank=True)
    badge_expiry = models.DateField("Hạn phù hiệu / Badge expiry", null=True, blank=True)
    drivers = models.ManyToManyField("Driver", blank=True, related_name="vehicles",
                                     verbose_name="Lái xe được giao / Assigned drivers")
    active = models.BooleanField("Đang hoạt động / Active", default=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = "Phương tiện / Vehicle"
        verbose_name_plural = "Phương tiện / Vehicles"
        ordering = ["plate"]
        permissions = [
            ("view_journeys", "Xem dữ liệu giám sát hành trình / View journey-monitoring data"),
            ("ingest_positions", "Gửi dữ liệu giám sát hành trình / Push journey-monitoring data"),
        ]

    def __str__(self) -> str:
        return self.plate


class Driver(models.Model):
    full_name = models.CharField("Họ và tên / Full name", max_length=200)
    licence_number = models.CharField("Số giấy phép lái xe / Driving licence", max_length=20, unique=True)
    business = models.ForeignKey(Business, null=True, blank=True, on_delete=models.PROTECT, related_name="drivers",
                                 verbose_name="Đơn vị kinh doanh / Business")
    active = models.BooleanField("Đang hoạt động / Active", default=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Lái xe / Driver"
        verbose_name_plural = "Lái xe / Drivers"
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.licence_number})"


class Device(models.Model):
    """A journey-monitoring device (thiết bị giám sát hành trình) fitted to a vehicle."""

    serial = models.CharField("Số sê-ri / Serial", max_length=50, unique=True)
    provider = models.CharField("Đơn vị cung cấp / Provider", max_length=120, blank=True)
    vehicle = models.OneToOneField(Vehicle, null=True, blank=True, on_delete=models.SET_NULL, related_name="device",
                                   verbose_name="Lắp trên xe / Vehicle")
    active = models.BooleanField("Đang hoạt động / Active", default=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Thiết bị GSHT / Tracking device"
        verbose_name_plural = "Thiết bị GSHT / Tracking devices"

    def __str__(self) -> str:
        return self.serial


class FleetStamp(models.Model):
    """One row whose version changes with every change of the vehicle registry, in the same transaction.
    Each process caches the plate → vehicle map and compares this stamp before every ingest batch, so a
    vehicle registered in another process is known at once (one indexed read instead of a time-out)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "Dấu phiên bản đội xe / Fleet registry stamp"

    def __str__(self) -> str:
        return str(self.version)


class Contract(models.Model):
    """A declared transport contract (hợp đồng vận tải điện tử) of a contract vehicle: who hired it, for
    which route and dates, how many passengers. A trip matching a declared contract is evidence against a
    disguised-coach suspicion."""

    number = models.CharField("Số hợp đồng / Contract number", max_length=60)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="contracts",
                                verbose_name="Phương tiện / Vehicle")
    customer = models.CharField("Bên thuê / Customer", max_length=255)
    origin = models.CharField("Điểm đi / Origin", max_length=255)
    destination = models.CharField("Điểm đến / Destination", max_length=255)
    start_date = models.DateField("Từ ngày / From")
    end_date = models.DateField("Đến ngày / To")
    passengers = models.PositiveIntegerField("Số hành khách / Passengers", null=True, blank=True)
    active = models.BooleanField("Còn hiệu lực / Active", default=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Hợp đồng vận tải / Transport contract"
        verbose_name_plural = "Hợp đồng vận tải / Transport contracts"
        ordering = ["-start_date", "number"]
        constraints = [models.UniqueConstraint(fields=["vehicle", "number"], name="transport_contract_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.vehicle})"


class RuleKind(models.TextChoices):
    SPEEDING = "speeding", "Quá tốc độ / Speeding"
    CONTINUOUS_DRIVING = "continuous_driving", "Lái xe liên tục quá thời gian / Continuous driving"
    DAILY_DRIVING = "daily_driving", "Lái xe quá thời gian trong ngày / Daily driving time"
    WEEKLY_DRIVING = "weekly_driving", "Lái xe quá thời gian trong tuần / Weekly driving time"
    DATA_GAP = "data_gap", "Mất tín hiệu, gián đoạn dữ liệu / Data gap"
    NO_DRIVER = "no_driver", "Chạy xe không đăng nhập lái xe / Driving without a logged-in driver"


class Rule(models.Model):
    """A violation rule as data: its parameters and the legal text they come from. Changing a limit
    is an edit of this row (audited), never a code change."""

    code = models.SlugField("Mã / Code", max_length=50, unique=True)
    kind = models.CharField("Loại / Kind", max_length=30, choices=RuleKind.choices)
    name = models.CharField("Tên / Name", max_length=255)
    params = models.JSONField("Tham số / Parameters", default=dict)
    legal_reference = models.TextField("Căn cứ pháp lý / Legal reference", blank=True)
    # The rule applies to data of these local days (inclusive; empty = unbounded): a 2024 trip is judged by
    # the rules of 2024, a 2026 trip by today's.
    valid_from = models.DateField("Áp dụng từ ngày / Valid from", null=True, blank=True)
    valid_to = models.DateField("Áp dụng đến ngày / Valid to", null=True, blank=True)
    verified = models.BooleanField("Đã đối chiếu văn bản / Checked against the text", default=False)
    verification_note = models.TextField("Ghi chú đối chiếu / What was checked, where", blank=True)
    active = models.BooleanField("Áp dụng / Active", default=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Quy tắc vi phạm / Violation rule"
        verbose_name_plural = "Quy tắc vi phạm / Violation rules"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MonitoringRegime(models.Model):
    """What the journey-monitoring regulation in force on a date requires of the devices: reporting
    intervals, the fields a record must carry, and where the data goes — with its legal basis, dated."""

    code = models.SlugField("Mã / Code", max_length=50, unique=True)
    name = models.CharField("Tên / Name", max_length=255)
    valid_from = models.DateField("Áp dụng từ ngày / Valid from", null=True, blank=True)
    valid_to = models.DateField("Áp dụng đến ngày / Valid to", null=True, blank=True)
    moving_interval_s = models.PositiveIntegerField("Tần suất khi xe chạy (giây) / Interval moving (s)")
    parked_interval_s = models.PositiveIntegerField("Tần suất khi dừng đỗ (giây) / Interval parked (s)")
    required_fields = models.JSONField("Trường dữ liệu bắt buộc / Required fields", default=list)
    destination = models.TextField("Nơi nhận dữ liệu / Where the data goes")
    legal_reference = models.TextField("Căn cứ pháp lý / Legal reference")
    verified = models.BooleanField("Đã đối chiếu văn bản / Checked against the text", default=False)
    verification_note = models.TextField("Ghi chú đối chiếu / What was checked, where", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Quy định giám sát hành trình / Journey-monitoring regime"
        verbose_name_plural = "Quy định giám sát hành trình / Journey-monitoring regimes"
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.name


class IngestBatch(models.Model):
    """The log of one ingested batch: what came in, what was kept and why rows were refused."""

    batch_id = models.CharField(max_length=40, unique=True)
    # Idempotency key: "client:<user id>:<key the client sent>" or "sha256:<hash of the content>". A retry of
    # a committed batch finds its row and is answered "already stored" instead of storing the points twice.
    key = models.CharField("Khóa chống gửi lặp / Idempotency key", max_length=120, unique=True, null=True,
                           blank=True)
    source = models.CharField("Nguồn / Source", max_length=20)  # csv, jsonl, parquet, stream
    filename = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    rows_total = models.PositiveBigIntegerField(default=0)
    rows_stored = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    days = models.JSONField(default=list)
    report = models.JSONField("Báo cáo lỗi / Error report", default=dict)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = "Lô dữ liệu / Ingest batch"
        verbose_name_plural = "Lô dữ liệu / Ingest batches"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.batch_id} ({self.source})"
