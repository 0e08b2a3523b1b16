"""Imports of transaction exports (LGSP/NDXP CSV or XLSX) and API-gateway access logs (Kong, APISIX JSON
lines) into the ledger, through mappings kept as data (mappings/*.json: which source column or JSON path
fills which ledger field, time formats, what "succeeded" looks like).

Unlike the catalogue's imports, a transaction file is not all or nothing: a malformed row is reported
with its line and reason and the good rows are kept (a day's export with a few broken lines must not
block the counts). Idempotent: the same file again adds nothing (its SHA-256 is remembered), and a row
whose message id (or, without one, content hash) is already in the ledger for the same side is skipped,
so overlapping exports add only what is new.
"""

import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from tinhso.accounts.models import User
from tinhso.core.errors import FieldError, Forbidden, ValidationFailed
from tinhso.core.tabular import MAX_COLUMNS, check_xlsx_expansion
from tinhso.core.text import fold
from tinhso.core.uploads import limited_rows, max_import_rows, too_many_rows
from tinhso.sharing import ledger
from tinhso.sharing.models import ImportBatch, Service
from tinhso.sharing.services import is_dx_office

MAPPINGS_DIR = Path(__file__).parent / "mappings"
MAX_SAMPLES = 20
REASONS = {
    "row_malformed": ("row", "dòng sai cấu trúc (số cột hoặc JSON không hợp lệ)",
                      "the row is malformed (wrong number of columns or invalid JSON)"),
    "time_invalid": ("request_at", "thời điểm yêu cầu thiếu hoặc không hợp lệ",
                     "the request time is missing or invalid"),
    "service_missing": ("service_code", "thiếu mã dịch vụ", "the service code is missing"),
    "client_missing": ("client_unit", "thiếu mã đơn vị khai thác", "the client unit is missing"),
    "status_invalid": ("status", "mã trạng thái không hợp lệ", "the status code is invalid"),
    "number_invalid": ("duration_ms", "thời gian xử lý hoặc dung lượng không phải số",
                       "the duration or a size is not a number"),
}


def _run(con, sql: str, params: list | None = None) -> list[tuple]:
    """Execute and fetch, so the cursor is free for the next statement (DuckDB insists)."""
    return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()


def mappings() -> dict[str, dict]:
    found = {}
    for path in sorted(MAPPINGS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["code"]] = data
    return found


@dataclass
class ImportReport:
    file_name: str
    mapping: str
    side: str
    rows_total: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    already_imported: bool = False
    days: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    samples: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "file_name": self.file_name, "mapping": self.mapping, "side": self.side,
            "rows_total": self.rows_total, "rows_stored": self.rows_stored, "rows_rejected": self.rows_rejected,
            "duplicates": self.duplicates, "already_imported": self.already_imported, "days": self.days,
            "seconds": round(self.seconds, 3),
            "reasons": [{"code": c, "field": REASONS[c][0], "count": n,
                         "message": {"vi": REASONS[c][1], "en": REASONS[c][2]}} for c, n in self.reasons.items()],
            "samples": self.samples,
        }


# ---------------------------------------------------------------- reading the source as text columns

