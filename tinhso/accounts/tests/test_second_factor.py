"""TOTP second factor with recovery codes, required by role."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.accounts import second_factor
from tinhso.conftest import PASSWORD


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled(user) -> list[str]:
    """An authenticator already set up (no code used yet: a TOTP code is accepted once), with recovery codes."""
    device = second_factor.pending_totp(user)
    device.confirmed = True
    device.save()
    return second_factor.new_recovery_codes(user)


@pytest.fixture
def required(settings):
    settings.TINHSO_2FA_REQUIRED_ROLES = ["admin"]


def test_an_administrator_must_set_up_a_second_factor_before_anything_else(required, province_admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the right one by 1 s
    http = Client()
    http.force_login(province_admin)
    response = http.get("/units/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/setup/")
    api = http.get("/api/v1/units")
    assert api.status_code == 403 and api.json()["error"] == "second_factor_required"
    page = http.get(response["Location"])
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=province_admin, confirmed=False)
    wrong = http.post("/accounts/2fa/setup/", {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert "Mã không đúng" in wrong.content.decode()
    done = http.post("/accounts/2fa/setup/", {"code": current_code(device), "next": "/units/"})
    codes = done.context["codes"]
    assert len(codes) == second_factor.RECOVERY_CODES
    assert http.get("/units/").status_code == 200  # this session is now verified


def test_later_sign_ins_ask_for_the_code_and_accept_a_recovery_code_once(required, province_admin):
    codes = enrolled(province_admin)
    http = Client()
    http.force_login(province_admin)
    assert http.get("/units/")["Location"].startswith("/accounts/2fa/verify/")
    assert http.post("/accounts/2fa/verify/", {"code": codes[0], "next": "/units/"})["Location"] == "/units/"
    other = Client()
    other.force_login(province_admin)
    reused = other.post("/accounts/2fa/verify/", {"code": codes[0]})
    assert reused.status_code == 200 and "Mã không đúng" in reused.content.decode()


def test_a_focal_point_is_not_forced_but_may_turn_it_on(required, commune_focal):
    http = Client()
    http.force_login(commune_focal)
    assert http.get("/accounts/me/").status_code == 200
    assert not second_factor.required_for(commune_focal)


@pytest.mark.e2e
def test_a_dx_office_login_with_a_second_factor_in_the_browser(required, browser_page, province_admin):
    enrolled(province_admin)
    page = browser_page
    page.goto("/login/")
    page.fill("input[name=username]", province_admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", current_code(TOTPDevice.objects.get(user=province_admin)))
    page.click("button.primary")
    page.wait_for_url(lambda url: "/2fa/" not in url and "/login/" not in url)
    assert page.locator("header .who").inner_text().startswith(province_admin.full_name or province_admin.username)

