"""Disguised contract coaches (xe hợp đồng trá hình): a score from a contract vehicle's trips.

A contract vehicle is hired for one journey by one customer; a coach line runs the same origin and
destination on a timetable and picks passengers up along the way. For each contract-licensed vehicle:

1. join its trips into journeys (legs at most JOIN_GAP_S apart: a rest stop halfway, a short turnaround),
   keep those of at least MIN_TRIP_KM; cluster their end points (greedy, CLUSTER_KM radius: a town's
   several terminals are one place) into places; the *route* of a journey is the unordered pair of its
   origin and destination places — for a loop (back where it started), the place where it turned;
2. pick the route driven on the most distinct days (the *main route*);
3. compute four components in [0, 1]:
   * R, repetition: days with a trip on the main route / (REPEAT_SHARE × days in the window), capped at 1;
   * W, weeks: share of the window's weeks with at least one trip on the main route;
   * T, timetable: per direction, the share of trips leaving within ±TIMETABLE_MIN minutes of that
     direction's median departure time, weighted by trips;
   * S, stops: median short stops (1–15 min) per trip on the main route / STOPS_FULL, capped at 1;
4. score = 100 × (0,45·R + 0,20·W + 0,35·T) × S: a timetable *and* pick-ups along the way are both needed;
   vehicles with fewer than MIN_DAYS days on the main route score 0 (not enough evidence). A vehicle is
   flagged at THRESHOLD and above.

Regular worker shuttles (same route and timetable, but no stops) keep S near 0 and stay below the
threshold; one-off hires fail R, W and T.
"""

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from tinhso.core.columnar import LOCAL_OFFSET

MIN_TRIP_KM = 15
# several terminals of one town (a coach drops passengers at two or three stations) are one place
CLUSTER_KM = 10.0
# legs separated by at most this much (a legal rest stop in the middle of a long line, a turnaround at a
# terminus) are one journey
JOIN_GAP_S = 45 * 60
# departures up to TIMETABLE_MIN from the usual time count fully, then less, to nothing at this many minutes:
# a departure window that wanders by half an hour still reads as a timetable
TIMETABLE_FADE_MIN = 90
MIN_SPAN_DAYS = 14
REPEAT_SHARE = 0.5
TIMETABLE_MIN = 30
STOPS_FULL = 3
MIN_DAYS = 4
MIN_DAYS_SHARE = 0.25
THRESHOLD = 60
WEIGHTS = {"R": 0.45, "W": 0.20, "T": 0.35}


@dataclass
class CoachScore:
    vehicle_id: int
    score: float
    components: dict[str, float]
    route: tuple[tuple[float, float], tuple[float, float]] | None
    days_on_route: int
    trips_on_route: int
    median_stops: float
    departures: dict[str, str] = field(default_factory=dict)  # direction → median departure HH:MM
    evidence: list[dict] = field(default_factory=list)
    # declared contracts: share of the route's days a contract covers, and the contracts (number, customer)
    contract_share: float = 0.0
    contracts: list[str] = field(default_factory=list)
    raw_score: float | None = None  # the score before the declared contracts were taken into account

    @property
    def flagged(self) -> bool:
        return self.score >= THRESHOLD


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _place(centres: list[tuple[float, float]], point: tuple[float, float]) -> int:
    for i, c in enumerate(centres):
        if _km(c, point) <= CLUSTER_KM:
            return i
    centres.append(point)
    return len(centres) - 1


def _minute_of_day(epoch_s: int) -> float:
    return ((epoch_s + LOCAL_OFFSET) % 86400) / 60


def _clock_gap(a: float, b: float) -> float:
    """Minutes between two times of day on the clock's circle: 23:50 and 00:10 are 20 minutes apart."""
    d = abs(a - b) % 1440
    return min(d, 1440 - d)


def _clock_centre(minutes: list[float]) -> float:
    """The timetable's departure time: the observed minute closest, around the circle, to all others (a
    median that survives departures on both sides of midnight, which an arithmetic median splits)."""
    return min(minutes, key=lambda m: sum(_clock_gap(m, x) for x in minutes))


def _far(trip: dict) -> tuple[float, float]:
    if trip.get("far_lat") is not None and trip.get("far_lon") is not None:
        return trip["far_lat"], trip["far_lon"]
    return trip["end_lat"], trip["end_lon"]


