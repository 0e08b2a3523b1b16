"""Methodologies as data: read a framework from a JSON/YAML document, check it, store it.

A framework document is
```
{"code", "edition", "name", "legal_basis", "applies_to": [...], "max_points", "source_note",
 "groups": [{"code", "name", "max_points"}], "pillars": [{"code", "name"}],
 "main_indicators": [{"code", "name", "group", "pillars": [...], "max_points", "source_note",
                      "components": [{"code", "name", "max_points", "rule", "source", "indicator_code",
                                      "pillar", "unit", "guidance", "source_note"}]}]}
```
Every total must add up: components to their main indicator, main indicators to their group and
to the framework's declared maximum. A framework that does not add up is rejected whole.

A document with `"status": "draft"` may leave a main indicator's or a component's `max_points` empty
(`null`) and a main indicator without components, where a methodology's point split is not yet known
(Decision 405/QĐ-BKHCN): it is stored as a draft that no round can use and that is never scored
(`scoring_problems`) until a completed document with the same code and edition replaces it.

A main indicator belongs to every pillar in its `pillars` list (in the national DTI the foundation
indicators belong to all three); a single `"pillar": "X"` is still read as `["X"]`. A component's
`pillar`, when given, overrides: the component then counts towards that pillar only.
"""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import is_system_admin
from tinhso.core.errors import FieldError, Forbidden, NotFound, ValidationFailed, single_line_error
from tinhso.dti.models import Component, Framework, FrameworkStatus, MainIndicator, Pillar, ValueSource
from tinhso.dti.scoring import ComponentSpec, validate_rule
from tinhso.units.models import UnitKind

DATA = Path(__file__).parent / "data"
TOLERANCE = Decimal("0.01")
MAX_POINTS = 100_000


def _decimal(value, field: str, errors: list[FieldError]) -> Decimal | None:
    if isinstance(value, bool):
        value = None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.append(FieldError(field, "phải là số", "must be a number"))
        return None
    if not number.is_finite() or number < 0 or number > MAX_POINTS:
        errors.append(FieldError(field, f"phải là số từ 0 đến {MAX_POINTS}",
                                 f"must be a number from 0 to {MAX_POINTS}"))
        return None
    return number.quantize(Decimal("0.01"))


def _text(doc: dict, key: str, field: str, errors: list[FieldError], required: bool = True,
          max_length: int = 255) -> str:
    value = doc.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(FieldError(field, "bắt buộc nhập", "is required"))
        return ""
    if not isinstance(value, (str, int)):
        errors.append(FieldError(field, "phải là chuỗi ký tự", "must be text"))
        return ""
    text = str(value).strip()
    if len(text) > max_length:
        errors.append(FieldError(field, f"dài quá {max_length} ký tự", f"is longer than {max_length} characters"))
    elif key == "code" and (error := single_line_error(field, text)):
        errors.append(error)  # codes end up in file names
    return text


