"""The registry through time: the tree as of a date, and where an old unit's figures go today."""

import datetime as dt
from decimal import Decimal

import pytest

from tinhso.units.models import EventKind, UnitKind
from tinhso.units.services import current_successors, record_event, search_units, tree_as_of

REFORM = dt.date(2025, 7, 1)


@pytest.fixture
def reorganised(db, root_admin, make_unit, province, district, commune, other_commune):
    """Bắc Kạn (until 30/06/2025) merged into Thái Nguyên; commune Chợ Rã merged into Xã Ba Bể,
    commune Nam Mẫu split between Xã Ba Bể (60%) and Xã Nam Mẫu mới (40%)."""
    new_province = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H55", valid_from=REFORM)
    ba_be = make_unit("Xã Ba Bể", UnitKind.COMMUNE, new_province, "000.01.00.H55", valid_from=REFORM)
    nam_mau = make_unit("Xã Nam Mẫu mới", UnitKind.COMMUNE, new_province, "000.02.00.H55", valid_from=REFORM)
    record_event(root_admin, EventKind.MERGE, REFORM, [commune], [ba_be])
    record_event(root_admin, EventKind.SPLIT, REFORM, [other_commune], [ba_be, nam_mau],
                 shares={(other_commune.pk, ba_be.pk): Decimal("0.6"), (other_commune.pk, nam_mau.pk): Decimal("0.4")})
    record_event(root_admin, EventKind.MERGE, REFORM, [district, province], [new_province])
    return {"new_province": new_province, "ba_be": ba_be, "nam_mau": nam_mau}


def names(nodes) -> list[str]:
    return [n.unit.name for n in nodes]


def test_tree_as_of_2023_returns_the_old_units(reorganised, province):
    roots = tree_as_of(dt.date(2023, 6, 30))
    assert names(roots) == ["Tỉnh Bắc Kạn"]
    district = roots[0].children[-1]
    assert names(roots[0].children) == ["Huyện Ba Bể"]
    assert names(district.children) == ["Thị trấn Chợ Rã", "Xã Nam Mẫu"]


def test_tree_today_returns_the_new_units(reorganised):
    roots = tree_as_of(dt.date.today())
    assert names(roots) == ["Tỉnh Thái Nguyên"]
    assert names(roots[0].children) == ["Xã Ba Bể", "Xã Nam Mẫu mới"]


def test_the_day_before_and_the_day_of_the_reform(reorganised):
    assert names(tree_as_of(dt.date(2025, 6, 30))) == ["Tỉnh Bắc Kạn"]
    assert names(tree_as_of(REFORM)) == ["Tỉnh Thái Nguyên"]


def test_api_tree_and_list_as_of(reorganised, api_as, root_admin):
    api = api_as(root_admin)
    old = api.get("/units/tree?as_of=2023-06-30").json()
    assert [n["name"] for n in old] == ["Tỉnh Bắc Kạn"]
    today = api.get("/units/tree").json()
    assert [n["name"] for n in today] == ["Tỉnh Thái Nguyên"]
    assert {c["name"] for c in today[0]["children"]} == {"Xã Ba Bể", "Xã Nam Mẫu mới"}
    listed = {u["name"] for u in api.get("/units?kind=commune&as_of=2023-06-30").json()}
    assert listed == {"Thị trấn Chợ Rã", "Xã Nam Mẫu"}
    listed = {u["name"] for u in api.get("/units?kind=commune").json()}
    assert listed == {"Thị trấn Chợ Rã", "Xã Nam Mẫu", "Xã Ba Bể", "Xã Nam Mẫu mới"}  # no date: all of them
    assert api.get("/units/tree?as_of=2023-02-30").status_code == 422


def test_search_as_of_a_date(reorganised):
    assert [u.name for u in search_units("nam mau", as_of=dt.date(2023, 6, 30))] == ["Xã Nam Mẫu"]
    assert [u.name for u in search_units("nam mau", as_of=dt.date.today())] == ["Xã Nam Mẫu mới"]


