"""Every violation rule on hand-made tracks, at its boundaries."""

import datetime as dt

import pyarrow as pa

from tinhso.transport import analysis, store
from tinhso.transport.tests.conftest import DAY, T0, kinds_of, run, track

H = 3600
D = "200000000001"


def test_driving_exactly_four_hours_is_not_a_violation():
    result = run(track((4 * H, 30, 60, True, D), (1200, 30, 0, False, D)))
    assert [t["driving_s"] for t in result.trips] == [4 * H]
    assert "continuous_driving" not in kinds_of(result)


def test_driving_four_hours_and_thirty_seconds_is_a_violation():
    result = run(track((4 * H + 30, 30, 60, True, D), (1200, 30, 0, False, D)))
    viol = [v for v in result.violations if v["kind"] == "continuous_driving"]
    assert len(viol) == 1 and viol[0]["value"] == 4 * H + 30 and viol[0]["driver"] == D


def test_a_fifteen_minute_rest_resets_continuous_driving_but_fourteen_does_not():
    rested = run(track((3 * H, 30, 60, True, D), (15 * 60, 30, 0, True, D), (2 * H, 30, 60, True, D)))
    assert "continuous_driving" not in kinds_of(rested)
    assert len(rested.trips) == 2
    assert [s["kind"] for s in rested.stops] == ["parking"]
    short = run(track((3 * H, 30, 60, True, D), (14 * 60, 30, 0, True, D), (2 * H, 30, 60, True, D)))
    assert kinds_of(short).count("continuous_driving") == 1
    assert len(short.trips) == 1 and short.trips[0]["stops"] == 1


def test_daily_limit_counts_a_driver_across_vehicles_and_exactly_the_limit_passes():
    rest = (20 * 60, 30, 0, False, D)
    morning = track((3 * H, 30, 60, True, D), rest, (2 * H, 30, 60, True, D), vehicle_id=1)
    evening = track((3 * H, 30, 60, True, D), rest, (2 * H, 30, 60, True, D), vehicle_id=2)
    evening = evening.set_column(1, "t", pa.array([t + 9 * H for t in evening["t"].to_pylist()], pa.int64()))
    both = pa.concat_tables([morning, evening])
    total = sum(t["driving_s"] for t in run(both).trips)
    assert total == 2 * (5 * H - 30)  # the restart after each rest is not driving time (benefit of the doubt)
    assert "daily_driving" not in kinds_of(run(both, analysis.RuleSet(daily_max_s=total)))
    over = run(both, analysis.RuleSet(daily_max_s=total - 1))
    daily = [v for v in over.violations if v["kind"] == "daily_driving"]
    assert len(daily) == 1 and daily[0]["value"] == total and daily[0]["driver"] == D
    assert "2 xe" in daily[0]["detail"]
    assert "daily_driving" not in kinds_of(run(morning, analysis.RuleSet(daily_max_s=total - 1)))


def test_weekly_limit_needs_a_whole_week_and_counts_over_48_hours():
    days = []
    for d in range(7):
        day = track((4 * H, 30, 60, True, D), (20 * 60, 30, 0, False, D), (3 * H, 30, 60, True, D))
        days.append(day.set_column(1, "t", pa.array([t + d * 86400 for t in day["t"].to_pylist()], pa.int64())))
    week = pa.concat_tables(days)
    result = run(week, end=DAY + dt.timedelta(days=6))
    weekly = [v for v in result.violations if v["kind"] == "weekly_driving"]
    assert len(weekly) == 1 and weekly[0]["value"] == 7 * (7 * H - 30)
    partial = run(week, end=DAY + dt.timedelta(days=5))
    assert "weekly_driving" not in kinds_of(partial)


def test_speeding_needs_the_minimum_duration():
    rules = analysis.RuleSet(speeding_min_s=30)
    one_reading = run(track((600, 30, 60, True, D), (30, 30, 95, True, D), (600, 30, 60, True, D)), rules)
    assert "speeding" not in kinds_of(one_reading)
    two_readings = run(track((600, 30, 60, True, D), (60, 30, 95, True, D), (600, 30, 60, True, D)), rules)
    viol = [v for v in two_readings.violations if v["kind"] == "speeding"]
    assert len(viol) == 1 and viol[0]["duration_s"] == 30 and viol[0]["value"] == 95 and viol[0]["limit"] == 80


def test_speed_limit_depends_on_the_licence_kind():
    rules = analysis.RuleSet(speed_limits={"bus": 70})
    t = track((600, 30, 75, True, D))
    assert "speeding" not in kinds_of(run(t, rules, kind="contract"))
    assert "speeding" in kinds_of(run(t, rules, kind="bus"))


def test_data_gap_boundaries_moving_and_parked():
    ok = run(track((600, 30, 60, True, D), (30, 30, 0, False, D), (3600, 900, 0, False, D)))
    assert "data_gap" not in kinds_of(ok)
    moving_gap = run(track((600, 30, 60, True, D), (31, 31, 60, True, D), (600, 30, 60, True, D)))
    assert kinds_of(moving_gap).count("data_gap") == 1
    parked_gap = run(track((600, 30, 60, True, D), (30, 30, 0, False, D), (1802, 901, 0, False, D)))
    gaps = [v for v in parked_gap.violations if v["kind"] == "data_gap"]
    assert len(gaps) == 2 and all(v["limit"] == 900 for v in gaps)


