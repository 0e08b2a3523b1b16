"""Reading a batch of positions (CSV, JSON lines, Parquet, device records) into typed columns.

The design goal is that a few bad rows cost little: every source is read once, as text where the format
is text, and each column is then cast with Arrow. A column whose cast fails is the only one handled
tolerantly: it is cast again in zero-copy slices, and only the slices holding bad values go through DuckDB's TRY_CAST.
CSV rows with the wrong number of fields are skipped by Arrow's invalid-row handler while it parses (and
located in the file afterwards for the report); JSON lines are read by DuckDB with every field as text,
so a malformed line becomes one empty row instead of failing the file. Nothing re-reads the whole batch
in Python because of one bad line.
"""

import codecs
import csv
import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tinhso.core.columnar import LOCAL_OFFSET
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.tabular import decode_text

COLUMNS = ("plate", "time", "lat", "lon", "speed", "heading", "ignition", "door", "driver")
REQUIRED = ("plate", "time", "lat", "lon", "speed", "ignition")
# Header aliases a provider's file may use (folded, lower-case).
ALIASES = {
    "plate": "plate", "bien_so": "plate", "bienso": "plate", "vehicle": "plate", "bien so": "plate",
    "time": "time", "ts": "time", "timestamp": "time", "thoi_gian": "time", "thoi gian": "time", "datetime": "time",
    "lat": "lat", "latitude": "lat", "vi_do": "lat", "vi do": "lat",
    "lon": "lon", "lng": "lon", "longitude": "lon", "kinh_do": "lon", "kinh do": "lon",
    "speed": "speed", "toc_do": "speed", "toc do": "speed", "gps_speed": "speed",
    "heading": "heading", "huong": "heading", "course": "heading",
    "ignition": "ignition", "may": "ignition", "trang_thai_may": "ignition", "acc": "ignition",
    "door": "door", "cua": "door", "trang_thai_cua": "door",
    "driver": "driver", "gplx": "driver", "driver_licence": "driver", "driver_license": "driver", "lai_xe": "driver",
}
TRUE_TEXT = ["1", "true", "t", "yes", "y", "on", "co", "có"]
FALSE_TEXT = ["0", "false", "f", "no", "n", "off", "khong", "không"]
CHUNK = 8_192  # rows per slice when a column has bad values: only the slices holding them go the slow way
_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


def canonical_name(name: str) -> str:
    from tinhso.core.text import fold

    key = fold(str(name))
    return ALIASES.get(key, ALIASES.get(key.replace(" ", "_"), key))


def canonical(table: pa.Table) -> pa.Table:
    """Rename a provider's columns to COLUMNS; refuse the batch when a required one is missing."""
    table = table.rename_columns([canonical_name(n) for n in table.column_names])
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise ValidationFailed([FieldError(c, "thiếu cột bắt buộc", "a required column is missing") for c in missing],
                               vi="Dữ liệu thiếu cột bắt buộc", en="Required columns are missing")
    return table


# ---------------------------------------------------------------- tolerant casts

def _is_text(typ: pa.DataType) -> bool:
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return pa.types.is_string(typ) or pa.types.is_large_string(typ)


def _as_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(col, pa.string()) if pa.types.is_dictionary(col.type) or pa.types.is_large_string(col.type) \
        else col


