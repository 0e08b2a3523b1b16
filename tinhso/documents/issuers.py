"""Who issues a document, from the unit registry as of the document's date: the agency block (parent and
agency), the agency's abbreviation in the symbol, the place and the signer's title.

A province's periodic DX report is issued by its specialised DX agency as it stood on the date: the
Department of Information and Communications until 28/02/2025, the Department of Science and Technology from
01/03/2025, when the first took over the second's digital-transformation duties. A unit that did not exist
on the date is followed through the registry's succession links to the one that did (Tỉnh Bắc Kạn in 2026 →
Tỉnh Thái Nguyên)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.text import fold, vi_sort_key
from tinhso.documents.document import Signer
from tinhso.units.models import Succession, Unit, UnitKind

# The provincial agency in charge of digital transformation, by date (dated data, with its legal basis).
DX_AGENCY = [
    {"from": None, "to": dt.date(2025, 2, 28), "name": "Sở Thông tin và Truyền thông",
     "basis": "Nghị định 24/2014/NĐ-CP (sửa đổi bởi Nghị định 107/2020/NĐ-CP): Sở Thông tin và Truyền thông "
              "tham mưu về công nghệ thông tin, chuyển đổi số"},
    {"from": dt.date(2025, 3, 1), "to": None, "name": "Sở Khoa học và Công nghệ",
     "basis": "Nghị định 45/2025/NĐ-CP: Sở Khoa học và Công nghệ nhận chức năng của Sở Thông tin và Truyền "
              "thông về chuyển đổi số từ 01/3/2025"},
]

# The head's title by the agency's name (first match); TM. (on behalf of a collective) for People's Committees.
HEAD_TITLES = [
    (r"^(Ủy ban nhân dân|UBND|Tỉnh|Thành phố|Xã|Phường|Đặc khu|Thị trấn|Huyện|Quận|Thị xã)\b",
     Signer("TM.", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    (r"^Văn phòng", Signer("", "", "CHÁNH VĂN PHÒNG")),
    (r"^Thanh tra", Signer("", "", "CHÁNH THANH TRA")),
    (r"^Ban ", Signer("", "", "TRƯỞNG BAN")),
    (r"^Sở ", Signer("", "", "GIÁM ĐỐC")),
    (r"^Trung tâm", Signer("", "", "GIÁM ĐỐC")),
]
DEPUTY = {"GIÁM ĐỐC": "PHÓ GIÁM ĐỐC", "CHỦ TỊCH": "PHÓ CHỦ TỊCH", "CHÁNH VĂN PHÒNG": "PHÓ CHÁNH VĂN PHÒNG",
          "CHÁNH THANH TRA": "PHÓ CHÁNH THANH TRA", "TRƯỞNG BAN": "PHÓ TRƯỞNG BAN"}
_TERRITORY_PREFIX = re.compile(r"^(Tỉnh|Thành phố|Xã|Phường|Đặc khu|Thị trấn|Huyện|Quận|Thị xã)\s+")


@dataclass
class Issuer:
    unit: Unit
    parent_agency: str  # "UBND TỈNH THÁI NGUYÊN"; "" for a People's Committee
    agency: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    agency_full: str  # "Sở Khoa học và Công nghệ Thái Nguyên"
    abbr: str  # "SKHCN", "UBND"
    place: str  # "Thái Nguyên"
    signer: Signer
    province: Unit | None


def _valid(unit: Unit, day: dt.date) -> bool:
    return unit.is_valid_on(day)


def _prefer(candidates: list[Unit], like: Unit) -> Unit | None:
    """Among several predecessors or successors, the one that continues `like`: same electronic code, else the
    same name without the province, else the only one."""
    if len(candidates) == 1:
        return candidates[0]
    same_code = [u for u in candidates if like.code and u.code == like.code]
    if len(same_code) == 1:
        return same_code[0]
    stem = fold(_name_stem(like))
    same_name = [u for u in candidates if fold(_name_stem(u)) == stem and fold(u.name) == fold(like.name)]
    return same_name[0] if len(same_name) == 1 else None


def as_of(unit: Unit, day: dt.date, field_name: str = "unit") -> Unit:
    """The unit standing for `unit` on `day`: itself when it existed then, otherwise its predecessor (day
    before its start) or successor (day after its end) followed link by link."""
    current, seen = unit, set()
    while not _valid(current, day):
        if current.pk in seen:
            break
        seen.add(current.pk)
        if current.valid_from and day < current.valid_from:
            links = Succession.objects.filter(successor=current).select_related("predecessor")
            candidates = [link.predecessor for link in links]
        else:
            links = Succession.objects.filter(predecessor=current).select_related("successor")
            candidates = [link.successor for link in links]
        chosen = _prefer(candidates, current)
        if chosen is None:
            names = ", ".join(sorted((u.name for u in candidates), key=vi_sort_key)) or "—"
            raise ValidationFailed(FieldError(
                field_name,
                f"{unit.name} không tồn tại vào ngày {day:%d/%m/%Y} và không xác định được đơn vị thay thế "
                f"({names}); hãy chọn đơn vị ban hành",
                f"{unit.name} did not exist on {day:%d/%m/%Y} and no single unit stood for it ({names}); "
                "choose the issuing unit"))
        current = chosen
    if not _valid(current, day):
        raise ValidationFailed(FieldError(field_name, f"{unit.name} không tồn tại vào ngày {day:%d/%m/%Y}",
                                          f"{unit.name} did not exist on {day:%d/%m/%Y}"))
    return current


def province_of(unit: Unit) -> Unit | None:
    node = unit
    while node is not None and node.kind != UnitKind.PROVINCE:
        node = node.parent
    return node


def dx_agency_name(day: dt.date) -> str:
    for rule in DX_AGENCY:
        if (rule["from"] is None or rule["from"] <= day) and (rule["to"] is None or day <= rule["to"]):
            return rule["name"]
    return DX_AGENCY[-1]["name"]


def dx_agency(province: Unit, day: dt.date) -> Unit | None:
    """The province's DX agency on `day` in the registry (None when the registry does not hold it)."""
    wanted = fold(dx_agency_name(day))
    for unit in Unit.objects.as_of(day).filter(parent=province, kind=UnitKind.DEPARTMENT):
        if fold(unit.name).startswith(wanted):
            return unit
    return None


