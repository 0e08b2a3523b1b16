"""A changed definition applies from its day on: earlier periods keep being computed with the definition
in force on their first day, in roll-ups, series and the analytics API alike."""

import datetime as dt
from decimal import Decimal

from tinhso.indicators import analytics, periods, services
from tinhso.indicators.tests.conftest import monthly_values


def _fill_two_years(fill, monthly, commune):
    for period in ("2024-11", "2024-12", "2025-01", "2025-02"):
        fill(monthly, commune, period, monthly_values(total=200, online=150, solved=100))


def test_a_revised_ratio_keeps_its_old_formula_for_earlier_periods(monthly, fill, root_admin, province, commune):
    _fill_two_years(fill, monthly, commune)
    # from 2025 the online rate counts online dossiers against dossiers *solved*, as a fraction
    services.save_indicator(root_admin, {"code": "TL_HS_TRUC_TUYEN", "denominator": "HS_DA_GIAI_QUYET", "factor": 1},
                            valid_from=dt.date(2025, 1, 1), reason="Hướng dẫn mới / new guidance")
    monthly_series = analytics.series(["TL_HS_TRUC_TUYEN"], [province.pk], periods.MONTH,
                                      dt.date(2024, 11, 1), dt.date(2025, 2, 28))
    assert {key: round(v, 4) for (_, _, key), v in monthly_series.items()} == {
        "2024-11": 75.0, "2024-12": 75.0,  # 150 / 200 × 100
        "2025-01": 1.5, "2025-02": 1.5,  # 150 / 100 × 1
    }
    assert services.approved_values(["TL_HS_TRUC_TUYEN"], [province.pk], 2024) == {
        ("TL_HS_TRUC_TUYEN", province.pk): Decimal(75)}
    assert services.approved_values(["TL_HS_TRUC_TUYEN"], [province.pk], 2025) == {
        ("TL_HS_TRUC_TUYEN", province.pk): Decimal("1.5")}


def test_a_change_within_a_bucket_takes_effect_from_the_next_bucket(monthly, fill, root_admin, province, commune):
    _fill_two_years(fill, monthly, commune)
    services.save_indicator(root_admin, {"code": "TL_HS_TRUC_TUYEN", "factor": 1}, valid_from=dt.date(2024, 12, 1))
    quarters = analytics.series(["TL_HS_TRUC_TUYEN"], [province.pk], periods.QUARTER, dt.date(2024, 10, 1),
                                dt.date(2025, 3, 31))
    # Q4 2024 began under the old definition; Q1 2025 is the first quarter under the new one
    assert {key: round(v, 4) for (_, _, key), v in quarters.items()} == {"2024-Q4": 75.0, "2025-Q1": 0.75}
    months = analytics.series(["TL_HS_TRUC_TUYEN"], [province.pk], periods.MONTH, dt.date(2024, 11, 1),
                              dt.date(2024, 12, 31))
    assert {key: round(v, 4) for (_, _, key), v in months.items()} == {"2024-11": 75.0, "2024-12": 0.75}


def test_a_changed_unit_rule_applies_only_to_later_periods(monthly, fill, root_admin, province, commune,
                                                           second_commune):
    for unit, total in ((commune, 200), (second_commune, 50)):
        for period in ("2024-12", "2025-01"):
            fill(monthly, unit, period, monthly_values(total=total, online=10))
    services.save_indicator(root_admin, {"code": "HS_TONG", "aggregation": "max"}, valid_from=dt.date(2025, 1, 1))
    values = analytics.series(["HS_TONG"], [province.pk], periods.MONTH, dt.date(2024, 12, 1), dt.date(2025, 1, 31))
    assert {key: v for (_, _, key), v in values.items()} == {"2024-12": 250, "2025-01": 200}


def test_the_analytics_api_follows_the_revision(monthly, fill, root_admin, api_as, province, commune):
    _fill_two_years(fill, monthly, commune)
    services.save_indicator(root_admin, {"code": "TL_HS_TRUC_TUYEN", "factor": 1}, valid_from=dt.date(2025, 1, 1))
    response = api_as(root_admin).get("/indicators/analytics", {"indicators": "TL_HS_TRUC_TUYEN",
                                                                "units": str(province.pk), "period_type": "year",
                                                                "start": "2024", "end": "2025",
                                                                "as_of": "2025-06-30"})
    assert response.status_code == 200, response.content
    values = {row["period"]: row["value"] for row in response.json()}
    assert values == {"2024": 75, "2025": 0.75}


def test_a_range_starting_inside_a_bucket_reads_the_buckets_first_day(monthly, fill, root_admin, province, commune):
    _fill_two_years(fill, monthly, commune)
    fill(monthly, commune, "2025-03", monthly_values(total=200, online=150, solved=100))
    services.save_indicator(root_admin, {"code": "TL_HS_TRUC_TUYEN", "factor": 1}, valid_from=dt.date(2025, 2, 1))
    from_january = analytics.series(["TL_HS_TRUC_TUYEN"], [province.pk], periods.YEAR, dt.date(2025, 1, 1),
                                    dt.date(2025, 12, 31))
    from_march = analytics.series(["TL_HS_TRUC_TUYEN"], [province.pk], periods.YEAR, dt.date(2025, 3, 1),
                                  dt.date(2025, 12, 31))
    assert {k[2]: round(v, 4) for k, v in from_january.items()} == {"2025": 75.0}  # definition of 01/01/2025
    assert {k[2]: round(v, 4) for k, v in from_march.items()} == {"2025": 75.0}  # not 0,75: same year, same rule


def test_achievement_sentences_use_the_definition_of_their_year(monthly, fill, root_admin, province, commune):
    fill(monthly, commune, "2024-05", monthly_values(total=200, online=150, solved=100))
    services.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2024, 70)
    services.save_indicator(root_admin, {"code": "TL_HS_TRUC_TUYEN", "name": "Tỷ lệ mới (từ 2025)",
                                         "denominator": "HS_DA_GIAI_QUYET"}, valid_from=dt.date(2025, 1, 1))
    (row,) = services.achievements(province, 2024)
    assert (row.actual, row.denominator) == (Decimal(75), Decimal(200))  # 150 / 200 dossiers received
    assert row.statement.startswith("Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận trực tuyến ở cấp tỉnh là 75%")
