"""Deadlines as Vietnamese plans write them (issue #19, item 1): periods mean their last day, "Thường xuyên"
is recurring (never overdue as a whole, reported per period), the text is kept beside the date and shown as
written; and every import error is reported at once, named by its column's letter and heading (item 5)."""

import datetime as dt
import io

import openpyxl
import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.programme import services, spreadsheet
from tinhso.programme.deadlines import parse_deadline, reporting_periods
from tinhso.programme.models import DerivedState, Status, Task


@pytest.mark.parametrize(("text", "day"), [
    ("Quý IV/2023", dt.date(2023, 12, 31)),
    ("Quý I/2024", dt.date(2024, 3, 31)),
    ("quy 2 nam 2024", dt.date(2024, 6, 30)),
    ("Tháng 6/2023", dt.date(2023, 6, 30)),
    ("Tháng 2/2024", dt.date(2024, 2, 29)),
    ("6 tháng đầu năm 2023", dt.date(2023, 6, 30)),
    ("6 tháng cuối năm 2023", dt.date(2023, 12, 31)),
    ("Năm 2023", dt.date(2023, 12, 31)),
    ("2023–2025", dt.date(2025, 12, 31)),
    ("2023-2025", dt.date(2025, 12, 31)),
    ("Giai đoạn 2023 – 2025", dt.date(2025, 12, 31)),
    ("Trước 30/9/2023", dt.date(2023, 9, 30)),
])
def test_a_period_deadline_means_its_last_day_and_keeps_its_text(text, day):
    found = parse_deadline(text)
    assert found.due_date == day
    assert found.text == text.strip()
    assert not found.recurring


def test_thuong_xuyen_is_recurring_without_a_deadline_and_dates_stay_plain():
    found = parse_deadline("Thường xuyên")
    assert found.recurring and found.due_date is None and found.text == "Thường xuyên"
    assert parse_deadline("thuong xuyen").recurring
    assert parse_deadline("31/12/2023") == parse_deadline(dt.date(2023, 12, 31))
    assert parse_deadline("31/12/2023").text == ""  # a plain date keeps no text
    with pytest.raises(ValidationFailed) as error:
        parse_deadline("Quý V/2023", "due_date", 7)
    assert error.value.errors[0].row == 7 and "Quý IV/2023" in error.value.errors[0].vi


def test_reporting_periods_of_a_recurring_task_are_quarters():
    periods = reporting_periods("quarter", dt.date(2025, 7, 1), dt.date(2026, 12, 31))
    assert [p.label for p in periods][:3] == ["Quý III/2025", "Quý IV/2025", "Quý I/2026"]
    assert len(periods) == 6


