"""Analytics of approved figures in DuckDB.

The relational store (SQLite or PostgreSQL) stays the system of record. Approved values are copied
into an embedded DuckDB file (`<data dir>/indicators/analytics-<db>.duckdb`, table `facts`). The
copy follows an append-only change log (`AnalyticsChange`, written in the same transaction as every
approval or reopening): before each query the copy replays the log entries it has not seen, so an
answer always reflects every approval committed before the query started. A log that was rolled
back or rewritten (detected by the random token of the last entry seen) triggers a full rebuild.

Aggregation happens in two stages, both in SQL:
1. across units, per base period: the indicator's unit rule (sum, avg, min, max, latest) over every
   source unit mapped onto a target unit. The mapping re-aggregates old units to the units valid on
   the "as of" day through `tinhso.units.services.current_successors` (with shares for splits) and
   then to the target's subtree;
2. over time, into the requested bucket (month → quarter → half → year): sum for flows, last value
   for stocks, or avg/min/max.
Derived indicators (ratios and formulas) are then computed from their aggregated components, so a
province's rate is Σnumerator / Σdenominator, never an average of commune rates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection

from tinhso.core.formatting import round_half_up
from tinhso.indicators import expressions, periods
from tinhso.indicators.models import (
    Aggregation,
    AnalyticsChange,
    DataValue,
    Indicator,
    IndicatorRevision,
    Status,
    ValueType,
)
from tinhso.units.models import Unit
from tinhso.units.services import current_successors

FACTS_DDL = """
CREATE TABLE IF NOT EXISTS facts (
    indicator_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    period_start DATE NOT NULL,
    months TINYINT NOT NULL,
    value DOUBLE NOT NULL,
    report_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
"""
BUCKET_SQL = {
    periods.MONTH: "ps",
    periods.QUARTER: "make_date(year(ps), (month(ps) - 1) // 3 * 3 + 1, 1)",
    periods.HALF: "make_date(year(ps), CASE WHEN month(ps) <= 6 THEN 1 ELSE 7 END, 1)",
    periods.YEAR: "make_date(year(ps), 1, 1)",
}
UNIT_SQL = {
    Aggregation.SUM: "SUM(f.value * m.share)",
    Aggregation.AVG: "AVG(f.value)",
    Aggregation.MIN: "MIN(f.value)",
    Aggregation.MAX: "MAX(f.value)",
    Aggregation.LATEST: "arg_max(f.value, f.report_id)",
    # a rate published as a rate: each unit's rate weighted by its own count of the same period (the
    # join `w` below); units without the weight do not count
    Aggregation.WEIGHTED: "SUM(f.value * w.value * m.share) / NULLIF(SUM(w.value * m.share), 0)",
    # not aggregated: a unit's own figure only, never its children's or predecessors'
    Aggregation.NONE: "MAX(CASE WHEN m.src = m.tgt THEN f.value END)",
}
TIME_SQL = {"sum": "SUM(v)", "last": "arg_max(v, ps)", "avg": "AVG(v)", "min": "MIN(v)", "max": "MAX(v)"}
MAX_MAPPINGS = 48


# ---------------------------------------------------------------- the store

class Store:
    """One DuckDB database per relational database, shared by the threads of this process."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(path))
        except duckdb.IOException:
            # another process holds the file: keep a private copy, rebuilt from the relational store
            self.path = path.with_name(f"{path.stem}-{threading.get_native_id()}.duckdb")
            self.path.unlink(missing_ok=True)
            self.con = duckdb.connect(str(self.path))
        self.con.execute(FACTS_DDL).fetchall()
        for (name,) in self.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'map\\_%' ESCAPE '\\'"
        ).fetchall():
            self.con.execute(f'DROP TABLE IF EXISTS "{name}"').fetchall()
        rows = self.con.execute("SELECT value FROM meta WHERE key = 'synced'").fetchall()
        row = rows[0] if rows else None
        self.synced: tuple[int, str] = (0, "")
        if row and ":" in row[0]:
            last_id, token = row[0].split(":", 1)
            self.synced = (int(last_id), token)
        self.lock = threading.RLock()
        self.local = threading.local()
        self.mappings: OrderedDict[tuple, str] = OrderedDict()
        self.units_key: tuple | None = None
        self.units: dict[int, tuple[str, int]] = {}
        self.unit_lists: dict[tuple, list[int]] = {}
        self.indicators_key: tuple | None = None
        self.history: dict[str, list[tuple[dt.date, dict]]] = {}
        self.catalogues: dict[tuple, dict[str, dict]] = {}

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self.local, "cursor", None)
        if cur is None:
            cur = self.local.cursor = self.con.cursor()
        return cur

    def mark_synced(self, last_id: int, token: str) -> None:
        with self.lock:
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('synced', ?)", [f"{last_id}:{token}"]).fetchall()
            self.synced = (last_id, token)


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def store_path() -> Path:
    db = connection.settings_dict
    name = f"{connection.vendor}-{db.get('HOST') or ''}-{db.get('PORT') or ''}-{db['NAME']}"
    digest = hashlib.sha1(name.encode()).hexdigest()[:12]
    return Path(settings.DATA_DIR) / "indicators" / f"analytics-{connection.vendor}-{digest}.duckdb"


