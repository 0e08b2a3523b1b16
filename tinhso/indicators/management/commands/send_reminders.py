"""The reminder job: `tinhso manage send_reminders` once (cron, systemd timer) or `--loop` as a worker."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from tinhso.indicators import services


class Command(BaseCommand):
    help = "Nhắc hạn nộp báo cáo chỉ tiêu (trong ứng dụng và qua e-mail) / Send report deadline reminders"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="chạy như thể hôm nay là ngày này (YYYY-MM-DD) / run as of this day")
        parser.add_argument("--loop", action="store_true", help="chạy liên tục như một worker / keep running")
        parser.add_argument("--interval", type=int, default=3600, help="giây giữa hai lần chạy / seconds between runs")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date phải có dạng YYYY-MM-DD / --date must be YYYY-MM-DD") from exc
        while True:
            result = services.send_reminders(day)
            self.stdout.write(f"Đã tạo {result.created} lời nhắc, gửi {result.emailed} e-mail / "
                              f"{result.created} reminders created, {result.emailed} e-mails sent")
            if not options["loop"]:
                return
            time.sleep(max(60, options["interval"]))
