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
import numpy as np
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


# The BSD header in at most four capture groups, each step deterministic: RE2 then matches with its fast
# one-pass engine (seven groups, or an ambiguous " ?" before the message, cost it 3–4× more time).
BSD_PATTERN = (r"^(?:<\d{1,3}>)?(?P<stamp>[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d) (?P<host>\S+) "
               r"(?P<program>[^:\[\s]+)(?:\[\d+\])?:(?P<message>.*)$")
MONTHS = pa.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
# (substring every match contains, pattern): a pattern runs only on the lines holding its substring
SSH_PATTERNS = (
    ("auth_failure", "Failed ", r"Failed \S+ for (?:invalid user )?(?P<user>\S+) from (?P<ip>\S+)"),
    ("auth_failure", "Invalid user", r"Invalid user (?P<user>\S*) from (?P<ip>\S+)"),
    ("auth_success", "Accepted ", r"Accepted \S+ for (?P<user>\S+) from (?P<ip>\S+)"),
)
ACCESS_PATTERN = (r'^(?P<ip>\S+) \S+ (?P<user>\S+) \[[^\]]*\] "(?P<request>[A-Z]{3,8} [^\s"]+)(?: [^"]*)?" '
                  r"(?P<status>\d{3})")
SSH_NEEDLES = "|".join(needle for _, needle, _ in SSH_PATTERNS)
RFC5424_START = r"^<\d{1,3}>1 "
PARALLEL_MIN_LINES = 50_000


def nothing_string(length: int) -> pa.Array:
    return pa.nulls(length, pa.string())


def _blank_to_null(values: pa.Array) -> pa.Array:
    """Unmatched optional groups (and fields of unmatched rows) come back as "" from extract_regex."""
    return pc.if_else(pc.equal(pc.fill_null(values, ""), ""), nothing_string(len(values)), values)


def _string_bytes(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) byte positions of each string of a string array, and its data buffer as bytes."""
    if values.offset:
        values = pa.concat_arrays([values])  # a slice: copied so its buffers start at its first row
    offsets = np.frombuffer(values.buffers()[1], np.int32)[:len(values) + 1]
    data = values.buffers()[2]
    data = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    # the readers look up to three bytes from a string's start: a batch of empty or tiny strings gets padding
    return offsets, data if len(data) >= 3 else np.concatenate([data, np.zeros(3, np.uint8)])


def _digits(data: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The digit at each position (a space or anything else counts 0)."""
    value = data[np.clip(at, 0, len(data) - 1)].astype(np.int64) - 48
    return np.where((value >= 0) & (value <= 9), value, 0)


MONTH_CODES = {(ord(m[0]) << 16) | (ord(m[1]) << 8) | ord(m[2]): i for i, m in enumerate(MONTHS.to_pylist())}


def _local_micros(stamp: pa.Array, year: int) -> tuple[np.ndarray, np.ndarray]:
    """BSD timestamps ("May  2 10:00:01", also "May 2 …" and "May 12 …", as the pattern admits them) of
    `year` → (local µs since the epoch, bad), read from fixed byte positions counted from each stamp's end
    (strptime, or slicing each field into a string, cost as much as the whole header match)."""
    offsets, data = _string_bytes(stamp)
    start, end = offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64)
    at = np.clip(start, 0, max(0, len(data) - 3))
    code = (data[at].astype(np.int64) << 16) | (data[at + 1].astype(np.int64) << 8) | data[at + 2]
    month = np.full(len(stamp), -1)
    for value, index in MONTH_CODES.items():
        month[code == value] = index
    day = _digits(data, end - 11) * 10 + _digits(data, end - 10)
    hh = _digits(data, end - 8) * 10 + _digits(data, end - 7)
    mm = _digits(data, end - 5) * 10 + _digits(data, end - 4)
    ss = _digits(data, end - 2) * 10 + _digits(data, end - 1)
    starts = np.arange(f"{year}-01", f"{year + 1}-02", dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)
    lengths = np.diff(starts)
    known = (month >= 0) & (end - start >= 14)
    safe = np.where(known, month, 0)
    bad = ~known | (day < 1) | (day > lengths[safe]) | (hh > 23) | (mm > 59) | (ss > 60)
    seconds = (starts[safe] + day - 1) * 86_400 + hh * 3600 + mm * 60 + ss
    return np.where(bad, 0, seconds * 1_000_000), bad


