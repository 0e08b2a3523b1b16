"""Security's part of the documents (security/report.py): the approved share is the levels page's
(dossiers.approved_share on the report's day) and the incidents those detected in the period."""

import datetime as dt

import pytest

from tinhso.core import reporting
from tinhso.security import dossiers, incidents, report, services
from tinhso.security.events import generator, store
from tinhso.security.models import IncidentStatus
from tinhso.security.tests.conftest import system_data, upload

PORTAL = {"function": "citizen_services", "information": "private_personal", "personal_subjects": 45_000}
HOSTS = ["web01.babe.gov.vn", "db01.babe.gov.vn", "mail01.babe.gov.vn"]
LOCAL = dt.timezone(dt.timedelta(hours=7))


def _request(user, unit, key, today=dt.date(2024, 12, 31)):
    return reporting.ReportRequest(user, unit, reporting.parse_period(key), today=today)


@pytest.fixture
def approved(root_admin, focal_user, province_admin, approver, district, commune, event_store):
    system = services.create_system(root_admin, system_data(district, addresses="\n".join(HOSTS)))
    services.create_system(root_admin, system_data(commune, code="XA-001", addresses=""))
    dossier = dossiers.start_dossier(focal_user, system.pk, PORTAL, dated=dt.date(2024, 3, 1))
    for document in dossiers.required_documents(dossier):
        dossiers.attach_document(focal_user, dossier.pk, document["code"], upload(f"{document['code']}.pdf"))
    dossier.refresh_from_db()
    dossier = dossiers.submit(focal_user, dossier.pk, dossier.version)
    dossier = dossiers.appraise(province_admin, dossier.pk, dossier.version, "Phù hợp")
    dossiers.attach_document(province_admin, dossier.pk, "appraisal_opinion", upload())
    dossier.refresh_from_db()
    dossiers.approve(approver, dossier.pk, dossier.version, "5/QĐ", dt.date(2024, 4, 1), "Chủ tịch")
    store.ingest_lines(generator.generate(HOSTS, dt.date(2024, 5, 2), 1500, seed=3).lines, "auto", 2024)
    incidents.evaluate_day(dt.date(2024, 5, 2), dt.datetime(2024, 5, 2, 23, 0, tzinfo=LOCAL))
    return system


def test_the_share_is_the_levels_pages_on_the_reports_day(root_admin, approved, province):
    [section] = report.sections(_request(root_admin, province, "2024-Q2"))
    total, owners = dossiers.approved_share(province, dt.date(2024, 6, 30))
    figures = {f.key: f.value for f in section.figures}
    assert (figures["security.systems"], figures["security.approved"]) == (total.systems, total.approved) == (2, 1)
    assert float(figures["security.approved_share"]) == total.share == 50.0
    assert "1/2 hệ thống thông tin được phê duyệt cấp độ" in section.paragraphs[0] and "cấp độ 3: 1" in \
        section.paragraphs[0]
    assert [r[:3] for r in section.tables[0].rows] == [[r.unit.name, r.systems, r.approved] for r in owners]
    assert any("Còn 1 hệ thống thông tin chưa được phê duyệt" in p for p in section.problems)
    # before the approval: none approved
    [first] = report.sections(_request(root_admin, province, "2024-Q1"))
    assert {f.key: f.value for f in first.figures}["security.approved"] == 0


def test_incidents_of_the_period_within_the_readers_scope(root_admin, focal_user, commune_focal, approved, province,
                                                          district):
    [section] = report.sections(_request(root_admin, province, "2024-Q2"))
    found = incidents.incidents_between(root_admin, dt.date(2024, 4, 1), dt.date(2024, 6, 30), province)
    figures = {f.key: f.value for f in section.figures}
    assert figures["security.incidents"] == found.total == incidents.visible(root_admin).count() == 3
    assert figures["security.incidents_closed"] == 0
    assert any("3 sự cố an toàn thông tin phát hiện trong kỳ chưa xử lý xong" in p for p in section.problems)
    incident = incidents.visible(focal_user).first()
    incidents.update_incident(focal_user, incident.pk, incident.version, status=IncidentStatus.RESOLVED)
    [later] = report.sections(_request(root_admin, province, "2026", today=dt.date(2026, 12, 31)))
    assert {f.key: f.value for f in later.figures}["security.incidents"] == 0  # detected in 2024, not 2026
    # closed today: still open at the end of 2024; closed in June 2024: closed by the end of the quarter
    [year] = report.sections(_request(root_admin, province, "2024", today=dt.date.today()))
    assert {f.key: f.value for f in year.figures}["security.incidents_closed"] == 0
    incidents.Incident.objects.filter(pk=incident.pk).update(closed_at=dt.datetime(2024, 6, 1, 9, 0, tzinfo=LOCAL))
    [quarter] = report.sections(_request(root_admin, province, "2024-Q2"))
    assert {f.key: f.value for f in quarter.figures}["security.incidents_closed"] == 1
    # a commune's focal point sees none of the district's incidents
    assert incidents.incidents_between(commune_focal, dt.date(2024, 1, 1), dt.date(2024, 12, 31)).total == 0


def test_nothing_for_a_unit_without_systems(root_admin, other_commune, event_store):
    assert report.sections(_request(root_admin, other_commune, "2024")) == []
