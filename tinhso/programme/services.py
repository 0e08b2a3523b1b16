"""Domain logic of programme management as plain functions: schemes, plans, tasks, budgets, progress
updates with evidence, carry-over, derived overdue state, search, overview figures and the generated
Vietnamese summary sentences. Edges (API, views, CLI, demo) call only these.

Who may do what:
- plan managers (`can_edit_unit(user, plan.province)`: the provincial DX office, system admins) create and
  change schemes, plans and every task, import, carry over;
- a focal point (or API client) sees only tasks its unit (or a unit below it) leads or coordinates; it may
  post progress on, and edit the working fields of, the tasks its unit leads; never other units' tasks;
- admins and leaders (viewers) read every plan.
"""

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Sum, Value, When

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import (
    can_edit_unit,
    can_read_unit,
    is_system_admin,
    readable_units_filter,
    require_edit_unit,
)
from tinhso.core.downloads import content_type_for
from tinhso.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed, required, single_line_error
from tinhso.core.formatting import vn_number, vn_percent
from tinhso.core.labels import english, every_form, vietnamese
from tinhso.core.text import fold, vi_sort_key
from tinhso.core.uploads import url_id
from tinhso.programme.deadlines import display as deadline_display
from tinhso.programme.models import (
    OPEN_STATUSES,
    BudgetLine,
    DerivedState,
    Evidence,
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
from tinhso.units.models import Unit, UnitKind

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_FILES = 10
EVIDENCE_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".ppt", ".pptx", ".txt",
                       ".csv", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".zip", ".rar", ".7z", ".xml", ".json"}
MANAGER_ONLY_FIELDS = ("plan", "code", "origin", "carried_from", "lead_unit", "parent", "coordinating_units")
TASK_FIELDS = ("code", "title", "description", "pillar", "kind", "origin", "carried_from", "lead_unit",
               "coordinating_units", "parent", "start_date", "due_date", "due_text", "recurring", "output", "status",
               "progress", "completed_on", "note", "budget")


def today() -> dt.date:
    return dt.date.today()


# ---------------------------------------------------------------- permissions

def can_manage_plan(user: User, plan: Plan) -> bool:
    return can_edit_unit(user, plan.province)


def can_manage_province(user: User, province: Unit) -> bool:
    return can_edit_unit(user, province)


def reads_everything(user: User) -> bool:
    """System-wide readers (a system administrator, or an administrator or leader without a unit) read
    every plan. See docs/read-policy.md."""
    return user.is_authenticated and user.is_active and (
        is_system_admin(user) or (user.role in (Role.ADMIN, Role.VIEWER) and user.unit_id is None))


def reads_as_office(user: User) -> bool:
    """Administrators and leaders read whole plans (of the provinces in their subtree); focal points and
    API clients read the tasks their unit leads or coordinates."""
    return user.is_authenticated and user.is_active and (is_system_admin(user)
                                                         or user.role in (Role.ADMIN, Role.VIEWER))


def reads_whole_plan(user: User, plan: Plan) -> bool:
    if reads_everything(user):
        return True
    return reads_as_office(user) and can_read_unit(user, plan.province)


def visible_tasks_filter(user: User) -> Q:
    if reads_everything(user):
        return Q()
    if not user.is_authenticated or not user.is_active or user.unit is None:
        return Q(pk__in=[])
    # the reader's subtree, and the subtrees of the units merged into its unit (accounts.read_roots)
    coordinated = Task.coordinating_units.through.objects.filter(readable_units_filter(user, "unit")).values(
        "task_id")
    condition = readable_units_filter(user, "lead_unit") | Q(pk__in=coordinated)
    if reads_as_office(user):
        condition |= readable_units_filter(user, "plan__province")
    return condition


def can_view_task(user: User, task: Task) -> bool:
    if reads_everything(user):
        return True
    return Task.objects.filter(visible_tasks_filter(user), pk=task.pk).exists()


def can_report(user: User, task: Task) -> bool:
    """Progress is reported by the lead unit (its focal point, or an admin over it)."""
    return can_edit_unit(user, task.lead_unit) or can_manage_plan(user, task.plan)


def can_edit_task(user: User, task: Task) -> bool:
    return can_manage_plan(user, task.plan) or can_edit_unit(user, task.lead_unit)


def require_view_task(user: User, task: Task) -> None:
    if not can_view_task(user, task):
        raise Forbidden("Nhiệm vụ này không do đơn vị của bạn chủ trì hoặc phối hợp",
                        "This task is neither led nor coordinated by your unit")


def require_manage_plan(user: User, plan: Plan) -> None:
    if not can_manage_plan(user, plan):
        raise Forbidden(f"Chỉ cơ quan quản lý kế hoạch ({plan.province.name}) được thực hiện thao tác này",
                        f"Only the plan's managing office ({plan.province.name}) may do this")


def plan_upload_check(request, plan_id, **_kwargs) -> None:
    """Upload check (core.uploads.upload_guard) of a plan import: the plan's managing office only."""
    require_manage_plan(request.user, get_plan(url_id(plan_id)))


def progress_upload_check(request, task_id, **_kwargs) -> None:
    """Upload check of a progress report with evidence: the task's lead unit (or the plan's office) only."""
    task = get_task(url_id(task_id), request.user)
    if not can_report(request.user, task):
        raise Forbidden("Chỉ đơn vị chủ trì được báo cáo tiến độ nhiệm vụ này",
                        "Only the lead unit may report progress on this task")


def managed_provinces(user: User) -> QuerySet[Unit]:
    provinces = Unit.objects.filter(kind=UnitKind.PROVINCE)
    if is_system_admin(user):
        return provinces
    if user.role != Role.ADMIN or user.unit is None:
        return provinces.none()
    return provinces.filter(path__startswith=user.unit.path)


# ---------------------------------------------------------------- lookups

def get_scheme(scheme_id: int, user: User | None = None) -> Scheme:
    """The scheme; with `user`, only one that user may read (the same rule as `visible_schemes`)."""
    scheme = Scheme.objects.select_related("province").filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound("Đề án", "Scheme")
    if user is not None and not reads_everything(user) and not visible_schemes(user).filter(pk=scheme.pk).exists():
        raise Forbidden("Đề án này không thuộc phạm vi đơn vị của bạn", "This scheme is outside your unit's scope")
    return scheme


def get_plan(plan_id: int, user: User | None = None) -> Plan:
    """The plan; with `user`, only one that user may read (the same rule as `visible_plans`)."""
    plan = Plan.objects.select_related("province", "scheme").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("Kế hoạch", "Plan")
    if user is not None and not reads_whole_plan(user, plan) and not visible_plans(user).filter(
            pk=plan.pk).exists():
        raise Forbidden("Đơn vị của bạn không có nhiệm vụ trong kế hoạch này", "Your unit has no task in this plan")
    return plan


def get_task(task_id: int, user: User | None = None) -> Task:
    task = (Task.objects.select_related("plan", "plan__province", "plan__scheme", "lead_unit", "parent",
                                        "carried_from", "carried_from__plan")
            .filter(pk=task_id).first())
    if task is None:
        raise NotFound("Nhiệm vụ", "Task")
    if user is not None:
        require_view_task(user, task)
    return task


def visible_plans(user: User) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("province", "scheme")
    if reads_everything(user):
        return plans
    condition = Q(pk__in=Task.objects.filter(visible_tasks_filter(user)).values("plan_id"))
    if reads_as_office(user) and user.unit is not None:
        condition |= readable_units_filter(user, "province")
    return plans.filter(condition)


def visible_schemes(user: User) -> QuerySet[Scheme]:
    """Schemes holding a plan the user reads, and (for administrators and leaders) the schemes of the
    provinces in their subtree."""
    schemes = Scheme.objects.select_related("province")
    if reads_everything(user):
        return schemes
    condition = Q(pk__in=visible_plans(user).values("scheme_id"))
    if reads_as_office(user) and user.unit is not None:
        condition |= readable_units_filter(user, "province")
    return schemes.filter(condition)


# ---------------------------------------------------------------- derived state

def state_expression(day: dt.date, historical: bool = False) -> Case:
    """SQL for the derived state on `day`: open tasks whose deadline has passed are overdue. `historical`
    (a report of a past period): a task completed after `day` was still open on it, so it counts as in
    progress, or overdue past its deadline."""
    branches = [When(status__in=OPEN_STATUSES, due_date__lt=day, then=Value(DerivedState.OVERDUE))]
    if historical:
        branches += [
            When(status=Status.DONE, completed_on__gt=day, due_date__lt=day, then=Value(DerivedState.OVERDUE)),
            When(status=Status.DONE, completed_on__gt=day, then=Value(DerivedState.IN_PROGRESS))]
    return Case(*branches, default=F("status"), output_field=CharField())


def overdue_on(day: dt.date, historical: bool = False) -> Q:
    """Tasks overdue on `day` (the OVERDUE branches of state_expression)."""
    found = Q(status__in=OPEN_STATUSES, due_date__lt=day)
    if historical:
        found |= Q(status=Status.DONE, completed_on__gt=day, due_date__lt=day)
    return found


