"""Who may do what in journey monitoring (the same rules for pages, API and CLI)."""

from tinhso.core.errors import Forbidden
from tinhso.transport.models import INGEST_PERMISSION, VIEW_PERMISSION


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


def require_view(user) -> None:
    if not can_view(user):
        raise Forbidden("Chỉ thanh tra giao thông (Sở Xây dựng) được xem dữ liệu giám sát hành trình",
                        "Only transport inspectors may see journey-monitoring data")


def require_ingest(user) -> None:
    if not (user and user.is_authenticated and user.is_active and user.has_perm(INGEST_PERMISSION)):
        raise Forbidden("Tài khoản không được phép gửi dữ liệu giám sát hành trình",
                        "This account may not push journey-monitoring data")


def ingest_upload_check(request, **_kwargs) -> None:
    """Upload check (core.uploads.upload_guard) of a GPS file: accounts allowed to push journey data."""
    require_ingest(request.user)


def manage_upload_check(request, **_kwargs) -> None:
    """Upload check of the fleet and contract imports: inspectors who manage the registry."""
    require_manage_rules(request.user)


def can_manage(user) -> bool:
    return can_view(user) and (user.is_superuser or user.role in ("admin", "focal"))


def require_manage_rules(user) -> None:
    """Rules, the fleet registry and contracts are changed by inspectors who are focal points or admins."""
    require_view(user)
    if not can_manage(user):
        raise Forbidden("Chỉ cán bộ đầu mối hoặc quản trị (thanh tra giao thông) được sửa dữ liệu này",
                        "Only focal points or administrators among transport inspectors may change this")
