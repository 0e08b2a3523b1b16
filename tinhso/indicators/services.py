"""Domain logic of indicators and reporting as plain functions: the catalogue, data entry with
validation rules, the approval workflow, completeness and reminders, targets and achievement,
Vietnamese statements, and `approved_values` for other apps. Edges (API, views, CLI) call only these."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import (
    can_edit_unit,
    can_read_unit,
    is_system_admin,
    readable_units_filter,
    reads_all_units,
    require_edit_unit,
    require_read_unit,
)
from tinhso.core.audit import Part, history_of, record_baseline
from tinhso.core.errors import Conflict, DomainError, FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.core.formatting import round_half_up, vn_decimal_text, vn_number
from tinhso.core.tabular import numbered
from tinhso.core.text import fold
from tinhso.core.uploads import url_id
from tinhso.indicators import expressions, periods
from tinhso.indicators.models import (
    Aggregation,
    AnalyticsChange,
    ApprovalBy,
    DataValue,
    Direction,
    Form,
    FormIndicator,
    Indicator,
    IndicatorRevision,
    PeriodType,
    Reminder,
    Report,
    Severity,
    Status,
    Target,
    TimeAggregation,
    ValidationRule,
    ValueType,
)
from tinhso.units.models import Unit, UnitKind

# django-simple-history keeps a change reason in varchar(100); PostgreSQL refuses longer ones.
HISTORY_REASON_MAX = 100

CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue.json"
DEFINITION_FIELDS = ("name", "noun", "unit_of_measure", "value_type", "aggregation", "time_aggregation", "direction",
                     "periodicity", "unit_kinds", "numerator", "denominator", "factor", "formula", "min_value",
                     "max_value", "decimals", "rate_entry", "weight", "description", "source", "active")


class Locked(DomainError):
    """The report is submitted or approved: its figures cannot change until it is returned or reopened."""

    status = 409
    code = "locked"


# ---------------------------------------------------------------- permissions

def can_view_unit(user: User, unit: Unit) -> bool:
    """Everyone signed in reads figures of their own unit's subtree; system-wide accounts read all
    (the platform's read scope, accounts.services.can_read_unit)."""
    return can_read_unit(user, unit)


def require_view_unit(user: User, unit: Unit) -> None:
    if not can_view_unit(user, unit):
        raise Forbidden(f"Bạn không có quyền xem báo cáo của {unit.name}",
                        f"You may not read the reports of {unit.name}")


def report_upload_check(request, unit_id=None, **_kwargs) -> None:
    """Upload check (core.uploads.upload_guard) of a report file: someone who may change that unit's figures.
    The unit comes from the page's address or the API's `unit_id` query parameter."""
    unit = Unit.objects.filter(pk=url_id(unit_id if unit_id is not None else request.GET.get("unit_id", ""))).first()
    if unit is None:
        raise NotFound("Đơn vị", "Unit")
    require_edit_unit(request.user, unit)


def is_dx_office(user: User, unit: Unit) -> bool:
    """The provincial DX office: an administrator whose scope covers the unit."""
    return user.is_active and (is_system_admin(user) or (user.role == Role.ADMIN and can_edit_unit(user, unit)))


def can_approve(user: User, report: Report) -> bool:
    if not user.is_authenticated or not user.is_active or user.role == Role.API_CLIENT:
        return False
    if is_system_admin(user):
        return True
    if user.unit_id == report.unit_id:
        return False  # nobody approves their own unit's report
    by_parent = report.unit.parent is not None and user.role in (Role.FOCAL, Role.ADMIN) and can_edit_unit(
        user, report.unit.parent)
    by_office = is_dx_office(user, report.unit)
    rule = report.form.approval_by
    return (rule == ApprovalBy.PARENT and by_parent) or (rule == ApprovalBy.DX_OFFICE and by_office) or (
        rule == ApprovalBy.EITHER and (by_parent or by_office))


def require_approve(user: User, report: Report) -> None:
    if not can_approve(user, report):
        raise Forbidden("Chỉ đơn vị cấp trên hoặc cơ quan chuyên trách chuyển đổi số được phê duyệt, trả lại hoặc "
                        "mở lại báo cáo này",
                        "Only the parent unit or the DX office may approve, return or reopen this report")


def is_catalogue_editor(user: User) -> bool:
    """Who may change the catalogue, forms and rules, shared by the whole province: the provincial DX
    office (a system administrator, or an administrator of a province), not an agency's or a commune's."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_system_admin(user) or (user.role == Role.ADMIN and user.unit is not None
                                     and user.unit.kind == UnitKind.PROVINCE)


def require_dx_office(user: User, unit: Unit | None = None) -> None:
    """The DX office: for `unit`, an administrator whose scope covers it; without one, a catalogue editor."""
    ok = is_catalogue_editor(user) if unit is None else (
        is_system_admin(user) or (user.role == Role.ADMIN and can_edit_unit(user, unit)))
    if not ok:
        raise Forbidden("Chỉ cơ quan chuyên trách chuyển đổi số (quản trị) được làm việc này",
                        "Only the DX office (administrators) may do this")


# ---------------------------------------------------------------- catalogue

def get_indicator(code: str, field_name: str = "indicator") -> Indicator:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise NotFound(f"Chỉ tiêu {code}", f"Indicator {code}")
    return indicator


def indicator_definition(indicator: Indicator) -> dict:
    """The definition fields of an indicator as plain values (what a revision freezes)."""
    data = {}
    for name in DEFINITION_FIELDS:
        value = getattr(indicator, name)
        data[name] = format(value.normalize(), "f") if isinstance(value, Decimal) else value
    return data


def validate_indicator(data: dict, known_codes: set[str], row: int | None = None) -> list[FieldError]:
    errors: list[FieldError] = []

    def err(name: str, vi: str, en: str) -> None:
        errors.append(FieldError(name, vi, en, row))

    code = str(data.get("code") or "")
    if not re.fullmatch(r"[A-Z0-9_]{2,40}", code):
        err("code", "mã chỉ gồm chữ in hoa, số và _ (2–40 ký tự)", "code must be A–Z, 0–9 and _ (2–40 characters)")
    if not str(data.get("name") or "").strip():
        err("name", "bắt buộc nhập", "is required")
    for name, choices in (("value_type", ValueType), ("aggregation", Aggregation),
                          ("time_aggregation", TimeAggregation), ("direction", Direction),
                          ("periodicity", PeriodType)):
        if data.get(name) not in choices.values:
            err(name, f"giá trị '{data.get(name)}' không hợp lệ; chọn {', '.join(choices.values)}",
                f"invalid value '{data.get(name)}'; use {', '.join(choices.values)}")
    kinds = data.get("unit_kinds") or []
    if not isinstance(kinds, list) or any(k not in UnitKind.values for k in kinds):
        err("unit_kinds", f"loại đơn vị phải thuộc {', '.join(UnitKind.values)}",
            f"unit kinds must be among {', '.join(UnitKind.values)}")
    numerator, denominator, formula = data.get("numerator") or "", data.get("denominator") or "", data.get(
        "formula") or ""
    if bool(numerator) != bool(denominator):
        err("denominator" if numerator else "numerator", "tỷ lệ cần cả tử số và mẫu số",
            "a ratio needs both a numerator and a denominator")
    for name, ref in (("numerator", numerator), ("denominator", denominator)):
        if ref and ref not in known_codes:
            err(name, f"không có chỉ tiêu mã {ref}", f"no indicator with code {ref}")
        if ref and ref == code:
            err(name, "không được tự tham chiếu", "must not refer to itself")
    if formula:
        try:
            expressions.check(formula)
        except expressions.ExpressionError as exc:
            err("formula", exc.vi, exc.en)
        for ref in expressions.codes_in(formula):
            if ref not in known_codes or ref == code:
                err("formula", f"công thức tham chiếu chỉ tiêu không hợp lệ {ref}", f"formula refers to invalid {ref}")
    derived = bool(numerator or formula)
    if derived and data.get("aggregation") != Aggregation.RATIO:
        err("aggregation", "chỉ tiêu tính toán phải tổng hợp theo 'ratio' (tính lại từ tổng các thành phần)",
            "a derived indicator aggregates as 'ratio' (recomputed from aggregated components)")
    if data.get("aggregation") == Aggregation.RATIO and not derived:
        err("aggregation", "tổng hợp 'ratio' cần tử số/mẫu số hoặc công thức",
            "'ratio' aggregation needs a numerator/denominator or a formula")
    if data.get("value_type") == ValueType.TEXT and data.get("aggregation") != Aggregation.NONE:
        err("aggregation", "chỉ tiêu văn bản không tổng hợp ('none')", "text indicators are not aggregated ('none')")
    errors += _rate_errors(data, known_codes, code, derived, row)
    low, high = data.get("min_value"), data.get("max_value")
    try:
        if low not in (None, "") and high not in (None, "") and Decimal(str(low)) > Decimal(str(high)):
            err("max_value", "giá trị lớn nhất nhỏ hơn giá trị nhỏ nhất", "maximum is below the minimum")
    except InvalidOperation:
        err("min_value", "phải là số", "must be a number")
    return errors


RATE_UNIT_RULES = (Aggregation.AVG, Aggregation.WEIGHTED, Aggregation.LATEST, Aggregation.NONE)
RATE_TIME_RULES = (TimeAggregation.AVG, TimeAggregation.LAST)


def _rate_errors(data: dict, known_codes: set[str], code: str, derived: bool, row: int | None) -> list[FieldError]:
    """A rate collected as a rate (the source publishes only the rate) is never summed: across units it
    is averaged, weighted by a stated count, the latest one, or not aggregated; over time averaged or the
    last one. A weighted average names its weight."""
    errors = []
    aggregation, weight = data.get("aggregation"), data.get("weight") or ""
    if data.get("rate_entry"):
        if data.get("value_type") != ValueType.PERCENT or derived:
            errors.append(FieldError("rate_entry", "chỉ tiêu nhập trực tiếp tỷ lệ phải là tỷ lệ % và không có tử số, "
                                     "mẫu số hay công thức", "a rate entered directly is a percentage without a "
                                     "numerator, denominator or formula", row))
        if aggregation not in RATE_UNIT_RULES:
            errors.append(FieldError("aggregation", "tỷ lệ nhập trực tiếp không được cộng: chọn avg, weighted, latest "
                                     "hoặc none", "a rate entered directly is never summed: use avg, weighted, "
                                     "latest or none", row))
        if data.get("time_aggregation") not in RATE_TIME_RULES:
            errors.append(FieldError("time_aggregation",
                                     "tỷ lệ theo thời gian: trung bình (avg) hoặc số cuối kỳ (last)",
                                     "over time a rate is averaged (avg) or the last one (last)", row))
    elif data.get("value_type") == ValueType.PERCENT and not derived and aggregation == Aggregation.SUM:
        errors.append(FieldError("aggregation", "không cộng các tỷ lệ", "rates are not summed", row))
    if aggregation == Aggregation.WEIGHTED:
        if not weight:
            errors.append(FieldError("weight", "trung bình có trọng số cần mã chỉ tiêu trọng số",
                                     "a weighted average needs the code of its weight", row))
        elif weight not in known_codes or weight == code:
            errors.append(FieldError("weight", f"không có chỉ tiêu trọng số {weight}", f"no weight indicator {weight}",
                                     row))
    elif weight:
        errors.append(FieldError("weight", "chỉ dùng trọng số với tổng hợp 'weighted'",
                                 "a weight is only used by the 'weighted' aggregation", row))
    return errors


def _apply_definition(indicator: Indicator, data: dict) -> None:
    for name in DEFINITION_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in ("min_value", "max_value"):
            value = None if value in (None, "") else Decimal(str(value))
        elif name == "factor":
            value = Decimal(str(value if value not in (None, "") else 100))
        elif name in ("noun", "unit_of_measure", "numerator", "denominator", "formula", "weight", "description",
                      "source"):
            value = value or ""
        elif name == "rate_entry":
            value = bool(value)
        setattr(indicator, name, value)


def save_indicator(user: User | None, data: dict, expected_version: int | None = None,
                   valid_from: dt.date | None = None, reason: str = "") -> Indicator:
    """Create or change an indicator. A change bumps its version and freezes the new definition as a
    revision valid from `valid_from` (default: 1 January of this year), so older periods keep theirs."""
    if user is not None:
        require_dx_office(user)
    known = set(Indicator.objects.values_list("code", flat=True))
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().filter(code=data.get("code")).first()
        defaults = {"aggregation": Aggregation.SUM, "time_aggregation": TimeAggregation.SUM,
                    "direction": Direction.HIGHER, "periodicity": PeriodType.MONTH, "unit_kinds": []}
        merged = ({**indicator_definition(indicator), "code": indicator.code} if indicator else defaults) | data
        merged.setdefault("unit_kinds", [])
        errors = validate_indicator(merged, known | {str(data.get("code"))})
        if errors:
            raise ValidationFailed(errors)
        if indicator is None:
            indicator = Indicator(code=merged["code"])
            _apply_definition(indicator, merged)
            changed = True
        else:
            if expected_version is not None and expected_version != indicator.version:
                raise Conflict(indicator.version)
            before = indicator_definition(indicator)
            _apply_definition(indicator, merged)
            changed = indicator_definition(indicator) != before
            if changed:
                indicator.version += 1
        if not changed:
            return indicator
        latest = indicator.revisions.order_by("-valid_from").values_list("valid_from", flat=True).first() \
            if indicator.pk else None
        start = _revision_start(valid_from, latest)
        if indicator.version == 1:
            start = dt.date(1990, 1, 1)
        indicator._history_user = user
        indicator._change_reason = reason
        _save_new_or_conflict(indicator)
        IndicatorRevision.objects.create(indicator=indicator, version=indicator.version, valid_from=start,
                                         definition=indicator_definition(indicator), reason=reason, created_by=user)
    return indicator


def _revision_start(valid_from: dt.date | None, latest: dt.date | None) -> dt.date:
    """The day a new definition applies from: as given (not before the latest revision's day, which
    would leave that one in force after it), else 1 January of this year or the latest revision's day."""
    if valid_from is None:
        return max(dt.date(timezone.localdate().year, 1, 1), latest or dt.date.min)
    if not dt.date(1990, 1, 1) <= valid_from <= dt.date(2100, 12, 31):
        raise ValidationFailed(FieldError("valid_from", "ngày áp dụng phải trong khoảng 1990–2100",
                                          "the date must be within 1990–2100"))
    if latest and valid_from < latest:
        raise ValidationFailed(FieldError(
            "valid_from", f"ngày áp dụng không được trước ngày của phiên bản gần nhất ({latest:%d/%m/%Y})",
            f"the date may not precede the latest revision's ({latest:%d/%m/%Y})"))
    return valid_from


def _save_new_or_conflict(obj) -> None:
    """Save; two people creating the same code at once: the second gets a conflict, not a server error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(getattr(obj, "version", 1), "code") from exc


def as_defined_on(indicator: Indicator, day: dt.date, definition: dict | None = None) -> Indicator:
    """An unsaved copy of the indicator carrying the definition in force on `day` (`definition`: that
    definition when already read, see definitions_on)."""
    copy = Indicator(pk=indicator.pk, code=indicator.code, version=indicator.version)
    _apply_definition(copy, definition_on(indicator, day) if definition is None else definition)
    return copy


def definition_on(indicator: Indicator, day: dt.date) -> dict:
    """The definition in force on `day`: the latest revision starting on or before it; before the first
    revision, the first (as analytics reads it)."""
    revisions = indicator.revisions.order_by("-valid_from", "-version")
    revision = revisions.filter(valid_from__lte=day).first() or revisions.last()
    return revision.definition if revision else indicator_definition(indicator)


def definitions_on(indicators: list[Indicator], day: dt.date) -> dict[int, dict]:
    """`definition_on(indicator, day)` of many indicators, by id, with one query (a report states every
    target's indicator as defined at the period's start)."""
    revisions: dict[int, list[IndicatorRevision]] = {}
    for revision in IndicatorRevision.objects.filter(indicator__in=[i.pk for i in indicators]).order_by(
            "-valid_from", "-version"):
        revisions.setdefault(revision.indicator_id, []).append(revision)
    found = {}
    for indicator in indicators:
        mine = revisions.get(indicator.pk, [])
        revision = next((r for r in mine if r.valid_from <= day), None) or (mine[-1] if mine else None)
        found[indicator.pk] = revision.definition if revision else indicator_definition(indicator)
    return found


def load_catalogue(path: Path | None = None, user: User | None = None) -> dict[str, int]:
    """Load (or update) indicators, forms and validation rules from the JSON catalogue. Idempotent:
    an unchanged definition is left alone; a changed one gets a new revision."""
    data = json.loads(Path(path or CATALOGUE).read_text(encoding="utf-8"))
    counts = {"indicators": 0, "forms": 0, "rules": 0}
    with transaction.atomic():
        pending = list(data.get("indicators", []))
        # raw indicators first, then derived ones whose components exist
        pending.sort(key=lambda d: bool(d.get("numerator") or d.get("formula")))
        if not Indicator.objects.exists():
            counts["indicators"] = _bulk_create_indicators(pending, user)
            pending = []
        for item in pending:
            before = Indicator.objects.filter(code=item["code"]).values_list("version", flat=True).first()
            indicator = save_indicator(None, item, reason="Danh mục chỉ tiêu / Catalogue")
            counts["indicators"] += before != indicator.version
        for item in data.get("forms", []):
            counts["forms"] += save_form(None, item)[1]
        for item in data.get("rules", []):
            counts["rules"] += save_rule(None, item)[1]
    return counts


def _bulk_create_indicators(items: list[dict], user: User | None) -> int:
    """First load into an empty catalogue: validate everything, then insert in a few statements."""
    known = {str(item.get("code")) for item in items}
    errors = [FieldError(e.field, f"{item.get('code')}: {e.vi}", f"{item.get('code')}: {e.en}", number)
              for number, item in enumerate(items, start=1) for e in validate_indicator(
                  {"unit_kinds": [], **item}, known)]
    if errors:
        raise ValidationFailed(errors, vi="Danh mục chỉ tiêu không hợp lệ", en="The catalogue is invalid")
    indicators = []
    for item in items:
        indicator = Indicator(code=item["code"])
        _apply_definition(indicator, {"unit_kinds": [], **item})
        indicators.append(indicator)
    bulk_create_with_history(indicators, Indicator, default_user=user,
                             default_change_reason="Danh mục chỉ tiêu / Catalogue")
    created = {i.code: i for i in Indicator.objects.all()}
    IndicatorRevision.objects.bulk_create([
        IndicatorRevision(indicator=created[i.code], version=1, valid_from=dt.date(1990, 1, 1),
                          definition=indicator_definition(created[i.code]), reason="Danh mục chỉ tiêu / Catalogue",
                          created_by=user) for i in indicators])
    return len(indicators)


FORM_FIELDS = ("name", "period_type", "unit_kinds", "deadline_days", "reminder_offsets", "approval_by",
               "description", "active")


def _form_errors(item: dict) -> tuple[list[FieldError], dict[str, Indicator]]:
    errors = []
    if not re.fullmatch(r"[A-Z0-9_\-]{2,40}", str(item.get("code") or "")):
        errors.append(FieldError("code", "mã chỉ gồm chữ in hoa, số, - và _ (2–40 ký tự)",
                                 "code must be A–Z, 0–9, - and _ (2–40 characters)"))
    if "name" in item and not str(item.get("name") or "").strip():
        errors.append(FieldError("name", "bắt buộc nhập", "is required"))
    if item.get("period_type") not in PeriodType.values:
        errors.append(FieldError("period_type", "loại kỳ không hợp lệ", "invalid period type"))
    if item.get("approval_by", ApprovalBy.EITHER) not in ApprovalBy.values:
        errors.append(FieldError("approval_by", "giá trị không hợp lệ", "invalid value"))
    kinds = item.get("unit_kinds", [])
    if not isinstance(kinds, list) or any(k not in UnitKind.values for k in kinds):
        errors.append(FieldError("unit_kinds", f"loại đơn vị phải thuộc {', '.join(UnitKind.values)}",
                                 f"unit kinds must be among {', '.join(UnitKind.values)}"))
    deadline = item.get("deadline_days", 15)
    if not isinstance(deadline, int) or isinstance(deadline, bool) or not 0 <= deadline <= 365:
        errors.append(FieldError("deadline_days", "hạn nộp là số ngày từ 0 đến 365", "the deadline is 0–365 days"))
    offsets = item.get("reminder_offsets", [])
    if not isinstance(offsets, list) or any(not isinstance(o, int) or isinstance(o, bool) or abs(o) > 365
                                            for o in offsets):
        errors.append(FieldError("reminder_offsets", "lời nhắc là danh sách số ngày (−365…365) so với hạn",
                                 "reminders are a list of days (−365…365) from the deadline"))
    entries = item.get("indicators", [])
    entries = entries if isinstance(entries, list) else []
    codes = [c if isinstance(c, str) else str(c.get("code") or "") if isinstance(c, dict) else "" for c in entries]
    if not codes:
        errors.append(FieldError("indicators", "biểu mẫu cần ít nhất một chỉ tiêu",
                                 "a form needs at least one indicator"))
    indicators = Indicator.objects.in_bulk(codes, field_name="code")
    for code in codes:
        if code not in indicators:
            errors.append(FieldError("indicators", f"không có chỉ tiêu {code}", f"no indicator {code}"))
        elif indicators[code].is_derived:
            errors.append(FieldError("indicators", f"{code} là chỉ tiêu tính toán, không nhập",
                                     f"{code} is derived and cannot be entered"))
        elif indicators[code].value_type == ValueType.PERCENT and not indicators[code].rate_entry:
            errors.append(FieldError("indicators",
                                     f"{code} là tỷ lệ; danh mục chưa cho phép nhập trực tiếp (rate_entry)",
                                     f"{code} is a rate the catalogue does not let forms collect (rate_entry)"))
    if len(set(codes)) != len(codes):
        errors.append(FieldError("indicators", "một chỉ tiêu có mặt hai lần", "an indicator is listed twice"))
    return errors, indicators


def save_form(user: User | None, item: dict, expected_version: int | None = None) -> tuple[Form, bool]:
    """Create or change a reporting form and its ordered indicators (DX office only; `user=None` is the
    catalogue loader). Returns (form, changed). A change of an existing form is version-checked."""
    if user is not None:
        require_dx_office(user)
    errors, indicators = _form_errors(item)
    if errors:
        raise ValidationFailed(errors, vi=f"Biểu mẫu {item.get('code')} không hợp lệ",
                               en=f"Form {item.get('code')} is invalid")
    codes = [c if isinstance(c, str) else c["code"] for c in item["indicators"]]
    fields = {k: item[k] for k in FORM_FIELDS if k in item}
    with transaction.atomic():
        form = Form.objects.select_for_update().filter(code=item["code"]).first()
        if form is None:
            form = Form(code=item["code"], **fields)
        else:
            if expected_version is not None and expected_version != form.version:
                raise Conflict(form.version)
            if fields.get("period_type", form.period_type) != form.period_type and form.reports.exists():
                raise ValidationFailed(FieldError(
                    "period_type", "biểu mẫu đã có báo cáo nên không đổi được loại kỳ; hãy tạo biểu mẫu mới",
                    "the form already has reports, so its period type cannot change; create a new form"))
            current = [(fi.indicator.code, fi.required) for fi in form.items.select_related("indicator")]
            wanted = [(c if isinstance(c, str) else c["code"], True if isinstance(c, str) else c.get("required", True))
                      for c in item["indicators"]]
            if all(getattr(form, k) == v for k, v in fields.items()) and current == wanted:
                return form, False
            for k, v in fields.items():
                setattr(form, k, v)
            form.version += 1
        form._history_user = user
        form._change_reason = "Danh mục chỉ tiêu / Catalogue" if user is None else ""
        _save_new_or_conflict(form)
        form.items.exclude(indicator__code__in=codes).delete()
        for order, entry in enumerate(item["indicators"]):
            code = entry if isinstance(entry, str) else entry["code"]
            required = True if isinstance(entry, str) else bool(entry.get("required", True))
            FormIndicator.objects.update_or_create(form=form, indicator=indicators[code],
                                                   defaults={"order": order, "required": required})
    return form, True


RULE_FIELDS = ("left", "operator", "right", "message_vi", "message_en", "cell", "severity", "active")


def save_rule(user: User | None, item: dict, expected_version: int | None = None) -> tuple[ValidationRule, bool]:
    """Create or change a cross-field validation rule `left operator right` (DX office only; `user=None`
    is the catalogue loader). Returns (rule, changed)."""
    if user is not None:
        require_dx_office(user)
    errors = []
    if not re.fullmatch(r"[A-Z0-9_\-]{2,60}", str(item.get("code") or "")):
        errors.append(FieldError("code", "mã chỉ gồm chữ in hoa, số, - và _ (2–60 ký tự)",
                                 "code must be A–Z, 0–9, - and _ (2–60 characters)"))
    known = set(Indicator.objects.values_list("code", flat=True))
    for side in ("left", "right"):
        try:
            expressions.check(item.get(side, ""))
            unknown = [c for c in expressions.codes_in(item.get(side, "")) if c not in known]
            if unknown:
                errors.append(FieldError(side, f"không có chỉ tiêu {', '.join(unknown)}",
                                         f"no indicator {', '.join(unknown)}"))
        except expressions.ExpressionError as exc:
            errors.append(FieldError(side, exc.vi, exc.en))
    if item.get("operator") not in expressions.OPERATORS:
        errors.append(FieldError("operator", "phép so sánh không hợp lệ", "invalid operator"))
    if item.get("severity", Severity.ERROR) not in Severity.values:
        errors.append(FieldError("severity", "mức độ là error hoặc warning", "severity is error or warning"))
    for name in ("message_vi", "message_en"):
        if not str(item.get(name) or "").strip():
            errors.append(FieldError(name, "bắt buộc nhập", "is required"))
    if item.get("cell") and item["cell"] not in known:
        errors.append(FieldError("cell", f"không có chỉ tiêu {item['cell']}", f"no indicator {item['cell']}"))
    form = Form.objects.filter(code=item["form"]).first() if item.get("form") else None
    if item.get("form") and form is None:
        errors.append(FieldError("form", f"không có biểu mẫu {item['form']}", f"no form {item['form']}"))
    if errors:
        raise ValidationFailed(errors, vi=f"Quy tắc {item.get('code')} không hợp lệ",
                               en=f"Rule {item.get('code')} is invalid")
    fields = {k: item.get(k, "") for k in RULE_FIELDS if k not in ("severity", "active")}
    fields |= {"severity": item.get("severity", Severity.ERROR), "form": form}
    if "active" in item:  # the catalogue file does not say: reloading it keeps a rule the office switched off
        fields["active"] = bool(item["active"])
    with transaction.atomic():
        rule = ValidationRule.objects.select_for_update().filter(code=item["code"]).first()
        if rule is None:
            rule = ValidationRule(code=item["code"], **fields)
        else:
            if expected_version is not None and expected_version != rule.version:
                raise Conflict(rule.version)
            if all(getattr(rule, k) == v for k, v in fields.items()):
                return rule, False
            for k, v in fields.items():
                setattr(rule, k, v)
            rule.version += 1
        rule._history_user = user
        _save_new_or_conflict(rule)
    return rule, True


def search_indicators(query: str = "", active_only: bool = True) -> list[Indicator]:
    items = Indicator.objects.all()
    if active_only:
        items = items.filter(active=True)
    words = fold(query).split()
    return [i for i in items if all(w in fold(f"{i.code} {i.name} {i.noun}") for w in words)]


def derived_for(form: Form) -> list[Indicator]:
    """Derived indicators computable from the form's own figures (shown beside the entry grid)."""
    codes = set(form.items.values_list("indicator__code", flat=True))
    result = []
    for indicator in Indicator.objects.filter(active=True).exclude(numerator="", formula=""):
        needs = {indicator.numerator, indicator.denominator} - {""} | set(expressions.codes_in(indicator.formula))
        if needs and needs <= codes:
            result.append(indicator)
    return result


def derived_value(indicator: Indicator | dict, values: dict[str, Decimal | None]) -> Decimal | None:
    get = indicator.get if isinstance(indicator, dict) else lambda k: getattr(indicator, k)
    if get("numerator"):
        num, den = values.get(get("numerator")), values.get(get("denominator"))
        if num is None or den in (None, 0):
            return None
        return Decimal(num) / Decimal(den) * Decimal(str(get("factor")))
    return expressions.evaluate(get("formula"), values)


# ---------------------------------------------------------------- data entry and validation

_TRUE = {"1", "true", "co", "x", "yes", "dung", "da", "đã", "có"}
_FALSE = {"0", "false", "khong", "no", "sai", "chua", "không", "chưa"}


# Values and targets are stored with 20 digits, 4 of them decimals; anything this large is a typing mistake
# and beyond it the column would overflow (SQLite would store it and fail on every later read).
MAX_ABS_VALUE = Decimal("1e15")


def parse_number(raw) -> Decimal:
    """Accept numbers and Vietnamese-formatted text: '1.562' → 1562, '97,4' → 97.4, '1.234,5' → 1234.5."""
    if isinstance(raw, bool):
        return Decimal(int(raw))
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    value = Decimal(vn_decimal_text(str(raw).strip().replace(" ", "").replace("\u00a0", "").rstrip("%")))
    if not value.is_finite():
        raise InvalidOperation
    return value


@dataclass
class CellError:
    code: str
    vi: str
    en: str
    severity: str = Severity.ERROR

    def as_field_error(self, row_of: dict[str, int] | None = None) -> FieldError:
        if row_of is not None:
            return FieldError(f"value ({self.code})", self.vi, self.en, row_of.get(self.code))
        return FieldError(f"values.{self.code}", self.vi, self.en)


def clean_values(form: Form, raw: dict, items: list[FormIndicator] | None = None
                 ) -> tuple[dict[str, Decimal | str | None], list[CellError]]:
    """Type and range checks of each cell. Returns cleaned values (None = left empty) and errors."""
    items = items if items is not None else list(form.items.select_related("indicator"))
    by_code = {item.indicator.code: item.indicator for item in items}
    errors: list[CellError] = []
    cleaned: dict[str, Decimal | str | None] = {}
    for code in raw:
        if code not in by_code:
            errors.append(CellError(code, f"chỉ tiêu {code} không thuộc biểu {form.code}",
                                    f"indicator {code} is not on form {form.code}"))
    for code, indicator in by_code.items():
        if code not in raw:
            continue
        value = raw[code]
        if value is None or (isinstance(value, str) and not value.strip()):
            cleaned[code] = None
            continue
        if indicator.value_type == ValueType.TEXT:
            text = str(value).strip()
            if len(text) > 5000:
                errors.append(CellError(code, "dài quá 5.000 ký tự", "longer than 5,000 characters"))
            cleaned[code] = text
            continue
        if indicator.value_type == ValueType.BOOLEAN and not isinstance(value, int | float | Decimal):
            word = fold(str(value))
            if word in _TRUE:
                cleaned[code] = Decimal(1)
                continue
            if word in _FALSE:
                cleaned[code] = Decimal(0)
                continue
        try:
            number = parse_number(value)
        except (InvalidOperation, ValueError):
            errors.append(CellError(code, f"'{value}' không phải là số", f"'{value}' is not a number"))
            continue
        low, high = indicator.min_value, indicator.max_value
        if indicator.value_type == ValueType.COUNT and number != number.to_integral_value():
            errors.append(CellError(code, "phải là số nguyên", "must be a whole number"))
            continue
        if indicator.value_type == ValueType.BOOLEAN and number not in (0, 1):
            errors.append(CellError(code, "chỉ nhận Có (1) hoặc Không (0)", "must be yes (1) or no (0)"))
            continue
        if low is None and indicator.value_type in (ValueType.COUNT, ValueType.AMOUNT, ValueType.PERCENT):
            low = Decimal(0)
        if high is None and indicator.value_type == ValueType.PERCENT:
            high = Decimal(100)
        if low is not None and number < low:
            errors.append(CellError(code, f"không được nhỏ hơn {vn_number(low, 4)}", f"must be at least {low:f}"))
            continue
        if high is not None and number > high:
            errors.append(CellError(code, f"không được lớn hơn {vn_number(high, 4)}", f"must be at most {high:f}"))
            continue
        if abs(number) >= MAX_ABS_VALUE:
            errors.append(CellError(code, "số quá lớn", "number too large"))
            continue
        cleaned[code] = number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return cleaned, errors


def rules_for(form: Form, codes: set[str]) -> list[dict]:
    """Cross-field rules of a form as data: the stored rules whose codes are all on the form, plus one
    automatic 'numerator ≤ denominator' rule for every percentage ratio computable from the form."""
    rules = []
    for rule in ValidationRule.objects.filter(Q(form=form) | Q(form__isnull=True), active=True):
        needed = set(expressions.codes_in(rule.left)) | set(expressions.codes_in(rule.right))
        if needed <= codes:
            rules.append({"code": rule.code, "left": rule.left, "operator": rule.operator, "right": rule.right,
                          "severity": rule.severity, "vi": rule.message_vi, "en": rule.message_en,
                          "cell": rule.cell or expressions.codes_in(rule.left)[0]})
    names = dict(Indicator.objects.filter(code__in=codes).values_list("code", "name"))
    for indicator in Indicator.objects.filter(active=True).exclude(numerator=""):
        capped = indicator.max_value is None or indicator.max_value <= indicator.factor
        if indicator.numerator in codes and indicator.denominator in codes and capped:
            rules.append({
                "code": f"AUTO_{indicator.code}", "left": f"{{{indicator.numerator}}}", "operator": "<=",
                "right": f"{{{indicator.denominator}}}", "severity": Severity.ERROR, "cell": indicator.numerator,
                "vi": f"tử số không được lớn hơn mẫu số '{names.get(indicator.denominator, indicator.denominator)}'",
                "en": f"the numerator must not exceed the denominator {indicator.denominator}",
            })
    return rules


def check_rules(form: Form, values: dict[str, Decimal | str | None]) -> list[CellError]:
    numeric = {k: v for k, v in values.items() if isinstance(v, Decimal)}
    errors = []
    for rule in rules_for(form, set(form.items.values_list("indicator__code", flat=True))):
        left = expressions.evaluate(rule["left"], numeric)
        right = expressions.evaluate(rule["right"], numeric)
        if left is None or right is None:
            continue
        if not expressions.OPERATORS[rule["operator"]](left, right):
            detail = f" ({vn_number(left, 2)} {rule['operator']} {vn_number(right, 2)} sai)"
            detail_en = f" ({left.normalize():f} {rule['operator']} {right.normalize():f} is false)"
            errors.append(CellError(rule["cell"], rule["vi"] + detail, rule["en"] + detail_en, rule["severity"]))
    return errors


def validate_report_values(form: Form, values: dict) -> tuple[dict, list[CellError], list[CellError]]:
    """(cleaned values, blocking errors, warnings) of a full set of a report's values."""
    cleaned, errors = clean_values(form, values)
    problems = check_rules(form, {**cleaned}) if not errors else []
    errors += [p for p in problems if p.severity == Severity.ERROR]
    warnings = [p for p in problems if p.severity == Severity.WARNING]
    return cleaned, errors, warnings


def get_form(form_ref: int | str) -> Form:
    form = (Form.objects.filter(pk=form_ref) if isinstance(form_ref, int) else Form.objects.filter(code=form_ref))
    found = form.first()
    if found is None:
        raise NotFound(f"Biểu mẫu {form_ref}", f"Form {form_ref}")
    return found


def get_report(report_id: int, user: User | None = None) -> Report:
    report = Report.objects.select_related("form", "unit", "unit__parent", "submitted_by", "approved_by").filter(
        pk=report_id).first()
    if report is None:
        raise NotFound("Báo cáo", "Report")
    if user is not None:
        require_view_unit(user, report.unit)
    return report


def check_period(form: Form, unit: Unit, period_key: str) -> periods.Period:
    period = periods.parse(period_key)
    errors = []
    if period.type != form.period_type:
        errors.append(FieldError("period", f"biểu {form.code} báo cáo theo {form.get_period_type_display()}",
                                 f"form {form.code} is reported per {form.period_type}"))
    if unit.kind not in form.unit_kinds:
        errors.append(FieldError("unit", f"{unit.name} không thuộc loại đơn vị báo cáo biểu {form.code}",
                                 f"{unit.name} is not a kind of unit that reports form {form.code}"))
    if not unit.is_valid_on(period.end):
        errors.append(FieldError("period", f"{unit.name} không có hiệu lực vào cuối kỳ {period.label}",
                                 f"{unit.name} did not exist at the end of {period.key}"))
    if errors:
        raise ValidationFailed(errors)
    return period


def values_of(report: Report) -> dict[str, Decimal | str | None]:
    result: dict[str, Decimal | str | None] = {}
    for code, value, text, vtype in report.values.values_list("indicator__code", "value", "text",
                                                              "indicator__value_type"):
        result[code] = text if vtype == ValueType.TEXT else value
    return result


def _locked_error(report: Report) -> Locked:
    state = report.get_status_display()
    return Locked(FieldError("status", f"báo cáo đang ở trạng thái '{state}', đã khóa; cần được trả lại hoặc mở lại "
                                       "để sửa", f"the report is '{report.status}' and locked; it must be returned "
                                                 "or reopened before it can change"),
                  vi="Báo cáo đã khóa", en="The report is locked")


@dataclass
class SaveResult:
    report: Report
    warnings: list[CellError] = field(default_factory=list)
    created: bool = False
    unchanged: bool = False


def save_report(user: User, form: Form, unit: Unit, period_key: str, values: dict,
                expected_version: int | None = None, submit: bool = False, reason: str = "") -> SaveResult:
    """Create or update the report of `unit` for `form` and period with `values` ({code: value}); codes
    left out keep their stored value. Every cell is validated (type, range, numerator ≤ denominator,
    cross-field rules); any error rejects the whole save and names the cell. With `submit`, the report
    is also submitted. Resending identical figures of an already submitted report is a no-op."""
    require_edit_unit(user, unit)
    if user.role == Role.VIEWER:
        raise Forbidden()
    period = check_period(form, unit, period_key)
    with transaction.atomic():
        report, created = _report_for_update(user, form, unit, period)
        if expected_version is not None and not created and expected_version != report.version:
            raise Conflict(report.version)
        existing = values_of(report)
        cleaned, errors = clean_values(form, values)
        merged = {**existing, **cleaned}
        if report.is_locked:
            if submit and all(merged.get(k) == existing.get(k) for k in cleaned) and not errors:
                return SaveResult(report, unchanged=True)
            raise _locked_error(report)
        if errors:
            raise ValidationFailed([e.as_field_error() for e in errors])
        problems = check_rules(form, merged)
        blocking = [p for p in problems if p.severity == Severity.ERROR]
        if blocking:
            raise ValidationFailed([e.as_field_error() for e in blocking])
        _write_values(user, report, form, cleaned, existing, reason)
        report.version += (0 if created else 1)
        report._history_user = user
        report._change_reason = (reason or "Nhập số liệu / Data entry")[:HISTORY_REASON_MAX]
        if submit:  # one save, one history row: entered and submitted
            _submit(user, report, merged, save=False)
            report._change_reason = f"{report._change_reason}; gửi báo cáo / submitted"[-HISTORY_REASON_MAX:]
        report.save()
    return SaveResult(report, [p for p in problems if p.severity == Severity.WARNING], created)


def _report_for_update(user: User, form: Form, unit: Unit, period: periods.Period) -> tuple[Report, bool]:
    report = Report.objects.select_for_update().filter(form=form, unit=unit, period=period.key).first()
    if report is not None:
        return report, False
    try:
        with transaction.atomic():
            report = Report(form=form, unit=unit, period=period.key, period_start=period.start,
                            period_end=period.end, deadline=period.end + dt.timedelta(days=form.deadline_days))
            report._history_user = user
            report._change_reason = "Tạo báo cáo / Report created"
            report.save()
        return report, True
    except IntegrityError:  # created by a concurrent request a moment ago
        return Report.objects.select_for_update().get(form=form, unit=unit, period=period.key), False


def _write_values(user: User, report: Report, form: Form, cleaned: dict, existing: dict, reason: str) -> None:
    """New and changed values in two statements each (plus their history rows)."""
    indicators = {i.indicator.code: i.indicator for i in form.items.select_related("indicator")}
    stored = {v.indicator.code: v for v in report.values.select_related("indicator")}
    # figures loaded in bulk without history (the demo) keep their old value on record before changing
    record_baseline(DataValue, [stored[c] for c, v in cleaned.items() if c in stored and existing.get(c) != v],
                    report.created_at)
    created, changed = [], []
    for code, value in cleaned.items():
        if code in existing and existing[code] == value:
            continue
        row = stored.get(code) or DataValue(report=report, indicator=indicators[code])
        if indicators[code].value_type == ValueType.TEXT:
            row.text, row.value = value or "", None
        else:
            row.value, row.text = value, ""
        (changed if row.pk else created).append(row)
    why = (reason or "Nhập số liệu / Data entry")[:HISTORY_REASON_MAX]
    if created:
        bulk_create_with_history(created, DataValue, default_user=user, default_change_reason=why)
    if changed:
        bulk_update_with_history(changed, DataValue, ["value", "text"], default_user=user,
                                 default_change_reason=why)


def _submit(user: User, report: Report, values: dict, save: bool = True) -> None:
    missing = [item.indicator for item in report.form.items.select_related("indicator")
               if item.required and values.get(item.indicator.code) in (None, "")]
    if missing:
        raise ValidationFailed([FieldError(f"values.{i.code}", "bắt buộc nhập trước khi gửi",
                                           "is required before submitting") for i in missing],
                               vi="Còn chỉ tiêu bắt buộc chưa nhập", en="Required figures are missing")
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report.version += 1
    report._history_user = user
    report._change_reason = "Gửi báo cáo / Submitted"
    if save:
        report.save()


def _transition(user: User, report_id: int, expected_version: int | None, allowed_from: set[str]) -> Report:
    report = Report.objects.select_for_update(of=("self",)).select_related("form", "unit", "unit__parent").filter(
        pk=report_id).first()
    if report is None:
        raise NotFound("Báo cáo", "Report")
    if expected_version is not None and expected_version != report.version:
        raise Conflict(report.version)
    if report.status not in allowed_from:
        raise ValidationFailed(FieldError(
            "status", f"không thể thực hiện khi báo cáo đang '{report.get_status_display()}'",
            f"not possible while the report is '{report.status}'"))
    return report


def submit_report(user: User, report_id: int, expected_version: int | None = None) -> Report:
    with transaction.atomic():
        report = _transition(user, report_id, expected_version, {Status.DRAFT, Status.RETURNED})
        require_edit_unit(user, report.unit)
        if user.role == Role.VIEWER:
            raise Forbidden()
        _submit(user, report, values_of(report))
    return report


def approve_report(user: User, report_id: int, expected_version: int | None = None, comment: str = "") -> Report:
    """Submitted → approved, by the parent unit or the DX office; the report is then locked and its
    figures enter the analytics."""
    with transaction.atomic():
        report = _transition(user, report_id, expected_version, {Status.SUBMITTED})
        require_approve(user, report)
        report.status = Status.APPROVED
        report.approved_at = timezone.now()
        report.approved_by = user
        report.comment = comment.strip()
        report.version += 1
        report._history_user = user
        report._change_reason = "Phê duyệt / Approved"
        report.save()
        AnalyticsChange.objects.create(report_id=report.pk)
    return report


def return_report(user: User, report_id: int, comment: str, expected_version: int | None = None) -> Report:
    """Submitted → returned with a comment saying what to fix."""
    if not (comment or "").strip():
        raise ValidationFailed(FieldError("comment", "cần ghi rõ lý do trả lại", "say why the report is returned"))
    with transaction.atomic():
        report = _transition(user, report_id, expected_version, {Status.SUBMITTED})
        require_approve(user, report)
        report.status = Status.RETURNED
        report.comment = comment.strip()
        report.version += 1
        report._history_user = user
        report._change_reason = f"Trả lại / Returned: {comment.strip()}"
        report.save()
    return report


def reopen_report(user: User, report_id: int, reason: str, expected_version: int | None = None) -> Report:
    """Approved → returned for a correction. The approved figures leave the analytics until the report
    is approved again; every earlier state and value stays in the history."""
    if not (reason or "").strip():
        raise ValidationFailed(FieldError("comment", "cần ghi rõ lý do mở lại", "say why the report is reopened"))
    with transaction.atomic():
        report = _transition(user, report_id, expected_version, {Status.APPROVED})
        require_approve(user, report)
        report.status = Status.RETURNED
        report.comment = f"Mở lại để điều chỉnh / Reopened for correction: {reason.strip()}"
        report.reopened += 1
        report.version += 1
        report._history_user = user
        report._change_reason = f"Mở lại / Reopened: {reason.strip()}"[:HISTORY_REASON_MAX]
        report.save()
        AnalyticsChange.objects.create(report_id=report.pk)
    return report


def record_approved_values(user: User | None, form_code: str, unit: Unit, period_key: str, values: dict,
                           reason: str) -> Report:
    """Public contract for apps whose figures are counted from their own records (e.g. the data-sharing
    ledger): store `values` as the unit's APPROVED report of the period in one step, by the DX office
    (`user`) or the system (None). The figures are checked like any entry (types, ranges, rules); a
    re-run with other counts replaces the values of the same report, audited, and the analytics follow."""
    if user is not None:
        require_dx_office(user)
    form = get_form(form_code)
    period = check_period(form, unit, period_key)
    with transaction.atomic():
        report, created = _report_for_update(user, form, unit, period)
        existing = values_of(report)
        cleaned, errors = clean_values(form, values)
        if errors:
            raise ValidationFailed([e.as_field_error() for e in errors])
        blocking = [p for p in check_rules(form, {**existing, **cleaned}) if p.severity == Severity.ERROR]
        if blocking:
            raise ValidationFailed([e.as_field_error() for e in blocking])
        if report.status == Status.APPROVED and all(existing.get(k) == v for k, v in cleaned.items()):
            return report
        _write_values(user, report, form, cleaned, existing, reason)
        now = timezone.now()
        report.status = Status.APPROVED
        report.submitted_at = report.submitted_at or now
        report.submitted_by = report.submitted_by or user
        report.approved_at, report.approved_by = now, user
        report.version += 0 if created else 1
        report._history_user = user
        report._change_reason = f"Phê duyệt tự động / Approved from source records: {reason}"[:HISTORY_REASON_MAX]
        report.save()
        AnalyticsChange.objects.create(report_id=report.pk)
    return report


def report_history(report: Report, limit: int = 200) -> list:
    """The report's audit trail with its figures: each save's entry lists the values it changed
    ("Tổng số hồ sơ (HS_TONG): 317 → 1.562"), since the figures live in their own table."""
    records = DataValue.history.model.objects.filter(report_id=report.pk)
    indicators = Indicator.objects.in_bulk(set(records.values_list("indicator_id", flat=True)))

    def label(record) -> str:
        indicator = indicators.get(record.indicator_id)
        return f"{indicator.name} ({indicator.code})" if indicator else str(record.indicator_id)

    def show(record):
        return record.text or None if record.value is None else vn_number(record.value, 4)

    part = Part(records, label, show)
    return history_of(report, limit, parts=(part,))


def report_for(form: Form, unit: Unit, period_key: str) -> Report | None:
    return Report.objects.filter(form=form, unit=unit, period=period_key).first()


def list_reports(user: User, form: Form | None = None, period: str | None = None, status: str | None = None,
                 under: Unit | None = None, limit: int = 500) -> list[Report]:
    reports = Report.objects.select_related("form", "unit")
    if not (is_system_admin(user) or user.unit is None):
        reports = reports.filter(unit__path__startswith=user.unit.path)
    if form:
        reports = reports.filter(form=form)
    if period:
        reports = reports.filter(period=period)
    if status:
        reports = reports.filter(status=status)
    if under:
        reports = reports.filter(unit__path__startswith=under.path)
    return list(reports.order_by("-period_start", "unit__path")[:limit])


@dataclass
class ReportPage:
    """One page of a longer list: `items` from position `offset`, and how many there are in all."""

    items: list[Report]
    total: int
    offset: int
    limit: int

    @property
    def first_position(self) -> int:
        return self.offset + 1 if self.items else 0

    @property
    def last_position(self) -> int:
        return self.offset + len(self.items)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def pending_approvals(user: User, limit: int = 200, offset: int = 0) -> ReportPage:
    """Submitted reports this user may approve, by deadline: one page of them and the true total (a
    header saying "(50)" while 148 wait would hide the backlog)."""
    limit, offset = max(1, limit), max(0, offset)
    if user.role not in (Role.ADMIN, Role.FOCAL) and not is_system_admin(user):
        return ReportPage([], 0, offset, limit)
    reports = Report.objects.select_related("form", "unit", "unit__parent").filter(status=Status.SUBMITTED)
    if is_system_admin(user):  # approves everything: the database counts and pages
        ordered = reports.order_by("deadline", "pk")
        return ReportPage(list(ordered[offset:offset + limit]), ordered.count(), offset, limit)
    if user.unit is not None:
        reports = reports.filter(unit__path__startswith=user.unit.path).exclude(unit=user.unit)
    allowed = [r for r in reports.order_by("deadline", "pk") if can_approve(user, r)]
    return ReportPage(allowed[offset:offset + limit], len(allowed), offset, limit)


# ---------------------------------------------------------------- XLSX / CSV entry

XLSX_HEADERS = ["Mã chỉ tiêu (code)", "Tên chỉ tiêu (name)", "Đơn vị tính (unit)", "Giá trị (value)"]
XLSX_ALIASES = {"code": "code", "ma chi tieu": "code", "ma_chi_tieu": "code", "ma chi tieu (code)": "code",
                "ma_chi_tieu_(code)": "code", "value": "value", "gia tri": "value", "gia_tri": "value",
                "gia tri (value)": "value", "gia_tri_(value)": "value"}


def report_template(form: Form, values: dict | None = None) -> list[list]:
    values = values or {}
    rows = []
    for item in form.items.select_related("indicator"):
        ind = item.indicator
        rows.append([ind.code, ind.name, ind.unit_of_measure, values.get(ind.code)])
    return rows


def values_from_rows(form: Form, rows: list[dict]) -> tuple[dict, dict[str, int], list[FieldError]]:
    """Rows of an uploaded sheet → {code: value}; also the sheet row of each code so errors point at
    the cell (column D, that row)."""
    values, row_of, errors = {}, {}, []
    codes = set(form.items.values_list("indicator__code", flat=True))
    for number, row in numbered(rows):
        code = str(row.get("code") or "").strip().upper()
        if not code:
            continue
        if code not in codes:
            errors.append(FieldError("code", f"ô A{number}: chỉ tiêu {code} không thuộc biểu {form.code}",
                                     f"cell A{number}: indicator {code} is not on form {form.code}", number))
            continue
        if code in values:
            errors.append(FieldError("code", f"ô A{number}: chỉ tiêu {code} lặp lại",
                                     f"cell A{number}: indicator {code} repeats", number))
            continue
        values[code] = row.get("value")
        row_of[code] = number
    return values, row_of, errors


def import_report(user: User, form: Form, unit: Unit, period_key: str, rows: list[dict],
                  submit: bool = False) -> SaveResult:
    """All or nothing: the sheet's errors name the cell (D<row>) of each bad figure."""
    values, row_of, errors = values_from_rows(form, rows)
    if errors:
        raise ValidationFailed(errors, vi="Tệp bị từ chối, không có số liệu nào được ghi",
                               en="The file was rejected; nothing was written")
    try:
        return save_report(user, form, unit, period_key, values, submit=submit, reason="Nhập tệp / File upload")
    except ValidationFailed as exc:
        mapped = []
        for error in exc.errors:
            code = error.field.removeprefix("values.")
            if code in row_of:
                mapped.append(FieldError(f"D{row_of[code]}", f"ô D{row_of[code]} ({code}): {error.vi}",
                                         f"cell D{row_of[code]} ({code}): {error.en}", row_of[code]))
            else:
                mapped.append(error)
        raise ValidationFailed(mapped, vi="Tệp bị từ chối, không có số liệu nào được ghi",
                               en="The file was rejected; nothing was written") from exc


# ---------------------------------------------------------------- completeness and timeliness

@dataclass
class CompletenessRow:
    unit: Unit
    report: Report | None
    state: str  # missing, draft, returned, submitted, approved
    late: bool
    overdue: bool


@dataclass
class Completeness:
    form: Form
    period: periods.Period
    deadline: dt.date
    rows: list[CompletenessRow]

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return sum(r.state in (Status.SUBMITTED, Status.APPROVED) for r in self.rows)

    @property
    def approved(self) -> int:
        return sum(r.state == Status.APPROVED for r in self.rows)

    @property
    def on_time(self) -> int:
        return sum(r.state in (Status.SUBMITTED, Status.APPROVED) and not r.late for r in self.rows)

    @property
    def late(self) -> int:
        return sum(r.late for r in self.rows)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)

    @property
    def completeness_pct(self) -> float | None:
        return self.submitted / self.expected * 100 if self.expected else None

    @property
    def timeliness_pct(self) -> float | None:
        return self.on_time / self.expected * 100 if self.expected else None


