"""Domain logic of the unit registry as plain functions: validate, create, update, delete, import,
export, query the tree as of a date, and follow merges. Edges (API, views, CLI) call only these."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import CharField, Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from simple_history.utils import bulk_create_with_history

from tinhso.accounts.models import User
from tinhso.accounts.services import (
    AccountsPolicy,
    can_edit_unit,
    follow_unit_event,
    is_system_admin,
    require_edit_unit,
)
from tinhso.core import memo
from tinhso.core.audit import AuditEntry, history_of
from tinhso.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed, required
from tinhso.core.labels import choice_from_text
from tinhso.core.tabular import numbered, parse_date, to_csv, to_xlsx
from tinhso.core.text import fold, vi_sort_key
from tinhso.units.codes import ElectronicCode, child_agrees_with_parent
from tinhso.units.models import TERRITORIAL_KINDS, EventKind, Succession, Unit, UnitEvent, UnitKind

# Since 1 July 2025 districts are gone and the merged provinces and communes operate.
REFORM_2025 = dt.date(2025, 7, 1)
EDITABLE_FIELDS = ("code", "name", "short_name", "kind", "parent", "stats_code", "valid_from", "valid_to", "note",
                   "aliases")
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    UnitKind.PROVINCE: {None},
    UnitKind.DISTRICT: {UnitKind.PROVINCE},
    UnitKind.COMMUNE: {UnitKind.PROVINCE, UnitKind.DISTRICT},
    UnitKind.DEPARTMENT: {UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE},
    UnitKind.PUBLIC_SERVICE: {UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE},
    # based in the province, outside its administration (see OUTSIDE_ADMIN_KINDS)
    UnitKind.CENTRAL_AGENCY: {UnitKind.PROVINCE},
    UnitKind.ENTERPRISE: {UnitKind.PROVINCE},
}


def get_unit(unit_id: int) -> Unit:
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("Đơn vị", "Unit")
    return unit


def unit_for_field(unit_id: int | None, field: str) -> Unit | None:
    """The unit an input field names by id, or None when the field is empty. An unknown id is bad
    input about that field (400), not a missing page (404)."""
    if unit_id is None:
        return None
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise ValidationFailed(FieldError(field, f"không có đơn vị mã số {unit_id}", f"no unit with id {unit_id}"))
    return unit


def units_for_field(ids: list[int], field: str) -> list[Unit]:
    """The units an input list names by id, in its order; every unknown id is reported on that field."""
    found = Unit.objects.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(FieldError(field, f"không có đơn vị mã số {missing}", f"no units with ids {missing}"))
    return [found[i] for i in ids]


def unit_history(unit_id: int) -> list[AuditEntry]:
    """The audit trail of a unit, newest first; also of a deleted unit, whose last entry is its deletion."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        unit = Unit(pk=unit_id)
        if not unit.history.exists():
            raise NotFound("Đơn vị", "Unit")
    return history_of(unit)


# ---------------------------------------------------------------- validation

@dataclass
class UnitData:
    """Proposed values of a unit, before they touch the database."""

    name: str = ""
    kind: str = ""
    code: str | None = None
    short_name: str = ""
    parent: Unit | None = None
    stats_code: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""
    aliases: str = ""

    @classmethod
    def of(cls, unit: Unit) -> "UnitData":
        return cls(**{name: getattr(unit, name) for name in EDITABLE_FIELDS})

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)


