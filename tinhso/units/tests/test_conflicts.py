"""Concurrent edits: an update based on a stale version is rejected with a clear conflict, not applied."""

import pytest

from tinhso.core.errors import Conflict
from tinhso.units.services import delete_unit, update_unit


def test_second_patch_on_the_same_version_gets_409(db, api_as, root_admin, focal_user, commune):
    first, second = api_as(root_admin), api_as(focal_user)
    assert first.patch(f"/units/{commune.pk}", {"version": 1, "short_name": "Chợ Rã"}).status_code == 200
    response = second.patch(f"/units/{commune.pk}", {"version": 1, "note": "sửa trên bản cũ"})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "conflict"
    assert body["message"] == {"vi": "Xung đột chỉnh sửa đồng thời", "en": "Concurrent edit conflict"}
    assert body["errors"][0]["field"] == "version"
    assert "phiên bản hiện tại 2" in body["errors"][0]["message"]["vi"]
    assert "current version 2" in body["errors"][0]["message"]["en"]
    commune.refresh_from_db()
    assert commune.note == "" and commune.short_name == "Chợ Rã" and commune.version == 2
    # Re-read and re-apply: accepted.
    assert second.patch(f"/units/{commune.pk}", {"version": 2, "note": "ok"}).json()["version"] == 3


def test_stale_delete_is_a_conflict(db, api_as, root_admin, make_unit, district):
    unit = make_unit("Xã Tạm", parent=district, code="000.08.31.H05", valid_to=district.valid_to)
    update_unit(root_admin, unit.pk, {"note": "đã xem lại"}, 1)
    assert api_as(root_admin).delete(f"/units/{unit.pk}?version=1").status_code == 409
    with pytest.raises(Conflict):
        delete_unit(root_admin, unit.pk, 1)
    delete_unit(root_admin, unit.pk, 2)


def test_the_edit_form_with_a_stale_version_shows_the_conflict(db, client, root_admin, commune):
    client.force_login(root_admin)
    form = {"name": "Thị trấn Chợ Rã", "kind": "commune", "code": "000.01.31.H05", "parent": commune.parent_id,
            "stats_code": "01864", "valid_to": "2025-06-30", "note": "", "version": 1}
    update_unit(root_admin, commune.pk, {"note": "người khác sửa trước"}, 1)  # someone else saved meanwhile
    response = client.post(f"/units/{commune.pk}/edit/", {**form, "short_name": "Chợ Rã"})
    assert response.status_code == 200  # the form again, with the message at the top
    page = response.content.decode()
    assert "Bản ghi đã được người khác sửa" in page and "changed by someone else" not in page  # one language
    commune.refresh_from_db()
    assert commune.short_name == "" and commune.note == "người khác sửa trước" and commune.version == 2
