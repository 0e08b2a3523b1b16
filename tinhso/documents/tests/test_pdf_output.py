"""The PDF is drawn from the DOCX: same text, Vietnamese intact, numbered from page 2, without an office suite."""

import pypdfium2 as pdfium

from tinhso.documents import render_docx, render_pdf
from tinhso.documents.document import Appendix, Table
from tinhso.documents.tests.conftest import sample_document


def _pdf(rows: int = 60):
    return pdfium.PdfDocument(render_pdf.render(render_docx.render(sample_document(rows=rows))))


def _text(page) -> str:
    return page.get_textpage().get_text_range()


def test_pdf_carries_the_blocks_in_vietnamese():
    pdf = _pdf()
    first = _text(pdf[0])
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 125/BC-SKHCN",
                 "Thái Nguyên, ngày 05 tháng 01 năm 2026", "BÁO CÁO", "ữ ỹ ỵ ặ ẫ ờ"):
        assert text in first, text
    everything = "".join(_text(page) for page in pdf)
    assert "Nơi nhận:" in everything and "Nguyễn Văn An" in everything and "Phụ lục I" in everything


def test_page_numbers_start_on_page_two_in_the_top_margin():
    pdf = _pdf()
    assert len(pdf) >= 3
    width, height = pdf[0].get_size()
    for index in range(len(pdf)):
        textpage = pdf[index].get_textpage()
        top = textpage.get_text_bounded(left=0, bottom=height - 16 / 25.4 * 72, right=width, top=height).strip()
        assert top == ("" if index == 0 else str(index + 1)), index
        if index:
            left, _, right, _ = textpage.get_rect(0) if textpage.count_rects() else (0, 0, 0, 0)
            assert abs((left + right) / 2 - (30 + (210 - 45) / 2) / 25.4 * 72) < 20  # centred over the text


def test_pdf_page_is_a4_and_embeds_the_bundled_serif():
    data = render_pdf.render(render_docx.render(sample_document(rows=5)))
    width, height = pdfium.PdfDocument(data)[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert b"LiberationSerif" in data


def _fonts_of(pdf, needle: str) -> set[str]:
    """The base font names of the text objects that hold `needle`, on every page."""
    import ctypes

    import pypdfium2.raw as raw

    found = set()
    for page in pdf:
        textpage = page.get_textpage()
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,)):
            size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = (ctypes.c_ushort * size)()
            raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
            if needle in bytes(buffer).decode("utf-16-le", "ignore"):
                font = raw.FPDFTextObj_GetFont(obj.raw)
                length = raw.FPDFFont_GetBaseFontName(font, None, 0)
                name = ctypes.create_string_buffer(length)
                raw.FPDFFont_GetBaseFontName(font, name, length)
                found.add(name.value.decode().split("+")[-1])
    return found


def test_the_total_row_of_an_appendix_table_is_bold_after_a_page_break():
    doc = sample_document(rows=5)
    rows = [[str(i), f"Nhiệm vụ số {i}", "1.000"] for i in range(1, 80)]  # the table runs over two pages
    doc.appendices = [Appendix("Danh mục nhiệm vụ", [Table(["STT", "Nhiệm vụ", "Kinh phí"], rows + [
        ["", "Tổng cộng", "79.000"]], widths=[1, 6, 2], align=list("CLR"), total=True)])]
    pdf = pdfium.PdfDocument(render_pdf.render(render_docx.render(doc)))
    assert _fonts_of(pdf, "Tổng cộng") == _fonts_of(pdf, "79.000") == {"LiberationSerifBold"}
    assert _fonts_of(pdf, "Nhiệm vụ số 79") == {"LiberationSerif"}