def parse_document(content: bytes | str, filename: str = "framework.json") -> dict:
    """Read a framework document from JSON or YAML text; bad syntax is a validation error."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        if filename.lower().endswith((".yaml", ".yml")):
            import yaml  # optional: YAML documents are read when PyYAML is installed

            doc = yaml.safe_load(text)
        else:
            doc = json.loads(text)
    except ImportError as exc:
        raise ValidationFailed(FieldError("file", "máy chủ chưa cài PyYAML; hãy dùng JSON",
                                          "PyYAML is not installed on the server; use JSON")) from exc
    except Exception as exc:  # any syntax error of the document is bad input
        raise ValidationFailed(FieldError("file", f"không đọc được tệp: {exc}",
                                          f"the file could not be read: {exc}")) from exc
    if not isinstance(doc, dict):
        raise ValidationFailed(FieldError("file", "tệp phải chứa một đối tượng", "the file must hold one object"))
    return doc


def main_pillars(main: dict) -> list[str]:
    """The pillars of a main indicator document: its `pillars` list, plus a single `pillar` (the
    older form, still read so documents written before lists keep loading)."""
    codes = list(main.get("pillars") or [])
    if main.get("pillar") and main["pillar"] not in codes:
        codes.insert(0, main["pillar"])
    return codes


def _check_main_pillars(main: dict, where: str, pillar_codes: set[str], errors: list[FieldError]) -> None:
    if main.get("pillar") and (not isinstance(main["pillar"], str) or main["pillar"] not in pillar_codes):
        errors.append(FieldError(f"{where}.pillar", f"trụ cột '{main['pillar']}' chưa khai báo",
                                 f"pillar '{main['pillar']}' is not declared"))
    listed = main.get("pillars")
    if listed is None:
        return
    if not isinstance(listed, list):
        errors.append(FieldError(f"{where}.pillars", "phải là danh sách mã trụ cột", "must be a list of pillar codes"))
        return
    seen: set[str] = set()
    for index, code in enumerate(listed):
        field = f"{where}.pillars[{index}]"
        if not isinstance(code, str) or code not in pillar_codes:
            errors.append(FieldError(field, f"trụ cột '{code}' chưa khai báo", f"pillar '{code}' is not declared"))
            continue
        if code in seen:
            errors.append(FieldError(field, f"trụ cột '{code}' lặp lại", f"pillar '{code}' is listed twice"))
        seen.add(code)


def _points(value, field: str, errors: list[FieldError], draft: bool) -> Decimal | None:
    """Maximum points; empty (None) is accepted in a draft whose point split is not known yet."""
    if value is None and draft:
        return None
    return _decimal(value, field, errors)


def check_document(doc: dict) -> list[FieldError]:
    """Every problem of a framework document, each naming its place (e.g. main_indicators[2].components[0])."""
    errors: list[FieldError] = []
    status = doc.get("status", FrameworkStatus.ACTIVE)
    if status not in FrameworkStatus.values:
        errors.append(FieldError("status", f"chọn trong {', '.join(FrameworkStatus.values)}",
                                 f"use one of {', '.join(FrameworkStatus.values)}"))
    draft = status == FrameworkStatus.DRAFT
    unknown = False
    _text(doc, "code", "code", errors, max_length=40)
    _text(doc, "name", "name", errors)
    edition = doc.get("edition")
    if isinstance(edition, bool) or not isinstance(edition, int) or not 1 <= edition <= 1_000_000:
        errors.append(FieldError("edition", "phiên bản phải là số nguyên dương", "edition must be a positive integer"))
    declared = _decimal(doc.get("max_points"), "max_points", errors)
    applies_to = doc.get("applies_to") or []
    if not isinstance(applies_to, list) or any(kind not in UnitKind.values for kind in applies_to):
        errors.append(FieldError("applies_to", f"chọn trong {', '.join(UnitKind.values)}",
                                 f"use kinds among {', '.join(UnitKind.values)}"))

    formula = doc.get("formula") or {}
    if not isinstance(formula, dict) or not all(isinstance(k, str) and isinstance(v, str) and len(v) <= 2000
                                                for k, v in formula.items()):
        errors.append(FieldError("formula", "phải là đối tượng {tên: mô tả}", "must be an object {name: text}"))
    total = doc.get("components_total")
    if total is not None and (isinstance(total, bool) or not isinstance(total, int) or not 0 < total <= 10_000):
        errors.append(FieldError("components_total", "phải là số nguyên dương", "must be a positive integer"))
    pillars = doc.get("pillars") or []
    pillar_codes: set[str] = set()
    if not isinstance(pillars, list):
        errors.append(FieldError("pillars", "phải là danh sách", "must be a list"))
        pillars = []
    for index, pillar in enumerate(pillars):
        where = f"pillars[{index}]"
        if not isinstance(pillar, dict):
            errors.append(FieldError(where, "phải là đối tượng", "must be an object"))
            continue
        code = _text(pillar, "code", f"{where}.code", errors, max_length=20)
        _text(pillar, "name", f"{where}.name", errors, max_length=200)
        if code in pillar_codes:
            errors.append(FieldError(f"{where}.code", f"trùng mã trụ cột '{code}'", f"duplicate pillar code '{code}'"))
        pillar_codes.add(code)

    groups = doc.get("groups") or []
    group_max: dict[str, Decimal | None] = {}
    if not isinstance(groups, list):
        errors.append(FieldError("groups", "phải là danh sách", "must be a list"))
        groups = []
    for index, group in enumerate(groups):
        where = f"groups[{index}]"
        if not isinstance(group, dict):
            errors.append(FieldError(where, "phải là đối tượng", "must be an object"))
            continue
        code = _text(group, "code", f"{where}.code", errors, max_length=40)
        _text(group, "name", f"{where}.name", errors)
        group_max[code] = _points(group.get("max_points"), f"{where}.max_points", errors, draft)

    mains = doc.get("main_indicators")
    if not isinstance(mains, list) or not mains:
        errors.append(FieldError("main_indicators", "cần ít nhất một chỉ số chính",
                                 "needs at least one main indicator"))
        return errors
    main_total = Decimal(0)
    group_totals: dict[str, Decimal] = {code: Decimal(0) for code in group_max}
    seen_main: set[str] = set()
    seen_components: set[str] = set()
    for m_index, main in enumerate(mains):
        where = f"main_indicators[{m_index}]"
        if not isinstance(main, dict):
            errors.append(FieldError(where, "phải là đối tượng", "must be an object"))
            continue
        code = _text(main, "code", f"{where}.code", errors, max_length=20)
        name = _text(main, "name", f"{where}.name", errors)
        if code in seen_main:
            errors.append(FieldError(f"{where}.code", f"trùng mã chỉ số chính '{code}'",
                                     f"duplicate main indicator code '{code}'"))
        seen_main.add(code)
        max_points = _points(main.get("max_points"), f"{where}.max_points", errors, draft)
        main_unknown = max_points is None
        group = main.get("group") or ""
        if not isinstance(group, str) or len(group) > 40:
            errors.append(FieldError(f"{where}.group", "mã nhóm phải là chuỗi tối đa 40 ký tự",
                                     "the group code must be text of at most 40 characters"))
            group = ""
        elif groups and group not in group_max:
            errors.append(FieldError(f"{where}.group", f"nhóm '{group}' không có trong 'groups'",
                                     f"group '{group}' is not declared in 'groups'"))
        _check_main_pillars(main, where, pillar_codes, errors)
        if max_points is not None:
            main_total += max_points
            if group in group_totals:
                group_totals[group] += max_points
        components = main.get("components")
        if draft and components == []:
            unknown = True
            continue  # a draft may not know its components yet
        if not isinstance(components, list) or not components:
            errors.append(FieldError(f"{where}.components", "cần ít nhất một chỉ số thành phần",
                                     "needs at least one component indicator"))
            continue
        component_total = Decimal(0)
        for c_index, component in enumerate(components):
            cwhere = f"{where}.components[{c_index}]"
            if not isinstance(component, dict):
                errors.append(FieldError(cwhere, "phải là đối tượng", "must be an object"))
                continue
            c_code = _text(component, "code", f"{cwhere}.code", errors, max_length=20)
            _text(component, "name", f"{cwhere}.name", errors, max_length=2000)
            if c_code in seen_components:
                errors.append(FieldError(f"{cwhere}.code", f"trùng mã chỉ số thành phần '{c_code}'",
                                         f"duplicate component code '{c_code}'"))
            seen_components.add(c_code)
            c_points = _points(component.get("max_points"), f"{cwhere}.max_points", errors, draft)
            if c_points is None:
                main_unknown = True
            else:
                component_total += c_points
                for vi, en in validate_rule(component.get("rule"), float(c_points)):
                    errors.append(FieldError(f"{cwhere}.rule", vi, en))
            source = component.get("source")
            if source not in ValueSource.values:
                errors.append(FieldError(f"{cwhere}.source", f"nguồn '{source}' không hợp lệ; chọn một trong "
                                         f"{', '.join(ValueSource.values)}",
                                         f"unknown value source '{source}'; use one of "
                                         f"{', '.join(ValueSource.values)}"))
            elif source == ValueSource.INDICATOR:
                indicator_code = component.get("indicator_code")
                if not isinstance(indicator_code, str) or not indicator_code.strip() or len(indicator_code) > 80:
                    errors.append(FieldError(f"{cwhere}.indicator_code",
                                             "nguồn 'indicator' cần mã chỉ tiêu báo cáo (tối đa 80 ký tự)",
                                             "an 'indicator' source needs the reporting indicator code (≤ 80)"))
            _text(component, "unit", f"{cwhere}.unit", errors, required=False, max_length=40)
            if component.get("pillar") and (not isinstance(component["pillar"], str)
                                            or component["pillar"] not in pillar_codes):
                errors.append(FieldError(f"{cwhere}.pillar", f"trụ cột '{component['pillar']}' chưa khai báo",
                                         f"pillar '{component['pillar']}' is not declared"))
        unknown |= main_unknown
        if not main_unknown and abs(component_total - max_points) > TOLERANCE:
            errors.append(FieldError(
                f"{where}.max_points",
                f"'{name}': tổng điểm các chỉ số thành phần là {component_total:g}, không bằng điểm tối đa "
                f"{max_points:g} của chỉ số chính",
                f"'{name}': its components add up to {component_total:g}, not to its maximum {max_points:g}"))
    if unknown:
        return errors  # totals are checked when every point is known (scoring_problems says what is missing)
    for code, total in group_totals.items():
        expected = group_max.get(code)
        if expected is not None and abs(total - expected) > TOLERANCE:
            errors.append(FieldError(
                "groups", f"nhóm '{code}': tổng điểm các chỉ số chính là {total:g}, không bằng {expected:g}",
                f"group '{code}': its main indicators add up to {total:g}, not to {expected:g}"))
    if declared is not None and abs(main_total - declared) > TOLERANCE:
        errors.append(FieldError(
            "max_points", f"tổng điểm các chỉ số chính là {main_total:g}, không bằng tổng điểm tối đa đã khai báo "
                          f"{declared:g}",
            f"the main indicators add up to {main_total:g}, not to the declared maximum {declared:g}"))
    return errors


def can_manage_frameworks(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (is_system_admin(user) or user.role == Role.ADMIN))


def framework_upload_check(request, **_kwargs) -> None:
    """Upload check (core.uploads.upload_guard) of a framework document: administrators only."""
    if not can_manage_frameworks(request.user):
        raise Forbidden("Chỉ quản trị mới được ban hành bộ chỉ số", "Only administrators may issue a framework")


def import_framework(user: User | None, doc: dict, status: str = FrameworkStatus.ACTIVE) -> Framework:
    """Check and store a framework document as a new edition; all or nothing. A draft edition that no
    round uses (e.g. one whose point split was not known) is replaced by a document with its code and
    edition, so a DX office completes it without a new edition number."""
    if user is not None and not can_manage_frameworks(user):
        raise Forbidden("Chỉ quản trị mới được ban hành bộ chỉ số", "Only administrators may issue a framework")
    errors = check_document(doc)
    status = doc.get("status") or status
    replaced = None
    if not errors:
        replaced = Framework.objects.filter(code=doc["code"], edition=doc["edition"], status=FrameworkStatus.DRAFT,
                                            rounds__isnull=True).first()
    if not errors and replaced is None and Framework.objects.filter(code=doc["code"], edition=doc["edition"]).exists():
        errors.append(FieldError("edition", f"bộ chỉ số {doc['code']} đã có phiên bản {doc['edition']}; một "
                                            "phương pháp mới phải là phiên bản mới",
                                 f"{doc['code']} already has edition {doc['edition']}; a revised methodology "
                                 "must be a new edition"))
    if errors:
        raise ValidationFailed(errors, vi="Bộ chỉ số bị từ chối, không có gì được ghi",
                               en="The framework was rejected; nothing was written")
    with transaction.atomic():
        if replaced is not None:
            replaced._history_user = user
            replaced._change_reason = "Thay bản dự thảo bằng bản hoàn chỉnh / Draft replaced"
            replaced.delete()
        framework = Framework(
            code=doc["code"], edition=doc["edition"], name=doc["name"], legal_basis=doc.get("legal_basis", ""),
            applies_to=",".join(doc.get("applies_to") or []), max_points=Decimal(str(doc["max_points"])),
            groups=doc.get("groups") or [], status=status, source_note=doc.get("source_note", ""),
            formula=doc.get("formula") or {}, components_total=doc.get("components_total"))
        framework._history_user = user
        framework._change_reason = "Ban hành bộ chỉ số / Framework issued"
        framework.save()
        pillars = {p["code"]: Pillar.objects.create(framework=framework, code=p["code"], name=p["name"], order=i)
                   for i, p in enumerate(doc.get("pillars") or [])}
        components = []
        order = 0
        for m_index, main_doc in enumerate(doc["main_indicators"]):
            main = MainIndicator.objects.create(
                framework=framework, code=main_doc["code"], name=main_doc["name"], group=main_doc.get("group") or "",
                max_points=_stored_points(main_doc.get("max_points")), order=m_index,
                source_note=main_doc.get("source_note", ""))
            main.pillars.set([pillars[code] for code in main_pillars(main_doc)])
            for c_doc in main_doc.get("components") or []:
                order += 1
                components.append(Component(
                    framework=framework, main=main, code=c_doc["code"], name=c_doc["name"],
                    pillar=pillars.get(c_doc.get("pillar") or ""),  # only an override; else the main's pillars
                    max_points=_stored_points(c_doc.get("max_points")), rule=c_doc["rule"], source=c_doc["source"],
                    indicator_code=c_doc.get("indicator_code") or "", unit_label=c_doc.get("unit") or "",
                    guidance=c_doc.get("guidance") or "", source_note=c_doc.get("source_note") or "", order=order))
        Component.objects.bulk_create(components)
    return framework


def _stored_points(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def scoring_problems(framework: Framework) -> list[FieldError]:
    """Why a framework cannot be scored yet: unknown points, main indicators without components, totals
    that do not add up (a draft edition whose point split is not known). Empty: it can be scored."""
    problems: list[FieldError] = []
    total = Decimal(0)
    components = list(framework.components.all())
    for main in framework.main_indicators.order_by("order"):
        mine = [c for c in components if c.main_id == main.pk]
        where = f"main_indicators[{main.order}]"
        if main.max_points is None:
            problems.append(FieldError(f"{where}.max_points", f"'{main.name}': chưa có điểm tối đa",
                                       f"'{main.name}': its maximum points are not known"))
            continue
        total += main.max_points
        if not mine:
            problems.append(FieldError(f"{where}.components", f"'{main.name}': chưa có chỉ số thành phần",
                                       f"'{main.name}': its components are not known"))
            continue
        if any(c.max_points is None for c in mine):
            problems.append(FieldError(f"{where}.components", f"'{main.name}': có chỉ số thành phần chưa có điểm",
                                       f"'{main.name}': some components have no maximum points"))
            continue
        summed = sum((c.max_points for c in mine), Decimal(0))
        if abs(summed - main.max_points) > TOLERANCE:
            problems.append(FieldError(f"{where}.max_points",
                                       f"'{main.name}': tổng điểm thành phần {summed:g} khác {main.max_points:g}",
                                       f"'{main.name}': components add up to {summed:g}, not {main.max_points:g}"))
    known = len(components)
    if framework.components_total and known != framework.components_total:
        problems.append(FieldError("components", f"phương pháp có {framework.components_total} chỉ số thành phần, "
                                                 f"mới có {known}",
                                   f"the methodology has {framework.components_total} components; {known} are known"))
    if not problems and abs(total - framework.max_points) > TOLERANCE:
        problems.append(FieldError("max_points", f"tổng điểm các chỉ số chính {total:g} khác {framework.max_points:g}",
                                   f"the main indicators add up to {total:g}, not {framework.max_points:g}"))
    return problems


def require_scorable(framework: Framework) -> None:
    problems = scoring_problems(framework)
    if problems:
        raise ValidationFailed(problems, vi=f"Bộ chỉ số {framework.label} chưa đủ điểm để chấm: điểm chưa cộng đúng",
                               en=f"Framework {framework.label} cannot be scored until its points add up")


def load_file(user: User | None, path: Path) -> Framework:
    return import_framework(user, parse_document(path.read_bytes(), path.name))


def shipped_files() -> list[Path]:
    return sorted(DATA.glob("*.json")) + sorted(DATA.glob("*.yaml"))


def get_framework(framework_id: int) -> Framework:
    framework = Framework.objects.filter(pk=framework_id).first()
    if framework is None:
        raise NotFound("Bộ chỉ số", "Framework")
    return framework


def _pillar_codes(main: MainIndicator) -> list[str]:
    return [p.code for p in sorted(main.pillars.all(), key=lambda p: p.order)]


def _components_with_pillars(framework: Framework) -> list[tuple[Component, tuple[str, ...]]]:
    """Every component with the pillars it counts towards: its own override if it has one, else all
    of its main indicator's pillars."""
    components = framework.components.select_related("main", "pillar").prefetch_related("main__pillars")
    return [(c, (c.pillar.code,) if c.pillar else tuple(_pillar_codes(c.main))) for c in components.order_by("order")]


