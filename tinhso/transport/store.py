"""The position store: Parquet files partitioned by local day, read and written through DuckDB.

Layout (under settings.DATA_DIR / "transport" / "positions"):

    day=2025-03-01/b-<batch>.parquet     one file per ingested batch and day, sorted by (vehicle_id, ts)
    day=2025-03-01/c-<id>.parquet        a compacted day: all its batches merged, deduplicated, sorted
    _staging/<batch>/<day>.parquet       files being written (invisible to readers)
    _journal/<batch>.json                commit record: present = the batch is committed

A batch is written to _staging, then its journal is written atomically (temp file + rename): that rename
is the commit point. The staged files are then renamed into their day directories and the journal
removed. A process killed before the commit leaves only staging files, which readers never look at and
`recover()` deletes; killed after it, `recover()` finishes the renames. Nothing half-written is ever read.

Rows are sorted by vehicle within each file and written in small row groups, so a query for one vehicle
reads only the row groups whose min/max statistics contain it.
"""

import datetime as dt
import fcntl
import functools
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from tinhso.core import columnar
from tinhso.core.columnar import LOCAL_OFFSET, UNITS_PER_S, column_array, thread_pool
from tinhso.transport import textout
from tinhso.transport.parsing import (  # noqa: F401 - re-exported: callers read them from the store
    ALIASES,
    COLUMNS,
    REQUIRED,
    read_source,
    table_from_records,
)

TZ = "Asia/Ho_Chi_Minh"
ROW_GROUP_SIZE = 4_096
COMPACT_AFTER_FILES = 48
MAX_SAMPLES = 50
MEMORY_LIMIT = "3GB"
# Vietnam's bounding box including the islands: a point outside it is a device error.
LAT_RANGE = (8.0, 23.5)
LON_RANGE = (102.0, 118.0)
MAX_SPEED_KMH = 250
REASONS: dict[str, tuple[str, str, str]] = {
    # code: (field, vi, en)
    "plate_missing": ("plate", "thiếu biển số xe", "the plate is missing"),
    "plate_unknown": ("plate", "biển số chưa đăng ký trong hệ thống", "the plate is not a registered vehicle"),
    "time_invalid": ("time", "thời điểm không hợp lệ (ISO 8601, ví dụ 2025-03-01T08:00:00+07:00)",
                     "the time is invalid (ISO 8601, e.g. 2025-03-01T08:00:00+07:00)"),
    "time_future": ("time", "thời điểm ở tương lai", "the time is in the future"),
    "time_too_old": ("time", "thời điểm trước năm 2015", "the time is before 2015"),
    "lat_invalid": ("lat", "vĩ độ không hợp lệ hoặc ngoài lãnh thổ Việt Nam (8–23,5)",
                    "the latitude is invalid or outside Vietnam (8–23.5)"),
    "lon_invalid": ("lon", "kinh độ không hợp lệ hoặc ngoài lãnh thổ Việt Nam (102–118)",
                    "the longitude is invalid or outside Vietnam (102–118)"),
    "speed_invalid": ("speed", f"tốc độ không hợp lệ (0–{MAX_SPEED_KMH} km/h)",
                      f"the speed is invalid (0–{MAX_SPEED_KMH} km/h)"),
    "heading_invalid": ("heading", "hướng không hợp lệ (0–360)", "the heading is invalid (0–360)"),
    "ignition_invalid": ("ignition", "trạng thái máy không hợp lệ (1/0, true/false)",
                         "the ignition state is invalid (1/0, true/false)"),
    "door_invalid": ("door", "trạng thái cửa không hợp lệ (1/0, true/false)",
                     "the door state is invalid (1/0, true/false)"),
}


def root() -> Path:
    return Path(settings.DATA_DIR) / "transport"


def positions_dir() -> Path:
    return root() / "positions"


# ---------------------------------------------------------------- the store (tinhso.core.columnar)

