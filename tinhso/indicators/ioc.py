"""The indicators module on the operations centre (see ``tinhso.ioc.contract``): key indicators against
their targets — the same figures, achievement and sentences as the targets page, because they come from
the same services — trend, by-unit, ranking and map views, reporting completeness, and the alerts of the
reporting workflow. Every tile carries its evidence chain: the approved reports behind the figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from tinhso.core.errors import FieldError
from tinhso.core.formatting import vn_number
from tinhso.indicators import periods, services
from tinhso.indicators.models import Form, Indicator, Report, Status, ValueType
from tinhso.ioc.contract import (
    BAD,
    CHART,
    DX_OFFICE,
    FOCAL,
    GOOD,
    HIGH,
    LEADER,
    LOW,
    MAP,
    MEDIUM,
    NEUTRAL,
    SECTOR,
    TILE,
    WARN,
    Alert,
    Chart,
    Context,
    Link,
    Tile,
    Widget,
)
from tinhso.units.models import Unit, UnitKind

ORDER = 10  # key indicators lead a default dashboard
KEY_INDICATORS = ("TL_HS_TRUC_TUYEN", "TL_HSCV_TREN_MANG", "TL_SO_HOA_KQ")
EVIDENCE_LIMIT = 12


# ---------------------------------------------------------------- helpers

def _check_indicator(params: dict) -> list[FieldError]:
    code = params.get("indicator")
    indicator = Indicator.objects.filter(code=str(code or "")).first()
    if indicator is None:
        return [FieldError("indicator", f"không có chỉ tiêu '{code}'", f"unknown indicator '{code}'")]
    if not indicator.is_numeric:
        return [FieldError("indicator", f"chỉ tiêu {code} là văn bản, không vẽ được",
                           f"indicator {code} is text and cannot be drawn")]
    return []


def _check_form(params: dict) -> list[FieldError]:
    code = params.get("form")
    if code and not Form.objects.filter(code=str(code)).exists():
        return [FieldError("form", f"không có biểu mẫu '{code}'", f"unknown form '{code}'")]
    return []


def _check_limit(params: dict) -> list[FieldError]:
    limit = params.get("limit", 8)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 40:
        return [FieldError("limit", "số ô từ 1 đến 40", "limit must be 1–40")]
    return []


def _is_rate(indicator: Indicator) -> bool:
    return indicator.value_type == ValueType.PERCENT or bool(indicator.numerator)


def value_text(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if _is_rate(indicator):
        return services.pct_text(value, services.display_decimals(indicator))
    if abs(value) >= 1_000_000:
        return services.amount_text(value)
    return vn_number(value, services.display_decimals(indicator))


def span_label(year: int, period: str) -> str:
    return periods.parse(period).label if period else f"năm {year}"


def _status(pct: Decimal | None, status: str) -> str:
    if status in (services.MET, services.EXCEEDED):
        return GOOD
    if status == services.NOT_MET:
        return WARN if pct is not None and pct >= 90 else BAD
    return NEUTRAL


def _target_label(indicator: Indicator) -> str:
    """A lower-is-better indicator's target is a ceiling, and the targets page calls it so."""
    return "Mức trần" if indicator.direction == "lower" else "Kế hoạch"


def _trend_status(indicator: Indicator, value: Decimal | None, previous: Decimal | None) -> str:
    if value is None or previous is None or value == previous:
        return NEUTRAL
    better = value > previous if indicator.direction == "higher" else value < previous
    return GOOD if better else WARN


def _codes(indicator: Indicator) -> list[str]:
    return [c for c in (indicator.code, indicator.numerator, indicator.denominator) if c]


