"""A round from creation to publication: automatic values from the reporting system, self-assessment
with evidence, the DX office's adjustments with a reason, and results that name their methodology."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.dti import services
from tinhso.dti.models import Origin, Result, RoundStatus, Value

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(root_admin, framework, province, commune, other_commune):
    return services.create_round(root_admin, "DTI xã 2024", 2024, framework, province, [commune, other_commune])


def test_reporting_adapter_works_with_or_without_the_reporting_app(monkeypatch):
    import sys
    import types

    # the reporting app is absent: no automatic values, no error
    monkeypatch.setitem(sys.modules, "tinhso.indicators.services", None)
    assert services.reporting_values(["IND_A1"], [1], 2024) == {}
    # present but without approved_values yet
    monkeypatch.setitem(sys.modules, "tinhso.indicators.services", types.ModuleType("tinhso.indicators.services"))
    assert services.reporting_values(["IND_A1"], [1], 2024) == {}
    # present: its answer is passed through
    stand_in = types.ModuleType("tinhso.indicators.services")
    stand_in.approved_values = lambda codes, units, year: {(codes[0], units[0]): Decimal(year - 2000)}
    monkeypatch.setitem(sys.modules, "tinhso.indicators.services", stand_in)
    assert services.reporting_values(["IND_A1"], [7], 2024) == {("IND_A1", 7): Decimal(24)}

    # a failure inside the reporting app is a clear validation error, not a server error
    def broken(codes, units, year):
        raise RuntimeError("duckdb busy")

    stand_in.approved_values = broken
    with pytest.raises(ValidationFailed) as caught:
        services.reporting_values(["IND_A1"], [7], 2024)
    assert caught.value.errors[0].field == "reporting" and "duckdb busy" in caught.value.errors[0].vi


def test_automatic_values_come_from_approved_reporting_figures(monkeypatch, root_admin, round_, commune,
                                                                other_commune):
    calls = []

    def approved(codes, unit_ids, year):
        calls.append((codes, sorted(unit_ids), year))
        return {("IND_A1", commune.pk): Decimal("97.4")}

    monkeypatch.setattr(services, "reporting_values", approved)
    services.open_round(root_admin, round_.pk, round_.version)
    assert calls == [(["IND_A1"], sorted([commune.pk, other_commune.pk]), 2024)]
    value = Value.objects.get(round=round_, unit=commune, component__code="A1")
    assert (value.value, value.auto_value, value.origin) == (Decimal("97.4"), Decimal("97.4"), Origin.AUTO)
    assert Value.objects.get(round=round_, unit=other_commune, component__code="A1").value is None
    assert Value.objects.filter(round=round_).count() == 2 * 6

    # an office adjustment survives a later refresh from the reporting system
    services.adjust_value(root_admin, round_.pk, commune.pk, "A1", "90", "số liệu tháng 12 chưa chốt")
    monkeypatch.setattr(services, "reporting_values", lambda *a: {("IND_A1", commune.pk): Decimal("99")})
    services.collect_automatic(root_admin, round_.pk)
    value.refresh_from_db()
    assert (value.value, value.auto_value, value.origin) == (Decimal("90"), Decimal("99"), Origin.OFFICE)
    assert value.adjust_reason == "số liệu tháng 12 chưa chốt"


def test_a_failing_reporting_system_does_not_block_collection(monkeypatch, root_admin, round_, commune):
    def broken(codes, unit_ids, year):
        raise ValidationFailed(FieldError("reporting", "hệ thống báo cáo lỗi", "reporting system failed"))

    monkeypatch.setattr(services, "reporting_values", broken)
    opened = services.open_round(root_admin, round_.pk, round_.version)
    assert opened.status == RoundStatus.COLLECTING and "hệ thống báo cáo lỗi" in opened.warnings[0]
    assert Value.objects.filter(round=round_, value__isnull=True).count() == 2 * 6
    with pytest.raises(ValidationFailed):  # an explicit refresh reports the failure
        services.collect_automatic(root_admin, round_.pk)
    monkeypatch.setattr(services, "reporting_values", lambda *a: {("IND_A1", commune.pk): Decimal(60)})
    assert services.collect_automatic(root_admin, round_.pk) == 1


def test_self_assessment_is_limited_to_the_unit_and_validated(root_admin, round_, commune, other_commune,
                                                              commune_focal):
    services.open_round(root_admin, round_.pk)
    value = services.submit_value(commune_focal, round_.pk, commune.pk, "A3", "có", "Kế hoạch số 12/KH-UBND")
    assert (value.value, value.origin, value.version) == (1, Origin.SELF, 2)
    assert value.history.first().history_user == commune_focal
    with pytest.raises(Forbidden):
        services.submit_value(commune_focal, round_.pk, other_commune.pk, "A3", "1")
    with pytest.raises(ValidationFailed) as caught:
        services.submit_value(commune_focal, round_.pk, commune.pk, "A3", "2")
    assert caught.value.errors[0].field == "value"
    with pytest.raises(ValidationFailed) as caught:
        services.submit_value(commune_focal, round_.pk, commune.pk, "B2", "20")  # manual score needs justification
    assert caught.value.errors[0].field == "note"
    with pytest.raises(ValidationFailed):
        services.submit_value(commune_focal, round_.pk, commune.pk, "B2", "30", "quá điểm tối đa")
    with pytest.raises(ValidationFailed):
        services.submit_value(commune_focal, round_.pk, commune.pk, "A1", "-3")
    with pytest.raises(Conflict):
        services.submit_value(commune_focal, round_.pk, commune.pk, "A3", "0", "", expected_version=1)
    assert services.submit_value(commune_focal, round_.pk, commune.pk, "A1", "97,4").value == Decimal("97.4")
    with pytest.raises(NotFound):
        services.submit_value(commune_focal, round_.pk, commune.pk, "ZZ", "1")


def test_evidence_files_are_checked_and_attached(root_admin, round_, commune, commune_focal):
    services.open_round(root_admin, round_.pk)
    evidence = services.add_evidence(commune_focal, round_.pk, commune.pk, "A3",
                                     SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 test"), "Kế hoạch đã ký")
    assert evidence.value.component.code == "A3" and evidence.filename == "ke-hoach.pdf"
    with pytest.raises(ValidationFailed):
        services.add_evidence(commune_focal, round_.pk, commune.pk, "A3", SimpleUploadedFile("x.exe", b"MZ"))


def test_adjustments_need_the_office_and_a_reason(root_admin, round_, commune, commune_focal, province_admin):
    services.open_round(root_admin, round_.pk)
    with pytest.raises(Forbidden):
        services.adjust_value(commune_focal, round_.pk, commune.pk, "A2", "4", "tự sửa")
    with pytest.raises(ValidationFailed) as caught:
        services.adjust_value(province_admin, round_.pk, commune.pk, "A2", "4", "  ")
    assert caught.value.errors[0].field == "reason"
    value = services.adjust_value(province_admin, round_.pk, commune.pk, "A2", "4", "theo biên bản họp")
    assert value.origin == Origin.OFFICE
    with pytest.raises(ValidationFailed):  # the unit cannot overwrite what the office decided
        services.submit_value(commune_focal, round_.pk, commune.pk, "A2", "5")


def test_publication_computes_results_that_name_the_framework_edition(root_admin, round_, commune, other_commune,
                                                                      commune_focal):
    services.open_round(root_admin, round_.pk)
    entries = {"A1": "50", "A2": "4", "A3": "1", "A4": "10", "B1": "100", "B2": "20"}
    for code, value in entries.items():
        services.submit_value(commune_focal, round_.pk, commune.pk, code, value, "giải trình")
    services.adjust_value(root_admin, round_.pk, other_commune.pk, "B1", "50", "theo nhật ký hệ thống")
    with pytest.raises(ValidationFailed):
        services.publish_round(root_admin, round_.pk)  # collection must be closed first
    services.close_collection(root_admin, round_.pk)
    with pytest.raises(ValidationFailed):
        services.submit_value(commune_focal, round_.pk, commune.pk, "A1", "60")
    published = services.publish_round(root_admin, round_.pk)
    assert published.status == RoundStatus.PUBLISHED and published.published_at
    first = Result.objects.get(round=round_, unit=commune)
    # 10 (linear 50%) + 10 (steps) + 10 (yes) + 10 (capped 20) + 25 (best B1) + 20 (manual)
    assert first.points == Decimal("85.000") and first.index == Decimal("0.85000")
    assert first.framework.label == "TEST-DTI v1" and first.rank == 1 and first.peers == 2
    assert first.by_main == {"A": 40.0, "B": 45.0} and first.by_pillar == {"P1": 40.0, "P2": 45.0}
    second = Result.objects.get(round=round_, unit=other_commune)
    assert second.points == Decimal("12.500") and second.rank == 2
    assert second.gaps[0] == ["B2", 25.0] and second.gaps[1] == ["A1", 20.0]
    with pytest.raises(ValidationFailed):
        services.adjust_value(root_admin, round_.pk, commune.pk, "A1", "1", "quá hạn")


def test_units_outside_the_scope_or_the_year_are_refused(root_admin, framework, province, commune, new_province,
                                                         make_unit):
    later = make_unit("Xã Mới", parent=new_province, valid_from=dt.date(2025, 7, 1))
    with pytest.raises(ValidationFailed) as caught:
        services.create_round(root_admin, "Sai", 2024, framework, province, [commune, later])
    assert {e.field for e in caught.value.errors} == {"unit_ids"}
    assert len(caught.value.errors) == 2  # outside the scope, and not existing in 2024
