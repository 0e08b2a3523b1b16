"""End to end: a separate application logs a tinhso user in through the browser with a standard OIDC
client library and shows the claims it got."""

import json
import os
import tempfile

import pytest

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.identity import services
from tinhso.identity.models import SignIn
from tinhso.identity.tests.relying_party import RelyingParty


@pytest.mark.e2e
def test_an_application_of_the_province_signs_a_user_in_through_tinhso(browser_page, live_server, make_unit):
    province = make_unit("Tỉnh Thái Nguyên", "province", code="000.00.00.H47")
    school = make_unit("Sở Giáo dục và Đào tạo Thái Nguyên", "department", province, "000.00.12.H47")
    office = User.objects.create_user("quantri", password=PASSWORD, role=Role.ADMIN, unit=province)
    User.objects.create_user("giaovien", password=PASSWORD, role=Role.FOCAL, unit=school, full_name="Nguyễn Thị Hoa")
    with RelyingParty(live_server.url) as rp:
        client, secret = services.register_client(office, services.ClientData(
            name="Cổng học trực tuyến", owner_unit=school, redirect_uris=[f"{rp.url}/callback"],
            post_logout_redirect_uris=[], scopes=["openid", "profile", "tinhso"]))
        rp.client_id, rp.client_secret = client.application.client_id, secret

        page = browser_page
        page.goto(f"{rp.url}/login")
        page.fill("input[name=username]", "giaovien")
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        page.wait_for_selector("#allow")
        assert "Cổng học trực tuyến" in page.inner_text("h1")
        page.screenshot(path=os.path.join(tempfile.gettempdir(), "identity-consent.png"))
        page.click("#allow")
        page.wait_for_selector("#claims")
        claims = json.loads(page.inner_text("#claims"))
        userinfo = json.loads(page.inner_text("#userinfo"))
    assert claims["unit_code"] == "000.00.12.H47" and claims["province_name"] == "Tỉnh Thái Nguyên"
    assert userinfo["role"] == "focal" and userinfo["name"] == "Nguyễn Thị Hoa"
    assert SignIn.objects.filter(client=client, user__username="giaovien").count() == 1

