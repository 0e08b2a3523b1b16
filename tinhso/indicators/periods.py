"""Reporting periods: month, quarter, half-year and year, with their keys ("2025-03", "2025-Q1",
"2025-H1", "2025"), dates, Vietnamese labels and roll-up (a month lies in one quarter, half and year)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from tinhso.core.errors import FieldError, ValidationFailed

MONTH, QUARTER, HALF, YEAR = "month", "quarter", "half", "year"
MONTHS_IN = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}
PERIOD_TYPE_LABELS = {
    MONTH: _("Tháng"),
    QUARTER: _("Quý"),
    HALF: _("6 tháng"),
    YEAR: _("Năm"),
}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_KEY = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    type: str

    @property
    def months(self) -> int:
        return MONTHS_IN[self.type]

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def index(self) -> int:
        """1-based position within the year: month 1–12, quarter 1–4, half 1–2, year 1."""
        return (self.start.month - 1) // self.months + 1

    @property
    def end(self) -> dt.date:
        last_month = self.start.month + self.months - 1
        return dt.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def key(self) -> str:
        if self.type == MONTH:
            return f"{self.year}-{self.start.month:02d}"
        if self.type == QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.type == HALF:
            return f"{self.year}-H{self.index}"
        return str(self.year)

    @property
    def label(self) -> str:
        """Vietnamese label as reports write it: Tháng 03/2025, Quý I/2025, 6 tháng đầu năm 2025, Năm 2025 — `display`
        read in Vietnamese, whatever the reader's language."""
        with translation.override("vi"):
            return self.display

    @property
    def display(self) -> str:
        """The label in the reader's language, for pages ("Quý I/2025", "Quarter I/2025"). `label` stays Vietnamese:
        it goes into Vietnamese documents, sentences and exports."""
        year = str(self.year)
        if self.type == MONTH:
            return pgettext("kỳ", "Tháng %(month)s/%(year)s") % {"month": f"{self.start.month:02d}", "year": year}
        if self.type == QUARTER:
            return pgettext("kỳ", "Quý %(quarter)s/%(year)s") % {"quarter": _ROMAN[self.index], "year": year}
        if self.type == HALF:
            if self.index == 1:
                return pgettext("kỳ", "6 tháng đầu năm %(year)s") % {"year": year}
            return pgettext("kỳ", "6 tháng cuối năm %(year)s") % {"year": year}
        return pgettext("kỳ", "Năm %(year)s") % {"year": year}

    def next(self) -> Period:
        month = self.start.month + self.months
        year = self.year + (month - 1) // 12
        return Period(dt.date(year, (month - 1) % 12 + 1, 1), self.type)

    def previous(self) -> Period:
        month = self.start.month - self.months
        year = self.year + (month - 1) // 12
        return Period(dt.date(year, (month - 1) % 12 + 1, 1), self.type)

    def same_period_last_year(self) -> Period:
        return Period(self.start.replace(year=self.year - 1), self.type)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def parent(self, period_type: str) -> Period:
        """The period of `period_type` that contains this one (month → quarter → year)."""
        return containing(self.start, period_type)

    def children(self, period_type: str) -> list[Period]:
        result, current = [], Period(self.start, period_type)
        while current.start <= self.end:
            result.append(current)
            current = current.next()
        return result

    def __str__(self) -> str:
        return self.key


def containing(day: dt.date, period_type: str) -> Period:
    if period_type not in MONTHS_IN:
        raise ValidationFailed(FieldError("period_type", f"loại kỳ '{period_type}' không hợp lệ",
                                          f"unknown period type '{period_type}'"))
    months = MONTHS_IN[period_type]
    first_month = (day.month - 1) // months * months + 1
    return Period(dt.date(day.year, first_month, 1), period_type)


def parse(key: str, field: str = "period") -> Period:
    """'2025-03' → March 2025, '2025-Q1', '2025-H2', '2025'. Bad keys name the field."""
    match = _KEY.match((key or "").strip().upper())
    if not match:
        raise ValidationFailed(FieldError(
            field, f"kỳ báo cáo '{key}' không hợp lệ; dùng YYYY-MM, YYYY-Qn, YYYY-Hn hoặc YYYY",
            f"invalid period '{key}'; use YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY"))
    year, month, quarter, half = match.groups()
    year = int(year)
    if not 1990 <= year <= 2100:
        raise ValidationFailed(FieldError(field, "năm ngoài khoảng 1990–2100", "year outside 1990–2100"))
    if month:
        if not 1 <= int(month) <= 12:
            raise ValidationFailed(FieldError(field, "tháng phải từ 01 đến 12", "month must be 01–12"))
        return Period(dt.date(year, int(month), 1), MONTH)
    if quarter:
        return Period(dt.date(year, (int(quarter) - 1) * 3 + 1, 1), QUARTER)
    if half:
        return Period(dt.date(year, (int(half) - 1) * 6 + 1, 1), HALF)
    return Period(dt.date(year, 1, 1), YEAR)


def periods_between(first: Period, last: Period) -> list[Period]:
    result, current = [], first
    while current.start <= last.start:
        result.append(current)
        current = current.next()
    return result
