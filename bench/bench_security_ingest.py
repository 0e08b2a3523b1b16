"""Benchmark: security event ingest from a BSD syslog file (target: at least 100.000 events per second per
process), beside DuckDB reading the same file, and the listener over UDP and TCP on loopback.

The ingest parses every line (priority, timestamp, host, program, message; sshd logins and web access
logs classified), attributes each host to its system and owner through the inventory, and writes Parquet
by day. DuckDB only reads the lines and extracts the header fields with one regular expression. The
baseline beside it is the line-by-line parser (`parsers.parse_syslog`, what the ingest used before the
column-wise one) over the same lines, parsing only. Each figure is given in wall time and in CPU time of
the process (all threads): on the shared machine the CPU rate is the load-independent one.

    /work/venv/bin/python bench/bench_security_ingest.py [--small] [--events N] [--rate R]
"""

import argparse
import asyncio
import datetime as dt
import socket
import sys
import time

import _harness

TARGET = 100_000  # events per second


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="200.000 lines and a 3 s listener run")
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--rate", type=int, default=10_000, help="listener: events per second to send")
    args = parser.parse_args()
    count = args.events or (200_000 if args.small else 2_000_000)
    root = _harness.start_django("security-ingest")
    import duckdb

    from tinhso.accounts.models import Role, User
    from tinhso.security import services
    from tinhso.security.events import generator, store
    from tinhso.security.events.listener import Listener
    from tinhso.units.services import UnitData, create_unit

    admin = User.objects.create_user("bench", role=Role.ADMIN, is_superuser=True)
    province = create_unit(admin, UnitData(name="Tỉnh Thái Nguyên", kind="province"))
    owner = create_unit(admin, UnitData(name="Sở Khoa học và Công nghệ", kind="department", parent=province))
    hosts = [f"web{n:02d}.tinh.gov.vn" for n in range(20)]
    services.create_system(admin, {"code": "B-1", "name": "Cổng", "owner": owner, "category": "portal",
                                   "hosting": "cloud", "addresses": "\n".join(hosts[:10])})
    path = root / "syslog.log"
    day = dt.date(2024, 5, 2)
    print(f"Sinh / generating {_harness.fmt(count)} dòng syslog …", flush=True)
    with open(path, "w", encoding="utf-8") as handle:
        for start in range(0, count, 500_000):
            handle.write("\n".join(generator.syslog_lines(hosts, day, min(500_000, count - start), seed=start)) + "\n")

    with _harness.Timer() as ours:
        result = store.ingest_file(path, "syslog", 2024)
    rate = result.lines / ours.seconds
    from tinhso.security.events import parsers

    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    with _harness.Timer() as baseline:
        clock = parsers._Clock(2024)
        parsed = sum(parsers.parse_syslog(line, clock) is not None for line in lines)
    len_lines = len(lines)
    del lines
    con = duckdb.connect()
    with _harness.Timer() as duck:
        header = "'^<(\\d+)>(\\w+) +(\\d+) (\\S+) (\\S+) ([^:\\[ ]+)'"
        con.execute(f"""SELECT count(*), count(regexp_extract(line, {header}, 5))
                        FROM read_csv('{path}', columns={{'line': 'VARCHAR'}}, delim=E'\\x01', header=false,
                                      quote='', escape='')""").fetchall()
    print(f"Syslog → Parquet: {_harness.fmt(result.lines)} dòng / lines trong / in {_harness.fmt(ours.seconds, 2)} s "
          f"= {_harness.fmt(rate)} sự kiện/s / events/s (mục tiêu / target ≥ {_harness.fmt(TARGET)}); CPU "
          f"{_harness.fmt(ours.cpu_seconds, 2)} s = {_harness.fmt(result.lines / ours.cpu_seconds)} sự kiện / events "
          f"per CPU-s; {_harness.fmt(result.malformed)} lỗi / malformed, {_harness.fmt(result.attributed)} gắn hệ "
          f"thống / attributed")
    print(f"DuckDB đọc cùng tệp / reading the same file: {_harness.fmt(duck.seconds, 2)} s "
          f"({_harness.fmt(result.lines / duck.seconds)}/s; CPU {_harness.fmt(duck.cpu_seconds, 2)} s); tỷ lệ thời "
          f"gian / time ratio {_harness.fmt(ours.seconds / duck.seconds, 2)}×, CPU "
          f"{_harness.fmt(ours.cpu_seconds / duck.cpu_seconds, 2)}×")
    print(f"Mốc so sánh / baseline — phân tích từng dòng bằng Python / line-by-line Python parser (chỉ phân tích / "
          f"parsing only, {_harness.fmt(parsed)} dòng / lines): {_harness.fmt(baseline.seconds, 2)} s = "
          f"{_harness.fmt(len_lines / baseline.seconds)}/s; CPU {_harness.fmt(baseline.cpu_seconds, 2)} s = "
          f"{_harness.fmt(len_lines / baseline.cpu_seconds)} per CPU-s")

    seconds = 3.0 if args.small else 10.0
    counters = asyncio.run(_listener_run(Listener(year=2024), args.rate, seconds))
    sent = counters.received_udp + counters.received_tcp
    print(f"Listener {args.rate:,}/s × {seconds:.0f} s qua UDP và TCP / over UDP and TCP: nhận / received "
          f"{_harness.fmt(sent)}, lưu / stored {_harness.fmt(counters.stored)}, bỏ / dropped "
          f"{_harness.fmt(counters.dropped)}, lỗi / malformed {_harness.fmt(counters.malformed)}")
    print(_harness.load_line())
    return 0


async def _listener_run(listener, rate: int, seconds: float):
    port = _harness.free_port()
    ready = asyncio.Event()
    task = asyncio.create_task(listener.serve("127.0.0.1", port, port, seconds=seconds + 1.5, report_every=0,
                                              report=None, ready=ready))
    await ready.wait()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    line = "<38>May  2 10:00:01 web01.tinh.gov.vn sshd[1]: Accepted publickey for ops from 10.0.0.5 port 22 ssh2"
    start = time.perf_counter()
    sent = 0
    while time.perf_counter() - start < seconds:
        due = int((time.perf_counter() - start) * rate)
        burst = []
        while sent < due:
            if sent % 2:
                udp.sendto(line.encode(), ("127.0.0.1", port))
            else:
                burst.append(line + "\n")
            sent += 1
        if burst:
            writer.write("".join(burst).encode())
            await writer.drain()
        await asyncio.sleep(0.005)
    writer.close()
    udp.close()
    return await task


if __name__ == "__main__":
    sys.exit(main())
