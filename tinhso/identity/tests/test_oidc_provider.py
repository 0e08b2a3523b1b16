"""tinhso as an OpenID Connect provider: discovery, JWKS, code flow with PKCE, claims per scope, consent,
refresh, logout, disabled applications and the sign-in log."""

import datetime as dt

import pytest
from django.test import Client

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.identity import services
from tinhso.identity.models import SignIn
from tinhso.identity.tests.oidc_helpers import (
    REDIRECT,
    authorize_url,
    basic,
    code_from,
    exchange,
    pkce_pair,
    verify_id_token,
)


@pytest.fixture
def registered(province_admin, province):
    client, secret = services.register_client(province_admin, services.ClientData(
        name="Cổng trường học", owner_unit=province, redirect_uris=[REDIRECT],
        post_logout_redirect_uris=["http://rp.example.gov.vn/"], scopes=["openid", "profile", "tinhso"]))
    return client, secret


@pytest.fixture
def browser(commune_focal) -> Client:
    http = Client()
    assert http.login(username=commune_focal.username, password=PASSWORD)
    return http


def _sign_in(http, client, secret, scope="openid profile tinhso"):
    verifier, challenge = pkce_pair()
    url = authorize_url(client.application.client_id, scope, challenge)
    page = http.get(url)
    if page.status_code == 200:  # consent asked: the user allows
        assert "Cổng trường học" in page.content.decode()
        page = http.post(url, {**_hidden_fields(page), "allow": "1"})
    tokens = exchange(Client(), client.application.client_id, secret, code_from(page), verifier)
    assert tokens.status_code == 200, tokens.content
    return tokens.json()


def _hidden_fields(page) -> dict:
    form = page.context["form"]
    return {name: form[name].value() for name in form.fields if form[name].is_hidden and form[name].value() is not None}


