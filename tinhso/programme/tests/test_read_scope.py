"""Single-object reads follow the same scope as the lists (docs/read-policy.md): a scheme or plan by id is
refused outside the reader's scope, in the API and on the pages alike."""

import datetime as dt

import pytest

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.programme import services
from tinhso.units.models import UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def lao_cai(make_unit):
    province = make_unit("Tỉnh Lào Cai", UnitKind.PROVINCE, code="000.00.00.H25")
    scheme = services.create_scheme(None, {"code": "DA-LC", "name": "Đề án chuyển đổi số Lào Cai",
                                           "province": province, "start_year": 2022, "end_year": 2025})
    plan = services.create_plan(None, {"code": "KH-LC-2024", "name": "Kế hoạch Lào Cai 2024", "scheme": scheme,
                                       "year": 2024})
    return province, scheme, plan


def test_scheme_by_id_is_refused_outside_the_readers_scope(api_as, client, tttt_focal, province_admin, root_admin,
                                                           lao_cai, scheme, plan_2024, department, make_task):
    _, lc_scheme, lc_plan = lao_cai
    make_task(plan_2024, "A", department)
    focal = api_as(tttt_focal)
    assert [s["code"] for s in focal.get("/programme/schemes").json()] == ["DA-CDS-BK"]
    assert focal.get(f"/programme/schemes/{scheme.pk}").status_code == 200
    response = focal.get(f"/programme/schemes/{lc_scheme.pk}")
    assert response.status_code == 403
    assert response.json()["message"]["vi"] and response.json()["message"]["en"]
    # an administrator of Bắc Kạn reads Bắc Kạn's schemes and plans, not Lào Cai's; the system reads all
    office = api_as(province_admin)
    assert office.get(f"/programme/schemes/{scheme.pk}").status_code == 200
    assert office.get(f"/programme/schemes/{lc_scheme.pk}").status_code == 403
    assert office.get(f"/programme/plans/{lc_plan.pk}").status_code == 403
    assert "DA-LC" not in [s["code"] for s in office.get("/programme/schemes").json()]
    assert api_as(root_admin).get(f"/programme/schemes/{lc_scheme.pk}").status_code == 200
    client.force_login(province_admin)
    assert client.get(f"/programme/plans/{lc_plan.pk}/").status_code == 403
    assert client.get(f"/programme/plans/{plan_2024.pk}/").status_code == 200


def test_a_leader_reads_the_plans_of_the_province_merged_into_its_own(make_unit, province, scheme, plan_2024):
    from tinhso.units import services as unit_services

    new = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, valid_from=dt.date(2025, 7, 1))
    root = User.objects.get(username="root")
    unit_services.record_event(root, "merge", dt.date(2025, 7, 1),
                               [province], [new])
    leader = User.objects.create_user("lanhdao-tn", password=PASSWORD, role=Role.VIEWER, unit=new)
    assert services.get_plan(plan_2024.pk, leader) == plan_2024
    assert services.get_scheme(scheme.pk, leader) == scheme
    assert not services.overview(leader, plan_2024).scoped
