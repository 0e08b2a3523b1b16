"""Day-partitioned Parquet stores, shared by the journey-monitoring position store (transport), the
security event store and the data-sharing transaction ledger.

A store is a directory of Parquet files partitioned by local day (Vietnam keeps UTC+7 all year):

    <base>/[<kind>/]day=2025-03-01/<batch>.parquet   the files of one batch and day
    <base>/_staging/<batch>/…                          files being written (invisible to readers)
    <base>/_staging/<batch>.lock                       held (flock) while the batch is written
    <base>/_journal/<batch>.json                       commit record: present = the batch is committed

A batch writes its files into `_staging`, each fsynced, then their directory. A batch of one file is
committed by its rename; a batch of several by writing its journal atomically (temp file fsynced,
renamed, directory fsynced): that rename is the commit point, after which the staged files are renamed
into place, their directories fsynced and the journal removed. With `on_commit` (e.g. a database record
of the batch) the journal only prepares the batch and `on_commit` is the commit point: `recover()` then
asks `DayStore.recorded` whether the batch's record exists. A process killed before the commit leaves
only staging, which `recover()` deletes (once its lock is free); killed after it, `recover()` finishes
the renames. Readers list only `day=` directories and `*.parquet` names, so nothing half-written is read.

Reading is DuckDB over the files of a date range (`files_between`, `parquet_sql`) on one shared
in-memory connection per store (its Parquet metadata cache shared), handed out as cursors. Also here:
Arrow helpers and one thread pool for a request's columnar work (numpy and Arrow release the GIL, so a
vehicle-month is read and rendered on every core).
"""

import datetime as dt
import fcntl
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TZ = "Asia/Ho_Chi_Minh"
LOCAL_OFFSET = 7 * 3600  # Vietnam keeps UTC+7 all year: no tz database needed
LOCAL_OFFSET_US = LOCAL_OFFSET * 1_000_000
DAY_US = 86_400 * 1_000_000
EPOCH_DAY = dt.date(1970, 1, 1)
UNITS_PER_S = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
WORKERS = min(4, os.cpu_count() or 1)

_DUCK_TYPES = {"timestamp": "TIMESTAMPTZ", "int16": "SMALLINT", "int32": "INTEGER", "int64": "BIGINT",
               "bool": "BOOLEAN", "double": "DOUBLE", "float": "FLOAT", "date32": "DATE"}


# ---------------------------------------------------------------- durability

def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_journal(base: Path, batch_id: str, entry: dict) -> Path:
    """Write a journal entry atomically and durably: temporary file fsynced, renamed, directory fsynced."""
    journal_dir = base / "_journal"
    journal_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=journal_dir, suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        json.dump(entry, handle)
        handle.flush()
        os.fsync(handle.fileno())
    path = journal_dir / f"{batch_id}.json"
    os.replace(tmp, path)
    fsync_dir(journal_dir)
    return path


def apply_moves(base: Path, moves: list[list[str]]) -> None:
    """Rename staged files into place (paths relative to `base`); the renames are on disk (directories
    fsynced) before the journal that could redo them is removed."""
    targets = set()
    for source, target in moves:
        src, dst = base / source, base / target
        if src.exists():
            created = not dst.parent.exists()
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
            targets.add(dst.parent)
            if created:
                targets.add(dst.parent.parent)
    for directory in sorted(targets, key=str):
        fsync_dir(directory)
    for source, _ in moves:
        parent = (base / source).parent
        if parent.name != "_staging" and parent.exists():
            shutil.rmtree(parent, ignore_errors=True)


def commit(base: Path, batch_id: str, moves: list[list[str]], on_commit: Callable[[], None] | None = None) -> None:
    """Commit staged files (already fsynced, with their directory). Without `on_commit` the journal's rename
    is the commit point, and a batch of one file needs no journal (its rename is the commit). With it, the
    journal only prepares the batch and `on_commit` is the commit point. If `on_commit` raises, nothing of
    the batch remains."""
    if len(moves) == 1 and on_commit is None:
        apply_moves(base, moves)
        return
    journal = write_journal(base, batch_id, {"batch": batch_id, "moves": moves, "confirm": on_commit is not None})
    if on_commit is not None:
        try:
            on_commit()
        except BaseException:
            journal.unlink(missing_ok=True)
            raise
    apply_moves(base, moves)
    journal.unlink(missing_ok=True)


def unlocked(lock: Path) -> bool:
    """Whether no live process holds the lock file."""
    if not lock.exists():
        return True
    try:
        handle = open(lock, "a")  # noqa: SIM115
    except OSError:
        return True
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
    return True


