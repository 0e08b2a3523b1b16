"""The inventory of information systems and digital infrastructure assets: validation, permissions,
search, import/export and the host → system → owner attribution used by security events.

Read policy: every signed-in user sees the inventory (leaders read the counts); the hosts, IP ranges
and domains of a system — what an attacker would want — are shown only to those who may edit its owner.
Writes need `accounts.services.can_edit_unit` on the owner (and on the new owner when it changes).
"""

import datetime as dt
import ipaddress
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q

from tinhso.accounts.models import User
from tinhso.accounts.services import can_edit_unit, is_system_admin, require_edit_unit
from tinhso.core.audit import AuditEntry, history_of
from tinhso.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed, required
from tinhso.core.labels import english, every_form, vietnamese
from tinhso.core.tabular import numbered, parse_date, to_csv, to_xlsx
from tinhso.core.text import fold
from tinhso.security.models import (
    ASSET_SUBTYPES,
    Asset,
    AssetKind,
    AssetStatus,
    Category,
    Hosting,
    InformationSystem,
    MigrationStatus,
    SystemStatus,
)
from tinhso.units.models import Unit

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?"
HOST_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*\.?$")
MAX_COUNT = 2_000_000_000  # people counts: larger is a typo, and PositiveIntegerField holds 2^31-1

SYSTEM_FIELDS = ("code", "name", "owner", "operator", "purpose", "category", "status", "users_count", "data_subjects",
                 "sensitive_subjects", "hosting", "migration_status", "migration_date", "connects_lgsp",
                 "national_connections", "addresses", "in_service_since", "note")
ASSET_FIELDS = ("code", "kind", "subtype", "name", "unit", "system", "status", "location", "address", "latitude",
                "longitude", "commissioned_on", "note")


# ---------------------------------------------------------------- addresses

def parse_addresses(text: str, row: int | None = None, field_name: str = "addresses"
                    ) -> tuple[list[str], list[FieldError]]:
    """Split a system's hosts, IP ranges and domains (one per line, or separated by ; , or spaces) and
    normalise them: IPs and networks in canonical form, names in lower case without a trailing dot."""
    items, errors = [], []
    for raw in re.split(r"[\s;,]+", text or ""):
        if not raw:
            continue
        value = raw.strip().lower().rstrip(".")
        try:
            if "/" in value:
                value = str(ipaddress.ip_network(value, strict=False))
            else:
                value = str(ipaddress.ip_address(value))
        except ValueError:
            if not HOST_RE.match(value) or value.replace(".", "").isdigit():
                errors.append(FieldError(field_name, f"'{raw}' không phải địa chỉ IP, dải IP hay tên miền hợp lệ",
                                         f"'{raw}' is not a valid IP address, IP range or domain name", row))
                continue
        if value not in items:
            items.append(value)
    return items, errors


@dataclass
class Attribution:
    system_id: int
    system_code: str
    owner_id: int


class _AttributionMap:
    """Exact hosts and IPs first, then the most specific IP network. Rebuilt when the inventory
    changes (checked at most every few seconds, so many processes stay in step cheaply)."""

    CHECK_EVERY = 5.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._checked = 0.0
        self.exact: dict[str, Attribution] = {}
        self.networks: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, Attribution]] = []

    def forget(self, *args, **kwargs) -> None:
        with self._lock:
            self._stamp = None
            self._checked = 0.0

    def _refresh(self) -> None:
        now = time.monotonic()
        if self._stamp is not None and now - self._checked < self.CHECK_EVERY:
            return
        stamp = tuple(InformationSystem.objects.aggregate(n=Count("id"), last=Max("updated_at")).values())
        self._checked = now
        if stamp == self._stamp:
            return
        exact, networks = {}, []
        for pk, code, owner_id, text in InformationSystem.objects.exclude(addresses="").values_list(
                "pk", "code", "owner_id", "addresses"):
            target = Attribution(pk, code, owner_id)
            for item in parse_addresses(text)[0]:
                if "/" in item:
                    networks.append((ipaddress.ip_network(item), target))
                else:
                    exact.setdefault(item, target)
        networks.sort(key=lambda pair: -pair[0].prefixlen)
        self.exact, self.networks, self._stamp = exact, networks, stamp

    def lookup(self, host: str) -> Attribution | None:
        with self._lock:
            self._refresh()
            key = (host or "").strip().lower().rstrip(".")
            if not key:
                return None
            found = self.exact.get(key)
            if found:
                return found
            try:
                ip = ipaddress.ip_address(key)
            except ValueError:
                # a sub-domain of a registered domain belongs to the same system
                parts = key.split(".")
                for start in range(1, len(parts) - 1):
                    found = self.exact.get(".".join(parts[start:]))
                    if found:
                        return found
                return None
            return next((target for net, target in self.networks if net.version == ip.version and ip in net), None)


