"""Analytics and achievement answer only for units in the reader's subtree, in the API and on the pages
(docs/read-policy.md): naming another province's unit is refused, a whole level is cut to the subtree."""

import pytest

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.indicators import services
from tinhso.units.models import UnitKind

from .conftest import monthly_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def lao_cai(make_unit):
    province = make_unit("Tỉnh Lào Cai", UnitKind.PROVINCE, code="000.00.00.H25", valid_to=None)
    commune = make_unit("Phường Sa Pa", UnitKind.COMMUNE, province, valid_to=None)
    return province, commune


def test_analytics_and_achievement_refuse_units_outside_the_readers_subtree(
        monthly, fill, api_as, client, root_admin, province, commune, lao_cai):
    lc_province, sa_pa = lao_cai
    fill(monthly, commune, "2024-03", monthly_values(100, 60))
    fill(monthly, sa_pa, "2024-03", monthly_values(50, 40))
    services.set_target(root_admin, "HS_TONG", lc_province, 2024, 40)
    services.set_target(root_admin, "HS_TONG", province, 2024, 90)
    leader = User.objects.create_user("lanhdao-bk", password=PASSWORD, role=Role.VIEWER, unit=province)
    api = api_as(leader)
    base = {"indicators": "HS_TONG", "start": "2024", "as_of": "2024-12-31"}

    assert api.get("/indicators/analytics", {**base, "units": str(province.pk)}).status_code == 200
    refused = api.get("/indicators/analytics", {**base, "units": f"{province.pk},{lc_province.pk}"})
    assert refused.status_code == 403 and refused.json()["message"]["en"]
    assert api.get("/indicators/analytics", {**base, "parent": lc_province.pk}).status_code == 403
    by_level = api.get("/indicators/analytics", {**base, "level": "province"}).json()
    assert {r["unit_id"] for r in by_level} == {province.pk}
    assert {r["unit_id"] for r in api_as(root_admin).get("/indicators/analytics", {**base, "level": "province"})
            .json()} == {province.pk, lc_province.pk}

    assert api.get("/indicators/achievement", {"unit_id": province.pk, "year": 2024}).status_code == 200
    assert api.get("/indicators/achievement", {"unit_id": lc_province.pk, "year": 2024}).status_code == 403
    assert {t["unit_id"] for t in api.get("/indicators/targets", {"year": 2024}).json()} == {province.pk}

    client.force_login(leader)
    assert client.get("/indicators/targets/", {"unit": province.pk, "year": 2024}).status_code == 200
    assert client.get("/indicators/targets/", {"unit": lc_province.pk, "year": 2024}).status_code == 403
    assert client.get("/indicators/analytics/", {"parent": province.pk, "year": 2024}).status_code == 200
    assert client.get("/indicators/analytics/", {"parent": lc_province.pk, "year": 2024}).status_code == 403
