"""The provincial index as the Ministry publishes it: main-indicator values (0–1) imported from the published
results or entered directly where component values are unknown, successors' values derived from their
predecessors for years before a merger, and a unit's place among its peers (rank, pillar values, distance to
the leaders, which main indicator would raise the rank most). Edges call these functions."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import can_edit_unit, is_system_admin
from tinhso.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.core.labels import halves
from tinhso.core.tabular import numbered, read_table
from tinhso.core.text import fold
from tinhso.dti.frameworks import pillar_maxima
from tinhso.dti.models import (
    MainIndicator,
    MainOrigin,
    MainValue,
    MergeWeight,
    Result,
    Round,
    RoundStatus,
    RoundUnit,
)
from tinhso.dti.services import (
    can_manage_round,
    combine,
    compute_round,
    get_round,
    merge_weights,
    predecessors_among,
    require_manage_round,
    round_unit,
)
from tinhso.units.models import Unit, UnitKind
from tinhso.units.services import current_successors

MAX_ERRORS = 50


# ---------------------------------------------------------------- main-indicator values

def parse_share(raw, field_name: str, row: int | None = None) -> Decimal | None:
    """A main-indicator value 0–1 (Vietnamese decimal comma accepted); blank is None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationFailed(FieldError(field_name, "phải là số từ 0 đến 1", "must be a number from 0 to 1", row))
    text = str(raw).strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(FieldError(field_name, f"'{raw}' không phải là số", f"'{raw}' is not a number",
                                          row)) from None
    if not number.is_finite() or number < 0 or number > 1:
        raise ValidationFailed(FieldError(field_name, f"giá trị {raw} phải trong khoảng 0–1",
                                          f"the value {raw} must lie within 0–1", row))
    return number.quantize(Decimal(1).scaleb(-12))


def _editable(user: User, round_: Round) -> None:
    require_manage_round(user, round_)
    if round_.is_published:
        raise ValidationFailed(FieldError("status", "đợt đã công bố, không sửa được", "the round is published"))
    if round_.derived_from_id:
        raise ValidationFailed(FieldError("round", "đợt quy đổi không nhập số liệu", "a derived round takes no values"))


def _main(round_: Round, code: str) -> MainIndicator:
    main = MainIndicator.objects.filter(framework_id=round_.framework_id, code=code).first()
    if main is None:
        raise NotFound(f"Chỉ số chính '{code}'", f"Main indicator '{code}'")
    return main


@transaction.atomic
def set_main_value(user: User, round_id: int, unit_id: int, main_code: str, raw, note: str = "",
                   expected_version: int | None = None) -> MainValue | None:
    """The DX office enters a main indicator's value (0–1) directly, where its components are unknown; it
    replaces the sum of the components and is marked as entered. Blank removes it."""
    round_ = get_round(round_id)
    _editable(user, round_)
    unit = round_unit(round_, unit_id)
    main = _main(round_, main_code)
    number = parse_share(raw, "value")
    current = MainValue.objects.select_for_update().filter(round=round_, unit=unit, main=main).first()
    if current is not None and expected_version is not None and current.version != expected_version:
        raise Conflict(current.version)
    if number is None:
        if current is not None:
            current._history_user = user
            current._change_reason = "Xoá giá trị chỉ số chính / Main value removed"
            current.delete()
        return None
    value = current or MainValue(round=round_, unit=unit, main=main)
    value.value, value.origin, value.note = number, MainOrigin.ENTERED, note.strip()[:2000]
    value.version = (current.version + 1) if current else 1
    value._history_user = user
    value._change_reason = "Nhập trực tiếp giá trị chỉ số chính / Main value entered"
    value.save()
    return value


# ---------------------------------------------------------------- import of published results

UNIT_HEADERS = {"tinh": "unit", "tinh thanh pho": "unit", "tinh, thanh pho": "unit", "province": "unit",
                "don vi": "unit", "unit": "unit", "ten": "unit", "ten tinh": "unit", "ma": "code", "code": "code",
                "ma tinh": "code", "ma dinh danh": "code", "ma thong ke": "code", "nam": "year", "year": "year",
                "ghi chu": "note", "note": "note"}


def _aliases(mains: list[MainIndicator]) -> dict[str, str]:
    aliases = dict(UNIT_HEADERS)
    for main in mains:
        key = f"main:{main.code}"
        vi, en = halves(main.name)  # a head may name the indicator in Vietnamese, English or both
        names = (main.name, vi, en) if en else (main.name, vi)
        for text in (main.code, *(f"{main.code}{sep}{name}" for name in names for sep in (". ", " ", "")), *names):
            aliases[fold(text)] = key
            aliases[fold(text).replace(" ", "_")] = key
    return aliases


