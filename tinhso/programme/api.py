"""REST endpoints of programme management (/api/v1/programme/...). Thin: parse, call services, shape output.
The same role rules as the pages: a focal point sees only its unit's tasks (403 otherwise)."""

import datetime as dt
from decimal import Decimal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tinhso.core.api import ERROR_RESPONSES, MAX_OFFSET, AuditOut, Day, InputSchema
from tinhso.core.audit import history_of
from tinhso.core.downloads import attach, stored_file
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.uploads import upload_guard
from tinhso.programme import services, spreadsheet
from tinhso.programme.deadlines import parse_deadline
from tinhso.programme.models import (
    DerivedState,
    FundingSource,
    Origin,
    Pillar,
    Plan,
    ProgressUpdate,
    Scheme,
    Status,
    Task,
    TaskKind,
)
from tinhso.units.models import Unit
from tinhso.units.services import unit_for_field, units_for_field

router = Router(tags=["programme"])
PREFIX = "/programme"


# ---------------------------------------------------------------- schemas

class UnitRef(Schema):
    id: int
    name: str
    code: str | None


class SchemeIn(InputSchema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=500)
    province_id: int
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    vision_year: int | None = Field(None, ge=2000, le=2100)
    decision: str = Field("", max_length=255)
    description: str = Field("", max_length=20000)


class SchemePatch(InputSchema):
    version: int
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=500)
    province_id: int | None = None
    start_year: int | None = Field(None, ge=2000, le=2100)
    end_year: int | None = Field(None, ge=2000, le=2100)
    vision_year: int | None = Field(None, ge=2000, le=2100)
    decision: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=20000)


class SchemeOut(Schema):
    id: int
    code: str
    name: str
    province: UnitRef
    start_year: int
    end_year: int
    vision_year: int | None
    decision: str
    description: str
    version: int


class PlanIn(InputSchema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=500)
    scheme_id: int | None = None
    province_id: int | None = Field(None, description="Bỏ trống khi có Đề án / omit when a scheme is given")
    year: int = Field(ge=2000, le=2100)
    end_year: int | None = Field(None, ge=2000, le=2100)
    decision: str = Field("", max_length=255)
    description: str = Field("", max_length=20000)


class PlanPatch(InputSchema):
    version: int
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=500)
    scheme_id: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    end_year: int | None = Field(None, ge=2000, le=2100)
    decision: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=20000)


class PlanOut(Schema):
    id: int
    code: str
    name: str
    scheme_id: int | None
    province: UnitRef
    year: int
    end_year: int
    decision: str
    description: str
    version: int


class BudgetIn(InputSchema):
    source: FundingSource
    planned: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=3)
    allocated: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=3)
    disbursed: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=3)


class BudgetOut(Schema):
    source: str
    planned: float
    allocated: float
    disbursed: float


class TaskIn(InputSchema):
    plan_id: int
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=500)
    pillar: Pillar
    lead_unit_id: int
    description: str = Field("", max_length=20000)
    kind: TaskKind = TaskKind.TASK
    origin: Origin = Origin.IN_SCHEME
    carried_from_id: int | None = None
    coordinating_unit_ids: list[int] = Field(default_factory=list, max_length=100)
    parent_id: int | None = None
    start_date: Day | None = None
    due_date: Day | None = None
    deadline: str | None = Field(None, max_length=60, description="Hạn như văn bản ghi, thay cho due_date: "
                                 "'Quý IV/2023', 'Tháng 6/2023', '6 tháng đầu năm 2023', 'Năm 2023', '2023–2025', "
                                 "'Thường xuyên' / deadline as the plan writes it (a period means its last day)")
    output: str | None = Field(None, max_length=20000, description="Sản phẩm đầu ra / expected result or product")
    status: Status = Status.NOT_STARTED
    progress: int = Field(0, ge=0, le=100)
    completed_on: Day | None = None
    note: str = Field("", max_length=20000)
    budget: list[BudgetIn] = Field(default_factory=list, max_length=len(FundingSource.values))