def done_on(day: dt.date, historical: bool = False) -> Q:
    """Tasks done (by `day`, when `historical`)."""
    return Q(status=Status.DONE) & ~Q(completed_on__gt=day) if historical else Q(status=Status.DONE)


def state_of(task: Task, day: dt.date | None = None, historical: bool = False) -> str:
    day = day or today()
    finished_later = task.status == Status.DONE and task.completed_on is not None and task.completed_on > day
    open_then = task.status in OPEN_STATUSES or (historical and finished_later)
    if open_then and task.due_date is not None and task.due_date < day:
        return DerivedState.OVERDUE
    if open_then and task.status == Status.DONE:
        return DerivedState.IN_PROGRESS
    return task.status


def state_label(state: str) -> str:
    return DerivedState(state).label if state in DerivedState.values else state


def with_state(tasks: QuerySet[Task], day: dt.date | None = None, historical: bool = False) -> QuerySet[Task]:
    return tasks.annotate(state=state_expression(day or today(), historical))


def days_late(task: Task, day: dt.date | None = None) -> int:
    day = day or today()
    return (day - task.due_date).days if state_of(task, day) == DerivedState.OVERDUE else 0


# ---------------------------------------------------------------- choice parsing (API, forms, import)

class _ChoiceLookup(Mapping):
    """Folded spelling → choice value, built on first use: the labels are translated, and translations cannot be
    read while the apps are still loading."""

    def __init__(self, choices: type, extra: dict[str, str] | None = None):
        self._choices, self._extra, self._lookup = choices, extra or {}, None

    def _built(self) -> dict[str, str]:
        if self._lookup is None:
            lookup = {}
            for value, label in self._choices.choices:
                lookup[fold(value)] = value
                lookup[fold(value.replace("_", " "))] = value
                for text in every_form(label):  # Vietnamese, English and old doubled templates' "Vi / En"
                    lookup[fold(text)] = value
            self._lookup = lookup | {fold(text): value for text, value in self._extra.items()}
        return self._lookup

    def __getitem__(self, key: str) -> str:
        return self._built()[key]

    def __iter__(self):
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


PILLAR_LOOKUP = _ChoiceLookup(Pillar)
KIND_LOOKUP = _ChoiceLookup(TaskKind)
ORIGIN_LOOKUP = _ChoiceLookup(Origin, {"Chưa có trong Đề án": Origin.OUTSIDE_SCHEME,
                                       "Chuyển tiếp": Origin.CARRIED_OVER, "Đề án": Origin.IN_SCHEME})
STATUS_LOOKUP = _ChoiceLookup(Status, {"Đang triển khai": Status.IN_PROGRESS, "Chưa thực hiện": Status.NOT_STARTED,
                                       "Đã hoàn thành": Status.DONE})
SOURCE_LOOKUP = _ChoiceLookup(FundingSource, {"NSTW": FundingSource.CENTRAL, "NS tỉnh": FundingSource.PROVINCIAL,
                                              "NSĐP": FundingSource.PROVINCIAL,
                                              "MTQG": FundingSource.NATIONAL_PROGRAMME,
                                              "Xã hội hóa": FundingSource.ENTERPRISE})


def parse_choice(value, lookup: dict[str, str], field_name: str, choices: type, row: int | None = None) -> str:
    text = fold(str(value or ""))
    if text in lookup:
        return lookup[text]
    allowed = "; ".join(vietnamese(label) for _, label in choices.choices)
    allowed_en = "; ".join(english(label) for _, label in choices.choices)
    raise ValidationFailed(FieldError(field_name, f"giá trị '{value}' không hợp lệ; chọn một trong: {allowed}",
                                      f"'{value}' is not allowed; use one of: {allowed_en}", row))


def parse_money(value, field_name: str, row: int | None = None) -> Decimal:
    if value is None or str(value).strip() == "":
        return Decimal(0)
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "")
        # Vietnamese style "1.250,5" or plain "1250.5"
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
            text = text.replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationFailed(FieldError(field_name, f"'{value}' không phải là số tiền (triệu đồng)",
                                              f"'{value}' is not an amount (million VND)", row)) from exc
    if not number.is_finite() or number < 0:
        raise ValidationFailed(FieldError(field_name, "số tiền phải là số không âm", "must be a non-negative amount",
                                          row))
    if number >= Decimal("100000000000"):
        raise ValidationFailed(FieldError(field_name, "số tiền quá lớn", "amount is too large", row))
    return number.quantize(Decimal("0.001"))


# ---------------------------------------------------------------- schemes and plans

def _reason(text: str) -> str:
    """The audit trail's change reason holds 100 characters."""
    return text if len(text) <= 100 else text[:99] + "…"


def _bump(obj, user: User | None, reason: str) -> None:
    obj.version += 1
    obj._history_user = user
    obj._change_reason = _reason(reason)


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is None or expected_version != obj.version:
        raise Conflict(obj.version)


def _years_errors(start: int | None, end: int | None, start_field: str, end_field: str) -> list[FieldError]:
    errors = []
    if start is None:
        errors.append(required(start_field))
    elif not 2000 <= start <= 2100:
        errors.append(FieldError(start_field, "năm phải trong khoảng 2000–2100", "year must be within 2000–2100"))
    if end is None:
        errors.append(required(end_field))
    elif not 2000 <= end <= 2100:
        errors.append(FieldError(end_field, "năm phải trong khoảng 2000–2100", "year must be within 2000–2100"))
    elif start is not None and end < start:
        errors.append(FieldError(end_field, "năm kết thúc trước năm bắt đầu", "ends before it starts"))
    return errors


def _text_errors(values: dict, limits: dict[str, int], must: tuple[str, ...]) -> list[FieldError]:
    errors = []
    for name, limit in limits.items():
        value = values.get(name) or ""
        if name in must and not str(value).strip():
            errors.append(required(name))
        elif len(str(value)) > limit:
            errors.append(FieldError(name, f"dài quá {limit} ký tự", f"is longer than {limit} characters"))
        elif name in SINGLE_LINE_FIELDS and (error := single_line_error(name, str(value))):
            errors.append(error)
    return errors


# Codes, names and decision numbers are one line: a line break in a code would end up in file names and headers.
SINGLE_LINE_FIELDS = ("code", "name", "decision")


def _province_errors(province: Unit | None) -> list[FieldError]:
    if province is None:
        return [required("province")]
    if province.kind != UnitKind.PROVINCE:
        return [FieldError("province", f"'{province.name}' không phải cấp tỉnh",
                           f"'{province.name}' is not a province")]
    return []


SCHEME_FIELDS = ("code", "name", "province", "start_year", "end_year", "vision_year", "decision", "description")


def _validate_scheme(values: dict, instance: Scheme | None) -> None:
    errors = _text_errors(values, {"code": 40, "name": 500, "decision": 255, "description": 20000}, ("code", "name"))
    errors += _province_errors(values.get("province"))
    errors += _years_errors(values.get("start_year"), values.get("end_year"), "start_year", "end_year")
    vision = values.get("vision_year")
    if vision is not None and values.get("end_year") and vision < values["end_year"]:
        errors.append(FieldError("vision_year", "năm định hướng phải sau năm kết thúc",
                                 "the vision year must come after the end year"))
    clash = Scheme.objects.filter(code=values.get("code"))
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
        outside = instance.plans.filter(Q(year__lt=values.get("start_year") or 0) |
                                        Q(year__gt=values.get("vision_year") or values.get("end_year") or 9999))
        if values.get("start_year") and outside.exists():
            errors.append(FieldError("start_year", "có kế hoạch nằm ngoài thời gian mới của Đề án",
                                     "some plans fall outside the scheme's new period"))
        if values.get("province") and values["province"].pk != instance.province_id and instance.plans.exists():
            errors.append(FieldError("province", "Đề án đã có kế hoạch, không thể đổi tỉnh",
                                     "the scheme already has plans; its province cannot change"))
    if values.get("code") and clash.exists():
        errors.append(FieldError("code", f"mã '{values['code']}' đã được dùng", f"code '{values['code']}' is taken"))
    if errors:
        raise ValidationFailed(errors)


def create_scheme(user: User | None, values: dict, reason: str = "") -> Scheme:
    values = {k: values.get(k) for k in SCHEME_FIELDS}
    values["code"] = (values.get("code") or "").strip()
    for name in ("decision", "description"):
        values[name] = values.get(name) or ""
    _validate_scheme(values, None)
    if user is not None:
        require_edit_unit(user, values["province"])
    scheme = Scheme(**values)
    scheme._history_user = user
    scheme._change_reason = _reason(reason or "Tạo Đề án / Created")
    scheme.save()
    return scheme


def update_scheme(user: User, scheme_id: int, changes: dict, expected_version: int | None) -> Scheme:
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().select_related("province").get(pk=get_scheme(scheme_id).pk)
        require_edit_unit(user, scheme.province)
        _check_version(scheme, expected_version)
        values = {k: getattr(scheme, k) for k in SCHEME_FIELDS} | {
            k: v for k, v in changes.items() if k in SCHEME_FIELDS}
        for name in ("decision", "description"):
            values[name] = values.get(name) or ""
        _validate_scheme(values, scheme)
        require_edit_unit(user, values["province"])
        for key, value in values.items():
            setattr(scheme, key, value)
        _bump(scheme, user, "Cập nhật / Updated")
        scheme.save()
    return scheme


