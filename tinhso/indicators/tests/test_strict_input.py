"""Input the API used to accept silently is refused with a 422 naming the field: a JSON list for an object
body, a day given as a number, true/false for a version number."""

from .conftest import monthly_values


def _submitted_report(api, commune):
    body = {"form": "BM01-THANG", "unit_id": commune.pk, "period": "2024-01", "values": monthly_values(100, 60)}
    report = api.put("/indicators/reports", body).json()
    return api.post(f"/indicators/reports/{report['id']}/submit", {"version": report["version"]}).json()


def test_approve_refuses_a_list_body_and_a_boolean_version(monthly, api_as, commune_focal, focal_user, commune):
    report = _submitted_report(api_as(commune_focal), commune)
    approver = api_as(focal_user)
    url = f"/indicators/reports/{report['id']}/approve"
    assert approver.post(url, [None, None]).status_code == 422
    refused = approver.post(url, {"version": False})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "version"
    assert approver.post(url, {"version": report["version"]}).status_code == 200


def test_a_day_must_be_written_as_a_date(monthly, api_as, viewer_user, province):
    api = api_as(viewer_user)
    base = {"indicators": "HS_TONG", "units": str(province.pk), "start": "2024"}
    for bad in ("0", "1700000000", "31/12/2024"):
        response = api.get("/indicators/analytics", {**base, "as_of": bad})
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "as_of"
    assert api.get("/indicators/analytics", {**base, "as_of": "2024-12-31"}).status_code == 200

