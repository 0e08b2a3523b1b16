"""Figures of old units re-aggregated to today's units after a merge, and the tree as of an old date."""

import datetime as dt
from decimal import Decimal

import pytest

from tinhso.indicators import analytics, services
from tinhso.indicators.tests.conftest import REFORM, monthly_values
from tinhso.units.models import EventKind, UnitKind
from tinhso.units.services import record_event


@pytest.fixture
def merged(make_unit, root_admin, province, district, commune, second_commune):
    """On 01/07/2025 the two old communes merge into one new ward of a new province; the old province
    (with its district) merges into the new province."""
    new_province = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H46", stats_code="19",
                             valid_from=REFORM)
    ward = make_unit("Phường Bắc Kạn", UnitKind.COMMUNE, new_province, "000.01.00.H46", stats_code="01843",
                     valid_from=REFORM)
    other_ward = make_unit("Xã Ba Bể", UnitKind.COMMUNE, new_province, "000.02.00.H46", stats_code="01844",
                           valid_from=REFORM)
    record_event(root_admin, EventKind.MERGE, REFORM, [commune, second_commune], [ward], "NQ 1/2025")
    record_event(root_admin, EventKind.MERGE, REFORM, [province, district], [new_province], "NQ 202/2025/QH15")
    return new_province, ward, other_ward


def test_old_figures_are_re_aggregated_to_todays_units(monthly, fill, merged, commune, second_commune, province):
    new_province, ward, other_ward = merged
    fill(monthly, commune, "2025-03", monthly_values(100, 90))
    fill(monthly, second_commune, "2025-03", monthly_values(10, 1))
    fill(monthly, ward, "2025-09", monthly_values(50, 45))
    fill(monthly, other_ward, "2025-09", monthly_values(30, 3))
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    today = analytics.series(["HS_TONG", "TL_HS_TRUC_TUYEN"], [ward.pk, other_ward.pk], "quarter", start, end,
                             as_of=dt.date(2026, 1, 1))
    assert today[("HS_TONG", ward.pk, "2025-Q1")] == 110  # both old communes now count for the new ward
    assert today[("HS_TONG", ward.pk, "2025-Q3")] == 50
    assert ("HS_TONG", other_ward.pk, "2025-Q1") not in today
    # the new province over the whole year: Σ(90+1+45+3) / Σ(100+10+50+30)
    values = services.approved_values(["HS_TONG", "TL_HS_TRUC_TUYEN"], [new_province.pk], 2025)
    assert values[("HS_TONG", new_province.pk)] == 190
    assert round(values[("TL_HS_TRUC_TUYEN", new_province.pk)], 1) == Decimal("73.2")
    # as of a date before the merge the old units stand as they were
    before = analytics.series(["HS_TONG"], [province.pk, commune.pk], "year", start, end, as_of=dt.date(2025, 6, 30))
    assert before == {("HS_TONG", province.pk, "2025"): 110, ("HS_TONG", commune.pk, "2025"): 100}
    # the old province read for 2025 only covers its own lifetime
    assert services.approved_values(["HS_TONG"], [province.pk], 2025) == {("HS_TONG", province.pk): 110}


def test_split_shares_divide_old_figures(make_unit, root_admin, monthly, fill, province, district, commune):
    new_province = make_unit("Tỉnh Mới", UnitKind.PROVINCE, code="000.00.00.H47", stats_code="20",
                             valid_from=REFORM)
    west = make_unit("Xã Tây", UnitKind.COMMUNE, new_province, "000.01.00.H47", valid_from=REFORM)
    east = make_unit("Xã Đông", UnitKind.COMMUNE, new_province, "000.02.00.H47", valid_from=REFORM)
    record_event(root_admin, EventKind.SPLIT, REFORM, [commune], [west, east], "NQ chia tách",
                 shares={(commune.pk, west.pk): Decimal("0.25"), (commune.pk, east.pk): Decimal("0.75")})
    fill(monthly, commune, "2025-02", monthly_values(100, 40))
    values = analytics.series(["HS_TONG", "TL_HS_TRUC_TUYEN"], [west.pk, east.pk], "year", dt.date(2025, 1, 1),
                              dt.date(2025, 12, 31), as_of=dt.date(2026, 1, 1))
    assert values[("HS_TONG", west.pk, "2025")] == 25
    assert values[("HS_TONG", east.pk, "2025")] == 75
    assert round(values[("TL_HS_TRUC_TUYEN", east.pk, "2025")], 6) == 40  # shares cancel out in a ratio