def test_gap_across_midnight_is_found_from_either_day(inspector, fleet):
    vehicle = fleet["20B-012.34"]
    rows = []
    evening = int(dt.datetime(2025, 3, 3, 23, 30).timestamp()) - 7 * 3600 + _tz_fix()
    for i in range(3):  # parked reports at 23:30, 23:45, 00:00 … then nothing until 00:40
        rows.append((evening + i * 900, 0))
    rows.append((evening + 30 * 60 + 40 * 60, 0))
    table = pa.table({"plate": [vehicle.plate] * len(rows),
                      "time": pa.array([t for t, _ in rows], pa.int64()),
                      "lat": [21.59] * len(rows), "lon": [105.85] * len(rows), "speed": [0.0] * len(rows),
                      "ignition": [False] * len(rows)})
    report = store.ingest(table, "stream", {vehicle.plate_key: vehicle.pk})
    assert report.days == ["2025-03-03", "2025-03-04"]
    rules = analysis.RuleSet()
    both = analysis.analyse(dt.date(2025, 3, 3), dt.date(2025, 3, 4), rules, {vehicle.pk: "contract"})
    gaps = [v for v in both.violations if v["kind"] == "data_gap"]
    assert len(gaps) == 1 and gaps[0]["duration_s"] == 40 * 60 and gaps[0]["day"] == dt.date(2025, 3, 4)
    second_day = analysis.analyse(dt.date(2025, 3, 4), dt.date(2025, 3, 4), rules, {vehicle.pk: "contract"})
    assert [v["duration_s"] for v in second_day.violations if v["kind"] == "data_gap"] == [40 * 60]


def _tz_fix() -> int:
    # dt.datetime(...).timestamp() uses the machine's zone; make the expression independent of it
    naive = dt.datetime(2025, 3, 3, 23, 30)
    return int(naive.replace(tzinfo=dt.UTC).timestamp() - naive.timestamp())


def test_gps_jitter_while_parked_is_not_driving():
    import numpy as np

    rng = np.random.default_rng(3)
    n = 200
    table = pa.table({
        "vehicle_id": pa.array([1] * n, pa.int32()), "t": pa.array([T0 + 30 * i for i in range(n)], pa.int64()),
        "lat": pa.array(21.59 + rng.normal(0, 0.00005, n), pa.float32()),
        "lon": pa.array(105.85 + rng.normal(0, 0.00005, n), pa.float32()),
        "speed": pa.array(np.abs(rng.normal(0, 2, n)).clip(0, 4.9), pa.float32()),
        "ignition": [i % 50 < 25 for i in range(n)],  # engine idling half of the time
        "driver": pa.array([None] * n, pa.string())})
    result = run(table)
    assert result.trips == [] and result.violations == []
    assert result.driver_days == []


def test_no_driver_logged_in():
    result = run(track((600, 30, 60, True, None), (1200, 30, 0, False, None)))
    viol = [v for v in result.violations if v["kind"] == "no_driver"]
    assert len(viol) == 1 and viol[0]["duration_s"] == 600
    assert "no_driver" not in kinds_of(run(track((600, 30, 60, True, D))))


def test_trip_distance_and_duplicates():
    t = track((H, 30, 60, True, D), (1200, 30, 0, False, D))
    doubled = pa.concat_tables([t, t.slice(10, 50)])  # the same points sent twice, out of order
    order = pa.compute.sort_indices(doubled, [("vehicle_id", "ascending"), ("t", "ascending")])
    result = run(doubled.take(order))
    assert len(result.trips) == 1
    trip = result.trips[0]
    assert abs(trip["distance_m"] - 60_000) < 600
    assert trip["driving_s"] == H and trip["max_speed"] == 60


def test_inactive_rules_are_not_applied(db):
    from tinhso.transport.models import Rule

    Rule.objects.filter(kind="no_driver").update(active=False)
    rules = analysis.RuleSet.from_rules(Rule.objects.all())
    assert "no_driver" not in rules.active and rules.continuous_max_s == 4 * H and rules.gap_parked_s == 900
    assert "no_driver" not in kinds_of(run(track((600, 30, 60, True, None)), rules))


def test_one_no_driver_violation_per_trip_however_many_stops():
    # 20 min driving, a 5-min pick-up, 20 min, a 3-min stop, 20 min: one trip without a driver
    table = track((1200, 30, 50, True, None), (300, 30, 0, True, None), (1200, 30, 50, True, None),
                  (180, 30, 0, True, None), (1200, 30, 50, True, None))
    result = run(table)
    viol = [v for v in result.violations if v["kind"] == "no_driver"]
    assert len(result.trips) == 1 and result.trips[0]["stops"] == 2
    assert len(viol) == 1 and viol[0]["start"] == result.trips[0]["start"]
    # a 20-minute rest ends the trip: two trips, two violations
    two = run(track((1200, 30, 50, True, None), (1200, 30, 0, False, None), (1200, 30, 50, True, None)))
    assert len([v for v in two.violations if v["kind"] == "no_driver"]) == 2