def delete_scheme(user: User, scheme_id: int, expected_version: int | None) -> None:
    scheme = get_scheme(scheme_id)
    require_edit_unit(user, scheme.province)
    _check_version(scheme, expected_version)
    if scheme.plans.exists():
        raise ValidationFailed(FieldError("plans", "Đề án còn kế hoạch; hãy xóa kế hoạch trước",
                                          "the scheme still has plans; delete them first"))
    scheme._history_user = user
    scheme.delete()


PLAN_FIELDS = ("code", "name", "scheme", "province", "year", "end_year", "decision", "description")


def _validate_plan(values: dict, instance: Plan | None) -> None:
    errors = _text_errors(values, {"code": 40, "name": 500, "decision": 255, "description": 20000}, ("code", "name"))
    errors += _province_errors(values.get("province"))
    errors += _years_errors(values.get("year"), values.get("end_year"), "year", "end_year")
    scheme: Scheme | None = values.get("scheme")
    if scheme is not None:
        if values.get("province") and scheme.province_id != values["province"].pk:
            errors.append(FieldError("scheme", "Đề án thuộc tỉnh khác", "the scheme belongs to another province"))
        last = scheme.vision_year or scheme.end_year
        if values.get("year") and not scheme.start_year <= values["year"] <= last:
            errors.append(FieldError("year",
                                     f"năm kế hoạch phải trong thời gian của Đề án ({scheme.start_year}–{last})",
                                     f"the plan year must fall within the scheme ({scheme.start_year}–{last})"))
    clash = Plan.objects.filter(code=values.get("code"))
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
        if values.get("province") and values["province"].pk != instance.province_id and instance.tasks.exists():
            errors.append(FieldError("province", "kế hoạch đã có nhiệm vụ, không thể đổi tỉnh",
                                     "the plan already has tasks; its province cannot change"))
    if values.get("code") and clash.exists():
        errors.append(FieldError("code", f"mã '{values['code']}' đã được dùng", f"code '{values['code']}' is taken"))
    if errors:
        raise ValidationFailed(errors)


def _plan_values(values: dict) -> dict:
    values = {k: values.get(k) for k in PLAN_FIELDS}
    values["code"] = (values.get("code") or "").strip()
    if values.get("scheme") is not None and values.get("province") is None:
        values["province"] = values["scheme"].province
    if values.get("end_year") is None:
        values["end_year"] = values.get("year")
    for name in ("decision", "description"):
        values[name] = values.get(name) or ""
    return values


def create_plan(user: User | None, values: dict, reason: str = "") -> Plan:
    values = _plan_values(values)
    _validate_plan(values, None)
    if user is not None:
        require_edit_unit(user, values["province"])
    plan = Plan(**values)
    plan._history_user = user
    plan._change_reason = _reason(reason or "Tạo kế hoạch / Created")
    plan.save()
    return plan


def update_plan(user: User, plan_id: int, changes: dict, expected_version: int | None) -> Plan:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("province", "scheme").get(pk=get_plan(plan_id).pk)
        require_manage_plan(user, plan)
        _check_version(plan, expected_version)
        values = _plan_values({k: getattr(plan, k) for k in PLAN_FIELDS} | {
            k: v for k, v in changes.items() if k in PLAN_FIELDS})
        _validate_plan(values, plan)
        require_edit_unit(user, values["province"])
        for key, value in values.items():
            setattr(plan, key, value)
        _bump(plan, user, "Cập nhật / Updated")
        plan.save()
    return plan


def delete_plan(user: User, plan_id: int, expected_version: int | None) -> None:
    plan = get_plan(plan_id)
    require_manage_plan(user, plan)
    _check_version(plan, expected_version)
    if plan.tasks.exists():
        raise ValidationFailed(FieldError("tasks", "kế hoạch còn nhiệm vụ; hãy xóa nhiệm vụ trước",
                                          "the plan still has tasks; delete them first"))
    plan._history_user = user
    plan.delete()


def previous_plan(plan: Plan) -> Plan | None:
    plans = Plan.objects.filter(province=plan.province, year__lt=plan.year)
    if plan.scheme_id:
        plans = plans.filter(scheme=plan.scheme)
    return plans.order_by("-year", "-pk").first()


def successor_provinces(province: Unit) -> list[Unit]:
    """The provinces that took `province` over, through every later merge (Bắc Kạn → Thái Nguyên)."""
    from tinhso.units.models import Succession

    found: list[Unit] = []
    frontier = [province.pk]
    while frontier:
        later = list(Unit.objects.filter(
            pk__in=Succession.objects.filter(predecessor_id__in=frontier).values("successor_id"),
            kind=UnitKind.PROVINCE).exclude(pk__in=[province.pk, *(p.pk for p in found)]))
        found += later
        frontier = [p.pk for p in later]
    return found


def continues_into(source: Plan, target: Plan) -> bool:
    """Tasks of `source` may continue in `target`: a later plan of the same province, or a plan of a province
    that took it over, from the same year on (a province merged on 1 July 2025 carries its 2025 tasks into
    its successor's 2025–2026 plan)."""
    if target.pk == source.pk:
        return False
    if target.province_id == source.province_id:
        return target.year > source.year
    return target.year >= source.year and target.end_year >= source.end_year and target.province_id in {
        p.pk for p in successor_provinces(source.province)}


def next_plans(plan: Plan) -> QuerySet[Plan]:
    """Plans a task of `plan` may be carried into: later plans of the same province, and plans of the
    provinces that took it over, from the same year on (`continues_into`)."""
    successors = [p.pk for p in successor_provinces(plan.province)]
    return (Plan.objects.filter(Q(province=plan.province, year__gt=plan.year) |
                                Q(province__in=successors, year__gte=plan.year, end_year__gte=plan.end_year))
            .exclude(pk=plan.pk).select_related("province").order_by("year", "name"))


# ---------------------------------------------------------------- tasks

@dataclass
class BudgetData:
    source: str
    planned: Decimal = Decimal(0)
    allocated: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)


@dataclass
class TaskData:
    code: str = ""
    title: str = ""
    pillar: str = ""
    lead_unit: Unit | None = None
    description: str = ""
    kind: str = TaskKind.TASK
    origin: str = Origin.IN_SCHEME
    carried_from: Task | None = None
    coordinating_units: list[Unit] = field(default_factory=list)
    parent: Task | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    due_text: str = ""
    recurring: bool = False
    output: str = ""
    status: str = Status.NOT_STARTED
    progress: int = 0
    completed_on: dt.date | None = None
    note: str = ""
    budget: list[BudgetData] = field(default_factory=list)

    @classmethod
    def of(cls, task: Task) -> "TaskData":
        data = cls(**{name: getattr(task, name) for name in TASK_FIELDS
                      if name not in ("coordinating_units", "budget")})
        data.coordinating_units = list(task.coordinating_units.all())
        data.budget = [BudgetData(b.source, b.planned, b.allocated, b.disbursed) for b in task.budget_lines.all()]
        return data


def _unit_valid_during(unit: Unit, plan: Plan) -> bool:
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.end_year, 12, 31)
    return (unit.valid_from is None or unit.valid_from <= end) and (unit.valid_to is None or unit.valid_to >= start)


