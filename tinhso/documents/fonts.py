"""The PDF's font: Liberation Serif 2.1 (SIL Open Font License 1.1, fonts/OFL.txt), bundled here. Its glyphs
have the widths of Times New Roman's, so a page of the PDF breaks its lines where Word breaks the DOCX's, and
it carries every Vietnamese letter with its tone marks."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "LiberationSerif"
STYLES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}
_lock = threading.Lock()


def font_file(style: str = "") -> Path:
    return FONT_DIR / f"LiberationSerif-{STYLES[style]}.ttf"


def add_to(pdf) -> str:
    """Register the four styles on an FPDF; returns the family name to pass to set_font."""
    for style in STYLES:
        add_style(pdf, style)
    return FAMILY


def add_style(pdf, style: str) -> None:
    """Register one style ("", "B", "I", "BI") on an FPDF unless it is already: parsing a TrueType file is a
    good part of a PDF's time, and a style no paragraph uses need not be parsed (nor embedded)."""
    if f"{FAMILY.lower()}{style}" not in pdf.fonts:
        pdf.add_font(FAMILY, style, str(font_file(style)))


@cache
def _measurer():
    from fpdf import FPDF

    pdf = FPDF(unit="mm")
    add_to(pdf)
    return pdf


def text_width_mm(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    style = ("B" if bold else "") + ("I" if italic else "")
    with _lock:
        pdf = _measurer()
        pdf.set_font(FAMILY, style, size)
        return pdf.get_string_width(text)