def _hold(lock_path: Path):
    """Open and exclusively lock a batch's lock file, making sure the file locked is still the one at the
    path (recovery removes a lock file only while holding its lock)."""
    while True:
        handle = open(lock_path, "a")  # noqa: SIM115 - held until the batch is committed
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if os.stat(lock_path).st_ino == os.fstat(handle.fileno()).st_ino:
                return handle
        except FileNotFoundError:
            pass
        handle.close()


def _remove_orphan(staging: Path, name: str) -> None:
    """Remove the staging of a batch no live process is writing (its lock taken here, so a batch cannot
    start on it meanwhile); a staging directory without a lock file belongs to a dead process."""
    lock_path = staging / f"{name}.lock"
    try:
        handle = open(lock_path, "r+")  # noqa: SIM115
    except FileNotFoundError:
        shutil.rmtree(staging / name, ignore_errors=True)
        return
    except OSError:
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # a live batch
        shutil.rmtree(staging / name, ignore_errors=True)
        lock_path.unlink(missing_ok=True)
        fcntl.flock(handle, fcntl.LOCK_UN)


class Batch:
    """The files of one batch being staged: `path(target)` names the staging file for a file that will be
    `target` (relative to the store's base) once committed."""

    def __init__(self, base: Path, batch_id: str) -> None:
        self.base = base
        self.batch_id = batch_id
        self.staging = base / "_staging" / batch_id
        self.moves: list[list[str]] = []

    def path(self, target: str) -> Path:
        name = f"{len(self.moves)}-{Path(target).name}"
        self.moves.append([f"_staging/{self.batch_id}/{name}", target])
        return self.staging / name

    @property
    def targets(self) -> list[str]:
        return [target for _, target in self.moves]


# ---------------------------------------------------------------- the store

class DayStore:
    """One day-partitioned store under `base()` (a function, since the data directory is a setting).
    `kind` names a sub-tree of the base (e.g. "ledger" and "daily" in one store committed together)."""

    def __init__(self, base: Callable[[], Path], *, memory_limit: str = "3GB", tz: str = TZ,
                 temp_directory: Callable[[], Path] | None = None) -> None:
        self._base = base
        self.memory_limit = memory_limit
        self.tz = tz
        self.temp_directory = temp_directory
        # batch id → whether its record committed (set by an app whose batches have one, see `batch`)
        self.recorded: Callable[[str], bool] | None = None
        self._db_lock = threading.Lock()
        self._db: duckdb.DuckDBPyConnection | None = None
        self._db_base: Path | None = None

    @property
    def base(self) -> Path:
        return self._base()

    # ------------------------------------------------------------ writing

    @contextmanager
    def batch(self, batch_id: str, on_commit: Callable[[], None] | None = None) -> Iterator[Batch]:
        """Stage a batch's files (`batch.path(target)`), committed together when the block ends without
        an exception; on an exception nothing of the batch remains. `on_commit`: see the module text."""
        base = self.base
        self.recover()
        staging_root = base / "_staging"
        staging_root.mkdir(parents=True, exist_ok=True)
        lock = _hold(staging_root / f"{batch_id}.lock")
        batch = Batch(base, batch_id)
        batch.staging.mkdir()
        try:
            yield batch
            for source, _ in batch.moves:
                fsync_file(base / source)  # a power loss after the commit must not leave a truncated file
            fsync_dir(batch.staging)
            if batch.moves:
                commit(base, batch_id, batch.moves, on_commit)
            elif on_commit is not None:
                on_commit()
        finally:
            if not (base / "_journal" / f"{batch_id}.json").exists():
                # not committed (or fully applied): nothing of the batch may remain in staging
                shutil.rmtree(batch.staging, ignore_errors=True)
            (staging_root / f"{batch_id}.lock").unlink(missing_ok=True)
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()

    def recover(self) -> None:
        """Finish committed batches whose renames were interrupted; drop staging left by killed processes.
        A batch being written holds an exclusive lock on `_staging/<batch>.lock`, taken before its directory
        exists, so a live batch is never mistaken for an orphan."""
        base = self.base
        journal_dir = base / "_journal"
        staging = base / "_staging"
        if journal_dir.is_dir():
            for journal in journal_dir.glob("*.json"):
                try:
                    entry = json.loads(journal.read_text())
                    moves = entry["moves"]
                except (OSError, ValueError, KeyError):
                    continue
                if entry.get("confirm"):
                    batch = journal.stem
                    if not unlocked(staging / f"{batch}.lock") or self.recorded is None:
                        continue  # being written by a live process, or no way to ask the database here
                    if not self.recorded(batch):
                        # prepared but its record never committed: the batch did not happen
                        journal.unlink(missing_ok=True)
                        shutil.rmtree(staging / batch, ignore_errors=True)
                        continue
                apply_moves(base, moves)
                journal.unlink(missing_ok=True)
        if not staging.is_dir():
            return
        for entry in staging.iterdir():
            name = entry.name[:-5] if entry.name.endswith(".lock") else entry.name
            if (journal_dir / f"{name}.json").exists():
                continue
            _remove_orphan(staging, name)

    # ------------------------------------------------------------ listing

    def day_dir(self, day: dt.date, kind: str = "") -> Path:
        return (self.base / kind if kind else self.base) / f"day={day.isoformat()}"

    def day_files(self, day: dt.date, kind: str = "") -> list[Path]:
        directory = self.day_dir(day, kind)
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return []
        return sorted(directory / n for n in names if n.endswith(".parquet") and not n.startswith("."))

    def all_days(self, kind: str = "") -> list[dt.date]:
        base = self.base / kind if kind else self.base
        if not base.is_dir():
            return []
        days = []
        for entry in base.iterdir():
            if entry.name.startswith("day="):
                try:
                    days.append(dt.date.fromisoformat(entry.name[4:]))
                except ValueError:
                    continue
        return sorted(days)

    def files_between(self, start: dt.date | None, end: dt.date | None, kind: str = "") -> list[Path]:
        """The files of the local days start..end (either open), committed batches made whole first."""
        self.recover()
        if start is None or end is None:
            days = [d for d in self.all_days(kind) if (start is None or d >= start) and (end is None or d <= end)]
        else:
            days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        return [path for day in days for path in self.day_files(day, kind)]

    # ------------------------------------------------------------ DuckDB

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the store's shared in-memory DuckDB (a new one when the data directory changed)."""
        with self._db_lock:
            base = self.base
            if self._db is None or self._db_base != base:
                self._db = new_connection(self.tz, self.memory_limit,
                                          self.temp_directory() if self.temp_directory else None)
                self._db_base = base
            return self._db.cursor()


