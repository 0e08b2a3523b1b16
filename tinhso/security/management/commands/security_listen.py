"""tinhso security listen [--udp 5514] [--tcp 5514] [--host 127.0.0.1] [--seconds N] [--forward HOST:PORT]"""

import asyncio

from django.core.management.base import BaseCommand

from tinhso.security.events.listener import Listener


class Command(BaseCommand):
    help = "Nhận syslog qua UDP/TCP vào kho sự kiện / Receive syslog over UDP/TCP into the event store"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--udp", type=int, default=5514, help="UDP port (0 = off)")
        parser.add_argument("--tcp", type=int, default=5514, help="TCP port (0 = off)")
        parser.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
        parser.add_argument("--report-every", type=float, default=10.0)
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--forward", default="", help="re-send every line as UDP syslog to HOST:PORT")

    def handle(self, *args, **options):
        forward = None
        if options["forward"]:
            host, _, port = options["forward"].rpartition(":")
            forward = (host, int(port))
        listener = Listener(year=options["year"], forward=forward)
        self.stdout.write(f"Đang nghe / listening on {options['host']} udp={options['udp'] or '-'} "
                          f"tcp={options['tcp'] or '-'}")
        try:
            asyncio.run(listener.serve(options["host"], options["udp"] or None, options["tcp"] or None,
                                       options["seconds"], options["report_every"],
                                       report=lambda text: self.stdout.write(text)))
        except KeyboardInterrupt:
            self.stdout.write(listener.counters.line())
