"""Journey-monitoring domain logic as plain functions. Every function that reads positions or results
checks the transport-inspector permission; edges (API, pages, CLI) only call these."""

import datetime as dt
import tempfile
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tinhso.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tinhso.core.formatting import MINUS, vn_duration, vn_hm, vn_number
from tinhso.core.labels import one_language, vietnamese
from tinhso.core.tabular import to_csv, to_xlsx
from tinhso.core.text import fold, vi_sort_key
from tinhso.transport import analysis, coach, store
from tinhso.transport.models import (
    Business,
    Driver,
    IngestBatch,
    LicenceKind,
    Rule,
    RuleKind,
    Vehicle,
)

MAX_PERIOD_DAYS = 62
MAX_STREAM_POINTS = 100_000


from tinhso.transport.access import can_view, require_ingest, require_manage_rules, require_view  # noqa: E402,F401
from tinhso.transport.fleet import (  # noqa: E402,F401 - the registry's services, re-exported
    VehicleData,
    _search_text,
    bump_stamp,
    contracts_of,
    create_vehicle,
    forget_vehicle_map,
    save_business,
    update_vehicle,
    validate_vehicle,
    vehicle_map,
)

# ---------------------------------------------------------------- periods

def check_period(start: dt.date | None, end: dt.date | None, field_start: str = "start",
                 field_end: str = "end") -> tuple[dt.date, dt.date]:
    errors = []
    if start is None:
        errors.append(FieldError(field_start, "bắt buộc nhập", "is required"))
    if end is None:
        errors.append(FieldError(field_end, "bắt buộc nhập", "is required"))
    if not errors and end < start:
        errors.append(FieldError(field_end, "ngày kết thúc trước ngày bắt đầu", "ends before it starts"))
    if not errors and (end - start).days + 1 > MAX_PERIOD_DAYS:
        errors.append(FieldError(field_end, f"khoảng thời gian tối đa {MAX_PERIOD_DAYS} ngày",
                                 f"the period may be at most {MAX_PERIOD_DAYS} days"))
    if errors:
        raise ValidationFailed(errors)
    return start, end


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = store._zone()
    return (dt.datetime.combine(start, dt.time(), zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone))


def data_period() -> tuple[dt.date, dt.date] | None:
    days = store.all_days()
    return (days[0], days[-1]) if days else None


# ---------------------------------------------------------------- vehicles

def get_vehicle(user, vehicle_id: int) -> Vehicle:
    require_view(user)
    vehicle = Vehicle.objects.select_related("business").filter(pk=vehicle_id).first()
    if vehicle is None:
        raise NotFound("Phương tiện", "Vehicle")
    return vehicle


def find_vehicle(user, ref: str) -> Vehicle:
    """A vehicle by id or by plate (any separators)."""
    require_view(user)
    vehicle = None
    if ref.isascii() and ref.isdigit() and len(ref) <= 18:  # "²" is a digit to isdigit() but not to int()
        vehicle = Vehicle.objects.filter(pk=int(ref)).first()
    vehicle = vehicle or Vehicle.objects.filter(plate_key=store.plate_key(ref)).first()
    if vehicle is None:
        raise NotFound(f"Phương tiện '{ref}'", f"Vehicle '{ref}'")
    return vehicle


def search_vehicles(user, q: str = "", kind: str = "", business_id: int | None = None, limit: int = 200) -> list:
    require_view(user)
    qs = Vehicle.objects.select_related("business")
    if kind:
        qs = qs.filter(licence_kind=kind)
    if business_id:
        qs = qs.filter(business_id=business_id)
    for word in fold(q).split():
        key = store.plate_key(word)
        qs = qs.filter(Q(search_text__contains=word) | (Q(plate_key__contains=key) if key else Q()))
    return sorted(qs[:limit], key=lambda v: v.plate)


# ---------------------------------------------------------------- rules

def rules() -> list[Rule]:
    """Every rule, grouped by kind, the one in force today first."""
    return sorted(Rule.objects.all(), key=lambda r: (r.kind, -(r.valid_from or dt.date.min).toordinal()))


