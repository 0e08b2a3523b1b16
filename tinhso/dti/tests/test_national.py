"""The provincial index as the Ministry publishes it: national rounds of provinces, imported main-indicator
values, pillar values by the verified formula, ties, merged provinces, rounding once, the 405 draft edition."""

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from tinhso.core.errors import Forbidden, ValidationFailed
from tinhso.core.formatting import vn_number
from tinhso.dti import frameworks, national, services
from tinhso.dti.models import FrameworkStatus, MainOrigin, MainValue, MergeWeight, Result, Round, RoundStatus
from tinhso.units.models import EventKind, UnitEvent, UnitKind
from tinhso.units.services import link_successions

pytestmark = pytest.mark.django_db
REFORM = dt.date(2025, 7, 1)
OLD_END = dt.date(2025, 6, 30)
HEAD = ["Tỉnh, thành phố", "Năm", "1. Nhận thức số", "2. Thể chế số", "3. Hạ tầng số", "4. Nhân lực số",
        "5. An toàn thông tin mạng", "7. Hoạt động chính quyền số", "8. Hoạt động kinh tế số",
        "9. Hoạt động xã hội số"]


@pytest.fixture
def dti922(root_admin):
    return frameworks.load_file(root_admin, frameworks.DATA / "dti-tinh-922-2022.json")


@pytest.fixture
def old_provinces(make_unit):
    """Three pre-2025 provinces; Bắc Kạn and Thái Nguyên merge into today's Thái Nguyên."""
    return {short: make_unit(f"Tỉnh {short}", UnitKind.PROVINCE, stats_code=code, valid_to=OLD_END,
                             short_name=short)
            for short, code in (("Bắc Kạn", "06"), ("Thái Nguyên", "19"), ("Hà Giang", "02"))}


def sheet(rows: list[list], head: list[str] = HEAD) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(head)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def national_round(admin, framework, year, units=(), scope=None) -> Round:
    return services.create_round(admin, f"DTI cấp tỉnh {year}", year, framework, scope, list(units), national=True)


def publish(admin, round_: Round) -> Round:
    services.publish_round(admin, round_.pk, None)
    round_.refresh_from_db()
    return round_


def test_national_round_of_provinces_from_the_api(api_as, root_admin, province, province_admin, dti922, old_provinces):
    api = api_as(root_admin)
    ids = [u.pk for u in old_provinces.values()]
    response = api.post("/dti/rounds", {"name": "DTI cấp tỉnh 2023", "year": 2023, "framework_id": dti922.pk,
                                        "scope_id": None, "national": True, "unit_ids": ids})
    assert response.status_code == 201, response.content
    assert response.json()["national"] is True and response.json()["scope_id"] is None
    # a province's DX office cannot organise a nationwide round, nor a round of provinces that is not national
    office = api_as(province_admin)
    refused = office.post("/dti/rounds", {"name": "x", "year": 2023, "framework_id": dti922.pk, "scope_id": None,
                                          "national": True, "unit_ids": ids})
    assert refused.status_code == 403
    not_national = api.post("/dti/rounds", {"name": "x", "year": 2023, "framework_id": dti922.pk,
                                            "scope_id": ids[0], "unit_ids": ids})
    assert not_national.status_code == 400 and "is not under" in str(not_national.json()["errors"])
    # …but may keep the national ranking as its explicitly national organiser
    kept = office.post("/dti/rounds", {"name": "Xếp hạng DTI 2023", "year": 2023, "framework_id": dti922.pk,
                                       "scope_id": province.pk, "national": True, "unit_ids": ids})
    assert kept.status_code == 201, kept.content


def test_national_round_from_the_web_form(client, root_admin, dti922, old_provinces, make_unit):
    make_unit("Xã Ngoài", UnitKind.COMMUNE, old_provinces["Bắc Kạn"], valid_to=OLD_END)
    client.force_login(root_admin)
    page = client.get("/dti/").content.decode()
    assert "DTI-TINH v2022" in page and 'value="province"' in page
    response = client.post("/dti/rounds/new/", {"name": "DTI cấp tỉnh 2023", "year": "2023", "framework_id": dti922.pk,
                                                "scope_id": "", "kind": "province"})
    round_ = Round.objects.get(name="DTI cấp tỉnh 2023")
    assert response.status_code == 302 and round_.national and round_.scope is None
    assert {m.unit.name for m in round_.members.select_related("unit")} == {u.name for u in old_provinces.values()}


