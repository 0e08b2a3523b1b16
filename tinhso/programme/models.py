"""Programme management: a DX scheme (Đề án) is carried out through plans (Kế hoạch), each holding tasks
and projects (nhiệm vụ, dự án) led by one unit and coordinated by others, with budgets by source and a
dated progress log with evidence files.

"Overdue" is never stored: it is derived from the deadline and the stored status (see `services.state_of`).
A task carried over into the next plan points back to the task it continues (`carried_from`), so the
chain 2023 → 2024 → 2025 can always be followed.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Pillar(models.TextChoices):
    DIGITAL_GOVERNMENT = "digital_government", "Chính quyền số / Digital government"
    DIGITAL_ECONOMY = "digital_economy", "Kinh tế số / Digital economy"
    DIGITAL_SOCIETY = "digital_society", "Xã hội số / Digital society"
    AWARENESS = "awareness", "Nhận thức số / Digital awareness"
    INSTITUTIONS = "institutions", "Thể chế số / Digital institutions"
    INFRASTRUCTURE = "infrastructure", "Hạ tầng số / Digital infrastructure"
    DATA = "data", "Dữ liệu số / Digital data"
    CYBER_SECURITY = "cyber_security", "An toàn thông tin mạng / Cyber-security"
    HUMAN_RESOURCES = "human_resources", "Nhân lực số / Digital human resources"


class TaskKind(models.TextChoices):
    TASK = "task", "Nhiệm vụ / Task"
    INVESTMENT = "investment", "Dự án đầu tư / Investment project"
    PROCUREMENT = "procurement", "Mua sắm / Procurement"
    SERVICE = "service", "Thuê dịch vụ CNTT / IT service hire"
    TRAINING = "training", "Đào tạo, tập huấn / Training"
    COMMUNICATION = "communication", "Tuyên truyền / Communication"
    POLICY = "policy", "Xây dựng văn bản, cơ chế / Policy document"


class Origin(models.TextChoices):
    IN_SCHEME = "in_scheme", "Trong Đề án / In the scheme"
    OUTSIDE_SCHEME = "outside_scheme", "Ngoài Đề án / Outside the scheme"
    CARRIED_OVER = "carried_over", "Chuyển tiếp từ năm trước / Carried over"


class TaskStatus(models.TextChoices):
    """Stored statuses. "overdue" is a derived state (see DerivedState), never stored."""

    NOT_STARTED = "not_started", "Chưa triển khai / Not started"
    IN_PROGRESS = "in_progress", "Đang thực hiện / In progress"
    DONE = "done", "Hoàn thành / Done"
    CANCELLED = "cancelled", "Dừng, hủy / Cancelled"
    CARRIED_OVER = "carried_over", "Đã chuyển tiếp sang năm sau / Carried over"


Status = TaskStatus  # the API document names it TaskStatus: programme and indicators both have a Status


class DerivedState(models.TextChoices):
    """What a reader sees: the stored status, except open tasks past their deadline show as overdue."""

    NOT_STARTED = "not_started", "Chưa triển khai / Not started"
    IN_PROGRESS = "in_progress", "Đang thực hiện / In progress"
    OVERDUE = "overdue", "Quá hạn / Overdue"
    DONE = "done", "Hoàn thành / Done"
    CANCELLED = "cancelled", "Dừng, hủy / Cancelled"
    CARRIED_OVER = "carried_over", "Đã chuyển tiếp sang năm sau / Carried over"


OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)


class FundingSource(models.TextChoices):
    CENTRAL = "central", "Ngân sách trung ương / Central budget"
    PROVINCIAL = "provincial", "Ngân sách tỉnh / Provincial budget"
    LOCAL = "local", "Ngân sách huyện, xã / District or commune budget"
    NATIONAL_PROGRAMME = "national_programme", "Chương trình mục tiêu quốc gia / National target programme"
    ODA = "oda", "Vốn ODA, tài trợ / ODA or grants"
    ENTERPRISE = "enterprise", "Doanh nghiệp, xã hội hóa / Enterprise or private"
    OTHER = "other", "Nguồn khác / Other"


class Scheme(models.Model):
    """A multi-year DX scheme of a province, e.g. 'Đề án chuyển đổi số tỉnh Bắc Kạn giai đoạn 2022–2025'."""

    code = models.CharField("Mã / Code", max_length=40, unique=True)
    name = models.CharField("Tên Đề án / Name", max_length=500)
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dx_schemes",
                                 verbose_name="Tỉnh / Province")
    start_year = models.PositiveSmallIntegerField("Từ năm / From year")
    end_year = models.PositiveSmallIntegerField("Đến năm / To year")
    vision_year = models.PositiveSmallIntegerField("Định hướng đến năm / Vision to", null=True, blank=True)
    decision = models.CharField("Quyết định phê duyệt / Approving decision", max_length=255, blank=True)
    description = models.TextField("Mô tả / Description", blank=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "Đề án / Scheme"
        verbose_name_plural = "Đề án / Schemes"
        ordering = ["-start_year", "name"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """A plan (usually yearly) carrying out a scheme, or standing alone when a province has no scheme."""

    code = models.CharField("Mã / Code", max_length=40, unique=True)
    name = models.CharField("Tên kế hoạch / Name", max_length=500)
    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="plans",
                               verbose_name="Đề án / Scheme")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dx_plans",
                                 verbose_name="Tỉnh / Province")
    year = models.PositiveSmallIntegerField("Năm / Year")
    end_year = models.PositiveSmallIntegerField("Đến năm / To year")
    decision = models.CharField("Văn bản ban hành / Issuing document", max_length=255, blank=True)
    description = models.TextField("Mô tả / Description", blank=True)
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "Kế hoạch / Plan"
        verbose_name_plural = "Kế hoạch / Plans"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def period(self) -> str:
        return str(self.year) if self.end_year == self.year else f"{self.year}–{self.end_year}"


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name="Kế hoạch / Plan")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks",
                               verbose_name="Nhiệm vụ cha / Parent task")
    code = models.CharField("Mã / Code", max_length=40)
    title = models.CharField("Tên nhiệm vụ / Title", max_length=500)
    description = models.TextField("Mô tả / Description", blank=True)
    pillar = models.CharField("Trụ cột, lĩnh vực / Pillar or area", max_length=30, choices=Pillar.choices)
    kind = models.CharField("Loại / Type", max_length=20, choices=TaskKind.choices, default=TaskKind.TASK)
    origin = models.CharField("Nguồn gốc / Origin", max_length=20, choices=Origin.choices, default=Origin.IN_SCHEME)
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to",
        verbose_name="Chuyển tiếp từ / Carried over from")
    lead_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dx_tasks_led",
                                  verbose_name="Đơn vị chủ trì / Lead unit")
    coordinating_units = models.ManyToManyField("units.Unit", blank=True, related_name="dx_tasks_coordinated",
                                                verbose_name="Đơn vị phối hợp / Coordinating units")
    start_date = models.DateField("Bắt đầu / Start", null=True, blank=True)
    due_date = models.DateField("Hạn hoàn thành / Deadline", null=True, blank=True)
    # the deadline as the plan wrote it ("Quý IV/2023", "2023–2025", "Thường xuyên"), beside the date it means
    due_text = models.CharField("Hạn theo văn bản / Deadline as written", max_length=60, blank=True)
    recurring = models.BooleanField("Thường xuyên / Recurring", default=False,
                                    help_text="Chạy suốt kế hoạch, báo cáo theo kỳ; không bao giờ quá hạn cả nhiệm vụ")
    output = models.TextField("Sản phẩm đầu ra / Expected result or product", blank=True)
    status = models.CharField("Trạng thái / Status", max_length=20, choices=Status.choices,
                              default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField("Tiến độ (%) / Progress (%)", default=0)
    completed_on = models.DateField("Ngày hoàn thành / Completed on", null=True, blank=True)
    note = models.TextField("Ghi chú / Note", blank=True)
    last_update_on = models.DateField("Cập nhật tiến độ gần nhất / Last progress update", null=True, blank=True,
                                      editable=False)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at", "last_update_on"],
                                m2m_fields=[coordinating_units])

    class Meta:
        verbose_name = "Nhiệm vụ / Task"
        verbose_name_plural = "Nhiệm vụ / Tasks"
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
    source = models.CharField("Nguồn vốn / Source", max_length=30, choices=FundingSource.choices)
    planned = models.DecimalField("Kế hoạch (triệu đồng) / Planned (million VND)", max_digits=14, decimal_places=3,
                                  default=0)
    allocated = models.DecimalField("Được giao / Allocated", max_digits=14, decimal_places=3, default=0)
    disbursed = models.DecimalField("Đã giải ngân / Disbursed", max_digits=14, decimal_places=3, default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Kinh phí / Budget line"
        verbose_name_plural = "Kinh phí / Budget lines"
        ordering = ["task", "source"]
        constraints = [models.UniqueConstraint(fields=["task", "source"], name="programme_budget_source_unique")]

    def __str__(self) -> str:
        return f"{self.task.code}: {self.get_source_display()}"


class ProgressUpdate(models.Model):
    """A dated report by the lead unit: what was done, the progress reached and the status after it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    # the task's plan, repeated so that "latest reports of a plan" is one index range scan
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", editable=False)
    reported_on = models.DateField("Ngày báo cáo / Report date")
    text = models.TextField("Nội dung / Report")
    progress = models.PositiveSmallIntegerField("Tiến độ (%) / Progress (%)")
    status = models.CharField("Trạng thái sau cập nhật / Status after", max_length=20, choices=Status.choices)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name="Đơn vị báo cáo / Reporting unit")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Cập nhật tiến độ / Progress update"
        verbose_name_plural = "Cập nhật tiến độ / Progress updates"
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
    original_name = models.CharField("Tên tệp / File name", max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Minh chứng / Evidence"
        verbose_name_plural = "Minh chứng / Evidence"

    def __str__(self) -> str:
        return self.original_name