def validate(data: UnitData, instance: Unit | None = None, row: int | None = None,
             check_code_clash: bool = True) -> list[FieldError]:
    """Every rule a unit must satisfy; returns all violations rather than stopping at the first.
    `check_code_clash=False` is for bulk loads that check code clashes for the whole batch at once."""
    errors: list[FieldError] = []

    def err(field_name: str, vi: str, en: str) -> None:
        errors.append(FieldError(field_name, vi, en, row))

    if not data.name.strip():
        errors.append(required("name", row))
    elif len(data.name) > 255:
        err("name", "dài quá 255 ký tự", "is longer than 255 characters")
    if len(data.short_name) > 120:
        err("short_name", "dài quá 120 ký tự", "is longer than 120 characters")
    if len(data.aliases or "") > 5000:
        err("aliases", "dài quá 5.000 ký tự", "is longer than 5,000 characters")
    elif any(len(line) > 255 for line in (data.aliases or "").splitlines()):
        err("aliases", "mỗi tên gọi khác tối đa 255 ký tự", "each other name holds at most 255 characters")
    if data.kind not in UnitKind.values:
        err("kind", f"loại đơn vị '{data.kind}' không hợp lệ; chọn một trong {', '.join(UnitKind.values)}",
            f"unknown kind '{data.kind}'; use one of {', '.join(UnitKind.values)}")

    code = ElectronicCode.parse(data.code) if data.code else None
    if data.code and code is None:
        err("code", f"mã định danh '{data.code}' sai định dạng V1V2V3.Z1Z2.Y1Y2.Xnn (ví dụ 000.00.00.H49)",
            f"electronic code '{data.code}' must have the form V1V2V3.Z1Z2.Y1Y2.Xnn (e.g. 000.00.00.H49)")

    if data.stats_code:
        if not data.stats_code.isdigit() or len(data.stats_code) > 10:
            err("stats_code", "mã thống kê chỉ gồm chữ số (tối đa 10)", "the statistics code must be digits (max 10)")
        if data.kind in UnitKind.values and data.kind not in TERRITORIAL_KINDS:
            err("stats_code", "chỉ đơn vị hành chính lãnh thổ mới có mã thống kê",
                "only territorial units carry a statistics code")

    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        err("valid_to", "ngày kết thúc hiệu lực trước ngày bắt đầu", "ends before it starts")

    parent = data.parent
    if data.kind in ALLOWED_PARENT_KINDS:
        allowed = ALLOWED_PARENT_KINDS[data.kind]
        parent_kind = parent.kind if parent else None
        if parent_kind not in allowed:
            if parent is None:
                err("parent", "đơn vị loại này phải có đơn vị cấp trên", "a unit of this kind needs a parent")
            else:
                err("parent", f"'{parent.name}' không thể là cấp trên của đơn vị loại này",
                    f"'{parent.name}' cannot be the parent of a unit of this kind")
    if parent is not None:
        if instance is not None and instance.pk and (
            parent.pk == instance.pk or (instance.path and parent.path.startswith(instance.path))
        ):
            err("parent", "không được chọn chính đơn vị hoặc đơn vị trực thuộc làm cấp trên (tạo vòng lặp)",
                "the parent cannot be the unit itself or one of its descendants (cycle)")
        if parent.valid_from and (data.valid_from is None or data.valid_from < parent.valid_from):
            err("valid_from", f"phải từ {parent.valid_from:%d/%m/%Y}, ngày cấp trên bắt đầu hiệu lực",
                f"must be on or after {parent.valid_from:%d/%m/%Y}, when the parent starts")
        if parent.valid_to and (data.valid_to is None or data.valid_to > parent.valid_to):
            err("valid_to", f"phải đến muộn nhất {parent.valid_to:%d/%m/%Y}, ngày cấp trên hết hiệu lực",
                f"must end by {parent.valid_to:%d/%m/%Y}, when the parent ends")
        parent_code = ElectronicCode.parse(parent.code) if parent.code else None
        if code and parent_code and not child_agrees_with_parent(code, parent_code):
            err("code", f"mã {data.code} không khớp mã cấp trên {parent.code}: phải ở cấp thấp hơn và giữ "
                        "nguyên các phần mã của cấp trên",
                f"code {data.code} does not agree with the parent's {parent.code}: it must be a lower level "
                "and repeat the parent's higher-level parts")

    if code and check_code_clash:
        clash = Unit.objects.filter(code=data.code)
        if instance is not None and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if data.valid_to:
            clash = clash.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=data.valid_to))
        if data.valid_from:
            clash = clash.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=data.valid_from))
        other = clash.first()
        if other:
            err("code", f"mã {data.code} đang được dùng bởi '{other.name}' trong cùng thời gian hiệu lực",
                f"code {data.code} is already used by '{other.name}' over the same period")

    if instance is not None and instance.pk:
        errors += _children_still_fit(instance, data, row)
        errors += _events_still_fit(instance, data, row)
    return errors


def _children_still_fit(instance: Unit, data: UnitData, row: int | None) -> list[FieldError]:
    errors = []
    children = instance.children.all()
    if data.valid_to and children.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=data.valid_to)).exists():
        errors.append(FieldError("valid_to", "còn đơn vị trực thuộc có hiệu lực sau ngày này",
                                 "some child units remain valid after this date", row))
    # A child without a start date has existed since before any date the parent could take.
    if data.valid_from and children.filter(Q(valid_from__isnull=True) | Q(valid_from__lt=data.valid_from)).exists():
        errors.append(FieldError("valid_from", "có đơn vị trực thuộc bắt đầu hiệu lực trước ngày này",
                                 "some child units start before this date", row))
    return errors


def _events_still_fit(instance: Unit, data: UnitData, row: int | None) -> list[FieldError]:
    errors = []
    for link in instance.successor_links.select_related("event"):
        if data.valid_to != link.event.date - dt.timedelta(days=1):
            errors.append(FieldError(
                "valid_to", f"phải là {link.event.date - dt.timedelta(days=1):%d/%m/%Y}, ngày trước sự kiện "
                            f"{link.event}", f"must be the day before the event of {link.event.date:%d/%m/%Y}", row))
            break
    for link in instance.predecessor_links.select_related("event"):
        if not data.is_valid_on(link.event.date):
            errors.append(FieldError(
                "valid_from", f"đơn vị kế thừa phải có hiệu lực vào ngày {link.event.date:%d/%m/%Y}",
                f"a successor must be valid on the event date {link.event.date:%d/%m/%Y}", row))
            break
    return errors


# ---------------------------------------------------------------- writes

def _refresh_derived(unit: Unit) -> None:
    unit.search_text = " ".join(
        fold(part) for part in (unit.name, unit.short_name, unit.code or "", unit.stats_code,
                                " ".join(unit.aliases.split())) if part)


