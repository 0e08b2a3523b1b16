"""Schemathesis fuzz of every operation in /api/v1/openapi.json: no input yields a server error, and every
answer is one the document states — its status code, its content type and the shape of its body.

Deterministic (derandomized Hypothesis) and small, so it runs in the normal suite. It calls the Django
WSGI application in-process against the test database, as a system administrator's API token."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tinhso.wsgi import application

FOUNDATION_TAGS = ["units", "accounts"]
# The document is the contract: a client generated from it must be able to read every answer.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(tag=FOUNDATION_TAGS)


@pytest.fixture
def _keep_test_connection():
    """Calls go through the real WSGI handler, whose request signals would close the database
    connection holding the test transaction (on PostgreSQL); Django's test client unhooks them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(db, _keep_test_connection, root_admin, department, commune):
    """A registry to aim at (ids 1–4 exist) and a system administrator's token."""
    from tinhso.accounts.models import ApiToken

    _, raw = ApiToken.issue(root_admin, "fuzz")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_server_error(case, admin_headers):
    response = case.call(headers=admin_headers)
    case.validate_response(response, checks=CHECKS, headers=admin_headers)
    assert response.status_code < 500
    if response.status_code >= 400:
        body = response.json()
        assert body["message"]["vi"] and body["message"]["en"]


# The domain apps' operations, at fewer examples each to keep the suite fast: the same promises (bad input is
# a 4xx, never a 500; answers match the document) hold for every endpoint of the document.
domain_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).exclude(tag=FOUNDATION_TAGS)


@domain_schema.parametrize()
@settings(max_examples=4, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_server_error_in_domain_apps(case, admin_headers):
    response = case.call(headers=admin_headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
    case.validate_response(response, checks=CHECKS, headers=admin_headers)
