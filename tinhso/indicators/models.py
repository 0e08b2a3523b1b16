"""Indicators, reporting forms, reports and their values, validation rules, targets and reminders.

In the spirit of DHIS2 aggregate reporting: an indicator catalogue (raw figures and derived rates),
forms (data sets) grouping indicators with a period type and a deadline rule, one report per form,
unit and period going draft → submitted → approved (or returned), and an analytics copy of the
approved values in DuckDB (see analytics.py).
"""

import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tinhso.indicators import periods
from tinhso.units.models import UnitKind


class ValueType(models.TextChoices):
    COUNT = "count", "Số lượng / Count"
    AMOUNT = "amount", "Giá trị, số tiền / Amount"
    PERCENT = "percent", "Tỷ lệ % / Percentage"
    BOOLEAN = "boolean", "Có/Không / Yes-no"
    TEXT = "text", "Văn bản / Text"


class Aggregation(models.TextChoices):
    SUM = "sum", "Cộng / Sum"
    AVG = "avg", "Trung bình / Average"
    MIN = "min", "Nhỏ nhất / Minimum"
    MAX = "max", "Lớn nhất / Maximum"
    LATEST = "latest", "Mới nhất / Latest"
    WEIGHTED = "weighted", "Trung bình có trọng số / Weighted average"
    RATIO = "ratio", "Tỷ lệ của tổng (Σtử/Σmẫu) / Ratio of sums"
    NONE = "none", "Không tổng hợp (văn bản) / Not aggregated"


class TimeAggregation(models.TextChoices):
    SUM = "sum", "Cộng dồn các kỳ / Sum over periods"
    LAST = "last", "Số cuối kỳ / Last value (stock)"
    AVG = "avg", "Trung bình các kỳ / Average"
    MAX = "max", "Lớn nhất / Maximum"
    MIN = "min", "Nhỏ nhất / Minimum"


class Direction(models.TextChoices):
    HIGHER = "higher", "Càng cao càng tốt / Higher is better"
    LOWER = "lower", "Càng thấp càng tốt / Lower is better"


class PeriodType(models.TextChoices):
    MONTH = periods.MONTH, "Tháng / Month"
    QUARTER = periods.QUARTER, "Quý / Quarter"
    HALF = periods.HALF, "6 tháng / Half-year"
    YEAR = periods.YEAR, "Năm / Year"


class Indicator(models.Model):
    """The current definition of an indicator. Every change is also frozen in an IndicatorRevision
    with the date it applies from, so figures of earlier periods keep their old definition."""

    code = models.CharField("Mã / Code", max_length=40, unique=True)
    name = models.CharField("Tên chỉ tiêu / Name", max_length=300)
    noun = models.CharField("Danh từ trong câu báo cáo / Noun for statements", max_length=120, blank=True,
                            help_text="ví dụ 'sản phẩm OCOP' trong '156/163 sản phẩm OCOP (đạt 96%)'")
    unit_of_measure = models.CharField("Đơn vị tính / Unit of measure", max_length=40, blank=True)
    value_type = models.CharField("Kiểu giá trị / Value type", max_length=10, choices=ValueType.choices)
    aggregation = models.CharField("Tổng hợp theo cây đơn vị / Aggregation up the unit tree", max_length=10,
                                   choices=Aggregation.choices, default=Aggregation.SUM)
    time_aggregation = models.CharField("Tổng hợp theo thời gian / Aggregation over time", max_length=10,
                                        choices=TimeAggregation.choices, default=TimeAggregation.SUM)
    direction = models.CharField("Chiều / Direction", max_length=10, choices=Direction.choices,
                                 default=Direction.HIGHER)
    periodicity = models.CharField("Kỳ báo cáo / Periodicity", max_length=10, choices=PeriodType.choices,
                                   default=PeriodType.MONTH)
    unit_kinds = models.JSONField("Loại đơn vị áp dụng / Applicable unit kinds", default=list, blank=True)
    numerator = models.CharField("Tử số (mã) / Numerator code", max_length=40, blank=True)
    denominator = models.CharField("Mẫu số (mã) / Denominator code", max_length=40, blank=True)
    factor = models.DecimalField("Hệ số / Factor", max_digits=12, decimal_places=4, default=100)
    formula = models.CharField("Công thức / Formula", max_length=500, blank=True,
                               help_text="ví dụ {HS_TT} + {HS_TRUC_TIEP}")
    min_value = models.DecimalField("Giá trị nhỏ nhất / Minimum", max_digits=20, decimal_places=4,
                                    null=True, blank=True)
    max_value = models.DecimalField("Giá trị lớn nhất / Maximum", max_digits=20, decimal_places=4,
                                    null=True, blank=True)
    decimals = models.PositiveSmallIntegerField("Số chữ số thập phân / Decimals", default=0)
    rate_entry = models.BooleanField(
        "Biểu mẫu nhập trực tiếp tỷ lệ / Forms collect the rate itself", default=False,
        help_text="khi nguồn chỉ công bố tỷ lệ (Cổng DVC quốc gia, báo cáo của bộ): tổng hợp bằng trung bình, "
                  "trung bình có trọng số, số mới nhất hoặc không tổng hợp — không bao giờ cộng")
    weight = models.CharField("Trọng số (mã chỉ tiêu) / Weight code", max_length=40, blank=True,
                              help_text="với 'weighted': chỉ tiêu số lượng của cùng đơn vị và kỳ làm trọng số, "
                                        "ví dụ HS_TONG")
    description = models.TextField("Mô tả / Description", blank=True)
    source = models.CharField("Căn cứ / Source", max_length=300, blank=True)
    active = models.BooleanField("Đang dùng / Active", default=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "Chỉ tiêu / Indicator"
        verbose_name_plural = "Chỉ tiêu / Indicators"
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
    valid_from = models.DateField("Áp dụng từ / Valid from")
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
    PARENT = "parent", "Đơn vị cấp trên / Parent unit"
    DX_OFFICE = "dx_office", "Cơ quan chuyên trách CĐS / DX office"
    EITHER = "either", "Cấp trên hoặc cơ quan CĐS / Parent or DX office"


class Form(models.Model):
    """A reporting form (biểu mẫu): indicators reported together for one period type."""

    code = models.CharField("Mã biểu / Code", max_length=40, unique=True)
    name = models.CharField("Tên biểu mẫu / Name", max_length=300)
    period_type = models.CharField("Loại kỳ / Period type", max_length=10, choices=PeriodType.choices)
    unit_kinds = models.JSONField("Loại đơn vị báo cáo / Reporting unit kinds", default=list)
    deadline_days = models.PositiveSmallIntegerField(
        "Hạn nộp (số ngày sau khi hết kỳ) / Deadline (days after the period ends)", default=15)
    reminder_offsets = models.JSONField(
        "Nhắc hạn (ngày so với hạn, âm = trước) / Reminders (days from the deadline, negative = before)",
        default=list, blank=True)
    approval_by = models.CharField("Phê duyệt bởi / Approved by", max_length=10, choices=ApprovalBy.choices,
                                   default=ApprovalBy.EITHER)
    description = models.TextField("Mô tả / Description", blank=True)
    active = models.BooleanField("Đang dùng / Active", default=True)
    indicators = models.ManyToManyField(Indicator, through="FormIndicator", related_name="forms")
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Biểu mẫu / Form"
        verbose_name_plural = "Biểu mẫu / Forms"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def unit_kind_names(self) -> list[str]:
        """The reporting unit kinds in Vietnamese ("Sở, ban, ngành"), for lists."""
        labels = dict(UnitKind.choices)
        return [labels.get(kind, kind).split(" / ")[0] for kind in self.unit_kinds]


class FormIndicator(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="form_items")
    order = models.PositiveSmallIntegerField(default=0)
    required = models.BooleanField("Bắt buộc / Required", default=True)

    class Meta:
        ordering = ["form", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "indicator"], name="unique_form_indicator")]

    def __str__(self) -> str:
        return f"{self.form_id}:{self.indicator_id}"