def rules_in_force(day: dt.date) -> list[Rule]:
    """The rules that apply to data of a local day: valid_from ≤ day ≤ valid_to (open ends unbounded)."""
    return list(Rule.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                                    Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


def rule_set(day: dt.date | None = None) -> analysis.RuleSet:
    """The rule set for the data of `day` (today when not given)."""
    return analysis.RuleSet.from_rules(rules_in_force(day or dt.date.today()))


def rule_periods(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, analysis.RuleSet]]:
    """[start, end] cut where a rule starts or stops applying, each piece with the rules in force then — so
    a period across 01/01/2025 judges December by the old rules and January by the new ones."""
    cuts = {start}
    for rule in Rule.objects.all():
        if rule.valid_from and start < rule.valid_from <= end:
            cuts.add(rule.valid_from)
        if rule.valid_to and start <= rule.valid_to < end:
            cuts.add(rule.valid_to + dt.timedelta(days=1))
    bounds = sorted(cuts)
    return [(a, (bounds[i + 1] - dt.timedelta(days=1)) if i + 1 < len(bounds) else end, rule_set(a))
            for i, a in enumerate(bounds)]


def analyse_by_rules(start: dt.date, end: dt.date, kinds: dict[int, str], **kwargs) -> analysis.Result:
    """`analysis.analyse` over [start, end], each piece judged by the rules in force on its days."""
    total = analysis.Result()
    for a, b, rules in rule_periods(start, end):
        part = analysis.analyse(a, b, rules, kinds, **kwargs)
        total.trips += part.trips
        total.stops += part.stops
        total.violations += part.violations
        total.driver_days += part.driver_days
        total.points += part.points
    total.violations.sort(key=lambda x: (x["start"], x["vehicle_id"], x["kind"]))
    return total


def regime_on(day: dt.date):
    """The journey-monitoring regime (intervals, required fields, data destination) in force on a day."""
    from tinhso.transport.models import MonitoringRegime

    return MonitoringRegime.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                                           Q(valid_to__isnull=True) | Q(valid_to__gte=day)).first()


RULE_PARAM_KEYS = {
    RuleKind.SPEEDING: {"limit_kmh", "limits_by_kind", "min_duration_s"},
    RuleKind.CONTINUOUS_DRIVING: {"max_hours", "rest_min_minutes"},
    RuleKind.DAILY_DRIVING: {"max_hours"},
    RuleKind.WEEKLY_DRIVING: {"max_hours"},
    RuleKind.DATA_GAP: {"moving_max_s", "parked_max_s", "tolerance_s"},
    RuleKind.NO_DRIVER: {"min_duration_s"},
}


def update_rule(user, code: str, params: dict | None, active: bool | None, expected_version: int,
                legal_reference: str | None = None) -> Rule:
    """Change a rule's limits (audited); stale versions raise Conflict."""
    require_manage_rules(user)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().filter(code=code).first()
        if rule is None:
            raise NotFound(f"Quy tắc '{code}'", f"Rule '{code}'")
        if rule.version != expected_version:
            raise Conflict(rule.version)
        if params is not None:
            allowed = RULE_PARAM_KEYS.get(rule.kind, set())
            errors = [FieldError(f"params.{k}", "tham số không dùng cho quy tắc này", "unknown parameter for this rule")
                      for k in params if k not in allowed]
            for k, v in params.items():
                if k == "limits_by_kind":
                    if not isinstance(v, dict) or any(kind not in LicenceKind.values or not _positive(x)
                                                       for kind, x in v.items()):
                        errors.append(FieldError("params.limits_by_kind", "phải là {loại xe: km/h dương}",
                                                 "must map licence kinds to positive km/h"))
                elif k in allowed and not _positive(v, allow_zero=k == "tolerance_s"):
                    errors.append(FieldError(f"params.{k}", "phải là số dương", "must be a positive number"))
            if errors:
                raise ValidationFailed(errors)
            rule.params = {**rule.params, **params}
        if active is not None:
            rule.active = active
        if legal_reference is not None:
            rule.legal_reference = legal_reference
        rule.version += 1
        rule._history_user = user
        rule._change_reason = "Sửa tham số quy tắc / Rule parameters changed"
        rule.save()
    return rule


def _positive(value, allow_zero: bool = False) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and (value > 0 or (allow_zero and value == 0))


# ---------------------------------------------------------------- ingest

MAX_CLIENT_KEY = 64


