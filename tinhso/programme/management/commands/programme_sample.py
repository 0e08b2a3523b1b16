from django.core.management.base import BaseCommand

from tinhso.programme import spreadsheet


class Command(BaseCommand):
    help = "Ghi lại tệp kế hoạch mẫu / Regenerate the sample plan spreadsheet (samples/ke-hoach-mau.xlsx)"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(spreadsheet.SAMPLE_PATH), help="đường dẫn tệp / file path")

    def handle(self, *args, **options):
        from pathlib import Path

        path = spreadsheet.write_sample(Path(options["output"]))
        self.stdout.write(f"Đã ghi / written: {path}")
