"""Trips, stops, distance, driving time and violations computed from the position store.

DuckDB scans the day partitions (pruning row groups by vehicle) and returns the points of a chunk of
vehicles sorted by (vehicle, time); the segmentation itself is vectorised numpy over those arrays, so
a month of a whole fleet is processed chunk by chunk in bounded memory.

Definitions (all durations in seconds; the limits come from `Rule` rows, see docs/transport.md):

* a point is *moving* when the ignition is on and the GPS speed is at least MOVING_KMH; anything else
  (ignition off, or GPS jitter of a few km/h while parked) is stationary;
* an interval (point i-1 → point i) is *driving time* when both points are moving and the interval is
  shorter than the rest threshold (the readings' span: benefit of the doubt at starts and stops); its
  distance counts when either end is moving;
* a *rest* is a stretch of at least `rest_min_minutes` between two moving points (parked, or no data);
  a rest, a change of logged-in driver or a new vehicle ends a trip. A trip is therefore one driver's
  continuous driving, and "continuous driving over 4 h" is a trip whose driving time is over 4 h;
* a *stop* is a stationary stretch inside a trip of at least STOP_MIN_S (short stop) — or of any
  length when the door opened during it (a roadside pick-up of 20–50 s leaves one or two readings at
  30-second reporting: without the door a traffic light looks the same, so only the door makes it a
  stop) —, or a rest between trips (parking);
* *speeding*: consecutive moving points above the vehicle kind's limit, reported when the readings
  span at least `min_duration_s`;
* *data gap*: an interval longer than the reporting interval required for the state of its first
  point (moving: 30 s, parked: 15 min) plus the tolerance;
* *no driver*: moving readings without a logged-in driver licence spanning at least `min_duration_s`;
* *daily / weekly driving*: driving time per driver licence per local day / ISO week, over all vehicles.
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tinhso.core.columnar import LOCAL_OFFSET
from tinhso.transport import store

MOVING_KMH = 5.0
STOP_MIN_S = 60
EARTH_M = 6_371_008.8


@dataclass
class RuleSet:
    speed_limit_default: float = 80.0
    speed_limits: dict[str, float] = field(default_factory=dict)
    speeding_min_s: float = 20
    continuous_max_s: float = 4 * 3600
    rest_min_s: float = 15 * 60
    daily_max_s: float = 10 * 3600
    weekly_max_s: float = 48 * 3600
    gap_moving_s: float = 30
    gap_parked_s: float = 900
    gap_tolerance_s: float = 0
    no_driver_min_s: float = 30
    active: set[str] = field(default_factory=lambda: {
        "speeding", "continuous_driving", "daily_driving", "weekly_driving", "data_gap", "no_driver"})
    codes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rules(cls, rules) -> "RuleSet":
        rs = cls(active=set())
        for rule in rules:
            p = rule.params or {}
            if not rule.active:
                continue
            rs.active.add(rule.kind)
            rs.codes[rule.kind] = rule.code
            if rule.kind == "speeding":
                rs.speed_limit_default = float(p.get("limit_kmh", rs.speed_limit_default))
                rs.speed_limits = {k: float(v) for k, v in (p.get("limits_by_kind") or {}).items()}
                rs.speeding_min_s = float(p.get("min_duration_s", rs.speeding_min_s))
            elif rule.kind == "continuous_driving":
                rs.continuous_max_s = float(p.get("max_hours", 4)) * 3600
                rs.rest_min_s = float(p.get("rest_min_minutes", 15)) * 60
            elif rule.kind == "daily_driving":
                rs.daily_max_s = float(p.get("max_hours", 10)) * 3600
            elif rule.kind == "weekly_driving":
                rs.weekly_max_s = float(p.get("max_hours", 48)) * 3600
            elif rule.kind == "data_gap":
                rs.gap_moving_s = float(p.get("moving_max_s", 30))
                rs.gap_parked_s = float(p.get("parked_max_s", 900))
                rs.gap_tolerance_s = float(p.get("tolerance_s", 0))
            elif rule.kind == "no_driver":
                rs.no_driver_min_s = float(p.get("min_duration_s", 30))
        return rs

    def limit_for(self, kind: str) -> float:
        return self.speed_limits.get(kind, self.speed_limit_default)


@dataclass
class Result:
    trips: list[dict] = field(default_factory=list)
    stops: list[dict] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    driver_days: list[dict] = field(default_factory=list)  # per (driver, vehicle, local day): driving seconds
    points: int = 0


def local_day(epoch_s: np.ndarray | int) -> np.ndarray | int:
    return (epoch_s + LOCAL_OFFSET) // 86400


def day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def from_day_number(n: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(n))


def to_datetime(epoch_s: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(epoch_s), dt.UTC)


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


# ---------------------------------------------------------------- reading

def load_points(start_day: dt.date, end_day: dt.date, vehicle_ids: list[int] | None = None,
                id_range: tuple[int, int] | None = None) -> pa.Table:
    """Points of [start_day, end_day] (local days), deduplicated, sorted by (vehicle, time)."""
    files = store.files_between(start_day, end_day)
    if not files:
        return pa.table({"vehicle_id": pa.array([], pa.int32()), "t": pa.array([], pa.int64()),
                         "lat": pa.array([], pa.float32()), "lon": pa.array([], pa.float32()),
                         "speed": pa.array([], pa.float32()), "ignition": pa.array([], pa.bool_()),
                         "door": pa.array([], pa.bool_()), "driver": pa.array([], pa.string())})
    where = "true"
    if vehicle_ids is not None:
        where = f"vehicle_id IN ({', '.join(str(int(v)) for v in vehicle_ids) or 'NULL'})"
    elif id_range is not None:
        where = f"vehicle_id BETWEEN {int(id_range[0])} AND {int(id_range[1])}"
    con = store.connect()
    try:
        # Duplicates (same vehicle and time, e.g. a batch sent twice) are dropped after sorting.
        return con.sql(f"""SELECT vehicle_id, epoch(ts)::BIGINT AS t, lat, lon, speed, ignition, door, driver
                               FROM read_parquet({store._list_sql(files)}, hive_partitioning = false) WHERE {where}
                               ORDER BY vehicle_id, ts""").to_arrow_table()
    finally:
        con.close()


# ---------------------------------------------------------------- the computation

def analyse_points(table: pa.Table, rules: RuleSet, kinds: dict[int, str], start_day: dt.date,
                   end_day: dt.date) -> Result:
    """Segment sorted points into trips and stops and find violations. Items are kept when they start on
    a local day within [start_day, end_day]; earlier points only give context (a drive crossing
    midnight, a gap at the period's start)."""
    res = Result()
    n0 = table.num_rows
    if n0 == 0:
        return res
    v = table["vehicle_id"].to_numpy().astype(np.int64)
    t = table["t"].to_numpy()
    keep = np.ones(n0, bool)
    keep[1:] = (v[1:] != v[:-1]) | (t[1:] != t[:-1])
    sel = np.flatnonzero(keep) if not keep.all() else None

    def col(name, dtype=None):
        arr = table[name]
        if name in ("ignition", "door"):
            arr = pc.fill_null(arr, False)
        out = arr.to_numpy(zero_copy_only=False)
        out = out if sel is None else out[sel]
        return out.astype(dtype) if dtype else out

    if sel is not None:
        v, t = v[sel], t[sel]
    lat, lon = col("lat", np.float64), col("lon", np.float64)
    speed, ign = col("speed", np.float64), col("ignition", bool)
    door = col("door", bool) if "door" in table.column_names else np.zeros(len(t), bool)
    driver_arr = table["driver"] if sel is None else table["driver"].take(pa.array(sel))
    if isinstance(driver_arr, pa.ChunkedArray):
        driver_arr = driver_arr.combine_chunks()
    enc = pc.dictionary_encode(driver_arr)
    drv = pc.fill_null(enc.indices, -1).to_numpy().astype(np.int64)
    drv_names = enc.dictionary.to_pylist()
    n = len(t)
    res.points = n
    first_day, last_day = day_number(start_day), day_number(end_day)

    newv = np.ones(n, bool)
    newv[1:] = v[1:] != v[:-1]
    dtv = np.zeros(n, np.int64)
    dtv[1:] = t[1:] - t[:-1]
    dtv[newv] = 0
    moving = ign & (speed >= MOVING_KMH)
    pmoving = np.zeros(n, bool)
    pmoving[1:] = moving[:-1]
    pmoving[newv] = False
    pign = np.zeros(n, bool)
    pign[1:] = ign[:-1]
    rest = rules.rest_min_s
    within = (~newv) & (dtv <= rest)
    drive_s = np.where(pmoving & moving & within, dtv, 0)
    seg = np.zeros(n)
    seg[1:] = _haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])
    dist_m = np.where((pmoving | moving) & within, seg, 0.0)
    day_of = local_day(t)
    in_period = (day_of >= first_day) & (day_of <= last_day)

    def emit_violation(kind: str, vi: int, start: int, end: int, value: float, limit: float, lat_: float,
                       lon_: float, driver: str | None, detail: str) -> None:
        res.violations.append({
            "vehicle_id": int(vi), "kind": kind, "rule": rules.codes.get(kind, kind), "start": int(start),
            "end": int(end), "duration_s": int(end - start), "value": float(value), "limit": float(limit),
            "lat": float(lat_), "lon": float(lon_), "driver": driver, "day": from_day_number(local_day(start)),
            "detail": detail,
        })

    def dname(code: int) -> str | None:
        return drv_names[code] if code >= 0 else None

    # ---- data gaps: the interval exceeds what the state of its first point requires
    if "data_gap" in rules.active:
        allowed = np.where(pmoving, rules.gap_moving_s, rules.gap_parked_s) + rules.gap_tolerance_s
        for i in np.flatnonzero((~newv) & (dtv > allowed) & in_period[np.maximum(np.arange(n) - 1, 0)]):
            state = "đang chạy / moving" if pmoving[i] else "dừng đỗ / parked"
            emit_violation("data_gap", v[i], t[i - 1], t[i], dtv[i], allowed[i], lat[i - 1], lon[i - 1],
                           dname(drv[i - 1]), state)

    # ---- runs of consecutive flagged moving points (speeding, no driver)
    def runs(flag: np.ndarray, max_step: float) -> list[tuple[int, int]]:
        idx = np.flatnonzero(flag)
        if len(idx) == 0:
            return []
        brk = np.ones(len(idx), bool)
        brk[1:] = (idx[1:] != idx[:-1] + 1) | (v[idx[1:]] != v[idx[:-1]]) | (dtv[idx[1:]] > max_step)
        starts = np.flatnonzero(brk)
        ends = np.r_[starts[1:], len(idx)] - 1
        return [(int(idx[s]), int(idx[e])) for s, e in zip(starts, ends, strict=True)]

    if "speeding" in rules.active:
        limits = np.array([rules.limit_for(kinds.get(int(x), "")) for x in np.unique(v)])
        lim = limits[np.searchsorted(np.unique(v), v)]
        for a, b in runs(moving & (speed > lim), 2 * rules.gap_moving_s):
            span = t[b] - t[a]
            if span >= rules.speeding_min_s and in_period[a]:
                top = a + int(np.argmax(speed[a:b + 1]))
                emit_violation("speeding", v[a], t[a], t[b], speed[top], lim[a], lat[top], lon[top],
                               dname(drv[a]), f"{b - a + 1} điểm / points")

    # ---- trips: moving points split by rests, driver changes and vehicles
    m = np.flatnonzero(moving)
    if len(m):
        nxt = np.minimum(m[:-1] + 1, m[1:])  # first point after the previous moving point
        rest_len = np.where(nxt < m[1:], t[m[1:]] - t[nxt], t[m[1:]] - t[m[:-1]])
        brk = np.ones(len(m), bool)
        brk[1:] = (v[m[1:]] != v[m[:-1]]) | (rest_len >= rest) | (drv[m[1:]] != drv[m[:-1]]) | newv[m[1:]]
        trip_of_m = np.cumsum(brk) - 1
        n_trips = int(trip_of_m[-1]) + 1
        # every point belongs to the trip of the last moving point at or before it (same vehicle)
        last_m = np.maximum.accumulate(np.where(moving, np.arange(n), -1))
        owner = np.full(n, -1)
        has = last_m >= 0
        owner[has] = trip_of_m[np.searchsorted(m, last_m[has])]
        # an interval belongs to the trip of its first point; a start interval to the trip it starts
        interval_owner = np.full(n, -1)
        interval_owner[1:] = owner[:-1]
        starting = moving & ~pmoving & ~newv
        interval_owner[starting] = owner[starting]
        valid = interval_owner >= 0
        trip_drive = np.bincount(interval_owner[valid], drive_s[valid], n_trips)
        trip_dist = np.bincount(interval_owner[valid], dist_m[valid], n_trips)
        tstart_m = np.flatnonzero(brk)
        tend_m = np.r_[tstart_m[1:], len(m)] - 1
        max_speed = np.maximum.reduceat(speed[m], tstart_m)
        # short stops inside trips (long enough, or the door opened: a pick-up), parkings between them
        doors = np.r_[0, np.cumsum(door)]
        opened = doors[m[1:]] - doors[nxt] > 0  # a door reading among the stationary points of the stretch
        inner = (~brk[1:]) & (nxt < m[1:]) & ((rest_len >= STOP_MIN_S) | opened)
        trip_stops = np.bincount(trip_of_m[1:][inner], minlength=n_trips)
        for k in np.flatnonzero(inner):
            a = nxt[k]
            if in_period[a]:
                res.stops.append({"vehicle_id": int(v[a]), "start": int(t[a]), "end": int(t[m[k + 1]]),
                                  "duration_s": int(rest_len[k]), "lat": float(lat[a]), "lon": float(lon[a]),
                                  "kind": "short", "trip_no": int(trip_of_m[k])})
        for k in np.flatnonzero(brk[1:] & (v[m[1:]] == v[m[:-1]]) & (nxt < m[1:]) & (rest_len >= rest)):
            a = nxt[k]
            if in_period[a]:
                res.stops.append({"vehicle_id": int(v[a]), "start": int(t[a]), "end": int(t[m[k + 1]]),
                                  "duration_s": int(rest_len[k]), "lat": float(lat[a]), "lon": float(lon[a]),
                                  "kind": "parking", "trip_no": None})
        for tr in range(n_trips):
            a, b = m[tstart_m[tr]], m[tend_m[tr]]
            if not in_period[a]:
                continue
            end_i = b + 1 if b + 1 < n and not newv[b + 1] and dtv[b + 1] <= rest else b
            # the point farthest from the start: where an out-and-back (loop) trip turned
            legs = m[tstart_m[tr]:tend_m[tr] + 1]
            far = legs[int(np.argmax(_haversine(np.full(len(legs), lat[a]), np.full(len(legs), lon[a]),
                                                lat[legs], lon[legs])))]
            trip = {"vehicle_id": int(v[a]), "trip_no": tr, "start": int(t[a]), "end": int(t[end_i]),
                    "start_lat": float(lat[a]), "start_lon": float(lon[a]),
                    "end_lat": float(lat[end_i]), "end_lon": float(lon[end_i]),
                    "far_lat": float(lat[far]), "far_lon": float(lon[far]),
                    "distance_m": float(trip_dist[tr]), "driving_s": int(trip_drive[tr]),
                    "max_speed": float(max_speed[tr]), "stops": int(trip_stops[tr]), "driver": dname(drv[a]),
                    "day": from_day_number(local_day(t[a]))}
            res.trips.append(trip)
            # a trip is one driver's (a change of driver ends it): a trip without a logged-in driver is one
            # violation, however many stops it makes
            if "no_driver" in rules.active and drv[a] < 0 and t[b] - t[a] >= rules.no_driver_min_s:
                emit_violation("no_driver", v[a], t[a], t[b], t[b] - t[a], rules.no_driver_min_s, lat[a], lon[a],
                               None, f"{int(trip_stops[tr])} điểm dừng / stops")
            if "continuous_driving" in rules.active and trip_drive[tr] > rules.continuous_max_s:
                emit_violation("continuous_driving", v[a], t[a], t[end_i], trip_drive[tr], rules.continuous_max_s,
                               lat[a], lon[a], dname(drv[a]), f"{trip_dist[tr] / 1000:.1f} km")

    # ---- driving time per driver, vehicle and local day (daily/weekly limits are applied fleet-wide)
    dd = (~newv) & (drive_s > 0) & in_period
    if dd.any():
        drivers_of = np.where(pmoving, np.r_[-1, drv[:-1]], -1)
        key_day = day_of[dd]
        key_drv = drivers_of[dd]
        key_veh = v[dd]
        secs = drive_s[dd]
        order = np.lexsort((key_day, key_veh, key_drv))
        kd, kv, kday, s = key_drv[order], key_veh[order], key_day[order], secs[order]
        new = np.ones(len(kd), bool)
        new[1:] = (kd[1:] != kd[:-1]) | (kv[1:] != kv[:-1]) | (kday[1:] != kday[:-1])
        starts = np.flatnonzero(new)
        sums = np.add.reduceat(s, starts)
        for i, total in zip(starts, sums, strict=True):
            res.driver_days.append({"driver": dname(kd[i]), "vehicle_id": int(kv[i]),
                                    "day": from_day_number(kday[i]), "driving_s": int(total)})
    return res