def _candidates(round_: Round) -> list[Unit]:
    """Whom a sheet's rows may name: the round's units; a national round without units yet, every
    province that existed at the end of its year (the 63 before the 2025 merger, the 34 after)."""
    members = list(Unit.objects.filter(dti_memberships__round=round_))
    if members or not round_.national:
        return members
    day = min(dt.date(round_.year, 12, 31), dt.date.today())
    return list(Unit.objects.as_of(day).filter(kind=UnitKind.PROVINCE))


def _name_keys(unit: Unit) -> set[str]:
    keys = {fold(unit.name), fold(unit.short_name)} if unit.short_name else {fold(unit.name)}
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp "):
        keys |= {k.removeprefix(prefix) for k in list(keys)}
    return {k for k in keys if k}


def _matcher(units: list[Unit]):
    by_name: dict[str, list[Unit]] = {}
    by_code: dict[str, Unit] = {}
    for unit in units:
        for key in _name_keys(unit):
            by_name.setdefault(key, []).append(unit)
        for code in (unit.code, unit.stats_code):
            if code:
                by_code[fold(code)] = unit
                by_code[fold(code).lstrip("0") or "0"] = unit

    def match(name, code) -> tuple[Unit | None, tuple[str, str] | None]:
        if code not in (None, ""):
            text = fold(str(code).strip())
            unit = by_code.get(text) or by_code.get(text.lstrip("0") or "0")
            if unit is None:
                return None, (f"không có đơn vị mã '{code}' trong đợt", f"no unit with code '{code}' in this round")
            return unit, None
        key = fold(str(name or "").strip())
        if not key:
            return None, ("cần tên hoặc mã tỉnh, đơn vị", "the province or unit name or code is required")
        found = by_name.get(key) or by_name.get(key.removeprefix("tinh ").removeprefix("thanh pho "))
        if not found and (by_code.get(key) or by_code.get(key.lstrip("0") or "0")):
            return by_code.get(key) or by_code[key.lstrip("0") or "0"], None  # a code in the name column
        if not found:
            return None, (f"không tìm thấy '{name}' trong đợt", f"'{name}' is not found in this round")
        if len(found) > 1:
            return None, (f"'{name}' trùng tên nhiều đơn vị; ghi mã", f"'{name}' names several units; give the code")
        return found[0], None
    return match


@dataclass
class ImportOutcome:
    rows: int
    units: int
    round: Round


def results_upload_check(request, round_id, **_kwargs) -> None:
    """Upload check (core.uploads.upload_guard) of published results: whoever may edit the round."""
    from tinhso.core.uploads import url_id

    _editable(request.user, get_round(url_id(round_id)))


