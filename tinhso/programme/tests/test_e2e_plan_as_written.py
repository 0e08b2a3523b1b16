"""End to end in a real browser (issue #19): a plan manager downloads the empty template, imports a workbook
written as provinces write plans — period deadlines, "Thường xuyên", abbreviated unit names, a group phrase —
first with two mistakes (both reported, each naming its column), then corrected; the overview shows the
deadlines as written."""

import io

import openpyxl
import pytest

from tinhso.conftest import login
from tinhso.programme.models import Task


def _workbook(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành",
                  "Sản phẩm đầu ra", "Lĩnh vực", "Mã nhiệm vụ"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.e2e
def test_a_plan_written_with_periods_and_abbreviations_imports(browser_page, plan_2024, departments, department,
                                                               district, root_admin, tmp_path):
    rows = [
        ["1", "Triển khai nền tảng họp trực tuyến", "Sở TT&TT", "VP UBND tỉnh; UBND huyện Ba Bể", "Quý IV/2024",
         "Hệ thống họp trực tuyến đến cấp xã", "Hạ tầng số", "KH.01"],
        ["2", "Số hóa hồ sơ đất đai", "Sở TN&MT", "Sở TT&TT", "6 tháng đầu năm 2024", "Cơ sở dữ liệu đất đai",
         "Dữ liệu số", "KH.02"],
        ["3", "Tuyên truyền chuyển đổi số", "Sở TT&TT", "Các sở, ban, ngành", "Thường xuyên",
         "Tin bài trên cổng thông tin", "Nhận thức số", "KH.03"],
        ["4", "Cập nhật dịch vụ công", "Các sở, ban, ngành", "", "2024–2025", "Dịch vụ công toàn trình",
         "Chính quyền số", "KH.04"],
    ]
    bad = [list(r) for r in rows]
    bad[0][2] = "Sở Thông tin Truyền thong Bắc Cạn"  # a typo in the unit
    bad[1][4] = "Quý V/2024"  # no such quarter
    page = browser_page
    login(page, root_admin.username)
    page.goto(f"/programme/plans/{plan_2024.pk}/import/")
    with page.expect_download() as download:
        page.click("text=Tải mẫu trống")
    assert download.value.suggested_filename == "ke-hoach-mau-trong.xlsx"

    wrong = tmp_path / "ke-hoach-sai.xlsx"
    wrong.write_bytes(_workbook(bad))
    page.set_input_files("input[type=file]", str(wrong))
    page.click("button.primary")
    errors = page.inner_text("#import-errors")
    assert "Cột C — Đơn vị chủ trì" in errors and "Cột E — Thời gian hoàn thành" in errors
    assert "có phải" in errors  # suggestions for the misspelt unit
    page.screenshot(path="/tmp/programme-e2e-import-errors.png", full_page=True)
    assert not Task.objects.filter(plan=plan_2024).exists()

    right = tmp_path / "ke-hoach.xlsx"
    right.write_bytes(_workbook(rows))
    page.set_input_files("input[type=file]", str(right))
    page.click("button.primary")
    page.wait_for_selector(".messages li")
    listing = page.content()
    assert "Quý IV/2024 (31/12/2024)" in listing and "Thường xuyên" in listing
    first = Task.objects.get(plan=plan_2024, code="KH.01")
    assert first.lead_unit == department and first.output == "Hệ thống họp trực tuyến đến cấp xã"
    assert Task.objects.get(plan=plan_2024, code="KH.04").subtasks.count() == len(departments)

    page.goto(f"/programme/plans/{plan_2024.pk}/?as_of=2024-08-01")
    overdue = page.inner_text("#overdue")
    assert "6 tháng đầu năm 2024 (30/06/2024)" in overdue and "Cơ sở dữ liệu đất đai" in overdue
    assert "Quý I/2024" in page.inner_text("#recurring")
    page.screenshot(path="/tmp/programme-e2e-plan-as-written.png", full_page=True)