class Casts:
    """Casts a batch's text columns; remembers whether any needed the tolerant way (reported as the path)."""

    def __init__(self) -> None:
        self.tolerant = False

    def cast(self, col: pa.ChunkedArray, typ: pa.DataType, duck_type: str) -> tuple[pa.ChunkedArray, np.ndarray]:
        """(values with nulls where the text did not parse, mask of those non-empty unparseable values).
        A clean column is one Arrow cast. When it fails, the column is cast again in slices of CHUNK rows
        (zero-copy): the slices that parse keep Arrow's result, and only the few that do not go, together,
        through one DuckDB TRY_CAST — so k bad values cost about one more cast plus k × CHUNK rows."""
        n = len(col)
        try:
            return pc.cast(col, typ), np.zeros(n, bool)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        self.tolerant = True
        if pa.types.is_floating(typ) and pc.any(pc.match_substring(col, ",")).as_py():
            col = pc.replace_substring(col, ",", ".")  # decimal comma (Vietnamese Excel)
            try:
                return pc.cast(col, typ), np.zeros(n, bool)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass
        pieces: list[pa.ChunkedArray | None] = []
        failed: list[tuple[int, int, int]] = []
        for start in range(0, n, CHUNK):
            part = col.slice(start, CHUNK)
            try:
                pieces.append(pc.cast(part, typ))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                failed.append((len(pieces), start, len(part)))
                pieces.append(None)
        bad = np.zeros(n, bool)
        if failed:
            subset = pa.chunked_array([c for _, a, m in failed for c in col.slice(a, m).chunks], type=col.type)
            values, bad_subset = self._duck(subset, typ, duck_type)
            offset = 0
            for index, a, m in failed:
                pieces[index] = values.slice(offset, m)
                bad[a:a + m] = bad_subset[offset:offset + m]
                offset += m
        return pa.chunked_array([c for p in pieces for c in p.chunks], type=typ), bad

    @staticmethod
    def _duck(col: pa.ChunkedArray, typ: pa.DataType, duck_type: str) -> tuple[pa.ChunkedArray, np.ndarray]:
        """Many distinct bad values: one column through DuckDB's TRY_CAST (trimmed, decimal comma accepted)."""
        from tinhso.transport.store import connect

        value = "replace(trim(v), ',', '.')" if duck_type == "DOUBLE" else "trim(v)"
        con = connect()
        try:
            con.register("col", pa.table({"v": col}))
            out = con.sql(f"SELECT TRY_CAST({value} AS {duck_type}) AS x, "
                          f"(v IS NOT NULL AND trim(v) <> '' AND x IS NULL) AS bad FROM col").to_arrow_table()
        finally:
            con.close()
        return pc.cast(out["x"], typ, safe=False), out["bad"].to_numpy(zero_copy_only=False)


