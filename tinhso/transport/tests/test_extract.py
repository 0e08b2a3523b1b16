"""Extraction of one vehicle's points: exact text output (JSON, CSV) built from Arrow columns, the cached
file footers never hide a new batch or a compaction, and files are written in vehicle-aligned row groups
so a vehicle's day is read from the groups holding it."""

import csv
import datetime as dt
import io
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tinhso.transport import services, store

UTC = dt.UTC


def _points(t0: int, n: int, step: int = 30, plate: str = "20B-012.34", **extra) -> list[dict]:
    return [{"plate": plate, "time": t0 + step * i, "lat": 21.5 + i * 1e-4, "lon": 105.85, "speed": 42.25,
             "heading": 90, "ignition": 1, "door": 0, **extra} for i in range(n)]


def _window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=store._zone())
    return start, start + dt.timedelta(days=1)


T0 = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=UTC).timestamp())  # 08:00 local


def test_json_and_csv_are_exact_and_escaped(inspector, fleet):
    vid = fleet["20B-012.34"].pk
    points = _points(T0, 3, driver='12"3,\\4')
    points[2]["driver"] = ""  # logged out
    services.ingest_stream(inspector, points)
    body, n = store.extract(vid, *_window(dt.date(2025, 3, 3)), "json")
    rows = json.loads(body)
    assert n == 3 and [r["time"] for r in rows] == ["2025-03-03T08:00:00+07:00", "2025-03-03T08:00:30+07:00",
                                                     "2025-03-03T08:01:00+07:00"]
    assert rows[0] == {"time": "2025-03-03T08:00:00+07:00", "lat": 21.5, "lon": 105.85, "speed": 42.3,
                       "heading": 90, "ignition": True, "door": False, "driver": '12"3,\\4'}
    assert rows[2]["driver"] is None
    stored = pq.read_table(store.day_files(dt.date(2025, 3, 3))[0])
    assert [np.float32(r["lat"]) for r in rows] == stored["lat"].to_pylist()  # float32 values, exactly
    text, n = store.extract(vid, *_window(dt.date(2025, 3, 3)), "csv")
    table = list(csv.reader(io.StringIO(text.decode())))
    assert table[0] == ["time", "lat", "lon", "speed", "heading", "ignition", "door", "driver"]
    assert table[1] == ["2025-03-03T08:00:00+07:00", "21.5", "105.85", "42.3", "90", "true", "false", '12"3,\\4']
    assert table[3][7] == "" and len(table) == 4


def test_times_at_the_edges_of_the_local_day_and_month(inspector, fleet):
    vid = fleet["20B-012.34"].pk
    midnight = int(dt.datetime(2025, 2, 28, 17, 0, tzinfo=UTC).timestamp())  # 01/03/2025 00:00 local
    services.ingest_stream(inspector, _points(midnight - 30, 3))
    start = dt.datetime(2025, 2, 28, tzinfo=store._zone())
    rows = json.loads(store.extract(vid, start, start + dt.timedelta(days=2), "json")[0])
    assert [r["time"] for r in rows] == ["2025-02-28T23:59:30+07:00", "2025-03-01T00:00:00+07:00",
                                         "2025-03-01T00:00:30+07:00"]
    only_march = json.loads(store.extract(vid, start + dt.timedelta(days=1), start + dt.timedelta(days=2))[0])
    assert len(only_march) == 2


def test_a_new_batch_of_a_cached_day_is_seen_by_the_next_extraction(inspector, fleet):
    vid = fleet["20B-012.34"].pk
    window = _window(dt.date(2025, 3, 3))
    track = _points(T0 - 600, 35)  # 07:50 to 08:07 local, every 30 s
    services.ingest_stream(inspector, track[20:30])
    assert store.extract(vid, *window, "csv")[1] == 10  # footers of the day now cached
    services.ingest_stream(inspector, track[:10])  # earlier points, another file of the same day
    services.ingest_stream(inspector, track[25:])  # overlapping: 5 points sent again
    body, n = store.extract(vid, *window, "json")
    times = [r["time"] for r in json.loads(body)]
    assert n == 25 and times == sorted(set(times)) and times[0] == "2025-03-03T07:50:00+07:00"
    assert store.compact_day(dt.date(2025, 3, 3)) == 3  # the cached files are gone, one new file
    assert store.extract(vid, *window, "json")[0] == body


