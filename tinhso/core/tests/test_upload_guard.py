"""Finding 2 of #15: uploads are authorised and sized before any byte is read, and imports stop reading at
the row limit. "Before any byte is read" is checked by making Django's multipart parser fail: a refusal that
comes back anyway came back without parsing the body."""

import inspect
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from ninja.files import UploadedFile

from tinhso.api import api
from tinhso.conftest import PASSWORD
from tinhso.core import tabular
from tinhso.core.errors import ValidationFailed
from tinhso.core.tabular import read_table, to_csv, to_xlsx
from tinhso.units.services import HEADER_ALIASES

CSV = to_csv(["Tên đơn vị", "Loại"], [["Xã A", "commune"]])


@pytest.fixture
def no_parsing(monkeypatch):
    """Any attempt to parse a multipart body fails the test."""
    from django.http.request import HttpRequest

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"the body of {self.path} was parsed")

    monkeypatch.setattr(HttpRequest, "parse_file_upload", refuse)


def _takes_files(func) -> bool:
    for parameter in inspect.signature(func).parameters.values():
        annotation = str(parameter.annotation)
        if "UploadedFile" in annotation or parameter.annotation is UploadedFile:
            return True
    return False


def _api_operations():
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


def _page_views(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("api", "admin"):  # the API is listed by operation; the admin is staff-only
                continue
            yield from _page_views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _reads_files(view) -> bool:
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return False
    return "request.FILES" in source


def test_every_operation_and_page_that_takes_a_file_is_guarded():
    unguarded = [f"API {path} {operation.methods}" for path, operation in _api_operations()
                 if _takes_files(operation.view_func) and not hasattr(operation.view_func, "tinhso_upload")]
    unguarded += [f"page {route}" for route, view in _page_views()
                  if _reads_files(view) and not hasattr(view, "tinhso_upload")]
    assert unguarded == []


def _guarded_urls():
    """Every guarded API operation and page, with 1 for each id in its address."""
    urls = []
    for path, operation in _api_operations():
        if hasattr(operation.view_func, "tinhso_upload"):
            url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
            if "unit_id" in inspect.signature(operation.view_func).parameters and "{unit_id}" not in path:
                url += "?form=F&unit_id=1&period=2025"
            urls.append(url)
    for route, view in _page_views():
        if hasattr(view, "tinhso_upload"):
            url = "/" + re.sub(r"<(?:int:)?[^>]+>", "1", route)
            urls.append(url)
    return sorted(set(urls))


GUARDED = _guarded_urls()


def test_the_guarded_list_covers_every_import():
    joined = " ".join(GUARDED)
    for expected in ("/api/v1/units/import", "/api/v1/indicators/upload", "/api/v1/indicators/targets/import",
                     "/api/v1/programme/plans/1/import", "/api/v1/programme/tasks/1/updates",
                     "/api/v1/dti/rounds/1/units/1/values/1/evidence", "/api/v1/transport/fleet/import",
                     "/api/v1/transport/contracts/import", "/api/v1/transport/ingest/file",
                     "/api/v1/security/systems/import", "/api/v1/security/assets/import",
                     "/api/v1/sharing/imports", "/units/import/", "/ioc/import/", "/dti/frameworks/import/",
                     "/transport/fleet/", "/sharing/imports/"):
        assert expected in joined, expected


@pytest.mark.parametrize("url", GUARDED)
def test_a_read_only_account_is_refused_before_the_upload_is_read(db, viewer_user, no_parsing, url):
    if url.startswith("/ioc/import"):
        pytest.skip("any account with access imports its own dashboards")
    if url.rstrip("/").endswith("documents/check"):
        pytest.skip("the Decree 30 format checker serves every signed-in office and stores nothing")
    client = Client()
    client.force_login(viewer_user)
    response = client.post(url, {"file": SimpleUploadedFile("x.csv", CSV)})
    assert response.status_code in (403, 404), (url, response.status_code)
    if url.startswith("/api/"):
        body = response.json()
        assert body["message"]["vi"] and body["message"]["en"]


def test_a_form_posted_as_multipart_to_an_address_without_files_is_kept_small(db, no_parsing, client):
    big = Client().post("/login/", {"username": "x", "file": SimpleUploadedFile("x.bin", b"0" * 3_000_000)})
    assert big.status_code == 413


def test_django_admin_refuses_an_upload_from_anyone_but_staff_before_reading(db, focal_user, no_parsing):
    client = Client()
    client.force_login(focal_user)
    response = client.post("/admin/accounts/user/add/", {"file": SimpleUploadedFile("x.csv", CSV)})
    assert response.status_code == 403


@pytest.mark.parametrize("url", GUARDED)
def test_nobody_signed_in_is_refused_before_the_upload_is_read(db, no_parsing, url):
    response = Client().post(url, {"file": SimpleUploadedFile("x.csv", CSV)})
    assert response.status_code in (401, 302), (url, response.status_code)


def test_a_body_over_the_request_limit_is_a_bilingual_413_before_reading(db, root_admin, no_parsing, settings,
                                                                         api_as):
    settings.TINHSO_MAX_REQUEST_MB = 0.01  # 10 KiB
    big = SimpleUploadedFile("big.csv", b"a,b\n" * 10_000)
    response = Client().post("/api/v1/units/import", {"file": big},
                             HTTP_AUTHORIZATION=f"Bearer {api_as(root_admin).token}")
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "too_large" and "0,01 MB" in body["message"]["vi"] and "0.01 MB" in body["message"]["en"]
    assert body["errors"][0]["field"] == "file"


def test_a_json_body_over_the_request_limit_is_refused_too(db, root_admin, settings, api_as):
    settings.TINHSO_MAX_REQUEST_MB = 0.001
    response = api_as(root_admin).post("/units/events", {"note": "x" * 5000})
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_an_upload_over_the_upload_limit_is_refused_after_authorisation(db, root_admin, no_parsing, settings):
    settings.TINHSO_MAX_UPLOAD_MB = 0.01
    client = Client()
    client.force_login(root_admin)
    response = client.post("/units/import/", {"file": SimpleUploadedFile("big.csv", b"a,b\n" * 10_000)})
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()


def test_an_api_client_with_a_token_passes_the_guard_and_imports(db, api_user, api_as, district):
    content = to_csv(["Tên đầy đủ (name)", "Loại (kind)", "Mã cấp trên (parent_code)", "Hiệu lực đến (valid_to)"],
                     [["Xã Mới", "commune", district.code, "30/06/2025"]])
    client = api_as(api_user)
    response = Client().post("/api/v1/units/import", {"file": SimpleUploadedFile("u.csv", content)},
                             HTTP_AUTHORIZATION=f"Bearer {client.token}")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1


def test_a_focal_point_signed_in_still_imports_through_the_page(db, focal_user, district):
    client = Client()
    assert client.login(username=focal_user.username, password=PASSWORD)
    content = to_csv(["Tên đầy đủ (name)", "Loại (kind)", "Mã cấp trên (parent_code)", "Hiệu lực đến (valid_to)"],
                     [["Xã Mới", "commune", district.code, "30/06/2025"]])
    response = client.post("/units/import/", {"file": SimpleUploadedFile("u.csv", content)})
    assert response.status_code == 302, response.content.decode()[:2000]


# ---------------------------------------------------------------- rows streamed, stopping at the limit

class CountingRows:
    def __init__(self, rows):
        self.rows, self.pulled = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.pulled += 1
            yield row


def test_reading_stops_one_row_past_the_limit(monkeypatch):
    rows = CountingRows([["Tên đơn vị", "Loại"]] + [[f"Xã {i}", "commune"] for i in range(10_000)])
    monkeypatch.setattr(tabular, "_csv_rows", lambda content: iter(rows))
    with pytest.raises(ValidationFailed) as caught:
        read_table(b"", "u.csv", HEADER_ALIASES, max_rows=50)
    assert rows.pulled == 52  # the header, 50 rows and the one that broke the limit; 9.949 never read
    assert "50" in caught.value.errors[0].vi and "TINHSO_MAX_IMPORT_ROWS" in caught.value.errors[0].en


def test_the_row_limit_comes_from_the_setting_for_csv_and_xlsx(settings):
    settings.TINHSO_MAX_IMPORT_ROWS = 3
    rows = [[f"Xã {i}", "commune"] for i in range(4)]
    for name, content in (("u.csv", to_csv(["Tên đơn vị", "Loại"], rows)),
                          ("u.xlsx", to_xlsx("Đơn vị", ["Tên đơn vị", "Loại"], rows))):
        with pytest.raises(ValidationFailed):
            read_table(content, name, HEADER_ALIASES)
        assert len(read_table(content, name, HEADER_ALIASES, max_rows=4)) == 4


def test_an_xlsx_that_unpacks_far_beyond_the_upload_limit_is_refused(settings):
    settings.TINHSO_MAX_UPLOAD_MB = 0.005  # unpacked limit 20 × 5 KiB
    content = to_xlsx("Đơn vị", ["Tên đơn vị", "Loại"], [["Xã " + "x" * 50 + str(i), "commune"] for i in range(3000)])
    assert len(content) < 0.05 * 1024 * 1024
    with pytest.raises(ValidationFailed) as caught:
        read_table(content, "u.xlsx", HEADER_ALIASES)
    assert "MB" in caught.value.errors[0].vi


def test_an_import_over_the_row_limit_is_refused_by_the_api_naming_the_limit(db, root_admin, api_as, settings):
    settings.TINHSO_MAX_IMPORT_ROWS = 2
    content = to_csv(["Tên đơn vị", "Loại"], [[f"Xã {i}", "commune"] for i in range(3)])
    response = Client().post("/api/v1/units/import", {"file": SimpleUploadedFile("u.csv", content)},
                             HTTP_AUTHORIZATION=f"Bearer {api_as(root_admin).token}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert "TINHSO_MAX_IMPORT_ROWS" in response.json()["errors"][0]["message"]["en"]


def test_a_transaction_log_import_stops_at_the_row_limit(db, settings, province):
    from tinhso.accounts.models import Role, User
    from tinhso.sharing import imports

    settings.TINHSO_MAX_IMPORT_ROWS = 5
    office = User.objects.create_user("dx", password=PASSWORD, role=Role.ADMIN, unit=province)
    content = io.StringIO()
    content.write("request_time,service_code,status\n")
    for i in range(20):
        content.write(f"2025-01-01T00:00:{i:02d},SVC,200\n")
    with pytest.raises(ValidationFailed) as caught:
        imports.import_file(office, content.getvalue().encode(), "log.csv", "lgsp-csv")
    assert "TINHSO_MAX_IMPORT_ROWS" in caught.value.errors[0].en
