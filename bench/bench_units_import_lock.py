"""Benchmark: a 20.000-row units import while another user keeps writing (issue #15, finding 3), on SQLite,
where one writer at a time holds the database.

The import reads a CSV file of 20.000 communes (`read_table` + `units.services.import_units`, what the page and
the API run) in one thread; meanwhile a second thread — "another user" with its own database connection —
changes a unit's note every 100 ms through `update_unit` until the import ends. Printed: the import's time,
how much of it was spent checking rows (no lock) and writing (one short transaction), and the other writer's
longest wait, median wait and failures (a lock time-out would be one; the server answers it 503).

    python bench/bench_units_import_lock.py [--small]      (--small: 2.000 rows)
"""

import argparse
import statistics
import sys
import threading
import time

import _harness


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--rows", type=int, default=0)
    args = parser.parse_args()
    rows = args.rows or (2_000 if args.small else 20_000)
    _harness.start_django("units-lock")
    from django.db import OperationalError, connection

    from tinhso.accounts.models import Role, User
    from tinhso.core.tabular import read_table, to_csv
    from tinhso.units import services
    from tinhso.units.models import Unit, UnitKind

    admin = User.objects.create_user("bench-admin", password="x", role=Role.ADMIN, is_superuser=True)
    province = services.create_unit(admin, services.UnitData(name="Tỉnh Thử", kind=UnitKind.PROVINCE,
                                                             code="000.00.00.H99", stats_code="99"))
    other = services.create_unit(admin, services.UnitData(name="Sở Thử", kind=UnitKind.DEPARTMENT,
                                                          parent=province, code="000.00.01.H99"))
    headers = [services.COLUMN_TITLES[c] for c in ("name", "kind", "parent_code", "stats_code")]
    content = to_csv(headers, [[f"Xã Thử {i:05d}", "commune", province.code, str(9_000_000 + i)]
                               for i in range(rows)])
    print(f"Nhập {_harness.fmt(rows)} xã từ CSV trong khi một người dùng khác ghi mỗi 100 ms / importing "
          f"{_harness.fmt(rows)} communes from CSV while another user writes every 100 ms (SQLite, WAL)")
    print(_harness.load_line())

    done = threading.Event()
    waits: list[float] = []
    failures: list[str] = []

    def other_writer() -> None:
        count = 0
        try:
            while not done.is_set():
                count += 1
                unit = Unit.objects.get(pk=other.pk)
                started = time.perf_counter()
                try:
                    services.update_unit(admin, unit.pk, {"note": f"sửa lần {count}"}, unit.version, "bench")
                except OperationalError as exc:
                    failures.append(str(exc))
                waits.append(time.perf_counter() - started)
                done.wait(0.1)
        finally:
            connection.close()

    writer = threading.Thread(target=other_writer)
    writer.start()
    time.sleep(0.3)
    timings: dict[str, float] = {"write": 0.0}
    bulk = services.bulk_create_units

    def timed_bulk(*a, **kw):  # the write phase (inside the one transaction)
        started = time.perf_counter()
        try:
            return bulk(*a, **kw)
        finally:
            timings["write"] += time.perf_counter() - started

    services.bulk_create_units = timed_bulk
    try:
        with _harness.Timer() as total:
            parsed = read_table(content, "xa.csv", services.HEADER_ALIASES)
            timings["read"] = time.perf_counter() - total.start
            result = services.import_units(admin, parsed)
    finally:
        done.set()
        writer.join()
        services.bulk_create_units = bulk
    if result.errors:
        print("LỖI / ERRORS:", result.errors[:5])
        return 1
    created = Unit.objects.filter(stats_code__startswith="9").exclude(pk=province.pk).count()
    print(f"Đã tạo / created {_harness.fmt(result.created)} (trong CSDL / in the database {_harness.fmt(created)})")
    print(f"Thời gian nhập / import time: {_harness.fmt(total.seconds, 1)} s "
          f"(đọc tệp / reading the file {_harness.fmt(timings['read'], 1)} s, ghi trong một giao dịch / writing "
          f"in one transaction {_harness.fmt(timings['write'], 1)} s)")
    if waits:
        print(f"Người ghi khác / the other writer: {_harness.fmt(len(waits))} lần ghi / writes, chờ lâu nhất / "
              f"longest wait {_harness.fmt(max(waits) * 1000)} ms, trung vị / median "
              f"{_harness.fmt(statistics.median(waits) * 1000, 1)} ms, thất bại / failed {len(failures)}")
    target_ok = not failures and waits and max(waits) < 10
    print(f"Mục tiêu / target: người ghi khác không thất bại, chờ < 10 s / the other writer never fails, waits "
          f"< 10 s: {'ĐẠT / MET' if target_ok else 'CHƯA ĐẠT / NOT MET'}")
    return 0 if created == rows else 1


if __name__ == "__main__":
    sys.exit(main())
