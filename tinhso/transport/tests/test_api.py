"""Extraction in three formats, a vehicle's journeys, violation lists with filters, reports as tables and
XLSX, and rules edited as data (versioned)."""

import datetime as dt
import io

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tinhso.transport import services, store

START = int(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC).timestamp())  # 08:00 local


@pytest.fixture
def loaded(inspector, fleet):
    """20B-012.34 drives 2 h at 60 km/h with 3 min at 100 km/h and a 5-minute data gap, then parks."""
    points = []
    for i in range(241):
        t = START + 30 * i
        if 100 <= i < 110:
            continue  # the device went silent
        speed = 100 if 50 <= i < 56 else 60
        points.append({"plate": "20B-012.34", "time": t, "lat": 21.3 + i * 0.0045, "lon": 105.85, "speed": speed,
                       "ignition": True, "driver": "200000000001"})
    points.append({"plate": "20B-012.34", "time": START + 30 * 241, "lat": 22.38, "lon": 105.85, "speed": 0,
                   "ignition": False})
    services.ingest_stream(inspector, points)
    services.run_analysis(inspector, dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    return fleet["20B-012.34"]


def test_extraction_in_json_csv_and_parquet(api_as, inspector, loaded):
    api = api_as(inspector)
    url = f"/transport/vehicles/{loaded.plate}/positions?start=2025-03-03&end=2025-03-03"
    as_json = api.get(url)
    assert as_json.status_code == 200 and as_json["X-Point-Count"] == "232"
    rows = as_json.json()
    assert len(rows) == 232 and rows[0]["time"].startswith("2025-03-03T08:00:00")
    assert rows[0]["driver"] == "200000000001" and rows[0]["speed"] == 60
    as_csv = api.get(url + "&format=csv")
    assert as_csv.content.decode().splitlines()[0] == "time,lat,lon,speed,heading,ignition,door,driver"
    assert len(as_csv.content.decode().splitlines()) == 233
    table = pq.read_table(pa.BufferReader(api.get(url + "&format=parquet").content))
    assert table.num_rows == 232
    assert api.get(url.replace("2025-03-03&end", "2025-03-05&end")).status_code == 400
    empty = api.get(f"/transport/vehicles/{loaded.pk}/positions?start=2025-01-01&end=2025-01-02")
    assert empty.status_code == 200 and empty.json() == []
    bad = api.get(url + "&format=xml")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "format"
    assert api.get("/transport/vehicles/99X-000.00/positions?start=2025-03-03&end=2025-03-03").status_code == 404


def test_journeys_of_a_vehicle(api_as, inspector, loaded):
    body = api_as(inspector).get(f"/transport/vehicles/{loaded.pk}/journeys?start=2025-03-03&end=2025-03-03").json()
    assert len(body["trips"]) == 1 and 110 < body["distance_km"] < 125
    kinds = sorted(v["kind"] for v in body["violations"])
    assert kinds == ["data_gap", "speeding"]
    speeding = next(v for v in body["violations"] if v["kind"] == "speeding")
    assert speeding["value"] == 100 and speeding["duration_s"] == 150 and speeding["plate"] == "20B-012.34"


def test_violation_list_filters(api_as, inspector, loaded, fleet):
    api = api_as(inspector)
    base = "/transport/violations?start=2025-03-03&end=2025-03-03"
    assert len(api.get(base).json()) == 2
    assert [v["kind"] for v in api.get(base + "&kind=speeding").json()] == ["speeding"]
    assert api.get(base + f"&vehicle={fleet['20C-111.22'].pk}").json() == []
    assert len(api.get(base + f"&business={fleet['business'].pk}").json()) == 2
    assert len(api.get(base + "&driver=200000000001").json()) == 2
    assert api.get(base + "&kind=parking").status_code == 422


def test_reports_as_table_and_xlsx(api_as, inspector, loaded):
    api = api_as(inspector)
    rows = api.get("/transport/reports/vehicle?start=2025-03-03&end=2025-03-03").json()
    assert len(rows) == 1 and rows[0]["label"] == "20B-012.34"
    assert rows[0]["speeding"] == 1 and rows[0]["gaps"] == 1 and rows[0]["trips"] == 1
    assert rows[0]["gap_s"] == 330
    drivers = api.get("/transport/reports/driver?start=2025-03-03&end=2025-03-03").json()
    assert drivers[0]["extra"] == "Nguyễn Văn An"
    xlsx = api.get("/transport/reports/business?start=2025-03-03&end=2025-03-03&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value.startswith("Đối tượng") and sheet["A2"].value == "Công ty Vận tải Thái Nguyên"
    assert api.get("/transport/reports/province?start=2025-03-03&end=2025-03-03").status_code == 400


def test_rules_are_data_with_versions(api_as, inspector, loaded, viewer_user):
    api = api_as(inspector)
    rules = {r["code"]: r for r in api.get("/transport/rules").json()}
    assert rules["continuous-driving-4h"]["params"] == {"max_hours": 4, "rest_min_minutes": 15}
    assert "36/2024/QH15" in rules["continuous-driving-4h"]["legal_reference"]
    speeding = rules["speeding"]
    changed = api.patch("/transport/rules/speeding", {"version": speeding["version"], "params": {"limit_kmh": 120,
                                                                                                 "limits_by_kind": {}}})
    assert changed.status_code == 200 and changed.json()["version"] == speeding["version"] + 1
    stale = api.patch("/transport/rules/speeding", {"version": speeding["version"], "active": False})
    assert stale.status_code == 409
    wrong = api.patch("/transport/rules/speeding", {"version": speeding["version"] + 1, "params": {"limit_kmh": -3}})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "params.limit_kmh"
    services.run_analysis(inspector, dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    kinds = [v["kind"] for v in api.get("/transport/violations?start=2025-03-03&end=2025-03-03").json()]
    assert kinds == ["data_gap"]  # 100 km/h is under the new limit
    from tinhso.transport.models import Rule

    assert Rule.history.filter(code="speeding").first().history_user == inspector


def test_vehicle_search_is_diacritic_insensitive(api_as, inspector, fleet):
    api = api_as(inspector)
    assert [v["plate"] for v in api.get("/transport/vehicles?q=20b01234").json()] == ["20B-012.34"]
    assert [v["plate"] for v in api.get("/transport/vehicles?q=567.89").json()] == ["20B-567.89"]
    assert api.get(f"/transport/vehicles/{fleet['20B-567.89'].pk}").json()["registered_route"] == "Thái Nguyên – Hà Nội"


def test_vehicle_updates_are_versioned(inspector, fleet):
    from tinhso.core.errors import Conflict, ValidationFailed

    vehicle = fleet["20B-012.34"]
    updated = services.update_vehicle(inspector, vehicle.pk, {"seats": 16}, vehicle.version)
    assert updated.version == vehicle.version + 1
    with pytest.raises(Conflict):
        services.update_vehicle(inspector, vehicle.pk, {"seats": 29}, vehicle.version)
    with pytest.raises(ValidationFailed) as exc:
        services.update_vehicle(inspector, vehicle.pk, {"licence_kind": "fixed_route"}, updated.version)
    assert exc.value.errors[0].field == "registered_route"
    assert store.plate_key("20b-012.34") == "20B01234"