def _read_table_csv(path: Path, con, max_rows: int | None = None):
    """Name the CSV as the view `src` (every column VARCHAR, plus __line) without reading it: the one scan
    is the typing query's. Returns `after_scan(con, table)`, to call once that scan made `table`: it
    reports the rows DuckDB could not split as malformed (line numbers as the user sees them, header =
    line 1) and renumbers the table's good rows to their file lines."""
    quoted = str(path).replace("'", "''")
    limit = f"LIMIT {int(max_rows) + 1}" if max_rows is not None else ""  # DuckDB stops reading there
    reader = (f"read_csv('{quoted}', all_varchar = true, header = true, auto_detect = true, sample_size = 20480, "
              f"encoding = 'utf-8'")
    _run(con, f"""CREATE OR REPLACE TEMP VIEW src AS
        SELECT *, (row_number() OVER ())::BIGINT + 1 AS __line FROM (SELECT * FROM {reader},
        store_rejects = true, rejects_table = 'rej', rejects_scan = 'rej_scan') {limit})""")
    # a few rows to choose the time format from, read apart (the view's numbering would read the whole file)
    _run(con, f"CREATE OR REPLACE TEMP VIEW src_sample AS SELECT * FROM {reader}, ignore_errors = true) LIMIT 2000")

    def after_scan(con, table: str) -> list[dict]:
        try:
            rejected = con.execute("SELECT DISTINCT line FROM rej ORDER BY line").fetchall()
        except Exception:  # noqa: BLE001 - no rejects table when nothing was rejected
            rejected = []
        if rejected:
            # good rows were numbered as if no line had been rejected: their real lines are the file's lines
            # (header = 1) minus the rejected ones, in order
            import numpy as np

            good = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            rejected_lines = np.array([r[0] for r in rejected], dtype=np.int64)
            lines = np.setdiff1d(np.arange(2, good + len(rejected) + 2, dtype=np.int64), rejected_lines)[:good]
            con.register("line_map", pa.table({"rn": np.arange(2, good + 2, dtype=np.int64), "line": lines}))
            _run(con, f"""CREATE OR REPLACE TEMP TABLE {table} AS SELECT t.* EXCLUDE (__line), line_map.line AS __line
                FROM {table} t JOIN line_map ON line_map.rn = t.__line ORDER BY line_map.line""")
        return [{"line": int(r[0]), "reason": "row_malformed"} for r in rejected]

    return after_scan


def _register_strings(con, header: list[str], rows: list[list], lines: list[int]) -> None:
    names = []
    for index, name in enumerate(header):
        name = str(name if name is not None else f"column{index + 1}").strip() or f"column{index + 1}"
        while name in names:
            name += "_"
        names.append(name)
    columns = {n: [None if r[i] is None else _text(r[i]) for r in rows] if rows else []
               for i, n in enumerate(names)}
    columns["__line"] = lines
    con.register("src_arrow", pa.table({k: pa.array(v, pa.int64() if k == "__line" else pa.string())
                                        for k, v in columns.items()}))
    _run(con, "CREATE OR REPLACE TEMP TABLE src AS SELECT * FROM src_arrow")