def evidence(indicator: Indicator, scope: Unit, year: int, period: str = "", memo: dict | None = None
             ) -> tuple[list[Link], int, dt.datetime | None]:
    """The approved reports in the scope's subtree, within the span, of forms carrying the indicator (or its
    numerator and denominator): (newest first, total, latest approval). Indicators reported on the same
    forms share one answer through `memo`."""
    span = periods.parse(period) if period else periods.parse(str(year))
    forms = tuple(sorted(set(Form.objects.filter(items__indicator__code__in=_codes(indicator))
                             .values_list("pk", flat=True))))
    key = (forms, scope.pk, span.start, span.end)
    if memo is not None and key in memo:
        return memo[key]
    reports = (Report.objects.filter(form_id__in=forms, status=Status.APPROVED, unit__path__startswith=scope.path,
                                     period_start__gte=span.start, period_end__lte=span.end)
               .select_related("form", "unit", "approved_by").order_by("-approved_at", "-id"))
    links = []
    for report in reports[:EVIDENCE_LIMIT]:
        who = report.approved_by.get_full_name() or report.approved_by.username if report.approved_by else ""
        links.append(Link(label=f"{report.form.code} · {report.unit.name} · {report.period_obj.label}",
                          url=reverse("indicators:report", args=[report.form.code, report.unit_id, report.period]),
                          detail=f"phê duyệt bởi {who}" if who else "đã phê duyệt", when=report.approved_at))
    total = len(links) if len(links) < EVIDENCE_LIMIT else reports.count()
    answer = (links, total, links[0].when if links else None)
    if memo is not None:
        memo[key] = answer
    return answer


def _previous_key(year: int, period: str) -> tuple[int, str]:
    if not period:
        return year - 1, ""
    return year - 1, periods.parse(period).same_period_last_year().key


def sparklines(indicators: list[Indicator], scope: Unit, year: int) -> dict[str, list[tuple[str, float]]]:
    """Two years of monthly (or quarterly) figures per indicator, in one analytics query per period size."""
    found: dict[str, list[tuple[str, float]]] = {}
    by_kind: dict[str, list[str]] = {}
    for indicator in indicators:
        kind = periods.MONTH if indicator.periodicity == periods.MONTH else periods.QUARTER
        by_kind.setdefault(kind, []).append(indicator.code)
    for kind, codes in by_kind.items():
        start = f"{year - 1}-01" if kind == periods.MONTH else f"{year - 1}-Q1"
        end = f"{year}-12" if kind == periods.MONTH else f"{year}-Q4"
        for r in services.analytics_rows(",".join(codes), start, end, kind, units=str(scope.pk)):
            found.setdefault(r["indicator"], []).append((periods.parse(r["period"]).label, float(r["value"])))
    return found


def explain(indicator: Indicator, scope: Unit, year: int, period: str, value: Decimal | None,
            previous: Decimal | None, pct: Decimal | None, reports: int, target: Decimal | None = None) -> str:
    """'Tỷ lệ hồ sơ … của Tỉnh Thái Nguyên quý III/2026 đạt 92,4%, tăng 3,1 điểm % so với cùng kỳ, đạt 97%
    kế hoạch năm (từ 1.204 báo cáo đã phê duyệt).' Against a ceiling (lower is better), the targets
    page's words: '…, thấp hơn mức trần 70% (từ …)'."""
    where = f"của {scope.name}"
    when = span_label(year, period).replace("Tháng", "tháng").replace("Quý", "quý").replace("Năm", "năm")
    if value is None:
        return f"{indicator.name} {where} {when}: chưa có số liệu đã phê duyệt."
    text = f"{indicator.name} {where} {when} đạt {value_text(indicator, value)}"
    if previous is not None:
        if _is_rate(indicator):
            change = Decimal(value) - Decimal(previous)
            if change.copy_abs() < Decimal("0.05"):
                text += ", không đổi so với cùng kỳ"
            else:
                word = "tăng" if change > 0 else "giảm"
                text += f", {word} {vn_number(change.copy_abs(), 1)} điểm % so với cùng kỳ"
        elif previous:
            text += f", bằng {vn_number(Decimal(value) / Decimal(previous) * 100, 1)}% so với cùng kỳ"
    if indicator.direction == "lower" and target is not None:
        text += f", {services.achievement_phrase(indicator, value, target)}"
    elif pct is not None:
        text += f", đạt {vn_number(pct, 0)}% kế hoạch {'kỳ' if period else 'năm'}"
    return text + f" (từ {vn_number(reports)} báo cáo đã phê duyệt)."


