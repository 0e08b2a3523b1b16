"""Domain logic of data sharing: the catalogue, access rights and gateway keys, and reading the ledger
(traffic, roll-ups, reconciliation, the open-data extract). Plain functions taking `user` first.

Who may do what (the accounts roles and unit scope, nothing new):
- the DX office — a system administrator, or an administrator of a province — manages every service,
  decides every request and sees all traffic;
- a provider's focal point (focal or administrator whose scope covers the provider unit) manages its
  services and decides the requests to them;
- a consumer's focal point or API client requests access for its unit and takes the keys;
- the operator — a read-only account (viewer) of the province or system-wide — sees all traffic, changes nothing;
- everyone else signed in reads the catalogue and the traffic of its own unit's subtree only.
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import can_edit_unit, is_system_admin
from tinhso.core.audit import AuditEntry, history_of
from tinhso.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed, required
from tinhso.core.labels import every_form, vietnamese
from tinhso.core.text import fold
from tinhso.security.services import SystemRef, system_refs
from tinhso.sharing import ledger
from tinhso.sharing.models import (
    Access,
    AccessStatus,
    ApiKey,
    DataCategory,
    LegalBasis,
    Service,
    ServiceKind,
    ServiceStatus,
)
from tinhso.units.models import Unit, UnitKind

KEY_DAYS_DEFAULT = 365
KEY_DAYS_MAX = 3 * 365

# ---------------------------------------------------------------- who may do what


def is_dx_office(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return is_system_admin(user) or (user.role == Role.ADMIN and user.unit is not None
                                     and user.unit.kind == UnitKind.PROVINCE)


def log_upload_check(request, **_kwargs) -> None:
    """Upload check (core.uploads.upload_guard) of a transaction-log import: the DX office only."""
    if not is_dx_office(request.user):
        raise Forbidden("Chỉ cơ quan chuyên trách chuyển đổi số được nhập nhật ký giao dịch",
                        "Only the DX office may import transaction logs")


def is_operator(user: User) -> bool:
    """Read-only over the whole province's sharing: a viewer of the province, or a system-wide viewer."""
    return (user.is_authenticated and user.is_active and user.role == Role.VIEWER
            and (user.unit is None or user.unit.kind == UnitKind.PROVINCE))


def sees_all_traffic(user: User) -> bool:
    return is_dx_office(user) or is_operator(user)


def can_manage_provider(user: User, unit: Unit) -> bool:
    """Create and edit the unit's services and decide requests to them."""
    if is_dx_office(user):
        return True
    return user.role in (Role.ADMIN, Role.FOCAL) and can_edit_unit(user, unit)


def _require_manage(user: User, unit: Unit) -> None:
    if not can_manage_provider(user, unit):
        raise Forbidden(f"Chỉ đầu mối của {unit.name} hoặc cơ quan chuyên trách chuyển đổi số được làm việc này",
                        f"Only the focal point of {unit.name} or the DX office may do this")


def can_act_for_consumer(user: User, unit: Unit) -> bool:
    """Request access and take keys for the unit: its focal points, its API clients, the DX office."""
    return is_dx_office(user) or (user.role in (Role.ADMIN, Role.FOCAL, Role.API_CLIENT) and can_edit_unit(user, unit))


def _require_consumer(user: User, unit: Unit) -> None:
    if not can_act_for_consumer(user, unit):
        raise Forbidden(f"Bạn không được thay mặt {unit.name} khai thác dịch vụ",
                        f"You may not act for {unit.name} as a consumer")


def traffic_scope(user: User) -> list[str] | None:
    """The unit codes whose traffic the user sees (as client or provider); None means all."""
    if sees_all_traffic(user):
        return None
    if not user.is_authenticated or user.unit is None:
        return []
    return [c for c in Unit.objects.below(user.unit).exclude(code__isnull=True).values_list("code", flat=True) if c]


# ---------------------------------------------------------------- catalogue

SERVICE_FIELDS = ("provider_unit", "provider_system", "provider_system_code", "code", "service_version", "name",
                  "kind", "data_category", "personal_data", "legal_basis", "legal_basis_text", "status",
                  "documentation_url", "documentation", "endpoint_url", "timeout_seconds", "rate_limit_per_minute",
                  "daily_quota")


def unit_by_code(code: str, field: str = "provider_unit") -> Unit:
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(required(field))
    unit = Unit.objects.filter(code=code).order_by("valid_to").first()
    if unit is None:
        raise ValidationFailed(FieldError(field, f"không có đơn vị mang mã định danh {code}",
                                          f"no unit has the electronic code {code}"))
    return unit


