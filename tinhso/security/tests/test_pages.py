"""The inventory pages render for each role and lead with the figures."""

from django.test import Client

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.security import services
from tinhso.security.tests.conftest import system_data


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_pages_render_and_the_viewer_cannot_edit(root_admin, viewer_user, district, commune):
    system = services.create_system(root_admin, system_data(district))
    services.create_asset(root_admin, {"code": "VC-1", "kind": "vc_point", "name": "Điểm cầu Chợ Rã", "unit": commune})
    client = _client(viewer_user)
    page = client.get("/security/?q=mot+cua").content.decode()
    assert "Hệ thống một cửa điện tử huyện Ba Bể" in page and "<svg" in page
    detail = client.get(f"/security/systems/{system.pk}/").content.decode()
    assert "10.5.1.10" not in detail
    assert client.get(f"/security/systems/{system.pk}/edit/").status_code == 403
    assert "Điểm cầu Chợ Rã" in client.get("/security/assets/").content.decode()
    assert client.get(f"/security/systems/{system.pk}/history/").status_code == 200


def test_a_focal_point_adds_a_system_through_the_form(make_unit):
    province = make_unit("Tỉnh Thái Nguyên", "province")
    department = make_unit("Sở Khoa học và Công nghệ Thái Nguyên", "department", province)
    focal = User.objects.create_user("sokhcn", password=PASSWORD, role=Role.FOCAL, unit=department)
    client = _client(focal)
    response = client.post("/security/systems/new/", {
        "code": "F-1", "name": "Phần mềm quản lý", "owner": department.pk, "category": "internal",
        "status": "operating", "hosting": "on_premises", "migration_status": "not_planned",
        "addresses": "10.8.0.1"})
    assert response.status_code == 302
    system = services.search_systems("phan mem")[0]
    assert system.owner == department and "10.8.0.1" in client.get(response.url).content.decode()


def test_the_wizard_page_proposes_a_level_and_the_dossier_page_shows_the_steps(focal_user, viewer_user, system):
    client = _client(focal_user)
    page = client.post(f"/security/systems/{system.pk}/screen/", {
        "dated": "2024-05-02", "function": "internal", "information": "private_personal", "preview": "1"})
    assert 'id="proposed-level">2<' in page.content.decode()
    saved = client.post(f"/security/systems/{system.pk}/screen/", {
        "dated": "2024-05-02", "function": "internal", "information": "private_personal", "save": "1"})
    assert saved.status_code == 302
    dossier_page = client.get(saved.url).content.decode()
    assert "NĐ 85/2016 Điều 8.1" in dossier_page and 'id="submit-dossier"' in dossier_page
    reader_page = _client(viewer_user).get(saved.url).content.decode()
    assert 'id="submit-dossier"' not in reader_page and 'id="approve-dossier"' not in reader_page


def test_the_levels_page_leads_with_the_share(viewer_user, system):
    page = _client(viewer_user).get("/security/levels/").content.decode()
    assert 'id="approved-share">0%<' in page and "mục tiêu 80%" in page
