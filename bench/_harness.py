"""What every benchmark needs: a throw-away data directory and database with the schema migrated, the
machine's load (figures on a shared 2-core machine mean little without it), timing and number format.

The scripts are run from anywhere as `python bench/bench_x.py`; Python puts bench/ on the path, so
`import _harness` works, and `start_django` puts the repository first so the checkout is what runs."""

import os
import resource
import socket
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# First on the path as soon as a script imports this module, before anything imports `tinhso` (bench/_transport.py
# does at its top): otherwise the editable install's checkout is measured, not this one.
if str(REPO) not in sys.path[:1]:
    sys.path.insert(0, str(REPO))


def start_django(prefix: str, database_url: str | None = None, settings: dict | None = None) -> Path:
    """Point Django at a fresh temporary data directory — SQLite unless `database_url` names a
    (throw-away) PostgreSQL database, never the user's own — set it up and migrate. Call before
    importing models. `TINHSO_BENCH_DIR` keeps the data somewhere chosen (e.g. to inspect it)."""
    root = Path(os.environ.get("TINHSO_BENCH_DIR") or tempfile.mkdtemp(prefix=f"tinhso-bench-{prefix}-"))
    os.environ["TINHSO_DATA_DIR"] = str(root)
    if database_url:
        os.environ["TINHSO_DATABASE_URL"] = database_url
    else:
        os.environ.pop("TINHSO_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    # Benchmarks sign administrators in with a password; the second factor is tested, not timed.
    os.environ.setdefault("TINHSO_2FA_REQUIRED_ROLES", "")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings as django_settings
    from django.core.management import call_command

    for name, value in (settings or {}).items():
        setattr(django_settings, name, value)
    call_command("migrate", interactive=False, verbosity=0)
    return root


def load_line() -> str:
    load = os.getloadavg()[0]
    return f"Tải máy / load average {load:.1f} trên / on {os.cpu_count()} lõi / cores (máy dùng chung / shared)"


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def fmt(n: float, decimals: int = 0) -> str:
    """Vietnamese number format: 1.562, 97,4."""
    from tinhso.core.formatting import vn_number

    return vn_number(n, decimals)


class Timer:
    """Wall time (`seconds`) and the CPU time of this process, all its threads (`cpu_seconds`): on a
    shared machine the CPU time is the load-independent figure (what the work costs, not how long it
    waited for a core)."""

    def __enter__(self):
        self.start = time.perf_counter()
        self.cpu_start = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.cpu_seconds = time.process_time() - self.cpu_start


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1, for a server the benchmark starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    """`pid` and every process below it (gunicorn's master and its workers), from /proc (Linux)."""
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            children = []
        for child in map(int, children):
            found.append(child)
            frontier.append(child)
    return found


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (Linux /proc; missing processes left out). Works
    for processes of other users too (PostgreSQL's backends)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return used


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two `cpu_seconds` snapshots (a process that appeared in between counts from 0)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def pg_reachable() -> bool:
    """Whether PostgreSQL answers at 127.0.0.1:5432 (the benchmark then runs against it)."""
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", 5432)) == 0
