"""Vietnam's official administrative units, read from installed packages (no network):
today's 34 provinces and 3.321 communes from `vietnam-provinces`, the pre-July-2025 provinces,
districts and communes and the old→new commune mapping from `vietnamadminunits`."""

import importlib.util
import json
import sqlite3
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import vietnam_provinces

from tinhso.core.text import fold


def key(name: str) -> str:
    """The package's matching key: folded name without spaces ("Tỉnh Bắc Kạn" → "tinhbackan")."""
    return fold(name).replace(" ", "")


@dataclass
class AdminUnit:
    name: str
    stats_code: str
    key: str
    children: list["AdminUnit"] = field(default_factory=list)


def current_provinces() -> list[AdminUnit]:
    """Today's provinces with their communes (wards, communes and special zones)."""
    data = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))
    provinces = []
    for province in data:
        unit = AdminUnit(_province_name(province["name"], province["division_type"]), f"{province['code']:02d}",
                         key(_province_name(province["name"], province["division_type"])))
        unit.children = [AdminUnit(w["name"], f"{w['code']:05d}", key(w["name"])) for w in province["wards"]]
        provinces.append(unit)
    return provinces


def _province_name(name: str, division_type: str) -> str:
    if name.lower().startswith(("tỉnh", "thành phố")):
        return name
    return f"{'Thành phố' if 'thành phố' in division_type else 'Tỉnh'} {name}"


def _package_data(name: str) -> Path:
    """A data file of `vietnamadminunits`, found without importing the package (its parser takes ~1 s to load)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or spec.origin is None:
        raise LookupError("the vietnamadminunits package is not installed")
    return Path(spec.origin).parent / "data" / name


def _dataset() -> sqlite3.Connection:
    path = _package_data("dataset.db")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def legacy_province(short_name: str) -> AdminUnit:
    """A pre-2025 province with its districts and communes."""
    with _dataset() as db:
        rows = db.execute(
            "SELECT province, provinceCode, districtType, districtShort, districtCode, ward, wardCode "
            "FROM admin_units_legacy WHERE provinceShort = ? ORDER BY districtCode, wardCode", (short_name,)
        ).fetchall()
    if not rows:
        raise LookupError(f"no pre-2025 province named {short_name}")
    province = AdminUnit(rows[0][0], rows[0][1], key(rows[0][0]))
    districts: dict[str, AdminUnit] = {}
    for _, _, district_type, district_short, district_code, ward, ward_code in rows:
        district_name = f"{district_type.capitalize()} {district_short}"
        if district_code not in districts:
            districts[district_code] = AdminUnit(district_name, district_code, key(district_name))
            province.children.append(districts[district_code])
        district = districts[district_code]
        if ward is None:  # an island district without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Trường Sa…)
            continue
        district.children.append(AdminUnit(ward, ward_code, f"{province.key}_{district.key}_{key(ward)}"))
    return province


def legacy_province_names() -> list[tuple[str, str]]:
    """The 63 pre-2025 provinces: (full name, short name)."""
    with _dataset() as db:
        return db.execute("SELECT DISTINCT province, provinceShort FROM admin_units_legacy ORDER BY provinceCode"
                          ).fetchall()


def successor_province_keys(old_province_key: str) -> list[str]:
    """The key(s) of today's province(s) an old province went into (one for every province in 2025)."""
    return [new for new, olds in _converter()["DICT_PROVINCE"].items() if old_province_key in olds]


def district_successors(new_province_key: str) -> dict[str, str]:
    """old district key ("province_district") → new commune key, for districts that had no communes and
    became one commune-level unit (Bạch Long Vĩ district → Đặc khu Bạch Long Vĩ)."""
    found = {}
    for new_key, old_keys in _converter()["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_province_key, {}).items():
        for old_key in old_keys:
            parts = old_key.split("_")
            if len(parts) == 3 and not parts[2]:
                found[_normal_key("_".join(parts[:2]))] = _normal_key(new_key)
    return found


@cache
def _converter() -> dict:
    path = _package_data("converter_2025.json")
    return json.loads(path.read_text(encoding="utf-8"))


def commune_successors(new_province_key: str) -> dict[str, list[tuple[str, bool]]]:
    """old commune key → [(new commune key, is the main successor)] within one new province."""
    converter = _converter()
    mapping: dict[str, list[tuple[str, bool]]] = {}
    # A few of the package's keys keep their diacritics ("xãvănlang" for Xã Văn Lang): fold them all.
    for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_province_key, {}).items():
        for old_key in old_keys:
            mapping.setdefault(_normal_key(old_key), []).append((_normal_key(new_key), True))
    for old_key, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_province_key, {}).items():
        mapping[_normal_key(old_key)] = [(_normal_key(t["newWardKey"]), bool(t["isDefaultNewWard"])) for t in targets]
    return mapping


def _normal_key(raw: str) -> str:
    return "_".join(key(part) for part in raw.split("_"))


