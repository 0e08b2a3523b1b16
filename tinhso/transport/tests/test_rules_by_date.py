"""Rules in force on the data's date: a 2024 week is judged by the 2008 law (no weekly limit), a 2025 week by
Law 36/2024/QH15 (48 h a week), a period across 01/01/2025 by both, and each violation names its text."""

import datetime as dt

import numpy as np
import pyarrow as pa

from tinhso.transport import services, store
from tinhso.transport.models import MonitoringRegime, Rule


def _week_of_long_days(vehicle_id: int, monday: dt.date, hours: float = 7.5) -> pa.Table:
    """One driver driving `hours` every day of a week from 06:00 local, a point every 30 s."""
    per_day = int(hours * 120)
    t, lat = [], []
    for d in range(7):
        start = int(dt.datetime.combine(monday + dt.timedelta(days=d), dt.time(6), dt.UTC).timestamp()) - 7 * 3600
        t += [start + 30 * i for i in range(per_day)]
        lat += [21.5 + 0.0001 * (i % 100) for i in range(per_day)]
    n = len(t)
    return pa.table({"vehicle_id": pa.array([vehicle_id] * n, pa.int32()), "plate": ["20B01234"] * n,
                     "time": pa.array(t, pa.int64()), "lat": lat, "lon": [105.8] * n, "speed": np.full(n, 60.0),
                     "ignition": [True] * n, "driver": ["200000000001"] * n}).drop(["vehicle_id"])


def test_each_day_has_its_rules(db):
    old = {r.code for r in services.rules_in_force(dt.date(2024, 6, 1))}
    new = {r.code for r in services.rules_in_force(dt.date(2026, 1, 1))}
    assert "daily-driving-10h-2008" in old and "daily-driving-10h" not in old
    assert not any(r.startswith("weekly") for r in old)  # the 2008 law had no weekly limit
    assert {"daily-driving-10h", "weekly-driving-48h", "continuous-driving-4h"} <= new
    assert not any(code.endswith(("-2008", "-2015", "-2019")) for code in new)
    weekly = Rule.objects.get(code="weekly-driving-48h")
    assert weekly.valid_from == dt.date(2025, 1, 1) and "36/2024/QH15" in weekly.legal_reference and weekly.verified
    assert not Rule.objects.get(code="data-gap").verified  # the device regulation was not read: said so
    assert "CHƯA" in Rule.objects.get(code="data-gap").verification_note


def test_a_period_across_the_change_is_cut_at_it(db):
    periods = services.rule_periods(dt.date(2024, 12, 20), dt.date(2025, 1, 10))
    assert [(a, b) for a, b, _ in periods] == [(dt.date(2024, 12, 20), dt.date(2024, 12, 31)),
                                               (dt.date(2025, 1, 1), dt.date(2025, 1, 10))]
    assert periods[0][2].codes["daily_driving"] == "daily-driving-10h-2008"
    assert periods[1][2].codes["daily_driving"] == "daily-driving-10h"
    assert "weekly_driving" not in periods[0][2].active and "weekly_driving" in periods[1][2].active


def test_a_52_hour_week_breaches_the_2024_law_only_from_2025(inspector, fleet):
    vehicle = fleet["20B-012.34"].pk
    plates = services.vehicle_map()
    for monday in (dt.date(2024, 6, 3), dt.date(2025, 6, 2)):
        store.ingest(_week_of_long_days(vehicle, monday), "stream", plates)
        services.run_analysis(inspector, monday, monday + dt.timedelta(days=6))
    in_2024 = services.violations(inspector, dt.date(2024, 6, 3), dt.date(2024, 6, 9))
    in_2025 = services.violations(inspector, dt.date(2025, 6, 2), dt.date(2025, 6, 8))
    assert "weekly_driving" not in {v["kind"] for v in in_2024}
    weekly = [v for v in in_2025 if v["kind"] == "weekly_driving"]
    assert len(weekly) == 1 and weekly[0]["rule"] == "weekly-driving-48h"
    assert "Luật Trật tự, an toàn giao thông đường bộ 36/2024/QH15" in weekly[0]["legal_reference"]
    continuous_2024 = [v for v in in_2024 if v["kind"] == "continuous_driving"]
    assert continuous_2024 and all(v["rule"] == "continuous-driving-4h-2008" for v in continuous_2024)
    assert "23/2008/QH12" in continuous_2024[0]["legal_reference"]


def test_where_the_data_goes_depends_on_the_date(db):
    assert "Tổng cục Đường bộ" in services.regime_on(dt.date(2024, 5, 1)).destination
    now = services.regime_on(dt.date(2026, 5, 1))
    assert "Cảnh sát giao thông" in now.destination and "Điều 71" in now.destination
    assert MonitoringRegime.objects.count() == 2 and now.required_fields[:2] == ["plate", "time"]


def test_rules_page_shows_dates_checks_and_where_data_goes(client, inspector):
    client.force_login(inspector)
    page = client.get("/transport/rules/").content.decode()
    assert "weekly-driving-48h" in page and "daily-driving-10h-2008" in page and "01/01/2025" in page
    assert "Cảnh sát giao thông" in page and "<strong>chưa</strong>" in page and "chưa / not yet" not in page
