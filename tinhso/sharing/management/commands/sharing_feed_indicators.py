"""`tinhso sharing feed-indicators --month 2025-10`: the month's counts as approved indicator values."""

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.sharing import services


class Command(BaseCommand):
    help = ("Chuyển số giao dịch của tháng sang chỉ tiêu (giá trị đã phê duyệt) / Feed a month's transaction counts "
            "into the indicators as approved values")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, **opts):
        try:
            year, month = (int(p) for p in opts["month"].split("-"))
            result = services.feed_indicators(None, year, month)
        except (ValueError, DomainError) as exc:
            raise CommandError(f"--month YYYY-MM: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"{result['period']}: {result['units']} đơn vị / units, {len(result['indicators'])} chỉ tiêu / "
            f"indicators; bỏ qua / skipped {', '.join(result['skipped_units']) or '—'}"))
