"""Decree 30/2020/NĐ-CP, Appendix I, as data: page, margins, font, the size and style of every block, the
signer's authority forms and the document-type abbreviations (data/nd30_2020.yaml, each rule marked confirmed
or not), plus the few formatting functions the rules imply (place-date line, number-symbol)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "nd30_2020.yaml"


@dataclass(frozen=True)
class Range:
    min: float
    max: float
    use: float

    def accepts(self, value: float) -> bool:
        return self.min - 1e-6 <= value <= self.max + 1e-6

    @property
    def text(self) -> str:
        low, high = (f"{v:g}".replace(".", ",") for v in (self.min, self.max))
        return low if low == high else f"{low}–{high}"


@dataclass(frozen=True)
class BlockStyle:
    key: str
    size: Range
    bold: bool | None
    italic: bool | None
    upper: bool
    confirmed: bool
    note: str
    text: str = ""


@dataclass(frozen=True)
class Rules:
    reference: str
    page_mm: tuple[float, float]
    margins: dict[str, Range]
    font: str
    page_number: Range
    blocks: dict[str, BlockStyle]
    body_indent_cm: Range
    body_space_after_pt: float
    body_line_spacing: Range
    authorities: dict[str, str]
    document_types: dict[str, str]
    unconfirmed: list[str]

    def block(self, key: str) -> BlockStyle:
        return self.blocks[key]


def _range(raw: dict) -> Range:
    low = raw.get("min", raw.get("use"))
    return Range(float(low), float(raw.get("max", 10**6)), float(raw.get("use", low)))


@cache
def rules() -> Rules:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    blocks = {
        key: BlockStyle(key=key, size=_range(spec["size"]), bold=spec.get("bold"), italic=spec.get("italic"),
                        upper=spec.get("case") == "upper", confirmed=bool(spec.get("confirmed")),
                        note=spec.get("note", ""), text=spec.get("text", ""))
        for key, spec in raw["blocks"].items()
    }
    unconfirmed = [f"{key}: {spec['note']}" for key, spec in raw["blocks"].items() if not spec.get("confirmed")]
    unconfirmed += [f"{code}: {spec['note']}" for code, spec in raw["document_types"].items()
                    if not spec.get("confirmed")]
    body = raw["blocks"]["body"]
    return Rules(
        reference=raw["reference"],
        page_mm=tuple(raw["page"]["size_mm"]),
        margins={side: _range(spec) for side, spec in raw["page"]["margins_mm"].items()},
        font=raw["font"]["name"],
        page_number=_range(raw["page_numbers"]["size"]),
        blocks=blocks,
        body_indent_cm=_range(body["first_line_indent_cm"]),
        body_space_after_pt=float(body["space_after_pt"]["use"]),
        body_line_spacing=_range(body["line_spacing"]),
        authorities={code: spec["abbr"] for code, spec in raw["signer_authorities"].items()},
        document_types={code: spec["vi"] for code, spec in raw["document_types"].items()},
        unconfirmed=unconfirmed,
    )


def day_text(value: int) -> str:
    """Days below 10 take a leading zero (ngày 05)."""
    return f"{value:02d}"


def month_text(value: int) -> str:
    """Months 1 and 2 take a leading zero (tháng 01, tháng 02); 3–12 are written as they are (tháng 7)."""
    return f"{value:02d}" if value in (1, 2) else str(value)


def place_date(place: str, day: dt.date) -> str:
    """"Thái Nguyên, ngày 05 tháng 01 năm 2026"."""
    return f"{place}, ngày {day_text(day.day)} tháng {month_text(day.month)} năm {day.year}"


def number_symbol(number: int | None, type_code: str, agency_abbr: str) -> str:
    """"Số: 125/BC-UBND"; before a number is allocated, "Số:      /BC-UBND" (the space the register fills)."""
    symbol = f"{type_code}-{agency_abbr}" if type_code else agency_abbr
    return f"Số: {number}/{symbol}" if number else f"Số:      /{symbol}"


PLACE_PATTERN = re.compile(r"^(?P<place>[^,]+), ngày (?P<d>\d{1,2}) tháng (?P<m>\d{1,2}) năm (?P<y>\d{4})$")
NUMBER_PATTERN = re.compile(r"^Số:\s*(?P<n>\d*)\s*/\s*(?P<symbol>\S+)$")


def place_date_problems(text: str) -> list[tuple[str, str]]:
    """What is wrong with a place-date line, as (vi, en) pairs; empty when it follows the rule."""
    match = PLACE_PATTERN.match(text.strip())
    if not match:
        return [("dòng địa danh, ngày tháng không theo mẫu “<Địa danh>, ngày dd tháng mm năm yyyy”",
                 "the place-date line does not read “<Place>, ngày dd tháng mm năm yyyy”")]
    problems = []
    d, m, y = match["d"], match["m"], int(match["y"])
    try:
        dt.date(y, int(m), int(d))
    except ValueError:
        return [("ngày tháng không có thật", "the date does not exist")]
    if d != day_text(int(d)):
        problems.append((f"ngày nhỏ hơn 10 phải có số 0 phía trước (“{d}” → “{day_text(int(d))}”)",
                         f"days below 10 take a leading zero (“{d}” → “{day_text(int(d))}”)"))
    if m != month_text(int(m)):
        problems.append((f"tháng viết “{m}”, đúng là “{month_text(int(m))}” (chỉ tháng 1, 2 thêm số 0)",
                         f"month written “{m}”, should be “{month_text(int(m))}” (only months 1 and 2 take a zero)"))
    return problems


def number_problems(text: str) -> list[tuple[str, str]]:
    match = NUMBER_PATTERN.match(text.strip())
    if not match:
        return [("số, ký hiệu không theo mẫu “Số: 125/BC-UBND”", "the number-symbol does not read “Số: 125/BC-UBND”")]
    symbol = match["symbol"]
    parts = symbol.split("-")
    known = rules().document_types
    if len(parts) >= 2 and parts[0] not in known and parts[0].upper() in {k.upper() for k in known}:
        return [(f"chữ viết tắt tên loại “{parts[0]}” sai chữ hoa/thường",
                 f"type abbreviation “{parts[0]}” has the wrong case")]
    if any(not p for p in parts):
        return [("ký hiệu có phần trống", "the symbol has an empty part")]
    return []
