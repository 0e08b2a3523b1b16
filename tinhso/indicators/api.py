"""REST endpoints of indicators and reporting (/api/v1/indicators/...). Thin: parse, call services, shape."""

import datetime as dt
import json
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.security import SessionAuth
from pydantic import Field

from tinhso.accounts.auth import TokenAuth
from tinhso.accounts.services import upload_by_writer
from tinhso.core.api import ERROR_RESPONSES, Day, InputSchema
from tinhso.core.audit import history_of
from tinhso.core.downloads import attach
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.formatting import round_half_up
from tinhso.core.tabular import read_table, to_xlsx
from tinhso.core.uploads import upload_guard
from tinhso.indicators import analytics, services
from tinhso.indicators.models import Report, Status
from tinhso.units.services import unit_for_field

# Bearer token first, then the session: with the session first, ninja's CSRF check of the session
# cookie rejects a token-authenticated PUT/POST from a real HTTP client before the token is tried.
router = Router(tags=["indicators"], auth=[TokenAuth(), SessionAuth()])

Number = Decimal | float | int | str | bool | None


class IndicatorOut(Schema):
    code: str
    name: str
    noun: str
    unit_of_measure: str
    value_type: str
    aggregation: str
    time_aggregation: str
    direction: str
    periodicity: str
    unit_kinds: list[str]
    numerator: str
    denominator: str
    factor: Decimal
    formula: str
    min_value: Decimal | None
    max_value: Decimal | None
    decimals: int
    rate_entry: bool
    weight: str
    description: str
    source: str
    active: bool
    version: int


class IndicatorIn(InputSchema):
    code: str = Field(min_length=2, max_length=40)
    name: str | None = Field(None, max_length=300)
    noun: str | None = Field(None, max_length=120)
    unit_of_measure: str | None = Field(None, max_length=40)
    value_type: str | None = None
    aggregation: str | None = None
    time_aggregation: str | None = None
    direction: str | None = None
    periodicity: str | None = None
    unit_kinds: list[str] | None = None
    numerator: str | None = Field(None, max_length=40)
    denominator: str | None = Field(None, max_length=40)
    factor: Decimal | None = None
    formula: str | None = Field(None, max_length=500)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    decimals: int | None = Field(None, ge=0, le=6)
    rate_entry: bool | None = Field(None, description="Biểu mẫu nhập trực tiếp tỷ lệ (không cộng) / forms collect "
                                    "the rate itself (never summed)")
    weight: str | None = Field(None, max_length=40, description="Mã chỉ tiêu trọng số cho 'weighted' / weight code")
    description: str | None = Field(None, max_length=5000)
    source: str | None = Field(None, max_length=300)
    active: bool | None = None
    version: int | None = Field(None, description="Phiên bản đã đọc (bắt buộc khi sửa) / version you read")
    valid_from: Day | None = Field(None, description="Định nghĩa mới áp dụng từ ngày / new definition from")
    reason: str = Field("", max_length=300)


class RevisionOut(Schema):
    version: int
    valid_from: Day
    definition: dict
    reason: str


class FormItemOut(Schema):
    code: str
    name: str
    unit_of_measure: str
    value_type: str
    required: bool


class FormOut(Schema):
    id: int
    code: str
    name: str
    period_type: str
    unit_kinds: list[str]
    deadline_days: int
    reminder_offsets: list[int]
    approval_by: str
    description: str
    active: bool
    version: int
    items: list[FormItemOut]
    derived: list[str]


class FormItemIn(InputSchema):
    code: str = Field(max_length=40)
    required: bool = True


class FormIn(InputSchema):
    code: str = Field(min_length=2, max_length=40)
    name: str = Field(max_length=300)
    period_type: str
    unit_kinds: list[str] = []
    deadline_days: int = Field(15, ge=0, le=365)
    reminder_offsets: list[int] = []
    approval_by: str = "either"
    description: str = Field("", max_length=5000)
    active: bool = True
    indicators: list[FormItemIn] = Field(..., max_length=500)
    version: int | None = Field(None, description="Phiên bản đã đọc (bắt buộc khi sửa) / version you read")


class ValidationRuleOut(Schema):
    code: str
    form: str | None
    left: str
    operator: str
    right: str
    severity: str
    message_vi: str
    message_en: str
    cell: str
    active: bool
    version: int