def batch_key(user, client_key: str | None, content: bytes | None = None, path: Path | None = None) -> str:
    """The idempotency key of a batch: the client's own (scoped to its account, so two providers cannot
    collide) or a SHA-256 of the content (the same file or body sent twice is the same batch)."""
    import hashlib

    client_key = (client_key or "").strip()
    if client_key:
        if len(client_key) > MAX_CLIENT_KEY or not client_key.isprintable():
            raise ValidationFailed(FieldError("idempotency_key", f"khóa chống gửi lặp tối đa {MAX_CLIENT_KEY} ký tự in "
                                              "được", f"the idempotency key must be at most {MAX_CLIENT_KEY} "
                                              "printable characters"))
        return f"client:{getattr(user, 'pk', 0)}:{client_key}"
    digest = hashlib.sha256()
    if content is not None:
        digest.update(content)
    elif path is not None:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def batch_recorded(batch_id: str) -> bool:
    return IngestBatch.objects.filter(batch_id=batch_id).exists()


def stored_batch(key: str) -> store.IngestReport | None:
    """The report of the committed batch with this key, marked as already stored; None if there is none."""
    batch = IngestBatch.objects.filter(key=key).first()
    if batch is None:
        return None
    report = store.IngestReport.from_dict({**batch.report, "batch_id": batch.batch_id, "key": key})
    report.already_stored = True
    return report


def _recorder(user, key: str, source: str, filename: str = ""):
    """The commit point of a batch: its IngestBatch row, written in the same step that makes its files
    visible (see tinhso.core.columnar.commit). A concurrent retry with the same key fails here on the unique key, so
    its points are discarded instead of stored twice."""
    def record(report: store.IngestReport) -> None:
        report.key = key
        with transaction.atomic():
            IngestBatch.objects.create(
                batch_id=report.batch_id, key=key, source=source, filename=filename[:255],
                user=user if getattr(user, "is_authenticated", False) else None,
                rows_total=report.rows_total, rows_stored=report.rows_stored, rows_rejected=report.rows_rejected,
                duplicates=report.duplicates, days=report.days, report=report.as_dict(), seconds=report.seconds)
    return record


def _ingest_once(user, key: str, source: str, filename: str, run) -> store.IngestReport:
    """Run an ingest unless a batch with this key is already committed; a retry racing the first attempt
    loses on the unique key and is answered like any retry."""
    from django.db import IntegrityError

    done = stored_batch(key)
    if done is not None:
        return done
    try:
        return run(_recorder(user, key, source, filename))
    except IntegrityError:
        done = stored_batch(key)
        if done is None:
            raise
        return done


def ingest_file(user, path: str | Path, fmt: str, filename: str = "", key: str | None = None) -> store.IngestReport:
    """Ingest a file once: `key` is the client's idempotency key; without one the file's content hash."""
    require_ingest(user)
    fmt = _format_of(fmt, filename or str(path))
    return _ingest_path(user, Path(path), fmt, filename or Path(path).name, batch_key(user, key, path=Path(path)))


def _ingest_path(user, path: Path, fmt: str, filename: str, key: str) -> store.IngestReport:
    return _ingest_once(user, key, fmt, filename,
                        lambda record: store.ingest(path, fmt, vehicle_map(), on_commit=record))


def ingest_upload(user, content: bytes, filename: str, fmt: str = "", key: str | None = None) -> store.IngestReport:
    require_ingest(user)
    fmt = _format_of(fmt, filename)
    key = batch_key(user, key, content=content)
    if (done := stored_batch(key)) is not None:
        return done  # a retry: answered before the upload is even written to disk
    with tempfile.NamedTemporaryFile(suffix=f".{fmt}", dir=store._tmp_root()) as handle:
        handle.write(content)
        handle.flush()
        return _ingest_path(user, Path(handle.name), fmt, filename, key)


def _format_of(fmt: str, filename: str) -> str:
    fmt = (fmt or "").lower().lstrip(".")
    if not fmt:
        name = filename.lower()
        fmt = next((f for f, ends in (("csv", (".csv", ".txt")), ("jsonl", (".jsonl", ".ndjson", ".json")),
                                      ("parquet", (".parquet", ".pq"))) if name.endswith(ends)), "")
    if fmt in ("ndjson", "json"):
        fmt = "jsonl"
    if fmt not in ("csv", "jsonl", "parquet"):
        raise ValidationFailed(FieldError("format", "chỉ nhận tệp CSV, JSON lines (.jsonl) hoặc Parquet",
                                          "only CSV, JSON lines (.jsonl) or Parquet files are accepted"))
    return fmt


