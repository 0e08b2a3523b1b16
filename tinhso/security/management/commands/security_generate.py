"""tinhso security generate [--events N] [--day D] [--out FILE]: a day of realistic events with planted
attacks (brute force, web attack, malware, a silent host) for the demo and benchmarks."""

import datetime as dt

from django.core.management.base import BaseCommand

from tinhso.security.events import generator


class Command(BaseCommand):
    help = "Sinh luồng sự kiện mẫu có tấn công cài sẵn / Generate an event stream with planted attacks"

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=20_000)
        parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date.today())
        parser.add_argument("--hosts", default="web01,db01,mail01,backup01")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--out", default="security-events.log")

    def handle(self, *args, **options):
        hosts = [h.strip() for h in options["hosts"].split(",") if h.strip()]
        stream = generator.generate(hosts, options["day"], options["events"], options["seed"],
                                    silent_host=hosts[-1] if len(hosts) > 3 else None)
        with open(options["out"], "w", encoding="utf-8") as handle:
            handle.write("\n".join(stream.lines) + "\n")
        self.stdout.write(f"{len(stream.lines)} dòng / lines → {options['out']}")
        for planted in stream.planted:
            self.stdout.write(f"  {planted.kind}: {planted.host} {planted.source_ip or ''} {planted.start:%H:%M}")
