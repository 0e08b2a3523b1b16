"""The DTI in the documents tinhso drafts (see ``tinhso.core.reporting``): the unit's result and rank
change in the latest round published by the report's day (from its scorecard), the ranking of the units
it assesses (rounds it organises), and the DTI results document of a round with the ranking appendix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from tinhso.core.errors import DomainError, NotFound
from tinhso.core.formatting import vn_date, vn_number, vn_signed
from tinhso.core.labels import vietnamese
from tinhso.core.reporting import (
    INTEGER,
    TEXT,
    Figure,
    Report,
    ReportRequest,
    Section,
    Table,
    number_format,
    signed_format,
)
from tinhso.dti import services
from tinhso.dti.exports import CHANGE_DECIMALS
from tinhso.dti.models import Result, Round, RoundStatus

ORDER = 30
GAPS_NAMED = 5      # weakest component indicators named in "tồn tại, hạn chế"
TOP_NAMED = 3       # leading units named in the results document


def _vi(text: str) -> str:
    return vietnamese(text)


def _published_by(request: ReportRequest) -> list[Round]:
    """Rounds of a year up to the report's that the user may read, published by the drafting day, latest
    first (a 2025 report drafted in 2026 states the 2025 results once they are published)."""
    last = request.today

    def published_on(r: Round) -> dt.date | None:
        return r.published_at.date() if r.published_at else None
    rounds = [r for r in services.visible_rounds(request.user) if r.status == RoundStatus.PUBLISHED
              and (published_on(r) is None or published_on(r) <= last) and r.year <= request.period.year]
    return sorted(rounds, key=lambda r: (-r.year, -(r.published_at.timestamp() if r.published_at else 0), -r.pk))


def position(request: ReportRequest) -> tuple[Round, services.Scorecard] | None:
    """The latest published round in which the unit is ranked, with its scorecard."""
    rounds = _published_by(request)
    # only rounds holding a result of the unit can give a ranked scorecard: ask once, not a scorecard each
    ranked = set(Result.objects.filter(unit=request.unit, round__in=[r.pk for r in rounds])
                 .values_list("round_id", flat=True))
    for round_ in (r for r in rounds if r.pk in ranked):
        try:
            card = services.scorecard(request.user, round_.pk, request.unit.pk)
        except DomainError:
            continue
        if card.result is not None:
            return round_, card
    return None


def previous_rank(card: services.Scorecard) -> tuple[int, int, int] | None:
    """(year, rank, peers) of the unit in the same framework's latest earlier published round."""
    if not card.history:
        return None
    year, result = card.history[-1]
    return year, result.rank, result.peers


def rank_change_phrase(rank: int, before: tuple[int, int, int] | None) -> str:
    if before is None:
        return ""
    year, old, _ = before
    if old == rank:
        return f"giữ nguyên thứ hạng so với năm {year}"
    return f"{'tăng' if old > rank else 'giảm'} {vn_number(abs(old - rank))} bậc so với năm {year} (hạng {old})"


def previous_basis_phrase(card: services.Scorecard) -> str:
    """How last year's points the change is measured from were valued, as the scorecard and the round page say
    (services.previous_year): a merged unit against its predecessors' mean, a unit that continued and absorbed
    others against the mean of itself and the absorbed ones ("bình quân của Tỉnh Lào Cai và Tỉnh Yên Bái sáp nhập
    vào"); "gia quyền" when the DX office's merge weights differ. Empty for the same unit's own points."""
    result = card.result
    if result is None or result.previous_basis not in ("merged", "absorbed"):
        return ""
    others = [u.name for u in card.previous_units if u.pk != card.unit.pk]
    try:
        weights = services.merge_weights({card.unit.pk: list(result.previous_units)}).get(card.unit.pk, {})
    except DomainError:
        weights = {}
    mean = "bình quân gia quyền" if len(set(weights.values())) > 1 else "bình quân"
    if result.previous_basis == "absorbed":
        return f"{mean} của {card.unit.name} và {', '.join(others)} sáp nhập vào" if others else ""
    return f"{mean} của các đơn vị tiền thân: {', '.join(others)}" if others else f"{mean} của các đơn vị tiền thân"