def ingest_stream(user, points: list, key: str | None = None) -> store.IngestReport:
    """A batch of points as devices push them (JSON objects). All good rows are committed together, with
    the batch's record; a batch sent again (same idempotency key, or without one the same points) is
    answered as already stored."""
    require_ingest(user)
    if not isinstance(points, list) or not points:
        raise ValidationFailed(FieldError("points", "phải là danh sách điểm không rỗng",
                                          "must be a non-empty list of points"))
    if len(points) > MAX_STREAM_POINTS:
        raise ValidationFailed(FieldError("points", f"tối đa {vn_number(MAX_STREAM_POINTS)} điểm mỗi lô",
                                          f"at most {MAX_STREAM_POINTS} points per batch"))
    if not key:
        import json

        content = json.dumps(points, sort_keys=True, separators=(",", ":"), default=str).encode()
    key = batch_key(user, key, content=None if key else content)
    report = _ingest_once(user, key, "stream", "", lambda record: store.ingest(
        store.table_from_records(points), "stream", vehicle_map(), on_commit=record))
    if not report.already_stored:
        store.maybe_compact(report.days)
    return report


def recent_batches(user, limit: int = 20) -> list[IngestBatch]:
    require_view(user)
    return list(IngestBatch.objects.all()[:limit])


# ---------------------------------------------------------------- extraction and one vehicle

def extract(user, vehicle: Vehicle, start: dt.date, end: dt.date, fmt: str = "json") -> tuple[bytes, int]:
    require_view(user)
    start, end = check_period(start, end)
    if fmt not in ("json", "csv", "parquet"):
        raise ValidationFailed(FieldError("format", "định dạng phải là json, csv hoặc parquet",
                                          "the format must be json, csv or parquet"))
    a, b = day_bounds(start, end)
    return store.extract(vehicle.pk, a, b, fmt)


def _kinds() -> dict[int, str]:
    return dict(Vehicle.objects.values_list("id", "licence_kind"))


def vehicle_journeys(user, vehicle: Vehicle, start: dt.date, end: dt.date) -> analysis.Result:
    """Trips, stops and violations of one vehicle, computed on demand (driver limits only see this vehicle)."""
    require_view(user)
    start, end = check_period(start, end)
    return analyse_by_rules(start, end, {vehicle.pk: vehicle.licence_kind}, vehicle_ids=[vehicle.pk])


