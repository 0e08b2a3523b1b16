"""The checker on a hand-made DOCX with planted departures from Decree 30, and on tinhso's own output."""

import io

import pytest
from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tinhso.core.errors import ValidationFailed
from tinhso.documents import render_docx
from tinhso.documents.checker import check
from tinhso.documents.tests.conftest import sample_document


def _add(container, text, size, bold=False, italic=False, font="Times New Roman", align=None):
    paragraph = container.add_paragraph()
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.font.bold, run.font.italic = font, Pt(size), bold, italic
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.text = text
        run._r.append(element)


def hand_made() -> bytes:
    docx = new_docx()
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(15)  # planted: left margin 25 mm
    _page_field(section.footer.paragraphs[0])  # planted: page numbers in the footer
    table = docx.add_table(rows=2, cols=2)  # each cell starts with an empty paragraph: "đoạn 2" is the text
    left, right = table.cell(0, 0), table.cell(0, 1)
    _add(left, "UBND TỈNH THÁI NGUYÊN", 13)
    _add(left, "SỞ KHOA HỌC VÀ CÔNG NGHỆ", 13, bold=True)
    _add(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 11)  # planted: size 11, not bold
    _add(right, "Độc lập – Tự do – Hạnh phúc", 14, bold=True)  # planted: en dashes
    _add(table.cell(1, 0), "Số: 125/bc-SKHCN", 13)  # planted: lower-case type abbreviation
    _add(table.cell(1, 1), "Thái Nguyên, ngày 5 tháng 1 năm 2026", 14)  # planted: no zeros, not italic
    _add(docx, "BÁO CÁO", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _add(docx, "Kết quả chuyển đổi số quý III năm 2026", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _add(docx, "Trong quý III năm 2026, tỷ lệ hồ sơ trực tuyến toàn trình đạt 97,4%, đạt 103% kế hoạch đề ra.",
         14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _add(docx, "Hạ tầng số tiếp tục được đầu tư, 100% cơ quan nhà nước kết nối mạng truyền số liệu chuyên dùng.",
         14, font="Arial", align=WD_ALIGN_PARAGRAPH.JUSTIFY)  # planted: Arial
    _add(docx, "Các sở, ngành đã cập nhật đầy đủ dữ liệu báo cáo định kỳ trên hệ thống thông tin báo cáo của tỉnh.",
         12, align=WD_ALIGN_PARAGRAPH.LEFT)  # planted: size 12, left-aligned
    sign = docx.add_table(rows=1, cols=2)
    _add(sign.cell(0, 0), "Nơi nhận:", 14, bold=True)  # planted: size 14, not italic
    _add(sign.cell(0, 0), "- UBND tỉnh;", 11)
    _add(sign.cell(0, 0), "- Sở Nội vụ.", 11)  # planted: no "- Lưu: VT"
    _add(sign.cell(0, 1), "KT GIÁM ĐỐC", 14, bold=True)  # planted: "KT" without the dot
    _add(sign.cell(0, 1), "PHÓ GIÁM ĐỐC", 14, bold=True)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def test_checker_finds_every_planted_departure_and_where():
    found = {(f.code, f.where) for f in check(hand_made())}
    codes = {code for code, _ in found}
    expected = {
        ("margin_left", "trang / page"),
        ("page_number_position", "chân trang / footer"),
        ("size_national_name", "bảng 1, hàng 1, cột 2, đoạn 2"),
        ("bold_national_name", "bảng 1, hàng 1, cột 2, đoạn 2"),
        ("motto_form", "bảng 1, hàng 1, cột 2, đoạn 3"),
        ("number_form", "bảng 1, hàng 2, cột 1, đoạn 2"),
        ("place_date_form", "bảng 1, hàng 2, cột 2, đoạn 2"),
        ("italic_place_date", "bảng 1, hàng 2, cột 2, đoạn 2"),
        ("font", "đoạn 4"),
        ("size_body", "đoạn 5"),
        ("body_align", "đoạn 5"),
        ("size_recipients_label", "bảng 2, hàng 1, cột 1, đoạn 2"),
        ("italic_recipients_label", "bảng 2, hàng 1, cột 1, đoạn 2"),
        ("recipients_archive", "bảng 2, hàng 1, cột 1, đoạn 4"),
        ("signer_authority_form", "bảng 2, hàng 1, cột 2, đoạn 2"),
    }
    assert expected <= found, expected - found
    # what was right is not reported
    assert not codes & {"margin_top", "margin_right", "page_size", "national_name_missing", "number_missing",
                        "recipients_missing", "size_motto"}
    place = [f for f in check(hand_made()) if f.code == "place_date_form"]
    assert [f.vi for f in place] == ["ngày nhỏ hơn 10 phải có số 0 phía trước (“5” → “05”)",
                                     "tháng viết “1”, đúng là “01” (chỉ tháng 1, 2 thêm số 0)"]
    assert place[0].text == "Thái Nguyên, ngày 5 tháng 1 năm 2026"


def test_tinhso_output_passes_the_checker():
    assert check(render_docx.render(sample_document())) == []
    assert check(render_docx.render(sample_document(number=None))) == []


def test_a_document_without_its_blocks_is_told_what_is_missing():
    docx = new_docx()
    docx.add_paragraph("Một đoạn văn")
    buffer = io.BytesIO()
    docx.save(buffer)
    codes = {f.code for f in check(buffer.getvalue())}
    assert {"national_name_missing", "motto_missing", "number_missing", "place_date_missing",
            "recipients_missing", "signer_missing", "page_number_missing", "page_size", "font"} <= codes


def test_a_file_that_is_not_docx_is_refused_with_the_field():
    with pytest.raises(ValidationFailed) as caught:
        check(b"%PDF-1.4 not a docx", "upload")
    assert caught.value.errors[0].field == "upload"
