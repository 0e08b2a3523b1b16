"""End to end in Chromium: the leader's morning page down to the approved report, and the wall that
updates itself (and goes visibly stale) without a reload."""

import re

import pytest

from tinhso.conftest import login
from tinhso.indicators import services as indicators
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.ioc import services

pytestmark = pytest.mark.e2e


def test_the_leader_sees_figures_and_clicks_down_to_the_approved_report(browser_page, monthly, fill, commune, province,
                                                                        viewer_user, root_admin):
    fill(monthly, commune, "2023-06", monthly_values(100, 80))
    indicators.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2023, 75)
    services.save_dashboard(root_admin, {"name": "Toàn cảnh tỉnh", "year": 2023, "widgets": [
        {"widget": "indicators.plan", "params": {}}]}, shared=True, default_for="leader")
    page = browser_page
    login(page, viewer_user.username)
    page.goto("/")
    tile = page.locator("[data-tile='indicators.TL_HS_TRUC_TUYEN']")
    assert tile.locator(".value").inner_text() == "80%"
    assert "đạt 107%" in tile.inner_text()
    tile.locator(".value").click()
    page.wait_for_url(re.compile(r".*/ioc/tile/.*"))
    assert "so với cùng kỳ" in page.locator(".explain").inner_text() or "báo cáo đã phê duyệt" in page.content()
    page.locator("table.evidence a").first.click()
    page.wait_for_url(re.compile(rf".*/indicators/report/BM01-THANG/{commune.pk}/2023-06/"))
    assert "Đã phê duyệt" in page.content()


def test_the_wall_updates_without_reload_after_an_approval(browser_page, monthly, fill, commune, other_commune,
                                                          province, province_admin, root_admin):
    fill(monthly, commune, "2023-06", monthly_values(100, 80))
    board = services.save_dashboard(province_admin, {
        "name": "Màn hình IOC", "scope": province.code, "year": 2023, "refresh_seconds": 2, "widgets": [
            {"widget": "indicators.indicator", "params": {"indicator": "TL_HS_TRUC_TUYEN"}}]}, shared=True)
    _, token = services.issue_kiosk_link(province_admin, board.pk, "Tường chính", days=1)
    page = browser_page
    page.goto(f"/ioc/wall/{token}/")  # no login
    value = page.locator("[data-tile='indicators.TL_HS_TRUC_TUYEN'] .value")
    assert value.inner_text() == "80%"
    page.evaluate("window.notReloaded = true")
    fill(monthly, other_commune, "2023-06", monthly_values(100, 20))  # approved: the province is now 50%
    page.wait_for_function("document.querySelector(\"[data-tile='indicators.TL_HS_TRUC_TUYEN'] .value\")"
                           ".textContent.trim() === '50%'", timeout=20_000)
    assert page.evaluate("window.notReloaded") is True
    assert not page.locator("body.stale").count()
    page.route("**/data.json*", lambda route: route.abort())  # the server becomes unreachable
    page.wait_for_selector("body.stale", timeout=20_000)
    assert "MẤT KẾT NỐI" in page.locator("#wall-state").inner_text()
    assert value.inner_text() == "50%"  # still shown, marked as old


def test_the_dx_office_composes_a_dashboard_in_the_page(browser_page, catalogue, province_admin):
    page = browser_page
    login(page, province_admin.username)
    page.goto("/ioc/new/")
    before = page.locator("#composer-list li").count()
    page.select_option("#composer-add [name=widget]", "indicators.trend")
    page.fill("#composer-add [name=params]", "indicator=TL_HS_TRUC_TUYEN")
    page.fill("#composer-add [name=page]", "2")
    page.click("#composer-add-button")
    assert page.locator("#composer-list li").count() == before + 1
    page.locator("#composer-list li").first.get_by_role("button", name="Bỏ").click()
    assert page.locator("#composer-list li").count() == before
    definition = page.input_value("#definition").replace('"Điều hành chuyển đổi số"', '"Bảng soạn thử"')
    page.fill("#definition", definition)
    page.click("form.card button.primary")
    page.wait_for_url(re.compile(r".*/ioc/d/\d+/"))
    board = services.visible_dashboards(province_admin).get(name="Bảng soạn thử")
    assert board.owner is None  # shared by default for the DX office
    assert {"widget": "indicators.trend", "params": {"indicator": "TL_HS_TRUC_TUYEN"}, "page": 2,
            "wide": False} in board.definition["widgets"]
