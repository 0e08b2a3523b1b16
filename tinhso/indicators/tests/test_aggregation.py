"""Roll-up of approved figures up the unit tree and over time; ratio of sums; the approved_values contract."""

import datetime as dt
from decimal import Decimal

from tinhso.indicators import analytics, services
from tinhso.indicators.tests.conftest import monthly_values


def test_a_province_rate_is_the_ratio_of_sums_never_the_average_of_rates(
        monthly, fill, province, district, commune, second_commune):
    # commune A: 90 of 100 online (90%); commune B: 1 of 10 online (10%)
    fill(monthly, commune, "2024-03", monthly_values(100, 90))
    fill(monthly, second_commune, "2024-03", monthly_values(10, 1))
    values = services.approved_values(["TL_HS_TRUC_TUYEN", "HS_TONG", "HS_TRUC_TUYEN"],
                                      [province.pk, district.pk, commune.pk, second_commune.pk], 2024)
    assert values[("HS_TONG", province.pk)] == 110
    assert values[("HS_TRUC_TUYEN", district.pk)] == 91
    # Σ91 / Σ110 = 82,7%, while the average of the rates would be 50%
    assert round(values[("TL_HS_TRUC_TUYEN", province.pk)], 2) == Decimal("82.73")
    assert values[("TL_HS_TRUC_TUYEN", commune.pk)] == 90
    assert values[("TL_HS_TRUC_TUYEN", second_commune.pk)] == 10


def test_only_approved_reports_count(monthly, fill, province, commune, second_commune):
    fill(monthly, commune, "2024-01", monthly_values(100, 50))
    fill(monthly, second_commune, "2024-01", monthly_values(40, 40), approve=False)  # submitted only
    values = services.approved_values(["HS_TONG"], [province.pk], 2024)
    assert values == {("HS_TONG", province.pk): 100}


def test_flows_sum_over_the_year_and_stocks_take_the_last_value(quarterly, monthly, fill, province, commune):
    fill(monthly, commune, "2024-01", monthly_values(10, 5))
    fill(monthly, commune, "2024-02", monthly_values(20, 5))
    q = {"THON_TO_TONG": 10, "TO_CNS": 8, "TO_CNS_THANH_VIEN": 40, "OCOP_TONG": 5, "OCOP_TMDT": 4, "HNTH_XA": 1}
    fill(quarterly, commune, "2024-Q1", q)
    fill(quarterly, commune, "2024-Q2", {**q, "TO_CNS": 10, "TO_CNS_THANH_VIEN": 50})
    values = services.approved_values(["HS_TONG", "TO_CNS", "TL_TO_CNS", "HNTH_XA"], [province.pk], 2024)
    assert values[("HS_TONG", province.pk)] == 30  # flow: 10 + 20
    assert values[("TO_CNS", province.pk)] == 10  # stock: the last quarter, not 8 + 10
    assert values[("TL_TO_CNS", province.pk)] == 100
    assert values[("HNTH_XA", province.pk)] == 1


def test_average_min_max_and_latest_rules(catalogue, fill, make_unit, province, root_admin):
    from tinhso.units.models import UnitKind

    form = services.get_form("BM01-THANG")
    dep_a = make_unit("Sở Y tế Bắc Kạn", UnitKind.DEPARTMENT, province, "000.00.16.H05",
                      valid_to=dt.date(2025, 6, 30))
    dep_b = make_unit("Sở Tư pháp Bắc Kạn", UnitKind.DEPARTMENT, province, "000.00.17.H05",
                      valid_to=dt.date(2025, 6, 30))
    services.save_indicator(root_admin, {"code": "TG_MAX", "name": "Thời gian lớn nhất", "value_type": "amount",
                                         "aggregation": "max", "time_aggregation": "max", "direction": "lower",
                                         "periodicity": "month", "unit_kinds": ["department"]})
    services.save_indicator(root_admin, {"code": "TG_LATEST", "name": "Giá trị mới nhất", "value_type": "amount",
                                         "aggregation": "latest", "time_aggregation": "last",
                                         "periodicity": "month", "unit_kinds": ["department"]})
    form.items.create(indicator=services.get_indicator("TG_MAX"), order=99, required=False)
    form.items.create(indicator=services.get_indicator("TG_LATEST"), order=100, required=False)
    form.items.filter(indicator__code="TG_GIAI_QUYET_TB").exists() or form.items.create(
        indicator=services.get_indicator("TG_GIAI_QUYET_TB"), order=98, required=False)
    fill(form, dep_a, "2024-05", {**monthly_values(10, 5), "TG_GIAI_QUYET_TB": 4, "TG_MAX": 9, "TG_LATEST": 7})
    fill(form, dep_b, "2024-05", {**monthly_values(10, 5), "TG_GIAI_QUYET_TB": 2, "TG_MAX": 3, "TG_LATEST": 5})
    values = services.approved_values(["TG_GIAI_QUYET_TB", "TG_MAX", "TG_LATEST"], [province.pk], 2024)
    assert values[("TG_GIAI_QUYET_TB", province.pk)] == 3  # average of units
    assert values[("TG_MAX", province.pk)] == 9
    assert values[("TG_LATEST", province.pk)] == 5  # the most recent report wins


def test_missing_combinations_are_absent(monthly, fill, province, commune):
    fill(monthly, commune, "2024-01", monthly_values(10, 5))
    values = services.approved_values(["HS_TONG", "NO_SUCH", "KHO_KHAN"], [province.pk, 999_999], 2024)
    assert values == {("HS_TONG", province.pk): 10}
    assert services.approved_values(["HS_TONG"], [province.pk], 2023) == {}


def test_reopening_removes_figures_until_approved_again(monthly, fill, root_admin, province, commune):
    report = fill(monthly, commune, "2024-01", monthly_values(10, 5))
    assert services.approved_values(["HS_TONG"], [province.pk], 2024)[("HS_TONG", province.pk)] == 10
    services.reopen_report(root_admin, report.pk, "Sai số liệu tháng 1")
    assert services.approved_values(["HS_TONG"], [province.pk], 2024) == {}
    services.save_report(root_admin, monthly, commune, "2024-01", {"HS_TONG": 12}, submit=True)
    services.approve_report(root_admin, report.pk)
    assert services.approved_values(["HS_TONG"], [province.pk], 2024)[("HS_TONG", province.pk)] == 12


def test_period_roll_up_month_quarter_year(monthly, fill, province, commune):
    for month, total in ((1, 10), (2, 20), (4, 40)):
        fill(monthly, commune, f"2024-{month:02d}", monthly_values(total, total // 2))
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    by_quarter = analytics.series(["HS_TONG"], [province.pk], "quarter", start, end)
    assert by_quarter == {("HS_TONG", province.pk, "2024-Q1"): 30, ("HS_TONG", province.pk, "2024-Q2"): 40}
    by_month = analytics.series(["HS_TONG"], [province.pk], "month", start, end)
    assert by_month[("HS_TONG", province.pk, "2024-02")] == 20
    assert analytics.series(["HS_TONG"], [province.pk], "year", start, end) == {
        ("HS_TONG", province.pk, "2024"): 70}


def test_analytics_copy_is_rebuilt_when_the_change_log_was_rolled_back(monthly, fill, province, commune):
    fill(monthly, commune, "2024-01", monthly_values(10, 5))
    st = analytics.store()
    st.mark_synced(st.synced[0], "stale-token")  # as if the log entry seen earlier had been rolled back
    assert services.approved_values(["HS_TONG"], [province.pk], 2024)[("HS_TONG", province.pk)] == 10
