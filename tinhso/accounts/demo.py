"""Demo accounts, one per role, in the demo province of Thái Nguyên (which absorbed Bắc Kạn in 2025)."""

from django.contrib.auth.hashers import make_password

from tinhso.accounts.models import ApiToken, Role, User
from tinhso.units.models import Unit, UnitKind

DEMO_PASSWORD = "tinhso-demo"

# username, full name, role, how to find the unit (kind, name) or None for system-wide
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.ADMIN, None),
    ("quantri.thainguyen", "Phòng Chuyển đổi số, Sở KH&CN Thái Nguyên", Role.ADMIN,
     (UnitKind.PROVINCE, "Tỉnh Thái Nguyên")),
    ("daumoi.sokhcn", "Đầu mối Sở Khoa học và Công nghệ", Role.FOCAL,
     (UnitKind.DEPARTMENT, "Sở Khoa học và Công nghệ Thái Nguyên")),
    ("daumoi.backan", "Đầu mối UBND phường Bắc Kạn", Role.FOCAL, (UnitKind.COMMUNE, "Phường Bắc Kạn")),
    ("daumoi.sapa", "Đầu mối UBND phường Sa Pa", Role.FOCAL, (UnitKind.COMMUNE, "Phường Sa Pa")),
    ("lanhdao", "Lãnh đạo UBND tỉnh Thái Nguyên", Role.VIEWER, (UnitKind.PROVINCE, "Tỉnh Thái Nguyên")),
    ("api.baocao", "Hệ thống báo cáo tỉnh (kết nối API)", Role.API_CLIENT, (UnitKind.PROVINCE, "Tỉnh Thái Nguyên")),
]


def _unit(kind: str, name: str) -> Unit:
    return Unit.objects.live().get(kind=kind, name=name)


def load(stdout=None) -> None:
    hashed = None  # one slow PBKDF2 hash for all demo accounts instead of one per account
    for username, full_name, role, unit_ref in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, full_name=full_name, role=role, unit=_unit(*unit_ref) if unit_ref else None,
                    is_staff=username == "admin", is_superuser=username == "admin")
        hashed = hashed or make_password(DEMO_PASSWORD)
        user.password = hashed
        user.save()
        if role == Role.API_CLIENT:
            _, raw = ApiToken.issue(user, "Demo")
            if stdout:
                stdout.write(f"  API token of {username}: {raw}\n")


def _what(username: str, name: str, role: str, unit_ref) -> str:
    if role == Role.ADMIN and unit_ref is None:
        # an administrator without a unit is system-wide (and the demo's is a superuser): not "cấp tỉnh"
        return "Quản trị hệ thống / System administrator — toàn hệ thống, mọi phân hệ / system-wide, every module"
    return f"{User(role=role).get_role_display()} — {name}"


def logins() -> list[tuple[str, str, str]]:
    """(username, password, what the account is) for the demo banner: the accounts above, then those
    other apps' demo loaders create and declare as `demo_logins` on their AppConfig."""
    from django.apps import apps

    entries = [(u, DEMO_PASSWORD, _what(u, name, r, unit_ref)) for u, name, r, unit_ref in DEMO_USERS
               if r != Role.API_CLIENT]
    for config in apps.get_app_configs():
        entries += [(u, DEMO_PASSWORD, what) for u, what in getattr(config, "demo_logins", ())]
    return entries
