"""Report content: how a domain app puts its figures into the official documents tinhso drafts.

The documents app (``tinhso.documents``) lays a document out (Decree 30/2020/NĐ-CP); it knows no domain
app's internals. The content comes from each app's ``tinhso/<app>/report.py``, discovered here the way
``tinhso.ioc.registry`` discovers ``ioc.py``. Every name below is optional in that module:

``ORDER: int``
    Where the app's sections stand in the periodic report (lower first; 50 when absent). The core
    apps use programme 10, indicators 20, dti 30, transport 40, security 50, sharing 60.

``sections(request: ReportRequest) -> list[Section]``
    The app's part of the periodic DX report of ``request.unit``'s subtree for ``request.period``:
    paragraphs of Vietnamese sentences, tables, appendices, and prefilled "tồn tại, hạn chế"
    (``Section.problems``) and "nhiệm vụ thời gian tới" (``Section.next_tasks``) items. Every figure
    is computed by the same service functions the app's own pages use (a test per app asserts it).
    Return ``[]`` when the app has nothing for this unit and period, or the user may not see it;
    never a section of blanks.

``DOCUMENTS: dict[str, Callable[[ReportRequest, str], Report]]``
    Whole documents the app drafts besides its sections of the periodic report, by kind:
    ``"plan"`` (programme: the yearly DX plan with its task appendix; the reference is the plan's
    code or id, or ``""`` for the unit's plan of the period's year), ``"dti_results"`` (dti: a round's
    results with the ranking appendix; the reference is the round's id, or ``""`` for the latest
    round published by the period's end) and ``"security_proposal"``/``"security_decision"`` (security: a
    level dossier's submission for appraisal and approval, and the draft approval decision; the reference
    is the dossier's id). Called through :func:`document`. A submission fills ``Report.addressees`` and
    ``closing``, a decision ``grounds``, ``authority`` and ``articles``; either may set ``issuer`` and
    ``date``.

Rules every provider keeps:

* Read through your own app's services; never import another domain app.
* Respect ``request.user``'s permissions with your services' own checks; what the user may not see is
  left out (a ``Forbidden`` from your services leaves your part out and is noted in ``Report.omitted``).
* Texts are Vietnamese, in the register of the department's reports ("đạt 103% kế hoạch"); numbers
  through ``tinhso.core.formatting`` (1.562 · 97,4% · dd/mm/yyyy), or raw in table cells with a
  column format (the layout formats them, so DOCX and PDF agree).
* Figures are as of ``request.as_of``: the period's last day, or the drafting day when the period
  has not ended yet.

This module also parses report periods (:func:`parse_period`), assembles the periodic report of a unit
(:func:`periodic_report`) and drafts a news item from it (:func:`news_item`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from types import ModuleType
from typing import Any

from tinhso.core.errors import DomainError, FieldError, NotFound, ValidationFailed
from tinhso.core.formatting import vn_date, vn_number, vn_percent, vn_signed

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- periods

MONTH, QUARTER, HALF, NINE_MONTHS, YEAR = "month", "quarter", "half", "nine_months", "year"
PERIOD_KINDS = (MONTH, QUARTER, HALF, NINE_MONTHS, YEAR)
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_KEY = re.compile(r"^(\d{4})(?:-(\d{1,2})|-Q([1-4])|-H([12])|-(9M))?$")


@dataclass(frozen=True)
class ReportPeriod:
    """The span a periodic report covers. ``kind`` is one of PERIOD_KINDS; ``index`` the month (1–12),
    quarter (1–4) or half (1–2) within ``year`` (1 for nine months and year). Keys: ``2026-09``,
    ``2026-Q3``, ``2026-H1``, ``2026-9M`` (the first nine months), ``2026``."""

    kind: str
    year: int
    index: int = 1

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.kind == HALF:
            return f"{self.year}-H{self.index}"
        if self.kind == NINE_MONTHS:
            return f"{self.year}-9M"
        return str(self.year)

    @property
    def start(self) -> dt.date:
        if self.kind == MONTH:
            return dt.date(self.year, self.index, 1)
        if self.kind == QUARTER:
            return dt.date(self.year, 3 * self.index - 2, 1)
        if self.kind == HALF:
            return dt.date(self.year, 6 * self.index - 5, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        last = {MONTH: self.index, QUARTER: 3 * self.index, HALF: 6 * self.index, NINE_MONTHS: 9,
                YEAR: 12}[self.kind]
        return dt.date(self.year, last, calendar.monthrange(self.year, last)[1])

    @property
    def months(self) -> int:
        return {MONTH: 1, QUARTER: 3, HALF: 6, NINE_MONTHS: 9, YEAR: 12}[self.kind]

    @property
    def year_start(self) -> dt.date:
        """1 January of the year: cumulative figures ("lũy kế từ đầu năm") run from here to ``end``."""
        return dt.date(self.year, 1, 1)

    @property
    def phrase(self) -> str:
        """The period inside a sentence: "tháng 9 năm 2026", "quý III năm 2026", "6 tháng đầu năm 2026",
        "6 tháng cuối năm 2026", "9 tháng đầu năm 2026", "năm 2026"."""
        if self.kind == MONTH:
            return f"tháng {self.index} năm {self.year}"
        if self.kind == QUARTER:
            return f"quý {_ROMAN[self.index]} năm {self.year}"
        if self.kind == HALF:
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        if self.kind == NINE_MONTHS:
            return f"9 tháng đầu năm {self.year}"
        return f"năm {self.year}"

    @property
    def label(self) -> str:
        """The period as a heading or the start of a sentence: "Quý III năm 2026", "6 tháng đầu năm 2026"."""
        return self.phrase[0].upper() + self.phrase[1:]

    @property
    def single_key(self) -> str | None:
        """The key of the same span as the periodic modules' own periods (indicators' forms and targets:
        month, quarter, half, year), or None for nine months, which no form reports."""
        return None if self.kind == NINE_MONTHS else self.key

    def next(self) -> ReportPeriod:
        """The period the "nhiệm vụ thời gian tới" are for: the next month, quarter, half or year; after
        the first nine months, the fourth quarter."""
        if self.kind == NINE_MONTHS:
            return ReportPeriod(QUARTER, self.year, 4)
        count = {MONTH: 12, QUARTER: 4, HALF: 2, YEAR: 1}[self.kind]
        if self.index < count:
            return ReportPeriod(self.kind, self.year, self.index + 1)
        return ReportPeriod(self.kind, self.year + 1, 1)

    def same_period_last_year(self) -> ReportPeriod:
        return ReportPeriod(self.kind, self.year - 1, self.index)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.key


def parse_period(key: str, field_name: str = "period") -> ReportPeriod:
    """'2026-09' (or '2026-9') → September 2026; '2026-Q3'; '2026-H1'; '2026-9M' (first nine months);
    '2026'. A bad key raises ``ValidationFailed`` naming ``field_name``, in Vietnamese and English."""
    match = _KEY.match((key or "").strip().upper())
    if not match:
        raise ValidationFailed(FieldError(
            field_name, f"kỳ báo cáo '{key}' không hợp lệ; dùng YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY-9M hoặc YYYY",
            f"invalid period '{key}'; use YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY-9M or YYYY"))
    year_text, month, quarter, half, nine = match.groups()
    year = int(year_text)
    if not 1990 <= year <= 2100:
        raise ValidationFailed(FieldError(field_name, "năm ngoài khoảng 1990–2100", "year outside 1990–2100"))
    if month:
        if not 1 <= int(month) <= 12:
            raise ValidationFailed(FieldError(field_name, "tháng phải từ 01 đến 12", "month must be 01–12"))
        return ReportPeriod(MONTH, year, int(month))
    if quarter:
        return ReportPeriod(QUARTER, year, int(quarter))
    if half:
        return ReportPeriod(HALF, year, int(half))
    if nine:
        return ReportPeriod(NINE_MONTHS, year)
    return ReportPeriod(YEAR, year)


# ---------------------------------------------------------------- content

# column formats of a Table: how the layout turns a raw cell into text
TEXT, INTEGER, DATE = "text", "int", "date"


def number_format(decimals: int = 0) -> str:
    """A number column with `decimals` decimals (trailing zeros kept, so a column aligns): "number:2"."""
    return f"number:{decimals}"


def percent_format(decimals: int = 1) -> str:
    """A column of percentages (the cell holds 97.4 for 97,4%): "percent:1"."""
    return f"percent:{decimals}"


def signed_format(decimals: int = 0) -> str:
    """A column of changes carrying their sign (+4,07 · −1,5): "signed:2"."""
    return f"signed:{decimals}"


def format_cell(value: Any, fmt: str = TEXT) -> str:
    """A cell as the document prints it. ``None`` is an empty cell; text passes through whatever the
    format; numbers follow the column format (see number_format, percent_format, signed_format)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    kind, _, digits = fmt.partition(":")
    decimals = int(digits) if digits else 0
    if kind == DATE or isinstance(value, dt.date):
        return vn_date(value)
    if kind == INTEGER:
        return vn_number(value)
    if kind == "number":
        return vn_number(value, decimals, fixed=True)
    if kind == "percent":
        return vn_percent(value, decimals)
    if kind == "signed":
        return vn_signed(value, decimals, fixed=True)
    return vn_number(value, 2) if isinstance(value, (int, float, Decimal)) else str(value)


