"""The disguised-coach score on real timetables' behaviours, and precision/recall on a planted set at
several seeds (loops, turnarounds, rest stops halfway, midnight departures, several terminals, wandering
departures, lines starting mid-period or running four days a week; shuttles with declared contracts,
shuttles without stops, charters and weekend hires as look-alikes)."""

import datetime as dt

import pytest

from tinhso.transport import coach, coach_planted

A, B = (21.594, 105.848), (21.028, 105.854)  # Thái Nguyên, Hà Nội
START = dt.date(2025, 9, 1)


def _trip(day: dt.date, minute: float, x, y, stops: int = 4, **extra) -> dict:
    return coach_planted._leg(1, day, minute, x, y, stops) | extra


def _days(n: int = 28) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(n)]


def test_a_loop_trip_is_a_run_to_its_turning_point():
    trips = [coach_planted._leg(1, d, 360, A, (21.6, 105.85), 8, far=B) for d in _days()]
    score = coach.score_vehicle(1, trips, 28, START)
    assert score.flagged and score.days_on_route == 28


def test_legs_split_by_a_rest_stop_or_a_turnaround_are_one_journey():
    mid = ((A[0] + B[0]) / 2, (A[1] + B[1]) / 2)
    trips = []
    for d in _days():
        first = _trip(d, 360, A, mid, 3)
        trips += [first, _trip(d, (first["end"] - first["start"]) / 60 + 360 + 30, mid, B, 3)]
    joined = coach.journeys(trips)
    assert len(joined) == 28 and joined[0]["stops"] == 6 and joined[0]["legs"] == 2
    assert coach.score_vehicle(1, trips, 28, START).flagged


def test_several_terminals_and_a_wandering_departure_still_make_a_line():
    import random

    rng = random.Random(3)
    trips = [_trip(d, 420 + rng.uniform(-40, 40), A, coach_planted._offset(B, rng.uniform(3, 7), rng), 5)
             for d in _days()]
    trips += [_trip(d, 960 + rng.uniform(-40, 40), B, A, 5) for d in _days()]
    score = coach.score_vehicle(1, trips, 28, START)
    assert score.days_on_route == 28 and score.components["T"] > 0.7 and score.flagged


def test_a_line_starting_mid_period_or_running_four_days_a_week():
    late = [t for d in _days()[14:] for t in (_trip(d, 420, A, B), _trip(d, 960, B, A))]
    assert coach.score_vehicle(1, late, 28, START).flagged
    four = [t for d in _days() if d.weekday() in (0, 2, 4, 6) for t in (_trip(d, 420, A, B), _trip(d, 960, B, A))]
    assert coach.score_vehicle(1, four, 28, START).flagged


def test_a_few_weekend_hires_are_not_a_line():
    hires = [t for d in _days() if d.weekday() == 5 and d.day < 15 for t in (_trip(d, 420, A, B),)]
    assert coach.score_vehicle(1, hires, 28, START).score == 0


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_precision_and_recall_on_the_planted_set(seed):
    result = coach_planted.evaluate(seed)
    assert result["recall"] >= 0.9, result
    assert result["precision"] >= 0.8, result
    assert not any(kinds in (["contract_shuttle"], ["plain_shuttle"], ["charter"])
                   for kinds in result["false_alarms"].values()), result
