"""`tinhso sharing import FILE --mapping lgsp-csv [--side client|provider]`: a transaction export or access log."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.sharing import imports


class Command(BaseCommand):
    help = ("Nhập nhật ký giao dịch (LGSP/NDXP CSV, XLSX; Kong/APISIX JSON) vào sổ giao dịch / Import a transaction "
            "export or gateway access log into the ledger")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--mapping", required=True, choices=sorted(imports.mappings()))
        parser.add_argument("--side", choices=["client", "provider"], default="",
                            help="phía ghi nhận (mặc định theo mẫu ánh xạ) / who recorded it (default: the mapping's)")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"không có tệp / no such file: {path}")
        try:
            report = imports.import_file(None, path.read_bytes(), path.name, opts["mapping"], opts["side"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1, default=str))
