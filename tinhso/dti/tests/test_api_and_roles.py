"""The API for frameworks, rounds, values and results, and the role rules: a unit sees its own
scorecard and the published ranking, never others' unpublished drafts."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from tinhso.dti import services
from tinhso.dti.models import Round

from .conftest import run_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(root_admin, framework, province, commune, other_commune) -> Round:
    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"B2": 20}, other_commune: {"B2": 10}}, publish=False)
    services.recompute(root_admin, round_.pk)
    return round_


def test_frameworks_api(api_as, root_admin, viewer_user, small_doc, framework):
    api = api_as(root_admin)
    listed = api.get("/dti/frameworks").json()
    assert [f["code"] for f in listed] == ["TEST-DTI"]
    document = api.get(f"/dti/frameworks/{framework.pk}").json()
    assert len(document["main_indicators"]) == 2
    small_doc["edition"] = 2
    small_doc["max_points"] = 99
    response = api.post("/dti/frameworks", small_doc)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "max_points"
    small_doc["max_points"] = 100
    assert api.post("/dti/frameworks", small_doc).status_code == 201
    small_doc["edition"] = 3
    assert api_as(viewer_user).post("/dti/frameworks", small_doc).status_code == 403


def test_round_lifecycle_over_the_api(api_as, root_admin, commune_focal, framework, province, commune,
                                      other_commune):
    admin = api_as(root_admin)
    response = admin.post("/dti/rounds", {"name": "DTI 2024", "year": 2024, "framework_id": framework.pk,
                                          "scope_id": province.pk, "unit_ids": [commune.pk, other_commune.pk]})
    assert response.status_code == 201, response.json()
    round_id, version = response.json()["id"], response.json()["version"]
    assert response.json()["framework"] == "TEST-DTI v1"
    assert admin.post(f"/dti/rounds/{round_id}/open", {"version": version + 5}).status_code == 409
    assert admin.post(f"/dti/rounds/{round_id}/open", {"version": version}).status_code == 200

    focal = api_as(commune_focal)
    path = f"/dti/rounds/{round_id}/units/{commune.pk}/values"
    response = focal.put(f"{path}/A1", {"value": "88,5", "note": "Báo cáo quý IV"})
    assert response.status_code == 200 and response.json()["value"] == 88.5
    assert focal.put(f"{path}/A3", {"value": "maybe"}).status_code == 400
    assert focal.put(f"/dti/rounds/{round_id}/units/{other_commune.pk}/values/A1", {"value": 1}).status_code == 403
    response = admin.post(f"{path}/A1/adjust", {"value": 80, "reason": "đối chiếu hệ thống"})
    assert response.status_code == 200 and response.json()["origin"] == "office"
    assert admin.post(f"{path}/A1/adjust", {"value": 80, "reason": ""}).status_code == 422

    # before publication the unit sees its own values but no ranking
    assert focal.get(f"/dti/rounds/{round_id}/results").status_code == 403
    card = focal.get(f"/dti/rounds/{round_id}/units/{commune.pk}").json()
    assert card["result"] is None and {v["component"] for v in card["values"]} >= {"A1", "A3"}
    assert focal.get(f"/dti/rounds/{round_id}/units/{other_commune.pk}").status_code == 403

    current = admin.get(f"/dti/rounds/{round_id}").json()["version"]
    assert admin.post(f"/dti/rounds/{round_id}/close", {"version": current}).status_code == 200
    current = admin.get(f"/dti/rounds/{round_id}").json()["version"]
    assert focal.post(f"/dti/rounds/{round_id}/publish", {"version": current}).status_code == 403
    assert admin.post(f"/dti/rounds/{round_id}/publish", {"version": current}).status_code == 200

    ranking = focal.get(f"/dti/rounds/{round_id}/results").json()
    assert [r["unit_id"] for r in ranking] == [commune.pk, other_commune.pk]
    assert ranking[0]["framework"] == "TEST-DTI v1" and ranking[0]["points"] == 16.0
    other = focal.get(f"/dti/rounds/{round_id}/units/{other_commune.pk}").json()
    assert other["result"]["rank"] == 2 and other["largest_gaps"][0]["component"] == "B1"

    xlsx = focal.get(f"/dti/rounds/{round_id}/export", {"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert "TEST-DTI v1" in sheet["A2"].value and sheet["C4"].value == commune.name
    pdf = focal.get(f"/dti/rounds/{round_id}/export", {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert focal.get(f"/dti/rounds/{round_id}/export", {"format": "doc"}).status_code == 400


def test_evidence_upload_over_the_api(api_as, root_admin, commune_focal, framework, province, commune):
    round_ = services.create_round(root_admin, "DTI", 2024, framework, province, [commune])
    services.open_round(root_admin, round_.pk)
    client = api_as(commune_focal)
    response = client.post(f"/dti/rounds/{round_.pk}/units/{commune.pk}/values/A3/evidence",
                           {"file": SimpleUploadedFile("kh.pdf", b"%PDF-1.4"), "description": "Kế hoạch"},
                           content_type=MULTIPART_CONTENT)
    assert response.status_code == 201, response.content
    card = client.get(f"/dti/rounds/{round_.pk}/units/{commune.pk}").json()
    a3 = next(v for v in card["values"] if v["component"] == "A3")
    assert a3["evidence"][0]["file"] == "kh.pdf"


def test_drafts_are_hidden_from_other_units(api_as, draft, commune_focal, viewer_user, province_admin, commune,
                                            other_commune):
    focal = api_as(commune_focal)
    leader = api_as(viewer_user)  # the province's leader follows the units below it, read-only
    assert draft.pk in [r["id"] for r in leader.get("/dti/rounds").json()]
    assert leader.get(f"/dti/rounds/{draft.pk}/results").status_code == 403
    assert draft.pk in [r["id"] for r in focal.get("/dti/rounds").json()]  # its own unit is assessed
    assert focal.get(f"/dti/rounds/{draft.pk}/results").status_code == 403
    assert focal.get(f"/dti/rounds/{draft.pk}/export").status_code == 403
    own = focal.get(f"/dti/rounds/{draft.pk}/units/{commune.pk}").json()
    assert own["result"] is None  # draft results stay with the office until published
    assert focal.get(f"/dti/rounds/{draft.pk}/units/{other_commune.pk}").status_code == 403
    office = api_as(province_admin)
    assert len(office.get(f"/dti/rounds/{draft.pk}/results").json()) == 2
    assert office.get(f"/dti/rounds/{draft.pk}/units/{other_commune.pk}").json()["result"]["rank"] == 2


def test_pages_render(client, root_admin, commune_focal, draft, commune, other_commune):
    client.force_login(root_admin)
    for url in ("/dti/", f"/dti/rounds/{draft.pk}/", f"/dti/rounds/{draft.pk}/units/{commune.pk}/",
                f"/dti/frameworks/{draft.framework_id}/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "bản nháp" in client.get(f"/dti/rounds/{draft.pk}/").content.decode()
    history = client.get(f"/dti/rounds/{draft.pk}/units/{commune.pk}/values/B2/history/").content.decode()
    assert "nhập thử" in history and "root" in history  # the adjustment, its reason and its author
    client.force_login(commune_focal)
    assert client.get(f"/dti/rounds/{draft.pk}/units/{commune.pk}/").status_code == 200
    response = client.post(f"/dti/rounds/{draft.pk}/units/{commune.pk}/values/A1/", {"value": "abc"})
    assert response.status_code == 302
    assert client.get(f"/dti/rounds/{draft.pk}/export.xlsx").status_code == 403
    assert client.get(f"/dti/rounds/{draft.pk}/units/{other_commune.pk}/values/B2/history/").status_code == 403
