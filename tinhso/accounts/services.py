"""Who may change what. Every edge (UI view, API handler, importer) asks these functions."""

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tinhso.accounts.models import ApiToken, Role, User
from tinhso.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.core.memo import Memo, changed
from tinhso.units.models import Succession, Unit, UnitEvent, UnitKind

WRITER_ROLES = {Role.ADMIN, Role.FOCAL, Role.API_CLIENT}


def is_system_admin(user: User) -> bool:
    return user.is_active and (user.is_superuser or (user.role == Role.ADMIN and user.unit_id is None))


def has_access(user: User) -> bool:
    """No access by default: an account sees anything beyond its own profile only once it is a system
    administrator or has a unit (its role then bounds what it does there). An account created by any path —
    Django's admin, `createuser`, an external sign-in — without a unit has no access until an administrator
    assigns one."""
    return bool(user.is_authenticated and user.is_active and (is_system_admin(user) or user.unit_id is not None))


def can_edit_unit(user: User, unit: Unit | None) -> bool:
    """Admins edit their unit's subtree (all of it when system-wide); focal points and API clients
    edit their own unit and the units below it; leaders and viewers edit nothing."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_system_admin(user):
        return True
    if user.role not in WRITER_ROLES or user.unit is None or unit is None:
        return False
    return unit.path.startswith(user.unit.path)


def require_edit_unit(user: User, unit: Unit | None) -> None:
    if not can_edit_unit(user, unit):
        name = unit.name if unit else "cấp cao nhất"
        raise Forbidden(
            f"Bạn không có quyền sửa dữ liệu của {name}; chỉ được sửa đơn vị của mình và đơn vị trực thuộc",
            f"You may not change data of {unit.name if unit else 'the top level'}; "
            "only your own unit and the units below it",
        )


def can_write(user: User) -> bool:
    """May change something somewhere: a system administrator, or an administrator, focal point or API client
    with a unit. Leaders and viewers change nothing (and so upload nothing)."""
    return bool(user.is_authenticated and user.is_active and (
        is_system_admin(user) or (user.role in WRITER_ROLES and user.unit_id is not None)))


def require_writer(user: User) -> None:
    if not can_write(user):
        raise Forbidden("Tài khoản của bạn chỉ được xem, không được nhập hay tải tệp lên",
                        "Your account is read-only: it may not import or upload files")


def upload_by_writer(request, **_kwargs) -> None:
    """The upload check (core.uploads.upload_guard) of imports whose rows are then checked one by one."""
    require_writer(request.user)


def editable_units_filter(user: User, field: str = "") -> Q:
    """A Q object selecting rows (of Unit, or of a model whose `field` points to a Unit) the user may edit."""
    prefix = f"{field}__" if field else ""
    if is_system_admin(user):
        return Q()
    if user.role not in WRITER_ROLES or user.unit is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}path__startswith": user.unit.path})


MAX_TOKEN_DAYS = 730


def issue_api_token(user: User, owner_username: str, name: str, days: int, via_token: bool) -> tuple[ApiToken, str]:
    """A system administrator issues a named, expiring token to an API-client account. A call that is itself
    authenticated by a token cannot mint tokens (a leaked key must not breed more keys)."""
    if via_token:
        raise Forbidden("Không thể dùng mã truy cập API để cấp mã truy cập mới; hãy đăng nhập",
                        "An API token cannot be used to issue tokens; sign in instead")
    if not is_system_admin(user):
        raise Forbidden()
    owner = User.objects.filter(username=owner_username).first()
    errors = []
    if owner is None:
        errors.append(FieldError("username", "không có tài khoản này", "no such account"))
    elif owner.role != Role.API_CLIENT:
        errors.append(FieldError("username", "chỉ cấp mã cho tài khoản hệ thống kết nối (API client)",
                                 "tokens are issued only to API-client accounts"))
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors.append(FieldError("days", f"thời hạn từ 1 đến {MAX_TOKEN_DAYS} ngày",
                                 f"the lifetime must be 1 to {MAX_TOKEN_DAYS} days"))
    if errors:
        raise ValidationFailed(errors)
    return ApiToken.issue(owner, name, expires_at=timezone.now() + dt.timedelta(days=days))


def tokens_visible_to(user: User):
    """A system administrator lists every token; an API client its own."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at")
    return tokens if is_system_admin(user) else tokens.filter(user=user)


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    token = tokens_visible_to(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("Mã truy cập", "Token")
    token.revoked = True
    token.save(update_fields=["revoked"])
    return token


# ---------------------------------------------------------------- reading (see docs/read-policy.md)

def reads_all_units(user: User) -> bool:
    """System-wide readers: system administrators. Everyone else reads their unit's subtree; an account
    without a unit reads nothing (no access by default, see has_access)."""
    return user.is_authenticated and is_system_admin(user)


def read_roots(user: User) -> list[str]:
    """Tree paths whose subtrees the user reads: its unit, and the units that merged into it (however
    many mergers back), since their plans, figures and rankings are its history. Kept per process for each unit
    until the registry changes (core.memo, "units": a new merger widens the scope at once, in every process):
    every scoped page and API call asked it again, in three or four queries."""
    if not user.is_authenticated or user.unit_id is None:
        return []
    return list(_READ_ROOTS.get(user.unit_id, lambda: _read_roots_of(user.unit_id)))


_READ_ROOTS = Memo(300, depends_on=("units",))


def _read_roots_of(unit_id: int) -> tuple[str, ...]:
    ids, frontier = {unit_id}, {unit_id}
    while frontier:  # predecessors of predecessors: a 2025 commune from 2019 communes from older ones
        frontier = set(Succession.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True))
        frontier -= ids
        ids |= frontier
    paths = sorted(Unit.objects.filter(pk__in=ids).values_list("path", flat=True), key=len)
    roots: list[str] = []
    for path in paths:  # a predecessor inside another root adds nothing
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return tuple(roots)


