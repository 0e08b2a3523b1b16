"""Background jobs: long actions (a transport recompute, a DTI collection) run in a thread of the
server process, and the page that started them shows their progress.

Why not a task queue: django-tasks (the backport of Django 6's tasks) needs a separate worker process
and has no progress reporting; tinhso runs as one process (`tinhso demo`, `tinhso serve`) on a closed
intranet. A job row in the database (core.Job) is enough: the thread writes its progress into it, the
status page (/jobs/<id>/) reads it. A server restart interrupts a job: a job whose heartbeat stopped is
reported as failed, and the user starts it again.

A job function takes a `progress(fraction, message)` callable first and returns the outcome message."""

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from tinhso.core.errors import DomainError, Forbidden, NotFound
from tinhso.core.models import Job, JobStatus

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
STALE_AFTER = dt.timedelta(minutes=10)  # a running job that has not reported for this long was interrupted
SAVE_EVERY = 0.5  # seconds between progress writes


def _inline() -> bool:
    # tests run jobs in the request: their database transaction is never committed for a thread to read
    return bool(getattr(settings, "TINHSO_JOBS_INLINE", False))


def start(user, kind: str, label: str, func: Callable[..., str], *, key: str = "", next_url: str = "") -> Job:
    """Start `func(progress)` in the background (or return the same job already queued or running) and
    return its row. `func` checks permissions itself, as services do; its DomainError becomes the job's
    bilingual error."""
    # the same user pressing the button twice follows the job already under way
    running = Job.objects.filter(kind=kind, key=key, user=user if user and user.pk else None,
                                 status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
    if running and key and not _stale(running):
        return running
    job = Job.objects.create(kind=kind, key=key, label=label[:255], user=user if user and user.pk else None,
                             next_url=next_url[:500])
    if _inline():
        _run(job.pk, func)
        job.refresh_from_db()
        return job
    thread = threading.Thread(target=_thread, args=(job.pk, func), name=f"job-{job.pk}", daemon=True)
    if connection.in_atomic_block:
        transaction.on_commit(thread.start)  # the thread must see the committed row
    else:
        thread.start()
    return job


def _thread(job_id: int, func: Callable[..., str]) -> None:
    try:
        _run(job_id, func)
    finally:
        close_old_connections()
        connection.close()  # a thread's connection is its own; leave none open


def _run(job_id: int, func: Callable[..., str]) -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, updated_at=timezone.now())
    last = [0.0]

    def progress(fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < SAVE_EVERY and fraction < 1:
            return
        last[0] = now
        percent = max(0, min(99, int(fraction * 100)))
        Job.objects.filter(pk=job_id).update(progress=percent, message=message[:500], updated_at=timezone.now())

    try:
        outcome = func(progress)
    except DomainError as exc:
        _finish(job_id, JobStatus.FAILED, error=(exc.vi, exc.en), errors=exc.errors)
    except Exception as exc:  # a job must end in a state the page can show, never hang as "running"
        log.exception("job %s failed", job_id)
        _finish(job_id, JobStatus.FAILED, error=("lỗi khi chạy: " + type(exc).__name__,
                                                 "the job failed: " + type(exc).__name__))
    else:
        _finish(job_id, JobStatus.DONE, message=str(outcome or ""))


def _finish(job_id: int, status: str, message: str = "", error: tuple[str, str] = ("", ""), errors=()) -> None:
    vi, en = error
    if errors:
        vi += "".join(f"; {e.field}: {e.vi}" for e in errors)
        en += "".join(f"; {e.field}: {e.en}" for e in errors)
    fields = {"status": status, "finished_at": timezone.now(), "updated_at": timezone.now(), "error_vi": vi,
              "error_en": en}
    if status == JobStatus.DONE:
        fields.update(progress=100, message=message[:500])
    Job.objects.filter(pk=job_id).update(**fields)


def _stale(job: Job) -> bool:
    return job.status == JobStatus.RUNNING and timezone.now() - job.updated_at > STALE_AFTER or (
        job.status == JobStatus.QUEUED and timezone.now() - job.created_at > STALE_AFTER)


def get(user, job_id: int) -> Job:
    """A job as its starter (or a superuser) sees it; an interrupted one is reported failed."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound("Không có công việc này", "No such job")
    if not (user.is_superuser or job.user_id == user.pk):
        raise Forbidden("Công việc của người khác", "Another user's job")
    if not job.finished and _stale(job):
        _finish(job.pk, JobStatus.FAILED, error=("bị gián đoạn (máy chủ khởi động lại?); hãy chạy lại",
                                                 "interrupted (server restarted?); start it again"))
        job.refresh_from_db()
    return job
