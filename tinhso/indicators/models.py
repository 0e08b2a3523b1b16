"""Indicators, reporting forms, reports and their values, validation rules, targets and reminders.

In the spirit of DHIS2 aggregate reporting: an indicator catalogue (raw figures and derived rates),
forms (data sets) grouping indicators with a period type and a deadline rule, one report per form,
unit and period going draft → submitted → approved (or returned), and an analytics copy of the
approved values in DuckDB (see analytics.py).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tinhso.indicators import periods
from tinhso.units.models import UnitKind


class ValueType(models.TextChoices):
    COUNT = "count", _("Số lượng")
    AMOUNT = "amount", _("Giá trị, số tiền")
    PERCENT = "percent", _("Tỷ lệ %")
    BOOLEAN = "boolean", _("Có/Không")
    TEXT = "text", pgettext_lazy("giá trị", "Văn bản")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng")
    AVG = "avg", _("Trung bình")
    MIN = "min", _("Nhỏ nhất")
    MAX = "max", _("Lớn nhất")
    LATEST = "latest", _("Mới nhất")
    WEIGHTED = "weighted", _("Trung bình có trọng số")
    RATIO = "ratio", _("Tỷ lệ của tổng (Σtử/Σmẫu)")
    NONE = "none", _("Không tổng hợp (văn bản)")


class TimeAggregation(models.TextChoices):
    SUM = "sum", _("Cộng dồn các kỳ")
    LAST = "last", _("Số cuối kỳ")
    AVG = "avg", _("Trung bình các kỳ")
    MAX = "max", _("Lớn nhất")
    MIN = "min", _("Nhỏ nhất")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Càng cao càng tốt")
    LOWER = "lower", _("Càng thấp càng tốt")


class PeriodType(models.TextChoices):
    MONTH = periods.MONTH, _("Tháng")
    QUARTER = periods.QUARTER, _("Quý")
    HALF = periods.HALF, _("6 tháng")
    YEAR = periods.YEAR, _("Năm")


class Indicator(models.Model):
    """The current definition of an indicator. Every change is also frozen in an IndicatorRevision
    with the date it applies from, so figures of earlier periods keep their old definition."""

    # units of measure ("hồ sơ", "thuê bao") are a small vocabulary the catalogue translates: the change log
    # shows them in the reader's language, as the catalogue pages do
    history_translated_fields = ("unit_of_measure",)

    code = models.CharField(_("Mã"), max_length=40, unique=True)
    name = models.CharField(_("Tên chỉ tiêu"), max_length=300)
    noun = models.CharField(_("Danh từ trong câu báo cáo"), max_length=120, blank=True,
                            help_text="ví dụ 'sản phẩm OCOP' trong '156/163 sản phẩm OCOP (đạt 96%)'")
    unit_of_measure = models.CharField(_("Đơn vị tính"), max_length=40, blank=True)
    value_type = models.CharField(_("Kiểu giá trị"), max_length=10, choices=ValueType.choices)
    aggregation = models.CharField(_("Tổng hợp theo cây đơn vị"), max_length=10,
                                   choices=Aggregation.choices, default=Aggregation.SUM)
    time_aggregation = models.CharField(_("Tổng hợp theo thời gian"), max_length=10,
                                        choices=TimeAggregation.choices, default=TimeAggregation.SUM)
    direction = models.CharField(_("Chiều"), max_length=10, choices=Direction.choices,
                                 default=Direction.HIGHER)
    periodicity = models.CharField(_("Kỳ báo cáo"), max_length=10, choices=PeriodType.choices,
                                   default=PeriodType.MONTH)
    unit_kinds = models.JSONField(_("Loại đơn vị áp dụng"), default=list, blank=True)
    numerator = models.CharField(_("Tử số (mã)"), max_length=40, blank=True)
    denominator = models.CharField(_("Mẫu số (mã)"), max_length=40, blank=True)
    factor = models.DecimalField(_("Hệ số"), max_digits=12, decimal_places=4, default=100)
    formula = models.CharField(_("Công thức"), max_length=500, blank=True,
                               help_text="ví dụ {HS_TT} + {HS_TRUC_TIEP}")
    min_value = models.DecimalField(_("Giá trị nhỏ nhất"), max_digits=20, decimal_places=4,
                                    null=True, blank=True)
    max_value = models.DecimalField(_("Giá trị lớn nhất"), max_digits=20, decimal_places=4,
                                    null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(_("Số chữ số thập phân"), default=0)
    rate_entry = models.BooleanField(
        _("Biểu mẫu nhập trực tiếp tỷ lệ"), default=False,
        help_text="khi nguồn chỉ công bố tỷ lệ (Cổng DVC quốc gia, báo cáo của bộ): tổng hợp bằng trung bình, "
                  "trung bình có trọng số, số mới nhất hoặc không tổng hợp — không bao giờ cộng")
    weight = models.CharField(_("Trọng số (mã chỉ tiêu)"), max_length=40, blank=True,
                              help_text="với 'weighted': chỉ tiêu số lượng của cùng đơn vị và kỳ làm trọng số, "
                                        "ví dụ HS_TONG")
    description = models.TextField(_("Mô tả"), blank=True)
    source = models.CharField(_("Căn cứ"), max_length=300, blank=True)
    active = models.BooleanField(_("Đang dùng"), default=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("Chỉ tiêu")
        verbose_name_plural = pgettext_lazy("plural", "Chỉ tiêu")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_derived(self) -> bool:
        return bool(self.numerator or self.formula)

    @property
    def is_numeric(self) -> bool:
        return self.value_type != ValueType.TEXT


class IndicatorRevision(models.Model):
    """A frozen definition of an indicator, in force from `valid_from` until the next revision."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    valid_from = models.DateField(_("Áp dụng từ"))
    definition = models.JSONField()
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["indicator", "valid_from", "version"]
        constraints = [models.UniqueConstraint(fields=["indicator", "version"], name="unique_indicator_revision")]

    def __str__(self) -> str:
        return f"{self.indicator_id} v{self.version} từ {self.valid_from:%d/%m/%Y}"