def tile_for(ctx: Context, indicator: Indicator, row: services.AchievementRow | None = None,
             prefetched: dict | None = None) -> Tile:
    """One indicator's tile for the scope. With a target row (from services.achievements) the value,
    achievement, status and sentence are exactly the targets page's. `prefetched` carries what several
    tiles fetch together (last year's values, sparklines, evidence)."""
    scope, year, period = ctx.scope, ctx.year, ctx.period
    if prefetched is None:
        prefetched = prefetch(ctx, [indicator])
    if row is not None:
        actual, pct, sentence, target = row.actual, row.pct, row.statement, row.target.value
        status = _status(pct, row.status)
    else:
        figures = services.approved_values(_codes(indicator), [scope.pk], year, period)
        actual = figures.get((indicator.code, scope.pk))
        pct, target = None, None
        sentence = services.statement_for(indicator, scope, actual, None, figures.get((indicator.numerator, scope.pk)),
                                          figures.get((indicator.denominator, scope.pk)))
        status = NEUTRAL
    previous = prefetched["previous"].get((indicator.code, scope.pk))
    if row is None:
        status = _trend_status(indicator, actual, previous)
    links, total, updated = evidence(indicator, scope, year, period, prefetched["evidence"])
    # against a ceiling, how far below or above it in the targets page's own words (never "đạt 345%");
    # a target to reach keeps the short "đạt 105%" under "Kế hoạch 90%"
    ceiling = target is not None and indicator.direction == "lower"
    achieved = services.achievement_phrase(indicator, actual, target) if ceiling else ""
    achieved_en = services.achievement_phrase(indicator, actual, target, english=True) if ceiling else ""
    base = reverse("indicators:targets") + f"?unit={scope.pk}&year={year}" + (f"&period={period}" if period else "")
    return Tile(key=f"indicators.{indicator.code}", title=indicator.name, value=actual,
                value_text=value_text(indicator, actual), unit_of_measure="" if _is_rate(indicator) else
                indicator.unit_of_measure, target_text=value_text(indicator, target) if target is not None else "",
                target_label=_target_label(indicator), achievement_pct=pct, achievement_text=achieved,
                achievement_text_en=achieved_en, sentence=sentence,
                explain=explain(indicator, scope, year, period, actual, previous, pct, total, target), status=status,
                previous_text=value_text(indicator, previous) if previous is not None else "",
                sparkline=prefetched["sparklines"].get(indicator.code, []), updated_at=updated, url=base,
                evidence=links)


def prefetch(ctx: Context, indicators: list[Indicator]) -> dict:
    last_year, last_period = _previous_key(ctx.year, ctx.period)
    try:
        lines = sparklines(indicators, ctx.scope, ctx.year)
    except Exception:  # the figure matters more than its sparkline
        lines = {}
    return {"previous": services.approved_values([i.code for i in indicators], [ctx.scope.pk], last_year,
                                                 last_period),
            "sparklines": lines, "evidence": {}}


# ---------------------------------------------------------------- widgets

def achievements(ctx: Context) -> list[services.AchievementRow]:
    """The scope's targets against its figures, once per computation (tiles, map and alerts share them)."""
    key = ("indicators.achievements", ctx.scope.pk, ctx.year, ctx.period)
    if key not in ctx.memo:
        ctx.memo[key] = services.achievements(ctx.scope, ctx.year, ctx.period)
    return ctx.memo[key]


def _plan_tiles(ctx: Context, params: dict) -> list[Tile]:
    if ctx.scope is None:
        return []
    rows = achievements(ctx)[: params.get("limit", 8)]
    shared = prefetch(ctx, [row.indicator for row in rows])
    return [tile_for(ctx, row.indicator, row, shared) for row in rows]


def _indicator_tile(ctx: Context, params: dict) -> list[Tile]:
    indicator = Indicator.objects.filter(code=params.get("indicator")).first()
    if indicator is None or ctx.scope is None:
        return []
    rows = [r for r in achievements(ctx) if r.indicator.code == indicator.code]
    return [tile_for(ctx, rows[0].indicator if rows else services.as_defined_on(
        indicator, dt.date(ctx.year, 1, 1)), rows[0] if rows else None)]


