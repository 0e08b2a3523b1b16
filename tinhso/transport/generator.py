"""A deterministic generator of journey-monitoring data for the northern provinces of the seed reports.

N vehicles of mixed licence kinds drive on a simplified road network between real towns (approximate
coordinates) of Bắc Kạn, Thái Nguyên, Bắc Giang, Bắc Ninh, Lào Cai, Yên Bái, Phú Thọ and Hà Nội,
reporting every 30 s while moving and every 15 min while parked (or every 30 s when `dense`).
Planted on purpose, and returned as ground truth: speeding, continuous driving over 4 h, driving over
10 h a day, data gaps, driving without a logged-in driver, GPS jitter while parked, and disguised
contract coaches (contract vehicles running a fixed route on a timetable with many short stops) beside
honest look-alikes (regular worker shuttles without stops, irregular contract hires, fixed-route
coaches). The same seed always gives the same data.
"""

import datetime as dt
import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from tinhso.core.columnar import LOCAL_OFFSET

TOWNS: dict[str, tuple[str, float, float]] = {
    # key: (name, lat, lon)
    "hanoi": ("Hà Nội", 21.0285, 105.8542),
    "tuson": ("Từ Sơn (Bắc Ninh)", 21.1167, 105.9667),
    "bacninh": ("Bắc Ninh", 21.1861, 106.0763),
    "bacgiang": ("Bắc Giang", 21.2731, 106.1946),
    "lucngan": ("Chũ, Lục Ngạn (Bắc Giang)", 21.3700, 106.5500),
    "phoyen": ("Phổ Yên (Thái Nguyên)", 21.4167, 105.8750),
    "songcong": ("Sông Công (Thái Nguyên)", 21.4833, 105.8333),
    "thainguyen": ("Thái Nguyên", 21.5942, 105.8482),
    "daitu": ("Đại Từ (Thái Nguyên)", 21.6300, 105.6400),
    "dinhhoa": ("Chợ Chu, Định Hóa (Thái Nguyên)", 21.9000, 105.6400),
    "chomoi": ("Chợ Mới (Bắc Kạn)", 21.8733, 105.7767),
    "backan": ("Bắc Kạn", 22.1470, 105.8348),
    "chora": ("Chợ Rã, Ba Bể (Bắc Kạn)", 22.4500, 105.7333),
    "viettri": ("Việt Trì (Phú Thọ)", 21.3227, 105.4020),
    "yenbai": ("Yên Bái", 21.7051, 104.8750),
    "nghialo": ("Nghĩa Lộ (Yên Bái)", 21.6000, 104.5167),
    "phorang": ("Phố Ràng, Bảo Yên (Lào Cai)", 22.2400, 104.4700),
    "pholu": ("Phố Lu, Bảo Thắng (Lào Cai)", 22.3170, 104.1900),
    "laocai": ("Lào Cai", 22.4856, 103.9707),
    "sapa": ("Sa Pa (Lào Cai)", 22.3364, 103.8438),
}
ROADS = [
    ("hanoi", "tuson", "QL1"), ("tuson", "bacninh", "QL1"), ("bacninh", "bacgiang", "QL1"),
    ("bacgiang", "lucngan", "QL31"), ("hanoi", "phoyen", "QL3"), ("phoyen", "songcong", "QL3"),
    ("songcong", "thainguyen", "QL3"), ("thainguyen", "chomoi", "QL3"), ("chomoi", "backan", "QL3"),
    ("backan", "chora", "QL279"), ("thainguyen", "daitu", "QL37"), ("daitu", "dinhhoa", "ĐT264"),
    ("dinhhoa", "chomoi", "ĐT254"), ("thainguyen", "bacgiang", "QL37"), ("hanoi", "viettri", "CT05"),
    ("viettri", "yenbai", "CT05"), ("yenbai", "nghialo", "QL32"), ("yenbai", "phorang", "QL70"),
    ("phorang", "pholu", "QL70"), ("pholu", "laocai", "CT05"), ("laocai", "sapa", "QL4D"),
    ("phoyen", "tuson", "QL3"),
]
ROAD_FACTOR = 1.2  # roads are longer than straight lines
KIND_MIX = [("fixed_route", 0.18), ("contract", 0.34), ("freight", 0.24), ("taxi", 0.08), ("tourist", 0.06),
            ("bus", 0.05), ("container", 0.05)]
