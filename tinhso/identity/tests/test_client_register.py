"""Who registers and governs client applications, and how their input is checked."""

import pytest

from tinhso.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tinhso.identity import services
from tinhso.identity.tests.oidc_helpers import REDIRECT


def _data(unit, **changes) -> services.ClientData:
    values = {"name": "Ứng dụng", "owner_unit": unit, "redirect_uris": [REDIRECT], "scopes": ["openid"],
              "post_logout_redirect_uris": []}
    return services.ClientData(**(values | changes))


def test_only_the_dx_office_registers_applications(province, commune_focal, viewer_user, province_admin):
    for user in (commune_focal, viewer_user):
        with pytest.raises(Forbidden):
            services.register_client(user, _data(province))
    client, secret = services.register_client(province_admin, _data(province))
    assert len(secret) >= 40 and client.application.client_secret != secret  # stored hashed


def test_an_administrator_of_another_province_neither_sees_nor_changes_the_application(
        province, province_admin, make_unit):
    from tinhso.accounts.models import Role, User

    other = make_unit("Tỉnh Lào Cai", "province", code="000.00.00.H25")
    stranger = User.objects.create_user("laocai-admin", role=Role.ADMIN, unit=other)
    client, _ = services.register_client(province_admin, _data(province))
    assert not services.visible_clients(stranger).exists()
    with pytest.raises(NotFound):
        services.set_enabled(stranger, client.pk, False, client.version)


def test_bad_registration_names_each_field(province, province_admin):
    with pytest.raises(ValidationFailed) as raised:
        services.register_client(province_admin, _data(
            None, name=" ", redirect_uris=["javascript:alert(1)", "http://x/cb#frag"], scopes=["profile", "admin"]))
    fields = sorted(e.field for e in raised.value.errors)
    assert fields == ["name", "owner_unit", "redirect_uris", "redirect_uris", "scopes", "scopes"]


def test_a_stale_edit_is_a_conflict_and_every_change_is_in_the_history(province, province_admin):
    client, _ = services.register_client(province_admin, _data(province))
    services.update_client(province_admin, client.pk, _data(province, name="Ứng dụng mới"), client.version)
    with pytest.raises(Conflict):
        services.update_client(province_admin, client.pk, _data(province, name="Cũ"), client.version)
    client.refresh_from_db()
    assert client.application.name == "Ứng dụng mới" and client.version == 2
    assert [h.history_user for h in client.history.all()] == [province_admin, province_admin]


def test_the_api_shows_the_secret_once_and_refuses_others(api_as, province, province_admin, commune_focal):
    api = api_as(province_admin)
    created = api.post("/identity/clients", {"name": "Một cửa", "owner_unit_id": province.pk,
                                             "redirect_uris": [REDIRECT], "scopes": ["openid", "tinhso"]})
    assert created.status_code == 201 and created.json()["client_secret"]
    listed = api.get("/identity/clients").json()
    assert "client_secret" not in listed[0] and listed[0]["scopes"] == ["openid", "tinhso"]
    assert api_as(commune_focal).get("/identity/clients").status_code == 403
    off = api.post(f"/identity/clients/{listed[0]['id']}/enabled", {"enabled": False, "version": 1})
    assert off.status_code == 200 and off.json()["enabled"] is False
    stale = api.post(f"/identity/clients/{listed[0]['id']}/enabled", {"enabled": True, "version": 1})
    assert stale.status_code == 409
