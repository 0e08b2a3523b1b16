"""Long actions run as background jobs whose page shows their progress and then goes back with the outcome."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from tinhso.core import jobs
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.models import Job, JobStatus


def _work(progress) -> str:
    progress(0.5, "nửa đường")
    return "Đã tính 1.337 chuyến"


def test_a_job_reports_its_outcome_and_the_page_goes_back_with_it(client, root_admin):
    job = jobs.start(root_admin, "test.work", "Việc thử", _work, next_url="/units/")
    assert job.status == JobStatus.DONE and job.progress == 100 and job.message == "Đã tính 1.337 chuyến"
    client.force_login(root_admin)
    response = client.get(f"/jobs/{job.pk}/", follow=True)
    assert response.redirect_chain[0][0] == "/units/"
    assert "Đã tính 1.337 chuyến" in response.content.decode()
    assert client.get(f"/jobs/{job.pk}/?format=json").json()["status"] == "done"


def test_a_failed_job_shows_why_in_both_languages(client, root_admin):
    def failing(progress) -> str:
        raise ValidationFailed(FieldError("start", "ngày bắt đầu sai", "bad start date"))

    job = jobs.start(root_admin, "test.fail", "Việc lỗi", failing, next_url="/units/")
    assert job.status == JobStatus.FAILED and "ngày bắt đầu sai" in job.error_vi and "bad start date" in job.error_en
    client.force_login(root_admin)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Không thực hiện được" in page and "ngày bắt đầu sai" in page


def test_an_unexpected_error_ends_the_job_instead_of_leaving_it_running(root_admin):
    job = jobs.start(root_admin, "test.crash", "Việc hỏng", lambda progress: 1 / 0)
    assert job.status == JobStatus.FAILED and "ZeroDivisionError" in job.error_en


def test_only_its_starter_sees_a_job(client, root_admin, viewer_user):
    job = jobs.start(root_admin, "test.work", "Việc thử", _work)
    client.force_login(viewer_user)
    assert client.get(f"/jobs/{job.pk}/").status_code == 403
    assert client.get("/jobs/999999/").status_code == 404


def test_a_running_job_shows_a_progress_bar_and_reloads_itself(client, root_admin):
    job = Job.objects.create(kind="test.slow", label="Việc dài", user=root_admin, status=JobStatus.RUNNING,
                             progress=40, message="40/100 xe", next_url="/units/")
    client.force_login(root_admin)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert '<progress max="100" value="40"' in page and 'http-equiv="refresh"' in page and "40/100 xe" in page


def test_an_interrupted_job_is_reported_failed_and_can_be_started_again(root_admin):
    job = Job.objects.create(kind="test.work", key="k", label="Việc", user=root_admin, status=JobStatus.RUNNING)
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    assert jobs.get(root_admin, job.pk).status == JobStatus.FAILED
    again = jobs.start(root_admin, "test.work", "Việc", _work, key="k")
    assert again.pk != job.pk and again.status == JobStatus.DONE


def test_pressing_twice_follows_the_job_under_way(root_admin):
    running = Job.objects.create(kind="test.work", key="k", label="Việc", user=root_admin,
                                 status=JobStatus.RUNNING)
    assert jobs.start(root_admin, "test.work", "Việc", _work, key="k").pk == running.pk


# serialized rollback: the flush afterwards must not recreate content types under new ids (post_migrate), or
# the end-to-end tests that restore the serialized database afterwards collide with them
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_tests_a_job_runs_in_a_thread_and_the_request_returns_at_once(settings, root_admin):
    settings.TINHSO_JOBS_INLINE = False

    def slow(progress) -> str:
        for step in range(5):
            progress(step / 5, f"{step}/5")
            time.sleep(0.1)
        return "xong"

    started = time.monotonic()
    job = jobs.start(root_admin, "test.thread", "Việc chạy nền", slow)
    assert time.monotonic() - started < 0.3 and job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    deadline = time.monotonic() + 20
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.05)
        job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.message == "xong" and job.progress == 100
