"""Journey monitoring on the operations centre: a silent device and a driver over the continuous-driving
limit raise alerts for transport inspectors (nobody else), and the alerts clear when their cause does —
the missing positions arrive late, or the day is recomputed without the breach."""

import datetime as dt

from tinhso.ioc import registry
from tinhso.ioc.contract import Context
from tinhso.transport import services
from tinhso.transport.tests.conftest import DAY

T0 = int(dt.datetime(2025, 3, 3, 6, 0, tzinfo=dt.UTC).timestamp()) - 7 * 3600  # 06:00 local
DRIVER = "200000000001"


def _points(seconds: range, plate: str = "20B-012.34") -> list[dict]:
    return [{"plate": plate, "time": T0 + s, "lat": 21.59 + s * 0.00001, "lon": 105.85, "speed": 60,
             "ignition": 1, "driver": DRIVER} for s in seconds]


def _alerts(user) -> dict[str, str]:
    ctx = Context(user=user, scope=user.unit, year=2025, today=DAY + dt.timedelta(days=1))
    return {a.key: a.what for a in registry.alerts(ctx) if a.source == "transport"}


def test_a_silent_device_alerts_until_its_positions_arrive(inspector, fleet, viewer_user):
    services.ingest_stream(inspector, _points(range(0, 1800, 30)) + _points(range(3600, 5400, 30)))
    services.run_analysis(inspector, DAY, DAY)
    alerts = _alerts(inspector)
    assert alerts.get(f"transport.silent.{DAY}") == "1 xe mất tín hiệu trong ngày"
    assert _alerts(viewer_user) == {}, "journey data is for transport inspectors only"
    services.ingest_stream(inspector, _points(range(1800, 3600, 30)))  # the operator resends the missing half hour
    services.run_analysis(inspector, DAY, DAY)
    assert f"transport.silent.{DAY}" not in _alerts(inspector)


def test_continuous_driving_alerts_and_clears_when_the_day_no_longer_shows_it(inspector, fleet):
    four_and_a_half_hours = range(0, int(4.5 * 3600) + 1, 30)
    services.ingest_stream(inspector, _points(four_and_a_half_hours))
    services.run_analysis(inspector, DAY, DAY)
    breach = [k for k in _alerts(inspector) if k.startswith("transport.violation.") and "continuous_driving" in k]
    assert len(breach) == 1
    # the inspectors raise the limit of the rule in force that day (say, a wrongly encoded text corrected)
    for rule in services.rules():
        if rule.kind == "continuous_driving" and (rule.valid_from or DAY) <= DAY <= (rule.valid_to or DAY):
            services.update_rule(inspector, rule.code, {"max_hours": 5}, None, rule.version)
    services.run_analysis(inspector, DAY, DAY)
    assert not [k for k in _alerts(inspector) if "continuous_driving" in k]