def expected_units(form: Form, period: periods.Period, under: Unit | None = None):
    units = Unit.objects.as_of(period.end).filter(kind__in=form.unit_kinds)
    if under is not None:
        units = units.below(under)
    return units


def completeness(form: Form, period_key: str, under: Unit | None = None, today: dt.date | None = None
                 ) -> Completeness:
    """Who has submitted, who is late and who is overdue, for one form and period."""
    period = periods.parse(period_key)
    if period.type != form.period_type:
        raise ValidationFailed(FieldError("period", f"biểu {form.code} báo cáo theo {form.get_period_type_display()}",
                                          f"form {form.code} is reported per {form.period_type}"))
    today = today or timezone.localdate()
    deadline = period.end + dt.timedelta(days=form.deadline_days)
    units = list(expected_units(form, period, under).select_related("parent").order_by("path"))
    reports = {r.unit_id: r for r in Report.objects.filter(form=form, period=period.key, unit__in=units)}
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        state = report.status if report else "missing"
        done = state in (Status.SUBMITTED, Status.APPROVED)
        rows.append(CompletenessRow(unit, report, state, late=bool(report and done and report.is_late),
                                    overdue=not done and today > deadline))
    return Completeness(form, period, deadline, rows)


def completeness_many(items: list[tuple[Form, str]], under: Unit | None = None, today: dt.date | None = None
                      ) -> list[Completeness]:
    """`completeness(form, key, under, today)` of many (form, period key) pairs, in their order, with two
    queries in all instead of two per pair (a yearly report reads every form's months and quarters): the
    units of the forms' kinds that existed at some period's end, and their reports of those periods; each
    pair then keeps the units that existed at its own period's end, as `expected_units` does."""
    today = today or timezone.localdate()
    parsed = []
    for form, key in items:
        period = periods.parse(key)
        if period.type != form.period_type:
            raise ValidationFailed(FieldError(
                "period", f"biểu {form.code} báo cáo theo {form.get_period_type_display()}",
                f"form {form.code} is reported per {form.period_type}"))
        parsed.append((form, period))
    if not parsed:
        return []
    kinds = {kind for form, _ in parsed for kind in form.unit_kinds}
    first, last = min(p.end for _, p in parsed), max(p.end for _, p in parsed)
    units = Unit.objects.filter(kind__in=kinds).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first))
    found = Report.objects.filter(form__in={f.pk for f, _ in parsed}, period__in={p.key for _, p in parsed},
                                  unit__kind__in=kinds)
    if under is not None:
        units = units.below(under)
        found = found.filter(unit__path__startswith=under.path)
    units = list(units.select_related("parent").order_by("path"))
    reports = {(r.form_id, r.period, r.unit_id): r for r in found}
    result = []
    for form, period in parsed:
        deadline = period.end + dt.timedelta(days=form.deadline_days)
        rows = []
        for unit in units:
            if unit.kind not in form.unit_kinds or not unit.is_valid_on(period.end):
                continue
            report = reports.get((form.pk, period.key, unit.pk))
            state = report.status if report else "missing"
            done = state in (Status.SUBMITTED, Status.APPROVED)
            rows.append(CompletenessRow(unit, report, state, late=bool(report and done and report.is_late),
                                        overdue=not done and today > deadline))
        result.append(Completeness(form, period, deadline, rows))
    return result