_attribution = _AttributionMap()
forget_attribution = _attribution.forget


def attribute(host: str) -> Attribution | None:
    """The inventory system (and its owner unit) that a host name or IP belongs to, if any."""
    return _attribution.lookup(host)


def attribute_many(hosts: list[str]) -> dict[str, Attribution | None]:
    return {h: _attribution.lookup(h) for h in set(hosts)}


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class SystemRef:
    """What another app may know of an inventory system (plain data, no model): sharing links a data
    service to the system that provides it by the system's code."""

    id: int
    code: str
    name: str
    owner_id: int
    owner_name: str
    operator_id: int | None
    status: str

    @property
    def unit_ids(self) -> set[int]:
        """The owner and the operating unit: the units that may say "this system is ours"."""
        return {self.owner_id} | ({self.operator_id} if self.operator_id else set())


def system_refs(codes: Iterable[str]) -> dict[str, SystemRef]:
    """Inventory systems by code (codes not in the inventory are absent from the answer)."""
    wanted = {c.strip() for c in codes if c and c.strip()}
    if not wanted:
        return {}
    return {s.code: SystemRef(s.pk, s.code, s.name, s.owner_id, s.owner.name, s.operator_id, s.status)
            for s in InformationSystem.objects.select_related("owner").filter(code__in=wanted)}


def systems_of_units(unit_ids: Iterable[int]) -> list[SystemRef]:
    """The systems a unit owns or operates, for choosing one (e.g. a data service's provider system)."""
    ids = list(unit_ids)
    found = InformationSystem.objects.select_related("owner").filter(
        Q(owner_id__in=ids) | Q(operator_id__in=ids)).order_by("code")
    return [SystemRef(s.pk, s.code, s.name, s.owner_id, s.owner.name, s.operator_id, s.status) for s in found]


def can_view_addresses(user: User, system: InformationSystem) -> bool:
    return can_edit_unit(user, system.owner)


def get_system(system_id: int) -> InformationSystem:
    system = InformationSystem.objects.select_related("owner", "operator").filter(pk=system_id).first()
    if system is None:
        raise NotFound("Hệ thống thông tin", "Information system")
    return system


def get_asset(asset_id: int) -> Asset:
    asset = Asset.objects.select_related("unit", "system").filter(pk=asset_id).first()
    if asset is None:
        raise NotFound("Tài sản hạ tầng", "Infrastructure asset")
    return asset


def _under(queryset, field_name: str, under: Unit | None):
    return queryset.filter(**{f"{field_name}__path__startswith": under.path}) if under else queryset


def search_systems(query: str = "", owner: Unit | None = None, category: str | None = None,
                   hosting: str | None = None, status: str | None = None, limit: int = 1000) -> list[InformationSystem]:
    """`query` ignores diacritics and matches code, name, owner, purpose and addresses; `owner`
    selects the systems of that unit and the units below it."""
    systems = _under(InformationSystem.objects.select_related("owner", "operator"), "owner", owner)
    for word in fold(query).split():
        systems = systems.filter(search_text__contains=word)
    if category:
        systems = systems.filter(category=category)
    if hosting:
        systems = systems.filter(hosting=hosting)
    if status:
        systems = systems.filter(status=status)
    return list(systems.order_by("code")[:limit])


def search_assets(query: str = "", unit: Unit | None = None, kind: str | None = None,
                  status: str | None = None, limit: int = 5000) -> list[Asset]:
    assets = _under(Asset.objects.select_related("unit", "system"), "unit", unit)
    for word in fold(query).split():
        assets = assets.filter(search_text__contains=word)
    if kind:
        assets = assets.filter(kind=kind)
    if status:
        assets = assets.filter(status=status)
    return list(assets.order_by("kind", "code")[:limit])


