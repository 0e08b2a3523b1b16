"""Web pages of indicators and reporting. Thin: read the request, call services, render."""

import datetime as dt
from decimal import Decimal

import pygal
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods
from pygal.style import Style

from tinhso.accounts.services import can_edit_unit, can_read_unit, home_province, require_read_unit, upload_by_writer
from tinhso.core.audit import history_of
from tinhso.core.charts import inline_svg
from tinhso.core.downloads import attach
from tinhso.core.errors import DomainError, NotFound, ValidationFailed, in_language
from tinhso.core.formatting import round_half_up, vn_number
from tinhso.core.forms import apply_errors, message
from tinhso.core.tabular import read_table, to_xlsx
from tinhso.core.text import vi_sort_key
from tinhso.core.uploads import upload_guard
from tinhso.indicators import analytics, periods, services
from tinhso.indicators.forms import IndicatorForm, ReportingFormForm, RuleForm, offsets_text
from tinhso.indicators.models import Form, Indicator, ValueType
from tinhso.units.models import Unit, UnitKind

CHART_STYLE = Style(background="white", plot_background="white", foreground="#1f2937", foreground_strong="#1f2937",
                    foreground_subtle="#6b7280", colors=("#b91c1c", "#1d4ed8", "#15803d", "#b45309", "#7c3aed"),
                    font_family="Segoe UI, Roboto, Noto Sans, DejaVu Sans, Arial, sans-serif")


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _year(value, default: int) -> int:
    """A year from the query string, kept within the years the platform covers (1990–2100)."""
    return min(max(_int(value, default), 1990), 2100)


def _date(value, default=None):
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return default


APPROVALS_PER_PAGE = 20


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = max(1, _int(request.GET.get("approvals_page"), 1))
    approvals = services.pending_approvals(user, APPROVALS_PER_PAGE, (page - 1) * APPROVALS_PER_PAGE)
    return render(request, "indicators/index.html", {
        "tasks": services.my_tasks(user),
        "approvals": approvals, "approvals_page": page,
        "reminders": services.reminders_of(user, unread_only=True, limit=10),
        "forms": Form.objects.filter(active=True),
        "today": timezone.localdate(),
    })


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    return render(request, "indicators/catalogue.html", {
        "q": query, "indicators": services.search_indicators(query, active_only=False),
        "can_edit": services.is_catalogue_editor(request.user)})


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = services.get_indicator(code)
    return render(request, "indicators/indicator.html", {
        "indicator": indicator, "revisions": indicator.revisions.all(), "entries": history_of(indicator),
        "forms": indicator.forms.all(), "can_edit": services.is_catalogue_editor(request.user),
        "unit_kind_names": [str(dict(UnitKind.choices).get(k, k)) for k in indicator.unit_kinds]})


# ---------------------------------------------------------------- catalogue editing (DX office)

@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    services.require_dx_office(request.user)
    indicator = services.get_indicator(code) if code else None
    initial = services.indicator_definition(indicator) | {"code": indicator.code, "version": indicator.version} \
        if indicator else {}
    form = IndicatorForm(request.POST or None, initial=initial)
    if indicator:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "valid_from", "reason")}
        try:
            saved = services.save_indicator(request.user, data, form.cleaned_data["version"],
                                            form.cleaned_data["valid_from"], form.cleaned_data["reason"])
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã lưu chỉ tiêu %(code)s (phiên bản %(version)s)") % {
                "code": saved.code, "version": saved.version})
            return redirect("indicators:indicator", saved.code)
    return render(request, "indicators/edit.html", {
        "form": form, "active": "catalogue",
        "back": reverse("indicators:indicator", args=[code]) if code else reverse("indicators:catalogue"),
        "title": gettext("Sửa chỉ tiêu %(code)s") % {"code": code} if code else gettext("Thêm chỉ tiêu")})