def _service_search_text(service: Service) -> str:
    return fold(" ".join([service.code, service.name, service.provider_system, service.provider_system_code,
                          service.provider_unit.name,
                          service.provider_unit.code or "",
                          # found by its data group in either language, whatever the saver's language
                          *(every_form(DataCategory(service.data_category).label)
                            if service.data_category in DataCategory.values else [service.data_category]),
                          service.documentation[:500]]))


def provider_systems(services: list[Service]) -> dict[str, SystemRef]:
    """The inventory systems the services name (by code), read through the security app's services."""
    return system_refs(s.provider_system_code for s in services if s.provider_system_code)


def _link_system(clean: dict, instance: Service | None) -> list[FieldError]:
    """The optional link to the information-system inventory: the code must name a system that the
    provider unit owns or operates; the provider system's name is taken from it when none is given."""
    code = clean.get("provider_system_code", getattr(instance, "provider_system_code", "") if instance else "")
    code = (code or "").strip()
    if "provider_system_code" in clean:
        clean["provider_system_code"] = code
    if not code or not ({"provider_system_code", "provider_unit"} & clean.keys()):
        return []
    if len(code) > Service._meta.get_field("provider_system_code").max_length:
        return [FieldError("provider_system_code", "quá dài", "too long")]
    ref = system_refs([code]).get(code)
    if ref is None:
        return [FieldError("provider_system_code", f"không có hệ thống mã {code} trong danh mục hệ thống thông tin",
                           f"no system with code {code} in the information-system inventory")]
    unit = clean.get("provider_unit", getattr(instance, "provider_unit", None) if instance else None)
    if isinstance(unit, Unit) and unit.pk not in ref.unit_ids:
        return [FieldError(
            "provider_system_code",
            f"hệ thống {code} thuộc {ref.owner_name}, không do đơn vị cung cấp làm chủ quản hoặc vận hành",
            f"system {code} belongs to {ref.owner_name}; the provider unit neither owns nor operates it")]
    if not clean.get("provider_system", getattr(instance, "provider_system", "") if instance else ""):
        clean["provider_system"] = ref.name[:Service._meta.get_field("provider_system").max_length]
    return []


