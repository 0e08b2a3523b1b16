"""Data sharing in the documents tinhso drafts (see ``tinhso.core.reporting``): the calls the units of the
report's subtree provided and made, per service, over the period — the traffic page's roll-up
(services.rollup), within the reader's traffic scope."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from tinhso.core.formatting import vn_number, vn_percent
from tinhso.core.reporting import INTEGER, TEXT, Figure, ReportRequest, Section, Table, actors, percent_format
from tinhso.sharing import services
from tinhso.sharing.models import Service
from tinhso.units.models import Unit

ORDER = 60
FAILURE_PROBLEM_RATE = 5.0  # a service failing more than 5% of its calls in the period is named


def per_service(request: ReportRequest) -> tuple[dict[str, dict], dict[str, dict]]:
    """({service code: {calls, failed}} provided by units of the subtree, the same for calls they made),
    added up from services.rollup's rows by provider and by client."""
    codes = set(Unit.objects.filter(path__startswith=request.unit.path).values_list("code", flat=True))
    start, end = request.period.start, request.as_of
    provided: dict[str, dict] = defaultdict(lambda: {"calls": 0, "failed": 0})
    made: dict[str, dict] = defaultdict(lambda: {"calls": 0, "failed": 0})
    for by, into, unit_key in (("service", provided, "provider_unit"), ("client", made, "client_unit")):
        for row in services.rollup(request.user, start, end, by):
            if row[unit_key] in codes:
                into[row["service_code"]]["calls"] += row["calls"] or 0
                into[row["service_code"]]["failed"] += row["failed"] or 0
    return dict(provided), dict(made)


def _table(title: str, counts: dict[str, dict], names: dict[str, str], key: str) -> Table:
    def rate(c: dict) -> float | None:
        return c["failed"] * 100 / c["calls"] if c["calls"] else None
    rows = [[code, names.get(code, code), c["calls"], c["failed"], rate(c)]
            for code, c in sorted(counts.items(), key=lambda kv: -kv[1]["calls"])]
    calls, failed = sum(c["calls"] for c in counts.values()), sum(c["failed"] for c in counts.values())
    return Table(title=title, headers=["Mã dịch vụ", "Dịch vụ", "Giao dịch", "Lỗi", "Tỷ lệ lỗi"], rows=rows,
                 formats=[TEXT, TEXT, INTEGER, INTEGER, percent_format(1)],
                 total=["", "Tổng số", calls, failed, failed * 100 / calls if calls else None], key=key)


def sections(request: ReportRequest) -> list[Section]:
    if request.as_of < request.period.start:
        return []
    provided, made = per_service(request)
    if not provided and not made:
        return []
    names = dict(Service.objects.filter(code__in=set(provided) | set(made)).values_list("code", "name"))
    given = sum(c["calls"] for c in provided.values())
    used = sum(c["calls"] for c in made.values())
    parts = []
    if provided:
        parts.append(f"cung cấp {vn_number(given)} giao dịch chia sẻ dữ liệu qua {vn_number(len(provided))} dịch vụ")
    if made:
        parts.append(f"khai thác {vn_number(used)} giao dịch của {vn_number(len(made))} dịch vụ")
    sentence = f"{request.period.label}, {actors(request.unit)} " + " và ".join(parts)
    paragraphs = [sentence + "."]
    top = sorted(made.items(), key=lambda kv: -kv[1]["calls"])[:3]
    if top:
        paragraphs.append("Các dịch vụ được khai thác nhiều nhất: " + "; ".join(
            f"{names.get(code, code)} ({vn_number(c['calls'])} giao dịch)" for code, c in top) + ".")
    tables = []
    if provided:
        tables.append(_table("Giao dịch chia sẻ dữ liệu do các đơn vị cung cấp", provided, names, "sharing.provided"))
    if made:
        tables.append(_table("Giao dịch khai thác dữ liệu của các đơn vị", made, names, "sharing.made"))
    problems = []
    for code, c in sorted(provided.items()):
        rate = c["failed"] * 100 / c["calls"] if c["calls"] else 0
        if rate > FAILURE_PROBLEM_RATE:
            problems.append(f"Dịch vụ {names.get(code, code)} ({code}) lỗi {vn_number(c['failed'])}/"
                            f"{vn_number(c['calls'])} giao dịch ({vn_percent(rate)}).")
    next_tasks = ["Khắc phục lỗi của các dịch vụ chia sẻ dữ liệu có tỷ lệ giao dịch lỗi cao."] if problems else []
    figures = [Figure("sharing.provided", "Giao dịch cung cấp dữ liệu", given, vn_number(given), sentence,
                      headline=True),
               Figure("sharing.made", "Giao dịch khai thác dữ liệu", used, vn_number(used))]
    figures += [Figure(f"sharing.provided.{code}", names.get(code, code), c["calls"], vn_number(c["calls"]))
                for code, c in sorted(provided.items())]
    figures += [Figure(f"sharing.made.{code}", names.get(code, code), c["calls"], vn_number(c["calls"]))
                for code, c in sorted(made.items())]
    return [Section(key="sharing.traffic", title="Kết nối, chia sẻ dữ liệu", paragraphs=paragraphs,
                    tables=tables, problems=problems, next_tasks=next_tasks, figures=figures,
                    url=reverse("sharing:traffic"))]