def _save_tree_position(unit: Unit) -> None:
    """Set path/depth after the unit has a pk, and cascade a changed path to its descendants."""
    old_path = unit.path
    new_path = (unit.parent.path if unit.parent else "/") + f"{unit.pk}/"
    if new_path == old_path:
        return
    unit.path = new_path
    unit.depth = new_path.count("/") - 2
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    memo.changed("units")  # the updates bypass the models' signals
    if old_path:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = new_path + child.path[len(old_path):]
            child.depth = child.path.count("/") - 2
            Unit.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)


def create_unit(user: User, data: UnitData, reason: str = "") -> Unit:
    if data.parent is None:
        if not is_system_admin(user):
            require_edit_unit(user, None)
    else:
        require_edit_unit(user, data.parent)
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        unit = Unit(**{name: getattr(data, name) for name in EDITABLE_FIELDS})
        unit.code = unit.code or None
        _refresh_derived(unit)
        unit._history_user = user if user.is_authenticated else None
        unit._change_reason = reason or "Tạo mới / Created"
        unit.save()
        _save_tree_position(unit)
    return unit


def update_unit(user: User, unit_id: int, changes: dict, expected_version: int, reason: str = "") -> Unit:
    """Apply `changes` (field → value) if `expected_version` is still current; otherwise Conflict."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed([FieldError(f, "không được phép sửa trường này", "this field cannot be changed")
                                for f in sorted(unknown)])
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise NotFound("Đơn vị", "Unit")
        require_edit_unit(user, unit)
        if unit.version != expected_version:
            raise Conflict(unit.version)
        data = UnitData.of(unit)
        for name, value in changes.items():
            setattr(data, name, value)
        if data.parent != unit.parent:
            if data.parent is not None:
                require_edit_unit(user, data.parent)
            elif not is_system_admin(user):
                require_edit_unit(user, None)  # only a system administrator places units at the top level
        errors = validate(data, instance=unit)
        if errors:
            raise ValidationFailed(errors)
        for name in EDITABLE_FIELDS:
            setattr(unit, name, getattr(data, name))
        unit.code = unit.code or None
        unit.version += 1
        _refresh_derived(unit)
        unit._history_user = user
        unit._change_reason = reason or "Cập nhật / Updated"
        unit.save()
        _save_tree_position(unit)
    return unit


def delete_unit(user: User, unit_id: int, expected_version: int) -> None:
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise NotFound("Đơn vị", "Unit")
        require_edit_unit(user, unit)
        if unit.version != expected_version:
            raise Conflict(unit.version)
        reasons = []
        if unit.children.exists():
            reasons.append(("còn đơn vị trực thuộc", "it still has child units"))
        if unit.successor_links.exists() or unit.predecessor_links.exists():
            reasons.append(("đã gắn với sự kiện sắp xếp; hãy kết thúc hiệu lực thay vì xóa",
                            "it is part of a reorganisation; end its validity instead of deleting it"))
        if unit.users.exists():
            reasons.append(("còn tài khoản người dùng thuộc đơn vị", "user accounts still belong to it"))
        if reasons:
            raise ValidationFailed([FieldError("id", vi, en) for vi, en in reasons],
                                   vi="Không thể xóa đơn vị", en="The unit cannot be deleted")
        unit._history_user = user
        unit._change_reason = "Xóa / Deleted"
        unit.delete()


def record_event(user: User, kind: str, date: dt.date, predecessors: list[Unit], successors: list[Unit],
                 legal_basis: str = "", note: str = "", shares: dict[tuple[int, int], Decimal] | None = None,
                 accounts_policy: str = AccountsPolicy.MOVE) -> UnitEvent:
    """Record a merge/split/rename: predecessors end the day before `date`, successors are valid on it.
    Accounts of the predecessors follow `accounts_policy` (moved to the successor, disabled, or kept)."""
    if not is_system_admin(user):
        for unit in [*predecessors, *successors]:
            require_edit_unit(user, unit)
    errors = []
    if kind not in EventKind.values:
        errors.append(FieldError("kind", "loại sự kiện không hợp lệ", "unknown event kind"))
    if accounts_policy not in AccountsPolicy.CHOICES:
        errors.append(FieldError("accounts_policy", "chỉ nhận move, disable hoặc keep",
                                 "must be move, disable or keep"))
    if not dt.date(1900, 1, 1) <= date <= dt.date(2200, 12, 31):
        raise ValidationFailed(FieldError("date", "ngày hiệu lực phải trong khoảng 1900–2200",
                                          "the effective date must be between 1900 and 2200"))
    for name, units in (("predecessors", predecessors), ("successors", successors)):
        if len({u.pk for u in units}) != len(units):
            errors.append(FieldError(name, "một đơn vị được liệt kê hai lần", "a unit is listed twice"))
    if not predecessors:
        errors.append(FieldError("predecessors", "cần ít nhất một đơn vị tiền thân", "needs a predecessor"))
    if not successors and kind != EventKind.DISSOLVE:
        errors.append(FieldError("successors", "cần ít nhất một đơn vị kế thừa", "needs a successor"))
    day_before = date - dt.timedelta(days=1)
    for unit in predecessors:
        if unit.valid_to not in (None, day_before):
            errors.append(FieldError("predecessors", f"'{unit.name}' hết hiệu lực {unit.valid_to:%d/%m/%Y}, "
                                     f"không phải ngày trước sự kiện ({day_before:%d/%m/%Y})",
                                     f"'{unit.name}' ends on {unit.valid_to:%d/%m/%Y}, not the day before "
                                     f"the event ({day_before:%d/%m/%Y})"))
        if unit.valid_from and unit.valid_from > day_before:
            errors.append(FieldError("predecessors", f"'{unit.name}' chưa có hiệu lực trước sự kiện",
                                     f"'{unit.name}' did not exist before the event"))
    for unit in successors:
        if not unit.is_valid_on(date):
            errors.append(FieldError("successors", f"'{unit.name}' không có hiệu lực vào ngày {date:%d/%m/%Y}",
                                     f"'{unit.name}' is not valid on {date:%d/%m/%Y}"))
    if set(u.pk for u in predecessors) & set(u.pk for u in successors):
        errors.append(FieldError("successors", "một đơn vị không thể vừa là tiền thân vừa kế thừa",
                                 "a unit cannot be both predecessor and successor"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        event = UnitEvent(kind=kind, date=date, legal_basis=legal_basis, note=note)
        event._history_user = user
        event.save()
        for unit in predecessors:
            if unit.valid_to is None:
                if unit.children.filter(valid_to__isnull=True).exists():
                    raise ValidationFailed(FieldError(
                        "predecessors", f"'{unit.name}' còn đơn vị trực thuộc đang hiệu lực; hãy sắp xếp chúng trước",
                        f"'{unit.name}' still has live child units; reorganise them first"))
                unit.valid_to = day_before
                unit.version += 1
                unit._history_user = user
                unit._change_reason = f"{event}"
                unit.save()
            for successor in successors:
                share = (shares or {}).get((unit.pk, successor.pk), Decimal(1) / len(successors))
                Succession.objects.create(event=event, predecessor=unit, successor=successor, share=share)
        follow_unit_event(user, event, accounts_policy)
    return event


# ---------------------------------------------------------------- queries

def search_units(query: str = "", as_of: dt.date | None = None, kind: str | None = None,
                 under: Unit | None = None, limit: int = 200) -> list[Unit]:
    """Diacritic-insensitive search ("bac kan" finds "Bắc Kạn"), results in Vietnamese order."""
    units = _search_queryset(query, as_of, kind, under).select_related("parent")
    return sorted(units[: limit * 5], key=lambda u: (u.depth, vi_sort_key(u.name)))[:limit]


def _search_queryset(query: str, as_of: dt.date | None, kind: str | None, under: Unit | None):
    units = Unit.objects.all()
    if as_of:
        units = units.as_of(as_of)
    if kind:
        units = units.filter(kind=kind)
    if under:
        units = units.below(under)
    for word in fold(query.replace("\x00", "")).split():
        units = units.filter(search_text__contains=word)
    return units


@dataclass
class TreeNode:
    unit: Unit
    children: list["TreeNode"] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.children)


def tree_as_of(day: dt.date, root: Unit | None = None) -> list[TreeNode]:
    """The hierarchy as it legally stood on `day`; children in Vietnamese alphabetical order."""
    units = Unit.objects.as_of(day)
    if root is not None:
        units = units.below(root)
    nodes = {u.pk: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id)
        (parent.children if parent else roots).append(node)
    kind_order = {k: i for i, k in enumerate(UnitKind.values)}

    def order(items: list[TreeNode]) -> None:
        items.sort(key=lambda n: (kind_order.get(n.unit.kind, 9), vi_sort_key(n.unit.name)))
        for item in items:
            order(item.children)

    order(roots)
    return roots


TREE_PAGE = 200  # children shown per step of the lazily loaded tree
SEARCH_PAGE = 100  # search results per page


@dataclass
class Level:
    """One step of one level of the tree as of a day: units with `child_count` set, and how many there are."""

    units: list[Unit]
    total: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


# Levels of the tree and search pages, per process, until the registry changes (memo.changed("units") from
# the models' signals and the bulk writes above) or for 5 minutes: the registry changes a few times a year,
# and every visit of the tree page and every unit picker asked the same few queries again. Small bounds: a
# search page holds up to `limit` units.
_LEVELS = memo.Memo(300, max_entries=500, depends_on=("units",))
_SEARCHES = memo.Memo(300, max_entries=200, depends_on=("units",))
_CACHED_PAGE = 200  # larger pages (exports, API clients paging in thousands) are not kept


def children_as_of(day: dt.date, parent: Unit | None = None, offset: int = 0, limit: int = TREE_PAGE) -> Level:
    """The units directly under `parent` (the top level when None) as they stood on `day`, in kind then
    Vietnamese order, `limit` of them from `offset`, each with the number of its own children that day — what
    the unit tree page loads when a branch is opened, instead of the whole registry at once (#15, finding 12).
    The units are shared with other requests: read them, do not change them."""
    if limit > _CACHED_PAGE:
        return _children_as_of(day, parent, offset, limit)
    key = (day, parent.pk if parent is not None else None, offset, limit)
    return _LEVELS.get(key, lambda: _children_as_of(day, parent, offset, limit))


def _children_as_of(day: dt.date, parent: Unit | None, offset: int, limit: int) -> Level:
    units = Unit.objects.as_of(day)
    units = units.filter(parent=parent) if parent is not None else units.filter(parent__isnull=True)
    kind_order = {k: i for i, k in enumerate(UnitKind.values)}
    keys = sorted(units.values_list("pk", "kind", "name"),
                  key=lambda row: (kind_order.get(row[1], 9), vi_sort_key(row[2])))
    offset = max(0, min(offset, len(keys)))
    ids = [pk for pk, _, _ in keys[offset:offset + limit]]
    chosen = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    counts = dict(Unit.objects.as_of(day).filter(parent_id__in=ids).values("parent_id")
                  .annotate(n=Count("pk")).values_list("parent_id", "n"))
    page = [chosen[pk] for pk in ids]
    for unit in page:
        unit.child_count = counts.get(unit.pk, 0)
    return Level(page, len(keys), offset, limit)


def search_page(query: str = "", as_of: dt.date | None = None, kind: str | None = None, under: Unit | None = None,
                offset: int = 0, limit: int = SEARCH_PAGE) -> tuple[list[Unit], int]:
    """One page of `search_units`' results (all of them counted, in the same order) and the total. The units
    are shared with other requests: read them, do not change them."""
    if limit > _CACHED_PAGE:
        return _search_page(query, as_of, kind, under, offset, limit)
    key = (query, as_of, kind, under.pk if under is not None else None, offset, limit)
    return _SEARCHES.get(key, lambda: _search_page(query, as_of, kind, under, offset, limit))


def _search_page(query: str, as_of: dt.date | None, kind: str | None, under: Unit | None, offset: int,
                 limit: int) -> tuple[list[Unit], int]:
    units = _search_queryset(query, as_of, kind, under)
    keys = sorted(units.values_list("pk", "depth", "name"), key=lambda row: (row[1], vi_sort_key(row[2])))
    ids = [pk for pk, _, _ in keys[max(0, offset):max(0, offset) + limit]]
    chosen = {u.pk: u for u in Unit.objects.select_related("parent").filter(pk__in=ids)}
    return [chosen[pk] for pk in ids], len(keys)


def ancestors(unit: Unit) -> list[Unit]:
    return ancestors_of([unit])[unit.pk]


def ancestors_of(units: list[Unit]) -> dict[int, list[Unit]]:
    """Each unit's ancestors, top first, read in one query for all of them (a search page listed each result's
    ancestors with a query per result)."""
    chains = {unit.pk: [int(p) for p in unit.path.strip("/").split("/") if p][:-1] for unit in units}
    by_id = Unit.objects.in_bulk({i for ids in chains.values() for i in ids})
    return {pk: [by_id[i] for i in ids if i in by_id] for pk, ids in chains.items()}


def lineage(unit: Unit) -> dict[str, list[Succession]]:
    """Direct predecessor and successor links, with their events, for a unit's history panel."""
    return {
        "predecessors": list(unit.predecessor_links.select_related("predecessor", "event")),
        "successors": list(unit.successor_links.select_related("successor", "event")),
    }


