"""Benchmark: many users at once on `tinhso serve` (issue #15, "serving many users at once").

A fixed mix of the main pages and APIs — the home dashboard, the unit registry and a search, the programme and
indicators pages, unit search and one tree level through the API, the task list, a static file and the health
probe — is requested by 20 and then 100 concurrent clients (threads with keep-alive connections, each signed in
as one of the demo's users), against `tinhso serve` started as a separate process on PostgreSQL when it is
reachable at 127.0.0.1:5432 (TINHSO_BENCH_PG_URL), else SQLite. Printed per concurrency: requests/s, p50, p99,
errors, and the target: ≥ 150 requests/s with p99 < 1 s. The clients run on the same 2 cores as the server.

    python bench/bench_core_load.py [--small] [--server auto|gunicorn|waitress] [--workers N] [--seconds S]

`--small` loads the units, accounts and programme demo only and runs 6 s per level (CI); the full run loads
the indicators, DTI and operations-centre demo too and runs 30 s per level.
"""

import argparse
import http.client
import os
import random
import re
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
    """One client: a keep-alive connection and a signed-in session cookie."""

    def __init__(self, port: int, username: str):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.login(username)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username: str) -> None:
        _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        status, _ = self.request("POST", "/login/", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                          "Referer": f"http://127.0.0.1:{self.port}/login/"})
        if status != 302:
            raise SystemExit(f"đăng nhập thất bại / login failed for {username}: {status}")


def run_level(port: int, clients: int, seconds: float) -> dict:
    paths = [path for weight, path in MIX for _ in range(weight)]
    sessions = [Session(port, USERS[i % len(USERS)]) for i in range(clients)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(session: Session, seed: int) -> None:
        rng = random.Random(seed)
        mine, bad = [], []
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
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(s, i)) for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) if latencies else 0,
            "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else 0, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--server", default="auto", choices=("auto", "gunicorn", "waitress"))
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--sqlite", action="store_true", help="SQLite even when PostgreSQL is reachable")
    args = parser.parse_args()
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
        for label in wanted:
            import_string(apps.get_app_config(label).demo_loader)()
    connections.close_all()
    store = "PostgreSQL" if database_url else "SQLite"
    print(f"Dữ liệu mẫu / demo data ({', '.join(wanted)}) trên / on {store}: {_harness.fmt(loading.seconds, 1)} s")
    port = _harness.free_port()
    command = [sys.executable, "-m", "tinhso.cli", "serve", "--port", str(port), "--server", args.server]
    if args.workers:
        command += ["--workers", str(args.workers)]
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
        print(f"tinhso serve --server {args.server}{f' --workers {args.workers}' if args.workers else ''} "
              f"({first_line})")
        seconds = args.seconds or (6 if args.small else 30)
        run_level(port, 4, 2)  # warm every process's caches
        failed = False
        for clients in (20, 100):
            print(_harness.load_line())
            result = run_level(port, clients, seconds)
            met = result["rps"] >= 150 and result["p99"] < 1
            print(f"{clients} người dùng đồng thời / concurrent clients: {_harness.fmt(result['requests'])} yêu cầu / "
                  f"requests, {_harness.fmt(result['rps'], 1)} yêu cầu/s / req/s, p50 "
                  f"{_harness.fmt(result['p50'] * 1000)} ms, p99 {_harness.fmt(result['p99'] * 1000)} ms, lỗi / "
                  f"errors {len(result['errors'])}; mục tiêu / target ≥ 150 req/s, p99 < 1 s: "
                  f"{'ĐẠT / MET' if met else 'CHƯA ĐẠT / NOT MET'}")
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


if __name__ == "__main__":
    sys.exit(main())
