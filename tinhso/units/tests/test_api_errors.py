"""Bad input to every foundation endpoint is a 4xx JSON error naming the field, never a 500."""

from tinhso.core.testing import external_addresses

BIG = 2**70
CASES = [
    # method, path, body, expected status, field named in the error
    ("get", "/units?as_of=2023-13-01", None, 422, "as_of"),
    ("get", "/units?kind=galaxy", None, 422, "kind"),
    ("get", "/units?limit=0", None, 422, "limit"),
    ("get", "/units?limit=abc", None, 422, "limit"),
    ("get", f"/units?under={BIG}", None, 422, "under"),
    ("get", "/units?under=999999", None, 400, "under"),
    ("get", "/units?q=b%00c", None, 400, "q"),
    ("get", "/units/tree?as_of=30/06/2023", None, 422, "as_of"),
    ("get", "/units/tree?root=999999", None, 400, "root"),
    ("get", f"/units/tree?root={BIG}", None, 422, "root"),
    ("get", "/units/export?format=pdf", None, 400, "format"),
    ("get", "/units/export?as_of=yesterday", None, 422, "as_of"),
    ("get", "/units/abc", None, 422, "unit_id"),
    ("get", f"/units/{BIG}", None, 422, "unit_id"),
    ("get", "/units/0", None, 422, "unit_id"),
    ("get", "/units/999999", None, 404, None),
    ("get", "/units/999999/history", None, 404, None),
    ("get", "/units/999999/successors", None, 404, None),
    ("get", "/units/{commune}/successors?as_of=2025-02-30", None, 422, "as_of"),
    ("post", "/units", {}, 422, "name"),
    ("post", "/units", {"name": "", "kind": "commune"}, 422, "name"),
    ("post", "/units", {"name": "X", "kind": "galaxy"}, 422, "kind"),
    ("post", "/units", {"name": "X", "kind": "province", "code": "H05"}, 400, "code"),
    ("post", "/units", {"name": "X", "kind": "commune", "parent_id": 999999}, 400, "parent_id"),
    ("post", "/units", {"name": "X", "kind": "commune", "parent_id": BIG}, 422, "parent_id"),
    ("post", "/units", {"name": "X", "kind": "province", "valid_from": "2025-01-02", "valid_to": "2025-01-01"},
     400, "valid_to"),
    ("post", "/units", {"name": "X\u0000", "kind": "province"}, 400, "name"),
    ("post", "/units", {"name": "X", "kind": "province", "stats_code": "ab"}, 400, "stats_code"),
    ("post", "/units", [1, 2], 422, "body"),  # a JSON list is not the object the body must be
    ("post", "/units", "not json", 400, None),
    ("patch", "/units/{commune}", {"name": "X"}, 422, "version"),
    ("patch", "/units/{commune}", {"version": "one"}, 422, "version"),
    ("patch", "/units/{commune}", {"version": 1, "name": None}, 400, "name"),
    ("patch", "/units/{commune}", {"version": 1, "parent_id": 999999}, 400, "parent_id"),
    ("patch", "/units/{commune}", {"version": 1, "valid_from": "2026-01-01"}, 400, "valid_to"),
    ("patch", "/units/{commune}", {"version": 1, "kind": "province"}, 400, "parent"),
    ("patch", "/units/999999", {"version": 1}, 404, None),
    ("delete", "/units/{commune}", None, 422, "version"),
    ("delete", "/units/{district}?version=1", None, 400, "id"),
    ("post", "/units/events", {}, 422, "kind"),
    ("post", "/units/events", {"kind": "merge", "date": "2025-07-01", "predecessor_ids": []}, 422, "predecessor_ids"),
    ("post", "/units/events", {"kind": "merge", "date": "0001-01-01", "predecessor_ids": ["{commune}"],
                               "successor_ids": ["{district}"]}, 400, "date"),
    ("post", "/units/events", {"kind": "merge", "date": "2025-07-01", "predecessor_ids": [BIG]}, 422,
     "predecessor_ids.0"),
    ("post", "/units/events", {"kind": "merge", "date": "2025-07-01", "predecessor_ids": ["{commune}"],
                               "successor_ids": ["{commune}"]}, 400, "successors"),
    ("post", "/units/import", None, 422, "file"),
    ("post", "/tokens", {}, 422, "username"),
]


def _fill(value, ids: dict):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, str):
        return value.format(**ids) if "{" in value else value
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def test_bad_input_is_a_named_4xx(db, api_as, root_admin, district, commune):
    """One test walking every case (one database setup), reporting every case that fails."""
    ids = {"commune": commune.pk, "district": district.pk}
    api = api_as(root_admin)
    failures = []
    for method, path, body, status, field in CASES:
        kwargs = {}
        if method in ("post", "patch"):
            body = _fill(body, ids)
            kwargs["data"] = body if not isinstance(body, str) else body.encode()
        response = getattr(api, method)(_fill(path, ids), **kwargs)
        try:
            assert response.status_code == status, response.content
            payload = response.json()
            assert set(payload) == {"error", "message", "errors"}
            assert payload["message"]["vi"] and payload["message"]["en"]
            if field is not None:
                assert field in [e["field"] for e in payload["errors"]], payload
            for error in payload["errors"]:
                assert error["message"]["vi"] and error["message"]["en"]
        except AssertionError as exc:
            failures.append(f"{method.upper()} {path} {body!r}: {exc}")
    assert not failures, "\n".join(failures)


def test_health_check_answers_json(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_openapi_document_and_docs_are_served(db, client, root_admin):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in schema["paths"] and "/api/v1/units/{unit_id}" in schema["paths"]
    client.force_login(root_admin)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and external_addresses(docs.content.decode()) == []