def import_results(user: User, round_id: int, content: bytes, filename: str) -> ImportOutcome:
    """Import published results: one row per province (or unit) with its year and each scored main
    indicator's value 0–1; units matched by name or code, diacritics-insensitive. All or nothing: a bad row
    is refused naming its line and column, and nothing is written. A draft round moves to review, with the
    results computed for the office to check and publish."""
    round_ = get_round(round_id)
    _editable(user, round_)
    mains = list(round_.framework.main_indicators.order_by("order"))
    scored = [m for m in mains if m.max_points]
    rows = read_table(content, filename, _aliases(mains))
    errors: list[FieldError] = []
    if rows and not any(k.startswith("main:") for k in rows[0]):
        errors.append(FieldError("file", "không thấy cột chỉ số chính nào (ghi mã hoặc tên chỉ số chính)",
                                 "no main indicator column found (head it with the indicator's code or name)"))
    match = _matcher(_candidates(round_))
    parsed: dict[int, tuple[Unit, dict[str, Decimal], str]] = {}
    seen_line: dict[int, int] = {}
    for line, row in numbered(rows):
        if len(errors) >= MAX_ERRORS:
            break
        unit, problem = match(row.get("unit"), row.get("code"))
        if problem:
            errors.append(FieldError("unit", *problem, line))
            continue
        year = row.get("year")
        try:  # 2024, "2024" or a spreadsheet's 2024.0
            if year in (None, "") or isinstance(year, bool) or Decimal(str(year).strip()) != round_.year:
                raise ValueError
        except (ValueError, InvalidOperation):
            errors.append(FieldError("year", f"năm '{year or ''}' khác năm của đợt {round_.year}",
                                     f"year '{year or ''}' is not the round's year {round_.year}", line))
            continue
        if unit.pk in seen_line:
            errors.append(FieldError("unit", f"'{unit.name}' lặp lại (đã có ở dòng {seen_line[unit.pk]})",
                                     f"'{unit.name}' is listed twice (already on line {seen_line[unit.pk]})", line))
            continue
        seen_line[unit.pk] = line
        values: dict[str, Decimal] = {}
        for main in scored:
            column = f"{main.code}. {main.short}"
            try:
                number = parse_share(row.get(f"main:{main.code}"), column, line)
            except ValidationFailed as exc:
                errors += exc.errors
                continue
            if number is None:
                errors.append(FieldError(column, "thiếu giá trị", "the value is missing", line))
                continue
            values[main.code] = number
        parsed[unit.pk] = (unit, values, str(row.get("note") or "")[:500])
    if not rows:
        errors.append(FieldError("file", "tệp không có dòng số liệu", "the file has no data rows"))
    if errors:
        raise ValidationFailed(errors[:MAX_ERRORS], vi="Không nhập được kết quả, không có gì được ghi",
                               en="The results were not imported; nothing was written")
    by_code = {m.code: m for m in scored}
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        members = set(RoundUnit.objects.filter(round=locked).values_list("unit_id", flat=True))
        RoundUnit.objects.bulk_create([RoundUnit(round=locked, unit_id=u) for u in parsed if u not in members])
        reason = f"Nhập kết quả công bố / Published results imported ({filename[:40]})"
        write_main_values(locked, {(unit_id, by_code[code].pk): number for unit_id, (_, values, _) in parsed.items()
                                   for code, number in values.items()},
                          MainOrigin.IMPORTED, {u: note for u, (_, _, note) in parsed.items()}, user, reason)
        if locked.status == RoundStatus.DRAFT:
            locked.status = RoundStatus.REVIEW
            locked.version += 1
            locked._history_user = user
            locked._change_reason = "Nhập kết quả công bố, chờ công bố / Published results imported"
            locked.save()
        compute_round(locked)
    round_.refresh_from_db()
    return ImportOutcome(rows=len(rows), units=len(parsed), round=round_)


def write_main_values(round_: Round, values: dict[tuple[int, int], Decimal], origin: str, notes: dict[int, str],
                      user: User | None, reason: str) -> int:
    """Write many checked main-indicator values {(unit id, main id): value} with one audit row each. New rows
    and their audit rows go in with one `executemany` each (the ORM's bulk_create spends most of a 3.321-commune
    import preparing parameters); values already there are updated through the ORM."""
    existing = {(v.unit_id, v.main_id): v for v in MainValue.objects.filter(
        round=round_, unit_id__in={u for u, _ in values})}
    changed = []
    for key, number in values.items():
        if key in existing:
            current = existing[key]
            current.value, current.origin, current.note = number, origin, notes.get(key[0], "")
            current.version += 1
            changed.append(current)
    MainValue.objects.bulk_update(changed, ["value", "origin", "note", "version"], batch_size=2000)
    now = timezone.now()
    fresh = [(round_.pk, unit_id, main_id, number, origin, notes.get(unit_id, ""), 1, now)
             for (unit_id, main_id), number in values.items() if (unit_id, main_id) not in existing]
    columns = ["round_id", "unit_id", "main_id", "value", "origin", "note", "version", "updated_at"]
    _insert(MainValue._meta.db_table, columns, fresh)
    written = MainValue.objects.filter(round=round_, unit_id__in={u for u, _ in values}).values_list(
        "id", "round_id", "unit_id", "main_id", "value", "origin", "note", "version")
    user_id = getattr(user, "pk", None)
    history = [(*row, now, reason[:100], "~" if (row[2], row[3]) in existing else "+", user_id)
               for row in written if (row[2], row[3]) in values]
    _insert(MainValue.history.model._meta.db_table,
            ["id", "round_id", "unit_id", "main_id", "value", "origin", "note", "version", "history_date",
             "history_change_reason", "history_type", "history_user_id"], history)
    return len(values)


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    params = [tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start:start + 5000])


# ---------------------------------------------------------------- successors derived from predecessors

