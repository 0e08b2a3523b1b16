from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.accounts.models import User
from tinhso.core.errors import DomainError
from tinhso.core.tabular import read_table
from tinhso.units import services


class Command(BaseCommand):
    help = "Nhập đơn vị từ CSV/XLSX, tất cả hoặc không / Import units from CSV/XLSX, all or nothing"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as-user", default=None, help="account recorded in the audit history")

    def handle(self, *args, file, as_user, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"Không có tệp / no such file: {file}")
        user = User.objects.get(username=as_user) if as_user else User.objects.filter(is_superuser=True).first()
        if user is None:
            raise CommandError("Cần một tài khoản quản trị (--as-user) / an admin account is needed (--as-user)")
        try:
            result = services.import_units(user, read_table(path.read_bytes(), path.name, services.HEADER_ALIASES))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Tệp bị từ chối ({len(result.errors)} lỗi), không có dòng nào được ghi / "
                               f"file rejected ({len(result.errors)} errors), nothing written")
        self.stdout.write(f"Đã nhập / imported: {result.created} mới/created, {result.updated} cập nhật/updated")
