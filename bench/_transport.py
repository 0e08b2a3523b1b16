"""Data of the journey-monitoring benchmarks (bench/bench_transport_*.py): a registered fleet, an
inspector account, and large position stores built quickly.

Large stores are built by generating a base fleet with the generator (every 30 s, parked included) and
tiling it over N vehicles, written day by day in exactly the layout the ingest and compaction produce
(one file per day, sorted by vehicle and time, row groups of at most 4.096 rows cut at vehicle
boundaries, LZ4): generating hundreds of millions
of points one by one would take longer than the benchmark itself.
"""

import datetime as dt

from tinhso.core.columnar import LOCAL_OFFSET


def inspector():
    from django.contrib.auth.models import Group

    from tinhso.accounts.models import Role, User
    from tinhso.transport.models import INSPECTOR_GROUP

    # A system-wide account (the benchmark's store has no unit registry): an account without a unit and without
    # the administrator role would have no access at all.
    user, _ = User.objects.get_or_create(username="bench.inspector", defaults={"role": Role.ADMIN})
    user.groups.add(Group.objects.get(name=INSPECTOR_GROUP))
    return User.objects.get(pk=user.pk)


def register_vehicles(n: int) -> list[int]:
    """n vehicles with plates BENCH-000001…, bulk-created; returns their ids in order."""
    from tinhso.transport import store
    from tinhso.transport.models import Business, Vehicle

    business, _ = Business.objects.get_or_create(licence_number="BENCH/GPKDVT",
                                                 defaults={"name": "Đơn vị đo hiệu năng / Benchmark fleet"})
    kinds = ["contract", "fixed_route", "freight", "taxi", "bus", "tourist", "container"]
    have = set(Vehicle.objects.values_list("plate_key", flat=True))
    new = []
    for i in range(n):
        plate = f"99Z-{i // 100:04d}.{i % 100:02d}"
        if store.plate_key(plate) not in have:
            new.append(Vehicle(plate=plate, plate_key=store.plate_key(plate), business=business,
                               licence_kind=kinds[i % len(kinds)], registered_route="A – B"))
    Vehicle.objects.bulk_create(new, batch_size=2000)
    from tinhso.transport.services import forget_vehicle_map

    forget_vehicle_map()
    return list(Vehicle.objects.filter(business=business).order_by("id").values_list("id", flat=True))[:n]


def base_days(n_base: int, start: dt.date, days: int, seed: int = 1):
    """Per day, the dense points of a generated base fleet: {day: (vehicle index, t, lat, lon, speed, heading,
    ignition, door, driver) numpy/arrow columns sorted by (vehicle, t)}."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from tinhso.transport import generator

    fleet = generator.make_fleet(n_base, seed)
    table = generator.generate_table(fleet, start, days, seed, parked_interval=30)
    plate_index = {v.plate: i for i, v in enumerate(fleet.vehicles)}
    enc = pc.dictionary_encode(table["plate"]).combine_chunks()
    lut = np.array([plate_index[p] for p in enc.dictionary.to_pylist()])
    vidx = lut[enc.indices.to_numpy()]
    t = pc.cast(table["time"], pa.int64()).to_numpy()
    local_day = (t + LOCAL_OFFSET) // 86400
    order = np.lexsort((t, vidx, local_day))
    out = {}
    day_sorted = local_day[order]
    bounds = np.flatnonzero(np.r_[True, day_sorted[1:] != day_sorted[:-1], True])
    cols = {name: table[name].to_numpy(zero_copy_only=False) if name != "driver" else table[name]
            for name in ("lat", "lon", "speed", "heading", "ignition", "door", "driver")}
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        rows = order[a:b]
        day = dt.date(1970, 1, 1) + dt.timedelta(days=int(day_sorted[a]))
        out[day] = {"v": vidx[rows], "t": t[rows], **{k: (v[rows] if k != "driver" else v.take(pa.array(rows)))
                                                     for k, v in cols.items()}}
    return fleet, out


def write_tiled_store(vehicle_ids: list[int], base: dict, n_base: int) -> int:
    """Write one file per day for all vehicles, vehicle j repeating base vehicle j % n_base (shifted a
    little so tracks differ). Returns the number of points written."""
    import numpy as np
    import pyarrow as pa

    from tinhso.transport import store

    total = 0
    ids = np.asarray(vehicle_ids, np.int32)
    for day, cols in sorted(base.items()):
        v = cols["v"]
        starts = np.searchsorted(v, np.arange(n_base))
        ends = np.searchsorted(v, np.arange(n_base), side="right")
        pieces = []
        for j, vid in enumerate(ids):
            b = j % n_base
            a, e = starts[b], ends[b]
            if a == e:
                continue
            pieces.append((vid, a, e, (j // n_base) * 0.0007))
        rows = np.concatenate([np.arange(a, e) for _, a, e, _ in pieces])
        vid_col = np.concatenate([np.full(e - a, vid, np.int32) for vid, a, e, _ in pieces])
        shift = np.concatenate([np.full(e - a, s) for _, a, e, s in pieces])
        table = pa.table([
            pa.array(vid_col),
            pa.array(cols["t"][rows].astype("datetime64[s]")).cast(pa.timestamp("s", tz="UTC")),
            pa.array((cols["lat"][rows] + shift).astype(np.float32)),
            pa.array((cols["lon"][rows] + shift).astype(np.float32)),
            pa.array(cols["speed"][rows].astype(np.float32)),
            pa.array(np.nan_to_num(cols["heading"][rows]).astype(np.int16)),
            pa.array(cols["ignition"][rows]), pa.array(cols["door"][rows]),
            cols["driver"].take(pa.array(rows)),
        ], schema=store.POSITION_SCHEMA)
        directory = store.positions_dir() / f"day={day.isoformat()}"
        directory.mkdir(parents=True, exist_ok=True)
        store.write_positions(table, directory / "c-bench.parquet")
        total += table.num_rows
    return total
