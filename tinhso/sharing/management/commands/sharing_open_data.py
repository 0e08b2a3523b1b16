"""`tinhso sharing open-data --start D --end D [-o FILE]`: the anonymised hourly extract as CSV."""

import csv
import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from tinhso.sharing import services


class Command(BaseCommand):
    help = ("Trích xuất dữ liệu mở ẩn danh (theo giờ, trễ 7 ngày, không mã giao dịch) / Anonymised open-data "
            "extract (hourly, 7 days' delay, no ids)")

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True)
        parser.add_argument("--end", required=True)
        parser.add_argument("-o", "--output", default="")

    def handle(self, *args, **opts):
        try:
            start, end = dt.date.fromisoformat(opts["start"]), dt.date.fromisoformat(opts["end"])
        except ValueError as exc:
            raise CommandError("ngày dạng YYYY-MM-DD / dates as YYYY-MM-DD") from exc
        rows = services.open_data(start, end)
        handle = open(opts["output"], "w", newline="", encoding="utf-8") if opts["output"] else sys.stdout  # noqa: SIM115
        writer = csv.writer(handle)
        writer.writerow(services.OPEN_DATA_COLUMNS)
        writer.writerows(rows)
        if opts["output"]:
            handle.close()