class ValidationRuleIn(InputSchema):
    code: str = Field(min_length=2, max_length=60)
    form: str | None = Field(None, max_length=40)
    left: str = Field(max_length=500)
    operator: str = Field(max_length=2)
    right: str = Field(max_length=500)
    severity: str = "error"
    message_vi: str = Field(max_length=300)
    message_en: str = Field(max_length=300)
    cell: str = Field("", max_length=40)
    active: bool = True
    version: int | None = Field(None, description="Phiên bản đã đọc (bắt buộc khi sửa) / version you read")


class ReportOut(Schema):
    id: int
    form: str
    unit_id: int
    unit_name: str
    period: str
    period_label: str
    deadline: Day
    status: str
    comment: str
    late: bool
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    reopened: int
    version: int
    values: dict[str, Decimal | str | None]
    derived: dict[str, Decimal | None]
    warnings: list[dict] = []


class ReportIn(InputSchema):
    form: str = Field(description="Mã biểu mẫu / form code, e.g. BM01-THANG")
    unit_id: int
    period: str = Field(description="YYYY-MM, YYYY-Qn, YYYY-Hn hoặc YYYY")
    values: dict[str, Number] = Field(default_factory=dict, max_length=500)
    version: int | None = Field(None, description="Phiên bản đã đọc; bỏ trống khi tạo mới / version you read")
    submit: bool = Field(False, description="Gửi luôn sau khi lưu / submit after saving")


class TransitionIn(InputSchema):
    version: int | None = None
    comment: str = Field("", max_length=5000)


class CompletenessRowOut(Schema):
    unit_id: int
    unit_name: str
    state: str
    late: bool
    overdue: bool
    report_id: int | None
    submitted_at: dt.datetime | None


class CompletenessOut(Schema):
    form: str
    period: str
    deadline: Day
    expected: int
    submitted: int
    approved: int
    on_time: int
    late: int
    overdue: int
    completeness_pct: float | None
    timeliness_pct: float | None
    rows: list[CompletenessRowOut]


class AnalyticsValueOut(Schema):
    indicator: str
    unit_id: int
    period: str
    value: float | None
    previous: float | None = None
    change_pct: float | None = None


class TargetIn(InputSchema):
    indicator: str
    unit_id: int
    year: int = Field(ge=1990, le=2100)
    value: Decimal | str
    period: str = Field("", max_length=10)
    note: str = Field("", max_length=300)
    version: int | None = None


class TargetOut(Schema):
    id: int
    indicator: str
    unit_id: int
    year: int
    period: str
    value: Decimal
    note: str
    version: int


class AchievementOut(Schema):
    indicator: str
    name: str
    target: Decimal
    actual: Decimal | None
    achievement_pct: Decimal | None = Field(
        description="Mức đạt so với kế hoạch (%), làm tròn nửa lên, 1 chữ số thập phân: 81,8/80 → 102,3 (quy tắc "
                    "làm tròn duy nhất của hệ thống, giống câu báo cáo và các trang). Chỉ tiêu càng thấp càng tốt: "
                    "kế hoạch/thực hiện. / Achievement against the target in %, rounded half up to one decimal "
                    "(81.8/80 → 102.3), the platform's one rounding rule, as in the sentences and pages. For a "
                    "lower-is-better indicator: target/actual.")
    achievement_text: str = Field(
        description="Như trên trang: '103%', hoặc với mức trần 'thấp hơn mức trần 70%' / as shown on the page")
    status: str
    statement: str


class AchievementSummaryOut(Schema):
    unit_id: int
    year: int
    period: str = Field("", description="trống = cả năm / empty = the whole year")
    summary: str
    met_or_exceeded: int
    rows: list[AchievementOut]


class ReminderOut(Schema):
    id: int
    form: str
    unit_id: int
    period: str
    offset: int
    message: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class TargetImportOut(Schema):
    saved: int


def _indicator_out(indicator) -> dict:
    return {name: getattr(indicator, name) for name in IndicatorOut.model_fields}


def _form_out(form) -> dict:
    items = form.items.select_related("indicator")
    return {"id": form.pk, "code": form.code, "name": form.name, "period_type": form.period_type,
            "unit_kinds": form.unit_kinds, "deadline_days": form.deadline_days,
            "reminder_offsets": form.reminder_offsets, "approval_by": form.approval_by,
            "description": form.description, "active": form.active, "version": form.version,
            "items": [{"code": i.indicator.code, "name": i.indicator.name,
                       "unit_of_measure": i.indicator.unit_of_measure, "value_type": i.indicator.value_type,
                       "required": i.required} for i in items],
            "derived": [d.code for d in services.derived_for(form)]}


