"""Dashboards are data: validated whole, exported and imported as JSON, a default per role, pins."""

import json

import pytest

from tinhso.core.errors import Forbidden, ValidationFailed
from tinhso.ioc import services
from tinhso.ioc.models import Dashboard


def _definition(**extra) -> dict:
    return {"name": "Bảng của tỉnh", "audience": "leader", "scope": None, "year": 2023, "period": "",
            "refresh_seconds": 30, "widgets": [
                {"widget": "indicators.plan", "params": {"limit": 6}},
                {"widget": "indicators.trend", "params": {"indicator": "TL_HS_TRUC_TUYEN"}, "page": 2},
                {"widget": "programme.plan", "params": {}}],
            "alerts": {"sources": ["indicators", "programme"], "min_severity": "medium", "limit": 5}, **extra}


def test_a_definition_round_trips_through_export_and_import(catalogue, province_admin, province):
    board = services.save_dashboard(province_admin, _definition(scope=province.code), shared=True)
    exported = services.export_definition(board)
    again = services.import_definition(province_admin, exported, shared=True)
    assert again.pk != board.pk
    assert again.definition == board.definition
    assert json.loads(services.export_definition(again)) == json.loads(exported)
    assert again.definition["widgets"][1] == {"widget": "indicators.trend",
                                              "params": {"indicator": "TL_HS_TRUC_TUYEN"}, "page": 2, "wide": False}


def test_an_import_naming_unknown_things_is_refused_whole(catalogue, province_admin):
    bad = _definition(scope="999.99.99.Z99", widgets=[
        {"widget": "indicators.trend", "params": {"indicator": "NO_SUCH"}},
        {"widget": "nowhere.tile", "params": {}},
        {"widget": "indicators.plan", "params": {"limit": 5, "colour": "red"}}])
    with pytest.raises(ValidationFailed) as caught:
        services.import_definition(province_admin, json.dumps(bad))
    fields = {e.field: e.vi for e in caught.value.errors}
    assert "scope" in fields and "999.99.99.Z99" in fields["scope"]
    assert "NO_SUCH" in fields["widgets[0].params.indicator"]
    assert "nowhere.tile" in fields["widgets[1].widget"]
    assert "colour" in fields["widgets[2].params.colour"]
    assert not Dashboard.objects.exists()
    with pytest.raises(ValidationFailed) as caught:
        services.import_definition(province_admin, "{not json")
    assert caught.value.errors[0].field == "file"


def test_each_role_gets_its_default_and_a_pin_replaces_it(catalogue, viewer_user, province_admin, commune_focal):
    assert services.audience_of(viewer_user) == "leader"
    assert services.audience_of(province_admin) == "dx_office"
    assert services.audience_of(commune_focal) == "focal"
    leader, board = services.home_definition(viewer_user)
    assert board is None and leader["audience"] == "leader"
    assert {"widget": "indicators.plan", "params": {"limit": 8}} in leader["widgets"]
    focal, _ = services.home_definition(commune_focal)
    assert all(w["widget"] != "indicators.plan" for w in focal["widgets"])
    shared = services.save_dashboard(province_admin, _definition(name="Mặc định lãnh đạo"), default_for="leader")
    assert services.home_definition(viewer_user)[1] == shared
    own = services.save_dashboard(viewer_user, _definition(name="Của tôi"))
    services.pin(viewer_user, own.pk)
    assert services.home_definition(viewer_user)[1] == own
    services.pin(viewer_user, None)
    assert services.home_definition(viewer_user)[1] == shared


def test_only_the_dx_office_shares_dashboards_and_nobody_edits_anothers(catalogue, viewer_user, province_admin,
                                                                        commune_focal):
    with pytest.raises(Forbidden):
        services.save_dashboard(viewer_user, _definition(), shared=True)
    own = services.save_dashboard(viewer_user, _definition())
    with pytest.raises(Exception) as caught:
        services.save_dashboard(commune_focal, _definition(), dashboard_id=own.pk)
    assert caught.value.status == 404
    with pytest.raises(Exception) as caught:
        services.save_dashboard(viewer_user, _definition(name="v2"), dashboard_id=own.pk, expected_version=7)
    assert caught.value.status == 409


def test_a_scope_outside_the_users_subtree_falls_back_to_their_unit(catalogue, commune_focal, province, commune):
    definition = _definition(scope=province.code)
    assert services.scope_for(commune_focal, definition) == commune
