"""Spreadsheets: the export imports back unchanged, the template reads, a bad row rejects the whole file."""

import io

import openpyxl

from tinhso.core.tabular import read_table
from tinhso.security import services
from tinhso.security.models import Asset, InformationSystem
from tinhso.security.tests.conftest import system_data


def _rows(content: bytes, what: str) -> list[dict]:
    aliases = services.SYSTEM_ALIASES if what == "systems" else services.ASSET_ALIASES
    return read_table(content, "file.xlsx", aliases)


def _sheet(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _stored() -> list[dict]:
    plain = [f for f in services.SYSTEM_FIELDS if f not in ("owner", "operator")]
    return list(InformationSystem.objects.values(*plain, "owner_id", "operator_id"))


def test_exported_systems_import_back_unchanged_into_an_empty_inventory(root_admin, district, commune):
    services.create_system(root_admin, system_data(district, operator=commune, connects_lgsp=True,
                                                   national_connections="NDXP; CSDL dân cư"))
    services.create_asset(root_admin, {"code": "VC-1", "kind": "vc_point", "subtype": "commune", "name": "Điểm cầu",
                                       "unit": commune, "system": InformationSystem.objects.get(code="BK-001"),
                                       "latitude": 22.1, "longitude": 105.8})
    systems_file, _, _ = services.export_file(root_admin, "systems")
    assets_file, _, _ = services.export_file(root_admin, "assets")
    before = _stored()
    Asset.objects.all().delete()
    InformationSystem.objects.all().delete()
    assert services.import_systems(root_admin, _rows(systems_file, "systems")).created == 1
    assert services.import_assets(root_admin, _rows(assets_file, "assets")).created == 1
    after = _stored()
    assert after == before
    asset = Asset.objects.get()
    assert asset.system.code == "BK-001" and float(asset.latitude) == 22.1
    # importing the same file again changes nothing
    result = services.import_systems(root_admin, _rows(systems_file, "systems"))
    assert (result.created, result.updated, result.errors) == (0, 0, [])


def test_the_template_has_the_headers_and_the_allowed_values(root_admin):
    content, name, _ = services.export_file(root_admin, "systems", template=True)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert name == "he-thong-thong-tin-mau.xlsx" and workbook.sheetnames[1] == "Giá trị hợp lệ"
    assert list(next(workbook.worksheets[0].iter_rows(values_only=True))) == list(services.SYSTEM_COLUMNS.values())


def test_one_bad_row_rejects_the_file_and_every_error_names_its_line(root_admin, district):
    content = _sheet([
        ["Mã hệ thống", "Tên hệ thống", "Chủ quản", "Loại hệ thống", "Nơi đặt", "Máy chủ, dải IP, tên miền"],
        ["X-1", "Cổng thông tin", "000.00.31.H05", "Cổng, trang thông tin điện tử", "Tại cơ quan", "10.1.1.1"],
        ["X-2", "Hệ thống B", "Huyện Không Có", "portal", "cloud", ""],
        ["X-1", "Trùng mã", "huyen ba be", "portal", "mây", "10.1.1.1"],
    ])
    result = services.import_systems(root_admin, _rows(content, "systems"))
    assert InformationSystem.objects.count() == 0 and result.created == 0
    assert {(e.row, e.field) for e in result.errors} == {(3, "owner"), (4, "code"), (4, "hosting")}


def test_an_import_may_not_write_outside_the_users_scope(commune_focal, commune, other_commune):
    content = _sheet([["code", "name", "owner", "category", "hosting"],
                      ["A-1", "Hệ thống A", commune.code, "portal", "cloud"],
                      ["A-2", "Hệ thống B", other_commune.code, "portal", "cloud"]])
    result = services.import_systems(commune_focal, _rows(content, "systems"))
    assert [(e.row, e.field) for e in result.errors] == [(3, "owner")]
    assert InformationSystem.objects.count() == 0


def test_addresses_are_left_out_of_an_export_for_readers_outside_the_owner(root_admin, viewer_user, district):
    services.create_system(root_admin, system_data(district))
    content, _, _ = services.export_file(viewer_user, "systems")
    assert not _rows(content, "systems")[0].get("addresses")
    content, _, _ = services.export_file(root_admin, "systems")
    assert "10.5.1.10" in _rows(content, "systems")[0]["addresses"]
