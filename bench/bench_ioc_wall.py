"""Benchmark: many IOC wall screens polling one dashboard through a kiosk link.

Starts `tinhso serve --workers 1` (one process, 8 threads) on loopback over a throw-away database with the
indicators benchmark's data at small size, a shared leader dashboard and a kiosk link; then N pollers
(threads of this process, one keep-alive connection each) open the wall page and poll its data.json
every few seconds (as the wall's script does: min(refresh, 5) s) for T seconds. Reported:
  - computations: distinct figure computations the screens saw (the server counts them; target: at most
    one per refresh interval, i.e. ≤ T / refresh + 1);
  - p99 of the update push: the response time of the polls that carried new figures to a screen, and
    of all polls (target < 1 s);
  - errors (target: none).
Full size: 200 screens for 60 s, refresh every 10 s. `--small`: 20 screens for 12 s, refresh 3 s.

    python bench/bench_ioc_wall.py [--small] [--screens N] [--seconds T]
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time

import _harness
import _indicators


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--screens", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--refresh", type=int)
    args = parser.parse_args()
    screens = args.screens or (20 if args.small else 200)
    seconds = args.seconds or (12 if args.small else 60)
    refresh = args.refresh or (3 if args.small else 10)
    poll = min(refresh, 5)

    root = _harness.start_django("ioc-wall", settings={
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]})
    from tinhso.indicators import services as indicators
    from tinhso.ioc import services

    data = _indicators.build(340, 20, 24, reports=True)
    province = data["provinces"][0]
    for i in range(1, 9):
        indicators.set_target(data["admin"], f"B{i:03d}", province, data["last_year"], 1000 * (i + 2))
    board = services.save_dashboard(data["admin"], {
        "name": "Màn hình IOC", "scope": province.pk, "refresh_seconds": refresh, "rotate_seconds": 10, "widgets": [
            {"widget": "indicators.plan", "params": {"limit": 8}},
            {"widget": "indicators.trend", "params": {"indicator": "B001"}},
            {"widget": "indicators.map", "params": {"indicator": "B001"}, "page": 2, "wide": True},
            {"widget": "indicators.ranking", "params": {"indicator": "B001"}, "page": 3}]}, shared=True)
    _, token = services.issue_kiosk_link(data["admin"], board.pk, "Tường", days=1)

    port = _harness.free_port()
    env = {**os.environ, "TINHSO_DATA_DIR": str(root), "PYTHONPATH": str(_harness.REPO)}
    # One server process: the count below is of one process's computations. With several, each process's first
    # computation may race the others' before any is shared (docs/ioc.md), which this count would add.
    server = subprocess.Popen([sys.executable, "-m", "tinhso.cli", "serve", "--host", "127.0.0.1", "--port",
                               str(port), "--workers", "1"], env=env, cwd=_harness.REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        _wait_for(port)
        return _run(port, token, screens, seconds, refresh, poll)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_for(port: int) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def _run(port: int, token: str, screens: int, seconds: float, refresh: int, poll: float) -> int:
    lock = threading.Lock()
    polls: list[float] = []
    updates: list[float] = []
    errors: list[str] = []
    seen: dict[int, float] = {}  # computation → first time a screen saw it
    lags: list[float] = []
    start_at = time.time() + 2
    stop_at = start_at + seconds

    def screen(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        have = ""

        def get(path: str) -> tuple[int, bytes, float, str]:
            nonlocal conn
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})  # as a browser does
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                raise RuntimeError(str(exc)) from exc
            # the screen's own work (inflating and parsing the figures) happens on the wall PC, not on this
            # machine: the computation's number is read from a header and the body is checked once per update
            return response.status, body, time.perf_counter() - t0, response.getheader("X-IOC-Computation") or ""

        time.sleep(max(0.0, start_at - time.time()) + random.random() * poll)
        try:
            status, _, _, _ = get(f"/ioc/wall/{token}/")
            if status != 200:
                raise RuntimeError(f"wall page {status}")
        except RuntimeError as exc:
            with lock:
                errors.append(str(exc))
        while time.time() < stop_at:
            try:
                status, body, took, number = get(f"/ioc/wall/{token}/data.json?have={have}")
                if status != 200 or not number:
                    raise RuntimeError(f"data {status}")
                now = time.time()
                with lock:
                    polls.append(took)
                    if number != have:
                        if len(body) < 100:
                            raise RuntimeError("new figures without their body")
                        updates.append(took)
                        computation = int(number)
                        first = seen.setdefault(computation, now)
                        if have:
                            lags.append(now - first)
                        have = str(computation)
            except (RuntimeError, ValueError) as exc:
                with lock:
                    errors.append(str(exc))
            time.sleep(poll)
        conn.close()

    threads = [threading.Thread(target=screen, args=(n,), daemon=True) for n in range(screens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)

    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else (values[0] if values else 0.0)

    allowed = int(seconds // refresh) + 2  # the first computation, one per interval, and one straddling the end
    computations = len(seen)
    ok = computations <= allowed and not errors and p99(updates) < 1.0
    print(f"{screens} màn hình / screens × {seconds:g} s, làm mới / refresh {refresh} s, hỏi mỗi / poll every "
          f"{poll:g} s: {len(polls)} lượt hỏi / polls, {len(updates)} lần nhận số liệu mới / updates delivered")
    print(f"số lần tính / computations: {computations} (cho phép / allowed ≤ {allowed}) · p99 đẩy cập nhật / "
          f"update push {p99(updates) * 1000:.0f} ms (trung vị / median {statistics.median(updates or [0]) * 1000:.0f}"
          f" ms) · p99 mọi lượt hỏi / all polls {p99(polls) * 1000:.0f} ms · "
          f"trễ tối đa giữa các màn hình / max spread between screens {max(lags or [0]):.1f} s · lỗi / errors "
          f"{len(errors)} {'OK' if ok else 'KHÔNG ĐẠT / FAILED'}")
    if errors:
        print("  ví dụ lỗi / sample errors:", errors[:3])
    print("thời gian máy chủ mỗi lượt hỏi, đo trong tiến trình / server time per poll, in-process:",
          _in_process(token))
    print(_harness.load_line())
    return 0 if ok else 1


def _in_process(token: str) -> str:
    """The server's own cost of a poll (Django's test client, no network, no other screen): what the figures
    above add to it is the machine's contention."""
    from django.test import Client

    client = Client()
    number = client.get(f"/ioc/wall/{token}/data.json")["X-IOC-Computation"]
    times = {}
    for label, extra in (("không đổi / unchanged", {"have": number}), ("số liệu mới / new figures", {})):
        samples = []
        for _ in range(200):
            t0 = time.perf_counter()
            client.get(f"/ioc/wall/{token}/data.json", extra, HTTP_ACCEPT_ENCODING="gzip")
            samples.append(time.perf_counter() - t0)
        times[label] = statistics.median(samples) * 1000
    return ", ".join(f"{label} {ms:.2f} ms" for label, ms in times.items())


if __name__ == "__main__":
    sys.exit(main())
