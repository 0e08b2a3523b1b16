"""Web pages of programme management. Thin: read the request, call services, render."""

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tinhso.core.audit import history_of
from tinhso.core.downloads import attach, stored_file
from tinhso.core.errors import DomainError, FieldError, Forbidden, ValidationFailed
from tinhso.core.forms import apply_errors
from tinhso.core.labels import audit_in_language
from tinhso.core.text import vi_sort_key
from tinhso.core.uploads import upload_guard
from tinhso.programme import charts, services, spreadsheet
from tinhso.programme.forms import (
    BudgetFormSet,
    CarryOverForm,
    ImportForm,
    PlanForm,
    ProgressForm,
    SchemeForm,
    TaskFilterForm,
    TaskForm,
)
from tinhso.programme.models import DerivedState, Origin, Plan, Scheme, Status, Task
from tinhso.units.models import Unit


def _task_prefix() -> str:
    return reverse("programme:task", args=[0])[:-2]  # "/programme/tasks/"


def _task_url(task: Task) -> str:
    return f"{_task_prefix()}{task.pk}/"


def _readable_plan(request: HttpRequest, plan_id: int) -> Plan:
    return services.get_plan(plan_id, request.user)


def _as_of(request: HttpRequest, plan: Plan | None = None) -> dt.date:
    """The day figures are computed for: `?as_of=`, else today — or, for a plan of a province that no longer
    exists, its last day (a Bắc Kạn plan is read as of 30/06/2025, not as of today)."""
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return services.default_as_of(plan) if plan is not None else services.today()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    plans = list(services.visible_plans(user).order_by("-year", "name"))
    counts = dict(Task.objects.filter(services.visible_tasks_filter(user), plan__in=plans, parent__isnull=True)
                  .order_by().values_list("plan_id").annotate(n=Count("id"))
                  .values_list("plan_id", "n"))
    by_scheme: dict[Scheme | None, list[Plan]] = defaultdict(list)
    for plan in plans:
        plan.task_count = counts.get(plan.pk, 0)
        by_scheme[plan.scheme].append(plan)
    schemes = sorted(by_scheme.items(), key=lambda item: (item[0] is None, -(item[0].start_year if item[0] else 0),
                                                          vi_sort_key(str(item[0] or ""))))
    my_tasks = None
    if not services.reads_as_office(user):
        my_tasks = services.with_state(Task.objects.filter(services.visible_tasks_filter(user))
                                       .exclude(status__in=(Status.DONE, Status.CANCELLED, Status.CARRIED_OVER))
                                       .select_related("plan", "lead_unit")).order_by("due_date", "code")[:50]
    return render(request, "programme/index.html", {
        "schemes": schemes, "my_tasks": my_tasks,
        "can_create": services.managed_provinces(user).exists(),
    })


# ---------------------------------------------------------------- schemes and plans

@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, scheme_id: int | None = None) -> HttpResponse:
    scheme = services.get_scheme(scheme_id) if scheme_id else None
    if scheme is not None and not services.can_manage_province(request.user, scheme.province):
        raise Forbidden()
    if scheme is None and not services.managed_provinces(request.user).exists():
        raise Forbidden("Chỉ cơ quan quản lý chuyển đổi số cấp tỉnh được tạo Đề án",
                        "Only the provincial DX office may create schemes")
    initial = {f: getattr(scheme, f) for f in services.SCHEME_FIELDS} | {"version": scheme.version} if scheme else {}
    form = SchemeForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if scheme:
                scheme = services.update_scheme(request.user, scheme.pk, values, form.cleaned_data["version"])
            else:
                scheme = services.create_scheme(request.user, values)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu Đề án: %(name)s") % {"name": scheme.name})
            return redirect("programme:index")
    return render(request, "core/form.html", {
        "form": form, "title": _("Sửa Đề án: %(name)s") % {"name": scheme.name} if scheme else _("Tạo Đề án"),
        "back": reverse("programme:index")})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_id: int | None = None) -> HttpResponse:
    plan = services.get_plan(plan_id) if plan_id else None
    if plan is not None:
        services.require_manage_plan(request.user, plan)
    elif not services.managed_provinces(request.user).exists():
        raise Forbidden("Chỉ cơ quan quản lý chuyển đổi số cấp tỉnh được tạo kế hoạch",
                        "Only the provincial DX office may create plans")
    initial = ({f: getattr(plan, f) for f in services.PLAN_FIELDS} | {"version": plan.version} if plan
               else {"scheme": request.GET.get("scheme")})
    form = PlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if values.get("scheme"):
            values["province"] = values["scheme"].province
        try:
            if plan:
                plan = services.update_plan(request.user, plan.pk, values, form.cleaned_data["version"])
            else:
                plan = services.create_plan(request.user, values)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch: %(name)s") % {"name": plan.name})
            return redirect("programme:plan", plan_id=plan.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("Sửa kế hoạch: %(name)s") % {"name": plan.name} if plan else _("Tạo kế hoạch"),
        "back": reverse("programme:plan", args=[plan.pk]) if plan else reverse("programme:index")})


