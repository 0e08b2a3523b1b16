"""The DX office edits the catalogue, the reporting forms and the validation rules on screen and through
the API: every change validated field by field, version-checked, kept in history; others may not."""

import datetime as dt

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.indicators import services
from tinhso.indicators.models import Form, Indicator, ValidationRule
from tinhso.indicators.tests.conftest import monthly_values

NEW_INDICATOR = {"code": "DV_CONG_MUC4", "name": "Số dịch vụ công trực tuyến toàn trình", "value_type": "count",
                 "aggregation": "sum", "time_aggregation": "last", "direction": "higher", "periodicity": "quarter",
                 "unit_kinds": ["commune"], "factor": "100", "decimals": "0", "active": "on"}


def test_the_dx_office_adds_and_revises_an_indicator_on_screen(catalogue, client, root_admin):
    client.force_login(root_admin)
    created = client.post("/indicators/catalogue/new/", NEW_INDICATOR)
    assert created.status_code == 302 and created["Location"].endswith("/indicators/catalogue/DV_CONG_MUC4/")
    indicator = Indicator.objects.get(code="DV_CONG_MUC4")
    page = client.get("/indicators/catalogue/DV_CONG_MUC4/edit/").content.decode()
    assert 'value="Số dịch vụ công trực tuyến toàn trình"' in page
    changed = client.post("/indicators/catalogue/DV_CONG_MUC4/edit/", {
        **NEW_INDICATOR, "name": "Số DVC trực tuyến toàn trình", "valid_from": "01/01/2026",
        "reason": "Theo hướng dẫn mới", "version": indicator.version})
    assert changed.status_code == 302
    indicator.refresh_from_db()
    assert indicator.version == 2 and indicator.name == "Số DVC trực tuyến toàn trình"
    assert [(r.version, r.valid_from) for r in indicator.revisions.all()][-1] == (2, dt.date(2026, 1, 1))
    assert services.definition_on(indicator, dt.date(2025, 12, 31))["name"] == NEW_INDICATOR["name"]
    detail = client.get("/indicators/catalogue/DV_CONG_MUC4/").content.decode()
    assert "Theo hướng dẫn mới" in detail and "01/01/2026" in detail