def current_successors(unit_ids: list[int], day: dt.date | None = None) -> dict[int, dict[int, Decimal]]:
    """For each unit, the units valid on `day` (today by default) that inherited it, with the share.
    A unit valid on `day` maps to itself. Used to re-aggregate old figures to today's units."""
    day = day or dt.date.today()
    links: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pred, succ, share in Succession.objects.values_list("predecessor_id", "successor_id", "share"):
        links[pred].append((succ, share))
    valid_ids = set(Unit.objects.as_of(day).values_list("pk", flat=True))
    result: dict[int, dict[int, Decimal]] = {}
    for start in unit_ids:
        shares: dict[int, Decimal] = defaultdict(Decimal)
        frontier = [(start, Decimal(1))]
        seen = set()
        while frontier:
            current, weight = frontier.pop()
            if current in valid_ids:
                shares[current] += weight
                continue
            if current in seen:
                continue
            seen.add(current)
            frontier.extend((succ, weight * share) for succ, share in links.get(current, []))
        result[start] = dict(shares)
    return result


# ---------------------------------------------------------------- import / export

COLUMNS = ("code", "name", "short_name", "kind", "parent_code", "stats_code", "valid_from", "valid_to", "note")
COLUMN_TITLES = {
    "code": "Mã định danh (code)",
    "name": "Tên đầy đủ (name)",
    "short_name": "Tên ngắn (short_name)",
    "kind": "Loại (kind)",
    "parent_code": "Mã cấp trên (parent_code)",
    "stats_code": "Mã thống kê (stats_code)",
    "valid_from": "Hiệu lực từ (valid_from)",
    "valid_to": "Hiệu lực đến (valid_to)",
    "note": "Ghi chú (note)",
}


