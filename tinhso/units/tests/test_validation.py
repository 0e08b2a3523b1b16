import datetime as dt

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.units.codes import ElectronicCode
from tinhso.units.models import UnitKind
from tinhso.units.services import UnitData, create_unit, validate


def fields_of(errors) -> set[str]:
    return {e.field for e in errors}


def test_code_format_is_checked_with_a_bilingual_field_error(db, province):
    errors = validate(UnitData(name="Sở X", kind=UnitKind.DEPARTMENT, parent=province, code="00.00.01.H05"))
    error = next(e for e in errors if e.field == "code")
    assert "định dạng" in error.vi and "form" in error.en


def test_electronic_code_levels():
    assert ElectronicCode.parse("000.00.00.H49").level == 1
    assert ElectronicCode.parse("000.00.12.H49").level == 2
    assert ElectronicCode.parse("000.03.12.H49").level == 3
    assert ElectronicCode.parse("001.03.12.H49").level == 4
    assert ElectronicCode.parse("000.00.00.h49") is None


def test_child_code_must_repeat_parent_parts(db, district):
    errors = validate(UnitData(name="Xã A", kind=UnitKind.COMMUNE, parent=district, code="000.01.32.H05",
                               valid_to=dt.date(2025, 6, 30)))
    assert "code" in fields_of(errors)
    ok = validate(UnitData(name="Xã A", kind=UnitKind.COMMUNE, parent=district, code="000.09.31.H05",
                           valid_to=dt.date(2025, 6, 30)))
    assert ok == []


def test_child_code_cannot_be_at_parent_level(db, district):
    errors = validate(UnitData(name="Xã A", kind=UnitKind.COMMUNE, parent=district, code="000.00.33.H05",
                               valid_to=dt.date(2025, 6, 30)))
    assert "code" in fields_of(errors)


def test_two_live_units_cannot_share_a_code(db, department, make_unit, province):
    with pytest.raises(ValidationFailed) as failure:
        make_unit("Sở trùng mã", UnitKind.DEPARTMENT, province, "000.00.11.H05", valid_to=dt.date(2025, 6, 30))
    assert "code" in fields_of(failure.value.errors)


def test_a_code_can_be_reused_after_its_holder_ended(db, department, make_unit, province):
    later = make_unit("Sở Khoa học và Công nghệ Bắc Kạn", UnitKind.DEPARTMENT, province, "000.00.11.H05",
                      valid_from=dt.date(2025, 3, 1), valid_to=dt.date(2025, 6, 30))
    assert later.pk


def test_validity_must_fit_inside_the_parent(db, province):
    errors = validate(UnitData(name="Sở Y tế", kind=UnitKind.DEPARTMENT, parent=province, code="000.00.16.H05"))
    assert "valid_to" in fields_of(errors)  # the province ended on 30/06/2025


def test_dates_must_be_ordered(db):
    errors = validate(UnitData(name="Tỉnh A", kind=UnitKind.PROVINCE, valid_from=dt.date(2025, 1, 2),
                               valid_to=dt.date(2025, 1, 1)))
    assert "valid_to" in fields_of(errors)


def test_kind_decides_the_allowed_parent(db, commune):
    errors = validate(UnitData(name="Huyện trong xã", kind=UnitKind.DISTRICT, parent=commune))
    assert "parent" in fields_of(errors)
    errors = validate(UnitData(name="Xã mồ côi", kind=UnitKind.COMMUNE))
    assert "parent" in fields_of(errors)


def test_statistics_code_only_for_territorial_units(db, province):
    errors = validate(UnitData(name="Sở A", kind=UnitKind.DEPARTMENT, parent=province, stats_code="123",
                               valid_to=dt.date(2025, 1, 1)))
    assert "stats_code" in fields_of(errors)


def test_create_unit_maintains_path_and_search_text(db, commune, district, province):
    assert commune.path == f"/{province.pk}/{district.pk}/{commune.pk}/"
    assert "thi tran cho ra" in commune.search_text


def test_unknown_kind_is_rejected(db, root_admin):
    with pytest.raises(ValidationFailed) as failure:
        create_unit(root_admin, UnitData(name="A", kind="galaxy"))
    assert "kind" in fields_of(failure.value.errors)
