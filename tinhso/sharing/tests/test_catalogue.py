import pytest

from tinhso.sharing import services
from tinhso.sharing.models import Service

pytestmark = pytest.mark.django_db


def _body(unit, **extra):
    return {"provider_unit": unit.code, "provider_system": "CSDL đất đai", "code": "dat-dai",
            "name": "Tra cứu thửa đất", "kind": "soap", "data_category": "land", "status": "active", **extra}


def test_provider_focal_registers_a_service_by_electronic_code(api_as, provider_focal, provider_unit):
    response = api_as(provider_focal).post("/sharing/services", _body(provider_unit))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["provider_unit"] == "000.00.12.H56" and data["version"] == 1
    assert data["endpoint_url"] == ""  # the provider sees its own endpoint field


def test_another_units_focal_cannot_register_for_the_provider(api_as, consumer_focal, provider_unit):
    response = api_as(consumer_focal).post("/sharing/services", _body(provider_unit))
    assert response.status_code == 403
    assert not Service.objects.exists()


def test_unknown_electronic_code_is_a_field_error(api_as, dx_office, provider_unit):
    response = api_as(dx_office).post("/sharing/services", _body(provider_unit, provider_unit="000.00.99.H56"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "provider_unit"


def test_stale_version_is_a_conflict_and_history_records_changes(api_as, provider_focal, service):
    client = api_as(provider_focal)
    ok = client.patch(f"/sharing/services/{service.pk}", {"version": 1, "name": "Tra cứu hộ tịch điện tử"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/sharing/services/{service.pk}", {"version": 1, "name": "Khác"})
    assert stale.status_code == 409
    history = client.get(f"/sharing/services/{service.pk}/history").json()
    assert [h["action"] for h in history] == ["~", "+"]
    assert history[0]["who"] == "provider-focal"


def test_search_without_diacritics_and_endpoint_hidden_from_consumers(api_as, consumer_focal, service):
    found = api_as(consumer_focal).get("/sharing/services", {"q": "ho tich"}).json()
    assert [s["code"] for s in found] == ["ho-tich"]
    assert found[0]["endpoint_url"] is None
    assert api_as(consumer_focal).get("/sharing/services", {"q": "dat dai"}).json() == []


def test_drafts_are_visible_only_to_their_managers(provider_focal, consumer_focal, provider_unit):
    draft = services.save_service(provider_focal, _body(provider_unit, status="draft"))
    assert services.search_services(provider_focal) == [draft]
    assert services.search_services(consumer_focal) == []


def test_catalogue_page_lists_services_for_any_signed_in_agency(client, consumer_focal, service):
    from tinhso.conftest import PASSWORD

    client.login(username=consumer_focal.username, password=PASSWORD)
    page = client.get("/sharing/?q=HO TICH")
    assert page.status_code == 200
    assert "ho-tich" in page.content.decode()
    assert "278/2025/NĐ-CP" in page.content.decode()  # the legal panel lists the texts in force today


def test_legal_basis_is_dated_data():
    import datetime as dt

    assert [b.reference for b in services.legal_basis_on(dt.date(2023, 6, 1))] == ["47/2020/NĐ-CP"]
    assert [b.reference for b in services.legal_basis_on(dt.date(2026, 3, 1))] == ["278/2025/NĐ-CP"]
