"""Benchmark: many users at once on `tinhso serve` (issue #15, "serving many users at once").

A fixed mix of the main pages and APIs — the home dashboard, the unit registry and a search, the programme and
indicators pages, unit search and one tree level through the API, the task list, a static file and the health
probe — is requested by 20 and then 100 concurrent clients (threads with keep-alive connections, each signed in
as one of the demo's users), against `tinhso serve` started as a separate process on PostgreSQL when it is
reachable at 127.0.0.1:5432 (TINHSO_BENCH_PG_URL), else SQLite. Printed per concurrency: requests/s, p50, p99,
errors, and the target: ≥ 150 requests/s with p99 < 1 s. The clients run on the same 2 cores as the server, so
each level also prints the CPU time per request of the server's processes, of PostgreSQL's backends and of the
clients (with the share of a core the clients took), and the requests/s that server + database CPU implies for
the machine's cores — the figure that does not depend on what else the shared machine is doing.

    python bench/bench_core_load.py [--small] [--server auto|gunicorn|waitress] [--workers N] [--threads N]
                                    [--seconds S]
                                    [--database URL]

`--database` runs against an existing PostgreSQL database that already holds the demo (nothing is loaded or
dropped), to repeat a measurement without loading the demo again.

`--small` loads the units, accounts and programme demo only and runs 6 s per level (CI); the full run loads
the indicators, DTI and operations-centre demo too and runs 30 s per level.
"""

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

import _harness

