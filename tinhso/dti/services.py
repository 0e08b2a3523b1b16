"""Domain logic of DTI assessment rounds: create a round, collect values (automatically from the
reporting system, by self-assessment with evidence), review and adjust, compute, publish, and read
rankings and scorecards with the role rules. Edges (API, views, CLI) call only these functions."""

import datetime as dt
import importlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import can_edit_unit, is_system_admin
from tinhso.core.audit import history_of
from tinhso.core.errors import Conflict, DomainError, FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.core.text import fold, vi_sort_key
from tinhso.core.uploads import url_id
from tinhso.dti.frameworks import component_specs, main_pillar_codes, require_scorable, scoring_problems
from tinhso.dti.models import (
    Component,
    Evidence,
    Framework,
    FrameworkStatus,
    MainValue,
    MergeWeight,
    Origin,
    Result,
    Round,
    RoundStatus,
    RoundUnit,
    Value,
    ValueSource,
)
from tinhso.dti.scoring import score_units
from tinhso.units.models import Unit, UnitKind
from tinhso.units.services import current_successors

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".zip",
                       ".txt", ".csv"}


# ---------------------------------------------------------------- the reporting system, through one door

def reporting_values(indicator_codes: list[str], unit_ids: list[int], year: int) -> dict[tuple[str, int], Decimal]:
    """Approved figures of the reporting system (`tinhso.indicators.services.approved_values`).
    Imported lazily: while the reporting app does not offer it, there are simply no automatic values."""
    if not indicator_codes or not unit_ids:
        return {}
    try:
        approved_values = importlib.import_module("tinhso.indicators.services").approved_values
    except (ImportError, AttributeError):
        return {}
    try:
        return dict(approved_values(list(indicator_codes), list(unit_ids), year))
    except DomainError:
        raise
    except Exception as exc:  # another app's failure is reported clearly, never as a server error
        raise ValidationFailed(FieldError(
            "reporting", f"không lấy được số liệu đã duyệt từ hệ thống báo cáo: {exc}",
            f"approved figures could not be read from the reporting system: {exc}")) from exc


# ---------------------------------------------------------------- permissions

