import datetime as dt

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.units.codes import ElectronicCode
from tinhso.units.models import EventKind, Succession, UnitEvent, UnitKind
from tinhso.units.services import UnitData, create_unit, record_event, update_unit, validate


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


# ---------------------------------------------------------------- cycles, events, children


def test_a_unit_cannot_move_under_its_own_descendant(db, root_admin, make_unit, province):
    agency = make_unit("Sở Nội vụ", UnitKind.DEPARTMENT, province, valid_to=dt.date(2025, 6, 30))
    office = make_unit("Văn phòng Sở", UnitKind.DEPARTMENT, agency, valid_to=dt.date(2025, 6, 30))
    team = make_unit("Tổ công nghệ", UnitKind.PUBLIC_SERVICE, office, valid_to=dt.date(2025, 6, 30))
    with pytest.raises(ValidationFailed) as failure:
        update_unit(root_admin, agency.pk, {"parent": office}, agency.version)
    assert [e.field for e in failure.value.errors] == ["parent"]
    error = failure.value.errors[0]
    assert "vòng lặp" in error.vi and "cycle" in error.en
    with pytest.raises(ValidationFailed):  # deeper descendants too
        update_unit(root_admin, agency.pk, {"parent": team}, agency.version)
    agency.refresh_from_db()
    assert agency.parent == province and agency.version == 1


def test_a_unit_cannot_be_its_own_parent(db, root_admin, province):
    errors = validate(_with(province, parent=province), instance=province)
    assert "parent" in fields_of(errors)


def _with(unit, **changes) -> UnitData:
    data = UnitData.of(unit)
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_moving_a_unit_updates_the_paths_of_its_subtree(db, root_admin, make_unit, province, district, commune):
    other = make_unit("Huyện Chợ Đồn", UnitKind.DISTRICT, province, "000.00.32.H05", valid_to=dt.date(2025, 6, 30))
    village = make_unit("Xã Bằng Lãng", UnitKind.COMMUNE, other, "000.01.32.H05", valid_to=dt.date(2025, 6, 30))
    commune.refresh_from_db()
    update_unit(root_admin, village.pk, {"parent": district, "code": "000.07.31.H05"}, village.version)
    village.refresh_from_db()
    assert village.path == f"/{province.pk}/{district.pk}/{village.pk}/" and village.depth == 2


def test_children_must_fit_in_the_parents_new_validity(db, root_admin, district, commune):
    with pytest.raises(ValidationFailed) as failure:
        update_unit(root_admin, district.pk, {"valid_to": dt.date(2024, 12, 31)}, district.version)
    error = next(e for e in failure.value.errors if e.field == "valid_to")
    assert "trực thuộc" in error.vi and "child" in error.en
    with pytest.raises(ValidationFailed) as failure:
        update_unit(root_admin, district.pk, {"valid_from": dt.date(2020, 1, 1)}, district.version)
    assert "valid_from" in fields_of(failure.value.errors)


def test_a_child_cannot_outlive_its_parent(db, district):
    errors = validate(UnitData(name="Xã B", kind=UnitKind.COMMUNE, parent=district, code="000.05.31.H05",
                               valid_to=dt.date(2025, 12, 31)))
    assert "valid_to" in fields_of(errors)


@pytest.fixture
def new_province(make_unit):
    return make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H55", stats_code="19",
                     valid_from=dt.date(2025, 7, 1))


def test_merge_event_ends_predecessors_the_day_before(db, root_admin, make_unit, new_province):
    old = make_unit("Tỉnh Bắc Kạn cũ", UnitKind.PROVINCE, code="000.00.00.H05", valid_from=dt.date(1997, 1, 1))
    event = record_event(root_admin, EventKind.MERGE, dt.date(2025, 7, 1), [old], [new_province])
    old.refresh_from_db()
    assert old.valid_to == dt.date(2025, 6, 30) and old.version == 2
    assert Succession.objects.get(event=event).successor == new_province


