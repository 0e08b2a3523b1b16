"""The OpenAPI document describes what the API answers: one schema per name (none overwritten by another
app's namesake), the import answers as they are, and the error shape on every operation."""

import json

import ninja.openapi.schema

from tinhso.api import api
from tinhso.core.api import TinhsoAPI


def _document_and_clashes(monkeypatch) -> tuple[dict, set[str]]:
    seen: dict[str, dict] = {}
    clashes: set[str] = set()
    add = ninja.openapi.schema.OpenAPISchema.add_schema_definitions

    def recording(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if seen.setdefault(name, definition) != definition:
                clashes.add(name)
        add(self, definitions)

    monkeypatch.setattr(ninja.openapi.schema.OpenAPISchema, "add_schema_definitions", recording)
    # built afresh (the served document is cached), as served: status codes as text
    return json.loads(json.dumps(TinhsoAPI.get_openapi_schema(api))), clashes


def _response_schema(document: dict, path: str, method: str, status: str = "200") -> dict:
    ref = document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_no_two_schemas_share_a_name(monkeypatch):
    _, clashes = _document_and_clashes(monkeypatch)
    assert clashes == set()


def test_imports_are_documented_with_what_they_return(monkeypatch):
    document, _ = _document_and_clashes(monkeypatch)
    assert set(_response_schema(document, "/api/v1/units/import", "post")["properties"]) == {"created", "updated"}
    assert set(_response_schema(document, "/api/v1/programme/plans/{plan_id}/import", "post")["properties"]) == {
        "created"}
    assert set(_response_schema(document, "/api/v1/indicators/targets/import", "post")["properties"]) == {"saved"}
    rules = _response_schema(document, "/api/v1/indicators/rules", "put")
    assert {"left", "operator", "right"} <= set(rules["properties"])


def test_every_operation_documents_the_error_shape(monkeypatch):
    document, _ = _document_and_clashes(monkeypatch)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "409", "422", "500"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, f"{method} {path} {status}"
