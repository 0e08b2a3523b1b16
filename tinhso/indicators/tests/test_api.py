"""The API: the same role rules as the services, bilingual errors naming the cell, never a 500."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from tinhso.core.tabular import to_xlsx
from tinhso.indicators import services
from tinhso.indicators.tests.conftest import monthly_values


def test_enter_submit_approve_and_read_the_province_figure(monthly, api_as, commune_focal, focal_user, viewer_user,
                                                           commune, province):
    focal = api_as(commune_focal)
    body = {"form": "BM01-THANG", "unit_id": commune.pk, "period": "2024-01", "values": monthly_values(100, 60)}
    created = focal.put("/indicators/reports", body)
    assert created.status_code == 201, created.json()
    report = created.json()
    assert report["derived"]["TL_HS_TRUC_TUYEN"] == "60.0000" or float(report["derived"]["TL_HS_TRUC_TUYEN"]) == 60
    submitted = focal.post(f"/indicators/reports/{report['id']}/submit", {"version": report["version"]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert focal.post(f"/indicators/reports/{report['id']}/approve", {}).status_code == 403
    approved = api_as(focal_user).post(f"/indicators/reports/{report['id']}/approve",
                                       {"version": submitted.json()["version"]})
    assert approved.status_code == 200, approved.json()
    rows = api_as(viewer_user).get("/indicators/analytics", {
        "indicators": "HS_TONG,TL_HS_TRUC_TUYEN", "units": str(province.pk), "start": "2024", "as_of": "2024-12-31"})
    assert rows.status_code == 200
    assert {(r["indicator"], float(r["value"])) for r in rows.json()} == {("HS_TONG", 100), ("TL_HS_TRUC_TUYEN", 60)}


def test_errors_name_the_cell_and_nothing_is_a_500(monthly, api_as, commune_focal, viewer_user, commune):
    focal = api_as(commune_focal)
    bad = focal.put("/indicators/reports", {"form": "BM01-THANG", "unit_id": commune.pk, "period": "2024-01",
                                            "values": {**monthly_values(10, 5), "HS_TRUC_TUYEN": 11}})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "values.HS_TRUC_TUYEN"
    assert bad.json()["errors"][0]["message"]["vi"]
    for body in ({"form": "BM01-THANG", "unit_id": commune.pk, "period": "2024-13", "values": {}},
                 {"form": "NOPE", "unit_id": commune.pk, "period": "2024-01"},
                 {"form": "BM01-THANG", "unit_id": 987654, "period": "2024-01"},
                 {"form": "BM01-THANG", "unit_id": commune.pk, "period": "2024-01", "values": {"HS_TONG": [1]}}):
        response = focal.put("/indicators/reports", body)
        assert response.status_code in (400, 404, 422), (body, response.status_code)
    viewer = api_as(viewer_user)
    assert viewer.put("/indicators/reports", {"form": "BM01-THANG", "unit_id": commune.pk, "period": "2024-01",
                                              "values": monthly_values(10, 5)}).status_code == 403
    for query in ({"indicators": "NOPE", "units": "1", "start": "2024"},
                  {"indicators": "HS_TONG", "units": "x", "start": "2024"},
                  {"indicators": "HS_TONG", "units": "1", "start": "2024", "period_type": "week"},
                  {"indicators": "HS_TONG", "start": "2024"}):
        assert viewer.get("/indicators/analytics", query).status_code == 400, query


def test_locked_report_answers_409_and_identical_resend_is_idempotent(monthly, api_as, commune_focal, commune):
    focal = api_as(commune_focal)
    body = {"form": "BM01-THANG", "unit_id": commune.pk, "period": "2024-01", "values": monthly_values(10, 5),
            "submit": True}
    assert focal.put("/indicators/reports", body).status_code == 201
    assert focal.put("/indicators/reports", body).status_code == 200
    changed = focal.put("/indicators/reports", {**body, "values": {"HS_TONG": 12}})
    assert changed.status_code == 409 and changed.json()["error"] == "locked"


def test_xlsx_upload_through_the_api(monthly, api_as, commune_focal, commune):
    rows = [[code, "", "", value] for code, value in monthly_values(10, 5).items()]
    rows[0][3] = "mười"
    content = to_xlsx("BM01", services.XLSX_HEADERS, rows)
    focal = api_as(commune_focal)
    url = f"/indicators/upload?form=BM01-THANG&unit_id={commune.pk}&period=2024-02"
    response = focal.post(url, {"file": SimpleUploadedFile("bm01.xlsx", content)}, content_type=MULTIPART_CONTENT)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "D2"
    rows[0][3] = "1.000"
    rows[1][3] = "999"
    content = to_xlsx("BM01", services.XLSX_HEADERS, rows)
    response = focal.post(url + "&submit=true", {"file": SimpleUploadedFile("bm01.xlsx", content)},
                          content_type=MULTIPART_CONTENT)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "submitted" and float(response.json()["values"]["HS_TONG"]) == 1000


def test_reading_reports_is_scoped(monthly, api_as, commune_focal, second_focal, commune):
    report = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5)).report
    assert api_as(commune_focal).get(f"/indicators/reports/{report.pk}").status_code == 200
    assert api_as(second_focal).get(f"/indicators/reports/{report.pk}").status_code == 403
    assert api_as(second_focal).get("/indicators/reports").json() == []


def test_targets_and_achievement_api(monthly, fill, api_as, root_admin, focal_user, province, commune):
    fill(monthly, commune, "2023-03", monthly_values(100, 80, work=1000, work_online=974))
    admin = api_as(root_admin)
    assert api_as(focal_user).put("/indicators/targets", {"indicator": "TL_HSCV_TREN_MANG", "unit_id": province.pk,
                                                          "year": 2023, "value": "95"}).status_code == 403
    response = admin.put("/indicators/targets", {"indicator": "TL_HSCV_TREN_MANG", "unit_id": province.pk,
                                                 "year": 2023, "value": "95"})
    assert response.status_code == 200, response.json()
    summary = admin.get("/indicators/achievement", {"unit_id": province.pk, "year": 2023}).json()
    assert summary["summary"] == "1 chỉ tiêu đạt và vượt kế hoạch"
    assert summary["rows"][0]["statement"].endswith("ở cấp tỉnh là 97,4%/95%, đạt 103%")


def test_catalogue_changes_are_versioned(catalogue, api_as, root_admin, focal_user):
    admin = api_as(root_admin)
    current = admin.get("/indicators/catalogue/HS_TONG").json()
    assert api_as(focal_user).put("/indicators/catalogue", {"code": "HS_TONG", "name": "X",
                                                            "version": current["version"]}).status_code == 403
    changed = admin.put("/indicators/catalogue", {"code": "HS_TONG", "name": "Tổng số hồ sơ TTHC tiếp nhận",
                                                  "version": current["version"], "valid_from": "2026-01-01"})
    assert changed.status_code == 200 and changed.json()["version"] == current["version"] + 1
    stale = admin.put("/indicators/catalogue", {"code": "HS_TONG", "name": "Y", "version": current["version"]})
    assert stale.status_code == 409
    revisions = admin.get("/indicators/catalogue/HS_TONG/revisions").json()
    assert [r["definition"]["name"] for r in revisions][-2:] == [current["name"], "Tổng số hồ sơ TTHC tiếp nhận"]
    indicator = services.get_indicator("HS_TONG")
    import datetime as dt
    assert services.definition_on(indicator, dt.date(2025, 6, 1))["name"] == current["name"]
    found = admin.get("/indicators/catalogue", {"q": "ty le ho so cong viec"}).json()
    assert [i["code"] for i in found] == ["TL_HSCV_TREN_MANG"]