def validate_task(plan: Plan, data: TaskData, instance: Task | None = None, row: int | None = None,
                  pending_codes: set[str] | None = None) -> list[FieldError]:
    """Every rule a task must satisfy; returns all violations."""
    errors: list[FieldError] = []

    def err(name: str, vi: str, en: str) -> None:
        errors.append(FieldError(name, vi, en, row))

    if not data.code.strip():
        errors.append(required("code", row))
    elif len(data.code) > 40:
        err("code", "mã dài quá 40 ký tự", "code is longer than 40 characters")
    elif error := single_line_error("code", data.code, row):
        errors.append(error)
    else:
        clash = Task.objects.filter(plan=plan, code=data.code)
        if instance is not None and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists() or (pending_codes and data.code in pending_codes):
            err("code", f"mã '{data.code}' đã có trong kế hoạch", f"code '{data.code}' already exists in the plan")
    if not data.title.strip():
        errors.append(required("title", row))
    elif len(data.title) > 500:
        err("title", "tên dài quá 500 ký tự", "title is longer than 500 characters")
    if len(data.description) > 20000 or len(data.note) > 20000:
        err("description", "nội dung quá dài", "text is too long")
    if data.pillar not in Pillar.values:
        err("pillar", "chọn trụ cột hoặc lĩnh vực", "choose a pillar or area")
    if data.kind not in TaskKind.values:
        err("kind", "loại nhiệm vụ không hợp lệ", "unknown task type")
    if data.origin not in Origin.values:
        err("origin", "nguồn gốc không hợp lệ", "unknown origin")
    if data.status not in Status.values:
        if data.status == DerivedState.OVERDUE:
            err("status", "'Quá hạn' được tính tự động từ hạn hoàn thành, không nhập tay",
                "'overdue' is derived from the deadline, it cannot be set")
        else:
            err("status", "trạng thái không hợp lệ", "unknown status")
    elif data.status == Status.CARRIED_OVER and (instance is None or instance.status != Status.CARRIED_OVER):
        err("status", "chỉ chức năng chuyển tiếp cuối năm mới đặt trạng thái này",
            "only the year-end carry-over sets this status")
    elif instance is not None and instance.status == Status.CARRIED_OVER and data.status != Status.CARRIED_OVER:
        err("status", "nhiệm vụ đã chuyển tiếp; cập nhật nhiệm vụ tiếp nối ở kế hoạch sau",
            "the task was carried over; update its continuation in the later plan")
    if not isinstance(data.progress, int) or not 0 <= data.progress <= 100:
        err("progress", "tiến độ phải từ 0 đến 100", "progress must be between 0 and 100")
    elif data.status == Status.DONE and data.progress != 100:
        err("progress", "nhiệm vụ hoàn thành phải có tiến độ 100%", "a done task must be at 100%")
    if data.completed_on and data.status != Status.DONE:
        err("completed_on", "chỉ nhiệm vụ hoàn thành mới có ngày hoàn thành", "only done tasks have a completion date")
    if data.start_date and data.due_date and data.due_date < data.start_date:
        err("due_date", f"hạn hoàn thành ({_deadline_words(data)}) trước ngày bắt đầu ({data.start_date:%d/%m/%Y})",
            f"the deadline ({_deadline_words(data)}) is before the start ({data.start_date:%d/%m/%Y})")
    elif data.due_date and data.due_date < dt.date(plan.year, 1, 1):
        err("due_date", f"hạn hoàn thành ({_deadline_words(data)}) trước năm kế hoạch {plan.year}",
            f"the deadline ({_deadline_words(data)}) is before the plan year {plan.year}")
    if data.start_date and data.start_date > dt.date(plan.end_year, 12, 31):
        err("start_date", f"ngày bắt đầu ({data.start_date:%d/%m/%Y}) sau khi kế hoạch {plan.period} kết thúc",
            f"the start ({data.start_date:%d/%m/%Y}) is after the plan {plan.period} ends")
    if len(data.due_text or "") > 60:
        err("due_date", "hạn theo văn bản dài quá 60 ký tự", "the deadline text is longer than 60 characters")
    if len(data.output or "") > 20000:
        err("output", "nội dung quá dài", "text is too long")

    if data.lead_unit is None:
        errors.append(required("lead_unit", row))
    elif not _unit_valid_during(data.lead_unit, plan):
        err("lead_unit", f"'{data.lead_unit.name}' không còn hiệu lực trong thời gian kế hoạch {plan.period}",
            f"'{data.lead_unit.name}' is not a valid unit during the plan period {plan.period}")
    elif not in_plan_province(plan, data.lead_unit):
        err("lead_unit", _outside_vi(data.lead_unit, plan), _outside_en(data.lead_unit, plan))
    seen = set()
    for unit in data.coordinating_units:
        if data.lead_unit is not None and unit.pk == data.lead_unit.pk:
            err("coordinating_units", "đơn vị chủ trì không đồng thời là đơn vị phối hợp",
                "the lead unit cannot also be a coordinating unit")
        elif unit.pk in seen:
            err("coordinating_units", f"'{unit.name}' bị lặp", f"'{unit.name}' is repeated")
        elif not _unit_valid_during(unit, plan):
            err("coordinating_units", f"'{unit.name}' không còn hiệu lực trong thời gian kế hoạch",
                f"'{unit.name}' is not valid during the plan period")
        elif not in_plan_province(plan, unit):
            err("coordinating_units", _outside_vi(unit, plan), _outside_en(unit, plan))
        seen.add(unit.pk)

    if data.origin == Origin.CARRIED_OVER:
        previous = data.carried_from
        if previous is None:
            err("carried_from", "nhiệm vụ chuyển tiếp phải chỉ ra nhiệm vụ của kế hoạch trước",
                "a carried-over task must name the earlier task it continues")
        else:
            if not continues_into(previous.plan, plan):
                err("carried_from", "nhiệm vụ gốc phải thuộc kế hoạch trước của cùng tỉnh (hoặc của tỉnh đã hợp nhất "
                    "vào tỉnh này)", "the earlier task must belong to an earlier plan of the same province (or of a "
                    "province merged into it)")
            taken = Task.objects.filter(carried_from=previous)
            if instance is not None and instance.pk:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                err("carried_from", f"nhiệm vụ '{previous.code}' đã được chuyển tiếp sang kế hoạch khác",
                    f"task '{previous.code}' has already been carried over")
            if previous.status in (Status.DONE, Status.CANCELLED):
                err("carried_from", f"nhiệm vụ '{previous.code}' đã kết thúc, không chuyển tiếp được",
                    f"task '{previous.code}' is finished and cannot be carried over")
    elif data.carried_from is not None:
        err("carried_from", "chỉ nhiệm vụ chuyển tiếp mới có nhiệm vụ gốc",
            "only carried-over tasks have an earlier task")

    if data.parent is not None:
        if data.parent.plan_id != plan.pk:
            err("parent", "nhiệm vụ cha phải thuộc cùng kế hoạch", "the parent task must be in the same plan")
        elif data.parent.parent_id is not None:
            err("parent", "chỉ hỗ trợ một cấp nhiệm vụ con", "sub-tasks cannot have sub-tasks")
        elif instance is not None and instance.pk and data.parent.pk == instance.pk:
            err("parent", "nhiệm vụ không thể là cha của chính nó", "a task cannot be its own parent")
        elif instance is not None and instance.pk and instance.subtasks.exists():
            err("parent", "nhiệm vụ đang có nhiệm vụ con nên không thể thành nhiệm vụ con",
                "a task with sub-tasks cannot become a sub-task")

    sources = set()
    for index, line in enumerate(data.budget):
        name = f"budget[{index}]"
        if line.source not in FundingSource.values:
            err(name, "nguồn vốn không hợp lệ", "unknown funding source")
        elif line.source in sources:
            err(name, f"nguồn vốn '{vietnamese(FundingSource(line.source).label)}' bị lặp",
                "the funding source is repeated")
        sources.add(line.source)
        amounts = (line.planned, line.allocated, line.disbursed)
        if any(a is None or a < 0 for a in amounts):
            err(name, "số tiền phải không âm", "amounts must be non-negative")
        elif line.allocated > 0 and line.disbursed > line.allocated:
            err(name, "số đã giải ngân vượt số được giao", "disbursed exceeds the allocated amount")
        elif line.allocated == 0 and line.disbursed > line.planned:
            err(name, "số đã giải ngân vượt số kế hoạch", "disbursed exceeds the planned amount")
    return errors


def _outside_vi(unit: Unit, plan: Plan) -> str:
    return (f"'{unit.name}' không thuộc {plan.province.name}: kế hoạch của tỉnh chỉ giao cho đơn vị của tỉnh (sở, "
            "ngành, huyện, xã) và cơ quan trung ương, doanh nghiệp đóng trên địa bàn")


def _outside_en(unit: Unit, plan: Plan) -> str:
    return (f"'{unit.name}' is not part of {plan.province.name}: a province's plan is led and coordinated by its "
            "own units and by the central agencies and enterprises based there")


def _deadline_words(data: "TaskData") -> str:
    return deadline_display(data.due_date, data.due_text, data.recurring)


def _search_text(task: Task, coordinating: list[Unit]) -> str:
    parts = [task.code, task.title, task.description[:2000], task.output[:1000], task.lead_unit.name,
             *(u.name for u in coordinating)]
    return fold(" ".join(parts))


def _write_task(user: User | None, plan: Plan, data: TaskData, task: Task | None, reason: str) -> Task:
    if task is None:
        task = Task(plan=plan)
    else:
        _bump(task, user, reason)
    if data.recurring:
        data.due_date = None  # a recurring task runs through the plan: never overdue as a whole
    for name in TASK_FIELDS:
        if name not in ("coordinating_units", "budget"):
            setattr(task, name, getattr(data, name))
    if task.status == Status.DONE and task.completed_on is None:
        task.completed_on = today()
    task.search_text = _search_text(task, data.coordinating_units)
    task._history_user = user
    task._change_reason = _reason(reason)
    task.save()
    task.coordinating_units.set(data.coordinating_units)
    _write_budget(user, task, data.budget, reason)
    return task


def _write_budget(user: User | None, task: Task, lines: list[BudgetData], reason: str) -> None:
    existing = {b.source: b for b in task.budget_lines.all()}
    wanted = {line.source for line in lines}
    for source, line in existing.items():
        if source not in wanted:
            line._history_user = user
            line._change_reason = _reason(reason)
            line.delete()
    for data in lines:
        line = existing.get(data.source) or BudgetLine(task=task, source=data.source)
        if line.pk and (line.planned, line.allocated, line.disbursed) == (data.planned, data.allocated,
                                                                         data.disbursed):
            continue
        line.planned, line.allocated, line.disbursed = data.planned, data.allocated, data.disbursed
        line._history_user = user
        line._change_reason = _reason(reason)
        line.save()