class TaskPatch(InputSchema):
    version: int = Field(description="Phiên bản đã đọc; sửa trên bản cũ bị từ chối (409) / version you read")
    code: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=500)
    pillar: Pillar | None = None
    lead_unit_id: int | None = None
    description: str | None = Field(None, max_length=20000)
    kind: TaskKind | None = None
    origin: Origin | None = None
    carried_from_id: int | None = None
    coordinating_unit_ids: list[int] | None = Field(None, max_length=100)
    parent_id: int | None = None
    start_date: Day | None = None
    due_date: Day | None = None
    deadline: str | None = Field(None, max_length=60, description="Hạn như văn bản ghi, thay cho due_date: "
                                 "'Quý IV/2023', 'Tháng 6/2023', '6 tháng đầu năm 2023', 'Năm 2023', '2023–2025', "
                                 "'Thường xuyên' / deadline as the plan writes it (a period means its last day)")
    output: str | None = Field(None, max_length=20000, description="Sản phẩm đầu ra / expected result or product")
    status: Status | None = None
    progress: int | None = Field(None, ge=0, le=100)
    completed_on: Day | None = None
    note: str | None = Field(None, max_length=20000)
    budget: list[BudgetIn] | None = Field(None, max_length=len(FundingSource.values))


class TaskRef(Schema):
    id: int
    code: str
    title: str
    plan_id: int
    plan_year: int


class TaskOut(Schema):
    id: int
    plan_id: int
    parent_id: int | None
    code: str
    title: str
    description: str
    pillar: str
    kind: str
    origin: str
    carried_from_id: int | None
    lead_unit: UnitRef
    coordinating_units: list[UnitRef]
    start_date: Day | None
    due_date: Day | None
    due_text: str = Field(description="Hạn như văn bản ghi / deadline as written ('Quý IV/2023'), or ''")
    recurring: bool = Field(description="Thường xuyên: không quá hạn cả nhiệm vụ / recurring, never overdue as a whole")
    deadline_label: str = Field(description="'Quý IV/2023 (31/12/2023)'")
    output: str
    status: str
    state: DerivedState = Field(description="Trạng thái tính toán, gồm 'overdue' / derived state incl. overdue")
    progress: int
    completed_on: Day | None
    last_update_on: Day | None
    note: str
    budget: list[BudgetOut]
    version: int


class TaskDetailOut(TaskOut):
    chain: list[TaskRef]
    subtasks: list[TaskRef]
    can_edit: bool
    can_report: bool


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str


class UpdateOut(Schema):
    id: int
    task_id: int
    reported_on: Day
    text: str
    progress: int
    status: str
    unit: UnitRef
    author: str
    created_at: dt.datetime
    evidence: list[EvidenceOut]


class CarryOverIn(InputSchema):
    target_plan_id: int
    task_ids: list[int] | None = Field(None, max_length=10000,
                                       description="Đúng các nhiệm vụ được chuyển; bỏ trống = mọi nhiệm vụ chưa hoàn "
                                                   "thành; [] bị từ chối / exactly these; omit = all unfinished")
    replacements: dict[int, int] | None = Field(None, description="{mã số đơn vị đã kết thúc: mã số đơn vị kế thừa "
                                                "được chọn} khi có nhiều đơn vị kế thừa / {ended unit id: chosen heir "
                                                "id} where several units inherited one")


class CarryOverOut(Schema):
    created: list[TaskRef]


class PlanImportOut(Schema):
    created: int


# ---------------------------------------------------------------- helpers

