"""Bounds the fuzzer found: a huge offset is a 422, a code with a line break is refused, and a genuine bug
answers 500 with a bilingual body and a reference id that is in the log, never "Bad request"."""

import json
import logging

import pytest

from tinhso.api import api
from tinhso.programme import services as programme


def test_a_huge_offset_is_a_422_naming_it(db, root_admin, api_as):
    response = api_as(root_admin).get("/programme/tasks?offset=9223372036854775808")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "offset"


def test_a_code_with_a_line_break_is_refused(db, root_admin, api_as, province):
    scheme = programme.create_scheme(None, {"code": "DA", "name": "Đề án", "province": province,
                                            "start_year": 2022, "end_year": 2025})
    response = api_as(root_admin).post("/programme/plans", {"code": "KH\r\nX", "name": "Kế hoạch",
                                                            "scheme_id": scheme.pk, "year": 2024})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "code"


@pytest.fixture
def broken_endpoint(monkeypatch):
    """An API operation with a bug in it."""
    from tinhso.units import services

    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(services, "search_page", boom)


def test_a_bug_is_a_500_with_a_reference_in_the_body_and_the_log(db, root_admin, api_as, broken_endpoint, caplog):
    with caplog.at_level(logging.ERROR, logger="tinhso.api"):
        response = api_as(root_admin).get("/units")
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "server_error" and body["message"]["vi"] and body["message"]["en"]
    assert "Bad request" not in body["message"]["en"]
    reference = body["reference"]
    assert len(reference) == 12 and response["X-Error-Reference"] == reference
    assert reference in body["message"]["vi"] and reference in body["message"]["en"]
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is ZeroDivisionError


def test_the_document_states_500_and_422_for_every_operation():
    document = json.loads(json.dumps(api.get_openapi_schema()))  # as served: status codes as text
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"422", "500"} <= set(operation["responses"]), f"{method} {path}"
