"""Targets, achievement respecting direction, plan counts, and the generated Vietnamese statements."""

from decimal import Decimal

import pytest

from tinhso.core.errors import Conflict, Forbidden, ValidationFailed
from tinhso.indicators import services
from tinhso.indicators.models import Target
from tinhso.indicators.services import EXCEEDED, MET, NO_DATA, NOT_MET
from tinhso.indicators.tests.conftest import monthly_values


def test_seed_003_statements_are_formatted_exactly(catalogue, province, commune):
    rate = services.get_indicator("TL_HSCV_TREN_MANG")
    assert services.statement_for(rate, province, Decimal("97.4"), Decimal("95")) == (
        "Tỷ lệ hồ sơ công việc được xử lý hoàn toàn trên môi trường mạng ở cấp tỉnh là 97,4%/95%, đạt 103%")
    ocop = services.get_indicator("TL_OCOP_TMDT")
    assert services.statement_for(ocop, province, Decimal(156) / 163 * 100, None, Decimal(156), Decimal(163)) == (
        "156/163 sản phẩm OCOP lên các sàn thương mại điện tử (đạt 95,7%)")  # the rate's one decimal
    teams = services.get_indicator("TL_TO_CNS")
    assert services.statement_for(teams, province, Decimal(100), None, Decimal(1562), Decimal(1562)) == (
        "1.562/1.562 tổ công nghệ số cộng đồng thôn, tổ dân phố (đạt 100%)")
    assert services.statement_for(rate, commune, None).endswith("chưa có số liệu đã phê duyệt")


def test_seed_002_comparison_with_the_same_period_last_year(catalogue, province):
    phones = services.get_indicator("TB_DIEN_THOAI")
    assert services.comparison_statement(phones, province, Decimal(1_850_000), Decimal(1_799_611)) == (
        "Tổng số thuê bao điện thoại ở cấp tỉnh đạt 1,85 triệu thuê bao, bằng 102,8% so với cùng kỳ")


def test_achievement_respects_direction():
    assert services.achievement(Decimal("97.4"), Decimal(95), "higher") == (
        Decimal("97.4") / 95 * 100, EXCEEDED)
    assert services.achievement(Decimal(100), Decimal(100), "higher")[1] == MET
    assert services.achievement(Decimal("99.96"), Decimal(100), "higher", 1)[1] == MET  # 100,0% shown
    assert services.achievement(Decimal(80), Decimal(90), "higher")[1] == NOT_MET
    pct, status = services.achievement(Decimal(2), Decimal(4), "lower")
    assert (pct, status) == (200, EXCEEDED)  # half the incidents of the ceiling
    assert services.achievement(Decimal(5), Decimal(4), "lower")[1] == NOT_MET
    assert services.achievement(None, Decimal(4), "lower") == (None, NO_DATA)


def test_plan_count_like_seed_003(monthly, fill, root_admin, province, commune):
    fill(monthly, commune, "2023-06", {**monthly_values(100, 80, digitised=30, work=1000, work_online=974),
                                       "ATTT_SU_CO": 1})
    for code, target in (("TL_HSCV_TREN_MANG", 95), ("TL_HS_TRUC_TUYEN", 80), ("HS_TONG", 90),
                         ("ATTT_SU_CO", 3), ("HS_TRUC_TUYEN", 80), ("TL_SO_HOA_KQ", 50), ("HSCV_TONG", 2000)):
        services.set_target(root_admin, code, province, 2023, target)
    rows = services.achievements(province, 2023)
    by_code = {r.indicator.code: r for r in rows}
    assert by_code["TL_HSCV_TREN_MANG"].status == EXCEEDED
    assert by_code["TL_HSCV_TREN_MANG"].statement.endswith("là 97,4%/95%, đạt 103%")
    assert by_code["TL_HS_TRUC_TUYEN"].status == MET
    assert by_code["ATTT_SU_CO"].status == EXCEEDED  # lower is better: 1 incident against at most 3
    assert by_code["TL_SO_HOA_KQ"].status == NOT_MET
    assert services.plan_summary(rows) == "5 chỉ tiêu đạt và vượt kế hoạch, 2 chỉ tiêu chưa đạt"


