"""End to end, as an inspector meets it: the fleet spreadsheet from the licensing system is imported on
the fleet page, a device operator's GPS file is ingested (`tinhso transport ingest FILE`), the period is
computed from the violations page, and the coaches page flags the contract vehicle that runs a coach
line, with the explanation in words on its evidence page."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.management import call_command

from tinhso.conftest import login
from tinhso.transport import generator, store
from tinhso.transport.models import Vehicle

START, DAYS = dt.date(2025, 9, 1), 21
HEADER = ["Đơn vị kinh doanh", "Số giấy phép KDVT", "Biển số", "Loại hình kinh doanh", "Số chỗ", "Tải trọng (tấn)",
          "Tuyến đăng ký", "Số phù hiệu", "Hạn phù hiệu", "Mã thiết bị GSHT", "Đơn vị cung cấp thiết bị",
          "Số GPLX lái xe", "Họ tên lái xe"]


def _fleet_sheet(fleet: generator.Fleet, count: int) -> bytes:
    """The licensing system's spreadsheet of the first `count` generated vehicles."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    names = {licence: name for licence, name, _ in fleet.drivers}
    for i, v in enumerate(fleet.vehicles[:count]):
        business = fleet.businesses[v.business]
        route = " – ".join(generator.town_name(k) for k in v.route) if v.kind == "fixed_route" and v.route else ""
        sheet.append([business[0], business[1], v.plate, {"contract": "Hợp đồng"}.get(v.kind, v.kind), v.seats,
                      v.tonnage, route, "", "", f"GSHT-{i + 1:03d}", "Bình Anh", "; ".join(v.drivers),
                      "; ".join(names[d] for d in v.drivers)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _gps_file(fleet: generator.Fleet, count: int, path) -> int:
    """Three weeks of the vehicles' positions as a device operator's CSV (Vietnamese column names)."""
    table = generator.generate_table(fleet, START, DAYS, 5, parked_interval=900, vehicles=slice(0, count))
    con = store.connect()
    try:
        con.register("generated", table)
        con.execute(f"""COPY (SELECT plate AS bien_so, strftime(time, '%Y-%m-%dT%H:%M:%S+07:00') AS thoi_gian,
                                     round(lat, 6) AS vi_do, round(lon, 6) AS kinh_do, round(speed, 1) AS toc_do,
                                     heading::INT AS huong, ignition::INT AS may, door::INT AS cua, driver AS gplx
                              FROM generated ORDER BY plate, time) TO '{path}' (HEADER)""").fetchall()
    finally:
        con.close()
    return table.num_rows


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fleet_sheet_and_gps_file_lead_to_a_suspected_coach_with_its_explanation(browser_page, inspector, tmp_path):
    fleet = generator.make_fleet(4, seed=3)
    coach = fleet.vehicles[0]
    assert coach.role == "disguised" and coach.kind == "contract"  # the planted case of a generated fleet
    shuttle = next(v for v in fleet.vehicles if v.role == "shuttle")
    count = fleet.vehicles.index(shuttle) + 1
    sheet = tmp_path / "doi-xe.xlsx"
    sheet.write_bytes(_fleet_sheet(fleet, count))
    page = browser_page
    login(page, inspector.username)

    # 1. the fleet spreadsheet, on the fleet page
    page.goto("/transport/fleet/")
    page.set_input_files("form:has(input[value=fleet]) input[type=file]", str(sheet))
    page.click("form:has(input[value=fleet]) button.primary")
    assert re.search(rf"Đã nhập: thêm {count}\b", page.inner_text("main"))
    assert Vehicle.objects.get(plate=coach.plate).licence_kind == "contract"

    # 2. the GPS file, ingested as a device operator sends it
    rows = _gps_file(fleet, count, tmp_path / "gsht-thang-9.csv")
    out = io.StringIO()
    call_command("transport_ingest", str(tmp_path / "gsht-thang-9.csv"), user=inspector.username, stdout=out)
    stored = int(re.search(r"([\d.]+) điểm lưu", out.getvalue()).group(1).replace(".", ""))
    assert rows - 5 <= stored <= rows and "0 dòng lỗi" in out.getvalue()  # the generator repeats a time or two

    # 3. compute the period, from the violations page (a background job that comes back when done)
    end = START + dt.timedelta(days=DAYS - 1)
    span = f"start={START:%Y-%m-%d}&end={end:%Y-%m-%d}"
    page.goto(f"/transport/coaches/?{span}")
    page.click(".analysed-line button")
    page.wait_for_url(re.compile(r".*/transport/coaches/.*"), timeout=120_000)
    page.goto(f"/transport/coaches/?{span}")
    assert f"Đã tính đủ {DAYS} ngày" in page.inner_text(".analysed-line")

    # 4. the coach is flagged, the shuttle is not, and the evidence page explains why in words
    row = page.locator("#coach-list tr", has_text=coach.plate)
    assert "⚑" in row.inner_text()
    shuttle_row = page.locator("#coach-list tr", has_text=shuttle.plate)
    assert shuttle_row.count() == 0 or "⚑" not in shuttle_row.inner_text()  # the worker shuttle is not flagged
    row.get_by_role("link", name="Bằng chứng").click()
    page.wait_for_url(re.compile(r".*/transport/coaches/\d+/.*"))
    text = page.inner_text("main")
    assert "Xe chạy cùng một tuyến trong" in text and "lần dừng ngắn mỗi chuyến dọc đường" in text
    assert "Giờ xuất phát thường lệ" in text
    page.screenshot(path=str(tmp_path / "coach.png"), full_page=True)
