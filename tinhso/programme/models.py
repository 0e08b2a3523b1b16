"""Programme management: a DX scheme (Đề án) is carried out through plans (Kế hoạch), each holding tasks
and projects (nhiệm vụ, dự án) led by one unit and coordinated by others, with budgets by source and a
dated progress log with evidence files.

"Overdue" is never stored: it is derived from the deadline and the stored status (see `services.state_of`).
A task carried over into the next plan points back to the task it continues (`carried_from`), so the
chain 2023 → 2024 → 2025 can always be followed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Pillar(models.TextChoices):
    DIGITAL_GOVERNMENT = "digital_government", _("Chính quyền số")
    DIGITAL_ECONOMY = "digital_economy", _("Kinh tế số")
    DIGITAL_SOCIETY = "digital_society", _("Xã hội số")
    AWARENESS = "awareness", _("Nhận thức số")
    INSTITUTIONS = "institutions", _("Thể chế số")
    INFRASTRUCTURE = "infrastructure", _("Hạ tầng số")
    DATA = "data", _("Dữ liệu số")
    CYBER_SECURITY = "cyber_security", _("An toàn thông tin mạng")
    HUMAN_RESOURCES = "human_resources", _("Nhân lực số")


class TaskKind(models.TextChoices):
    TASK = "task", _("Nhiệm vụ")
    INVESTMENT = "investment", _("Dự án đầu tư")
    PROCUREMENT = "procurement", _("Mua sắm")
    SERVICE = "service", _("Thuê dịch vụ CNTT")
    TRAINING = "training", _("Đào tạo, tập huấn")
    COMMUNICATION = "communication", _("Tuyên truyền")
    POLICY = "policy", _("Xây dựng văn bản, cơ chế")


class Origin(models.TextChoices):
    IN_SCHEME = "in_scheme", _("Trong Đề án")
    OUTSIDE_SCHEME = "outside_scheme", _("Ngoài Đề án")
    CARRIED_OVER = "carried_over", _("Chuyển tiếp từ năm trước")


class TaskStatus(models.TextChoices):
    """Stored statuses. "overdue" is a derived state (see DerivedState), never stored."""

    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Dừng, hủy")
    CARRIED_OVER = "carried_over", _("Đã chuyển tiếp sang năm sau")


Status = TaskStatus  # the API document names it TaskStatus: programme and indicators both have a Status


class DerivedState(models.TextChoices):
    """What a reader sees: the stored status, except open tasks past their deadline show as overdue."""

    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    OVERDUE = "overdue", _("Quá hạn")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Dừng, hủy")
    CARRIED_OVER = "carried_over", _("Đã chuyển tiếp sang năm sau")


OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương")
    PROVINCIAL = "provincial", _("Ngân sách tỉnh")
    LOCAL = "local", _("Ngân sách huyện, xã")
    NATIONAL_PROGRAMME = "national_programme", _("Chương trình mục tiêu quốc gia")
    ODA = "oda", _("Vốn ODA, tài trợ")
    ENTERPRISE = "enterprise", _("Doanh nghiệp, xã hội hóa")
    OTHER = "other", _("Nguồn khác")


class Scheme(models.Model):
    """A multi-year DX scheme of a province, e.g. 'Đề án chuyển đổi số tỉnh Bắc Kạn giai đoạn 2022–2025'."""

    code = models.CharField(_("Mã"), max_length=40, unique=True)
    name = models.CharField(_("Tên Đề án"), max_length=500)
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dx_schemes",
                                 verbose_name=_("Tỉnh"))
    start_year = models.PositiveSmallIntegerField(_("Từ năm"))
    end_year = models.PositiveSmallIntegerField(_("Đến năm"))
    vision_year = models.PositiveSmallIntegerField(_("Định hướng đến năm"), null=True, blank=True)
    decision = models.CharField(_("Quyết định phê duyệt"), max_length=255, blank=True)
    description = models.TextField(_("Mô tả"), blank=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("Đề án")
        verbose_name_plural = pgettext_lazy("plural", "Đề án")
        ordering = ["-start_year", "name"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """A plan (usually yearly) carrying out a scheme, or standing alone when a province has no scheme."""

    code = models.CharField(_("Mã"), max_length=40, unique=True)
    name = models.CharField(_("Tên kế hoạch"), max_length=500)
    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="plans",
                               verbose_name=_("Đề án"))
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dx_plans",
                                 verbose_name=_("Tỉnh"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    end_year = models.PositiveSmallIntegerField(_("Đến năm"))
    decision = models.CharField(_("Văn bản ban hành"), max_length=255, blank=True)
    description = models.TextField(_("Mô tả"), blank=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("Kế hoạch")
        verbose_name_plural = pgettext_lazy("plural", "Kế hoạch")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def period(self) -> str:
        return str(self.year) if self.end_year == self.year else f"{self.year}–{self.end_year}"


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("Kế hoạch"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks",
                               verbose_name=_("Nhiệm vụ cha"))
    code = models.CharField(_("Mã"), max_length=40)
    title = models.CharField(_("Tên nhiệm vụ"), max_length=500)
    description = models.TextField(_("Mô tả"), blank=True)
    pillar = models.CharField(_("Trụ cột, lĩnh vực"), max_length=30, choices=Pillar.choices)
    kind = models.CharField(_("Loại"), max_length=20, choices=TaskKind.choices, default=TaskKind.TASK)
    origin = models.CharField(_("Nguồn gốc"), max_length=20, choices=Origin.choices, default=Origin.IN_SCHEME)
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to",
        verbose_name=_("Chuyển tiếp từ"))
    lead_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dx_tasks_led",
                                  verbose_name=_("Đơn vị chủ trì"))
    coordinating_units = models.ManyToManyField("units.Unit", blank=True, related_name="dx_tasks_coordinated",
                                                verbose_name=_("Đơn vị phối hợp"))
    start_date = models.DateField(_("Bắt đầu"), null=True, blank=True)
    due_date = models.DateField(_("Hạn hoàn thành"), null=True, blank=True)
    # the deadline as the plan wrote it ("Quý IV/2023", "2023–2025", "Thường xuyên"), beside the date it means
    due_text = models.CharField(_("Hạn theo văn bản"), max_length=60, blank=True)
    recurring = models.BooleanField(_("Thường xuyên"), default=False,
                                    help_text="Chạy suốt kế hoạch, báo cáo theo kỳ; không bao giờ quá hạn cả nhiệm vụ")
    output = models.TextField(_("Sản phẩm đầu ra"), blank=True)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=Status.choices,
                              default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("Tiến độ (%)"), default=0)
    completed_on = models.DateField(_("Ngày hoàn thành"), null=True, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)
    last_update_on = models.DateField(_("Cập nhật tiến độ gần nhất"), null=True, blank=True,
                                      editable=False)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at", "last_update_on"],
                                m2m_fields=[coordinating_units])

    class Meta:
        verbose_name = _("Nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "Nhiệm vụ")
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="programme_task_code_unique_in_plan")]
        indexes = [models.Index(fields=["plan", "status", "due_date"]), models.Index(fields=["plan", "lead_unit"])]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def deadline_label(self) -> str:
        """The deadline as the plan wrote it with the date it means: "Quý IV/2023 (31/12/2023)"."""
        from tinhso.programme.deadlines import display

        return display(self.due_date, self.due_text, self.recurring)


class BudgetLine(models.Model):
    """Money of a task from one source, in million VND (triệu đồng)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="budget_lines")
    source = models.CharField(_("Nguồn vốn"), max_length=30, choices=FundingSource.choices)
    planned = models.DecimalField(_("Kế hoạch (triệu đồng)"), max_digits=14, decimal_places=3,
                                  default=0)
    allocated = models.DecimalField(_("Được giao"), max_digits=14, decimal_places=3, default=0)
    disbursed = models.DecimalField(_("Đã giải ngân"), max_digits=14, decimal_places=3, default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kinh phí")
        verbose_name_plural = pgettext_lazy("plural", "Kinh phí")
        ordering = ["task", "source"]
        constraints = [models.UniqueConstraint(fields=["task", "source"], name="programme_budget_source_unique")]

    def __str__(self) -> str:
        return f"{self.task.code}: {self.get_source_display()}"


class ProgressUpdate(models.Model):
    """A dated report by the lead unit: what was done, the progress reached and the status after it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    # the task's plan, repeated so that "latest reports of a plan" is one index range scan
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", editable=False)
    reported_on = models.DateField(_("Ngày báo cáo"))
    text = models.TextField(_("Nội dung"))
    progress = models.PositiveSmallIntegerField(_("Tiến độ (%)"))
    status = models.CharField(_("Trạng thái sau cập nhật"), max_length=20, choices=Status.choices)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("Đơn vị báo cáo"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Cập nhật tiến độ")
        verbose_name_plural = pgettext_lazy("plural", "Cập nhật tiến độ")
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["task", "-reported_on"]), models.Index(fields=["plan", "-reported_on", "-id"])]

    def __str__(self) -> str:
        return f"{self.task.code} {self.reported_on:%d/%m/%Y}: {self.progress}%"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"programme/evidence/{instance.update.task.plan_id}/{instance.update.task_id}/{filename}"


class Evidence(models.Model):
    """A file proving progress. Stored under MEDIA_ROOT/programme/, served only by a permission-checked view."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=400)
    original_name = models.CharField(_("Tên tệp"), max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Minh chứng")
        verbose_name_plural = _("Minh chứng")

    def __str__(self) -> str:
        return self.original_name