def _text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(content: bytes, con, max_rows: int | None = None) -> list[dict]:
    import openpyxl

    check_xlsx_expansion(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a corrupt file is bad input
        raise ValidationFailed(FieldError("file", f"không đọc được tệp XLSX: {exc}",
                                          f"the XLSX file could not be read: {exc}")) from exc
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = list(next(iterator, []) or [])
    if max_rows is not None:
        iterator = limited_rows(iterator, max_rows)
    rows, lines = [], []
    width = len(header)
    for line, values in enumerate(iterator, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((list(values) + [None] * width)[:width])
        lines.append(line)
    _register_strings(con, header, rows, lines)
    return []


def _flatten(obj, prefix: str, out: dict) -> None:
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, name + ".", out)
        elif value is not None and not isinstance(value, list):
            out[name] = value


def _read_jsonl(content: bytes, con, wanted: set[str], max_rows: int | None = None) -> list[dict]:
    malformed = []
    rows: list[list] = []
    lines: list[int] = []
    header = sorted(wanted)
    lines_read = content.splitlines()
    if max_rows is not None:
        lines_read = limited_rows(lines_read, max_rows)
    for line_no, raw in enumerate(lines_read, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError
        except ValueError:
            malformed.append({"line": line_no, "reason": "row_malformed"})
            continue
        flat: dict = {}
        _flatten(obj, "", flat)
        lowered = {fold(k): v for k, v in flat.items()}
        rows.append([lowered.get(fold(h)) for h in header])
        lines.append(line_no)
    _register_strings(con, header, rows, lines)
    return malformed


# ---------------------------------------------------------------- mapping → SQL

def _pick(available: dict[str, str], candidates: list[str]) -> str | None:
    for name in candidates:
        found = available.get(fold(name))
        if found is not None:
            return found
    return None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _time_sql(column: str | None, mapping: dict, first: str | None = None) -> str:
    """`first`: the format most of the file uses (see `_usual_format`), tried alone before the list: DuckDB
    reads one format ten times faster than a list whose first entries fail."""
    if column is None:
        return "NULL::TIMESTAMPTZ"
    raw = f"NULLIF(trim({_q(column)}), '')"
    unit = mapping.get("time_unit")
    if unit in ("ms", "s"):
        divisor = 1000.0 if unit == "ms" else 1.0
        return f"to_timestamp(TRY_CAST({raw} AS DOUBLE) / {divisor})"
    formats = ", ".join("'" + f.replace("'", "''") + "'" for f in mapping.get("time_formats", []))
    # naive text is Vietnam time (UTC+7, no DST): shifted by arithmetic instead of a time-zone lookup
    naive = f"TRY_STRPTIME({raw}, [{formats}])" if formats else "NULL::TIMESTAMP"
    if first is not None:
        naive = f"coalesce(TRY_STRPTIME({raw}, '{first.replace(chr(39), chr(39) * 2)}'), {naive})"
    parsed = [f"to_timestamp((epoch_us({naive}) - {7 * 3600 * 1_000_000}) / 1000000.0)"]
    # ISO 8601 with an offset; naive ISO text is local time like the formats above
    parsed.append(f"CASE WHEN regexp_matches({raw}, '(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$') "
                  f"THEN TRY_CAST({raw} AS TIMESTAMPTZ) END")
    parsed.append(f"to_timestamp((epoch_us(TRY_CAST({raw} AS TIMESTAMP)) - {7 * 3600 * 1_000_000}) / 1000000.0)")
    return f"coalesce({', '.join(parsed)})"


def _usual_format(con, sample: str, column: str | None, mapping: dict) -> str | None:
    """The mapping's time format that reads the most of the sample's values (the mapping's order breaks
    ties, so an ambiguous day/month file keeps the mapping's reading unless its rows say otherwise)."""
    formats = mapping.get("time_formats") or []
    if column is None or mapping.get("time_unit") in ("ms", "s") or len(formats) < 2:
        return None
    counts = ", ".join(f"count(TRY_STRPTIME(NULLIF(trim({_q(column)}), ''), '{f.replace(chr(39), chr(39) * 2)}'))"
                       for f in formats)
    read = con.execute(f"SELECT {counts} FROM {sample}").fetchall()[0]
    best = max(range(len(formats)), key=lambda i: (read[i], -i))
    return formats[best] if read[best] else None


def _clean(column: str) -> str:
    """SQL: the column's text without surrounding spaces, NULL when empty. trim() copies every value; most
    values of an export have nothing to trim, so only those starting or ending with a space, or holding
    non-ASCII characters (trim also removes Unicode spaces such as U+00A0), go through it: the same result
    for a fraction of the CPU over a million-row file."""
    c = _q(column)
    return (f"CASE WHEN {c} = '' THEN NULL WHEN {c} LIKE ' %' OR {c} LIKE '% ' OR strlen({c}) <> length({c}) "
            f"THEN NULLIF(trim({c}), '') ELSE {c} END")


# typical words of a result column, checked once per import by DuckDB itself (so exactly as the full
# expression would judge them) and then recognised by plain comparison
RESULT_WORDS = ("Thành công", "thành công", "THÀNH CÔNG", "Thanh cong", "Lỗi", "lỗi", "LỖI", "Thất bại", "thất bại",
                "Không thành công", "success", "Success", "SUCCESS", "failed", "Failed", "FAILED", "fail", "error",
                "Error", "ERROR", "true", "True", "TRUE", "false", "False", "FALSE", "ok", "OK", "Ok", "1", "0")


def _succeeded_sql(con, raw: str, status: str, values: list[str]) -> str:
    folded = ", ".join("'" + fold(v).replace("'", "''") + "'" for v in values)
    slow = f"lower(strip_accents({raw})) IN ({folded})"
    words = list(dict.fromkeys([*values, *(v.capitalize() for v in values), *(v.upper() for v in values),
                                *RESULT_WORDS]))
    listed = ", ".join("('" + w.replace("'", "''") + "')" for w in words)
    judged = con.execute(f"SELECT w, lower(strip_accents(w)) IN ({folded}) FROM (VALUES {listed}) t(w)").fetchall()
    yes = ", ".join("'" + w.replace("'", "''") + "'" for w, ok in judged if ok)
    no = ", ".join("'" + w.replace("'", "''") + "'" for w, ok in judged if not ok)
    fast = (f"WHEN {raw} IN ({yes}) THEN true " if yes else "") + (f"WHEN {raw} IN ({no}) THEN false " if no else "")
    return f"CASE WHEN {raw} IS NULL THEN {status} BETWEEN 100 AND 399 {fast}ELSE {slow} END"


def _select_sql(mapping: dict, available: dict[str, str], side: str, usual: dict | None = None, con=None) -> str:
    cols = {name: _pick(available, names if isinstance(names, list) else [names])
            for name, names in mapping["fields"].items()}

    def text(name: str) -> str:
        column = cols.get(name)
        return _clean(column) if column else "NULL::VARCHAR"

    def number(name: str, typ: str) -> tuple[str, str]:
        column = cols.get(name)
        if not column:
            return f"NULL::{typ}", "FALSE"
        raw = _clean(column)
        # a decimal comma read as a point; the cast only replaces when there is a comma to replace
        value = (f"CASE WHEN contains({raw}, ',') THEN TRY_CAST(replace({raw}, ',', '.') AS {typ}) "
                 f"ELSE TRY_CAST({raw} AS {typ}) END")
        return value, f"({raw} IS NOT NULL AND {value} IS NULL)"

    factor = 1000.0 if mapping.get("duration_unit") == "s" else 1.0
    duration, duration_bad = number("duration_ms", "DOUBLE")
    status, status_bad = number("status", "INTEGER")
    req_bytes, req_bad = number("request_bytes", "BIGINT")
    resp_bytes, resp_bad = number("response_bytes", "BIGINT")
    values = mapping.get("succeeded_values", [])
    if cols.get("succeeded") and values and con is not None:
        succeeded = _succeeded_sql(con, text("succeeded"), status, values)
    elif cols.get("succeeded") and values:
        folded = ", ".join("'" + fold(v).replace("'", "''") + "'" for v in values)
        succeeded = (f"CASE WHEN {text('succeeded')} IS NOT NULL THEN lower(strip_accents({text('succeeded')})) IN "
                     f"({folded}) ELSE {status} BETWEEN 100 AND 399 END")
    else:
        succeeded = f"coalesce({status} BETWEEN 100 AND 399, false)"
    client = text("client_unit")
    client_system = text("client_system")
    if mapping.get("client_split"):
        sep = mapping["client_split"].replace("'", "''")
        client_system = f"coalesce({client_system}, NULLIF(split_part({client}, '{sep}', 2), ''))"
        client = f"NULLIF(split_part({client}, '{sep}', 1), '')"
    raw_concat = " || '\x1f' || ".join(f"coalesce({_q(c)}, '')" for c in sorted(set(available.values())))
    return f"""
        WITH typed AS (
          SELECT __line,
            coalesce({text('message_id')}, 'h:' || md5({raw_concat or "''"})) AS message_id,
            {_time_sql(cols.get('request_at'), mapping, (usual or {}).get('request_at'))} AS request_at,
            {_time_sql(cols.get('response_at'), mapping, (usual or {}).get('response_at'))} AS response_at_raw,
            {client} AS client_unit, {client_system} AS client_system,
            {text('provider_unit')} AS provider_unit_raw, {text('provider_system')} AS provider_system_raw,
            {text('service_code')} AS service_code, {text('service_version')} AS service_version_raw,
            upper({text('method')}) AS method, split_part({text('path')}, '?', 1) AS path,
            {status} AS status, {succeeded} AS succeeded, {duration} * {factor} AS duration_ms,
            {req_bytes} AS request_bytes, {resp_bytes} AS response_bytes,
            {status_bad} AS status_bad, ({duration_bad} OR {req_bad} OR {resp_bad}) AS number_bad
          FROM src)
        SELECT t.__line, t.message_id, t.request_at,
          coalesce(t.response_at_raw, t.request_at + to_microseconds(CAST(coalesce(t.duration_ms, 0) * 1000 AS BIGINT)))
            AS response_at,
          t.client_unit, t.client_system, coalesce(t.provider_unit_raw, c.provider_unit) AS provider_unit,
          coalesce(t.provider_system_raw, c.provider_system) AS provider_system, t.service_code,
          coalesce(t.service_version_raw, c.service_version, '') AS service_version, t.method, t.path, t.status,
          t.succeeded, coalesce(t.duration_ms, epoch_ms(t.response_at_raw) - epoch_ms(t.request_at))::DOUBLE
            AS duration_ms,
          t.request_bytes, t.response_bytes, '{side}' AS side, NULL::VARCHAR AS error,
          CASE WHEN t.request_at IS NULL THEN 'time_invalid' WHEN t.service_code IS NULL THEN 'service_missing'
               WHEN t.client_unit IS NULL THEN 'client_missing' WHEN t.status_bad THEN 'status_invalid'
               WHEN t.number_bad THEN 'number_invalid' END AS reason
        FROM typed t LEFT JOIN catalogue c ON c.code = t.service_code"""


# ---------------------------------------------------------------- the import

def import_file(user: User | None, content: bytes, file_name: str, mapping_code: str, side: str = "") -> ImportReport:
    """Import one exported file; `user` None is the system (command line, no row limit). Returns what happened.
    A user's file is refused once it holds more than TINHSO_MAX_IMPORT_ROWS rows, without reading further."""
    max_rows = None if user is None else max_import_rows()
    if user is not None and not is_dx_office(user):
        raise Forbidden("Chỉ cơ quan chuyên trách chuyển đổi số được nhập nhật ký giao dịch",
                        "Only the DX office may import transaction logs")
    started = time.perf_counter()
    mapping = mappings().get(mapping_code)
    if mapping is None:
        raise ValidationFailed(FieldError("mapping", f"không có mẫu ánh xạ {mapping_code}; có: "
                                          f"{', '.join(mappings())}", f"no mapping {mapping_code}"))
    side = side or mapping.get("side", "provider")
    if side not in ("client", "provider"):
        raise ValidationFailed(FieldError("side", "phía ghi nhận là client hoặc provider",
                                          "the side is client or provider"))
    digest = hashlib.sha256(content).hexdigest()
    report = ImportReport(file_name, mapping_code, side)
    earlier = ImportBatch.objects.filter(sha256=digest).first()
    if earlier is not None:
        report.rows_total, report.duplicates, report.already_imported = earlier.rows_total, earlier.rows_total, True
        report.seconds = time.perf_counter() - started
        return report
    con = ledger.connect()
    tmp = None
    after_scan = None
    sample = "src"
    try:
        lower = file_name.lower()
        if mapping["format"] == "jsonl":
            wanted = {n for names in mapping["fields"].values()
                      for n in (names if isinstance(names, list) else [names])}
            malformed = _read_jsonl(content, con, wanted, max_rows)
        elif lower.endswith(".xlsx"):
            malformed = _read_xlsx(content, con, max_rows)
        elif lower.endswith(".csv") or lower.endswith(".txt"):
            fd, tmp = tempfile.mkstemp(suffix=".csv")
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            after_scan, sample, malformed = _read_table_csv(Path(tmp), con, max_rows), "src_sample", []
        else:
            raise ValidationFailed(FieldError("file", "chỉ nhận tệp .csv, .xlsx hoặc .jsonl",
                                              "only .csv, .xlsx or .jsonl files are accepted"))
        try:
            available = {fold(name): name for name, in con.execute(
                "SELECT column_name FROM (DESCRIBE src) WHERE column_name <> '__line'").fetchall()}
            request_col = _pick(available, mapping["fields"]["request_at"])
            if request_col is None:
                raise ValidationFailed(FieldError("request_at", "tệp không có cột thời điểm yêu cầu theo mẫu ánh xạ",
                                                  "the file has no request-time column of the mapping"))
            usual = {name: _usual_format(con, sample, _pick(available, mapping["fields"].get(name) or []), mapping)
                     for name in ("request_at", "response_at")}
            rows = _catalogue_rows()
            catalogue = pa.table({name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(
                ("code", "provider_unit", "provider_system", "service_version"))})
            con.register("catalogue", catalogue)
            # the one pass over the source: read, typed, checked and joined to the catalogue together
            _run(con, f"CREATE OR REPLACE TEMP TABLE mapped AS {_select_sql(mapping, available, side, usual, con)}")
            if after_scan is not None:
                malformed = after_scan(con, "mapped")
        except ValidationFailed:
            raise
        except duckdb.Error as exc:
            if after_scan is None:
                raise
            # an unreadable file is bad input
            raise ValidationFailed(FieldError("file", f"không đọc được tệp CSV: {exc}",
                                              f"the CSV file could not be read: {exc}")) from exc
        total, valid, unique, first_day, last_day = _run(con, """SELECT count(*), count(*) FILTER (reason IS NULL),
            count(DISTINCT message_id) FILTER (reason IS NULL), min(CAST(request_at AS DATE)) FILTER (reason IS NULL),
            max(CAST(request_at AS DATE)) FILTER (reason IS NULL) FROM mapped""")[0]
        if max_rows is not None and total + len(malformed) > max_rows:
            raise too_many_rows(max_rows)
        report.rows_total = total + len(malformed)
        bad = con.execute("SELECT __line, reason FROM mapped WHERE reason IS NOT NULL ORDER BY __line").fetchall()
        problems = malformed + [{"line": int(line), "reason": reason} for line, reason in bad]
        problems.sort(key=lambda p: p["line"])
        for problem in problems:
            report.reasons[problem["reason"]] = report.reasons.get(problem["reason"], 0) + 1
        report.samples = [{"line": p["line"], "field": REASONS[p["reason"]][0],
                           "message": {"vi": REASONS[p["reason"]][1], "en": REASONS[p["reason"]][2]}}
                          for p in problems[:MAX_SAMPLES]]
        report.rows_rejected = len(problems)
        existing = ledger.files("ledger", first_day, last_day) if valid else []
        conditions = ["reason IS NULL"]
        if existing:
            listed = ", ".join("'" + p.replace("'", "''") + "'" for p in existing)
            _run(con, f"""CREATE OR REPLACE TEMP TABLE seen AS SELECT DISTINCT message_id
                FROM read_parquet([{listed}]) WHERE side = ?""", [side])
            conditions.append("NOT EXISTS (SELECT 1 FROM seen s WHERE s.message_id = m.message_id)")
        # a file repeating a message id keeps its first line (rare: the window is paid only then)
        first = "" if unique == valid else "QUALIFY row_number() OVER (PARTITION BY message_id ORDER BY __line) = 1"
        source = f"import:{mapping_code}:{digest[:12]}".replace("'", "''")
        select = f"""SELECT {', '.join(ledger.COLUMNS[:-3])}, side, '{source}' AS source, error FROM mapped m
            WHERE {' AND '.join(conditions)} {first}"""
        # the good rows are a view over `mapped` when nothing needs removing (the writer reads them once per
        # day's file), materialised once when an anti-join or a window would otherwise run for every file
        kind = "TABLE" if existing or first else "VIEW"
        _run(con, f"CREATE OR REPLACE TEMP {kind} good AS {select}")
        days, stored = ledger.write_relation_counted(con, "good", batch=f"imp-{digest[:24]}") if valid else ([], 0)
        report.rows_stored = stored
        report.duplicates = valid - stored
        report.days = [str(d) for d in days]
    finally:
        con.close()
        if tmp:
            os.unlink(tmp)
    report.seconds = time.perf_counter() - started
    ImportBatch.objects.get_or_create(sha256=digest, defaults={
        "file_name": file_name[:255], "mapping": mapping_code, "side": side, "rows_total": report.rows_total,
        "rows_stored": report.rows_stored, "rows_rejected": report.rows_rejected, "duplicates": report.duplicates,
        "report": report.as_dict(), "created_by": user})
    return report


def _catalogue_rows() -> list[tuple]:
    """code → provider unit, system and version (latest version) to fill what a gateway log lacks."""
    latest: dict[str, tuple] = {}
    for code, unit, system, version in Service.objects.order_by("code", "service_version").values_list(
            "code", "provider_unit__code", "provider_system", "service_version"):
        latest[code] = (code, unit or "", system, version)
    return list(latest.values())