def test_import_published_results_ranks_provinces_with_pillar_values(root_admin, dti922, old_provinces):
    round_ = national_round(root_admin, dti922, 2022)
    content = sheet([
        ["Tinh Bac Kan", 2022, 0.5, 0.6, 0.7, 0.4, 0.5, 0.3, 0.2, 0.35],
        ["thái nguyên", 2022, "0,9", 0.8, 0.85, 0.7, 0.75, 0.6, 0.5, 0.55],
        ["02", 2022, 0.5, 0.6, 0.7, 0.4, 0.5, 0.3, 0.2, 0.35],  # Hà Giang by its statistics code, tied with Bắc Kạn
    ])
    outcome = national.import_results(root_admin, round_.pk, content, "dti-2022.xlsx")
    assert (outcome.units, outcome.round.status) == (3, RoundStatus.REVIEW)
    audit = MainValue.history.filter(history_type="+", history_user=root_admin)
    assert audit.count() == 24 and "dti-2022.xlsx" in audit.first().history_change_reason
    round_ = publish(root_admin, round_)
    results = {r.unit.short_name: r for r in Result.objects.filter(round=round_).select_related("unit")}
    tn = results["Thái Nguyên"]
    # DTI = Σ value × maximum / 1.000
    points = 90 + 80 + 85 + 70 + 75 + 0.6 * 200 + 0.5 * 150 + 0.55 * 150
    assert float(tn.points) == pytest.approx(points) and float(tn.index) == pytest.approx(points / 1000)
    # pillar value = (points of 1–5 + the pillar's activity indicator) / (500 + its maximum)
    foundation = 90 + 80 + 85 + 70 + 75
    assert tn.pillar_values["CQS"] == pytest.approx((foundation + 120) / 700)
    assert tn.pillar_values["KTS"] == pytest.approx((foundation + 75) / 650)
    assert tn.pillar_values["XHS"] == pytest.approx((foundation + 82.5) / 650)
    assert tn.main_sources["1"] == MainOrigin.IMPORTED
    # ties share a rank and the next rank is skipped
    assert (tn.rank, results["Bắc Kạn"].rank, results["Hà Giang"].rank) == (1, 2, 2)
    assert results["Bắc Kạn"].pillar_ranks == {"CQS": 2, "KTS": 2, "XHS": 2}

    place = national.standing(root_admin, round_.pk, old_provinces["Bắc Kạn"].pk)
    assert len(place.peers) == 3 and place.leaders[0][0].unit.short_name == "Thái Nguyên"
    assert float(place.leaders[0][1]) == pytest.approx(float(results["Bắc Kạn"].index - tn.index))
    best = place.raises[0]  # raising activity CQS 0,3 → 0,6 is worth 60 points, more than any other
    assert (best.main.code, best.points_gained) == ("7", pytest.approx(60.0))
    assert [p.code for p in place.pillars] == ["CQS", "KTS", "XHS"]


def test_malformed_row_refuses_the_whole_import(root_admin, dti922, old_provinces):
    round_ = national_round(root_admin, dti922, 2022)
    content = sheet([
        ["Bắc Kạn", 2022, 0.5, 0.6, 0.7, 0.4, 0.5, 0.3, 0.2, 0.35],
        ["Thái Nguyên", 2022, 1.5, 0.8, 0.85, 0.7, 0.75, 0.6, 0.5, ""],
        ["Tỉnh Không Có", 2022, 0.5, 0.6, 0.7, 0.4, 0.5, 0.3, 0.2, 0.35],
        ["Hà Giang", 2021, 0.5, 0.6, 0.7, 0.4, 0.5, 0.3, 0.2, 0.35],
    ])
    with pytest.raises(ValidationFailed) as caught:
        national.import_results(root_admin, round_.pk, content, "dti.xlsx")
    errors = {(e.row, e.field): (e.vi, e.en) for e in caught.value.errors}
    assert "0–1" in errors[(3, "1. Nhận thức số")][1]
    assert errors[(3, "9. Hoạt động xã hội số")] == ("thiếu giá trị", "the value is missing")
    assert "không tìm thấy" in errors[(4, "unit")][0] and "not found" in errors[(4, "unit")][1]
    assert "2021" in errors[(5, "year")][0]
    assert not MainValue.objects.exists() and not round_.members.exists()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