def _report_out(report: Report, warnings: list | None = None) -> dict:
    values = services.values_of(report)
    numeric = {k: v for k, v in values.items() if isinstance(v, Decimal)}
    derived = {d.code: services.derived_value(d, numeric) for d in services.derived_for(report.form)}
    return {"id": report.pk, "form": report.form.code, "unit_id": report.unit_id, "unit_name": report.unit.name,
            "period": report.period, "period_label": report.period_obj.label, "deadline": report.deadline,
            "status": report.status, "comment": report.comment, "late": report.is_late,
            "submitted_at": report.submitted_at, "approved_at": report.approved_at, "reopened": report.reopened,
            "version": report.version, "values": values,
            "derived": {k: round_half_up(v, 4) for k, v in derived.items()},
            "warnings": [w.as_field_error().as_dict() for w in (warnings or [])]}


# ---------------------------------------------------------------- catalogue

@router.get("/indicators/catalogue", response=list[IndicatorOut], summary="Danh mục chỉ tiêu / Indicator catalogue")
def list_indicators(request: HttpRequest, q: str = "", include_inactive: bool = False):
    """`q` ignores diacritics ("ty le ho so" finds "Tỷ lệ hồ sơ…")."""
    return [_indicator_out(i) for i in services.search_indicators(q, active_only=not include_inactive)]


@router.get("/indicators/catalogue/{code}", response={200: IndicatorOut, **ERROR_RESPONSES},
            summary="Một chỉ tiêu / One indicator")
def get_indicator(request: HttpRequest, code: str):
    return _indicator_out(services.get_indicator(code))


@router.get("/indicators/catalogue/{code}/revisions", response={200: list[RevisionOut], **ERROR_RESPONSES},
            summary="Các phiên bản định nghĩa / Definition revisions")
def indicator_revisions(request: HttpRequest, code: str):
    return list(services.get_indicator(code).revisions.all())


@router.put("/indicators/catalogue", response={200: IndicatorOut, **ERROR_RESPONSES},
            summary="Tạo hoặc sửa chỉ tiêu (cơ quan CĐS) / Create or change an indicator (DX office)")
def save_indicator(request: HttpRequest, payload: IndicatorIn):
    data = payload.dict(exclude_unset=True, exclude={"version", "valid_from", "reason"})
    data = {k: v for k, v in data.items() if v is not None or k in ("min_value", "max_value")}
    services.require_dx_office(request.user)  # a refusal before any other complaint
    _require_version(services.Indicator.objects.filter(code=payload.code).exists(), payload.version)
    indicator = services.save_indicator(request.user, data, payload.version, payload.valid_from, payload.reason)
    return _indicator_out(indicator)


def _require_version(exists: bool, version: int | None) -> None:
    """Changing an existing object needs the version the client read, so no edit silently overwrites another."""
    if exists and version is None:
        raise ValidationFailed(FieldError("version", "cần phiên bản đã đọc để sửa", "the version you read is required"))


@router.get("/indicators/forms", response=list[FormOut], summary="Biểu mẫu báo cáo / Reporting forms")
def list_forms(request: HttpRequest, include_inactive: bool = False):
    forms = services.Form.objects.all() if include_inactive else services.Form.objects.filter(active=True)
    return [_form_out(f) for f in forms]


@router.get("/indicators/forms/{code}", response={200: FormOut, **ERROR_RESPONSES}, summary="Một biểu mẫu / One form")
def get_form(request: HttpRequest, code: str):
    return _form_out(services.get_form(code))


@router.put("/indicators/forms", response={200: FormOut, **ERROR_RESPONSES},
            summary="Tạo hoặc sửa biểu mẫu (cơ quan CĐS) / Create or change a form (DX office)")
def save_form(request: HttpRequest, payload: FormIn):
    """The indicators are listed in their order on the form; each may be optional (`required: false`)."""
    services.require_dx_office(request.user)  # a refusal before any other complaint
    _require_version(services.Form.objects.filter(code=payload.code).exists(), payload.version)
    form, _ = services.save_form(request.user, payload.dict(exclude={"version"}), payload.version)
    return _form_out(form)