def position_sentence(unit_name: str, round_: Round, result, before: tuple[int, int, int] | None,
                      basis: str = "") -> str:
    """The unit's points and rank; ``basis`` is previous_basis_phrase of its scorecard."""
    decimals = 2
    text = (f"Theo kết quả {round_.name} (công bố ngày {vn_date(round_.published_at)}), {unit_name} đạt "
            f"{vn_number(result.points, decimals)} điểm, xếp hạng {result.rank}/{result.peers}")
    change = rank_change_phrase(result.rank, before)
    if change:
        text += f", {change}"
    delta = services.points_change(result)
    if delta is not None:
        text += (f"; điểm số {'tăng' if delta >= 0 else 'giảm'} {vn_number(abs(delta), CHANGE_DECIMALS)} điểm so với "
                 f"năm trước" + (f" ({basis})" if basis else ""))
    return text


def _position_section(request: ReportRequest) -> Section | None:
    found = position(request)
    if found is None:
        return None
    round_, card = found
    result = card.result
    before = previous_rank(card)
    basis = previous_basis_phrase(card)
    sentence = position_sentence(request.unit.name, round_, result, before, basis)
    paragraphs = [sentence + "."]
    rows = [[line.main.code, _vi(line.main.name), line.points, line.main.max_points,
             Decimal(str(line.share)).quantize(Decimal("0.1")), line.previous] for line in card.mains]
    table = Table(title=f"Điểm các chỉ số chính — {round_.name}",
                  headers=["Mã", "Chỉ số chính", "Điểm", "Điểm tối đa", "Tỷ lệ (%)", "Năm trước"], rows=rows,
                  formats=[TEXT, TEXT, number_format(2), number_format(0), number_format(1), number_format(2)],
                  total=["", "Tổng điểm", result.points, round_.framework.max_points, None, result.previous_points],
                  key="dti.mains", note=f"Cột “Năm trước”: {basis}." if basis else "")
    problems, next_tasks = [], []
    if card.gaps:
        weakest = card.gaps[:GAPS_NAMED]
        problems.append("Một số chỉ số thành phần DTI còn đạt thấp: " + "; ".join(
            f"{c.code} {_vi(c.name)} (còn thiếu {vn_number(gap, 2)} điểm)" for c, gap in weakest) + ".")
        next_tasks.append("Cải thiện các chỉ số thành phần DTI đạt thấp, trước hết: "
                          + "; ".join(f"{c.code} {_vi(c.name)}" for c, _ in weakest) + ".")
    if before is not None and result.rank > before[1]:
        problems.append(f"Thứ hạng DTI của {request.unit.name} giảm {vn_number(result.rank - before[1])} bậc so với "
                        f"năm {before[0]}.")
    figures = [Figure("dti.rank", "Xếp hạng DTI", result.rank, f"{result.rank}/{result.peers}", sentence,
                      headline=True),
               Figure("dti.points", "Điểm DTI", result.points, vn_number(result.points, 2))]
    if before is not None:
        figures.append(Figure("dti.rank_change", "Thay đổi thứ hạng", before[1] - result.rank,
                              vn_signed(before[1] - result.rank)))
    delta = services.points_change(result)
    if delta is not None:
        figures.append(Figure("dti.points_change", "Thay đổi điểm", delta, vn_signed(delta, CHANGE_DECIMALS)))
    return Section(key=f"dti.position.{round_.pk}", title="Chỉ số chuyển đổi số (DTI)", paragraphs=paragraphs,
                   tables=[table], problems=problems, next_tasks=next_tasks, figures=figures,
                   url=reverse("dti:scorecard", args=[round_.pk, request.unit.pk]))


def ranking_tables(user, round_: Round) -> list[tuple[services.Ranking, Table]]:
    """The round's ranking per peer group (services.ranking, the round page's table) as appendix tables."""
    first = services.ranking(user, round_.pk)
    found = []
    for group in first.peer_groups:
        table = first if group == first.peer_group else services.ranking(user, round_.pk, group)
        pillars = table.pillars
        decimals = table.decimals
        rows = [[row.result.rank, row.unit.name, row.result.points]
                + [row.result.by_pillar.get(p.code, 0) for p in pillars]
                + [row.change_points] for row in table.rows]
        found.append((table, Table(
            title=f"Bảng xếp hạng {round_.name} — {_group_label(table)}",
            headers=["Hạng", "Đơn vị", "Tổng điểm", *[_vi(p.name) for p in pillars], "Thay đổi điểm"],
            rows=rows, formats=[INTEGER, TEXT, number_format(decimals), *[number_format(decimals)] * len(pillars),
                                signed_format(CHANGE_DECIMALS)],
            note=f"Bộ chỉ số: {_vi(round_.framework.name)}, phiên bản {round_.framework.edition}.",
            key=f"dti.ranking.{group}")))
    return found