def _checklist(form: Form | None, post: dict | None) -> list[dict]:
    """Rows of the form editor's indicator table: every enterable indicator, ticked if on the form, with
    its order and whether it is required (from the posted table when there is one)."""
    items = {i.indicator_id: i for i in form.items.all()} if form else {}
    rows = []
    for indicator in Indicator.objects.order_by("code"):
        if indicator.is_derived or not (indicator.active or indicator.pk in items):
            continue
        item = items.get(indicator.pk)
        if post is not None:
            on, order, required = (f"on_{indicator.code}" in post, post.get(f"order_{indicator.code}", ""),
                                   f"required_{indicator.code}" in post)
        else:
            on, order, required = item is not None, (item.order + 1 if item else ""), (item.required if item else True)
        rows.append({"indicator": indicator, "on": on, "order": order, "required": required})
    return sorted(rows, key=_position)


def _position(row: dict) -> tuple:
    """Ticked rows first in their given order (unnumbered ones after), then the others by code."""
    order = _int(row["order"])
    return (not row["on"], order is None, order or 0, row["indicator"].code)


def _chosen(rows: list[dict]) -> list[dict]:
    return [{"code": r["indicator"].code, "required": r["required"]} for r in sorted(rows, key=_position) if r["on"]]


@login_required
@require_http_methods(["GET", "POST"])
def form_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    services.require_dx_office(request.user)
    existing = services.get_form(code) if code else None
    initial = {f: getattr(existing, f) for f in services.FORM_FIELDS} | {
        "code": existing.code, "version": existing.version,
        "reminder_offsets": offsets_text(existing.reminder_offsets)} if existing else {}
    form = ReportingFormForm(request.POST or None, initial=initial)
    if existing:
        form.fields["code"].disabled = True
    rows = _checklist(existing, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"} | {"indicators": _chosen(rows)}
        try:
            saved, _ = services.save_form(request.user, data, form.cleaned_data["version"])
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã lưu biểu mẫu %(code)s (phiên bản %(version)s)") % {
                "code": saved.code, "version": saved.version})
            return redirect("indicators:forms")
    return render(request, "indicators/form_edit.html", {
        "form": form, "rows": rows, "active": "forms", "back": reverse("indicators:forms"),
        "title": gettext("Sửa biểu mẫu %(code)s") % {"code": code} if code else gettext("Thêm biểu mẫu")})


