"""A task title or note that looks like a formula is exported as text in the plan's XLSX."""

import io

import openpyxl

from tinhso.programme import spreadsheet

HOSTILE = '=HYPERLINK("http://x.example","Bấm vào đây")'


def test_plan_export_writes_formula_like_text_as_text(db, department, plan_2024, make_task, root_admin):
    task = make_task(plan_2024, "01", department, title=HOSTILE)
    task.note = "@SUM(1)"
    task.save()
    content, _, _ = spreadsheet.export_plan(root_admin, plan_2024)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    for value in (HOSTILE, "@SUM(1)"):
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value