def can_manage_round(user: User, round_: Round) -> bool:
    """The DX office: an administrator over the round's organising unit (or system-wide)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_system_admin(user):
        return True
    # a round organised system-wide (no organising unit) is run by the system administrators
    return round_.scope is not None and user.role == Role.ADMIN and can_edit_unit(user, round_.scope)


def require_manage_round(user: User, round_: Round) -> None:
    if not can_manage_round(user, round_):
        raise Forbidden("Chỉ Sở KH&CN (quản trị của đơn vị tổ chức đánh giá) được thực hiện thao tác này",
                        "Only the DX office (an administrator of the organising unit) may do this")


def evidence_upload_check(request, round_id, unit_id, **_kwargs) -> None:
    """Upload check (core.uploads.upload_guard) of DTI evidence: the unit itself or the DX office."""
    round_ = get_round(url_id(round_id))
    require_add_evidence(request.user, round_, round_unit(round_, url_id(unit_id)))


def require_add_evidence(user: User, round_: Round, unit: Unit) -> None:
    if not (can_edit_unit(user, unit) or can_manage_round(user, round_)):
        raise Forbidden(f"Bạn không được nộp minh chứng cho {unit.name}", f"You may not add evidence for {unit.name}")


def can_see_unit(user: User, round_: Round, unit: Unit) -> bool:
    """Published results are open to every signed-in user; drafts only to the DX office and to the
    unit itself (and the units above it in the user's scope)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if round_.is_published or can_manage_round(user, round_):
        return True
    return user.unit is not None and unit.path.startswith(user.unit.path)


def _rounds_condition(user: User) -> Q | None:
    """Which rounds a user sees: published ones, those organised within an administrator's scope, and
    those with a member unit in the user's subtree. None: every round (system administrators)."""
    if is_system_admin(user):
        return None
    condition = Q(status=RoundStatus.PUBLISHED)
    if user.unit is not None:
        if user.role == Role.ADMIN:
            condition |= Q(scope__path__startswith=user.unit.path)
        condition |= Q(members__unit__path__startswith=user.unit.path)
    return condition


def visible_rounds(user: User) -> list[Round]:
    rounds = Round.objects.select_related("framework", "scope")
    if not user.is_authenticated or not user.is_active:
        return []
    condition = _rounds_condition(user)
    return list(rounds if condition is None else rounds.filter(condition).distinct())


def can_view_round(user: User, round_: Round) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    condition = _rounds_condition(user)
    return condition is None or round_.is_published or Round.objects.filter(condition, pk=round_.pk).exists()


# ---------------------------------------------------------------- lookups

def get_round(round_id: int, user: User | None = None) -> Round:
    """The round; with `user`, only a round that user may see (the same rule as `visible_rounds`, so
    the page and the API answer alike)."""
    round_ = Round.objects.select_related("framework", "scope").filter(pk=round_id).first()
    if round_ is None:
        raise NotFound("Đợt đánh giá", "Assessment round")
    if user is not None and not can_view_round(user, round_):
        raise Forbidden("Bạn không xem được đợt này", "You may not see this round")
    return round_


def round_unit(round_: Round, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id, dti_memberships__round=round_).first()
    if unit is None:
        raise NotFound("Đơn vị trong đợt đánh giá", "Unit of this round")
    return unit


def _component(round_: Round, code: str) -> Component:
    component = Component.objects.filter(framework_id=round_.framework_id, code=code).first()
    if component is None:
        raise NotFound(f"Chỉ số thành phần '{code}'", f"Component '{code}'")
    return component


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise Conflict(obj.version)


# ---------------------------------------------------------------- rounds

def create_round(user: User, name: str, year: int, framework: Framework, scope: Unit | None, units: list[Unit],
                 note: str = "", national: bool = False) -> Round:
    """A round of `units` organised by `scope`. A national round ranks provinces: organised system-wide
    (`scope` None, by a system administrator) or by an explicitly national organiser (e.g. a province's DX
    office keeping the Ministry's published ranking), its participants are provinces, not units under `scope`."""
    if scope is None and not national:
        raise ValidationFailed(FieldError("scope_id", "chọn đơn vị tổ chức (chỉ đợt toàn quốc mới không cần)",
                                          "choose the organising unit (only a national round may go without)"))
    allowed = is_system_admin(user) if scope is None else (
        is_system_admin(user) or (user.role == Role.ADMIN and can_edit_unit(user, scope)))
    if not allowed:
        raise Forbidden("Chỉ quản trị của đơn vị tổ chức (đợt toàn quốc: quản trị hệ thống) mới được tạo đợt đánh giá",
                        "Only an administrator of the organising unit (a nationwide round: a system administrator) "
                        "may create a round")
    errors = []
    if not name.strip():
        errors.append(FieldError("name", "bắt buộc nhập", "is required"))
    if not 2000 <= year <= 2100:
        errors.append(FieldError("year", "năm đánh giá phải trong khoảng 2000–2100", "the year must be 2000–2100"))
    if framework.status != FrameworkStatus.ACTIVE:
        errors.append(FieldError("framework_id", f"bộ chỉ số {framework.label} không còn áp dụng",
                                 f"framework {framework.label} is not in force"))
    errors += [FieldError("framework_id", f"{framework.label}: {e.vi}", f"{framework.label}: {e.en}")
               for e in scoring_problems(framework)]
    if not units and not national:  # a national round may start empty: importing the results adds the provinces
        errors.append(FieldError("unit_ids", "cần ít nhất một đơn vị", "needs at least one unit"))
    kinds = {k for k in framework.applies_to.split(",") if k}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for unit in units:
        if national and unit.kind != UnitKind.PROVINCE:
            errors.append(FieldError("unit_ids", f"đợt toàn quốc chỉ gồm tỉnh, thành phố; '{unit.name}' không phải",
                                     f"a national round ranks provinces; '{unit.name}' is not one"))
        elif not national and not unit.path.startswith(scope.path):
            errors.append(FieldError("unit_ids", f"'{unit.name}' không thuộc {scope.name}",
                                     f"'{unit.name}' is not under {scope.name}"))
        if kinds and unit.kind not in kinds:
            errors.append(FieldError("unit_ids", f"bộ chỉ số {framework.label} không áp dụng cho '{unit.name}'",
                                     f"framework {framework.label} does not apply to '{unit.name}'"))
        if (unit.valid_from and unit.valid_from > end) or (unit.valid_to and unit.valid_to < start):
            errors.append(FieldError("unit_ids", f"'{unit.name}' không có hiệu lực trong năm {year}",
                                     f"'{unit.name}' did not exist in {year}"))
    if errors:
        raise ValidationFailed(errors[:50])
    with transaction.atomic():
        round_ = Round(name=name.strip(), year=year, framework=framework, scope=scope, note=note, national=national)
        round_._history_user = user
        round_._change_reason = "Tạo đợt đánh giá / Round created"
        round_.save()
        RoundUnit.objects.bulk_create([RoundUnit(round=round_, unit=u) for u in {u.pk: u for u in units}.values()])
    return round_


def _transition(user: User, round_: Round, expected_version: int | None, allowed: set[str], target: str,
                reason: str) -> Round:
    require_manage_round(user, round_)
    with transaction.atomic():  # the row is locked: two offices cannot both move the same round
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        _check_version(locked, expected_version)
        if locked.status not in allowed:
            raise ValidationFailed(FieldError(
                "status", f"không thể chuyển từ '{locked.get_status_display()}' sang trạng thái này",
                f"cannot move from '{locked.status}' to '{target}'"))
        locked.status = target
        locked.version += 1
        if target == RoundStatus.PUBLISHED:
            locked.published_at = timezone.now()
        locked._history_user = user
        locked._change_reason = reason
        locked.save()
    round_.status, round_.version, round_.published_at = locked.status, locked.version, locked.published_at
    return round_


def open_round(user: User, round_id: int, expected_version: int | None = None) -> Round:
    """Start collection: one value row per unit and component, with the automatic values filled in.
    The reporting system is asked first (it reads the database on its own connection). If it cannot
    answer, collection still opens — the office's work does not wait for another system — and the
    problem is returned in `round_.warnings`; "refresh automatic values" tries again later."""
    round_ = get_round(round_id)
    require_manage_round(user, round_)
    _check_version(round_, expected_version)
    round_.warnings, round_.warning_errors = [], []
    try:
        mapped, figures = _reporting_figures(round_)
    except ValidationFailed as exc:
        mapped, figures = {}, {}
        round_.warnings = [f"{e.vi} / {e.en}" for e in exc.errors]  # the API's text: both languages
        round_.warning_errors = exc.errors  # pages show the reader's language
    with transaction.atomic():
        _transition(user, round_, expected_version, {RoundStatus.DRAFT}, RoundStatus.COLLECTING,
                    "Mở thu thập số liệu / Collection opened")
        unit_ids = list(round_.members.values_list("unit_id", flat=True))
        existing = set(Value.objects.filter(round=round_).values_list("unit_id", "component_id"))
        components = list(round_.framework.components.all())
        Value.objects.bulk_create([
            Value(round=round_, unit_id=u, component=c) for u in unit_ids for c in components
            if (u, c.pk) not in existing], batch_size=2000)
        _apply_figures(round_, mapped, figures)
    return round_


def _reporting_figures(round_: Round) -> tuple[dict[int, str], dict[tuple[str, int], Decimal]]:
    mapped = {c.pk: c.indicator_code for c in round_.framework.components.filter(source=ValueSource.INDICATOR)}
    if not mapped:
        return {}, {}
    unit_ids = list(round_.members.values_list("unit_id", flat=True))
    return mapped, reporting_values(sorted(set(mapped.values())), unit_ids, round_.year)


def _apply_figures(round_: Round, mapped: dict[int, str], figures: dict[tuple[str, int], Decimal]) -> int:
    """Write figures under a row lock, so no concurrent self-assessment is lost; office adjustments stay."""
    with transaction.atomic():
        changed = []
        for value in Value.objects.select_for_update().filter(round=round_, component_id__in=list(mapped)):
            figure = figures.get((mapped[value.component_id], value.unit_id))
            if figure is None:
                continue
            figure = Decimal(str(figure)).quantize(Decimal("0.0001"))
            value.auto_value = figure
            if value.origin != Origin.OFFICE and (value.origin == Origin.AUTO or value.value is None):
                value.value = figure
                value.origin = Origin.AUTO
            value.version += 1
            changed.append(value)
        Value.objects.bulk_update(changed, ["auto_value", "value", "origin", "version"], batch_size=2000)
    return len(changed)


def collect_automatic(user: User, round_id: int) -> int:
    """Pull approved figures of the reporting system into components mapped to an indicator.
    A value the DX office adjusted is kept; returns how many values changed."""
    round_ = get_round(round_id)
    require_manage_round(user, round_)
    if round_.status not in (RoundStatus.COLLECTING, RoundStatus.REVIEW):
        raise ValidationFailed(FieldError("status", "chỉ thu thập khi đợt đang mở hoặc đang thẩm định",
                                          "values are collected only while the round is open or under review"))
    mapped, figures = _reporting_figures(round_)
    return _apply_figures(round_, mapped, figures) if mapped else 0


def close_collection(user: User, round_id: int, expected_version: int | None = None) -> Round:
    return _transition(user, get_round(round_id), expected_version, {RoundStatus.COLLECTING}, RoundStatus.REVIEW,
                       "Kết thúc tự đánh giá, chuyển thẩm định / Collection closed, review started")


@transaction.atomic
def publish_round(user: User, round_id: int, expected_version: int | None = None) -> Round:
    round_ = get_round(round_id)
    _transition(user, round_, expected_version, {RoundStatus.REVIEW}, RoundStatus.PUBLISHED,
                "Công bố kết quả / Results published")
    compute_round(round_)
    return round_


# ---------------------------------------------------------------- values

def parse_value(component: Component, raw, field_name: str = "value") -> Decimal | None:
    """Check a value against its component's source: yes/no is 0 or 1, a manual score lies within
    the component's points, figures are finite numbers not below zero."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raw = int(raw)
    if isinstance(raw, str):
        raw = raw.strip().replace(" ", "")
        lowered = fold(raw)
        if component.source == ValueSource.YES_NO and lowered in {"co", "yes", "true", "dat"}:
            raw = "1"
        elif component.source == ValueSource.YES_NO and lowered in {"khong", "no", "false"}:
            raw = "0"
        elif "," in raw:
            raw = raw.replace(".", "").replace(",", ".")  # Vietnamese: 1.234,5
    try:
        number = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(FieldError(field_name, "phải là số", "must be a number")) from None
    if not number.is_finite() or abs(number) >= Decimal("1e11"):
        raise ValidationFailed(FieldError(field_name, "số không hợp lệ", "invalid number"))
    if number < 0:
        raise ValidationFailed(FieldError(field_name, "không được âm", "must not be negative"))
    if component.source == ValueSource.YES_NO and number not in (0, 1):
        raise ValidationFailed(FieldError(field_name, "chỉ nhận 1 (có) hoặc 0 (không)", "must be 1 (yes) or 0 (no)"))
    if component.rule.get("type") == "manual" and number > component.max_points:
        raise ValidationFailed(FieldError(field_name, f"điểm chấm tối đa {component.max_points:g}",
                                          f"a manual score is at most {component.max_points:g}"))
    if component.unit_label == "%" and number > 100:
        raise ValidationFailed(FieldError(field_name, "tỷ lệ phần trăm không quá 100", "a percentage is at most 100"))
    return number.quantize(Decimal("0.0001"))


def _value_row(round_: Round, unit: Unit, component: Component) -> Value:
    value = Value.objects.select_for_update().filter(round=round_, unit=unit, component=component).first()
    if value is None:
        raise NotFound("Giá trị (đợt chưa mở thu thập?)", "Value (is the round open?)")
    return value


@transaction.atomic
def submit_value(user: User, round_id: int, unit_id: int, component_code: str, raw, note: str = "",
                 expected_version: int | None = None) -> Value:
    """Self-assessment by the unit's focal point while the round collects values."""
    round_ = get_round(round_id)
    unit = round_unit(round_, unit_id)
    if not can_edit_unit(user, unit):
        raise Forbidden(f"Bạn không được tự đánh giá cho {unit.name}", f"You may not self-assess for {unit.name}")
    if round_.status != RoundStatus.COLLECTING:
        raise ValidationFailed(FieldError("status", "đợt đánh giá không còn nhận tự đánh giá",
                                          "the round no longer accepts self-assessment"))
    component = _component(round_, component_code)
    number = parse_value(component, raw)
    if component.source == ValueSource.MANUAL and number is not None and not note.strip():
        raise ValidationFailed(FieldError("note", "điểm tự chấm cần giải trình",
                                          "a manual score needs a justification"))
    value = _value_row(round_, unit, component)
    _check_version(value, expected_version)
    if value.origin == Origin.OFFICE:
        raise ValidationFailed(FieldError("value", "Sở KH&CN đã điều chỉnh giá trị này; liên hệ Sở để thay đổi",
                                          "the DX office has adjusted this value; ask the office to change it"))
    value.self_value = number
    value.value = number
    value.origin = Origin.SELF
    value.note = note.strip()
    value.version += 1
    value._history_user = user
    value._change_reason = "Tự đánh giá / Self-assessment"
    value.save()
    return value


@transaction.atomic
def adjust_value(user: User, round_id: int, unit_id: int, component_code: str, raw, reason: str,
                 expected_version: int | None = None) -> Value:
    """The DX office's review: set the value used for scoring, with a recorded reason."""
    round_ = get_round(round_id)
    require_manage_round(user, round_)
    unit = round_unit(round_, unit_id)
    if round_.status not in (RoundStatus.COLLECTING, RoundStatus.REVIEW):
        raise ValidationFailed(FieldError("status", "đợt đã công bố, không được điều chỉnh",
                                          "the round is published and can no longer be adjusted"))
    if not reason.strip():
        raise ValidationFailed(FieldError("reason", "phải ghi lý do điều chỉnh",
                                          "a reason for the adjustment is required"))
    component = _component(round_, component_code)
    number = parse_value(component, raw)
    value = _value_row(round_, unit, component)
    _check_version(value, expected_version)
    value.value = number
    value.origin = Origin.OFFICE
    value.adjust_reason = reason.strip()
    value.version += 1
    value._history_user = user
    value._change_reason = f"Điều chỉnh / Adjusted: {reason.strip()}"[:100]
    value.save()
    return value


def add_evidence(user: User, round_id: int, unit_id: int, component_code: str, upload,
                 description: str = "") -> Evidence:
    round_ = get_round(round_id)
    unit = round_unit(round_, unit_id)
    require_add_evidence(user, round_, unit)
    if round_.status == RoundStatus.PUBLISHED:
        raise ValidationFailed(FieldError("file", "đợt đã công bố", "the round is published"))
    name = getattr(upload, "name", "") or ""
    if Path(name).suffix.lower() not in EVIDENCE_EXTENSIONS:
        raise ValidationFailed(FieldError("file", f"chỉ nhận tệp {', '.join(sorted(EVIDENCE_EXTENSIONS))}",
                                          f"accepted files: {', '.join(sorted(EVIDENCE_EXTENSIONS))}"))
    if (getattr(upload, "size", 0) or 0) > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(FieldError("file", "tệp lớn quá 20 MB", "the file is larger than 20 MB"))
    if len(description) > 255:
        raise ValidationFailed(FieldError("description", "dài quá 255 ký tự", "is longer than 255 characters"))
    value = Value.objects.filter(round=round_, unit=unit, component=_component(round_, component_code)).first()
    if value is None:
        raise NotFound("Giá trị (đợt chưa mở thu thập?)", "Value (is the round open?)")
    evidence = Evidence(value=value, file=upload, description=description, uploaded_by=user)
    evidence._history_user = user
    evidence.save()
    return evidence


def get_evidence(user: User, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.select_related("value__round", "value__unit").filter(pk=evidence_id).first()
    if evidence is None or not can_see_unit(user, evidence.value.round, evidence.value.unit):
        raise NotFound("Minh chứng", "Evidence")
    return evidence


def value_history(user: User, round_id: int, unit_id: int, component_code: str) -> tuple[Value, list]:
    """A value and its audit trail (who entered or adjusted what, when, and why)."""
    round_ = get_round(round_id)
    unit = round_unit(round_, unit_id)
    if not can_see_unit(user, round_, unit):
        raise Forbidden("Bạn không xem được số liệu này", "You may not see this value")
    value = Value.objects.select_related("component", "unit", "round").filter(
        round=round_, unit=unit, component=_component(round_, component_code)).first()
    if value is None:
        raise NotFound("Giá trị", "Value")
    return value, history_of(value)


# ---------------------------------------------------------------- computing results

def exact(number: float, places: int = 9) -> Decimal:
    """A computed figure as stored: exact to `places` decimals (float noise dropped), never rounded for
    display — pages, exports and the API round once, where they show it."""
    return Decimal(repr(round(number, places))).quantize(Decimal(1).scaleb(-places))


def predecessors_among(candidate_ids: list[int], day: dt.date) -> dict[int, list[int]]:
    """successor id → the candidates (other than itself) it inherited, by the unit registry's succession
    links (`units.services.current_successors`, chains included); a unit valid on `day` maps to itself."""
    found: dict[int, list[int]] = defaultdict(list)
    for old_id, shares in current_successors(list(candidate_ids), day).items():
        for new_id in shares:
            if new_id != old_id:
                found[new_id].append(old_id)
    return {k: sorted(v) for k, v in found.items()}


def merge_weights(sources: dict[int, list[int]]) -> dict[int, dict[int, Decimal]]:
    """successor → {source unit: weight} for combining the sources' values: the weights the DX office set
    (`MergeWeight`), else 1 each (the plain mean, as the Ministry did for DTI 2024). A successor with weights
    must have one for every source, or the combination is refused naming the missing ones."""
    stored: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for weight in MergeWeight.objects.filter(successor_id__in=list(sources)):
        stored[weight.successor_id][weight.predecessor_id] = weight.weight
    out: dict[int, dict[int, Decimal]] = {}
    errors = []
    for successor, ids in sources.items():
        if not stored.get(successor):
            out[successor] = {i: Decimal(1) for i in ids}
            continue
        missing = [i for i in ids if i not in stored[successor]]
        if missing:
            names = dict(Unit.objects.filter(pk__in=[successor, *missing]).values_list("pk", "name"))
            errors.append(FieldError(
                "weights", f"'{names.get(successor)}' có trọng số quy đổi nhưng thiếu trọng số của "
                           f"{', '.join(names.get(i, str(i)) for i in missing)}",
                f"'{names.get(successor)}' has merge weights but none for "
                f"{', '.join(names.get(i, str(i)) for i in missing)}"))
            continue
        out[successor] = {i: stored[successor][i] for i in ids}
    if errors:
        raise ValidationFailed(errors)
    return out


def combine(results: list[Result], weights: dict[int, Decimal]) -> dict:
    """The weighted mean of several units' results: points, index and each main indicator's points."""
    total = sum((weights[r.unit_id] for r in results), Decimal(0)) or Decimal(1)
    mains = sorted({code for r in results for code in r.by_main})
    share = {r.unit_id: float(weights[r.unit_id] / total) for r in results}
    return {
        "points": sum((r.points * weights[r.unit_id] for r in results), Decimal(0)) / total,
        "index": sum((r.index * weights[r.unit_id] for r in results), Decimal(0)) / total,
        "by_main": {code: round(sum(float(r.by_main.get(code, 0)) * share[r.unit_id] for r in results), 9)
                    for code in mains},
    }


def previous_year(round_: Round, unit_ids: list[int]) -> dict[int, dict]:
    """Last year's published results for each unit of the round, under the same framework code.
    A unit that did not exist last year (a merged commune, a consolidated department, a merged province)
    takes the mean of its predecessors' values, as the national DTI 2024 did for merged provinces; a unit
    that continued and absorbed others takes the mean of itself and the absorbed ones. The DX office's merge
    weights, where set, replace the plain mean."""
    last: dict[int, Result] = {}
    published = Result.objects.filter(round__framework__code=round_.framework.code, round__year=round_.year - 1,
                                      round__status=RoundStatus.PUBLISHED).select_related("round").order_by("round_id")
    for derived in (True, False):  # a unit's own result wins over a value derived for it
        for r in published.filter(round__derived_from__isnull=not derived):
            last[r.unit_id] = r
    if not last:
        return {}
    predecessors = predecessors_among(list(last), dt.date(round_.year, 12, 31))
    sources: dict[int, list[int]] = {}
    basis: dict[int, str] = {}
    for unit_id in unit_ids:
        absorbed = predecessors.get(unit_id, [])
        if unit_id in last and last[unit_id].round.derived_from_id:  # already derived from its predecessors
            sources[unit_id], basis[unit_id] = [unit_id], "merged"
        elif unit_id in last:
            sources[unit_id], basis[unit_id] = [unit_id, *absorbed], "absorbed" if absorbed else "same"
        elif absorbed:
            sources[unit_id], basis[unit_id] = absorbed, "merged"
    weights = merge_weights({u: ids for u, ids in sources.items() if len(ids) > 1})
    out: dict[int, dict] = {}
    for unit_id, ids in sources.items():
        combined = combine([last[i] for i in ids], weights.get(unit_id, {i: Decimal(1) for i in ids}))
        out[unit_id] = {"points": exact(float(combined["points"])), "index": exact(float(combined["index"]), 12),
                        "by_main": combined["by_main"], "basis": basis[unit_id], "units": ids}
    return out


def _main_points(round_: Round) -> tuple[dict[int, dict[str, float]], dict[int, dict[str, str]]]:
    """Main indicators given directly (value 0–1 × maximum) per unit, and where each value came from."""
    maxima = {m.code: float(m.max_points or 0) for m in round_.framework.main_indicators.all()}
    points: dict[int, dict[str, float]] = defaultdict(dict)
    origins: dict[int, dict[str, str]] = defaultdict(dict)
    for unit_id, code, value, origin in MainValue.objects.filter(round=round_).values_list(
            "unit_id", "main__code", "value", "origin"):
        points[unit_id][code] = float(value) * maxima[code]
        origins[unit_id][code] = origin
    return points, origins


@transaction.atomic
def compute_round(round_: Round) -> int:
    """Score every unit of the round and store its results (with the points of every component), exact:
    rounding happens once, where a figure is shown. Refused while the framework's points do not add up.
    Returns the number of results."""
    framework = round_.framework
    require_scorable(framework)
    specs = component_specs(framework)
    code_of = dict(framework.components.values_list("pk", "code"))
    units = {u.pk: u for u in Unit.objects.filter(dti_memberships__round=round_)}
    values: dict[int, dict[str, float | None]] = {u: {} for u in units}
    # a round holds up to units × components rows: read them without the ORM's per-field converters
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('unit_id')}, {quote('component_id')}, {quote('value')} "
                       f"FROM {quote(Value._meta.db_table)} WHERE {quote('round_id')} = %s", [round_.pk])
        for unit_id, component_id, number in cursor.fetchall():
            values[unit_id][code_of[component_id]] = None if number is None else float(number)
    main_points, main_sources = _main_points(round_)
    scores = score_units(specs, values, {u: unit.kind for u, unit in units.items()}, main_points,
                         main_pillar_codes(framework))

    previous = previous_year(round_, list(units))
    maximum = float(framework.max_points) or 1.0
    Result.objects.filter(round=round_).delete()
    results = []
    for unit_id, score in scores.items():
        before = previous.get(unit_id, {})
        results.append(Result(
            round=round_, unit_id=unit_id, framework=framework, peer_group=score.peer_group,
            points=exact(score.points), index=exact(score.points / maximum, 12), rank=score.rank, peers=score.peers,
            by_main={k: round(v, 9) for k, v in score.by_main.items()},
            by_pillar={k: round(v, 9) for k, v in score.by_pillar.items()},
            by_group={k: round(v, 9) for k, v in score.by_group.items()},
            pillar_values={k: round(v, 12) for k, v in score.pillar_values.items()},
            main_sources=main_sources.get(unit_id, {}),
            pillar_ranks=score.pillar_ranks, gaps=[[code, gap] for code, gap in score.gaps],
            component_points={k: round(v, 9) for k, v in score.components.items()},
            previous_points=before.get("points"), previous_index=before.get("index"),
            previous_by_main=before.get("by_main", {}), previous_basis=before.get("basis", ""),
            previous_units=before.get("units", [])))
    Result.objects.bulk_create(results, batch_size=2000)
    Round.objects.filter(pk=round_.pk).update(computed_at=timezone.now())
    return len(results)


