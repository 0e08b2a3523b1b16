from django.core.management.base import BaseCommand

from tinhso.units import services
from tinhso.units.demo import ECODES


class Command(BaseCommand):
    help = "Nạp 34 tỉnh và 3.321 xã hiện hành từ gói vietnam-provinces / Load today's administrative units"

    def handle(self, *args, **options):
        counts = services.import_admin_units(None, ecodes=ECODES)
        self.stdout.write(f"Đã thêm / added: {counts['provinces']} tỉnh/provinces, {counts['communes']} xã/communes")