def component_specs(framework: Framework) -> list[ComponentSpec]:
    return [ComponentSpec(code=c.code, main=c.main.code, max_points=float(c.max_points), rule=c.rule,
                          pillars=pillars, group=c.main.group)
            for c, pillars in _components_with_pillars(framework)]


def pillar_maxima(framework: Framework) -> dict[str, Decimal]:
    """The maximum points of each pillar, in the pillars' order: the sum of the maxima of the
    components counting towards it, so an indicator in several pillars counts in each (DTI 922:
    CQS = 500 foundation + 200 activity)."""
    maxima = {p.code: Decimal(0) for p in framework.pillars.order_by("order")}
    for component, pillars in _components_with_pillars(framework):
        for code in pillars:
            maxima[code] += component.max_points or 0
    return maxima


def main_pillar_codes(framework: Framework) -> dict[str, tuple[str, ...]]:
    """Each main indicator's pillars: where a value given at main level counts."""
    return {m.code: tuple(_pillar_codes(m)) for m in framework.main_indicators.prefetch_related("pillars")}


def _float(value) -> float | None:
    return None if value is None else float(value)


def export_document(framework: Framework) -> dict:
    """The framework as a document that `import_framework` reads back (to copy it into a new edition)."""
    mains = []
    for main in framework.main_indicators.prefetch_related("pillars").order_by("order"):
        mains.append({
            "code": main.code, "name": main.name, "group": main.group, "pillars": _pillar_codes(main),
            "max_points": _float(main.max_points), "source_note": main.source_note,
            "components": [{
                "code": c.code, "name": c.name, "max_points": _float(c.max_points), "rule": c.rule, "source": c.source,
                "indicator_code": c.indicator_code, "pillar": c.pillar.code if c.pillar else None,
                "unit": c.unit_label, "guidance": c.guidance, "source_note": c.source_note,
            } for c in main.components.select_related("pillar").order_by("order")],
        })
    return {
        "code": framework.code, "edition": framework.edition, "name": framework.name,
        "legal_basis": framework.legal_basis, "applies_to": [k for k in framework.applies_to.split(",") if k],
        "max_points": float(framework.max_points), "source_note": framework.source_note, "groups": framework.groups,
        **({"status": framework.status} if framework.status == FrameworkStatus.DRAFT else {}),
        **({"formula": framework.formula} if framework.formula else {}),
        **({"components_total": framework.components_total} if framework.components_total else {}),
        "pillars": [{"code": p.code, "name": p.name} for p in framework.pillars.order_by("order")],
        "main_indicators": mains,
    }