def recompute(user: User, round_id: int) -> int:
    """Preview the results of an unpublished round (DX office only); published results stay frozen."""
    round_ = get_round(round_id)
    require_manage_round(user, round_)
    if round_.is_published:
        raise ValidationFailed(FieldError("status", "kết quả đã công bố không tính lại",
                                          "published results are not recomputed"))
    return compute_round(round_)


# ---------------------------------------------------------------- reading results

SORT_KEYS = {"rank", "name", "points", "change"}


@dataclass
class RankingRow:
    result: Result
    unit: Unit
    change_points: Decimal | None
    change_index: Decimal | None


@dataclass
class Ranking:
    round: Round
    rows: list[RankingRow]
    peer_groups: list[str]
    peer_group: str
    pillars: list
    mains: list
    sort: str
    published: bool
    notes: list[str] = field(default_factory=list)
    decimals: int = 2  # of every score column (points, pillars, main indicators), see score_decimals


SCORE_DECIMALS = (2, 3)  # ranks are computed on scores rounded to 3 decimals (scoring.competition_ranks)


def score_decimals(results: list[Result]) -> int:
    """Decimals that make every rank visible: the fewest (2, else 3) at which two units of the same peer
    group with different ranks — overall or in a pillar — never show the same score. Ranks are computed
    on scores rounded to 3 decimals, so 3 always separates them; two units showing the same score then
    share a rank."""
    columns: list[list[tuple[Decimal, int]]] = []
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.peer_group, []).append(r)
    for rows in groups.values():
        columns.append([(Decimal(str(r.points)), r.rank) for r in rows])
        for code in {code for r in rows for code in r.pillar_ranks}:
            columns.append([(Decimal(str(r.by_pillar.get(code, 0))), r.pillar_ranks.get(code, 0)) for r in rows])
    for decimals in SCORE_DECIMALS:
        quant = Decimal(1).scaleb(-decimals)
        if all(len({v.quantize(quant, ROUND_HALF_UP) for v, _ in column}) == len({rank for _, rank in column})
               for column in columns):
            return decimals
    return SCORE_DECIMALS[-1]