def test_discovery_document_and_jwks_are_published_at_the_site_root(db, registered):
    http = Client()
    doc = http.get("/.well-known/openid-configuration").json()
    assert doc["issuer"] == "http://testserver"
    assert doc["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert doc["token_endpoint"] == "http://testserver/o/token/"
    assert doc["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert doc["end_session_endpoint"] == "http://testserver/o/logout/"
    assert "S256" in doc["code_challenge_methods_supported"]
    assert {"openid", "tinhso"} <= set(doc["scopes_supported"])
    keys = http.get(doc["jwks_uri"]).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and keys[0]["use"] == "sig" and "d" not in keys[0]


def test_code_flow_with_pkce_gives_verified_tokens_with_unit_province_and_role(registered, browser, commune,
                                                                               province):
    client, secret = registered
    tokens = _sign_in(browser, client, secret)
    claims = verify_id_token(Client(), tokens["id_token"])
    assert claims["iss"] == "http://testserver" and claims["aud"] == client.application.client_id
    assert claims["nonce"] == "n-1"
    # Thị trấn Chợ Rã ended on 30/06/2025 without a successor in this fixture: no current unit is claimed.
    assert claims["role"] == "focal" and claims["preferred_username"] == "commune-focal"
    info = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert info["sub"] == claims["sub"] and info["role"] == "focal"


def test_claims_name_the_unit_as_of_today_and_its_province(registered, make_unit, root_admin):
    client, secret = registered
    province = make_unit("Tỉnh Thái Nguyên", "province", code="000.00.00.H47")
    department = make_unit("Sở Khoa học và Công nghệ Thái Nguyên", "department", province, "000.00.14.H47")
    user = User.objects.create_user("daumoi", password=PASSWORD, role=Role.FOCAL, unit=department)
    http = Client()
    http.login(username=user.username, password=PASSWORD)
    tokens = _sign_in(http, client, secret)
    claims = verify_id_token(Client(), tokens["id_token"])
    assert claims["unit_code"] == "000.00.14.H47"
    assert claims["unit_name"] == "Sở Khoa học và Công nghệ Thái Nguyên"
    assert claims["province_code"] == "000.00.00.H47" and claims["province_name"] == "Tỉnh Thái Nguyên"


def test_unit_claims_are_released_only_with_the_tinhso_scope(registered, browser):
    client, secret = registered
    tokens = _sign_in(browser, client, secret, scope="openid")
    claims = verify_id_token(Client(), tokens["id_token"])
    assert "role" not in claims and "unit_name" not in claims and "preferred_username" not in claims
    info = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert set(info) == {"sub"}


def test_an_application_cannot_ask_for_a_scope_it_was_not_granted(registered, browser):
    client, _ = registered
    _, challenge = pkce_pair()
    response = browser.get(authorize_url(client.application.client_id, "openid email", challenge))
    assert response.status_code == 302 and "error=invalid_scope" in response["Location"]


def test_pkce_is_required(registered, browser):
    client, _ = registered
    response = browser.get(authorize_url(client.application.client_id, "openid", None))
    assert response.status_code == 302 and "error=invalid_request" in response["Location"]


def test_consent_is_asked_once_and_again_after_the_user_revokes_it(registered, browser, commune_focal):
    client, secret = registered
    _sign_in(browser, client, secret)
    _, challenge = pkce_pair()
    again = browser.get(authorize_url(client.application.client_id, "openid profile tinhso", challenge))
    assert again.status_code == 302 and "code=" in again["Location"]  # no consent page the second time
    assert [c.client.pk for c in services.consents_of(commune_focal)] == [client.pk]
    services.revoke_consent(commune_focal, client.pk)
    assert services.consents_of(commune_focal) == []
    asked = browser.get(authorize_url(client.application.client_id, "openid profile tinhso", challenge))
    assert asked.status_code == 200 and "Cho phép" in asked.content.decode()


def test_refresh_token_gives_new_tokens_and_is_rotated(registered, browser):
    client, secret = registered
    tokens = _sign_in(browser, client, secret)
    auth = basic(client.application.client_id, secret)
    fresh = Client().post("/o/token/", {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
                          HTTP_AUTHORIZATION=auth)
    assert fresh.status_code == 200 and fresh.json()["access_token"] != tokens["access_token"]
    reused = Client().post("/o/token/", {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
                           HTTP_AUTHORIZATION=auth)
    assert reused.status_code == 400


def test_a_disabled_application_is_refused_at_once(registered, browser, province_admin):
    client, secret = registered
    tokens = _sign_in(browser, client, secret)
    services.set_enabled(province_admin, client.pk, False, client.version, "thu hồi")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert Client().get("/o/userinfo/", **bearer).status_code == 401
    refresh = Client().post("/o/token/", {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
                            HTTP_AUTHORIZATION=basic(client.application.client_id, secret))
    assert refresh.status_code == 401
    _, challenge = pkce_pair()
    page = browser.get(authorize_url(client.application.client_id, "openid", challenge))
    assert page.status_code == 400  # an unknown/disabled client is never redirected to


def test_rp_initiated_logout_ends_the_session_and_returns_to_the_application(registered, browser):
    client, secret = registered
    tokens = _sign_in(browser, client, secret)
    response = browser.get("/o/logout/", {"id_token_hint": tokens["id_token"],
                                          "client_id": client.application.client_id,
                                          "post_logout_redirect_uri": "http://rp.example.gov.vn/"})
    assert response.status_code == 302 and response["Location"] == "http://rp.example.gov.vn/"
    assert browser.get("/accounts/me/").status_code == 302  # logged out of tinhso too


def test_every_token_issued_is_in_the_applications_sign_in_log(registered, browser, commune_focal, province_admin):
    client, secret = registered
    _sign_in(browser, client, secret)
    _sign_in(browser, client, secret)
    log = services.sign_in_log(province_admin, client.pk)
    assert [(s.user, s.grant_type) for s in log] == [(commune_focal, "authorization_code")] * 2
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert services.sign_in_counts(province_admin, since)[client.pk]["users"] == 1
    assert SignIn.objects.count() == 2


def test_the_consent_page_speaks_the_chosen_language_only(registered, browser):
    client, _ = registered
    _, challenge = pkce_pair()
    browser.cookies["django_language"] = "en"
    page = browser.get(authorize_url(client.application.client_id, "openid tinhso", challenge)).content.decode()
    assert "wants to use your tinhso account" in page and "Your unit (name, electronic code)" in page
    assert "Cho phép" not in page and "muốn dùng" not in page