def create_task(user: User | None, plan: Plan, data: TaskData, reason: str = "") -> Task:
    """Plan managers add tasks. `user=None` is trusted code (demo loader)."""
    if user is not None:
        require_manage_plan(user, plan)
    data.code = data.code.strip()
    errors = validate_task(plan, data)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return _write_task(user, plan, data, None, reason or "Tạo nhiệm vụ / Created")


def update_task(user: User, task_id: int, changes: dict, expected_version: int | None,
                reason: str = "") -> Task:
    """Plan managers change anything; the lead unit's focal point changes only the working fields
    (title, description, dates, status, progress, budget), never who leads it or where it sits."""
    with transaction.atomic():
        current = get_task(task_id)
        task = Task.objects.select_for_update().get(pk=current.pk)
        task.plan, task.lead_unit = current.plan, current.lead_unit
        if not can_edit_task(user, task):
            require_view_task(user, task)
            raise Forbidden("Chỉ đơn vị chủ trì hoặc cơ quan quản lý kế hoạch được sửa nhiệm vụ này",
                            "Only the lead unit or the plan's managing office may change this task")
        _check_version(task, expected_version)
        data = TaskData.of(task)
        unknown = [k for k in changes if k not in TASK_FIELDS]
        if unknown:
            raise ValidationFailed([FieldError(k, "không sửa được trường này", "this field cannot be changed")
                                    for k in unknown])
        if not can_manage_plan(user, task.plan):
            def same(name: str, value) -> bool:
                old = getattr(data, name)
                if name == "coordinating_units":
                    return {u.pk for u in old} == {u.pk for u in value}
                return old == value
            locked = [k for k in changes if k in MANAGER_ONLY_FIELDS and not same(k, changes[k])]
            if locked:
                raise Forbidden(
                    f"Chỉ cơ quan quản lý kế hoạch được đổi: {', '.join(locked)}",
                    f"Only the plan's managing office may change: {', '.join(locked)}")
        for key, value in changes.items():
            setattr(data, key, value)
        data.code = data.code.strip()
        if data.status != Status.DONE:
            data.completed_on = None
        errors = validate_task(task.plan, data, task)
        if errors:
            raise ValidationFailed(errors)
        return _write_task(user, task.plan, data, task, reason or "Cập nhật / Updated")


def delete_task(user: User, task_id: int, expected_version: int | None) -> None:
    task = get_task(task_id)
    require_manage_plan(user, task.plan)
    _check_version(task, expected_version)
    problems = []
    if task.subtasks.exists():
        problems.append(FieldError("subtasks", "nhiệm vụ còn nhiệm vụ con", "the task still has sub-tasks"))
    if Task.objects.filter(carried_from=task).exists():
        problems.append(FieldError("carried_to", "nhiệm vụ đã được chuyển tiếp sang kế hoạch sau; xóa nhiệm vụ "
                                   "tiếp nối trước", "the task continues in a later plan; delete that one first"))
    if task.updates.exists():
        problems.append(FieldError("updates", "nhiệm vụ đã có báo cáo tiến độ; hãy chuyển sang trạng thái dừng, hủy",
                                   "the task has progress reports; cancel it instead"))
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        for line in task.budget_lines.all():
            line._history_user = user
            line.delete()
        task._history_user = user
        task._change_reason = _reason("Xóa / Deleted")
        task.delete()


def chain(task: Task) -> list[Task]:
    """The history chain of a task across plans, earliest first: 2023 → 2024 → 2025."""
    earlier: list[Task] = []
    current = task
    seen = {task.pk}
    while current.carried_from_id and current.carried_from_id not in seen:
        current = Task.objects.select_related("plan", "lead_unit").get(pk=current.carried_from_id)
        seen.add(current.pk)
        earlier.insert(0, current)
    later: list[Task] = []
    current = task
    while True:
        following = Task.objects.select_related("plan", "lead_unit").filter(carried_from=current).first()
        if following is None or following.pk in seen:
            break
        seen.add(following.pk)
        later.append(following)
        current = following
    return [*earlier, task, *later]


# ---------------------------------------------------------------- progress and evidence

def _check_file(upload: UploadedFile, index: int) -> FieldError | None:
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in EVIDENCE_EXTENSIONS:
        return FieldError(f"files[{index}]", f"tệp '{name}': không nhận loại tệp {extension or '(không đuôi)'}",
                          f"file '{name}': type {extension or '(none)'} is not accepted")
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        return FieldError(f"files[{index}]", f"tệp '{name}' lớn hơn 20 MB", f"file '{name}' is larger than 20 MB")
    if not upload.size:
        return FieldError(f"files[{index}]", f"tệp '{name}' rỗng", f"file '{name}' is empty")
    return None


def post_progress(user: User | None, task_id: int, text: str, progress: int, status: str,
                  reported_on: dt.date | None = None, files: list[UploadedFile] | None = None) -> ProgressUpdate:
    """A dated progress report by the lead unit, with evidence files. The task's progress and status
    follow the most recent report."""
    task = get_task(task_id)
    if user is not None and not can_report(user, task):
        require_view_task(user, task)
        raise Forbidden("Chỉ đơn vị chủ trì được báo cáo tiến độ nhiệm vụ này",
                        "Only the lead unit may report progress on this task")
    reported_on = reported_on or today()
    files = files or []
    errors = []
    if not (text or "").strip():
        errors.append(required("text"))
    elif len(text) > 20000:
        errors.append(FieldError("text", "nội dung quá dài (tối đa 20.000 ký tự)", "text is too long (max 20,000)"))
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors.append(FieldError("progress", "tiến độ phải từ 0 đến 100", "progress must be between 0 and 100"))
    if status == DerivedState.OVERDUE:
        errors.append(FieldError("status", "'Quá hạn' được tính tự động, không chọn", "'overdue' is derived"))
    elif status not in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.CANCELLED):
        errors.append(FieldError("status", "trạng thái không hợp lệ", "unknown status"))
    elif status == Status.DONE and progress != 100:
        errors.append(FieldError("progress", "hoàn thành nghĩa là tiến độ 100%", "done means 100%"))
    if reported_on > today():
        errors.append(FieldError("reported_on", "ngày báo cáo không được ở tương lai",
                                 "the report date is in the future"))
    if task.status == Status.CARRIED_OVER:
        errors.append(FieldError("task", "nhiệm vụ đã chuyển tiếp sang kế hoạch sau; hãy báo cáo ở nhiệm vụ tiếp nối",
                                 "the task was carried over; report on its continuation"))
    if len(files) > MAX_EVIDENCE_FILES:
        errors.append(FieldError("files", f"tối đa {MAX_EVIDENCE_FILES} tệp mỗi lần",
                                 f"at most {MAX_EVIDENCE_FILES} files at a time"))
    errors += [e for i, f in enumerate(files) if (e := _check_file(f, i))]
    if errors:
        raise ValidationFailed(errors)
    unit = task.lead_unit
    if user is not None and not can_edit_unit(user, task.lead_unit) and user.unit is not None:
        unit = user.unit  # a plan manager reporting for the lead unit
    with transaction.atomic():
        update = ProgressUpdate(task=task, plan_id=task.plan_id, reported_on=reported_on, text=text.strip(),
                                progress=progress, status=status, unit=unit, author=user)
        update._history_user = user
        update.save()
        for upload in files:
            name = os.path.basename(upload.name or "tep")[:200]
            evidence = Evidence(update=update, original_name=name, size=upload.size or 0,
                                content_type=content_type_for(name))  # not the browser's claim
            evidence.file.save(name, upload, save=False)
            evidence.save()
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.last_update_on is None or reported_on >= locked.last_update_on:
            locked.progress = progress
            locked.status = status
            locked.completed_on = reported_on if status == Status.DONE else None
            locked.last_update_on = reported_on
            _bump(locked, user, f"Báo cáo tiến độ {reported_on:%d/%m/%Y} / Progress report")
            locked.save()
    return update


def task_updates(task: Task, limit: int = 200) -> list[ProgressUpdate]:
    return list(task.updates.select_related("author", "unit").prefetch_related("evidence")[:limit])


