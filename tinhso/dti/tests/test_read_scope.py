"""A round's page answers exactly like the API (docs/read-policy.md): an unpublished round is refused to
another province's focal point on both; a published one is open to every signed-in user."""

import pytest

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.units.models import UnitKind

from .conftest import run_round

pytestmark = pytest.mark.django_db


def test_unpublished_round_page_and_api_refuse_another_provinces_focal_point(
        client, api_as, root_admin, framework, province, commune, other_commune, commune_focal, make_unit):
    lao_cai = make_unit("Tỉnh Lào Cai", UnitKind.PROVINCE, code="000.00.00.H25")
    sa_pa = make_unit("Phường Sa Pa", UnitKind.COMMUNE, lao_cai)
    stranger = User.objects.create_user("daumoi.sapa", password=PASSWORD, role=Role.FOCAL, unit=sa_pa)
    draft = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                      {commune: {"B2": 20}}, publish=False)

    assert api_as(stranger).get(f"/dti/rounds/{draft.pk}").status_code == 403
    client.force_login(stranger)
    assert client.get(f"/dti/rounds/{draft.pk}/").status_code == 403
    # a member unit's own focal point sees the round on both
    assert api_as(commune_focal).get(f"/dti/rounds/{draft.pk}").status_code == 200
    client.force_login(commune_focal)
    assert client.get(f"/dti/rounds/{draft.pk}/").status_code == 200

    published = run_round(root_admin, framework, province, [commune, other_commune], 2023,
                          {commune: {"B2": 20}, other_commune: {"B2": 10}})
    assert api_as(stranger).get(f"/dti/rounds/{published.pk}").status_code == 200
    client.force_login(stranger)
    assert client.get(f"/dti/rounds/{published.pk}/").status_code == 200
