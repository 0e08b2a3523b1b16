"""Role scoping, enforced identically in the API and the pages: each forbidden path is tried."""

import datetime as dt

import pytest
from django.test import Client

from tinhso.accounts.models import ApiToken
from tinhso.conftest import ApiClient
from tinhso.units.models import Unit, UnitKind

NEW_COMMUNE = {"name": "Xã Mới", "kind": "commune", "valid_to": "2025-06-30"}


def assert_forbidden(response):
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["error"] == "forbidden" and body["message"]["vi"] and body["message"]["en"]


# ---------------------------------------------------------------- API


def test_focal_point_cannot_touch_units_outside_its_subtree(db, api_as, focal_user, province, department):
    api = api_as(focal_user)  # focal point of Huyện Ba Bể
    assert_forbidden(api.patch(f"/units/{department.pk}", {"version": 1, "name": "Sở khác"}))
    assert_forbidden(api.patch(f"/units/{province.pk}", {"version": 1, "note": "x"}))
    assert_forbidden(api.delete(f"/units/{department.pk}?version=1"))
    assert_forbidden(api.post("/units", {**NEW_COMMUNE, "parent_id": province.pk}))
    assert_forbidden(api.post("/units", {"name": "Tỉnh X", "kind": "province"}))  # the top level
    department.refresh_from_db()
    assert department.name == "Sở Thông tin và Truyền thông Bắc Kạn" and department.version == 1


def test_focal_point_cannot_move_a_unit_out_of_its_subtree(db, api_as, focal_user, province, commune):
    api = api_as(focal_user)
    assert_forbidden(api.patch(f"/units/{commune.pk}", {"version": 1, "parent_id": province.pk}))
    # …nor lift its own unit to the top level
    assert_forbidden(api.patch(f"/units/{focal_user.unit_id}", {"version": 1, "kind": "province", "parent_id": None}))


def test_focal_point_edits_its_own_unit_and_below(db, api_as, focal_user, district, commune, other_commune):
    api = api_as(focal_user)
    response = api.patch(f"/units/{commune.pk}", {"version": 1, "short_name": "Chợ Rã"})
    assert response.status_code == 200 and response.json()["version"] == 2
    response = api.patch(f"/units/{district.pk}", {"version": 1, "note": "Đầu mối cập nhật"})
    assert response.status_code == 200
    response = api.post("/units", {**NEW_COMMUNE, "parent_id": district.pk, "code": "000.09.31.H05"})
    assert response.status_code == 201, response.content
    new_id = response.json()["id"]
    assert api.delete(f"/units/{new_id}?version=1").status_code == 204
    assert not Unit.objects.filter(pk=new_id).exists()


def test_viewer_reads_but_never_writes(db, api_as, viewer_user, province, district, commune):
    api = api_as(viewer_user)
    assert api.get(f"/units/{commune.pk}").status_code == 200
    assert api.get("/units?q=cho ra").json()[0]["id"] == commune.pk
    assert_forbidden(api.patch(f"/units/{commune.pk}", {"version": 1, "name": "X"}))
    assert_forbidden(api.delete(f"/units/{commune.pk}?version=1"))
    assert_forbidden(api.post("/units", {**NEW_COMMUNE, "parent_id": district.pk}))
    assert_forbidden(api.post("/units/events", {"kind": "rename", "date": "2025-07-01",
                                                "predecessor_ids": [commune.pk], "successor_ids": []}))


def test_api_client_is_scoped_to_its_unit(db, api_as, api_user, department, commune):
    api = api_as(api_user)  # API client of Huyện Ba Bể
    assert api.patch(f"/units/{commune.pk}", {"version": 1, "note": "đồng bộ"}).status_code == 200
    assert_forbidden(api.patch(f"/units/{department.pk}", {"version": 1, "note": "đồng bộ"}))
    assert_forbidden(api.post("/tokens", {"username": "api-client", "name": "more"}))


def test_province_admin_is_bounded_by_its_province(db, api_as, province_admin, make_unit, department):
    other = make_unit("Tỉnh Lào Cai", UnitKind.PROVINCE, code="000.00.00.H38", valid_to=dt.date(2025, 6, 30))
    api = api_as(province_admin)
    assert api.patch(f"/units/{department.pk}", {"version": 1, "note": "ok"}).status_code == 200
    assert_forbidden(api.patch(f"/units/{other.pk}", {"version": 1, "note": "no"}))