def _xlsx(rows: list[list], headers: list[str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers or [title for title, _, _ in spreadsheet.COLUMNS.values()])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(code, title, lead, start="", due="", status="", progress="", output=""):
    return [code, "", title, "", "Chính quyền số", "", "", "", lead, "", start, due, status, progress, "", "", "",
            "", "", output]


def test_import_accepts_plan_deadlines_and_shows_them_as_written(db, departments, plan_2024, root_admin, client):
    rows = [
        _row("A", "Theo quý", "Sở Nội vụ Bắc Kạn", due="Quý II/2024", status="Đang thực hiện", progress=30,
             output="Báo cáo quý"),
        _row("B", "Theo tháng", "Sở Nội vụ Bắc Kạn", due="Tháng 10/2024"),
        _row("C", "Nửa năm", "Sở Nội vụ Bắc Kạn", due="6 tháng đầu năm 2024", status="Đang thực hiện", progress=10),
        _row("D", "Cả năm", "Sở Nội vụ Bắc Kạn", due="Năm 2024"),
        _row("E", "Nhiều năm", "Sở Nội vụ Bắc Kạn", due="2024–2025"),
        _row("F", "Thường xuyên", "Sở Nội vụ Bắc Kạn", due="Thường xuyên", status="Đang thực hiện", progress=50),
    ]
    result = spreadsheet.import_plan(root_admin, plan_2024, spreadsheet.read_plan_file(_xlsx(rows), "kh.xlsx"))
    assert result.errors == []
    tasks = {t.code: t for t in Task.objects.filter(plan=plan_2024)}
    assert (tasks["A"].due_date, tasks["A"].due_text) == (dt.date(2024, 6, 30), "Quý II/2024")
    assert tasks["A"].output == "Báo cáo quý"
    assert tasks["B"].due_date == dt.date(2024, 10, 31)
    assert tasks["C"].due_date == dt.date(2024, 6, 30)
    assert tasks["D"].due_date == dt.date(2024, 12, 31)
    assert tasks["E"].due_date == dt.date(2025, 12, 31)
    assert tasks["F"].recurring and tasks["F"].due_date is None
    assert tasks["A"].deadline_label == "Quý II/2024 (30/06/2024)"

    late = dt.date(2026, 3, 1)  # long after every deadline: the recurring task is still not overdue
    assert services.state_of(tasks["F"], late) == Status.IN_PROGRESS
    assert services.state_of(tasks["A"], late) == DerivedState.OVERDUE
    view = services.overview(root_admin, plan_2024, dt.date(2024, 8, 15))
    assert [t.code for t in view.overdue] == ["A", "C"]
    recurring = view.recurring[0]
    assert recurring["task"].code == "F"
    assert [p["label"] for p in recurring["periods"]] == ["Quý I/2024", "Quý II/2024", "Quý III/2024"]
    assert recurring["missing"] == 2  # no report in the two elapsed quarters
    services.post_progress(root_admin, tasks["F"].pk, "Quý I", 20, Status.IN_PROGRESS, dt.date(2024, 3, 20))
    view = services.overview(root_admin, plan_2024, dt.date(2024, 8, 15))
    assert view.recurring[0]["missing"] == 1

    client.force_login(root_admin)
    page = client.get(f"/programme/tasks/{tasks['A'].pk}/").content.decode()
    assert "Quý II/2024 (30/06/2024)" in page and "Báo cáo quý" in page
    page = client.get(f"/programme/plans/{plan_2024.pk}/?as_of=2024-08-15").content.decode()
    assert 'id="recurring"' in page and "Quý I/2024" in page
    listing = client.get(f"/programme/plans/{plan_2024.pk}/tasks/").content.decode()
    assert "Tháng 10/2024 (31/10/2024)" in listing and "Thường xuyên" in listing

    # the export writes the deadline as written, and reads back in unchanged
    content, name, _ = spreadsheet.export_plan(root_admin, plan_2024)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    values = {r[0]: dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["A"]["Hạn hoàn thành (due_date)"] == "Quý II/2024"
    assert values["A"]["Sản phẩm đầu ra (output)"] == "Báo cáo quý"
    assert values["F"]["Hạn hoàn thành (due_date)"] == "Thường xuyên"
    copy = services.create_plan(None, {"code": "KH-2024-X", "name": "Bản sao", "scheme": plan_2024.scheme,
                                       "year": 2024})
    again = spreadsheet.import_plan(root_admin, copy, spreadsheet.read_plan_file(content, name))
    assert again.errors == []
    assert copy.tasks.get(code="F").recurring and copy.tasks.get(code="A").due_text == "Quý II/2024"


def test_every_bad_row_is_reported_naming_the_column_by_letter_and_heading(db, departments, plan_2024,
                                                                           root_admin):
    headers = ["Mã nhiệm vụ", "Tên nhiệm vụ, dự án", "Đơn vị chủ trì", "Trụ cột, lĩnh vực", "Bắt đầu",
               "Hạn hoàn thành"]
    rows = [
        ["K1", "Đơn vị sai", "Sở Ma", "Dữ liệu số", "", "Quý IV/2024"],
        ["K1", "Mã lặp lại dòng lỗi ở trên", "Sở Nội vụ Bắc Kạn", "Dữ liệu số", "", ""],
        ["K3", "Hạn trước năm kế hoạch", "Sở Nội vụ Bắc Kạn", "Dữ liệu số", "", "Quý IV/2023"],
        ["K4", "Bắt đầu sau hạn", "Sở Nội vụ Bắc Kạn", "Dữ liệu số", "01/11/2024", "Tháng 6/2024"],
        ["K5", "Hạn không hiểu", "Sở Nội vụ Bắc Kạn", "Dữ liệu số", "", "sớm nhất có thể"],
    ]
    rows_read = spreadsheet.read_plan_file(_xlsx(rows, headers), "kh.xlsx")
    result = spreadsheet.import_plan(root_admin, plan_2024, rows_read)
    assert result.created == 0 and not Task.objects.filter(plan=plan_2024).exists()
    by_row = {e.row: e for e in result.errors}
    assert sorted(by_row) == [2, 3, 4, 5, 6]  # every bad row, the repeated code of a refused row included
    assert by_row[2].column == "C — Đơn vị chủ trì"
    assert by_row[3].column == "A — Mã nhiệm vụ" and "dòng 2" in by_row[3].vi
    assert by_row[4].column == "F — Hạn hoàn thành" and "trước năm kế hoạch 2024" in by_row[4].vi
    assert "Quý IV/2023 (31/12/2023)" in by_row[4].vi
    assert by_row[5].column == "F — Hạn hoàn thành" and "trước ngày bắt đầu" in by_row[5].vi
    assert by_row[6].column == "F — Hạn hoàn thành"
    assert by_row[2].as_dict()["column"] == "C — Đơn vị chủ trì"


def test_the_import_page_lists_every_error_with_its_column(db, departments, plan_2024, root_admin, client):
    rows = [_row("K1", "", "Sở Ma"), _row("K2", "Hai", "Sở Nội vụ Bắc Kạn", due="Quý IV/2023")]
    client.force_login(root_admin)
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client.post(f"/programme/plans/{plan_2024.pk}/import/",
                           {"file": SimpleUploadedFile("kh.xlsx", _xlsx(rows))})
    page = response.content.decode()
    assert "Cột C — Tên nhiệm vụ, dự án" in page and "Cột I — Đơn vị chủ trì" in page
    assert "Cột L — Hạn hoàn thành" in page


def test_the_downloadable_template_is_empty_and_the_example_separate(db, root_admin, client):
    client.force_login(root_admin)
    response = client.get("/programme/template.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 1  # the header alone
    assert "Sản phẩm đầu ra (output)" in [c.value for c in sheet[1]]
    example = openpyxl.load_workbook(io.BytesIO(client.get("/programme/sample.xlsx").content)).worksheets[0]
    assert example.max_row > 5
    page = client.get("/programme/").content.decode()
    assert page  # the index still renders


def test_the_api_takes_and_returns_the_deadline_as_written(db, departments, plan_2024, root_admin, api_as):
    api = api_as(root_admin)
    lead = departments["Sở Nội vụ Bắc Kạn"].pk
    response = api.post("/programme/tasks", {"plan_id": plan_2024.pk, "code": "Q", "title": "Theo quý",
                                             "pillar": "data", "lead_unit_id": lead, "deadline": "Quý III/2024",
                                             "output": "Báo cáo"})
    assert response.status_code == 201, response.json()
    task = response.json()
    assert (task["due_date"], task["due_text"], task["deadline_label"]) == (
        "2024-09-30", "Quý III/2024", "Quý III/2024 (30/09/2024)")
    assert task["output"] == "Báo cáo" and task["recurring"] is False
    recurring = api.patch(f"/programme/tasks/{task['id']}", {"version": 1, "deadline": "Thường xuyên"}).json()
    assert recurring["recurring"] is True and recurring["due_date"] is None
    plain = api.patch(f"/programme/tasks/{task['id']}", {"version": 2, "due_date": "2024-11-30"}).json()
    assert (plain["due_text"], plain["recurring"], plain["due_date"]) == ("", False, "2024-11-30")
    bad = api.patch(f"/programme/tasks/{task['id']}", {"version": 3, "deadline": "Quý V/2024"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "deadline"
