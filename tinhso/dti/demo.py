"""Demo DTI data: the shipped frameworks, and published rounds of the departments and communes of the
demo provinces — 2024 for the pre-2025 provinces (Bắc Kạn, Thái Nguyên, Bắc Giang, Bắc Ninh, Lào Cai,
Yên Bái), 2025 for today's Thái Nguyên, Bắc Ninh and Lào Cai — so that 2025 scorecards of merged
communes and departments compare with the average of their predecessors.

Indicator-mapped components take the reporting demo's approved figures where it has them (that
app's demo runs first), stored as automatic values; every other value is deterministic (seeded by
unit and component), plausible, and improves a little from 2024 to 2025.
"""

import datetime as dt
import hashlib
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from tinhso.core.errors import DomainError
from tinhso.dti import frameworks
from tinhso.dti.models import Evidence, Framework, Origin, Round, RoundStatus, RoundUnit, Value, ValueSource
from tinhso.dti.services import compute_round, reporting_values
from tinhso.units.models import Succession, Unit, UnitKind

FRAMEWORK_CODE = "DTI-CS"
NEW_PROVINCES = ["Tỉnh Thái Nguyên", "Tỉnh Bắc Ninh", "Tỉnh Lào Cai"]
OLD_PROVINCES = ["Bắc Kạn", "Thái Nguyên", "Bắc Giang", "Bắc Ninh", "Lào Cai", "Yên Bái"]
KINDS = [(UnitKind.DEPARTMENT, "sở, ban, ngành"), (UnitKind.COMMUNE, "xã, phường")]


def _rng(*parts) -> random.Random:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def _capabilities() -> dict[int, float]:
    """How far along each unit is (0.15–0.85), stable across years. A unit formed by a merger starts
    from the average of its predecessors (followed through chains of reorganisations)."""
    own = {pk: 0.15 + 0.7 * _rng("cap", stats or code or name).random()
           for pk, stats, code, name in Unit.objects.values_list("pk", "stats_code", "code", "name")}
    predecessors: dict[int, list[int]] = {}
    for predecessor, successor in Succession.objects.values_list("predecessor_id", "successor_id"):
        predecessors.setdefault(successor, []).append(predecessor)
    levels: dict[int, float] = {}

    def level(pk: int, depth: int = 0) -> float:
        if pk not in levels:
            sources = predecessors.get(pk)
            levels[pk] = (sum(level(p, depth + 1) for p in sources) / len(sources)
                          if sources and depth < 10 else own.get(pk, 0.5))
        return levels[pk]

    return {pk: level(pk) for pk in own}


def demo_value(component, unit: Unit, year: int, capability: float = 0.5) -> float:
    rng = _rng(component.code, unit.pk, year)
    level = min(1.0, capability + (0.05 if year >= 2025 else 0.0) + rng.uniform(-0.15, 0.15))
    level = max(0.0, level)
    rule = component.rule
    kind = rule.get("type")
    if kind == "linear":
        low, high = float(rule["min"]), float(rule["max"])
        if low > high:  # fewer is better: late incidents
            return float(round((1 - level) * 4))
        top = 100.0 if component.unit_label == "%" else high * 1.1
        base = max(0.0, low - (high - low) * 0.3)
        return round(min(top, base + (top - base) * level ** 0.8), 1)
    if kind == "steps":
        if component.unit_label == "%":
            return round(min(100.0, 40 + 60 * level), 1)
        return float(round(level * 5))
    if kind == "yes_no":
        return 1.0 if rng.random() < level else 0.0
    if kind == "capped_sum":
        return float(round(level * 10))
    if kind == "relative":
        if "Mbps" in component.unit_label:
            return round(2 + 38 * level, 1)
        return float(round(200 + 19_800 * level ** 2))
    return round(float(component.max_points) * level, 1)  # manual score


def _units(scope: Unit, kind: str, day: dt.date) -> list[Unit]:
    return list(Unit.objects.as_of(day).below(scope).filter(kind=kind))


def _plan(scope: Unit, kind: str, kind_label: str, year: int) -> dict | None:
    units = _units(scope, kind, dt.date(year, 12, 31))
    if not units:
        return None
    return {"scope": scope, "kind_label": kind_label, "year": year, "units": units}


def _figures(framework: Framework, unit_ids: list[int], year: int, stdout=None) -> dict:
    """The reporting demo's approved figures for these units. Read before any DTI write (the reporting
    app reads the database on its own connection); if it cannot answer, values are generated."""
    mapped = sorted({c.indicator_code for c in framework.components.all() if c.source == ValueSource.INDICATOR})
    try:
        return reporting_values(mapped, unit_ids, year)
    except DomainError as exc:
        if stdout:
            stdout.write(f"  (không lấy được số liệu báo cáo / no reporting figures: {exc.errors[0].vi})\n")
        return {}


