"""`tinhso sharing reconcile --start D --end D`: client-side vs provider-side counts, gaps flagged."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tinhso.accounts.models import User
from tinhso.sharing import services


class Command(BaseCommand):
    help = "Đối soát số giao dịch hai phía theo dịch vụ và ngày / Reconcile both sides' counts per service and day"

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True)
        parser.add_argument("--end", required=True)
        parser.add_argument("--service", default="")
        parser.add_argument("--all", action="store_true", help="cả dòng khớp / also rows that match")

    def handle(self, *args, **opts):
        try:
            start, end = dt.date.fromisoformat(opts["start"]), dt.date.fromisoformat(opts["end"])
        except ValueError as exc:
            raise CommandError("ngày dạng YYYY-MM-DD / dates as YYYY-MM-DD") from exc
        system = User(is_superuser=True, is_active=True)  # the command line sees everything
        for row in services.reconcile(system, start, end, opts["service"]):
            if row["flagged"] or opts["all"]:
                self.stdout.write(f"{row['day']:%d/%m/%Y} {row['service_code']:<30} khai thác/client "
                                  f"{row['client_calls']:>9} cung cấp/provider {row['provider_calls']:>9} "
                                  f"chỉ một phía/one-sided {row['only_client']}+{row['only_provider']}"
                                  f"{'  ← LỆCH / GAP' if row['flagged'] else ''}")
