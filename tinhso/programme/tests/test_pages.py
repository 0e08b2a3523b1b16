"""The pages people use: overview with generated sentences and SVG charts, diacritic-insensitive search,
task forms, import with per-row errors, carry-over, export."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhso.conftest import PASSWORD
from tinhso.core.testing import external_addresses
from tinhso.programme import services, spreadsheet
from tinhso.programme.models import Origin, Status, Task


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def loaded(db, departments, plan_2024, root_admin):
    result = spreadsheet.import_plan(root_admin, plan_2024, spreadsheet.read_plan_file(spreadsheet.build_sample(),
                                                                                       "s.xlsx"))
    assert not result.errors
    return plan_2024


def test_overview_page_states_the_facts_and_draws_charts(loaded, viewer_user):
    page = _client(viewer_user).get(f"/programme/plans/{loaded.pk}/?as_of=2024-07-01")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Năm 2024 có 9 nhiệm vụ mới, trong đó 6 nhiệm vụ chưa có trong Đề án." in html
    assert html.count("<svg") >= 5  # state, origin, pillar, budget, timeline
    assert "Mua sắm máy tính, máy in, máy scan" in html  # overdue on 01/07/2024 (deadline 30/06/2024)
    assert "10.100" in html  # planned budget, Vietnamese thousands separator
    # charts are static SVG: the only script is the site-wide behaviours file (language select etc.)
    assert external_addresses(html) == [] and html.count("<script src") == 1 and "core/behaviour" in html


def test_task_search_ignores_diacritics(loaded, viewer_user):
    client = _client(viewer_user)
    html = client.get(f"/programme/plans/{loaded.pk}/tasks/", {"q": "cong dan so"}).content.decode()
    assert "Triển khai ứng dụng Công dân số Bắc Kạn" in html
    assert "Số hóa tài liệu lưu trữ" not in html
    html = client.get(f"/programme/plans/{loaded.pk}/tasks/", {"q": "TAI NGUYEN moi truong"}).content.decode()
    assert "Chuyển đổi hệ thống thông tin và cơ sở dữ liệu" in html  # matches the lead unit's name
    html = client.get(f"/programme/plans/{loaded.pk}/tasks/", {"origin": Origin.IN_SCHEME}).content.decode()
    assert "Đào tạo phục vụ triển khai" in html and "Hệ thống quản lý vốn đầu tư" not in html
    assert client.get("/programme/tasks/", {"q": "soc"}).status_code == 200


def test_timeline_and_export_pages(loaded, viewer_user):
    client = _client(viewer_user)
    page = client.get(f"/programme/plans/{loaded.pk}/timeline/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    export = client.get(f"/programme/plans/{loaded.pk}/export/", {"q": "de an 06"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["2024.07", "2024.08"]


def test_import_page_shows_every_rows_errors_and_writes_nothing(db, departments, plan_2024, root_admin):
    workbook = openpyxl.Workbook()
    workbook.active.append([t for t, _, _ in spreadsheet.COLUMNS.values()])
    workbook.active.append(["A", "", "Tên", "", "Không rõ", "", "", "", "Sở Nội vụ Bắc Kạn"])
    workbook.active.append(["B", "", "", "", "Dữ liệu số", "", "", "", "Sở Ma"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = _client(root_admin).post(f"/programme/plans/{plan_2024.pk}/import/",
                                    {"file": SimpleUploadedFile("kh.xlsx", buffer.getvalue())})
    html = page.content.decode()
    assert page.status_code == 200 and "Tệp bị từ chối" in html
    # each error names its column by letter and heading, as the user sees the sheet
    assert '<td class="num">2</td><td class="code">Cột E — Trụ cột, lĩnh vực</td>' in html
    assert '<td class="num">3</td><td class="code">Cột I — Đơn vị chủ trì</td>' in html
    assert not Task.objects.exists()


def test_manager_creates_and_edits_a_task_with_budget(db, plan_2024, department, tnmt, root_admin):
    client = _client(root_admin)
    form = {"code": "X1", "title": "Nền tảng báo cáo", "pillar": "digital_government", "kind": "service",
            "origin": "outside_scheme", "lead_unit": department.pk, "coordinating_units": [tnmt.pk],
            "start_date": "2024-02-01", "due_date": "2024-11-30", "status": "in_progress", "progress": "10",
            "budget-TOTAL_FORMS": "2", "budget-INITIAL_FORMS": "0", "budget-0-source": "provincial",
            "budget-0-planned": "1.250,5", "budget-0-allocated": "1000", "budget-0-disbursed": "200"}
    response = client.post(f"/programme/plans/{plan_2024.pk}/tasks/new/", form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    task = Task.objects.get(code="X1")
    assert str(task.budget_lines.get().planned) == "1250.500"
    assert client.get(f"/programme/tasks/{task.pk}/").status_code == 200
    form |= {"version": "1", "status": "done", "progress": "50", "budget-TOTAL_FORMS": "2"}
    page = client.post(f"/programme/tasks/{task.pk}/edit/", form)
    assert page.status_code == 200 and "100%" in page.content.decode()  # done needs 100%: error shown, not saved
    form |= {"version": "1", "status": "in_progress", "progress": "60"}
    assert client.post(f"/programme/tasks/{task.pk}/edit/", form).status_code == 302
    stale = client.post(f"/programme/tasks/{task.pk}/edit/", form | {"version": "1", "progress": "70"})
    assert "phiên bản" in stale.content.decode()  # a stale form is refused (conflict)
    assert Task.objects.get(pk=task.pk).progress == 60
    assert client.get(f"/programme/tasks/{task.pk}/history/").status_code == 200


def test_carry_over_page_moves_selected_tasks(db, plan_2023, plan_2024, department, make_task, root_admin):
    first = make_task(plan_2023, "A", department, status=Status.IN_PROGRESS, progress=30)
    make_task(plan_2023, "B", department)
    client = _client(root_admin)
    page = client.get(f"/programme/plans/{plan_2023.pk}/carry-over/")
    assert page.status_code == 200 and "A" in page.content.decode()
    response = client.post(f"/programme/plans/{plan_2023.pk}/carry-over/", {"target": plan_2024.pk,
                                                                             "task": [first.pk]})
    assert response.status_code == 302
    assert list(Task.objects.filter(plan=plan_2024).values_list("code", flat=True)) == ["A"]
    html = client.get(f"/programme/tasks/{Task.objects.get(plan=plan_2024).pk}/").content.decode()
    assert 'id="chain"' in html and "2023 · A" in html


def test_focal_point_posts_progress_on_the_page(db, plan_2024, department, make_task, tttt_focal):
    task = make_task(plan_2024, "A", department, due=dt.date(2024, 12, 31))
    client = _client(tttt_focal)
    response = client.post(f"/programme/tasks/{task.pk}/", {
        "reported_on": "2024-05-02", "progress": "35", "status": "in_progress", "text": "Đã khảo sát",
        "files": [SimpleUploadedFile("anh.png", b"\x89PNG data")]})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == 35 and task.last_update_on == dt.date(2024, 5, 2)
    evidence = task.updates.get().evidence.get()
    assert evidence.file.name.startswith("programme/evidence/")
    download = client.get(f"/programme/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG data"
    assert services.state_of(task, dt.date(2025, 1, 1)) == "overdue"


def test_dx_office_creates_scheme_and_plan_on_pages(db, province, root_admin, tttt_focal):
    from tinhso.programme.models import Plan, Scheme

    client = _client(root_admin)
    assert client.get("/programme/schemes/new/").status_code == 200
    response = client.post("/programme/schemes/new/", {
        "code": "DA-BK", "name": "Đề án chuyển đổi số tỉnh Bắc Kạn", "province": province.pk,
        "start_year": "2022", "end_year": "2025", "vision_year": "2030"})
    assert response.status_code == 302
    scheme = Scheme.objects.get(code="DA-BK")
    page = client.post("/programme/plans/new/", {"code": "KH-2026", "name": "KH 2026", "scheme": scheme.pk,
                                                 "year": "2031"})
    assert page.status_code == 200 and "2022–2030" in page.content.decode()  # outside the scheme: field error
    response = client.post("/programme/plans/new/", {"code": "KH-2024", "name": "KH 2024", "scheme": scheme.pk,
                                                     "year": "2024"})
    assert response.status_code == 302 and Plan.objects.get(code="KH-2024").province == province
    focal = _client(tttt_focal)
    assert focal.get("/programme/schemes/new/").status_code == 403
    assert focal.get("/programme/plans/new/").status_code == 403
    assert focal.get(f"/programme/schemes/{scheme.pk}/edit/").status_code == 403


def test_overview_speaks_the_chosen_language_only(loaded, viewer_user):
    client = _client(viewer_user)
    html = client.get(f"/programme/plans/{loaded.pk}/?as_of=2024-07-01").content.decode()
    assert "Tổng quan" in html and "Theo tình trạng" in html and "/ Overview" not in html
    client.cookies["django_language"] = "en"
    html = client.get(f"/programme/plans/{loaded.pk}/?as_of=2024-07-01").content.decode()
    assert "Overview" in html and "By state" in html and "Tổng quan" not in html
    html = client.get(f"/programme/plans/{loaded.pk}/tasks/").content.decode()
    assert "Lead unit" in html or "Lead" in html
    assert "Đơn vị chủ trì" not in html