def _float(casts: Casts, col: pa.ChunkedArray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(float64 values, NaN where missing or bad; mask of bad values)."""
    if col is None:
        return np.full(n, np.nan), np.zeros(n, bool)
    bad = np.zeros(n, bool)
    if _is_text(col.type):
        col, bad = casts.cast(_as_text(col), pa.float64(), "DOUBLE")
    elif pa.types.is_floating(col.type) or pa.types.is_integer(col.type) or pa.types.is_decimal(col.type) \
            or pa.types.is_boolean(col.type):
        col = pc.cast(col, pa.float64())
    elif pa.types.is_null(col.type):
        return np.full(n, np.nan), bad
    else:  # nested values sent by a device: unreadable
        return np.full(n, np.nan), col.is_valid().to_numpy(zero_copy_only=False)
    return (pc.fill_null(col, np.nan) if col.null_count else col).to_numpy(zero_copy_only=False), bad


def _epoch(casts: Casts, col: pa.ChunkedArray) -> np.ndarray:
    """Epoch seconds (int64, -1 for missing or bad). Text may be ISO 8601 with an offset, naive local time
    (UTC+7) or epoch seconds; the kind is taken from the first value and the rest cast the same way."""
    typ = col.type
    if pa.types.is_timestamp(typ):
        secs = pc.cast(pc.cast(col, pa.timestamp("s", tz=typ.tz)), pa.int64())
        arr = pc.fill_null(secs, -1).to_numpy()
        return arr if typ.tz else np.where(arr >= 0, arr - LOCAL_OFFSET, -1)
    if pa.types.is_integer(typ):
        return pc.fill_null(pc.cast(col, pa.int64()), -1).to_numpy()
    if pa.types.is_floating(typ):
        return pc.fill_null(pc.cast(pc.floor(col), pa.int64(), safe=False), -1).to_numpy()
    if not _is_text(typ):
        return np.full(len(col), -1, np.int64)
    col = _as_text(col)
    sample = pc.drop_null(col.slice(0, 1000))
    first = sample[0].as_py().strip() if len(sample) else ""
    if first.isdigit():
        out, _ = casts.cast(col, pa.int64(), "BIGINT")
        return pc.fill_null(out, -1).to_numpy()
    if _OFFSET.search(first):
        out, _ = casts.cast(col, pa.timestamp("s", tz="UTC"), "TIMESTAMPTZ")
        return pc.fill_null(pc.cast(out, pa.int64()), -1).to_numpy()
    out, _ = casts.cast(col, pa.timestamp("s"), "TIMESTAMP")
    arr = pc.fill_null(pc.cast(out, pa.int64()), -1).to_numpy()
    return np.where(arr >= 0, arr - LOCAL_OFFSET, -1)


def _bool(col: pa.ChunkedArray | None, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, missing or unreadable, unreadable)."""
    if col is None:
        return np.zeros(n, bool), np.ones(n, bool), np.zeros(n, bool)
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        col = pc.not_equal(col, 0)
    elif _is_text(col.type):
        text = pc.utf8_lower(pc.utf8_trim_whitespace(_as_text(col)))
        yes = pc.is_in(text, value_set=pa.array(TRUE_TEXT))
        known = pc.or_(yes, pc.is_in(text, value_set=pa.array(FALSE_TEXT)))
        bad = pc.fill_null(pc.and_(pc.invert(known), pc.not_equal(text, "")), False).to_numpy(zero_copy_only=False)
        return (yes.to_numpy(zero_copy_only=False), ~known.to_numpy(zero_copy_only=False), bad)
    elif not pa.types.is_boolean(col.type):
        valid = col.is_valid().to_numpy(zero_copy_only=False)
        return np.zeros(n, bool), np.ones(n, bool), valid
    missing = col.is_null().to_numpy(zero_copy_only=False)
    return pc.fill_null(col, False).to_numpy(zero_copy_only=False), missing, np.zeros(n, bool)


def typed_columns(table: pa.Table, malformed: np.ndarray | None = None, rows: np.ndarray | None = None) -> dict:
    """The typed columns of a canonical table. `malformed` marks rows known to be broken (JSON lines that
    did not parse), `rows` their 1-based row numbers in the source when rows were skipped while reading."""
    n = table.num_rows
    cols = table.column_names
    casts = Casts()
    heading, heading_bad = _float(casts, table["heading"] if "heading" in cols else None, n)
    door, _, door_bad = _bool(table["door"] if "door" in cols else None, n)
    door_bad = door_bad if "door" in cols else np.zeros(n, bool)
    ignition, ignition_null, _ = _bool(table["ignition"], n)
    lat, _ = _float(casts, table["lat"], n)
    lon, _ = _float(casts, table["lon"], n)
    speed, _ = _float(casts, table["speed"], n)
    t = _epoch(casts, table["time"])
    driver = table["driver"] if "driver" in cols else pa.chunked_array([pa.nulls(n, pa.string())])
    if not (_is_text(driver.type) or pa.types.is_null(driver.type)):
        driver = pc.cast(driver, pa.string())  # licence numbers sent as JSON numbers
    return {
        "rn": rows if rows is not None else np.arange(1, n + 1), "plate": table["plate"], "t": t,
        "lat": lat, "lon": lon, "speed": speed, "heading": heading, "heading_bad": heading_bad,
        "ignition": ignition, "ignition_null": ignition_null, "door": door, "door_bad": door_bad,
        "driver": driver, "malformed": malformed if malformed is not None else np.zeros(n, bool),
        "skipped": [], "tolerant": casts.tolerant or (malformed is not None and bool(malformed.any())),
    }


# ---------------------------------------------------------------- sources

def read_source(source: str | Path | pa.Table, fmt: str) -> tuple[pa.Table, dict]:
    """The raw table (canonical names) and its typed columns."""
    if isinstance(source, pa.Table):
        table = canonical(source)
        malformed = table.column("__malformed").to_numpy(zero_copy_only=False) \
            if "__malformed" in table.column_names else None
        return table, typed_columns(table, malformed)
    if fmt == "parquet":
        try:
            names = pq.read_schema(source).names
            strings = [c for c in names if canonical_name(c) in ("plate", "driver")]
            table = canonical(pq.read_table(source, read_dictionary=strings))
        except (pa.ArrowInvalid, OSError) as exc:
            raise ValidationFailed(FieldError("file", f"không đọc được tệp Parquet: {exc}",
                                              f"the Parquet file could not be read: {exc}")) from exc
        return table, typed_columns(table)
    if fmt == "csv":
        return _read_csv(Path(source))
    if fmt == "jsonl":
        return _read_jsonl(Path(source))
    raise ValidationFailed(FieldError("format", "định dạng phải là csv, jsonl hoặc parquet",
                                      "the format must be csv, jsonl or parquet"))


def device_lines(data: bytes) -> list[str | None]:
    """The lines of a device file as text, never with replacement characters. Devices write UTF-8; a file
    with a UTF-16 BOM, or one that is Windows-1258 throughout (a CSV re-saved by Vietnamese Excel), is read
    as such (core's reader); otherwise a line that is not valid UTF-8 is None, to be reported as a
    malformed row: a corrupted byte must not turn a driver's name into "Nguy\ufffdn" in the store."""
    lines: list[str | None] = []
    failed = utf8_non_ascii = 0
    for raw in data.removeprefix(codecs.BOM_UTF8).split(b"\n"):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            failed += 1
            lines.append(None)
            continue
        utf8_non_ascii += not text.isascii()
        lines.append(text)
    if failed and not utf8_non_ascii:  # no line is UTF-8 beyond ASCII: UTF-16 or the Excel code page
        try:
            return decode_text(data).split("\n")
        except ValidationFailed:
            pass
    return lines


def _utf8_header(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.readline().removeprefix(codecs.BOM_UTF8)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def csv_header(path: Path) -> tuple[list[str], str]:
    """The header's names and the separator: comma, or the semicolon (or tab) Vietnamese Excel writes."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        line = handle.readline()
    delimiter = max(",;\t", key=line.count) if line else ","
    if not line.count(delimiter):
        delimiter = ","
    names = next(csv.reader([line], delimiter=delimiter), [])
    return names, delimiter


def _read_csv(path: Path) -> tuple[pa.Table, dict]:
    if not _utf8_header(path):  # UTF-16 or the Excel code page: Arrow reads UTF-8 only
        return _python_csv(path)
    names, delimiter = csv_header(path)
    # every column as text (one parse, no type inference, no re-read when a value is bad), plates and
    # driver licences dictionary-encoded: they repeat
    types = {h: (pa.dictionary(pa.int32(), pa.string()) if canonical_name(h) in ("plate", "driver") else pa.string())
             for h in names}
    broken: list[str] = []

    def skip(row) -> str:
        broken.append(row.text)
        return "skip"

    try:
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=skip),
                               convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True))
    except pa.ArrowInvalid:  # not UTF-8, unbalanced quotes …: the Python reader copes with anything
        return _python_csv(path)
    table = canonical(table)
    if not broken:
        return table, typed_columns(table)
    located = _locate(path, broken)
    typed = typed_columns(table, rows=_shifted_rows(table.num_rows, [r for r, _ in located]))
    typed["skipped"] = located
    typed["tolerant"] = True
    return table, typed


LOCATE_WINDOW = 8 << 20  # bytes around the last find searched first: Arrow reports rows block by block


def _whole_line(data: bytes, i: int, end: int, offset: int) -> bool:
    return (i == offset or data[i - 1] == 10) and (end == len(data) or data[end] in (10, 13))


def _find_line(data: bytes, needle: bytes, start: int, stop: int, offset: int, used: set[int],
               backwards: bool = False) -> int:
    """Where `needle` stands as a whole line within data[start:stop], not at a position already used; -1."""
    while start < stop:
        i = data.rfind(needle, start, stop) if backwards else data.find(needle, start, stop)
        if i < 0:
            return -1
        if i not in used and _whole_line(data, i, i + len(needle), offset):
            return i
        if backwards:
            stop = i + len(needle) - 1
        else:
            start = i + 1
    return -1


def _locate(path: Path, texts: list[str]) -> list[tuple[int, str]]:
    """(data row number, text) of rows Arrow skipped. Arrow's parallel reader does not know their line
    numbers; each text is found in the file as a whole line, searched first near the previous one (Arrow
    reports them nearly in file order, block by block), so a few hundred broken rows of a large file cost
    about one pass over it, not one pass each; the newlines before them are counted once."""
    data = path.read_bytes()
    offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    size = len(data)
    found: list[tuple[int, str]] = []
    used: set[int] = set()
    near = offset
    for text in texts:
        needle = text.encode()
        i = _find_line(data, needle, near, min(size, near + LOCATE_WINDOW), offset, used)
        if i < 0:
            i = _find_line(data, needle, max(offset, near - LOCATE_WINDOW), min(size, near + len(needle)), offset,
                           used, backwards=True)
        if i < 0:
            i = _find_line(data, needle, offset, size, offset, used)
        if i < 0:
            found.append((-1, text))
            continue
        used.add(i)
        found.append((i, text))
        near = i + len(needle)
    found.sort()
    rows, line, previous = [], 0, offset
    for position, text in found:
        if position < 0:
            rows.append((0, text))
            continue
        line += data.count(b"\n", previous, position)
        previous = position
        rows.append((line, text))  # line 0 is the header, so the line index is the data row number
    return sorted(rows)


def _shifted_rows(n: int, skipped: list[int]) -> np.ndarray:
    """Row numbers of the n parsed rows when the (1-based, sorted) `skipped` rows were left out."""
    shift = np.zeros(n + 1, np.int64)
    for j, row in enumerate(sorted(r for r in skipped if r > 0)):
        shift[min(max(row - j - 1, 0), n)] += 1
    return np.arange(1, n + 1) + np.cumsum(shift)[:n]


def _read_jsonl(path: Path) -> tuple[pa.Table, dict]:
    """JSON lines through DuckDB with every known field read as text: a line that is not a JSON object
    comes back as an empty row (marked malformed), a value of the wrong type as text for the casts."""
    keys: dict[str, None] = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for i, line in enumerate(handle):
            if len(keys) >= 64 or i >= 1000:  # the keys of the first lines name the columns
                break
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                keys.update(dict.fromkeys(value))
    from tinhso.transport.store import connect

    def quote(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    if keys:
        columns = ", ".join(f"{quote(k)}: 'VARCHAR'" for k in keys)
        con = connect()
        try:
            table = con.sql(f"SELECT * FROM read_ndjson({quote(str(path))}, columns = {{{columns}}}, "
                            "ignore_errors = true, maximum_object_size = 1048576)").to_arrow_table()
        except Exception:  # noqa: BLE001 - DuckDB raises several kinds; the Python reader copes with anything
            table = None
        finally:
            con.close()
        if table is not None:
            table = canonical(table)
            empty = np.ones(table.num_rows, bool)
            for name in table.column_names:
                empty &= table[name].is_null().to_numpy(zero_copy_only=False)
            return table, typed_columns(table, empty if empty.any() else None)
    return _python_table(_jsonl_rows(path))


def _python_csv(path: Path) -> tuple[pa.Table, dict]:
    return _python_table(_csv_rows(path))


def _python_table(rows_and_bad: tuple[list[dict], list[bool]]) -> tuple[pa.Table, dict]:
    table = strings_table(*rows_and_bad)
    return table, typed_columns(table, table.column("__malformed").to_numpy(zero_copy_only=False))


def strings_table(rows: list[dict], malformed: list[bool]) -> pa.Table:
    names = list(dict.fromkeys(k for row in rows for k in row)) or list(COLUMNS)
    table = pa.table({n: pa.array([None if (v := row.get(n)) is None else str(v) for row in rows], pa.string())
                      for n in names})
    table = canonical(table)
    return table.append_column("__malformed", pa.array(malformed, pa.bool_()))


def _csv_rows(path: Path) -> tuple[list[dict], list[bool]]:
    """Row by row, one line per row (device files do not quote line breaks); a line that could not be
    decoded is an empty, malformed row."""
    lines = device_lines(path.read_bytes())
    first = lines[0] if lines and lines[0] is not None else ""
    delimiter = max(",;\t", key=first.count)
    header = next(csv.reader([first], delimiter=delimiter), [])
    rows, bad = [], []
    for line in lines[1:]:
        if line is None:
            rows.append({})
            bad.append(True)
            continue
        values = next(csv.reader([line.rstrip("\r")], delimiter=delimiter), [])
        if not values:
            continue
        bad.append(len(values) != len(header))
        rows.append({h: (v if v != "" else None) for h, v in zip(header, values, strict=False)})
    return rows, bad


def _jsonl_rows(path: Path) -> tuple[list[dict], list[bool]]:
    rows, bad = [], []
    for line in device_lines(path.read_bytes()):
        if line is not None and not line.strip():
            continue
        try:
            value = json.loads(line) if line is not None else None
            ok = isinstance(value, dict)
        except ValueError:
            value, ok = {}, False
        rows.append(value if ok else {})
        bad.append(not ok)
    return rows, bad


def table_from_records(records: list) -> pa.Table:
    """An Arrow table from JSON objects as a device batch sends them; anything odd goes the tolerant way."""
    if not all(isinstance(r, dict) for r in records):
        malformed = [not isinstance(r, dict) for r in records]
        return strings_table([r if isinstance(r, dict) else {} for r in records], malformed)
    names = list(dict.fromkeys(k for r in records for k in r))
    try:
        return canonical(pa.table({k: pa.array([r.get(k) for r in records]) for k in names}))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return strings_table(records, [False] * len(records))