def test_row_groups_never_cut_a_vehicle_unless_it_alone_is_larger():
    size = store.ROW_GROUP_SIZE
    vehicle = np.repeat([1, 2, 3, 4, 5], [10, size - 20, 30, 2 * size + 5, 7])
    groups = store.vehicle_row_groups(vehicle)
    assert groups == [(0, size - 10), (size - 10, size + 20), (size + 20, 3 * size + 25),
                      (3 * size + 25, 3 * size + 32)]
    assert store.vehicle_row_groups(np.array([], np.int32)) == []


def test_compacted_and_batch_files_are_read_one_vehicle_group_at_a_time(inspector, fleet, tmp_path):
    size = store.ROW_GROUP_SIZE
    t0 = int(dt.datetime(2025, 3, 3, 0, 0, tzinfo=UTC).timestamp())
    a = _points(t0, size - 100, step=2)
    b = _points(t0, 300, step=2, plate="20B-567.89")
    c = _points(t0, 200, step=2, plate="20C-111.22")
    services.ingest_stream(inspector, a + b)
    services.ingest_stream(inspector, c)
    store.compact_day(dt.date(2025, 3, 3))
    (path,) = store.day_files(dt.date(2025, 3, 3))
    meta = pq.read_metadata(path)
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sizes == [size - 100, 500]  # 20B-012.34 alone, the two small vehicles together
    window = _window(dt.date(2025, 3, 3))
    for plate, count in (("20B-012.34", size - 100), ("20B-567.89", 300), ("20C-111.22", 200)):
        table = store.vehicle_points(fleet[plate].pk, *window)
        assert table.num_rows == count
        assert pa.compute.all(pa.compute.greater(table["ts"].combine_chunks()[1:],
                                                 table["ts"].combine_chunks()[:-1])).as_py()


def test_missing_values_are_null_in_json_and_empty_in_csv(fleet):
    vid = fleet["20B-012.34"].pk
    table = pa.table({"vehicle_id": [vid, vid], "ts": [T0, T0 + 30], "lat": [21.5, 21.6], "lon": [105.8, 105.9],
                      "speed": [0.05, 249.96], "heading": [None, 359], "ignition": [True, None],
                      "door": [None, True], "driver": ["A1", None]}, schema=store.POSITION_SCHEMA)
    directory = store.positions_dir() / "day=2025-03-03"
    directory.mkdir(parents=True)
    store.write_positions(table, directory / "c-test.parquet")
    rows = json.loads(store.extract(vid, *_window(dt.date(2025, 3, 3)), "json")[0])
    assert rows == [
        {"time": "2025-03-03T08:00:00+07:00", "lat": 21.5, "lon": 105.8, "speed": 0.1, "heading": None,
         "ignition": True, "door": None, "driver": "A1"},
        {"time": "2025-03-03T08:00:30+07:00", "lat": 21.6, "lon": 105.9, "speed": 250, "heading": 359,
         "ignition": None, "door": True, "driver": None},
    ]
    lines = store.extract(vid, *_window(dt.date(2025, 3, 3)), "csv")[0].decode().splitlines()
    assert lines[1:] == ["2025-03-03T08:00:00+07:00,21.5,105.8,0.1,,true,,A1",
                         "2025-03-03T08:00:30+07:00,21.6,105.9,250,359,,true,"]


def test_a_second_repeated_inside_one_file_is_extracted_once(fleet):
    vid = fleet["20B-012.34"].pk
    times = [T0, T0 + 30, T0 + 30, T0 + 60, T0 + 60, T0 + 60, T0 + 90]
    n = len(times)
    table = pa.table({"vehicle_id": [vid] * n, "ts": times, "lat": [21.5] * n, "lon": [105.8] * n,
                      "speed": [float(i) for i in range(n)], "heading": [0] * n, "ignition": [True] * n,
                      "door": [False] * n, "driver": [None] * n}, schema=store.POSITION_SCHEMA)
    directory = store.positions_dir() / "day=2025-03-03"
    directory.mkdir(parents=True)
    store.write_positions(table, directory / "c-test.parquet")
    rows = json.loads(store.extract(vid, *_window(dt.date(2025, 3, 3)), "json")[0])
    assert [(r["time"][11:19], r["speed"]) for r in rows] == [("08:00:00", 0), ("08:00:30", 1), ("08:01:00", 3),
                                                             ("08:01:30", 6)]  # the first of each second
