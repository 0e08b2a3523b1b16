"""`tinhso transport ingest FILE…`: CSV, JSON lines or Parquet files of positions, one batch each."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.core.formatting import vn_number
from tinhso.transport import services

from ._common import acting_user, add_user_argument, domain_error


class Command(BaseCommand):
    help = ("Nạp tệp dữ liệu giám sát hành trình (CSV, JSON lines, Parquet) / Ingest journey-monitoring files "
            "(CSV, JSON lines, Parquet)")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--format", default="", help="csv, jsonl, parquet (mặc định theo đuôi tệp / by extension)")
        add_user_argument(parser)

    def handle(self, *args, **opts):
        user = acting_user(opts["user"])
        failed = 0
        for name in opts["files"]:
            path = Path(name)
            if not path.is_file():
                self.stderr.write(f"{path}: không thấy tệp / no such file")
                failed += 1
                continue
            try:
                report = services.ingest_file(user, path, opts["format"], path.name)
            except DomainError as exc:
                self.stderr.write(f"{path}: {domain_error(exc)}")
                failed += 1
                continue
            state = "đã lưu trước đó / already stored" if report.already_stored else f"{report.seconds:.1f} s"
            self.stdout.write(f"{path.name}: {vn_number(report.rows_stored)} điểm lưu / stored, "
                              f"{vn_number(report.rows_rejected)} dòng lỗi / rejected, "
                              f"{vn_number(report.duplicates)} trùng / duplicates ({state})")
            for reason in report.as_dict()["reasons"]:
                self.stdout.write(f"    {reason['code']}: {vn_number(reason['count'])} — {reason['message']['vi']}")
        if failed:
            raise CommandError(f"{failed} tệp không nạp được / file(s) not ingested")
