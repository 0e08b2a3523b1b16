"""A batch and its ingest-batch record are committed together (the database row is the commit point), a
retry of a committed batch is answered "already stored", and the data files and their directories are
on disk before the journal that commits them."""

import datetime as dt
import os

import pytest

from tinhso.core import columnar
from tinhso.transport import analysis, services, store
from tinhso.transport.models import IngestBatch

T0 = int(dt.datetime(2025, 3, 3, 16, 59, tzinfo=dt.UTC).timestamp())  # 23:59 local: two days, two files


class Killed(BaseException):
    """Stands for SIGKILL: no exception handler of the ingest may clean up after it."""


def _points(n: int = 4, plate: str = "20B01234") -> list[dict]:
    return [{"plate": plate, "time": T0 + 30 * i, "lat": 21.6, "lon": 105.8, "speed": 30, "ignition": 1}
            for i in range(n)]


def _stored(vehicle_id: int) -> int:
    return analysis.load_points(dt.date(2025, 3, 1), dt.date(2025, 3, 31), vehicle_ids=[vehicle_id]).num_rows


def test_a_retry_of_a_committed_batch_is_answered_as_already_stored(inspector, fleet):
    first = services.ingest_stream(inspector, _points())
    again = services.ingest_stream(inspector, _points())
    assert not first.already_stored and again.already_stored
    assert again.batch_id == first.batch_id and again.rows_stored == 4
    assert _stored(fleet["20B-012.34"].pk) == 4
    assert IngestBatch.objects.count() == 1
    assert IngestBatch.objects.get().key == first.key and first.key.startswith("sha256:")


def test_a_client_key_names_the_batch_whatever_its_content(inspector, fleet):
    services.ingest_stream(inspector, _points(4), key="lo-0001")
    retry = services.ingest_stream(inspector, _points(6), key="lo-0001")  # same key: the same batch
    assert retry.already_stored and _stored(fleet["20B-012.34"].pk) == 4
    other = services.ingest_stream(inspector, _points(4), key="lo-0002")
    assert not other.already_stored


def test_a_file_sent_twice_is_stored_once(inspector, fleet, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("plate,time,lat,lon,speed,ignition\n" + "\n".join(
        f"20B01234,{T0 + 30 * i},21.6,105.8,30,1" for i in range(5)) + "\n")
    assert not services.ingest_file(inspector, path, "csv").already_stored
    assert services.ingest_upload(inspector, path.read_bytes(), "copy.csv").already_stored
    assert _stored(fleet["20B-012.34"].pk) == 5


def test_killed_after_the_record_the_batch_is_completed_and_a_retry_not_stored_again(inspector, fleet, monkeypatch):
    real = columnar.apply_moves
    monkeypatch.setattr(columnar, "apply_moves", lambda base, moves: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        services.ingest_stream(inspector, _points())
    monkeypatch.setattr(columnar, "apply_moves", real)
    assert IngestBatch.objects.count() == 1  # the record was committed with the batch …
    retry = services.ingest_stream(inspector, _points())
    assert retry.already_stored  # … so the client's retry stores nothing twice
    assert _stored(fleet["20B-012.34"].pk) == 4  # and recovery made the committed batch whole
    assert not any((store.positions_dir() / "_journal").glob("*.json"))


def test_killed_before_the_record_the_batch_never_happened(inspector, fleet, monkeypatch):
    real = columnar.write_journal

    def write_then_die(base, batch_id, entry):
        real(base, batch_id, entry)
        raise Killed()

    monkeypatch.setattr(columnar, "write_journal", write_then_die)
    with pytest.raises(Killed):
        services.ingest_stream(inspector, _points())
    monkeypatch.setattr(columnar, "write_journal", real)
    assert list((store.positions_dir() / "_journal").glob("*.json"))  # prepared, not committed
    store.recover()
    assert IngestBatch.objects.count() == 0 and _stored(fleet["20B-012.34"].pk) == 0
    assert not any((store.positions_dir() / "_journal").glob("*.json"))
    assert not any((store.positions_dir() / "_staging").iterdir())
    assert not services.ingest_stream(inspector, _points()).already_stored  # the retry stores it
    assert _stored(fleet["20B-012.34"].pk) == 4


def test_a_failed_record_leaves_no_data(inspector, fleet, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(IngestBatch.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        services.ingest_stream(inspector, _points())
    assert _stored(fleet["20B-012.34"].pk) == 0 and store.all_days() == []


def test_files_and_directories_are_synced_before_the_journal(inspector, fleet, monkeypatch):
    events: list[tuple[str, str]] = []
    base = store.positions_dir()

    def rel(path) -> str:
        return os.path.relpath(path, base)

    for name in ("fsync_file", "fsync_dir"):
        real = getattr(columnar, name)
        monkeypatch.setattr(columnar, name, lambda path, real=real, name=name: (events.append((name, rel(path))),
                                                                               real(path))[1])
    real_journal, real_replace = columnar.write_journal, os.replace
    monkeypatch.setattr(columnar, "write_journal", lambda base, batch_id, entry: (
        events.append(("journal", batch_id)), real_journal(base, batch_id, entry))[1])
    monkeypatch.setattr(columnar.os, "replace", lambda a, b: (events.append(("rename", rel(b))), real_replace(a, b))[1])
    real_create = IngestBatch.objects.create
    monkeypatch.setattr(IngestBatch.objects, "create", lambda **kw: (events.append(("record", kw["batch_id"])),
                                                                      real_create(**kw))[1])

    report = services.ingest_stream(inspector, _points())
    kinds = [e[0] for e in events]
    journal = kinds.index("journal")
    staged = [i for i, e in enumerate(events) if e[0] == "fsync_file" and e[1].startswith("_staging")]
    assert len(staged) == 2 and max(staged) < journal  # both day files flushed …
    assert ("fsync_dir", f"_staging/{report.batch_id}") in events[:journal]  # … and their directory
    record = kinds.index("record")
    moves = [i for i, e in enumerate(events) if e[0] == "rename" and e[1].startswith("day=")]
    assert journal < record < min(moves)  # the record is the commit point, before anything is visible
    synced_days = [i for i, e in enumerate(events) if e[0] == "fsync_dir" and e[1].startswith("day=")]
    assert len(synced_days) == 2 and min(synced_days) > max(moves)
