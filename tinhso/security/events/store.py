"""The security event store: Parquet files partitioned by local day, queried through DuckDB — a
`tinhso.core.columnar.DayStore` like the journey-monitoring store, without its per-vehicle sorting.

    DATA_DIR/security/events/day=2024-05-02/<time>-<pid>-<n>.parquet

A batch's day files are staged, fsynced and committed together (one file: its rename; several: the
core's journal), so readers never see half a file or half a batch. Each event carries the system and
owner unit its host belongs to (attribution through the inventory at ingest time).
"""

import datetime as dt
import os
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from tinhso.core import columnar
from tinhso.security.events import parsers

MAX_SAMPLES = 20
SCHEMA = pa.schema([
    ("ts", pa.timestamp("us", tz="UTC")), ("host", pa.string()), ("program", pa.string()), ("format", pa.string()),
    ("category", pa.string()), ("severity", pa.int16()), ("source_ip", pa.string()), ("dest_ip", pa.string()),
    ("user", pa.string()), ("url", pa.string()), ("http_method", pa.string()), ("http_status", pa.int16()),
    ("signature", pa.string()), ("rule_id", pa.string()), ("message", pa.string()),
    ("system_id", pa.int64()), ("owner_id", pa.int64()),
])
_counter = 0
_counter_lock = threading.Lock()


def root() -> Path:
    return Path(settings.DATA_DIR) / "security" / "events"


STORE = columnar.DayStore(root, tz="UTC")


def day_dir(day: dt.date) -> Path:
    return STORE.day_dir(day)


@dataclass
class IngestResult:
    """What one ingest did: lines read, events stored, malformed lines (with the first few as samples)."""

    lines: int = 0
    stored: int = 0
    malformed: int = 0
    by_format: Counter = field(default_factory=Counter)
    samples: list[dict] = field(default_factory=list)
    attributed: int = 0
    files: int = 0

    def add(self, other: "IngestResult") -> None:
        self.lines += other.lines
        self.stored += other.stored
        self.malformed += other.malformed
        self.by_format.update(other.by_format)
        self.attributed += other.attributed
        self.files += other.files
        self.samples += other.samples[:max(0, MAX_SAMPLES - len(self.samples))]

    def as_dict(self) -> dict:
        return {"lines": self.lines, "stored": self.stored, "malformed": self.malformed,
                "attributed": self.attributed, "by_format": dict(self.by_format), "samples": self.samples}


BSD_PATTERN = (r"^(?:<(?P<pri>\d{1,3})>)?(?P<mon>[A-Z][a-z]{2}) {1,2}(?P<day>\d{1,2}) "
               r"(?P<time>\d\d:\d\d:\d\d) (?P<host>\S+) (?P<program>[^:\[\s]+)(?:\[\d+\])?: ?(?P<message>.*)$")
SSH_PATTERNS = (
    ("auth_failure", r"Failed \S+ for (?:invalid user )?(?P<user>\S+) from (?P<ip>\S+)"),
    ("auth_failure", r"Invalid user (?P<user>\S*) from (?P<ip>\S+)"),
    ("auth_success", r"Accepted \S+ for (?P<user>\S+) from (?P<ip>\S+)"),
)
ACCESS_PATTERN = (r'^(?P<ip>\S+) \S+ (?P<user>\S+) \[[^\]]*\] "(?P<method>[A-Z]{3,8}) (?P<url>\S+)[^"]*" '
                  r"(?P<status>\d{3})")
RFC5424_START = r"^<\d{1,3}>1 "


def nothing_string(length: int) -> pa.Array:
    return pa.nulls(length, pa.string())


def _blank_to_null(values: pa.Array) -> pa.Array:
    """Unmatched optional groups (and fields of unmatched rows) come back as "" from extract_regex."""
    return pc.if_else(pc.equal(pc.fill_null(values, ""), ""), nothing_string(len(values)), values)


