"""The transaction ledger: one row per call, append-only, Parquet files partitioned by local day and
queried through DuckDB (the pattern of the transport position store).

Layout under settings.DATA_DIR / "sharing":

    ledger/day=2025-10-01/<batch>.parquet   transactions of one batch (an import, a spool flush) and day
    daily/day=2025-10-01/<batch>.parquet    the same batch counted per client, provider, service and side
    spool/<process>.jsonl                   gateway rows not yet in Parquet (one line per call)

The store is a `tinhso.core.columnar.DayStore` (like the position and security event stores): a batch's
row files and count files are staged, fsynced and committed together through the core's journal, so a
reader never sees half a file, nor rows without their counts. The daily counts are written with the rows,
so a monthly roll-up reads a few thousand small rows instead of a hundred million. Gateway calls are
appended to a per-process spool (one short write per call, no database round trip) and turned into
Parquet every few seconds or thousand rows; readers see the spool too.
Nothing here holds a payload: only metadata.
"""

import atexit
import datetime as dt
import json
import os
import threading
import time
import uuid
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from tinhso.core import columnar

TZ = "Asia/Ho_Chi_Minh"
LOCAL_OFFSET = dt.timedelta(hours=7)  # Vietnam keeps UTC+7 all year
EPOCH_DAY = columnar.EPOCH_DAY

SCHEMA = pa.schema([
    ("message_id", pa.string()),
    ("request_at", pa.timestamp("us", tz="UTC")),
    ("response_at", pa.timestamp("us", tz="UTC")),
    ("client_unit", pa.string()),
    ("client_system", pa.string()),
    ("provider_unit", pa.string()),
    ("provider_system", pa.string()),
    ("service_code", pa.string()),
    ("service_version", pa.string()),
    ("method", pa.string()),
    ("path", pa.string()),
    ("status", pa.int32()),
    ("succeeded", pa.bool_()),
    ("duration_ms", pa.float64()),
    ("request_bytes", pa.int64()),
    ("response_bytes", pa.int64()),
    ("side", pa.string()),      # gateway | client | provider: who recorded the row
    ("source", pa.string()),    # gateway, or the import batch
    ("error", pa.string()),     # short code when the call failed before or outside the provider
])
COLUMNS = SCHEMA.names
GROUP_KEYS = ("client_unit", "client_system", "provider_unit", "provider_system", "service_code",
              "service_version", "side")
SIDES = ("gateway", "client", "provider")
SPOOL_MAX_ROWS = 5_000
SPOOL_MAX_SECONDS = 10.0


def root() -> Path:
    return Path(settings.DATA_DIR) / "sharing"


def _dir(kind: str) -> Path:
    return root() / kind


# ---------------------------------------------------------------- the store

STORE = columnar.DayStore(root, memory_limit="2GB", tz=TZ)


def connect() -> duckdb.DuckDBPyConnection:
    """A cursor on one shared in-memory DuckDB in local time (Parquet metadata cache shared)."""
    return STORE.connect()


def local_day(ts: dt.datetime) -> dt.date:
    return columnar.local_day(ts)


# ---------------------------------------------------------------- writing

def conform(table: pa.Table) -> pa.Table:
    """Columns in SCHEMA order and types; missing ones empty."""
    arrays = []
    for fld in SCHEMA:
        if fld.name in table.column_names:
            col = table.column(fld.name)
            arrays.append(col if col.type == fld.type else pc.cast(col, fld.type))
        else:
            arrays.append(pa.nulls(table.num_rows, fld.type))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


_DUCK_TYPES = {pa.string(): "VARCHAR", pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ", pa.int32(): "INTEGER",
               pa.bool_(): "BOOLEAN", pa.float64(): "DOUBLE", pa.int64(): "BIGINT"}
_ROW_SELECT = ", ".join(f"CAST({f.name} AS {_DUCK_TYPES[f.type]}) AS {f.name}" for f in SCHEMA)
_COUNT_SELECT = f"""{', '.join(GROUP_KEYS)}, count(*)::BIGINT AS calls,
    count(*) FILTER (WHERE NOT coalesce(succeeded, false))::BIGINT AS failed, sum(duration_ms)::DOUBLE AS duration_ms,
    sum(request_bytes)::BIGINT AS request_bytes, sum(response_bytes)::BIGINT AS response_bytes"""