def _name_stem(unit: Unit) -> str:
    """The agency's name without its province's ("Sở Khoa học và Công nghệ Thái Nguyên" → "Sở Khoa học và
    Công nghệ")."""
    province = province_of(unit.parent) if unit.parent_id else None
    name = unit.name
    if province is not None:
        suffix = province.short_name or _territory(province)
        if suffix and name.endswith(" " + suffix):
            return name[: -len(suffix) - 1]
    return name


def _territory(unit: Unit) -> str:
    """"Tỉnh Thái Nguyên" → "Thái Nguyên"; a name that is a number keeps its noun ("Phường 1")."""
    rest = _TERRITORY_PREFIX.sub("", unit.name)
    return unit.name if rest.isdigit() else rest


def head_signer(name: str) -> Signer:
    for pattern, signer in HEAD_TITLES:
        if re.match(pattern, name, flags=re.IGNORECASE):
            return Signer(signer.authority, signer.collective_or_head, signer.title)
    return Signer("", "", "THỦ TRƯỞNG CƠ QUAN")


def signer_for(issuer_name: str, authority: str = "", name: str = "") -> Signer:
    """The signer block for `authority`: "" (the head signs), "KT." (a deputy signs for the head), "Q."
    (acting head), "TL."/"TUQ." (on the head's order or authority; the signer's own title is left for the
    author), "TM." (People's Committees: on behalf of the committee)."""
    head = head_signer(issuer_name)
    if head.authority == "TM.":  # a People's Committee: TM. for the chair, KT. CHỦ TỊCH for a vice-chair
        if authority == "KT.":
            return Signer("TM.", "ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", name)
        return Signer("TM.", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH", name)
    title = head.title
    if authority == "KT.":
        return Signer("KT.", title, DEPUTY.get(title, "PHÓ " + title), name)
    if authority == "Q.":
        return Signer("Q.", title, "", name)
    if authority in ("TL.", "TUQ."):
        return Signer(authority, title, "", name)
    return Signer("", "", title, name)


def issuer(unit: Unit, day: dt.date, field_name: str = "unit") -> Issuer:
    """The issuing agency of a document about `unit` dated `day`. For a province, its DX agency on that day
    (the People's Committee itself when the registry holds none); for any other unit, the unit as it stood
    on that day."""
    current = as_of(unit, day, field_name)
    if current.kind == UnitKind.PROVINCE:
        current = dx_agency(current, day) or current
    province = province_of(current)
    if current.kind in (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE):
        territory = _territory(current)
        return Issuer(unit=current, parent_agency="",
                      agency=f"ỦY BAN NHÂN DÂN\n{current.name.upper()}",
                      agency_full=f"Ủy ban nhân dân {current.name[0].lower()}{current.name[1:]}",
                      abbr="UBND", place=territory, signer=head_signer(current.name), province=province)
    parent = current.parent
    parent_line = ""
    if parent is not None:
        parent_line = (f"UBND {parent.name.upper()}" if parent.kind in (UnitKind.PROVINCE, UnitKind.DISTRICT,
                                                                         UnitKind.COMMUNE) else parent.name.upper())
    place_unit = province or parent or current
    return Issuer(unit=current, parent_agency=parent_line, agency=_name_stem(current).upper(),
                  agency_full=current.name, abbr=(current.short_name or "").replace(" ", "") or "VP",
                  place=_territory(place_unit), signer=head_signer(_name_stem(current)), province=province)
