"""Data sharing on the operations centre (see ``tinhso.ioc.contract``): the latest day's transactions and
failures, access requests waiting for a decision, a fortnight's chart, and alerts for services whose calls
fail. Everything is read through this app's services, within the user's traffic scope."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tinhso.core.formatting import vn_number, vn_percent
from tinhso.ioc.contract import BAD, CHART, GOOD, HIGH, MEDIUM, NEUTRAL, TILE, WARN, Alert, Chart, Context, Tile, Widget
from tinhso.sharing import services
from tinhso.sharing.models import AccessStatus

ORDER = 45
WINDOW_DAYS = 14
FAILURE_ALERT_RATE = 0.10  # a service failing more than one call in ten on a day is an incident
FAILURE_ALERT_MIN_CALLS = 20
PENDING_ALERT_DAYS = 3


def _visible(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _days(ctx: Context) -> tuple[list[dict], dt.date | None]:
    """The last WINDOW_DAYS days' counts up to the dashboard's day, and the latest day with traffic."""
    start = ctx.today - dt.timedelta(days=WINDOW_DAYS - 1)
    rows = services.rollup(ctx.user, start, ctx.today, "day")
    latest = max((r["day"] for r in rows if r["calls"]), default=None)
    return rows, latest


def _pending(ctx: Context) -> list:
    return [a for a in services.list_accesses(ctx.user, AccessStatus.PENDING)
            if services.can_manage_provider(ctx.user, a.service.provider_unit)]


def _tiles(ctx: Context, params: dict) -> list[Tile]:
    rows, latest = _days(ctx)
    tiles = []
    if latest is not None:
        row = next(r for r in rows if r["day"] == latest)
        rate = row["failed"] / row["calls"] if row["calls"] else 0
        url = reverse("sharing:traffic") + f"?month={latest:%Y-%m}"
        tiles += [
            Tile(key="sharing.calls", title="Giao dịch chia sẻ dữ liệu", value=row["calls"],
                 value_text=vn_number(row["calls"]), unit_of_measure="giao dịch", status=NEUTRAL,
                 explain=f"Ngày {latest:%d/%m/%Y} có {vn_number(row['calls'])} giao dịch chia sẻ dữ liệu qua "
                         f"nền tảng, trung bình {vn_number(row['avg_ms'] or 0, 1)} ms mỗi giao dịch.",
                 sparkline=[(f"{r['day']:%d/%m}", float(r["calls"])) for r in rows], url=url),
            Tile(key="sharing.failed", title="Giao dịch lỗi", value=row["failed"], value_text=vn_number(row["failed"]),
                 unit_of_measure="giao dịch",
                 status=GOOD if rate < 0.02 else WARN if rate < FAILURE_ALERT_RATE else BAD,
                 explain=f"Ngày {latest:%d/%m/%Y} có {vn_number(row['failed'])} giao dịch lỗi, chiếm "
                         f"{vn_percent(rate * 100)} tổng số.", url=url + "&failed=1"),
        ]
    pending = _pending(ctx)
    if pending or latest is not None:
        tiles.append(Tile(key="sharing.pending", title="Đề nghị khai thác chờ duyệt", value=len(pending),
                          value_text=vn_number(len(pending)), unit_of_measure="đề nghị",
                          status=GOOD if not pending else WARN,
                          explain=f"{vn_number(len(pending))} đề nghị khai thác dữ liệu đang chờ đơn vị cung cấp "
                                  "phê duyệt.", url=reverse("sharing:access") + "?status=pending"))
    return tiles


def _chart(ctx: Context, params: dict) -> list[Chart]:
    rows, latest = _days(ctx)
    if latest is None:
        return []
    return [Chart(key="sharing.by_day", title=f"Giao dịch chia sẻ dữ liệu {WINDOW_DAYS} ngày", kind="bar",
                  labels=[f"{r['day']:%d/%m}" for r in rows],
                  series=[("Thành công", [r["calls"] - r["failed"] for r in rows]),
                          ("Lỗi", [r["failed"] for r in rows])],
                  url=reverse("sharing:traffic") + f"?month={latest:%Y-%m}")]


def widgets() -> list[Widget]:
    return [Widget("sharing.today", "Chia sẻ dữ liệu", TILE, _tiles, visible=_visible),
            Widget("sharing.by_day", "Giao dịch chia sẻ dữ liệu theo ngày", CHART, _chart, visible=_visible)]


def default_widgets(ctx: Context) -> list[dict]:
    if not _visible(ctx.user):
        return []
    return [{"widget": "sharing.today", "params": {}}, {"widget": "sharing.by_day", "params": {}}]


def alerts(ctx: Context) -> list[Alert]:
    if not _visible(ctx.user):
        return []
    found = []
    _, latest = _days(ctx)
    if latest is not None:
        for row in services.rollup(ctx.user, latest, latest, "service"):
            if row["calls"] >= FAILURE_ALERT_MIN_CALLS and row["failed"] / row["calls"] > FAILURE_ALERT_RATE:
                found.append(Alert(
                    f"sharing.failing.{row['service_code']}.{latest}",
                    f"Dịch vụ {row['service_code']} lỗi {vn_number(row['failed'])}/{vn_number(row['calls'])} "
                    f"giao dịch ({vn_percent(row['failed'] / row['calls'] * 100)})", row["provider_unit"] or "",
                    latest, reverse("sharing:traffic") + f"?month={latest:%Y-%m}&failed=1", HIGH))
    for access in _pending(ctx):
        waited = (ctx.today - access.requested_at.date()).days
        if waited >= PENDING_ALERT_DAYS:
            found.append(Alert(f"sharing.pending.{access.pk}",
                               f"Đề nghị khai thác {access.service.code} chờ duyệt {waited} ngày",
                               access.consumer_unit.name, access.requested_at.date(),
                               reverse("sharing:access_detail", args=[access.pk]), MEDIUM))
    return found
