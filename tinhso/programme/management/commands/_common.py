from django.core.management.base import CommandError

from tinhso.accounts.models import User
from tinhso.programme.models import Plan


def plan_by_code(code: str) -> Plan:
    plan = Plan.objects.select_related("province", "scheme").filter(code=code).first()
    if plan is None:
        raise CommandError(f"Không có kế hoạch mã '{code}' / no plan coded '{code}'")
    return plan


def user_by_name(username: str) -> User:
    user = User.objects.select_related("unit").filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Không có người dùng '{username}' / no active user '{username}'")
    return user