def points_change(result: Result) -> Decimal | None:
    """This year's points minus last year's (or the predecessors' average), the one change the page, the
    XLSX and the PDF show — rounded once, half-up, where it is displayed."""
    if result.previous_points is None:
        return None
    return result.points - result.previous_points


def ranking(user: User, round_id: int, peer_group: str = "", sort: str = "rank", pillar: str = "",
            query: str = "") -> Ranking:
    """The ranking table of a round. Unpublished results are shown only to the DX office."""
    round_ = get_round(round_id)
    if not (round_.is_published or can_manage_round(user, round_)):
        raise Forbidden("Kết quả đợt này chưa công bố", "The results of this round are not published yet")
    results = list(Result.objects.filter(round=round_).select_related("unit"))
    groups = sorted({r.peer_group for r in results})
    peer_group = peer_group if peer_group in groups else (groups[0] if groups else "")
    results = [r for r in results if r.peer_group == peer_group]
    decimals = score_decimals(results)  # of the whole peer group, so a search does not change the columns
    if query:
        words = fold(query).split()
        results = [r for r in results if all(w in r.unit.search_text for w in words)]
    rows = []
    for r in results:
        change_points = points_change(r)
        change_index = None if r.previous_index is None else r.index - r.previous_index
        rows.append(RankingRow(r, r.unit, change_points, change_index))
    pillars = list(round_.framework.pillars.order_by("order"))
    mains = list(round_.framework.main_indicators.order_by("order"))
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if pillar and pillar in {p.code for p in pillars}:
        rows.sort(key=lambda row: (row.result.pillar_ranks.get(pillar, 0), vi_sort_key(row.unit.name)))
        sort = f"pillar:{pillar}"
    elif key.startswith("main:"):
        code = key[5:]
        rows.sort(key=lambda row: (-float(row.result.by_main.get(code, 0)), vi_sort_key(row.unit.name)))
    elif key == "name":
        rows.sort(key=lambda row: vi_sort_key(row.unit.name), reverse=descending)
    elif key == "change":
        rows.sort(key=lambda row: (row.change_index is None, -(row.change_index or 0)))
    elif key == "points":
        rows.sort(key=lambda row: row.result.points, reverse=not descending)
    else:
        rows.sort(key=lambda row: (row.result.rank, vi_sort_key(row.unit.name)), reverse=descending)
    return Ranking(round_, rows, groups, peer_group, pillars, mains, sort, round_.is_published,
                   decimals=decimals)