def open_periods(form: Form, today: dt.date | None = None, count: int = 6) -> list[periods.Period]:
    """The latest `count` periods that have ended (the ones being reported), newest first."""
    today = today or timezone.localdate()
    current = periods.containing(today, form.period_type)
    result, period = [], current.previous()
    while len(result) < count:
        result.append(period)
        period = period.previous()
    return result


def my_tasks(user: User, today: dt.date | None = None) -> list[dict]:
    """Reports the user's unit has to fill for recent periods, with their state and deadline."""
    if user.unit is None or user.role not in (Role.FOCAL, Role.ADMIN, Role.API_CLIENT):
        return []
    due = [(form, period) for form in Form.objects.filter(active=True) if user.unit.kind in form.unit_kinds
           for period in open_periods(form, today, count=3) if user.unit.is_valid_on(period.end)]
    # the unit's reports for all of them in one query (the indicators page asked once per form and period)
    reports: dict[tuple[int, str], Report] = {}
    for report in Report.objects.filter(unit=user.unit, form__in={form.pk for form, _ in due},
                                        period__in={period.key for _, period in due}).order_by("pk"):
        reports.setdefault((report.form_id, report.period), report)
    return [{"form": form, "period": period, "report": reports.get((form.pk, period.key)),
             "deadline": period.end + dt.timedelta(days=form.deadline_days)} for form, period in due]


