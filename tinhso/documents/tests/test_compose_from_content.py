"""A periodic report drafted from a provider's content: every paragraph, figure and table cell of the module
lands in the DOCX as the module wrote it, the issuer is the one of the document's date, appendices follow."""

import datetime as dt
import io
import types
from decimal import Decimal

import pytest
from docx import Document as open_docx

from tinhso.core import reporting
from tinhso.documents import compose, render_docx
from tinhso.documents.docxread import Reader, Tab

pytestmark = pytest.mark.django_db


def _section(request):
    table = reporting.Table(title="Hồ sơ trực tuyến theo đơn vị", headers=["STT", "Đơn vị", "Số hồ sơ", "Tỷ lệ"],
                            rows=[[1, "Sở Tư pháp", 1562, Decimal("97.44")], [2, "Sở Y tế", 845, Decimal("88.25")]],
                            formats=[reporting.INTEGER, reporting.TEXT, reporting.INTEGER,
                                     reporting.percent_format(1)],
                            total=["Tổng số", None, 2407, Decimal("93.9")], note="Nguồn: hệ thống báo cáo.")
    appendix = reporting.Table(title="Danh mục nhiệm vụ quá hạn", headers=["STT", "Nhiệm vụ", "Hạn"],
                               rows=[[1, "Kho dữ liệu dùng chung", dt.date(2024, 9, 30)]],
                               formats=[reporting.INTEGER, reporting.TEXT, reporting.DATE])
    figure = reporting.Figure(key="fake.online", label="Hồ sơ trực tuyến", value=2407, text="2.407",
                              sentence=f"{request.period.label}, tiếp nhận 2.407 hồ sơ trực tuyến, đạt 103% kế "
                                       "hoạch.", headline=True)
    return [reporting.Section(key="fake.main", title="Dịch vụ công trực tuyến",
                              paragraphs=[figure.sentence, "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 93,9%."],
                              tables=[table], appendices=[appendix], problems=["Còn 1 nhiệm vụ quá hạn."],
                              next_tasks=["Hoàn thành kho dữ liệu dùng chung."], figures=[figure])]


@pytest.fixture
def provider(monkeypatch):
    module = types.ModuleType("fake_report")
    module.ORDER = 5
    module.sections = _section
    monkeypatch.setattr(reporting, "providers", lambda: {"fake": module})
    return module


def _texts(docx_bytes: bytes) -> tuple[list[str], list[Tab]]:
    items = Reader(open_docx(io.BytesIO(docx_bytes))).body()
    paragraphs = [i.text for i in items if not isinstance(i, Tab)]
    return paragraphs, [i for i in items if isinstance(i, Tab)]


def test_report_carries_every_module_figure_and_cell(provider, reorganised, admin_user):
    doc, report = compose.build(admin_user, "report", reorganised.bk, "2024-Q4",
                                compose.Options(today=dt.date(2026, 1, 5)))
    assert doc.date == dt.date(2024, 12, 31)  # the period's end: the quarter is over
    assert (doc.agency, doc.agency_abbr, doc.place) == ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "STTTT", "Bắc Kạn")
    assert doc.summary == "Kết quả thực hiện chuyển đổi số quý IV năm 2024"
    paragraphs, tables = _texts(render_docx.render(doc))
    section = report.sections[0]
    for sentence in section.paragraphs:
        assert sentence in paragraphs
    assert "- Còn 1 nhiệm vụ quá hạn." in paragraphs and "- Hoàn thành kho dữ liệu dùng chung." in paragraphs
    body_table = tables[1]  # tables[0] is the first-page block
    cells = [[c.paragraphs[0].text for c in row] for row in body_table.rows]
    assert cells[0] == section.tables[0].headers
    assert cells[1:] == section.tables[0].text_rows()
    assert cells[1] == ["1", "Sở Tư pháp", "1.562", "97,4%"] and cells[-1] == ["Tổng số", "", "2.407", "93,9%"]
    assert doc.facts["fake.online"] == {"value": 2407, "text": "2.407", "label": "Hồ sơ trực tuyến"}
    assert "Phụ lục I" in paragraphs and "DANH MỤC NHIỆM VỤ QUÁ HẠN" in paragraphs
    appendix = [[c.paragraphs[0].text for c in row] for row in tables[-1].rows]  # after the signer block
    assert appendix[1] == ["1", "Kho dữ liệu dùng chung", "30/09/2024"]


def test_a_running_period_is_dated_today_and_issued_by_todays_agency(provider, reorganised, admin_user):
    doc, _ = compose.build(admin_user, "report", reorganised.tn, "2026-Q1", compose.Options(today=dt.date(2026, 2, 3)))
    assert doc.date == dt.date(2026, 2, 3)
    assert (doc.agency, doc.parent_agency, doc.place) == ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "UBND TỈNH THÁI NGUYÊN",
                                                         "Thái Nguyên")
    assert doc.recipients[0] == "UBND tỉnh Thái Nguyên (b/c)" and doc.recipients[-1] == "Lưu: VT"


def test_signer_and_recipients_as_chosen(provider, reorganised, admin_user):
    options = compose.Options(authority="KT.", signer_name="Nguyễn Văn An", recipients=["Bộ Khoa học và Công nghệ"],
                              today=dt.date(2026, 1, 5))
    doc, _ = compose.build(admin_user, "report", reorganised.tn, "2025", options)
    assert doc.signer.lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] and doc.signer.name == "Nguyễn Văn An"
    assert doc.recipients == ["Bộ Khoa học và Công nghệ", "Lưu: VT"]


def test_news_item_is_plain_text_with_the_headline(provider, reorganised, admin_user):
    doc, _ = compose.build(admin_user, "news", reorganised.tn, "2025-Q4", compose.Options(today=dt.date(2026, 1, 5)))
    assert doc.plain and not doc.appendices
    paragraphs, tables = _texts(render_docx.render(doc))
    assert tables == [] and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in paragraphs
    assert any("2.407 hồ sơ trực tuyến" in p for p in paragraphs)


def test_a_reader_outside_the_unit_is_refused(provider, reorganised, make_unit):
    from tinhso.accounts.models import Role, User
    from tinhso.core.errors import Forbidden

    other = make_unit("Tỉnh Cao Bằng", "province", code="000.00.00.H04")
    outsider = User.objects.create_user("outsider", password="x-pass-12345", role=Role.ADMIN, unit=other)
    with pytest.raises(Forbidden):
        compose.build(outsider, "report", reorganised.tn, "2025")


def test_bad_kind_and_period_name_their_field(provider, reorganised, admin_user):
    from tinhso.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        compose.build(admin_user, "memo", reorganised.tn, "2025")
    assert caught.value.errors[0].field == "kind"
    with pytest.raises(ValidationFailed) as caught:
        compose.build(admin_user, "report", reorganised.tn, "2025-Q7")
    assert caught.value.errors[0].field == "period"
