"""Achievement as Vietnamese reports word it: one rounding rule (half-up) for the API, pages and
sentences; one number of decimals per indicator, with its unit; ceilings for lower-is-better
indicators; shares of counted things stated as counts (seed 003: 156/163 OCOP, 1.562/1.562 teams)."""

from decimal import Decimal

from tinhso.core.formatting import round_half_up, vn_number
from tinhso.indicators import services
from tinhso.indicators.tests.conftest import monthly_values

SEED_003_QUARTER = {"THON_TO_TONG": 1562, "TO_CNS": 1562, "TO_CNS_THANH_VIEN": 7363, "OCOP_TONG": 163,
                    "OCOP_TMDT": 156, "HNTH_XA": 1}


def test_one_rounding_rule_half_up_on_the_decimal_value():
    assert round_half_up(Decimal("102.25"), 1) == Decimal("102.3")  # round() would give 102.2
    assert round_half_up(102.25, 1) == Decimal("102.3")
    assert round_half_up(Decimal("-4.065"), 2) == Decimal("-4.07")
    assert round_half_up(0.1 + 0.2, 1) == Decimal("0.3")
    assert round_half_up(None) is None
    assert vn_number(Decimal("102.25"), 1) == "102,3"


def test_the_api_sentence_and_page_round_achievement_the_same_way(monthly, fill, root_admin, api_as, client,
                                                                  province, commune):
    fill(monthly, commune, "2024-03", monthly_values(1000, 818))  # 81,8% online
    services.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2024, 80)  # 102,25% of the target
    (row,) = api_as(root_admin).get("/indicators/achievement", {"unit_id": province.pk, "year": 2024}).json()["rows"]
    assert Decimal(str(row["achievement_pct"])) == Decimal("102.3")
    assert row["statement"].endswith("là 81,8%/80%, đạt 102%") and row["achievement_text"] == "102%"
    schema = client.get("/api/v1/openapi.json").json()
    described = schema["components"]["schemas"]["AchievementOut"]["properties"]["achievement_pct"]["description"]
    assert "102,3" in described and "half up" in described


def test_shares_of_counted_things_are_stated_as_counts(quarterly, fill, root_admin, province, commune):
    fill(quarterly, commune, "2023-Q2", SEED_003_QUARTER)
    services.set_target(root_admin, "TL_OCOP_TMDT", province, 2023, 90)
    services.set_target(root_admin, "TL_TO_CNS", province, 2023, 100)
    rows = {r.indicator.code: r for r in services.achievements(province, 2023)}
    assert rows["TL_OCOP_TMDT"].statement == (
        "Tỷ lệ sản phẩm OCOP được đưa lên sàn thương mại điện tử ở cấp tỉnh: 156/163 sản phẩm OCOP lên các sàn "
        "thương mại điện tử (đạt 95,7%/90%, bằng 106% kế hoạch)")
    assert rows["TL_TO_CNS"].statement.endswith(
        ": 1.562/1.562 tổ công nghệ số cộng đồng thôn, tổ dân phố (đạt 100%/100%, bằng 100% kế hoạch)")
    # without a target: the documented form, with the rate's own decimals
    ocop = services.get_indicator("TL_OCOP_TMDT")
    assert services.statement_for(ocop, province, Decimal(156) / 163 * 100, None, Decimal(156), Decimal(163)) == (
        "156/163 sản phẩm OCOP lên các sàn thương mại điện tử (đạt 95,7%)")


def test_flows_stay_rates_like_seed_003(monthly, fill, root_admin, province, commune):
    fill(monthly, commune, "2023-06", monthly_values(100, 80, work=1000, work_online=974))
    services.set_target(root_admin, "TL_HSCV_TREN_MANG", province, 2023, 95)
    (row,) = services.achievements(province, 2023)
    assert row.statement == (
        "Tỷ lệ hồ sơ công việc được xử lý hoàn toàn trên môi trường mạng ở cấp tỉnh là 97,4%/95%, đạt 103%")


def test_a_ceiling_is_worded_as_a_ceiling(monthly, fill, root_admin, province, commune, other_commune):
    fill(monthly, commune, "2024-03", {**monthly_values(100, 50), "ATTT_SU_CO": 238})
    services.set_target(root_admin, "ATTT_SU_CO", province, 2024, 800)
    (row,) = services.achievements(province, 2024)
    assert row.achievement_text == "thấp hơn mức trần 70%" and row.target_text == "≤ 800 sự cố"
    assert row.statement == ("Số sự cố an toàn thông tin mạng ở cấp tỉnh: 238 sự cố/mức trần 800 sự cố, "
                             "thấp hơn mức trần 70%")
    assert "336" not in row.statement and row.status_label.startswith("Thấp hơn mức trần")
    fill(monthly, other_commune, "2024-04", {**monthly_values(100, 50), "ATTT_SU_CO": 662})  # 900 in all
    (row,) = services.achievements(province, 2024)
    assert row.achievement_text == "vượt mức trần 13%" and row.status_label.startswith("Vượt mức trần")


def test_the_targets_page_shows_each_figure_once_with_its_decimals_and_unit(
        monthly, quarterly, fill, root_admin, client, province, commune):
    fill(quarterly, commune, "2023-Q2", SEED_003_QUARTER)
    fill(monthly, commune, "2023-05", monthly_values(10000, 9454))  # 94,54% online
    for code, value in (("TL_OCOP_TMDT", 90), ("TL_HS_TRUC_TUYEN", 90), ("TO_CNS_THANH_VIEN", 7000)):
        services.set_target(root_admin, code, province, 2023, value)
    client.force_login(root_admin)
    page = client.get(f"/indicators/targets/?unit={province.pk}&year=2023").content.decode()
    assert "95,71" not in page and "94,54" not in page
    assert '<td class="num">95,7%</td>' in page and '<td class="num">94,5%</td>' in page
    assert '<td class="num">7.363 thành viên</td>' in page and '<td class="num">90%</td>' in page
