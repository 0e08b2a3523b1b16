"""End to end: the DX office imports the Ministry's published results of the 34 provinces into a national
round, publishes them, and opens its province's place among the 34 with pillar values and gaps."""

import datetime as dt

import pytest

from tinhso.conftest import login
from tinhso.dti import frameworks, services
from tinhso.units.models import UnitKind

from .test_national import HEAD, sheet

NAMES = ["Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
         "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
         "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
         "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang"]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_import_national_results_and_open_the_provinces_place(browser_page, root_admin, make_unit, tmp_path):
    provinces = [make_unit(("Thành phố " if n in ("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")
                            else "Tỉnh ") + n, UnitKind.PROVINCE, short_name=n, stats_code=f"{i + 1:02d}",
                            valid_from=dt.date(2025, 7, 1)) for i, n in enumerate(NAMES)]
    framework = frameworks.load_file(root_admin, frameworks.DATA / "dti-tinh-922-2022.json")
    round_ = services.create_round(root_admin, "DTI cấp tỉnh năm 2025", 2025, framework, None, provinces,
                                   national=True)
    rows = []
    for i, name in enumerate(NAMES):  # Hà Nội best; Thái Nguyên (14th) weakest on digital economy (indicator 8)
        level = round(0.9 - i * 0.015, 4)
        rows.append([name if i % 2 else f"tinh {name}", 2025] + [level] * 6
                    + [0.05 if name == "Thái Nguyên" else level, level])
    path = tmp_path / "dti-2025.xlsx"
    path.write_bytes(sheet(rows, HEAD))

    page = browser_page
    login(page, "root")
    page.goto(f"/dti/rounds/{round_.pk}/")
    page.set_input_files("#import-results input[type=file]", str(path))
    page.click("#import-results button")
    page.locator("table#ranking").wait_for()
    page.click("text=Công bố kết quả")
    table = page.locator("table#ranking")
    table.wait_for()
    assert table.locator("tbody tr").count() == 34
    assert "Thành phố Hà Nội" in table.locator("tbody tr").nth(0).inner_text()
    page.screenshot(path="/tmp/dti-e2e-national-ranking.png", full_page=True)

    table.locator("a", has_text="Tỉnh Thái Nguyên").click()
    place = page.locator("#standing")
    place.wait_for()
    text = place.inner_text()
    assert "34" in text and "Thành phố Hà Nội" in text
    pillars = page.locator("#pillar-places").inner_text()
    assert "Kinh tế số" in pillars and "Chính quyền số" in pillars
    raise_rank = page.locator("#raise-rank tbody tr").nth(0).inner_text()
    assert raise_rank.startswith("8.")  # digital economy is where Thái Nguyên lags most
    kpis = page.locator("#kpis").inner_text()
    assert "/ 34" in kpis
    page.screenshot(path="/tmp/dti-e2e-national-place.png", full_page=True)