def can_read_unit(user: User, unit: Unit | None) -> bool:
    """Scoped data (reports, figures, analytics, achievements, unpublished results) of `unit` is read by
    accounts whose unit is the unit itself or one above it (or one the unit's ancestor merged into), and
    by system-wide readers."""
    if not user.is_authenticated or not user.is_active or unit is None:
        return False
    if reads_all_units(user):
        return True
    return any(unit.path.startswith(root) for root in read_roots(user))


def require_read_unit(user: User, unit: Unit | None) -> None:
    if not can_read_unit(user, unit):
        name = unit.name if unit else "?"
        raise Forbidden(f"Bạn không có quyền xem số liệu của {name}; chỉ được xem đơn vị của mình và đơn vị trực thuộc",
                        f"You may not read the data of {name}; only your own unit and the units below it")


def readable_units_filter(user: User, field: str = "") -> Q:
    """A Q object selecting rows (of Unit, or of a model whose `field` points to a Unit) the user may read."""
    prefix = f"{field}__" if field else ""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if reads_all_units(user):
        return Q()
    return Q(**{f"{prefix}path__under_any": read_roots(user)})


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(digest=ApiToken.digest_of(raw), revoked=False)
        .first()
    )
    if token is None or not has_access(token.user):
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at < now:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class AccountsPolicy:
    """What happens to the accounts of units that end in a merger, split or dissolution; chosen at the event."""

    MOVE = "move"  # to the successor that received the largest share; told at the next sign-in
    DISABLE = "disable"  # deactivated; an administrator re-enables and reassigns them
    KEEP = "keep"  # left on the ended unit (they read its history; writes are refused by the unit's dates)
    CHOICES = (MOVE, DISABLE, KEEP)


def follow_unit_event(user: User, event: UnitEvent, policy: str) -> int:
    """Apply `policy` to the active accounts of the event's predecessors; returns how many were changed."""
    if policy == AccountsPolicy.KEEP:
        return 0
    links = list(Succession.objects.filter(event=event).select_related("predecessor", "successor"))
    best: dict[int, Succession] = {}
    for link in links:
        if link.predecessor_id not in best or link.share > best[link.predecessor_id].share:
            best[link.predecessor_id] = link
    predecessors = {link.predecessor_id: link.predecessor for link in links}
    changed = 0
    for account in User.objects.filter(unit_id__in=predecessors, is_active=True).select_related("unit"):
        old = account.unit
        target = best.get(old.pk)
        if policy == AccountsPolicy.MOVE and target is not None:
            account.unit = target.successor
            account.notice = (f"Từ ngày {event.date:%d/%m/%Y}, {old.name} đã được sắp xếp vào "
                              f"{target.successor.name}; tài khoản của bạn đã được chuyển sang đơn vị này. / "
                              f"From {event.date:%d/%m/%Y} {old.name} became part of {target.successor.name}; "
                              "your account was moved to it.")
        else:
            account.is_active = False
        account._history_user = user
        account._change_reason = f"{event}: {policy}"
        account.save()
        changed += 1
    return changed


def show_notice_once(request, user: User) -> None:
    """Shown at sign-in (connected to user_logged_in), then cleared."""
    if user.notice and hasattr(request, "_messages"):  # a real web sign-in, not a test or shell login
        from django.contrib import messages

        messages.info(request, user.notice)
        User.objects.filter(pk=user.pk).update(notice="")
        changed("account-rows")  # the account kept per process (accounts.auth) has no notice any more


def province_of(unit: Unit | None) -> Unit | None:
    """The province a unit lies in (itself for a province), from its path."""
    if unit is None:
        return None
    if unit.kind == UnitKind.PROVINCE:
        return unit
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return Unit.objects.filter(pk__in=ids, kind=UnitKind.PROVINCE).first()


def home_province(user: User | None = None, day: dt.date | None = None) -> Unit | None:
    """The province a page opens on, valid on `day` (default today):
    1. the user's own province;
    2. settings.TINHSO_HOME_PROVINCE (electronic code, statistics code or name), for a system-wide account;
    3. the province most accounts belong to — the platform serves one province, whose staff are its
       users (in the demo, Thái Nguyên), rather than whichever comes first in the alphabet (Bắc Ninh);
    4. the first province by name."""
    day = day or timezone.localdate()
    own = province_of(user.unit) if user is not None and user.is_authenticated and user.unit_id else None
    if own is not None and own.is_valid_on(day):
        return own
    return _HOME.get((day, settings.TINHSO_HOME_PROVINCE), lambda: _home_province(day))


_HOME = Memo(60)  # per process: counting every account's province on every page was the cost


def _home_province(day: dt.date) -> Unit | None:
    provinces = Unit.objects.as_of(day).filter(kind=UnitKind.PROVINCE)
    wanted = settings.TINHSO_HOME_PROVINCE
    if wanted:
        found = provinces.filter(Q(code=wanted) | Q(stats_code=wanted) | Q(name=wanted) | Q(short_name=wanted)).first()
        if found is not None:
            return found
    by_path = {p.path: p for p in provinces}
    counts: Counter = Counter()
    for path in User.objects.filter(is_active=True, unit__isnull=False).values_list("unit__path", flat=True):
        top = "/" + path.strip("/").split("/")[0] + "/"
        if top in by_path:
            counts[top] += 1
    if counts:
        return by_path[max(counts, key=lambda p: (counts[p], by_path[p].name))]
    return provinces.order_by("name").first()