# ---------------------------------------------------------------- reminders

@dataclass
class ReminderResult:
    created: int = 0
    emailed: int = 0


def send_reminders(today: dt.date | None = None, grace_days: int = 2) -> ReminderResult:
    """The background job: for every form and recent period, remind the focal points of units that
    have not submitted, on each configured offset from the deadline (negative = before). Runs once a
    day or more often; a reminder is never sent twice (one per user, unit, period and offset)."""
    today = today or timezone.localdate()
    result = ReminderResult()
    for form in Form.objects.filter(active=True).exclude(reminder_offsets=[]):
        offsets = sorted(int(o) for o in form.reminder_offsets)
        period = periods.containing(today, form.period_type)
        for _ in range(14):
            deadline = period.end + dt.timedelta(days=form.deadline_days)
            due = [o for o in offsets if deadline + dt.timedelta(days=o) <= today
                   <= deadline + dt.timedelta(days=o + grace_days)]
            if due:
                _remind(form, period, deadline, due[-1], result)
            if deadline + dt.timedelta(days=offsets[-1] + grace_days) < today:
                break
            period = period.previous()
    return result


def _remind(form: Form, period: periods.Period, deadline: dt.date, offset: int, result: ReminderResult) -> None:
    units = list(expected_units(form, period))
    done = set(Report.objects.filter(form=form, period=period.key, unit__in=units,
                                     status__in=(Status.SUBMITTED, Status.APPROVED)).values_list("unit_id", flat=True))
    waiting = [u for u in units if u.pk not in done]
    users = User.objects.filter(unit__in=waiting, role=Role.FOCAL, is_active=True).select_related("unit")
    for user in users:
        if offset < 0:
            vi = (f"Nhắc hạn: {form.name} ({form.code}) kỳ {period.label} của {user.unit.name} cần gửi trước "
                  f"{deadline:%d/%m/%Y} (còn {-offset} ngày).")
            en = f"Reminder: {form.code} for {period.key} of {user.unit.name} is due on {deadline:%d/%m/%Y}."
        else:
            vi = (f"Quá hạn: {form.name} ({form.code}) kỳ {period.label} của {user.unit.name} đã quá hạn "
                  f"{deadline:%d/%m/%Y} {offset} ngày mà chưa gửi.")
            en = f"Overdue: {form.code} for {period.key} of {user.unit.name} was due on {deadline:%d/%m/%Y}."
        reminder, created = Reminder.objects.get_or_create(
            user=user, form=form, unit=user.unit, period=period.key, offset=offset,
            defaults={"message": f"{vi}\n{en}"})
        if not created:
            continue
        result.created += 1
        if user.email:
            send_mail(f"[Tỉnh số] {vi[:120]}", f"{vi}\n\n{en}\n", None, [user.email], fail_silently=False)
            Reminder.objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())
            result.emailed += 1


