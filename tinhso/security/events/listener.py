"""A syslog listener (asyncio): UDP datagrams (one message each) and TCP streams (newline-framed, or
RFC 6587 octet-counted "LEN <msg>"), buffered and written to the event store in batches from a worker
thread, so the event loop keeps reading while Parquet is written.

Counters say what happened to every message: received, stored, malformed, and dropped when the buffer is
full (the listener never blocks its sockets; a dropped count above zero means it cannot keep up). An
optional forward target re-sends each raw line as UDP syslog to a national or external SIEM.
"""

import asyncio
import contextlib
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from tinhso.core.formatting import vn_number
from tinhso.security.events import store

MAX_BUFFER = 500_000
FLUSH_LINES = 20_000
FLUSH_SECONDS = 1.0


@dataclass
class Counters:
    received_udp: int = 0
    received_tcp: int = 0
    stored: int = 0
    malformed: int = 0
    dropped: int = 0
    batches: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def received(self) -> int:
        return self.received_udp + self.received_tcp

    def line(self) -> str:
        elapsed = max(1e-9, time.monotonic() - self.started)
        n = vn_number
        return (f"nhận / received {n(self.received)} (udp {n(self.received_udp)}, tcp {n(self.received_tcp)}), "
                f"lưu / stored {n(self.stored)}, lỗi / malformed {n(self.malformed)}, bỏ / dropped {n(self.dropped)}, "
                f"{n(self.received / elapsed)}/s")


class Listener:
    def __init__(self, year: int | None = None, forward: tuple[str, int] | None = None,
                 flush_lines: int = FLUSH_LINES, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.counters = Counters()
        self.buffer: deque[str] = deque()
        self.year = year
        self.flush_lines, self.flush_seconds = flush_lines, flush_seconds
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopping = False
        self.forward = forward
        self.forward_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) if forward else None
        self.writer = threading.Thread(target=self._write_loop, name="tinhso-security-writer", daemon=True)

    # -------------------------------------------------------- receiving (event loop thread)

    def accept(self, line: str, transport: str) -> None:
        if not line:
            return
        if transport == "udp":
            self.counters.received_udp += 1
        else:
            self.counters.received_tcp += 1
        if len(self.buffer) >= MAX_BUFFER:
            self.counters.dropped += 1
            return
        self.buffer.append(line)
        if self.forward_socket is not None:
            with contextlib.suppress(OSError):
                self.forward_socket.sendto(line.encode("utf-8", "replace"), self.forward)
        if len(self.buffer) >= self.flush_lines:
            self.wake.set()

    # -------------------------------------------------------- writing (worker thread)

    def _drain(self) -> list[str]:
        lines = []
        while self.buffer:
            try:
                lines.append(self.buffer.popleft())
            except IndexError:
                break
        return lines

    def _write_loop(self) -> None:
        from django.db import connection

        try:
            while not self.stopping or self.buffer:
                self.wake.wait(self.flush_seconds)
                self.wake.clear()
                self.flush()
        finally:
            connection.close()

    def flush(self) -> None:
        lines = self._drain()
        if not lines:
            return
        with self.lock:
            table, result = store.parse_lines(lines, "auto", self.year)
            stored, _, _ = store.store_table(table)
            self.counters.stored += stored
            self.counters.malformed += result.malformed
            self.counters.batches += 1

    # -------------------------------------------------------- servers

    async def serve(self, host: str = "127.0.0.1", udp_port: int | None = 5514, tcp_port: int | None = 5514,
                    seconds: float | None = None, report_every: float = 10.0, report=print,
                    ready: asyncio.Event | None = None) -> Counters:
        loop = asyncio.get_running_loop()
        self.writer.start()
        closers = []
        if udp_port is not None:
            transport, _ = await loop.create_datagram_endpoint(lambda: _Udp(self), local_addr=(host, udp_port))
            closers.append(transport.close)
        server = None
        if tcp_port is not None:
            server = await asyncio.start_server(self._tcp_client, host, tcp_port, limit=1 << 20)
            closers.append(server.close)
        if ready is not None:
            ready.set()
        try:
            deadline = None if seconds is None else loop.time() + seconds
            while deadline is None or loop.time() < deadline:
                await asyncio.sleep(min(report_every, max(0.05, (deadline or 1e18) - loop.time())))
                if report_every and report:
                    report(self.counters.line())
        except asyncio.CancelledError:
            pass
        finally:
            for close in closers:
                close()
            self.stopping = True
            self.wake.set()
            await loop.run_in_executor(None, self.writer.join)
            if report:
                report(self.counters.line())
        return self.counters

    async def _tcp_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Newline-framed messages, or RFC 6587 octet counting ("LEN " then LEN bytes, no newline needed)."""
        try:
            while True:
                first = await reader.readexactly(1)
                if first.isdigit():
                    digits = first + await reader.readuntil(b" ")
                    try:
                        length = int(digits[:-1])
                    except ValueError:
                        length = -1
                    if 0 < length <= 1 << 20:
                        frame = await reader.readexactly(length)
                        self.accept(frame.decode("utf-8", "replace").rstrip("\r\n"), "tcp")
                        continue
                    rest = await reader.readline()  # digits that were no frame length: a plain line
                    self.accept((digits + rest).decode("utf-8", "replace").rstrip("\r\n"), "tcp")
                    continue
                if first in (b"\n", b"\r"):
                    continue
                rest = await reader.readline()
                self.accept((first + rest).decode("utf-8", "replace").rstrip("\r\n"), "tcp")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, listener: Listener) -> None:
        self.listener = listener

    def datagram_received(self, data: bytes, addr) -> None:
        self.listener.accept(data.decode("utf-8", "replace").rstrip("\r\n\x00"), "udp")