def system_history(system_id: int) -> list[AuditEntry]:
    system = InformationSystem.objects.filter(pk=system_id).first()
    if system is None:
        raise NotFound("Hệ thống thông tin", "Information system")
    return history_of(system)


def asset_history(asset_id: int) -> list[AuditEntry]:
    return history_of(get_asset(asset_id))


@dataclass
class AssetCount:
    unit: Unit
    counts: dict[str, int]
    total: int


def asset_counts(under: Unit | None = None, status: str | None = AssetStatus.OPERATING) -> list[AssetCount]:
    """Assets per unit and kind (operating ones by default): what the indicators module reads."""
    assets = _under(Asset.objects.all(), "unit", under)
    if status:
        assets = assets.filter(status=status)
    rows = assets.values("unit_id", "kind").annotate(n=Count("id"))
    per_unit: dict[int, dict[str, int]] = {}
    for row in rows:
        per_unit.setdefault(row["unit_id"], {})[row["kind"]] = row["n"]
    units = Unit.objects.in_bulk(list(per_unit))
    return sorted((AssetCount(units[pk], counts, sum(counts.values())) for pk, counts in per_unit.items()),
                  key=lambda c: c.unit.path)


def asset_totals(under: Unit | None = None, status: str | None = AssetStatus.OPERATING) -> dict[str, int]:
    assets = _under(Asset.objects.all(), "unit", under)
    if status:
        assets = assets.filter(status=status)
    found = dict(assets.values_list("kind").annotate(n=Count("id")))
    return {kind: found.get(kind, 0) for kind in AssetKind.values}


def system_summary(systems: list[InformationSystem]) -> dict:
    """Counts the inventory page leads with: by hosting, migration plan and category."""
    live = [s for s in systems if s.status != SystemStatus.RETIRED]
    by = lambda attr, choices: [(label, sum(1 for s in live if getattr(s, attr) == value))  # noqa: E731
                                for value, label in choices]
    to_move = [s for s in live if s.migration_status in (MigrationStatus.PLANNED, MigrationStatus.IN_PROGRESS,
                                                         MigrationStatus.NOT_PLANNED)]
    return {"total": len(live), "hosting": by("hosting", Hosting.choices),
            "migration": by("migration_status", MigrationStatus.choices),
            "category": by("category", Category.choices),
            "in_provincial_dc": sum(1 for s in live if s.hosting == Hosting.PROVINCIAL_DC),
            "to_move": len(to_move)}


# ---------------------------------------------------------------- validation

def _choice(value, choices, field_name: str, row: int | None, errors: list[FieldError]) -> str:
    """A choice given as its code or its Vietnamese/English label (diacritics ignored), as people type it."""
    text = str(value or "").strip()
    if not text:
        return ""
    for code, label in choices:
        # Vietnamese, English, or "Vi / En" as templates exported before #17 item 13 wrote it
        if text == code or fold(text) in (fold(code), *(fold(form) for form in every_form(label))):
            return code
    allowed = ", ".join(code for code, _ in choices)
    errors.append(FieldError(field_name, f"'{text}' không thuộc danh sách ({allowed})",
                             f"'{text}' is not one of ({allowed})", row))
    return ""


def _count(value, field_name: str, row: int | None, errors: list[FieldError]) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value).replace(".", "").replace(" ", "")) if isinstance(value, str) else int(value)
        if isinstance(value, float) and value != int(value):
            raise ValueError
    except (TypeError, ValueError):
        errors.append(FieldError(field_name, "phải là số nguyên không âm", "must be a whole number ≥ 0", row))
        return None
    if number < 0 or number > MAX_COUNT:
        errors.append(FieldError(field_name, f"phải từ 0 đến {MAX_COUNT}", f"must be between 0 and {MAX_COUNT}", row))
        return None
    return number


def _text(data: dict, name: str, limit: int, row: int | None, errors: list[FieldError]) -> str:
    value = str(data.get(name) or "").strip()
    if len(value) > limit:
        errors.append(FieldError(name, f"dài quá {limit} ký tự", f"longer than {limit} characters", row))
    return value