def _bsd_table(lines: pa.Array, year: int) -> tuple[pa.Table, pa.Array]:
    """BSD syslog parsed column-wise with Arrow's RE2 kernels (the bulk of any syslog file), the message
    classified for sshd logins and web access logs. Returns the table and a mask of the lines that failed."""
    parts = pc.extract_regex(lines, BSD_PATTERN)
    stamp = pc.binary_join_element_wise(str(year), parts.field("mon"), parts.field("day"), parts.field("time"), " ")
    local = pc.strptime(stamp, format="%Y %b %d %H:%M:%S", unit="us", error_is_null=True)
    pri = pc.cast(_blank_to_null(parts.field("pri")), pa.int16())
    bad = pc.or_kleene(pc.is_null(local), pc.greater(pc.fill_null(pri, 0), 191))
    bad = pc.fill_null(bad, True)
    message = parts.field("message")
    category = pa.nulls(len(lines), pa.string())
    user = pa.nulls(len(lines), pa.string())
    source = pa.nulls(len(lines), pa.string())
    for kind, pattern in SSH_PATTERNS:
        found = pc.extract_regex(message, pattern)
        hit = pc.is_valid(found)
        fresh = pc.and_(hit, pc.is_null(category))
        category = pc.if_else(fresh, pa.scalar(kind), category)
        user = pc.if_else(fresh, found.field("user"), user)
        source = pc.if_else(fresh, found.field("ip"), source)
    access = pc.extract_regex(message, ACCESS_PATTERN)
    web = pc.and_(pc.is_valid(access), pc.is_null(category))
    category = pc.if_else(web, pa.scalar("web_request"), pc.fill_null(category, "system"))
    user = pc.if_else(web, access.field("user"), user)
    user = pc.if_else(pc.equal(pc.fill_null(user, ""), "-"), pa.nulls(len(lines), pa.string()), user)
    user = pc.if_else(pc.equal(pc.fill_null(user, ""), ""), pa.nulls(len(lines), pa.string()), user)
    source = pc.if_else(web, access.field("ip"), source)
    status = pc.cast(_blank_to_null(pc.if_else(web, access.field("status"), nothing_string(len(lines)))), pa.int16())
    status = pc.if_else(web, status, pa.nulls(len(lines), pa.int16()))
    nothing = pa.nulls(len(lines), pa.string())
    ts = pc.cast(pc.subtract(pc.cast(local, pa.int64()), columnar.LOCAL_OFFSET_US), pa.timestamp("us", tz="UTC"))
    table = pa.table({
        "ts": ts, "host": pc.utf8_lower(parts.field("host")), "program": parts.field("program"),
        "format": pa.array(["syslog"] * len(lines), pa.string()), "category": category,
        "severity": pc.cast(pc.bit_wise_and(pri, pa.scalar(7, pa.int16())), pa.int16()),
        "source_ip": source, "dest_ip": nothing, "user": user,
        "url": pc.if_else(web, access.field("url"), nothing),
        "http_method": pc.if_else(web, access.field("method"), nothing), "http_status": status,
        "signature": nothing, "rule_id": nothing, "message": message,
    })
    return table, bad


def _python_table(records: list[dict]) -> pa.Table:
    columns = {name: [r[name] for r in records] for name in parsers.COLUMNS}
    columns["ts"] = pa.array(columns["ts"], pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    return pa.Table.from_pydict(columns, schema=pa.schema([f for f in SCHEMA if f.name in parsers.COLUMNS]))


def parse_lines(lines: list[str], fmt: str = "auto", year: int | None = None, first_line: int = 1
                ) -> tuple[pa.Table, IngestResult]:
    """Parse lines (format given, or per line: JSON → Wazuh/Suricata, else syslog). Blank lines are
    skipped, unreadable ones counted (with the first few as samples). BSD syslog goes through Arrow's
    vectorised regex kernels; RFC 5424 and JSON lines through the Python parsers."""
    year = year or dt.date.today().year
    result = IngestResult()
    if fmt not in ("auto", *parsers.FORMATS):
        raise ValueError(fmt)
    # blank lines dropped and line ends trimmed column-wise; `positions` keeps each line's number
    raw = pc.utf8_rtrim(pa.array(lines, pa.string()), characters="\r\n")
    kept = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(raw)), 0)
    positions = pc.indices_nonzero(kept).to_numpy() + first_line
    texts = raw.filter(kept)
    result.lines = len(texts)

    def sample(index: int, kind: str) -> dict:
        return {"line": int(positions[index]), "format": kind, "text": texts[index].as_py()[:300]}

    if fmt in ("auto", "syslog") and len(texts):
        json_like = pc.starts_with(texts, "{") if fmt == "auto" else pa.array([False] * len(texts))
        rfc5424 = pc.match_substring_regex(texts, RFC5424_START)
        bsd_mask = pc.invert(pc.or_(json_like, rfc5424))
    else:
        bsd_mask = pa.array([False] * len(texts), pa.bool_())
    tables = []
    bsd_rows = pc.indices_nonzero(bsd_mask).to_numpy()
    if len(bsd_rows):
        table, bad = _bsd_table(texts.take(pa.array(bsd_rows)), year)
        bad_np = bad.to_numpy(zero_copy_only=False)
        for index in bsd_rows[bad_np][:MAX_SAMPLES]:
            result.samples.append(sample(int(index), "syslog"))
        result.malformed += int(bad_np.sum())
        good = table.filter(pc.invert(bad))
        result.by_format["syslog"] += good.num_rows
        tables.append(good)
    others = pc.indices_nonzero(pc.invert(bsd_mask)).to_numpy()
    if len(others):
        clock = parsers._Clock(year)
        fixed = parsers.PARSERS.get(fmt)
        records = []
        other_texts = texts.take(pa.array(others)).to_pylist()
        for index, line in zip(others, other_texts, strict=True):
            kind = fmt if fixed else parsers.sniff(line)
            record = parsers.PARSERS[kind](line, clock)
            if record is None:
                result.malformed += 1
                if len(result.samples) < MAX_SAMPLES:
                    result.samples.append(sample(int(index), kind))
                continue
            result.by_format[kind] += 1
            records.append(record)
        if records:
            tables.append(_python_table(records))
    base = [f for f in SCHEMA if f.name in parsers.COLUMNS]
    table = pa.concat_tables(tables) if tables else pa.schema(base).empty_table()
    return table, result