def reminders_of(user: User, unread_only: bool = False, limit: int = 100) -> list[Reminder]:
    items = Reminder.objects.filter(user=user).select_related("form", "unit")
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return list(items[:limit])


def mark_read(user: User, reminder_id: int) -> Reminder:
    reminder = Reminder.objects.filter(pk=reminder_id, user=user).first()
    if reminder is None:
        raise NotFound("Lời nhắc", "Reminder")
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder


# ---------------------------------------------------------------- analytics (delegates to DuckDB)

def approved_values(indicator_codes: list[str], unit_ids: list[int], year: int, period: str = ""
                    ) -> dict[tuple[str, int], Decimal]:
    """Public contract for other apps (e.g. DTI).

    For each (indicator code, unit id) the value of `year` (or of one `period` key within it, such as
    2025-Q2 or 2025-06) computed only from APPROVED reports and
    aggregated up the unit tree by the indicator's rule: a unit's value includes its descendants
    (and units that merged into them, re-aggregated through the succession links); derived rates are
    ratios of sums (Σnumerator / Σdenominator × factor), never averages of rates; periods within the
    year roll up by the indicator's time rule (sum for flows, last value for stocks). Missing
    combinations — unknown codes or units, text indicators, no approved figure — are simply absent.
    """
    from tinhso.indicators import analytics

    return analytics.approved_values(list(indicator_codes), list(unit_ids), int(year),
                                     periods.parse(period) if period else None)


