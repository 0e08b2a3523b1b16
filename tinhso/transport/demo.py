"""Demo data of journey monitoring: a transport inspector of the Thái Nguyên Department of Construction
and a small generated fleet (deterministic, a few seconds) with its trips and violations computed."""

import datetime as dt

from django.contrib.auth.models import Group

from tinhso.accounts.models import Role, User
from tinhso.transport import services
from tinhso.transport.models import INSPECTOR_GROUP, Vehicle
from tinhso.units.models import Unit, UnitKind

DEMO_PASSWORD = "tinhso-demo"
INSPECTOR = "thanhtra.giaothong"
DEMO_VEHICLES = 24
DEMO_DAYS = 21
DEMO_START = dt.date(2025, 9, 1)
DEMO_SEED = 2025


def load(stdout=None) -> None:
    group, _ = Group.objects.get_or_create(name=INSPECTOR_GROUP)
    user = User.objects.filter(username=INSPECTOR).first()
    if user is None:
        unit = Unit.objects.live().filter(kind=UnitKind.DEPARTMENT, name="Sở Xây dựng Thái Nguyên").first()
        user = User(username=INSPECTOR, full_name="Thanh tra giao thông, Sở Xây dựng Thái Nguyên", role=Role.FOCAL,
                    unit=unit)
        user.set_password(DEMO_PASSWORD)
        user.save()
        if stdout:
            stdout.write(f"  {INSPECTOR}: thanh tra giao thông / transport inspector\n")
    user.groups.add(group)
    if Vehicle.objects.exists():
        return
    summary = services.generate(DEMO_VEHICLES, DEMO_DAYS, DEMO_START, DEMO_SEED, user=user)
    if stdout:
        stdout.write(f"  {summary['points']} điểm GSHT / positions, {DEMO_VEHICLES} xe / vehicles, "
                     f"{DEMO_START:%d/%m/%Y} + {DEMO_DAYS} ngày / days\n")