def journeys(trips: list[dict]) -> list[dict]:
    """A vehicle's trips joined into journeys: legs separated by at most JOIN_GAP_S (a rest stop halfway, a
    short turnaround) are one journey, from the first leg's start to the last leg's end, with the point
    farthest from its start (so an out-and-back journey still has a destination)."""
    out: list[dict] = []
    for trip in sorted(trips, key=lambda t: t["start"]):
        last = out[-1] if out else None
        if last is not None and 0 <= trip["start"] - last["end"] <= JOIN_GAP_S:
            origin = (last["start_lat"], last["start_lon"])
            candidates = [_far(last), (trip["start_lat"], trip["start_lon"]), _far(trip),
                          (trip["end_lat"], trip["end_lon"])]
            far = max(candidates, key=lambda p: _km(origin, p))
            last.update(end=trip["end"], end_lat=trip["end_lat"], end_lon=trip["end_lon"], far_lat=far[0],
                        far_lon=far[1], distance_m=last["distance_m"] + trip["distance_m"],
                        stops=last["stops"] + trip["stops"], legs=last["legs"] + 1)
        else:
            far = _far(trip)
            out.append({**trip, "far_lat": far[0], "far_lon": far[1], "legs": 1})
    return out


def min_days(window_days: int) -> int:
    """Days on the main route needed before a score means anything: a quarter of the window, at least 4
    (a few weekend hires on one road are not a line)."""
    return max(MIN_DAYS, math.ceil(MIN_DAYS_SHARE * window_days))


def score_vehicle(vehicle_id: int, trips: list[dict], window_days: int,
                  window_start: dt.date | None = None) -> CoachScore:
    long_trips = [t for t in journeys(trips) if t["distance_m"] >= MIN_TRIP_KM * 1000]
    centres: list[tuple[float, float]] = []
    by_route: dict[tuple[int, int], list[tuple[dict, int, int]]] = defaultdict(list)
    for trip in long_trips:
        o = _place(centres, (trip["start_lat"], trip["start_lon"]))
        d = _place(centres, (trip["end_lat"], trip["end_lon"]))
        if o == d:  # a loop (out and back): its destination is where it turned
            far = _far(trip)
            if _km((trip["start_lat"], trip["start_lon"]), far) < MIN_TRIP_KM / 2:
                continue
            d = _place(centres, far)
            if o == d:
                continue
        by_route[(min(o, d), max(o, d))].append((trip, o, d))
    empty = CoachScore(vehicle_id, 0.0, {"R": 0.0, "W": 0.0, "T": 0.0, "S": 0.0}, None, 0, 0, 0.0)
    if not by_route:
        return empty

    def days_of(items):
        return {t["day"] for t, _, _ in items}

    key, items = max(by_route.items(), key=lambda kv: (len(days_of(kv[1])), len(kv[1])))
    n_days = len(days_of(items))
    # a line that started mid-period is judged over the days it has been running (at least two weeks)
    # (from its first trip to the end of the window: a line keeps running once started)
    first_day = min(t["day"] for t in trips)
    window_end = max(max(t["day"] for t in trips), first_day)
    if window_start is not None:
        window_end = window_start + dt.timedelta(days=window_days - 1)
    span = min(window_days, max(MIN_SPAN_DAYS, (window_end - first_day).days + 1))
    weeks_in_span = max(1, math.ceil(span / 7))
    weeks = {t["day"].isocalendar()[:2] for t, _, _ in items}
    R = min(1.0, n_days / (REPEAT_SHARE * max(1, span)))
    W = min(1.0, len(weeks) / weeks_in_span)
    on_time = 0
    departures = {}
    for direction in (key, key[::-1]):
        mins = [_minute_of_day(t["start"]) for t, o, d in items if (o, d) == direction]
        if not mins:
            continue
        med = _clock_centre(mins)
        fade = TIMETABLE_FADE_MIN - TIMETABLE_MIN
        on_time += sum(max(0.0, 1 - max(0.0, _clock_gap(m, med) - TIMETABLE_MIN) / fade) for m in mins)
        departures["→".join(str(x) for x in direction)] = f"{int(med // 60):02d}:{int(med % 60):02d}"
    T = on_time / len(items)
    median_stops = float(statistics.median(t["stops"] for t, _, _ in items))
    S = min(1.0, median_stops / STOPS_FULL)
    comps = {"R": round(R, 3), "W": round(W, 3), "T": round(T, 3), "S": round(S, 3)}
    regularity = sum(WEIGHTS[k] * comps[k] for k in WEIGHTS)
    score = 100 * regularity * comps["S"] if n_days >= min_days(window_days) else 0.0
    return CoachScore(
        vehicle_id, round(score, 1), comps, (centres[key[0]], centres[key[1]]), n_days, len(items), median_stops,
        departures, [{"vehicle_id": vehicle_id, "start": t["start"], "end": t["end"], "day": t["day"],
                      "stops": t["stops"],
                      "distance_m": t["distance_m"], "from": (t["start_lat"], t["start_lon"]),
                      "to": (t["end_lat"], t["end_lon"])} for t, _, _ in items])


