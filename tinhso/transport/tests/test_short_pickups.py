"""Roadside pick-ups shorter than a minute: at 30-second reporting a 30–50 s pick-up leaves one or two
stationary readings, under the 60 s a stop needs. The door tells a pick-up from a traffic light: a
stationary stretch during which the door opened is a stop however short; one without stays driving."""

import pyarrow as pa

from tinhso.transport import analysis, services
from tinhso.transport.tests.conftest import DAY, T0, run, track

D = "200000000001"
DRIVE = (600, 30, 60, True, D)


def _planted() -> tuple[pa.Table, list[tuple[int, int]]]:
    """Drive, a 30 s pick-up (door), drive, a 30 s traffic light (no door), drive, a 60 s pick-up (door),
    drive, a 2-minute stop (door closed), drive. Returns the track and the pick-ups' time windows."""
    segments = [DRIVE, (30, 30, 0, True, D), DRIVE, (30, 30, 0, True, D), DRIVE, (60, 30, 0, True, D), DRIVE,
                (120, 30, 0, True, D), DRIVE]
    table = track(*segments)
    starts, at = [], T0
    for seconds, *_ in segments:
        starts.append((at, at + seconds))
        at += seconds
    pickups = [starts[1], starts[5]]
    t = table["t"].to_pylist()
    speed = table["speed"].to_pylist()
    door = [s == 0 and any(a < x <= b for a, b in pickups) for x, s in zip(t, speed, strict=True)]
    return table.append_column("door", pa.array(door, pa.bool_())), pickups


def test_a_pick_up_under_a_minute_is_a_stop_when_the_door_opens():
    table, pickups = _planted()
    result = run(table)
    assert len(result.trips) == 1
    stops = sorted(result.stops, key=lambda s: s["start"])
    assert [s["kind"] for s in stops] == ["short"] * 3
    assert result.trips[0]["stops"] == 3
    first = stops[0]
    assert pickups[0][0] < first["start"] <= pickups[0][1] and first["duration_s"] == 30  # one reading, 30 s
    assert stops[1]["duration_s"] == 60 and stops[2]["duration_s"] == 120
    # the traffic light (stationary 30 s, door shut) is not a stop
    light = (T0 + 1230, T0 + 1260)
    assert not any(light[0] <= s["start"] <= light[1] for s in stops)


def test_without_door_readings_only_stretches_of_a_minute_count():
    table, _ = _planted()
    result = run(table.drop_columns(["door"]))
    assert result.trips[0]["stops"] == 2  # the 60 s pick-up and the 2-minute stop; a 30 s one is a traffic light
    shut = run(table.set_column(table.column_names.index("door"), "door", pa.array([False] * table.num_rows)))
    assert shut.trips[0]["stops"] == 2


def test_the_door_goes_from_the_store_to_the_stops(inspector, fleet):
    """Through ingest and the stored day files: the door column reaches the segmentation."""
    table, _ = _planted()
    plate = "20B-012.34"
    points = [{"plate": plate, "time": r["t"], "lat": r["lat"],
               "lon": r["lon"], "speed": r["speed"], "heading": 0, "ignition": r["ignition"], "door": r["door"],
               "driver": r["driver"]} for r in table.to_pylist()]
    report = services.ingest_stream(inspector, points)
    assert report.rows_stored == len(points)
    loaded = analysis.load_points(DAY, DAY, vehicle_ids=[fleet[plate].pk])
    assert loaded["door"].to_pylist() == table["door"].to_pylist()
    journeys = services.vehicle_journeys(inspector, fleet[plate], DAY, DAY)
    assert [t["stops"] for t in journeys.trips] == [3]