PROVINCE_PREFIX = {"backan": "97", "chomoi": "97", "chora": "97", "thainguyen": "20", "phoyen": "20",
                   "songcong": "20", "daitu": "20", "dinhhoa": "20", "bacgiang": "98", "lucngan": "98",
                   "bacninh": "99", "tuson": "99", "laocai": "24", "sapa": "24", "pholu": "24", "phorang": "24",
                   "yenbai": "21", "nghialo": "21", "hanoi": "29", "viettri": "19"}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà", "Nông", "Ma", "Triệu", "Lương"]
MIDDLE = ["Văn", "Đức", "Hữu", "Minh", "Quang", "Thị", "Xuân", "Công"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn",
         "Thắng", "Tuấn", "Việt"]


def _hav_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _edge_polyline(a: str, b: str) -> list[tuple[float, float]]:
    """A gently curved road between two towns (deterministic bends), from a to b."""
    (_, la, oa), (_, lb, ob) = TOWNS[a], TOWNS[b]
    key = sum(ord(c) for c in a + b)
    pts = []
    steps = 8
    for i in range(steps + 1):
        f = i / steps
        bend = math.sin(math.pi * f) * (0.012 * ((key % 5) - 2)) + 0.003 * math.sin(7 * f + key)
        pts.append((la + (lb - la) * f + bend * (ob - oa) / max(abs(ob - oa) + abs(lb - la), 1e-6),
                    oa + (ob - oa) * f - bend * (lb - la) / max(abs(ob - oa) + abs(lb - la), 1e-6)))
    return pts


def _graph() -> dict[str, list[tuple[str, float]]]:
    g: dict[str, list[tuple[str, float]]] = {k: [] for k in TOWNS}
    for a, b, _ in ROADS:
        d = _hav_km(TOWNS[a][1:], TOWNS[b][1:])
        g[a].append((b, d))
        g[b].append((a, d))
    return g


_GRAPH = _graph()
_ROUTE_CACHE: dict[tuple[str, str], np.ndarray] = {}


def route(a: str, b: str) -> np.ndarray:
    """Polyline (n × 2, lat/lon) of the shortest road path from town a to town b."""
    if (a, b) in _ROUTE_CACHE:
        return _ROUTE_CACHE[(a, b)]
    dist = {a: 0.0}
    prev: dict[str, str] = {}
    heap = [(0.0, a)]
    while heap:
        d, node = heapq.heappop(heap)
        if node == b:
            break
        if d > dist.get(node, math.inf):
            continue
        for nb, w in _GRAPH[node]:
            if d + w < dist.get(nb, math.inf):
                dist[nb] = d + w
                prev[nb] = node
                heapq.heappush(heap, (d + w, nb))
    path = [b]
    while path[-1] != a:
        path.append(prev[path[-1]])
    path.reverse()
    pts: list[tuple[float, float]] = []
    for x, y in zip(path, path[1:], strict=False):
        edge = _edge_polyline(x, y)
        pts += edge if not pts else edge[1:]
    arr = np.array(pts)
    _ROUTE_CACHE[(a, b)] = arr
    return arr


# The provinces of the towns above that were merged on REFORM_2025 (Resolution 202/2025/QH15; the unit
# registry holds the same links): a track is drawn on the map of its own date, so a September 2025 track
# reads "Chợ Mới (Thái Nguyên)" and a 2024 one "Chợ Mới (Bắc Kạn)".
MERGED_PROVINCES = {"Bắc Kạn": "Thái Nguyên", "Bắc Giang": "Bắc Ninh", "Yên Bái": "Lào Cai"}


def town_name(key: str, as_of: dt.date | None = None) -> str:
    """A town's label as of a date (today when not given): its province named as it was that day."""
    from tinhso.units.services import REFORM_2025

    name = TOWNS[key][0]
    if (as_of or dt.date.today()) < REFORM_2025:
        return name
    for old, new in MERGED_PROVINCES.items():
        if name.endswith(f"({old})"):
            return f"{name[:-len(old) - 1]}{new})"
        if name == old:  # the former provincial capital, now a ward of the new province
            return f"{old} ({new})"
    return name


