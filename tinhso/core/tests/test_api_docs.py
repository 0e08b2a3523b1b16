"""The OpenAPI document is built once per process, and the API docs page leads back to the application."""

from django.test import Client

from tinhso.api import api
from tinhso.core.testing import external_addresses


def test_the_openapi_document_is_built_once_and_reused(db, monkeypatch):
    client = Client()
    first = client.get("/api/v1/openapi.json")
    assert first.status_code == 200 and "/api/v1/indicators/analytics" in first.json()["paths"]
    from ninja import NinjaAPI

    def rebuilt(*args, **kwargs):
        raise AssertionError("the schema was built again")

    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", rebuilt)
    again = client.get("/api/v1/openapi.json")
    assert again.status_code == 200 and again.json() == first.json()
    assert api.get_openapi_schema(path_params={}) is not None


def test_the_api_docs_page_links_back_to_the_application(db):
    body = Client().get("/api/v1/docs").content.decode()
    assert 'id="back-to-app"' in body and 'href="/"' in body
    assert "swagger-ui-bundle.js" in body
    assert external_addresses(body) == []