BASE_URL = os.environ.get("TINHSO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = f"bench_core_load_{os.getpid()}"
PASSWORD = "tinhso-demo"
MIX = [  # (weight, path): what a reporting deadline looks like
    (4, "/"),
    (2, "/units/"),
    (1, "/units/?q=thai"),
    (2, "/programme/"),
    (2, "/indicators/"),
    (2, "/api/v1/units?q=bac&limit=50"),
    (2, "/api/v1/units/children"),
    (2, "/api/v1/programme/tasks?limit=20"),
    (1, "/static/core/behaviour.js"),
    (1, "/healthz"),
]
USERS = ["quantri.thainguyen", "daumoi.sokhcn", "daumoi.backan", "lanhdao"]


class Session:
    """One client: a keep-alive connection and a signed-in session cookie. A minimal HTTP/1.1 client on a raw
    socket (a prepared request, Content-Length or chunked bodies): http.client's header parsing cost the
    client threads, which share the 2 cores with the server, about as much CPU as the cheap requests cost the
    server."""

    def __init__(self, port: int, username: str):
        self.port = port
        self.sock: socket.socket | None = None
        self.cookies: dict[str, str] = {}
        self.login(username)

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        payload = body.encode() if body is not None else b""
        if body is not None:
            lines.append(f"Content-Length: {len(payload)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        for attempt in range(2):
            try:
                if self.sock is None:
                    self.sock = self._connect()
                self.sock.sendall(raw)
                status, response_headers, data, keep = self._read_response()
                break
            except OSError:  # the server closed an idle keep-alive connection: once more on a new one
                self.close()
                if attempt:
                    raise
        if not keep:
            self.close()
        for name, value in response_headers:
            if name == b"set-cookie":
                cookie, _, rest = value.decode("latin-1").partition("=")
                self.cookies[cookie.strip()] = rest.split(";", 1)[0]
        return status, data

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _read_response(self):
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("closed before the response")
            buffer += chunk
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        status_line, *header_lines = head.split(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        headers = []
        for line in header_lines:
            name, _, value = line.partition(b":")
            headers.append((name.strip().lower(), value.strip()))
        fields = dict(headers)
        keep = fields.get(b"connection", b"").lower() != b"close"
        if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = b""
            while True:
                while b"\r\n" not in buffer:
                    buffer += self._recv()
                size_line, _, buffer = buffer.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                while len(buffer) < size + 2:
                    buffer += self._recv()
                body += buffer[:size]
                buffer = buffer[size + 2:]
                if size == 0:
                    return status, headers, body, keep
        if b"content-length" in fields:
            length = int(fields[b"content-length"])
            while len(buffer) < length:
                buffer += self._recv()
            return status, headers, buffer[:length], keep
        if status in (204, 304):
            return status, headers, b"", keep
        while chunk := self.sock.recv(65536):  # no length: the body runs to the end of the connection
            buffer += chunk
        return status, headers, buffer, False

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("closed inside the response")
        return chunk

    def login(self, username: str) -> None:
        _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        status, _ = self.request("POST", "/login/", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                          "Referer": f"http://127.0.0.1:{self.port}/login/"})
        if status != 302:
            raise SystemExit(f"đăng nhập thất bại / login failed for {username}: {status}")


def run_level(port: int, clients: int, seconds: float, server_pids=lambda: [], db_pids=lambda: []) -> dict:
    """`clients` threads request the mix for `seconds`. Besides the figures: the CPU seconds the server's
    processes, PostgreSQL's backends and this client used meanwhile (load-independent, unlike requests/s on a
    shared machine)."""
    paths = [path for weight, path in MIX for _ in range(weight)]
    sessions = [Session(port, USERS[i % len(USERS)]) for i in range(clients)]
    latencies: list[float] = []
    by_path: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(session: Session, seed: int) -> None:
        rng = random.Random(seed)
        timed, bad = [], []
        start.wait()
        while time.perf_counter() < deadline[0]:
            path = rng.choice(paths)
            began = time.perf_counter()
            try:
                status, _ = session.request("GET", path)
                if status >= 400:
                    bad.append(f"{status} {path}")
            except Exception as exc:  # noqa: BLE001 - counted as an error
                bad.append(f"{type(exc).__name__} {path}")
            timed.append((path, time.perf_counter() - began))
        with lock:
            latencies.extend(seconds for _, seconds in timed)
            errors.extend(bad)
            for path, seconds in timed:
                by_path.setdefault(path, []).append(seconds)

    threads = [threading.Thread(target=client, args=(s, i)) for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    cpu_before = _harness.cpu_seconds(server_pids()), _harness.cpu_seconds(db_pids()), time.process_time()
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    server_cpu = _harness.cpu_used(cpu_before[0], _harness.cpu_seconds(server_pids()))
    db_cpu = _harness.cpu_used(cpu_before[1], _harness.cpu_seconds(db_pids()))
    client_cpu = time.process_time() - cpu_before[2]
    for session in sessions:
        session.close()
    latencies.sort()
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) if latencies else 0,
            "p99": p99(latencies) if latencies else 0, "errors": errors,
            "by_path": by_path, "elapsed": elapsed, "server_cpu": server_cpu, "db_cpu": db_cpu,
            "client_cpu": client_cpu}


def cpu_line(result: dict) -> str:
    """CPU per request: of the server processes, of PostgreSQL, of the clients; and the requests/s 2 cores
    would serve at that cost with the clients elsewhere — the figure a busy shared machine cannot hide."""
    n = max(1, result["requests"])
    server, db, client = (result[k] / n * 1000 for k in ("server_cpu", "db_cpu", "client_cpu"))
    cores = os.cpu_count() or 1
    implied = cores * 1000 / (server + db) if server + db else 0
    return (f"  CPU/yêu cầu / CPU per request: máy chủ / server {_harness.fmt(server, 2)} ms + PostgreSQL "
            f"{_harness.fmt(db, 2)} ms; máy khách / client {_harness.fmt(client, 2)} ms "
            f"({_harness.fmt(result['client_cpu'] / result['elapsed'] * 100)}% của một lõi / of one core) → "
            f"{cores} lõi / cores: {_harness.fmt(implied)} yêu cầu/s / req/s khi máy khách chạy nơi khác / "
            f"with the clients elsewhere")


def p99(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.99) - 1)]