def basemap_geojson(as_of: dt.date | None = None) -> dict:
    """Towns and main roads as GeoJSON: the offline base layer of the maps (no tiles), named as of `as_of`."""
    features = [{"type": "Feature", "properties": {"name": town_name(key, as_of), "kind": "town"},
                 "geometry": {"type": "Point", "coordinates": [lon, lat]}} for key, (_, lat, lon) in TOWNS.items()]
    for a, b, road in ROADS:
        features.append({"type": "Feature", "properties": {"name": road, "kind": "road"},
                         "geometry": {"type": "LineString",
                                      "coordinates": [[lo, la] for la, lo in _edge_polyline(a, b)]}})
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- fleet

@dataclass
class GenVehicle:
    plate: str
    kind: str
    role: str  # what it really does: coach, disguised, shuttle, charter, freight, longhaul, taxi, bus, tourist
    home: str
    business: int
    seats: int | None
    tonnage: float | None
    route: tuple[str, str] | None = None
    drivers: list[str] = field(default_factory=list)


@dataclass
class Fleet:
    vehicles: list[GenVehicle]
    businesses: list[tuple[str, str, str]]  # (name, licence number, home town key)
    drivers: list[tuple[str, str, int]]  # (licence, full name, business index)
    planted: dict[str, list] = field(default_factory=dict)

    @property
    def disguised_plates(self) -> set[str]:
        return {v.plate for v in self.vehicles if v.role == "disguised"}


