"""Benchmark: the data-sharing gateway's added latency. The same local upstream (a keep-alive HTTP/1.1
server in its own process) is called directly and through `/sharing/gw/<service>/…` of a real server
(`tinhso serve`, waitress) by 50 concurrent clients with keep-alive connections; median and p99 latency of
both are printed side by side, and the overhead (gateway − direct). Target: median overhead < 5 ms.
Every gateway call is checked to be in the ledger exactly once afterwards.

    /work/venv/bin/python bench/bench_sharing_gateway.py [--small] [--clients N] [--calls N]
"""

import argparse
import http.client
import http.server
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import _harness

BODY = b'{"ho_ten": "Nguyen Van A", "ngay_sinh": "01/01/1990", "noi_sinh": "Thai Nguyen"}' * 4


class _Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # 50 clients connect at once: the default backlog of 5 would drop SYNs


def serve_upstream(port: int) -> None:
    _Server(("127.0.0.1", port), _Upstream).serve_forever()


def _wait(port: int, path: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"port {port} did not answer")


def _run(port: int, path: str, clients: int, calls: int, headers: dict, rate: float = 0
         ) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        barrier.wait()
        begin = time.perf_counter() + (index / clients / rate if rate else 0)  # clients spread over a period
        for n in range(calls):
            if rate:  # paced like an agency's system, not a flood: latency, not the CPU queue, is measured
                pause = begin + n / rate - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and body == BODY
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            mine.append(time.perf_counter() - t)
            if not ok:
                with lock:
                    failures[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, failures[0], len(latencies) / (time.perf_counter() - started)


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) of a process and its live children, from /proc: what a phase
    cost the server, whatever the machine's load made it wait."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="20 calls per client instead of 200")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--calls", type=int, default=0, help="calls per client and phase")
    parser.add_argument("--rate", type=float, default=5.0,
                        help="calls per second of each client (0: as fast as possible, which measures the CPU "
                             "queue of a 2-core machine rather than the gateway)")
    parser.add_argument("--upstream", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.upstream:
        serve_upstream(args.upstream)
        return 0
    calls = args.calls or (20 if args.small else 200)

    root = _harness.start_django("sharing-gw")
    from tinhso.accounts.models import Role, User
    from tinhso.sharing import ledger, services
    from tinhso.units.models import UnitKind
    from tinhso.units.services import UnitData, create_unit

    up_port, gw_port = _harness.free_port(), _harness.free_port()
    admin = User.objects.create_user("bench", role=Role.ADMIN, is_superuser=True)
    province = create_unit(admin, UnitData(name="Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE, code="000.00.00.H55"))
    provider = create_unit(admin, UnitData(name="Sở Tư pháp", kind=UnitKind.DEPARTMENT, parent=province,
                                           code="000.00.03.H55"))
    consumer = create_unit(admin, UnitData(name="Sở Y tế", kind=UnitKind.DEPARTMENT, parent=province,
                                           code="000.00.16.H55"))
    service = services.save_service(admin, {
        "provider_unit": provider, "provider_system": "Hộ tịch", "code": "ho-tich", "name": "Hộ tịch",
        "status": "active", "endpoint_url": f"http://127.0.0.1:{up_port}/api", "rate_limit_per_minute": 1_000_000,
        "daily_quota": 100_000_000})
    access = services.request_access(admin, service.pk, consumer, "HIS", "Đo độ trễ của cổng kết nối")
    services.decide_access(admin, access.pk, True)
    _, key = services.issue_key(admin, access.pk)

    # the server runs this checkout, not whatever copy of tinhso is installed
    env = {**os.environ, "TINHSO_DATA_DIR": str(root),
           "PYTHONPATH": os.pathsep.join(p for p in (str(_harness.REPO), os.environ.get("PYTHONPATH", "")) if p)}
    upstream = subprocess.Popen([sys.executable, __file__, "--upstream", str(up_port)])
    gateway = subprocess.Popen([str(Path(sys.executable).parent / "tinhso"), "serve", "--host", "127.0.0.1",
                                "--port", str(gw_port), "--threads", "16"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        _wait(up_port, "/api/x")
        _wait(gw_port, "/healthz")
        headers = {"X-Api-Key": key}
        _run(gw_port, "/sharing/gw/ho-tich/records/1", 4, 10, headers)  # warm-up: imports, pools
        _run(up_port, "/api/records/1", 4, 10, {})
        up_cpu = _cpu_seconds(upstream.pid)
        direct, direct_failed, direct_rps = _run(up_port, "/api/records/1", args.clients, calls, {}, args.rate)
        up_cpu = _cpu_seconds(upstream.pid) - up_cpu
        gw_cpu = _cpu_seconds(gateway.pid)
        via, via_failed, via_rps = _run(gw_port, "/sharing/gw/ho-tich/records/1", args.clients, calls, headers,
                                        args.rate)
        gw_cpu = _cpu_seconds(gateway.pid) - gw_cpu
    finally:
        gateway.terminate()
        upstream.terminate()
        gateway.wait(30)
        upstream.wait(30)
    ms = 1000.0
    pace = f"{_harness.fmt(args.rate, 1)} lượt/giây mỗi máy / calls/s each" if args.rate else "tối đa / flat out"
    print(f"{args.clients} máy khách đồng thời / concurrent clients × {calls} lượt / calls (keep-alive, {pace}); "
          f"thông lượng / throughput {_harness.fmt(direct_rps)} / {_harness.fmt(via_rps)} lượt/giây / calls/s")
    print(f"  {'':<24}{'median':>10}{'p99':>10}")
    print(f"  {'trực tiếp / direct':<24}{_harness.fmt(statistics.median(direct) * ms, 2):>10}"
          f"{_harness.fmt(_p(direct, 0.99) * ms, 2):>10} ms")
    print(f"  {'qua cổng / via gateway':<24}{_harness.fmt(statistics.median(via) * ms, 2):>10}"
          f"{_harness.fmt(_p(via, 0.99) * ms, 2):>10} ms")
    overhead = (statistics.median(via) - statistics.median(direct)) * ms
    print(f"  {'thêm / added':<24}{_harness.fmt(overhead, 2):>10}"
          f"{_harness.fmt((_p(via, 0.99) - _p(direct, 0.99)) * ms, 2):>10} ms — mục tiêu / target median < 5 ms "
          f"{'✔' if overhead < 5 else '✘'}")
    n_calls = args.clients * calls
    print(f"  CPU mỗi lượt (không phụ thuộc tải máy) / CPU per call (load-independent): cổng / gateway process "
          f"{_harness.fmt(gw_cpu / n_calls * ms, 2)} ms, máy chủ đích / upstream "
          f"{_harness.fmt(up_cpu / n_calls * ms, 2)} ms")
    recorded = ledger.query("SELECT count(*), count(DISTINCT message_id) FROM {ledger} "
                            "WHERE side = 'gateway' AND status = 200")[0]
    expected = args.clients * calls + 40
    ok = direct_failed == 0 and via_failed == 0 and recorded == (expected, expected)
    print(f"  lỗi / failures: {direct_failed} + {via_failed}; dòng sổ giao dịch / ledger rows {recorded[0]} "
          f"(mong đợi / expected {expected}, mỗi lượt một dòng / one per call {'✔' if ok else '✘'})")
    print(_harness.load_line())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