def derive_successors(user: User, round_id: int, day: dt.date | None = None) -> Round:
    """A published round of today's units (valid on `day`) for a year before they were created: each
    successor's main-indicator values are the mean of its predecessors' (or the DX office's weights), as the
    Ministry published DTI 2024 for the 34 merged provinces. The new round is labelled derived and names its
    source; a unit that did not change keeps its own values."""
    source = get_round(round_id)
    if not can_manage_round(user, source):
        raise Forbidden("Chỉ đơn vị tổ chức đợt được quy đổi", "Only the round's organiser may derive from it")
    if not source.is_published or source.derived_from_id:
        raise ValidationFailed(FieldError("round", "chỉ quy đổi từ đợt đã công bố (không phải đợt quy đổi)",
                                          "only a published round (not itself derived) can be derived from"))
    day = day or dt.date.today()
    results = {r.unit_id: r for r in Result.objects.filter(round=source)}
    predecessors = predecessors_among(list(results), day)
    valid = set(Unit.objects.as_of(day).filter(pk__in=list(results)).values_list("pk", flat=True))
    sources: dict[int, list[int]] = {}
    for successor, ids in predecessors.items():
        sources[successor] = sorted(set(ids) | ({successor} if successor in results else set()))
    for unit_id in valid:
        sources.setdefault(unit_id, [unit_id])
    if not sources:
        raise ValidationFailed(FieldError("round", f"không có đơn vị nào còn hiệu lực ngày {day:%d/%m/%Y}",
                                          f"no unit of this round is valid on {day:%d/%m/%Y}"))
    if not any(len(ids) > 1 or ids != [u] for u, ids in sources.items()):
        raise ValidationFailed(FieldError("round", "các đơn vị của đợt không thay đổi, không cần quy đổi",
                                          "the round's units did not change; nothing to derive"))
    weights = merge_weights({u: ids for u, ids in sources.items() if len(ids) > 1})
    mains = {m.code: m for m in source.framework.main_indicators.all() if m.max_points}
    names = dict(Unit.objects.filter(pk__in={i for ids in sources.values() for i in ids}).values_list("pk", "name"))
    with transaction.atomic():
        derived = Round(name=f"{source.name} — quy đổi theo đơn vị ngày {day:%d/%m/%Y}"[:255], year=source.year,
                        framework=source.framework, scope=source.scope, national=source.national,
                        derived_from=source, status=RoundStatus.PUBLISHED, published_at=timezone.now(),
                        note=f"Giá trị suy ra từ đơn vị tiền thân (đợt #{source.pk}) / derived from predecessors")
        derived._history_user = user
        derived._change_reason = "Quy đổi theo đơn vị hiện nay / Derived for today's units"
        derived.save()
        RoundUnit.objects.bulk_create([RoundUnit(round=derived, unit_id=u) for u in sources])
        rows: dict[tuple[int, int], Decimal] = {}
        notes: dict[int, str] = {}
        for successor, ids in sources.items():
            used = weights.get(successor, {i: Decimal(1) for i in ids})
            combined = combine([results[i] for i in ids], used)
            note = "; ".join(f"{names.get(i, i)} × {used[i]:g}" for i in ids)
            notes[successor] = (f"Trung bình / mean: {note}" if len(set(used.values())) == 1
                                else f"Bình quân gia quyền / weighted: {note}")[:2000]
            for code, main in mains.items():
                share = Decimal(repr(combined["by_main"].get(code, 0.0))) / main.max_points
                rows[(successor, main.pk)] = min(Decimal(1), share).quantize(Decimal(1).scaleb(-12))
        write_main_values(derived, rows, MainOrigin.DERIVED, notes, user,
                          "Quy đổi từ đơn vị tiền thân / Derived from predecessors")
        compute_round(derived)
    return derived


# ---------------------------------------------------------------- a unit's place among its peers

@dataclass
class PillarPlace:
    code: str
    name: str
    value: float
    points: float
    maximum: float
    rank: int | None
    leader_value: float
    gap: float  # to the pillar's leader, 0–1


@dataclass
class Raise:
    main: MainIndicator
    value: float  # 0–1
    best: float  # the best value among the peers
    points_gained: float
    new_rank: int
    ranks_gained: int


@dataclass
class Standing:
    result: Result
    peers: list[Result]
    leaders: list[tuple[Result, Decimal]]  # the first three and the index gap to each
    above: tuple[Result, Decimal] | None  # the unit just above and the points needed to pass it
    pillars: list[PillarPlace]
    raises: list[Raise] = field(default_factory=list)


def _rank_with(points: float, others: list[float]) -> int:
    """The rank a unit with `points` would have among `others` (ties compared at 0,001 point)."""
    mine = round(points, 3)
    return 1 + sum(1 for other in others if round(other, 3) > mine)


