"""The XLSX data-entry template writes an indicator name or unit that looks like a formula as text."""

import io

import openpyxl

from tinhso.indicators.models import Indicator

HOSTILE = '=HYPERLINK("http://x.example","Tỷ lệ")'


def test_template_writes_formula_like_text_as_text(db, monthly, api_as, root_admin):
    indicator = monthly.items.select_related("indicator").first().indicator
    Indicator.objects.filter(pk=indicator.pk).update(name=HOSTILE, unit_of_measure="+%")
    response = api_as(root_admin).get(f"/indicators/template?form={monthly.code}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    for value in (HOSTILE, "+%"):
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value


def test_template_name_with_a_line_break_is_a_valid_header(db, monthly, api_as, root_admin):
    response = api_as(root_admin).get(f"/indicators/template?form={monthly.code}&period=2025-01%0D%0AX-Evil:%201")
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"] and "X-Evil" not in response
