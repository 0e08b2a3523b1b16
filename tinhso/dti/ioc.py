"""The DTI on the operations centre (see ``tinhso.ioc.contract``): the scope's position in the latest
published round it is ranked in, the ranking of the rounds the scope organises, and, for the DX office,
rounds waiting to be published."""

from __future__ import annotations

from django.urls import reverse

from tinhso.core.errors import DomainError
from tinhso.core.formatting import vn_number
from tinhso.dti import services
from tinhso.dti.models import RoundStatus
from tinhso.ioc.contract import (
    BAD,
    CHART,
    DX_OFFICE,
    GOOD,
    LOW,
    MEDIUM,
    TILE,
    WARN,
    Alert,
    Chart,
    Context,
    Tile,
    Widget,
)

ORDER = 30


def _published(ctx: Context) -> list:
    rounds = [r for r in services.visible_rounds(ctx.user) if r.status == RoundStatus.PUBLISHED and r.year <= ctx.year]
    return sorted(rounds, key=lambda r: (-r.year, -(r.published_at.timestamp() if r.published_at else 0), -r.pk))


def _position(ctx: Context, params: dict) -> list[Tile]:
    if ctx.scope is None:
        return []
    for round_ in _published(ctx):
        try:
            card = services.scorecard(ctx.user, round_.pk, ctx.scope.pk)
        except DomainError:
            continue  # the scope is not ranked in this round
        result = card.result
        if result is None:
            continue
        share = result.rank / result.peers if result.peers else 1
        status = GOOD if share <= 0.25 else WARN if share <= 0.75 else BAD
        change = ""
        if result.previous_points is not None:
            delta = result.points - result.previous_points
            change = f", {'tăng' if delta >= 0 else 'giảm'} {vn_number(abs(delta), 1)} điểm so với năm trước"
        return [Tile(key=f"dti.position.{round_.pk}", title=f"Xếp hạng {round_.name}",
                     value=result.rank, value_text=f"{result.rank}/{result.peers}",
                     unit_of_measure="hạng", target_text=f"{vn_number(result.points, 1)} điểm", target_label="Điểm",
                     sentence=f"{ctx.scope.name} xếp hạng {result.rank}/{result.peers} ({result.peer_group}), "
                              f"{vn_number(result.points, 1)} điểm",
                     explain=f"{ctx.scope.name} đứng thứ {result.rank} trong {result.peers} đơn vị cùng nhóm ở "
                             f"{round_.name}, đạt {vn_number(result.points, 1)} điểm{change}.",
                     status=status, previous_text=vn_number(result.previous_points, 1) + " điểm"  # points, not rank
                     if result.previous_points is not None else "",
                     updated_at=round_.published_at,
                     url=reverse("dti:scorecard", args=[round_.pk, ctx.scope.pk]))]
    return []


def _ranking(ctx: Context, params: dict) -> list[Chart]:
    if ctx.scope is None:
        return []
    for round_ in _published(ctx):
        if round_.scope is None or round_.national:
            continue  # a national ranking is not the scope's own ranking (its position tile shows the rank)
        if not round_.scope.path.startswith(ctx.scope.path) and not ctx.scope.path.startswith(round_.scope.path):
            continue
        try:
            table = services.ranking(ctx.user, round_.pk)
        except DomainError:
            continue
        rows = [r for r in table.rows if r.unit.path.startswith(ctx.scope.path)][: params.get("limit", 15)]
        if not rows:
            continue
        rows.reverse()  # horizontal bars are drawn bottom-up: the first at the top
        return [Chart(key=f"dti.ranking.{round_.pk}", title=f"Xếp hạng {round_.name}", kind="hbar",
                      labels=[f"{r.result.rank}. {r.unit.short_name or r.unit.name}" for r in rows],
                      series=[("Điểm", [float(r.result.points) for r in rows])],
                      links=[reverse("dti:scorecard", args=[round_.pk, r.unit.pk]) for r in rows],
                      url=reverse("dti:round", args=[round_.pk]),
                      caption=f"{table.peer_group} · {len(table.rows)} đơn vị · công bố "
                              f"{round_.published_at:%d/%m/%Y}" if round_.published_at else table.peer_group)]
    return []


def widgets() -> list[Widget]:
    return [Widget("dti.position", "Vị trí xếp hạng DTI", TILE, _position),
            Widget("dti.ranking", "Bảng xếp hạng DTI", CHART, _ranking, {"limit": "số đơn vị (mặc định 15)"})]


def default_widgets(ctx: Context) -> list[dict]:
    items = [{"widget": "dti.position", "params": {}}]
    if ctx.audience != "focal":
        items.append({"widget": "dti.ranking", "params": {}, "page": 4})
    return items


def alerts(ctx: Context) -> list[Alert]:
    if ctx.audience != DX_OFFICE or ctx.kiosk or ctx.scope is None:
        return []
    found = []
    for round_ in services.visible_rounds(ctx.user):
        if round_.scope is None or not round_.scope.path.startswith(ctx.scope.path) \
                or not services.can_manage_round(ctx.user, round_):
            continue
        if round_.status == RoundStatus.REVIEW:
            found.append(Alert(f"dti.publish.{round_.pk}", f"Đợt đánh giá chờ công bố: {round_.name}",
                               round_.scope.name, round_.computed_at or round_.created_at,
                               reverse("dti:round", args=[round_.pk]), MEDIUM))
        elif round_.status == RoundStatus.COLLECTING:
            found.append(Alert(f"dti.collecting.{round_.pk}", f"Đợt đánh giá đang thu thập: {round_.name}",
                               round_.scope.name, round_.created_at, reverse("dti:round", args=[round_.pk]), LOW))
    return found


