"""`tinhso manage transport_generate`: a deterministic fleet with planted violations and disguised coaches."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.formatting import vn_number
from tinhso.transport import services


class Command(BaseCommand):
    help = ("Sinh dữ liệu giám sát hành trình mẫu (xác định theo seed) / Generate deterministic journey-monitoring "
            "data with planted violations and disguised contract coaches")

    def add_arguments(self, parser):
        parser.add_argument("--vehicles", type=int, default=50, help="số xe / number of vehicles")
        parser.add_argument("--days", type=int, default=28, help="số ngày / number of days")
        parser.add_argument("--start", default="2025-09-01", help="ngày đầu (YYYY-MM-DD) / first day")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dense", action="store_true",
                            help="báo vị trí 30 giây/lần cả khi đỗ / report every 30 s even when parked")
        parser.add_argument("--no-analyse", action="store_true", help="không tính vi phạm / skip the analysis")

    def handle(self, *args, **opts):
        try:
            start = dt.date.fromisoformat(opts["start"])
        except ValueError as exc:
            raise CommandError("--start phải có dạng YYYY-MM-DD / must be YYYY-MM-DD") from exc
        if not (1 <= opts["vehicles"] <= 100_000) or not (1 <= opts["days"] <= 366):
            raise CommandError("--vehicles 1–100000, --days 1–366")
        summary = services.generate(opts["vehicles"], opts["days"], start, opts["seed"],
                                    parked_interval=30 if opts["dense"] else 900,
                                    analyse=not opts["no_analyse"], stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"Đã sinh / generated {vn_number(summary['points'])} điểm / points, {summary['vehicles']} xe / vehicles, "
            f"{summary['start']} → {summary['end']}; {len(summary['disguised'])} xe hợp đồng trá hình được cài "
            f"/ planted disguised coaches"))
        if not opts["no_analyse"]:
            from tinhso.accounts.models import User

            pr = services.evaluate_coaches(User(is_superuser=True, is_active=True), summary)
            self.stdout.write(
                f"Xe hợp đồng trá hình / disguised coaches: gắn cờ / flagged {pr['flagged']}, đúng / true "
                f"{pr['true_positives']}, cài / planted {pr['planted']} → precision "
                f"{vn_number(100 * pr['precision'], 1)}%, recall {vn_number(100 * pr['recall'], 1)}%")
