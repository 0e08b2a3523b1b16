"""End to end: an inspector opens a vehicle and sees its track on the offline map and a violation."""

import datetime as dt

import pytest

from tinhso.conftest import login
from tinhso.transport import services

START = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC).timestamp())


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inspector_opens_a_vehicle_and_sees_track_and_violation(browser_page, inspector, fleet):
    points = [{"plate": "20B-012.34", "time": START + 30 * i, "lat": 21.59 - i * 0.004, "lon": 105.85 + i * 0.001,
               "speed": 105 if 40 <= i < 46 else 60, "ignition": True, "driver": "200000000001"} for i in range(120)]
    services.ingest_stream(inspector, points)
    page = browser_page
    login(page, inspector.username)
    page.goto("/transport/")
    page.fill("input[name=q]", "20b 012")
    page.click("button.primary")
    page.click("text=20B-012.34")
    page.wait_for_url("**/transport/vehicles/**")
    page.wait_for_selector("path.track-line")
    page.wait_for_selector("path.violation-marker")
    assert "Quá tốc độ" in page.inner_text("#violations")
    assert "105 km/h" in page.inner_text("#violations")
    assert page.locator(".leaflet-tooltip").filter(has_text="Thái Nguyên").count() >= 1  # offline base layer
    page.screenshot(path="/tmp/transport-vehicle.png", full_page=True)
