"""End to end: the DX office drafts the quarterly report in the browser, previews it, downloads the PDF and
opens its first page as an image."""

import io

import pypdfium2 as pdfium
import pytest

from tinhso.conftest import login


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_generate_preview_download_quarterly_report(browser_page, root_admin, reorganised, tmp_path):
    page = browser_page
    login(page, "root")
    page.goto("/documents/")
    page.select_option("select[name=kind]", "report")
    page.select_option("select[name=unit_id]", str(reorganised.tn.pk))
    page.fill("input[name=period]", "2025-Q3")
    page.click("#preview")
    page.locator("#pages img").first.wait_for()
    assert "Sở Khoa học và Công nghệ Thái Nguyên" in page.inner_text("main")
    page.screenshot(path="/tmp/documents-e2e-preview.png", full_page=True)
    with page.expect_download() as info:
        page.click("#download-pdf")
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    pdf = pdfium.PdfDocument(path.read_bytes())
    first = pdf[0]
    text = first.get_textpage().get_text_range()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Thái Nguyên, ngày 30 tháng 9 năm 2025" in text
    assert "Kết quả thực hiện chuyển đổi số quý III năm 2025" in text
    image = first.render(scale=1.0).to_pil()
    assert abs(image.width - 595) <= 1 and abs(image.height - 842) <= 1  # A4 at 72 dpi
    assert image.convert("L").getextrema()[0] < 50  # there is ink on the page
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    (tmp_path / "page1.png").write_bytes(buffer.getvalue())
    image.save("/tmp/documents-e2e-page1.png")