def track(user, vehicle: Vehicle, start: dt.date, end: dt.date, max_points: int = 4000) -> list[list]:
    """The vehicle's track for a map: [lat, lon, epoch s, speed], thinned to at most `max_points`."""
    require_view(user)
    start, end = check_period(start, end)
    table = analysis.load_points(start, end, vehicle_ids=[vehicle.pk])
    n = table.num_rows
    step = max(1, -(-n // max_points))
    cols = [table[c].to_pylist()[::step] for c in ("lat", "lon", "t", "speed")]
    return [[round(a, 5), round(b, 5), t, round(s, 1)] for a, b, t, s in zip(*cols, strict=True)]


# ---------------------------------------------------------------- fleet analysis (persisted)

DERIVED_KINDS = ("trips", "violations", "stops")


def derived_dir(kind: str) -> Path:
    return store.root() / "derived" / kind


def run_analysis(user, start: dt.date, end: dt.date, chunk_vehicles: int = 125, progress=None) -> dict:
    """Compute trips, stops and violations of the whole fleet for [start, end] and store them by day
    (replacing earlier results of those days, each day file atomically). `progress` as in analysis.analyse."""
    require_view(user)
    start, end = check_period(start, end)
    result = analyse_by_rules(start, end, _kinds(), chunk_vehicles=chunk_vehicles, progress=progress)
    write_results(result, start, end)
    return {"points": result.points, "trips": len(result.trips), "stops": len(result.stops),
            "violations": len(result.violations)}


def analysis_summary(out: dict) -> str:
    """What a finished analysis found, in Vietnamese number format (1.337 chuyến … 263.481 điểm)."""
    return _("Đã tính %(trips)s chuyến, %(violations)s vi phạm từ %(points)s điểm GSHT") % {
        "trips": vn_number(out["trips"]), "violations": vn_number(out["violations"]),
        "points": vn_number(out["points"])}


def write_results(result: analysis.Result, start: dt.date, end: dt.date) -> None:
    by_kind = {"trips": result.trips, "violations": result.violations, "stops": result.stops}
    for kind, rows in by_kind.items():
        per_day: dict[dt.date, list] = defaultdict(list)
        for row in rows:
            day = row.get("day") or analysis.from_day_number(analysis.local_day(row["start"]))
            per_day[day].append({**row, "day": day})
        day = start
        while day <= end:
            _write_day(kind, day, per_day.get(day, []))
            day += dt.timedelta(days=1)


SCHEMAS = {
    "trips": pa.schema([("vehicle_id", pa.int32()), ("trip_no", pa.int64()), ("start", pa.int64()),
                        ("end", pa.int64()), ("start_lat", pa.float64()), ("start_lon", pa.float64()),
                        ("end_lat", pa.float64()), ("end_lon", pa.float64()), ("distance_m", pa.float64()),
                        ("driving_s", pa.int64()), ("max_speed", pa.float64()), ("stops", pa.int64()),
                        ("driver", pa.string()), ("day", pa.date32()), ("far_lat", pa.float64()),
                        ("far_lon", pa.float64())]),
    "violations": pa.schema([("vehicle_id", pa.int32()), ("kind", pa.string()), ("rule", pa.string()),
                             ("start", pa.int64()), ("end", pa.int64()), ("duration_s", pa.int64()),
                             ("value", pa.float64()), ("limit", pa.float64()), ("lat", pa.float64()),
                             ("lon", pa.float64()), ("driver", pa.string()), ("day", pa.date32()),
                             ("detail", pa.string())]),
    "stops": pa.schema([("vehicle_id", pa.int32()), ("start", pa.int64()), ("end", pa.int64()),
                        ("duration_s", pa.int64()), ("lat", pa.float64()), ("lon", pa.float64()),
                        ("kind", pa.string()), ("trip_no", pa.int64()), ("day", pa.date32())]),
}


def _write_day(kind: str, day: dt.date, rows: list[dict]) -> None:
    directory = derived_dir(kind)
    directory.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows, schema=SCHEMAS[kind])
    tmp = directory / f".{day.isoformat()}.{id(rows)}.tmp"
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(directory / f"{day.isoformat()}.parquet")


def read_results(kind: str, start: dt.date, end: dt.date, where: str = "true", params: list | None = None,
                 order: str = "start", limit: int | None = None) -> list[dict]:
    files = [derived_dir(kind) / f"{d.isoformat()}.parquet" for d in _days(start, end)]
    files = [f for f in files if f.exists()]
    if not files:
        return []
    con = store.connect()
    try:
        # union_by_name: day files written before a column was added (e.g. far_lat) read it as NULL
        sql = (f"SELECT * FROM read_parquet({store._list_sql(files)}, hive_partitioning = false, union_by_name = true) "
               f"WHERE {where} ORDER BY {order}")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return con.sql(sql, params=params).to_arrow_table().to_pylist() if params else \
            con.sql(sql).to_arrow_table().to_pylist()
    finally:
        con.close()


def analysed_days(start: dt.date, end: dt.date) -> int:
    return sum(1 for d in _days(start, end) if (derived_dir("trips") / f"{d.isoformat()}.parquet").exists())


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


VIOLATION_LABELS = {k: v for k, v in RuleKind.choices}


def violations(user, start: dt.date, end: dt.date, kind: str = "", vehicle_id: int | None = None,
               business_id: int | None = None, driver: str = "", limit: int = 1000) -> list[dict]:
    require_view(user)
    start, end = check_period(start, end)
    if kind and kind not in RuleKind.values:
        raise ValidationFailed(FieldError("kind", "loại vi phạm không hợp lệ", "unknown violation kind"))
    clauses, params = ["true"], []
    if kind:
        clauses.append("kind = ?")
        params.append(kind)
    ids = None
    if vehicle_id:
        ids = [vehicle_id]
    elif business_id:
        ids = list(Vehicle.objects.filter(business_id=business_id).values_list("id", flat=True)) or [0]
    if ids:
        clauses.append(f"vehicle_id IN ({', '.join(str(int(i)) for i in ids)})")
    if driver:
        clauses.append("driver = ?")
        params.append(driver.strip())
    rows = read_results("violations", start, end, " AND ".join(clauses), params, "start, vehicle_id", limit)
    return _decorate(rows)


def _decorate(rows: list[dict]) -> list[dict]:
    vehicles = Vehicle.objects.select_related("business").in_bulk({r["vehicle_id"] for r in rows})
    drivers = dict(Driver.objects.filter(licence_number__in={r.get("driver") for r in rows if r.get("driver")})
                   .values_list("licence_number", "full_name"))
    legal = {rule.code: rule for rule in Rule.objects.filter(code__in={r.get("rule") for r in rows if r.get("rule")})}
    for r in rows:
        rule = legal.get(r.get("rule") or "")
        r["legal_reference"] = rule.legal_reference if rule else ""
        r["rule_verified"] = bool(rule and rule.verified)
        r["vehicle"] = vehicles.get(r["vehicle_id"])
        r["start_dt"] = analysis.to_datetime(r["start"])
        r["end_dt"] = analysis.to_datetime(r["end"])
        if "kind" in r:
            r["kind_label"] = VIOLATION_LABELS.get(r["kind"], r["kind"])
            r["value_text"] = _value_text(r)
        r["driver_name"] = drivers.get(r.get("driver") or "", "")
        if "distance_m" in r:
            r["distance_km"] = r["distance_m"] / 1000
        if "driving_s" in r:
            r["driving_h"] = r["driving_s"] / 3600
        if "duration_s" in r:
            r["minutes"] = r["duration_s"] / 60
    return rows


def _value_text(v: dict) -> str:
    kind = v["kind"]
    if kind == "speeding":
        return f"{vn_number(v['value'], 1)} km/h > {vn_number(v['limit'])} km/h, {vn_duration(v['duration_s'])}"
    if kind in ("continuous_driving", "daily_driving", "weekly_driving", "data_gap"):
        # the analysis stores the vehicle's state bilingual ("dừng đỗ / parked"): the page shows one language
        detail = f" ({one_language(v['detail'])})" if kind == "data_gap" and v.get("detail") else ""
        return f"{vn_duration(v['value'])} > {vn_duration(v['limit'])}{detail}"
    return vn_duration(v["duration_s"])


# ---------------------------------------------------------------- reports

REPORT_LEVELS = ("vehicle", "driver", "business")


def report(user, level: str, start: dt.date, end: dt.date) -> list[dict]:
    """The inspector's summary for a period: distance, driving time, speeding count and duration,
    driving-time violations and data gaps, per vehicle, driver or business."""
    require_view(user)
    start, end = check_period(start, end)
    if level not in REPORT_LEVELS:
        raise ValidationFailed(FieldError("level", "phải là vehicle, driver hoặc business",
                                          "must be vehicle, driver or business"))
    trips = read_results("trips", start, end)
    viols = read_results("violations", start, end)
    vehicles = Vehicle.objects.select_related("business").in_bulk()
    drivers = dict(Driver.objects.values_list("licence_number", "full_name"))

    def key_of(row: dict):
        if level == "vehicle":
            return row["vehicle_id"]
        if level == "driver":
            return row.get("driver") or ""
        vehicle = vehicles.get(row["vehicle_id"])
        return vehicle.business_id if vehicle else 0

    acc: dict = defaultdict(lambda: {"distance_km": 0.0, "driving_h": 0.0, "driving_s": 0, "trips": 0, "speeding": 0,
                                     "speeding_s": 0, "continuous": 0, "daily": 0, "weekly": 0, "gaps": 0,
                                     "gap_s": 0, "no_driver": 0, "vehicles": set()})
    for t in trips:
        a = acc[key_of(t)]
        a["distance_km"] += t["distance_m"] / 1000
        a["driving_h"] += t["driving_s"] / 3600
        a["driving_s"] += t["driving_s"]
        a["trips"] += 1
        a["vehicles"].add(t["vehicle_id"])
    field_of = {"continuous_driving": "continuous", "daily_driving": "daily", "weekly_driving": "weekly",
                "data_gap": "gaps", "no_driver": "no_driver", "speeding": "speeding"}
    for v in viols:
        a = acc[key_of(v)]
        a[field_of[v["kind"]]] += 1
        if v["kind"] == "speeding":
            a["speeding_s"] += v["duration_s"]
        if v["kind"] == "data_gap":
            a["gap_s"] += v["duration_s"]
        a["vehicles"].add(v["vehicle_id"])
    businesses = Business.objects.in_bulk()
    rows = []
    for key, a in acc.items():
        if level == "vehicle":
            vehicle = vehicles.get(key)
            label = vehicle.plate if vehicle else str(key)
            extra = vehicle.business.name if vehicle else ""
        elif level == "driver":
            label = key or str(_("(không đăng nhập)"))
            extra = drivers.get(key, "")
        else:
            business = businesses.get(key)
            label = business.name if business else "—"
            extra = business.licence_number if business else ""
        rows.append({"key": key, "label": label, "extra": extra, **{k: v for k, v in a.items() if k != "vehicles"},
                     "vehicle_count": len(a["vehicles"]), "distance_km": round(a["distance_km"], 1),
                     "driving_h": round(a["driving_h"], 2)})
    return sorted(rows, key=lambda r: vi_sort_key(str(r["label"])))


REPORT_HEADERS = [
    ("label", _("Đối tượng")), ("extra", pgettext_lazy("report column", "Thông tin")), ("vehicle_count", _("Số xe")),
    ("trips", _("Chuyến")), ("distance_km", _("Quãng đường (km)")),
    ("driving_s", _("Thời gian lái (giờ:phút)")), ("speeding", _("Quá tốc độ (lần)")),
    ("speeding_s", _("Thời gian quá tốc độ (giờ:phút)")),
    ("continuous", _("Lái liên tục > 4 giờ")), ("daily", _("Lái > 10 giờ/ngày")),
    ("weekly", _("Lái > 48 giờ/tuần")), ("gaps", _("Gián đoạn dữ liệu (lần)")),
    ("gap_s", _("Thời gian mất dữ liệu (giờ:phút)")),
    ("no_driver", _("Không đăng nhập lái xe")),
]
# columns holding seconds: shown as h:mm on the page, as Excel durations ([h]:mm) in XLSX, h:mm in CSV
DURATION_COLUMNS = {"driving_s", "speeding_s", "gap_s"}


def _export_cell(key: str, value, fmt: str):
    if key not in DURATION_COLUMNS or value is None:
        return value
    if fmt == "csv":
        return vn_hm(value).replace(MINUS, "-")
    return dt.timedelta(seconds=round(value))


def export_report(user, level: str, start: dt.date, end: dt.date, fmt: str = "xlsx") -> tuple[bytes, str, str]:
    rows = report(user, level, start, end)
    headers = [vietnamese(h) for _, h in REPORT_HEADERS]  # files are Vietnamese
    values = [[_export_cell(k, r[k], fmt) for k, _ in REPORT_HEADERS] for r in rows]
    name = f"bao-cao-gsht-{level}-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "csv":
        return to_csv(headers, values), f"{name}.csv", "text/csv; charset=utf-8"
    if fmt != "xlsx":
        raise ValidationFailed(FieldError("format", "định dạng phải là xlsx hoặc csv",
                                          "the format must be xlsx or csv"))
    return (to_xlsx(f"GSHT {level}", headers, values), f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---------------------------------------------------------------- disguised contract coaches

def coach_candidates(user, start: dt.date, end: dt.date) -> list[coach.CoachScore]:
    require_view(user)
    start, end = check_period(start, end)
    contract = set(Vehicle.objects.filter(licence_kind=LicenceKind.CONTRACT).values_list("id", flat=True))
    trips = read_results("trips", start, end, f"vehicle_id IN ({', '.join(map(str, contract)) or 'NULL'})")
    scores = coach.rank(trips, contract, coach.window_days(start, end), start)
    declared = contracts_of(contract, start, end)
    for score in scores:
        coach.apply_contracts(score, declared.get(score.vehicle_id, []))
    return sorted(scores, key=lambda s: (-s.score, s.vehicle_id))


# ---------------------------------------------------------------- generated fleets (demo, benchmarks)

def register_fleet(fleet, user=None) -> dict[int, int]:
    """Create (or reuse, by plate) the businesses, drivers, vehicles and devices of a generated fleet.
    Returns generator index → vehicle id."""
    from simple_history.utils import bulk_create_with_history

    from tinhso.transport.generator import TOWNS
    from tinhso.transport.models import Device

    with transaction.atomic():
        businesses = []
        for name, licence, home in fleet.businesses:
            business = Business.objects.filter(licence_number=licence).first()
            if business is None:
                business = Business(name=name, licence_number=licence, address=TOWNS[home][0],
                                    search_text=_search_text(name, licence))
                business._history_user = user
                business.save()
            businesses.append(business)
        existing = dict(Vehicle.objects.values_list("plate_key", "id"))
        new = []
        for v in fleet.vehicles:
            key = store.plate_key(v.plate)
            if key in existing:
                continue
            route = f"{TOWNS[v.route[0]][0]} – {TOWNS[v.route[1]][0]}" if v.kind == "fixed_route" and v.route else ""
            business = businesses[v.business]
            new.append(Vehicle(plate=v.plate, plate_key=key, business=business, licence_kind=v.kind, seats=v.seats,
                               tonnage=v.tonnage, registered_route=route,
                               search_text=_search_text(v.plate, key, business.name, route)))
        if new:
            bulk_create_with_history(new, Vehicle, batch_size=1000, default_user=user)
        known = set(Driver.objects.values_list("licence_number", flat=True))
        drivers = [Driver(licence_number=lic, full_name=name, business=businesses[b])
                   for lic, name, b in fleet.drivers if lic not in known]
        if drivers:
            bulk_create_with_history(drivers, Driver, batch_size=1000, default_user=user)
        bump_stamp()  # bulk_create sends no signals
        ids = dict(Vehicle.objects.values_list("plate_key", "id"))
        with_device = set(Device.objects.values_list("vehicle_id", flat=True))
        devices = [Device(serial=f"GSHT-{ids[store.plate_key(v.plate)]:06d}", provider="Thiết bị mô phỏng",
                          vehicle_id=ids[store.plate_key(v.plate)])
                   for v in fleet.vehicles if ids[store.plate_key(v.plate)] not in with_device]
        if devices:
            bulk_create_with_history(devices, Device, batch_size=1000, default_user=user)
    return {i: ids[store.plate_key(v.plate)] for i, v in enumerate(fleet.vehicles)}


def generate(vehicles: int, days: int, start: dt.date, seed: int, parked_interval: int = 900,
             analyse: bool = True, chunk: int = 100, user=None, stdout=None) -> dict:
    """Generate a fleet and its positions, register it, ingest it batch by batch, and (optionally) run the
    fleet analysis. Returns the ground truth of what was planted."""
    import json

    from tinhso.transport import generator

    fleet = generator.make_fleet(vehicles, seed)
    register_fleet(fleet, user)
    truth: dict = {}
    plates = vehicle_map()
    total = 0
    for i in range(0, vehicles, chunk):
        table = generator.generate_table(fleet, start, days, seed, parked_interval, slice(i, i + chunk), truth)
        rep = store.ingest(table, "parquet", plates)
        total += rep.rows_stored
        if stdout:
            stdout.write(f"  {min(i + chunk, vehicles)}/{vehicles} xe / vehicles, {vn_number(total)} điểm / points\n")
    end = start + dt.timedelta(days=days - 1)
    summary = {"vehicles": vehicles, "days": days, "start": start.isoformat(), "end": end.isoformat(),
               "seed": seed, "points": total, "disguised": sorted(fleet.disguised_plates),
               "planted": {k: [[p, d.isoformat()] for p, d in v] for k, v in truth.items()}}
    (store.root()).mkdir(parents=True, exist_ok=True)
    (store.root() / "generated-truth.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    if analyse:
        days_done = 0
        while days_done < days:
            a = start + dt.timedelta(days=days_done)
            b = min(end, a + dt.timedelta(days=MAX_PERIOD_DAYS - 1))
            result = analyse_by_rules(a, b, _kinds())
            write_results(result, a, b)
            days_done += (b - a).days + 1
    return summary


def evaluate_coaches(user, summary: dict) -> dict:
    """Precision and recall of the disguised-coach flags against what the generator planted."""
    start, end = dt.date.fromisoformat(summary["start"]), dt.date.fromisoformat(summary["end"])
    scores = coach_candidates(user, start, min(end, start + dt.timedelta(days=MAX_PERIOD_DAYS - 1)))
    plates = dict(Vehicle.objects.values_list("id", "plate"))
    flagged = {plates[s.vehicle_id] for s in scores if s.flagged}
    return coach.precision_recall(flagged, set(summary["disguised"]))
