"""The rate limit and the daily quota hold for the whole server, not per process: `tinhso serve` runs several
processes, and a consumer spreading its calls over them must not get several times its allowance."""

import datetime as dt
import multiprocessing

from tinhso.sharing import gateway
from tinhso.sharing.services import Grant

TODAY = dt.date(2026, 12, 2)


def _grant(per_minute: int = 60, per_day: int = 1000) -> Grant:
    return Grant(key_id=1, access_id=7, service_id=1, service_code="HO_TICH", service_version="v1",
                 service_status="active", provider_unit="P", provider_system="S", endpoint_url="http://127.0.0.1:9",
                 timeout_seconds=5, client_unit="C", client_system="CS", per_minute=per_minute, per_day=per_day,
                 expires_at=None)


def test_two_processes_share_one_token_bucket(db, monkeypatch):
    monkeypatch.setattr(gateway, "_calls_today", lambda grant, today: 0)
    first, second = gateway.Limits(), gateway.Limits()  # each with its own connection, as in two processes
    grant = _grant(per_minute=3)
    assert [first.take(grant, TODAY), second.take(grant, TODAY), first.take(grant, TODAY)] == [None, None, None]
    assert second.take(grant, TODAY) == "rate"


def test_two_processes_share_one_daily_quota(db, monkeypatch):
    monkeypatch.setattr(gateway, "_calls_today", lambda grant, today: 1)  # one call already in the ledger
    first, second = gateway.Limits(), gateway.Limits()
    grant = _grant(per_day=3)
    assert [first.take(grant, TODAY), second.take(grant, TODAY)] == [None, None]
    assert first.take(grant, TODAY) == "quota" and second.take(grant, TODAY) == "quota"
    assert second.take(grant, TODAY + dt.timedelta(days=1)) is None  # a new day starts from the ledger again


def _take_many(data_dir: str, n: int, queue) -> None:
    from django.conf import settings

    settings.DATA_DIR = data_dir
    limits = gateway.Limits()
    gateway._calls_today = lambda grant, today: 0  # noqa: SLF001 - no ledger in the child
    queue.put(sum(limits.take(_grant(per_minute=50), TODAY) is None for _ in range(n)))


def test_calls_spread_over_real_processes_get_the_allowance_once(db, settings):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_take_many, args=(str(settings.DATA_DIR), 40, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    allowed = sum(queue.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert 50 <= allowed <= 52  # a full bucket of 50, plus what refills in the moments the processes run