def _flag(value) -> bool:
    return fold(str(value or "")) in {"1", "true", "x", "co", "yes", "c", "y", "dung"} or value is True


def clean_system(data: dict, instance: InformationSystem | None = None, row: int | None = None
                 ) -> tuple[dict, list[FieldError]]:
    """Check one system's fields (owner/operator already resolved to units). Returns cleaned values."""
    errors: list[FieldError] = []
    out: dict = {}
    out["code"] = _text(data, "code", 40, row, errors)
    if not out["code"]:
        errors.append(required("code", row))
    elif not CODE_RE.match(out["code"]):
        errors.append(FieldError("code", "chỉ gồm chữ không dấu, số, dấu . _ -", "letters, digits, . _ - only", row))
    out["name"] = _text(data, "name", 255, row, errors)
    if not out["name"]:
        errors.append(required("name", row))
    out["owner"] = data.get("owner")
    if not isinstance(out["owner"], Unit):
        errors.append(required("owner", row))
    out["operator"] = data.get("operator") if isinstance(data.get("operator"), Unit) else None
    out["purpose"] = _text(data, "purpose", 5000, row, errors)
    out["category"] = _choice(data.get("category"), Category.choices, "category", row, errors)
    if not out["category"] and not any(e.field == "category" for e in errors):
        errors.append(required("category", row))
    out["status"] = _choice(data.get("status") or SystemStatus.OPERATING, SystemStatus.choices, "status", row, errors)
    for name in ("users_count", "data_subjects", "sensitive_subjects"):
        out[name] = _count(data.get(name), name, row, errors)
    out["hosting"] = _choice(data.get("hosting"), Hosting.choices, "hosting", row, errors)
    if not out["hosting"] and not any(e.field == "hosting" for e in errors):
        errors.append(required("hosting", row))
    default_move = (MigrationStatus.NOT_NEEDED if out["hosting"] == Hosting.PROVINCIAL_DC
                    else MigrationStatus.NOT_PLANNED)
    out["migration_status"] = _choice(data.get("migration_status") or default_move, MigrationStatus.choices,
                                      "migration_status", row, errors)
    out["migration_date"] = data.get("migration_date")
    if out["hosting"] == Hosting.PROVINCIAL_DC and out["migration_status"] not in (
            MigrationStatus.NOT_NEEDED, MigrationStatus.DONE, ""):
        errors.append(FieldError("migration_status", "hệ thống đã đặt tại TTDL tỉnh thì không còn kế hoạch chuyển",
                                 "a system already in the provincial data centre has no migration to plan", row))
    if out["migration_status"] == MigrationStatus.DONE and out["hosting"] and out["hosting"] != Hosting.PROVINCIAL_DC:
        errors.append(FieldError("hosting", "đã chuyển xong thì nơi đặt phải là TTDL tỉnh",
                                 "a finished migration means the hosting is the provincial data centre", row))
    if out["migration_status"] in (MigrationStatus.PLANNED, MigrationStatus.IN_PROGRESS) and not out["migration_date"]:
        errors.append(FieldError("migration_date", "kế hoạch chuyển cần có ngày dự kiến",
                                 "a planned migration needs its date", row))
    out["connects_lgsp"] = _flag(data.get("connects_lgsp"))
    out["national_connections"] = "; ".join(
        p.strip() for p in re.split(r"[;\n]", _text(data, "national_connections", 500, row, errors)) if p.strip())
    addresses, problems = parse_addresses(str(data.get("addresses") or ""), row)
    errors += problems
    out["addresses"] = "\n".join(addresses)
    if len(out["addresses"]) > 20_000:
        errors.append(FieldError("addresses", "quá nhiều địa chỉ", "too many addresses", row))
    out["in_service_since"] = data.get("in_service_since")
    out["note"] = _text(data, "note", 5000, row, errors)
    errors += _address_clashes(addresses, instance, row)
    return out, errors


def _address_clashes(addresses: list[str], instance: InformationSystem | None, row: int | None) -> list[FieldError]:
    """A host or IP belongs to one system only, or events could not be attributed."""
    exact = {a for a in addresses if "/" not in a}
    if not exact:
        return []
    others = InformationSystem.objects.exclude(addresses="")
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    candidates = Q()
    for item in exact:
        candidates |= Q(addresses__contains=item)
    errors = []
    for code, text in others.filter(candidates).values_list("code", "addresses"):
        for item in sorted(exact & set(text.split("\n"))):
            errors.append(FieldError("addresses", f"địa chỉ {item} đã thuộc hệ thống {code}",
                                     f"address {item} already belongs to system {code}", row))
    return errors


