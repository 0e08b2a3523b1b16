import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.units import boundaries


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = ("Nhập ranh giới đơn vị từ GeoJSON, có ngày hiệu lực, tất cả hoặc không / Import unit boundaries "
            "from GeoJSON with validity dates, all or nothing")

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON FeatureCollection; properties: code | stats_code | unit_id, "
                                         "valid_from, valid_to")
        parser.add_argument("--valid-from", default=None, help="YYYY-MM-DD for features without valid_from")
        parser.add_argument("--valid-to", default=None, help="YYYY-MM-DD for features without valid_to")

    def handle(self, *args, file, valid_from, valid_to, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"Không có tệp / no such file: {file}")
        try:
            count = boundaries.import_geojson(path.read_bytes(), _day(valid_from), _day(valid_to), source=path.name)
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ / invalid date: {exc}") from exc
        except DomainError as exc:
            for error in exc.errors:
                self.stderr.write(f"đối tượng / feature {error.row}: {error.field}: {error.vi} / {error.en}")
            raise CommandError(f"{exc.vi} / {exc.en}") from exc
        self.stdout.write(f"Đã nhập / imported {count} ranh giới / boundaries")
