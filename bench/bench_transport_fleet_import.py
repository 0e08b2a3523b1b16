"""Benchmark: the fleet import (`transport.fleet.import_fleet`, what the page, the API and the CLI run) on a
fresh SQLite database, where one writer at a time holds the database (issue #15, finding 3).

N vehicles of N/10 businesses, each with a device and a driver, are imported from an XLSX file; then the same
file is imported again with every vehicle's seats changed and every tenth device replaced (updates). For each
import: wall time, CPU time, the number of SQL statements, and side by side the time the write transaction
was open — with `transaction_mode=IMMEDIATE` the write lock is taken at BEGIN, so that is how long every other
writer waits at worst.

    python bench/bench_transport_fleet_import.py [--small] [--vehicles N]      (full: 1.000, --small: 200)
"""

import argparse
import io
import sys
import time

import _harness
import _transport


def _fleet_file(n: int, update: bool) -> bytes:
    import openpyxl

    from tinhso.transport.fleet import FLEET_COLUMNS, FLEET_TITLES

    kinds = ["Tuyến cố định", "hợp đồng", "du lịch", "taxi", "xe buýt", "hàng hóa", "container"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([FLEET_TITLES[c] for c in FLEET_COLUMNS])
    for i in range(n):
        b = i // 10
        kind = kinds[i % len(kinds)]
        seats = None if kind in ("hàng hóa", "container") else 16 + i % 30 + (1 if update else 0)
        tonnage = "8,5" if seats is None else None
        route = "Thái Nguyên – Hà Nội" if kind == "Tuyến cố định" else ""
        device = f"GSHT-{i:06d}" + ("-B" if update and i % 10 == 0 else "")
        sheet.append(
            [
                f"Công ty Vận tải Thử {b:04d}",
                f"20-{b:04d}/GPKDVT",
                f"20B-{i // 100:03d}.{i % 100:02d}",
                kind,
                seats,
                tonnage,
                route,
                f"PH-{i:06d}",
                "31/12/2028" if update else "31/12/2027",
                device,
                "Bình Anh",
                f"2000{i:08d}",
                f"Lái Xe {i:05d}",
                "có",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class TransactionClock:
    """Times every outermost `transaction.atomic()` block (the time the write lock is held on SQLite)."""

    def __init__(self):
        self.spans: list[float] = []
        self.cpu = 0.0  # CPU seconds of this process inside them (the load-independent part)

    def __enter__(self):
        from django.db import transaction

        self._enter, self._exit = transaction.Atomic.__enter__, transaction.Atomic.__exit__
        clock = self

        def enter(atomic):
            if not transaction.get_connection(atomic.using).in_atomic_block:
                atomic._bench_started = time.perf_counter(), time.process_time()
            return clock._enter(atomic)

        def exit_(atomic, *exc):
            try:
                return clock._exit(atomic, *exc)
            finally:
                started = atomic.__dict__.pop("_bench_started", None)
                if started is not None:
                    clock.spans.append(time.perf_counter() - started[0])
                    clock.cpu += time.process_time() - started[1]

        transaction.Atomic.__enter__, transaction.Atomic.__exit__ = enter, exit_
        return self

    def __exit__(self, *exc):
        from django.db import transaction

        transaction.Atomic.__enter__, transaction.Atomic.__exit__ = self._enter, self._exit


def _run(label: str, user, content: bytes) -> tuple[object, float]:
    from django.db import connection

    from tinhso.transport import fleet

    rows = fleet.read_fleet(content, "doi-xe.xlsx")
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count), TransactionClock() as clock, _harness.Timer() as timer:
        result = fleet.import_fleet(user, rows)
    held = sum(clock.spans)
    longest = max(clock.spans, default=0)
    print(
        f"{label}: {_harness.fmt(timer.seconds, 2)} s, CPU {_harness.fmt(timer.cpu_seconds, 2)} s, "
        f"{_harness.fmt(len(statements))} lệnh gọi CSDL / database calls (executemany: 1); "
        f"giao dịch ghi giữ khóa / write transaction holds the lock {_harness.fmt(held, 2)} s "
        f"(CPU {_harness.fmt(clock.cpu, 2)} s) "
        f"({len(clock.spans)} giao dịch / transactions, dài nhất / longest {_harness.fmt(longest, 2)} s); "
        f"tạo / created {result.created}, sửa / updated {result.updated}, lỗi / errors {len(result.errors)}"
    )
    return result, held


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="200 vehicles instead of 1.000")
    parser.add_argument("--vehicles", type=int, default=0)
    args = parser.parse_args()
    n = args.vehicles or (200 if args.small else 1_000)
    _harness.start_django("fleet-import")
    from tinhso.transport.models import Device, Vehicle

    user = _transport.inspector()
    first, second = _fleet_file(n, update=False), _fleet_file(n, update=True)
    print(
        f"Nhập đội xe {_harness.fmt(n)} xe vào CSDL mới (SQLite, WAL, IMMEDIATE) / importing a fleet of "
        f"{_harness.fmt(n)} vehicles into a fresh database"
    )
    print(_harness.load_line())
    created, _ = _run("Tạo mới / create", user, first)
    updated, _ = _run("Cập nhật / update", user, second)
    ok = (
        (created.created, updated.updated, Vehicle.objects.count()) == (n, n, n)
        and not (created.errors or updated.errors)
        and Device.objects.filter(vehicle__isnull=False).count() == n
    )
    print("Kết quả / outcome:", "đúng / correct" if ok else "SAI / WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