def test_main_value_entered_directly_replaces_its_components(root_admin, dti922, old_provinces):
    unit = old_provinces["Hà Giang"]
    round_ = national_round(root_admin, dti922, 2022, [unit])
    services.open_round(root_admin, round_.pk)
    services.adjust_value(root_admin, round_.pk, unit.pk, "8.1", 10, "đã biết")  # a component of indicator 8
    national.set_main_value(root_admin, round_.pk, unit.pk, "1", "0,75", "Bộ công bố")
    with pytest.raises(ValidationFailed):
        national.set_main_value(root_admin, round_.pk, unit.pk, "1", "1,2")
    services.recompute(root_admin, round_.pk)
    result = Result.objects.get(round=round_)
    assert result.by_main["1"] == pytest.approx(75.0) and result.by_main["8"] == pytest.approx(10.0)
    assert result.main_sources == {"1": MainOrigin.ENTERED}
    assert not any(code.startswith("1.") for code, _ in result.gaps)  # its components are unknown, not missing


def test_a_round_is_refused_for_provinces_before_their_creation_but_derived_from_predecessors(
        root_admin, dti922, old_provinces, make_unit):
    new = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, stats_code="19", valid_from=REFORM, short_name="Thái Nguyên")
    event = UnitEvent.objects.create(kind=EventKind.MERGE, date=REFORM, legal_basis="Nghị quyết 202/2025/QH15")
    link_successions(event, [(old_provinces["Bắc Kạn"], new, Decimal(1)),
                             (old_provinces["Thái Nguyên"], new, Decimal(1))])
    with pytest.raises(ValidationFailed):
        national_round(root_admin, dti922, 2024, [new])
    round_ = national_round(root_admin, dti922, 2024)
    national.import_results(root_admin, round_.pk, sheet([
        ["Bắc Kạn", 2024, 0.5, 0.6, 0.7, 0.4, 0.5, 0.3, 0.2, 0.4],
        ["Thái Nguyên", 2024, 0.9, 0.8, 0.9, 0.7, 0.7, 0.6, 0.5, 0.6],
        ["Hà Giang", 2024, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4]]), "dti.xlsx")
    publish(root_admin, round_)

    derived = national.derive_successors(root_admin, round_.pk, dt.date(2026, 1, 1))
    assert derived.derived_from == round_ and derived.is_published and derived.year == 2024
    result = Result.objects.get(round=derived, unit=new)
    assert result.main_sources["1"] == MainOrigin.DERIVED
    assert result.by_main["1"] == pytest.approx(70.0)  # mean of 0,5 and 0,9
    assert result.by_main["7"] == pytest.approx(90.0)  # mean of 60 and 120
    assert result.peers == 1  # Hà Giang did not continue past 2025 in this registry

    # weights the DX office sets replace the mean; a successor with weights needs one for each predecessor
    MergeWeight.objects.create(successor=new, predecessor=old_provinces["Bắc Kạn"], weight=1)
    with pytest.raises(ValidationFailed) as caught:
        national.derive_successors(root_admin, round_.pk, dt.date(2026, 1, 1))
    assert "Thái Nguyên" in caught.value.errors[0].vi
    MergeWeight.objects.create(successor=new, predecessor=old_provinces["Thái Nguyên"], weight=3)
    weighted = national.derive_successors(root_admin, round_.pk, dt.date(2026, 1, 1))
    assert Result.objects.get(round=weighted, unit=new).by_main["1"] == pytest.approx(80.0)  # (50 + 3 × 90) / 4


