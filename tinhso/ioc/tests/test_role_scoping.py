"""Each role sees its own scope and only the tiles and alerts it may see."""

import pytest
from django.contrib.auth.models import Permission

from tinhso.conftest import PASSWORD
from tinhso.indicators import services as indicators
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.ioc import registry, services
from tinhso.ioc.contract import Context


@pytest.fixture
def inspector(django_user_model, department):
    user = django_user_model.objects.create_user("inspector", password=PASSWORD, role="focal", unit=department)
    user.user_permissions.add(Permission.objects.get(codename="view_journeys"))
    return django_user_model.objects.get(pk=user.pk)  # fresh permission cache


def test_transport_is_only_for_transport_inspectors(catalogue, viewer_user, inspector, province):
    widget = registry.widgets()["transport.today"]
    assert not widget.can_see(viewer_user) and widget.can_see(inspector)
    assert all(not w["widget"].startswith("transport.") for w in services.default_definition(viewer_user)["widgets"])
    assert services.audience_of(inspector) == "sector"
    sector = services.default_definition(inspector)
    assert sector["widgets"][0]["widget"] == "transport.today"
    ctx = Context(user=viewer_user, scope=province, year=2023)
    assert all(a.source != "transport" for a in registry.alerts(ctx))
    # a shared dashboard naming transport widgets shows none of them to a leader
    definition = {**sector, "name": "Giao thông", "scope": province.code}
    figures = services.compute(services.context_for(viewer_user, definition), definition)
    assert all(not s.item["widget"].startswith("transport.") for s in figures.sections)


def test_every_role_sees_its_own_scope_on_the_home_page(client, catalogue, monthly, fill, commune, other_commune,
                                                         province, viewer_user, commune_focal):
    fill(monthly, commune, "2023-06", monthly_values(100, 80))
    fill(monthly, other_commune, "2023-06", monthly_values(100, 20))
    client.login(username=viewer_user.username, password=PASSWORD)
    page = client.get("/")
    assert page.status_code == 200 and page.context["figures"].ctx.scope == province
    client.login(username=commune_focal.username, password=PASSWORD)
    page = client.get("/")
    assert page.context["figures"].ctx.scope == commune
    # asking for the province's tile gives the focal point its own commune's figure
    tile = client.get("/ioc/tile/", {"widget": "indicators.indicator", "indicator": "TL_HS_TRUC_TUYEN",
                                     "key": "indicators.TL_HS_TRUC_TUYEN", "scope": province.pk, "year": 2023})
    assert tile.status_code == 200
    assert tile.context["ctx"].scope == commune and tile.context["tile"].value_text == "80%"
    assert commune.name in tile.content.decode() and other_commune.name not in tile.content.decode()


def test_the_leaders_tile_leads_to_the_approved_report(client, catalogue, monthly, fill, commune, province,
                                                       viewer_user, root_admin):
    report = fill(monthly, commune, "2023-06", monthly_values(100, 80))
    indicators.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2023, 75)
    definition = {"name": "Lãnh đạo", "year": 2023, "widgets": [{"widget": "indicators.plan", "params": {}}]}
    board = services.save_dashboard(root_admin, definition, shared=True, default_for="leader")
    client.login(username=viewer_user.username, password=PASSWORD)
    home = client.get("/").content.decode()
    assert board.name in home and "80%" in home and "đạt 107%" in home
    start = home.index('href="/ioc/tile/')
    link = home[start + 6: home.index('"', start + 6)].replace("&amp;", "&")
    detail = client.get(link).content.decode()
    assert f"/indicators/report/BM01-THANG/{commune.pk}/2023-06/" in detail
    assert report.approved_by.username in detail or "phê duyệt bởi" in detail


def test_dashboard_pages_answer_for_every_role(client, catalogue, viewer_user, province_admin, commune_focal):
    board = services.save_dashboard(province_admin, {"name": "Chung", "widgets": []}, shared=True)
    for user in (viewer_user, province_admin, commune_focal):
        client.login(username=user.username, password=PASSWORD)
        for url in ("/", "/ioc/", f"/ioc/d/{board.pk}/", f"/ioc/d/{board.pk}/export.json", "/ioc/new/"):
            assert client.get(url).status_code == 200, (user, url)


def test_bad_tile_parameters_are_answered_not_crashed(client, catalogue, viewer_user):
    client.login(username=viewer_user.username, password=PASSWORD)
    base = {"widget": "indicators.indicator", "key": "indicators.TL_HS_TRUC_TUYEN"}
    assert client.get("/ioc/tile/", {**base, "widget": "nowhere.tile"}).status_code == 404
    assert client.get("/ioc/tile/", {**base, "indicator": "NO_SUCH"}).status_code == 400
    for extra in ({"year": "99999999"}, {"scope": "9" * 30}, {"period": "2023-Q9"}, {"period": "2023-Q1"}):
        response = client.get("/ioc/tile/", {**base, "indicator": "TL_HS_TRUC_TUYEN", **extra})
        assert response.status_code == 200, extra
