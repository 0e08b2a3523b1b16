"""The core day-partitioned Parquet store (tinhso.core.columnar) that the position store, the security
event store and the sharing ledger share: a batch's files across days and kinds appear together or not
at all, files are on disk before the journal that commits them, a killed batch is finished or dropped by
recovery, and the date-range read sees exactly the committed days."""

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tinhso.core import columnar

D1, D2 = dt.date(2025, 3, 3), dt.date(2025, 3, 4)


class Killed(BaseException):
    """Stands for SIGKILL: no handler may clean up after it."""


@pytest.fixture
def store(tmp_path) -> columnar.DayStore:
    return columnar.DayStore(lambda: tmp_path / "store", memory_limit="256MB")


def _table(n: int, value: int = 1) -> pa.Table:
    return pa.table({"x": pa.array([value] * n, pa.int64())})


def _write_two_days(store: columnar.DayStore, batch_id: str = "b1", on_commit=None) -> None:
    with store.batch(batch_id, on_commit) as batch:
        for kind, day, n in (("rows", D1, 3), ("rows", D2, 2), ("counts", D1, 1)):
            pq.write_table(_table(n), batch.path(f"{kind}/day={day}/{batch_id}.parquet"))


def _count(store: columnar.DayStore, kind: str, start=D1, end=D2) -> int:
    files = store.files_between(start, end, kind)
    con = store.connect()
    try:
        relation = columnar.parquet_sql(files, pa.schema([("x", pa.int64())]))
        return con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0]
    finally:
        con.close()


def test_a_batch_across_days_and_kinds_is_read_back_by_date_range(store):
    _write_two_days(store)
    assert _count(store, "rows") == 5 and _count(store, "counts") == 1
    assert _count(store, "rows", D2, D2) == 2 and store.all_days("rows") == [D1, D2]
    assert _count(store, "rows", dt.date(2025, 1, 1), dt.date(2025, 1, 31)) == 0  # empty relation, no error
    assert not any((store.base / "_staging").iterdir()) and not list((store.base / "_journal").glob("*.json"))


def test_a_failure_while_writing_leaves_nothing(store):
    with pytest.raises(OSError), store.batch("b1") as batch:
        pq.write_table(_table(3), batch.path(f"rows/day={D1}/b1.parquet"))
        raise OSError("disk full")
    assert _count(store, "rows") == 0 and not any((store.base / "_staging").iterdir())


def test_killed_after_the_journal_the_batch_is_made_whole_on_the_next_read(store, monkeypatch):
    monkeypatch.setattr(columnar, "apply_moves", lambda base, moves: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        _write_two_days(store)
    monkeypatch.undo()
    assert _count(store, "rows") == 5 and _count(store, "counts") == 1  # all of it, rows and counts
    assert not any((store.base / "_journal").glob("*.json"))


def test_killed_before_the_journal_the_batch_never_happened(store, monkeypatch):
    monkeypatch.setattr(columnar, "write_journal", lambda *args: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        _write_two_days(store)
    monkeypatch.undo()
    assert _count(store, "rows") == 0 and _count(store, "counts") == 0
    assert not any((store.base / "_staging").iterdir())


def test_with_a_record_as_commit_point_recovery_asks_whether_it_exists(store, monkeypatch):
    recorded: set[str] = set()
    store.recorded = recorded.__contains__
    monkeypatch.setattr(columnar, "apply_moves", lambda base, moves: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        _write_two_days(store, "kept", on_commit=lambda: recorded.add("kept"))
    with pytest.raises(Killed):
        # killed between the journal and the record: prepared only
        _write_two_days(store, "lost", on_commit=lambda: (_ for _ in ()).throw(Killed()))
    monkeypatch.undo()
    assert list((store.base / "_journal").glob("*.json"))[0].stem == "kept"  # a failed record drops its journal
    assert _count(store, "rows") == 5
    assert not any((store.base / "_staging").iterdir())


def test_files_and_directories_are_synced_before_the_journal(store, monkeypatch):
    events = []
    for name in ("fsync_file", "fsync_dir"):
        real = getattr(columnar, name)
        monkeypatch.setattr(columnar, name, lambda path, real=real, name=name: (
            events.append((name, os.path.relpath(path, store.base))), real(path))[1])
    real_journal = columnar.write_journal
    monkeypatch.setattr(columnar, "write_journal", lambda base, batch_id, entry: (
        events.append(("journal", batch_id)), real_journal(base, batch_id, entry))[1])
    _write_two_days(store)
    journal = events.index(("journal", "b1"))
    staged = [i for i, e in enumerate(events) if e[0] == "fsync_file" and e[1].startswith("_staging/b1/")]
    assert len(staged) == 3 and max(staged) < journal
    assert events.index(("fsync_dir", "_staging/b1")) < journal
    placed = {e[1] for e in events[journal:] if e[0] == "fsync_dir"}
    assert {f"rows/day={D1}", f"rows/day={D2}", f"counts/day={D1}", "rows", "counts"} <= placed


LIVE_BATCH = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import pyarrow as pa, pyarrow.parquet as pq
    from tinhso.core import columnar
    store = columnar.DayStore(lambda: Path(sys.argv[1]))
    with store.batch("live") as batch:
        pq.write_table(pa.table({"x": [1]}), batch.path("day=2025-03-03/live.parquet"))
        print("STAGED", flush=True)
        time.sleep(60)
""")


def test_recovery_leaves_a_live_batch_alone_and_drops_a_dead_ones_staging(store):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    proc = subprocess.Popen([sys.executable, "-c", LIVE_BATCH, str(store.base)], stdout=subprocess.PIPE,
                            env=env, text=True)
    try:
        assert proc.stdout.readline().strip() == "STAGED"
        store.recover()
        assert (store.base / "_staging" / "live").is_dir()  # its lock is held: not an orphan
    finally:
        proc.kill()
        proc.wait()
    store.recover()
    assert not any((store.base / "_staging").iterdir())


def test_split_by_day_cuts_at_local_midnight():
    ts = [dt.datetime(2025, 3, 3, 16, 59, tzinfo=dt.UTC), dt.datetime(2025, 3, 3, 17, 0, tzinfo=dt.UTC)]
    parts = columnar.split_by_day(pa.table({"ts": pa.array(ts, pa.timestamp("us", tz="UTC"))}))
    assert [(day, part.num_rows) for day, part in parts] == [(D1, 1), (D2, 1)]
