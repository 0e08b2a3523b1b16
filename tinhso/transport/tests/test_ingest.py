"""Bulk and stream ingest: malformed rows reported (bilingual, with row and field), good rows kept,
duplicates and out-of-order points handled, and each batch committed all or nothing — even when the
process is killed."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings

from tinhso.core import columnar
from tinhso.core.errors import ValidationFailed
from tinhso.transport import analysis, services, store

GOOD = "20B-012.34,2025-03-03T08:00:00+07:00,21.59,105.85,42.5,90,1,0,200000000001"


def _csv(tmp_path: Path, lines: list[str], name: str = "pos.csv") -> Path:
    path = tmp_path / name
    path.write_text("bien_so,thoi_gian,vi_do,kinh_do,toc_do,huong,may,cua,gplx\n" + "\n".join(lines) + "\n")
    return path


def _stored(vehicle_id: int) -> list[dict]:
    return analysis.load_points(dt.date(2025, 3, 1), dt.date(2025, 3, 31), vehicle_ids=[vehicle_id]).to_pylist()


def test_malformed_rows_are_reported_and_good_rows_kept(inspector, fleet, tmp_path):
    lines = [
        GOOD,
        "20B-012.34,2025-03-03T08:00:30+07:00,21.591,105.85,43,90,1,0,200000000001",
        "99Z-999.99,2025-03-03T08:00:00+07:00,21.59,105.85,40,90,1,0,",  # unknown plate
        ",2025-03-03T08:00:00+07:00,21.59,105.85,40,90,1,0,",  # no plate
        "20B-012.34,hôm qua,21.59,105.85,40,90,1,0,",  # bad time
        "20B-012.34,2025-03-03T08:01:00+07:00,48.85,2.35,40,90,1,0,",  # Paris
        "20B-012.34,2025-03-03T08:01:30+07:00,21.59,105.85,-5,90,1,0,",  # negative speed
        "20B-012.34,2025-03-03T08:02:00+07:00,21.59,105.85,40,90,có lẽ,0,",  # ignition unreadable
        "20B-012.34,2025-03-03T08:02:30+07:00,21.59,105.85,40",  # too few columns
        "20B-012.34,2025-03-03T08:03:00+07:00,21.59,105.85,40,400,1,0,",  # heading
    ]
    report = services.ingest_file(inspector, _csv(tmp_path, lines), "csv")
    assert (report.rows_total, report.rows_stored, report.rows_rejected) == (10, 2, 8)
    reasons = report.as_dict()["reasons"]
    assert {r["code"]: r["count"] for r in reasons} == {
        "plate_unknown": 1, "plate_missing": 1, "time_invalid": 1, "lat_invalid": 1, "speed_invalid": 1,
        "ignition_invalid": 1, "row_malformed": 1, "heading_invalid": 1}
    assert all(r["message"]["vi"] and r["message"]["en"] for r in reasons)
    samples = {s["row"]: s for s in report.as_dict()["samples"]}
    assert samples[3]["field"] == "plate" and samples[3]["value"] == "99Z-999.99"
    assert samples[5]["field"] == "time" and samples[5]["value"] == "hôm qua"
    assert samples[5]["message"]["vi"].startswith("thời điểm không hợp lệ")
    assert samples[9]["code"] == "row_malformed"
    assert len(_stored(fleet["20B-012.34"].pk)) == 2
    from tinhso.transport.models import IngestBatch

    batch = IngestBatch.objects.get(batch_id=report.batch_id)
    assert batch.rows_rejected == 8 and batch.user == inspector


def test_clean_files_in_every_format_take_the_same_path(inspector, fleet, tmp_path):
    base = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC).timestamp())
    rows = [{"plate": "20B01234", "time": dt.datetime.fromtimestamp(base + 30 * i, dt.UTC), "lat": 21.59 + i / 1000,
             "lon": 105.85, "speed": 40.0, "heading": 90.0, "ignition": True, "door": False,
             "driver": "200000000001"} for i in range(100)]
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, tmp_path / "a.parquet")
    with open(tmp_path / "a.jsonl", "w") as handle:
        for r in rows:
            handle.write(json.dumps({**r, "time": r["time"].isoformat()}) + "\n")
    (tmp_path / "a.csv").write_text("plate,time,lat,lon,speed,heading,ignition,door,driver\n" + "\n".join(
        f"{r['plate']},{r['time'].isoformat()},{r['lat']},{r['lon']},{r['speed']},90,true,false,200000000001"
        for r in rows))
    reports = [services.ingest_file(inspector, tmp_path / f"a.{fmt}", fmt) for fmt in ("parquet", "jsonl", "csv")]
    assert [r.rows_stored for r in reports] == [100, 100, 100]
    assert all(r.rows_rejected == 0 for r in reports)
    assert len(_stored(fleet["20B-012.34"].pk)) == 300  # the same points three times, in three files …
    _, count = store.extract(fleet["20B-012.34"].pk, dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
                             dt.datetime(2025, 3, 4, tzinfo=dt.UTC), "csv")
    assert count == 100  # … are read once
    assert store.compact_day(dt.date(2025, 3, 3)) == 3
    files = store.day_files(dt.date(2025, 3, 3))
    assert len(files) == 1 and pq.read_metadata(files[0]).num_rows == 100


def test_duplicates_and_out_of_order_points(inspector, fleet):
    t0 = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC).timestamp())
    points = [{"plate": "20B-012.34", "time": t0 + 30 * i, "lat": 21.6, "lon": 105.8, "speed": 30, "ignition": 1}
              for i in (5, 1, 3, 2, 4, 1, 3)]
    report = services.ingest_stream(inspector, points)
    assert (report.rows_stored, report.duplicates, report.rows_rejected) == (5, 2, 0)
    stored = _stored(fleet["20B-012.34"].pk)
    assert [p["t"] for p in stored] == [t0 + 30 * i for i in (1, 2, 3, 4, 5)]


def test_missing_columns_reject_the_whole_batch(inspector, fleet, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("plate,time,lat\n20B01234,2025-03-03T08:00:00+07:00,21.5\n")
    with pytest.raises(ValidationFailed) as exc:
        services.ingest_file(inspector, path, "csv")
    assert {e.field for e in exc.value.errors} == {"lon", "speed", "ignition"}
    assert store.all_days() == []


def test_a_failure_before_the_commit_leaves_no_trace(inspector, fleet, monkeypatch):
    calls = {"n": 0}
    real = store.write_positions

    def failing(table, where, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second day file of the batch
            raise OSError("disk full")
        return real(table, where, **kwargs)

    monkeypatch.setattr(store, "write_positions", failing)
    t0 = int(dt.datetime(2025, 3, 3, 16, 59, tzinfo=dt.UTC).timestamp())  # 23:59 local: the batch spans two days
    points = [{"plate": "20B01234", "time": t0 + 30 * i, "lat": 21.6, "lon": 105.8, "speed": 30, "ignition": 1}
              for i in range(4)]
    with pytest.raises(OSError):
        services.ingest_stream(inspector, points)
    store.recover()
    assert store.all_days() == [] and _stored(fleet["20B-012.34"].pk) == []
    assert not any((store.positions_dir() / "_staging").iterdir())


def test_a_failure_after_the_commit_is_completed_by_recovery(inspector, fleet, monkeypatch):
    real = columnar.apply_moves
    monkeypatch.setattr(columnar, "apply_moves", lambda base, moves: (_ for _ in ()).throw(OSError("killed")))
    t0 = int(dt.datetime(2025, 3, 3, 16, 59, tzinfo=dt.UTC).timestamp())
    points = [{"plate": "20B01234", "time": t0 + 30 * i, "lat": 21.6, "lon": 105.8, "speed": 30, "ignition": 1}
              for i in range(4)]
    with pytest.raises(OSError):
        services.ingest_stream(inspector, points)
    monkeypatch.setattr(columnar, "apply_moves", real)
    assert len(_stored(fleet["20B-012.34"].pk)) == 4  # reading recovers first: the committed batch is whole
    assert not any((store.positions_dir() / "_journal").glob("*.json"))


KILLED_INGEST = textwrap.dedent("""
    import os, sys, time, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    django.setup()
    import pyarrow as pa
    from tinhso.core import columnar
    from tinhso.transport import store
    stage = sys.argv[1]
    if stage == "before":
        real = columnar.commit
        def slow_commit(base, batch_id, moves, on_commit=None):
            print("STAGED", flush=True); time.sleep(60); real(base, batch_id, moves, on_commit)
        columnar.commit = slow_commit
    else:
        real = columnar.apply_moves
        def slow_moves(base, moves):
            print("STAGED", flush=True); time.sleep(60); real(base, moves)
        columnar.apply_moves = slow_moves
    t0 = 1741021140  # 2025-03-03 23:59 local
    n = 2000
    table = pa.table({"plate": ["20B01234"] * n, "time": [t0 + 30 * i for i in range(n)], "lat": [21.6] * n,
                      "lon": [105.8] * n, "speed": [30.0] * n, "ignition": [True] * n})
    store.ingest(table, "stream", {"20B01234": int(sys.argv[2])})
