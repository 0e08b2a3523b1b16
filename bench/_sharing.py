"""Synthetic ledger rows for the data-sharing benchmarks: vectorised, deterministic."""

import datetime as dt

import numpy as np
import pyarrow as pa

UNITS = [f"000.00.{d:02d}.H{p:02d}" for p in (55, 6, 38) for d in range(1, 19)] + \
        [f"000.{c:02d}.00.H{p:02d}" for p in (55, 6, 38) for c in range(1, 60)]
SERVICES = [f"dich-vu-{i:03d}" for i in range(120)]
SYSTEMS = [f"He thong {i}" for i in range(40)]
LOCAL = dt.timedelta(hours=7)


def rows(n: int, day: dt.date, seed: int, start_id: int = 0) -> pa.Table:
    """n ledger rows of one local day (gateway side)."""
    from tinhso.sharing import ledger

    rng = np.random.default_rng(seed)
    base = int((dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) - LOCAL).timestamp() * 1_000_000)
    offsets = np.sort(rng.integers(0, 86_400_000_000, n))
    request = base + offsets
    duration = rng.lognormal(4.0, 0.6, n)
    service = rng.integers(0, len(SERVICES), n)
    client = rng.integers(0, len(UNITS), n)
    provider = service % len(UNITS)
    failed = rng.random(n) < 0.02

    def pick(values, idx):
        return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(values)).cast(pa.string())

    ids = pa.array(np.char.add("m", (np.arange(n) + start_id).astype(str)))
    return pa.table({
        "message_id": ids,
        "request_at": pa.array(request, pa.timestamp("us", tz="UTC")),
        "response_at": pa.array(request + (duration * 1000).astype(np.int64), pa.timestamp("us", tz="UTC")),
        "client_unit": pick(UNITS, client), "client_system": pick(SYSTEMS, client % len(SYSTEMS)),
        "provider_unit": pick(UNITS, provider), "provider_system": pick(SYSTEMS, service % len(SYSTEMS)),
        "service_code": pick(SERVICES, service), "service_version": pa.array(["v1"] * n),
        "method": pa.array(["GET"] * n), "path": pa.array(["/records"] * n),
        "status": pa.array(np.where(failed, 500, 200).astype(np.int32)), "succeeded": pa.array(~failed),
        "duration_ms": pa.array(duration), "request_bytes": pa.array(np.zeros(n, np.int64)),
        "response_bytes": pa.array(rng.integers(300, 9000, n)), "side": pa.array(["gateway"] * n),
        "source": pa.array(["bench"] * n), "error": pa.nulls(n, pa.string()),
    }, schema=ledger.SCHEMA)