def driver_limits(driver_days: list[dict], rules: RuleSet, start_day: dt.date, end_day: dt.date,
                  locate: dict | None = None) -> list[dict]:
    """Daily and weekly driving-time violations per driver licence, summed over all vehicles."""
    out: list[dict] = []
    per_day: dict[tuple, int] = {}
    vehicles_of: dict[tuple, set] = {}
    for row in driver_days:
        if row["driver"] is None:
            continue
        key = (row["driver"], row["day"])
        per_day[key] = per_day.get(key, 0) + row["driving_s"]
        vehicles_of.setdefault(key, set()).add(row["vehicle_id"])
    if "daily_driving" in rules.active:
        for (driver, day), secs in sorted(per_day.items()):
            if secs > rules.daily_max_s:
                start = int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp()) - LOCAL_OFFSET
                vid = min(vehicles_of[(driver, day)])
                out.append({"vehicle_id": vid, "kind": "daily_driving", "rule": rules.codes.get("daily_driving", ""),
                            "start": start, "end": start + 86400, "duration_s": 86400, "value": float(secs),
                            "limit": rules.daily_max_s, "lat": None, "lon": None, "driver": driver, "day": day,
                            "detail": f"{len(vehicles_of[(driver, day)])} xe / vehicles"})
    if "weekly_driving" in rules.active:
        weeks: dict[tuple, int] = {}
        week_vehicles: dict[tuple, set] = {}
        for (driver, day), secs in per_day.items():
            monday = day - dt.timedelta(days=day.weekday())
            if monday < start_day or monday + dt.timedelta(days=6) > end_day:
                continue  # only whole weeks inside the period
            weeks[(driver, monday)] = weeks.get((driver, monday), 0) + secs
            week_vehicles.setdefault((driver, monday), set()).update(vehicles_of[(driver, day)])
        for (driver, monday), secs in sorted(weeks.items()):
            if secs > rules.weekly_max_s:
                start = int(dt.datetime.combine(monday, dt.time(), dt.UTC).timestamp()) - LOCAL_OFFSET
                out.append({"vehicle_id": min(week_vehicles[(driver, monday)]), "kind": "weekly_driving",
                            "rule": rules.codes.get("weekly_driving", ""), "start": start, "end": start + 7 * 86400,
                            "duration_s": 7 * 86400, "value": float(secs), "limit": rules.weekly_max_s,
                            "lat": None, "lon": None, "driver": driver, "day": monday,
                            "detail": f"tuần / week {monday:%d/%m/%Y}"})
    return out


