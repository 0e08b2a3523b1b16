"""Only transport inspectors (the permission transport.view_journeys, given by the group "Thanh tra giao
thông") see journey monitoring: pages, API and the menu."""

from pathlib import Path

import pytest
from django.test import Client

from tinhso.conftest import PASSWORD
from tinhso.core.navigation import modules_for
from tinhso.transport.apps import TransportConfig

PAGES = ["/transport/", "/transport/violations/", "/transport/coaches/", "/transport/reports/", "/transport/rules/",
         "/transport/basemap.geojson"]
PERIOD = "start=2025-03-01&end=2025-03-02"
API = ["/transport/vehicles", f"/transport/violations?{PERIOD}", "/transport/rules",
       f"/transport/reports/vehicle?{PERIOD}", f"/transport/coaches?{PERIOD}"]


def _browser(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("who", ["viewer_user", "focal_user", "province_admin"])
def test_other_roles_get_403_everywhere(request, who, fleet, api_as):
    user = request.getfixturevalue(who)
    client = _browser(user)
    for page in PAGES + [f"/transport/vehicles/{fleet['20B-012.34'].pk}/"]:
        assert client.get(page).status_code == 403, page
    api = api_as(user)
    for path in API + [f"/transport/vehicles/{fleet['20B-012.34'].pk}/positions?start=2025-03-01&end=2025-03-02"]:
        response = api.get(path)
        assert response.status_code == 403, path
        assert response.json()["message"]["vi"].startswith("Chỉ thanh tra")
    assert not TransportConfig.nav_visible(user)
    assert "transport:vehicles" not in [m.url_name for m in modules_for(user)]


def test_inspector_sees_the_module(inspector, fleet, api_as):
    client = _browser(inspector)
    for page in PAGES + [f"/transport/vehicles/{fleet['20B-012.34'].pk}/"]:
        assert client.get(page).status_code == 200, page
    api = api_as(inspector)
    for path in API:
        assert api.get(path).status_code == 200, path
    assert TransportConfig.nav_visible(inspector)
    assert "transport:vehicles" in [m.url_name for m in modules_for(inspector)]


def test_superuser_sees_it_and_anonymous_does_not(admin_user, client):
    assert TransportConfig.nav_visible(admin_user)
    assert client.get("/transport/").status_code == 302  # to the login page
    assert client.get("/api/v1/transport/vehicles").status_code == 401


def test_the_docs_say_who_sees_it_as_the_rule_does():
    """README and docs/transport.md once said only the inspector sees the module; the superuser does too."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "the only demo user who sees journey monitoring" not in readme
    inspector_line = next(line for line in readme.splitlines() if line.startswith("| `thanhtra.giaothong`"))
    assert "`admin`" in inspector_line
    doc = (root / "docs" / "transport.md").read_text(encoding="utf-8")
    assert "system administrator `admin`" in doc and "superuser" in doc


def test_leaflet_is_the_cores_one_copy(client):
    """Journey maps load the Leaflet the core serves from the installed package (one copy for every app)."""
    response = client.get("/assets/leaflet/leaflet.js")
    assert response.status_code == 200 and b"Leaflet" in b"".join(response.streaming_content)[:2000]
    assert client.get("/transport/assets/leaflet/leaflet.js").status_code == 404
    root = Path(__file__).resolve().parents[1]
    assert not list(root.rglob("leaflet*.js")), "transport ships no Leaflet of its own"
    for name in ("_map_head.html", "coach.html", "vehicle.html"):
        text = (root / "templates" / "transport" / name).read_text(encoding="utf-8")
        assert "transport:leaflet" not in text
    assert "{% url 'leaflet' 'leaflet.js' %}" in (root / "templates" / "transport" / "vehicle.html").read_text(
        encoding="utf-8")


def test_demo_loader_creates_the_inspector(db, settings):
    from django.contrib.auth.models import Group

    from tinhso.accounts.models import User
    from tinhso.transport import demo

    Group.objects.get(name="Thanh tra giao thông")
    demo.DEMO_VEHICLES, demo.DEMO_DAYS = 6, 3
    try:
        demo.load()
        demo.load()  # idempotent
    finally:
        demo.DEMO_VEHICLES, demo.DEMO_DAYS = 24, 21
    user = User.objects.get(username="thanhtra.giaothong")
    assert user.check_password("tinhso-demo") and user.role == "focal"
    assert user.has_perm("transport.view_journeys")
    from tinhso.transport.models import Vehicle

    assert Vehicle.objects.count() == 6
