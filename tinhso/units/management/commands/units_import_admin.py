import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.units import services
from tinhso.units.demo import ECODES


class Command(BaseCommand):
    help = ("Nạp 34 tỉnh và 3.321 xã hiện hành từ gói vietnam-provinces; với --as-of trước 01/07/2025 và "
            "--province, nạp một trong 63 tỉnh cũ cùng huyện, xã và liên kết kế thừa / Load today's administrative "
            "units; with --as-of before 1 July 2025 and --province, one of the 63 former provinces with its history")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="yyyy-mm-dd, ví dụ 2025-06-30")
        parser.add_argument("--province", help="tên tỉnh, ví dụ \"Hải Phòng\" / province name")

    def handle(self, *args, **options):
        as_of = None
        if options.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of '{options['as_of']}': ngày yyyy-mm-dd / a yyyy-mm-dd date") from exc
        if as_of is not None and as_of < services.REFORM_2025:
            if not options.get("province"):
                raise CommandError("--as-of trước 01/07/2025 cần --province / needs --province")
            from tinhso.units.legacy import import_legacy_province

            try:
                counts = import_legacy_province(None, options["province"], as_of, ecodes=ECODES)
            except DomainError as exc:
                raise CommandError("; ".join(str(e) for e in exc.errors) or str(exc)) from exc
            if not counts["provinces"]:
                self.stdout.write("Tỉnh này đã có trong danh mục / already loaded")
                return
            self.stdout.write(
                f"Đã thêm / added: 1 tỉnh cũ/former province, {counts['districts']} huyện/districts, "
                f"{counts['communes']} xã/communes (hiệu lực đến 30/06/2025), {counts['links']} liên kết kế thừa/"
                f"succession links; đơn vị hiện hành/today's units: {counts['today_provinces']} tỉnh, "
                f"{counts['today_communes']} xã")
            return
        codes = None
        if options.get("province"):
            from tinhso.core.text import fold
            from tinhso.units.admin_sources import current_provinces

            wanted = fold(options["province"])
            codes = {p.stats_code for p in current_provinces() if wanted in (fold(p.name), fold(
                p.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")))}
            if not codes:
                raise CommandError(f"không có tỉnh hiện hành '{options['province']}' / no such province today")
        counts = services.import_admin_units(None, codes, ecodes=ECODES)
        self.stdout.write(f"Đã thêm / added: {counts['provinces']} tỉnh/provinces, {counts['communes']} xã/communes")
