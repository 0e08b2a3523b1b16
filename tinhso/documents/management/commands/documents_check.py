"""tinhso documents check FILE.docx — where a DOCX departs from Decree 30/2020/NĐ-CP."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError


class Command(BaseCommand):
    help = "Kiểm tra thể thức một tệp DOCX theo Nghị định 30/2020/NĐ-CP / check a DOCX against Decree 30"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        from tinhso.documents.checker import check

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path} / no file {path}")
        try:
            findings = check(path.read_bytes(), str(path))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        for f in findings:
            self.stdout.write(f"{f.where}: {f.vi} / {f.en}" + (f" — “{f.text}”" if f.text else ""))
        self.stdout.write(f"{len(findings)} chỗ chưa đúng thể thức / departures")
        if findings:
            raise SystemExit(1)
