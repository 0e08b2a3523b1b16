"""`tinhso sharing flush`: turn this machine's gateway spools into Parquet (e.g. after a crash)."""

from django.core.management.base import BaseCommand

from tinhso.sharing import ledger


class Command(BaseCommand):
    help = "Ghi các dòng cổng kết nối còn trong hàng đợi vào Parquet / Move spooled gateway rows into Parquet"

    def handle(self, *args, **opts):
        moved = ledger.flush_orphans()
        self.stdout.write(f"{moved} dòng / rows")
