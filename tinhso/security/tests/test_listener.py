"""The asyncio listener stores what arrives over UDP and TCP and counts everything, losing nothing."""

import asyncio
import datetime as dt
import socket

from tinhso.security.events import store
from tinhso.security.events.listener import Listener


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_udp_and_tcp_messages_are_stored_and_counted(event_store, db):
    port = _free_port()
    listener = Listener(year=2024, flush_lines=50, flush_seconds=0.1)
    lines = [f"<38>May  2 10:{i // 60:02d}:{i % 60:02d} web01 sshd[1]: Accepted password for ops from 10.0.0.{i % 250} "
             f"port 22 ssh2" for i in range(200)]

    async def scenario():
        ready = asyncio.Event()
        task = asyncio.create_task(listener.serve("127.0.0.1", port, port, seconds=3.0, report_every=0, report=None,
                                                  ready=ready))
        await ready.wait()
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for line in lines[:100]:
            udp.sendto(line.encode(), ("127.0.0.1", port))
        udp.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        body = "".join(f"{len(line.encode())} {line}" if i % 2 else line + "\n" for i, line in enumerate(lines[100:]))
        writer.write(body.encode())
        writer.write(b"not syslog at all\n")
        await writer.drain()
        writer.close()
        return await task

    counters = asyncio.run(scenario())
    assert (counters.received_udp, counters.received_tcp, counters.dropped) == (100, 101, 0)
    assert (counters.stored, counters.malformed) == (200, 1)
    day = dt.date(2024, 5, 2)
    assert store.query("SELECT count(*) FROM {events}", day, day)[0][0] == 200


def test_the_counters_line_uses_the_vietnamese_thousands_dot():
    from tinhso.security.events.listener import Counters

    counters = Counters(received_udp=12_000, received_tcp=500, stored=12_345, malformed=1_001)
    line = counters.line()
    assert "received 12.500 (udp 12.000, tcp 500)" in line and "stored 12.345" in line and "malformed 1.001" in line
    assert "," not in line.replace(", ", "")