def rank(trips: list[dict], contract_ids: set[int], window_days: int,
         window_start: dt.date | None = None) -> list[CoachScore]:
    """Scores of every contract vehicle with trips, best first."""
    per_vehicle: dict[int, list[dict]] = defaultdict(list)
    for trip in trips:
        if trip["vehicle_id"] in contract_ids:
            per_vehicle[trip["vehicle_id"]].append(trip)
    scores = [score_vehicle(v, ts, window_days, window_start) for v, ts in per_vehicle.items()]
    return sorted(scores, key=lambda s: (-s.score, s.vehicle_id))


def apply_contracts(score: CoachScore, contracts: list) -> CoachScore:
    """Declared contracts are evidence against the suspicion: each day on the main route covered by a
    contract of the vehicle (its dates contain the day) is a day of declared, legal work. The score is
    scaled by the share of days *not* covered, so a shuttle whose every run is declared drops to 0, while a
    coach line covering a few days with a one-off contract keeps most of its score."""
    if not contracts or not score.evidence:
        return score
    days = {e["day"] for e in score.evidence}
    covered = set()
    used = {}
    for e in score.evidence:
        match = next((c for c in contracts if c.start_date <= e["day"] <= c.end_date), None)
        e["contract"] = match.number if match else ""
        if match:
            covered.add(e["day"])
            used[match.number] = f"{match.number} ({match.customer})"
    score.contract_share = round(len(covered) / len(days), 3)
    score.contracts = list(used.values())
    score.raw_score = score.score
    score.score = round(score.score * (1 - score.contract_share), 1)
    return score


def explain(score: CoachScore, window_days: int) -> list[str]:
    """The score in an inspector's words (Vietnamese), one sentence per reason."""
    from tinhso.core.formatting import vn_number

    c = score.components
    lines = []
    if score.days_on_route < min_days(window_days):
        return [f"Xe chỉ chạy tuyến chính {score.days_on_route} ngày trong kỳ (cần ít nhất {min_days(window_days)} "
                "ngày): chưa đủ căn cứ để đánh giá."]
    lines.append(f"Xe chạy cùng một tuyến trong {score.days_on_route}/{window_days} ngày của kỳ "
                 f"({score.trips_on_route} chuyến), có mặt trong {vn_number(100 * c['W'])}% số tuần: "
                 + ("lặp lại đều như xe tuyến cố định." if c["R"] >= 0.8 else "không lặp lại đều đặn."))
    times = ", ".join(score.departures.values())
    lines.append(f"Giờ xuất phát thường lệ: {times}; {vn_number(100 * c['T'])}% số chuyến xuất phát trong vòng "
                 f"±{TIMETABLE_MIN} phút quanh giờ đó" + (" — như chạy theo biểu đồ giờ." if c["T"] >= 0.7 else "."))
    lines.append(f"Trung bình (trung vị) {vn_number(score.median_stops, 1)} lần dừng ngắn mỗi chuyến dọc đường"
                 + (" — dấu hiệu đón, trả khách dọc đường." if c["S"] >= 0.67 else
                    " — ít dừng dọc đường, giống xe đưa đón theo hợp đồng." if c["S"] < 0.34 else "."))
    if score.contracts:
        lines.append(f"Hợp đồng vận tải đã khai báo bao phủ {vn_number(100 * score.contract_share)}% số ngày chạy "
                     f"tuyến ({'; '.join(score.contracts)}): điểm được giảm tương ứng, từ "
                     f"{vn_number(score.raw_score or 0, 1)} xuống {vn_number(score.score, 1)}.")
    lines.append(f"Điểm {vn_number(score.score, 1)}/100 — " + (
        f"từ {THRESHOLD} trở lên: nghi vấn xe hợp đồng trá hình, cần kiểm tra hợp đồng và danh sách hành khách."
        if score.flagged else f"dưới ngưỡng {THRESHOLD}: chưa đủ dấu hiệu xe khách trá hình."))
    return lines


def precision_recall(flagged: set, truth: set) -> dict:
    tp = len(flagged & truth)
    precision = tp / len(flagged) if flagged else 1.0
    recall = tp / len(truth) if truth else 1.0
    return {"true_positives": tp, "flagged": len(flagged), "planted": len(truth),
            "precision": precision, "recall": recall}


def window_days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1