def _group_label(table: services.Ranking) -> str:
    if table.rows:
        return _vi(table.rows[0].unit.get_kind_display())
    return table.peer_group


def organised(request: ReportRequest) -> list[Round]:
    """The rounds of the latest year the unit organised (e.g. its departments' and its communes' rounds)."""
    own = [r for r in _published_by(request) if r.scope_id == request.unit.pk]
    return sorted((r for r in own if r.year == own[0].year), key=lambda r: r.name) if own else []


def _ranking_section(request: ReportRequest) -> Section | None:
    paragraphs, appendices, rounds = [], [], []
    for round_ in organised(request):
        try:
            tables = ranking_tables(request.user, round_)
        except DomainError:
            continue
        rounds.append(round_)
        paragraphs.append(f"{round_.name} (công bố ngày {vn_date(round_.published_at)}) đánh giá "
                          f"{vn_number(sum(len(t.rows) for t, _ in tables))} đơn vị.")
        paragraphs += [_leaders_sentence(table) for table, _ in tables if table.rows]
        appendices += [t for _, t in tables]
    if not rounds:
        return None
    return Section(key="dti.ranking." + ".".join(str(r.pk) for r in rounds),
                   title="Kết quả đánh giá chỉ số chuyển đổi số của các đơn vị", paragraphs=paragraphs,
                   appendices=appendices, url=reverse("dti:round", args=[rounds[0].pk]))


def _leaders_sentence(table: services.Ranking) -> str:
    top = table.rows[:TOP_NAMED]
    named = ", ".join(f"{r.unit.name} ({vn_number(r.result.points, table.decimals, fixed=True)} điểm)" for r in top)
    last = table.rows[-1]
    return (f"Nhóm {_group_label(table)} ({vn_number(len(table.rows))} đơn vị): dẫn đầu là {named}; "
            f"thấp nhất là {last.unit.name} ({vn_number(last.result.points, table.decimals, fixed=True)} điểm).")


def sections(request: ReportRequest) -> list[Section]:
    return [s for s in (_position_section(request), _ranking_section(request)) if s is not None]


# ---------------------------------------------------------------- the DTI results document

def _find_round(request: ReportRequest, reference: str) -> Round:
    reference = (reference or "").strip()
    if reference:
        if not reference.isdigit():
            raise NotFound(f"Đợt đánh giá '{reference}'", f"Round '{reference}'")
        round_ = services.get_round(int(reference), request.user)
    else:
        round_ = next(iter(organised(request)), None)
        if round_ is None:
            raise NotFound(f"Đợt đánh giá DTI đã công bố do {request.unit.name} tổ chức",
                           f"Published DTI round organised by {request.unit.name}")
    return round_


def round_document(request: ReportRequest, reference: str = "") -> Report:
    """The DTI results of a round as a report: the framework and method, the leading and trailing units of
    each peer group, and the ranking appendix (one table per peer group). ``reference`` is the round's id;
    "" takes the latest round organised by the unit and published by the period's end."""
    round_ = _find_round(request, reference)
    tables = ranking_tables(request.user, round_)
    framework = round_.framework
    method = [f"Đánh giá theo {_vi(framework.name)} (phiên bản {framework.edition})"
              + (f", căn cứ {framework.legal_basis}" if framework.legal_basis else "")
              + f"; thang điểm tối đa {vn_number(framework.max_points)} điểm.",
              f"Kết quả được công bố ngày {vn_date(round_.published_at)}."]
    results = [Section(key="dti.method", title="Phương pháp đánh giá", paragraphs=method)]
    paragraphs = [_leaders_sentence(t) for t, _ in tables if t.rows]
    figures = []
    for table, _ in tables:
        for row in table.rows:
            figures.append(Figure(f"dti.points.{row.unit.pk}", row.unit.name, row.result.points,
                                  vn_number(row.result.points, table.decimals, fixed=True)))
    results.append(Section(key="dti.results", title="Kết quả đánh giá, xếp hạng", paragraphs=paragraphs
                           + ["Bảng xếp hạng chi tiết tại Phụ lục kèm theo."],
                           appendices=[t for _, t in tables], figures=figures,
                           url=reverse("dti:round", args=[round_.pk])))
    return Report(kind="dti_results", request=request, title="Báo cáo",
                  summary=f"Kết quả đánh giá chỉ số chuyển đổi số (DTI) năm {round_.year}", sections=results)


DOCUMENTS = {"dti_results": round_document}