class ApprovalBy(models.TextChoices):
    PARENT = "parent", _("Đơn vị cấp trên")
    DX_OFFICE = "dx_office", _("Cơ quan chuyên trách CĐS")
    EITHER = "either", _("Cấp trên hoặc cơ quan CĐS")


class Form(models.Model):
    """A reporting form (biểu mẫu): indicators reported together for one period type."""

    code = models.CharField(_("Mã biểu"), max_length=40, unique=True)
    name = models.CharField(_("Tên biểu mẫu"), max_length=300)
    period_type = models.CharField(_("Loại kỳ"), max_length=10, choices=PeriodType.choices)
    unit_kinds = models.JSONField(_("Loại đơn vị báo cáo"), default=list)
    deadline_days = models.PositiveSmallIntegerField(
        _("Hạn nộp (số ngày sau khi hết kỳ)"), default=15)
    reminder_offsets = models.JSONField(
        _("Nhắc hạn (ngày so với hạn, âm = trước)"),
        default=list, blank=True)
    approval_by = models.CharField(_("Phê duyệt bởi"), max_length=10, choices=ApprovalBy.choices,
                                   default=ApprovalBy.EITHER)
    description = models.TextField(_("Mô tả"), blank=True)
    active = models.BooleanField(_("Đang dùng"), default=True)
    indicators = models.ManyToManyField(Indicator, through="FormIndicator", related_name="forms")
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Biểu mẫu")
        verbose_name_plural = pgettext_lazy("plural", "Biểu mẫu")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def unit_kind_names(self) -> list[str]:
        """The reporting unit kinds in the reader's language ("Sở, ban, ngành"), for lists."""
        labels = dict(UnitKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.unit_kinds]


class FormIndicator(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="form_items")
    order = models.PositiveSmallIntegerField(default=0)
    required = models.BooleanField(_("Bắt buộc"), default=True)

    class Meta:
        ordering = ["form", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "indicator"], name="unique_form_indicator")]

    def __str__(self) -> str:
        return f"{self.form_id}:{self.indicator_id}"


class Severity(models.TextChoices):
    ERROR = "error", _("Lỗi, chặn lưu")
    WARNING = "warning", _("Cảnh báo")


