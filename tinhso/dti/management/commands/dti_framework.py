"""`tinhso manage dti_framework load FILE` checks and stores a framework document (JSON/YAML) as a new
edition; `check FILE` only checks it; `list` shows the stored frameworks."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.dti import frameworks
from tinhso.dti.models import Framework


class Command(BaseCommand):
    help = "Nạp, kiểm tra, liệt kê bộ chỉ số DTI / Load, check or list DTI frameworks"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "check", "list"])
        parser.add_argument("file", nargs="?")

    def handle(self, *args, action: str, file: str | None = None, **options):
        if action == "list":
            for framework in Framework.objects.all():
                self.stdout.write(f"{framework.label}\t{framework.max_points:g}\t{framework.status}\t{framework.name}")
            return
        if not file or not Path(file).is_file():
            raise CommandError(f"không thấy tệp / file not found: {file}")
        path = Path(file)
        try:
            doc = frameworks.parse_document(path.read_bytes(), path.name)
            if action == "check":
                problems = frameworks.check_document(doc)
                if problems:
                    raise DomainError(problems)
                self.stdout.write("Hợp lệ / valid")
                return
            framework = frameworks.import_framework(None, doc)
        except DomainError as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors) or f"{exc.vi} / {exc.en}") from exc
        self.stdout.write(f"Đã nạp / loaded: {framework.label} ({framework.components.count()} chỉ số thành phần)")
