"""Frameworks are data: the shipped ones load, and one whose points do not add up is rejected whole."""

import json

import pytest

from tinhso.core.errors import Forbidden, ValidationFailed
from tinhso.dti import frameworks
from tinhso.dti.models import Component, Framework


def _fields(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.vi + " / " + e.en for e in exc.errors}


@pytest.mark.django_db
def test_decision_922_structure_is_shipped_as_data(root_admin):
    path = frameworks.DATA / "dti-tinh-922-2022.json"
    framework = frameworks.load_file(root_admin, path)
    assert (framework.code, framework.edition, framework.max_points) == ("DTI-TINH", 2022, 1000)
    assert framework.pillars.count() == 3
    mains = list(framework.main_indicators.order_by("order"))
    assert len(mains) == 9
    assert framework.components.count() == 98
    counts = {m.name.split(" / ")[0]: (m.components.count(), int(m.max_points)) for m in mains}
    assert counts == {
        "Nhận thức số": (10, 100), "Thể chế số": (11, 100), "Hạ tầng số": (7, 100), "Nhân lực số": (13, 100),
        "An toàn thông tin mạng": (12, 100), "Đô thị thông minh": (3, 0), "Hoạt động chính quyền số": (22, 200),
        "Hoạt động kinh tế số": (12, 150), "Hoạt động xã hội số": (8, 150)}
    assert {g["code"]: g["max_points"] for g in framework.groups} == {"foundation": 500, "activity": 500}
    # what could not be verified says so in the data
    assert all(c.source_note for c in framework.components.all())


@pytest.mark.django_db
def test_every_shipped_file_is_valid(root_admin):
    for path in frameworks.shipped_files():
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert frameworks.check_document(doc) == [], path.name


@pytest.mark.django_db
def test_components_not_adding_up_to_their_main_indicator_are_rejected(root_admin, small_doc):
    small_doc["main_indicators"][0]["components"][0]["max_points"] = 25  # A now sums to 55, declared 50
    with pytest.raises(ValidationFailed) as caught:
        frameworks.import_framework(root_admin, small_doc)
    message = _fields(caught.value)["main_indicators[0].max_points"]
    assert "55" in message and "50" in message
    assert not Framework.objects.exists() and not Component.objects.exists()


@pytest.mark.django_db
def test_declared_total_must_match(root_admin, small_doc):
    small_doc["max_points"] = 1000
    with pytest.raises(ValidationFailed) as caught:
        frameworks.import_framework(root_admin, small_doc)
    assert "không bằng tổng điểm tối đa đã khai báo 1000" in _fields(caught.value)["max_points"]


@pytest.mark.django_db
def test_group_totals_must_match(root_admin, small_doc):
    small_doc["groups"][0]["max_points"] = 40
    with pytest.raises(ValidationFailed) as caught:
        frameworks.import_framework(root_admin, small_doc)
    assert "g1" in _fields(caught.value)["groups"]


@pytest.mark.django_db
def test_bad_rules_sources_and_duplicates_name_their_place(root_admin, small_doc):
    components = small_doc["main_indicators"][0]["components"]
    components[1]["rule"] = {"type": "steps", "steps": [{"at_least": 1, "points": 99}]}
    components[2]["source"] = "guess"
    components[3]["code"] = "A1"
    del components[0]["indicator_code"]
    with pytest.raises(ValidationFailed) as caught:
        frameworks.import_framework(root_admin, small_doc)
    fields = _fields(caught.value)
    assert {"main_indicators[0].components[1].rule", "main_indicators[0].components[2].source",
            "main_indicators[0].components[3].code", "main_indicators[0].components[0].indicator_code"} <= set(fields)


@pytest.mark.django_db
def test_a_revised_methodology_must_be_a_new_edition(root_admin, small_doc):
    frameworks.import_framework(root_admin, small_doc)
    with pytest.raises(ValidationFailed) as caught:
        frameworks.import_framework(root_admin, small_doc)
    assert "edition" in _fields(caught.value)
    small_doc["edition"] = 2
    assert frameworks.import_framework(root_admin, small_doc).label == "TEST-DTI v2"


@pytest.mark.django_db
def test_only_administrators_issue_frameworks(focal_user, small_doc):
    with pytest.raises(Forbidden):
        frameworks.import_framework(focal_user, small_doc)


def test_unreadable_documents_are_validation_errors():
    with pytest.raises(ValidationFailed):
        frameworks.parse_document(b"{not json", "x.json")
    with pytest.raises(ValidationFailed):
        frameworks.parse_document(b"[1, 2]", "x.json")


@pytest.mark.django_db
def test_export_document_round_trips(root_admin, framework):
    doc = frameworks.export_document(framework)
    doc["edition"] = 7
    assert frameworks.check_document(doc) == []
    copy = frameworks.import_framework(root_admin, doc)
    assert copy.components.count() == framework.components.count() == 6


@pytest.mark.django_db
def test_cli_checks_and_loads_files(tmp_path, small_doc):
    from django.core.management import CommandError, call_command

    bad = dict(small_doc, max_points=120)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError, match="max_points"):
        call_command("dti_framework", "load", str(path))
    assert not Framework.objects.exists()
    path.write_text(json.dumps(small_doc), encoding="utf-8")
    call_command("dti_framework", "load", str(path))
    assert Framework.objects.get().label == "TEST-DTI v1"