def get_evidence(user: User, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.select_related("update__task").filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound("Tệp minh chứng", "Evidence file")
    require_view_task(user, get_task(evidence.update.task_id))
    return evidence


# ---------------------------------------------------------------- carry-over

@dataclass
class CarryOverResult:
    created: list[Task] = field(default_factory=list)
    dropped: list[tuple[str, Unit]] = field(default_factory=list)  # (task code, ended coordinating unit, no heir)


def carry_candidates(plan: Plan) -> QuerySet[Task]:
    """Unfinished tasks not yet carried: not started, in progress, or overdue."""
    return (Task.objects.filter(plan=plan, status__in=OPEN_STATUSES, carried_to__isnull=True)
            .select_related("lead_unit", "parent").order_by("code"))


@dataclass
class Heir:
    """Who carries an ended unit's tasks in a plan: one unit, or several to choose from (a split), or none."""

    unit: Unit | None
    options: list[Unit] = field(default_factory=list)


def successor_in(plan: Plan, units: list[Unit]) -> dict[int, Heir]:
    """For each unit, who carries its tasks in `plan`. A unit in office on the plan's last day (`plan_end`:
    31 December, or the day its province ended) keeps them. A unit that has ended hands them to the unit(s)
    that inherited it and are in office that day, following merges in the registry (a task of Sở TT&TT Bắc
    Kạn lands with Sở Khoa học và Công nghệ Thái Nguyên); several heirs are offered as `options` to choose
    from. A unit that ended without an heir keeps its tasks if it exists during the plan's own span
    (`plan_start`–`plan_end`), else it has none."""
    from tinhso.units.services import current_successors

    day = plan_end(plan)
    result: dict[int, Heir] = {}
    ended = {u.pk: u for u in units if not u.is_valid_on(day)}
    for unit in units:
        if unit.pk not in ended:
            result[unit.pk] = Heir(unit)
    if ended:
        shares = current_successors(list(ended), day)
        heirs = Unit.objects.in_bulk({pk for found in shares.values() for pk in found})
        for pk in ended:
            found = sorted((heirs[h] for h in shares.get(pk, {}) if h != pk and h in heirs),
                           key=lambda u: (-shares[pk][u.pk], _name_key(u.name)))
            if len(found) == 1:
                result[pk] = Heir(found[0])
            elif found:
                result[pk] = Heir(None, found)
            else:  # no heir in the registry: the unit keeps its tasks if it exists during the plan's own span
                unit = ended[pk]
                lives = (unit.valid_from is None or unit.valid_from <= day) and unit.valid_to >= plan_start(plan)
                result[pk] = Heir(unit if lives else None)
    return result


def carry_choices(source: Plan, target: Plan, task_ids: list[int] | None = None) -> list[tuple[Unit, list[Unit]]]:
    """The ended units of the tasks to carry that several units inherited: the user picks one for each."""
    tasks = [t for t in carry_candidates(source).prefetch_related("coordinating_units")
             if task_ids is None or t.pk in task_ids]
    units = {u.pk: u for t in tasks for u in [t.lead_unit, *t.coordinating_units.all()]}
    heirs = successor_in(target, list(units.values()))
    return sorted(((units[pk], heir.options) for pk, heir in heirs.items() if heir.options),
                  key=lambda pair: _name_key(pair[0].name))


def carry_over(user: User | None, source: Plan, target: Plan, task_ids: list[int] | None = None,
               replacements: dict[int, int] | None = None) -> CarryOverResult:
    """Carry unfinished tasks of `source` into `target` in one action, all or nothing.

    - `task_ids`: exactly the tasks to carry (an empty list carries nothing and is refused); None carries every
      unfinished task, a parent with its unfinished sub-tasks.
    - `target` is a later plan of the same province, or a plan of a province that took it over (`continues_into`).
    - Each new task is marked 'carried over' with a link to the task it continues and keeps its status (a task
      in progress at 0 % stays in progress) and progress; the old task's status becomes 'carried over'.
    - Ended lead and coordinating units are replaced by their heirs (`successor_in`); where several units
      inherited one, `replacements` {ended unit id: chosen heir id} says which, else the carry-over asks. An
      ended coordinating unit without an heir is dropped (`result.dropped`); a lead without one blocks.
    - The remaining budget (planned − disbursed) moves with the task."""
    if user is not None:
        require_manage_plan(user, source)
        require_manage_plan(user, target)
    if not continues_into(source, target):
        raise ValidationFailed(FieldError(
            "target_plan", f"'{target.name}' không phải kế hoạch sau của {source.province.name} hoặc của tỉnh kế thừa",
            f"'{target.name}' is not a later plan of {source.province.name} or of a province that took it over"))
    candidates = {t.pk: t for t in carry_candidates(source).prefetch_related("coordinating_units", "budget_lines")}
    if task_ids is None:
        chosen = set(candidates)
    elif not task_ids:
        raise ValidationFailed(FieldError("task_ids", "chưa chọn nhiệm vụ nào để chuyển tiếp; không có gì thay đổi",
                                          "no task was ticked; nothing was carried over"))
    else:
        chosen = set()
        errors = []
        for task_id in task_ids:
            if task_id not in candidates:
                errors.append(FieldError("task_ids", f"nhiệm vụ mã số {task_id} không thuộc kế hoạch, đã kết thúc "
                                         "hoặc đã chuyển tiếp", f"task {task_id} is not in the plan, is finished or "
                                         "was already carried over"))
            chosen.add(task_id)
        if errors:
            raise ValidationFailed(errors)
    if task_ids is None:  # everything: a carried parent brings its unfinished sub-tasks
        for task in candidates.values():
            if task.parent_id in chosen:
                chosen.add(task.pk)
    if not chosen:
        raise ValidationFailed(FieldError("task_ids", "không có nhiệm vụ nào chưa hoàn thành để chuyển tiếp",
                                          "there is no unfinished task to carry over"))
    ordered = sorted((candidates[pk] for pk in chosen), key=lambda t: (t.parent_id is not None, t.code))
    taken = set(Task.objects.filter(plan=target, code__in=[t.code for t in ordered]).values_list("code", flat=True))
    errors = [FieldError("code", f"kế hoạch nhận đã có nhiệm vụ mã '{t.code}'",
                         f"the target plan already has a task coded '{t.code}'") for t in ordered if t.code in taken]
    heirs = successor_in(target, [t.lead_unit for t in ordered] +
                         [u for t in ordered for u in t.coordinating_units.all()])
    replacements = replacements or {}
    for pk, heir in heirs.items():
        if heir.options:
            picked = next((u for u in heir.options if u.pk == replacements.get(pk)), None)
            if picked is not None:
                heirs[pk] = Heir(picked)
            else:
                unit = next(u for t in ordered for u in [t.lead_unit, *t.coordinating_units.all()] if u.pk == pk)
                names = "; ".join(u.name for u in heir.options)
                errors.append(FieldError(f"replace_{pk}", f"'{unit.name}' đã kết thúc và có nhiều đơn vị kế thừa "
                                         f"({names}); hãy chọn đơn vị nhận nhiệm vụ", f"'{unit.name}' has ended "
                                         f"and several units inherited it ({names}); choose which takes the tasks"))
    errors += [FieldError("lead_unit", f"'{t.code}': đơn vị chủ trì '{t.lead_unit.name}' không còn hiệu lực trong "
                          f"kế hoạch {target.period} và không có đơn vị kế thừa; hãy giao đơn vị khác trước khi "
                          "chuyển tiếp", f"'{t.code}': lead unit '{t.lead_unit.name}' is not valid in "
                          f"{target.period} and has no successor; assign another unit first")
               for t in ordered if heirs[t.lead_unit_id].unit is None and not heirs[t.lead_unit_id].options]
    if errors:
        raise ValidationFailed(errors)
    result = CarryOverResult()
    reason = f"Chuyển tiếp từ kế hoạch {source.code} / Carried over from {source.code}"
    new_by_old: dict[int, Task] = {}
    start = plan_start(target)
    with transaction.atomic():
        for old in ordered:
            lead = heirs[old.lead_unit_id].unit
            coordinating = []
            for unit in old.coordinating_units.all():
                heir = heirs[unit.pk].unit
                if heir is None:
                    result.dropped.append((old.code, unit))
                elif heir.pk != lead.pk and heir not in coordinating:
                    coordinating.append(heir)
            budget = []
            for line in old.budget_lines.all():
                remaining = max(line.planned, line.allocated) - line.disbursed
                if remaining > 0:
                    budget.append(BudgetData(line.source, planned=remaining))
            due = old.due_date
            due_text = old.due_text
            if not old.recurring and (due is None or due < start):
                due, due_text = dt.date(target.end_year, 12, 31), ""
            data = TaskData(
                code=old.code, title=old.title, pillar=old.pillar, lead_unit=lead,
                description=old.description, kind=old.kind, origin=Origin.CARRIED_OVER, carried_from=old,
                coordinating_units=coordinating, parent=new_by_old.get(old.parent_id), start_date=old.start_date,
                due_date=due, due_text=due_text, recurring=old.recurring, output=old.output,
                status=old.status, progress=old.progress, note=old.note, budget=budget)
            new_by_old[old.pk] = _write_task(user, target, data, None, reason)
            result.created.append(new_by_old[old.pk])
            locked = Task.objects.select_for_update().get(pk=old.pk)
            locked.status = Status.CARRIED_OVER
            _bump(locked, user, f"Chuyển tiếp sang kế hoạch {target.code} / Carried over to {target.code}")
            locked.save()
    return result


# ---------------------------------------------------------------- search

@dataclass
class TaskFilter:
    q: str = ""
    state: str = ""
    origin: str = ""
    pillar: str = ""
    kind: str = ""
    lead_unit: int | None = None
    top_level: bool = False


def search_tasks(user: User, plan: Plan | None = None, flt: TaskFilter | None = None,
                 day: dt.date | None = None) -> QuerySet[Task]:
    """Tasks the user may see, with the derived `state`; `q` ignores diacritics ("cong dan so" finds
    "Công dân số")."""
    flt = flt or TaskFilter()
    tasks = with_state(Task.objects.filter(visible_tasks_filter(user)), day).select_related(
        "lead_unit", "plan", "parent")
    if plan is not None:
        tasks = tasks.filter(plan=plan)
    for word in fold(flt.q).split():
        tasks = tasks.filter(search_text__contains=word)
    if flt.state:
        tasks = tasks.filter(state=flt.state)
    if flt.origin:
        tasks = tasks.filter(origin=flt.origin)
    if flt.pillar:
        tasks = tasks.filter(pillar=flt.pillar)
    if flt.kind:
        tasks = tasks.filter(kind=flt.kind)
    if flt.lead_unit:
        tasks = tasks.filter(lead_unit_id=flt.lead_unit)
    if flt.top_level:
        tasks = tasks.filter(parent__isnull=True)
    return tasks.order_by("plan__year", "code")


# ---------------------------------------------------------------- overview

@dataclass
class Overview:
    plan: Plan
    day: dt.date
    scoped: bool
    total: int = 0
    subtasks: int = 0
    by_state: list[dict] = field(default_factory=list)
    by_origin: list[dict] = field(default_factory=list)
    by_pillar: list[dict] = field(default_factory=list)
    by_lead_unit: list[dict] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    overdue_count: int = 0
    overdue_subtasks: int = 0
    budget_by_source: list[dict] = field(default_factory=list)
    budget: dict = field(default_factory=dict)
    timeline: list[Task] = field(default_factory=list)
    timeline_total: int = 0
    recent_updates: list[ProgressUpdate] = field(default_factory=list)
    carried_from_years: list[int] = field(default_factory=list)
    average_progress: float = 0.0
    recurring: list[dict] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    under: Unit | None = None  # the overview is limited to tasks led within this unit's subtree

    def count(self, group: str, key: str) -> int:
        return next((row["count"] for row in getattr(self, group) if row["key"] == key), 0)


HEAVY_TEXT = ("description", "note", "search_text", "lead_unit__search_text", "lead_unit__note")


@lru_cache(maxsize=20000)
def _name_key(name: str) -> tuple:
    return vi_sort_key(name)


def _counted(rows: dict, choices: type, total: int) -> list[dict]:
    return [{"key": value, "label": label, "count": rows.get(value, 0),
             "percent": (rows.get(value, 0) * 100 / total) if total else 0.0}
            for value, label in choices.choices]


def overview(user: User, plan: Plan, day: dt.date | None = None, timeline_limit: int = 40,
             overdue_limit: int = 25, recent_limit: int = 8, under: Unit | None = None,
             historical: bool = False) -> Overview:
    """Everything a leader reads about a plan, computed in a handful of grouped SQL queries so that a
    plan of thousands of tasks answers quickly. Counts are of top-level tasks (sub-tasks are parts of
    them); budgets add up every task's lines. A focal point's overview covers only its tasks. With
    `under` (an agency, a commune), only the tasks led by that unit or a unit below it (a unit's report).
    `historical` judges states as they were on `day` (tasks completed after it still open; see
    state_expression): a report of a past period."""
    day = day or today()
    result = Overview(plan=plan, day=day, scoped=not reads_whole_plan(user, plan))
    scope = visible_tasks_filter(user) if result.scoped else Q()
    if under is not None and under.pk != plan.province_id:
        result.under = under
        scope &= Q(lead_unit__path__startswith=under.path)
    limited = result.scoped or result.under is not None
    all_tasks = Task.objects.filter(scope, plan=plan)
    tasks = with_state(all_tasks.filter(parent__isnull=True), day, historical)

    # one grouped query gives the counts by state, origin and pillar, sub-tasks, overdue and mean progress
    top = Case(When(parent__isnull=True, then=Value(1)), default=Value(0))
    groups = (with_state(all_tasks, day, historical).annotate(top=top)
              .order_by().values("state", "origin", "pillar", "top").annotate(n=Count("id"), p=Sum("progress")))
    states: dict[str, int] = defaultdict(int)
    origins: dict[str, int] = defaultdict(int)
    pillars: dict[str, int] = defaultdict(int)
    progress_sum = progress_n = 0
    for row in groups:
        if not row["top"]:
            result.subtasks += row["n"]
            if row["state"] == DerivedState.OVERDUE:
                result.overdue_subtasks += row["n"]
            continue
        if row["state"] == DerivedState.OVERDUE:
            result.overdue_count += row["n"]
        states[row["state"]] += row["n"]
        origins[row["origin"]] += row["n"]
        pillars[row["pillar"]] += row["n"]
        if row["state"] != DerivedState.CANCELLED:
            progress_sum += row["p"] or 0
            progress_n += row["n"]
    result.total = sum(states.values())
    result.by_state = _counted(states, DerivedState, result.total)
    result.by_origin = _counted(origins, Origin, result.total)
    result.by_pillar = [row for row in _counted(pillars, Pillar, result.total) if row["count"]]
    result.average_progress = progress_sum / progress_n if progress_n else 0.0

    lead_rows = (tasks.order_by().values("lead_unit_id", "lead_unit__name")
                 .annotate(n=Count("id"), done=Count("id", filter=done_on(day, historical)),
                           overdue=Count("id", filter=overdue_on(day, historical)),
                           last=Max("last_update_on")))
    result.by_lead_unit = sorted(
        ({"unit_id": r["lead_unit_id"], "name": r["lead_unit__name"], "count": r["n"], "done": r["done"],
          "overdue": r["overdue"], "last_update": r["last"],
          "percent": r["n"] * 100 / result.total if result.total else 0.0} for r in lead_rows),
        key=lambda r: (-r["count"], _name_key(r["name"])))

    # one counting rule everywhere (card, list, sentence, lead units): top-level tasks; an overdue sub-task is
    # part of its parent and is shown apart (`overdue_subtasks`), never added to the count
    overdue = with_state(all_tasks.filter(overdue_on(day, historical), parent__isnull=True), day,
                         historical).defer(*HEAVY_TEXT)
    result.overdue = list(overdue.select_related("lead_unit").order_by("due_date", "code")[:overdue_limit])
    for task in result.overdue:
        task.days_late = (day - task.due_date).days

    lines = BudgetLine.objects.filter(task__in=all_tasks) if limited else BudgetLine.objects.filter(
        task__plan=plan)
    sums = {r["source"]: r for r in lines.order_by().values("source").annotate(
        planned=Sum("planned"), allocated=Sum("allocated"), disbursed=Sum("disbursed"))}
    result.budget_by_source = [
        {"key": value, "label": label, "planned": sums[value]["planned"], "allocated": sums[value]["allocated"],
         "disbursed": sums[value]["disbursed"],
         "rate": float(sums[value]["disbursed"] * 100 / sums[value]["planned"]) if sums[value]["planned"] else None}
        for value, label in FundingSource.choices if value in sums]
    planned = sum((r["planned"] for r in result.budget_by_source), Decimal(0))
    allocated = sum((r["allocated"] for r in result.budget_by_source), Decimal(0))
    disbursed = sum((r["disbursed"] for r in result.budget_by_source), Decimal(0))
    result.budget = {"planned": planned, "allocated": allocated, "disbursed": disbursed,
                     "rate": float(disbursed * 100 / planned) if planned else None}

    timeline = tasks.defer(*HEAVY_TEXT).select_related("lead_unit").order_by(
        F("start_date").asc(nulls_last=True), "due_date", "code")
    result.timeline_total = result.total
    result.timeline = list(timeline[:timeline_limit])

    updates = ProgressUpdate.objects.filter(plan=plan)
    if limited:
        updates = updates.filter(task__in=all_tasks)
    result.recent_updates = list(
        updates.select_related("task", "unit", "author").defer(*(f"task__{f}" for f in HEAVY_TEXT[:3]))
        .prefetch_related("evidence").order_by("-reported_on", "-id")[:recent_limit])
    result.recurring = recurring_report(plan, all_tasks.filter(recurring=True), day)
    result.carried_from_years = [] if not origins.get(Origin.CARRIED_OVER) else sorted(set(
        tasks.filter(origin=Origin.CARRIED_OVER, carried_from__isnull=False).order_by()
        .values_list("carried_from__plan__year", flat=True).distinct()))
    result.sentences = summary_sentences(result)
    return result


def province_short_name(province: Unit) -> str:
    return province.short_name or province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")


def plan_provinces(plan: Plan) -> list[Unit]:
    """The plan's province, then the provinces that merged into it (their units may still appear in the plan:
    a 2025–2026 plan of today's Thái Nguyên names units of Bắc Kạn valid until 30/06/2025)."""
    cached = getattr(plan, "_provinces", None)
    if cached is not None:
        return cached
    from tinhso.units.models import Succession

    found = [plan.province]
    frontier = [plan.province.pk]
    while frontier:
        earlier = list(Unit.objects.filter(
            pk__in=Succession.objects.filter(successor_id__in=frontier).values("predecessor_id"),
            kind=UnitKind.PROVINCE).exclude(pk__in=[p.pk for p in found]))
        found += earlier
        frontier = [p.pk for p in earlier]
    plan._provinces = found
    return found


def in_plan_province(plan: Plan, unit: Unit) -> bool:
    """A task's units belong to the plan's province (its departments, districts, communes, and the central
    agencies and enterprises based there), or to a province merged into it."""
    return any(unit.path.startswith(p.path) for p in plan_provinces(plan))


def plan_start(plan: Plan) -> dt.date:
    """The first day of the plan: 1 January of its year, or the day its province came into being (a plan of a
    province formed on 1 July 2025 starts then)."""
    start = dt.date(plan.year, 1, 1)
    valid_from = plan.province.valid_from
    return max(start, valid_from) if valid_from and valid_from <= dt.date(plan.end_year, 12, 31) else start


def plan_end(plan: Plan) -> dt.date:
    """The last day of the plan: 31 December of its last year, or its province's last day if that is sooner."""
    end = dt.date(plan.end_year, 12, 31)
    valid_to = plan.province.valid_to
    return min(end, valid_to) if valid_to and valid_to >= dt.date(plan.year, 1, 1) else end


def default_as_of(plan: Plan) -> dt.date:
    """Today, or the last day of a plan's province that no longer exists."""
    day = today()
    valid_to = plan.province.valid_to
    return valid_to if valid_to is not None and valid_to < day else day


def recurring_report(plan: Plan, tasks: QuerySet[Task], day: dt.date, limit: int = 50) -> list[dict]:
    """Recurring tasks ("Thường xuyên") are never overdue as a whole: each is judged period by period (by
    quarter unless its text says monthly or yearly). For each, the periods of the plan up to `day`, whether
    a progress report was made in each, and how many elapsed periods have none."""
    from tinhso.programme.deadlines import recurring_kind, reporting_periods

    rows = []
    chosen = list(tasks.select_related("lead_unit").only("pk", "code", "title", "due_text", "lead_unit__name",
                                                          "status", "progress").order_by("code")[:limit])
    reported: dict[int, list[dt.date]] = defaultdict(list)
    for task_id, when in ProgressUpdate.objects.filter(task__in=[t.pk for t in chosen]).values_list(
            "task_id", "reported_on"):
        reported[task_id].append(when)
    last = min(plan_end(plan), day)
    for task in chosen:
        periods = [p for p in reporting_periods(recurring_kind(task.due_text) or "quarter", plan_start(plan),
                                                plan_end(plan)) if p.start <= last]
        cells = [{"label": p.label, "reported": any(p.start <= d <= p.end for d in reported[task.pk]),
                  "current": p.start <= day <= p.end} for p in periods]
        missing = sum(1 for c in cells if not c["reported"] and not c["current"])
        rows.append({"task": task, "periods": cells, "missing": missing})
    return rows


def _money(value: Decimal) -> str:
    return vn_number(value, 0 if value >= 100 else 1)


def _period_phrase(plan: Plan) -> str:
    return f"Năm {plan.year}" if plan.year == plan.end_year else f"Giai đoạn {plan.year}–{plan.end_year}"


def _years_phrase(years: list[int]) -> str:
    if len(years) == 1:
        return f"năm {years[0]}"
    return "các năm " + ", ".join(str(y) for y in years[:-1]) + f" và {years[-1]}"


def summary_sentences(view: Overview) -> list[str]:
    """The facts a DX report states, generated from the figures, e.g.
    "Năm 2024 có 9 nhiệm vụ mới, trong đó 6 nhiệm vụ chưa có trong Đề án."."""
    plan = view.plan
    sentences = []
    subject = _period_phrase(plan)
    if view.scoped:
        subject += " (các nhiệm vụ đơn vị bạn chủ trì hoặc phối hợp)"
    if view.under is not None:
        subject += f" (các nhiệm vụ do {view.under.name} hoặc đơn vị trực thuộc chủ trì)"
    new = view.count("by_origin", Origin.IN_SCHEME) + view.count("by_origin", Origin.OUTSIDE_SCHEME)
    outside = view.count("by_origin", Origin.OUTSIDE_SCHEME)
    carried = view.count("by_origin", Origin.CARRIED_OVER)
    if new == 0:
        sentences.append(f"{subject} không có nhiệm vụ mới.")
    elif plan.scheme_id is None:
        sentences.append(f"{subject} có {vn_number(new)} nhiệm vụ mới.")
    elif outside == 0:
        sentences.append(f"{subject} có {vn_number(new)} nhiệm vụ mới, tất cả đều thuộc Đề án.")
    elif outside == new:
        sentences.append(f"{subject} có {vn_number(new)} nhiệm vụ mới, tất cả đều chưa có trong Đề án.")
    else:
        sentences.append(f"{subject} có {vn_number(new)} nhiệm vụ mới, trong đó {vn_number(outside)} "
                         "nhiệm vụ chưa có trong Đề án.")
    if carried:
        source = f" từ {_years_phrase(view.carried_from_years)}" if view.carried_from_years else ""
        sentences.append(f"Có {vn_number(carried)} nhiệm vụ chuyển tiếp{source}.")
    if view.total:
        parts = []
        done = view.count("by_state", DerivedState.DONE)
        parts.append(f"{vn_number(done)} đã hoàn thành ({vn_percent(done * 100 / view.total)})")
        for key, words in ((DerivedState.IN_PROGRESS, "đang thực hiện"), (DerivedState.OVERDUE, "quá hạn"),
                           (DerivedState.NOT_STARTED, "chưa triển khai"), (DerivedState.CANCELLED, "dừng, hủy"),
                           (DerivedState.CARRIED_OVER, "đã chuyển tiếp sang năm sau")):
            if n := view.count("by_state", key):
                parts.append(f"{vn_number(n)} {words}")
        sentences.append(f"Tổng số {vn_number(view.total)} nhiệm vụ, dự án: " + ", ".join(parts) + ".")
    if view.overdue_count and view.by_lead_unit:
        worst = max(view.by_lead_unit, key=lambda r: (r["overdue"], -len(r["name"])))
        if worst["overdue"]:
            sentences.append(f"Đơn vị có nhiều nhiệm vụ quá hạn nhất: {worst['name']} ({vn_number(worst['overdue'])}).")
    budget = view.budget
    if budget.get("planned"):
        sentences.append(f"Tổng kinh phí kế hoạch {_money(budget['planned'])} triệu đồng, đã giải ngân "
                         f"{_money(budget['disbursed'])} triệu đồng ({vn_percent(budget['rate'])}).")
    return sentences


def plan_years_span(plan: Plan, tasks: list[Task]) -> tuple[dt.date, dt.date]:
    """The date range a timeline draws: the plan period widened to the tasks' own dates."""
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.end_year, 12, 31)
    for task in tasks:
        if task.start_date and task.start_date < start:
            start = dt.date(task.start_date.year, 1, 1)
        if task.due_date and task.due_date > end:
            end = dt.date(task.due_date.year, 12, 31)
    return start, end


