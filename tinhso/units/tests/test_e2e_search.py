"""End to end in headless Chromium: log in, find a unit without typing diacritics, read its history."""

import datetime as dt

import pytest

from tinhso.conftest import login
from tinhso.units.models import EventKind, UnitKind
from tinhso.units.services import record_event

REFORM = dt.date(2025, 7, 1)


@pytest.mark.e2e
def test_login_search_without_diacritics_and_see_the_history(transactional_db, browser_page, root_admin, make_unit,
                                                              province, commune):
    thai_nguyen = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H55", stats_code="19",
                            valid_from=REFORM)
    make_unit("Phường Bắc Kạn", UnitKind.COMMUNE, thai_nguyen, "000.01.00.H55", stats_code="01843", valid_from=REFORM)
    make_unit("Sở Khoa học và Công nghệ Thái Nguyên", UnitKind.DEPARTMENT, thai_nguyen, "000.00.11.H55",
              valid_from=REFORM)
    record_event(root_admin, EventKind.MERGE, REFORM, [province], [thai_nguyen],
                 legal_basis="Nghị quyết 202/2025/QH15")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "root")

    page.goto("/units/")
    page.screenshot(path="/tmp/shot-tree.png", full_page=True)
    page.fill("input[name=q]", "bac kan")  # no diacritics, no date: every period is searched
    page.click("form[role=search] button.primary")
    results = page.locator("table.results")
    results.wait_for()
    assert results.get_by_role("link", name="Tỉnh Bắc Kạn").count() == 1
    assert results.get_by_role("link", name="Phường Bắc Kạn").count() == 1  # today's ward too
    assert results.get_by_role("link", name="Tỉnh Thái Nguyên").count() == 0
    page.screenshot(path="/tmp/shot-search.png", full_page=True)

    results.get_by_role("link", name="Tỉnh Bắc Kạn").click()
    page.wait_for_url(f"**/units/{province.pk}/")
    history = page.locator("section.history")
    assert "Được kế thừa bởi" in history.inner_text()
    assert history.get_by_role("link", name="Tỉnh Thái Nguyên").count() == 1
    assert "01/07/2025" in history.inner_text() and "Nghị quyết 202/2025/QH15" in history.inner_text()
    assert "Huyện Ba Bể" in page.locator("body").inner_text()  # its children
    page.screenshot(path="/tmp/shot-unit.png", full_page=True)

    page.goto(f"/units/{commune.pk}/edit/")
    page.fill("input[name=code]", "000.01.32.H05")  # does not agree with the district's code
    page.click("form.card button.primary")
    assert "không khớp mã cấp trên" in page.locator("form.card").inner_text()
    page.screenshot(path="/tmp/shot-edit.png", full_page=True)

    page.goto(f"/units/{province.pk}/history/")
    audit = page.locator("table.diff").inner_text()
    assert "root" in audit and "Tạo mới" in audit and "Hiệu lực đến: 30/06/2025" in audit
    page.screenshot(path="/tmp/shot-history.png", full_page=True)