@dataclass
class ComponentLine:
    component: Component
    value: Value | None
    evidence: list[Evidence]
    points: float | None = None


@dataclass
class MainLine:
    main: object
    points: float | None
    previous: float | None
    components: list[ComponentLine]

    @property
    def share(self) -> float:
        if not self.main.max_points or self.points is None:
            return 0.0
        return 100 * self.points / float(self.main.max_points)


@dataclass
class Scorecard:
    round: Round
    unit: Unit
    result: Result | None
    mains: list[MainLine]
    gaps: list[tuple[Component, float]]
    previous_units: list[Unit]
    history: list[tuple[int, Result]]
    can_self_assess: bool
    can_adjust: bool


def scorecard(user: User, round_id: int, unit_id: int) -> Scorecard:
    round_ = get_round(round_id)
    unit = round_unit(round_, unit_id)
    if not can_see_unit(user, round_, unit):
        raise Forbidden("Bạn chỉ xem được phiếu điểm của đơn vị mình khi kết quả chưa công bố",
                        "Before publication you may only see your own unit's scorecard")
    manager = can_manage_round(user, round_)
    result = Result.objects.filter(round=round_, unit=unit).first()
    if result is not None and not (round_.is_published or manager):
        # a unit sees its own draft values, but results are computed figures of the office until published
        result = None
    values = {v.component_id: v for v in Value.objects.filter(round=round_, unit=unit)}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(value__round=round_, value__unit=unit).order_by("uploaded_at"):
        evidence[item.value_id].append(item)
    components = list(round_.framework.components.select_related("main").order_by("order"))
    mains = []
    for main in round_.framework.main_indicators.order_by("order"):
        lines = [ComponentLine(c, values.get(c.pk), evidence.get(values[c.pk].pk, []) if c.pk in values else [],
                               result.component_points.get(c.code) if result else None)
                 for c in components if c.main_id == main.pk]
        points = float(result.by_main.get(main.code, 0)) if result else None
        previous = result.previous_by_main.get(main.code) if result and result.previous_by_main else None
        mains.append(MainLine(main, points, previous, lines))
    by_code = {c.code: c for c in components}
    gaps = [(by_code[code], gap) for code, gap in (result.gaps if result else []) if code in by_code]
    history = [(r.round.year, r) for r in Result.objects.filter(
        unit=unit, round__framework__code=round_.framework.code, round__status=RoundStatus.PUBLISHED,
        round__year__lt=round_.year).select_related("round").order_by("round__year")]
    return Scorecard(
        round=round_, unit=unit, result=result, mains=mains, gaps=gaps,
        previous_units=list(Unit.objects.filter(pk__in=result.previous_units)) if result else [],
        history=history,
        can_self_assess=round_.status == RoundStatus.COLLECTING and can_edit_unit(user, unit),
        can_adjust=manager and round_.status in (RoundStatus.COLLECTING, RoundStatus.REVIEW))
