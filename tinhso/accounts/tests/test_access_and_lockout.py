"""No access by default, and sign-in throttling with lock-out."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD


@pytest.fixture
def bare_account(db) -> User:
    """What Django's admin or `createuser` makes: a login with the default role and no unit."""
    return User.objects.create_user("moi.tao", password=PASSWORD)


def test_an_account_without_a_unit_sees_only_its_profile(bare_account, province):
    http = Client()
    http.force_login(bare_account)
    for path in ("/", "/units/", "/indicators/", "/programme/", f"/units/{province.pk}/"):
        response = http.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/me/", path
    profile = http.get("/accounts/me/", follow=True)
    assert profile.status_code == 200 and "chưa được gán đơn vị" in profile.content.decode()
    api = http.get("/api/v1/units")
    assert api.status_code == 403 and api.json()["error"] == "no_access"
    assert set(api.json()["message"]) == {"vi", "en"}


def test_an_api_token_of_an_account_without_a_unit_is_refused(bare_account, api_as):
    bare_account.role = Role.API_CLIENT
    bare_account.save()
    assert api_as(bare_account).get("/units").status_code == 401


def test_assigning_a_unit_opens_access(bare_account, province):
    bare_account.unit = province
    bare_account.save()
    http = Client()
    http.force_login(bare_account)
    assert http.get("/units/").status_code == 200


def _attempt(http: Client, username: str, password: str):
    return http.post("/login/", {"username": username, "password": password})


def test_repeated_wrong_passwords_lock_the_account_and_say_so(viewer_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    http = Client()
    for _ in range(2):
        assert _attempt(http, viewer_user.username, "sai-mat-khau").status_code == 200
    locked = _attempt(http, viewer_user.username, "sai-mat-khau")
    assert locked.status_code == 429 and "Tài khoản tạm khoá" in locked.content.decode()
    # Even the right password is refused while the lock lasts, from any address.
    again = Client(REMOTE_ADDR="10.9.8.7").post("/login/", {"username": viewer_user.username, "password": PASSWORD})
    assert again.status_code == 429
    attempts = AccessAttempt.objects.filter(username=viewer_user.username)  # the log administrators read
    assert sum(a.failures_since_start for a in attempts) >= 3


def test_an_administrator_unlocks_and_a_success_resets_the_count(viewer_user, settings):
    from axes.utils import reset

    settings.AXES_FAILURE_LIMIT = 2
    http = Client()
    _attempt(http, viewer_user.username, "x")
    assert _attempt(http, viewer_user.username, "x").status_code == 429
    reset(username=viewer_user.username)
    ok = _attempt(http, viewer_user.username, PASSWORD)
    assert ok.status_code == 302
    assert not AccessAttempt.objects.filter(username=viewer_user.username).exists()
