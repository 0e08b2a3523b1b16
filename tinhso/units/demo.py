"""Demo registry: the seed reports' provinces (Bắc Kạn, Bắc Giang, Lào Cai) before and after the 2025
reorganisation, with their neighbours that merged with them, their departments, districts and
communes, and the events linking old units to today's."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from tinhso.units import admin_sources, services
from tinhso.units.models import EventKind, Unit, UnitEvent, UnitKind

DATA = Path(__file__).parent / "data"
DEPARTMENT_REFORM = dt.date(2025, 3, 1)
REFORM = services.REFORM_2025
PROVINCES = json.loads((DATA / "provinces.json").read_text(encoding="utf-8"))
DEPARTMENTS = json.loads((DATA / "departments.json").read_text(encoding="utf-8"))
ECODES = PROVINCES["ecode_level1"]


def _day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def _old_province(short_name: str, units: list[Unit]) -> dict:
    """A pre-2025 province: its districts and communes until 30/06/2025, its departments before and
    after the 01/03/2025 consolidation. Returns lookups used to link events."""
    source = admin_sources.legacy_province(short_name)
    level1 = ECODES[short_name]
    province = Unit(name=source.name, short_name=short_name, kind=UnitKind.PROVINCE, stats_code=source.stats_code,
                    code=f"000.00.00.{level1}", valid_to=_day_before(REFORM))
    units.append(province)
    merged_later = {src for code, _, _, sources in DEPARTMENTS["after_2025_03"] if sources != [code] for src in sources}
    old_departments = {}
    for code, name, short in DEPARTMENTS["before_2025_03"]:
        ends = _day_before(DEPARTMENT_REFORM) if code in merged_later else _day_before(REFORM)
        old_departments[code] = Unit(name=f"{name} {short_name}", short_name=short, kind=UnitKind.DEPARTMENT,
                                     parent=province, code=f"000.00.{code}.{level1}", valid_to=ends)
        units.append(old_departments[code])
    interim = {}
    for code, name, short, sources in DEPARTMENTS["after_2025_03"]:
        if sources == [code]:
            interim[code] = old_departments[code]
            continue
        interim[code] = Unit(name=f"{name} {short_name}", short_name=short, kind=UnitKind.DEPARTMENT, parent=province,
                             code=f"000.00.{code}.{level1}", valid_from=DEPARTMENT_REFORM, valid_to=_day_before(REFORM))
        units.append(interim[code])
    communes = {}
    districts = []
    for d_index, district in enumerate(source.children, start=31):
        district_unit = Unit(name=district.name, kind=UnitKind.DISTRICT, parent=province,
                             stats_code=district.stats_code, code=f"000.00.{d_index:02d}.{level1}",
                             valid_to=_day_before(REFORM))
        units.append(district_unit)
        districts.append(district_unit)
        for c_index, commune in enumerate(district.children, start=1):
            unit = Unit(
                name=commune.name, kind=UnitKind.COMMUNE, parent=district_unit, stats_code=commune.stats_code,
                code=f"000.{c_index:02d}.{d_index:02d}.{level1}", valid_to=_day_before(REFORM))
            # Folded keys can collide (Phường Sa Pa and Phường Sa Pả): keep every unit of a key.
            communes.setdefault(commune.key, []).append(unit)
            units.append(unit)
    return {"province": province, "old_departments": old_departments, "interim": interim,
            "districts": districts, "communes": communes}


def _new_province(name: str, units: list[Unit]) -> dict:
    source = next(p for p in admin_sources.current_provinces() if p.name == f"Tỉnh {name}")
    level1 = ECODES[name]
    province = Unit(name=source.name, short_name=name, kind=UnitKind.PROVINCE, stats_code=source.stats_code,
                    code=f"000.00.00.{level1}", valid_from=REFORM)
    units.append(province)
    departments = {}
    for code, dep_name, short, _ in DEPARTMENTS["after_2025_03"]:
        departments[code] = Unit(name=f"{dep_name} {name}", short_name=short, kind=UnitKind.DEPARTMENT,
                                 parent=province, code=f"000.00.{code}.{level1}", valid_from=REFORM)
        units.append(departments[code])
    communes = {}
    for index, commune in enumerate(sorted(source.children, key=lambda c: c.stats_code), start=1):
        communes[commune.key] = Unit(name=commune.name, kind=UnitKind.COMMUNE, parent=province,
                                     stats_code=commune.stats_code, code=f"000.{index:02d}.00.{level1}",
                                     valid_from=REFORM)
        units.append(communes[commune.key])
    return {"province": province, "departments": departments, "communes": communes, "key": source.key}


def _event(kind: str, day: dt.date, basis: str, note: str = "") -> UnitEvent:
    return UnitEvent.objects.create(kind=kind, date=day, legal_basis=basis, note=note)


@transaction.atomic
def load(stdout=None) -> None:
    if Unit.objects.exists():
        return
    units: list[Unit] = []
    new = {name: _new_province(name, units) for name in PROVINCES["merges_2025"] if not name.startswith("_")}
    old = {short: _old_province(short, units)
           for name, sources in PROVINCES["merges_2025"].items() if not name.startswith("_") for short in sources}
    services.bulk_create_units(None, units, "Dữ liệu mẫu / Demo data")

    for short, parts in old.items():
        event = _event(EventKind.MERGE, DEPARTMENT_REFORM, "Nghị định 45/2025/NĐ-CP về tổ chức các cơ quan chuyên "
                       "môn thuộc UBND tỉnh", f"Hợp nhất các sở của tỉnh {short}")
        pairs = [(parts["old_departments"][src], parts["interim"][code], Decimal(1))
                 for code, _, _, sources in DEPARTMENTS["after_2025_03"] if sources != [code] for src in sources]
        services.link_successions(event, pairs)

    basis = PROVINCES["merges_2025"]["_legal_basis"]
    for name, sources in PROVINCES["merges_2025"].items():
        if name.startswith("_"):
            continue
        target = new[name]
        event = _event(EventKind.MERGE, REFORM, basis, f"Hợp nhất {', '.join(sources)} thành tỉnh {name}")
        pairs = []
        for short in sources:
            parts = old[short]
            pairs.append((parts["province"], target["province"], Decimal(1)))
            pairs += [(dep, target["departments"][code], Decimal(1)) for code, dep in parts["interim"].items()]
            pairs += [(district, target["province"], Decimal(1)) for district in parts["districts"]]
        services.link_successions(event, pairs)

        event = _event(EventKind.MERGE, REFORM, f"Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị "
                       f"hành chính cấp xã của tỉnh {name} năm 2025", "Sắp xếp xã, phường; kết thúc cấp huyện")
        old_communes = {k: u for short in sources for k, u in old[short]["communes"].items()}
        pairs = []
        for old_key, targets in admin_sources.commune_successors(target["key"]).items():
            successors = list({k: target["communes"][k] for k, _ in targets if k in target["communes"]}.values())
            if not successors:
                continue
            share = (Decimal(1) / len(successors)).quantize(Decimal("0.0001"))
            pairs += [(predecessor, successor, share)
                      for predecessor in old_communes.get(old_key, []) for successor in successors]
        services.link_successions(event, pairs)
    if stdout:
        stdout.write(f"  Đơn vị / units: {Unit.objects.count()}, sự kiện / events: {UnitEvent.objects.count()}\n")
