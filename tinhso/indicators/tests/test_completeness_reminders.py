"""Completeness and timeliness per form and period; reminders before and after the deadline,
in-app and by e-mail, never twice."""

import datetime as dt

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tinhso.indicators import services
from tinhso.indicators.models import Reminder, Report
from tinhso.indicators.tests.conftest import monthly_values


def test_completeness_and_timeliness(monthly, commune_focal, second_focal, commune, second_commune, district):
    result = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5), submit=True)
    Report.objects.filter(pk=result.report.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2024, 2, 20, 9)))  # deadline was 10/02/2024
    table = services.completeness(monthly, "2024-01", under=district, today=dt.date(2024, 3, 1))
    states = {row.unit.pk: row for row in table.rows}
    assert table.deadline == dt.date(2024, 2, 10)
    assert states[commune.pk].late and states[commune.pk].state == "submitted"
    assert states[second_commune.pk].state == "missing" and states[second_commune.pk].overdue
    assert (table.expected, table.submitted, table.on_time, table.late) == (2, 1, 0, 1)
    assert table.completeness_pct == 50


def test_reminders_before_and_after_the_deadline_are_sent_once(monthly, commune_focal, second_focal, commune,
                                                               second_commune, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    commune_focal.email, second_focal.email = "a@example.vn", "b@example.vn"
    commune_focal.save()
    second_focal.save()
    services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5), submit=True)
    # deadline of January 2024 is 10/02/2024; offsets are -3, +1, +7 days
    before = services.send_reminders(dt.date(2024, 2, 7))
    assert before.created == 1 and before.emailed == 1  # only the commune that has not submitted
    assert mail.outbox[0].to == ["b@example.vn"] and "Nhắc hạn" in mail.outbox[0].subject
    assert services.send_reminders(dt.date(2024, 2, 8)).created == 0  # never twice
    call_command("send_reminders", date="2024-02-11")
    overdue = Reminder.objects.get(offset=1)
    assert overdue.user == second_focal and "Quá hạn" in overdue.message and overdue.emailed_at
    assert [r.offset for r in services.reminders_of(second_focal, unread_only=True)] == [1, -3]
    services.mark_read(second_focal, overdue.pk)
    assert len(services.reminders_of(second_focal, unread_only=True)) == 1
