"""Ingest edge cases: the semicolon CSV of Vietnamese Excel, epoch-second JSON lines on the fast path, and
a few malformed rows costing little — the batch is read once, only the broken rows and columns are
handled apart, and every bad row is still reported with its row number."""

import datetime as dt
import json

import pytest

from tinhso.transport import analysis, parsing, services

T0 = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC).timestamp())  # 08:00 local


def _stored(vehicle_id: int) -> list[dict]:
    return analysis.load_points(dt.date(2025, 3, 1), dt.date(2025, 3, 31), vehicle_ids=[vehicle_id]).to_pylist()


@pytest.fixture
def no_reread(monkeypatch) -> list[int]:
    """Fail the test if the batch is re-read row by row in Python; count the rows sent to DuckDB's
    tolerant cast (only the slices holding bad values may go there)."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the tolerant path re-read the batch")

    monkeypatch.setattr(parsing, "_csv_rows", forbidden)
    monkeypatch.setattr(parsing, "_jsonl_rows", forbidden)
    slow_rows: list[int] = []
    real = parsing.Casts._duck

    def counted(col, typ, duck_type):
        slow_rows.append(len(col))
        return real(col, typ, duck_type)

    monkeypatch.setattr(parsing.Casts, "_duck", staticmethod(counted))
    return slow_rows


def test_semicolon_csv_from_vietnamese_excel(inspector, fleet, tmp_path, no_reread):
    path = tmp_path / "excel.csv"
    lines = ["Biển số;Thời gian;Vĩ độ;Kinh độ;Tốc độ;Hướng;Máy;Cửa;GPLX"] + [
        f"20B-012.34;{dt.datetime.fromtimestamp(T0 + 30 * i, dt.UTC).isoformat()};21,{5900 + i};105,85;42,5;90;1;0;"
        "200000000001" for i in range(5)]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    report = services.ingest_file(inspector, path, "csv")
    assert (report.rows_stored, report.rows_rejected) == (5, 0)
    stored = _stored(fleet["20B-012.34"].pk)
    assert [round(p["lat"], 4) for p in stored] == [21.59, 21.5901, 21.5902, 21.5903, 21.5904]
    assert stored[0]["speed"] == pytest.approx(42.5)


def test_json_lines_with_epoch_seconds_take_the_fast_path(inspector, fleet, tmp_path, no_reread):
    path = tmp_path / "epoch.jsonl"
    path.write_text("\n".join(json.dumps({"plate": "20B01234", "time": T0 + 30 * i, "lat": 21.59, "lon": 105.85,
                                          "speed": 40, "ignition": True, "driver": 200000000001})
                              for i in range(50)) + "\n")
    report = services.ingest_file(inspector, path, "jsonl")
    assert (report.rows_stored, report.path) == (50, "fast")
    assert _stored(fleet["20B-012.34"].pk)[0]["t"] == T0


def _big_csv(tmp_path, n: int, bad: dict[int, str]):
    """n data rows (enough for several of Arrow's parse blocks), with the given rows replaced."""
    rows = []
    for i in range(1, n + 1):
        rows.append(bad.get(i, f"20B-012.34,{T0 + i},21.59,105.85,40.0,90,1,0,200000000001"))
    path = tmp_path / "big.csv"
    path.write_text("bien_so,thoi_gian,vi_do,kinh_do,toc_do,huong,may,cua,gplx\n" + "\n".join(rows) + "\n")
    return path


def test_a_few_malformed_rows_are_handled_apart(inspector, fleet, tmp_path, no_reread):
    n = 40_000  # ~2,5 MB: the bad rows fall in different parse blocks, read in parallel
    bad = {3: "20B-012.34,2025-03-03T08:00:00+07:00,21.59",  # too few fields
           17_001: "20B-012.34,1741021140,21.59,105.85,40,90,1,0,x,extra",  # too many
           25_000: f"20B-012.34,{T0 + 25_000},bắc,105.85,40,90,1,0,",  # latitude is text
           39_999: f"20B-012.34,{T0 + 39_999},21.59,105.85,40,90,có lẽ,0,",  # ignition unreadable
           40_000: "20B-012.34,hôm qua,21.59,105.85,40,90,1,0,"}  # time unreadable
    report = services.ingest_file(inspector, _big_csv(tmp_path, n, bad), "csv")
    assert (report.rows_total, report.rows_stored, report.rows_rejected) == (n, n - 5, 5)
    assert report.path == "tolerant"
    samples = {s["row"]: s["code"] for s in report.as_dict()["samples"]}
    assert samples == {3: "row_malformed", 17_001: "row_malformed", 25_000: "lat_invalid",
                       39_999: "ignition_invalid", 40_000: "time_invalid"}
    assert len(_stored(fleet["20B-012.34"].pk)) == n - 5
    assert sum(no_reread) <= 2 * parsing.CHUNK  # the two bad values' slices, not their 40.000-row columns


def test_many_distinct_bad_values_still_reported_exactly(inspector, fleet, tmp_path):
    bad = {i: f"20B-012.34,{T0 + i},north-{i},105.85,40,90,1,0," for i in range(10, 60)}  # 50 distinct texts
    report = services.ingest_file(inspector, _big_csv(tmp_path, 2_000, bad), "csv")
    assert report.rows_rejected == 50 and report.reasons == {"lat_invalid": 50}
    assert report.as_dict()["samples"][0] == {"row": 10, "field": "lat", "value": "north-10", "code": "lat_invalid",
                                              "message": report.as_dict()["samples"][0]["message"]}


def test_malformed_json_lines_are_reported_without_rereading(inspector, fleet, tmp_path, no_reread):
    lines = [json.dumps({"plate": "20B01234", "time": T0 + 30 * i, "lat": 21.59, "lon": 105.85, "speed": 40,
                         "ignition": 1}) for i in range(3000)]
    lines[4] = '{"plate": "20B01234", "time": 1741021140, "lat": 21.5'  # cut short
    lines[2000] = '{"plate": "20B01234", "time": 1741021140, "lat": "north", "lon": 105.85, "speed": 40, "ignition": 1}'
    lines[2999] = "[1, 2]"  # not an object
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = services.ingest_file(inspector, path, "jsonl")
    assert (report.rows_total, report.rows_stored, report.rows_rejected) == (3000, 2997, 3)
    assert {s["row"]: s["code"] for s in report.as_dict()["samples"]} == {
        5: "row_malformed", 2001: "lat_invalid", 3000: "row_malformed"}
