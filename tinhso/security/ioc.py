"""Security on the operations centre (see ``tinhso.ioc.contract``): the share of systems with an approved
security level against seed 003's 80% target, open incidents, and an alert per open high-severity
incident or overdue reporting clock — only within what the user may see."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tinhso.core.formatting import vn_number, vn_percent
from tinhso.ioc.contract import BAD, GOOD, HIGH, MEDIUM, TILE, WARN, Alert, Context, Tile, Widget
from tinhso.security import dossiers, incidents
from tinhso.security.models import CLOSED_STATUSES

ORDER = 60
TARGET = 80


def _tiles(ctx: Context, params: dict) -> list[Tile]:
    tiles = []
    total, _ = dossiers.approved_share(ctx.scope, ctx.today)
    if total.systems:
        share = total.share or 0.0
        tiles.append(Tile(
            key="security.approved_share", title="Hệ thống thông tin được phê duyệt cấp độ", value=share,
            value_text=vn_percent(share), unit_of_measure="%", target_text=vn_percent(TARGET, 0),
            achievement_pct=share / TARGET * 100,
            sentence=f"{vn_number(total.approved)}/{vn_number(total.systems)} hệ thống thông tin được phê duyệt "
                     f"cấp độ an toàn ({vn_percent(share)}, mục tiêu {TARGET}%)",
            status=GOOD if share >= TARGET else WARN if share >= TARGET * 0.75 else BAD,
            url=reverse("security:levels")))
    open_incidents = incidents.visible(ctx.user).exclude(status__in=CLOSED_STATUSES)
    if ctx.scope is not None:
        open_incidents = open_incidents.filter(owner__path__startswith=ctx.scope.path)
    count = open_incidents.count()
    tiles.append(Tile(key="security.open_incidents", title="Sự cố an toàn thông tin đang mở", value=count,
                      value_text=vn_number(count), unit_of_measure="sự cố",
                      sentence=f"{vn_number(count)} sự cố an toàn thông tin đang xử lý",
                      status=GOOD if count == 0 else BAD, url=reverse("security:operations")))
    return tiles


def widgets() -> list[Widget]:
    return [Widget("security.levels", "An toàn thông tin", TILE, _tiles)]


def default_widgets(ctx: Context) -> list[dict]:
    return [{"widget": "security.levels", "params": {}}]


def alerts(ctx: Context) -> list[Alert]:
    now = timezone.now()
    found = []
    open_incidents = incidents.visible(ctx.user).exclude(status__in=CLOSED_STATUSES).order_by("-detected_at")
    if ctx.scope is not None:
        open_incidents = open_incidents.filter(owner__path__startswith=ctx.scope.path)
    for incident in open_incidents[:50]:
        overdue = any(c.overdue for c in incidents.clocks(incident, now))
        if incident.severity not in ("high", "critical") and not overdue:
            continue
        what = f"{'Quá hạn báo cáo — ' if overdue else ''}{incident.title.split(' / ')[0]}: {incident.host}"
        found.append(Alert(f"security.incident.{incident.pk}", what,
                           incident.owner.name if incident.owner else "Chưa xác định chủ quản",
                           incident.detected_at, reverse("security:incident", args=[incident.pk]),
                           HIGH if incident.severity == "critical" or overdue else MEDIUM))
    return found
