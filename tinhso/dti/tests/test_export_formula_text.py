"""A unit name that looks like a formula is written to the published ranking's XLSX as text."""

import datetime as dt
import io

import openpyxl

from tinhso.dti import exports
from tinhso.units.models import UnitKind

from .conftest import run_round

HOSTILE = '=HYPERLINK("http://x.example","Xã Nam Mẫu")'


def test_ranking_export_writes_a_formula_like_unit_name_as_text(db, root_admin, framework, province, district,
                                                                commune, make_unit):
    hostile = make_unit(HOSTILE, UnitKind.COMMUNE, district, stats_code="01899", valid_to=dt.date(2025, 6, 30))
    round_ = run_round(root_admin, framework, province, [commune, hostile], 2024,
                       {commune: {"B2": 20}, hostile: {"B2": 10}})
    content, _, _ = exports.export_xlsx(round_.pk)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == HOSTILE]
    assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