def _header_aliases() -> dict[str, str]:
    aliases = {}
    for key, title in COLUMN_TITLES.items():
        aliases[key] = key
        aliases[fold(title)] = key
        aliases[fold(title).replace(" ", "_")] = key
        aliases[fold(title.split(" (")[0])] = key
        aliases[fold(title.split(" (")[0]).replace(" ", "_")] = key
    return aliases


HEADER_ALIASES = _header_aliases()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[FieldError] = field(default_factory=list)


class _Registry:
    """The registered units a file names (by electronic or statistics code), read in a few queries up front
    instead of several per row."""

    def __init__(self, rows: list[dict]):
        references = {str(row.get(key) or "").strip().upper() if key == "code" else str(row.get(key) or "").strip()
                      for row in rows for key in ("code", "parent_code", "stats_code")} - {""}
        self.by_ref: dict[str, list[Unit]] = defaultdict(list)
        listed = sorted(references)
        for start in range(0, len(listed), 500):
            chunk = listed[start:start + 500]
            for unit in Unit.objects.filter(Q(code__in=chunk) | Q(stats_code__in=chunk)):
                for reference in {unit.code, unit.stats_code} & set(chunk):
                    self.by_ref[reference].append(unit)

    def named(self, reference: str) -> list[Unit]:
        return sorted(self.by_ref.get(reference, []), key=lambda u: u.valid_from or dt.date.min, reverse=True)


