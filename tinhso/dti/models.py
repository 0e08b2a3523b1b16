"""DTI assessment: methodology as versioned data, assessment rounds, collected values and results.

A `Framework` is one edition of a methodology (e.g. the provincial DTI of Decision 922/QĐ-BTTTT, 2022):
groups → main indicators → component indicators with maximum points, a scoring rule and a value
source. A later methodology is a new `Framework` row with the same `code` and a higher `edition`;
rounds point to exactly one edition, so every result says which methodology produced it.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo / Draft"
    ACTIVE = "active", "Đang áp dụng / In force"
    RETIRED = "retired", "Hết hiệu lực / Retired"


class Framework(models.Model):
    code = models.CharField("Mã bộ chỉ số / Framework code", max_length=40)
    edition = models.PositiveIntegerField("Phiên bản phương pháp / Methodology edition")
    name = models.CharField("Tên / Name", max_length=255)
    legal_basis = models.CharField("Căn cứ / Legal basis", max_length=255, blank=True)
    applies_to = models.CharField(
        "Áp dụng cho / Applies to", max_length=120, blank=True,
        help_text="Loại đơn vị, phân cách bởi dấu phẩy (province, department, commune)")
    max_points = models.DecimalField("Tổng điểm tối đa / Maximum points", max_digits=8, decimal_places=2)
    groups = models.JSONField("Nhóm chỉ số / Groups", default=list, blank=True)
    status = models.CharField("Trạng thái / Status", max_length=10, choices=FrameworkStatus.choices,
                              default=FrameworkStatus.ACTIVE)
    source_note = models.TextField("Ghi chú nguồn / Source note", blank=True)
    # how the publisher combines the figures (index, pillar values), as documented text with its verification
    formula = models.JSONField("Cách tính / Formula", default=dict, blank=True)
    # the number of components the methodology declares, where they are not all known yet (405: 47)
    components_total = models.PositiveIntegerField("Số chỉ số thành phần công bố / Declared components",
                                                   null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Bộ chỉ số / Framework"
        verbose_name_plural = "Bộ chỉ số / Frameworks"
        ordering = ["code", "-edition"]
        constraints = [models.UniqueConstraint(fields=["code", "edition"], name="dti_framework_code_edition")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.edition})"

    @property
    def label(self) -> str:
        return f"{self.code} v{self.edition}"


class Pillar(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="dti_pillar_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def short(self) -> str:
        return self.name.split(" / ")[0]


class MainIndicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="main_indicators")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=255)
    group = models.CharField(max_length=40, blank=True)
    # several: in the national DTI each foundation indicator belongs to all three pillars
    pillars = models.ManyToManyField(Pillar, blank=True, related_name="main_indicators")
    # empty while a draft edition's point split is not known (Decision 405/QĐ-BKHCN): it cannot be scored
    max_points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    source_note = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="dti_main_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def short(self) -> str:
        """The Vietnamese half of a bilingual name, for column heads."""
        return self.name.split(" / ")[0]


class ValueSource(models.TextChoices):
    INDICATOR = "indicator", "Chỉ tiêu hệ thống báo cáo / Reporting-system indicator"
    YES_NO = "yes_no", "Có/không kèm minh chứng / Yes-no with evidence"
    SURVEY = "survey", "Số liệu khảo sát / Survey figure"
    MANUAL = "manual", "Chấm điểm kèm giải trình / Manual score with justification"


class Component(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="components")
    main = models.ForeignKey(MainIndicator, on_delete=models.CASCADE, related_name="components")
    # an override: set, the component belongs to this pillar only; empty, to its main indicator's pillars
    pillar = models.ForeignKey(Pillar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code = models.CharField(max_length=20)
    name = models.TextField()
    max_points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    rule = models.JSONField(default=dict)
    source = models.CharField(max_length=12, choices=ValueSource.choices)
    indicator_code = models.CharField(max_length=80, blank=True)
    unit_label = models.CharField(max_length=40, blank=True)
    guidance = models.TextField(blank=True)
    source_note = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="dti_component_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Chuẩn bị / Draft"
    COLLECTING = "collecting", "Đang thu thập, tự đánh giá / Collecting"
    REVIEW = "review", "Sở KH&CN thẩm định / Under review"
    PUBLISHED = "published", "Đã công bố / Published"


class Round(models.Model):
    name = models.CharField("Tên đợt / Name", max_length=255)
    year = models.PositiveSmallIntegerField("Năm đánh giá / Year")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds",
                                  verbose_name="Bộ chỉ số / Framework")
    # empty: organised system-wide (a national round of provinces run by the system administrators)
    scope = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dti_rounds", null=True, blank=True,
                              verbose_name="Đơn vị tổ chức đánh giá / Organising unit")
    # a national round: its participants are provinces, not units under the organiser
    national = models.BooleanField("Xếp hạng toàn quốc / National ranking", default=False)
    # a derived round: today's units, valued from their predecessors' published results of `derived_from`
    derived_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived",
                                     verbose_name="Quy đổi từ đợt / Derived from")
    units = models.ManyToManyField("units.Unit", through="RoundUnit", related_name="+")
    status = models.CharField("Trạng thái / Status", max_length=12, choices=RoundStatus.choices,
                              default=RoundStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField("Ghi chú / Note", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Đợt đánh giá / Assessment round"
        verbose_name_plural = "Đợt đánh giá / Assessment rounds"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


class RoundUnit(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dti_memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="dti_round_unit")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.unit_id}"


class Origin(models.TextChoices):
    AUTO = "auto", "Tự động từ hệ thống báo cáo / From the reporting system"
    SELF = "self", "Đơn vị tự đánh giá / Self-assessment"
    OFFICE = "office", "Sở KH&CN điều chỉnh / Adjusted by the DX office"


class Value(models.Model):
    """The value of one component for one unit in one round, where it came from, and its points."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dti_values")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.SELF)
    auto_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    self_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    note = models.TextField("Giải trình, minh chứng / Justification", blank=True)
    adjust_reason = models.TextField("Lý do điều chỉnh / Reason for adjustment", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "unit", "component"], name="dti_value_unique")]
        indexes = [models.Index(fields=["round", "unit"])]

    def __str__(self) -> str:
        return f"{self.component_id}@{self.unit_id}: {self.value}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"dti/{instance.value.round_id}/{instance.value.unit_id}/{filename}"