@login_required
def plan_overview(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _readable_plan(request, plan_id)
    day = _as_of(request, plan)
    view = services.overview(request.user, plan, day)
    start, end = services.plan_years_span(plan, view.timeline)
    state_rows = [(str(r["label"]), r["count"], charts.STATE_COLOURS[r["key"]]) for r in view.by_state
                  if r["count"] or r["key"] in (DerivedState.DONE, DerivedState.OVERDUE)]
    origin_rows = [(str(r["label"]), r["count"], "#7c3aed") for r in view.by_origin]
    pillar_rows = [(str(r["label"]), r["count"], "#0e7490") for r in view.by_pillar]
    return render(request, "programme/overview.html", {
        "plan": plan, "view": view, "day": day, "done_count": view.count("by_state", DerivedState.DONE),
        "lead_rows": view.by_lead_unit[:20], "more_units": max(0, len(view.by_lead_unit) - 20),
        "tasks_url": reverse("programme:tasks", args=[plan.pk]), "task_prefix": _task_prefix(),
        "evidence_prefix": reverse("programme:evidence", args=[0])[:-2],
        "overdue_top": view.count("by_state", DerivedState.OVERDUE),
        "state_chart": charts.bars(state_rows, title=_("Theo tình trạng")),
        "origin_chart": charts.bars(origin_rows, title=_("Theo nguồn gốc")),
        "pillar_chart": charts.bars(pillar_rows, title=_("Theo trụ cột")),
        "budget_chart": charts.budget_bars(view.budget_by_source) if view.budget_by_source else "",
        "gantt": charts.gantt(view.timeline, start, end, day, _task_url, services.plan_start(plan))
        if view.timeline else "",
        "day_note": (_("Đơn vị đã kết thúc ngày %(day)s: số liệu mặc định tính đến ngày đó")
                     % {"day": f"{day:%d/%m/%Y}"}) if "as_of" not in request.GET and day != services.today()
        else "",
        "can_manage": services.can_manage_plan(request.user, plan),
        "previous": services.previous_plan(plan),
    })


def _filter_form(request: HttpRequest, plan: Plan | None) -> TaskFilterForm:
    units = Task.objects.filter(services.visible_tasks_filter(request.user))
    if plan is not None:
        units = units.filter(plan=plan)
    lead_ids = units.order_by().values_list("lead_unit_id", flat=True).distinct()
    lead_units = sorted(Unit.objects.filter(pk__in=lead_ids).values_list("pk", "name"), key=lambda r: vi_sort_key(r[1]))
    return TaskFilterForm(request.GET or None, lead_units=lead_units)


@login_required
def plan_tasks(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _readable_plan(request, plan_id)
    form = _filter_form(request, plan)
    tasks = services.search_tasks(request.user, plan, form.task_filter())
    page = Paginator(tasks, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "programme/tasks.html", {
        "plan": plan, "form": form, "page": page, "query": query.urlencode(),
        "can_manage": services.can_manage_plan(request.user, plan)})


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request, None)
    tasks = services.search_tasks(request.user, None, form.task_filter())
    page = Paginator(tasks, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "programme/tasks.html", {"plan": None, "form": form, "page": page,
                                                    "query": query.urlencode()})


@login_required
def plan_timeline(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _readable_plan(request, plan_id)
    day = _as_of(request, plan)
    form = _filter_form(request, plan)
    flt = form.task_filter()
    tasks = services.search_tasks(request.user, plan, flt, day).order_by("start_date", "due_date", "code")
    page = Paginator(tasks, 150).get_page(request.GET.get("page"))
    start, end = services.plan_years_span(plan, list(page))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "programme/timeline.html", {
        "plan": plan, "form": form, "page": page, "query": query.urlencode(),
        "gantt": charts.gantt(list(page), start, end, day, _task_url, services.plan_start(plan))
        if page.object_list else ""})


@login_required
def plan_export(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _readable_plan(request, plan_id)
    form = _filter_form(request, plan)
    content, filename, mime = spreadsheet.export_plan(request.user, plan, form.task_filter())
    response = HttpResponse(content, content_type=mime)
    attach(response, filename)
    return response


@login_required
def sample_file(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(spreadsheet.SAMPLE_PATH.read_bytes(), content_type=spreadsheet.XLSX_MIME)
    attach(response, spreadsheet.SAMPLE_PATH.name)
    return response


@login_required
def template_file(request: HttpRequest) -> HttpResponse:
    """The empty plan template (header and guide only); the filled example is `sample_file`."""
    response = HttpResponse(spreadsheet.build_template(), content_type=spreadsheet.XLSX_MIME)
    attach(response, "ke-hoach-mau-trong.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(services.plan_upload_check)
def plan_import(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = services.get_plan(plan_id)
    services.require_manage_plan(request.user, plan)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[FieldError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = spreadsheet.import_plan(request.user, plan, spreadsheet.read_plan_file(upload.read(),
                                                                                            upload.name))
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            errors = result.errors
            if not errors:
                messages.success(request, _("Đã nhập %(count)s nhiệm vụ") % {"count": result.created})
                return redirect("programme:tasks", plan_id=plan.pk)
    return render(request, "programme/import.html", {
        "plan": plan, "form": form, "errors": errors, "columns": spreadsheet.COLUMNS.values()})


@login_required
@require_http_methods(["GET", "POST"])
def plan_carry_over(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Carry exactly the ticked tasks (none ticked: nothing, and says so) into a later plan of the province or
    of its successor; ended units go to their heirs, the user choosing where several inherited one."""
    plan = services.get_plan(plan_id)
    services.require_manage_plan(request.user, plan)
    form = CarryOverForm(request.POST or None, plan=plan, user=request.user)
    candidates = list(services.with_state(services.carry_candidates(plan)))
    choices = []
    ticked = {int(i) for i in request.POST.getlist("task") if i.isdigit()} if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        replacements = {int(k.removeprefix("replace_")): int(v) for k, v in request.POST.items()
                        if k.startswith("replace_") and k.removeprefix("replace_").isdigit() and v.isdigit()}
        choices = services.carry_choices(plan, target, sorted(ticked))
        try:
            result = services.carry_over(request.user, plan, target, sorted(ticked), replacements)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã chuyển tiếp %(count)s nhiệm vụ") % {"count": len(result.created)})
            for code, unit in result.dropped:
                messages.warning(request, _("%(code)s: bỏ đơn vị phối hợp '%(unit)s' (đã kết thúc, không có "
                                            "đơn vị kế thừa)") % {"code": code, "unit": unit.name})
            return redirect("programme:plan", plan_id=target.pk)
    return render(request, "programme/carry_over.html", {
        "plan": plan, "form": form, "candidates": candidates, "ticked": ticked,
        "choices": [(unit, options, request.POST.get(f"replace_{unit.pk}", "")) for unit, options in choices]})


# ---------------------------------------------------------------- tasks

def _budget_initial(task: Task | None) -> list[dict]:
    if task is None:
        return []
    return [{"source": b.source, "planned": b.planned, "allocated": b.allocated, "disbursed": b.disbursed}
            for b in task.budget_lines.all()]


def _budget_of(formset) -> list[services.BudgetData]:
    lines = []
    for data in formset.cleaned_data:
        if data and data.get("source"):
            lines.append(services.BudgetData(data["source"], data.get("planned") or 0, data.get("allocated") or 0,
                                             data.get("disbursed") or 0))
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, task_id: int | None = None, plan_id: int | None = None) -> HttpResponse:
    task = services.get_task(task_id, request.user) if task_id else None
    plan = task.plan if task else services.get_plan(plan_id)
    manager = services.can_manage_plan(request.user, plan)
    if task is None and not manager:
        services.require_manage_plan(request.user, plan)
    if task is not None and not services.can_edit_task(request.user, task):
        raise Forbidden("Chỉ đơn vị chủ trì hoặc cơ quan quản lý kế hoạch được sửa nhiệm vụ này",
                        "Only the lead unit or the plan's managing office may change this task")
    initial = {}
    if task is not None:
        initial = {name: getattr(task, name) for name in services.TASK_FIELDS if name not in (
            "budget", "coordinating_units")}
        initial |= {"coordinating_units": list(task.coordinating_units.all()), "version": task.version}
    elif request.GET.get("parent"):
        initial["parent"] = plan.tasks.filter(pk=request.GET["parent"]).first()
    form = TaskForm(request.POST or None, plan=plan, task=task, manager=manager, initial=initial)
    budget = BudgetFormSet(request.POST or None, prefix="budget", initial=_budget_initial(task))
    if request.method == "POST" and form.is_valid() and budget.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        values["coordinating_units"] = list(values["coordinating_units"])
        values["budget"] = _budget_of(budget)
        values["description"] = values.get("description") or ""
        values["note"] = values.get("note") or ""
        try:
            if task is None:
                task = services.create_task(request.user, plan, services.TaskData(**values))
            else:
                task = services.update_task(request.user, task.pk, values, form.cleaned_data["version"])
        except DomainError as exc:
            apply_errors(form, exc, {"budget[0]": "__all__"})
        else:
            messages.success(request, _("Đã lưu"))
            return redirect("programme:task", task_id=task.pk)
    return render(request, "programme/task_form.html", {
        "form": form, "budget": budget, "plan": plan, "task": task,
        "title": _("Sửa: %(code)s") % {"code": task.code} if task else _("Thêm nhiệm vụ")})


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(services.progress_upload_check)
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = services.get_task(task_id, request.user)
    can_report = services.can_report(request.user, task)
    form = None
    if can_report and task.status != Status.CARRIED_OVER:
        form = ProgressForm(request.POST or None, request.FILES or None, initial={
            "reported_on": services.today(), "progress": task.progress,
            "status": task.status if task.status != Status.NOT_STARTED else Status.IN_PROGRESS})
    if request.method == "POST":
        if not can_report:
            raise Forbidden("Chỉ đơn vị chủ trì được báo cáo tiến độ nhiệm vụ này",
                            "Only the lead unit may report progress on this task")
        if form is None:
            raise ValidationFailed(FieldError("task", "nhiệm vụ đã chuyển tiếp; hãy báo cáo ở nhiệm vụ tiếp nối",
                                              "the task was carried over; report on its continuation"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.post_progress(request.user, task.pk, data["text"], data["progress"], data["status"],
                                       data["reported_on"], data["files"])
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận báo cáo tiến độ"))
                return redirect("programme:task", task_id=task.pk)
    day = services.today()
    state = services.state_of(task, day)
    return render(request, "programme/task.html", {
        "task": task, "state": state, "state_label": services.state_label(state),
        "days_late": services.days_late(task, day),
        "chain": services.chain(task), "updates": services.task_updates(task),
        "subtasks": services.with_state(task.subtasks.select_related("lead_unit")).order_by("code"),
        "budget": list(task.budget_lines.all()), "coordinating": list(task.coordinating_units.all()),
        "form": form, "can_edit": services.can_edit_task(request.user, task),
        "can_manage": services.can_manage_plan(request.user, task.plan),
        "colour": charts.STATE_COLOURS.get(state), "Origin": Origin,
    })


@login_required
def task_history(request: HttpRequest, task_id: int) -> HttpResponse:
    task = services.get_task(task_id, request.user)
    return render(request, "programme/history.html", {"task": task, "entries": audit_in_language(history_of(task))})


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = services.get_evidence(request.user, evidence_id)
    return stored_file(evidence.file, evidence.original_name)
