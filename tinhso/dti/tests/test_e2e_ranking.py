"""End to end: a commune's focal point opens the published ranking, sorts it, and reads its scorecard."""

import pytest

from tinhso.conftest import login

from .conftest import run_round


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_ranking_and_scorecard_in_the_browser(browser_page, root_admin, commune_focal, framework, province, commune,
                                              other_commune):
    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"A1": 80, "A3": 1, "B2": 10}, other_commune: {"A1": 95, "A2": 4, "B1": 300}})
    page = browser_page
    login(page, "commune-focal")
    page.goto("/dti/")
    page.click(f"text={round_.name}")
    table = page.locator("table#ranking")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    assert "Xã Nam Mẫu" in rows.nth(0).inner_text()  # 19 + 10 + 25 = 54 points, rank 1
    assert "54" in rows.nth(0).inner_text()
    page.click("table#ranking th >> text=Đơn vị")
    assert "Thị trấn Chợ Rã" in table.locator("tbody tr").nth(0).inner_text()  # Vietnamese order: T < X
    page.screenshot(path="/tmp/dti-e2e-ranking.png", full_page=True)

    table.locator("a", has_text="Thị trấn Chợ Rã").click()
    page.locator("#kpis").wait_for()
    assert "36" in page.locator("#kpis").inner_text()  # 16 + 10 + 10 points
    assert page.locator("svg.dti-chart rect").count() >= 2
    gaps = page.locator("#gaps").inner_text()
    assert "B1" in gaps and "Giao dịch" in gaps
    assert "Có" in page.locator("#c-A3").inner_text() and "10 / 10" in page.locator("#c-A3").inner_text()
    page.screenshot(path="/tmp/dti-e2e-scorecard.png", full_page=True)

    # with English chosen the scorecard speaks English only: one language, not "Điểm / Points"
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.reload()
    kpis = page.locator("#kpis").inner_text()
    assert "Points" in kpis and "Rank" in kpis and "Điểm" not in kpis and "Hạng" not in kpis
    page.screenshot(path="/tmp/dti-e2e-scorecard-en.png", full_page=True)
