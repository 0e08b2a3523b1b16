"""DTI assessment: methodology as versioned data, assessment rounds, collected values and results.

A `Framework` is one edition of a methodology (e.g. the provincial DTI of Decision 922/QĐ-BTTTT, 2022):
groups → main indicators → component indicators with maximum points, a scoring rule and a value
source. A later methodology is a new `Framework` row with the same `code` and a higher `edition`;
rounds point to exactly one edition, so every result says which methodology produced it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ACTIVE = "active", _("Đang áp dụng")
    RETIRED = "retired", _("Hết hiệu lực")


class Framework(models.Model):
    code = models.CharField(_("Mã bộ chỉ số"), max_length=40)
    edition = models.PositiveIntegerField(_("Phiên bản phương pháp"))
    name = models.CharField(_("Tên"), max_length=255)
    legal_basis = models.CharField(_("Căn cứ"), max_length=255, blank=True)
    applies_to = models.CharField(
        _("Áp dụng cho"), max_length=120, blank=True,
        help_text="Loại đơn vị, phân cách bởi dấu phẩy (province, department, commune)")
    max_points = models.DecimalField(_("Tổng điểm tối đa"), max_digits=8, decimal_places=2)
    groups = models.JSONField(_("Nhóm chỉ số"), default=list, blank=True)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=FrameworkStatus.choices,
                              default=FrameworkStatus.ACTIVE)
    source_note = models.TextField(_("Ghi chú nguồn"), blank=True)
    # how the publisher combines the figures (index, pillar values), as documented text with its verification
    formula = models.JSONField(_("Cách tính"), default=dict, blank=True)
    # the number of components the methodology declares, where they are not all known yet (405: 47)
    components_total = models.PositiveIntegerField(_("Số chỉ số thành phần công bố"),
                                                   null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Bộ chỉ số")
        verbose_name_plural = pgettext_lazy("plural", "Bộ chỉ số")
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
    INDICATOR = "indicator", _("Chỉ tiêu hệ thống báo cáo")
    YES_NO = "yes_no", _("Có/không kèm minh chứng")
    SURVEY = "survey", _("Số liệu khảo sát")
    MANUAL = "manual", _("Chấm điểm kèm giải trình")


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
    DRAFT = "draft", _("Chuẩn bị")
    COLLECTING = "collecting", _("Đang thu thập, tự đánh giá")
    REVIEW = "review", _("Sở KH&CN thẩm định")
    PUBLISHED = "published", _("Đã công bố")


class Round(models.Model):
    name = models.CharField(_("Tên đợt"), max_length=255)
    year = models.PositiveSmallIntegerField(_("Năm đánh giá"))
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds",
                                  verbose_name=_("Bộ chỉ số"))
    # empty: organised system-wide (a national round of provinces run by the system administrators)
    scope = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dti_rounds", null=True, blank=True,
                              verbose_name=_("Đơn vị tổ chức đánh giá"))
    # a national round: its participants are provinces, not units under the organiser
    national = models.BooleanField(_("Xếp hạng toàn quốc"), default=False)
    # a derived round: today's units, valued from their predecessors' published results of `derived_from`
    derived_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived",
                                     verbose_name=_("Quy đổi từ đợt"))
    units = models.ManyToManyField("units.Unit", through="RoundUnit", related_name="+")
    status = models.CharField(_("Trạng thái"), max_length=12, choices=RoundStatus.choices,
                              default=RoundStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Đợt đánh giá")
        verbose_name_plural = pgettext_lazy("plural", "Đợt đánh giá")
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
    AUTO = "auto", _("Tự động từ hệ thống báo cáo")
    SELF = "self", _("Đơn vị tự đánh giá")
    OFFICE = "office", _("Sở KH&CN điều chỉnh")


class Value(models.Model):
    """The value of one component for one unit in one round, where it came from, and its points."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dti_values")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.SELF)
    auto_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    self_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("Giải trình, minh chứng"), blank=True)
    adjust_reason = models.TextField(_("Lý do điều chỉnh"), blank=True)
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
    IMPORTED = "imported", _("Nhập từ kết quả Bộ công bố")
    ENTERED = "entered", _("Nhập trực tiếp giá trị chỉ số chính")
    DERIVED = "derived", _("Quy đổi từ đơn vị tiền thân")


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
    weight = models.DecimalField(_("Trọng số"), max_digits=16, decimal_places=4)
    note = models.CharField(_("Căn cứ"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Trọng số quy đổi")
        verbose_name_plural = pgettext_lazy("plural", "Trọng số quy đổi")
        constraints = [models.UniqueConstraint(fields=["successor", "predecessor"], name="dti_merge_weight_unique")]

    def __str__(self) -> str:
        return f"{self.predecessor_id}→{self.successor_id}: {self.weight}"
