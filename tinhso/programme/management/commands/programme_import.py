from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.programme import spreadsheet
from tinhso.programme.management.commands._common import plan_by_code, user_by_name


class Command(BaseCommand):
    help = "Nhập nhiệm vụ của kế hoạch từ XLSX, tất cả hoặc không / Import a plan's tasks, all or nothing"

    def add_arguments(self, parser):
        parser.add_argument("plan", help="mã kế hoạch / plan code")
        parser.add_argument("file", help="tệp .xlsx hoặc .csv")
        parser.add_argument("--user", required=True, help="người thực hiện (quyền, nhật ký) / acting user")

    def handle(self, *args, **options):
        plan, user = plan_by_code(options["plan"]), user_by_name(options["user"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path} / no such file")
        try:
            result = spreadsheet.import_plan(user, plan, spreadsheet.read_plan_file(path.read_bytes(), path.name))
        except DomainError as exc:
            raise CommandError(f"{exc.vi} / {exc.en}: {exc}") from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError("Tệp bị từ chối, không có dòng nào được ghi / the file was rejected, nothing written")
        self.stdout.write(f"Đã nhập {result.created} nhiệm vụ / imported {result.created} tasks")