def new_connection(tz: str = TZ, memory_limit: str = "3GB", temp_directory: Path | None = None
                   ) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{tz}'")
    con.execute("SET parquet_metadata_cache = true")
    # bounded, so large reads stay within a few GiB (DuckDB spills to disk beyond)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    if temp_directory is not None:
        con.execute(f"SET temp_directory = '{temp_directory}'")
    return con


def sql_list(files: list[Path] | list[str]) -> str:
    """A DuckDB list literal of file names."""
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def duck_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ"
    return _DUCK_TYPES.get(str(arrow_type), "VARCHAR")


def parquet_sql(files: list[Path] | list[str], schema: pa.Schema) -> str:
    """A FROM-able relation over the files, or an empty one with the schema's columns when there are none."""
    if not files:
        columns = ", ".join(f"CAST(NULL AS {duck_type(f.type)}) AS {f.name}" for f in schema)
        return f"(SELECT {columns} WHERE false)"
    return f"read_parquet({sql_list(files)}, hive_partitioning = false)"


# ---------------------------------------------------------------- local days

def local_day(ts: dt.datetime) -> dt.date:
    return (ts.astimezone(dt.UTC) + dt.timedelta(seconds=LOCAL_OFFSET)).date()


def day_number_sql(column: str) -> str:
    """SQL: the local day number (days since 1970-01-01) of a TIMESTAMPTZ column, by arithmetic."""
    return f"((epoch_us({column}) + {LOCAL_OFFSET_US}) // {DAY_US})"


def split_by_day(table: pa.Table, column: str = "ts") -> list[tuple[dt.date, pa.Table]]:
    """A table cut into its local days (by a timestamp column), days in order."""
    if table.num_rows == 0:
        return []
    ts = pc.cast(table.column(column), pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy()
    days = (ts + LOCAL_OFFSET_US) // DAY_US
    if days.min() == days.max():
        return [(EPOCH_DAY + dt.timedelta(days=int(days[0])), table)]
    return [(EPOCH_DAY + dt.timedelta(days=int(number)), table.filter(pa.array(days == number)))
            for number in np.unique(days).tolist()]


# ---------------------------------------------------------------- Arrow helpers

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
            _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="tinhso-columnar")
        return _pool
