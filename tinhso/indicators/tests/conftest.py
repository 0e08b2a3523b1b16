"""Fixtures of the indicators tests: the shipped catalogue, a small old province with two communes,
a new province they merged into, and helpers to enter and approve reports."""

import datetime as dt

import pytest

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.indicators import services
from tinhso.units.models import UnitKind

REFORM = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db):
    services.load_catalogue()
    return services


@pytest.fixture
def monthly(catalogue):
    return services.get_form("BM01-THANG")


@pytest.fixture
def quarterly(catalogue):
    return services.get_form("BM02-QUY")


@pytest.fixture
def second_commune(make_unit, district):
    return make_unit("Xã Nam Mẫu", UnitKind.COMMUNE, district, "000.02.31.H05", stats_code="01873",
                     valid_to=dt.date(2025, 6, 30))


@pytest.fixture
def second_focal(second_commune):
    return User.objects.create_user("focal-2", password=PASSWORD, role=Role.FOCAL, unit=second_commune)


@pytest.fixture
def fill(root_admin):
    """fill(form, unit, period, values, submit=True, approve=True) → report, entered and approved."""
    def make(form, unit, period, values, submit=True, approve=True, user=None):
        result = services.save_report(user or root_admin, form, unit, period, values, submit=submit)
        report = result.report
        if submit and approve:
            report = services.approve_report(root_admin, report.pk)
        return report
    return make


def monthly_values(total, online, solved=None, digitised=None, work=100, work_online=90) -> dict:
    solved = total if solved is None else solved
    digitised = solved // 2 if digitised is None else digitised
    return {"HS_TONG": total, "HS_TRUC_TUYEN": online, "HS_DA_GIAI_QUYET": solved, "HS_SO_HOA_KQ": digitised,
            "HSCV_TONG": work, "HSCV_TREN_MANG": work_online}
