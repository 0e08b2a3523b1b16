"""Units as plans name them (issue #19, items 2–4): abbreviations and customary forms, each unit's own
aliases, diacritics ignored, "did you mean" suggestions, group phrases; central agencies and enterprises
based in the province as lead or coordinating units; and units of another province refused."""

import datetime as dt
import io

import openpyxl
import pytest

from tinhso.programme import services, spreadsheet
from tinhso.programme.models import Task
from tinhso.units.models import UnitKind
from tinhso.units.names import group_of, name_key
from tinhso.units.services import UnitData, create_unit, update_unit

END = dt.date(2025, 6, 30)  # the old province's last day


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã nhiệm vụ", "Tên nhiệm vụ, dự án", "Trụ cột, lĩnh vực", "Đơn vị chủ trì", "Đơn vị phối hợp",
                  "Hạn hoàn thành"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(admin, plan, rows):
    return spreadsheet.import_plan(admin, plan, spreadsheet.read_plan_file(_xlsx(rows), "kh.xlsx"))


@pytest.fixture
def agencies(make_unit, province):
    police = make_unit("Công an tỉnh Bắc Kạn", UnitKind.CENTRAL_AGENCY, province, valid_to=END)
    vnpt = make_unit("Viễn thông Bắc Kạn", UnitKind.ENTERPRISE, province, valid_to=END)
    insurance = make_unit("Bảo hiểm xã hội tỉnh Bắc Kạn", UnitKind.CENTRAL_AGENCY, province, valid_to=END)
    return {"police": police, "vnpt": vnpt, "insurance": insurance}


def test_the_keys_plans_and_the_registry_share():
    assert name_key("Sở TT&TT", ["Bắc Kạn"]) == name_key("Sở TT và TT") == "sotttt"
    assert name_key("VP UBND tỉnh", ["Bắc Kạn"]) == name_key("Văn phòng Ủy ban nhân dân tỉnh Bắc Kạn", ["Bắc Kạn"])
    assert name_key("UBND huyện Gia Lộc") == name_key("Huyện Gia Lộc")
    assert name_key("UBND TP Bắc Kạn", ["Bắc Kạn"]) == name_key("Thành phố Bắc Kạn", ["Bắc Kạn"])
    assert group_of("Các sở, ban, ngành") == "department"
    assert group_of("UBND các huyện, thị xã, thành phố") == "district"
    assert group_of("ubnd cac xa, phuong, thi tran") == "commune"
    assert group_of("Sở Nội vụ") is None


def test_abbreviated_and_customary_names_find_their_units(db, departments, department, district, agencies,
                                                          plan_2024, root_admin):
    rows = [
        ["A1", "Viết tắt", "Chính quyền số", "Sở TT&TT", "VP UBND tỉnh; Sở KH&ĐT; Sở TN&MT", "Quý IV/2024"],
        ["A2", "Không dấu", "Chính quyền số", "so noi vu bac kan", "UBND huyện Ba Bể", "Năm 2024"],
        ["A3", "Cơ quan trung ương", "An toàn thông tin mạng", "Công an tỉnh", "BHXH tỉnh; Viễn thông Bắc Kạn",
         "Tháng 9/2024"],
    ]
    result = _import(root_admin, plan_2024, rows)
    assert result.errors == []
    a1 = Task.objects.get(plan=plan_2024, code="A1")
    assert a1.lead_unit == department
    assert {u.name for u in a1.coordinating_units.all()} == {
        "Văn phòng UBND tỉnh Bắc Kạn", "Sở Kế hoạch và Đầu tư Bắc Kạn", "Sở Tài nguyên và Môi trường Bắc Kạn"}
    a2 = Task.objects.get(plan=plan_2024, code="A2")
    assert a2.lead_unit.name == "Sở Nội vụ Bắc Kạn" and list(a2.coordinating_units.all()) == [district]
    a3 = Task.objects.get(plan=plan_2024, code="A3")
    assert a3.lead_unit == agencies["police"]
    assert set(a3.coordinating_units.all()) == {agencies["insurance"], agencies["vnpt"]}