def _copy(con: duckdb.DuckDBPyConnection, select_sql: str, params: list, path: Path) -> int:
    """DuckDB's own (parallel) Parquet writer, into a batch's staged file; returns the rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = str(path).replace("'", "''")
    sql = f"COPY ({select_sql}) TO '{quoted}' (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 262144)"
    written = (con.execute(sql, params) if params else con.execute(sql)).fetchall()
    return int(written[0][0]) if written and written[0] and written[0][0] is not None else 0


def write(table: pa.Table, batch: str | None = None) -> list[dt.date]:
    """Append rows (any subset of SCHEMA's columns) as one batch: a Parquet file per local day plus its
    daily counts. Returns the days written."""
    if table.num_rows == 0:
        return []
    con = connect()
    try:
        con.register("incoming_arrow", conform(table))
        return write_relation(con, "incoming_arrow", batch)
    finally:
        con.close()


def write_relation(con: duckdb.DuckDBPyConnection, relation: str, batch: str | None = None) -> list[dt.date]:
    """`write` for rows already in DuckDB (a table or view named `relation` on `con`, SCHEMA's columns):
    the import path, which never round-trips through Python objects."""
    return write_relation_counted(con, relation, batch)[0]


def write_relation_counted(con: duckdb.DuckDBPyConnection, relation: str, batch: str | None = None
                           ) -> tuple[list[dt.date], int]:
    """`write_relation`, also returning the rows written (so a caller need not count a view first)."""
    batch = batch or uuid.uuid4().hex
    # the local day by arithmetic (UTC+7, no DST) rather than a time-zone conversion per row
    day_expr = columnar.day_number_sql("request_at")
    numbers = [r[0] for r in con.execute(f"SELECT DISTINCT {day_expr} FROM {relation} ORDER BY 1").fetchall()]
    name = f"{batch}.parquet"
    days = []
    written = 0
    # rows and counts of every day are committed together (the core's journal): never rows without counts
    with STORE.batch(batch) as staged:
        for number in numbers:
            day = EPOCH_DAY + dt.timedelta(days=int(number))
            days.append(day)
            where = f"FROM {relation} WHERE {day_expr} = {int(number)}"
            # rows in the order they came (a day's export, a spool: time order). Sorting a 1,6-million-row day
            # by service cost more CPU than reading, typing and writing it together; the roll-ups read the daily
            # counts, and a day's rows are scanned whole anyway.
            written += _copy(con, f"SELECT {_ROW_SELECT} {where}", [], staged.path(f"ledger/day={day}/{name}"))
            _copy(con, f"SELECT DATE '{day}' AS day, {_COUNT_SELECT} {where} GROUP BY ALL", [],
                  staged.path(f"daily/day={day}/{name}"))
    return days, written


# ---------------------------------------------------------------- the gateway's spool

class Spool:
    """Gateway rows of this process: one JSON line per call, converted to Parquet in batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handle = None
        self._path: Path | None = None
        self._rows = 0
        self._opened = 0.0

    def _open(self) -> None:
        directory = _dir("spool")
        directory.mkdir(parents=True, exist_ok=True)
        self._path = directory / f"{os.getpid()}-{uuid.uuid4().hex[:12]}.jsonl"
        self._handle = open(self._path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - kept open
        self._rows = 0
        self._opened = time.monotonic()

    def append(self, row: dict) -> None:
        line = json.dumps(row, default=str, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            if self._handle is None or (self._path is not None and self._path.parent != _dir("spool")):
                self._open()
            self._handle.write(line)
            self._rows += 1
            due = self._rows >= SPOOL_MAX_ROWS or time.monotonic() - self._opened > SPOOL_MAX_SECONDS
            path = self._detach() if due else None
        if path is not None:
            # converted beside the calls, not in their way: the next call opens a fresh spool at once
            threading.Thread(target=_convert, args=(path,), name="tinhso-ledger-spool", daemon=True).start()

    def _detach(self) -> Path | None:
        """Close the current spool file and hand it over (under the lock)."""
        if self._handle is None:
            return None
        handle, path = self._handle, self._path
        self._handle, self._path = None, None
        handle.close()
        return path

    def flush(self) -> int:
        """Convert this process's current spool into Parquet now; returns the rows moved."""
        with self._lock:
            path = self._detach()
        return _convert(path) if path is not None else 0


def _convert(path: Path) -> int:
    """A closed spool file → Parquet (its batch name comes from the file, so a repeat overwrites)."""
    table = read_spool_files([path])
    if table.num_rows:
        write(table, batch=f"gw-{path.stem}")
    path.unlink(missing_ok=True)
    return table.num_rows


def read_spool_files(paths: list[Path]) -> pa.Table:
    rows = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    if line.endswith("\n"):  # a line being written by another process is skipped
                        try:
                            rows.append(json.loads(line))
                        except ValueError:
                            continue
        except FileNotFoundError:  # flushed by its process meanwhile: its rows are now in Parquet
            continue
    if not rows:
        return SCHEMA.empty_table()
    for row in rows:
        for name in ("request_at", "response_at"):
            if row.get(name):
                row[name] = dt.datetime.fromisoformat(row[name])
    return pa.Table.from_pylist(rows, schema=SCHEMA)


spool = Spool()


def _flush_at_exit() -> None:
    """A clean shutdown leaves no spool behind (a crash's is picked up by `flush_orphans`)."""
    try:
        spool.flush()
    except Exception:  # noqa: BLE001 - never fail an exiting process; the spool stays readable
        pass


atexit.register(_flush_at_exit)


def flush() -> int:
    return spool.flush()


# ---------------------------------------------------------------- reading

def files(kind: str, start: dt.date | None = None, end: dt.date | None = None) -> list[str]:
    return [str(p) for p in STORE.files_between(start, end, kind)]


def spool_table(start: dt.date | None = None, end: dt.date | None = None) -> pa.Table:
    directory = _dir("spool")
    table = read_spool_files(sorted(directory.glob("*.jsonl"))) if directory.is_dir() else SCHEMA.empty_table()
    if table.num_rows and (start or end):
        days = pc.cast(pc.add(table.column("request_at"), pa.scalar(LOCAL_OFFSET)), pa.date32())
        mask = None
        if start:
            mask = pc.greater_equal(days, pa.scalar(start))
        if end:
            upper = pc.less_equal(days, pa.scalar(end))
            mask = upper if mask is None else pc.and_(mask, upper)
        table = table.filter(mask)
    return table


def _relation_sql(con: duckdb.DuckDBPyConnection, kind: str, start: dt.date | None, end: dt.date | None) -> str:
    """SQL naming the ledger rows (kind="ledger") or daily counts (kind="daily") of the period, spool
    included, registered on `con`."""
    paths = files(kind, start, end)
    spooled = spool_table(start, end)
    parts = []
    if paths:
        listed = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
        parts.append(f"SELECT * FROM read_parquet([{listed}])")
    if spooled.num_rows:
        con.register("spooled", spooled)
        if kind == "ledger":
            parts.append("SELECT * FROM spooled")
        else:
            parts.append(f"""SELECT CAST(request_at AS DATE) AS day, {', '.join(GROUP_KEYS)},
                count(*)::BIGINT AS calls, count(*) FILTER (WHERE NOT coalesce(succeeded, false))::BIGINT AS failed,
                sum(duration_ms)::DOUBLE AS duration_ms, sum(request_bytes)::BIGINT AS request_bytes,
                sum(response_bytes)::BIGINT AS response_bytes FROM spooled GROUP BY ALL""")
    if not parts:
        con.register("empty_ledger", SCHEMA.empty_table())
        if kind == "ledger":
            return "SELECT * FROM empty_ledger"
        return f"""SELECT CAST(NULL AS DATE) AS day, {', '.join(GROUP_KEYS)}, 0::BIGINT AS calls,
            0::BIGINT AS failed, 0::DOUBLE AS duration_ms, 0::BIGINT AS request_bytes, 0::BIGINT AS response_bytes
            FROM empty_ledger WHERE false"""
    return " UNION ALL BY NAME ".join(parts)


def query(sql: str, params: list | None = None, start: dt.date | None = None, end: dt.date | None = None,
          retries: int = 2) -> list[tuple]:
    """Run `sql` where `{ledger}` and `{daily}` stand for the period's rows and daily counts."""
    for attempt in range(retries + 1):
        con = connect()
        try:
            text = sql
            if "{ledger}" in sql:
                text = text.replace("{ledger}", f"({_relation_sql(con, 'ledger', start, end)})")
            if "{daily}" in sql:
                text = text.replace("{daily}", f"({_relation_sql(con, 'daily', start, end)})")
            return con.execute(text, params or []).fetchall()
        except duckdb.IOException:
            # a spool was turned into Parquet between listing and reading: list again
            if attempt == retries:
                raise
        finally:
            con.close()
    return []


def rebuild_counts(day: dt.date) -> None:
    """Recompute a day's daily counts from its rows (e.g. after a file was removed by hand)."""
    paths = files("ledger", day, day)
    if not paths:
        return
    con = connect()
    try:
        counts = con.sql(f"""
            SELECT CAST(? AS DATE) AS day, {_COUNT_SELECT}
            FROM read_parquet({columnar.sql_list(paths)}) GROUP BY ALL""", params=[day]).to_arrow_table()
    finally:
        con.close()
    old = STORE.day_files(day, "daily")
    name = f"rebuilt-{uuid.uuid4().hex}"
    with STORE.batch(name) as staged:
        pq.write_table(counts, staged.path(f"daily/day={day}/{name}.parquet"), compression="zstd")
    for path in old:
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def flush_orphans() -> int:
    """Turn into Parquet the spools of this process and of processes that no longer run (a server killed
    before its last flush); a running server's spool is left to it. Returns the rows moved."""
    moved = spool.flush()
    directory = _dir("spool")
    if not directory.is_dir():
        return moved
    for path in sorted(directory.glob("*.jsonl")):
        pid = path.name.split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        moved += _convert(path)
    return moved
