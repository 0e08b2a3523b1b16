"""Who may change what. Every edge (UI view, API handler, importer) asks these functions."""

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tinhso.accounts.models import ApiToken, Role, User
from tinhso.core.errors import Forbidden
from tinhso.units.models import Unit, UnitKind

WRITER_ROLES = {Role.ADMIN, Role.FOCAL, Role.API_CLIENT}


def is_system_admin(user: User) -> bool:
    return user.is_active and (user.is_superuser or (user.role == Role.ADMIN and user.unit_id is None))


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


def editable_units_filter(user: User, field: str = "") -> Q:
    """A Q object selecting rows (of Unit, or of a model whose `field` points to a Unit) the user may edit."""
    prefix = f"{field}__" if field else ""
    if is_system_admin(user):
        return Q()
    if user.role not in WRITER_ROLES or user.unit is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}path__startswith": user.unit.path})


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(digest=ApiToken.digest_of(raw), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at < now:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


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
