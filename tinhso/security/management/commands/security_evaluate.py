"""tinhso security evaluate [--day YYYY-MM-DD]: run the detection rules over a day (schedule it, e.g. every
5 minutes from cron for today); alerts become incidents."""

import datetime as dt

from django.core.management.base import BaseCommand

from tinhso.security import incidents


class Command(BaseCommand):
    help = "Chạy quy tắc phát hiện trên sự kiện một ngày / Evaluate the detection rules over a day of events"

    def add_arguments(self, parser):
        parser.add_argument("--day", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, **options):
        result = incidents.evaluate_day(options["day"] or dt.date.today())
        self.stdout.write(f"{result.day}: {result.alerts} cảnh báo / alerts, {result.created} sự cố mới / new, "
                          f"{result.updated} cập nhật / updated")
        for name, reason in result.refused:
            self.stdout.write(f"  quy tắc bị từ chối / rule refused: {name}: {reason}")
