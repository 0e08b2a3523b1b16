"""The unit pages render in Vietnamese first and switch to English; search ignores diacritics."""



def test_tree_search_and_detail_in_vietnamese(db, client, viewer_user, commune, other_commune):
    client.force_login(viewer_user)
    page = client.get("/units/?as_of=2023-06-30").content.decode()
    assert "Danh mục đơn vị" in page and "Huyện Ba Bể" in page and "30/06/2023" in page
    branch = client.get("/units/children/", {"parent": commune.parent_id, "as_of": "2023-06-30"}).content.decode()
    assert "Thị trấn Chợ Rã" in branch  # loaded when the district is opened
    assert client.get("/units/").content.decode().count("Thị trấn Chợ Rã") == 0  # ended 30/06/2025
    found = client.get("/units/", {"q": "cho ra", "as_of": "2023-06-30"}).content.decode()
    assert "Thị trấn Chợ Rã" in found and "Xã Nam Mẫu" not in found
    found = client.get("/units/", {"q": "CHỢ RÃ", "as_of": "2023-06-30"}).content.decode()
    assert "Thị trấn Chợ Rã" in found
    found = client.get("/units/", {"q": "cho ra"}).content.decode()  # no date: every period
    assert "Thị trấn Chợ Rã" in found and "mọi thời kỳ" in found
    found = client.get("/units/", {"q": "cho ra", "as_of": "2026-01-01"}).content.decode()
    assert "Thị trấn Chợ Rã" not in found
    detail = client.get(f"/units/{commune.pk}/").content.decode()
    assert "000.01.31.H05" in detail and "Huyện Ba Bể" in detail and "30/06/2025" in detail


def test_pages_switch_to_english(db, client, root_admin, commune):
    client.force_login(root_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/units/"})
    page = client.get("/units/?as_of=2023-06-30").content.decode()
    assert "Unit registry" in page and "Search (diacritics optional)" in page and "Danh mục đơn vị" not in page
    detail = client.get(f"/units/{commune.pk}/").content.decode()
    assert "Origin and successors" in detail and "Change history" in detail
    form = client.get(f"/units/{commune.pk}/edit/").content.decode()
    assert "Save" in form and "Full name" in form


def test_bad_dates_and_unknown_units_in_pages(db, client, viewer_user, commune):
    client.force_login(viewer_user)
    assert client.get("/units/?as_of=not-a-date").status_code == 200  # falls back to today
    assert client.get("/units/?q=a%00b").status_code == 200
    response = client.get("/units/999999/")
    assert response.status_code == 404 and "không tồn tại" in response.content.decode()
    assert client.get("/units/export/?format=pdf").status_code == 400
    exported = client.get("/units/export/?format=csv&as_of=2023-06-30")
    assert exported.status_code == 200 and "Thị trấn Chợ Rã" in exported.content.decode("utf-8-sig")