def fed_from_records(report: Report) -> bool:
    """Whether a report was recorded by another module from its own records (record_system_values,
    record_approved_values: approved without a person submitting it first) rather than entered by a unit."""
    return report.status == Status.APPROVED and (report.submitted_at is None
                                                 or report.submitted_at == report.approved_at)


def entered_forms(items: list[tuple[Form, str]], under: Unit) -> set[int]:
    """Ids of the forms of which a unit under `under` entered a report (not fed_from_records) for one of
    the given (form, period key) pairs: one query returning (form, period) pairs, not every report."""
    if not items:
        return set()
    wanted = {(form.pk, key) for form, key in items}
    # the negation of fed_from_records, written so that SQL's NULLs cannot hide a row
    entered = ~Q(status=Status.APPROVED) | (Q(submitted_at__isnull=False) & (
        Q(approved_at__isnull=True) | ~Q(submitted_at=F("approved_at"))))
    pairs = (Report.objects.filter(entered, form__in={f for f, _ in wanted}, period__in={k for _, k in wanted},
                                   unit__path__startswith=under.path)
             .values_list("form_id", "period").distinct())
    return {form_id for form_id, key in pairs if (form_id, key) in wanted}


def record_system_values(source: str, form_code: str, unit: Unit, period_key: str, values: dict) -> Report:
    """Public contract for other apps: figures a module computes from its own records, never typed in
    (e.g. the security module's systems in operation and systems with an approved security level), enter
    the indicators as APPROVED values of `unit`'s report of `form_code` for the period. The report is
    created if needed, the values checked like typed ones and written (the history names `source`), and
    the report (re)approved, so analytics, DTI and targets use them at once. Identical values write nothing."""
    form = get_form(form_code)
    period = check_period(form, unit, period_key)
    cleaned, errors = clean_values(form, values)
    if errors:
        raise ValidationFailed([e.as_field_error() for e in errors])
    reason = f"Tự động từ {source} / Computed by {source}"[:100]  # history_change_reason is varchar(100)
    with transaction.atomic():
        report, created = _report_for_update(None, form, unit, period)
        existing = values_of(report)
        if report.status == Status.APPROVED and all(existing.get(k) == v for k, v in cleaned.items()):
            return report
        _write_values(None, report, form, cleaned, existing, reason)
        report.status, report.approved_at, report.approved_by = Status.APPROVED, timezone.now(), None
        report.comment = f"Số liệu tự động từ {source} / Figures computed by {source}"
        report.version += 0 if created else 1
        report._history_user = None
        report._change_reason = reason
        report.save()
        AnalyticsChange.objects.create(report_id=report.pk)
    return report


def analytics_rows(indicators: str, start: str, end: str = "", period_type: str = "year", units: str = "",
                   parent: int | None = None, level: str | None = None, as_of: dt.date | None = None,
                   compare: bool = False, user: User | None = None) -> list[dict]:
    """Approved figures as rows {indicator, unit_id, period, value[, previous, change_pct]} for the
    analytics API. `indicators` are comma-separated codes; the units are `units` (comma-separated ids),
    or the units valid on `as_of` (default today) that are children of `parent` and/or of kind `level`;
    `change_pct` is this period as a percentage of the same period last year (102,8 = 2,8% more); `start`
    and `end` are period keys bucketed by `period_type`; `compare` adds the same period last year.
    Inputs are checked against the analytics copy's cached registry, so a warm query costs one
    consistency check and the DuckDB statement. With `user` (every edge passes the reader), scoped like
    reports (docs/read-policy.md): naming a unit outside the reader's subtree is refused; a whole `level`
    is cut to the reader's subtree. Without, the caller has checked the scope (e.g. an IOC widget)."""
    from tinhso.indicators import analytics

    synced = analytics.sync()
    codes = [c.strip().upper() for c in indicators.split(",") if c.strip()]
    if not codes or len(codes) > 200:
        raise ValidationFailed(FieldError("indicators", "cần 1–200 mã chỉ tiêu, cách nhau bởi dấu phẩy",
                                          "give 1–200 indicator codes separated by commas"))
    known = analytics.known_codes(synced)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(FieldError("indicators", f"không có chỉ tiêu {', '.join(unknown)}",
                                          f"unknown indicators {', '.join(unknown)}"))
    if period_type not in periods.MONTHS_IN:
        raise ValidationFailed(FieldError("period_type", "dùng month, quarter, half hoặc year",
                                          "use month, quarter, half or year"))
    first, last = periods.parse(start, "start"), periods.parse(end or start, "end")
    if last.end < first.start:
        raise ValidationFailed(FieldError("end", "kỳ cuối trước kỳ đầu", "end is before start"))
    today = timezone.localdate()
    if units:
        try:
            targets = [int(u) for u in units.split(",") if u.strip()]
        except ValueError as exc:
            raise ValidationFailed(FieldError("units", "mã đơn vị phải là số", "unit ids must be numbers")) from exc
        if not targets or len(targets) > 5000:
            raise ValidationFailed(FieldError("units", "cần 1–5.000 đơn vị", "give 1–5,000 units"))
        day = as_of  # None: each unit as of today, or as of its last day if it has ended
    elif parent is not None or level:
        if level and level not in UnitKind.values:
            raise ValidationFailed(FieldError("level", f"cấp đơn vị phải thuộc {', '.join(UnitKind.values)}",
                                              f"the level must be one of {', '.join(UnitKind.values)}"))
        if parent is not None and user is not None and not reads_all_units(user):
            above = Unit.objects.filter(pk=parent).first()
            if above is not None:  # an unknown parent simply has no rows
                require_read_unit(user, above)
        day = as_of or analytics.default_as_of(Unit.objects.filter(pk=parent).first() if parent else None, today)
        targets = analytics.units_on(synced, day, parent=parent, kind=level)
    else:
        raise ValidationFailed(FieldError("units", "chọn units, parent hoặc level", "give units, parent or level"))
    if user is not None:
        targets = _readable_targets(user, targets, named=bool(units))
    values = analytics.series(codes, targets, period_type, first.start, last.end, day, synced)
    previous = {}
    if compare:
        prior_end = same_months_last_year(last.end, today)
        prior = analytics.series(codes, targets, period_type, first.same_period_last_year().start, prior_end, day,
                                 synced)
        previous = {(c, u, str(int(p[:4]) + 1) + p[4:]): v for (c, u, p), v in prior.items()}
    rows = []
    for (code, unit_id, period), value in sorted(values.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1])):
        row = {"indicator": code, "unit_id": unit_id, "period": period, "value": _rounded(value, 4)}
        if compare:
            before = previous.get((code, unit_id, period))
            row["previous"] = None if before is None else _rounded(before, 4)
            row["change_pct"] = _rounded(value / before * 100, 2) if before else None
        rows.append(row)
    return rows


def _readable_targets(user: User, unit_ids: list[int], named: bool) -> list[int]:
    """The units of an analytics query the reader may see: named units outside the reader's subtree are
    refused, units found by level are silently cut to the subtree."""
    if reads_all_units(user):
        return unit_ids
    outside = Unit.objects.filter(pk__in=unit_ids).exclude(readable_units_filter(user))
    if named:
        unit = outside.first()
        if unit is not None:
            require_read_unit(user, unit)
        return unit_ids
    hidden = set(outside.values_list("pk", flat=True))
    return [u for u in unit_ids if u not in hidden]


