"""`tinhso transport import-fleet FILE`: the licensing system's fleet spreadsheet, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.transport import fleet

from ._common import acting_user, add_user_argument, domain_error


class Command(BaseCommand):
    help = ("Nhập đội xe (đơn vị, phương tiện, thiết bị, lái xe) từ XLSX/CSV, tất cả hoặc không / Import the "
            "fleet (businesses, vehicles, devices, drivers) from XLSX/CSV, all or nothing")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--contracts", action="store_true",
                            help="tệp là danh sách hợp đồng vận tải / the file lists transport contracts")
        add_user_argument(parser)

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"không thấy tệp / no such file: {path}")
        user = acting_user(opts["user"])
        try:
            content = path.read_bytes()
            if opts["contracts"]:
                from tinhso.core.tabular import read_table

                result = fleet.import_contracts(user, read_table(content, path.name, fleet.CONTRACT_ALIASES))
            else:
                result = fleet.import_fleet(user, fleet.read_fleet(content, path.name))
        except DomainError as exc:
            raise domain_error(exc) from exc
        if result.errors:
            raise CommandError("\n".join(["Tệp có lỗi, chưa nhập dòng nào / the file has errors, nothing imported:"]
                                         + [f"  {e}" for e in result.errors[:200]]))
        self.stdout.write(self.style.SUCCESS(
            f"Thêm / created {result.created}, cập nhật / updated {result.updated}, "
            f"không đổi / unchanged {result.unchanged}"))
