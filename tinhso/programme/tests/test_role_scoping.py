"""A focal point sees only the tasks its unit leads or coordinates, reports on those it leads, and cannot
edit other units' tasks: forbidden paths answer 403 in the API and on the pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import MULTIPART_CONTENT as MP

from tinhso.conftest import PASSWORD
from tinhso.core.errors import Forbidden
from tinhso.programme import services
from tinhso.programme.models import Status, Task


@pytest.fixture
def tasks(plan_2024, department, tnmt, make_task):
    """A led by Sở TTTT; B led by Sở TN&MT with Sở TTTT coordinating; C led by Sở TN&MT alone."""
    return {
        "A": make_task(plan_2024, "A", department, title="Triển khai ứng dụng Công dân số Bắc Kạn"),
        "B": make_task(plan_2024, "B", tnmt, coordinating=[department], title="Chuyển hệ thống sang Trung tâm"),
        "C": make_task(plan_2024, "C", tnmt, title="Chỉnh lý giấy chứng nhận quyền sử dụng đất"),
    }


def test_focal_point_sees_only_led_or_coordinated_tasks(db, tasks, tttt_focal, plan_2024):
    visible = set(services.search_tasks(tttt_focal, plan_2024).values_list("code", flat=True))
    assert visible == {"A", "B"}
    assert services.overview(tttt_focal, plan_2024).total == 2


def test_leaders_and_admins_see_everything(db, tasks, viewer_user, province_admin, plan_2024):
    assert services.search_tasks(viewer_user, plan_2024).count() == 3
    assert services.search_tasks(province_admin, plan_2024).count() == 3


def test_focal_point_reports_only_on_tasks_it_leads(db, tasks, tttt_focal):
    services.post_progress(tttt_focal, tasks["A"].pk, "Đã ký hợp đồng", 20, Status.IN_PROGRESS)
    with pytest.raises(Forbidden):
        services.post_progress(tttt_focal, tasks["B"].pk, "Phối hợp", 20, Status.IN_PROGRESS)
    with pytest.raises(Forbidden):
        services.post_progress(tttt_focal, tasks["C"].pk, "x", 20, Status.IN_PROGRESS)
    assert Task.objects.get(pk=tasks["B"].pk).progress == 0


def test_focal_point_edits_working_fields_of_its_task_but_not_who_leads_it(db, tasks, tttt_focal, tnmt):
    task = services.update_task(tttt_focal, tasks["A"].pk, {"due_date": dt.date(2024, 12, 31)}, 1)
    assert task.version == 2 and task.history.first().history_user == tttt_focal
    with pytest.raises(Forbidden):
        services.update_task(tttt_focal, tasks["A"].pk, {"lead_unit": tnmt}, 2)
    with pytest.raises(Forbidden):
        services.update_task(tttt_focal, tasks["B"].pk, {"title": "Đổi tên"}, 1)


def test_viewer_changes_nothing(db, tasks, viewer_user):
    with pytest.raises(Forbidden):
        services.post_progress(viewer_user, tasks["A"].pk, "x", 10, Status.IN_PROGRESS)
    with pytest.raises(Forbidden):
        services.update_task(viewer_user, tasks["A"].pk, {"title": "x"}, 1)


# ---------------------------------------------------------------- API

def test_api_forbidden_paths_answer_403(db, tasks, tttt_focal, api_as, plan_2024, department):
    api = api_as(tttt_focal)
    assert api.get(f"/programme/tasks/{tasks['C'].pk}").status_code == 403
    assert api.get(f"/programme/tasks/{tasks['C'].pk}/updates").status_code == 403
    response = api.patch(f"/programme/tasks/{tasks['B'].pk}", {"version": 1, "title": "Đổi"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden" and response.json()["message"]["vi"]
    response = api.post(f"/programme/tasks/{tasks['B'].pk}/updates", {"text": "x", "progress": 5,
                                                                      "status": "in_progress"},
                        content_type=MP)
    assert response.status_code == 403
    assert api.post("/programme/tasks", {"plan_id": plan_2024.pk, "code": "Z", "title": "Z", "pillar": "data",
                                         "lead_unit_id": department.pk}).status_code == 403
    assert api.delete(f"/programme/tasks/{tasks['A'].pk}?version=1").status_code == 403
    listed = api.get(f"/programme/tasks?plan_id={plan_2024.pk}").json()
    assert {t["code"] for t in listed["items"]} == {"A", "B"} and listed["count"] == 2
    assert api.get(f"/programme/plans/{plan_2024.pk}/overview").json()["total"] == 2


def test_api_focal_point_posts_progress_with_a_file(db, tasks, tttt_focal, api_as, tnmt_focal):
    api = api_as(tttt_focal)
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 nghiem thu", content_type="application/pdf")
    response = api.post(f"/programme/tasks/{tasks['A'].pk}/updates",
                        {"text": "Đã nghiệm thu giai đoạn 1", "progress": "55", "status": "in_progress",
                         "files": upload}, content_type=MP)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["progress"] == 55 and body["evidence"][0]["name"] == "bien-ban.pdf"
    task = api.get(f"/programme/tasks/{tasks['A'].pk}").json()
    assert task["progress"] == 55 and task["state"] == "in_progress" and task["version"] == 2
    download = api.get(f"/programme/evidence/{body['evidence'][0]['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 nghiem thu"
    # another unit's focal point may not fetch the file
    assert api_as(tnmt_focal).get(f"/programme/evidence/{body['evidence'][0]['id']}").status_code == 403


def test_api_rejects_bad_progress_input_with_field_errors(db, tasks, tttt_focal, api_as):
    api = api_as(tttt_focal)
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = api.post(f"/programme/tasks/{tasks['A'].pk}/updates",
                        {"text": " ", "progress": "100", "status": "in_progress", "files": bad}, content_type=MP)
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"text", "files[0]"} <= fields
    response = api.post(f"/programme/tasks/{tasks['A'].pk}/updates",
                        {"text": "x", "progress": "150", "status": "overdue"}, content_type=MP)
    assert response.status_code == 422
    assert Task.objects.get(pk=tasks["A"].pk).version == 1


# ---------------------------------------------------------------- pages

def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_pages_forbidden_paths_answer_403(db, tasks, tttt_focal, plan_2024):
    client = _client(tttt_focal)
    assert client.get(f"/programme/tasks/{tasks['C'].pk}/").status_code == 403
    assert client.get(f"/programme/tasks/{tasks['B'].pk}/edit/").status_code == 403
    assert client.post(f"/programme/tasks/{tasks['B'].pk}/", {"text": "x", "progress": 5,
                                                               "status": "in_progress"}).status_code == 403
    assert client.get(f"/programme/plans/{plan_2024.pk}/import/").status_code == 403
    assert client.get(f"/programme/plans/{plan_2024.pk}/carry-over/").status_code == 403
    assert client.get(f"/programme/plans/{plan_2024.pk}/tasks/new/").status_code == 403
    page = client.get(f"/programme/plans/{plan_2024.pk}/tasks/")
    assert page.status_code == 200
    assert "Công dân số" in page.content.decode() and "quyền sử dụng đất" not in page.content.decode()
    assert client.get(f"/programme/tasks/{tasks['B'].pk}/").status_code == 200  # coordinated: read-only


def test_viewer_pages_read_but_do_not_write(db, tasks, viewer_user, plan_2024):
    client = _client(viewer_user)
    assert client.get(f"/programme/plans/{plan_2024.pk}/").status_code == 200
    assert client.get(f"/programme/tasks/{tasks['C'].pk}/").status_code == 200
    assert client.get(f"/programme/tasks/{tasks['C'].pk}/edit/").status_code == 403
    assert client.post(f"/programme/tasks/{tasks['C'].pk}/", {"text": "x", "progress": 5,
                                                               "status": "in_progress"}).status_code == 403
