"""Who may change what. Every edge (UI view, API handler, importer) asks these functions."""

from django.db.models import Q
from django.utils import timezone

from tinhso.accounts.models import ApiToken, Role, User
from tinhso.core.errors import Forbidden
from tinhso.units.models import Unit

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
    if token is None or not has_access(token.user):
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at < now:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