def analyse(start_day: dt.date, end_day: dt.date, rules: RuleSet, kinds: dict[int, str],
            vehicle_ids: list[int] | None = None, chunk_vehicles: int = 125, progress=None) -> Result:
    """The whole computation for a period: vehicle chunk by vehicle chunk (bounded memory), one day of
    look-back for context, then the fleet-wide driver limits. `progress(done, total, points)` is called
    after each chunk (the CLI prints it)."""
    lookback = start_day - dt.timedelta(days=1)
    ids = sorted(vehicle_ids if vehicle_ids is not None else kinds)
    total = Result()
    for i in range(0, len(ids), chunk_vehicles):
        chunk = ids[i:i + chunk_vehicles]
        if vehicle_ids is not None:
            table = load_points(lookback, end_day, vehicle_ids=chunk)
        else:
            table = load_points(lookback, end_day, id_range=(chunk[0], chunk[-1]))
        part = analyse_points(table, rules, kinds, start_day, end_day)
        del table
        total.trips += part.trips
        total.stops += part.stops
        total.violations += part.violations
        total.driver_days += part.driver_days
        total.points += part.points
        if progress is not None:
            progress(min(i + chunk_vehicles, len(ids)), len(ids), total.points)
    total.violations += driver_limits(total.driver_days, rules, start_day, end_day)
    total.violations.sort(key=lambda x: (x["start"], x["vehicle_id"], x["kind"]))
    return total