@dataclass
class Table:
    """A table of a section or an appendix. ``rows`` hold raw values (str, int, Decimal, float, date,
    None); ``formats`` (one per column, TEXT when absent) say how to print them; ``total`` is an optional
    last row printed bold; ``note`` a source line under the table ("Nguồn: …")."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    formats: list[str] = field(default_factory=list)
    total: list[Any] | None = None
    note: str = ""
    key: str = ""

    def format_of(self, column: int) -> str:
        return self.formats[column] if column < len(self.formats) else TEXT

    def numeric(self, column: int) -> bool:
        """Whether the column is right-aligned (numbers)."""
        return self.format_of(column) != TEXT

    def text_row(self, row: list[Any]) -> list[str]:
        return [format_cell(value, self.format_of(i)) for i, value in enumerate(row)]

    def text_rows(self) -> list[list[str]]:
        """Every row (then the total) as printed text."""
        rows = [self.text_row(r) for r in self.rows]
        if self.total is not None:
            rows.append(self.text_row(self.total))
        return rows


@dataclass
class Figure:
    """One headline figure of a section: the raw value, its printed text, the module's own sentence about
    it, and whether a news item leads with it. Keys are "<app>.<name>" (tests compare them with the
    module's figures)."""

    key: str
    label: str
    value: Decimal | int | float | None
    text: str
    sentence: str = ""
    headline: bool = False


@dataclass
class Section:
    """An app's part of a document. ``paragraphs`` are Vietnamese sentences (one paragraph each);
    ``tables`` stand in the body, ``appendices`` go to the appendices ("Phụ lục") at the end; ``problems``
    and ``next_tasks`` are prefilled items of the report's "tồn tại, hạn chế" and "nhiệm vụ thời gian
    tới" parts, for the author to edit; ``url`` is the module's page behind the figures."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    appendices: list[Table] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    next_tasks: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    url: str = ""
    source: str = ""  # the app label; set by the registry when empty

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


@dataclass
class ReportRequest:
    """Who drafts what: ``unit`` is the unit whose subtree the report covers (a province or an agency),
    ``period`` the span, ``user`` the author (figures are limited to what this user may read), ``today``
    the drafting day. ``memo`` is scratch space for one report (keys prefixed by the app label)."""

    user: Any
    unit: Any
    period: ReportPeriod
    today: dt.date = field(default_factory=dt.date.today)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def as_of(self) -> dt.date:
        """The day figures and task states are judged on: the period's end, or today while it runs."""
        return min(self.period.end, self.today)


@dataclass
class Report:
    """A document's content. ``kind``: "report" (periodic DX report), "plan" (yearly DX plan),
    "dti_results". ``title`` is the document type ("Báo cáo", "Kế hoạch"); ``summary`` the trích yếu
    ("Kết quả thực hiện chuyển đổi số quý III năm 2026"); ``appendices`` every section's appendix tables
    in order (numbered "Phụ lục I", "Phụ lục II"… by the layout); ``problems``/``next_tasks`` gathered from
    the sections; ``omitted`` the apps left out, with why; ``timings`` seconds per app."""

    kind: str
    request: ReportRequest
    title: str
    summary: str
    sections: list[Section] = field(default_factory=list)
    opening: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    next_tasks: list[str] = field(default_factory=list)
    appendices: list[Table] = field(default_factory=list)
    omitted: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # a single-purpose document (a submission, a decision) says who issues it and when, and its own parts:
    issuer: Any = None  # the issuing unit when not request.unit (e.g. the approver of a level dossier); a
    # province stands for its DX agency, or for its People's Committee with issuer_committee
    issuer_committee: bool = False
    date: dt.date | None = None  # the document's date when the content fixes it (the dossier's date)
    addressees: list[str] = field(default_factory=list)  # "Kính gửi: …" of a submission (tờ trình)
    grounds: list[str] = field(default_factory=list)  # "Căn cứ …;" lines of a decision
    authority: str = ""  # the decision's issuing authority line ("GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    articles: list[str] = field(default_factory=list)  # "Điều 1. …" of a decision
    closing: str = ""  # the last sentence of a submission ("Kính đề nghị … xem xét, thẩm định./.")

    def figures(self) -> dict[str, Figure]:
        """Every section's figures by key."""
        return {f.key: f for s in self.sections for f in s.figures}

    def gather(self) -> Report:
        """Collect the sections' problems, next tasks and appendices into the report's own lists."""
        self.problems = [p for s in self.sections for p in s.problems]
        self.next_tasks = [t for s in self.sections for t in s.next_tasks]
        self.appendices = [t for s in self.sections for t in s.appendices]
        return self


@dataclass
class NewsDraft:
    """A news item (tin bài) for the department's portal: a title, a lead paragraph (sapo) and body
    paragraphs, for an editor to finish."""

    title: str
    lead: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join([self.title, self.lead, *self.paragraphs])


# ---------------------------------------------------------------- discovery

@lru_cache(maxsize=1)
def providers() -> dict[str, ModuleType]:
    """{app label: its report module} for every installed app that has one, by ORDER (then app order)."""
    from django.apps import apps

    found = {}
    for config in apps.get_app_configs():
        try:
            found[config.label] = importlib.import_module(f"{config.name}.report")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.report":
                raise  # the module exists but imports something missing: a real bug
    return dict(sorted(found.items(), key=lambda kv: getattr(kv[1], "ORDER", 50)))


def forget() -> None:
    """Drop the discovery cache (tests that install a provider)."""
    providers.cache_clear()


def document_kinds() -> dict[str, str]:
    """{document kind: app label} of every DOCUMENTS entry."""
    return {kind: label for label, module in providers().items() for kind in getattr(module, "DOCUMENTS", {})}


def sections(request: ReportRequest, only: list[str] | None = None) -> tuple[list[Section], list[tuple[str, str]],
                                                                               dict[str, float]]:
    """Every provider's sections in order, the apps left out with why, and the seconds each took.
    A provider's DomainError (e.g. Forbidden) leaves its part out with its message; any other error
    too, logged, with "lỗi khi lấy số liệu" — one broken app must not stop the office's report, but the
    author is told which part is missing."""
    found: list[Section] = []
    omitted: list[tuple[str, str]] = []
    timings: dict[str, float] = {}
    for label, module in providers().items():
        call: Callable | None = getattr(module, "sections", None)
        if call is None or (only is not None and label not in only):
            continue
        started = time.perf_counter()
        try:
            for section in call(request):
                section.source = section.source or label
                found.append(section)
        except DomainError as exc:
            omitted.append((label, exc.vi))
        except Exception:  # noqa: BLE001 - see docstring
            logger.exception("report sections of %s failed", label)
            omitted.append((label, "lỗi khi lấy số liệu / error while reading the figures"))
        timings[label] = time.perf_counter() - started
    return found, omitted, timings


def periodic_report(request: ReportRequest, only: list[str] | None = None) -> Report:
    """The periodic DX report of ``request.unit`` for ``request.period``: an opening paragraph, every
    app's sections in ORDER, then the gathered "tồn tại, hạn chế", "nhiệm vụ thời gian tới" and
    appendices. ``only`` limits it to some apps (by label)."""
    found, omitted, timings = sections(request, only)
    period, unit = request.period, request.unit
    report = Report(kind="report", request=request, title="Báo cáo",
                    summary=f"Kết quả thực hiện chuyển đổi số {period.phrase}",
                    sections=found, omitted=omitted, timings=timings)
    report.opening = [
        f"Kết quả thực hiện nhiệm vụ chuyển đổi số {period.phrase} {place_phrase(unit)} (số liệu tính đến ngày "
        f"{vn_date(request.as_of)}) như sau:"]
    report.gather()
    if not report.next_tasks:
        report.next_tasks = [f"Tiếp tục triển khai các nhiệm vụ chuyển đổi số {period.next().phrase} theo kế hoạch."]
    return report


def document(kind: str, request: ReportRequest, reference: str = "") -> Report:
    """A whole document of `kind` (see DOCUMENTS in the module docstring); NotFound for an unknown kind."""
    label = document_kinds().get(kind)
    if label is None:
        raise NotFound(f"Loại văn bản '{kind}'", f"Document kind '{kind}'")
    report = providers()[label].DOCUMENTS[kind](request, reference)
    for section in report.sections:
        section.source = section.source or label
    return report.gather()


# ---------------------------------------------------------------- news item

def news_item(report: Report) -> NewsDraft:
    """A news item drafted from a periodic report, in the register of the department's portal: the
    period and the unit in the title, a lead with the headline figures, one paragraph per section with
    its headline sentences, and a closing paragraph with the next period's main tasks."""
    request = report.request
    period, unit = request.period, request.unit
    where = place_phrase(unit)
    headline = [f for s in report.sections for f in s.figures if f.headline and f.sentence]
    title = f"{unit.name}: kết quả chuyển đổi số {period.phrase}"
    lead = f"{period.label}, công tác chuyển đổi số {where} tiếp tục được triển khai"
    if headline:
        lead += "; " + _lower_first(headline[0].sentence.rstrip("."))
    lead += "."
    paragraphs = []
    for section in report.sections:
        sentences = [f.sentence.rstrip(".") for f in section.figures if f.headline and f.sentence]
        if section.figures and headline and sentences and sentences[0] == headline[0].sentence.rstrip("."):
            sentences = sentences[1:]
        if sentences:
            joined = "; ".join(_lower_first(s) for s in sentences)
            paragraphs.append(f"Về {_lower_first(section.title)}, {joined}.")
    if report.next_tasks:
        tasks = [_lower_first(re.sub(r"\s*\([^()]*\)$", "", t.rstrip("."))) for t in report.next_tasks[:3]]
        paragraphs.append(f"{period.next().label}, {in_sentence(unit.name)} tập trung " + "; ".join(tasks) + ".")
    return NewsDraft(title=title, lead=lead, paragraphs=paragraphs)


_AREA_WORDS = ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Đặc khu ", "Huyện ", "Quận ", "Thị xã ")


def in_sentence(name: str) -> str:
    """A unit's name inside a sentence: the area words of provinces and communes are lower-case there
    ("tỉnh Lào Cai", "phường Bắc Kạn"); agencies keep their capital ("Sở Y tế")."""
    for word in _AREA_WORDS:
        if name.startswith(word):
            return word.lower() + name[len(word):]
    return name


def place_phrase(unit: Any) -> str:
    """Where a report's results were achieved: "trên địa bàn tỉnh Lào Cai" for an area (province,
    commune), "tại Sở Y tế Thái Nguyên" for an agency."""
    name = in_sentence(unit.name)
    return f"trên địa bàn {name}" if name != unit.name else f"tại {name}"


def actors(unit: Any) -> str:
    """Who did it, as the subject of a sentence: "các cơ quan, đơn vị" in an area (a province, a commune),
    the agency itself otherwise ("Sở Y tế Thái Nguyên")."""
    return "các cơ quan, đơn vị" if in_sentence(unit.name) != unit.name else unit.name


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the sentence starts with a name or an abbreviation
    ("Tỉnh Lào Cai", "DTI", "Sở …" stay)."""
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first.isupper() or first in _PROPER_STARTS):
        return text
    return text[0].lower() + text[1:]


_PROPER_STARTS = {"Tỉnh", "Thành", "Sở", "UBND", "Ủy", "Ban", "Văn", "Trung", "Xã", "Phường", "Huyện"}


def count_text(value: int, noun: str) -> str:
    """"12 nhiệm vụ" with the Vietnamese thousands dot."""
    return f"{vn_number(value)} {noun}"


def share_text(part: int, whole: int) -> str:
    """"12/15 (80%)"."""
    if not whole:
        return f"{vn_number(part)}/{vn_number(whole)}"
    return f"{vn_number(part)}/{vn_number(whole)} ({vn_percent(part * 100 / whole)})"
