"""Small pieces the position store, the analysis and the text output share: local time, Arrow columns,
and one thread pool for a request's columnar work (numpy and Arrow release the GIL, so a vehicle-month
is read and rendered on every core)."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa

LOCAL_OFFSET = 7 * 3600  # Vietnam keeps UTC+7 all year: no tz database needed
UNITS_PER_S = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
WORKERS = min(4, os.cpu_count() or 1)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def column_array(table: pa.Table, name: str) -> pa.Array:
    """A table column as one Arrow array (chunks combined only when there are several)."""
    col = table.column(name)
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="tinhso-transport")
        return _pool