def standing(user: User, round_id: int, unit_id: int) -> Standing:
    """Where a unit stands among its peers: rank, distance to the leaders and to the unit above, pillar
    values with their ranks and gaps, and — at main-indicator level — which indicator, raised to the best
    peer's value, would raise the rank most."""
    round_ = get_round(round_id)
    if not (round_.is_published or can_manage_round(user, round_)):
        raise Forbidden("Kết quả đợt này chưa công bố", "The results of this round are not published yet")
    result = Result.objects.filter(round=round_, unit_id=unit_id).select_related("unit").first()
    if result is None:
        raise NotFound("Kết quả của đơn vị trong đợt", "Result of this unit in the round")
    peers = sorted(Result.objects.filter(round=round_, peer_group=result.peer_group).select_related("unit"),
                   key=lambda r: (r.rank, r.unit.name))
    leaders = [(r, result.index - r.index) for r in peers[:3]]
    better = [r for r in peers if r.rank < result.rank]
    above = (better[-1], better[-1].points - result.points) if better else None
    framework = round_.framework
    maxima = pillar_maxima(framework)
    pillars = []
    for pillar in framework.pillars.order_by("order"):
        if pillar.code not in result.by_pillar:
            continue
        best = max((float(r.pillar_values.get(pillar.code, 0)) for r in peers), default=0.0)
        value = float(result.pillar_values.get(pillar.code, 0))
        pillars.append(PillarPlace(pillar.code, pillar.name, value, float(result.by_pillar[pillar.code]),
                                   float(maxima.get(pillar.code, 0)), result.pillar_ranks.get(pillar.code), best,
                                   best - value))
    others = [float(r.points) for r in peers if r.pk != result.pk]
    raises = []
    for main in framework.main_indicators.order_by("order"):
        if not main.max_points:
            continue
        maximum = float(main.max_points)
        value = float(result.by_main.get(main.code, 0)) / maximum
        best = max(float(r.by_main.get(main.code, 0)) / maximum for r in peers)
        gained = (best - value) * maximum
        if gained <= 1e-9:
            continue
        new_rank = _rank_with(float(result.points) + gained, others)
        raises.append(Raise(main, value, best, gained, new_rank, result.rank - new_rank))
    raises.sort(key=lambda r: (-r.ranks_gained, -r.points_gained))
    return Standing(result, peers, leaders, above, pillars, raises)


# ---------------------------------------------------------------- merge weights (data the DX office sets)

def set_merge_weight(user: User, successor_id: int, predecessor_id: int, weight, note: str = "") -> MergeWeight | None:
    """Set (or, with a blank weight, remove) a predecessor's weight in its successor's derived value.
    Administrators of the successor (or system administrators) only; audited."""
    successor = Unit.objects.filter(pk=successor_id).first()
    predecessor = Unit.objects.filter(pk=predecessor_id).first()
    if successor is None or predecessor is None:
        raise NotFound("Đơn vị", "Unit")
    if not (is_system_admin(user) or (user.role == Role.ADMIN and can_edit_unit(user, successor))):
        raise Forbidden("Chỉ quản trị của đơn vị kế thừa được đặt trọng số",
                        "Only an administrator of the successor may set merge weights")
    inherits = successor.pk in current_successors([predecessor.pk], successor.valid_from or dt.date.today()).get(
        predecessor.pk, {})
    if predecessor.pk != successor.pk and not inherits:
        raise ValidationFailed(FieldError("predecessor_id", f"'{predecessor.name}' không phải tiền thân của "
                                                            f"'{successor.name}'",
                                          f"'{predecessor.name}' is not a predecessor of '{successor.name}'"))
    current = MergeWeight.objects.filter(successor=successor, predecessor=predecessor).first()
    if weight in (None, ""):
        if current is not None:
            current._history_user = user
            current.delete()
        return None
    try:
        number = Decimal(str(weight).replace(",", "."))
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite() or number <= 0 or number >= Decimal("1e11"):
        raise ValidationFailed(FieldError("weight", "trọng số phải là số dương",
                                          "the weight must be a positive number"))
    row = current or MergeWeight(successor=successor, predecessor=predecessor)
    row.weight, row.note = number.quantize(Decimal("0.0001")), note.strip()[:255]
    row.version = (current.version + 1) if current else 1
    row._history_user = user
    row._change_reason = "Đặt trọng số quy đổi / Merge weight set"
    row.save()
    return row


def sheet_head(round_: Round) -> list[str]:
    """The column heads of a results sheet for this round's framework (what the import page shows)."""
    return ["Tỉnh, thành phố", "Năm"] + [f"{m.code}. {m.short}" for m in
                                          round_.framework.main_indicators.order_by("order") if m.max_points]


def main_values(round_: Round, unit: Unit) -> dict[str, MainValue]:
    """The main-indicator values given directly for a unit in a round, by main indicator code."""
    return {v.main.code: v for v in MainValue.objects.filter(round=round_, unit=unit).select_related("main")}
