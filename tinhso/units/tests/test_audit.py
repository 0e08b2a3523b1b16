"""Every create, update and delete is kept with who, when, before and after, and shown per unit."""

import datetime as dt

from django.utils import timezone

from tinhso.units.models import Unit


def test_api_history_records_create_update_delete(db, api_as, focal_user, district):
    api = api_as(focal_user)
    started = timezone.now()
    created = api.post("/units", {"name": "Xã Đồng Phúc", "kind": "commune", "parent_id": district.pk,
                                  "code": "000.05.31.H05", "stats_code": "01879", "valid_to": "2025-06-30"}).json()
    unit_id = created["id"]
    assert api.patch(f"/units/{unit_id}", {"version": 1, "name": "Xã Đồng Phúc (sửa)", "note": "ghi chú"}
                     ).status_code == 200
    history = api.get(f"/units/{unit_id}/history").json()
    assert [h["action"] for h in history] == ["~", "+"]
    update, create = history
    assert update["who"] == "focal" and update["action_vi"] == "Cập nhật" and update["action_en"] == "Updated"
    assert dt.datetime.fromisoformat(update["when"]) >= started
    changes = {c["field"]: (c["before"], c["after"]) for c in update["changes"]}
    assert changes["name"] == ("Xã Đồng Phúc", "Xã Đồng Phúc (sửa)")
    assert changes["note"] == ("", "ghi chú")
    assert "path" not in changes and "search_text" not in changes
    assert {c["field"]: c["after"] for c in create["changes"]}["code"] == "000.05.31.H05"
    assert create["who"] == "focal"

    assert api.delete(f"/units/{unit_id}?version=2").status_code == 204
    history = api.get(f"/units/{unit_id}/history").json()  # still answers after the deletion
    assert [h["action"] for h in history] == ["-", "~", "+"]
    assert history[0]["who"] == "focal" and history[0]["reason"] == "Xóa / Deleted"
    assert api.get("/units/987654/history").status_code == 404


def test_history_of_an_event_is_recorded_on_the_units(db, root_admin, make_unit):
    from tinhso.units.models import EventKind, UnitKind
    from tinhso.units.services import record_event

    old = make_unit("Tỉnh A", UnitKind.PROVINCE, code="000.00.00.H71")
    new = make_unit("Tỉnh B", UnitKind.PROVINCE, code="000.00.00.H72", valid_from=dt.date(2025, 7, 1))
    record_event(root_admin, EventKind.MERGE, dt.date(2025, 7, 1), [old], [new])
    last = old.history.first()
    assert last.history_user == root_admin and last.valid_to == dt.date(2025, 6, 30)
    assert "Hợp nhất" in last.history_change_reason


def test_the_history_page_shows_who_and_what(db, client, root_admin, api_as, commune):
    api_as(root_admin).patch(f"/units/{commune.pk}", {"version": 1, "short_name": "Chợ Rã"})
    client.force_login(root_admin)
    page = client.get(f"/units/{commune.pk}/history/").content.decode()
    assert "Lịch sử thay đổi" in page and "Cập nhật" in page and "Tạo mới" in page
    assert "<ins>Chợ Rã</ins>" in page and "root" in page
    assert commune.updated_at.strftime("%Y") in page


def test_the_history_page_of_a_deleted_unit(db, client, root_admin, make_unit, district):
    from tinhso.units.services import delete_unit

    unit = make_unit("Xã Tạm", parent=district, code="000.08.31.H05", valid_to=district.valid_to)
    delete_unit(root_admin, unit.pk, 1)
    client.force_login(root_admin)
    response = client.get(f"/units/{unit.pk}/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xã Tạm" in page and "Xóa" in page and "đã xóa" in page
    assert client.get("/units/987654/history/").status_code == 404
    assert not Unit.objects.filter(pk=unit.pk).exists()