def test_last_year_of_a_continuing_absorber_includes_the_absorbed(root_admin, dti922, make_unit):
    keeps = make_unit("Tỉnh Lào Cai", UnitKind.PROVINCE, stats_code="10")
    absorbed = make_unit("Tỉnh Yên Bái", UnitKind.PROVINCE, stats_code="15", valid_to=OLD_END)
    event = UnitEvent.objects.create(kind=EventKind.MERGE, date=REFORM, legal_basis="Nghị quyết 202/2025/QH15")
    link_successions(event, [(absorbed, keeps, Decimal(1))])
    last = national_round(root_admin, dti922, 2024)
    national.import_results(root_admin, last.pk, sheet([
        ["Lào Cai", 2024, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8],
        ["Yên Bái", 2024, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4]]), "dti.xlsx")
    publish(root_admin, last)
    this = national_round(root_admin, dti922, 2025)
    national.import_results(root_admin, this.pk, sheet([["Lào Cai", 2025, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]]),
                            "dti.xlsx")
    result = Result.objects.get(round=publish(root_admin, this), unit=keeps)
    assert result.previous_basis == "absorbed"
    assert sorted(result.previous_units) == sorted([keeps.pk, absorbed.pk])
    assert float(result.previous_points) == pytest.approx(600.0)  # mean of 800 and 400, not Lào Cai's 800
    assert result.previous_by_main["1"] == pytest.approx(60.0)


def test_values_are_kept_exact_and_rounded_once_for_display(root_admin, dti922, old_provinces):
    round_ = national_round(root_admin, dti922, 2022)
    # 700,0496 points: stored as is, shown as 0,7000 (rounding 700,050 first would show 0,7001)
    national.import_results(root_admin, round_.pk, sheet([
        ["Hà Giang", 2022, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, "0,700248", 0.7]]), "dti.xlsx")
    result = Result.objects.get(round=round_)
    assert result.points == Decimal("700.037200000")
    national.import_results(root_admin, round_.pk, sheet([
        ["Hà Giang", 2022, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, "0,700330666666", 0.7]]), "dti.xlsx")
    result = Result.objects.get(round=round_)
    assert result.points.quantize(Decimal("0.0001")) == Decimal("700.0496")
    assert result.index.quantize(Decimal("0.0000001")) == Decimal("0.7000496")  # not rounded to 5 decimals
    assert vn_number(result.index, 4, fixed=True) == "0,7000"


def test_405_edition_loads_as_a_draft_and_refuses_scoring_until_its_points_add_up(root_admin, old_provinces):
    doc = json.loads((frameworks.DATA / "dti-tinh-405-2025.json").read_text(encoding="utf-8"))
    draft = frameworks.import_framework(root_admin, doc)
    assert draft.status == FrameworkStatus.DRAFT and draft.main_indicators.count() == 8
    assert not draft.main_indicators.filter(name__startswith="Đô thị").exists()
    assert draft.components_total == 47 and "CHƯA BIẾT" in draft.source_note
    problems = frameworks.scoring_problems(draft)
    assert any("47" in p.vi for p in problems) and any("điểm tối đa" in p.vi for p in problems)
    with pytest.raises(ValidationFailed):
        national_round(root_admin, draft, 2024, old_provinces.values())
    # the DX office completes it (points and components) and loads it again under the same code and edition
    points = {"1": 100, "2": 100, "3": 100, "4": 100, "5": 100, "6": 200, "7": 150, "8": 150}
    counts = {"1": 5, "2": 5, "3": 5, "4": 5, "5": 5, "6": 10, "7": 6, "8": 6}
    broken = json.loads(json.dumps(doc))
    for main in broken["main_indicators"]:
        main["max_points"] = points[main["code"]]
        main["components"] = [{"code": f"{main['code']}.{i + 1}", "name": f"Thành phần {i + 1}",
                               "max_points": points[main["code"]] / counts[main["code"]], "rule": {"type": "manual"},
                               "source": "manual"} for i in range(counts[main["code"]])]
    for group in broken["groups"]:
        group["max_points"] = 500
    broken["main_indicators"][0]["components"][0]["max_points"] += 5  # does not add up
    with pytest.raises(ValidationFailed):
        frameworks.import_framework(root_admin, broken)
    broken["main_indicators"][0]["components"][0]["max_points"] -= 5
    del broken["status"]
    complete = frameworks.import_framework(root_admin, broken)
    assert complete.status == FrameworkStatus.ACTIVE and frameworks.scoring_problems(complete) == []
    assert complete.components.count() == 47
    assert national_round(root_admin, complete, 2024, old_provinces.values()).framework == complete