def _rule_out(rule) -> dict:
    return {"code": rule.code, "form": rule.form.code if rule.form else None, "left": rule.left,
            "operator": rule.operator, "right": rule.right, "severity": rule.severity,
            "message_vi": rule.message_vi, "message_en": rule.message_en, "cell": rule.cell,
            "active": rule.active, "version": rule.version}


@router.get("/indicators/rules", response=list[ValidationRuleOut], summary="Quy tắc kiểm tra / Validation rules")
def list_rules(request: HttpRequest, form: str | None = None):
    rules = services.ValidationRule.objects.select_related("form")
    return [_rule_out(r) for r in (rules.filter(form__code=form) if form else rules)]


@router.put("/indicators/rules", response={200: ValidationRuleOut, **ERROR_RESPONSES},
            summary="Tạo hoặc sửa quy tắc kiểm tra (cơ quan CĐS) / Create or change a validation rule (DX office)")
def save_rule(request: HttpRequest, payload: ValidationRuleIn):
    """`left operator right` over indicator codes in braces, e.g. `{HS_TRUC_TUYEN} <= {HS_TONG}`."""
    services.require_dx_office(request.user)  # a refusal before any other complaint
    _require_version(services.ValidationRule.objects.filter(code=payload.code).exists(), payload.version)
    rule, _ = services.save_rule(request.user, payload.dict(exclude={"version"}), payload.version)
    return _rule_out(rule)


# ---------------------------------------------------------------- reports

@router.get("/indicators/reports", response={200: list[ReportOut], **ERROR_RESPONSES},
            summary="Báo cáo trong phạm vi của bạn / Reports in your scope")
def list_reports(request: HttpRequest, form: str | None = None, period: str | None = None,
                 status: Status | None = None, under: int | None = None, limit: int = Query(200, ge=1, le=2000)):
    reports = services.list_reports(request.user, services.get_form(form) if form else None, period, status,
                                    unit_for_field(under, "under") if under else None, limit)
    return [_report_out(r) for r in reports]


@router.put("/indicators/reports", response={200: ReportOut, 201: ReportOut, **ERROR_RESPONSES},
            summary="Nhập số liệu một báo cáo (tạo hoặc sửa, có thể gửi luôn) / Enter a report's figures")
def save_report(request: HttpRequest, payload: ReportIn):
    """Partial: codes left out keep their stored value. Errors name the cell as `values.<CODE>`.
    Resending identical figures of a submitted report is accepted and changes nothing (idempotent)."""
    unit = unit_for_field(payload.unit_id, "unit_id")
    result = services.save_report(request.user, services.get_form(payload.form), unit, payload.period,
                                  payload.values, payload.version, payload.submit)
    return (201 if result.created else 200), _report_out(result.report, result.warnings)


@router.get("/indicators/reports/{report_id}", response={200: ReportOut, **ERROR_RESPONSES},
            summary="Một báo cáo / One report")
def get_report(request: HttpRequest, report_id: int):
    return _report_out(services.get_report(report_id, request.user))


@router.get("/indicators/reports/{report_id}/history", response={200: list[dict], **ERROR_RESPONSES},
            summary="Lịch sử báo cáo / Report history")
def report_history(request: HttpRequest, report_id: int):
    report = services.get_report(report_id, request.user)
    entries = [e.as_dict() for e in history_of(report)]
    for value in report.values.select_related("indicator"):
        entries += [{**e.as_dict(), "indicator": value.indicator.code} for e in history_of(value)]
    return sorted(entries, key=lambda e: e["when"], reverse=True)


def _transition(request, report_id: int, payload: TransitionIn, action: str) -> dict:
    services.get_report(report_id, request.user)
    if action == "submit":
        report = services.submit_report(request.user, report_id, payload.version)
    elif action == "approve":
        report = services.approve_report(request.user, report_id, payload.version, payload.comment)
    elif action == "return":
        report = services.return_report(request.user, report_id, payload.comment, payload.version)
    else:
        report = services.reopen_report(request.user, report_id, payload.comment, payload.version)
    return _report_out(report)


@router.post("/indicators/reports/{report_id}/submit", response={200: ReportOut, **ERROR_RESPONSES},
             summary="Gửi báo cáo / Submit")