def clean_asset(data: dict, instance: Asset | None = None, row: int | None = None) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    out: dict = {}
    out["code"] = _text(data, "code", 40, row, errors)
    if not out["code"]:
        errors.append(required("code", row))
    elif not CODE_RE.match(out["code"]):
        errors.append(FieldError("code", "chỉ gồm chữ không dấu, số, dấu . _ -", "letters, digits, . _ - only", row))
    out["kind"] = _choice(data.get("kind"), AssetKind.choices, "kind", row, errors)
    if not out["kind"] and not any(e.field == "kind" for e in errors):
        errors.append(required("kind", row))
    subtypes = ASSET_SUBTYPES.get(out["kind"], {})
    out["subtype"] = _choice(data.get("subtype"), list(subtypes.items()), "subtype", row, errors) if subtypes else ""
    out["name"] = _text(data, "name", 255, row, errors)
    if not out["name"]:
        errors.append(required("name", row))
    out["unit"] = data.get("unit")
    if not isinstance(out["unit"], Unit):
        errors.append(required("unit", row))
    out["system"] = data.get("system") if isinstance(data.get("system"), InformationSystem) else None
    out["status"] = _choice(data.get("status") or AssetStatus.OPERATING, AssetStatus.choices, "status", row, errors)
    out["location"] = _text(data, "location", 255, row, errors)
    address = _text(data, "address", 255, row, errors)
    parsed, problems = parse_addresses(address, row, "address")
    errors += problems
    out["address"] = ", ".join(parsed)
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = data.get(name)
        if value in (None, ""):
            out[name] = None
            continue
        try:
            number = round(float(str(value).replace(",", ".")), 6)
            if not -bound <= number <= bound:
                raise ValueError
            out[name] = number
        except ValueError:
            out[name] = None
            errors.append(FieldError(name, f"phải là số từ -{bound} đến {bound}",
                                     f"must be a number from -{bound} to {bound}", row))
    out["commissioned_on"] = data.get("commissioned_on")
    out["note"] = _text(data, "note", 5000, row, errors)
    return out, errors


# ---------------------------------------------------------------- writing

def _search_text(obj) -> str:
    if isinstance(obj, InformationSystem):
        parts = [obj.code, obj.name, obj.owner.name, obj.operator.name if obj.operator else "", obj.purpose,
                 obj.national_connections, obj.addresses]
    else:
        parts = [obj.code, obj.name, obj.unit.name, obj.location, obj.address, obj.get_kind_display()]
    return fold(" ".join(p for p in parts if p))


def _save(user: User, model, instance, cleaned: dict, reason: str, unit_field: str):
    """Create (instance None) or update a record after the permission checks; a duplicate code is a
    field error, not a server error."""
    if instance is None:
        instance = model()
    for name, value in cleaned.items():
        setattr(instance, name, value)
    instance.search_text = _search_text(instance)
    instance._history_user = user
    instance._change_reason = reason[:100]  # history_change_reason is varchar(100)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationFailed(FieldError("code", f"mã '{instance.code}' đã được dùng",
                                          f"code '{instance.code}' is already used")) from exc
    return instance


def create_system(user: User, data: dict, reason: str = "") -> InformationSystem:
    cleaned, errors = clean_system(data)
    if isinstance(cleaned.get("owner"), Unit):
        require_edit_unit(user, cleaned["owner"])
    elif not is_system_admin(user):
        require_edit_unit(user, user.unit)  # a viewer learns it may not write before field errors
    if errors:
        raise ValidationFailed(errors)
    system = _save(user, InformationSystem, None, cleaned, reason, "owner")
    forget_attribution()
    return system


def _locked(model, pk: int, what: tuple[str, str]):
    obj = model.objects.select_for_update().filter(pk=pk).first()
    if obj is None:
        raise NotFound(*what)
    return obj


