"""A main indicator may belong to several pillars (in the national DTI every foundation indicator
belongs to all three): its points count towards each pillar's total, rank and maximum."""

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.dti import frameworks, services
from tinhso.dti.models import Result
from tinhso.dti.scoring import ComponentSpec, score_units

from .conftest import run_round


def _fields(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.vi + " / " + e.en for e in exc.errors}


def test_a_component_in_several_pillars_counts_towards_each_pillars_total_and_rank():
    specs = [ComponentSpec("f", "F", 50.0, {"type": "manual"}, pillars=("P1", "P2")),
             ComponentSpec("a1", "A1", 30.0, {"type": "manual"}, pillars=("P1",)),
             ComponentSpec("a2", "A2", 20.0, {"type": "manual"}, pillars=("P2",))]
    scores = score_units(specs, {1: {"f": 50, "a1": 0, "a2": 0}, 2: {"f": 0, "a1": 30, "a2": 20}},
                         {1: "x", 2: "x"})
    assert scores[1].by_pillar == {"P1": 50, "P2": 50} and scores[1].points == 50
    assert scores[2].by_pillar == {"P1": 30, "P2": 20}
    assert scores[1].pillar_ranks == {"P1": 1, "P2": 1} and scores[2].pillar_ranks == {"P1": 2, "P2": 2}


@pytest.mark.django_db
def test_a_main_indicator_in_several_pillars_counts_in_each_pillar_of_a_round(root_admin, small_doc, province,
                                                                              commune, other_commune):
    main_a, main_b = small_doc["main_indicators"]
    del main_a["pillar"]
    main_a["pillars"] = ["P1", "P2"]  # A belongs to both pillars ...
    main_a["components"][3]["pillar"] = "P1"  # ... except A4, which overrides to P1 only
    framework = frameworks.import_framework(root_admin, small_doc)
    assert frameworks.pillar_maxima(framework) == {"P1": 50, "P2": 40 + 50}
    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024, {
        commune: {"A1": 100, "A2": 4, "A3": 1, "A4": 5, "B2": 0},  # A: 20 + 10 + 10 + 10 (A4) = 50
        other_commune: {"A1": 0, "B2": 25}})
    first = Result.objects.get(round=round_, unit=commune)
    second = Result.objects.get(round=round_, unit=other_commune)
    assert first.by_pillar == {"P1": 50.0, "P2": 40.0} and first.points == 50
    assert second.by_pillar == {"P1": 0.0, "P2": 25.0}
    assert first.pillar_ranks == {"P1": 1, "P2": 1} and second.pillar_ranks == {"P1": 2, "P2": 2}
    table = services.ranking(root_admin, round_.pk, pillar="P2")
    assert [row.unit for row in table.rows] == [commune, other_commune]


@pytest.mark.django_db
def test_undeclared_or_duplicated_pillar_codes_are_rejected_naming_the_field(root_admin, small_doc):
    small_doc["main_indicators"][0]["pillars"] = ["P2", "P9", "P2"]
    small_doc["main_indicators"][1]["pillars"] = "P1"
    with pytest.raises(ValidationFailed) as caught:
        frameworks.import_framework(root_admin, small_doc)
    fields = _fields(caught.value)
    assert "P9" in fields["main_indicators[0].pillars[1]"] and "not declared" in fields["main_indicators[0].pillars[1]"]
    assert "listed twice" in fields["main_indicators[0].pillars[2]"]
    assert "main_indicators[0].pillars[0]" not in fields
    assert "main_indicators[1].pillars" in fields  # a list, not a single code


@pytest.mark.django_db
def test_decision_922_pillars_share_the_foundation_indicators(root_admin):
    framework = frameworks.load_file(root_admin, frameworks.DATA / "dti-tinh-922-2022.json")
    # each pillar = the 6 foundation indicators (500 points) + its own activity indicator
    assert frameworks.pillar_maxima(framework) == {"CQS": 700, "KTS": 650, "XHS": 650}
    mains = {m.code: sorted(p.code for p in m.pillars.all()) for m in framework.main_indicators.all()}
    assert all(mains[code] == ["CQS", "KTS", "XHS"] for code in "123456")
    assert (mains["7"], mains["8"], mains["9"]) == (["CQS"], ["KTS"], ["XHS"])


@pytest.mark.django_db
def test_export_import_round_trip_keeps_pillar_lists(root_admin, small_doc):
    small_doc["main_indicators"][0]["pillars"] = ["P2"]  # with "pillar": "P1", the older form, read alongside
    small_doc["main_indicators"][0]["components"][0]["pillar"] = "P2"
    original = frameworks.import_framework(root_admin, small_doc)
    doc = frameworks.export_document(original)
    assert [m["pillars"] for m in doc["main_indicators"]] == [["P1", "P2"], ["P2"]]
    assert all("pillar" not in m for m in doc["main_indicators"])
    doc["edition"] = 2
    copy = frameworks.import_framework(root_admin, doc)
    again = frameworks.export_document(copy)
    assert again["main_indicators"] == doc["main_indicators"]
    assert frameworks.component_specs(copy) == frameworks.component_specs(original)