def test_current_successors_after_a_merge_and_a_split(reorganised, commune, other_commune, district, province):
    ba_be, nam_mau, new_province = reorganised["ba_be"], reorganised["nam_mau"], reorganised["new_province"]
    shares = current_successors([commune.pk, other_commune.pk, district.pk, province.pk, ba_be.pk])
    assert shares[commune.pk] == {ba_be.pk: Decimal(1)}
    assert shares[other_commune.pk] == {ba_be.pk: Decimal("0.6"), nam_mau.pk: Decimal("0.4")}
    assert shares[district.pk] == {new_province.pk: Decimal(1)}
    assert shares[province.pk] == {new_province.pk: Decimal(1)}
    assert shares[ba_be.pk] == {ba_be.pk: Decimal(1)}  # a live unit maps to itself
    # As of a day before the reform, old units are their own successors.
    assert current_successors([commune.pk], dt.date(2024, 1, 1)) == {commune.pk: {commune.pk: Decimal(1)}}


def test_successors_follow_several_events(db, root_admin, make_unit):
    first = make_unit("Tỉnh A", UnitKind.PROVINCE, code="000.00.00.H71", valid_to=dt.date(2010, 12, 31))
    middle = make_unit("Tỉnh B", UnitKind.PROVINCE, code="000.00.00.H72", valid_from=dt.date(2011, 1, 1))
    last = make_unit("Tỉnh C", UnitKind.PROVINCE, code="000.00.00.H73", valid_from=REFORM)
    record_event(root_admin, EventKind.RENAME, dt.date(2011, 1, 1), [first], [middle])
    record_event(root_admin, EventKind.MERGE, REFORM, [middle], [last])
    assert current_successors([first.pk]) == {first.pk: {last.pk: Decimal(1)}}


def test_api_unit_page_shows_lineage_and_successors(reorganised, api_as, root_admin, other_commune):
    api = api_as(root_admin)
    detail = api.get(f"/units/{other_commune.pk}").json()
    assert {s["unit"]["name"]: s["share"] for s in detail["successors"]} == {"Xã Ba Bể": 0.6, "Xã Nam Mẫu mới": 0.4}
    assert detail["successors"][0]["event_date"] == "2025-07-01"
    today = api.get(f"/units/{other_commune.pk}/successors").json()
    assert {s["unit"]["name"]: s["share"] for s in today} == {"Xã Ba Bể": 0.6, "Xã Nam Mẫu mới": 0.4}
    ba_be = api.get(f"/units/{reorganised['ba_be'].pk}").json()
    assert {p["unit"]["name"] for p in ba_be["predecessors"]} == {"Thị trấn Chợ Rã", "Xã Nam Mẫu"}


def test_api_records_an_event(db, api_as, root_admin, make_unit):
    old = make_unit("Tỉnh A", UnitKind.PROVINCE, code="000.00.00.H71")
    new = make_unit("Tỉnh A mới", UnitKind.PROVINCE, code="000.00.00.H72", valid_from=REFORM)
    api = api_as(root_admin)
    response = api.post("/units/events", {"kind": "rename", "date": "2025-07-01", "predecessor_ids": [old.pk],
                                          "successor_ids": [new.pk], "legal_basis": "Nghị quyết 202/2025/QH15"})
    assert response.status_code == 201, response.content
    old.refresh_from_db()
    assert old.valid_to == dt.date(2025, 6, 30)
    response = api.post("/units/events", {"kind": "merge", "date": "2025-07-01", "predecessor_ids": [old.pk, old.pk],
                                          "successor_ids": [new.pk]})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] in ("predecessors", "successors")
    response = api.post("/units/events", {"kind": "merge", "date": "2025-07-01", "predecessor_ids": [99999],
                                          "successor_ids": [new.pk]})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "predecessor_ids"
