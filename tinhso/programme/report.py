"""The programme in the documents tinhso drafts (see ``tinhso.core.reporting``): the periodic report's
task results (done / in progress / overdue of the unit's subtree, from the plan overview), its prefilled
problems (overdue tasks) and next tasks (tasks due in the next period), and the yearly DX plan
("Kế hoạch") with its task appendix."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.urls import reverse

from tinhso.accounts.services import province_of
from tinhso.core.errors import NotFound
from tinhso.core.formatting import vn_date, vn_number, vn_percent
from tinhso.core.labels import vietnamese
from tinhso.core.reporting import (
    DATE,
    INTEGER,
    TEXT,
    Figure,
    Report,
    ReportRequest,
    Section,
    Table,
    number_format,
    percent_format,
)
from tinhso.programme import services
from tinhso.programme.models import DerivedState, Origin, Plan, Task
from tinhso.units.models import Unit

ORDER = 10
OVERDUE_ITEMS = 10   # overdue tasks named one by one in "tồn tại, hạn chế" (the appendix lists them all)
NEXT_ITEMS = 10      # tasks due next period named in "nhiệm vụ thời gian tới"
COMPLETED_NAMED = 10
STATE_WORDS = {DerivedState.DONE: "Hoàn thành", DerivedState.IN_PROGRESS: "Đang thực hiện",
               DerivedState.OVERDUE: "Quá hạn", DerivedState.NOT_STARTED: "Chưa triển khai",
               DerivedState.CANCELLED: "Dừng, hủy", DerivedState.CARRIED_OVER: "Đã chuyển tiếp sang năm sau"}


def _vi(label: str) -> str:
    """The Vietnamese half of a bilingual choice label ("Chính quyền số / Digital government")."""
    return vietnamese(label)


def _plans(request: ReportRequest) -> list[Plan]:
    province = province_of(request.unit)
    if province is None:
        return []
    return services.plans_for_year(request.user, province, request.period.year)


def _overview(request: ReportRequest, plan: Plan) -> services.Overview:
    key = ("programme.overview", plan.pk)
    if key not in request.memo:
        request.memo[key] = services.overview(request.user, plan, request.as_of, timeline_limit=0, overdue_limit=500,
                                              recent_limit=0, under=request.unit, historical=historical(request))
    return request.memo[key]


def historical(request: ReportRequest) -> bool:
    """A report of a period that ended before the drafting day judges task states as they were at its end."""
    return request.as_of < request.today


def _titles(tasks: list[Task], limit: int) -> str:
    named = "; ".join(f"{t.title} ({t.lead_unit.name})" for t in tasks[:limit])
    more = len(tasks) - limit
    return named + (f" và {vn_number(more)} nhiệm vụ khác" if more > 0 else "")


def _overdue_table(view: services.Overview) -> Table:
    rows = [[i, t.code, t.title, t.lead_unit.name, t.due_date, t.days_late, t.progress]
            for i, t in enumerate(view.overdue, 1)]
    return Table(title=f"Danh mục nhiệm vụ quá hạn — {view.plan.name}",
                 headers=["STT", "Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn hoàn thành", "Số ngày quá hạn",
                          "Tiến độ (%)"],
                 rows=rows, formats=[INTEGER, TEXT, TEXT, TEXT, DATE, INTEGER, INTEGER],
                 note=f"Tính đến ngày {vn_date(view.day)}; nhiệm vụ chính (nhiệm vụ con là một phần của nhiệm vụ cha"
                      + (f"; {vn_number(view.overdue_subtasks)} nhiệm vụ con quá hạn" if view.overdue_subtasks
                         else "") + ").", key="programme.overdue")


def _states_table(view: services.Overview) -> Table:
    rows = [[STATE_WORDS.get(r["key"], _vi(r["label"])), r["count"], r["percent"]] for r in view.by_state if r["count"]]
    return Table(title="Tình hình thực hiện nhiệm vụ", headers=["Tình trạng", "Số nhiệm vụ", "Tỷ lệ"],
                 rows=rows, formats=[TEXT, INTEGER, percent_format(1)], total=["Tổng số", view.total, Decimal(100)],
                 key="programme.states")


def _units_table(view: services.Overview) -> Table:
    rows = [[i, r["name"], r["count"], r["done"], r["overdue"]] for i, r in enumerate(view.by_lead_unit, 1)]
    return Table(title=f"Kết quả thực hiện nhiệm vụ theo đơn vị chủ trì — {view.plan.name}",
                 headers=["STT", "Đơn vị chủ trì", "Số nhiệm vụ", "Hoàn thành", "Quá hạn"], rows=rows,
                 formats=[INTEGER, TEXT, INTEGER, INTEGER, INTEGER],
                 total=["", "Tổng số", view.total, sum(r["done"] for r in view.by_lead_unit),
                        sum(r["overdue"] for r in view.by_lead_unit)], key="programme.by_unit")


def plan_figures(view: services.Overview, completed: int | None = None) -> list[Figure]:
    """The headline figures of a plan overview, keyed "programme.<name>" (the tests compare them with
    the overview's own)."""
    done = view.count("by_state", DerivedState.DONE)
    overdue = view.count("by_state", DerivedState.OVERDUE)
    progress = Decimal(str(view.average_progress))
    figures = [
        Figure("programme.total", "Tổng số nhiệm vụ", view.total, vn_number(view.total),
               next((s for s in view.sentences if s.startswith("Tổng số")), "")),
        Figure("programme.done", "Nhiệm vụ hoàn thành", done, vn_number(done),
               f"{vn_number(done)}/{vn_number(view.total)} nhiệm vụ đã hoàn thành "
               f"({vn_percent(done * 100 / view.total if view.total else 0)})", headline=True),
        Figure("programme.in_progress", "Nhiệm vụ đang thực hiện", view.count("by_state", DerivedState.IN_PROGRESS),
               vn_number(view.count("by_state", DerivedState.IN_PROGRESS))),
        Figure("programme.overdue", "Nhiệm vụ quá hạn", overdue, vn_number(overdue),
               f"{vn_number(overdue)} nhiệm vụ quá hạn" if overdue else ""),
        Figure("programme.not_started", "Nhiệm vụ chưa triển khai", view.count("by_state", DerivedState.NOT_STARTED),
               vn_number(view.count("by_state", DerivedState.NOT_STARTED))),
        Figure("programme.average_progress", "Tiến độ bình quân", progress, vn_percent(progress),
               f"tiến độ bình quân các nhiệm vụ đạt {vn_percent(progress)}"),
    ]
    if completed is not None:
        figures.append(Figure("programme.completed_in_period", "Nhiệm vụ hoàn thành trong kỳ", completed,
                              vn_number(completed)))
    if view.budget.get("planned"):
        figures.append(Figure("programme.budget_rate", "Tỷ lệ giải ngân", view.budget["rate"],
                              vn_percent(view.budget["rate"]),
                              next((s for s in view.sentences if s.startswith("Tổng kinh phí")), "")))
    return figures


def sections(request: ReportRequest) -> list[Section]:
    """One section per plan covering the period's year with tasks in the unit's subtree."""
    found = []
    period, unit = request.period, request.unit
    nxt = period.next()
    for plan in _plans(request):
        view = _overview(request, plan)
        if not view.total:
            continue
        completed = services.completed_between(request.user, plan, period.start, request.as_of, unit)
        paragraphs = [f"Thực hiện {plan.name}{f' ({plan.decision})' if plan.decision else ''}:", *view.sentences]
        if completed:
            paragraphs.append(f"Trong {period.phrase} đã hoàn thành {vn_number(len(completed))} nhiệm vụ: "
                              f"{_titles(completed, COMPLETED_NAMED)}.")
        else:
            paragraphs.append(f"Trong {period.phrase} chưa có nhiệm vụ nào được hoàn thành.")
        figures = plan_figures(view, len(completed))
        figures[1].sentence = (f"{figures[1].sentence.replace(' nhiệm vụ đã', ' nhiệm vụ của kế hoạch đã', 1)}, "
                               f"{vn_number(len(completed))} nhiệm vụ hoàn thành trong kỳ, tiến độ bình quân "
                               f"{figures[5].text}")
        problems = []
        overdue = view.overdue
        if overdue:
            top = [t for t in overdue if t.parent_id is None]
            problems.append(f"Còn {vn_number(view.count('by_state', DerivedState.OVERDUE))} nhiệm vụ của {plan.name} "
                            f"quá hạn chưa hoàn thành (tính đến ngày {vn_date(view.day)}).")
            worst = next((s for s in view.sentences if "quá hạn nhất" in s), "")
            if worst:
                problems.append(worst)
            for task in (top or overdue)[:OVERDUE_ITEMS]:
                problems.append(f"Nhiệm vụ \u201c{task.title}\u201d ({task.lead_unit.name}) quá hạn "
                                f"{vn_number(task.days_late)} ngày (hạn {vn_date(task.due_date)}), tiến độ "
                                f"{task.progress}%.")
        next_tasks = []
        if overdue:
            late = view.count("by_state", DerivedState.OVERDUE) or len(overdue)
            next_tasks.append(f"Khẩn trương hoàn thành {vn_number(late)} nhiệm vụ quá hạn; đơn vị chủ trì báo cáo "
                              "nguyên nhân, đề xuất giải pháp và thời hạn hoàn thành mới.")
        due = services.open_due_between(request.user, plan, nxt.start, nxt.end, unit, request.as_of,
                                        historical(request))
        for task in due[:NEXT_ITEMS]:
            progress = f"; tiến độ {task.progress}%" if task.status in services.OPEN_STATUSES else ""
            next_tasks.append(f"Hoàn thành nhiệm vụ \u201c{task.title}\u201d (chủ trì: {task.lead_unit.name}; hạn "
                              f"{vn_date(task.due_date)}{progress}).")
        if len(due) > NEXT_ITEMS:
            next_tasks.append(f"Hoàn thành {vn_number(len(due) - NEXT_ITEMS)} nhiệm vụ khác có hạn trong "
                              f"{nxt.phrase} (Phụ lục).")
        appendices = [_units_table(view)]
        if overdue:
            appendices.append(_overdue_table(view))
        found.append(Section(key=f"programme.plan.{plan.pk}", title="Kết quả thực hiện kế hoạch chuyển đổi số",
                             paragraphs=paragraphs, tables=[_states_table(view)], appendices=appendices,
                             problems=problems, next_tasks=next_tasks, figures=figures,
                             url=reverse("programme:plan", args=[plan.pk])))
    return found


# ---------------------------------------------------------------- the yearly plan document

def _find_plan(request: ReportRequest, reference: str) -> Plan:
    reference = (reference or "").strip()
    if reference:
        plan = Plan.objects.filter(code=reference).first()
        if plan is None and reference.isdigit():
            plan = Plan.objects.filter(pk=int(reference)).first()
        if plan is None:
            raise NotFound(f"Kế hoạch '{reference}'", f"Plan '{reference}'")
        return services.get_plan(plan.pk, request.user)
    plans = _plans(request)
    chosen = next((p for p in reversed(plans) if p.year == request.period.year), plans[-1] if plans else None)
    if chosen is None:
        raise NotFound(f"Kế hoạch chuyển đổi số năm {request.period.year} của {request.unit.name}",
                       f"DX plan of {request.period.year} of {request.unit.name}")
    return chosen


def task_rows(user, plan: Plan) -> list[Task]:
    """The plan's tasks as the task list shows them (services.search_tasks), with their coordinating units
    and planned budget."""
    tasks = services.search_tasks(user, plan).prefetch_related(
        Prefetch("coordinating_units", queryset=Unit.objects.only("id", "name"))).annotate(
        planned=Sum("budget_lines__planned"))
    return list(tasks)


def _span(task: Task) -> str:
    if task.start_date and task.due_date:
        return f"{vn_date(task.start_date)} – {vn_date(task.due_date)}"
    return vn_date(task.due_date) or vn_date(task.start_date)


def plan_appendix(user, plan: Plan) -> Table:
    rows = []
    for i, task in enumerate(task_rows(user, plan), 1):
        note = _vi(Origin(task.origin).label) if task.origin != Origin.IN_SCHEME or plan.scheme_id else ""
        rows.append([i, task.code, task.title, _vi(task.get_pillar_display()), task.lead_unit.name,
                     ", ".join(u.name for u in task.coordinating_units.all()), _span(task),
                     task.planned, note])
    planned = sum((r[7] or Decimal(0) for r in rows), Decimal(0))
    return Table(title=f"Danh mục nhiệm vụ — {plan.name}",
                 headers=["STT", "Mã", "Nhiệm vụ", "Trụ cột, lĩnh vực", "Đơn vị chủ trì", "Đơn vị phối hợp",
                          "Thời gian thực hiện", "Kinh phí (triệu đồng)", "Ghi chú"],
                 rows=rows, formats=[INTEGER, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, number_format(0), TEXT],
                 total=["", "", "Tổng cộng", "", "", "", "", planned, ""], key="programme.plan_tasks")


def plan_document(request: ReportRequest, reference: str = "") -> Report:
    """The yearly DX plan as a "Kế hoạch": purpose, tasks by pillar, budget, organisation (who leads
    what), and the task appendix. ``reference`` is the plan's code or id; "" takes the unit's plan of the
    period's year."""
    plan = _find_plan(request, reference)
    view = services.overview(request.user, plan, request.as_of, timeline_limit=0, overdue_limit=0, recent_limit=0)
    name = plan.name
    summary = name[len("Kế hoạch "):] if name.lower().startswith("kế hoạch ") else name
    summary = summary[0].upper() + summary[1:]
    purpose = []
    if plan.scheme_id:
        scheme = plan.scheme
        purpose.append(f"Triển khai {scheme.name}{f' ({scheme.decision})' if scheme.decision else ''}, giai đoạn "
                       f"{scheme.start_year}–{scheme.end_year}.")
    if plan.description:
        purpose.append(plan.description)
    purpose.append("Xác định cụ thể nhiệm vụ, đơn vị chủ trì, đơn vị phối hợp, thời hạn hoàn thành và kinh phí thực "
                   "hiện; làm căn cứ để các cơ quan, đơn vị tổ chức triển khai, theo dõi, đánh giá kết quả.")
    pillars = Table(title="Nhiệm vụ theo trụ cột, lĩnh vực", headers=["Trụ cột, lĩnh vực", "Số nhiệm vụ", "Tỷ lệ"],
                    rows=[[_vi(r["label"]), r["count"], r["percent"]] for r in view.by_pillar],
                    formats=[TEXT, INTEGER, percent_format(1)], total=["Tổng số", view.total, Decimal(100)],
                    key="programme.pillars")
    task_paragraphs = [s for s in view.sentences if not s.startswith("Tổng kinh phí")
                       and "quá hạn nhất" not in s][:2]
    task_paragraphs += [f"{_vi(r['label'])}: {vn_number(r['count'])} nhiệm vụ." for r in view.by_pillar]
    task_paragraphs.append("Danh mục nhiệm vụ chi tiết tại Phụ lục kèm theo.")
    sections = [
        Section(key="programme.purpose", title="Mục đích, yêu cầu", paragraphs=purpose),
        Section(key="programme.tasks", title="Nhiệm vụ", paragraphs=task_paragraphs, tables=[pillars],
                appendices=[plan_appendix(request.user, plan)], figures=plan_figures(view),
                url=reverse("programme:tasks", args=[plan.pk])),
    ]
    budget = view.budget
    if budget.get("planned"):
        sources = Table(title="Kinh phí theo nguồn vốn",
                        headers=["Nguồn vốn", "Kế hoạch (triệu đồng)", "Được giao", "Đã giải ngân"],
                        rows=[[_vi(r["label"]), r["planned"], r["allocated"], r["disbursed"]]
                              for r in view.budget_by_source],
                        formats=[TEXT, number_format(0), number_format(0), number_format(0)],
                        total=["Tổng cộng", budget["planned"], budget["allocated"], budget["disbursed"]],
                        key="programme.budget")
        sections.append(Section(key="programme.budget", title="Kinh phí thực hiện",
                                paragraphs=[f"Tổng kinh phí thực hiện kế hoạch dự kiến "
                                            f"{vn_number(budget['planned'])} triệu đồng, từ các nguồn: "
                                            + "; ".join(f"{_vi(r['label'])} {vn_number(r['planned'])} triệu đồng"
                                                        for r in view.budget_by_source) + "."],
                                tables=[sources]))
    leads = [f"{r['name']} chủ trì {vn_number(r['count'])} nhiệm vụ." for r in view.by_lead_unit]
    sections.append(Section(key="programme.organisation", title="Tổ chức thực hiện", paragraphs=[
        "Các cơ quan, đơn vị được giao chủ trì nhiệm vụ xây dựng kế hoạch chi tiết, tổ chức triển khai, cập nhật "
        "tiến độ và minh chứng trên hệ thống theo dõi chương trình chuyển đổi số của tỉnh; báo cáo định kỳ theo quy "
        "định.", *leads]))
    return Report(kind="plan", request=request, title="Kế hoạch", summary=summary, sections=sections)


DOCUMENTS = {"plan": plan_document}
