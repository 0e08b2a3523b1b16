"""The programme on the operations centre (see ``tinhso.ioc.contract``): the DX plan's progress, overdue
tasks and budget disbursement for the scope's province, and an alert per overdue task."""

from __future__ import annotations

from django.urls import reverse

from tinhso.core.formatting import vn_number, vn_percent
from tinhso.core.labels import vietnamese
from tinhso.ioc.contract import (
    BAD,
    CHART,
    FOCAL,
    GOOD,
    HIGH,
    MEDIUM,
    NEUTRAL,
    TILE,
    WARN,
    Alert,
    Chart,
    Context,
    Tile,
    Widget,
)
from tinhso.programme import services
from tinhso.programme.models import Plan
from tinhso.units.models import UnitKind

ORDER = 20  # after the key indicators on a default dashboard


def plan_for(ctx: Context) -> Plan | None:
    """The plan of the scope's province for the year (else its latest) that the user may read."""
    scope = ctx.scope
    if scope is None:
        return None
    province = scope
    while province is not None and province.kind != UnitKind.PROVINCE:
        province = province.parent
    plans = services.visible_plans(ctx.user)
    if province is not None:
        plans = plans.filter(province=province)
    return plans.filter(year=ctx.year).order_by("-id").first() or plans.filter(year__lte=ctx.year).order_by(
        "-year", "-id").first()


def _overview(ctx: Context):
    plan = plan_for(ctx)
    return None if plan is None else services.overview(ctx.user, plan, ctx.today, timeline_limit=0, overdue_limit=20,
                                                       recent_limit=0)


def _tiles(ctx: Context, params: dict) -> list[Tile]:
    view = _overview(ctx)
    if view is None or not view.total:
        return []
    plan = view.plan
    url = reverse("programme:plan", args=[plan.pk])
    done = view.count("by_state", "done")
    progress = view.average_progress
    overdue = view.overdue_count
    sentence = " ".join(view.sentences[:2])
    tiles = [
        Tile(key="programme.progress", title=f"Tiến độ {plan.name}", value=progress,
             value_text=vn_percent(progress), sentence=sentence,
             explain=f"{plan.name}: {vn_number(done)}/{vn_number(view.total)} nhiệm vụ đã hoàn thành, tiến độ bình "
                     f"quân {vn_percent(progress)}, {vn_number(overdue)} nhiệm vụ quá hạn tính đến "
                     f"{ctx.today:%d/%m/%Y}.",
             status=GOOD if progress >= 80 else WARN if progress >= 50 else BAD, target_text="100%",
             target_label="Mục tiêu",
             achievement_pct=progress, url=url),
        Tile(key="programme.overdue", title="Nhiệm vụ quá hạn", value=overdue, value_text=vn_number(overdue),
             unit_of_measure="nhiệm vụ", status=GOOD if overdue == 0 else WARN if overdue <= 3 else BAD,
             sentence=next((s for s in view.sentences if "quá hạn nhất" in s), ""),
             explain=f"{vn_number(overdue)} nhiệm vụ của {plan.name} đã quá hạn mà chưa hoàn thành "
                     f"(tính đến {ctx.today:%d/%m/%Y}).",
             url=reverse("programme:tasks", args=[plan.pk]) + "?state=overdue"),
    ]
    budget = view.budget
    if budget.get("planned"):
        rate = budget["rate"] or 0
        tiles.append(Tile(key="programme.budget", title="Giải ngân kinh phí kế hoạch", value=rate,
                          value_text=vn_percent(rate), target_text=f"{vn_number(budget['planned'])} tr.đ",
                          target_label="Kinh phí",
                          explain=f"Đã giải ngân {vn_number(budget['disbursed'])} trên {vn_number(budget['planned'])} "
                                  f"triệu đồng kinh phí kế hoạch ({vn_percent(rate)}).",
                          status=NEUTRAL, url=url))
    return tiles


def _states_chart(ctx: Context, params: dict) -> list[Chart]:
    view = _overview(ctx)
    if view is None or not view.total:
        return []
    rows = [r for r in view.by_state if r["count"]]
    url = reverse("programme:tasks", args=[view.plan.pk])
    return [Chart(key="programme.states", title=f"Nhiệm vụ theo tình trạng — {view.plan.name}", kind="hbar",
                  labels=[vietnamese(r["label"]) for r in rows], series=[("Nhiệm vụ", [r["count"] for r in rows])],
                  links=[f"{url}?state={r['key']}" for r in rows], url=url, caption=view.sentences[0])]


def widgets() -> list[Widget]:
    return [Widget("programme.plan", "Kế hoạch chuyển đổi số", TILE, _tiles),
            Widget("programme.states", "Nhiệm vụ theo tình trạng", CHART, _states_chart)]


def default_widgets(ctx: Context) -> list[dict]:
    items = [{"widget": "programme.plan", "params": {}}]
    if ctx.audience != FOCAL:
        items.append({"widget": "programme.states", "params": {}, "page": 4})
    return items


def alerts(ctx: Context) -> list[Alert]:
    view = _overview(ctx)
    if view is None:
        return []
    scope_path = ctx.scope.path if ctx.scope is not None else ""
    found = []
    for task in view.overdue:
        if ctx.audience == FOCAL and not task.lead_unit.path.startswith(scope_path):
            continue
        found.append(Alert(f"programme.overdue.{task.pk}", f"Nhiệm vụ quá hạn {task.days_late} ngày: {task.title}",
                           task.lead_unit.name, task.due_date, reverse("programme:task", args=[task.pk]),
                           HIGH if task.days_late > 30 else MEDIUM))
    return found
