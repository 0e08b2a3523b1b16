"""Fixtures of the journey-monitoring tests: an isolated position store, a transport inspector, a small
registry, and a helper that builds hand-made tracks."""

import datetime as dt

import pyarrow as pa
import pytest
from django.contrib.auth.models import Group

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.transport import analysis, store
from tinhso.transport.models import INSPECTOR_GROUP, Business, Driver, LicenceKind, Vehicle

T0 = int(dt.datetime(2025, 3, 3, 6, 0, tzinfo=dt.UTC).timestamp()) - 7 * 3600  # 06:00 local, Monday 03/03/2025
DAY = dt.date(2025, 3, 3)


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    # password hashing dominates fixture time on a busy machine; these tests are not about it
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from tinhso.transport.services import forget_vehicle_map

    forget_vehicle_map()  # the database is rolled back between tests; the plate cache must follow


@pytest.fixture
def inspector(db, make_unit) -> User:
    unit = make_unit("Sở Xây dựng Thái Nguyên", "department", make_unit("Tỉnh Thái Nguyên", "province"))
    user = User.objects.create_user("thanhtra", password=PASSWORD, role=Role.FOCAL, unit=unit, full_name="Thanh tra")
    user.groups.add(Group.objects.get(name=INSPECTOR_GROUP))
    return user


@pytest.fixture
def fleet(db) -> dict:
    business = Business.objects.create(name="Công ty Vận tải Thái Nguyên", licence_number="20-0001/GPKDVT")
    vehicles = {}
    for plate, kind in (("20B-012.34", LicenceKind.CONTRACT), ("20B-567.89", LicenceKind.FIXED_ROUTE),
                        ("20C-111.22", LicenceKind.FREIGHT)):
        route = "Thái Nguyên – Hà Nội" if kind == "fixed_route" else ""
        vehicles[plate] = Vehicle.objects.create(plate=plate, plate_key=store.plate_key(plate), business=business,
                                                 licence_kind=kind, seats=29, registered_route=route)
    Driver.objects.create(full_name="Nguyễn Văn An", licence_number="200000000001", business=business)
    return {"business": business, **vehicles}


def track(*segments, vehicle_id: int = 1, lat0: float = 21.59, lon0: float = 105.85) -> pa.Table:
    """Build a sorted track from segments (seconds, step seconds, speed km/h, ignition, driver).
    Moving segments advance northwards at their speed; the first point is at T0."""
    rows = {"vehicle_id": [], "t": [], "lat": [], "lon": [], "speed": [], "ignition": [], "driver": []}
    t, lat = T0, lat0
    first = True
    for seconds, step, speed, ignition, driver in segments:
        n = int(seconds // step)
        for i in range(0 if first else 1, n + 1):
            tt = t + i * step
            rows["vehicle_id"].append(vehicle_id)
            rows["t"].append(tt)
            rows["lat"].append(lat + speed * (i * step) / 3600 / 111.2)
            rows["lon"].append(lon0)
            rows["speed"].append(float(speed))
            rows["ignition"].append(ignition)
            rows["driver"].append(driver)
        first = False
        lat += speed * seconds / 3600 / 111.2
        t += n * step
    return pa.table({"vehicle_id": pa.array(rows["vehicle_id"], pa.int32()), "t": pa.array(rows["t"], pa.int64()),
                     "lat": pa.array(rows["lat"], pa.float32()), "lon": pa.array(rows["lon"], pa.float32()),
                     "speed": pa.array(rows["speed"], pa.float32()), "ignition": rows["ignition"],
                     "driver": pa.array(rows["driver"], pa.string())})


def run(table: pa.Table, rules: analysis.RuleSet | None = None, kind: str = "contract",
        start: dt.date = DAY, end: dt.date = DAY) -> analysis.Result:
    result = analysis.analyse_points(table, rules or analysis.RuleSet(), {1: kind, 2: kind}, start, end)
    result.violations += analysis.driver_limits(result.driver_days, rules or analysis.RuleSet(), start, end)
    return result


def kinds_of(result: analysis.Result) -> list[str]:
    return sorted(v["kind"] for v in result.violations)
