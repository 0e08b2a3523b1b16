"""End to end in Chromium: a commune focal point enters and submits a form, the parent unit approves
it, and the province's figure changes."""

import pytest

from tinhso.conftest import login
from tinhso.indicators import services

pytestmark = pytest.mark.e2e


def province_cell(page, province, indicator: str) -> str:
    """The first row of the pivot: `province` itself (any unit: a reader sees its own subtree only)."""
    page.goto(f"/indicators/analytics/?indicator={indicator}&parent={province.pk}&year=2024&period_type=quarter"
              f"&as_of=2024-12-31")
    return page.locator("table.pivot tbody tr").first.locator("td.year-total").inner_text().strip()


def test_commune_enters_parent_approves_province_changes(browser_page, catalogue, commune_focal, focal_user,
                                                         viewer_user, commune, province):
    page = browser_page
    login(page, commune_focal.username)
    page.goto(f"/indicators/report/BM01-THANG/{commune.pk}/2024-03/")
    figures = {"HS_TONG": "120", "HS_TRUC_TUYEN": "90", "HS_DA_GIAI_QUYET": "110", "HS_SO_HOA_KQ": "60",
               "HSCV_TONG": "1.000", "HSCV_TREN_MANG": "974"}
    for code, value in figures.items():
        page.fill(f"#v_{code}", value)
    page.fill("#v_HS_TRUC_TUYEN", "130")  # more online than received: the cell must say so
    page.click("#submit-report")
    assert "tử số không được lớn hơn mẫu số" in page.locator("tr.cell-error").inner_text()
    page.fill("#v_HS_TRUC_TUYEN", "90")
    page.click("#submit-report")
    assert "Đã gửi" in page.locator("#report-status").inner_text()
    assert page.locator("[data-derived=TL_HS_TRUC_TUYEN]").inner_text() == "75%"
    assert province_cell(page, commune, "HS_TONG") == "—"  # not approved yet (the commune reads its own figures)

    page.context.clear_cookies()
    login(page, focal_user.username)  # the district, parent of the commune
    page.goto("/indicators/")
    page.click(f"text={commune.name}")
    page.click("#approve-report")
    assert "Đã phê duyệt" in page.locator("#report-status").inner_text()
    page.context.clear_cookies()
    login(page, viewer_user.username)  # the province's leader reads the province's figures
    assert province_cell(page, province, "HS_TONG") == "120"
    assert province_cell(page, province, "TL_HSCV_TREN_MANG") == "97,4"
    page.screenshot(path="/tmp/indicators_e2e.png", full_page=True)
    assert services.approved_values(["HS_TONG"], [province.pk], 2024) == {("HS_TONG", province.pk): 120}
