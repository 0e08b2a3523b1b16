"""A data service may name its provider system by the information-system inventory's code (read through
the security app's public services): optional, validated (the system exists and the provider unit owns or
operates it), and shown in the catalogue with the inventory's name and a link to the system."""

import pytest

from tinhso.conftest import PASSWORD
from tinhso.security import services as security
from tinhso.sharing.models import Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory(root_admin, provider_unit, consumer_unit):
    data = {"category": "database", "hosting": "provincial_dc"}
    ours = security.create_system(root_admin, {"code": "TNG-HTTT-007", "name": "Cơ sở dữ liệu hộ tịch điện tử",
                                               "owner": provider_unit, **data})
    theirs = security.create_system(root_admin, {"code": "TNG-HTTT-008", "name": "Hệ thống bệnh án điện tử",
                                                 "owner": consumer_unit, **data})
    return ours, theirs


def _body(unit, **extra):
    return {"provider_unit": unit.code, "code": "ho-tich-2", "name": "Tra cứu hộ tịch", "status": "active", **extra}


def test_a_service_linked_by_code_takes_the_inventorys_name(api_as, provider_focal, provider_unit, inventory):
    response = api_as(provider_focal).post("/sharing/services", _body(provider_unit,
                                                                      provider_system_code="TNG-HTTT-007"))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["provider_system_code"] == "TNG-HTTT-007" and data["provider_system_id"] == inventory[0].pk
    assert data["provider_system"] == "Cơ sở dữ liệu hộ tịch điện tử"  # filled from the inventory


def test_the_link_is_optional(api_as, provider_focal, provider_unit, inventory):
    response = api_as(provider_focal).post("/sharing/services", _body(provider_unit, provider_system="Phần mềm cũ"))
    assert response.status_code == 201
    assert (response.json()["provider_system_code"], response.json()["provider_system_id"]) == ("", None)


@pytest.mark.parametrize("code,says", [("KHONG-CO", "no system with code KHONG-CO"),
                                       ("TNG-HTTT-008", "neither owns nor operates it")])
def test_an_unknown_or_foreign_system_is_a_field_error(api_as, provider_focal, provider_unit, inventory, code, says):
    response = api_as(provider_focal).post("/sharing/services", _body(provider_unit, provider_system_code=code))
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "provider_system_code" and says in error["message"]["en"]
    assert error["message"]["vi"]
    assert not Service.objects.exists()


def test_a_system_the_provider_operates_may_be_linked_and_unlinked(api_as, root_admin, provider_focal, provider_unit,
                                                                   consumer_unit, inventory):
    security.update_system(root_admin, inventory[1].pk, {"operator": provider_unit}, inventory[1].version)
    client = api_as(provider_focal)
    created = client.post("/sharing/services", _body(provider_unit, provider_system_code="TNG-HTTT-008")).json()
    assert created["provider_system_id"] == inventory[1].pk
    unlinked = client.patch(f"/sharing/services/{created['id']}", {"version": 1, "provider_system_code": ""})
    assert unlinked.status_code == 200 and unlinked.json()["provider_system_id"] is None


def test_the_catalogue_shows_the_inventory_system_with_a_link(client, api_as, provider_focal, consumer_focal,
                                                              provider_unit, inventory):
    api_as(provider_focal).post("/sharing/services", _body(provider_unit, provider_system_code="TNG-HTTT-007"))
    client.login(username=consumer_focal.username, password=PASSWORD)
    page = client.get("/sharing/").content.decode()
    assert f'href="/security/systems/{inventory[0].pk}/"' in page and "TNG-HTTT-007" in page
    service = Service.objects.get()
    detail = client.get(f"/sharing/services/{service.pk}/").content.decode()
    assert f'href="/security/systems/{inventory[0].pk}/"' in detail
    found = api_as(consumer_focal).get("/sharing/services", {"q": "TNG-HTTT-007"}).json()
    assert [s["code"] for s in found] == ["ho-tich-2"]  # the code is searchable
