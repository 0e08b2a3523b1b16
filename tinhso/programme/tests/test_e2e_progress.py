"""End to end in a real browser: a focal point logs in, posts a progress update with an evidence file on a
task its unit leads, and a leader sees it on the plan overview."""

import datetime as dt

import pytest

from tinhso.conftest import login
from tinhso.programme.models import Status


@pytest.mark.e2e
def test_focal_point_reports_and_leader_sees_it(browser_page, plan_2024, department, tnmt, make_task, tttt_focal,
                                                viewer_user, tmp_path):
    task = make_task(plan_2024, "2024.09", department, title="Triển khai ứng dụng Công dân số Bắc Kạn",
                     status=Status.IN_PROGRESS, progress=40, start=dt.date(2024, 1, 1), due=dt.date(2030, 12, 31))
    make_task(plan_2024, "2024.03", tnmt, title="Chỉnh lý giấy chứng nhận quyền sử dụng đất")
    evidence = tmp_path / "bien-ban-nghiem-thu.pdf"
    evidence.write_bytes(b"%PDF-1.4 bien ban nghiem thu giai doan 1")
    page = browser_page

    login(page, tttt_focal.username)
    page.goto("/programme/")
    assert "Chỉnh lý giấy chứng nhận" not in page.content()  # another unit's task is not shown
    page.click("text=Triển khai ứng dụng Công dân số Bắc Kạn")
    page.fill("#id_progress", "65")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_text", "Phát hành ứng dụng Công dân số trên kho ứng dụng; tích hợp thu phí trường học.")
    page.set_input_files("#id_files", str(evidence))
    page.click("#report button.primary")
    page.wait_for_selector(".messages li")
    assert page.inner_text("#task-progress") == "65%"
    assert "bien-ban-nghiem-thu.pdf" in page.inner_text("#updates")
    page.screenshot(path="/tmp/programme-e2e-focal.png", full_page=True)

    page.context.clear_cookies()
    login(page, viewer_user.username)
    page.goto(f"/programme/plans/{plan_2024.pk}/")
    recent = page.inner_text("#recent-updates")
    assert "Phát hành ứng dụng Công dân số" in recent and "65%" in recent
    assert "bien-ban-nghiem-thu.pdf" in recent
    assert "Năm 2024 có 2 nhiệm vụ mới, tất cả đều thuộc Đề án." in page.inner_text("#summary")
    page.screenshot(path="/tmp/programme-e2e-leader.png", full_page=True)
    with page.expect_download() as download:
        page.click("#recent-updates a.badge")
    assert download.value.suggested_filename == "bien-ban-nghiem-thu.pdf"
    task.refresh_from_db()
    assert task.progress == 65
