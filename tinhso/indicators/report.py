"""Indicators in the documents tinhso drafts (see ``tinhso.core.reporting``): the targets of the report's
unit against its approved figures, with the module's own achievement sentences ("… là 97,4%/95%, đạt
103%", "… thấp hơn mức trần 70%"), and the reporting completeness of the period's forms. Off-target
indicators and missing reports prefill "tồn tại, hạn chế"."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from tinhso.core.formatting import vn_number, vn_percent
from tinhso.core.reporting import (
    INTEGER,
    NINE_MONTHS,
    TEXT,
    YEAR,
    Figure,
    ReportRequest,
    Section,
    Table,
    actors,
    percent_format,
)
from tinhso.indicators import periods, services
from tinhso.indicators.models import Direction, Form

ORDER = 20
MISSING_NAMED = 8  # units without a report named one by one in "tồn tại, hạn chế"


def _vi(label: str) -> str:
    """A choice label in Vietnamese, whatever the reader's language: the report is a Vietnamese document."""
    with translation.override("vi"):
        return str(label)


def achievement_rows(request: ReportRequest) -> tuple[list[services.AchievementRow], str]:
    """The rows the report states and how they were chosen (a phrase for the reader):
    - targets set for the report's own period (a quarter, a half, a month) → exactly the targets page of
      that period (services.achievements);
    - a yearly report → the targets page of the year;
    - otherwise the year's targets against the figures of the report's period (nine months: from 1 January
      to 30 September), services.achievements_for_span."""
    period, unit, user = request.period, request.unit, request.user
    year = period.year
    if period.kind == YEAR:
        return services.achievements(unit, year, user=user), f"kế hoạch năm {year}"
    key = period.single_key
    if key and any(p.key == key for p in services.target_periods(unit, year)):
        return services.achievements(unit, year, key, user=user), f"kế hoạch {period.phrase}"
    if period.kind == NINE_MONTHS:
        rows = services.achievements_for_span(unit, year, until=period.end, user=user)
    else:
        rows = services.achievements_for_span(unit, year, figures_period=key, user=user)
    return rows, f"kế hoạch năm {year}"


def _targets_section(request: ReportRequest) -> Section | None:
    rows, basis = achievement_rows(request)
    if not rows:
        return None
    period = request.period
    summary = services.plan_summary(rows)
    paragraphs = [f"{period.label}, trong {vn_number(len(rows))} chỉ tiêu chuyển đổi số được giao ({basis}), "
                  f"có {summary}."]
    paragraphs += [row.statement + "." for row in rows if row.actual is not None]
    table = Table(title=f"Kết quả thực hiện các chỉ tiêu chuyển đổi số {period.phrase}",
                  headers=["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt", "Đánh giá"],
                  rows=[[i, r.indicator.name, r.target_text, r.actual_text, r.achievement_text, _vi(r.status_label)]
                        for i, r in enumerate(rows, 1)],
                  formats=[INTEGER, TEXT, TEXT, TEXT, TEXT, TEXT],
                  note=f"Số liệu từ các báo cáo đã phê duyệt; so với {basis}.", key="indicators.targets")
    problems, next_tasks = [], []
    missing = [r for r in rows if r.status == services.NO_DATA]
    for r in rows:
        if r.status != services.NOT_MET:
            continue
        if r.indicator.direction == Direction.LOWER:
            problems.append(f"Chỉ tiêu \u201c{r.indicator.name}\u201d vượt mức trần: {r.statement}.")
            next_tasks.append(f"Có giải pháp đưa chỉ tiêu \u201c{r.indicator.name}\u201d về dưới mức trần "
                              f"{r.target_text.lstrip('≤ ')}.")
        else:
            problems.append(f"Chỉ tiêu \u201c{r.indicator.name}\u201d chưa đạt kế hoạch: {r.statement}.")
            next_tasks.append(f"Tập trung thực hiện chỉ tiêu \u201c{r.indicator.name}\u201d (hiện đạt {r.actual_text}, "
                              f"kế hoạch {r.target_text}).")
    if missing:
        problems.append(f"{vn_number(len(missing))} chỉ tiêu chưa có số liệu đã phê duyệt: "
                        + "; ".join(r.indicator.name for r in missing) + ".")
    good = sum(r.status in (services.MET, services.EXCEEDED) for r in rows)
    figures = [Figure("indicators.met", "Chỉ tiêu đạt và vượt kế hoạch", good,
                      f"{vn_number(good)}/{vn_number(len(rows))}", summary, headline=True)]
    stated = [r for r in rows if r.actual is not None]
    leaders = sorted((r for r in stated if r.status in (services.MET, services.EXCEEDED)),
                     key=lambda r: -(r.pct or Decimal(0)))[:2]
    for r in stated:
        figures.append(Figure(f"indicators.{r.indicator.code}", r.indicator.name, r.actual, r.actual_text,
                              r.statement, headline=r in leaders))
    return Section(key="indicators.targets", title="Kết quả thực hiện các chỉ tiêu", paragraphs=paragraphs,
                   tables=[table], problems=problems, next_tasks=next_tasks, figures=figures,
                   url=reverse("indicators:targets") + f"?unit={request.unit.pk}&year={period.year}")