def same_months_last_year(end: dt.date, today: dt.date) -> dt.date:
    """The last day of last year's span that compares with a span ending on `end`: the same day a year
    earlier, or — while the span is not over — the end of the same month as the last one that has
    ended, so 'so với cùng kỳ' sets January–November against January–November, not the whole year."""
    cutoff = periods.containing(today, periods.MONTH).previous().end
    last = min(end, cutoff)
    if last < end or last == periods.containing(last, periods.MONTH).end:
        return periods.containing(last, periods.MONTH).same_period_last_year().end  # month ends (29/02 too)
    return last.replace(year=last.year - 1)


def _rounded(value: float, places: int) -> float:
    """A JSON number rounded by the platform's one rule (half-up on the decimal value)."""
    return float(round_half_up(value, places))


# ---------------------------------------------------------------- targets and achievement

@dataclass
class _TargetChange:
    """A checked target row, ready to write."""

    indicator: Indicator
    unit: Unit
    year: int
    period: str
    value: Decimal
    note: str

    @property
    def key(self) -> tuple[int, int, int, str]:
        return self.indicator.pk, self.unit.pk, self.year, self.period


def _check_target(user: User, indicator_code: str, unit: Unit, year: int, value, period: str = "", note: str = "",
                  row: int | None = None, indicators: dict[str, Indicator | None] | None = None) -> _TargetChange:
    """Every check of a target, with reads only. `indicators` caches the catalogue across an import's rows."""
    require_dx_office(user, unit)
    errors = []
    indicators = {} if indicators is None else indicators
    if indicator_code not in indicators:
        indicators[indicator_code] = Indicator.objects.filter(code=indicator_code).first()
    indicator = indicators[indicator_code]
    if indicator is None:
        errors.append(FieldError("indicator", f"không có chỉ tiêu mã {indicator_code}",
                                 f"no indicator with code {indicator_code}", row))
    elif indicator.value_type == ValueType.TEXT:
        errors.append(FieldError("indicator", "chỉ tiêu văn bản không có kế hoạch", "text indicators have no target",
                                 row))
    if not 1990 <= int(year or 0) <= 2100:
        errors.append(FieldError("year", "năm phải từ 1990 đến 2100", "year must be 1990–2100", row))
    if period:
        try:
            period = target_period_key(period, int(year or 0))
        except ValidationFailed as exc:
            errors += [FieldError(e.field, e.vi, e.en, row) for e in exc.errors]
    try:
        number = parse_number(value)
        if number < 0:
            errors.append(FieldError("value", "không được âm", "must not be negative", row))
        elif number >= MAX_ABS_VALUE:
            errors.append(FieldError("value", "số quá lớn (tối đa 999.999.999.999.999)",
                                     "number too large (at most 999,999,999,999,999)", row))
        else:
            number = number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        errors.append(FieldError("value", f"'{value}' không phải là số", f"'{value}' is not a number", row))
    if errors:
        raise ValidationFailed(errors)
    return _TargetChange(indicator, unit, int(year), period, number, note or "")


def set_target(user: User, indicator_code: str, unit: Unit, year: int, value, period: str = "", note: str = "",
               expected_version: int | None = None, row: int | None = None) -> Target:
    """Create or change a target (DX office only). A change of an existing target is version-checked."""
    change = _check_target(user, indicator_code, unit, year, value, period, note, row)
    with transaction.atomic():
        target = Target.objects.select_for_update().filter(indicator=change.indicator, unit=unit, year=change.year,
                                                           period=change.period).first()
        if target is None:
            target = Target(indicator=change.indicator, unit=unit, year=change.year, period=change.period)
        else:
            if expected_version is not None and expected_version != target.version:
                raise Conflict(target.version)
            target.version += 1
        target.value, target.note = change.value, change.note
        target._history_user = user
        target.save()
    return target


TARGET_ALIASES = {"indicator": "indicator", "ma chi tieu": "indicator", "ma_chi_tieu": "indicator",
                  "unit": "unit", "don vi": "unit", "don_vi": "unit", "ma don vi": "unit", "ma_don_vi": "unit",
                  "year": "year", "nam": "year", "period": "period", "ky": "period", "value": "value",
                  "ke hoach": "value", "ke_hoach": "value", "gia tri": "value", "gia_tri": "value",
                  "note": "note", "ghi chu": "note", "ghi_chu": "note"}


def import_targets(user: User, rows: list[dict]) -> int:
    """All or nothing. `unit` is an electronic code, a statistics code or a unit id. Every row is checked with
    reads only; the targets are then written in one short transaction of a few statements, so a long file
    does not hold the database (SQLite's one writer) while it is checked (#15, finding 3). When a file names
    the same target twice, its last row wins."""
    numbered_rows = list(numbered(rows))
    units = _units_by_reference(str(row.get("unit") or "").strip() for _, row in numbered_rows)
    indicators: dict[str, Indicator | None] = {}
    errors: list[FieldError] = []
    changes: dict[tuple, _TargetChange] = {}
    for number, row in numbered_rows:
        reference = str(row.get("unit") or "").strip()
        unit = units.get(reference)
        if unit is None:
            errors.append(FieldError("unit", f"không tìm thấy đơn vị '{reference}'",
                                     f"unit '{reference}' not found", number))
            continue
        try:
            year = int(str(row.get("year") or "0").split(".")[0])
            change = _check_target(user, str(row.get("indicator") or "").strip().upper(), unit, year,
                                   row.get("value"), str(row.get("period") or "").strip(), str(row.get("note") or ""),
                                   number, indicators)
            changes[change.key] = change
        except ValueError:
            errors.append(FieldError("year", "năm phải là số", "year must be a number", number))
        except DomainError as exc:
            errors += [FieldError(e.field, e.vi, e.en, number) for e in exc.errors] or [
                FieldError("row", exc.vi, exc.en, number)]
    if errors:
        raise ValidationFailed(errors, vi="Tệp bị từ chối, không có dòng nào được ghi",
                               en="The file was rejected; no row was written")
    with transaction.atomic():
        _write_targets(user, list(changes.values()))
    return len(numbered_rows)


def _units_by_reference(references) -> dict[str, Unit]:
    """Each reference (electronic code, statistics code or id) → its unit; a code reused over time names the
    current unit, else the one that ended last. Read in a few queries, whatever the number of rows."""
    wanted = {r for r in references if r}
    found: dict[str, Unit] = {}
    texts = sorted(wanted)
    for i in range(0, len(texts), 400):  # bounded IN lists: SQLite limits bound parameters
        chunk = texts[i:i + 400]
        for unit in Unit.objects.filter(Q(code__in=chunk) | Q(stats_code__in=chunk)):
            for reference in {unit.code, unit.stats_code} & wanted:
                best = found.get(reference)
                if best is None or _newer_unit(unit, best):
                    found[reference] = unit
    ids = [int(r) for r in wanted - found.keys() if r.isdigit() and len(r) < 10]
    for i in range(0, len(ids), 400):
        found.update({str(u.pk): u for u in Unit.objects.filter(pk__in=ids[i:i + 400])})
    return found


def _newer_unit(unit: Unit, than: Unit) -> bool:
    def rank(u: Unit) -> tuple:
        return u.valid_to is not None, -(u.valid_to or dt.date.max).toordinal()

    return rank(unit) < rank(than)


def _write_targets(user: User, changes: list[_TargetChange]) -> None:
    """Create or change checked targets in bulk, each change with its history row and version step."""
    if not changes:
        return
    existing = {(t.indicator_id, t.unit_id, t.year, t.period): t for t in Target.objects.select_for_update().filter(
        indicator__in={c.indicator.pk for c in changes}, year__in={c.year for c in changes})}
    created, updated = [], []
    for change in changes:
        target = existing.get(change.key)
        if target is None:
            created.append(Target(indicator=change.indicator, unit=change.unit, year=change.year,
                                  period=change.period, value=change.value, note=change.note))
        elif (target.value, target.note) != (change.value, change.note):
            target.value, target.note, target.version = change.value, change.note, target.version + 1
            updated.append(target)
    bulk_create_with_history(created, Target, default_user=user)
    bulk_update_with_history(updated, Target, ["value", "note", "version"], default_user=user)


EXCEEDED, MET, NOT_MET, NO_DATA = "exceeded", "met", "not_met", "no_data"
STATUS_LABELS = {EXCEEDED: gettext_lazy("Vượt kế hoạch"), MET: gettext_lazy("Đạt kế hoạch"),
                 NOT_MET: gettext_lazy("Chưa đạt"), NO_DATA: gettext_lazy("Chưa có số liệu")}
# lower-is-better indicators have a ceiling, and reports say how far below (or above) it they stay
LOWER_STATUS_LABELS = {EXCEEDED: gettext_lazy("Thấp hơn mức trần"), MET: gettext_lazy("Bằng mức trần"),
                       NOT_MET: gettext_lazy("Vượt mức trần"), NO_DATA: STATUS_LABELS[NO_DATA]}


def achievement(actual: Decimal | None, target: Decimal, direction: str, decimals: int = 1
                ) -> tuple[Decimal | None, str]:
    """(achievement %, status). Higher-is-better: actual / target; lower-is-better: target / actual.
    Actual and target are compared at the indicator's displayed precision (rounded half-up, the
    platform's one rule: core.formatting.round_half_up)."""
    if actual is None:
        return None, NO_DATA
    shown = round_half_up(Decimal(actual), decimals)
    target = Decimal(target)
    if direction == Direction.LOWER:
        pct = (target / shown * 100) if shown else (Decimal(100) if target == 0 else None)
        status = EXCEEDED if shown < target else MET if shown == target else NOT_MET
        if pct is None:
            pct = Decimal(100)
    else:
        pct = (shown / target * 100) if target else None
        status = EXCEEDED if shown > target else MET if shown == target else NOT_MET
    return pct, status


def is_rate(indicator: Indicator) -> bool:
    return indicator.value_type == ValueType.PERCENT or bool(indicator.numerator)


def figure_text(indicator: Indicator, value: Decimal | float | None, unit: bool = True) -> str:
    """A figure the way this indicator shows it everywhere (pages, sentences, exports): its display
    decimals, '%' after a rate, its unit of measure after anything else (94,54 → '94,5%')."""
    if value is None:
        return "—"
    decimals = display_decimals(indicator)
    if is_rate(indicator):
        return pct_text(value, decimals)
    uom = f" {indicator.unit_of_measure}" if unit and indicator.unit_of_measure else ""
    return f"{vn_number(value, decimals)}{uom}"


def achievement_phrase(indicator: Indicator, actual: Decimal | None, target: Decimal, english: bool = False) -> str:
    """How a report says how far a figure got: 'đạt 103% kế hoạch'; for a lower-is-better indicator,
    whose target is a ceiling, 'thấp hơn mức trần 70%', 'bằng mức trần' or 'vượt mức trần 25%' (the
    distance from the ceiling as a share of it), never 'đạt 336%'. `english`: the same words in English
    for pages shown in English ('103% of target', '70% below the ceiling'), numbers as everywhere."""
    if actual is None:
        return "no data" if english else "chưa có số liệu"
    decimals = display_decimals(indicator)
    if indicator.direction == Direction.LOWER:
        shown, target = round_half_up(Decimal(actual), decimals), Decimal(target)
        if shown == target:
            return "at the ceiling" if english else "bằng mức trần"
        if not target:
            return "above the ceiling" if english else "vượt mức trần"
        distance = abs(target - shown) / target * 100
        amount = pct_text(distance, 0 if round_half_up(distance, 0) else 1)
        if english:
            return f"{amount} {'below' if shown < target else 'above'} the ceiling"
        words = "thấp hơn mức trần" if shown < target else "vượt mức trần"
        return f"{words} {amount}"
    pct, _ = achievement(actual, target, indicator.direction, decimals)
    if pct is None:
        return "—"
    return f"{pct_text(pct, 0)} of target" if english else f"đạt {pct_text(pct, 0)} kế hoạch"


