"""Long actions run in the background: one row per job, polled by its status page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Đã xong")
    FAILED = "failed", pgettext_lazy("tác vụ", "Lỗi")


class Job(models.Model):
    """A long action (recompute a period's trips, collect a DTI round's values, …) started from a page.

    Not audited: a job is a record of work, the objects it changes carry their own history."""

    kind = models.CharField(max_length=60)  # e.g. "transport.analyse"
    key = models.CharField(max_length=200, blank=True)  # the same kind and key never run twice at once
    label = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    message = models.CharField(max_length=500, blank=True)  # the current step, then the outcome
    error_vi = models.TextField(blank=True)
    error_en = models.TextField(blank=True)
    next_url = models.CharField(max_length=500, blank=True)  # where the page goes once the job is done
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the heartbeat: progress saves it
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "status"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
