"""`tinhso transport analyse --from D --to D`: trips, stops and violations of the fleet, with progress."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.core.formatting import vn_number
from tinhso.transport import services

from ._common import acting_user, add_user_argument, domain_error


class Command(BaseCommand):
    help = "Tính chuyến, điểm dừng, vi phạm của đội xe / Compute the fleet's trips, stops and violations"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="ngày đầu / first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", required=True, help="ngày cuối / last day (YYYY-MM-DD)")
        parser.add_argument("--chunk", type=int, default=125, help="số xe mỗi lượt / vehicles per chunk")
        add_user_argument(parser)

    def handle(self, *args, **opts):
        try:
            start, end = dt.date.fromisoformat(opts["start"]), dt.date.fromisoformat(opts["end"])
        except ValueError as exc:
            raise CommandError("--from/--to phải có dạng YYYY-MM-DD / must be YYYY-MM-DD") from exc
        if not 1 <= opts["chunk"] <= 10_000:
            raise CommandError("--chunk 1–10000")
        user = acting_user(opts["user"])
        started = time.monotonic()

        def progress(done: int, total: int, points: int) -> None:
            self.stdout.write(f"\r  {done}/{total} xe / vehicles, {vn_number(points)} điểm / points, "
                              f"{time.monotonic() - started:.0f} s", ending="")
            self.stdout.flush()

        try:
            summary = services.run_analysis(user, start, end, opts["chunk"], progress=progress)
        except DomainError as exc:
            raise domain_error(exc) from exc
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"{vn_number(summary['trips'])} chuyến / trips, {vn_number(summary['stops'])} điểm dừng / stops, "
            f"{vn_number(summary['violations'])} vi phạm / violations ({time.monotonic() - started:.1f} s)"))
