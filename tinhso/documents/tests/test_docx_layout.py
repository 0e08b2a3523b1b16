"""Read the generated DOCX back with python-docx (not with tinhso's own reader) and check the layout."""

import io

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Mm

from tinhso.documents import render_docx
from tinhso.documents.tests.conftest import sample_document


def _docx():
    return open_docx(io.BytesIO(render_docx.render(sample_document())))


def _runs(paragraphs):
    return [r for p in paragraphs for r in p.runs if r.text.strip()]


def _find(docx, text):
    for table in docx.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text == text:
                        return p
    return next(p for p in docx.paragraphs if p.text == text)


def test_page_is_a4_with_the_decree_margins():
    section = _docx().sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    margins = [round(m / Mm(1)) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                           section.right_margin)]
    assert margins == [20, 20, 30, 15]


def test_every_run_is_times_new_roman():
    docx = _docx()
    paragraphs = list(docx.paragraphs) + [p for t in docx.tables for row in t.rows for c in row.cells
                                          for p in c.paragraphs]
    runs = _runs(paragraphs)
    assert len(runs) > 100
    assert {r.font.name for r in runs} == {"Times New Roman"}
    assert {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs} == {"Times New Roman"}


def test_blocks_have_their_sizes_and_styles():
    docx = _docx()
    expected = {  # text: (size, bold, italic)
        "UBND TỈNH THÁI NGUYÊN": (13, False, False),
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ": (13, True, False),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": (13, True, False),
        "Độc lập - Tự do - Hạnh phúc": (14, True, False),
        "Số: 125/BC-SKHCN": (13, False, False),
        "Thái Nguyên, ngày 05 tháng 01 năm 2026": (14, False, True),
        "BÁO CÁO": (14, True, False),
        "Kết quả thực hiện chuyển đổi số quý III năm 2026": (14, True, False),
        "Nơi nhận:": (12, True, True),
        "- UBND tỉnh (b/c);": (11, False, False),
        "- Lưu: VT, CĐS.": (11, False, False),
        "KT. GIÁM ĐỐC": (14, True, False),
        "PHÓ GIÁM ĐỐC": (14, True, False),
        "Nguyễn Văn An": (14, True, False),
    }
    for text, (size, bold, italic) in expected.items():
        run = _find(docx, text).runs[0]
        assert (run.font.size.pt, bool(run.font.bold), bool(run.font.italic)) == (size, bold, italic), text


def test_first_page_block_is_agency_left_national_name_right():
    table = _docx().tables[0]
    left = [p.text for p in table.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in table.cell(0, 1).paragraphs if p.text]
    assert left == ["UBND TỈNH THÁI NGUYÊN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert table.cell(1, 0).paragraphs[0].text.startswith("Số: ")


def test_body_is_justified_with_a_first_line_indent():
    docx = _docx()
    body = next(p for p in docx.paragraphs if p.text.startswith("Tỷ lệ hồ sơ"))
    assert body.paragraph_format.alignment == 3  # justify
    assert round(body.paragraph_format.first_line_indent / Mm(1), 1) == 12.7
    assert body.runs[0].font.size.pt == 14


def test_page_numbers_from_page_two_centred_in_the_header():
    section = _docx().sections[0]
    assert section.different_first_page_header_footer  # page 1 has its own (empty) header
    assert not any(p.text.strip() for p in section.first_page_header.paragraphs)
    number = section.header.paragraphs[0]
    assert number.alignment == 1  # centre
    instructions = [i.text.strip() for i in number._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert number.runs[0].font.size.pt == 14


def test_appendix_starts_a_new_page_with_its_number_and_owner():
    docx = _docx()
    texts = [p.text for p in docx.paragraphs]
    at = texts.index("Phụ lục I")
    breaks = docx.paragraphs[at - 1]._p.findall(".//" + qn("w:br"))
    assert breaks and breaks[0].get(qn("w:type")) == "page"
    assert texts[at + 1] == "DANH MỤC NHIỆM VỤ QUÁ HẠN"
    assert texts[at + 2] == ("(Kèm theo Báo cáo số 125/BC-SKHCN ngày 05/01/2026 của Sở Khoa học và Công nghệ "
                             "Thái Nguyên)")


def test_draft_leaves_the_number_blank():
    docx = open_docx(io.BytesIO(render_docx.render(sample_document(number=None))))
    assert docx.tables[0].cell(1, 0).paragraphs[0].text == "Số:      /BC-SKHCN"
