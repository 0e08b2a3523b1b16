"""Benchmark: stream ingest over HTTP (127.0.0.1 only). Devices' batches are POSTed as JSON to
/api/v1/transport/ingest/stream of a real server (`tinhso serve`, waitress) by concurrent clients with a
bearer token; prints the sustained points per second and the p50/p99 latency of a batch (each batch is
validated, committed atomically to the day files and logged; days are compacted as files accumulate).

    /work/venv/bin/python bench/bench_transport_stream.py [--small] [--batches N] [--batch-size N] [--clients N]
"""

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import _harness
import _transport


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="60 batches instead of 600")
    parser.add_argument("--batches", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=2)
    args = parser.parse_args()
    n_batches = args.batches or (60 if args.small else 600)

    root = _harness.start_django("stream")
    from tinhso.accounts.models import ApiToken
    from tinhso.transport import generator, services

    fleet = generator.make_fleet(50, 5)
    services.register_fleet(fleet)
    _, token = ApiToken.issue(_transport.inspector(), "bench")
    days = max(1, -(-n_batches * args.batch_size // (50 * 2880)))
    table = generator.generate_table(fleet, dt.date(2025, 9, 1), days, 5, parked_interval=30)
    table = table.sort_by([("time", "ascending")])  # a provider forwards points as they arrive
    rows = table.slice(0, n_batches * args.batch_size).to_pylist()
    bodies = []
    for i in range(0, len(rows), args.batch_size):
        batch = [{**r, "time": r["time"].isoformat()} for r in rows[i:i + args.batch_size]]
        bodies.append(json.dumps({"points": batch}).encode())
    del rows, table

    port = _harness.free_port()
    env = {**os.environ, "TINHSO_DATA_DIR": str(root)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "tinhso"), "serve", "--host", "127.0.0.1", "--port",
                               str(port), "--threads", "4"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        queue = list(enumerate(bodies))

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            while True:
                with lock:
                    if not queue:
                        return
                    _, body = queue.pop(0)
                started = time.perf_counter()
                conn.request("POST", "/api/v1/transport/ingest/stream", body, headers)
                response = conn.getresponse()
                payload = response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status != 200:
                        errors.append(f"{response.status}: {payload[:200].decode(errors='replace')}")

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(20)
    if errors:
        print("Lỗi / errors:", errors[:3])
        shutil.rmtree(root, ignore_errors=True)
        return 1
    points = n_batches * args.batch_size
    lat = sorted(latencies)
    p99 = lat[max(0, int(len(lat) * 0.99) - 1)]
    from tinhso.transport import store

    stats = store.store_stats()
    print(f"{n_batches} lô × {args.batch_size} điểm, {args.clients} luồng gửi / batches × points, client threads: "
          f"{_harness.fmt(points / wall)} điểm/giây duy trì / sustained points/s; độ trễ một lô / batch latency "
          f"p50 {statistics.median(lat) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")
    print(f"Kho sau khi nhận / store after: {_harness.fmt(stats['points'])} điểm / points trong / in "
          f"{stats['files']} tệp / files")
    print(_harness.load_line())
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
