"""Pages and the API open on the right unit and day, and compare like with like: an ended unit is read
as of its last day, the system administrator starts on the home province, and "so với cùng kỳ" sets
this year's months so far against the same months of last year."""

import datetime as dt

import pytest
from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import home_province
from tinhso.indicators import services
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.units.models import UnitKind

TODAY = dt.date(2026, 12, 2)


def test_an_ended_unit_is_read_as_of_its_last_day_by_default(monthly, fill, root_admin, api_as, client, province,
                                                            district, commune):
    fill(monthly, commune, "2022-03", monthly_values(1200, 900))
    api = api_as(root_admin)
    by_unit = api.get("/indicators/analytics", {"indicators": "HS_TONG", "units": str(province.pk),
                                                "start": "2022"}).json()
    assert by_unit == [{"indicator": "HS_TONG", "unit_id": province.pk, "period": "2022", "value": 1200.0}]
    children = api.get("/indicators/analytics", {"indicators": "HS_TONG", "parent": province.pk,
                                                 "start": "2022"}).json()
    assert [(r["unit_id"], r["value"]) for r in children] == [(district.pk, 1200.0)]
    client.force_login(root_admin)
    page = client.get(f"/indicators/analytics/?indicator=HS_TONG&parent={province.pk}&year=2022").content.decode()
    assert "1.200" in page and 'value="2025-06-30"' in page
    assert f"parent={province.pk}&amp;start=2022&amp;period_type=quarter&amp;as_of=2025-06-30" in page


@pytest.fixture
def live_province(make_unit):
    province = make_unit("Tỉnh Cùng Kỳ", UnitKind.PROVINCE, code="000.00.00.H90", stats_code="90")
    commune = make_unit("Xã Cùng Kỳ", UnitKind.COMMUNE, province, "000.01.00.H90", stats_code="90001")
    return province, commune


def test_the_same_period_last_year_is_the_same_months(monthly, fill, root_admin, api_as, client, live_province,
                                                      monkeypatch):
    province, commune = live_province
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    for year, months in ((2025, 12), (2026, 11)):  # all of 2025; 2026 up to November, seen on 02/12/2026
        for month in range(1, months + 1):
            fill(monthly, commune, f"{year}-{month:02d}", monthly_values(100, 50 if year == 2025 else 60))
    assert services.same_months_last_year(dt.date(2026, 12, 31), TODAY) == dt.date(2025, 11, 30)
    assert services.same_months_last_year(dt.date(2025, 12, 31), TODAY) == dt.date(2024, 12, 31)
    assert services.same_months_last_year(dt.date(2028, 2, 29), dt.date(2028, 3, 5)) == dt.date(2027, 2, 28)
    (row,) = api_as(root_admin).get("/indicators/analytics", {
        "indicators": "HS_TONG", "units": str(province.pk), "start": "2026", "compare": "true"}).json()
    assert (row["value"], row["previous"], row["change_pct"]) == (1100.0, 1100.0, 100.0)  # not 1.100/1.200
    client.force_login(root_admin)
    page = client.get(f"/indicators/analytics/?indicator=HS_TONG&parent={province.pk}&year=2026"
                      "&period_type=month").content.decode()
    assert "bằng 100% so với cùng kỳ" in page and "Cùng kỳ 2025 (T1–T11)" in page


def test_the_system_administrator_starts_on_the_home_province(catalogue, make_unit, root_admin, client, settings):
    first_by_name = make_unit("Tỉnh An Giang", UnitKind.PROVINCE, code="000.00.00.H01", stats_code="89")
    home = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H46", stats_code="19")
    ward = make_unit("Phường Phan Đình Phùng", UnitKind.COMMUNE, home, "000.01.00.H46", stats_code="05")
    for name, unit in (("quantri", home), ("daumoi", ward)):
        User.objects.create_user(name, password="x", role=Role.FOCAL, unit=unit)
    assert home_province(root_admin) == home  # where the platform's accounts are, not the alphabet's first
    settings.TINHSO_HOME_PROVINCE = "000.00.00.H01"
    assert home_province(root_admin) == first_by_name
    settings.TINHSO_HOME_PROVINCE = ""
    client.force_login(root_admin)
    targets = client.get("/indicators/targets/").content.decode()
    assert f'<option value="{home.pk}" selected>' in targets
    analytics_page = client.get("/indicators/analytics/").content.decode()
    assert f'<option value="{home.pk}" selected>' in analytics_page
    tree = client.get("/units/").content.decode()
    assert tree.index("Tỉnh Thái Nguyên") < tree.index("Tỉnh An Giang")