def test_a_bad_definition_names_its_field_and_saves_nothing(catalogue, client, root_admin):
    client.force_login(root_admin)
    page = client.post("/indicators/catalogue/new/", {**NEW_INDICATOR, "code": "TL_MOI", "numerator": "HS_TONG",
                                                      "aggregation": "ratio"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "tỷ lệ cần cả tử số và mẫu số" in html and "a ratio needs both" not in html  # the page's language only
    assert not Indicator.objects.filter(code="TL_MOI").exists()


def test_a_stale_edit_does_not_overwrite_a_newer_one(catalogue, client, root_admin):
    client.force_login(root_admin)
    indicator = services.get_indicator("HS_TONG")
    read = indicator.version
    services.save_indicator(root_admin, {"code": "HS_TONG", "name": "Tên mới của người khác"}, read)
    fields = {**services.indicator_definition(indicator), "code": "HS_TONG", "version": read, "name": "Tên của tôi"}
    fields = {k: v for k, v in fields.items() if v is not None and v is not False}
    page = client.post("/indicators/catalogue/HS_TONG/edit/", fields)
    assert page.status_code == 200 and "phiên bản hiện tại" in page.content.decode()
    assert services.get_indicator("HS_TONG").name == "Tên mới của người khác"


def test_only_the_dx_office_opens_the_editors(catalogue, client, focal_user, province_admin):
    client.force_login(focal_user)
    for url in ("/indicators/catalogue/new/", "/indicators/catalogue/HS_TONG/edit/", "/indicators/forms/new/",
                "/indicators/forms/BM01-THANG/edit/", "/indicators/rules/new/"):
        assert client.get(url).status_code == 403, url
    assert "/indicators/forms/BM01-THANG/edit/" not in client.get("/indicators/forms/").content.decode()
    client.force_login(province_admin)
    assert "/indicators/forms/BM01-THANG/edit/" in client.get("/indicators/forms/").content.decode()
    assert client.get("/indicators/forms/BM01-THANG/edit/").status_code == 200


def test_the_form_editor_sets_indicators_order_and_optional_ones(catalogue, client, root_admin):
    client.force_login(root_admin)
    posted = {"code": "BM-TT-QUY", "name": "Biểu thử nghiệm theo quý", "period_type": "quarter",
              "unit_kinds": ["commune"], "deadline_days": "20", "reminder_offsets": "-5, 0, 3",
              "approval_by": "either", "active": "on",
              "on_HS_TONG": "on", "order_HS_TONG": "2", "required_HS_TONG": "on",
              "on_HS_TRUC_TUYEN": "on", "order_HS_TRUC_TUYEN": "1"}
    assert client.post("/indicators/forms/new/", posted).status_code == 302
    form = Form.objects.get(code="BM-TT-QUY")
    assert [(i.indicator.code, i.required) for i in form.items.select_related("indicator")] == [
        ("HS_TRUC_TUYEN", False), ("HS_TONG", True)]
    assert (form.deadline_days, form.reminder_offsets) == (20, [-5, 0, 3])
    assert "TL_HS_TRUC_TUYEN" in [d.code for d in services.derived_for(form)]
    edit = {**posted, "version": form.version, "reminder_offsets": "-5, ba"}
    page = client.post("/indicators/forms/BM-TT-QUY/edit/", edit).content.decode()
    assert "nhập các số nguyên cách nhau bởi dấu phẩy" in page and "whole numbers" not in page
    edit["reminder_offsets"] = ""
    del edit["on_HS_TRUC_TUYEN"]
    assert client.post("/indicators/forms/BM-TT-QUY/edit/", edit).status_code == 302
    form.refresh_from_db()
    assert [i.indicator.code for i in form.items.select_related("indicator")] == ["HS_TONG"] and form.version == 2
    empty = {k: v for k, v in edit.items() if k != "on_HS_TONG"} | {"version": 2}
    nothing = client.post("/indicators/forms/BM-TT-QUY/edit/", empty)
    assert nothing.status_code == 200 and "biểu mẫu cần ít nhất một chỉ tiêu" in nothing.content.decode()
    assert form.items.count() == 1


def test_forms_and_rules_through_the_api(catalogue, api_as, root_admin, focal_user):
    admin = api_as(root_admin)
    form = {"code": "BM-API", "name": "Biểu qua API", "period_type": "month", "unit_kinds": ["commune"],
            "indicators": [{"code": "HS_TONG"}, {"code": "HS_TRUC_TUYEN", "required": False}]}
    assert api_as(focal_user).put("/indicators/forms", form).status_code == 403
    created = admin.put("/indicators/forms", form)
    assert created.status_code == 200 and created.json()["version"] == 1
    assert admin.put("/indicators/forms", form).json()["errors"][0]["field"] == "version"  # must say what it read
    derived = admin.put("/indicators/forms", {**form, "version": 1, "indicators": [{"code": "TL_HS_TRUC_TUYEN"}]})
    assert derived.status_code == 400 and derived.json()["errors"][0]["field"] == "indicators"
    assert admin.put("/indicators/forms", {**form, "version": 1, "name": "Đổi tên"}).json()["version"] == 2
    assert admin.put("/indicators/forms", {**form, "version": 1, "name": "Cũ"}).status_code == 409

    rule = {"code": "API_RULE", "form": "BM-API", "left": "{HS_TRUC_TUYEN}", "operator": "<=",
            "right": "{HS_TONG}", "message_vi": "Hồ sơ trực tuyến không vượt tổng số",
            "message_en": "Online dossiers cannot exceed the total", "cell": "HS_TRUC_TUYEN"}
    bad = admin.put("/indicators/rules", {**rule, "left": "{KHONG_CO} +"})
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"left"}
    said = str(bad.json()["errors"])
    assert "cú pháp không hợp lệ" in said and "invalid syntax" in said and said.count("invalid syntax") == 1
    assert admin.put("/indicators/rules", rule).json()["version"] == 1
    assert [r["code"] for r in admin.get("/indicators/rules", {"form": "BM-API"}).json()] == ["API_RULE"]


def test_a_rule_saved_on_screen_checks_the_next_report(catalogue, client, root_admin, commune):
    client.force_login(root_admin)
    saved = client.post("/indicators/rules/new/", {
        "code": "SO_HOA_TOI_DA", "form": "BM01-THANG", "left": "{HS_SO_HOA_KQ}", "operator": "<=",
        "right": "{HS_DA_GIAI_QUYET}", "severity": "error", "message_vi": "Số hồ sơ số hóa không vượt số đã giải quyết",
        "message_en": "Digitised results cannot exceed solved dossiers", "cell": "HS_SO_HOA_KQ", "active": "on"})
    assert saved.status_code == 302 and ValidationRule.objects.filter(code="SO_HOA_TOI_DA").exists()
    with pytest.raises(ValidationFailed) as failure:
        services.save_report(root_admin, services.get_form("BM01-THANG"), commune, "2024-03",
                             monthly_values(100, 50, solved=10, digitised=20))
    assert "values.HS_SO_HOA_KQ" in {e.field for e in failure.value.errors}
    assert "Số hồ sơ số hóa không vượt số đã giải quyết" in str(failure.value.errors)


def test_a_form_with_reports_keeps_its_period_type(monthly, fill, root_admin, commune):
    fill(monthly, commune, "2024-03", monthly_values(10, 5))
    item = {"code": monthly.code, "name": monthly.name, "period_type": "quarter",
            "indicators": [i.indicator.code for i in monthly.items.select_related("indicator")]}
    with pytest.raises(ValidationFailed) as failure:
        services.save_form(root_admin, item, monthly.version)
    assert failure.value.errors[0].field == "period_type"
    monthly.refresh_from_db()
    assert monthly.period_type == "month"


def test_a_new_definition_cannot_start_before_the_latest_one(catalogue, root_admin):
    services.save_indicator(root_admin, {"code": "HS_TONG", "name": "Tên A"}, valid_from=dt.date(2025, 7, 1))
    for day in (dt.date(2025, 3, 1), dt.date(1025, 1, 1)):
        with pytest.raises(ValidationFailed) as failure:
            services.save_indicator(root_admin, {"code": "HS_TONG", "name": "Tên B"}, valid_from=day)
        assert failure.value.errors[0].field == "valid_from"
    assert services.get_indicator("HS_TONG").name == "Tên A"
    # no date given: from the latest revision's day when that is later than 1 January
    services.save_indicator(root_admin, {"code": "HS_TONG", "name": "Tên C"})
    latest = services.get_indicator("HS_TONG").revisions.order_by("-version").first()
    assert latest.valid_from >= dt.date(2025, 7, 1)


def test_only_the_provincial_dx_office_edits_the_shared_catalogue(catalogue, api_as, department, focal_user):
    from tinhso.accounts.models import Role, User

    agency_admin = User.objects.create_user("agency-admin", role=Role.ADMIN, unit=department)
    assert not services.is_catalogue_editor(agency_admin)
    existing = {"code": "HS_TONG", "name": "Đổi tên"}
    assert api_as(agency_admin).put("/indicators/catalogue", existing).status_code == 403
    assert api_as(focal_user).put("/indicators/catalogue", existing).status_code == 403  # 403 before "version"


def test_reloading_the_catalogue_keeps_a_rule_switched_off(catalogue, root_admin):
    rule = ValidationRule.objects.order_by("code").first()
    item = {"code": rule.code, "form": rule.form.code if rule.form else None, "left": rule.left,
            "operator": rule.operator, "right": rule.right, "message_vi": rule.message_vi,
            "message_en": rule.message_en, "cell": rule.cell, "severity": rule.severity, "active": False}
    services.save_rule(root_admin, item, rule.version)
    services.load_catalogue()
    rule.refresh_from_db()
    assert rule.active is False


def test_the_targets_and_analytics_pages_survive_an_impossible_year(catalogue, client, root_admin, province):
    client.force_login(root_admin)
    assert client.get(f"/indicators/analytics/?parent={province.pk}&year=0").status_code == 200
    assert client.get(f"/indicators/targets/?unit={province.pk}&year=0").status_code == 200
    assert client.get(f"/indicators/targets/?unit={province.pk}&year=99999").status_code == 200
