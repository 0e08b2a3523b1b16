"""Shared set-up of the data-sharing tests: a province with two departments (provider and consumer),
their focal points, an active service, and a throw-away ledger directory per test."""

import http.server
import json
import threading
import time

import pytest

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.sharing import gateway, ledger, services
from tinhso.sharing.models import ServiceStatus
from tinhso.units.models import UnitKind


@pytest.fixture(autouse=True)
def _ledger_dir(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    gateway.limits.reset()
    services.forget_keys()
    yield
    ledger.spool.flush()


@pytest.fixture
def live_province(make_unit):
    return make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H56")


@pytest.fixture
def provider_unit(make_unit, live_province):
    return make_unit("Sở Tư pháp Thái Nguyên", UnitKind.DEPARTMENT, live_province, "000.00.12.H56")


@pytest.fixture
def consumer_unit(make_unit, live_province):
    return make_unit("Sở Y tế Thái Nguyên", UnitKind.DEPARTMENT, live_province, "000.00.13.H56")


def _user(name, role, unit):
    return User.objects.create_user(name, password=PASSWORD, role=role, unit=unit, full_name=name)


@pytest.fixture
def provider_focal(provider_unit):
    return _user("provider-focal", Role.FOCAL, provider_unit)


@pytest.fixture
def consumer_focal(consumer_unit):
    return _user("consumer-focal", Role.FOCAL, consumer_unit)


@pytest.fixture
def dx_office(live_province):
    return _user("dx-office", Role.ADMIN, live_province)


@pytest.fixture
def operator(live_province):
    return _user("operator", Role.VIEWER, live_province)


class _Upstream(http.server.BaseHTTPRequestHandler):
    """A provider: /echo returns the request body byte for byte, /slow sleeps, /gzip returns a
    gzip-encoded body, anything else answers JSON naming the path."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/api/slow"):
            time.sleep(1.5)
        headers = {"Content-Type": self.headers.get("Content-Type") or "application/octet-stream"}
        if self.path.startswith("/api/gzip"):
            import gzip

            body = gzip.compress(b"du lieu nen " * 100)
            headers["Content-Encoding"] = "gzip"
        elif not self.path.startswith("/api/echo"):
            body = json.dumps({"path": self.path, "client": self.headers.get("X-Client-Unit")}).encode()
            headers["Content-Type"] = "application/json"
        status = 500 if self.path.startswith("/api/fail") else 200
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:  # the gateway gave up waiting (the timeout test)
            pass

    do_GET = do_POST = do_PUT = _answer


@pytest.fixture(scope="session")
def upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


@pytest.fixture
def service(provider_focal, provider_unit, upstream):
    return services.save_service(provider_focal, {
        "provider_unit": provider_unit.code, "provider_system": "Hệ thống hộ tịch", "code": "ho-tich",
        "service_version": "v1", "name": "Tra cứu hộ tịch", "kind": "rest", "data_category": "population",
        "personal_data": True, "legal_basis": "ND47-2020", "status": ServiceStatus.ACTIVE, "endpoint_url": upstream,
        "timeout_seconds": 1, "rate_limit_per_minute": 600, "daily_quota": 10_000})


@pytest.fixture
def approved(service, consumer_focal, provider_focal, consumer_unit):
    access = services.request_access(consumer_focal, service.pk, consumer_unit.code, "Phần mềm y tế",
                                     "Xác minh hộ tịch khi cấp giấy chứng sinh")
    return services.decide_access(provider_focal, access.pk, True)


@pytest.fixture
def key(approved, consumer_focal):
    _key, raw = services.issue_key(consumer_focal, approved.pk)
    return raw
