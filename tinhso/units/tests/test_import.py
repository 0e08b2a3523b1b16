"""Bulk import of units from CSV and XLSX: all or nothing, a per-row error report, export → import round trip."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.core.errors import ValidationFailed
from tinhso.core.tabular import read_table, to_csv, to_xlsx
from tinhso.units import services
from tinhso.units.models import Unit, UnitKind

HEADER = ["code", "name", "short_name", "kind", "parent_code", "stats_code", "valid_from", "valid_to", "note"]
GOOD_ROWS = [
    ["000.00.00.H38", "Tỉnh Lào Cai", "Lào Cai", "province", "", "15", "01/07/2025", "", ""],
    ["000.00.11.H38", "Sở Khoa học và Công nghệ Lào Cai", "Sở KH&CN", "department", "000.00.00.H38", "",
     "2025-07-01", "", ""],
    ["", "Phường Sa Pa", "", "commune", "000.00.00.H38", "02965", "01/07/2025", "", "Khu du lịch"],
]


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    return to_csv(rows[0], rows[1:])


def run_import(user, content: bytes, name: str) -> services.ImportResult:
    return services.import_units(user, read_table(content, name, services.HEADER_ALIASES))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_good_file_creates_then_updates(db, root_admin, fmt):
    make = csv_bytes if fmt == "csv" else xlsx
    result = run_import(root_admin, make([HEADER, *GOOD_ROWS]), f"units.{fmt}")
    assert (result.created, result.updated, result.errors) == (3, 0, [])
    province = Unit.objects.get(code="000.00.00.H38")
    ward = Unit.objects.get(stats_code="02965")
    assert ward.parent == province and ward.valid_from == dt.date(2025, 7, 1) and ward.note == "Khu du lịch"
    assert ward.history.first().history_user == root_admin

    changed = [row[:] for row in GOOD_ROWS]
    changed[2][1] = "Phường Sa Pa (mới)"
    changed[1][2] = "Sở KHCN"
    result = run_import(root_admin, make([HEADER, *changed]), f"units.{fmt}")
    assert (result.created, result.updated, result.errors) == (0, 2, [])
    ward.refresh_from_db()
    assert ward.name == "Phường Sa Pa (mới)" and ward.version == 2
    assert Unit.objects.count() == 3
    # Unchanged file: nothing to do.
    result = run_import(root_admin, make([HEADER, *changed]), f"units.{fmt}")
    assert (result.created, result.updated) == (0, 0)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_with_bad_rows_writes_nothing_and_reports_every_row(db, root_admin, fmt):
    make = csv_bytes if fmt == "csv" else xlsx
    rows = [HEADER, *GOOD_ROWS,
            ["000.00.12.H38", "Sở Y tế Lào Cai", "", "galaxy", "000.00.00.H38", "", "", "", ""],  # row 5
            ["", "Xã Tả Van", "", "commune", "000.00.00.H99", "02971", "", "", ""],  # row 6
            ["", "Xã Bản Hồ", "", "commune", "000.00.00.H38", "02974", "31/02/2025", "", ""],  # row 7
            ["12.3", "", "", "commune", "000.00.00.H38", "", "", "", ""]]  # row 8
    result = run_import(root_admin, make(rows), f"units.{fmt}")
    assert (result.created, result.updated) == (0, 0)
    assert Unit.objects.count() == 0  # the good rows 2–4 were rolled back too
    reported = {(e.row, e.field) for e in result.errors}
    assert {(5, "kind"), (6, "parent_code"), (7, "valid_from"), (8, "name"), (8, "code")} <= reported
    assert {e.row for e in result.errors} == {5, 6, 7, 8}
    for error in result.errors:
        assert error.vi and error.en and error.vi != error.en


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_error_rows_are_the_lines_the_user_sees_even_after_blank_lines(db, root_admin, fmt):
    make = csv_bytes if fmt == "csv" else xlsx
    blank = [""] * len(HEADER)
    rows = [HEADER, GOOD_ROWS[0], blank, blank,  # lines 2–4
            ["000.00.12.H38", "Sở Y tế Lào Cai", "", "galaxy", "000.00.00.H38", "", "", "", ""]]  # line 5
    result = run_import(root_admin, make(rows), f"units.{fmt}")
    assert {e.row for e in result.errors} == {5} and (5, "kind") in {(e.row, e.field) for e in result.errors}


def test_rows_may_refer_to_parents_defined_earlier_in_the_file_by_stats_code(db, root_admin):
    rows = [HEADER, GOOD_ROWS[0], ["", "Xã Mường Hum", "", "commune", "15", "02840", "01/07/2025", "", ""]]
    result = run_import(root_admin, csv_bytes(rows), "units.csv")
    assert result.errors == [] and Unit.objects.get(stats_code="02840").parent.code == "000.00.00.H38"


def test_vietnamese_headers_and_semicolons_are_accepted(db, root_admin):
    content = ("Mã định danh;Tên đầy đủ;Loại;Mã cấp trên;Mã thống kê;Hiệu lực từ\n"
               "000.00.00.H38;Tỉnh Lào Cai;province;;15;01/07/2025\n").encode()
    result = run_import(root_admin, content, "don-vi.csv")
    assert result.created == 1 and Unit.objects.get().name == "Tỉnh Lào Cai"


def test_a_focal_point_cannot_import_outside_its_unit(db, focal_user, province):
    rows = [HEADER, ["000.00.19.H05", "Sở Tư pháp Bắc Kạn", "", "department", "000.00.00.H05", "", "", "30/06/2025",
                     ""]]
    result = run_import(focal_user, csv_bytes(rows), "units.csv")
    assert result.errors and result.errors[0].row == 2 and "quyền" in result.errors[0].vi
    assert not Unit.objects.filter(code="000.00.19.H05").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trip(db, root_admin, commune, other_commune, department, fmt):
    content, filename, _ = services.export_units(fmt)
    before = {u.pk: (u.name, u.code, u.parent_id, u.valid_to, u.version) for u in Unit.objects.all()}
    result = run_import(root_admin, content, filename)
    assert (result.created, result.updated, result.errors) == (0, 0, [])  # nothing changed
    assert {u.pk: (u.name, u.code, u.parent_id, u.valid_to, u.version) for u in Unit.objects.all()} == before

    # Edit the exported file as a user would (rename every commune) and import it back.
    rows = read_table(content, filename, services.HEADER_ALIASES)
    for row in rows:
        if row["kind"] == UnitKind.COMMUNE:
            row["name"] = row["name"].replace("Xã", "Phường").replace("Thị trấn", "Phường")
    titles = [services.COLUMN_TITLES[c] for c in services.COLUMNS]
    values = [[row.get(c) for c in services.COLUMNS] for row in rows]
    edited = to_csv(titles, values) if fmt == "csv" else to_xlsx("Đơn vị", titles, values)
    result = run_import(root_admin, edited, filename)
    assert (result.created, result.updated, result.errors) == (0, 2, [])
    assert sorted(Unit.objects.filter(kind=UnitKind.COMMUNE).values_list("name", flat=True)) == [
        "Phường Chợ Rã", "Phường Nam Mẫu"]
    assert Unit.objects.get(pk=commune.pk).version == 2


def test_the_import_page_shows_the_row_report(db, client, root_admin):
    client.force_login(root_admin)
    rows = [HEADER, GOOD_ROWS[0], ["000.00.12.H38", "Sở Y tế", "", "galaxy", "000.00.00.H38", "", "", "", ""]]
    upload = io.BytesIO(csv_bytes(rows))
    upload.name = "units.csv"
    response = client.post("/units/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "không có dòng nào được ghi" in page and "galaxy" in page and ">3<" in page
    assert Unit.objects.count() == 0


def test_the_api_import_rejects_a_bad_file_with_row_numbers(db, root_admin, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    api = api_as(root_admin)
    rows = [HEADER, GOOD_ROWS[0], ["", "", "", "commune", "000.00.00.H38", "", "", "", ""]]
    bad = SimpleUploadedFile("units.xlsx", xlsx(rows))
    response = api.post("/units/import", {"file": bad}, content_type=MULTIPART_CONTENT)
    assert response.status_code == 400
    body = response.json()
    assert body["message"]["en"].startswith("The file was rejected")
    assert {"field": "name", "row": 3} == {k: body["errors"][0][k] for k in ("field", "row")}
    assert Unit.objects.count() == 0
    good = SimpleUploadedFile("units.xlsx", xlsx([HEADER, *GOOD_ROWS]))
    response = api.post("/units/import", {"file": good}, content_type=MULTIPART_CONTENT)
    assert response.status_code == 200 and response.json() == {"created": 3, "updated": 0}


def test_unreadable_files_are_bad_input(db, root_admin):
    with pytest.raises(ValidationFailed) as failure:
        read_table(b"\x00\x01 not a workbook", "units.xlsx", services.HEADER_ALIASES)
    assert failure.value.errors[0].field == "file"
    with pytest.raises(ValidationFailed):
        read_table(b"a,b\n1,2\n", "units.pdf", services.HEADER_ALIASES)
    with pytest.raises(ValidationFailed):
        read_table(b"foo,bar\n1,2\n", "units.csv", services.HEADER_ALIASES)  # no known header


def test_cli_import_fails_on_a_bad_file_and_succeeds_on_a_good_one(db, root_admin, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, GOOD_ROWS[0], ["", "Xã X", "", "commune", "nowhere", "", "", "", ""]]))
    with pytest.raises(CommandError):
        call_command("units_import", str(bad))
    assert "dòng/row 3, parent_code" in capsys.readouterr().err
    assert Unit.objects.count() == 0
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([HEADER, *GOOD_ROWS]))
    call_command("units_import", str(good))
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 1


def test_tinhso_units_import_exits_non_zero_on_a_bad_file(db, root_admin, tmp_path, capsys, monkeypatch):
    """The `tinhso` command line itself (tinhso.cli.main), as `tinhso units import FILE` runs it."""
    from django.db import connections

    from tinhso.cli import main

    # Django's command runner closes every connection when it ends, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["000.00.00.H38", "Tỉnh Lào Cai", "", "planet", "", "", "", "", ""]]))
    try:
        status = main(["units", "import", str(bad)])
    except SystemExit as exit_:  # Django's command runner reports the CommandError and exits
        status = exit_.code
    assert status not in (0, None)
    err = capsys.readouterr().err
    assert "dòng/row 2, kind" in err
    assert Unit.objects.count() == 0
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([HEADER, *GOOD_ROWS]))
    assert main(["units", "import", str(good)]) == 0
    assert Unit.objects.count() == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_kind_is_read_from_its_code_or_its_label_in_either_language_or_the_old_bilingual_label(db, root_admin, fmt):
    """Pages now show one language, so a sheet typed from them names kinds in Vietnamese or English; a template
    exported before that carried 'Sở, ban, ngành / Department or agency'. All of them import."""
    make = csv_bytes if fmt == "csv" else xlsx
    rows = [row[:] for row in GOOD_ROWS]
    rows[0][3] = "UBND tỉnh, thành phố / Provincial People's Committee"
    rows[1][3] = "Department or agency"
    rows[2][3] = "ubnd xa, phuong, dac khu"
    result = run_import(root_admin, make([HEADER, *rows]), f"units.{fmt}")
    assert (result.created, result.errors) == (3, [])
    assert [u.kind for u in Unit.objects.order_by("pk")] == ["province", "department", "commune"]


def test_an_unknown_kind_label_is_reported_as_typed(db, root_admin):
    rows = [row[:] for row in GOOD_ROWS[:1]]
    rows[0][3] = "Tổ dân phố"
    result = run_import(root_admin, csv_bytes([HEADER, *rows]), "units.csv")
    assert result.created == 0 and "'tổ dân phố'" in result.errors[0].vi