@login_required
def forms_list(request: HttpRequest) -> HttpResponse:
    return render(request, "indicators/forms.html", {
        "forms": Form.objects.prefetch_related("items__indicator"),
        "rules": services.ValidationRule.objects.select_related("form"),
        "can_edit": services.is_catalogue_editor(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    services.require_dx_office(request.user)
    rule = services.ValidationRule.objects.filter(code=code).select_related("form").first() if code else None
    if code and rule is None:
        raise NotFound(f"Quy tắc {code}", f"Rule {code}")
    initial = {f: getattr(rule, f) for f in services.RULE_FIELDS} | {
        "code": rule.code, "form": rule.form.code if rule.form else "", "version": rule.version} if rule else {}
    form = RuleForm(request.POST or None, initial=initial,
                    form_codes=list(Form.objects.values_list("code", flat=True)))
    if rule:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            saved, _ = services.save_rule(request.user, {k: v for k, v in form.cleaned_data.items() if k != "version"},
                                          form.cleaned_data["version"])
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã lưu quy tắc %(code)s") % {"code": saved.code})
            return redirect(f"{reverse('indicators:forms')}#rules")
    return render(request, "indicators/edit.html", {
        "form": form, "active": "forms", "back": f"{reverse('indicators:forms')}#rules",
        "title": gettext("Sửa quy tắc kiểm tra %(code)s") % {"code": code} if code else
        gettext("Thêm quy tắc kiểm tra")})


def _grid(form: Form, values: dict, errors: dict[str, list[str]], warnings: dict[str, list[str]]) -> list[dict]:
    rows = []
    for item in form.items.select_related("indicator"):
        ind = item.indicator
        value = values.get(ind.code)
        if isinstance(value, Decimal):
            shown = vn_number(value, 4) if ind.value_type != ValueType.BOOLEAN else str(int(value))
        else:
            shown = value if value is not None else ""
        rows.append({"indicator": ind, "required": item.required, "value": shown,
                     "errors": errors.get(ind.code, []), "warnings": warnings.get(ind.code, [])})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(services.report_upload_check)
def report_entry(request: HttpRequest, form_code: str, unit_id: int, period: str) -> HttpResponse:
    """The data-entry screen of one unit's report for one period, with the workflow buttons."""
    form = services.get_form(form_code)
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise services.NotFound("Đơn vị", "Unit")
    services.require_view_unit(request.user, unit)
    period_obj = services.check_period(form, unit, period)
    report = services.report_for(form, unit, period)
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    general: list[str] = []
    posted: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        version = _int(request.POST.get("version"))
        try:
            if action in ("save", "submit"):
                posted = {item.indicator.code: request.POST.get(f"v_{item.indicator.code}", "")
                          for item in form.items.select_related("indicator")}
                result = services.save_report(request.user, form, unit, period, posted,
                                              version if report else None, submit=action == "submit")
                for warning in result.warnings:
                    messages.warning(request, f"{warning.code}: {in_language(warning.vi, warning.en)}")
                messages.success(request, gettext("Đã gửi báo cáo") if action == "submit" else gettext("Đã lưu"))
            elif action == "upload" and request.FILES.get("file"):
                upload = request.FILES["file"]
                rows = read_table(upload.read(), upload.name, services.XLSX_ALIASES)
                services.import_report(request.user, form, unit, period, rows)
                messages.success(request, gettext("Đã nhập số liệu từ tệp"))
            elif report is None:
                general.append(gettext("Báo cáo chưa được tạo"))
            elif action == "approve":
                services.approve_report(request.user, report.pk, version, request.POST.get("comment", ""))
                messages.success(request, gettext("Đã phê duyệt"))
            elif action == "return":
                services.return_report(request.user, report.pk, request.POST.get("comment", ""), version)
                messages.success(request, gettext("Đã trả lại"))
            elif action == "reopen":
                services.reopen_report(request.user, report.pk, request.POST.get("comment", ""), version)
                messages.success(request, gettext("Đã mở lại để điều chỉnh"))
            if not general:
                return redirect(request.path)
        except DomainError as exc:
            for error in exc.errors:
                code = error.field.removeprefix("values.")
                if error.row is not None and "(" in error.vi:
                    general.append(message(error))
                elif code in {i.indicator.code for i in form.items.all()}:
                    errors.setdefault(code, []).append(message(error))
                else:
                    general.append(message(error))
            if not exc.errors:
                general.append(in_language(exc.vi, exc.en))
            if errors and action in ("save", "submit", "upload"):
                # the inline marks alone are easy to miss on a long form: say at the top that the whole
                # save was refused, and which cells to fix
                names = {i.indicator.code: i.indicator.name for i in form.items.select_related("indicator")}
                general.insert(0, ngettext(
                    "Chưa lưu: %(count)d ô không hợp lệ nên không số liệu nào được ghi. Sửa ô được đánh dấu "
                    "rồi lưu lại: %(cells)s.",
                    "Chưa lưu: %(count)d ô không hợp lệ nên không số liệu nào được ghi. Sửa các ô được đánh "
                    "dấu rồi lưu lại: %(cells)s.", len(errors)) % {
                    "count": len(errors),
                    "cells": "; ".join(f"{names.get(code, code)} ({code}) — {' '.join(msgs)}"
                                       for code, msgs in errors.items())})
    values = services.values_of(report) if report else {}
    shown_values = {**values, **posted} if posted else values
    numeric = {k: v for k, v in values.items() if isinstance(v, Decimal)}
    derived = [(d, services.derived_value(d, numeric)) for d in services.derived_for(form)]
    can_enter = can_edit_unit(request.user, unit) and request.user.role != "viewer" and not (
        report and report.is_locked)
    return render(request, "indicators/report.html", {
        "form": form, "unit": unit, "period": period_obj, "report": report,
        "rows": _grid(form, shown_values, errors, warnings), "derived": derived, "general": general,
        "can_enter": can_enter, "can_approve": bool(report and services.can_approve(request.user, report)),
        "deadline": period_obj.end + dt.timedelta(days=form.deadline_days),
        "entries": services.report_history(report) if report else [],
        "previous": period_obj.previous(), "next": period_obj.next(),
    })


@login_required
def report_template(request: HttpRequest, form_code: str, unit_id: int, period: str) -> HttpResponse:
    form = services.get_form(form_code)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise services.NotFound("Đơn vị", "Unit")
    services.require_view_unit(request.user, unit)
    report = services.report_for(form, unit, period)
    content = to_xlsx(form.code, services.XLSX_HEADERS,
                      services.report_template(form, services.values_of(report) if report else {}))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    attach(response, f"{form.code}-{period}.xlsx")
    return response


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    forms = list(Form.objects.filter(active=True))
    form = next((f for f in forms if f.code == request.GET.get("form")), forms[0] if forms else None)
    if form is None:
        return render(request, "indicators/completeness.html", {"forms": forms})
    choices = services.open_periods(form, count=12)
    period_key = request.GET.get("period") or choices[0].key
    under = Unit.objects.filter(pk=_int(request.GET.get("under"))).first() or request.user.unit or \
        home_province(request.user)
    if under is not None:
        services.require_view_unit(request.user, under)
    try:
        table = services.completeness(form, period_key, under)
    except ValidationFailed as exc:
        return render(request, "core/error.html", {"error": exc}, status=400)
    return render(request, "indicators/completeness.html", {
        "forms": forms, "form": form, "periods": choices, "table": table, "under": under,
        "by_deadline_svg": _completeness_by_deadline(form, table, under),
        "by_unit_svg": _completeness_by_unit(table), "collapse": len(table.rows) > COLLAPSE_ROWS,
        "roots": Unit.objects.as_of(table.period.end).filter(kind=UnitKind.PROVINCE).order_by("name")})


def _completeness_bars(chart, groups: list[tuple[str, list]]) -> str:
    """Stacked bars of reports on time, late, and not (yet) submitted for each (label, rows) group."""
    chart.x_labels = [label for label, _ in groups]
    on_time = [sum(r.state in ("submitted", "approved") and not r.late for r in rows) for _, rows in groups]
    late = [sum(r.late for r in rows) for _, rows in groups]
    missing = [sum(r.state not in ("submitted", "approved") for r in rows) for _, rows in groups]
    chart.add(gettext("Đúng hạn"), on_time)
    chart.add(gettext("Trễ hạn"), late)
    chart.add(gettext("Chưa nộp"), missing)
    chart.value_formatter = lambda v: vn_number(v)
    return _chart_svg(chart)


COMPLETENESS_STYLE = Style(**{**{k: getattr(CHART_STYLE, k) for k in (
    "background", "plot_background", "foreground", "foreground_strong", "foreground_subtle", "font_family")},
    "colors": ("#15803d", "#b45309", "#b91c1c")})


def _completeness_by_deadline(form: Form, table: services.Completeness, under: Unit | None) -> str:
    """The last six periods up to the chosen one: how many reports came by the deadline, late, or not at all."""
    wanted, period = [], table.period
    for _ in range(6):
        wanted.insert(0, period)
        period = period.previous()
    groups = []
    for period in wanted:
        rows = table.rows if period == table.period else services.completeness(form, period.key, under).rows
        groups.append((period.display.replace("Tháng ", "T"), rows))
    chart = pygal.StackedBar(style=COMPLETENESS_STYLE, height=300, width=900, legend_at_bottom=True,
                             print_values=False)
    chart.title = gettext("Nộp báo cáo theo kỳ và hạn nộp")
    return _completeness_bars(chart, groups)


def _completeness_by_unit(table: services.Completeness) -> str:
    """The chosen period by the units' parents (or kinds, when they share one parent)."""
    by_parent: dict[str, list] = {}
    for row in table.rows:
        by_parent.setdefault(row.unit.parent.name if row.unit.parent else "—", []).append(row)
    if len(by_parent) < 2:
        kinds = dict(UnitKind.choices)
        by_parent = {}
        for row in table.rows:
            by_parent.setdefault(str(kinds.get(row.unit.kind, row.unit.kind)), []).append(row)
    groups = sorted(by_parent.items(), key=lambda item: vi_sort_key(item[0]))[:30]
    if not groups:
        return ""
    chart = pygal.HorizontalStackedBar(style=COMPLETENESS_STYLE, height=max(200, 34 * len(groups) + 110), width=900,
                                       legend_at_bottom=True, print_values=True, print_zeroes=False)
    chart.title = gettext("Kỳ %(period)s theo đơn vị") % {"period": table.period.display}
    return _completeness_bars(chart, list(reversed(groups)))  # pygal draws the first group at the bottom


COLLAPSE_ROWS = 15  # longer tables start folded under their chart
BAR_ENDS = 15  # a ranking of more units shows the highest and the lowest this many


def _chart_svg(chart) -> str:
    return inline_svg(chart)


@login_required
def analytics_page(request: HttpRequest) -> HttpResponse:
    """Pivot of one or more indicators: units (children of a unit, as of a date) × periods, with a
    line chart over time and a bar chart by unit, and the same period last year."""
    indicators = [i for i in Indicator.objects.filter(active=True).order_by("code") if i.is_numeric]
    if not indicators:  # an empty catalogue: nothing to analyse yet
        return render(request, "indicators/completeness.html", {"forms": []})
    codes = [i.code for i in indicators]
    chosen = [c for c in request.GET.getlist("indicator") if c in codes] or [
        "TL_HS_TRUC_TUYEN" if "TL_HS_TRUC_TUYEN" in codes else codes[0]]
    today = timezone.localdate()
    parent = Unit.objects.filter(pk=_int(request.GET.get("parent"))).first()
    # a unit that no longer exists is read as of its last day (as the API does), not as of today
    as_of = _date(request.GET.get("as_of"), analytics.default_as_of(parent, today))
    period_type = request.GET.get("period_type") if request.GET.get("period_type") in periods.MONTHS_IN else "quarter"
    year = _year(request.GET.get("year"), as_of.year)
    if parent is None:
        parent = request.user.unit if request.user.unit and request.user.unit.is_valid_on(as_of) else (
            home_province(request.user, as_of))
        if not can_read_unit(request.user, parent):  # a scoped reader starts at its own unit
            parent = request.user.unit
    require_read_unit(request.user, parent)  # the same scope as the analytics API
    children = sorted(Unit.objects.as_of(as_of).filter(parent=parent), key=lambda u: vi_sort_key(u.name)) \
        if parent else []
    targets = [parent.pk] + [c.pk for c in children] if parent else []
    # this year and last in one query each: the periods of the chosen size, and the two whole years
    first, end = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    values = analytics.series(chosen, targets, period_type, first, end, as_of) if targets else {}
    code = chosen[0]
    # "so với cùng kỳ": while the year is not over, last year's same months only (Jan–Nov against Jan–Nov)
    prior_end = services.same_months_last_year(end, today)
    same_months = prior_end.month if prior_end.year == year - 1 else 0
    if not targets:
        years = {}
    elif same_months == 12:
        years = analytics.series([code], targets, periods.YEAR, first, end, as_of)
    else:
        years = analytics.series([code], targets, periods.YEAR, dt.date(year, 1, 1), end, as_of)
        if same_months:
            years |= analytics.series([code], targets, periods.YEAR, first, prior_end, as_of)
    buckets = periods.Period(dt.date(year, 1, 1), periods.YEAR).children(period_type)
    indicator = next(i for i in indicators if i.code == code)
    decimals = services.display_decimals(indicator)
    units = [parent, *children] if parent else []
    table = []
    for unit in units:
        cells = [values.get((code, unit.pk, b.key)) for b in buckets]
        year_value = years.get((code, unit.pk, str(year)))
        last_year = years.get((code, unit.pk, str(year - 1)))
        change = (year_value / last_year * 100) if (year_value is not None and last_year) else None
        table.append({"unit": unit, "cells": cells, "year": year_value, "last_year": last_year, "change": change})
    line = pygal.Line(style=CHART_STYLE, height=320, width=900, show_legend=True, legend_at_bottom=True,
                      x_label_rotation=0, print_values=False, dots_size=3, truncate_legend=-1)
    line.title = f"{indicator.name} — {parent.name if parent else ''}"
    line.x_labels = [b.label.replace("Tháng ", "T") for b in buckets]
    for c in chosen:
        line.add(f"{c} {year}", [values.get((c, parent.pk, b.key)) if parent else None for b in buckets])
        line.add(f"{c} {year - 1}", [values.get((c, parent.pk, b.same_period_last_year().key)) if parent else None
                                     for b in buckets])
    line.value_formatter = lambda v: vn_number(v, decimals)
    ranked = sorted([row for row in table[1:] if row["year"] is not None], key=lambda r: r["year"])
    shown = ranked if len(ranked) <= 2 * BAR_ENDS else ranked[:BAR_ENDS] + ranked[-BAR_ENDS:]
    bars = pygal.HorizontalBar(style=CHART_STYLE, height=max(220, 22 * len(shown) + 80), width=900,
                               show_legend=False, print_values=True, print_values_position="top")
    bars.title = f"{indicator.name} — {year}" + (
        "" if shown is ranked else " — " + gettext("%(n)d đơn vị cao nhất và %(n)d đơn vị thấp nhất") % {"n": BAR_ENDS})
    bars.x_labels = [row["unit"].name for row in shown]
    bars.add(indicator.code, [row["year"] for row in shown])
    bars.value_formatter = lambda v: vn_number(v, decimals)
    comparison = None
    if parent and table and table[0]["year"] is not None:
        comparison = services.comparison_statement(
            indicator, parent, round_half_up(table[0]["year"], 4),
            round_half_up(table[0]["last_year"], 4) if table[0]["last_year"] else None)
    api_hint = (f"/api/v1/indicators/analytics?indicators={indicator.code}&parent={parent.pk if parent else ''}"
                f"&start={year}&period_type={period_type}&as_of={as_of.isoformat()}&compare=true")
    return render(request, "indicators/analytics.html", {
        "indicators": indicators, "chosen": chosen, "indicator": indicator, "decimals": decimals,
        "as_of": as_of, "period_type": period_type, "period_types": periods.PERIOD_TYPE_LABELS.items(),
        "year": year, "years": range(as_of.year - 5, max(as_of.year, today.year) + 1), "parent": parent,
        "buckets": buckets, "table": table, "line_svg": _chart_svg(line),
        "bar_svg": _chart_svg(bars) if ranked else "", "same_months": same_months, "api_hint": api_hint,
        "comparison": comparison, "ancestors": _ancestors(parent), "collapse": len(table) > COLLAPSE_ROWS,
        "roots": Unit.objects.as_of(as_of).filter(kind=UnitKind.PROVINCE).order_by("name"),
    })


def _ancestors(unit: Unit | None) -> list[Unit]:
    if unit is None:
        return []
    ids = [int(p) for p in unit.path.strip("/").split("/") if p][:-1]
    found = Unit.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(upload_by_writer)
def targets(request: HttpRequest) -> HttpResponse:
    year = _year(request.GET.get("year"), timezone.localdate().year)
    period = request.GET.get("period", "")
    unit = Unit.objects.filter(pk=_int(request.GET.get("unit"))).first() or request.user.unit or \
        home_province(request.user)
    errors = []
    here = f"{reverse('indicators:targets')}?unit={unit.pk if unit else ''}&year={year}"
    if request.method == "POST":
        try:
            if request.FILES.get("file"):
                upload = request.FILES["file"]
                saved = services.import_targets(request.user, read_table(upload.read(), upload.name,
                                                                         services.TARGET_ALIASES))
                messages.success(request, ngettext("Đã nhập %(n)s chỉ tiêu kế hoạch", "Đã nhập %(n)s chỉ tiêu kế hoạch",
                                                   saved) % {"n": saved})
                return redirect(here)
            target = services.set_target(request.user, request.POST.get("indicator", ""), unit, year,
                                         request.POST.get("value", ""), period=request.POST.get("period", ""),
                                         note=request.POST.get("note", ""))
            messages.success(request, gettext("Đã lưu chỉ tiêu kế hoạch"))
            return redirect(f"{here}&period={target.period}")
        except DomainError as exc:
            errors = [message(e) for e in exc.errors] or [in_language(exc.vi, exc.en)]
    if unit is not None:
        require_read_unit(request.user, unit)  # the same scope as the achievement API
    try:
        rows = services.achievements(unit, year, period, user=request.user) if unit else []
    except ValidationFailed as exc:
        errors += [message(e) for e in exc.errors]
        period, rows = "", services.achievements(unit, year, user=request.user)
    chosen = periods.parse(period) if period else None
    return render(request, "indicators/targets.html", {
        "unit": unit, "year": year, "rows": rows, "summary": services.plan_summary(rows) if rows else "",
        "chart_svg": _achievement_chart(rows), "collapse": len(rows) > COLLAPSE_ROWS,
        "period": chosen, "errors": errors,
        "years": range(timezone.localdate().year - 4, timezone.localdate().year + 2),
        "target_periods": services.target_periods(unit, year) if unit else [],
        "settable_periods": [p for kind in (periods.HALF, periods.QUARTER, periods.MONTH)
                             for p in periods.Period(dt.date(year, 1, 1), periods.YEAR).children(kind)],
        "can_set": unit is not None and (services.is_dx_office(request.user, unit)),
        "indicators": [i for i in Indicator.objects.filter(active=True) if i.is_numeric],
        "units": Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("-valid_from", "name"),
    })


ACHIEVEMENT_CAP = 150  # bars stop here so one indicator far above its plan does not flatten the others


def _achievement_chart(rows: list[services.AchievementRow]) -> str:
    """Each target's achievement as a bar against the 100% line: green when met (for a ceiling, when the
    figure stays at or below it), red when not; each bar is labelled as the table words it."""
    shown = [r for r in rows if r.pct is not None]
    if not shown:
        return ""
    chart = pygal.HorizontalBar(style=CHART_STYLE, height=max(200, 30 * len(shown) + 100), width=900,
                                show_legend=False, print_values=True, range=(0, ACHIEVEMENT_CAP),
                                truncate_label=60, y_labels=[0, 50, 100, ACHIEVEMENT_CAP])
    chart.title = gettext("Mức đạt so với kế hoạch (%)")
    shown = list(reversed(shown))  # pygal draws the first bar at the bottom: keep the table's order
    chart.x_labels = [r.indicator.name for r in shown]
    chart.add("%", [{"value": float(min(r.pct, ACHIEVEMENT_CAP)),
                     "color": "#15803d" if r.status in (services.MET, services.EXCEEDED) else "#b91c1c",
                     "formatter": lambda _value, text=r.achievement_text: text} for r in shown])
    return _chart_svg(chart)


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("id"):
        services.mark_read(request.user, _int(request.POST.get("id"), 0))
        return redirect("indicators:reminders")
    return render(request, "indicators/reminders.html", {"reminders": services.reminders_of(request.user)})
