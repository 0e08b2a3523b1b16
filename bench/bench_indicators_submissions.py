"""Benchmark: 2.000 report submissions arriving at once through the API, against PostgreSQL.

A real HTTP server (waitress, 8 threads) serves the project; 32 client threads send every submission
(`PUT /api/v1/indicators/reports` with `submit: true`) at once, and re-send 10% of them a second
time concurrently (as a client retrying after a timeout would). Checked afterwards: every report is
stored exactly once, submitted, with all its values — none lost, none duplicated. Latency p50/p99
is reported. Skips with a message when PostgreSQL is not reachable at 127.0.0.1:5432 (or
TINHSO_BENCH_PG_URL). `--small` sends 100 submissions.

    python bench/bench_indicators_submissions.py [--small]
"""

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import _harness

BASE_URL = os.environ.get("TINHSO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = f"bench_indicators_{os.getpid()}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    count = 100 if args.small else 2000
    if not _harness.pg_reachable():
        print("PostgreSQL không truy cập được tại 127.0.0.1:5432: bỏ qua / not reachable: skipped")
        return 0
    import psycopg

    try:
        admin_conn = psycopg.connect(BASE_URL, autocommit=True)
    except psycopg.Error as exc:
        print(f"PostgreSQL không kết nối được / cannot connect ({exc}): bỏ qua / skipped")
        return 0
    admin_conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    admin_conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        return run(count)
    finally:
        from django.db import connections

        connections.close_all()
        admin_conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin_conn.close()


def run(count: int) -> int:
    started = time.perf_counter()
    _harness.start_django("submissions", database_url=BASE_URL.rsplit("/", 1)[0] + f"/{DB_NAME}")
    from waitress.server import create_server

    from tinhso.accounts.models import ApiToken, Role, User
    from tinhso.indicators import services
    from tinhso.indicators.models import DataValue, Report, Status
    from tinhso.units.models import Unit, UnitKind
    from tinhso.units.services import bulk_create_units
    from tinhso.wsgi import application

    services.load_catalogue()
    province = Unit(name="Tỉnh Thử nghiệm", kind=UnitKind.PROVINCE, stats_code="99")
    communes = [Unit(name=f"Xã Thử nghiệm {i:04d}", kind=UnitKind.COMMUNE, parent=province, stats_code=f"{i:05d}")
                for i in range(1, max(10, count // 10) + 1)]
    bulk_create_units(None, [province, *communes], "benchmark")
    client_user = User.objects.create(username="api.bench", role=Role.API_CLIENT, unit=province)
    _, token = ApiToken.issue(client_user, "bench")
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    jobs = []
    rng = random.Random(7)
    for i in range(count):
        unit = communes[i % len(communes)]
        period = months[i // len(communes)]  # ten months per commune
        total = rng.randint(50, 500)
        values = {"HS_TONG": total, "HS_TRUC_TUYEN": rng.randint(0, total), "HS_DA_GIAI_QUYET": total,
                  "HS_SO_HOA_KQ": rng.randint(0, total), "HSCV_TONG": 100, "HSCV_TREN_MANG": rng.randint(80, 100)}
        jobs.append({"form": "BM01-THANG", "unit_id": unit.pk, "period": period, "values": values, "submit": True})
    keys = {(j["unit_id"], j["period"]) for j in jobs}
    assert len(keys) == count, "each submission must be a distinct report"
    resends = rng.sample(jobs, count // 10)
    from django.db import connections

    connections.close_all()

    import logging

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" is the point here
    server = create_server(application, host="127.0.0.1", port=0, threads=8)
    port = server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    print(f"chuẩn bị / setup {time.perf_counter() - started:.1f} s; máy chủ / server http://127.0.0.1:{port}")

    def send(job: dict) -> tuple[int, float]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/indicators/reports", data=json.dumps(job).encode(), method="PUT",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
            body = exc.read()[:300]
            print(f"  lỗi / error {status}: {body!r}")
        return status, time.perf_counter() - t0

    wall = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(send, jobs + resends))
    wall = time.perf_counter() - wall
    server.close()

    statuses = [s for s, _ in results]
    latencies = sorted(t for _, t in results)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    stored = Report.objects.filter(status=Status.SUBMITTED).count()
    distinct = Report.objects.values("form", "unit", "period").distinct().count()
    values = DataValue.objects.count()
    ok_statuses = all(s in (200, 201) for s in statuses)
    created = statuses.count(201)
    good = ok_statuses and stored == count and distinct == count and values == count * 6 and created == count
    print(f"{count} báo cáo + {len(resends)} gửi lại đồng thời / submissions + concurrent resends "
          f"trong / in {wall:.1f} s ({(count + len(resends)) / wall:.0f} yêu cầu/s / requests/s)")
    print(f"đã lưu / stored: {stored} báo cáo đã gửi / submitted reports, {distinct} khác nhau / distinct, "
          f"{values} giá trị / values (kỳ vọng / expected {count}, {count}, {count * 6}); "
          f"201 Created: {created}, mã lỗi / errors: {sum(s not in (200, 201) for s in statuses)}")
    print(f"độ trễ / latency p50 {p50:.0f} ms · p99 {p99:.0f} ms — "
          f"{'OK: không mất, không trùng / none lost or duplicated' if good else 'LỖI / FAILED'}")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
