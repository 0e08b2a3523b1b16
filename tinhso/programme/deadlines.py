"""Deadlines as Vietnamese plans write them.

A plan rarely gives a day: it says "Quý IV/2023", "Tháng 6/2023", "6 tháng đầu năm 2023", "Năm 2023",
"2023–2025" or "Thường xuyên". `parse_deadline` turns such a text into the date the task is judged by
(a period means its last day) and keeps the text as written, so pages and exports show what the plan said:
"Quý IV/2023 (31/12/2023)".

A recurring task ("Thường xuyên", "Hằng năm", "Hằng quý", "Hằng tháng") runs through the whole plan: it has
no deadline of its own, so it is never overdue as a whole; it is reported period by period instead
(`reporting_periods`), by quarter unless the text says monthly or yearly.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.tabular import parse_date
from tinhso.core.text import fold

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
RECURRING = {"thuong xuyen": "quarter", "hang nam": "year", "hang quy": "quarter", "hang thang": "month",
             "hang ngay": "quarter", "lien tuc": "quarter"}


@dataclass(frozen=True)
class Deadline:
    due_date: dt.date | None
    text: str = ""  # as written, when it is not a plain date
    recurring: bool = False


def _last_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _normal(text: str) -> str:
    folded = fold(text.replace("–", "-").replace("—", "-").replace("‒", "-"))
    folded = re.sub(r"\s*([/-])\s*", r"\1", folded)
    return folded.strip(" .;")


def _period_date(text: str) -> dt.date | None:
    """The last day of the period a text names, or None when it names none."""
    t = _normal(text)
    t = re.sub(r"^(truoc|den|cham nhat|trong)\s+(ngay\s+)?", "", t)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    if m := re.fullmatch(r"quy\s*(iv|iii|ii|i|[1-4])(?:/|-|\s+nam\s+|\s+)(\d{4})", t):
        quarter = ROMAN.get(m.group(1)) or int(m.group(1))
        return _last_of_month(int(m.group(2)), quarter * 3)
    if m := re.fullmatch(r"thang\s*(\d{1,2})(?:/|-|\s+nam\s+|\s+)(\d{4})", t):
        month = int(m.group(1))
        if 1 <= month <= 12:
            return _last_of_month(int(m.group(2)), month)
        return None
    if m := re.fullmatch(r"(\d{1,2}|sau|chin|ba)\s+thang\s+(dau|cuoi)\s+nam\s*(\d{4})", t):
        months = {"sau": 6, "chin": 9, "ba": 3}.get(m.group(1)) or int(m.group(1))
        year = int(m.group(3))
        if m.group(2) == "cuoi":
            return dt.date(year, 12, 31) if 1 <= months <= 12 else None
        return _last_of_month(year, months) if 1 <= months <= 12 else None
    if m := re.fullmatch(r"(?:nam\s*)?(\d{4})", t):
        return dt.date(int(m.group(1)), 12, 31)
    if m := re.fullmatch(r"(?:giai doan\s*|nam\s*|tu\s*)?(\d{4})(?:-|\s+den\s+|\s+-\s+)(?:nam\s*)?(\d{4})", t):
        first, last = int(m.group(1)), int(m.group(2))
        return dt.date(last, 12, 31) if last >= first else None
    return None


def recurring_kind(text: str) -> str | None:
    """'quarter', 'month' or 'year' for a recurring deadline text, else None."""
    return RECURRING.get(_normal(text))


def parse_deadline(value, field: str = "due_date", row: int | None = None) -> Deadline:
    """A deadline cell: an exact date (dd/mm/yyyy, yyyy-mm-dd or an Excel date), a period, or a recurring
    word. Raises a field error naming the accepted forms otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Deadline(None)
    if isinstance(value, (dt.date, dt.datetime)):
        return Deadline(parse_date(value, field, row))
    text = " ".join(str(value).split())
    if recurring_kind(text):
        return Deadline(None, text, True)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1900 < value < 2200 and value == int(value):
        text = str(int(value))  # a year typed in a number cell
    try:
        return Deadline(parse_date(text, field, row))
    except ValidationFailed:
        pass
    day = _period_date(text)
    if day is None:
        raise ValidationFailed(FieldError(
            field, f"hạn '{text}' không hợp lệ; ghi ngày (dd/mm/yyyy), kỳ (Quý IV/2023, Tháng 6/2023, 6 tháng đầu năm "
                   "2023, Năm 2023, 2023–2025) hoặc 'Thường xuyên'",
            f"deadline '{text}' is not understood; write a date (dd/mm/yyyy), a period (Quý IV/2023, Tháng 6/2023, "
            "6 tháng đầu năm 2023, Năm 2023, 2023–2025) or 'Thường xuyên' (recurring)", row))
    return Deadline(day, text)


def display(due_date: dt.date | None, text: str = "", recurring: bool = False) -> str:
    """What a page shows: the text as written with the date it means, e.g. 'Quý IV/2023 (31/12/2023)'."""
    if recurring:
        return text or "Thường xuyên"
    if due_date is None:
        return ""
    if text:
        return f"{text} ({due_date:%d/%m/%Y})"
    return f"{due_date:%d/%m/%Y}"


def _quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date


def reporting_periods(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    """The periods (quarters by default, months or years) a recurring task is reported in, from `start` to
    `end` inclusive."""
    periods: list[Period] = []
    if kind == "year":
        for year in range(start.year, end.year + 1):
            periods.append(Period(f"Năm {year}", dt.date(year, 1, 1), dt.date(year, 12, 31)))
    elif kind == "month":
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            periods.append(Period(f"Tháng {month}/{year}", dt.date(year, month, 1), _last_of_month(year, month)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        year, quarter = start.year, _quarter_of(start)
        while (year, quarter) <= (end.year, _quarter_of(end)):
            label = ["I", "II", "III", "IV"][quarter - 1]
            periods.append(Period(f"Quý {label}/{year}", dt.date(year, quarter * 3 - 2, 1),
                                  _last_of_month(year, quarter * 3)))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return periods