def attribute_table(table: pa.Table) -> tuple[pa.Table, int]:
    """Add system_id and owner_id: each event's host, else its destination IP, through the inventory
    (looked up once per distinct value)."""
    from tinhso.security.services import attribute_many

    hosts = pc.unique(pc.drop_null(table.column("host"))).to_pylist() if table.num_rows else []
    dests = pc.unique(pc.drop_null(table.column("dest_ip"))).to_pylist() if table.num_rows else []
    found = {k: v for k, v in attribute_many(hosts + dests).items() if v is not None}
    if not found:
        empty = pa.nulls(table.num_rows, pa.int64())
        return table.append_column("system_id", empty).append_column("owner_id", empty), 0
    keys = pa.array(list(found), pa.string())
    systems = pa.array([v.system_id for v in found.values()], pa.int64())
    owners = pa.array([v.owner_id for v in found.values()], pa.int64())
    by_host = pc.index_in(table.column("host"), value_set=keys)
    by_dest = pc.index_in(table.column("dest_ip"), value_set=keys)
    position = pc.coalesce(by_host, by_dest)
    system_ids, owner_ids = systems.take(position), owners.take(position)
    return (table.append_column("system_id", system_ids).append_column("owner_id", owner_ids),
            table.num_rows - system_ids.null_count)


def _next_name() -> str:
    global _counter
    with _counter_lock:
        _counter += 1
        return f"{time.time_ns()}-{os.getpid()}-{_counter}"


def write(table: pa.Table) -> int:
    """Store a table of events, one file per local day it spans, committed together. Returns the number
    of files written."""
    if table.num_rows == 0:
        return 0
    parts = columnar.split_by_day(table, "ts")
    name = _next_name()
    with STORE.batch(name) as batch:
        for day, part in parts:
            pq.write_table(part, batch.path(f"day={day.isoformat()}/{name}.parquet"), compression="zstd",
                           row_group_size=256_000)
    return len(parts)


def store_table(table: pa.Table) -> tuple[int, int, int]:
    """(stored, attributed, files) for a parsed table."""
    if table.num_rows == 0:
        return 0, 0, 0
    table, hits = attribute_table(table)
    return table.num_rows, hits, write(table.select(SCHEMA.names).cast(SCHEMA))


def ingest_lines(lines: Iterable[str], fmt: str = "auto", year: int | None = None, batch: int = 200_000
                 ) -> IngestResult:
    """Parse and store lines in batches (memory stays bounded for large files)."""
    total = IngestResult()
    chunk: list[str] = []
    first = 1
    for line in lines:
        chunk.append(line)
        if len(chunk) >= batch:
            _ingest_chunk(chunk, fmt, year, first, total)
            first += len(chunk)
            chunk = []
    _ingest_chunk(chunk, fmt, year, first, total)
    return total


def _ingest_chunk(chunk: list[str], fmt: str, year: int | None, first: int, total: IngestResult) -> None:
    if not chunk:
        return
    table, result = parse_lines(chunk, fmt, year, first)
    result.stored, result.attributed, result.files = store_table(table)
    total.add(result)


def ingest_file(path: str | Path, fmt: str = "auto", year: int | None = None) -> IngestResult:
    """A log file (UTF-8; undecodable bytes are replaced, so such a line is read or counted malformed)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return ingest_lines(handle, fmt, year)


# ---------------------------------------------------------------- reading

def day_files(start: dt.date, end: dt.date) -> list[str]:
    return [str(p) for p in STORE.files_between(start, end)]


def relation_sql(files: list[str]) -> str:
    """A FROM clause over the files (an empty relation with the store's columns when there are none)."""
    return columnar.parquet_sql(files, SCHEMA)


def connect(memory_limit: str = "3GB") -> duckdb.DuckDBPyConnection:
    """A connection of its own (the rules run with their own memory limit), in UTC."""
    return columnar.new_connection("UTC", memory_limit)


def query(sql: str, start: dt.date, end: dt.date, params: list | None = None) -> list[tuple]:
    """Run `sql` where `{events}` stands for the events of the days start..end."""
    con = connect()
    try:
        return con.execute(sql.replace("{events}", relation_sql(day_files(start, end))), params or []).fetchall()
    finally:
        con.close()
