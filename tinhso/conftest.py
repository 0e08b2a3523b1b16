"""Fixtures shared by every app's tests: a small province, one account per role, API clients and a
headless browser for end-to-end tests."""

import datetime as dt
import os
import shutil

import pytest
from django.test import Client

from tinhso.accounts.models import ApiToken, Role, User
from tinhso.units.models import Unit, UnitKind
from tinhso.units.services import UnitData, create_unit

PASSWORD = "test-pass-123"


def pytest_collection_modifyitems(items):
    """Schemathesis makes one test per API operation but gives them all the test function's node id, so
    pytest counted 92 tests as 2 and its progress counter ended at "[77%]" with everything passed (and
    `-v` could not say which operation a line was about). Each operation's test gets its own id."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if not label or item.nodeid.endswith("]"):
            continue
        node_id = getattr(item, "_id", None)  # pytest 9 keeps a structured id
        if hasattr(node_id, "with_params"):
            item._id = node_id.with_params(label)
        else:
            item._nodeid = f"{item.nodeid}[{label}]"


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real password hashing costs ~0,4 s per test user; tests do not need its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The second factor required of administrators is tested in accounts/tests/test_second_factor.py; other
    # tests sign administrators in with a password only.
    settings.TINHSO_2FA_REQUIRED_ROLES = []
    # background jobs run in the request: a test's transaction is never committed for a job thread to read
    settings.TINHSO_JOBS_INLINE = True
    # per-process memos (menus, home province) and the cache the server processes share start empty in every
    # test (a figure cached by an earlier test, or an earlier run in the same data directory, is not this one's)
    from django.core.cache import caches

    from tinhso.core import memo

    memo.clear()
    caches["shared"].clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """Close connections after each request, so the live server's threads do not keep the PostgreSQL
    test database open when pytest drops it."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def root_admin(db) -> User:
    return User.objects.create_user("root", password=PASSWORD, role=Role.ADMIN, is_superuser=True, is_staff=True)


def _unit(admin: User, name: str, kind: str, parent: Unit | None = None, code: str | None = None,
          **extra) -> Unit:
    return create_unit(admin, UnitData(name=name, kind=kind, parent=parent, code=code, **extra))


@pytest.fixture
def make_unit(root_admin):
    """Create a unit through the service, as the system administrator."""
    def make(name: str, kind: str = UnitKind.COMMUNE, parent: Unit | None = None, code: str | None = None, **extra):
        return _unit(root_admin, name, kind, parent, code, **extra)
    return make


@pytest.fixture
def province(make_unit) -> Unit:
    return make_unit("Tỉnh Bắc Kạn", UnitKind.PROVINCE, code="000.00.00.H05", stats_code="06",
                     valid_to=dt.date(2025, 6, 30))


@pytest.fixture
def department(make_unit, province) -> Unit:
    return make_unit("Sở Thông tin và Truyền thông Bắc Kạn", UnitKind.DEPARTMENT, province, "000.00.11.H05",
                     valid_to=dt.date(2025, 2, 28))


@pytest.fixture
def district(make_unit, province) -> Unit:
    return make_unit("Huyện Ba Bể", UnitKind.DISTRICT, province, "000.00.31.H05", stats_code="061",
                     valid_to=dt.date(2025, 6, 30))


@pytest.fixture
def commune(make_unit, district) -> Unit:
    return make_unit("Thị trấn Chợ Rã", UnitKind.COMMUNE, district, "000.01.31.H05", stats_code="01864",
                     valid_to=dt.date(2025, 6, 30))


@pytest.fixture
def other_commune(make_unit, district) -> Unit:
    return make_unit("Xã Nam Mẫu", UnitKind.COMMUNE, district, "000.02.31.H05", stats_code="01873",
                     valid_to=dt.date(2025, 6, 30))


def _user(username: str, role: str, unit: Unit | None) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, unit=unit, full_name=username)


@pytest.fixture
def admin_user(root_admin) -> User:
    return root_admin


@pytest.fixture
def province_admin(province) -> User:
    return _user("province-admin", Role.ADMIN, province)


@pytest.fixture
def focal_user(district) -> User:
    """Focal point of Huyện Ba Bể: may edit the district and its communes."""
    return _user("focal", Role.FOCAL, district)


@pytest.fixture
def commune_focal(commune) -> User:
    return _user("commune-focal", Role.FOCAL, commune)


@pytest.fixture
def viewer_user(province) -> User:
    return _user("viewer", Role.VIEWER, province)


@pytest.fixture
def api_user(district) -> User:
    return _user("api-client", Role.API_CLIENT, district)


class ApiClient(Client):
    """A test client that talks JSON to /api/v1 and authenticates with a bearer token."""

    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = token

    def _headers(self, extra: dict) -> dict:
        if self.token:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return extra

    def get(self, path, data=None, **extra):
        return super().get("/api/v1" + path, data, **self._headers(extra))

    def post(self, path, data=None, content_type="application/json", **extra):
        return super().post("/api/v1" + path, data, content_type=content_type, **self._headers(extra))

    def patch(self, path, data=None, content_type="application/json", **extra):
        return super().patch("/api/v1" + path, data, content_type=content_type, **self._headers(extra))

    def put(self, path, data=None, content_type="application/json", **extra):
        return super().put("/api/v1" + path, data, content_type=content_type, **self._headers(extra))

    def delete(self, path, data=None, **extra):
        return super().delete("/api/v1" + path, data, **self._headers(extra))


@pytest.fixture
def api_as():
    """api_as(user) → an ApiClient authenticated with a fresh token of that user."""
    def make(user: User) -> ApiClient:
        _, raw = ApiToken.issue(user, "test")
        return ApiClient(raw)
    return make


# ---------------------------------------------------------------- end-to-end browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def _end_live_server_sessions(django_db_setup, django_db_blocker):
    """After the last test, end database sessions a live-server request thread may still hold (a request
    the browser abandoned when it closed), so PostgreSQL lets the test database be dropped instead of
    warning that it is in use. Torn down before `django_db_setup`, which it depends on."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def browser_page(_end_live_server_sessions, django_db_serialized_rollback, live_server):
    """A Playwright page in headless Debian Chromium. Skipped where Chromium is not installed,
    unless TINHSO_REQUIRE_BROWSER=1 (CI), where its absence is a failure. The live server needs a
    transactional database, which is flushed afterwards; serialized rollback restores what data
    migrations created (rules, groups) for the tests that follow."""
    if not CHROMIUM:
        if os.environ.get("TINHSO_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required for end-to-end tests (TINHSO_REQUIRE_BROWSER=1)")
        pytest.skip("Chromium not installed: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; Django's ORM guard must allow it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        # Playwright's wait_for_function evaluates its predicate with eval(), which the site's
        # Content-Security-Policy forbids; the policy itself is tested on a page of its own
        # (core/tests/test_deployment_security.py), so the other tests' pages bypass it.
        page = browser.new_page(base_url=live_server.url, locale="vi-VN", bypass_csp=True)
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login/" not in url)
