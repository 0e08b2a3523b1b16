"""tinhso security feed-indicators [--year Y]: write the systems and approved-level counts per owner
into the indicators as approved figures (also done after each approval)."""

import datetime as dt

from django.core.management.base import BaseCommand

from tinhso.security import feeds


class Command(BaseCommand):
    help = "Feed the systems / approved-level counts per owner into the indicators (form HT-HTTT-NAM)"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=dt.date.today().year)

    def handle(self, *args, **options):
        result = feeds.feed_indicators(options["year"])
        self.stdout.write(f"{result['year']}: {result['written']} đơn vị / units written, "
                          f"{result['skipped']} bỏ qua / skipped")