def submit_report(request: HttpRequest, report_id: int, payload: TransitionIn):
    return _transition(request, report_id, payload, "submit")


@router.post("/indicators/reports/{report_id}/approve", response={200: ReportOut, **ERROR_RESPONSES},
             summary="Phê duyệt (cấp trên hoặc cơ quan CĐS) / Approve")
def approve_report(request: HttpRequest, report_id: int, payload: TransitionIn):
    return _transition(request, report_id, payload, "approve")


@router.post("/indicators/reports/{report_id}/return", response={200: ReportOut, **ERROR_RESPONSES},
             summary="Trả lại kèm ý kiến / Return with a comment")
def return_report(request: HttpRequest, report_id: int, payload: TransitionIn):
    return _transition(request, report_id, payload, "return")


@router.post("/indicators/reports/{report_id}/reopen", response={200: ReportOut, **ERROR_RESPONSES},
             summary="Mở lại báo cáo đã duyệt để điều chỉnh / Reopen for a correction")
def reopen_report(request: HttpRequest, report_id: int, payload: TransitionIn):
    return _transition(request, report_id, payload, "reopen")


@router.get("/indicators/template", response={200: None, **ERROR_RESPONSES},
            summary="Tệp mẫu XLSX để nhập số liệu / XLSX template")
def report_template(request: HttpRequest, form: str, unit_id: int | None = None, period: str | None = None):
    form_obj = services.get_form(form)
    values = {}
    if unit_id and period:
        unit = unit_for_field(unit_id, "unit_id")
        services.require_view_unit(request.user, unit)
        report = services.report_for(form_obj, unit, period)
        values = services.values_of(report) if report else {}
    content = to_xlsx(form_obj.code, services.XLSX_HEADERS, services.report_template(form_obj, values))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    attach(response, f"{form_obj.code}-{period or 'mau'}.xlsx")
    return response


@router.post("/indicators/upload", response={200: ReportOut, 201: ReportOut, **ERROR_RESPONSES},
             summary="Nhập số liệu từ XLSX/CSV, tất cả hoặc không / Upload figures, all or nothing")
@upload_guard(services.report_upload_check)
def upload_report(request: HttpRequest, form: str, unit_id: int, period: str, submit: bool = False,
                  file: UploadedFile = File(...)):
    rows = read_table(file.read(), file.name or "", services.XLSX_ALIASES)
    unit = unit_for_field(unit_id, "unit_id")
    result = services.import_report(request.user, services.get_form(form), unit, period, rows, submit)
    return (201 if result.created else 200), _report_out(result.report, result.warnings)


# ---------------------------------------------------------------- completeness, reminders

@router.get("/indicators/completeness", response={200: CompletenessOut, **ERROR_RESPONSES},
            summary="Tình hình nộp báo cáo, đúng hạn, trễ hạn / Completeness and timeliness")
def completeness(request: HttpRequest, form: str, period: str, under: int | None = None):
    unit = unit_for_field(under, "under") if under else request.user.unit
    if unit is not None:
        services.require_view_unit(request.user, unit)
    table = services.completeness(services.get_form(form), period, unit)
    return {"form": table.form.code, "period": table.period.key, "deadline": table.deadline,
            "expected": table.expected, "submitted": table.submitted, "approved": table.approved,
            "on_time": table.on_time, "late": table.late, "overdue": table.overdue,
            "completeness_pct": table.completeness_pct, "timeliness_pct": table.timeliness_pct,
            "rows": [{"unit_id": r.unit.pk, "unit_name": r.unit.name, "state": r.state, "late": r.late,
                      "overdue": r.overdue, "report_id": r.report.pk if r.report else None,
                      "submitted_at": r.report.submitted_at if r.report else None} for r in table.rows]}


@router.get("/indicators/reminders", response=list[ReminderOut], summary="Lời nhắc của tôi / My reminders")
def my_reminders(request: HttpRequest, unread_only: bool = False):
    return [{"id": r.pk, "form": r.form.code, "unit_id": r.unit_id, "period": r.period, "offset": r.offset,
             "message": r.message, "created_at": r.created_at, "read_at": r.read_at}
            for r in services.reminders_of(request.user, unread_only)]


@router.post("/indicators/reminders/{reminder_id}/read", response={204: None, **ERROR_RESPONSES},
             summary="Đánh dấu đã đọc / Mark as read")
