"""`tinhso serve`: the web server and its static files (docs/deployment.md, "Serving many users").

On Linux (and other POSIX systems) tinhso is served by gunicorn with several worker processes, each with a pool of
threads (`gthread`), so that both cores work and a slow request does not hold up the others; on Windows, or when
asked (`--server waitress`), by waitress in one process. Before serving, the static files are collected once into
the data directory with content-hashed names and gzip-compressed copies (whitenoise), so that browsers cache them
for a year and download them compressed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def default_workers() -> int:
    """TINHSO_WORKERS, else one process per core: with connections balanced between them (core.balanced_worker),
    a third process on 2 cores only made two share a core (docs/deployment.md, "Processes and threads")."""
    value = os.environ.get("TINHSO_WORKERS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else os.cpu_count() or 1


def choose_server(requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    if os.name != "posix":
        return "waitress"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "waitress"
    return "gunicorn"


def _static_signature() -> str:
    """What the collected files depend on: every static file's path, size and time, and the storage."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(str(settings.STORAGES["staticfiles"]).encode())
    for finder in get_finders():
        for path, storage in finder.list([]):
            full = Path(storage.path(path))
            stat = full.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static(verbose: bool = False) -> bool:
    """Collect, hash and compress the static files into STATIC_ROOT unless they are already up to date.
    Returns whether it collected."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / ".collected"
    signature = _static_signature()
    if stamp.exists() and stamp.read_text() == signature:
        return False
    if verbose:
        print("Đang chuẩn bị tệp tĩnh / preparing static files…", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0, clear=True)
    stamp.write_text(signature)
    return True


def serve(host: str, port: int, threads: int = 8, connections: int = 1000, server: str = "auto",
          workers: int = 0) -> None:
    from django.conf import settings
    from django.db import connections as databases

    collect_static(verbose=True)
    chosen = choose_server(server)
    databases.close_all()  # nothing opened here may be shared with forked workers
    if chosen == "gunicorn":
        _gunicorn(host, port, threads, connections, workers or default_workers())
        return
    from waitress import serve as waitress_serve

    from tinhso.wsgi import application

    # waitress stops accepting beyond `connection_limit` open connections (100 by default): an operations
    # centre's video wall keeps one keep-alive connection per screen, so allow many more. It buffers a whole
    # body before the application sees it: never more than TINHSO_MAX_REQUEST_MB.
    waitress_serve(application, host=host, port=port, threads=threads, connection_limit=connections,
                   ident="tinhso", max_request_body_size=int(settings.TINHSO_MAX_REQUEST_MB * 1024 * 1024) + 1)


def _gunicorn(host: str, port: int, threads: int, connections: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "tinhso.core.balanced_worker.BalancedThreadWorker",
        "threads": threads,
        "worker_connections": connections,  # the video wall's keep-alive connections, per process
        "keepalive": 5,
        "timeout": 300,  # an export or an import may work for minutes; a stuck worker is restarted after that
        "graceful_timeout": 30,
        "proc_name": "tinhso",
        "accesslog": os.environ.get("TINHSO_ACCESS_LOG") or None,
        "errorlog": "-",
        "loglevel": "warning",
    }

    class Application(BaseApplication):
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            from tinhso.wsgi import application

            return application

    print(f"gunicorn: {workers} tiến trình × {threads} luồng / processes × threads", flush=True)
    Application().run()
