"""Alerts become incidents with owner, severity and the reporting clock of the regime in force."""

import datetime as dt

import pytest

from tinhso.core.errors import Conflict, Forbidden, NotFound
from tinhso.security import incidents, services
from tinhso.security.events import generator, store
from tinhso.security.models import IncidentStatus
from tinhso.security.tests.conftest import system_data

HOSTS = ["web01.babe.gov.vn", "db01.babe.gov.vn", "mail01.babe.gov.vn"]
LOCAL = dt.timezone(dt.timedelta(hours=7))


def _raise(day: dt.date, now: dt.datetime) -> None:
    store.ingest_lines(generator.generate(HOSTS, day, 1500, seed=3).lines, "auto", day.year)
    incidents.evaluate_day(day, now)


@pytest.fixture
def monitored(root_admin, district, event_store):
    return services.create_system(root_admin, system_data(district, addresses="\n".join(HOSTS)))


def test_decree_85_regime_gives_five_days_to_report_and_five_days_after_closing(monitored, focal_user):
    detected = dt.datetime(2024, 5, 2, 23, 0, tzinfo=LOCAL)
    _raise(dt.date(2024, 5, 2), detected)
    incident = incidents.visible(focal_user).get(title__contains="brute force")
    assert (incident.regime, incident.severity, incident.owner, incident.system) == (
        "law86-decree85", "high", monitored.owner, monitored)
    assert incident.notice_due == detected + dt.timedelta(days=5) and incident.report_due is None
    closed = incidents.update_incident(focal_user, incident.pk, incident.version, status=IncidentStatus.RESOLVED)
    assert closed.report_due == closed.closed_at + dt.timedelta(days=5)
    clocks = incidents.clocks(closed, detected + dt.timedelta(days=6))
    assert clocks[0].overdue and not clocks[1].overdue


def test_decree_331_regime_gives_24_hours_for_the_notice_and_72_for_the_report(monitored, focal_user):
    detected = dt.datetime(2026, 8, 3, 23, 0, tzinfo=LOCAL)
    _raise(dt.date(2026, 8, 3), detected)
    incident = incidents.visible(focal_user).get(title__contains="Malware")
    assert incident.regime == "law116-decree331" and incident.severity == "critical"
    assert (incident.notice_due - detected, incident.report_due - detected) == (dt.timedelta(hours=24),
                                                                               dt.timedelta(hours=72))


def test_evaluating_again_updates_instead_of_duplicating(monitored):
    now = dt.datetime(2024, 5, 2, 23, 0, tzinfo=LOCAL)
    _raise(dt.date(2024, 5, 2), now)
    first = incidents.Incident.objects.count()
    result = incidents.evaluate_day(dt.date(2024, 5, 2), now)
    assert result.created == 0 and incidents.Incident.objects.count() == first == 3


def test_who_sees_and_handles_an_incident(monitored, focal_user, commune_focal, viewer_user, province_admin):
    _raise(dt.date(2024, 5, 2), dt.datetime(2024, 5, 2, 23, 0, tzinfo=LOCAL))
    incident = incidents.visible(focal_user).first()
    assert incidents.visible(commune_focal).count() == 0  # a commune below sees nothing of the district's
    assert incidents.visible(viewer_user).count() == 3 and not incidents.can_handle(viewer_user, incident)
    with pytest.raises(NotFound):
        incidents.get_incident(commune_focal, incident.pk)
    with pytest.raises(Forbidden):
        incidents.update_incident(viewer_user, incident.pk, incident.version, note="x")
    updated = incidents.update_incident(province_admin, incident.pk, incident.version, assignee=focal_user,
                                        notified=True)
    assert updated.assignee == focal_user and updated.notified_at is not None
    with pytest.raises(Conflict):
        incidents.update_incident(focal_user, incident.pk, incident.version, note="stale")
