"""End to end: the vehicle map keeps town labels off each other and off the journey's stop markers, and
names the places as of the track's date (a September 2025 track: Chợ Mới is in Thái Nguyên)."""

import datetime as dt

import pytest

from tinhso.conftest import login
from tinhso.transport import generator, services

SEPT = int(dt.datetime(2025, 9, 15, 1, 0, tzinfo=dt.UTC).timestamp())


def test_the_base_layer_is_named_as_of_the_date():
    before = {f["properties"]["name"] for f in generator.basemap_geojson(dt.date(2024, 9, 1))["features"]}
    after = {f["properties"]["name"] for f in generator.basemap_geojson(dt.date(2025, 9, 15))["features"]}
    assert "Chợ Mới (Bắc Kạn)" in before and "Yên Bái" in before
    assert "Chợ Mới (Thái Nguyên)" in after and "Yên Bái (Lào Cai)" in after and "Chũ, Lục Ngạn (Bắc Ninh)" in after
    assert not any("Bắc Kạn)" in name or "(Yên Bái)" in name or "(Bắc Giang)" in name for name in after)


def _track() -> list[dict]:
    """Thái Nguyên northwards to Chợ Mới with stops by the towns on the way."""
    points, lat, t = [], 21.5942, SEPT
    for i in range(70):
        stopped = 20 <= i < 40 or 55 <= i < 62
        points.append({"plate": "20B-012.34", "time": t, "lat": lat, "lon": 105.8482 - i * 0.001,
                       "speed": 0 if stopped else 60, "ignition": True, "driver": "200000000001"})
        lat += 0 if stopped else 0.0045
        t += 30
    return points


def _rects(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, """nodes => nodes
        .filter(n => getComputedStyle(n).visibility !== 'hidden')
        .map(n => { const r = n.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom,
                                                                text: n.textContent}; })
        .filter(r => r.r > r.l)""")


def _overlap(a: dict, b: dict) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_town_labels_do_not_cover_each_other_or_the_stops(browser_page, root_admin, fleet):
    # the system administrator (a superuser) sees journey monitoring; no inspector group needed, which an
    # earlier end-to-end test's flush may have removed
    services.ingest_stream(root_admin, _track())
    page = browser_page
    login(page, root_admin.username)
    page.goto(f"/transport/vehicles/{fleet['20B-012.34'].pk}/?start=2025-09-15&end=2025-09-15")
    page.wait_for_selector("path.stop-marker")
    page.wait_for_selector(".town-label")
    page.wait_for_timeout(300)
    assert page.locator(".town-label").filter(has_text="Chợ Mới (Thái Nguyên)").count() == 1
    assert page.locator(".town-label").filter(has_text="(Bắc Kạn)").count() == 0
    for zoom in (None, "in", "out"):
        if zoom:
            page.click(f".leaflet-control-zoom-{zoom}")
            page.wait_for_timeout(600)
        labels = _rects(page, ".town-label")
        markers = _rects(page, "path.stop-marker") + _rects(page, "path.violation-marker")
        assert len(labels) >= 2 and markers  # decluttering hides what collides, not every label
        for i, a in enumerate(labels):
            assert not any(_overlap(a, b) for b in labels[i + 1:]), a["text"]
            assert not any(_overlap(a, m) for m in markers), a["text"]
    page.screenshot(path="/tmp/transport-map-labels.png", full_page=True)