def _round(framework: Framework, plan: dict, figures: dict, capabilities: dict[int, float]) -> Round:
    scope, year, units = plan["scope"], plan["year"], plan["units"]
    round_ = Round.objects.create(
        name=f"DTI {plan['kind_label']} năm {year} — {scope.name}", year=year, framework=framework, scope=scope,
        status=RoundStatus.PUBLISHED, note="Dữ liệu mẫu / Demo data")
    RoundUnit.objects.bulk_create([RoundUnit(round=round_, unit=u) for u in units])
    components = list(framework.components.all())
    rows = []
    for unit in units:
        for component in components:
            figure = figures.get((component.indicator_code, unit.pk)) if component.indicator_code else None
            if figure is not None:
                number = max(0.0, min(float(figure), 100.0 if component.unit_label == "%" else float(figure)))
            else:
                number = demo_value(component, unit, year, capabilities.get(unit.pk, 0.5))
            auto = figure is not None
            rows.append(Value(
                round=round_, unit=unit, component=component, value=number,
                origin=Origin.AUTO if auto else Origin.SELF, auto_value=number if auto else None,
                self_value=None if auto else number,
                note="" if auto else ("Hội đồng chấm theo hồ sơ mô hình" if component.source == ValueSource.MANUAL
                                      else "Theo báo cáo của đơn vị")))
    # the DX office's review leaves visible traces: a few self-assessed figures lowered, with a reason
    for row in rows[7::97]:
        if row.origin == Origin.SELF and row.value:
            row.self_value = row.value
            row.value = round(float(row.value) * 0.5, 1) if row.component.source != ValueSource.YES_NO else 0
            row.origin = Origin.OFFICE
            row.adjust_reason = "Minh chứng chưa đầy đủ, chỉ công nhận một phần / evidence incomplete"
    insert_values(rows)
    return round_


def insert_values(rows: list[Value]) -> None:
    """Insert many new values with one executemany (the ORM's bulk_create spends most of its time
    preparing parameters; this keeps the demo to a few seconds). Trusted, generated data only."""
    fields = ["round", "unit", "component", "value", "origin", "auto_value", "self_value", "note", "adjust_reason",
              "version", "updated_at"]
    columns = [Value._meta.get_field(name).column for name in fields]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(Value._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    def number(value):
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))

    params = [(r.round_id, r.unit_id, r.component_id, number(r.value), r.origin, number(r.auto_value),
               number(r.self_value), r.note, r.adjust_reason, 1, now) for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _evidence(round_: Round, unit_name: str) -> None:
    value = Value.objects.filter(round=round_, unit__name=unit_name, component__code="1.2").first()
    if value is None:
        return
    Value.objects.filter(pk=value.pk).update(value=1, self_value=1, origin=Origin.SELF,
                                             note="Kế hoạch số 15/KH-UBND (minh họa)")
    evidence = Evidence(value=value, description="Kế hoạch chuyển đổi số năm (bản ký số)")
    evidence.file.save("ke-hoach-chuyen-doi-so.txt", ContentFile(
        f"Kế hoạch chuyển đổi số năm {round_.year} của {unit_name} (tệp minh họa dữ liệu mẫu).\n".encode()),
        save=True)


def load(stdout=None) -> None:
    for path in frameworks.shipped_files():
        doc = frameworks.parse_document(path.read_bytes(), path.name)
        if not Framework.objects.filter(code=doc.get("code"), edition=doc.get("edition")).exists():
            frameworks.import_framework(None, doc)
    if Round.objects.exists():
        return
    framework = Framework.objects.filter(code=FRAMEWORK_CODE).order_by("-edition").first()
    if framework is None:
        return
    plans = []
    for short in OLD_PROVINCES:
        scope = Unit.objects.filter(kind=UnitKind.PROVINCE, short_name=short, valid_to__isnull=False).first()
        plans += [_plan(scope, kind, label, 2024) for kind, label in KINDS] if scope else []
    for name in NEW_PROVINCES:
        scope = Unit.objects.live().filter(kind=UnitKind.PROVINCE, name=name).first()
        plans += [_plan(scope, kind, label, 2025) for kind, label in KINDS] if scope else []
    plans = [p for p in plans if p]
    figures = {year: _figures(framework, [u.pk for p in plans if p["year"] == year for u in p["units"]], year, stdout)
               for year in sorted({p["year"] for p in plans})}
    with transaction.atomic():
        capabilities = _capabilities()
        made = [_round(framework, plan, figures[plan["year"]], capabilities) for plan in plans]
        for round_ in made:
            if round_.year == 2025 and "Thái Nguyên" in round_.name and "xã" in round_.name:
                _evidence(round_, "Phường Bắc Kạn")
        for round_ in sorted(made, key=lambda r: r.year):
            compute_round(round_)
        Round.objects.filter(pk__in=[r.pk for r in made]).update(published_at=timezone.now())
    if stdout:
        automatic = Value.objects.filter(round__in=made, origin=Origin.AUTO).count()
        stdout.write(f"  Đợt DTI / DTI rounds: {len(made)}, kết quả / results: "
                     f"{sum(r.results.count() for r in made)}, số liệu tự động từ hệ thống báo cáo / "
                     f"automatic values: {automatic}\n")
