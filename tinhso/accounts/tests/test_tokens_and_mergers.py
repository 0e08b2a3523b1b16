"""API tokens are named, expiring, listed and revocable, only for API clients, never minted by a token;
accounts follow their unit through a merger as the administrator chose."""

import datetime as dt

import pytest
from django.test import Client

from tinhso.accounts.models import ApiToken, Role, User
from tinhso.conftest import PASSWORD
from tinhso.units.models import EventKind
from tinhso.units.services import record_event


def test_tokens_are_issued_only_to_api_clients_with_an_expiry(api_as, root_admin, api_user, focal_user):
    http = Client()
    http.force_login(root_admin)
    ok = http.post("/api/v1/tokens", {"username": api_user.username, "name": "LGSP", "days": 30},
                   content_type="application/json")
    assert ok.status_code == 201
    expires = dt.datetime.fromisoformat(ok.json()["expires_at"])
    assert 29 <= (expires - dt.datetime.now(dt.UTC)).days <= 30
    for username in (focal_user.username, "nobody"):
        refused = http.post("/api/v1/tokens", {"username": username, "name": "x"}, content_type="application/json")
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "username"
    too_long = http.post("/api/v1/tokens", {"username": api_user.username, "name": "x", "days": 5000},
                         content_type="application/json")
    assert too_long.status_code in (400, 422)


def test_a_token_cannot_mint_tokens(api_as, root_admin, api_user):
    response = api_as(root_admin).post("/tokens", {"username": api_user.username, "name": "x"})
    assert response.status_code == 403


def test_tokens_are_listed_and_revoked(api_as, root_admin, api_user):
    _, raw = ApiToken.issue(api_user, "Báo cáo")
    http = Client()
    http.force_login(root_admin)
    listed = http.get("/api/v1/tokens").json()
    token = next(t for t in listed if t["name"] == "Báo cáo")
    assert "token" not in token and token["hint"] == raw[:10]
    assert http.delete(f"/api/v1/tokens/{token['id']}").json()["revoked"] is True
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_an_expired_token_is_refused(api_user):
    _, raw = ApiToken.issue(api_user, "cũ", expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.fixture
def merger(make_unit, root_admin):
    province = make_unit("Tỉnh Thái Nguyên", "province", code="000.00.00.H47")
    old = make_unit("Xã Cũ", "commune", province, code="001.00.00.H47")
    new = make_unit("Xã Mới", "commune", province, code="002.00.00.H47", valid_from=dt.date(2025, 7, 1))
    official = User.objects.create_user("canbo", password=PASSWORD, role=Role.FOCAL, unit=old)
    return old, new, official


def test_accounts_move_to_the_successor_and_are_told_at_next_sign_in(merger, root_admin):
    old, new, official = merger
    record_event(root_admin, EventKind.MERGE, dt.date(2025, 7, 1), [old], [new], accounts_policy="move")
    official.refresh_from_db()
    assert official.unit == new and "Xã Mới" in official.notice
    assert official.history.first().history_change_reason.endswith("move")
    http = Client()
    page = http.post("/login/", {"username": "canbo", "password": PASSWORD}, follow=True)
    assert "Xã Mới" in page.content.decode()
    official.refresh_from_db()
    assert official.notice == ""  # told once


def test_accounts_can_be_disabled_or_kept_at_a_merger(merger, root_admin, make_unit):
    old, new, official = merger
    record_event(root_admin, EventKind.MERGE, dt.date(2025, 7, 1), [old], [new], accounts_policy="disable")
    official.refresh_from_db()
    assert not official.is_active and official.unit == old


def test_an_unknown_accounts_policy_is_refused_on_its_field(api_as, root_admin, merger):
    old, new, _ = merger
    response = api_as(root_admin).post("/units/events", {"kind": "merge", "date": "2025-07-01",
                                                         "predecessor_ids": [old.pk], "successor_ids": [new.pk],
                                                         "accounts_policy": "delete"})
    assert response.status_code in (400, 422) and "accounts_policy" in response.content.decode()