def store() -> Store:
    path = store_path()
    key = str(path)
    with _stores_lock:
        found = _stores.get(key)
        if found is None:
            found = _stores[key] = Store(path)
        return found


# ---------------------------------------------------------------- keeping the copy consistent

def _signature() -> tuple:
    """One round trip: the change log head (id and token) and the versions of units and of indicators
    with their revisions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.id, h.token,"
            " (SELECT COUNT(*) FROM units_unit), (SELECT MAX(updated_at) FROM units_unit),"
            " (SELECT COUNT(*) FROM units_succession), (SELECT MAX(id) FROM units_succession),"
            " (SELECT COUNT(*) FROM indicators_indicator), (SELECT MAX(updated_at) FROM indicators_indicator),"
            " (SELECT COUNT(*) FROM indicators_indicatorrevision), (SELECT MAX(id) FROM indicators_indicatorrevision)"
            " FROM (SELECT 1 AS one) AS o LEFT JOIN (SELECT id, token FROM indicators_analyticschange"
            " ORDER BY id DESC LIMIT 1) AS h ON 1 = 1")
        row = cursor.fetchone()
    return (row[0] or 0, row[1] or ""), tuple(str(v) for v in row[2:6]), tuple(str(v) for v in row[6:10])


def sync(st: Store | None = None) -> tuple[Store, tuple, tuple]:
    """Bring the DuckDB copy up to date with approved reports; returns the store and registry keys."""
    st = st or store()
    head, units_key, indicators_key = _signature()
    if head == st.synced:
        return st, units_key, indicators_key
    with st.lock:
        if head == st.synced:
            return st, units_key, indicators_key
        last_id, last_token = st.synced
        changed: list[int] = []
        replay = bool(last_id) and last_id <= head[0] and _token(last_id) == last_token
        if replay:
            changed = sorted(set(AnalyticsChange.objects.filter(id__gt=last_id, id__lte=head[0])
                                 .values_list("report_id", flat=True)))
        _rebuild(st, changed if replay and len(changed) <= 20_000 else None)
        st.mark_synced(*head)
    return st, units_key, indicators_key


def _token(change_id: int) -> str:
    return AnalyticsChange.objects.filter(id=change_id).values_list("token", flat=True).first() or "?"


def _rebuild(st: Store, report_ids: list[int] | None) -> None:
    """Replace the facts of `report_ids` (all facts when None) by their current approved values."""
    cur = st.con
    values = DataValue.objects.filter(report__status=Status.APPROVED, value__isnull=False).exclude(
        indicator__value_type=ValueType.TEXT)
    cur.execute("BEGIN TRANSACTION").fetchall()
    try:
        if report_ids is None:
            cur.execute("DELETE FROM facts").fetchall()
        else:
            for start in range(0, len(report_ids), 1000):
                chunk = report_ids[start:start + 1000]
                cur.execute(f"DELETE FROM facts WHERE report_id IN ({','.join(str(int(i)) for i in chunk)})").fetchall()
        batches = [values] if report_ids is None else [
            values.filter(report_id__in=report_ids[s:s + 1000]) for s in range(0, len(report_ids), 1000)]
        for query in batches:
            rows = query.values_list("indicator_id", "report__unit_id", "report__period_start",
                                     "report__form__period_type", "value", "report_id")
            buffer: list[tuple] = []
            for row in rows.iterator(chunk_size=20_000):
                buffer.append(row)
                if len(buffer) >= 100_000:
                    _insert(cur, buffer)
                    buffer = []
            _insert(cur, buffer)
        cur.execute("COMMIT").fetchall()
    except Exception:
        cur.execute("ROLLBACK").fetchall()
        raise


def _insert(cur: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    if not rows:
        return
    ind, unit, start, ptype, value, report = zip(*rows, strict=True)
    table = pa.table({
        "indicator_id": pa.array(ind, pa.int32()), "unit_id": pa.array(unit, pa.int32()),
        "period_start": pa.array(start, pa.date32()),
        "months": pa.array([periods.MONTHS_IN[p] for p in ptype], pa.int8()),
        "value": pa.array([float(v) for v in value], pa.float64()), "report_id": pa.array(report, pa.int64()),
    })
    cur.register("_batch", table)
    cur.execute("INSERT INTO facts SELECT * FROM _batch").fetchall()
    cur.unregister("_batch")


# ---------------------------------------------------------------- units and indicators

def _units(st: Store, units_key: tuple) -> dict[int, tuple[str, int]]:
    if st.units_key != units_key:
        st.units = {pk: (path, depth) for pk, path, depth in Unit.objects.values_list("pk", "path", "depth")}
        st.units_key = units_key
        st.mappings.clear()
        st.unit_lists.clear()
    return st.units


def _spec(indicator_id: int, code: str, definition: dict) -> dict:
    """What analytics needs of one definition of an indicator."""
    return {"id": indicator_id, "code": code, "aggregation": definition["aggregation"],
            "time": definition["time_aggregation"], "numerator": definition.get("numerator") or "",
            "denominator": definition.get("denominator") or "", "factor": Decimal(str(definition.get("factor") or 100)),
            "formula": definition.get("formula") or "", "value_type": definition["value_type"],
            "weight": definition.get("weight") or ""}


def _history(st: Store, indicators_key: tuple) -> dict[str, list[tuple[dt.date, dict]]]:
    """Every definition of every indicator with the day it applies from, oldest first. An indicator
    without revisions (never saved through the services) has its current definition from the start."""
    if st.indicators_key != indicators_key:
        history: dict[str, list[tuple[dt.date, dict]]] = {}
        codes = {}
        for indicator in Indicator.objects.all():
            codes[indicator.pk] = indicator.code
            current = {name: getattr(indicator, name) for name in
                       ("aggregation", "time_aggregation", "numerator", "denominator", "factor", "formula",
                        "value_type", "weight")}
            history[indicator.code] = [(dt.date.min, _spec(indicator.pk, indicator.code, current))]
        revisions = IndicatorRevision.objects.order_by("indicator_id", "valid_from", "version").values_list(
            "indicator_id", "valid_from", "definition")
        seen: set[int] = set()
        for indicator_id, valid_from, definition in revisions:
            code = codes[indicator_id]
            if indicator_id not in seen:  # the first revision also covers the days before it
                seen.add(indicator_id)
                history[code] = []
                valid_from = dt.date.min
            entries = history[code]
            if entries and entries[-1][0] == valid_from:
                entries.pop()  # a later version from the same day replaces the earlier one
            spec = _spec(indicator_id, code, definition)
            if not entries or entries[-1][1] != spec:  # a new name or description changes no figure
                entries.append((valid_from, spec))
        st.history = history
        st.catalogues = {}
        st.indicators_key = indicators_key
    return st.history


def known_codes(synced: tuple) -> set[str]:
    """Every indicator code, from the registry cached with the copy (`synced` is what `sync()` returned)."""
    st, _, indicators_key = synced
    return set(_history(st, indicators_key))


def units_on(synced: tuple, day: dt.date, parent: int | None = None, kind: str | None = None) -> list[int]:
    """Ids of the units valid on `day`, children of `parent` and/or of `kind`, cached while the unit
    registry is unchanged."""
    st, units_key, _ = synced
    _units(st, units_key)  # clears the caches when the registry changed
    key = (units_key, day, parent, kind)
    found = st.unit_lists.get(key)
    if found is None:
        query = Unit.objects.as_of(day)
        if parent is not None:
            query = query.filter(parent_id=parent)
        if kind:
            query = query.filter(kind=kind)
        found = list(query.values_list("pk", flat=True))
        if len(st.unit_lists) > 256:
            st.unit_lists.clear()
        st.unit_lists[key] = found
    return found


def catalogue_on(st: Store, indicators_key: tuple, day: dt.date) -> dict[str, dict]:
    """{code: definition in force on `day`} — the figures of a period are computed with the definitions
    in force on the period's first day, so changing a definition does not rewrite history."""
    history = _history(st, indicators_key)
    catalogue = st.catalogues.get((indicators_key, day))
    if catalogue is None:
        catalogue = {}
        for code, entries in history.items():
            at = bisect.bisect_right([start for start, _ in entries], day) - 1
            catalogue[code] = entries[max(at, 0)][1]
        if len(st.catalogues) > 64:
            st.catalogues.clear()
        st.catalogues[(indicators_key, day)] = catalogue  # keyed by the registry too: another thread may rebuild
    return catalogue


