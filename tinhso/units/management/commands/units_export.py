import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand

from tinhso.units import services


class Command(BaseCommand):
    help = "Xuất danh mục đơn vị ra CSV/XLSX / Export units to CSV/XLSX"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="don-vi.xlsx")
        parser.add_argument("--as-of", default=None)

    def handle(self, *args, output, as_of, **options):
        fmt = "csv" if output.lower().endswith(".csv") else "xlsx"
        content, _, _ = services.export_units(fmt, dt.date.fromisoformat(as_of) if as_of else None)
        Path(output).write_bytes(content)
        self.stdout.write(f"Đã ghi / written: {output}")