class Evidence(models.Model):
    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    description = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class Result(models.Model):
    """Computed scores of one unit in one round. `framework` repeats the round's edition so an
    exported or cached result always names the methodology that produced it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dti_results")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    peer_group = models.CharField(max_length=20)
    # exact (to 9 / 12 decimals): rounded once, where they are displayed
    points = models.DecimalField(max_digits=19, decimal_places=9)
    index = models.DecimalField(max_digits=14, decimal_places=12)
    rank = models.PositiveIntegerField()
    peers = models.PositiveIntegerField()
    by_main = models.JSONField(default=dict)
    by_pillar = models.JSONField(default=dict)
    by_group = models.JSONField(default=dict)
    pillar_ranks = models.JSONField(default=dict)
    # pillar value 0–1: the pillar's points / its maximum (DTI 922: (foundation 1–5 + activity) / (500 + activity max))
    pillar_values = models.JSONField(default=dict, blank=True)
    # main indicators whose points come from a value entered at main level: code → imported | entered | derived
    main_sources = models.JSONField(default=dict, blank=True)
    previous_points = models.DecimalField(max_digits=19, decimal_places=9, null=True, blank=True)
    previous_index = models.DecimalField(max_digits=14, decimal_places=12, null=True, blank=True)
    previous_by_main = models.JSONField(default=dict, blank=True)
    previous_basis = models.CharField(max_length=10, blank=True)  # "same" | "merged" | "absorbed" | ""
    previous_units = models.JSONField(default=list, blank=True)
    gaps = models.JSONField(default=list)
    component_points = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="dti_result_unique")]
        ordering = ["round", "peer_group", "rank"]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.points} (#{self.rank})"


class MainOrigin(models.TextChoices):
    IMPORTED = "imported", "Nhập từ kết quả Bộ công bố / Imported from the Ministry's published results"
    ENTERED = "entered", "Nhập trực tiếp giá trị chỉ số chính / Main-indicator value entered directly"
    DERIVED = "derived", "Quy đổi từ đơn vị tiền thân / Derived from predecessors"


class MainValue(models.Model):
    """The value (0–1) of a main indicator for one unit in one round, where its component values are not
    known (the Ministry publishes main-indicator values only). Its points are value × the indicator's maximum
    and replace the sum of its components."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="main_values")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dti_main_values")
    main = models.ForeignKey(MainIndicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=16, decimal_places=12)
    origin = models.CharField(max_length=10, choices=MainOrigin.choices, default=MainOrigin.ENTERED)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "unit", "main"], name="dti_main_value_unique")]

    def __str__(self) -> str:
        return f"{self.main_id}@{self.unit_id}: {self.value}"


class MergeWeight(models.Model):
    """The weight of a predecessor in its successor's derived value, set by the DX office (e.g. population);
    without weights a successor takes the plain mean of its predecessors, as the Ministry did for DTI 2024."""

    successor = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="dti_weights_in")
    predecessor = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="dti_weights_out")
    weight = models.DecimalField("Trọng số / Weight", max_digits=16, decimal_places=4)
    note = models.CharField("Căn cứ / Basis", max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Trọng số quy đổi / Merge weight"
        verbose_name_plural = "Trọng số quy đổi / Merge weights"
        constraints = [models.UniqueConstraint(fields=["successor", "predecessor"], name="dti_merge_weight_unique")]

    def __str__(self) -> str:
        return f"{self.predecessor_id}→{self.successor_id}: {self.weight}"
