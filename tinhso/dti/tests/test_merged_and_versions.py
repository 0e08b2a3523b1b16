"""Last year's comparison for merged units (average of predecessors), and version isolation."""

import datetime as dt
from decimal import Decimal

import pytest

from tinhso.dti import frameworks, services
from tinhso.dti.models import Result, Value
from tinhso.units.models import EventKind, UnitEvent, UnitKind
from tinhso.units.services import link_successions

from .conftest import run_round

pytestmark = pytest.mark.django_db
REFORM = dt.date(2025, 7, 1)


@pytest.fixture
def merged(make_unit, province, commune, other_commune, new_province, district):
    """Chợ Rã and Nam Mẫu (until 30/06/2025) merge into Xã Ba Bể; Xã Mới has no predecessor."""
    ba_be = make_unit("Xã Ba Bể", UnitKind.COMMUNE, new_province, valid_from=REFORM)
    fresh = make_unit("Xã Mới", UnitKind.COMMUNE, new_province, valid_from=REFORM)
    event = UnitEvent.objects.create(kind=EventKind.MERGE, date=REFORM, legal_basis="Nghị quyết sắp xếp xã")
    link_successions(event, [(commune, ba_be, Decimal(1)), (other_commune, ba_be, Decimal(1))])
    return ba_be, fresh


def test_merged_unit_is_compared_with_the_average_of_its_predecessors(root_admin, framework, province, commune,
                                                                      other_commune, new_province, merged):
    ba_be, fresh = merged
    run_round(root_admin, framework, province, [commune, other_commune], 2024,
              {commune: {"B2": 20}, other_commune: {"B2": 10, "A3": 1}})
    # Chợ Rã 20 points (B 20), Nam Mẫu 20 points (A 10, B 10)
    current = run_round(root_admin, framework, new_province, [ba_be, fresh], 2025,
                        {ba_be: {"B2": 25, "A3": 1}, fresh: {"B2": 5}})
    result = Result.objects.get(round=current, unit=ba_be)
    assert result.previous_basis == "merged"
    assert sorted(result.previous_units) == sorted([commune.pk, other_commune.pk])
    assert result.previous_points == Decimal("20.000")
    assert result.previous_index == Decimal("0.20000")
    assert result.previous_by_main == {"A": 5.0, "B": 15.0}  # (0 + 10) / 2 and (20 + 10) / 2
    assert result.points == Decimal("35.000")
    assert Result.objects.get(round=current, unit=fresh).previous_points is None

    card = services.scorecard(root_admin, current.pk, ba_be.pk)
    assert {u.pk for u in card.previous_units} == {commune.pk, other_commune.pk}
    assert [line.previous for line in card.mains] == [5.0, 15.0]


def test_unchanged_unit_is_compared_with_itself(root_admin, framework, make_unit, new_province):
    department = make_unit("Sở Tài chính", UnitKind.DEPARTMENT, new_province, valid_from=REFORM)
    run_round(root_admin, framework, new_province, [department], 2025, {department: {"B2": 10}})
    later = run_round(root_admin, framework, new_province, [department], 2026, {department: {"B2": 15}})
    result = Result.objects.get(round=later, unit=department)
    assert (result.previous_basis, result.previous_points, result.points) == (
        "same", Decimal("10.000"), Decimal("15.000"))
    card = services.scorecard(root_admin, later.pk, department.pk)
    assert [(year, old.points) for year, old in card.history] == [(2025, Decimal("10.000"))]


def test_versions_are_isolated(root_admin, framework, small_doc, province, commune, other_commune):
    old_round = run_round(root_admin, framework, province, [commune], 2024, {commune: {"A1": 50, "B2": 10}})
    before = Result.objects.get(round=old_round)
    assert before.points == Decimal("20.000")

    # the methodology is revised: A1 is now worth 30 points and B2 only 15
    small_doc["edition"] = 2
    components = small_doc["main_indicators"]
    components[0]["components"][0]["max_points"] = 30
    components[0]["components"][3]["max_points"] = 0
    components[1]["components"][1]["max_points"] = 15
    components[1]["components"][0]["max_points"] = 35
    revised = frameworks.import_framework(root_admin, small_doc)
    new_round = run_round(root_admin, revised, province, [commune], 2024, {commune: {"A1": 50, "B2": 10}})

    after = Result.objects.get(round=new_round)
    assert after.framework == revised and after.framework.label == "TEST-DTI v2"
    assert after.points == Decimal("25.000")  # 15 + 10
    # the old round and its values are untouched, and recomputing it still uses edition 1
    services.compute_round(old_round)
    again = Result.objects.get(round=old_round)
    assert (again.points, again.framework.label) == (Decimal("20.000"), "TEST-DTI v1")
    assert not Value.objects.filter(round=old_round, component__framework=revised).exists()
    assert not Value.objects.filter(round=new_round, component__framework=framework).exists()