@dataclass
class AchievementRow:
    indicator: Indicator
    unit: Unit
    target: Target
    actual: Decimal | None
    pct: Decimal | None
    status: str
    statement: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def status_label(self) -> str:
        labels = LOWER_STATUS_LABELS if self.indicator.direction == Direction.LOWER else STATUS_LABELS
        return labels[self.status]

    @property
    def actual_text(self) -> str:
        return figure_text(self.indicator, self.actual)

    @property
    def target_text(self) -> str:
        text = figure_text(self.indicator, self.target.value)
        return f"≤ {text}" if self.indicator.direction == Direction.LOWER else text

    @property
    def achievement_text(self) -> str:
        """'103%' for a target to reach, 'thấp hơn mức trần 70%' for a ceiling."""
        if self.actual is None:
            return "—"
        if self.indicator.direction == Direction.LOWER:
            return achievement_phrase(self.indicator, self.actual, self.target.value)
        return pct_text(self.pct, 0) if self.pct is not None else "—"

    @property
    def achievement_pct(self) -> Decimal | None:
        """The achievement rounded by the platform's one rule (half-up), one decimal: what the API gives."""
        return round_half_up(self.pct, 1)


def display_decimals(indicator: Indicator) -> int:
    """Decimals a figure is shown with: rates at least one (97,4%)."""
    if indicator.value_type == ValueType.PERCENT or indicator.numerator:
        return max(indicator.decimals, 1)
    return indicator.decimals


def target_period_key(key: str, year: int) -> str:
    """The canonical key of a period (2025-Q2, 2025-06, 2025-H1) that must lie within `year`."""
    period = periods.parse(key, "period")
    if period.year != year:
        raise ValidationFailed(FieldError("period", "kỳ phải thuộc năm của chỉ tiêu", "period must lie in the year"))
    return period.key


def target_periods(unit: Unit, year: int) -> list[periods.Period]:
    """The periods within `year` that have targets of their own for `unit` (besides the whole year)."""
    keys = Target.objects.filter(unit=unit, year=year).exclude(period="").values_list("period", flat=True)
    return sorted({periods.parse(key) for key in keys})


def achievements(unit: Unit, year: int, period: str = "", user: User | None = None) -> list[AchievementRow]:
    """Targets of the whole year (or of one period of it) against the approved figures of that span.
    With `user`, only for a unit in the reader's scope (docs/read-policy.md)."""
    if user is not None:
        require_read_unit(user, unit)
    period = target_period_key(period, year) if period else ""
    targets = list(Target.objects.filter(unit=unit, year=year, period=period).select_related("indicator", "unit"))
    # the figures follow the definitions in force when the span began; so do the sentences about them
    start = periods.parse(period).start if period else dt.date(year, 1, 1)
    return _achievement_rows(unit, targets, start, lambda codes: approved_values(codes, [unit.pk], year, period))


def achievements_for_span(unit: Unit, year: int, figures_period: str = "", until: dt.date | None = None,
                          user: User | None = None) -> list[AchievementRow]:
    """The year's targets against the approved figures of a shorter span of that year, as a periodic report
    states them before the year ends ("6 tháng đầu năm … 97,4%/95%, đạt 103%"): the figures of one period
    `figures_period` (2026-H1, 2026-Q3, 2026-09), or, with `until`, of the year from 1 January to that day
    (cumulative: stocks take their last value, flows their sum, rates the ratio of sums). Without either,
    exactly `achievements(unit, year)`."""
    if user is not None:
        require_read_unit(user, unit)
    if figures_period:
        figures_period = target_period_key(figures_period, year)
    targets = list(Target.objects.filter(unit=unit, year=year, period="").select_related("indicator", "unit"))
    start = periods.parse(figures_period).start if figures_period else dt.date(year, 1, 1)
    if until is not None and not figures_period:
        from tinhso.indicators import analytics

        def fetch(codes: list[str]) -> dict[tuple[str, int], Decimal]:
            return analytics.approved_values(codes, [unit.pk], year, None, until=until)
    else:
        def fetch(codes: list[str]) -> dict[tuple[str, int], Decimal]:
            return approved_values(codes, [unit.pk], year, figures_period)
    return _achievement_rows(unit, targets, start, fetch)


def _achievement_rows(unit: Unit, targets: list[Target], start: dt.date, fetch) -> list[AchievementRow]:
    definitions = definitions_on([t.indicator for t in targets], start)
    defined = {t.pk: as_defined_on(t.indicator, start, definitions[t.indicator.pk]) for t in targets}
    codes = [t.indicator.code for t in targets]
    extra = [c for ind in defined.values() for c in (ind.numerator, ind.denominator) if c]
    actuals = fetch(codes + extra)
    counted = counted_shares(list(defined.values()), start)
    rows = []
    for target in sorted(targets, key=lambda t: t.indicator.code):
        ind = defined[target.pk]
        actual = actuals.get((ind.code, unit.pk))
        pct, status = achievement(actual, target.value, ind.direction, display_decimals(ind))
        num = actuals.get((ind.numerator, unit.pk)) if ind.numerator else None
        den = actuals.get((ind.denominator, unit.pk)) if ind.denominator else None
        rows.append(AchievementRow(ind, unit, target, actual, pct, status,
                                   statement_for(ind, unit, actual, target.value, num, den,
                                                 counted=ind.code in counted), num, den))
    return rows


def counted_shares(indicators: list[Indicator], day: dt.date | None = None) -> set[str]:
    """Codes of the rates that are shares of counted things: numerator and denominator are counts of
    things that exist at the end of a period (stocks: OCOP products, community teams, information
    systems), not flows such as dossiers handled. Reports state these as counts, '156/163 sản phẩm
    OCOP … (đạt 95,7%)', and flows as rates, '97,4%/95%, đạt 103%' (seed 003 does both)."""
    parts = {c for i in indicators if i.numerator for c in (i.numerator, i.denominator)}
    if not parts:
        return set()
    components = list(Indicator.objects.filter(code__in=parts))
    definitions = definitions_on(components, day) if day else {}
    found = {c.code: definitions[c.pk] if day else indicator_definition(c) for c in components}
    def counted(code: str) -> bool:
        d = found.get(code)
        return bool(d) and d["value_type"] in (ValueType.COUNT, ValueType.BOOLEAN) and \
            d["time_aggregation"] == TimeAggregation.LAST
    return {i.code for i in indicators if i.numerator and counted(i.numerator) and counted(i.denominator)}


def plan_summary(rows: list[AchievementRow]) -> str:
    """'5 chỉ tiêu đạt và vượt kế hoạch' (and how many are not met), as a plan report says it."""
    good = sum(r.status in (MET, EXCEEDED) for r in rows)
    bad = sum(r.status == NOT_MET for r in rows)
    text = f"{good} chỉ tiêu đạt và vượt kế hoạch"
    if bad:
        text += f", {bad} chỉ tiêu chưa đạt"
    missing = sum(r.status == NO_DATA for r in rows)
    if missing:
        text += f", {missing} chỉ tiêu chưa có số liệu"
    return text


# ---------------------------------------------------------------- Vietnamese statements

def scope_phrase(unit: Unit) -> str:
    if unit.kind == UnitKind.PROVINCE:
        return " ở cấp tỉnh"
    return f" tại {unit.name}"


def pct_text(value: Decimal | float, decimals: int = 1) -> str:
    return f"{vn_number(value, decimals)}%"


def amount_text(value: Decimal | float) -> str:
    """Large figures as reports write them: 1.850.000 → '1,85 triệu', 2.500.000.000 → '2,5 tỷ'."""
    value = Decimal(str(value))
    if abs(value) >= 1_000_000_000:
        return f"{vn_number(value / 1_000_000_000, 2)} tỷ"
    if abs(value) >= 1_000_000:
        return f"{vn_number(value / 1_000_000, 2)} triệu"
    return vn_number(value, 2)


def statement_for(indicator: Indicator, unit: Unit, actual: Decimal | None, target: Decimal | None = None,
                  numerator: Decimal | None = None, denominator: Decimal | None = None,
                  counted: bool | None = None) -> str:
    """One sentence of a DX report, numbers in Vietnamese format, each figure with the indicator's
    display decimals (figure_text):
    - a rate with a target: 'Tỷ lệ … ở cấp tỉnh là 97,4%/95%, đạt 103%'
    - a share of counted things (counted_shares): '156/163 sản phẩm OCOP … (đạt 95,7%)', and with a
      target '…: 156/163 sản phẩm OCOP … (đạt 95,7%/90%, bằng 106% kế hoạch)'
    - a count with a target: 'Số … tại X: 21 cơ quan/25 cơ quan, đạt 84% kế hoạch'
    - a lower-is-better figure against its ceiling: 'Số sự cố … : 238 sự cố/mức trần 800 sự cố, thấp hơn
      mức trần 70%'.
    `counted` says whether the indicator is a share of counted things (looked up when None)."""
    name = indicator.name + scope_phrase(unit)
    if actual is None:
        return f"{name}: chưa có số liệu đã phê duyệt"
    rate = is_rate(indicator)
    decimals = display_decimals(indicator)
    if counted is None:
        counted = bool(indicator.numerator) and indicator.code in counted_shares([indicator])
    if rate and counted and numerator is not None and denominator is not None:
        noun = indicator.noun or indicator.unit_of_measure
        share = f"{vn_number(numerator)}/{vn_number(denominator)} {noun}"
        if target is None:
            return f"{share} (đạt {pct_text(actual, decimals)})"
        if indicator.direction == Direction.LOWER:
            return (f"{name}: {share} ({pct_text(actual, decimals)}/mức trần {pct_text(target, decimals)}, "
                    f"{achievement_phrase(indicator, actual, target)})")
        pct, _ = achievement(actual, target, indicator.direction, decimals)
        reached = f", bằng {pct_text(pct, 0)} kế hoạch" if pct is not None else ""
        return f"{name}: {share} (đạt {pct_text(actual, decimals)}/{pct_text(target, decimals)}{reached})"
    if target is not None and indicator.direction == Direction.LOWER:
        link = " là " if rate else ": "
        return (f"{name}{link}{figure_text(indicator, actual)}/mức trần {figure_text(indicator, target)}, "
                f"{achievement_phrase(indicator, actual, target)}")
    if rate and target is not None:
        pct, _ = achievement(actual, target, indicator.direction, decimals)
        reached = f", đạt {pct_text(pct, 0)}" if pct is not None else ""
        return f"{name} là {pct_text(actual, decimals)}/{pct_text(target, decimals)}{reached}"
    if rate:
        return f"{name} là {pct_text(actual, decimals)}"
    if target is not None:
        return f"{name}: {figure_text(indicator, actual)}/{figure_text(indicator, target)}, " \
               f"{achievement_phrase(indicator, actual, target)}"
    return f"{name}: {figure_text(indicator, actual)}"


def comparison_statement(indicator: Indicator, unit: Unit, current: Decimal | None, previous: Decimal | None) -> str:
    """'Tổng số thuê bao điện thoại … ước đạt 1,85 triệu thuê bao, bằng 102,8% so với cùng kỳ'."""
    name = indicator.name + scope_phrase(unit)
    if current is None:
        return f"{name}: chưa có số liệu đã phê duyệt"
    uom = f" {indicator.unit_of_measure}" if indicator.unit_of_measure else ""
    shown = pct_text(current, display_decimals(indicator)) if indicator.value_type == ValueType.PERCENT or \
        indicator.numerator else amount_text(current) + uom
    if previous in (None, 0):
        return f"{name} đạt {shown}"
    return f"{name} đạt {shown}, bằng {vn_number(Decimal(current) / Decimal(previous) * 100, 1)}% so với cùng kỳ"