def update_system(user: User, system_id: int, changes: dict, expected_version: int,
                  reason: str = "") -> InformationSystem:
    """Apply `changes` (any of SYSTEM_FIELDS) to the version the user read; a stale version is a 409."""
    with transaction.atomic():
        system = _locked(InformationSystem, system_id, ("Hệ thống thông tin", "Information system"))
        require_edit_unit(user, system.owner)
        if system.version != expected_version:
            raise Conflict(system.version)
        data = {name: getattr(system, name) for name in SYSTEM_FIELDS} | {
            k: v for k, v in changes.items() if k in SYSTEM_FIELDS}
        cleaned, errors = clean_system(data, system)
        if isinstance(cleaned.get("owner"), Unit) and cleaned["owner"].pk != system.owner_id:
            require_edit_unit(user, cleaned["owner"])
        if errors:
            raise ValidationFailed(errors)
        system.version += 1
        system = _save(user, InformationSystem, system, cleaned, reason, "owner")
    forget_attribution()
    return system


def delete_system(user: User, system_id: int, expected_version: int) -> None:
    with transaction.atomic():
        system = _locked(InformationSystem, system_id, ("Hệ thống thông tin", "Information system"))
        require_edit_unit(user, system.owner)
        if system.version != expected_version:
            raise Conflict(system.version)
        system._history_user = user
        system.delete()
    forget_attribution()


def create_asset(user: User, data: dict, reason: str = "") -> Asset:
    cleaned, errors = clean_asset(data)
    if isinstance(cleaned.get("unit"), Unit):
        require_edit_unit(user, cleaned["unit"])
    elif not is_system_admin(user):
        require_edit_unit(user, user.unit)
    if errors:
        raise ValidationFailed(errors)
    return _save(user, Asset, None, cleaned, reason, "unit")


def update_asset(user: User, asset_id: int, changes: dict, expected_version: int, reason: str = "") -> Asset:
    with transaction.atomic():
        asset = _locked(Asset, asset_id, ("Tài sản hạ tầng", "Infrastructure asset"))
        require_edit_unit(user, asset.unit)
        if asset.version != expected_version:
            raise Conflict(asset.version)
        data = {name: getattr(asset, name) for name in ASSET_FIELDS} | {
            k: v for k, v in changes.items() if k in ASSET_FIELDS}
        cleaned, errors = clean_asset(data, asset)
        if isinstance(cleaned.get("unit"), Unit) and cleaned["unit"].pk != asset.unit_id:
            require_edit_unit(user, cleaned["unit"])
        if errors:
            raise ValidationFailed(errors)
        asset.version += 1
        return _save(user, Asset, asset, cleaned, reason, "unit")


def delete_asset(user: User, asset_id: int, expected_version: int) -> None:
    with transaction.atomic():
        asset = _locked(Asset, asset_id, ("Tài sản hạ tầng", "Infrastructure asset"))
        require_edit_unit(user, asset.unit)
        if asset.version != expected_version:
            raise Conflict(asset.version)
        asset._history_user = user
        asset.delete()


# ---------------------------------------------------------------- import / export

SYSTEM_COLUMNS = {
    "code": "Mã hệ thống (code)",
    "name": "Tên hệ thống (name)",
    "owner": "Chủ quản (owner)",
    "operator": "Đơn vị vận hành (operator)",
    "category": "Loại hệ thống (category)",
    "status": "Trạng thái (status)",
    "purpose": "Mục đích (purpose)",
    "users_count": "Số người dùng (users_count)",
    "data_subjects": "Số chủ thể dữ liệu cá nhân (data_subjects)",
    "sensitive_subjects": "Số chủ thể dữ liệu nhạy cảm (sensitive_subjects)",
    "hosting": "Nơi đặt (hosting)",
    "migration_status": "Chuyển về TTDL tỉnh (migration_status)",
    "migration_date": "Ngày chuyển (migration_date)",
    "connects_lgsp": "Kết nối LGSP (connects_lgsp)",
    "national_connections": "Kết nối hệ thống quốc gia (national_connections)",
    "addresses": "Máy chủ, dải IP, tên miền (addresses)",
    "in_service_since": "Đưa vào sử dụng (in_service_since)",
    "note": "Ghi chú (note)",
}
ASSET_COLUMNS = {
    "code": "Mã tài sản (code)",
    "kind": "Loại (kind)",
    "subtype": "Phân loại (subtype)",
    "name": "Tên (name)",
    "unit": "Đơn vị (unit)",
    "system": "Mã hệ thống (system)",
    "status": "Trạng thái (status)",
    "location": "Vị trí (location)",
    "address": "Địa chỉ IP, tên máy (address)",
    "latitude": "Vĩ độ (latitude)",
    "longitude": "Kinh độ (longitude)",
    "commissioned_on": "Đưa vào sử dụng (commissioned_on)",
    "note": "Ghi chú (note)",
}
_UNIT_FIELDS = {"owner", "operator", "unit"}
_DATE_FIELDS = {"migration_date", "in_service_since", "commissioned_on"}


