"""Benchmark: the data-sharing ledger.

1. Import of one day of national-platform volume (1,6 million transactions) from an LGSP CSV export through
   its mapping (typing, catalogue join, de-duplication against the day, Parquet and daily counts): < 10 s.
2. Monthly roll-up per unit and service over 100 million ledger rows: < 1 s (read from the daily counts),
   printed beside a plain DuckDB scan of the raw rows for scale.
Wall time and the process's CPU time (all threads) are printed: on the shared machine the CPU time is the
load-independent figure.

    /work/venv/bin/python bench/bench_sharing_ledger.py [--small] [--import-rows N] [--ledger-rows N]
"""

import argparse
import datetime as dt
import statistics
import sys
import time

import _harness
import _sharing


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="160.000 imported rows, 2 million ledger rows")
    parser.add_argument("--import-rows", type=int, default=0)
    parser.add_argument("--ledger-rows", type=int, default=0)
    args = parser.parse_args()
    n_import = args.import_rows or (160_000 if args.small else 1_600_000)
    n_ledger = args.ledger_rows or (2_000_000 if args.small else 100_000_000)

    _harness.start_django("sharing-ledger")
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from tinhso.accounts.models import User
    from tinhso.sharing import imports, ledger, services

    month = (2025, 10)
    start, end = services.month_bounds(*month)
    days = (end - start).days + 1

    # ---- 1. import
    table = _sharing.rows(n_import, dt.date(2025, 11, 3), seed=1)
    local = pc.add(table.column("request_at"), pa.scalar(dt.timedelta(hours=7)))
    csv_table = pa.table({
        "Mã giao dịch": table.column("message_id"),
        "Thời gian yêu cầu": pc.strftime(pc.floor_temporal(local, unit="second"), format="%d/%m/%Y %H:%M:%S"),
        "Mã định danh đơn vị khai thác": table.column("client_unit"),
        "Hệ thống khai thác": table.column("client_system"),
        "Mã định danh đơn vị cung cấp": table.column("provider_unit"),
        "Hệ thống cung cấp": table.column("provider_system"),
        "Mã dịch vụ": table.column("service_code"), "Phiên bản": table.column("service_version"),
        "Phương thức": table.column("method"), "Đường dẫn": table.column("path"),
        "Mã trạng thái HTTP": table.column("status"),
        "Kết quả": pc.if_else(table.column("succeeded"), "Thành công", "Lỗi"),
        "Thời gian xử lý (ms)": pc.round(table.column("duration_ms"), 1),
        "Dung lượng phản hồi (byte)": table.column("response_bytes")})
    sink = pa.BufferOutputStream()
    pacsv.write_csv(csv_table, sink)
    content = sink.getvalue().to_pybytes()
    del csv_table, table
    with _harness.Timer() as t_import:
        report = imports.import_file(None, content, "lgsp-2025-11-03.csv", "lgsp-csv")
    with _harness.Timer() as t_again:
        again = imports.import_file(None, content + b"\n", "lgsp-again.csv", "lgsp-csv")
    ok_import = report.rows_stored == n_import and again.rows_stored == 0
    print(f"Nhập / import {_harness.fmt(n_import)} giao dịch LGSP CSV ({_harness.fmt(len(content) / 2**20, 1)} MiB): "
          f"{_harness.fmt(t_import.seconds, 2)} s ({_harness.fmt(n_import / t_import.seconds)} dòng/rows/s; CPU "
          f"{_harness.fmt(t_import.cpu_seconds, 2)} s = {_harness.fmt(n_import / t_import.cpu_seconds)} per CPU-s), "
          f"lưu / stored {_harness.fmt(report.rows_stored)}; nhập lại tệp chồng lấn / overlapping re-import "
          f"{_harness.fmt(t_again.seconds, 2)} s, thêm / added {again.rows_stored} — mục tiêu / target < 10 s "
          f"{'✔' if t_import.seconds < 10 and ok_import else '✘'}", flush=True)

    # ---- 2. monthly roll-up
    per_day = n_ledger // days
    t0 = time.perf_counter()
    for i in range(days):
        ledger.write(_sharing.rows(per_day, start + dt.timedelta(days=i), seed=100 + i, start_id=i * per_day),
                     batch=f"bench-{i}")
    build = time.perf_counter() - t0
    total = per_day * days
    print(f"Sổ giao dịch / ledger: {_harness.fmt(total)} dòng / rows over {days} ngày / days written in "
          f"{_harness.fmt(build, 1)} s", flush=True)
    office = User(is_superuser=True, is_active=True)
    timings = {"by provider unit & service": [], "by client unit & service": [], "monthly counts per unit": [],
               "DuckDB scan of the raw rows": []}
    cpu = {name: [] for name in timings}
    check = None
    paths = ledger.files("ledger", start, end)
    listed = ", ".join(f"'{p}'" for p in paths)
    for _ in range(5):
        for name, fn in (("by provider unit & service", lambda: services.rollup(office, start, end, "service")),
                         ("by client unit & service", lambda: services.rollup(office, start, end, "client")),
                         ("monthly counts per unit", lambda: services.monthly_counts(None, *month)),
                         ("DuckDB scan of the raw rows", lambda: ledger.query(
                             f"SELECT provider_unit, service_code, count(*) FROM read_parquet([{listed}]) "
                             "GROUP BY ALL"))):
            t, c = time.perf_counter(), time.process_time()
            result = fn()
            timings[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
            if name == "by provider unit & service":
                check = sum(r["calls"] for r in result)
    ok_rollup = check == total
    for name, values in timings.items():
        median = statistics.median(values)
        target = "" if name.startswith("DuckDB") else (" — mục tiêu / target < 1 s " + ("✔" if median < 1 else "✘"))
        print(f"  {name:<30} median {_harness.fmt(median * 1000, 1)} ms (min {_harness.fmt(min(values) * 1000, 1)}; "
              f"CPU median {_harness.fmt(statistics.median(cpu[name]) * 1000, 1)} ms){target}")
    print(f"  tổng khớp / totals agree: {'✔' if ok_rollup else '✘'} ({_harness.fmt(check or 0)})")
    print(_harness.load_line())
    return 0 if ok_import and ok_rollup else 1


if __name__ == "__main__":
    sys.exit(main())