def _ref(unit: Unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


def _task_ref_field(task_id: int | None, field: str) -> Task | None:
    if task_id is None:
        return None
    task = Task.objects.select_related("plan").filter(pk=task_id).first()
    if task is None:
        raise ValidationFailed(FieldError(field, f"không có nhiệm vụ mã số {task_id}", f"no task with id {task_id}"))
    return task


def _scheme_out(scheme: Scheme) -> dict:
    return {**{f: getattr(scheme, f) for f in ("id", "code", "name", "start_year", "end_year", "vision_year",
                                                "decision", "description", "version")},
            "province": _ref(scheme.province)}


def _plan_out(plan: Plan) -> dict:
    return {**{f: getattr(plan, f) for f in ("id", "code", "name", "scheme_id", "year", "end_year", "decision",
                                              "description", "version")},
            "province": _ref(plan.province)}


def _task_out(task: Task, day: Day) -> dict:
    return {
        **{f: getattr(task, f) for f in ("id", "plan_id", "parent_id", "code", "title", "description", "pillar",
                                          "kind", "origin", "carried_from_id", "start_date", "due_date", "status",
                                          "progress", "completed_on", "last_update_on", "note", "version",
                                          "due_text", "recurring", "deadline_label", "output")},
        "state": getattr(task, "state", None) or services.state_of(task, day),
        "lead_unit": _ref(task.lead_unit),
        "coordinating_units": [_ref(u) for u in task.coordinating_units.all()],
        "budget": [{"source": b.source, "planned": float(b.planned), "allocated": float(b.allocated),
                    "disbursed": float(b.disbursed)} for b in task.budget_lines.all()],
    }


def _task_ref(task: Task) -> dict:
    return {"id": task.pk, "code": task.code, "title": task.title, "plan_id": task.plan_id,
            "plan_year": task.plan.year}


def _update_out(update: ProgressUpdate) -> dict:
    return {"id": update.pk, "task_id": update.task_id, "reported_on": update.reported_on, "text": update.text,
            "progress": update.progress, "status": update.status, "unit": _ref(update.unit),
            "author": str(update.author) if update.author else "", "created_at": update.created_at,
            "evidence": [{"id": e.pk, "name": e.original_name, "size": e.size, "content_type": e.content_type,
                          "url": f"/api/v1{PREFIX}/evidence/{e.pk}"} for e in update.evidence.all()]}


def _task_changes(payload: Schema, exclude: set[str]) -> dict:
    raw = payload.dict(exclude_unset=True, exclude=exclude)
    changes = {}
    if "due_date" in raw:  # a plain date replaces a period or recurring deadline
        changes["due_text"], changes["recurring"] = "", False
    for key, value in raw.items():
        if key == "lead_unit_id":
            if value is None:
                raise ValidationFailed(FieldError("lead_unit_id", "bắt buộc nhập", "is required"))
            changes["lead_unit"] = unit_for_field(value, key)
        elif key == "coordinating_unit_ids":
            changes["coordinating_units"] = units_for_field(value or [], key)
        elif key == "carried_from_id":
            changes["carried_from"] = _task_ref_field(value, key)
        elif key == "parent_id":
            changes["parent"] = _task_ref_field(value, key)
        elif key == "deadline":
            found = parse_deadline(value, "deadline")
            changes.update(due_date=found.due_date, due_text=found.text, recurring=found.recurring)
        elif key == "output":
            changes["output"] = value or ""
        elif key == "budget":
            changes["budget"] = [services.BudgetData(b["source"], b["planned"], b["allocated"], b["disbursed"])
                                 for b in value or []]
        elif value is None and key in ("code", "title", "pillar", "description", "kind", "origin", "status",
                                       "progress", "note"):
            raise ValidationFailed(FieldError(key, "không được để null", "must not be null"))
        else:
            changes[key] = value
    return changes


def _detail(user, task: Task) -> dict:
    task = (Task.objects.select_related("lead_unit", "plan").prefetch_related("coordinating_units", "budget_lines")
            .get(pk=task.pk))
    return {**_task_out(task, services.today()),
            "chain": [_task_ref(t) for t in services.chain(task)],
            "subtasks": [_task_ref(t) for t in task.subtasks.select_related("plan").order_by("code")],
            "can_edit": services.can_edit_task(user, task), "can_report": services.can_report(user, task)}


# ---------------------------------------------------------------- schemes

@router.get(f"{PREFIX}/schemes", response=list[SchemeOut], summary="Danh sách Đề án / Schemes")
def list_schemes(request: HttpRequest):
    schemes = services.visible_schemes(request.user)
    return [_scheme_out(s) for s in schemes]


@router.post(f"{PREFIX}/schemes", response={201: SchemeOut, **ERROR_RESPONSES}, summary="Tạo Đề án / Create")
def create_scheme(request: HttpRequest, payload: SchemeIn):
    values = payload.dict(exclude={"province_id"}) | {"province": unit_for_field(payload.province_id, "province_id")}
    return 201, _scheme_out(services.create_scheme(request.user, values))


@router.get(f"{PREFIX}/schemes/{{scheme_id}}", response={200: SchemeOut, **ERROR_RESPONSES}, summary="Đề án")
def get_scheme(request: HttpRequest, scheme_id: int):
    return _scheme_out(services.get_scheme(scheme_id, request.user))


@router.patch(f"{PREFIX}/schemes/{{scheme_id}}", response={200: SchemeOut, **ERROR_RESPONSES},
              summary="Sửa Đề án (kiểm tra phiên bản) / Update a scheme")
def update_scheme(request: HttpRequest, scheme_id: int, payload: SchemePatch):
    changes = payload.dict(exclude_unset=True, exclude={"version", "province_id"})
    if "province_id" in payload.model_fields_set:
        changes["province"] = unit_for_field(payload.province_id, "province_id")
    return _scheme_out(services.update_scheme(request.user, scheme_id, changes, payload.version))


@router.delete(f"{PREFIX}/schemes/{{scheme_id}}", response={204: None, **ERROR_RESPONSES}, summary="Xóa Đề án")
def delete_scheme(request: HttpRequest, scheme_id: int, version: int):
    services.delete_scheme(request.user, scheme_id, version)
    return 204, None


# ---------------------------------------------------------------- plans

@router.get(f"{PREFIX}/plans", response=list[PlanOut], summary="Danh sách kế hoạch / Plans")
def list_plans(request: HttpRequest, scheme_id: int | None = None, year: int | None = None):
    plans = services.visible_plans(request.user)
    if scheme_id:
        plans = plans.filter(scheme_id=scheme_id)
    if year:
        plans = plans.filter(year__lte=year, end_year__gte=year)
    return [_plan_out(p) for p in plans]


@router.post(f"{PREFIX}/plans", response={201: PlanOut, **ERROR_RESPONSES}, summary="Tạo kế hoạch / Create a plan")
def create_plan(request: HttpRequest, payload: PlanIn):
    scheme = services.get_scheme(payload.scheme_id) if payload.scheme_id else None
    values = payload.dict(exclude={"scheme_id", "province_id"}) | {
        "scheme": scheme,
        "province": unit_for_field(payload.province_id, "province_id") if payload.province_id else None}
    return 201, _plan_out(services.create_plan(request.user, values))


def _readable_plan(request: HttpRequest, plan_id: int) -> Plan:
    return services.get_plan(plan_id, request.user)


@router.get(f"{PREFIX}/plans/{{plan_id}}", response={200: PlanOut, **ERROR_RESPONSES}, summary="Kế hoạch")
def get_plan(request: HttpRequest, plan_id: int):
    return _plan_out(_readable_plan(request, plan_id))


@router.patch(f"{PREFIX}/plans/{{plan_id}}", response={200: PlanOut, **ERROR_RESPONSES},
              summary="Sửa kế hoạch (kiểm tra phiên bản) / Update a plan")
def update_plan(request: HttpRequest, plan_id: int, payload: PlanPatch):
    changes = payload.dict(exclude_unset=True, exclude={"version", "scheme_id"})
    if "scheme_id" in payload.model_fields_set:
        changes["scheme"] = services.get_scheme(payload.scheme_id) if payload.scheme_id else None
    return _plan_out(services.update_plan(request.user, plan_id, changes, payload.version))


@router.delete(f"{PREFIX}/plans/{{plan_id}}", response={204: None, **ERROR_RESPONSES}, summary="Xóa kế hoạch")
def delete_plan(request: HttpRequest, plan_id: int, version: int):
    services.delete_plan(request.user, plan_id, version)
    return 204, None


@router.get(f"{PREFIX}/plans/{{plan_id}}/overview", response={200: dict, **ERROR_RESPONSES},
            summary="Tổng quan kế hoạch cho lãnh đạo / Plan overview for leaders")
def plan_overview(request: HttpRequest, plan_id: int, as_of: Day | None = None):
    """Counts by derived state, origin, pillar and lead unit; overdue list; budget planned vs disbursed;
    timeline; latest updates; and the generated Vietnamese summary sentences. A focal point's overview
    covers only its unit's tasks."""
    plan = _readable_plan(request, plan_id)
    view = services.overview(request.user, plan, as_of)

    def task_brief(task: Task) -> dict:
        return {"id": task.pk, "code": task.code, "title": task.title, "lead_unit": task.lead_unit.name,
                "start_date": task.start_date, "due_date": task.due_date, "progress": task.progress,
                "state": getattr(task, "state", None) or services.state_of(task, view.day)}

    return {
        "plan": _plan_out(plan), "as_of": view.day, "scoped": view.scoped, "total": view.total,
        "subtasks": view.subtasks, "average_progress": round(view.average_progress, 1),
        "sentences": view.sentences,
        "by_state": [{k: r[k] for k in ("key", "label", "count")} for r in view.by_state],
        "by_origin": [{k: r[k] for k in ("key", "label", "count")} for r in view.by_origin],
        "by_pillar": [{k: r[k] for k in ("key", "label", "count")} for r in view.by_pillar],
        "by_lead_unit": [{k: r[k] for k in ("unit_id", "name", "count", "done", "overdue", "last_update")}
                         for r in view.by_lead_unit],
        "overdue_count": view.overdue_count,
        "overdue": [task_brief(t) | {"days_late": t.days_late} for t in view.overdue],
        "budget": {k: (float(v) if v is not None else None) for k, v in view.budget.items()},
        "budget_by_source": [{"source": r["key"], "label": r["label"], "planned": float(r["planned"]),
                              "allocated": float(r["allocated"]), "disbursed": float(r["disbursed"])}
                             for r in view.budget_by_source],
        "timeline": [task_brief(t) for t in view.timeline],
        "recent_updates": [_update_out(u) | {"task_code": u.task.code} for u in view.recent_updates],
    }


@router.get(f"{PREFIX}/plans/{{plan_id}}/export", response={200: None, **ERROR_RESPONSES},
            summary="Xuất kế hoạch và tình trạng ra XLSX / Export the plan to XLSX")
def export_plan(request: HttpRequest, plan_id: int):
    content, filename, mime = spreadsheet.export_plan(request.user, _readable_plan(request, plan_id))
    response = HttpResponse(content, content_type=mime)
    attach(response, filename)
    return response


@router.post(f"{PREFIX}/plans/{{plan_id}}/import", response={200: PlanImportOut, **ERROR_RESPONSES},
             summary="Nhập nhiệm vụ từ XLSX, tất cả hoặc không / Import tasks, all or nothing")
@upload_guard(services.plan_upload_check)
def import_plan(request: HttpRequest, plan_id: int, file: UploadedFile = File(...)):
    plan = services.get_plan(plan_id)
    services.require_manage_plan(request.user, plan)
    rows = spreadsheet.read_plan_file(file.read(), file.name or "")
    result = spreadsheet.import_plan(request.user, plan, rows)
    if result.errors:
        raise ValidationFailed(result.errors, vi="Tệp bị từ chối, không có dòng nào được ghi",
                               en="The file was rejected; no row was written")
    return {"created": result.created}


@router.post(f"{PREFIX}/plans/{{plan_id}}/carry-over", response={200: CarryOverOut, **ERROR_RESPONSES},
             summary="Chuyển tiếp nhiệm vụ chưa hoàn thành sang kế hoạch sau / Carry unfinished tasks over")
def carry_over(request: HttpRequest, plan_id: int, payload: CarryOverIn):
    source = services.get_plan(plan_id)
    target = services.get_plan(payload.target_plan_id)
    result = services.carry_over(request.user, source, target, payload.task_ids, payload.replacements)
    return {"created": [_task_ref(t) for t in result.created]}


# ---------------------------------------------------------------- tasks

@router.get(f"{PREFIX}/tasks", response={200: TaskPage, **ERROR_RESPONSES},
            summary="Tìm, lọc nhiệm vụ (không dấu cũng được) / Search and filter tasks")
def list_tasks(request: HttpRequest, plan_id: int | None = None, q: str = Query("", max_length=200),
               state: DerivedState | None = None, origin: Origin | None = None, pillar: Pillar | None = None,
               kind: TaskKind | None = None, lead_unit_id: int | None = None, top_level: bool = False,
               limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    plan = services.get_plan(plan_id, request.user) if plan_id else None
    flt = services.TaskFilter(q=q, state=state or "", origin=origin or "", pillar=pillar or "", kind=kind or "",
                              lead_unit=lead_unit_id, top_level=top_level)
    tasks = services.search_tasks(request.user, plan, flt)
    day = services.today()
    # the list shows each task's lead unit only: no plan or parent task columns to read and build
    page = tasks.select_related(None).select_related("lead_unit").prefetch_related(
        "coordinating_units", "budget_lines")[offset:offset + limit]
    return {"count": tasks.count(), "items": [_task_out(t, day) for t in page]}


@router.post(f"{PREFIX}/tasks", response={201: TaskDetailOut, **ERROR_RESPONSES},
             summary="Tạo nhiệm vụ / Create a task")
def create_task(request: HttpRequest, payload: TaskIn):
    plan = services.get_plan(payload.plan_id)
    changes = _task_changes(payload, {"plan_id"})
    task = services.create_task(request.user, plan, services.TaskData(**changes))
    return 201, _detail(request.user, task)


@router.get(f"{PREFIX}/tasks/{{task_id}}", response={200: TaskDetailOut, **ERROR_RESPONSES},
            summary="Chi tiết nhiệm vụ / Task detail")
def get_task(request: HttpRequest, task_id: int):
    return _detail(request.user, services.get_task(task_id, request.user))


@router.patch(f"{PREFIX}/tasks/{{task_id}}", response={200: TaskDetailOut, **ERROR_RESPONSES},
              summary="Sửa nhiệm vụ (kiểm tra phiên bản) / Update a task (version-checked)")
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch):
    changes = _task_changes(payload, {"version"})
    return _detail(request.user, services.update_task(request.user, task_id, changes, payload.version))


@router.delete(f"{PREFIX}/tasks/{{task_id}}", response={204: None, **ERROR_RESPONSES}, summary="Xóa nhiệm vụ")
def delete_task(request: HttpRequest, task_id: int, version: int):
    services.delete_task(request.user, task_id, version)
    return 204, None


@router.get(f"{PREFIX}/tasks/{{task_id}}/history", response={200: list[AuditOut], **ERROR_RESPONSES},
            summary="Lịch sử thay đổi / Audit history")
def task_history(request: HttpRequest, task_id: int):
    return [e.as_dict() for e in history_of(services.get_task(task_id, request.user))]


@router.get(f"{PREFIX}/tasks/{{task_id}}/updates", response={200: list[UpdateOut], **ERROR_RESPONSES},
            summary="Nhật ký tiến độ / Progress log")
def list_updates(request: HttpRequest, task_id: int):
    return [_update_out(u) for u in services.task_updates(services.get_task(task_id, request.user))]


@router.post(f"{PREFIX}/tasks/{{task_id}}/updates", response={201: UpdateOut, **ERROR_RESPONSES},
             summary="Báo cáo tiến độ kèm minh chứng (multipart) / Post progress with evidence files")
@upload_guard(services.progress_upload_check)
def post_update(request: HttpRequest, task_id: int, text: str = Form(..., max_length=20000),
                progress: int = Form(..., ge=0, le=100), status: Status = Form(...),
                reported_on: Day | None = Form(None), files: list[UploadedFile] = File(default=None)):
    """multipart/form-data: `text`, `progress` (0–100), `status`, optional `reported_on` (YYYY-MM-DD) and
    evidence files in `files` (repeat the field for several files)."""
    update = services.post_progress(request.user, task_id, text, progress, status, reported_on, files or [])
    return 201, _update_out(ProgressUpdate.objects.select_related("unit", "author").prefetch_related(
        "evidence").get(pk=update.pk))


@router.get(f"{PREFIX}/evidence/{{evidence_id}}", response={200: None, **ERROR_RESPONSES},
            summary="Tải tệp minh chứng (kiểm tra quyền) / Download an evidence file")
def download_evidence(request: HttpRequest, evidence_id: int):
    evidence = services.get_evidence(request.user, evidence_id)
    return _file_response(evidence)


def _file_response(evidence) -> FileResponse:
    return stored_file(evidence.file, evidence.original_name)
