"""Figures on the journey-monitoring pages read the Vietnamese way: 1.337 chuyến, durations in hours and
minutes (never "9.660 s"), and a recompute runs as a background job that reports back."""

import datetime as dt
import io
import re

import openpyxl

from tinhso.conftest import PASSWORD
from tinhso.transport import services

START = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC).timestamp())


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_recompute_outcome_uses_vietnamese_number_format():
    text = services.analysis_summary({"trips": 1337, "violations": 52, "points": 263481, "stops": 9})
    assert "1.337 chuyến" in text and "263.481 điểm" in text and "1337" not in text


def test_violation_values_read_as_durations():
    assert services._value_text({"kind": "data_gap", "value": 900, "limit": 30, "detail": "mất tín hiệu",
                                 "duration_s": 900}) == "15 phút > 30 giây (mất tín hiệu)"
    assert services._value_text({"kind": "continuous_driving", "value": 15_180, "limit": 14_400,
                                 "duration_s": 15_180}) == "4 giờ 13 phút > 4 giờ"
    assert services._value_text({"kind": "speeding", "value": 95.04, "limit": 80, "duration_s": 130}) == \
        "95 km/h > 80 km/h, 2 phút 10 giây"
    assert services._value_text({"kind": "no_driver", "duration_s": 9660}) == "2 giờ 41 phút"


def _ingest(inspector, n: int = 1200) -> None:
    points = [{"plate": "20B-012.34", "time": START + 30 * i, "lat": 21.59 - i * 0.0004, "lon": 105.85,
               "speed": 60 if i % 400 < 380 else 0, "ignition": True, "driver": "200000000001"} for i in range(n)]
    services.ingest_stream(inspector, points)


def test_recompute_runs_as_a_job_and_comes_back_with_formatted_figures(client, inspector, fleet):
    _ingest(inspector)
    assert client.login(username=inspector.username, password=PASSWORD)
    response = client.post("/transport/analyse/", {"start": "2025-03-03", "end": "2025-03-03",
                                                   "next": "/transport/violations/"})
    assert re.fullmatch(r"/jobs/\d+/", response["Location"])
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith("/transport/violations/?start=2025-03-03")
    assert "từ 1.200 điểm GSHT" in _text(page.content.decode())


def test_report_durations_are_h_mm_on_the_page_and_excel_durations_in_xlsx(client, inspector, fleet):
    _ingest(inspector)
    services.run_analysis(inspector, dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    row = services.report(inspector, "vehicle", dt.date(2025, 3, 3), dt.date(2025, 3, 3))[0]
    assert row["driving_s"] > 3600
    assert client.login(username=inspector.username, password=PASSWORD)
    page = _text(client.get("/transport/reports/?start=2025-03-03&end=2025-03-03").content.decode())
    hours, minutes = divmod(int(row["driving_s"] / 60 + 0.5), 60)  # minutes rounded half-up
    assert f" {hours}:{minutes:02d} " in page and "Thời gian lái (giờ:phút)" in page
    content, _, _ = services.export_report(inspector, "vehicle", dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Thời gian lái (giờ:phút)") + 1)
    assert cell.number_format == "[h]:mm" and isinstance(cell.value, dt.timedelta)
    assert cell.value == dt.timedelta(seconds=row["driving_s"])
    csv_text = services.export_report(inspector, "vehicle", dt.date(2025, 3, 3), dt.date(2025, 3, 3), "csv")[0]
    assert f",{hours}:{minutes:02d}," in csv_text.decode("utf-8-sig")


def test_the_recompute_button_is_not_floated_beside_the_report(client, inspector, fleet):
    _ingest(inspector)
    services.run_analysis(inspector, dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    assert client.login(username=inspector.username, password=PASSWORD)
    html = client.get("/transport/reports/?start=2025-03-03&end=2025-03-03").content.decode()
    assert "Tính lại" in html and "Recompute" not in html and "float:right" not in html
