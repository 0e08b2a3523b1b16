from pathlib import Path

from django.core.management.base import BaseCommand

from tinhso.programme import spreadsheet
from tinhso.programme.management.commands._common import plan_by_code, user_by_name


class Command(BaseCommand):
    help = "Xuất kế hoạch và tình trạng ra XLSX / Export a plan and its status to XLSX"

    def add_arguments(self, parser):
        parser.add_argument("plan", help="mã kế hoạch / plan code")
        parser.add_argument("--user", required=True, help="người xem (phạm vi) / whose view to export")
        parser.add_argument("--output", help="đường dẫn tệp / file path (default: ke-hoach-<code>.xlsx)")

    def handle(self, *args, **options):
        plan, user = plan_by_code(options["plan"]), user_by_name(options["user"])
        content, filename, _ = spreadsheet.export_plan(user, plan)
        path = Path(options["output"] or filename)
        path.write_bytes(content)
        self.stdout.write(f"Đã ghi / written: {path}")