def read_reminder(request: HttpRequest, reminder_id: int):
    services.mark_read(request.user, reminder_id)
    return 204, None


# ---------------------------------------------------------------- analytics

@router.get("/indicators/analytics", response={200: list[AnalyticsValueOut], **ERROR_RESPONSES},
            summary="Số liệu đã duyệt theo đơn vị và kỳ / Approved figures by unit and period")
def analytics_values(request: HttpRequest, indicators: str, start: str, end: str = "", period_type: str = "year",
                     units: str = "", parent: int | None = None, level: str | None = None,
                     as_of: Day | None = None, compare: bool = False):
    """Roll-up of approved figures. Units: `units=1,2`, the children of `parent`, or every unit of a
    `level` (province, commune…) valid on `as_of` (default today); old units' figures are
    re-aggregated to them. `period_type` buckets (month → quarter → half → year) between `start` and
    `end` (period keys like 2025-03, 2025-Q1, 2025). `compare=true` adds the same period last year."""
    rows = services.analytics_rows(indicators, start, end, period_type, units, parent, level, as_of, compare,
                                  user=request.user)
    # Serialised here rather than validated row by row: this endpoint answers analytics at scale.
    return HttpResponse(json.dumps(rows, ensure_ascii=False), content_type="application/json")


# ---------------------------------------------------------------- targets and achievement

@router.get("/indicators/targets", response={200: list[TargetOut], **ERROR_RESPONSES},
            summary="Chỉ tiêu kế hoạch / Targets")
def list_targets(request: HttpRequest, year: int | None = None, unit_id: int | None = None):
    targets = services.Target.objects.select_related("indicator").filter(
        services.readable_units_filter(request.user, "unit"))
    if year:
        targets = targets.filter(year=year)
    if unit_id:
        targets = targets.filter(unit_id=unit_id)
    return [{"id": t.pk, "indicator": t.indicator.code, "unit_id": t.unit_id, "year": t.year, "period": t.period,
             "value": t.value, "note": t.note, "version": t.version} for t in targets[:5000]]


@router.put("/indicators/targets", response={200: TargetOut, **ERROR_RESPONSES},
            summary="Đặt chỉ tiêu kế hoạch (cơ quan CĐS) / Set a target (DX office)")
def put_target(request: HttpRequest, payload: TargetIn):
    unit = unit_for_field(payload.unit_id, "unit_id")
    t = services.set_target(request.user, payload.indicator, unit, payload.year, payload.value,
                            payload.period, payload.note, payload.version)
    return {"id": t.pk, "indicator": t.indicator.code, "unit_id": t.unit_id, "year": t.year, "period": t.period,
            "value": t.value, "note": t.note, "version": t.version}


@router.post("/indicators/targets/import", response={200: TargetImportOut, **ERROR_RESPONSES},
             summary="Nhập chỉ tiêu kế hoạch từ CSV/XLSX, tất cả hoặc không / Import targets, all or nothing")
@upload_guard(upload_by_writer)
def import_targets(request: HttpRequest, file: UploadedFile = File(...)):
    rows = read_table(file.read(), file.name or "", services.TARGET_ALIASES)
    return {"saved": services.import_targets(request.user, rows)}


@router.get("/indicators/achievement", response={200: AchievementSummaryOut, **ERROR_RESPONSES},
            summary="Kết quả thực hiện so với kế hoạch / Achievement against targets")
def achievement(request: HttpRequest, unit_id: int, year: int = Query(..., ge=1990, le=2100), period: str = ""):
    """Targets of the whole year, or of one `period` of it (2025-Q2, 2025-06, 2025-H1), against the
    approved figures of that span."""
    unit = unit_for_field(unit_id, "unit_id")
    period = services.target_period_key(period, year) if period else ""
    rows = services.achievements(unit, year, period, user=request.user)
    return {"unit_id": unit.pk, "year": year, "period": period,
            "summary": services.plan_summary(rows),
            "met_or_exceeded": sum(r.status in (services.MET, services.EXCEEDED) for r in rows),
            "rows": [{"indicator": r.indicator.code, "name": r.indicator.name, "target": r.target.value,
                      "actual": analytics.to_decimal(float(r.actual)) if r.actual is not None else None,
                      "achievement_pct": r.achievement_pct, "achievement_text": r.achievement_text,
                      "status": r.status,
                      "statement": r.statement} for r in rows]}