def slowest_line(result: dict, count: int = 3) -> str:
    """The paths with the highest p99: where the tail comes from."""
    worst = sorted(result["by_path"].items(), key=lambda item: -p99(item[1]))[:count]
    return "  p99 cao nhất / highest p99: " + "; ".join(
        f"{path} {_harness.fmt(p99(values) * 1000)} ms (p50 {_harness.fmt(statistics.median(values) * 1000)})"
        for path, values in worst)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--server", default="auto", choices=("auto", "gunicorn", "waitress"))
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--sqlite", action="store_true", help="SQLite even when PostgreSQL is reachable")
    parser.add_argument("--database", default="", help="an existing PostgreSQL database holding the demo")
    args = parser.parse_args()
    if args.database:
        global DB_NAME
        DB_NAME = args.database.rsplit("/", 1)[1]
        return run(args, args.database)
    database_url, admin_conn = None, None
    if not args.sqlite and _harness.pg_reachable():
        try:
            import psycopg

            admin_conn = psycopg.connect(BASE_URL, autocommit=True)
            admin_conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
            admin_conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            database_url = BASE_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"
        except Exception as exc:  # noqa: BLE001 - fall back to SQLite
            print(f"PostgreSQL không dùng được / not usable ({exc}): SQLite")
    try:
        return run(args, database_url)
    finally:
        if admin_conn is not None:
            from django.db import connections

            connections.close_all()
            admin_conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            admin_conn.close()


def run(args, database_url: str | None) -> int:
    _harness.start_django("core-load", database_url=database_url)
    from django.apps import apps
    from django.db import connections
    from django.utils.module_loading import import_string

    wanted = ["units", "accounts", "programme"] + ([] if args.small else ["indicators", "dti", "ioc"])
    with _harness.Timer() as loading:
        for label in wanted if not args.database else []:
            import_string(apps.get_app_config(label).demo_loader)()
    connections.close_all()
    store = "PostgreSQL" if database_url else "SQLite"
    print(f"Dữ liệu mẫu / demo data ({', '.join(wanted)}) trên / on {store}: {_harness.fmt(loading.seconds, 1)} s")
    port = _harness.free_port()
    command = [sys.executable, "-m", "tinhso.cli", "serve", "--port", str(port), "--server", args.server]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, cwd=_harness.REPO, env={**os.environ, "PYTHONPATH": str(_harness.REPO)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(600):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            print("máy chủ không khởi động / the server did not start")
            return 1
        first_line = ""
        if server.stdout is not None:
            os.set_blocking(server.stdout.fileno(), False)
            first_line = " | ".join(line.strip() for line in (server.stdout.readlines() or []) if line.strip())[-200:]
        print(f"tinhso serve --server {args.server}{f' --workers {args.workers}' if args.workers else ''}"
              f"{f' --threads {args.threads}' if args.threads else ''} "
              f"({first_line})")
        seconds = args.seconds or (6 if args.small else 30)
        run_level(port, 4, 2)  # warm every process's caches
        db_pids = _db_backends(database_url)
        failed = False
        for clients in (20, 100):
            print(_harness.load_line())
            result = run_level(port, clients, seconds, lambda: _harness.process_tree(server.pid), db_pids)
            met = result["rps"] >= 150 and result["p99"] < 1
            print(f"{clients} người dùng đồng thời / concurrent clients: {_harness.fmt(result['requests'])} yêu cầu / "
                  f"requests, {_harness.fmt(result['rps'], 1)} yêu cầu/s / req/s, p50 "
                  f"{_harness.fmt(result['p50'] * 1000)} ms, p99 {_harness.fmt(result['p99'] * 1000)} ms, lỗi / "
                  f"errors {len(result['errors'])}; mục tiêu / target ≥ 150 req/s, p99 < 1 s: "
                  f"{'ĐẠT / MET' if met else 'CHƯA ĐẠT / NOT MET'}")
            print(cpu_line(result))
            print(slowest_line(result))
            if result["errors"]:
                print("  ví dụ lỗi / sample errors:", sorted(set(result["errors"]))[:5])
                failed = True
        return 1 if failed else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _db_backends(database_url: str | None):
    """A function listing the PostgreSQL backend processes serving the benchmark's database (none on SQLite:
    it works inside the server's processes)."""
    if not database_url:
        return lambda: []
    import psycopg

    watcher = psycopg.connect(BASE_URL, autocommit=True)  # its own backend serves another database

    def pids() -> list[int]:
        return [row[0] for row in watcher.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                                  (DB_NAME,))]
    return pids


if __name__ == "__main__":
    sys.exit(main())