def _resolve_parent(reference: str, data: UnitData, row: int, planned: dict[str, list[Unit]] | None = None,
                    registry: _Registry | None = None) -> tuple[Unit | None, FieldError | None]:
    """The parent named by code (or statistics code) whose validity covers the row's period; units planned
    by earlier rows of the same file (`planned`, not yet saved) are found too."""
    if not reference:
        return None, None
    candidates = registry.named(reference) if registry is not None else list(
        Unit.objects.filter(Q(code=reference) | Q(stats_code=reference)).order_by("-valid_from"))
    candidates += (planned or {}).get(reference, [])
    if not candidates:
        return None, FieldError("parent_code", f"không tìm thấy đơn vị cấp trên '{reference}'",
                                f"parent '{reference}' not found", row)
    start, end = data.valid_from or dt.date.min, data.valid_to or dt.date.max
    covering = [u for u in candidates if (u.valid_from or dt.date.min) <= start and (u.valid_to or dt.date.max) >= end]
    live = [u for u in candidates if u.valid_to is None]
    return (covering or live or candidates)[0], None


def _matching_unit(data: UnitData) -> Unit | None:
    """The registered unit a row describes: same electronic code (else same statistics code and kind)
    over an overlapping period, so an exported file, historic units included, imports back cleanly."""
    if data.code:
        candidates = Unit.objects.filter(code=data.code)
    elif data.stats_code:
        candidates = Unit.objects.filter(stats_code=data.stats_code, kind=data.kind)
    else:
        return None
    if data.valid_to:
        candidates = candidates.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=data.valid_to))
    if data.valid_from:
        candidates = candidates.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=data.valid_from))
    return candidates.order_by("-valid_from").first()


def _matching_in(registry: _Registry, data: UnitData) -> Unit | None:
    """`_matching_unit` over the units read up front."""
    if data.code:
        candidates = [u for u in registry.by_ref.get(data.code, []) if u.code == data.code]
    elif data.stats_code:
        candidates = [u for u in registry.by_ref.get(data.stats_code, [])
                      if u.stats_code == data.stats_code and u.kind == data.kind]
    else:
        return None
    candidates = [u for u in candidates if (not data.valid_to or u.valid_from is None or u.valid_from <= data.valid_to)
                  and (not data.valid_from or u.valid_to is None or u.valid_to >= data.valid_from)]
    return max(candidates, key=lambda u: u.valid_from or dt.date.min, default=None)


def _clash_in(registry: _Registry, unit: Unit, number: int) -> FieldError | None:
    for other in registry.by_ref.get(unit.code or "", []):
        if other.code == unit.code and other.pk != unit.pk and _periods_overlap(unit, other):
            return FieldError("code", f"mã {unit.code} đang được dùng bởi '{other.name}' trong cùng thời gian hiệu lực",
                              f"code {unit.code} is already used by '{other.name}' over the same period", number)
    return None


def _kind(cell) -> str:
    """A kind typed as its code ("commune") or its label in either language, the old bilingual one included;
    anything else is kept as typed so `validate` names it."""
    text = str(cell or "").strip()
    return choice_from_text(text, UnitKind) or text.lower()


def _row_data(row: dict, number: int) -> UnitData:
    return UnitData(
        name=str(row.get("name") or ""), kind=_kind(row.get("kind")),
        code=str(row.get("code") or "").strip().upper() or None,
        short_name=str(row.get("short_name") or ""), stats_code=str(row.get("stats_code") or ""),
        valid_from=parse_date(row.get("valid_from"), "valid_from", number),
        valid_to=parse_date(row.get("valid_to"), "valid_to", number),
        note=str(row.get("note") or ""),
    )


def _may_place(user: User, parent: Unit | None) -> bool:
    """May `user` put a unit under `parent`? A parent planned earlier in the same file was itself checked."""
    if parent is not None and parent.pk is None:
        return True
    return is_system_admin(user) if parent is None else can_edit_unit(user, parent)


def _place_error(parent: Unit | None, number: int) -> FieldError:
    name = parent.name if parent else "cấp cao nhất"
    return FieldError("parent_code", f"bạn không có quyền sửa dữ liệu của {name}",
                      f"you may not change data of {parent.name if parent else 'the top level'}", number)


