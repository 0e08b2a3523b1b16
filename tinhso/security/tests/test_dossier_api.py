"""The dossier API: screening without writing, the workflow steps with versions, documents, the share."""

import datetime as dt

from django.test.client import MULTIPART_CONTENT

from tinhso.security.tests.conftest import upload

PORTAL = {"function": "citizen_services", "information": "private_personal", "personal_subjects": 45000}


def test_screening_writes_nothing_and_depends_on_the_date(api_as, viewer_user):
    client = api_as(viewer_user)
    old = client.post("/security/screening", {"date": "2024-01-10", "answers": PORTAL}).json()
    new = client.post("/security/screening", {"date": "2026-08-01", "answers": PORTAL}).json()
    assert (old["regime"], old["level"], new["regime"], new["level"]) == (
        "law86-decree85", 3, "law116-decree331", 2)
    bad = client.post("/security/screening", {"answers": {"function": "moon"}})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "function"


def test_the_workflow_through_the_api(api_as, api_user, province_admin, approver, system):
    owner_side, office, head = api_as(api_user), api_as(province_admin), api_as(approver)
    created = owner_side.post(f"/security/systems/{system.pk}/dossiers", {"dated": "2024-03-01", "answers": PORTAL})
    assert created.status_code == 201, created.json()
    dossier = created.json()
    assert dossier["proposed_level"] == 3 and dossier["missing_documents"] == [
        "overview", "design", "level_justification", "security_plan"]
    url = f"/security/dossiers/{dossier['id']}"
    early = owner_side.post(f"{url}/submit", {"version": dossier["version"]})
    assert early.status_code == 400 and len(early.json()["errors"]) == 4
    for kind in dossier["missing_documents"]:
        response = owner_side.post(f"{url}/documents", {"kind": kind, "file": upload()}, content_type=MULTIPART_CONTENT)
        assert response.status_code == 201, response.json()
    version = owner_side.get(url).json()["version"]
    assert owner_side.post(f"{url}/submit", {"version": version - 1}).status_code == 409
    version = owner_side.post(f"{url}/submit", {"version": version}).json()["version"]
    assert owner_side.post(f"{url}/appraise", {"version": version, "opinion": "ok"}).status_code == 403
    version = office.post(f"{url}/appraise", {"version": version, "opinion": "Phù hợp"}).json()["version"]
    office.post(f"{url}/documents", {"kind": "appraisal_opinion", "file": upload()}, content_type=MULTIPART_CONTENT)
    version = office.get(url).json()["version"]
    payload = {"version": version, "decision_number": "9/QĐ-UBND", "decision_date": "2024-03-15", "signer": "A"}
    assert office.post(f"{url}/approve", payload).status_code == 403
    approved = head.post(f"{url}/approve", payload)
    assert approved.status_code == 200 and approved.json()["review_due"] == "2025-03-15"
    share = head.get("/security/levels/share", {"date": "2024-06-30"}).json()
    assert share["total"] == {"unit": None, "systems": 1, "approved": 1, "share": 100.0, "by_level": {"3": 1}}
    assert [h["reason"] for h in head.get(f"{url}/history").json()][0] == "Phê duyệt / Approved: 9/QĐ-UBND"


def test_documents_of_other_kinds_or_types_are_refused(api_as, api_user, system):
    client = api_as(api_user)
    dossier = client.post(f"/security/systems/{system.pk}/dossiers", {"dated": str(dt.date(2024, 3, 1)),
                                                                     "answers": PORTAL}).json()
    url = f"/security/dossiers/{dossier['id']}/documents"
    wrong_kind = client.post(url, {"kind": "poem", "file": upload()}, content_type=MULTIPART_CONTENT)
    wrong_type = client.post(url, {"kind": "overview", "file": upload("x.exe")}, content_type=MULTIPART_CONTENT)
    assert (wrong_kind.status_code, wrong_type.status_code) == (400, 400)
