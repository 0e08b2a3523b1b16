"""`tinhso manage indicators_load_catalogue [FILE]`: load or update the indicator catalogue."""

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import ValidationFailed
from tinhso.indicators import services


class Command(BaseCommand):
    help = "Nạp danh mục chỉ tiêu, biểu mẫu, quy tắc kiểm tra từ tệp JSON / Load the indicator catalogue"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help=f"mặc định / default: {services.CATALOGUE}")

    def handle(self, *args, **options):
        try:
            counts = services.load_catalogue(options.get("file"))
        except ValidationFailed as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from exc
        except (OSError, ValueError) as exc:
            raise CommandError(f"không đọc được tệp / cannot read the file: {exc}") from exc
        self.stdout.write(f"Chỉ tiêu / indicators: {counts['indicators']}, biểu mẫu / forms: {counts['forms']}, "
                          f"quy tắc / rules: {counts['rules']} (mới hoặc thay đổi / new or changed)")
