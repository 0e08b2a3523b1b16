"""Journey monitoring on the operations centre (see ``tinhso.ioc.contract``), for transport inspectors
only: the latest day's violations, vehicles whose devices went silent, suspected disguised contract
coaches, and alerts for each. "Today" is the latest day of data not after the dashboard's day, since
the GPS feed may lag behind the calendar."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.urls import reverse

from tinhso.core.formatting import vn_number
from tinhso.core.labels import vietnamese
from tinhso.ioc.contract import BAD, CHART, GOOD, HIGH, LOW, MEDIUM, TILE, WARN, Alert, Chart, Context, Tile, Widget
from tinhso.transport import services

ORDER = 40
COACH_WINDOW_DAYS = 14


def sector(user) -> str | None:
    """Transport inspectors (who may read journey data but do not run the DX office) are this sector's officers."""
    if services.can_view(user) and not (user.is_superuser or user.role == "admin"):
        return "Giám sát hành trình phương tiện"
    return None


def _day(ctx: Context) -> dt.date | None:
    span = services.data_period()
    if span is None:
        return None
    return min(span[1], ctx.today) if span[0] <= ctx.today else None


def _period_url(name: str, start: dt.date, end: dt.date, extra: str = "") -> str:
    return reverse(name) + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}{extra}"


def _violations(ctx: Context, day: dt.date) -> list[dict]:
    return services.violations(ctx.user, day, day, limit=20000)


def _coaches(ctx: Context, day: dt.date) -> tuple[list, dt.date]:
    start = day - dt.timedelta(days=COACH_WINDOW_DAYS - 1)
    return [c for c in services.coach_candidates(ctx.user, start, day) if c.flagged], start


def _tiles(ctx: Context, params: dict) -> list[Tile]:
    day = _day(ctx)
    if day is None:
        return []
    rows = _violations(ctx, day)
    kinds = Counter(vietnamese(r["kind_label"]) for r in rows)
    silent = {r["vehicle_id"] for r in rows if r["kind"] == "data_gap"}
    coaches, start = _coaches(ctx, day)
    when = f"ngày {day:%d/%m/%Y}"
    breakdown = ", ".join(f"{vn_number(n)} {k.lower()}" for k, n in kinds.most_common(4))
    return [
        Tile(key="transport.violations", title="Vi phạm trong ngày", value=len(rows), value_text=vn_number(len(rows)),
             unit_of_measure="vi phạm", status=GOOD if not rows else WARN if len(rows) < 50 else BAD,
             explain=f"{when.capitalize()} ghi nhận {vn_number(len(rows))} vi phạm"
                     + (f": {breakdown}." if breakdown else "."),
             url=_period_url("transport:violations", day, day)),
        Tile(key="transport.silent", title="Thiết bị mất tín hiệu", value=len(silent),
             value_text=vn_number(len(silent)),
             unit_of_measure="xe", status=GOOD if not silent else WARN if len(silent) < 10 else BAD,
             explain=f"{vn_number(len(silent))} xe có khoảng mất dữ liệu dài hơn quy định {when}.",
             url=_period_url("transport:violations", day, day, "&kind=data_gap")),
        Tile(key="transport.coaches", title="Nghi xe hợp đồng trá hình", value=len(coaches),
             value_text=vn_number(len(coaches)), unit_of_measure="xe", status=GOOD if not coaches else BAD,
             explain=f"{vn_number(len(coaches))} xe hợp đồng chạy như tuyến cố định trong {COACH_WINDOW_DAYS} ngày "
                     f"từ {start:%d/%m/%Y} đến {day:%d/%m/%Y}.",
             url=_period_url("transport:coaches", start, day)),
    ]


def _by_kind(ctx: Context, params: dict) -> list[Chart]:
    day = _day(ctx)
    if day is None:
        return []
    start = day - dt.timedelta(days=6)
    rows = services.violations(ctx.user, start, day, limit=100000)
    if not rows:
        return []
    days = [start + dt.timedelta(days=i) for i in range(7)]
    kinds = sorted({r["kind"] for r in rows})
    counts = Counter((r["kind"], r["start_dt"].date()) for r in rows)
    labels = {r["kind"]: vietnamese(r["kind_label"]) for r in rows}
    return [Chart(key="transport.by_kind", title="Vi phạm 7 ngày gần nhất", kind="bar",
                  labels=[f"{d:%d/%m}" for d in days],
                  series=[(labels[k], [counts.get((k, d), 0) for d in days]) for k in kinds],
                  links=[_period_url("transport:violations", d, d) for d in days],
                  url=_period_url("transport:violations", start, day))]


def widgets() -> list[Widget]:
    return [Widget("transport.today", "Giám sát hành trình hôm nay", TILE, _tiles, visible=services.can_view),
            Widget("transport.by_kind", "Vi phạm theo loại", CHART, _by_kind, visible=services.can_view)]


def default_widgets(ctx: Context) -> list[dict]:
    if not services.can_view(ctx.user):
        return []
    return [{"widget": "transport.today", "params": {}}, {"widget": "transport.by_kind", "params": {}}]


def alerts(ctx: Context) -> list[Alert]:
    if not services.can_view(ctx.user):
        return []
    day = _day(ctx)
    if day is None:
        return []
    found = []
    coaches, start = _coaches(ctx, day)
    for coach in coaches[:5]:
        found.append(Alert(f"transport.coach.{coach.vehicle_id}", f"Nghi xe hợp đồng trá hình (điểm "
                           f"{vn_number(coach.score, 2)}, {coach.days_on_route} ngày cùng tuyến)",
                           f"xe #{coach.vehicle_id}", start, reverse("transport:coach", args=[coach.vehicle_id]), HIGH))
    rows = _violations(ctx, day)
    serious = [r for r in rows if r["kind"] in ("continuous_driving", "daily_driving", "weekly_driving")]
    for r in serious[:8]:
        plate = r["vehicle"].plate if r.get("vehicle") else f"#{r['vehicle_id']}"
        found.append(Alert(f"transport.violation.{r['vehicle_id']}.{r['kind']}.{r['start']}",
                           f"{vietnamese(r['kind_label'])}: {r['value_text']}", plate, r["start_dt"],
                           reverse("transport:vehicle", args=[r["vehicle_id"]]), MEDIUM))
    silent = Counter(r["vehicle_id"] for r in rows if r["kind"] == "data_gap")
    if silent:
        found.append(Alert(f"transport.silent.{day}", f"{vn_number(len(silent))} xe mất tín hiệu trong ngày",
                           "thiết bị giám sát hành trình", day,
                           _period_url("transport:violations", day, day, "&kind=data_gap"), LOW))
    return found