def import_units(user: User, rows: list[dict]) -> ImportResult:
    """Create or update units from rows, all or nothing. A row matches an existing unit by its
    electronic code, else by its statistics code. Every rejected row is reported; nothing is kept
    unless the whole file is valid.

    Two phases, so a long file does not hold the database's write lock while it is checked (#15, finding 3):
    every row is first checked with reads only — parsing, parent, permission, every rule of `validate`, code
    clashes with the registry and within the file; only a valid file is then written, in one short
    transaction (new units in bulk, level by level, with their history; changed units one by one)."""
    result = ImportResult()
    planned: list[Unit] = []
    planned_by_ref: dict[str, list[Unit]] = defaultdict(list)
    line_of: dict[int, int] = {}
    updates: list[tuple[Unit, dict, int]] = []
    registry = _Registry(rows)
    for number, row in numbered(rows):  # line numbers as the user sees them in Excel
        try:
            data = _row_data(row, number)
        except ValidationFailed as exc:
            result.errors += exc.errors
            continue
        parent, problem = _resolve_parent(str(row.get("parent_code") or "").strip(), data, number, planned_by_ref,
                                          registry)
        if problem:
            result.errors.append(problem)
            continue
        data.parent = parent
        existing = _matching_in(registry, data)
        if existing is not None:
            changes = {n: getattr(data, n) for n in EDITABLE_FIELDS if getattr(existing, n) != getattr(data, n)}
            if not changes:
                continue
            if not can_edit_unit(user, existing) or ("parent" in changes and not _may_place(user, data.parent)):
                result.errors.append(_place_error(data.parent if "parent" in changes else existing, number))
                continue
            errors = validate(data, instance=existing, row=number)
            if errors:
                result.errors += errors
                continue
            updates.append((existing, changes, number))
            continue
        if not _may_place(user, parent):
            result.errors.append(_place_error(parent, number))
            continue
        errors = validate(data, row=number, check_code_clash=False)
        unit = Unit(**{name: getattr(data, name) for name in EDITABLE_FIELDS})
        if unit.code and ElectronicCode.parse(unit.code) and (clash := _clash_in(registry, unit, number)):
            errors.append(clash)
        elif unit.code:
            for other in planned_by_ref.get(unit.code, []):
                if other.code == unit.code and _periods_overlap(unit, other):
                    errors.append(FieldError(
                        "code", f"mã {unit.code} trùng với dòng {line_of[id(other)]} trong cùng thời gian hiệu lực",
                        f"code {unit.code} repeats line {line_of[id(other)]} over the same period", number))
                    break
        if errors:
            result.errors += errors
            continue
        planned.append(unit)
        line_of[id(unit)] = number
        for reference in {unit.code, unit.stats_code} - {None, ""}:
            planned_by_ref[reference].append(unit)
    if result.errors:
        return result
    reason = "Nhập tệp / Import"
    with transaction.atomic():
        if planned:
            bulk_create_units(user, planned, reason)
            result.created = len(planned)
        for existing, changes, number in updates:
            if "parent" in changes and changes["parent"] is not None and changes["parent"].pk is None:
                raise ValidationFailed(FieldError("parent_code", "đơn vị cấp trên chưa được tạo",
                                                  "the parent was not created", number))
            try:
                update_unit(user, existing.pk, changes, existing.version, reason)
            except DomainError as exc:  # changed meanwhile by someone else: all name the row
                result.errors += [FieldError(e.field, e.vi, e.en, number) for e in exc.errors] or [
                    FieldError("row", exc.vi, exc.en, number)]
        result.updated = len(updates)
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = 0
    return result


def export_rows(as_of: dt.date | None = None) -> list[list]:
    units = Unit.objects.select_related("parent")
    if as_of:
        units = units.as_of(as_of)
    return [
        [u.code or "", u.name, u.short_name, u.kind, (u.parent.code or u.parent.stats_code) if u.parent else "",
         u.stats_code, u.valid_from, u.valid_to, u.note]
        for u in units.order_by("path")
    ]