def children(scope: Unit, day: dt.date) -> list[Unit]:
    """The units directly below the scope; for a province, its communes (and districts before 2025)."""
    units = list(Unit.objects.as_of(day).filter(parent=scope))
    territorial = [u for u in units if u.kind in (UnitKind.COMMUNE, UnitKind.DISTRICT)]
    return territorial or units


def _by_unit(ctx: Context, indicator: Indicator) -> list[tuple[Unit, Decimal]]:
    key = ("indicators.by_unit", indicator.code)
    if key not in ctx.memo:
        ctx.memo[key] = _by_unit_query(ctx, indicator)
    return ctx.memo[key]


def _by_unit_query(ctx: Context, indicator: Indicator) -> list[tuple[Unit, Decimal]]:
    day = min(ctx.today, dt.date(ctx.year, 12, 31))
    units = children(ctx.scope, day)
    values = services.approved_values([indicator.code], [u.pk for u in units], ctx.year, ctx.period)
    return [(u, values[(indicator.code, u.pk)]) for u in units if (indicator.code, u.pk) in values]


def _unit_link(indicator: Indicator, unit: Unit, year: int) -> str:
    return reverse("indicators:analytics") + f"?indicator={indicator.code}&parent={unit.pk}&year={year}"


def _trend_chart(ctx: Context, params: dict) -> list[Chart]:
    indicator = Indicator.objects.get(code=params["indicator"])
    kind = periods.MONTH if indicator.periodicity == periods.MONTH else periods.QUARTER
    rows = services.analytics_rows(indicator.code, f"{ctx.year}-01" if kind == periods.MONTH else f"{ctx.year}-Q1",
                                   f"{ctx.year}-12" if kind == periods.MONTH else f"{ctx.year}-Q4", kind,
                                   units=str(ctx.scope.pk), compare=True)
    count = 12 if kind == periods.MONTH else 4
    labels = [f"T{i}" if kind == periods.MONTH else f"Q{i}" for i in range(1, count + 1)]
    now = [None] * count
    before = [None] * count
    for r in rows:
        index = periods.parse(r["period"]).index - 1
        now[index] = float(r["value"])
        before[index] = None if r.get("previous") is None else float(r["previous"])
    suffix = "%" if _is_rate(indicator) else ""
    return [Chart(key=f"indicators.trend.{indicator.code}", title=f"{indicator.name} — xu hướng", kind="line",
                  labels=labels, series=[(str(ctx.year), now), (str(ctx.year - 1), before)], value_suffix=suffix,
                  url=_unit_link(indicator, ctx.scope, ctx.year),
                  caption=f"{ctx.scope.name}, {span_label(ctx.year, '')} so với cùng kỳ năm trước")]


def _bar_chart(ctx: Context, params: dict, ranking: bool) -> list[Chart]:
    indicator = Indicator.objects.get(code=params["indicator"])
    rows = _by_unit(ctx, indicator)
    if not rows:
        return []
    reverse_order = indicator.direction == "higher"
    if ranking:
        rows = sorted(rows, key=lambda r: r[1], reverse=reverse_order)[: params.get("limit", 15)]
        rows.reverse()  # pygal draws horizontal bars bottom-up: the best at the top
    suffix = "%" if _is_rate(indicator) else ""
    return [Chart(key=f"indicators.{'ranking' if ranking else 'by_unit'}.{indicator.code}",
                  title=f"{indicator.name} — {'xếp hạng' if ranking else 'theo đơn vị'}",
                  kind="hbar" if ranking else "bar", labels=[u.short_name or u.name for u, _ in rows],
                  series=[(span_label(ctx.year, ctx.period), [float(v) for _, v in rows])],
                  links=[_unit_link(indicator, u, ctx.year) for u, _ in rows], value_suffix=suffix,
                  url=_unit_link(indicator, ctx.scope, ctx.year), caption=f"{ctx.scope.name}")]


