"""End to end in the browser: a focal point registers a system and screens its level, the DX office
appraises, the approver approves, and the approved share moves."""

import pytest
from django.contrib.auth.models import Group

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD, login
from tinhso.security.dossiers import APPROVER_GROUP


def _logout(page) -> None:
    page.context.clear_cookies()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_register_screen_approve_and_see_the_share_move(browser_page, make_unit, tmp_path):
    province = make_unit("Tỉnh Thái Nguyên", "province")
    department = make_unit("Sở Khoa học và Công nghệ Thái Nguyên", "department", province)
    User.objects.create_user("daumoi", password=PASSWORD, role=Role.FOCAL, unit=department)
    User.objects.create_user("quantri", password=PASSWORD, role=Role.ADMIN, unit=province)
    approver = User.objects.create_user("pheduyet", password=PASSWORD, role=Role.VIEWER, unit=province)
    approver.groups.add(Group.objects.get(name=APPROVER_GROUP))
    attachment = tmp_path / "tai-lieu.pdf"
    attachment.write_bytes(b"%PDF-1.4 e2e")
    page = browser_page

    login(page, "daumoi")
    page.goto("/security/systems/new/")
    page.fill("input[name=code]", "TNG-DVC")
    page.fill("input[name=name]", "Cổng dịch vụ công tỉnh")
    page.select_option("select[name=owner]", str(department.pk))
    page.select_option("select[name=category]", "admin_procedure")
    page.select_option("select[name=hosting]", "provincial_dc")
    page.fill("input[name=data_subjects]", "45000")
    page.fill("textarea[name=addresses]", "10.20.0.0/24\ndichvucong.thainguyen.gov.vn")
    page.click("button.primary")
    page.wait_for_url("**/security/systems/*/")
    page.goto("/security/levels/")
    assert page.inner_text("#approved-share").startswith("0")

    page.goto("/security/")
    page.click("text=Cổng dịch vụ công tỉnh")
    page.click("text=Xác định cấp độ")
    page.fill("input[name=dated]", "2024-05-02")
    page.click("button[name=preview]")
    assert page.inner_text("#proposed-level") == "3"  # Decree 85: online public services at level 3
    page.click("button[name=save]")
    page.wait_for_url("**/security/dossiers/*/")
    for kind in ("overview", "design", "level_justification", "security_plan"):
        page.select_option("select[name=kind]", kind)
        page.set_input_files("input[name=file]", str(attachment))
        page.click("form[action$='/attach/'] button")
    page.click("#submit-dossier")
    assert "Đã trình" in page.inner_text("#dossier-state")
    _logout(page)

    login(page, "quantri")
    page.goto(page.url if "/dossiers/" in page.url else "/security/levels/")
    page.click("text=Cổng dịch vụ công tỉnh")
    page.fill("textarea[name=opinion]", "Đề xuất cấp độ 3 phù hợp tiêu chí Điều 9")
    page.click("#appraise-dossier")
    page.select_option("select[name=kind]", "appraisal_opinion")
    page.set_input_files("input[name=file]", str(attachment))
    page.click("form[action$='/attach/'] button")
    assert "Đã thẩm định" in page.inner_text("#dossier-state")
    dossier_url = page.url
    _logout(page)

    login(page, "pheduyet")
    page.goto(dossier_url)
    page.fill("input[name=decision_number]", "125/QĐ-UBND")
    page.fill("input[name=signer]", "Phó Chủ tịch UBND tỉnh")
    page.click("#approve-dossier")
    assert "Đã phê duyệt" in page.inner_text("#dossier-state")
    page.goto("/security/levels/")
    assert page.inner_text("#approved-share") == "100%"
    page.screenshot(path="/tmp/security-levels.png", full_page=True)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_planted_attack_is_an_incident_on_the_operations_view(browser_page, make_unit, tmp_path, settings):
    import datetime as dt

    from tinhso.security import incidents, services
    from tinhso.security.events import generator, store

    settings.DATA_DIR = tmp_path / "data"
    province = make_unit("Tỉnh Thái Nguyên", "province")
    department = make_unit("Sở Khoa học và Công nghệ Thái Nguyên", "department", province)
    admin = User.objects.create_user("quantri", password=PASSWORD, role=Role.ADMIN, unit=province)
    hosts = ["web01.thainguyen.gov.vn", "db01.thainguyen.gov.vn", "mail01.thainguyen.gov.vn"]
    services.create_system(admin, {"code": "TNG-1", "name": "Cổng dịch vụ công tỉnh", "owner": department,
                                   "category": "portal", "hosting": "provincial_dc", "addresses": "\n".join(hosts)})
    day = dt.date.today()
    store.ingest_lines(generator.generate(hosts, day, 1500, seed=5).lines, "auto", day.year)
    incidents.evaluate_day(day, dt.datetime.combine(day, dt.time(23, 0), dt.UTC))
    page = browser_page
    login(page, "quantri")
    page.goto("/security/operations/")
    table = page.inner_text("#incidents")
    assert "Dò mật khẩu SSH" in table and "web01.thainguyen.gov.vn" in table
    assert "Sở Khoa học và Công nghệ Thái Nguyên" in table
    page.click("text=Dò mật khẩu SSH (brute force)")
    assert "Mới" in page.inner_text("#incident-status")
    page.screenshot(path="/tmp/security-operations.png", full_page=True)