class ValidationRule(models.Model):
    """A cross-field check stored as data: `left operator right`, e.g. {HS_TT} <= {HS_TOTAL}."""

    code = models.CharField(_("Mã quy tắc"), max_length=60, unique=True)
    form = models.ForeignKey(Form, null=True, blank=True, on_delete=models.CASCADE, related_name="rules",
                             help_text=_("Trống = áp dụng mọi biểu có đủ chỉ tiêu"))
    left = models.CharField(_("Vế trái"), max_length=500)
    operator = models.CharField(_("Phép so sánh"), max_length=2,
                                choices=[(o, o) for o in ("<=", "<", ">=", ">", "==", "!=")])
    right = models.CharField(_("Vế phải"), max_length=500)
    severity = models.CharField(_("Mức độ"), max_length=10, choices=Severity.choices,
                                default=Severity.ERROR)
    message_vi = models.CharField(_("Thông báo"), max_length=300)
    message_en = models.CharField("Message (en)", max_length=300)
    cell = models.CharField(_("Ô báo lỗi (mã chỉ tiêu)"), max_length=40, blank=True)
    active = models.BooleanField(_("Đang dùng"), default=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Quy tắc kiểm tra")
        verbose_name_plural = pgettext_lazy("plural", "Quy tắc kiểm tra")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.left} {self.operator} {self.right}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi")
    APPROVED = "approved", _("Đã phê duyệt")
    RETURNED = "returned", pgettext_lazy("status", "Trả lại")


Status = ReportStatus  # the API document names it ReportStatus: programme and indicators both have a Status


class Report(models.Model):
    """One unit's figures of one form for one period."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="indicator_reports")
    period = models.CharField(_("Kỳ"), max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    deadline = models.DateField(_("Hạn nộp"))
    status = models.CharField(_("Trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("Ý kiến"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reopened = models.PositiveSmallIntegerField(_("Số lần mở lại"), default=0)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("Báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "Báo cáo")
        ordering = ["-period_start", "form", "unit"]
        constraints = [models.UniqueConstraint(fields=["form", "unit", "period"], name="unique_report")]
        indexes = [models.Index(fields=["form", "period", "status"]), models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.form.code} · {self.unit} · {self.period}"

    @property
    def period_obj(self) -> periods.Period:
        return periods.parse(self.period)

    @property
    def is_late(self) -> bool:
        if self.submitted_at is None:
            return False
        from django.utils import timezone

        return timezone.localtime(self.submitted_at).date() > self.deadline

    @property
    def is_locked(self) -> bool:
        return self.status in (Status.SUBMITTED, Status.APPROVED)


class DataValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="unique_report_value")]

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value if self.value is not None else self.text}"


def new_token() -> str:
    return secrets.token_hex(8)


class AnalyticsChange(models.Model):
    """Append-only log of reports whose approved figures changed (approved, reopened). The DuckDB
    analytics copy replays it to stay consistent; `token` detects a log that was rolled back."""

    report_id = models.BigIntegerField(db_index=True)
    token = models.CharField(max_length=16, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"#{self.pk} report {self.report_id}"


class Target(models.Model):
    """The planned value of an indicator for a unit and year (or one period of the year)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="indicator_targets")
    year = models.PositiveSmallIntegerField(_("Năm"))
    period = models.CharField(_("Kỳ (trống = cả năm)"), max_length=10, blank=True)
    value = models.DecimalField(_("Chỉ tiêu kế hoạch"), max_digits=20, decimal_places=4)
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Chỉ tiêu kế hoạch")
        verbose_name_plural = pgettext_lazy("plural", "Chỉ tiêu kế hoạch")
        ordering = ["year", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "year", "period"], name="unique_target")]

    def __str__(self) -> str:
        return f"{self.indicator_id} · {self.unit_id} · {self.year} = {self.value}"


class Reminder(models.Model):
    """An in-app reminder (also e-mailed) to a unit's focal point about a report due or overdue."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="indicator_reminders")
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="indicator_reminders")
    period = models.CharField(max_length=10)
    offset = models.SmallIntegerField(help_text="days from the deadline; negative = before")
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "form", "unit", "period", "offset"],
                                               name="unique_reminder")]

    def __str__(self) -> str:
        return self.message[:80]