def _map(ctx: Context, params: dict) -> list[Tile]:
    indicator = Indicator.objects.get(code=params["indicator"])
    rows = _by_unit(ctx, indicator)
    if not rows:
        return []
    target = next((r.target.value for r in achievements(ctx) if r.indicator.code == indicator.code), None)
    decimals = services.display_decimals(indicator)
    units = []
    for unit, value in rows:
        if target is not None:
            pct, state = services.achievement(value, target, indicator.direction, decimals)
            status = _status(pct, state)
        else:
            status = NEUTRAL
        units.append({"unit_id": unit.pk, "name": unit.name, "short": unit.short_name or unit.name,
                      "value": value, "text": value_text(indicator, value), "status": status,
                      "url": _unit_link(indicator, unit, ctx.year)})
    title = f"{indicator.name} — bản đồ đơn vị"
    as_of = min(ctx.today, periods.parse(ctx.period).end if ctx.period else dt.date(ctx.year, 12, 31))
    return [Tile(key=f"indicators.map.{indicator.code}", title=title, value_text="", unit_values=units, as_of=as_of,
                 target_text=value_text(indicator, target) if target is not None else "",
                 target_label=_target_label(indicator),
                 url=_unit_link(indicator, ctx.scope, ctx.year))]


def _completeness(ctx: Context, params: dict) -> list[Chart]:
    form = Form.objects.filter(code=params.get("form") or "BM01-THANG", active=True).first()
    if form is None or ctx.scope is None:
        return []
    period = services.open_periods(form, ctx.today, count=1)[0]
    table = services.completeness(form, period.key, ctx.scope, ctx.today)
    if not table.expected:
        return []
    url = reverse("indicators:completeness") + f"?form={form.code}&period={period.key}&under={ctx.scope.pk}"
    return [Chart(key=f"indicators.completeness.{form.code}", title=f"Tình hình nộp báo cáo {form.code} — "
                  f"{period.label}", kind="hbar", labels=["Đã phê duyệt", "Đúng hạn", "Đã nộp"],
                  series=[("%", [table.approved * 100 / table.expected, table.timeliness_pct,
                                 table.completeness_pct])],
                  links=[url, url, url], value_suffix="%", url=url,
                  caption=f"{vn_number(table.submitted)}/{vn_number(table.expected)} đơn vị đã nộp, "
                          f"{vn_number(table.overdue)} quá hạn; hạn nộp {table.deadline:%d/%m/%Y}")]


def widgets() -> list[Widget]:
    indicator = {"indicator": "mã chỉ tiêu, ví dụ TL_HS_TRUC_TUYEN"}
    return [
        Widget("indicators.plan", "Chỉ tiêu kế hoạch", TILE, _plan_tiles,
               {"limit": "số ô tối đa (1–40, mặc định 8)"}, _check_limit),
        Widget("indicators.indicator", "Một chỉ tiêu", TILE, _indicator_tile, indicator, _check_indicator),
        Widget("indicators.trend", "Xu hướng", CHART, _trend_chart, indicator, _check_indicator),
        Widget("indicators.by_unit", "Theo đơn vị", CHART, lambda c, p: _bar_chart(c, p, False), indicator,
               _check_indicator),
        Widget("indicators.ranking", "Xếp hạng đơn vị", CHART, lambda c, p: _bar_chart(c, p, True),
               {**indicator, "limit": "số đơn vị (mặc định 15)"}, _check_indicator),
        Widget("indicators.map", "Bản đồ đơn vị", MAP, _map, indicator, _check_indicator),
        Widget("indicators.completeness", "Tình hình nộp báo cáo", CHART, _completeness,
               {"form": "mã biểu mẫu (mặc định BM01-THANG)"}, _check_form),
    ]


def default_widgets(ctx: Context) -> list[dict]:
    known = set(Indicator.objects.filter(code__in=KEY_INDICATORS).values_list("code", flat=True))
    lead = next((c for c in KEY_INDICATORS if c in known), None)
    if ctx.audience == FOCAL:
        items = [{"widget": "indicators.indicator", "params": {"indicator": c}} for c in KEY_INDICATORS if c in known]
        if lead:
            items.append({"widget": "indicators.trend", "params": {"indicator": lead}, "page": 2})
        return items
    items = [{"widget": "indicators.plan", "params": {"limit": 8}}]
    if lead:
        items += [{"widget": "indicators.trend", "params": {"indicator": lead}, "page": 2},
                  {"widget": "indicators.map", "params": {"indicator": lead}, "page": 3, "wide": True},
                  {"widget": "indicators.ranking", "params": {"indicator": lead}, "page": 4}]
    if ctx.audience in (LEADER, DX_OFFICE, SECTOR):
        items.append({"widget": "indicators.completeness", "params": {}, "page": 2})
    return items