def test_commune_framework_is_the_real_62_rows_with_its_source(root_admin):
    framework = frameworks.load_file(root_admin, frameworks.DATA / "dti-xa-mau-2025.json")
    assert framework.components.count() == 62 and framework.max_points == 960
    assert [float(m.max_points) for m in framework.main_indicators.order_by("order")] == [80, 100, 100, 520, 80, 80]
    assert framework.components.get(code="4.22.10").max_points == 30
    assert "PlatformManager" in framework.source_note and framework.status == FrameworkStatus.ACTIVE
    assert "960" in framework.source_note


def test_922_framework_documents_the_verified_formula(root_admin, dti922):
    assert "/ (500 +" in dti922.formula["pillar"] and "/700" in dti922.formula["pillar"]
    assert "Σ" in dti922.formula["index"]
    assert frameworks.export_document(dti922)["formula"] == dti922.formula


def test_only_the_organiser_imports(province_admin, root_admin, dti922, old_provinces):
    round_ = national_round(root_admin, dti922, 2022)
    with pytest.raises(Forbidden):
        national.import_results(province_admin, round_.pk, sheet([]), "x.xlsx")


def test_api_import_results_standing_and_xlsx_show_pillar_values(api_as, root_admin, dti922, old_provinces):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    from tinhso.dti import exports

    round_ = national_round(root_admin, dti922, 2022)
    api = api_as(root_admin)
    upload = SimpleUploadedFile("ket-qua.xlsx", sheet([
        ["Bắc Kạn", 2022, 0.5, 0.6, 0.7, 0.4, 0.5, 0.3, 0.2, 0.35],
        ["Thái Nguyên", 2022, 0.9, 0.8, 0.85, 0.7, 0.75, 0.6, 0.5, 0.55]]))
    response = api.post(f"/dti/rounds/{round_.pk}/import-results", {"file": upload}, content_type=MULTIPART_CONTENT)
    assert response.status_code == 200, response.content
    assert response.json()["units"] == 2 and response.json()["round"]["status"] == "review"
    publish(root_admin, round_)
    rows = api.get(f"/dti/rounds/{round_.pk}/results").json()
    first = rows[0]
    assert first["unit"] == "Tỉnh Thái Nguyên" and first["main_values"]["1"] == pytest.approx(0.9)
    assert first["pillar_values"]["CQS"] == pytest.approx((400 + 120) / 700)
    assert first["main_sources"]["7"] == "imported" and first["derived"] is False
    place = api.get(f"/dti/rounds/{round_.pk}/units/{old_provinces['Bắc Kạn'].pk}/standing").json()
    assert place["rank"] == 2 and place["peers"] == 2 and place["raise_rank"][0]["new_rank"] == 2
    assert place["above"]["unit"] == "Tỉnh Thái Nguyên"

    content, _, _ = exports.export_xlsx(round_.pk)
    sheet_ = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet_[3]]
    column = header.index("Chính quyền số (giá trị 0–1)")
    assert sheet_.cell(4, column + 1).value == pytest.approx(round((400 + 120) / 700, 4))


def test_result_heads_name_the_indicators_in_either_language_or_both(root_admin, dti922, old_provinces):
    """The template's heads (Vietnamese), a sheet headed in English, and one headed "Vi / En" as the framework
    names read before #17 item 13, all import."""
    english = ["Province", "Year", "1. Digital awareness", "2. Digital institutions", "3. Digital infrastructure",
               "4. Digital human resources", "5. Cyber-security", "7. Digital government activity",
               "8. Digital economy activity", "9. Digital society activity"]
    mains = {m.code: m.name for m in dti922.main_indicators.all()}
    doubled = ["Tỉnh, thành phố", "Năm"] + [f"{h.split('.')[0]}. {mains[h.split('.')[0]]}" for h in HEAD[2:]]
    assert " / " in doubled[2]
    row = ["Bắc Kạn", 2022, 0.5, 0.6, 0.7, 0.4, 0.5, 0.3, 0.2, 0.35]
    for head in (national.sheet_head(national_round(root_admin, dti922, 2022)), english, doubled):
        round_ = national_round(root_admin, dti922, 2022)
        outcome = national.import_results(root_admin, round_.pk, sheet([row], head), "dti.xlsx")
        assert outcome.units == 1, head
        assert MainValue.objects.filter(round=round_).count() == 8, head