def _segments(st: Store, indicators_key: tuple, codes: list[str], bucket: str, start: dt.date,
              end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Split [start, end] where a definition that `codes` depend on changes. A change takes effect from
    the first period (of the bucket size) starting on or after its day."""
    history = _history(st, indicators_key)
    relevant, pending = set(), list(codes)
    while pending:  # every code any definition of `codes` refers to, under any of its revisions
        code = pending.pop()
        if code in relevant or code not in history:
            continue
        relevant.add(code)
        for _, spec in history[code]:
            pending.extend(_named(spec))
    cuts = set()
    for code in relevant:
        for valid_from, _ in history[code][1:]:
            period = periods.containing(valid_from, bucket)
            first = period.start if period.start == valid_from else period.next().start
            if start < first <= end:
                cuts.add(first)
    bounds = [start, *sorted(cuts)]
    return [(a, (bounds[i + 1] - dt.timedelta(days=1)) if i + 1 < len(bounds) else end)
            for i, a in enumerate(bounds)]


def mapping_table(st: Store, units_key: tuple, as_of: dt.date, targets: list[int]) -> str:
    """A DuckDB table (src, tgt, share): every unit whose figures count towards each target as of
    `as_of` — the target's subtree, and old units that merged into it (share of a split)."""
    units = _units(st, units_key)
    key = (units_key, as_of, tuple(sorted(set(targets))))
    with st.lock:
        name = st.mappings.get(key)
        if name is not None:
            st.mappings.move_to_end(key)
            return name
        by_path = {units[t][0]: t for t in targets if t in units}
        successors = current_successors(list(units), as_of)
        src, tgt, share = [], [], []
        for unit_id, shares in successors.items():
            for successor, weight in shares.items():
                path = units.get(successor, ("", 0))[0]
                parts = path.strip("/").split("/") if path else []
                for depth in range(1, len(parts) + 1):
                    target = by_path.get("/" + "/".join(parts[:depth]) + "/")
                    if target is not None:
                        src.append(unit_id)
                        tgt.append(target)
                        share.append(float(weight))
        name = "map_" + hashlib.sha1(repr(key).encode()).hexdigest()[:16]
        table = pa.table({"src": pa.array(src, pa.int32()), "tgt": pa.array(tgt, pa.int32()),
                          "share": pa.array(share, pa.float64())})
        st.con.register("_map", table)
        st.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _map').fetchall()
        st.con.unregister("_map")
        st.mappings[key] = name
        while len(st.mappings) > MAX_MAPPINGS:
            _, old = st.mappings.popitem(last=False)
            st.con.execute(f'DROP TABLE IF EXISTS "{old}"').fetchall()
        return name


def _named(spec: dict) -> set[str]:
    """The codes one definition refers to (its numerator, denominator, weight or formula)."""
    return {c for c in (spec["numerator"], spec["denominator"], spec.get("weight", ""),
                        *expressions.codes_in(spec["formula"] or "")) if c}


def _components(code: str, catalogue: dict[str, dict], seen: set[str] | None = None) -> set[str]:
    """Raw indicator codes an indicator is computed from (itself when raw)."""
    seen = seen or set()
    spec = catalogue.get(code)
    if spec is None or code in seen:
        return set()
    seen.add(code)
    if spec["numerator"]:
        return _components(spec["numerator"], catalogue, seen) | _components(spec["denominator"], catalogue, seen)
    if spec["formula"]:
        return set().union(*(_components(c, catalogue, seen) for c in expressions.codes_in(spec["formula"])))
    return {code} if spec["value_type"] != ValueType.TEXT else set()


# ---------------------------------------------------------------- queries

@dataclass
class Query:
    codes: list[str]
    targets: list[int]
    bucket: str = periods.YEAR
    start: dt.date = dt.date(2000, 1, 1)
    end: dt.date = dt.date(2100, 12, 31)
    as_of: dt.date | None = None


def build_sql(raw: list[dict], map_table: str, bucket: str, weights: dict[int, int] | None = None) -> str:
    """The SQL of one aggregation; `?` parameters are (start, end). Used by the API and by the
    benchmark, which runs this very statement directly in DuckDB for comparison. `weights` maps a
    weighted indicator's id to its weight's id."""
    ids = ",".join(str(spec["id"]) for spec in raw)
    weighted = {spec["id"]: (weights or {}).get(spec["id"]) for spec in raw
                if spec["aggregation"] == Aggregation.WEIGHTED}
    join = ""
    if weighted:
        pick = "CASE f.indicator_id " + " ".join(
            f"WHEN {ind} THEN {int(w) if w else -1}" for ind, w in weighted.items()) + " END"
        join = (f" LEFT JOIN facts w ON w.indicator_id = {pick} AND w.unit_id = f.unit_id"
                f" AND w.period_start = f.period_start AND w.months = f.months")
    unit_rules = {spec["aggregation"] for spec in raw}
    time_rules = {spec["time"] for spec in raw}
    if len(unit_rules) == 1:
        unit_expr = UNIT_SQL[next(iter(unit_rules))]
    else:
        unit_expr = "CASE f.indicator_id " + " ".join(
            f"WHEN {spec['id']} THEN {UNIT_SQL[spec['aggregation']]}" for spec in raw) + " END"
    if len(time_rules) == 1:
        time_expr = TIME_SQL[next(iter(time_rules))]
    else:
        time_expr = "CASE ind " + " ".join(f"WHEN {spec['id']} THEN {TIME_SQL[spec['time']]}" for spec in raw) + " END"
    months = periods.MONTHS_IN[bucket]
    return (
        f"WITH base AS (SELECT f.indicator_id AS ind, m.tgt AS tgt, f.period_start AS ps, {unit_expr} AS v "
        f'FROM facts f JOIN "{map_table}" m ON f.unit_id = m.src{join} '
        f"WHERE f.indicator_id IN ({ids}) AND f.period_start BETWEEN ? AND ? AND f.months <= {months} "
        f"GROUP BY f.indicator_id, m.tgt, f.period_start) "
        f"SELECT ind, tgt, {BUCKET_SQL[bucket]} AS b, {time_expr} AS v FROM base GROUP BY ind, tgt, b"
    )


def prepare(query: Query) -> tuple[Store, str | None, list, dict[str, dict]]:
    """Sync, then resolve the indicators (as defined on `query.start`) and the unit mapping; returns
    (store, sql, params, catalogue). The benchmark runs the same SQL directly in DuckDB."""
    st, units_key, indicators_key = sync()
    catalogue = catalogue_on(st, indicators_key, query.start)
    sql, params = _statement(st, units_key, query, catalogue)
    return st, sql, params, catalogue


def _statement(st: Store, units_key: tuple, query: Query, catalogue: dict[str, dict]) -> tuple[str | None, list]:
    raw_codes = set().union(*(_components(c, catalogue) for c in query.codes)) if query.codes else set()
    raw = [catalogue[c] for c in sorted(raw_codes) if catalogue[c]["aggregation"] in UNIT_SQL]
    if not raw or not query.targets:
        return None, []
    table = mapping_table(st, units_key, query.as_of or dt.date.today(), query.targets)
    weights = {spec["id"]: catalogue[spec["weight"]]["id"] for spec in raw
               if spec["aggregation"] == Aggregation.WEIGHTED and spec["weight"] in catalogue}
    return build_sql(raw, table, query.bucket, weights), [query.start, query.end]


def aggregate(query: Query, synced: tuple | None = None) -> dict[tuple[str, int, dt.date], float]:
    """{(indicator code, target unit id, bucket start): value} for raw and derived indicators.
    Without `as_of`, each target is read as of today, or as of its last day when it has ended. Each
    period is computed with the definitions in force on its first day (one query per stretch of
    periods sharing the same definitions). `synced` is what `sync()` returned at the start of the same
    request, to check consistency once per request."""
    if query.as_of is None:
        today = dt.date.today()
        groups: dict[dt.date, list[int]] = defaultdict(list)
        for pk, valid_to in Unit.objects.filter(pk__in=query.targets).values_list("pk", "valid_to"):
            groups[min(valid_to, today) if valid_to else today].append(pk)
        result: dict[tuple[str, int, dt.date], float] = {}
        for as_of, targets in groups.items():
            result.update(aggregate(Query(query.codes, targets, query.bucket, query.start, query.end, as_of), synced))
        return result
    st, units_key, indicators_key = synced or sync()
    result = {}
    for first, last in _segments(st, indicators_key, query.codes, query.bucket, query.start, query.end):
        # a range may start inside a bucket: the bucket's figures follow the definitions of its first day
        catalogue = catalogue_on(st, indicators_key, periods.containing(first, query.bucket).start)
        part = Query(query.codes, query.targets, query.bucket, first, last, query.as_of)
        sql, params = _statement(st, units_key, part, catalogue)
        if sql is None:
            continue
        rows = st.cursor().execute(sql, params).fetchall()
        by_id = {spec["id"]: code for code, spec in catalogue.items()}
        raw_values: dict[tuple[int, dt.date], dict[str, float]] = defaultdict(dict)
        for ind, tgt, bucket, value in rows:
            if value is not None:
                raw_values[(tgt, bucket)][by_id[ind]] = value
        for (tgt, bucket), values in raw_values.items():
            for code in query.codes:
                value = _value(code, catalogue, values, {})
                if value is not None:
                    result[(code, tgt, bucket)] = value
    return result


def _value(code: str, catalogue: dict[str, dict], values: dict[str, float], memo: dict) -> float | None:
    if code in memo:
        return memo[code]
    spec = catalogue.get(code)
    result = None
    if spec is None:
        pass
    elif spec["numerator"]:
        num = _value(spec["numerator"], catalogue, values, memo)
        den = _value(spec["denominator"], catalogue, values, memo)
        if num is not None and den:
            result = num / den * float(spec["factor"])
    elif spec["formula"]:
        parts = {c: _value(c, catalogue, values, memo) for c in expressions.codes_in(spec["formula"])}
        evaluated = expressions.evaluate(spec["formula"], {k: None if v is None else Decimal(repr(v))
                                                           for k, v in parts.items()})
        result = None if evaluated is None else float(evaluated)
    else:
        result = values.get(code)
    memo[code] = result
    return result


def to_decimal(value: float | None, places: int = 4) -> Decimal | None:
    if value is None:
        return None
    return round_half_up(value, places).normalize() + Decimal(0)


# ---------------------------------------------------------------- public helpers

def default_as_of(unit: Unit | None, today: dt.date) -> dt.date:
    """The day a unit's figures are read as of when none is given: today, or its last day when it no
    longer exists (Tỉnh Bắc Giang, ended 30/06/2025, is read as of that day, not as an empty set)."""
    if unit is not None and unit.valid_to is not None and unit.valid_to < today:
        return unit.valid_to
    return today


def approved_values(codes: list[str], unit_ids: list[int], year: int, period: periods.Period | None = None,
                    until: dt.date | None = None) -> dict[tuple[str, int], Decimal]:
    """See services.approved_values. The value of `year`, or of one `period` within it (a month,
    quarter or half). Each unit is read as of the period's last day, or as of its own last day when it
    ended during the period, so a unit's figures include units merged into it by then. With `until`
    (and no period), the year from 1 January to that day: reports of periods starting by then count."""
    first, last = (period.start, period.end) if period else (dt.date(year, 1, 1), dt.date(year, 12, 31))
    if until is not None and period is None:
        last = min(last, until)
    bucket = period.type if period else periods.YEAR
    units = Unit.objects.filter(pk__in=unit_ids).values_list("pk", "valid_from", "valid_to")
    groups: dict[dt.date, list[int]] = defaultdict(list)
    for pk, valid_from, valid_to in units:
        if (valid_from and valid_from > last) or (valid_to and valid_to < first):
            continue
        groups[min(valid_to, last) if valid_to else last].append(pk)
    result: dict[tuple[str, int], Decimal] = {}
    for as_of, targets in groups.items():
        values = aggregate(Query(codes, targets, bucket, first, last, as_of))
        for (code, tgt, _), value in values.items():
            result[(code, tgt)] = to_decimal(value)
    return result


def series(codes: list[str], targets: list[int], bucket: str, start: dt.date, end: dt.date,
           as_of: dt.date | None = None, synced: tuple | None = None) -> dict[tuple[str, int, str], float]:
    """Values keyed by (code, unit id, period key) for every bucket between start and end."""
    values = aggregate(Query(codes, targets, bucket, start, end, as_of), synced)
    return {(code, tgt, periods.Period(b, bucket).key): v for (code, tgt, b), v in values.items()}
