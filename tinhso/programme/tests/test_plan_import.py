"""The plan spreadsheet: the shipped example imports cleanly; a malformed file is rejected whole, with
every bad row named; the export reads back in."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test.client import MULTIPART_CONTENT as MP

from tinhso.core.errors import Forbidden
from tinhso.programme import services, spreadsheet
from tinhso.programme.models import BudgetLine, Origin, Status, Task


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([title for title, _, _ in spreadsheet.COLUMNS.values()])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_shipped_sample_is_the_template_and_imports_cleanly(db, departments, plan_2024, root_admin):
    content = spreadsheet.SAMPLE_PATH.read_bytes()
    rows = spreadsheet.read_plan_file(content, spreadsheet.SAMPLE_PATH.name)
    assert rows == spreadsheet.read_plan_file(spreadsheet.build_sample(), "x.xlsx")  # the file is up to date
    result = spreadsheet.import_plan(root_admin, plan_2024, rows)
    assert result.errors == []
    assert result.created == 10
    assert Task.objects.filter(plan=plan_2024, parent__isnull=True).count() == 9
    assert Task.objects.filter(plan=plan_2024, origin=Origin.OUTSIDE_SCHEME).count() == 6
    soc = Task.objects.get(plan=plan_2024, code="2024.01")
    assert soc.lead_unit.name == "Sở Thông tin và Truyền thông Bắc Kạn"
    assert soc.budget_lines.count() == 2  # the repeated-code row added a second funding source
    assert Task.objects.get(code="2024.09.1").parent.code == "2024.09"
    assert Task.objects.get(code="2024.02").status == Status.DONE
    assert soc.history.first().history_user == root_admin
    view = services.overview(root_admin, plan_2024, dt.date(2024, 6, 1))
    assert view.sentences[0] == "Năm 2024 có 9 nhiệm vụ mới, trong đó 6 nhiệm vụ chưa có trong Đề án."


def test_a_malformed_file_is_rejected_whole_with_per_row_errors(db, departments, plan_2024, root_admin):
    good = ["K1", "", "Nhiệm vụ tốt", "", "Dữ liệu số", "", "", "", "Sở Nội vụ Bắc Kạn", "", "01/02/2024",
            "30/06/2024", "Đang thực hiện", 30, "Ngân sách tỉnh", 100, 100, 20, ""]
    rows = [
        good,
        ["K2", "", "", "", "Trụ cột lạ", "", "", "", "Sở Không Tồn Tại", "", "31/02/2024", "", "Quá hạn", 130,
         "", "", "", "", ""],
        ["K1", "", "Trùng mã", "", "Dữ liệu số", "", "", "", "Sở Nội vụ Bắc Kạn", "", "", "", "", "", "", "", "",
         "", ""],
        ["K4", "K9", "Con của nhiệm vụ không có", "", "Hạ tầng số", "", "", "", "000.00.02.H05", "", "", "", "", "",
         "Ngân sách tỉnh", 10, 5, 8, ""],
    ]
    rows_read = spreadsheet.read_plan_file(_xlsx(rows), "ke-hoach.xlsx")
    result = spreadsheet.import_plan(root_admin, plan_2024, rows_read)
    assert result.created == 0
    assert not Task.objects.filter(plan=plan_2024).exists()  # the good row was rolled back too
    assert not BudgetLine.objects.exists()
    by_row: dict[int, set[str]] = {}
    for error in result.errors:
        by_row.setdefault(error.row, set()).add(error.field)
    assert 2 not in by_row
    assert {"title", "pillar", "lead_unit", "start_date", "status", "progress"} <= by_row[3]
    assert by_row[4] == {"code"}
    assert {"parent_code", "budget[0]"} <= by_row[5]
    assert all(e.vi and e.en for e in result.errors)


def test_api_import_rejects_whole_file_and_names_rows(db, departments, plan_2024, root_admin, api_as):
    content = _xlsx([["K1", "", "", "", "Dữ liệu số", "", "", "", "Sở Nội vụ Bắc Kạn", "", "", "", "", "", "", "",
                      "", "", ""]])
    api = api_as(root_admin)
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = api.post(f"/programme/plans/{plan_2024.pk}/import",
                        {"file": SimpleUploadedFile("kh.xlsx", content)}, content_type=MP)
    assert response.status_code == 400
    assert response.json()["errors"][0] == {"field": "title", "message": {"vi": "bắt buộc nhập", "en": "is required"},
                                            "row": 2, "column": "C — Tên nhiệm vụ, dự án"}
    response = api.post(f"/programme/plans/{plan_2024.pk}/import",
                        {"file": SimpleUploadedFile("kh.xlsx", b"not a workbook")}, content_type=MP)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"
    response = api.post(f"/programme/plans/{plan_2024.pk}/import",
                        {"file": SimpleUploadedFile("kh.xlsx", spreadsheet.build_sample())}, content_type=MP)
    assert response.status_code == 200 and response.json() == {"created": 10}


def test_only_plan_managers_import(db, departments, plan_2024, tttt_focal):
    with pytest.raises(Forbidden):
        spreadsheet.import_plan(tttt_focal, plan_2024, [])


def test_export_reads_back_in_and_shows_the_derived_state(db, departments, plan_2024, scheme, root_admin):
    spreadsheet.import_plan(root_admin, plan_2024, spreadsheet.read_plan_file(spreadsheet.build_sample(), "s.xlsx"))
    content, filename, _ = spreadsheet.export_plan(root_admin, plan_2024)
    assert filename == "ke-hoach-KH-2024.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    state_column = header.index(spreadsheet.EXPORT_EXTRA[0])
    states = {row[0]: row[state_column] for row in sheet.iter_rows(min_row=2, values_only=True) if row[2]}
    assert states["2024.07"] == "Quá hạn"  # deadline 30/06/2024 passed while in progress
    assert states["2024.02"] == "Hoàn thành"
    copy = services.create_plan(None, {"code": "KH-2024-B", "name": "Bản sao", "scheme": scheme, "year": 2024})
    result = spreadsheet.import_plan(root_admin, copy, spreadsheet.read_plan_file(content, filename))
    assert result.errors == [] and result.created == 10
    assert BudgetLine.objects.filter(task__plan=copy).count() == BudgetLine.objects.filter(task__plan=plan_2024).count()


def test_export_names_the_units_with_their_codes_in_their_own_columns(db, departments, plan_2024, scheme,
                                                                        root_admin):
    spreadsheet.import_plan(root_admin, plan_2024, spreadsheet.read_plan_file(spreadsheet.build_sample(), "s.xlsx"))
    task = plan_2024.tasks.filter(coordinating_units__isnull=False).exclude(lead_unit__code="").first()
    content, filename, _ = spreadsheet.export_plan(root_admin, plan_2024)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == task.code and r[2])
    cell = dict(zip(header, row, strict=False))
    assert cell["Đơn vị chủ trì (lead_unit)"] == task.lead_unit.name
    assert cell["Mã định danh đơn vị chủ trì (lead_unit_code)"] == task.lead_unit.code
    names = [u.name for u in task.coordinating_units.all()]
    assert cell["Đơn vị phối hợp (coordinating_units)"] == "; ".join(names)
    assert cell["Mã định danh đơn vị phối hợp (coordinating_unit_codes)"] == "; ".join(
        u.code or u.name for u in task.coordinating_units.all())
    # the codes win on re-import: a renamed unit is still found
    copy = services.create_plan(None, {"code": "KH-2024-C", "name": "Bản sao", "scheme": scheme, "year": 2024})
    rows = spreadsheet.read_plan_file(content, filename)
    for r in rows:
        if r.get("lead_unit") == task.lead_unit.name:
            r["lead_unit"] = "Tên cũ không còn trong danh mục"
    result = spreadsheet.import_plan(root_admin, copy, rows)
    assert result.errors == [] and copy.tasks.get(code=task.code).lead_unit == task.lead_unit


def test_choice_labels_import_in_either_language_and_in_the_old_doubled_form(db, departments, plan_2024,
                                                                              root_admin):
    """Templates exported before #17 item 13 carry "Dữ liệu số / Digital data"; a reader may type the English."""
    def row(code, pillar, kind, origin, status, source):
        return [code, "", f"Nhiệm vụ {code}", "", pillar, kind, origin, "", "Sở Nội vụ Bắc Kạn", "", "01/02/2024",
                "30/11/2024", status, 30, source, 100, 100, 20, ""]

    rows = [row("V1", "Dữ liệu số", "Mua sắm", "Ngoài Đề án", "Đang thực hiện", "Ngân sách tỉnh"),
            row("E1", "Digital data", "Procurement", "Outside the scheme", "In progress", "Provincial budget"),
            row("D1", "Dữ liệu số / Digital data", "Mua sắm / Procurement", "Ngoài Đề án / Outside the scheme",
                "Đang thực hiện / In progress", "Ngân sách tỉnh / Provincial budget")]
    result = spreadsheet.import_plan(root_admin, plan_2024, spreadsheet.read_plan_file(_xlsx(rows), "kh.xlsx"))
    assert result.errors == [] and result.created == 3
    for task in Task.objects.filter(plan=plan_2024):
        assert (task.pillar, task.kind, task.origin, task.status) == ("data", "procurement", "outside_scheme",
                                                                      Status.IN_PROGRESS), task.code
        assert task.budget_lines.get().source == "provincial"


def test_export_is_vietnamese_whatever_the_readers_language(db, departments, plan_2024, scheme, root_admin):
    from django.utils import translation

    spreadsheet.import_plan(root_admin, plan_2024, spreadsheet.read_plan_file(spreadsheet.build_sample(), "s.xlsx"))
    with translation.override("en"):
        content, filename, _ = spreadsheet.export_plan(root_admin, plan_2024)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=False))
    assert row["Trụ cột, lĩnh vực (pillar)"] in {
        "Chính quyền số", "Kinh tế số", "Xã hội số", "Nhận thức số", "Thể chế số", "Hạ tầng số", "Dữ liệu số",
        "An toàn thông tin mạng", "Nhân lực số"}
    copy = services.create_plan(None, {"code": "KH-2024-EN", "name": "Bản sao", "scheme": scheme, "year": 2024})
    result = spreadsheet.import_plan(root_admin, copy, spreadsheet.read_plan_file(content, filename))
    assert result.errors == [] and result.created == 10
