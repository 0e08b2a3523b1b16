"""Validation on save: type and range checks, numerator ≤ denominator, cross-field rules as data;
every error names the cell (the indicator code), and a rejected save writes nothing."""

from decimal import Decimal

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.indicators import expressions, services
from tinhso.indicators.models import DataValue, Report, ValidationRule
from tinhso.indicators.tests.conftest import monthly_values


def fields(exc) -> dict[str, str]:
    return {e.field: e.vi for e in exc.errors}


def test_type_and_range_errors_point_at_the_cell(monthly, commune_focal, commune):
    bad = {**monthly_values(10, 5), "HS_TONG": "mười", "HS_TRUC_TUYEN": -1, "HSCV_TONG": "2,5"}
    with pytest.raises(ValidationFailed) as failure:
        services.save_report(commune_focal, monthly, commune, "2024-01", bad)
    errors = fields(failure.value)
    assert "không phải là số" in errors["values.HS_TONG"]
    assert "nhỏ hơn" in errors["values.HS_TRUC_TUYEN"]
    assert "số nguyên" in errors["values.HSCV_TONG"]
    assert not Report.objects.exists() and not DataValue.objects.exists()


def test_numerator_cannot_exceed_denominator(monthly, commune_focal, commune):
    with pytest.raises(ValidationFailed) as failure:
        services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 11))
    assert "tử số" in fields(failure.value)["values.HS_TRUC_TUYEN"]


def test_cross_field_rule_stored_as_data(quarterly, commune_focal, commune):
    values = {"THON_TO_TONG": 10, "TO_CNS": 10, "TO_CNS_THANH_VIEN": 20, "OCOP_TONG": 3, "OCOP_TMDT": 2,
              "HNTH_XA": "có"}
    with pytest.raises(ValidationFailed) as failure:
        services.save_report(commune_focal, quarterly, commune, "2024-Q1", values)
    assert "ít nhất 3 thành viên" in fields(failure.value)["values.TO_CNS_THANH_VIEN"]
    # switching the rule off (it is data) lets the same figures through
    ValidationRule.objects.filter(code="THANH_VIEN_GE_3_TO").update(active=False)
    result = services.save_report(commune_focal, quarterly, commune, "2024-Q1", values)
    assert services.values_of(result.report)["HNTH_XA"] == 1


def test_warnings_do_not_block(monthly, commune_focal, commune):
    result = services.save_report(commune_focal, monthly, commune, "2024-01",
                                  monthly_values(10, 5, solved=30, digitised=3))
    assert [w.code for w in result.warnings] == ["HS_DA_GIAI_QUYET"]


def test_vietnamese_number_formats_are_understood():
    assert services.parse_number("1.562") == 1562
    assert services.parse_number("97,4") == Decimal("97.4")
    assert str(services.parse_number("1.234,5")) == "1234.5"
    assert services.parse_number("97.4") == Decimal("97.4")


def test_missing_required_figures_block_submission(monthly, commune_focal, commune):
    with pytest.raises(ValidationFailed) as failure:
        services.save_report(commune_focal, monthly, commune, "2024-01", {"HS_TONG": 5}, submit=True)
    errors = fields(failure.value)
    assert "values.HS_TRUC_TUYEN" in errors and "values.ATTT_SU_CO" not in errors  # optional cell
    assert not Report.objects.exists()


def test_wrong_period_type_or_unit_kind_is_rejected(monthly, quarterly, commune_focal, commune, district, focal_user):
    with pytest.raises(ValidationFailed) as failure:
        services.save_report(commune_focal, monthly, commune, "2024-Q1", monthly_values(1, 1))
    assert "period" in fields(failure.value)
    with pytest.raises(ValidationFailed) as failure:
        services.save_report(focal_user, quarterly, district, "2024-Q1", {})
    assert "unit" in fields(failure.value)


def test_unknown_cell_is_rejected(monthly, commune_focal, commune):
    with pytest.raises(ValidationFailed) as failure:
        services.save_report(commune_focal, monthly, commune, "2024-01", {"XYZ": 1})
    assert "values.XYZ" in fields(failure.value)


def test_expressions_refuse_anything_but_arithmetic():
    assert expressions.evaluate("{A} / {B} * 100", {"A": 1, "B": 4}) == 25
    assert expressions.evaluate("{A} / {B}", {"A": 1, "B": 0}) is None
    for bad in ("__import__('os')", "{A}.real", "[1]", "{A} ** 2", "lambda: 1"):
        with pytest.raises(expressions.ExpressionError):
            expressions.check(bad)


def test_xlsx_upload_errors_name_the_cell(monthly, commune_focal, commune):
    rows = [{"code": code, "value": value} for code, value in monthly_values(10, 5).items()]
    rows[1]["value"] = "abc"  # sheet row 3 → cell D3
    with pytest.raises(ValidationFailed) as failure:
        services.import_report(commune_focal, monthly, commune, "2024-01", rows)
    error = failure.value.errors[0]
    assert error.field == "D3" and error.row == 3 and "ô D3" in error.vi
    assert not Report.objects.exists()
    result = services.import_report(commune_focal, monthly, commune, "2024-01",
                                    [{"code": c, "value": v} for c, v in monthly_values(10, 5).items()], submit=True)
    assert result.report.status == "submitted"


def test_reloading_the_catalogue_changes_nothing(catalogue):
    from tinhso.indicators.models import IndicatorRevision

    revisions = IndicatorRevision.objects.count()
    assert services.load_catalogue() == {"indicators": 0, "forms": 0, "rules": 0}
    assert IndicatorRevision.objects.count() == revisions
