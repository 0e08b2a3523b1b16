"""A planted set of contract vehicles at the level of trips, for measuring the disguised-coach score's
precision and recall on the behaviours real coach lines show (and the look-alikes that must not be
flagged). Deterministic for a seed. Used by `tests/test_coach_planted.py` and
`bench/bench_transport_coach.py`.

Disguised coaches draw a few behaviours each: loop trips (a short turnaround joins outbound and return),
a turnaround as two legs 5–15 minutes apart, a rest stop of 20–40 minutes splitting each run, departures
around midnight, several drop-off terminals 3–7 km apart in the destination town, a departure window
wandering by up to ±40 minutes, a line that starts mid-period, or one that runs four days a week. Their
stops are 2–8 per run (pick-ups, counted by the segmentation however short when the door opens).
Look-alikes: contract shuttles picking workers up in villages every day *with a declared contract*,
shuttles without stops, irregular charters, and a vehicle hired for a few weekend trips on one route.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field

TOWNS = [(22.147, 105.834), (21.594, 105.848), (21.028, 105.854), (22.486, 103.970), (21.273, 106.195),
         (21.722, 104.911), (21.322, 105.402), (22.666, 106.260)]


@dataclass
class Contract:
    """Stands for a declared contract row (same attributes the score reads)."""

    number: str
    customer: str
    start_date: dt.date
    end_date: dt.date


@dataclass
class Planted:
    trips: list[dict] = field(default_factory=list)
    disguised: set[int] = field(default_factory=set)
    contracts: dict[int, list[Contract]] = field(default_factory=dict)
    behaviours: dict[int, list[str]] = field(default_factory=dict)


def _km(a, b) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _epoch(day: dt.date, minute: float) -> int:
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp()) - 7 * 3600 + int(minute * 60)


def _leg(vid: int, day: dt.date, minute: float, a, b, stops: int, far=None) -> dict:
    km = _km(a, b) * 1.25 if far is None else (_km(a, far) + _km(far, b)) * 1.25
    start = _epoch(day, minute)
    end = start + int(km / 55 * 3600) + stops * 90
    trip = {"vehicle_id": vid, "start": start, "end": end, "start_lat": a[0], "start_lon": a[1], "end_lat": b[0],
            "end_lon": b[1], "distance_m": km * 1000, "stops": stops, "day": day}
    if far is not None:
        trip.update(far_lat=far[0], far_lon=far[1])
    return trip


def _offset(point, km: float, rng: random.Random):
    angle = rng.uniform(0, 2 * math.pi)
    return (point[0] + km / 111.2 * math.cos(angle), point[1] + km / 104.0 * math.sin(angle))


BEHAVIOURS = ["loop", "turnaround", "rest_stop", "midnight", "terminals", "wandering", "mid_period", "four_days"]


def make(seed: int, start: dt.date, days: int = 28, coaches: int = 12, lookalikes: int = 12) -> Planted:
    rng = random.Random(seed)
    out = Planted()
    vid = 0
    for _ in range(coaches):
        vid += 1
        kinds = rng.sample(BEHAVIOURS, rng.randint(2, 4))
        out.disguised.add(vid)
        out.behaviours[vid] = kinds
        a, b = rng.sample(TOWNS, 2)
        base_out = rng.uniform(23 * 60 + 40, 24 * 60 + 20) % 1440 if "midnight" in kinds else rng.uniform(300, 600)
        base_back = rng.uniform(780, 1020)
        wander = 40 if "wandering" in kinds else 12
        first = rng.randint(9, 14) if "mid_period" in kinds else 0
        weekdays = set(rng.sample(range(7), 4)) if "four_days" in kinds else set(range(7))
        for i in range(first, days):
            day = start + dt.timedelta(days=i)
            if day.weekday() not in weekdays or rng.random() < 0.05:
                continue
            for minute, (x, y) in ((base_out, (a, b)), (base_back, (b, a))):
                minute = minute + rng.uniform(-wander, wander)
                stops = rng.randint(2, 8)
                dest = _offset(y, rng.uniform(3, 7), rng) if "terminals" in kinds else y
                if "loop" in kinds and (x, y) == (a, b):
                    out.trips.append(_leg(vid, day, minute, a, _offset(a, 1, rng), 2 * stops, far=dest))
                    break  # the return is part of the loop
                if "turnaround" in kinds and (x, y) == (a, b):
                    leg = _leg(vid, day, minute, a, dest, stops)
                    out.trips.append(leg)
                    back = _leg(vid, day, minute + (leg["end"] - leg["start"]) / 60 + rng.uniform(5, 15), dest, a,
                                stops)
                    out.trips.append(back)
                    break
                if "rest_stop" in kinds:
                    mid = ((x[0] + dest[0]) / 2, (x[1] + dest[1]) / 2)
                    first_leg = _leg(vid, day, minute, x, mid, stops // 2)
                    out.trips.append(first_leg)
                    out.trips.append(_leg(vid, day, minute + (first_leg["end"] - first_leg["start"]) / 60
                                          + rng.uniform(20, 40), mid, dest, stops - stops // 2))
                else:
                    out.trips.append(_leg(vid, day, minute, x, dest, stops))
    for j in range(lookalikes):
        vid += 1
        kind = ["contract_shuttle", "plain_shuttle", "charter", "weekend_hire"][j % 4]
        out.behaviours[vid] = [kind]
        a, b = rng.sample(TOWNS, 2)
        if kind in ("contract_shuttle", "plain_shuttle"):
            go, back = rng.uniform(330, 420), rng.uniform(990, 1080)
            for i in range(days):
                day = start + dt.timedelta(days=i)
                if day.weekday() == 6:
                    continue
                stops = rng.randint(3, 6) if kind == "contract_shuttle" else rng.randint(0, 1)
                out.trips.append(_leg(vid, day, go + rng.uniform(-10, 10), a, b, stops))
                out.trips.append(_leg(vid, day, back + rng.uniform(-10, 10), b, a, stops))
            if kind == "contract_shuttle":
                out.contracts[vid] = [Contract(f"HD-{vid:03d}", f"Công ty May {vid}", start - dt.timedelta(days=30),
                                               start + dt.timedelta(days=days + 60))]
        elif kind == "charter":
            for i in sorted(rng.sample(range(days), 6)):
                x, y = rng.sample(TOWNS, 2)
                out.trips.append(_leg(vid, start + dt.timedelta(days=i), rng.uniform(300, 900), x, y,
                                      rng.randint(0, 3)))
        else:
            for i in range(days):
                day = start + dt.timedelta(days=i)
                if day.weekday() == 5 and rng.random() < 0.75:
                    out.trips.append(_leg(vid, day, rng.uniform(360, 720), a, b, rng.randint(1, 4)))
                    out.trips.append(_leg(vid, day + dt.timedelta(days=1), rng.uniform(840, 1080), b, a,
                                          rng.randint(1, 4)))
    return out


def evaluate(seed: int, start: dt.date = dt.date(2025, 9, 1), days: int = 28) -> dict:
    """Precision and recall of the flags on the planted set of `seed` (declared contracts applied)."""
    from tinhso.transport import coach

    planted = make(seed, start, days)
    ids = {t["vehicle_id"] for t in planted.trips}
    scores = coach.rank(planted.trips, ids, days, start)
    for score in scores:
        coach.apply_contracts(score, planted.contracts.get(score.vehicle_id, []))
    flagged = {s.vehicle_id for s in scores if s.flagged}
    result = coach.precision_recall(flagged, planted.disguised)
    result["missed"] = {v: planted.behaviours[v] for v in planted.disguised - flagged}
    result["false_alarms"] = {v: planted.behaviours[v] for v in flagged - planted.disguised}
    return result