def _clean_service(data: dict, instance: Service | None) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    clean: dict = {}
    for name in SERVICE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        clean[name] = value
    if "provider_unit" in clean:
        raw = clean["provider_unit"]
        if isinstance(raw, Unit):
            unit = raw
        else:
            try:
                unit = unit_by_code(str(raw or ""))
            except ValidationFailed as exc:
                errors += exc.errors
                unit = None
        if unit is not None and not unit.code:
            errors.append(FieldError("provider_unit", "đơn vị cung cấp phải có mã định danh điện tử",
                                     "the provider unit needs an electronic code"))
        clean["provider_unit"] = unit
    errors += _link_system(clean, instance)
    for name in ("provider_system", "code", "name"):
        if (name in clean or instance is None) and not clean.get(name, getattr(instance, name, "")):
            errors.append(required(name))
    code = clean.get("code")
    if code and (len(code) > 80 or not all(ch.isalnum() and ch.isascii() or ch in "-_" for ch in code)):
        errors.append(FieldError("code", "mã dịch vụ chỉ gồm chữ không dấu, số, '-' và '_' (tối đa 80 ký tự)",
                                 "the service code may hold only ASCII letters, digits, '-' and '_' (80 at most)"))
    for name, choices in (("kind", ServiceKind.values), ("data_category", DataCategory.values),
                          ("status", ServiceStatus.values)):
        if name in clean and clean[name] not in choices:
            errors.append(FieldError(name, f"phải là một trong {', '.join(choices)}", f"must be one of {choices}"))
    if "legal_basis" in clean:
        ref = clean["legal_basis"]
        if ref in (None, ""):
            clean["legal_basis"] = None
        else:
            basis = LegalBasis.objects.filter(code=str(ref)).first()
            if basis is None:
                errors.append(FieldError("legal_basis", f"không có căn cứ pháp lý mã {ref}",
                                         f"no legal basis with code {ref}"))
            clean["legal_basis"] = basis
    for name, low, high in (("timeout_seconds", 1, 300), ("rate_limit_per_minute", 1, 1_000_000),
                            ("daily_quota", 1, 100_000_000)):
        if name in clean:
            value = clean[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors.append(FieldError(name, f"phải là số nguyên từ {low} đến {high}",
                                         f"must be a whole number from {low} to {high}"))
    for name in ("service_version", "provider_system"):
        if name in clean and len(str(clean[name])) > Service._meta.get_field(name).max_length:
            errors.append(FieldError(name, "quá dài", "too long"))
    if "service_version" in clean and not clean["service_version"]:
        errors.append(required("service_version"))
    for name in ("endpoint_url", "documentation_url"):
        value = clean.get(name)
        if value and not (value.startswith("http://") or value.startswith("https://")):
            errors.append(FieldError(name, "phải là địa chỉ http:// hoặc https://", "must be an http(s) URL"))
    if "personal_data" in clean and not isinstance(clean["personal_data"], bool):
        errors.append(FieldError("personal_data", "phải là đúng/sai", "must be true or false"))
    return clean, errors


def save_service(user: User, data: dict, service_id: int | None = None, expected_version: int | None = None,
                 reason: str = "") -> Service:
    """Create a service (service_id None) or update one if `expected_version` is still current."""
    with transaction.atomic():
        instance = None
        if service_id is not None:
            instance = Service.objects.select_for_update().select_related("provider_unit").filter(
                pk=service_id).first()
            if instance is None:
                raise NotFound("Dịch vụ", "Service")
            _require_manage(user, instance.provider_unit)
            if expected_version is None:
                raise ValidationFailed(required("version"))
            if instance.version != expected_version:
                raise Conflict(instance.version)
        clean, errors = _clean_service(data, instance)
        if instance is None and "provider_unit" not in clean:
            errors.append(required("provider_unit"))
        if errors:
            raise ValidationFailed(errors)
        service = instance or Service()
        if clean.get("provider_unit") is not None:
            _require_manage(user, clean["provider_unit"])
        for name, value in clean.items():
            setattr(service, name, value)
        if instance is not None:
            service.version += 1
        service.search_text = _service_search_text(service)
        service._history_user = user
        service._change_reason = reason or ("Cập nhật / Updated" if instance else "Tạo mới / Created")
        try:
            with transaction.atomic():
                service.save()
        except IntegrityError as exc:
            raise ValidationFailed(FieldError(
                "code", f"đã có dịch vụ {service.code} phiên bản {service.service_version}",
                f"service {service.code} {service.service_version} already exists")) from exc
    forget_keys()
    return service


def get_service(user: User, service_id: int) -> Service:
    service = Service.objects.select_related("provider_unit", "legal_basis").filter(pk=service_id).first()
    hidden = service is not None and service.status == ServiceStatus.DRAFT and not can_manage_provider(
        user, service.provider_unit)
    if service is None or hidden:
        raise NotFound("Dịch vụ", "Service")
    return service


def search_services(user: User, q: str = "", status: str = "", category: str = "", provider: str = "",
                    limit: int = 500) -> list[Service]:
    """The catalogue every signed-in agency reads; drafts only for those who manage them. `q` matches
    without diacritics (code, name, system, provider, category, documentation)."""
    services = Service.objects.select_related("provider_unit", "legal_basis")
    if not is_dx_office(user):
        mine = Q(pk__in=[])
        if user.unit is not None and user.role in (Role.ADMIN, Role.FOCAL):
            mine = Q(provider_unit__path__startswith=user.unit.path)
        services = services.filter(~Q(status=ServiceStatus.DRAFT) | mine)
    for word in fold(q).split():
        services = services.filter(search_text__contains=word)
    if status:
        services = services.filter(status=status)
    if category:
        services = services.filter(data_category=category)
    if provider:
        services = services.filter(provider_unit__code=provider)
    return list(services.order_by("code", "service_version")[:limit])


def service_history(user: User, service_id: int) -> list[AuditEntry]:
    return history_of(get_service(user, service_id))


def legal_basis_on(day: dt.date) -> list[LegalBasis]:
    """The texts on connecting and sharing data in force on `day`."""
    return [b for b in LegalBasis.objects.all() if b.in_force_on(day)]


# ---------------------------------------------------------------- access rights


def _access_qs() -> QuerySet:
    return Access.objects.select_related("service", "service__provider_unit", "consumer_unit", "requested_by",
                                         "decided_by")


def get_access(user: User, access_id: int) -> Access:
    access = _access_qs().filter(pk=access_id).first()
    if access is None or not can_see_access(user, access):
        raise NotFound("Yêu cầu khai thác", "Access request")
    return access


def can_see_access(user: User, access: Access) -> bool:
    if sees_all_traffic(user):
        return True
    if user.unit is None:
        return False
    return (access.consumer_unit.path.startswith(user.unit.path)
            or access.service.provider_unit.path.startswith(user.unit.path))


def list_accesses(user: User, status: str = "", service_id: int | None = None, limit: int = 500) -> list[Access]:
    accesses = _access_qs()
    if not sees_all_traffic(user):
        if user.unit is None:
            return []
        accesses = accesses.filter(Q(consumer_unit__path__startswith=user.unit.path)
                                   | Q(service__provider_unit__path__startswith=user.unit.path))
    if status:
        accesses = accesses.filter(status=status)
    if service_id:
        accesses = accesses.filter(service_id=service_id)
    return list(accesses[:limit])


def request_access(user: User, service_id: int, consumer_unit: str | Unit, consumer_system: str, purpose: str
                   ) -> Access:
    """A consumer unit asks for a service, saying why. Pending until the provider decides."""
    service = get_service(user, service_id)
    unit = consumer_unit if isinstance(consumer_unit, Unit) else unit_by_code(consumer_unit, "consumer_unit")
    _require_consumer(user, unit)
    errors = []
    consumer_system = (consumer_system or "").strip()
    purpose = (purpose or "").strip()
    if not consumer_system:
        errors.append(required("consumer_system"))
    elif len(consumer_system) > 120:
        errors.append(FieldError("consumer_system", "quá dài (tối đa 120 ký tự)", "too long (120 at most)"))
    if len(purpose) < 10:
        errors.append(FieldError("purpose", "cần nêu rõ mục đích khai thác (ít nhất 10 ký tự)",
                                 "state the purpose (10 characters at least)"))
    if service.status not in (ServiceStatus.ACTIVE, ServiceStatus.DEPRECATED):
        errors.append(FieldError("service", "dịch vụ chưa hoặc không còn cung cấp",
                                 "the service is not (or no longer) offered"))
    if not unit.code:
        errors.append(FieldError("consumer_unit", "đơn vị khai thác phải có mã định danh điện tử",
                                 "the consumer unit needs an electronic code"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        open_one = Access.objects.select_for_update().filter(
            service=service, consumer_unit=unit, consumer_system=consumer_system,
            status__in=[AccessStatus.PENDING, AccessStatus.APPROVED]).first()
        if open_one is not None:
            raise ValidationFailed(FieldError(
                "service", f"đã có yêu cầu {vietnamese(AccessStatus(open_one.status).label).lower()} cho hệ thống này",
                f"there is already a {open_one.status} request for this system"))
        access = Access(service=service, consumer_unit=unit, consumer_system=consumer_system, purpose=purpose,
                        requested_by=user)
        access._history_user = user
        access._change_reason = "Đề nghị khai thác / Access requested"
        access.save()
    return access


def decide_access(user: User, access_id: int, approve: bool, note: str = "", expected_version: int | None = None
                  ) -> Access:
    """The provider's focal point (or the DX office) approves or refuses a pending request."""
    with transaction.atomic():
        access = _access_qs().select_for_update(of=("self",)).filter(pk=access_id).first()
        if access is None:
            raise NotFound("Yêu cầu khai thác", "Access request")
        _require_manage(user, access.service.provider_unit)
        if user.role == Role.API_CLIENT:
            raise Forbidden()
        if expected_version is not None and expected_version != access.version:
            raise Conflict(access.version)
        if access.status != AccessStatus.PENDING:
            raise ValidationFailed(FieldError(
                "status", f"yêu cầu đang '{vietnamese(AccessStatus(access.status).label)}', không chờ duyệt",
                f"the request is {access.status}, not pending"))
        note = (note or "").strip()
        if not approve and not note:
            raise ValidationFailed(FieldError("note", "cần nêu lý do từ chối", "say why the request is refused"))
        access.status = AccessStatus.APPROVED if approve else AccessStatus.REFUSED
        access.decided_by, access.decided_at, access.decision_note = user, timezone.now(), note
        access.version += 1
        access._history_user = user
        access._change_reason = ("Phê duyệt / Approved" if approve else "Từ chối / Refused") + (
            f": {note}" if note else "")
        access.save()
    return access


def revoke_access(user: User, access_id: int, note: str, expected_version: int | None = None) -> Access:
    """Withdraw an approved right; its keys stop working at once."""
    if not (note or "").strip():
        raise ValidationFailed(FieldError("note", "cần nêu lý do thu hồi", "say why the access is revoked"))
    with transaction.atomic():
        access = _access_qs().select_for_update(of=("self",)).filter(pk=access_id).first()
        if access is None:
            raise NotFound("Yêu cầu khai thác", "Access request")
        _require_manage(user, access.service.provider_unit)
        if expected_version is not None and expected_version != access.version:
            raise Conflict(access.version)
        if access.status != AccessStatus.APPROVED:
            raise ValidationFailed(FieldError("status", "chỉ thu hồi được quyền đã duyệt",
                                              "only an approved access can be revoked"))
        access.status = AccessStatus.REVOKED
        access.decision_note = note.strip()
        access.version += 1
        access._history_user = user
        access._change_reason = f"Thu hồi / Revoked: {note.strip()}"
        access.save()
        now = timezone.now()
        for key in access.keys.filter(revoked_at__isnull=True):
            key.revoked_at = now
            key._history_user = user
            key._change_reason = "Thu hồi cùng quyền khai thác / Revoked with the access"
            key.save()
    forget_keys()
    return access


def access_history(user: User, access_id: int) -> list[AuditEntry]:
    return history_of(get_access(user, access_id))


# ---------------------------------------------------------------- keys


def _key_days(days: int | None) -> int:
    days = KEY_DAYS_DEFAULT if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= KEY_DAYS_MAX:
        raise ValidationFailed(FieldError("days", f"thời hạn từ 1 đến {KEY_DAYS_MAX} ngày",
                                          f"the validity is 1 to {KEY_DAYS_MAX} days"))
    return days


def issue_key(user: User, access_id: int, days: int | None = None) -> tuple[ApiKey, str]:
    """A new key for an approved access; the raw key is returned once and only its digest is kept."""
    days = _key_days(days)
    access = get_access(user, access_id)
    _require_consumer(user, access.consumer_unit)
    if access.status != AccessStatus.APPROVED:
        raise ValidationFailed(FieldError("access", "chỉ cấp khóa cho quyền khai thác đã được duyệt",
                                          "keys are issued only for an approved access"))
    raw = ApiKey.new_raw()
    key = ApiKey(access=access, digest=ApiKey.digest_of(raw), hint=raw[:10], created_by=user,
                 expires_at=timezone.now() + dt.timedelta(days=days))
    key._history_user = user
    key._change_reason = "Cấp khóa / Key issued"
    key.save()
    return key, raw


def _key_for_change(user: User, key_id: int) -> ApiKey:
    key = ApiKey.objects.select_related("access", "access__consumer_unit", "access__service",
                                        "access__service__provider_unit").filter(pk=key_id).first()
    if key is None or not can_see_access(user, key.access):
        raise NotFound("Khóa API", "API key")
    if not (can_act_for_consumer(user, key.access.consumer_unit)
            or can_manage_provider(user, key.access.service.provider_unit)):
        raise Forbidden()
    return key


def rotate_key(user: User, key_id: int, days: int | None = None) -> tuple[ApiKey, str]:
    """Replace a key: the new one is returned once, the old one is refused from now on."""
    with transaction.atomic():
        old = _key_for_change(user, key_id)
        if old.revoked_at is not None:
            raise ValidationFailed(FieldError("key", "khóa đã bị thu hồi", "the key is already revoked"))
        new, raw = issue_key(user, old.access_id, days)
        old.revoked_at = timezone.now()
        old.replaced_by = new
        old._history_user = user
        old._change_reason = f"Đổi khóa / Rotated to {new.hint}…"
        old.save()
    forget_keys()
    return new, raw


def revoke_key(user: User, key_id: int) -> ApiKey:
    key = _key_for_change(user, key_id)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key._history_user = user
        key._change_reason = "Thu hồi khóa / Key revoked"
        key.save()
    forget_keys()
    return key


def keys_of(user: User, access_id: int) -> list[ApiKey]:
    return list(get_access(user, access_id).keys.all())


# ---------------------------------------------------------------- key resolution for the gateway

@dataclass(frozen=True)
class Grant:
    """What a valid gateway key allows, read once and cached briefly."""

    key_id: int
    access_id: int
    service_id: int
    service_code: str
    service_version: str
    service_status: str
    provider_unit: str
    provider_system: str
    endpoint_url: str
    timeout_seconds: int
    client_unit: str
    client_system: str
    per_minute: int
    per_day: int
    expires_at: dt.datetime


KEY_CACHE_SECONDS = 5.0
_key_cache: dict[str, tuple[float, Grant | None]] = {}
_key_cache_lock = threading.Lock()


def forget_keys() -> None:
    """Drop cached key lookups (after a rotation, revocation or service change in this process)."""
    with _key_cache_lock:
        _key_cache.clear()


def grant_for_key(raw: str) -> Grant | None:
    """The grant of a raw key if it is known, not revoked, not expired and its access approved."""
    digest = ApiKey.digest_of(raw)
    now = time.monotonic()
    with _key_cache_lock:
        hit = _key_cache.get(digest)
    if hit is not None and now - hit[0] < KEY_CACHE_SECONDS:
        grant = hit[1]
    else:
        key = ApiKey.objects.select_related("access", "access__service", "access__service__provider_unit",
                                            "access__consumer_unit").filter(
            digest=digest, revoked_at__isnull=True, access__status=AccessStatus.APPROVED).first()
        grant = None
        if key is not None:
            access, service = key.access, key.access.service
            grant = Grant(key.pk, access.pk, service.pk, service.code, service.service_version, service.status,
                          service.provider_unit.code or "", service.provider_system, service.endpoint_url,
                          service.timeout_seconds, access.consumer_unit.code or "", access.consumer_system,
                          access.limit_per_minute, access.quota_per_day, key.expires_at)
        with _key_cache_lock:
            if len(_key_cache) > 10_000:
                _key_cache.clear()
            _key_cache[digest] = (now, grant)
    if grant is not None and grant.expires_at <= timezone.now():
        return None
    return grant


# ---------------------------------------------------------------- reading the ledger

MAX_PERIOD_DAYS = 400


def _period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationFailed(FieldError("end", "ngày kết thúc trước ngày bắt đầu", "the end is before the start"))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed(FieldError("end", f"khoảng thời gian tối đa {MAX_PERIOD_DAYS} ngày",
                                          f"the period is {MAX_PERIOD_DAYS} days at most"))


def _scope_sql(user: User) -> tuple[str, list]:
    scope = traffic_scope(user)
    if scope is None:
        return "TRUE", []
    return "(list_contains(?, client_unit) OR list_contains(?, provider_unit))", [scope, scope]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationFailed(FieldError("month", "tháng không hợp lệ", "invalid month"))
    start = dt.date(year, month, 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def rollup(user: User, start: dt.date, end: dt.date, by: str = "service") -> list[dict]:
    """Calls per provider unit and service (by="service"), per client unit and service (by="client") or
    per day (by="day") over the period, within the user's scope. Read from the daily counts, so a month
    over a hundred million rows costs a few thousand rows. Gateway rows count once; imported rows count
    on the side that recorded them (reconciliation compares the sides)."""
    _period(start, end)
    keys = {"service": "provider_unit, service_code, service_version",
            "client": "client_unit, service_code, service_version",
            "day": "day"}.get(by)
    if keys is None:
        raise ValidationFailed(FieldError("by", "phải là service, client hoặc day", "must be service, client or day"))
    where, params = _scope_sql(user)
    rows = ledger.query(f"""
        SELECT {keys}, sum(calls)::BIGINT, sum(failed)::BIGINT, sum(duration_ms) / nullif(sum(calls), 0),
               sum(request_bytes)::BIGINT, sum(response_bytes)::BIGINT
        FROM {{daily}} WHERE day BETWEEN ? AND ? AND side IN ('gateway', 'provider') AND {where}
        GROUP BY ALL ORDER BY {keys}""", [start, end, *params], start, end)
    names = [k.strip() for k in keys.split(",")] + ["calls", "failed", "avg_ms", "request_bytes", "response_bytes"]
    return [dict(zip(names, r, strict=True)) for r in rows]


def recent_calls(user: User, start: dt.date, end: dt.date, service_code: str = "", failed_only: bool = False,
                 limit: int = 200) -> list[dict]:
    """The latest ledger rows of the period in scope (metadata only)."""
    _period(start, end)
    where, params = _scope_sql(user)
    extra = ""
    if service_code:
        extra += " AND service_code = ?"
        params.append(service_code)
    if failed_only:
        extra += " AND NOT coalesce(succeeded, false)"
    names = [n for n in ledger.COLUMNS if n != "source"]
    rows = ledger.query(
        f"SELECT {', '.join(names)} FROM {{ledger}} WHERE {where}{extra} ORDER BY request_at DESC LIMIT ?",
        [*params, int(limit)], start, end)
    return [dict(zip(names, r, strict=True)) for r in rows]


def monthly_counts(user: User | None, year: int, month: int) -> list[dict]:
    """Per unit and service for the month: calls as provider and as client (gateway and provider-side
    rows), the figures the indicators receive. `user` None means the whole province (system feed)."""
    start, end = month_bounds(year, month)
    where, params = ("TRUE", []) if user is None else _scope_sql(user)
    rows = ledger.query(f"""
        WITH d AS (SELECT * FROM {{daily}} WHERE day BETWEEN ? AND ? AND side IN ('gateway', 'provider')
                   AND {where})
        SELECT unit, role, service_code, sum(calls)::BIGINT, sum(failed)::BIGINT FROM (
            SELECT provider_unit AS unit, 'provider' AS role, service_code, calls, failed FROM d
            UNION ALL SELECT client_unit, 'client', service_code, calls, failed FROM d)
        WHERE unit IS NOT NULL AND unit <> '' GROUP BY ALL ORDER BY unit, role, service_code""",
        [start, end, *params], start, end)
    return [{"unit": u, "role": r, "service_code": s, "calls": c, "failed": f} for u, r, s, c, f in rows]


# ---------------------------------------------------------------- reconciliation

def reconcile(user: User, start: dt.date, end: dt.date, service_code: str = "") -> list[dict]:
    """The client side's and the provider side's records of each service and day compared: counts, and the
    calls (by message id) that only one side recorded. A row is flagged when the counts differ or any call
    is one-sided. Rows imported without a message id are compared by count only."""
    _period(start, end)
    where, params = _scope_sql(user)
    extra = ""
    if service_code:
        extra = " AND service_code = ?"
        params.append(service_code)
    rows = ledger.query(f"""
        WITH r AS (SELECT side, service_code, CAST(request_at AS DATE) AS day, message_id FROM {{ledger}}
                   WHERE side IN ('client', 'provider') AND {where}{extra}),
        counts AS (SELECT service_code, day, count(*) FILTER (WHERE side = 'client') AS client_calls,
                          count(*) FILTER (WHERE side = 'provider') AS provider_calls FROM r GROUP BY ALL),
        c AS (SELECT DISTINCT service_code, day, message_id FROM r WHERE side = 'client' AND message_id NOT LIKE 'h:%'),
        p AS (SELECT DISTINCT service_code, day, message_id FROM r WHERE side = 'provider'
              AND message_id NOT LIKE 'h:%'),
        one_sided AS (
            SELECT coalesce(c.service_code, p.service_code) AS service_code, coalesce(c.day, p.day) AS day,
                   count(*) FILTER (WHERE p.message_id IS NULL) AS only_client,
                   count(*) FILTER (WHERE c.message_id IS NULL) AS only_provider
            FROM c FULL OUTER JOIN p ON c.message_id = p.message_id AND c.service_code = p.service_code
            GROUP BY ALL)
        SELECT k.service_code, k.day, k.client_calls, k.provider_calls, coalesce(o.only_client, 0),
               coalesce(o.only_provider, 0)
        FROM counts k LEFT JOIN one_sided o USING (service_code, day) ORDER BY k.day, k.service_code""",
        params, start, end)
    out = []
    for code, day, client_calls, provider_calls, only_client, only_provider in rows:
        out.append({"service_code": code, "day": day, "client_calls": client_calls, "provider_calls": provider_calls,
                    "gap": client_calls - provider_calls, "only_client": only_client, "only_provider": only_provider,
                    "flagged": client_calls != provider_calls or only_client > 0 or only_provider > 0})
    return out


def gap_calls(user: User, service_code: str, day: dt.date, limit: int = 500) -> list[dict]:
    """The calls behind a flagged reconciliation row: those only one side recorded."""
    where, params = _scope_sql(user)
    rows = ledger.query(f"""
        WITH r AS (SELECT * FROM {{ledger}} WHERE side IN ('client', 'provider') AND service_code = ?
                   AND CAST(request_at AS DATE) = ? AND message_id NOT LIKE 'h:%' AND {where}),
        sides AS (SELECT message_id, count(DISTINCT side) AS n FROM r GROUP BY ALL)
        SELECT r.message_id, r.side, r.request_at, r.client_unit, r.client_system, r.provider_unit, r.method,
               r.path, r.status, r.succeeded
        FROM r JOIN sides s USING (message_id) WHERE s.n = 1 ORDER BY r.request_at LIMIT ?""",
        [service_code, day, *params, int(limit)], day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    names = ("message_id", "recorded_by", "request_at", "client_unit", "client_system", "provider_unit", "method",
             "path", "status", "succeeded")
    return [dict(zip(names, r, strict=True)) for r in rows]


# ---------------------------------------------------------------- open data

OPEN_DATA_DELAY_DAYS = 7
OPEN_DATA_COLUMNS = ("hour", "provider_unit", "service_code", "service_version", "client_unit", "calls", "failed",
                     "avg_duration_ms")


def open_data(start: dt.date, end: dt.date, today: dt.date | None = None,
              delay_days: int = OPEN_DATA_DELAY_DAYS) -> list[tuple]:
    """An anonymised extract for publication: calls per hour (timestamps rounded down to the hour, local
    time), provider, service and client agency, with failures and mean duration. Delayed: nothing newer
    than `delay_days` before today. No message ids, no systems' user names, no paths (a path may hold a
    citizen's number), no sizes. Agencies are public bodies and stay named by their electronic codes."""
    today = today or ledger.local_day(timezone.now())
    end = min(end, today - dt.timedelta(days=delay_days))
    if end < start:
        return []
    _period(start, end)
    return ledger.query("""
        SELECT strftime(date_trunc('hour', request_at), '%Y-%m-%d %H:00') AS hour, provider_unit, service_code,
               service_version, client_unit, count(*)::BIGINT AS calls,
               count(*) FILTER (WHERE NOT coalesce(succeeded, false))::BIGINT AS failed,
               round(avg(duration_ms), 1) AS avg_duration_ms
        FROM {ledger} WHERE side IN ('gateway', 'provider') AND CAST(request_at AS DATE) BETWEEN ? AND ?
        GROUP BY ALL ORDER BY 1, 2, 3, 5""", [start, end], start, end)


# ---------------------------------------------------------------- counts → indicators

FORM_CODE = "CSDL_GD"
PROVIDED = "CSDL_GD_CUNG_CAP"
CONSUMED = "CSDL_GD_KHAI_THAC"


def service_indicator_code(service_code: str) -> str:
    return "CSDL_DV_" + "".join(ch if ch.isalnum() else "_" for ch in service_code.upper())[:32]


def feed_indicators(user: User | None, year: int, month: int) -> dict:
    """Transactions of the month become APPROVED values of the indicators module, per unit: calls served
    as provider, calls made as client, and per service the calls the unit made to it. Goes only through
    the indicators app's public services (its catalogue, its form and `record_approved_values`). Re-running
    for a month replaces its figures with the ledger's current counts (same report, audited)."""
    from tinhso.indicators import services as indicators

    if user is not None and not is_dx_office(user):
        raise Forbidden("Chỉ cơ quan chuyên trách chuyển đổi số được chuyển số liệu sang chỉ tiêu",
                        "Only the DX office may feed the counts into the indicators")
    counts = monthly_counts(None, year, month)
    known_services = {s.code: s for s in Service.objects.all()}
    codes = [PROVIDED, CONSUMED]
    definitions = {
        PROVIDED: ("Số giao dịch chia sẻ dữ liệu đơn vị cung cấp", "giao dịch cung cấp dữ liệu"),
        CONSUMED: ("Số giao dịch khai thác dữ liệu của đơn vị", "giao dịch khai thác dữ liệu"),
    }
    for code, service in sorted(known_services.items()):
        ind = service_indicator_code(code)
        definitions[ind] = (f"Số giao dịch khai thác dịch vụ {service.name} ({code})"[:300],
                            f"giao dịch khai thác {service.name.lower()}"[:120])
        codes.append(ind)
    kinds = list(UnitKind.values)
    for code, (name, noun) in definitions.items():
        indicators.save_indicator(None, {
            "code": code, "name": name, "noun": noun, "unit_of_measure": "giao dịch", "value_type": "count",
            "aggregation": "sum", "time_aggregation": "sum", "direction": "higher", "periodicity": "month",
            "unit_kinds": kinds, "decimals": 0, "min_value": 0,
            "source": "Sổ giao dịch chia sẻ dữ liệu (tinhso/sharing)"})
    indicators.save_form(None, {"code": FORM_CODE, "name": "Giao dịch chia sẻ dữ liệu (tự động từ sổ giao dịch)",
                                "period_type": "month", "unit_kinds": kinds, "approval_by": "dx_office",
                                "indicators": [{"code": c, "required": False} for c in codes]})
    per_unit: dict[str, dict[str, int]] = {}
    for row in counts:
        values = per_unit.setdefault(row["unit"], {})
        if row["role"] == "provider":
            values[PROVIDED] = values.get(PROVIDED, 0) + row["calls"]
        else:
            values[CONSUMED] = values.get(CONSUMED, 0) + row["calls"]
            if row["service_code"] in known_services:
                ind = service_indicator_code(row["service_code"])
                values[ind] = values.get(ind, 0) + row["calls"]
    period = f"{year:04d}-{month:02d}"
    last_day = month_bounds(year, month)[1]
    units = {u.code: u for u in Unit.objects.filter(code__in=list(per_unit)).order_by("valid_to")
             if u.is_valid_on(last_day)}
    fed, skipped = 0, []
    for code, values in sorted(per_unit.items()):
        unit = units.get(code)
        if unit is None:
            skipped.append(code)
            continue
        full = {c: values.get(c, 0) for c in (PROVIDED, CONSUMED)} | values
        indicators.record_approved_values(user, FORM_CODE, unit, period, full,
                                          f"Từ sổ giao dịch chia sẻ dữ liệu / From the sharing ledger {period}")
        fed += 1
    return {"period": period, "units": fed, "skipped_units": skipped, "indicators": codes}