def make_fleet(n: int, seed: int = 1) -> Fleet:
    rng = np.random.default_rng(seed)
    towns = list(TOWNS)
    businesses = []
    for i in range(max(3, n // 8)):
        home = towns[i % len(towns)]
        prefix = PROVINCE_PREFIX[home]
        businesses.append((f"Công ty TNHH Vận tải {TOWNS[home][0].split(' (')[0]} số {i + 1}",
                           f"{prefix}-{1000 + i:04d}/GPKDVT", home))
    kinds = [k for k, _ in KIND_MIX]
    weights = np.array([w for _, w in KIND_MIX])
    vehicles: list[GenVehicle] = []
    drivers: list[tuple[str, str, int]] = []
    used_plates: set[str] = set()
    long_pairs = [("laocai", "hanoi"), ("backan", "hanoi"), ("chora", "thainguyen"), ("sapa", "hanoi"),
                  ("lucngan", "hanoi"), ("yenbai", "bacninh"), ("backan", "bacgiang"), ("nghialo", "hanoi"),
                  ("thainguyen", "laocai"), ("chomoi", "bacninh")]
    n_disguised = max(1, round(n * 0.12)) if n >= 4 else 0
    n_shuttles = max(1, round(n * 0.08)) if n >= 4 else 0
    for i in range(n):
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        planted = i < n_disguised + n_shuttles  # every fleet gets its planted cases and look-alikes
        if planted:
            kind = "contract"
        b = int(rng.integers(len(businesses)))
        home = businesses[b][2]
        prefix = PROVINCE_PREFIX[home]
        while True:
            letter = "BCDEFGH"[int(rng.integers(7))] if kind in ("fixed_route", "contract", "tourist", "bus", "taxi") \
                else "C"
            plate = f"{prefix}{letter}-{int(rng.integers(100, 999)):03d}.{int(rng.integers(10, 99)):02d}"
            if plate not in used_plates:
                used_plates.add(plate)
                break
        role = {"fixed_route": "coach", "freight": "freight", "container": "longhaul", "taxi": "taxi", "bus": "bus",
                "tourist": "tourist"}.get(kind, "charter")
        if planted:
            role = "disguised" if i < n_disguised else "shuttle"
        elif kind == "contract":
            role = ["disguised", "charter", "charter", "shuttle"][int(rng.integers(4))]
        if kind == "freight" and rng.random() < 0.3:
            role = "longhaul"
        pair = long_pairs[int(rng.integers(len(long_pairs)))]
        if role == "shuttle":
            pair = [("phoyen", "thainguyen"), ("bacninh", "bacgiang"), ("songcong", "hanoi"),
                    ("tuson", "thainguyen")][int(rng.integers(4))]
        seats = None if kind in ("freight", "container") else int(rng.choice([7, 16, 29, 45]))
        tonnage = float(rng.choice([2.5, 8.0, 15.0])) if kind in ("freight", "container") else None
        vehicle = GenVehicle(plate, kind, role, pair[0] if role in ("coach", "disguised", "shuttle") else home, b,
                             seats, tonnage, pair if role in ("coach", "disguised", "shuttle", "longhaul") else None)
        for _ in range(2 if role in ("coach", "disguised", "longhaul") else 1):
            licence = f"{prefix}{int(rng.integers(10**9, 10**10 - 1)):010d}"
            name = f"{FAMILY[int(rng.integers(len(FAMILY)))]} {MIDDLE[int(rng.integers(len(MIDDLE)))]} " \
                   f"{GIVEN[int(rng.integers(len(GIVEN)))]}"
            drivers.append((licence, name, b))
            vehicle.drivers.append(licence)
        vehicles.append(vehicle)
    fleet = Fleet(vehicles, businesses, drivers)
    fleet.planted = {"disguised": sorted(fleet.disguised_plates)}
    return fleet


# ---------------------------------------------------------------- driving

@dataclass
class Leg:
    """One drive: along `path` starting at `depart` (epoch s), with short stops at fractions of the path."""

    path: np.ndarray
    depart: int
    cruise: float
    stops: list[tuple[float, int]] = field(default_factory=list)  # (fraction of path, seconds)
    driver: str | None = None
    speeding: list[tuple[float, float, float]] = field(default_factory=list)  # (from frac, to frac, speed)
    gaps: list[tuple[int, int]] = field(default_factory=list)  # (offset s from depart, length s) with no data


def _cum_km(path: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(path[:, 0]), np.radians(path[:, 1])
    a = np.sin(np.diff(lat) / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2
    seg = 2 * 6371.0088 * np.arcsin(np.sqrt(a)) * ROAD_FACTOR
    return np.r_[0.0, np.cumsum(seg)]


def drive(leg: Leg, rng: np.random.Generator, step: int = 30) -> tuple[dict, int]:
    """Points of one leg every `step` seconds, and the arrival time."""
    cum = _cum_km(leg.path)
    total = cum[-1]
    # phases: (seconds, km/h); speeding and stops split the cruise
    marks = sorted({0.0, 1.0, *[f for f, _ in leg.stops], *[x for a, b, _ in leg.speeding for x in (a, b)]})
    phases: list[tuple[float, float, bool]] = []  # (duration s, speed, stopped)
    stops = dict(leg.stops)
    for a, b in zip(marks, marks[1:], strict=False):
        speed = leg.cruise
        for sa, sb, sv in leg.speeding:
            if sa <= a and b <= sb:
                speed = sv
        km = (b - a) * total
        if km > 0:
            phases.append((km / speed * 3600, speed, False))
        if b in stops and b < 1.0:
            phases.append((float(stops[b]), 0.0, True))
    durations = np.array([p[0] for p in phases])
    bounds = np.r_[0.0, np.cumsum(durations)]
    km_at = np.r_[0.0, np.cumsum([p[0] * p[1] / 3600 for p in phases])]
    ticks = np.arange(0, bounds[-1] + step, step, dtype=float)
    ticks[-1] = min(ticks[-1], bounds[-1])
    pos_km = np.interp(ticks, bounds, km_at)
    phase_idx = np.clip(np.searchsorted(bounds, ticks, side="right") - 1, 0, len(phases) - 1)
    speed = np.array([phases[i][1] for i in phase_idx]) + rng.normal(0, 2.0, len(ticks))
    stopped = np.array([phases[i][2] for i in phase_idx])
    speed = np.where(stopped, 0.0, np.clip(speed, 6, None))
    speed[-1] = 0.0
    lat = np.interp(pos_km, cum, leg.path[:, 0]) + rng.normal(0, 0.00003, len(ticks))
    lon = np.interp(pos_km, cum, leg.path[:, 1]) + rng.normal(0, 0.00003, len(ticks))
    keep = np.ones(len(ticks), bool)
    for off, length in leg.gaps:
        keep &= ~((ticks > off) & (ticks < off + length))
    t = (leg.depart + ticks).astype(np.int64)[keep]
    heading = (np.degrees(np.arctan2(np.gradient(lon), np.gradient(lat))) % 360)[keep]
    return ({"t": t, "lat": lat[keep], "lon": lon[keep], "speed": speed[keep], "heading": heading,
             "ignition": np.ones(len(t), bool), "door": stopped[keep],
             "driver": [leg.driver] * len(t)}, int(leg.depart + bounds[-1]))


def park(lat: float, lon: float, start: int, end: int, rng: np.random.Generator, interval: int,
         ignition: bool = False) -> dict:
    """Parked points with GPS jitter (a few metres, 0–3 km/h) every `interval` seconds."""
    if end - start < interval:
        t = np.array([], np.int64)
    else:
        t = np.arange(start + interval, end, interval, dtype=np.int64)
    k = len(t)
    return {"t": t, "lat": lat + rng.normal(0, 0.00004, k), "lon": lon + rng.normal(0, 0.00004, k),
            "speed": np.abs(rng.normal(0, 1.2, k)).clip(0, 3.5), "heading": rng.uniform(0, 360, k),
            "ignition": np.full(k, ignition), "door": np.zeros(k, bool), "driver": [None] * k}


def _local(day: dt.date, hour: float) -> int:
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() - LOCAL_OFFSET + hour * 3600)


def _stops_along(rng, count: int, lo: int = 60, hi: int = 240) -> list[tuple[float, int]]:
    fr = np.sort(rng.uniform(0.08, 0.92, count))
    return [(round(float(f), 4), int(rng.integers(lo, hi))) for f in fr]


def vehicle_days(v: GenVehicle, index: int, start: dt.date, days: int, seed: int, parked_interval: int = 900,
                 truth: dict | None = None) -> Iterator[dict]:
    """The points of one vehicle, day by day (dicts of arrays), with planted violations recorded in
    `truth` (kind → list of (plate, local day))."""
    rng = np.random.default_rng([seed, index])
    here = v.home
    lat, lon = TOWNS[here][1], TOWNS[here][2]
    clock = _local(start, 0)
    towns = list(TOWNS)
    # per-vehicle habits
    base_dep = float(rng.uniform(5.5, 7.5))
    coach_days = {0, 1, 2, 3, 4, 5, 6} if v.role in ("coach", "shuttle") else set(
        rng.choice(7, size=int(rng.integers(5, 8)), replace=False).tolist())
    jitter_h = 0.25 if v.role != "disguised" or index % 4 else 0.6
    for d in range(days):
        day = start + dt.timedelta(days=d)
        legs: list[Leg] = []
        drv = v.drivers[d % len(v.drivers)]
        plant = rng.random()
        if v.role in ("coach", "disguised", "shuttle"):
            if day.weekday() in coach_days and not (v.role == "disguised" and rng.random() < 0.1):
                a, b = v.route
                n_stops = int(rng.integers(2, 9)) if v.role in ("coach", "disguised") else int(rng.integers(0, 3))
                dep1 = base_dep + rng.normal(0, jitter_h)
                dep2 = base_dep + 7.5 + rng.normal(0, jitter_h)
                cruise = float(rng.uniform(50, 65))
                legs.append(Leg(route(a, b), _local(day, dep1), cruise, _stops_along(rng, n_stops), drv))
                legs.append(Leg(route(b, a), _local(day, dep2), cruise,
                                _stops_along(rng, n_stops if v.role != "shuttle" else int(rng.integers(0, 3))),
                                v.drivers[(d + 1) % len(v.drivers)]))
        elif v.role in ("charter", "tourist"):
            if rng.random() < (0.3 if v.role == "charter" else 0.4):
                dest = towns[int(rng.integers(len(towns)))]
                if dest != here:
                    dep = float(rng.uniform(6, 14))
                    legs.append(Leg(route(here, dest), _local(day, dep), float(rng.uniform(50, 70)),
                                    _stops_along(rng, int(rng.integers(0, 2)), 300, 1200), drv))
                    legs.append(Leg(route(dest, here), _local(day, dep + 4 + rng.uniform(0, 3)),
                                    float(rng.uniform(50, 70)), [], drv))
        elif v.role in ("freight", "longhaul"):
            a = here
            b = v.route[1] if v.role == "longhaul" and v.route else towns[int(rng.integers(len(towns)))]
            if b != a and rng.random() < 0.8:
                dep = float(rng.uniform(4, 9))
                legs.append(Leg(route(a, b), _local(day, dep), float(rng.uniform(45, 60)),
                                _stops_along(rng, 1, 1200, 1800), drv))
                legs.append(Leg(route(b, a), _local(day, dep + 9), float(rng.uniform(45, 60)),
                                _stops_along(rng, 1, 1200, 1800), v.drivers[(d + 1) % len(v.drivers)]))
        else:  # taxi, bus: many short hops around town
            centre = np.array(TOWNS[here][1:])
            hour = float(rng.uniform(6, 8))
            for _ in range(int(rng.integers(4, 9))):
                target = centre + rng.normal(0, 0.03, 2)
                path = np.array([centre + rng.normal(0, 0.01, 2), (centre + target) / 2, target])
                legs.append(Leg(path, _local(day, hour), float(rng.uniform(25, 40)),
                                _stops_along(rng, 3 if v.role == "bus" else 0), drv))
                hour += float(rng.uniform(0.8, 1.6))
        # ---- planted violations
        if legs:
            leg = legs[0]
            if plant < 0.10:
                leg.speeding.append((0.3, 0.36, float(rng.uniform(95, 110))))
                _note(truth, "speeding", v.plate, day)
            elif plant < 0.15:
                leg.gaps.append((1800, int(rng.integers(180, 900))))
                _note(truth, "data_gap", v.plate, day)
            elif plant < 0.19:
                leg.driver = None
                _note(truth, "no_driver", v.plate, day)
            elif plant < 0.23 and v.role in ("freight", "longhaul"):
                # one long haul without a proper rest: no stop, slower
                leg.stops = []
                leg.cruise = 40.0
                if _cum_km(leg.path)[-1] / 40.0 > 4.05:
                    _note(truth, "continuous_driving", v.plate, day)
        for leg in legs:
            hours = _cum_km(leg.path)[-1] / leg.cruise + sum(s for _, s in leg.stops) / 3600
            if hours > 3.5 and not (v.role in ("freight", "longhaul") and leg.cruise == 40.0):
                leg.stops = sorted([s for s in leg.stops if abs(s[0] - 0.5) > 1e-3] + [(0.5, 1500)])
            if leg.depart <= clock:
                leg.depart = clock + 600
            # parked until departure
            yield park(lat, lon, clock, leg.depart, rng, parked_interval)
            points, clock = drive(leg, rng)
            yield points
            lat, lon = float(leg.path[-1, 0]), float(leg.path[-1, 1])
        if legs:
            # where a leg ended is where the vehicle is now (round trips come home)
            here = min(TOWNS, key=lambda k: _hav_km((lat, lon), TOWNS[k][1:]))
    end = _local(start + dt.timedelta(days=days), 0)
    if clock < end:
        yield park(lat, lon, clock, end, rng, parked_interval)


def _note(truth: dict | None, kind: str, plate: str, day: dt.date) -> None:
    if truth is not None:
        truth.setdefault(kind, []).append((plate, day))


def generate_table(fleet: Fleet, start: dt.date, days: int, seed: int, parked_interval: int = 900,
                   vehicles: slice | None = None, truth: dict | None = None) -> pa.Table:
    """All points of (a slice of) the fleet as one Arrow table in the ingest column layout."""
    cols: dict[str, list] = {k: [] for k in ("t", "lat", "lon", "speed", "heading", "ignition", "door")}
    plates: list[np.ndarray] = []
    drivers: list = []
    idx = range(len(fleet.vehicles))[vehicles or slice(None)]
    for i in idx:
        v = fleet.vehicles[i]
        for part in vehicle_days(v, i, start, days, seed, parked_interval, truth):
            k = len(part["t"])
            if not k:
                continue
            for c in cols:
                cols[c].append(np.asarray(part[c]))
            plates.append(np.full(k, i, np.int32))
            drivers += part["driver"]
    if not plates:
        return pa.table({c: [] for c in ("plate", "time", "lat", "lon", "speed", "heading", "ignition", "door",
                                         "driver")})
    vidx = np.concatenate(plates)
    plate_dict = pa.array([v.plate for v in fleet.vehicles])
    return pa.table({
        "plate": pa.DictionaryArray.from_arrays(pa.array(vidx), plate_dict).cast(pa.string()),
        "time": pa.array(np.concatenate(cols["t"]).astype("datetime64[s]"), pa.timestamp("s", tz="UTC")),
        "lat": pa.array(np.concatenate(cols["lat"]), pa.float64()),
        "lon": pa.array(np.concatenate(cols["lon"]), pa.float64()),
        "speed": pa.array(np.round(np.concatenate(cols["speed"]), 1), pa.float64()),
        "heading": pa.array(np.round(np.concatenate(cols["heading"])), pa.float64()),
        "ignition": pa.array(np.concatenate(cols["ignition"]), pa.bool_()),
        "door": pa.array(np.concatenate(cols["door"]), pa.bool_()),
        "driver": pa.array(drivers, pa.string()),
    })