def _priorities(lines: pa.Array, matched: np.ndarray) -> pa.Array:
    """The <PRI> of each line that has one (the header pattern matched, so it is 1–3 digits and ">")."""
    offsets, data = _string_bytes(lines)
    start = offsets[:-1].astype(np.int64)
    has = matched & (data[np.clip(start, 0, len(data) - 1)] == ord("<"))
    d1, d2, d3 = (_digits(data, start + k) for k in (1, 2, 3))
    close2 = data[np.clip(start + 2, 0, len(data) - 1)] == ord(">")
    close3 = data[np.clip(start + 3, 0, len(data) - 1)] == ord(">")
    value = np.where(close2, d1, np.where(close3, d1 * 10 + d2, d1 * 100 + d2 * 10 + d3))
    return pa.array(value.astype(np.int16), mask=~has)


def _bsd_table(lines: pa.Array, year: int) -> tuple[pa.Table, pa.Array]:
    """BSD syslog parsed column-wise with Arrow's RE2 kernels (the bulk of any syslog file), the message
    classified for sshd logins and web access logs. Returns the table and a mask of the lines that failed."""
    n = len(lines)
    parts = pc.extract_regex(lines, BSD_PATTERN)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    stamp = pc.fill_null(parts.field("stamp"), "Jan  1 00:00:00")
    local, bad_time = _local_micros(stamp, year)
    pri = _priorities(lines, matched)
    bad = ~matched | bad_time | (pc.fill_null(pri, 0).to_numpy() > 191)
    message = parts.field("message")  # the space after "program:" is optional and not part of the message
    message = pc.if_else(pc.starts_with(message, " "), pc.utf8_slice_codeunits(message, 1), message)
    # one pass finds the few sshd lines; the login patterns then run on those only
    ssh_rows = pc.indices_nonzero(pc.fill_null(pc.match_substring_regex(message, SSH_NEEDLES), False)).to_numpy()
    if len(ssh_rows):
        some = message.take(pa.array(ssh_rows))
        kinds, users, sources = nothing_string(len(some)), nothing_string(len(some)), nothing_string(len(some))
        for kind, _, pattern in SSH_PATTERNS:
            found = pc.extract_regex(some, pattern)
            fresh = pc.and_(pc.is_valid(found), pc.is_null(kinds))
            kinds = pc.if_else(fresh, pa.scalar(kind), kinds)
            users = pc.if_else(fresh, found.field("user"), users)
            sources = pc.if_else(fresh, found.field("ip"), sources)
        where = np.full(n, -1, np.int64)
        where[ssh_rows] = np.arange(len(ssh_rows))
        spread = pa.array(where, mask=where < 0)
        category, user, source = kinds.take(spread), users.take(spread), sources.take(spread)
    else:
        category, user, source = nothing_string(n), nothing_string(n), nothing_string(n)
    access = pc.extract_regex(message, ACCESS_PATTERN)  # one-pass: cheaper than any pre-selection
    if access.null_count < n:
        web = pc.fill_null(pc.and_(pc.is_valid(access), pc.is_null(category)), False)
        request = pc.split_pattern(_blank_to_null(access.field("request")), " ", max_splits=1)
        method, url = pc.list_element(request, 0), pc.list_element(request, 1)
        status = pc.cast(_blank_to_null(pc.if_else(web, access.field("status"), nothing_string(n))), pa.int16())
        category = pc.if_else(web, pa.scalar("web_request"), category)
        user = pc.if_else(web, access.field("user"), user)
        source = pc.if_else(web, access.field("ip"), source)
    else:
        web = pa.array(np.zeros(n, bool))
        method = url = nothing_string(n)
        status = pa.nulls(n, pa.int16())
    category = pc.fill_null(category, "system")
    user = pc.if_else(pc.is_in(pc.fill_null(user, ""), value_set=pa.array(["", "-"])), nothing_string(n), user)
    nothing = nothing_string(n)
    ts = pa.array(local - columnar.LOCAL_OFFSET_US, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    table = pa.table({
        "ts": ts, "host": pc.utf8_lower(parts.field("host")), "program": parts.field("program"),
        "format": pa.repeat(pa.scalar("syslog"), n), "category": category,
        "severity": pc.cast(pc.bit_wise_and(pri, pa.scalar(7, pa.int16())), pa.int16()),
        "source_ip": source, "dest_ip": nothing, "user": user,
        "url": pc.if_else(web, url, nothing), "http_method": pc.if_else(web, method, nothing),
        "http_status": pc.if_else(web, status, pa.nulls(n, pa.int16())),
        "signature": nothing, "rule_id": nothing, "message": message,
    })
    return table, pa.array(bad)


def _bsd_tables(lines: pa.Array, year: int) -> tuple[pa.Table, pa.Array]:
    """`_bsd_table` over slices on the core's thread pool (Arrow's kernels release the GIL)."""
    if len(lines) < PARALLEL_MIN_LINES or columnar.WORKERS < 2:
        return _bsd_table(lines, year)
    step = -(-len(lines) // columnar.WORKERS)
    slices = [lines.slice(a, step) for a in range(0, len(lines), step)]
    done = list(columnar.thread_pool().map(lambda part: _bsd_table(part, year), slices))
    return (pa.concat_tables([t for t, _ in done]),
            pa.concat_arrays([b for _, b in done]))


def _python_table(records: list[dict]) -> pa.Table:
    columns = {name: [r[name] for r in records] for name in parsers.COLUMNS}
    columns["ts"] = pa.array(columns["ts"], pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    return pa.Table.from_pydict(columns, schema=pa.schema([f for f in SCHEMA if f.name in parsers.COLUMNS]))


def parse_lines(lines: list[str] | pa.Array, fmt: str = "auto", year: int | None = None, first_line: int = 1
                ) -> tuple[pa.Table, IngestResult]:
    """Parse lines (Python strings or an Arrow string array; format given, or per line: JSON →
    Wazuh/Suricata, else syslog). Blank lines are skipped, unreadable ones counted (with the first few as
    samples). BSD syslog goes through Arrow's vectorised regex kernels (in slices on the core's thread
    pool); RFC 5424 and JSON lines through the Python parsers."""
    year = year or dt.date.today().year
    result = IngestResult()
    if fmt not in ("auto", *parsers.FORMATS):
        raise ValueError(fmt)
    # blank lines dropped and line ends trimmed column-wise; `positions` keeps each line's number. Both
    # without copying every line: the trim only when some line has a line end left (CRLF files, lines read
    # from a file object), blank lines found by a test that stops at a line's first visible character.
    raw = lines if isinstance(lines, pa.Array) else pa.array(lines, pa.string())
    if pc.any(pc.or_(pc.ends_with(raw, "\r"), pc.ends_with(raw, "\n"))).as_py():
        raw = pc.utf8_rtrim(raw, characters="\r\n")
    kept = pc.and_(pc.greater(pc.binary_length(raw), 0), pc.invert(pc.utf8_is_space(raw)))
    positions = pc.indices_nonzero(kept).to_numpy() + first_line
    texts = raw.filter(kept)
    result.lines = len(texts)

    def sample(index: int, kind: str) -> dict:
        return {"line": int(positions[index]), "format": kind, "text": texts[index].as_py()[:300]}

    if fmt in ("auto", "syslog") and len(texts):
        json_like = pc.starts_with(texts, "{") if fmt == "auto" else pa.array(np.zeros(len(texts), bool))
        rfc5424 = pc.match_substring_regex(texts, RFC5424_START)
        bsd_mask = pc.invert(pc.or_(json_like, rfc5424))
    else:
        bsd_mask = pa.array(np.zeros(len(texts), bool))
    tables = []
    bsd_rows = pc.indices_nonzero(bsd_mask).to_numpy()
    if len(bsd_rows):
        table, bad = _bsd_tables(texts.take(pa.array(bsd_rows)) if len(bsd_rows) < len(texts) else texts, year)
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


def _ingest_chunk(chunk: list[str] | pa.Array, fmt: str, year: int | None, first: int, total: IngestResult
                  ) -> None:
    if not len(chunk):
        return
    table, result = parse_lines(chunk, fmt, year, first)
    result.stored, result.attributed, result.files = store_table(table)
    total.add(result)


def ingest_file(path: str | Path, fmt: str = "auto", year: int | None = None, block_bytes: int = 32 << 20
                ) -> IngestResult:
    """A log file (UTF-8; undecodable bytes are replaced, so such a line is read or counted malformed),
    read in blocks cut at line ends and split into lines by Arrow (no Python object per line)."""
    total = IngestResult()
    first = 1
    rest = b""
    with open(path, "rb") as handle:
        while True:
            block = handle.read(block_bytes)
            data = rest + block
            if block:  # up to the block's last line end (a "\n" byte is never inside a UTF-8 character)
                cut = data.rfind(b"\n") + 1
                head, rest = data[:cut], data[cut:]
            else:  # the end: the last line, with or without a line end
                head, rest = data, b""
            if head:
                text = head.decode("utf-8", errors="replace")
                text = text[:-1] if text.endswith("\n") else text
                lines = pc.list_flatten(pc.split_pattern(pa.array([text], pa.string()), "\n"))
                _ingest_chunk(lines, fmt, year, first, total)
                first += len(lines)
            if not block:
                return total


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