def header_aliases(columns: dict[str, str]) -> dict[str, str]:
    aliases = {}
    for key, title in columns.items():
        viet = title.split(" (")[0]
        for alias in (key, title, viet):
            aliases[fold(alias)] = key
            aliases[fold(alias).replace(" ", "_")] = key
    return aliases


SYSTEM_ALIASES = header_aliases(SYSTEM_COLUMNS)
ASSET_ALIASES = header_aliases(ASSET_COLUMNS)


class UnitFinder:
    """A unit named in a spreadsheet by its electronic code or its full name (diacritics ignored);
    units in force today win over ended ones with the same name."""

    def __init__(self) -> None:
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in Unit.objects.only("pk", "name", "code", "path", "valid_to", "kind", "parent_id"):
            if unit.code:
                self.by_code.setdefault(unit.code.upper(), unit)
                if unit.valid_to is None:
                    self.by_code[unit.code.upper()] = unit
            self.by_name.setdefault(fold(unit.name), []).append(unit)

    def find(self, text: str, field_name: str, row: int | None) -> tuple[Unit | None, FieldError | None]:
        text = (text or "").strip()
        if not text:
            return None, None
        if text.upper() in self.by_code:
            return self.by_code[text.upper()], None
        matches = self.by_name.get(fold(text), [])
        live = [u for u in matches if u.valid_to is None]
        chosen = live or matches
        if len(chosen) == 1:
            return chosen[0], None
        if not chosen:
            return None, FieldError(field_name, f"không tìm thấy đơn vị '{text}'", f"unit '{text}' not found", row)
        return None, FieldError(field_name, f"có nhiều đơn vị tên '{text}'; hãy dùng mã định danh",
                                f"several units are named '{text}'; use the electronic code", row)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[FieldError] = field(default_factory=list)


def _row_data(row: dict, columns: dict, number: int, finder: UnitFinder, errors: list[FieldError]) -> dict:
    data = {}
    for key in columns:
        value = row.get(key)
        if key in _UNIT_FIELDS:
            value, problem = finder.find(str(value or ""), key, number)
            if problem:
                errors.append(problem)
        elif key in _DATE_FIELDS:
            try:
                value = parse_date(value, key, number)
            except ValidationFailed as exc:
                errors += exc.errors
                value = None
        data[key] = value
    return data


def _import(user: User, rows: list[dict], model, columns: dict, cleaner, unit_field: str,
            prepare=None) -> ImportResult:
    """Create or update records matched by code, all or nothing: every row's errors are collected
    and nothing is kept unless the whole file is valid."""
    result = ImportResult()
    finder = UnitFinder()
    seen: dict[str, int] = {}
    with transaction.atomic():
        for number, row in numbered(rows):
            errors: list[FieldError] = []
            data = _row_data(row, columns, number, finder, errors)
            if prepare:
                prepare(data, number, errors)
            code = str(data.get("code") or "").strip()
            if code in seen:
                errors.append(FieldError("code", f"mã '{code}' lặp lại dòng {seen[code]}",
                                         f"code '{code}' repeats line {seen[code]}", number))
            seen.setdefault(code, number)
            existing = model.objects.filter(code=code).select_related(unit_field).first() if code else None
            cleaned, problems = cleaner(data, existing, number)
            errors += problems
            for unit in {getattr(existing, unit_field, None), cleaned.get(unit_field)}:
                if isinstance(unit, Unit) and not can_edit_unit(user, unit):
                    errors.append(FieldError(unit_field, f"bạn không có quyền sửa dữ liệu của {unit.name}",
                                             f"you may not change data of {unit.name}", number))
            if errors:
                result.errors += errors
                continue
            try:
                if existing is None:
                    _save(user, model, None, cleaned, "Nhập tệp / Import", unit_field)
                    result.created += 1
                elif any(getattr(existing, k) != v for k, v in cleaned.items()):
                    existing.version += 1
                    _save(user, model, existing, cleaned, "Nhập tệp / Import", unit_field)
                    result.updated += 1
            except DomainError as exc:
                result.errors += [FieldError(e.field, e.vi, e.en, number) for e in exc.errors]
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = 0
    forget_attribution()
    return result


