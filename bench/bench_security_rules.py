"""Benchmark: the starter detection rules (brute force, web attack, malware, silent host) over one day of
events (target: 50 million events in under 60 s and 4 GiB of memory; --small: 1 million).

The day is written straight to the event store as Parquet (columns built with numpy, attacks planted),
then the rules run in DuckDB exactly as the schedule runs them, in a fresh process so its peak memory is
the evaluation's alone (not the generator's); the planted attacks must be found. Wall time, CPU time (all
threads: the load-independent figure on a shared machine) and peak memory are printed.

    /work/venv/bin/python bench/bench_security_rules.py [--small] [--events N]
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

import _harness

TARGET_SECONDS = 60
DAY = dt.date(2024, 5, 2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="1 million events instead of 50 million")
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--evaluate", action="store_true", help=argparse.SUPPRESS)  # the child: rules only
    args = parser.parse_args()
    if args.evaluate:
        return _evaluate()
    count = args.events or (1_000_000 if args.small else 50_000_000)
    root = _harness.start_django("security-rules")
    import numpy as np
    import pyarrow as pa

    from tinhso.security.events import store

    day = DAY
    started = time.perf_counter()
    start_us = int(dt.datetime.combine(day, dt.time(0), dt.timezone(dt.timedelta(hours=7))).timestamp()) * 1_000_000
    rng = np.random.default_rng(5)
    hosts = np.array([f"web{n:03d}.tinh.gov.vn" for n in range(200)], dtype=object)
    categories = np.array(["web_request", "system", "auth_success", "auth_failure", "alert"], dtype=object)
    weights = [0.55, 0.25, 0.12, 0.03, 0.05]
    pages = np.array(["/", "/tin-tuc", "/dich-vu-cong", "/static/app.js", "/van-ban?page=2"], dtype=object)
    print(f"Sinh / generating {_harness.fmt(count)} sự kiện / events …", flush=True)
    chunk = 2_000_000
    for offset in range(0, count, chunk):
        n = min(chunk, count - offset)
        ts = np.sort(rng.integers(start_us, start_us + 86_400_000_000, n))
        host_index = rng.integers(0, len(hosts), n)
        host_index[host_index == 199] = 198  # web199 goes silent: it only appears in the morning part below
        category = rng.choice(categories, n, p=weights)
        source = np.char.add("10.0.", (np.arange(n) % 250).astype(str)).astype(object)
        table = pa.table({
            "ts": pa.array(ts, pa.int64()).cast(pa.timestamp("us", tz="UTC")), "host": hosts[host_index],
            "program": np.where(category == "web_request", "nginx", "sshd").astype(object), "format": ["syslog"] * n,
            "category": category, "severity": pa.nulls(n, pa.int16()), "source_ip": source,
            "dest_ip": pa.nulls(n, pa.string()), "user": pa.nulls(n, pa.string()),
            "url": np.where(category == "web_request", pages[np.arange(n) % len(pages)], None),
            "http_method": pa.nulls(n, pa.string()), "http_status": pa.nulls(n, pa.int16()),
            "signature": pa.nulls(n, pa.string()), "rule_id": pa.nulls(n, pa.string()), "message": category,
            "system_id": pa.array(np.full(n, 1), pa.int64()), "owner_id": pa.array(np.full(n, 1), pa.int64()),
        })
        store.write(table.cast(store.SCHEMA))
    planted = []
    morning = start_us + 3 * 3600_000_000
    for i in range(30):  # brute force on web000 from one address; a web attack; malware; web199 early only
        planted.append((morning + i * 2_000_000, "web000.tinh.gov.vn", "sshd", "auth_failure", "203.0.113.66", None))
    planted.append((morning, "web001.tinh.gov.vn", "nginx", "web_request", "198.51.100.9", "/a?id=1%20UNION%20SELECT"))
    planted.append((morning, "web002.tinh.gov.vn", "clamd", "malware", None, None))
    planted.append((morning, "web199.tinh.gov.vn", "nginx", "web_request", "10.0.0.1", "/"))
    columns = list(zip(*planted, strict=True))
    n = len(planted)
    extra = pa.table({
        "ts": pa.array(columns[0], pa.int64()).cast(pa.timestamp("us", tz="UTC")), "host": list(columns[1]),
        "program": list(columns[2]), "format": ["syslog"] * n, "category": list(columns[3]),
        "severity": pa.nulls(n, pa.int16()), "source_ip": list(columns[4]), "dest_ip": pa.nulls(n, pa.string()),
        "user": pa.nulls(n, pa.string()), "url": list(columns[5]), "http_method": pa.nulls(n, pa.string()),
        "http_status": pa.nulls(n, pa.int16()), "signature": pa.nulls(n, pa.string()),
        "rule_id": pa.nulls(n, pa.string()), "message": ["Failed password"] * n,
        "system_id": pa.array([1] * n, pa.int64()), "owner_id": pa.array([1] * n, pa.int64())})
    store.write(extra.cast(store.SCHEMA))

    print(f"Đã ghi / written in {_harness.fmt(time.perf_counter() - started, 1)} s; đánh giá trong tiến trình mới / "
          f"evaluating in a fresh process …", flush=True)
    env = {**os.environ, "TINHSO_BENCH_DIR": str(root)}
    child = subprocess.run([sys.executable, __file__, "--evaluate"], env=env, capture_output=True, text=True)
    if child.returncode != 0:
        print(child.stdout, child.stderr)
        return 1
    result = json.loads(child.stdout.strip().splitlines()[-1])
    found = result["found"]
    print(f"{result['rules']} quy tắc / rules trên / over {_harness.fmt(count)} sự kiện / events: "
          f"{_harness.fmt(result['seconds'], 2)} s (mục tiêu / target < {TARGET_SECONDS} s), CPU "
          f"{_harness.fmt(result['cpu_seconds'], 2)} s, bộ nhớ đỉnh / peak memory {_harness.fmt(result['peak_gib'], 2)}"
          f" GiB (mục tiêu / target < 4); cảnh báo / alerts: {found}")
    expected = {"SSH brute force": "web000.tinh.gov.vn", "Web application attack": "web001.tinh.gov.vn",
                "Malware detected": "web002.tinh.gov.vn", "Host went silent": "web199.tinh.gov.vn"}
    missing = {k: v for k, v in expected.items() if found.get(k) != v}
    if missing:
        print(f"THIẾU / MISSING: {missing}")
    print(_harness.load_line())
    return 1 if missing else 0


def _evaluate() -> int:
    """The rules over the day already written (TINHSO_BENCH_DIR), reported as one JSON line."""
    _harness.start_django("security-rules")
    from tinhso.security.events import rules

    ruleset = rules.load_rules()
    with _harness.Timer() as timer:
        alerts = rules.evaluate(ruleset.rules, DAY, memory_limit="3GB")
    print(json.dumps({"rules": len(ruleset.rules), "seconds": timer.seconds, "cpu_seconds": timer.cpu_seconds,
                      "peak_gib": _harness.peak_rss_gib(),
                      "found": {a.rule.title.split(" / ")[1]: a.host for a in alerts}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