def test_a_units_own_aliases_are_editable_and_matched(db, departments, agencies, plan_2024, root_admin):
    vnpt = agencies["vnpt"]
    assert _import(root_admin, plan_2024, [["B1", "VNPT", "Hạ tầng số", "Trung tâm kinh doanh VNPT", "", ""]]).errors
    update_unit(root_admin, vnpt.pk, {"aliases": "Trung tâm Kinh doanh VNPT\nVNPT Bắc Kạn"}, vnpt.version)
    result = _import(root_admin, plan_2024, [["B1", "VNPT", "Hạ tầng số", "Trung tâm kinh doanh VNPT", "", ""]])
    assert result.errors == [] and Task.objects.get(code="B1").lead_unit == vnpt


def test_nothing_found_suggests_the_closest_units(db, departments, plan_2024, root_admin):
    result = _import(root_admin, plan_2024, [["C1", "Gõ sai", "Dữ liệu số", "Sở Tài nguyên Môi sinh", "", ""]])
    [error] = result.errors
    assert "có phải: Sở Tài nguyên và Môi trường Bắc Kạn?" in error.vi
    assert "did you mean: Sở Tài nguyên và Môi trường Bắc Kạn?" in error.en
    assert error.column == "D — Đơn vị chủ trì"


def test_group_phrases_stand_for_the_provinces_units(db, departments, department, province, district, make_unit,
                                                     plan_2024, root_admin):
    other = make_unit("Huyện Chợ Đồn", UnitKind.DISTRICT, province, stats_code="063", valid_to=END)
    rows = [
        ["G1", "Triển khai ở mọi sở", "Chính quyền số", "Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố",
         "Quý IV/2024"],
        ["G2", "Sở TT&TT chủ trì", "Chính quyền số", "Sở TT&TT", "UBND các huyện, thị xã, thành phố", ""],
    ]
    result = _import(root_admin, plan_2024, rows)
    assert result.errors == []
    g1 = Task.objects.get(plan=plan_2024, code="G1")
    assert g1.lead_unit == province  # the province's People's Committee holds the task …
    parts = list(g1.subtasks.order_by("code"))  # … and each department leads its part
    assert {t.lead_unit for t in parts} == set(departments.values())
    assert parts[0].code == "G1.01" and parts[0].due_text == "Quý IV/2024"
    assert set(g1.coordinating_units.all()) == {district, other}
    assert set(Task.objects.get(code="G2").coordinating_units.all()) == {district, other}
    view = services.overview(root_admin, plan_2024)
    assert view.total == 2  # the group task counts once; its parts are sub-tasks


def test_units_of_another_province_are_refused_with_a_clear_error(db, departments, make_unit, plan_2024,
                                                                  root_admin):
    elsewhere = make_unit("Tỉnh Hải Dương", UnitKind.PROVINCE, code="000.00.00.H26", stats_code="30")
    make_unit("Sở Nội vụ Hải Dương", UnitKind.DEPARTMENT, elsewhere, "000.00.02.H26")
    result = _import(root_admin, plan_2024, [["D1", "Tỉnh khác", "Dữ liệu số", "Sở Nội vụ Hải Dương",
                                              "Sở Nội vụ Bắc Kạn", ""]])
    [error] = result.errors
    assert error.field == "lead_unit" and "không thuộc Tỉnh Bắc Kạn" in error.vi
    assert "is not part of Tỉnh Bắc Kạn" in error.en


def test_new_kinds_sit_outside_the_administrative_tree_under_their_province(db, root_admin, province):
    police = create_unit(root_admin, UnitData(name="Công an tỉnh Bắc Kạn", kind=UnitKind.CENTRAL_AGENCY,
                                              parent=province, aliases="CA tỉnh", valid_to=END))
    assert police.path.startswith(province.path)
    with pytest.raises(Exception) as refused:
        create_unit(root_admin, UnitData(name="Viettel Bắc Kạn", kind=UnitKind.ENTERPRISE))
    assert "parent" in str(refused.value)
    assert "ca tinh" in police.search_text
