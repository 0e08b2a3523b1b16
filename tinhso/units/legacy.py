"""Loading a province as it was before 1 July 2025: its districts and communes with their validity dates,
linked to today's units, from the installed `vietnamadminunits` package (no network).

`tinhso units import-admin --as-of 2025-06-30 --province "Hải Dương"` calls `import_legacy_province`. The
package holds one snapshot of the old units, the last before the 2025 reform: every unit it loads is valid
until 30/06/2025 (its start date is not in the data and is left empty), so `--as-of` must be on or before
that day. Today's province (and its communes) that the old one went into are loaded too when missing, and a
merge event of 01/07/2025 links province → province, district → province (and an island district without
communes → the special zone it became), commune → commune(s) (a split commune's share divided equally).
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from tinhso.accounts.models import User
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.text import fold
from tinhso.units import admin_sources
from tinhso.units.models import EventKind, Unit, UnitEvent, UnitKind
from tinhso.units.services import REFORM_2025, bulk_create_units, import_admin_units, link_successions

LAST_OLD_DAY = REFORM_2025 - dt.timedelta(days=1)
DATA = json.loads((Path(__file__).parent / "data" / "provinces.json").read_text(encoding="utf-8"))
PROVINCE_BASIS = DATA["merges_2025"]["_legal_basis"]


def find_legacy_province(name: str) -> tuple[str, str]:
    """(full name, short name) of the pre-2025 province a user names ("Hải Phòng", "thanh pho hai phong",
    "Tỉnh Hải Dương"); a clear error listing close names otherwise."""
    wanted = fold(name).removeprefix("tinh ").removeprefix("thanh pho ").strip()
    names = admin_sources.legacy_province_names()
    for full, short in names:
        if fold(short) == wanted or fold(full) == fold(name):
            return full, short
    close = [short for _, short in names if wanted and (wanted in fold(short) or fold(short) in wanted)]
    raise ValidationFailed(FieldError(
        "province", f"không có tỉnh '{name}' trong danh mục trước 01/07/2025"
                    + (f"; có phải: {', '.join(close)}?" if close else ""),
        f"no province '{name}' among the 63 before 1 July 2025" + (f"; did you mean {', '.join(close)}?" if close
                                                                   else "")))


def import_legacy_province(user: User | None, name: str, as_of: dt.date = LAST_OLD_DAY,
                           ecodes: dict[str, str] | None = None) -> dict[str, int]:
    """Load one of the 63 pre-2025 provinces with its districts and communes, valid until 30/06/2025, and
    link them to today's units. Loading it again adds nothing. Returns counts of what was added."""
    if as_of > LAST_OLD_DAY:
        raise ValidationFailed(FieldError(
            "as_of", f"chỉ nạp được đơn vị trước 01/07/2025 (ngày {as_of:%d/%m/%Y} là sau cải cách); đơn vị hiện "
                     "hành nạp bằng import-admin không có --as-of",
            f"only units before 1 July 2025 can be loaded ({as_of:%d/%m/%Y} is after the reform); today's units "
            "load with import-admin without --as-of"))
    full, short = find_legacy_province(name)
    source = admin_sources.legacy_province(short)
    counts = {"provinces": 0, "districts": 0, "communes": 0, "links": 0, "today_provinces": 0, "today_communes": 0}
    if Unit.objects.filter(kind=UnitKind.PROVINCE, stats_code=source.stats_code, valid_to=LAST_OLD_DAY).exists():
        return counts  # already loaded
    new_keys = admin_sources.successor_province_keys(source.key)
    today = {p.key: p for p in admin_sources.current_provinces() if p.key in new_keys}
    added = import_admin_units(user, {p.stats_code for p in today.values()}, ecodes=ecodes)
    counts["today_provinces"], counts["today_communes"] = added["provinces"], added["communes"]
    level1 = (ecodes or {}).get(short)
    note = (f"Danh mục đơn vị hành chính trước 01/07/2025 (gói vietnamadminunits), nạp theo ngày {as_of:%d/%m/%Y}; "
            "ngày bắt đầu hiệu lực không có trong dữ liệu")
    with transaction.atomic():
        units: list[Unit] = []
        province = Unit(name=full, short_name=short, kind=UnitKind.PROVINCE, stats_code=source.stats_code,
                        code=f"000.00.00.{level1}" if level1 else None, valid_to=LAST_OLD_DAY, note=note)
        units.append(province)
        districts: dict[str, Unit] = {}
        communes: dict[str, list[Unit]] = {}
        for district in source.children:
            district_unit = Unit(name=district.name, kind=UnitKind.DISTRICT, parent=province,
                                 stats_code=district.stats_code, valid_to=LAST_OLD_DAY)
            units.append(district_unit)
            districts[f"{source.key}_{district.key}"] = district_unit
            for commune in district.children:
                unit = Unit(name=commune.name, kind=UnitKind.COMMUNE, parent=district_unit,
                            stats_code=commune.stats_code, valid_to=LAST_OLD_DAY)
                communes.setdefault(commune.key, []).append(unit)  # folded keys can collide: keep them all
                units.append(unit)
        bulk_create_units(user, units, f"Nạp tỉnh {short} trước 01/07/2025 / Pre-2025 province loaded")
        counts["provinces"] = 1
        counts["districts"] = len(districts)
        counts["communes"] = sum(len(found) for found in communes.values())
        counts["links"] = _link(province, districts, communes, today)
    return counts


def _link(province: Unit, districts: dict[str, Unit], communes: dict[str, list[Unit]], today: dict) -> int:
    links = 0
    for new_key, new_source in today.items():
        new_province = Unit.objects.live().get(kind=UnitKind.PROVINCE, stats_code=new_source.stats_code)
        new_communes = {u.stats_code: u for u in Unit.objects.live().filter(kind=UnitKind.COMMUNE,
                                                                             path__startswith=new_province.path)}
        by_key = {c.key: new_communes[c.stats_code] for c in new_source.children if c.stats_code in new_communes}
        share = (Decimal(1) / len(today)).quantize(Decimal("0.0001"))
        event = UnitEvent.objects.create(kind=EventKind.MERGE, date=REFORM_2025, legal_basis=PROVINCE_BASIS,
                                         note=f"{province.name} → {new_province.name}")
        pairs = [(province, new_province, share)] + [(d, new_province, share) for d in districts.values()]
        link_successions(event, pairs)
        links += len(pairs)
        event = UnitEvent.objects.create(
            kind=EventKind.MERGE, date=REFORM_2025,
            legal_basis=f"Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã của "
                        f"{new_province.name} năm 2025",
            note=f"Sắp xếp xã, phường của {province.name}; kết thúc cấp huyện")
        pairs = []
        for old_key, targets in admin_sources.commune_successors(new_key).items():
            successors = list({k: by_key[k] for k, _ in targets if k in by_key}.values())
            if not successors or old_key not in communes:
                continue
            part = (Decimal(1) / len(successors)).quantize(Decimal("0.0001"))
            pairs += [(old, new, part) for old in communes[old_key] for new in successors]
        for old_key, new_commune_key in admin_sources.district_successors(new_key).items():
            if old_key in districts and new_commune_key in by_key:
                pairs.append((districts[old_key], by_key[new_commune_key], Decimal(1)))
        link_successions(event, pairs)
        links += len(pairs)
    return links
