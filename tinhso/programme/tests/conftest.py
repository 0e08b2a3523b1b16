"""Fixtures of the programme app: a Bắc Kạn scheme with its 2023 and 2024 plans, a few departments
(valid until 2025, as in the registry) and their focal points."""

import datetime as dt

import pytest

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.programme import services
from tinhso.programme.models import Origin, Pillar, Status
from tinhso.units.models import UnitKind

OLD_DEPARTMENTS = [
    ("04", "Sở Kế hoạch và Đầu tư Bắc Kạn"), ("05", "Sở Tài chính Bắc Kạn"), ("06", "Sở Công Thương Bắc Kạn"),
    ("10", "Sở Tài nguyên và Môi trường Bắc Kạn"), ("02", "Sở Nội vụ Bắc Kạn"), ("01", "Văn phòng UBND tỉnh Bắc Kạn"),
    ("15", "Sở Giáo dục và Đào tạo Bắc Kạn"),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are created in most tests; the production hasher's cost is not what these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def departments(make_unit, province, department) -> dict:
    """Sở TTTT (the `department` fixture) and the other departments the sample plan names."""
    units = {department.name: department}
    for code, name in OLD_DEPARTMENTS:
        units[name] = make_unit(name, UnitKind.DEPARTMENT, province, f"000.00.{code}.H05",
                                valid_to=dt.date(2025, 2, 28))
    return units


@pytest.fixture
def tnmt(departments):
    return departments["Sở Tài nguyên và Môi trường Bắc Kạn"]


@pytest.fixture
def scheme(province):
    return services.create_scheme(None, {
        "code": "DA-CDS-BK", "name": "Đề án chuyển đổi số tỉnh Bắc Kạn giai đoạn 2022–2025, định hướng đến năm 2030",
        "province": province, "start_year": 2022, "end_year": 2025, "vision_year": 2030})


@pytest.fixture
def plan_2023(scheme):
    return services.create_plan(None, {"code": "KH-2023", "name": "Kế hoạch chuyển đổi số tỉnh Bắc Kạn năm 2023",
                                       "scheme": scheme, "year": 2023})


@pytest.fixture
def plan_2024(scheme):
    return services.create_plan(None, {"code": "KH-2024", "name": "Kế hoạch chuyển đổi số tỉnh Bắc Kạn năm 2024",
                                       "scheme": scheme, "year": 2024})


@pytest.fixture
def make_task():
    def make(plan, code, lead, title=None, origin=Origin.IN_SCHEME, status=Status.NOT_STARTED, progress=0,
             due=None, start=None, coordinating=(), parent=None, pillar=Pillar.DIGITAL_GOVERNMENT, budget=(),
             carried_from=None):
        data = services.TaskData(code=code, title=title or f"Nhiệm vụ {code}", pillar=pillar, lead_unit=lead,
                                 origin=origin, status=status, progress=progress, due_date=due, start_date=start,
                                 coordinating_units=list(coordinating), parent=parent, carried_from=carried_from,
                                 budget=[services.BudgetData(*b) for b in budget])
        return services.create_task(None, plan, data)
    return make


def _user(username: str, role: str, unit) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, unit=unit, full_name=username)


@pytest.fixture
def tttt_focal(department) -> User:
    return _user("daumoi.tttt", Role.FOCAL, department)


@pytest.fixture
def tnmt_focal(tnmt) -> User:
    return _user("daumoi.tnmt", Role.FOCAL, tnmt)