def test_only_the_dx_office_sets_targets_and_changes_are_version_checked(catalogue, root_admin, province_admin,
                                                                         focal_user, province, district):
    with pytest.raises(Forbidden):
        services.set_target(focal_user, "HS_TONG", district, 2025, 10)
    target = services.set_target(province_admin, "HS_TONG", district, 2025, "1.200")
    assert target.value == 1200
    services.set_target(province_admin, "HS_TONG", district, 2025, 1300, expected_version=target.version)
    with pytest.raises(Conflict):
        services.set_target(province_admin, "HS_TONG", district, 2025, 1400, expected_version=target.version)
    with pytest.raises(ValidationFailed) as failure:
        services.set_target(province_admin, "KHO_KHAN", district, 2025, "x")
    assert {e.field for e in failure.value.errors} == {"indicator", "value"}


def test_target_import_is_all_or_nothing(catalogue, root_admin, province):
    rows = [{"indicator": "HS_TONG", "unit": province.code, "year": 2025, "value": "100"},
            {"indicator": "NOPE", "unit": province.code, "year": 2025, "value": "1"},
            {"indicator": "HS_TONG", "unit": "000.99.99.H99", "year": 2025, "value": "1"}]
    with pytest.raises(ValidationFailed) as failure:
        services.import_targets(root_admin, rows)
    assert sorted(e.row for e in failure.value.errors) == [3, 4]
    assert not Target.objects.exists()
    assert services.import_targets(root_admin, rows[:1]) == 1


def test_a_quarter_target_is_compared_with_that_quarter_only(monthly, fill, root_admin, province, commune):
    fill(monthly, commune, "2024-02", monthly_values(100, 60))
    fill(monthly, commune, "2024-05", monthly_values(100, 90))
    services.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2024, 80, period="2024-q2")
    services.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2024, 80)
    assert [p.key for p in services.target_periods(province, 2024)] == ["2024-Q2"]
    (quarter,) = services.achievements(province, 2024, "2024-Q2")
    assert (quarter.target.period, quarter.actual, quarter.status) == ("2024-Q2", Decimal(90), EXCEEDED)
    (year,) = services.achievements(province, 2024)
    assert (year.actual, year.status) == (Decimal(75), NOT_MET)  # 150 of 200 over the year
    with pytest.raises(ValidationFailed) as failure:
        services.achievements(province, 2024, "2025-Q1")
    assert failure.value.errors[0].field == "period"


def test_the_achievement_api_and_page_take_a_period(monthly, fill, root_admin, api_as, client, province, commune):
    fill(monthly, commune, "2024-05", monthly_values(100, 90))
    services.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2024, 80, period="2024-05")
    api = api_as(root_admin)
    answer = api.get("/indicators/achievement", {"unit_id": province.pk, "year": 2024, "period": "2024-05"}).json()
    assert answer["period"] == "2024-05" and answer["rows"][0]["status"] == EXCEEDED
    assert answer["summary"] == "1 chỉ tiêu đạt và vượt kế hoạch"
    bad = api.get("/indicators/achievement", {"unit_id": province.pk, "year": 2024, "period": "2024-13"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "period"
    client.force_login(root_admin)
    page = client.get(f"/indicators/targets/?unit={province.pk}&year=2024&period=2024-05").content.decode()
    assert "Tháng 05/2024: 1 chỉ tiêu đạt và vượt kế hoạch" in page and "đạt 113%" in page
    saved = client.post(f"/indicators/targets/?unit={province.pk}&year=2024",
                        {"indicator": "HS_TONG", "value": "1.200", "period": "2024-Q3"})
    assert saved.status_code == 302 and saved["Location"].endswith("period=2024-Q3")
    assert Target.objects.get(indicator__code="HS_TONG", unit=province, period="2024-Q3").value == 1200
