"""The numpy text writer gives, value for value, what Python's own formatting gives: random tables with
nulls, negative numbers, float32 coordinates, rounding halves and awkward driver strings."""

import csv
import datetime as dt
import io
import json
import random

import numpy as np
import pyarrow as pa

from tinhso.transport import textout
from tinhso.transport.store import POSITION_SCHEMA

LOCAL = dt.timezone(dt.timedelta(hours=7))


def _random_table(rng: random.Random, n: int) -> pa.Table:
    def maybe(value):
        return None if rng.random() < 0.1 else value

    t0 = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp())
    return pa.table({
        "ts": pa.array(sorted(rng.randrange(t0, t0 + 400 * 86400) for _ in range(n)), pa.timestamp("s", tz="UTC")),
        "lat": pa.array([maybe(rng.choice([rng.uniform(8, 23.5), round(rng.uniform(-90, 90), 2), 21.5, 0.0]))
                         for _ in range(n)], pa.float32()),
        "lon": pa.array([maybe(rng.uniform(102, 118)) for _ in range(n)], pa.float32()),
        "speed": pa.array([maybe(rng.choice([rng.uniform(0, 250), 42.25, 0.05, 0.0, 99.95])) for _ in range(n)],
                          pa.float32()),
        "heading": pa.array([maybe(rng.randrange(0, 360)) for _ in range(n)], pa.int16()),
        "ignition": pa.array([maybe(rng.random() < 0.5) for _ in range(n)], pa.bool_()),
        "door": pa.array([maybe(rng.random() < 0.5) for _ in range(n)], pa.bool_()),
        "driver": pa.array([maybe(rng.choice(["012345678901", "", 'A"1,2', "Nguyễn\nVăn", "x\\y"])) for _ in range(n)],
                           pa.string()),
    })


def _shortest(value: float | None) -> float | None:
    """What a float32 printer gives: the shortest decimal that reads back as the same float32."""
    if value is None:
        return None
    f32 = np.float32(value)
    for digits in range(8):
        if np.float32(round(float(f32), digits)) == f32:
            return round(float(f32), digits)
    return round(float(f32), 7)


def _speed(value: float | None) -> float | None:
    if value is None:
        return None
    tenths = int(abs(float(np.float32(value))) * 10 + 0.5)
    return tenths / 10


def _expected(table: pa.Table) -> list[dict]:
    rows = []
    for r in table.to_pylist():
        rows.append({"time": r["ts"].astimezone(LOCAL).isoformat(), "lat": _shortest(r["lat"]),
                     "lon": _shortest(r["lon"]), "speed": _speed(r["speed"]), "heading": r["heading"],
                     "ignition": r["ignition"], "door": r["door"], "driver": r["driver"]})
    return rows


def test_json_matches_python_formatting_of_every_value():
    rng = random.Random(7)
    for n in (1, 2, 257):
        table = _random_table(rng, n)
        assert json.loads(textout.to_json(table)) == _expected(table)


def test_csv_fields_are_the_python_texts_without_padding():
    table = _random_table(random.Random(11), 300)
    rows = list(csv.reader(io.StringIO(textout.to_csv(table).decode(), newline="")))
    assert rows[0] == ["time", "lat", "lon", "speed", "heading", "ignition", "door", "driver"]

    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return repr(value).removesuffix(".0") if isinstance(value, float) else str(value)

    assert rows[1:] == [[text(v) for v in row.values()] for row in _expected(table)]
    assert all(" " not in field for row in rows[1:] for field in row[:7])


def test_empty_tables_and_the_stored_schema():
    empty = POSITION_SCHEMA.empty_table().select(["ts", "lat", "lon", "speed", "heading", "ignition", "door",
                                                  "driver"])
    assert textout.to_json(empty) == b"[]"
    assert textout.to_csv(empty) == b"time,lat,lon,speed,heading,ignition,door,driver\n"


def test_a_month_sized_table_rendered_in_parallel_ranges_matches_too(monkeypatch):
    monkeypatch.setattr(textout, "WORKERS", 3)  # the parallel path even on a one-core machine
    table = _random_table(random.Random(5), 70_000)
    assert json.loads(textout.to_json(table)) == _expected(table)
    rows = list(csv.reader(io.StringIO(textout.to_csv(table).decode(), newline="")))
    assert len(rows) == 70_001 and rows[1][0] == _expected(table)[0]["time"]
