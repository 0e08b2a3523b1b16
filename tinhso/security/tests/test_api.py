"""The inventory API: scope, versions, hidden addresses, bilingual errors, history."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from tinhso.security import services
from tinhso.security.tests.conftest import system_data


def _payload(owner_id: int, **extra) -> dict:
    return {"code": "API-1", "name": "Cổng dịch vụ công huyện", "owner_id": owner_id, "category": "portal",
            "hosting": "cloud", "addresses": ["10.7.0.1", "dvc.babe.gov.vn"]} | extra


def test_create_read_patch_with_version_and_history(api_as, api_user, district):
    client = api_as(api_user)
    created = client.post("/security/systems", _payload(district.pk))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["addresses"] == ["10.7.0.1", "dvc.babe.gov.vn"] and body["version"] == 1
    patched = client.patch(f"/security/systems/{body['id']}", {"version": 1, "users_count": 300})
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = client.patch(f"/security/systems/{body['id']}", {"version": 1, "users_count": 5})
    assert stale.status_code == 409 and stale.json()["message"]["en"]
    history = client.get(f"/security/systems/{body['id']}/history").json()
    assert [h["action"] for h in history] == ["~", "+"]


def test_a_reader_outside_the_owner_sees_the_system_but_not_its_addresses(api_as, viewer_user, root_admin, district):
    system = services.create_system(root_admin, system_data(district))
    body = api_as(viewer_user).get(f"/security/systems/{system.pk}").json()
    assert body["name"] == system.name and body["addresses"] is None


def test_bad_input_gets_bilingual_field_errors_never_a_500(api_as, api_user, district, province):
    client = api_as(api_user)
    bad = client.post("/security/systems", _payload(district.pk, addresses=["999.1.1.1"]))
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "addresses"
    assert client.post("/security/systems", _payload(district.pk, category="nope")).status_code == 422
    assert client.post("/security/systems", _payload(province.pk)).status_code == 403
    assert client.get("/security/systems/99999999999").status_code == 404
    assert client.get("/security/systems/0").status_code == 422


def test_attribution_and_asset_counts_by_api(api_as, api_user, root_admin, district, commune):
    system = services.create_system(root_admin, system_data(district))
    client = api_as(api_user)
    assert client.get("/security/attribution", {"host": "10.5.2.9"}).json()["system"]["code"] == system.code
    created = client.post("/security/assets", {"code": "VC-9", "kind": "vc_point", "subtype": "commune",
                                               "name": "Điểm cầu", "unit_id": commune.pk})
    assert created.status_code == 201, created.json()
    counts = client.get("/security/assets/counts", {"under": district.pk}).json()
    assert counts == [{"unit": {"id": commune.pk, "name": commune.name, "code": commune.code},
                       "counts": {"vc_point": 1}, "total": 1}]


def test_import_by_api_is_all_or_nothing(api_as, api_user, district):
    content = ("code,name,owner,category,hosting\nA-1,Hệ thống,"
               f"{district.code},portal,cloud\nA-2,Hệ thống 2,{district.code},portal,nowhere\n").encode()

    client = api_as(api_user)
    response = client.post("/security/systems/import", {"file": SimpleUploadedFile("s.csv", content)},
                           content_type=MULTIPART_CONTENT)
    assert response.status_code == 400 and response.json()["errors"][0]["row"] == 3
    assert client.get("/security/systems").json() == []