def export_units(fmt: str = "xlsx", as_of: dt.date | None = None) -> tuple[bytes, str, str]:
    """The registry as a file that `import_units` reads back. Returns (content, filename, mime type)."""
    rows = export_rows(as_of)
    headers = [COLUMN_TITLES[c] for c in COLUMNS]
    if fmt == "csv":
        return to_csv(headers, rows), "don-vi.csv", "text/csv; charset=utf-8"
    if fmt != "xlsx":
        raise ValidationFailed(FieldError("format", "chỉ hỗ trợ xlsx hoặc csv", "only xlsx or csv are supported"))
    return (to_xlsx("Đơn vị", headers, rows), "don-vi.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---------------------------------------------------------------- bulk loading of trusted reference data

def bulk_create_units(user: User | None, units: list[Unit], reason: str) -> list[Unit]:
    """Validate and insert many new units at once (official lists, demo data). Parents must come
    before their children in `units`. Runs every rule of `validate`; any violation aborts the load.
    Code clashes are checked for the whole batch with one query per 500 codes, not one per unit."""
    errors: list[FieldError] = []
    seen_codes: dict[str, list[Unit]] = defaultdict(list)
    codes = sorted({u.code for u in units if u.code})
    for start in range(0, len(codes), 500):
        for other in Unit.objects.filter(code__in=codes[start:start + 500]):
            seen_codes[other.code].append(other)
    for number, unit in enumerate(units, start=1):
        for error in validate(UnitData.of(unit), check_code_clash=False):
            errors.append(FieldError(error.field, f"{unit.name}: {error.vi}", f"{unit.name}: {error.en}", number))
        if unit.code and ElectronicCode.parse(unit.code):
            for other in seen_codes[unit.code]:
                if _periods_overlap(unit, other):
                    errors.append(FieldError(
                        "code", f"{unit.name}: mã {unit.code} đang được dùng bởi '{other.name}' trong cùng thời "
                                "gian hiệu lực",
                        f"{unit.name}: code {unit.code} is already used by '{other.name}' over the same period",
                        number))
                    break
            seen_codes[unit.code].append(unit)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        levels: dict[int, list[Unit]] = defaultdict(list)
        depth_of: dict[int, int] = {}
        for unit in units:
            depth = 0 if unit.parent is None else depth_of.get(id(unit.parent), unit.parent.depth) + 1
            depth_of[id(unit)] = depth
            unit.depth = depth
            _refresh_derived(unit)
            levels[depth].append(unit)
        for depth in sorted(levels):
            batch = levels[depth]
            bulk_create_with_history(batch, Unit, batch_size=500, default_user=user,
                                     default_change_reason=reason)
            for unit in batch:
                unit.path = (unit.parent.path if unit.parent else "/") + f"{unit.pk}/"
            # One UPDATE per level computing path = parent's path + id + "/" in the database
            # (bulk_update's CASE per row took most of the load time).
            parent_path = Subquery(Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]) \
                if depth else Value("/")
            path = Concat(parent_path, Cast("pk", CharField()), Value("/"), output_field=CharField())
            ids = [unit.pk for unit in batch]
            for start in range(0, len(ids), 900):
                Unit.objects.filter(pk__in=ids[start:start + 900]).update(path=path)
        memo.changed("units")  # bulk inserts and updates bypass the models' signals
    return units


def _periods_overlap(a: Unit, b: Unit) -> bool:
    return (a.valid_from or dt.date.min) <= (b.valid_to or dt.date.max) and (
        b.valid_from or dt.date.min) <= (a.valid_to or dt.date.max)


def link_successions(event: UnitEvent, pairs: list[tuple[Unit, Unit, Decimal]]) -> None:
    """Attach predecessor → successor links of trusted data to an event, checking the event rules."""
    errors = []
    day_before = event.date - dt.timedelta(days=1)
    for predecessor, successor, _ in pairs:
        if predecessor.valid_to != day_before:
            errors.append(FieldError("predecessor", f"'{predecessor.name}' phải hết hiệu lực {day_before:%d/%m/%Y}",
                                     f"'{predecessor.name}' must end on {day_before:%d/%m/%Y}"))
        if not successor.is_valid_on(event.date):
            errors.append(FieldError("successor", f"'{successor.name}' phải có hiệu lực {event.date:%d/%m/%Y}",
                                     f"'{successor.name}' must be valid on {event.date:%d/%m/%Y}"))
    if errors:
        raise ValidationFailed(errors)
    Succession.objects.bulk_create(
        [Succession(event=event, predecessor=p, successor=s, share=share) for p, s, share in pairs],
        ignore_conflicts=True)
    memo.changed("units")


def import_admin_units(user: User | None, province_stats_codes: set[str] | None = None,
                       ecodes: dict[str, str] | None = None) -> dict[str, int]:
    """Load today's provinces and communes from the `vietnam-provinces` package; existing units
    (matched by statistics code) are left as they are. Returns counts of what was added."""
    from tinhso.units.admin_sources import current_provinces

    reform_day = REFORM_2025
    ecodes = ecodes or {}
    existing = {(u.kind, u.stats_code): u for u in Unit.objects.live().filter(kind__in=TERRITORIAL_KINDS)}
    new_units: list[Unit] = []
    for province in current_provinces():
        if province_stats_codes and province.stats_code not in province_stats_codes:
            continue
        parent = existing.get((UnitKind.PROVINCE, province.stats_code))
        if parent is None:
            short = province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
            code = ecodes.get(short)
            parent = Unit(name=province.name, short_name=short, kind=UnitKind.PROVINCE,
                          stats_code=province.stats_code, valid_from=reform_day,
                          code=f"000.00.00.{code}" if code else None)
            new_units.append(parent)
        for commune in province.children:
            if (UnitKind.COMMUNE, commune.stats_code) not in existing:
                new_units.append(Unit(name=commune.name, kind=UnitKind.COMMUNE, parent=parent,
                                      stats_code=commune.stats_code, valid_from=reform_day))
    bulk_create_units(user, new_units, "Nhập danh mục hành chính / Official administrative units")
    return {
        "provinces": sum(1 for u in new_units if u.kind == UnitKind.PROVINCE),
        "communes": sum(1 for u in new_units if u.kind == UnitKind.COMMUNE),
    }