def test_merge_event_dates_must_agree_with_the_units(db, root_admin, province, new_province, make_unit):
    # Bắc Kạn (fixture) ends 30/06/2025: an event on 01/01/2025 does not follow its end.
    with pytest.raises(ValidationFailed) as failure:
        record_event(root_admin, EventKind.MERGE, dt.date(2025, 1, 1), [province], [new_province])
    fields = fields_of(failure.value.errors)
    assert "predecessors" in fields  # wrong end date
    assert "successors" in fields  # the new province does not exist yet on 01/01/2025
    young = make_unit("Tỉnh mới lập", UnitKind.PROVINCE, code="000.00.00.H70", valid_from=dt.date(2025, 8, 1))
    with pytest.raises(ValidationFailed) as failure:
        record_event(root_admin, EventKind.MERGE, dt.date(2025, 7, 1), [young], [new_province])
    assert any("did not exist before" in e.en for e in failure.value.errors)


def test_merge_event_refuses_a_predecessor_with_live_children(db, root_admin, make_unit, new_province):
    old = make_unit("Tỉnh A", UnitKind.PROVINCE, code="000.00.00.H71")
    make_unit("Xã A1", UnitKind.COMMUNE, old, "000.01.00.H71")
    with pytest.raises(ValidationFailed) as failure:
        record_event(root_admin, EventKind.MERGE, dt.date(2025, 7, 1), [old], [new_province])
    assert "predecessors" in fields_of(failure.value.errors)
    old.refresh_from_db()
    assert old.valid_to is None and not UnitEvent.objects.exists()  # nothing kept


def test_merge_event_refuses_duplicates_and_absurd_dates(db, root_admin, province, new_province):
    with pytest.raises(ValidationFailed) as failure:
        record_event(root_admin, EventKind.MERGE, dt.date(2025, 7, 1), [province, province], [new_province])
    assert "predecessors" in fields_of(failure.value.errors)
    with pytest.raises(ValidationFailed) as failure:
        record_event(root_admin, EventKind.MERGE, dt.date.min, [province], [new_province])
    assert "date" in fields_of(failure.value.errors)


def test_after_a_merge_validity_must_stay_consistent_with_the_event(db, root_admin, province, new_province):
    record_event(root_admin, EventKind.MERGE, dt.date(2025, 7, 1), [province], [new_province])
    province.refresh_from_db()
    new_province.refresh_from_db()
    with pytest.raises(ValidationFailed) as failure:
        update_unit(root_admin, province.pk, {"valid_to": dt.date(2025, 5, 31)}, province.version)
    assert "valid_to" in fields_of(failure.value.errors)
    with pytest.raises(ValidationFailed) as failure:
        update_unit(root_admin, new_province.pk, {"valid_from": dt.date(2025, 8, 1)}, new_province.version)
    assert "valid_from" in fields_of(failure.value.errors)


def test_bulk_load_enforces_the_same_rules(db, province):
    from tinhso.units.models import Unit
    from tinhso.units.services import bulk_create_units

    units = [
        Unit(name="Sở A", kind=UnitKind.DEPARTMENT, parent=province, code="000.00.11.H05",
             valid_to=dt.date(2025, 6, 30)),
        Unit(name="Sở B", kind=UnitKind.DEPARTMENT, parent=province, code="000.00.11.H05",
             valid_to=dt.date(2025, 6, 30)),
        Unit(name="Sở C", kind=UnitKind.DEPARTMENT, parent=province, code="000.00.12.H06"),
    ]
    with pytest.raises(ValidationFailed) as failure:
        bulk_create_units(None, units, "test")
    by_row = {(e.row, e.field) for e in failure.value.errors}
    assert (2, "code") in by_row  # repeats row 1 in the same batch
    assert (3, "code") in by_row and (3, "valid_to") in by_row  # wrong parent code, outlives the parent
    assert Unit.objects.count() == 1
    clash = [Unit(name="Tỉnh trùng", kind=UnitKind.PROVINCE, code="000.00.00.H05", valid_to=dt.date(2025, 1, 1))]
    with pytest.raises(ValidationFailed) as failure:
        bulk_create_units(None, clash, "test")  # clashes with the province already in the database
    assert "code" in fields_of(failure.value.errors)
