"""tinhso security ingest FILE… [--format auto|syslog|wazuh|suricata] [--year Y] [--evaluate]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tinhso.security import incidents
from tinhso.security.events import store


class Command(BaseCommand):
    help = "Đọc tệp nhật ký an toàn thông tin vào kho sự kiện / Ingest security log files into the event store"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--format", default="auto", choices=["auto", "syslog", "wazuh", "suricata"])
        parser.add_argument("--year", type=int, default=None, help="year of BSD syslog lines (they carry none)")
        parser.add_argument("--evaluate", action="store_true", help="run the detection rules on the days read")

    def handle(self, *args, **options):
        total = store.IngestResult()
        for path in options["files"]:
            try:
                result = store.ingest_file(path, options["format"], options["year"])
            except OSError as exc:
                raise CommandError(f"{path}: {exc}") from exc
            self.stdout.write(f"{path}: {result.lines} dòng / lines, {result.stored} lưu / stored, "
                              f"{result.malformed} lỗi / malformed, {result.attributed} gắn hệ thống / attributed")
            for sample in result.samples[:5]:
                self.stdout.write(f"  dòng/line {sample['line']} ({sample['format']}): {sample['text'][:120]}")
            total.add(result)
        if options["evaluate"]:
            evaluation = incidents.evaluate_day(dt.date.today())
            self.stdout.write(f"Quy tắc / rules: {evaluation.alerts} cảnh báo / alerts, {evaluation.created} sự cố mới "
                              f"/ new incidents")
        self.stdout.write(f"Tổng / total: {total.lines} dòng / lines, {total.stored} lưu / stored, "
                          f"{total.malformed} lỗi / malformed")
