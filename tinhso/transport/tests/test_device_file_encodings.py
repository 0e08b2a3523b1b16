"""Device files are read without replacement characters (#15): a line that is not UTF-8 is reported as a
malformed row, never stored as "Nguy\ufffdn"; a whole file in Vietnamese Excel's code page or in UTF-16 is
read as such."""

import datetime as dt
import json

from tinhso.core.tests.test_tabular_safety import _windows_1258
from tinhso.transport import analysis, parsing, services

T0 = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC).timestamp())
HEADER = "Biển số;Thời gian;Vĩ độ;Kinh độ;Tốc độ;Hướng;Máy;Cửa;GPLX"


def _rows(n: int) -> list[str]:
    return [f"20B-012.34;{T0 + 30 * i};21,59;105,85;40;90;1;0;Nguyễn Văn {i}" for i in range(n)]


def _stored_drivers(vehicle_id: int) -> list[str]:
    points = analysis.load_points(dt.date(2025, 3, 1), dt.date(2025, 3, 31), vehicle_ids=[vehicle_id]).to_pylist()
    return [str(p.get("driver")) for p in points]


def test_a_line_that_is_not_utf8_is_rejected_with_its_row_number(inspector, fleet, tmp_path):
    lines = [line.encode() for line in [HEADER, *_rows(5)]]
    lines[3] = lines[3].replace("Nguyễn".encode(), b"Nguy\xe3n")  # one corrupted byte on data row 3
    path = tmp_path / "device.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    report = services.ingest_file(inspector, path, "csv")
    assert (report.rows_total, report.rows_stored, report.rows_rejected) == (5, 4, 1)
    assert [(s["row"], s["code"]) for s in report.as_dict()["samples"]] == [(3, "row_malformed")]
    assert not any("\ufffd" in d for d in _stored_drivers(fleet["20B-012.34"].pk))


def test_a_csv_saved_by_vietnamese_excel_in_its_code_page_is_read(inspector, fleet, tmp_path):
    path = tmp_path / "excel-1258.csv"
    path.write_bytes(_windows_1258("\r\n".join([HEADER, *_rows(4)])) + b"\r\n")
    report = services.ingest_file(inspector, path, "csv")
    assert (report.rows_stored, report.rows_rejected) == (4, 0)


def test_a_utf16_csv_is_read(inspector, fleet, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("\r\n".join([HEADER, *_rows(3)]).encode("utf-16"))
    report = services.ingest_file(inspector, path, "csv")
    assert (report.rows_stored, report.rows_rejected) == (3, 0)


def test_json_lines_read_in_python_reject_undecodable_lines(tmp_path):
    good = json.dumps({"plate": "20B01234", "time": T0, "driver": "Nguyễn"}, ensure_ascii=False).encode()
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"\n".join([good, b'{"plate": "20B01234", "driver": "Nguy\xe3n"}', good]) + b"\n")
    rows, bad = parsing._jsonl_rows(path)  # noqa: SLF001 - the fallback reader itself
    assert bad == [False, True, False]
    assert rows[1] == {} and rows[0]["driver"] == "Nguyễn"


def test_device_lines_decide_the_encoding_per_file_not_per_line():
    mixed = "Nguyễn\n".encode() + b"Nguy\xe3n\n"
    assert parsing.device_lines(mixed) == ["Nguyễn", None, ""]
    assert parsing.device_lines(_windows_1258("Nguyễn\nĐà Lạt\n")) == ["Nguyễn", "Đà Lạt", ""]