def form_periods(form: Form, request: ReportRequest) -> list[periods.Period]:
    """The form's periods lying within the report's period and ended by its as-of day (a monthly form
    has three in a quarter); none when the form's period is longer than the report's."""
    span = request.period
    first = periods.containing(span.start, form.period_type)
    found = []
    current = first
    while current.end <= span.end:
        if current.start >= span.start and current.end <= request.as_of:
            found.append(current)
        current = current.next()
    return found


def completeness_rows(request: ReportRequest) -> tuple[list[tuple[Form, list[services.Completeness]]], list[Form]]:
    """Per active form the units fill in, the module's completeness table (services.completeness) of each
    of its periods in the report's period, under the report's unit; and the forms left out: those of which
    no report exists in the span (not in use yet) and those fed by other modules from their own records
    (services.fed_from_records: no unit is late with them)."""
    found = []
    keys_of = {form: [p.key for p in form_periods(form, request)]
               for form in Form.objects.filter(active=True).order_by("code")}
    keys_of = {form: keys for form, keys in keys_of.items() if keys}
    # a form nobody in the subtree entered (none, or only fed from records) is left out before the tables
    # are computed: the tables' own reports are these (read for every form at once)
    entered = services.entered_forms([(form, key) for form, keys in keys_of.items() for key in keys],
                                     request.unit)
    used = [form for form in keys_of if form.pk in entered]
    left_out = [form for form in keys_of if form.pk not in entered]
    tables = iter(services.completeness_many([(form, key) for form in used for key in keys_of[form]],
                                             request.unit, request.today))
    for form in used:
        chosen = [t for t in (next(tables) for _ in keys_of[form]) if t.expected]
        if chosen:
            found.append((form, chosen))
    return found, left_out


def _completeness_section(request: ReportRequest) -> Section | None:
    found, unused = completeness_rows(request)
    if not found:
        return None
    rows, problems = [], []
    expected = submitted = on_time = 0
    for form, tables in found:
        e = sum(t.expected for t in tables)
        s = sum(t.submitted for t in tables)
        o = sum(t.on_time for t in tables)
        expected, submitted, on_time = expected + e, submitted + s, on_time + o
        label = tables[0].period.label if len(tables) == 1 else f"{len(tables)} kỳ"
        rows.append([form.code, form.name, label, e, s, o, s * 100 / e if e else None])
        missing: dict[str, int] = {}
        for table in tables:
            if table.deadline >= request.today:
                continue  # still within its deadline
            for r in table.rows:
                if r.state not in ("submitted", "approved"):
                    missing[r.unit.name] = missing.get(r.unit.name, 0) + 1
        if missing:
            worst = sorted(missing.items(), key=lambda kv: -kv[1])
            more = len(worst) - MISSING_NAMED
            named = ", ".join(f"{name} ({vn_number(n)} kỳ)" if len(tables) > 1 else name
                              for name, n in worst[:MISSING_NAMED])
            named += f" và {vn_number(more)} đơn vị khác" if more > 0 else ""
            problems.append(f"Biểu {form.code} ({form.name}): còn {vn_number(sum(missing.values()))}/{vn_number(e)} "
                            f"báo cáo quá hạn chưa gửi, của {vn_number(len(missing))} đơn vị: {named}.")
    pct = submitted * 100 / expected if expected else None
    timely = on_time * 100 / expected if expected else None
    who = actors(request.unit)
    sentence = (f"{who[0].upper() + who[1:]} đã gửi {vn_number(submitted)}/{vn_number(expected)} báo cáo định kỳ "
                f"({vn_percent(pct)}), trong đó {vn_number(on_time)} báo cáo đúng hạn ({vn_percent(timely)})")
    table = Table(title=f"Tình hình gửi báo cáo định kỳ {request.period.phrase}",
                  headers=["Biểu", "Tên biểu mẫu", "Kỳ", "Phải gửi", "Đã gửi", "Đúng hạn", "Tỷ lệ đầy đủ"],
                  rows=rows, formats=[TEXT, TEXT, TEXT, INTEGER, INTEGER, INTEGER, percent_format(1)],
                  total=["", "Tổng cộng", "", expected, submitted, on_time, pct], key="indicators.completeness",
                  note=("Không tính các biểu chưa áp dụng trong kỳ hoặc lấy số liệu tự động từ hệ thống: "
                        + ", ".join(f.code for f in unused) + ".") if unused else "")
    figures = [Figure("indicators.completeness", "Tỷ lệ báo cáo đầy đủ", None if pct is None else Decimal(str(pct)),
                      vn_percent(pct), sentence, headline=True),
               Figure("indicators.reports_expected", "Báo cáo phải gửi", expected, vn_number(expected)),
               Figure("indicators.reports_submitted", "Báo cáo đã gửi", submitted, vn_number(submitted)),
               Figure("indicators.reports_on_time", "Báo cáo đúng hạn", on_time, vn_number(on_time))]
    next_tasks = ["Đôn đốc các đơn vị gửi đầy đủ, đúng hạn báo cáo định kỳ trên hệ thống."] if problems else []
    return Section(key="indicators.completeness", title="Tình hình báo cáo định kỳ", paragraphs=[sentence + "."],
                   tables=[table], problems=problems, next_tasks=next_tasks, figures=figures,
                   url=reverse("indicators:completeness"))


def sections(request: ReportRequest) -> list[Section]:
    return [s for s in (_targets_section(request), _completeness_section(request)) if s is not None]