# one shared in-memory DuckDB, bounded so a month of a whole fleet is analysed within a few GiB (DuckDB
# spills to disk beyond); the commit protocol (staging, fsync, journal, recovery) is the core's
STORE = columnar.DayStore(positions_dir, memory_limit=MEMORY_LIMIT, tz=TZ,
                          temp_directory=lambda: root() / "tmp" / "duckdb")


def connect() -> duckdb.DuckDBPyConnection:
    """A cursor on one shared in-memory DuckDB (so the Parquet metadata cache is shared), in local time."""
    return STORE.connect()


def _run(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[tuple]:
    """Execute and fetch everything, so the connection is free for the next statement."""
    return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()


def recover() -> None:
    """Finish committed batches whose renames were interrupted; drop staging left by killed processes
    (see tinhso.core.columnar). The app sets `STORE.recorded`: batch id → whether its ingest-batch record
    is committed in the database, so a journal written with "confirm" is only a prepared batch until that
    record exists (the data and its log entry are committed together or not at all)."""
    STORE.recover()


# ---------------------------------------------------------------- ingest

REASONS["row_malformed"] = ("row", "dòng sai cấu trúc (số cột, JSON không hợp lệ hoặc không phải UTF-8)",
                            "the row is malformed (wrong number of columns, invalid JSON or not UTF-8)")
REASON_ORDER = list(dict.fromkeys(["row_malformed", *REASONS]))  # index + 1 is the reason's small-int code
CODE = {name: i + 1 for i, name in enumerate(REASON_ORDER)}
EPOCH_2015 = int(dt.datetime(2015, 1, 1, tzinfo=dt.UTC).timestamp()) - LOCAL_OFFSET


@dataclass
class IngestReport:
    batch_id: str
    rows_total: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    days: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    samples: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    path: str = "fast"
    key: str = ""
    already_stored: bool = False

    def as_dict(self) -> dict:
        return {
            "batch_id": self.batch_id, "rows_total": self.rows_total, "rows_stored": self.rows_stored,
            "rows_rejected": self.rows_rejected, "duplicates": self.duplicates, "days": self.days,
            "seconds": round(self.seconds, 4),
            "reasons": [{"code": code, "field": REASONS[code][0], "count": n,
                         "message": {"vi": REASONS[code][1], "en": REASONS[code][2]}}
                        for code, n in sorted(self.reasons.items(), key=lambda kv: -kv[1])],
            "samples": self.samples, "key": self.key, "already_stored": self.already_stored,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "IngestReport":
        """The report of a batch as recorded (for answering a retry of it)."""
        return cls(batch_id=data["batch_id"], rows_total=data.get("rows_total", 0),
                    rows_stored=data.get("rows_stored", 0), rows_rejected=data.get("rows_rejected", 0),
                    duplicates=data.get("duplicates", 0), days=list(data.get("days", [])),
                    reasons={r["code"]: r["count"] for r in data.get("reasons", []) if r.get("code") in REASONS},
                    samples=list(data.get("samples", [])), seconds=data.get("seconds", 0.0),
                    key=data.get("key", ""))


def plate_key(plate: str) -> str:
    """Upper case without separators or diacritics ("99Đ-957.83" → "99D95783"); see fleet.plate_key."""
    from tinhso.transport.fleet import plate_key as key

    return key(plate)


def _vehicle_ids(plates: pa.ChunkedArray | pa.Array, vehicles: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(vehicle id or -1, plate missing) per row; plates are normalised once per distinct value."""
    chunks = plates.chunks if isinstance(plates, pa.ChunkedArray) else [plates]
    ids, missing = [np.zeros(0, np.int64)], [np.zeros(0, bool)]
    cache: dict = {}
    for chunk in chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = pc.dictionary_encode(chunk)
        values = ["" if p is None else str(p) for p in chunk.dictionary.to_pylist()]
        for p in values:
            if p not in cache:
                cache[p] = vehicles.get(plate_key(p), -1)
        lut = np.array([cache[p] for p in values] + [-1], np.int64)
        missing_lut = np.array([not p.strip() for p in values] + [True])
        idx = pc.fill_null(chunk.indices, len(values)).to_numpy(zero_copy_only=False)
        ids.append(lut[idx])
        missing.append(missing_lut[idx])
    return np.concatenate(ids), np.concatenate(missing)


def _reasons(typed: dict, vid: np.ndarray, plate_missing: np.ndarray) -> np.ndarray:
    n = len(vid)
    reason = np.zeros(n, np.int8)
    now = int(time.time())

    def mark(mask: np.ndarray, name: str) -> None:
        reason[(reason == 0) & mask] = CODE[name]

    t, lat, lon, speed, heading = typed["t"], typed["lat"], typed["lon"], typed["speed"], typed["heading"]
    with np.errstate(invalid="ignore"):
        mark(typed["malformed"], "row_malformed")
        mark(plate_missing, "plate_missing")
        mark(vid < 0, "plate_unknown")
        mark(t < 0, "time_invalid")
        mark(t > now + 600, "time_future")
        mark(t < EPOCH_2015, "time_too_old")
        mark(~((lat >= LAT_RANGE[0]) & (lat <= LAT_RANGE[1])), "lat_invalid")
        mark(~((lon >= LON_RANGE[0]) & (lon <= LON_RANGE[1])), "lon_invalid")
        mark(~((speed >= 0) & (speed <= MAX_SPEED_KMH)), "speed_invalid")
        mark(typed["heading_bad"] | (heading < 0) | (heading > 360), "heading_invalid")
        mark(typed["ignition_null"], "ignition_invalid")
        mark(typed["door_bad"], "door_invalid")
    return reason


def ingest(source: str | Path | pa.Table, fmt: str, vehicles: dict[str, int],
           batch_id: str | None = None, on_commit: Callable[[IngestReport], None] | None = None) -> IngestReport:
    """Ingest one batch: a file (csv, jsonl, parquet) or an Arrow table (columns named as COLUMNS or their
    aliases, any types). `vehicles` maps plate keys (see `plate_key`) to vehicle ids. Bad rows are
    counted with reasons and skipped; the good rows are committed together or not at all.
    `on_commit(report)`, when given, records the batch (its database row) and is the commit point: the
    rows are stored if and only if it returns (see `_commit`)."""
    started = time.perf_counter()
    recover()
    batch_id = batch_id or f"{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:12]}"
    report = IngestReport(batch_id)
    table, typed = read_source(source, fmt)
    report.path = "tolerant" if typed["tolerant"] else "fast"
    vid, plate_missing = _vehicle_ids(typed["plate"], vehicles)
    reason = _reasons(typed, vid, plate_missing)
    n = len(reason)
    skipped = typed["skipped"]  # CSV rows with the wrong number of fields, left out while parsing
    report.rows_total = n + len(skipped)
    if (n and reason.any()) or skipped:
        counts = np.bincount(reason, minlength=len(REASON_ORDER) + 1)
        counts[CODE["row_malformed"]] += len(skipped)
        report.reasons = {REASON_ORDER[i - 1]: int(c) for i, c in enumerate(counts) if i and c}
        report.rows_rejected = int(counts[1:].sum())
        report.samples = _samples(table, typed, reason)
    good = np.flatnonzero(reason == 0) if reason.any() else None
    t = typed["t"] if good is None else typed["t"][good]
    v = vid if good is None else vid[good]
    if len(t):
        local = t + LOCAL_OFFSET
        day = local // 86400
        day0 = int(day.min())
        # one int64 key: day | vehicle | second of day; a stable sort keeps the first of duplicates
        key = ((day - day0) << 44) | (v << 17) | (local % 86400)
        order = np.argsort(key, kind="stable")
        skey = key[order]
        first = np.ones(len(skey), bool)
        first[1:] = skey[1:] != skey[:-1]
        order = order[first]
        report.duplicates = int((~first).sum())
        rows = order if good is None else good[order]
        out = _output_table(typed, vid, rows)
        sday = day[order]
        bounds = np.flatnonzero(np.r_[True, sday[1:] != sday[:-1], True])
        parts = [(dt.date(1970, 1, 1) + dt.timedelta(days=int(sday[a])), out.slice(a, b - a))
                 for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        report.rows_stored = len(order)
        report.days = [d.isoformat() for d, _ in parts]
        report.seconds = time.perf_counter() - started
        _write_batch(batch_id, parts, None if on_commit is None else functools.partial(on_commit, report))
    elif on_commit is not None:
        on_commit(report)  # nothing to store, but the batch (and why its rows were refused) is recorded
    report.seconds = time.perf_counter() - started
    return report


def _take(values, rows: np.ndarray):
    if isinstance(values, np.ndarray):
        return values[rows]
    return values.take(pa.array(rows))


POSITION_SCHEMA = pa.schema([
    ("vehicle_id", pa.int32()), ("ts", pa.timestamp("s", tz="UTC")), ("lat", pa.float32()),
    ("lon", pa.float32()), ("speed", pa.float32()), ("heading", pa.int16()), ("ignition", pa.bool_()),
    ("door", pa.bool_()), ("driver", pa.string()),
])


def _output_table(typed: dict, vid: np.ndarray, rows: np.ndarray) -> pa.Table:
    heading = typed["heading"][rows]
    driver = pc.cast(_take(typed["driver"], rows), pa.string())
    if isinstance(driver, pa.ChunkedArray):
        driver = driver.combine_chunks()
    driver = pc.if_else(pc.equal(pc.utf8_trim_whitespace(driver), ""), pa.scalar(None, pa.string()), driver)
    return pa.table([
        pa.array(vid[rows].astype(np.int32)),
        pa.array(typed["t"][rows].astype("datetime64[s]")).cast(pa.timestamp("s", tz="UTC")),
        pa.array(typed["lat"][rows].astype(np.float32)),
        pa.array(typed["lon"][rows].astype(np.float32)),
        pa.array(typed["speed"][rows].astype(np.float32)),
        pa.array(np.nan_to_num(heading, nan=0).astype(np.int16)),
        pa.array(typed["ignition"][rows]),
        pa.array(typed["door"][rows]),
        driver,
    ], schema=POSITION_SCHEMA)


def _samples(table: pa.Table, typed: dict, reason: np.ndarray) -> list[dict]:
    rows = np.flatnonzero(reason)[:MAX_SAMPLES]
    field_name, vi, en = REASONS["row_malformed"]
    samples = [{"row": row, "field": field_name, "value": text[:200], "code": "row_malformed",
                "message": {"vi": vi, "en": en}} for row, text in typed["skipped"][:MAX_SAMPLES]]
    for r in rows:
        name = REASON_ORDER[reason[r] - 1]
        field_name, vi, en = REASONS[name]
        value = None
        if field_name in table.column_names:
            raw = table[field_name][int(r)].as_py()
            value = None if raw is None else str(raw)
        samples.append({"row": int(typed["rn"][r]), "field": field_name, "value": value, "code": name,
                        "message": {"vi": vi, "en": en}})
    return sorted(samples, key=lambda sample: sample["row"])[:MAX_SAMPLES]


def vehicle_row_groups(vehicle: np.ndarray, start: int = 0) -> list[tuple[int, int]]:
    """Row-group bounds for rows sorted by vehicle: groups of at most ROW_GROUP_SIZE rows that never cut
    a vehicle's run unless it alone exceeds the size. A vehicle's day (2.880 points at 30 s) is then read
    from one group holding little else, instead of the ~2,4× more rows of groups cut at fixed sizes."""
    n = len(vehicle)
    if n == 0:
        return []
    runs = np.flatnonzero(np.r_[True, vehicle[1:] != vehicle[:-1]]).tolist() + [n]
    groups, a = [], 0
    for s, e in zip(runs[:-1], runs[1:], strict=True):
        if s > a and e - a > ROW_GROUP_SIZE:
            groups.append((start + a, start + s))
            a = s
    groups.append((start + a, start + n))
    return groups


def _write_groups(writer: pq.ParquetWriter, table: pa.Table, groups: list[tuple[int, int]]) -> None:
    for a, b in groups:  # each call closes its row group(s); a long single-vehicle run is split at the size
        writer.write_table(table.slice(a, b - a), row_group_size=ROW_GROUP_SIZE)


def position_writer(path: Path | str, schema: pa.Schema = None, compression: str = "lz4") -> pq.ParquetWriter:
    return pq.ParquetWriter(path, schema or POSITION_SCHEMA, compression=compression, use_dictionary=["driver"],
                            write_statistics=["vehicle_id", "ts"])


def write_positions(table: pa.Table, path: Path | str, compression: str = "lz4") -> None:
    """Write positions sorted by (vehicle, time) in vehicle-aligned row groups with vehicle/time statistics."""
    vehicle = column_array(table, "vehicle_id").to_numpy()
    with position_writer(path, table.schema, compression) as writer:
        _write_groups(writer, table, vehicle_row_groups(vehicle))


def _write_batch(batch_id: str, parts: list[tuple[dt.date, pa.Table]],
                 on_commit: Callable[[], None] | None = None) -> None:
    with STORE.batch(batch_id, on_commit) as batch:
        for day, part in parts:
            write_positions(part, batch.path(f"day={day.isoformat()}/b-{batch_id}.parquet"))


# ---------------------------------------------------------------- compaction

def day_files(day: dt.date) -> list[Path]:
    return STORE.day_files(day)


def files_between(start: dt.date, end: dt.date) -> list[Path]:
    return STORE.files_between(start, end)


def all_days() -> list[dt.date]:
    return STORE.all_days()


def _write_streamed(reader: pa.RecordBatchReader, path: Path) -> None:
    """Write a stream of positions sorted by (vehicle, time) in vehicle-aligned row groups, holding at most
    one batch plus the run of the vehicle that straddles two batches in memory."""
    pending: pa.Table | None = None
    with position_writer(path, POSITION_SCHEMA, "zstd") as writer:
        for batch in reader:
            table = pa.Table.from_batches([batch]).cast(POSITION_SCHEMA)
            if pending is not None:
                table = pa.concat_tables([pending, table]).combine_chunks()
            vehicle = column_array(table, "vehicle_id").to_numpy()
            # the last vehicle may continue in the next batch: keep its run for then
            # and its group may still take vehicles from the next batch
            keep = int(np.searchsorted(vehicle, vehicle[-1], "left")) if len(vehicle) else 0
            groups = vehicle_row_groups(vehicle[:keep])
            keep = groups[-1][0] if groups else keep
            _write_groups(writer, table, groups[:-1])
            pending = table.slice(keep)
        if pending is not None and pending.num_rows:
            _write_groups(writer, pending, vehicle_row_groups(column_array(pending, "vehicle_id").to_numpy()))


def compact_day(day: dt.date, min_files: int = 2) -> int:
    """Merge a day's files into one, deduplicated and sorted by (vehicle, time). Returns files merged.
    The merged file is renamed into place before the old ones are removed; readers tolerate the
    moment where both exist because they deduplicate on (vehicle, time)."""
    directory = positions_dir() / f"day={day.isoformat()}"
    if not directory.is_dir():
        return 0
    with open(directory / ".compact.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        files = day_files(day)
        if len(files) < min_files:
            return 0
        tmp = directory / f".tmp-{uuid.uuid4().hex}.parquet"
        listing = ", ".join(f"'{f}'" for f in files)
        con = connect()
        try:
            reader = con.sql(f"""SELECT * EXCLUDE (rk) FROM (
                                   SELECT *, row_number() OVER (PARTITION BY vehicle_id, ts) AS rk
                                   FROM read_parquet([{listing}], hive_partitioning = false))
                                 WHERE rk = 1 ORDER BY vehicle_id, ts""").to_arrow_reader(1_000_000)
            _write_streamed(reader, tmp)
            columnar.fsync_file(tmp)
            final = directory / f"c-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}.parquet"
            os.replace(tmp, final)
            columnar.fsync_dir(directory)  # the merged file is durable before the files it replaces are removed
        finally:
            con.close()
            Path(tmp).unlink(missing_ok=True)
        for f in files:
            f.unlink(missing_ok=True)
        return len(files)


def maybe_compact(days: list[str]) -> None:
    for day in days:
        d = dt.date.fromisoformat(day)
        if len(day_files(d)) > COMPACT_AFTER_FILES:
            compact_day(d)


# ---------------------------------------------------------------- reading

def _list_sql(files: list[Path]) -> str:
    return columnar.sql_list(files)


def points_relation_sql(files: list[Path], where: str) -> str:
    """SQL of the deduplicated points in `files` matching `where` (on vehicle_id, ts)."""
    return f"""SELECT DISTINCT ON (vehicle_id, ts) vehicle_id, ts, lat, lon, speed, heading, ignition, door, driver
               FROM read_parquet({_list_sql(files)}, hive_partitioning = false) WHERE {where}"""


_META_LOCK = threading.Lock()
_META: dict[str, tuple[float, int, object, np.ndarray, np.ndarray]] = {}
EXTRACT_COLUMNS = ["ts", "lat", "lon", "speed", "heading", "ignition", "door", "driver"]


def _file_index(path: Path):
    """Footer and per-row-group vehicle min/max of a day file, cached while the file is unchanged."""
    st = path.stat()
    key = str(path)
    cached = _META.get(key)
    if cached and cached[0] == st.st_mtime and cached[1] == st.st_size:
        return cached[2:]
    meta = pq.read_metadata(path)
    col = meta.schema.names.index("vehicle_id")
    lo = np.empty(meta.num_row_groups, np.int64)
    hi = np.empty(meta.num_row_groups, np.int64)
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(col).statistics
        lo[i], hi[i] = (stats.min, stats.max) if stats is not None and stats.has_min_max else (-1, 2**62)
    with _META_LOCK:
        if len(_META) > 20_000:
            _META.clear()
        _META[key] = (st.st_mtime, st.st_size, meta, lo, hi)
    return meta, lo, hi


def _vehicle_slice(table: pa.Table, vehicle_id: int) -> pa.Table:
    """The rows of one vehicle in row groups of a file sorted by vehicle: a zero-copy slice found by
    binary search (a filter kernel per file costs more than the read on a month of 30 files)."""
    v = table.column("vehicle_id")
    v = (v.chunk(0) if v.num_chunks == 1 else v.combine_chunks()).to_numpy()
    if len(v) > 1 and (v[1:] < v[:-1]).any():  # not sorted (never written so; be safe)
        return table.filter(pa.array(v == vehicle_id))
    a, b = np.searchsorted(v, vehicle_id, "left"), np.searchsorted(v, vehicle_id, "right")
    return table.slice(int(a), int(b - a))


def _vehicle_part(vehicle_id: int, path: Path) -> pa.Table | None:
    """The vehicle's rows in one day file, read from the row groups whose statistics contain it."""
    try:
        meta, lo, hi = _file_index(path)
        hit = (lo <= vehicle_id) & (hi >= vehicle_id)
        groups = np.flatnonzero(hit).tolist()
        if not groups:
            return None
        # groups holding only this vehicle (the usual case with vehicle-aligned groups) need no vehicle
        # column and no slicing; single-threaded decoding is faster for a few small groups
        alone = bool((lo[hit] == hi[hit]).all())
        table = pq.ParquetFile(path, metadata=meta).read_row_groups(
            groups, columns=EXTRACT_COLUMNS if alone else ["vehicle_id", *EXTRACT_COLUMNS], use_threads=False)
    except FileNotFoundError:  # compacted away meanwhile: its rows are in the compacted file
        return None
    part = table if alone else _vehicle_slice(table, vehicle_id).select(EXTRACT_COLUMNS)
    return part if part.num_rows else None


def vehicle_points(vehicle_id: int, start: dt.datetime, end: dt.datetime) -> pa.Table:
    """One vehicle's points in [start, end), deduplicated and sorted by time. Reads only the row groups
    whose statistics contain the vehicle (files are sorted by vehicle), with cached footers."""
    files = files_between(start.astimezone(_zone()).date(), end.astimezone(_zone()).date())
    read = functools.partial(_vehicle_part, vehicle_id)
    found = thread_pool().map(read, files) if len(files) > 1 else map(read, files)
    parts = [part for part in found if part is not None]
    if not parts:
        return POSITION_SCHEMA.empty_table().select(EXTRACT_COLUMNS)
    table = pa.concat_tables(parts).select(EXTRACT_COLUMNS)
    ts = column_array(table, "ts")
    per_s = UNITS_PER_S[ts.type.unit]  # Parquet keeps milliseconds: compare in the file's unit
    ts = ts.cast(pa.int64()).to_numpy()
    lo_s, hi_s = int(start.timestamp()) * per_s, int(end.timestamp()) * per_s
    step = np.diff(ts)
    if len(ts) and (step >= 0).all():
        # the usual case (one file per day, days in order): already in time order, so the answer is a
        # zero-copy slice, minus the few repeated seconds a device may send
        a, b = int(np.searchsorted(ts, lo_s, "left")), int(np.searchsorted(ts, hi_s, "left"))
        repeated = np.flatnonzero(step[a:b - 1] == 0) + a + 1 if b - a > 1 else []
        if len(repeated) <= 64:
            pieces, prev = [], a
            for r in repeated.tolist() if len(repeated) else []:
                pieces.append(table.slice(prev, r - prev))
                prev = r + 1
            pieces.append(table.slice(prev, b - prev))
            return pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces)
    order = np.argsort(ts, kind="stable")
    sts = ts[order]
    keep = (sts >= lo_s) & (sts < hi_s)
    keep[1:] &= sts[1:] != sts[:-1]
    return table.take(pa.array(order[keep]))


def extract(vehicle_id: int, start: dt.datetime, end: dt.datetime, fmt: str = "json") -> tuple[bytes, int]:
    """One vehicle's points in [start, end) as JSON (array of objects), CSV or Parquet bytes."""
    table = vehicle_points(vehicle_id, start, end)
    n = table.num_rows
    if fmt == "parquet":
        # dictionary-encoding floats is what makes small Parquet writes slow: only the driver column gets it
        sink = pa.BufferOutputStream()  # ~4 ms faster than io.BytesIO on a month
        pq.write_table(table, sink, compression="lz4", use_dictionary=["driver"], write_statistics=False)
        return sink.getvalue().to_pybytes(), n
    return (textout.to_csv if fmt == "csv" else textout.to_json)(table), n


def _tmp_root() -> Path:
    path = root() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(TZ)


def store_stats() -> dict:
    days = all_days()
    files = files_between(days[0], days[-1]) if days else []
    size = sum(f.stat().st_size for f in files)
    count = 0
    if files:
        con = connect()
        try:
            count = _run(con, f"SELECT sum(num_rows) FROM parquet_file_metadata({_list_sql(files)})")[0][0] or 0
        finally:
            con.close()
    return {"days": len(days), "first_day": days[0] if days else None, "last_day": days[-1] if days else None,
            "files": len(files), "bytes": size, "points": int(count)}


def reasons_counter(reports: list[IngestReport]) -> Counter:
    total: Counter = Counter()
    for r in reports:
        total.update(r.reasons)
    return total
