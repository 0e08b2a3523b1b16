"""A rate that the source publishes only as a rate (the national public-service portal) is collected as
a rate where the catalogue says so, and rolled up by the catalogue's rule — weighted, averaged, the latest
or not at all — never summed."""

from decimal import Decimal

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.indicators import services
from tinhso.indicators.models import Indicator
from tinhso.indicators.tests.conftest import monthly_values


def test_the_portal_rate_is_a_weighted_average_not_a_sum(monthly, fill, root_admin, api_as, province, commune,
                                                         other_commune):
    rate = services.get_indicator("TL_HS_TT_CONG_QG")
    assert rate.rate_entry and rate.aggregation == "weighted" and rate.weight == "HS_TONG"
    assert "TL_HS_TT_CONG_QG" in monthly.items.values_list("indicator__code", flat=True)
    fill(monthly, commune, "2024-03", {**monthly_values(100, 80), "TL_HS_TT_CONG_QG": "80"})
    fill(monthly, other_commune, "2024-03", {**monthly_values(300, 60), "TL_HS_TT_CONG_QG": "20"})
    values = services.approved_values(["TL_HS_TT_CONG_QG"], [province.pk, commune.pk], 2024, "2024-03")
    assert values[("TL_HS_TT_CONG_QG", province.pk)] == Decimal(35)  # (80×100 + 20×300) / 400, not 100 nor 50
    assert values[("TL_HS_TT_CONG_QG", commune.pk)] == Decimal(80)
    rows = api_as(root_admin).get("/indicators/analytics", {"indicators": "TL_HS_TT_CONG_QG",
                                                            "units": f"{province.pk}", "start": "2024-03",
                                                            "period_type": "month"}).json()
    assert [r["value"] for r in rows] == [35.0]


def test_over_time_the_rate_is_averaged(monthly, fill, province, commune):
    fill(monthly, commune, "2024-03", {**monthly_values(100, 80), "TL_HS_TT_CONG_QG": "80"})
    fill(monthly, commune, "2024-04", {**monthly_values(100, 60), "TL_HS_TT_CONG_QG": "60"})
    values = services.approved_values(["TL_HS_TT_CONG_QG"], [commune.pk, province.pk], 2024)
    assert values[("TL_HS_TT_CONG_QG", commune.pk)] == Decimal(70)  # not 140
    assert values[("TL_HS_TT_CONG_QG", province.pk)] == Decimal(70)


def test_a_rate_that_is_not_aggregated_stays_with_its_unit(catalogue, root_admin, fill, province, commune):
    services.save_indicator(root_admin, {"code": "TL_RIENG", "name": "Tỷ lệ riêng của đơn vị", "value_type": "percent",
                                         "rate_entry": True, "aggregation": "none", "time_aggregation": "last",
                                         "periodicity": "month", "decimals": 1})
    form, _ = services.save_form(root_admin, {"code": "BM-RIENG", "name": "Tỷ lệ riêng", "period_type": "month",
                                              "unit_kinds": ["commune"], "indicators": ["TL_RIENG"]})
    fill(form, commune, "2024-05", {"TL_RIENG": "42,5"})
    values = services.approved_values(["TL_RIENG"], [commune.pk, province.pk], 2024)
    assert values == {("TL_RIENG", commune.pk): Decimal("42.5")}


@pytest.mark.parametrize("definition, field", [
    ({"value_type": "percent", "aggregation": "sum"}, "aggregation"),  # rates are never summed
    ({"value_type": "percent", "aggregation": "sum", "rate_entry": True}, "aggregation"),
    ({"value_type": "percent", "aggregation": "avg", "time_aggregation": "sum", "rate_entry": True},
     "time_aggregation"),
    ({"value_type": "count", "aggregation": "avg", "time_aggregation": "avg", "rate_entry": True}, "rate_entry"),
    ({"value_type": "percent", "aggregation": "weighted", "time_aggregation": "avg", "rate_entry": True}, "weight"),
    ({"value_type": "percent", "aggregation": "weighted", "time_aggregation": "avg", "rate_entry": True,
      "weight": "NOPE"}, "weight"),
])
def test_the_catalogue_states_a_rule_that_does_not_sum_rates(catalogue, root_admin, definition, field):
    with pytest.raises(ValidationFailed) as failure:
        services.save_indicator(root_admin, {"code": "TL_MOI", "name": "Tỷ lệ mới", "periodicity": "month",
                                             **definition})
    assert field in {e.field for e in failure.value.errors}


def test_a_form_collects_a_rate_only_where_the_catalogue_says_so(catalogue, root_admin):
    services.save_indicator(root_admin, {"code": "TL_KHONG_NHAP", "name": "Tỷ lệ chưa cho nhập",
                                         "value_type": "percent", "aggregation": "latest", "time_aggregation": "last"})
    with pytest.raises(ValidationFailed) as failure:
        services.save_form(root_admin, {"code": "BM-X", "name": "X", "period_type": "month", "unit_kinds": ["commune"],
                                        "indicators": ["TL_KHONG_NHAP"]})
    assert "rate_entry" in failure.value.errors[0].en


def test_the_analytics_page_says_how_each_rate_is_aggregated(catalogue, client, root_admin, province):
    """#17 leftover: the note said "rates are ratios of sums" for every indicator, untrue of rates entered as
    rates (weighted by another indicator) and of averaged ones."""
    client.force_login(root_admin)

    def note(code: str) -> str:
        page = client.get(f"/indicators/analytics/?indicator={code}&parent={province.pk}&year=2024").content.decode()
        return page.split('id="how-aggregated">', 1)[1].split("</p>", 1)[0]

    weighted = note("TL_HS_TT_CONG_QG")
    assert "trọng số HS_TONG" in weighted and "Tỷ lệ của tổng" not in weighted and "ratios of sums" not in weighted
    ratio = next(i.code for i in Indicator.objects.filter(aggregation="ratio", active=True))
    assert "Tỷ lệ của tổng" in note(ratio)
    assert "tổng số liệu của các đơn vị cấp dưới" in note("HS_TONG")