# ---------------------------------------------------------------- alerts

def alerts(ctx: Context) -> list[Alert]:
    if ctx.scope is None:
        return []
    found: list[Alert] = []
    user, scope = ctx.user, ctx.scope
    if not ctx.kiosk:
        # one alert per form and period, not one per report: a DX office may have hundreds waiting
        waiting: dict[tuple[str, str], list[Report]] = {}
        for report in services.pending_approvals(user, limit=500).items:
            if report.unit.path.startswith(scope.path):
                waiting.setdefault((report.form.code, report.period), []).append(report)
        for (code, period), reports in waiting.items():
            first = reports[0]
            names = ", ".join(r.unit.name for r in reports[:3]) + ("…" if len(reports) > 3 else "")
            url = reverse("indicators:report", args=[code, first.unit_id, period]) if len(reports) == 1 else \
                reverse("indicators:index")
            found.append(Alert(f"indicators.pending.{code}.{period}", f"{vn_number(len(reports))} báo cáo {code} "
                               f"{first.period_obj.label} chờ phê duyệt", names,
                               min((r.submitted_at for r in reports if r.submitted_at), default=None), url, MEDIUM))
    if ctx.audience == FOCAL and user.unit is not None:
        for report in services.list_reports(user, status=Status.RETURNED, under=user.unit, limit=20):
            found.append(Alert(f"indicators.returned.{report.pk}", f"Báo cáo bị trả lại: {report.form.code} "
                               f"{report.period_obj.label} — {report.comment[:120]}", report.unit.name,
                               report.updated_at, reverse("indicators:report", args=[report.form.code,
                                                                                     report.unit_id, report.period]),
                               HIGH))
        for task in services.my_tasks(user, ctx.today):
            report = task["report"]
            if report is not None and report.status in (Status.SUBMITTED, Status.APPROVED, Status.RETURNED):
                continue
            late = task["deadline"] < ctx.today
            if late or (task["deadline"] - ctx.today).days <= 7:
                found.append(Alert(f"indicators.due.{task['form'].code}.{task['period'].key}",
                                   f"{'Quá hạn nộp' if late else 'Sắp đến hạn nộp'}: {task['form'].code} "
                                   f"{task['period'].label} (hạn {task['deadline']:%d/%m/%Y})", user.unit.name,
                                   task["deadline"], reverse("indicators:report", args=[
                                       task["form"].code, user.unit_id, task["period"].key]),
                                   HIGH if late else MEDIUM))
    if ctx.audience in (DX_OFFICE, LEADER):
        for form in Form.objects.filter(active=True).order_by("code")[:20]:
            period = services.open_periods(form, ctx.today, count=1)[0]
            table = services.completeness(form, period.key, scope, ctx.today)
            late = [r for r in table.rows if r.overdue]
            if late:
                url = reverse("indicators:completeness") + f"?form={form.code}&period={period.key}&under={scope.pk}"
                names = ", ".join(r.unit.name for r in late[:3]) + ("…" if len(late) > 3 else "")
                found.append(Alert(f"indicators.late.{form.code}.{period.key}",
                                   f"{vn_number(len(late))} đơn vị quá hạn nộp {form.code} {period.label}",
                                   names, table.deadline, url, HIGH if len(late) > 10 else MEDIUM))
        for row in (achievements(ctx) if not ctx.period else services.achievements(scope, ctx.year)):
            if row.status == services.NOT_MET and row.pct is not None and row.pct < 80:
                far = "Vượt xa mức trần" if row.indicator.direction == "lower" else "Thấp xa kế hoạch"
                found.append(Alert(f"indicators.below.{row.indicator.code}", f"{far}: {row.statement}", scope.name,
                                   dt.date(ctx.year, 1, 1),
                                   reverse("indicators:targets") + f"?unit={scope.pk}&year={ctx.year}", LOW))
    return found

