"""A kiosk link is scoped like the DX office that issued it: its wall shows that office's subtree only
(never another province's figures, whatever the dashboard names), none of the office's own to-do alerts
(a wall is public in the room), and only offices of the issuing province list and revoke it."""

import pytest
from django.test import Client

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.core.errors import NotFound
from tinhso.indicators import services as indicators
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.ioc import services
from tinhso.units.models import UnitKind


@pytest.fixture
def other_province(make_unit):
    return make_unit("Tỉnh Lào Cai", UnitKind.PROVINCE, code="000.00.00.H39", stats_code="10")


@pytest.fixture
def other_office(other_province):
    return User.objects.create_user("dx-laocai", password=PASSWORD, role=Role.ADMIN, unit=other_province)


def _board(admin, scope_code: str):
    return services.save_dashboard(admin, {"name": "Màn hình tỉnh", "scope": scope_code, "year": 2023, "widgets": [
        {"widget": "indicators.indicator", "params": {"indicator": "TL_HS_TRUC_TUYEN"}}]}, shared=True)


def test_the_wall_shows_the_issuers_subtree_whatever_the_dashboard_names(catalogue, monthly, fill, commune,
                                                                         province, province_admin, other_province):
    fill(monthly, commune, "2023-06", monthly_values(100, 80))
    board = _board(province_admin, other_province.code)  # names a province the issuer does not govern
    _, token = services.issue_kiosk_link(province_admin, board.pk, "Hội trường", days=1)
    link = services.resolve_kiosk(token)
    figures = services.figures_for(link.issued_by, board.definition, board, kiosk=True)
    assert figures.ctx.scope == province and figures.ctx.kiosk
    html = Client().get(f"/ioc/wall/{token}/data.json").json()["html"]
    assert province.name in html and other_province.name not in html


def test_the_wall_shows_no_to_do_alerts_of_the_issuing_office(catalogue, monthly, commune, province,
                                                              province_admin, commune_focal):
    indicators.save_report(commune_focal, monthly, commune, "2023-06", monthly_values(10, 8), submit=True)
    board = _board(province_admin, province.code)
    office = services.figures_for(province_admin, board.definition, board)
    assert any(a.key == "indicators.pending.BM01-THANG.2023-06" for a in office.alerts)
    _, token = services.issue_kiosk_link(province_admin, board.pk, "Hội trường", days=1)
    wall = Client().get(f"/ioc/wall/{token}/data.json").json()["html"]
    assert "chờ phê duyệt" not in wall


def test_only_offices_of_the_issuing_province_list_and_revoke_its_links(catalogue, province, province_admin,
                                                                        other_office):
    board = _board(province_admin, province.code)
    link, token = services.issue_kiosk_link(province_admin, board.pk, "Hội trường", days=1)
    assert [k.pk for k in services.kiosk_links(province_admin)] == [link.pk]
    assert services.kiosk_links(other_office) == []
    with pytest.raises(NotFound):
        services.revoke_kiosk_link(other_office, link.pk)
    client = Client()
    client.login(username=other_office.username, password=PASSWORD)
    assert client.post(f"/ioc/kiosk/{link.pk}/revoke/").status_code == 404
    assert "Hội trường" not in client.get("/ioc/").content.decode()
    assert Client().get(f"/ioc/wall/{token}/data.json").status_code == 200  # still live
