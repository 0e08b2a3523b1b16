"""Fixtures of the documents app: a sample document and a small registry with the 2025 reorganisation
(Bắc Kạn's departments until 28/02/2025, the interim department until 30/06/2025, Thái Nguyên's after)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tinhso.documents.document import Appendix, Document, Heading, Paragraph, Signer, Table
from tinhso.units.models import EventKind, Succession, UnitEvent, UnitKind


def sample_document(number: int | None = 125, rows: int = 30) -> Document:
    return Document(
        kind="report", type_code="BC", type_name="Báo cáo",
        summary="Kết quả thực hiện chuyển đổi số quý III năm 2026",
        parent_agency="UBND tỉnh Thái Nguyên", agency="Sở Khoa học và Công nghệ", agency_abbr="SKHCN",
        agency_full="Sở Khoa học và Công nghệ Thái Nguyên", place="Thái Nguyên", date=dt.date(2026, 1, 5),
        number=number,
        body=[Heading("Kết quả thực hiện"),
              Paragraph("Tỷ lệ hồ sơ trực tuyến toàn trình đạt 97,4%, đạt 103% kế hoạch; ữ ỹ ỵ ặ ẫ ờ. " * 4),
              Heading("Chỉ tiêu", 2),
              Table(["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện"],
                    [[str(i), f"Chỉ tiêu số {i}", "80%", "82,5%"] for i in range(1, rows + 1)],
                    widths=[1, 6, 2, 2], align=list("CLRR"))],
        recipients=["UBND tỉnh (b/c)", "Sở Nội vụ", "Lưu: VT, CĐS"],
        signer=Signer("KT.", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"),
        appendices=[Appendix("Danh mục nhiệm vụ quá hạn", [Table(["STT", "Nhiệm vụ"], [["1", "Kho dữ liệu"]])])],
    )


@pytest.fixture
def document() -> Document:
    return sample_document()


@pytest.fixture
def reorganised(make_unit):
    """Tỉnh Bắc Kạn and Tỉnh Thái Nguyên (old) until 30/06/2025, today's Tỉnh Thái Nguyên after; Bắc Kạn's
    Sở TTTT and Sở KHCN until 28/02/2025, its interim Sở KHCN until 30/06/2025; a commune of each era."""
    end_old, reform, dep_reform = dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2025, 3, 1)
    bk = make_unit("Tỉnh Bắc Kạn", UnitKind.PROVINCE, code="000.00.00.H05", valid_to=end_old, short_name="Bắc Kạn")
    tn_old = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H56", valid_to=end_old,
                       short_name="Thái Nguyên")
    tn = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H56", valid_from=reform,
                   short_name="Thái Nguyên")
    tttt = make_unit("Sở Thông tin và Truyền thông Bắc Kạn", UnitKind.DEPARTMENT, bk, "000.00.11.H05",
                     valid_to=dt.date(2025, 2, 28), short_name="STTTT")
    khcn_old = make_unit("Sở Khoa học và Công nghệ Bắc Kạn", UnitKind.DEPARTMENT, bk, "000.00.14.H05",
                         valid_to=dt.date(2025, 2, 28), short_name="SKHCN")
    khcn_interim = make_unit("Sở Khoa học và Công nghệ Bắc Kạn", UnitKind.DEPARTMENT, bk, "000.00.14.H05",
                             valid_from=dep_reform, valid_to=end_old, short_name="SKHCN")
    khcn_tn_old = make_unit("Sở Khoa học và Công nghệ Thái Nguyên", UnitKind.DEPARTMENT, tn_old, "000.00.14.H56",
                            valid_to=end_old, short_name="SKHCN")
    khcn_tn = make_unit("Sở Khoa học và Công nghệ Thái Nguyên", UnitKind.DEPARTMENT, tn, "000.00.14.H56",
                        valid_from=reform, short_name="SKHCN")
    ward = make_unit("Phường Bắc Kạn", UnitKind.COMMUNE, tn, "000.01.00.H56", valid_from=reform)
    merge = UnitEvent.objects.create(kind=EventKind.MERGE, date=dep_reform, legal_basis="Nghị định 45/2025/NĐ-CP")
    for old in (tttt, khcn_old):
        Succession.objects.create(event=merge, predecessor=old, successor=khcn_interim)
    reform_event = UnitEvent.objects.create(kind=EventKind.MERGE, date=reform, legal_basis="Nghị quyết 2025")
    for old, new in ((bk, tn), (tn_old, tn), (khcn_interim, khcn_tn), (khcn_tn_old, khcn_tn)):
        Succession.objects.create(event=reform_event, predecessor=old, successor=new)
    return SimpleNamespace(bk=bk, tn_old=tn_old, tn=tn, tttt=tttt, khcn_old=khcn_old, khcn_interim=khcn_interim,
                           khcn_tn_old=khcn_tn_old, khcn_tn=khcn_tn, ward=ward)