""")


@pytest.mark.parametrize("stage,expected", [("before", 0), ("after", 2000)])
def test_killed_process_leaves_a_whole_batch_or_nothing(fleet, stage, expected, tmp_path):
    env = {**os.environ, "TINHSO_DATA_DIR": str(settings.DATA_DIR), "PYTHONPATH": str(Path(settings.BASE_DIR).parent)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, stage, str(fleet["20B-012.34"].pk)],
                            stdout=subprocess.PIPE, env=env, text=True)
    try:
        deadline = time.time() + 60
        line = ""
        while time.time() < deadline and "STAGED" not in line:
            line = proc.stdout.readline()
        assert "STAGED" in line
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(_stored(fleet["20B-012.34"].pk)) == expected
    assert not any((store.positions_dir() / "_staging").iterdir())
    assert not any((store.positions_dir() / "_journal").glob("*.json"))


def test_stream_api_reports_rows_and_needs_the_ingest_permission(api_as, inspector, fleet, api_user):
    points = [{"plate": "20B-012.34", "time": "2025-03-03T08:00:00+07:00", "lat": 21.6, "lon": 105.8, "speed": 30,
               "ignition": True, "driver": "200000000001"},
              {"plate": "20B-012.34", "time": "2025-03-03T08:00:30+07:00", "lat": "north", "lon": 105.8, "speed": 30,
               "ignition": True}]
    response = api_as(inspector).post("/transport/ingest/stream", {"points": points})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rows_stored"] == 1 and body["rows_rejected"] == 1
    assert body["samples"][0] == {"row": 2, "field": "lat", "value": "north", "code": "lat_invalid",
                                  "message": body["samples"][0]["message"]}
    denied = api_as(api_user).post("/transport/ingest/stream", {"points": points})
    assert denied.status_code == 403 and denied.json()["message"]["vi"]
    empty = api_as(inspector).post("/transport/ingest/stream", {"points": []})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "points"


def test_file_upload_api(api_as, inspector, fleet, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_as(inspector)
    upload = SimpleUploadedFile("pos.csv", _csv(tmp_path, [GOOD, "x,y,z"]).read_bytes())
    response = client.post("/transport/ingest/file", {"file": upload}, content_type=None) if False else \
        client.generic("POST", "/api/v1/transport/ingest/file", _multipart(upload), _MULTIPART,
                       HTTP_AUTHORIZATION=f"Bearer {client.token}")
    assert response.status_code == 200, response.content
    assert response.json()["rows_stored"] == 1 and response.json()["rows_rejected"] == 1
    bad = SimpleUploadedFile("pos.xlsx", b"PK")
    response = client.generic("POST", "/api/v1/transport/ingest/file", _multipart(bad), _MULTIPART,
                              HTTP_AUTHORIZATION=f"Bearer {client.token}")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "format"


_MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


def _multipart(upload) -> bytes:
    upload.seek(0)
    return (b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + upload.name.encode()
            + b"\"\r\nContent-Type: application/octet-stream\r\n\r\n" + upload.read() + b"\r\n--BoUnDaRy--\r\n")