# ---------------------------------------------------------------- periods (reports)

def plans_for_year(user: User, province: Unit, year: int) -> list[Plan]:
    """The province's plans covering `year` that the user may read (a periodic report's plans), oldest
    first."""
    return list(visible_plans(user).filter(province=province, year__lte=year, end_year__gte=year)
                .select_related("province", "scheme").order_by("year", "code"))


def _period_tasks(user: User, plan: Plan, under: Unit | None) -> QuerySet[Task]:
    tasks = Task.objects.filter(plan=plan)
    if not reads_whole_plan(user, plan):
        tasks = tasks.filter(visible_tasks_filter(user))
    if under is not None and under.pk != plan.province_id:
        tasks = tasks.filter(lead_unit__path__startswith=under.path)
    return tasks.select_related("lead_unit").defer(*HEAVY_TEXT)


def completed_between(user: User, plan: Plan, start: dt.date, end: dt.date, under: Unit | None = None
                      ) -> list[Task]:
    """Top-level tasks of the plan completed within [start, end] (by their completion day), in the
    user's scope and, with `under`, led within that unit's subtree; by completion day."""
    return list(_period_tasks(user, plan, under).filter(
        parent__isnull=True, status=Status.DONE, completed_on__gte=start, completed_on__lte=end)
        .order_by("completed_on", "code"))


def open_due_between(user: User, plan: Plan, start: dt.date, end: dt.date, under: Unit | None = None,
                     day: dt.date | None = None, historical: bool = False) -> list[Task]:
    """Top-level tasks of the plan still open (on `day`, when `historical`: see state_expression) whose
    deadline falls within [start, end]: what the next period must finish. By deadline."""
    day = day or today()
    still_open = Q(status__in=OPEN_STATUSES)
    if historical:
        still_open |= Q(status=Status.DONE, completed_on__gt=day)
    return list(_period_tasks(user, plan, under).filter(still_open, parent__isnull=True, due_date__gte=start,
                                                        due_date__lte=end).order_by("due_date", "code"))