class Severity(models.TextChoices):
    ERROR = "error", "Lỗi, chặn lưu / Error, blocks saving"
    WARNING = "warning", "Cảnh báo / Warning"


class ValidationRule(models.Model):
    """A cross-field check stored as data: `left operator right`, e.g. {HS_TT} <= {HS_TOTAL}."""

    code = models.CharField("Mã quy tắc / Code", max_length=60, unique=True)
    form = models.ForeignKey(Form, null=True, blank=True, on_delete=models.CASCADE, related_name="rules",
                             help_text="Trống = áp dụng mọi biểu có đủ chỉ tiêu / empty = every form")
    left = models.CharField("Vế trái / Left side", max_length=500)
    operator = models.CharField("Phép so sánh / Operator", max_length=2,
                                choices=[(o, o) for o in ("<=", "<", ">=", ">", "==", "!=")])
    right = models.CharField("Vế phải / Right side", max_length=500)
    severity = models.CharField("Mức độ / Severity", max_length=10, choices=Severity.choices,
                                default=Severity.ERROR)
    message_vi = models.CharField("Thông báo / Message (vi)", max_length=300)
    message_en = models.CharField("Message (en)", max_length=300)
    cell = models.CharField("Ô báo lỗi (mã chỉ tiêu) / Cell to flag", max_length=40, blank=True)
    active = models.BooleanField("Đang dùng / Active", default=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Quy tắc kiểm tra / Validation rule"
        verbose_name_plural = "Quy tắc kiểm tra / Validation rules"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.left} {self.operator} {self.right}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Đang nhập / Draft"
    SUBMITTED = "submitted", "Đã gửi / Submitted"
    APPROVED = "approved", "Đã phê duyệt / Approved"
    RETURNED = "returned", "Trả lại / Returned"


Status = ReportStatus  # the API document names it ReportStatus: programme and indicators both have a Status


class Report(models.Model):
    """One unit's figures of one form for one period."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="indicator_reports")
    period = models.CharField("Kỳ / Period", max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    deadline = models.DateField("Hạn nộp / Deadline")
    status = models.CharField("Trạng thái / Status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField("Ý kiến / Comment", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reopened = models.PositiveSmallIntegerField("Số lần mở lại / Times reopened", default=0)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "Báo cáo / Report"
        verbose_name_plural = "Báo cáo / Reports"
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
    year = models.PositiveSmallIntegerField("Năm / Year")
    period = models.CharField("Kỳ (trống = cả năm) / Period (empty = whole year)", max_length=10, blank=True)
    value = models.DecimalField("Chỉ tiêu kế hoạch / Target", max_digits=20, decimal_places=4)
    note = models.CharField("Ghi chú / Note", max_length=300, blank=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Chỉ tiêu kế hoạch / Target"
        verbose_name_plural = "Chỉ tiêu kế hoạch / Targets"
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
