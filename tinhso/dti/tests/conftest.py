"""Fixtures of the DTI tests: a small framework using every scoring rule, and helpers to run a round."""

import copy
import datetime as dt

import pytest

from tinhso.dti import frameworks, services
from tinhso.dti.models import Round
from tinhso.units.models import UnitKind

SMALL = {
    "code": "TEST-DTI", "edition": 1, "name": "Bộ chỉ số thử", "max_points": 100,
    "applies_to": ["commune", "department"],
    "groups": [{"code": "g1", "name": "Nền tảng", "max_points": 50},
               {"code": "g2", "name": "Hoạt động", "max_points": 50}],
    "pillars": [{"code": "P1", "name": "Chính quyền số"}, {"code": "P2", "name": "Xã hội số"}],
    "main_indicators": [
        {"code": "A", "name": "Nền tảng", "group": "g1", "pillar": "P1", "max_points": 50, "components": [
            {"code": "A1", "name": "Tỷ lệ hồ sơ trực tuyến", "max_points": 20,
             "rule": {"type": "linear", "min": 0, "max": 100}, "source": "indicator", "indicator_code": "IND_A1",
             "unit": "%"},
            {"code": "A2", "name": "Số cuộc họp", "max_points": 10,
             "rule": {"type": "steps", "steps": [{"at_least": 4, "points": 10}, {"at_least": 2, "points": 5}]},
             "source": "survey"},
            {"code": "A3", "name": "Có kế hoạch", "max_points": 10, "rule": {"type": "yes_no"}, "source": "yes_no"},
            {"code": "A4", "name": "Tin bài", "max_points": 10, "rule": {"type": "capped_sum", "per_item": 2},
             "source": "survey"},
        ]},
        {"code": "B", "name": "Hoạt động", "group": "g2", "pillar": "P2", "max_points": 50, "components": [
            {"code": "B1", "name": "Giao dịch", "max_points": 25, "rule": {"type": "relative"}, "source": "survey"},
            {"code": "B2", "name": "Mô hình tiêu biểu", "max_points": 25, "rule": {"type": "manual"},
             "source": "manual"},
        ]},
    ],
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test accounts need no key stretching; keeps these tests fast on a busy machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def small_doc() -> dict:
    return copy.deepcopy(SMALL)


@pytest.fixture
def framework(root_admin, small_doc):
    return frameworks.import_framework(root_admin, small_doc)


@pytest.fixture
def new_province(make_unit):
    return make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, valid_from=dt.date(2025, 7, 1))


def run_round(admin, framework, scope, units, year, values, publish=True) -> Round:
    """Create, open, fill (as the DX office) and publish a round. values: {unit: {code: value}}."""
    round_ = services.create_round(admin, f"Đợt {year}", year, framework, scope, units)
    services.open_round(admin, round_.pk)
    for unit, by_code in values.items():
        for code, value in by_code.items():
            services.adjust_value(admin, round_.pk, unit.pk, code, value, "nhập thử")
    if publish:
        services.close_collection(admin, round_.pk)
        services.publish_round(admin, round_.pk)
    round_.refresh_from_db()
    return round_