def test_system_admin_issues_tokens(db, root_admin, api_user):
    session = Client()
    session.force_login(root_admin)  # signed in: a token cannot mint tokens (accounts/tests/test_tokens_and_mergers.py)
    response = session.post("/api/v1/tokens", {"username": "api-client", "name": "Báo cáo"},
                            content_type="application/json")
    assert response.status_code == 201
    raw = response.json()["token"]
    assert ApiClient(raw).get("/me").json()["username"] == "api-client"


def test_unauthenticated_and_bad_tokens_get_401(db, client, commune):
    for anonymous in (ApiClient(), ApiClient("tsk_not-a-real-token")):
        for response in (anonymous.get(f"/units/{commune.pk}"), anonymous.get("/me"),
                         anonymous.patch(f"/units/{commune.pk}", {"version": 1, "name": "X"})):
            assert response.status_code == 401
            assert response.json()["error"] == "unauthenticated"


def test_revoked_and_expired_tokens_are_refused(db, api_user, commune):
    from django.utils import timezone

    token, raw = ApiToken.issue(api_user, "t")
    assert ApiClient(raw).get("/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert ApiClient(raw).get("/me").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None, revoked=True)
    assert ApiClient(raw).get("/me").status_code == 401


def test_session_writes_need_csrf(db, commune, root_admin):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(root_admin)
    response = browser.patch(f"/api/v1/units/{commune.pk}", {"version": 1, "name": "X"},
                             content_type="application/json")
    assert response.status_code in (401, 403)
    commune.refresh_from_db()
    assert commune.name == "Thị trấn Chợ Rã"


# ---------------------------------------------------------------- pages


@pytest.fixture
def browser(client):
    def as_user(user):
        client.force_login(user)
        return client
    return as_user


def test_edit_page_of_another_unit_is_a_403_page(db, browser, focal_user, department):
    page = browser(focal_user)
    response = page.get(f"/units/{department.pk}/edit/")
    assert response.status_code == 403
    assert "không có quyền" in response.content.decode() and "may not change" in response.content.decode()
    response = page.post(f"/units/{department.pk}/edit/", {"name": "Đổi tên", "kind": "department", "version": 1})
    assert response.status_code == 403
    department.refresh_from_db()
    assert department.name == "Sở Thông tin và Truyền thông Bắc Kạn"


def test_viewer_gets_403_on_edit_and_create_pages(db, browser, viewer_user, commune):
    page = browser(viewer_user)
    assert page.get(f"/units/{commune.pk}/").status_code == 200
    assert "Sửa" not in page.get(f"/units/{commune.pk}/").content.decode().split("<h1>")[0].split("breadcrumb")[-1]
    assert page.get(f"/units/{commune.pk}/edit/").status_code == 403
    assert page.get("/units/new/").status_code == 403
    assert page.post("/units/new/", {"name": "X", "kind": "commune"}).status_code == 403


def test_focal_point_edits_its_own_commune_in_the_ui(db, browser, focal_user, commune):
    page = browser(focal_user)
    assert page.get(f"/units/{commune.pk}/edit/").status_code == 200
    response = page.post(f"/units/{commune.pk}/edit/", {
        "name": "Thị trấn Chợ Rã", "short_name": "Chợ Rã", "kind": "commune", "code": "000.01.31.h05",
        "parent": commune.parent_id, "stats_code": "01864", "valid_to": "30/06/2025", "version": 1})
    assert response.status_code == 302, response.content.decode()
    commune.refresh_from_db()
    assert commune.short_name == "Chợ Rã" and commune.code == "000.01.31.H05" and commune.version == 2


def test_the_form_offers_only_parents_the_user_may_edit(db, browser, focal_user, province, district):
    page = browser(focal_user).get("/units/new/").content.decode()
    assert "Huyện Ba Bể" in page
    assert f'value="{province.pk}"' not in page


def test_pages_require_login(db, client, commune):
    for url in ("/units/", f"/units/{commune.pk}/", f"/units/{commune.pk}/edit/", f"/units/{commune.pk}/history/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
