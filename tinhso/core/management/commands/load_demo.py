from django.core.management.base import BaseCommand

from tinhso.core.demo import load_all


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu của tỉnh demo / Load the demo province (idempotent)"

    def handle(self, *args, **options):
        load_all(self.stdout)