def import_systems(user: User, rows: list[dict]) -> ImportResult:
    return _import(user, rows, InformationSystem, SYSTEM_COLUMNS, clean_system, "owner")


def import_assets(user: User, rows: list[dict]) -> ImportResult:
    systems = dict(InformationSystem.objects.values_list("code", "pk"))

    def resolve_system(data: dict, number: int, errors: list[FieldError]) -> None:
        code = str(data.get("system") or "").strip()
        if not code:
            data["system"] = None
        elif code in systems:
            data["system"] = InformationSystem.objects.get(pk=systems[code])
        else:
            errors.append(FieldError("system", f"không có hệ thống mã '{code}'", f"no system with code '{code}'",
                                     number))
            data["system"] = None

    return _import(user, rows, Asset, ASSET_COLUMNS, clean_asset, "unit", resolve_system)


def _cell(obj, key: str, show_addresses: bool):
    value = getattr(obj, key)
    if isinstance(value, Unit):
        return value.code or value.name
    if isinstance(value, InformationSystem):
        return value.code
    if key in ("addresses", "address") and not show_addresses:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if value is None:
        return None
    if hasattr(value, "is_finite"):  # Decimal coordinates
        return float(value)
    return value


def export_file(user: User, what: str, fmt: str = "xlsx", template: bool = False) -> tuple[bytes, str, str]:
    """Systems or assets as a file that the import reads back (the template is the same file without
    rows, with a second sheet listing the allowed values). Addresses are exported only for the
    records the user may edit."""
    if what not in ("systems", "assets"):
        raise NotFound("Danh mục", "Register")
    columns = SYSTEM_COLUMNS if what == "systems" else ASSET_COLUMNS
    records = [] if template else (search_systems(limit=10**9) if what == "systems" else search_assets(limit=10**9))
    unit_of = (lambda o: o.owner) if what == "systems" else (lambda o: o.unit)  # noqa: E731
    rows = [[_cell(o, k, can_edit_unit(user, unit_of(o))) for k in columns] for o in records]
    headers = list(columns.values())
    stem = ("he-thong-thong-tin" if what == "systems" else "ha-tang-so") + ("-mau" if template else "")
    if fmt == "csv":
        return to_csv(headers, rows), f"{stem}.csv", "text/csv; charset=utf-8"
    if fmt != "xlsx":
        raise ValidationFailed(FieldError("format", "chỉ hỗ trợ xlsx hoặc csv", "only xlsx or csv are supported"))
    content = to_xlsx("Hệ thống" if what == "systems" else "Hạ tầng", headers, rows)
    if template:
        content = _with_allowed_values(content, what)
    return content, f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _with_allowed_values(content: bytes, what: str) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.create_sheet("Giá trị hợp lệ")
    sheet.append(["Cột / column", "Mã / code", "Ý nghĩa", "Meaning"])
    lists = ({"category": Category.choices, "status": SystemStatus.choices, "hosting": Hosting.choices,
              "migration_status": MigrationStatus.choices} if what == "systems" else
             {"kind": AssetKind.choices, "status": AssetStatus.choices,
              **{f"subtype ({kind})": list(subtypes.items()) for kind, subtypes in ASSET_SUBTYPES.items()}})
    for column, choices in lists.items():
        for code, label in choices:
            sheet.append([column, code, vietnamese(label), english(label)])  # the import takes any of them
    sheet.append(["owner/operator/unit", "", "Mã định danh điện tử hoặc tên đầy đủ của đơn vị"])
    sheet.append(["dates", "", "dd/mm/yyyy"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def today() -> dt.date:
    return dt.date.today()
