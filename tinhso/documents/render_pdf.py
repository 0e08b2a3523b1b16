"""A DOCX drawn as a PDF with fpdf2, without an office suite: page size and margins from the section,
paragraphs with their effective font size, weight, slant, alignment, indents and spacing, borderless layout
tables as side-by-side columns, bordered tables as grids (header rows repeated), the top rules, page breaks,
and the PAGE number centred in the top margin from page 2. Times New Roman is drawn with Liberation Serif
(same glyph widths), bundled under its licence.

It reads what tinhso writes and what the office's DOCX templates usually hold; drawings, text boxes, images
and footnotes are not drawn."""

from __future__ import annotations

import io

from docx import Document as open_docx
from fpdf import FPDF
from fpdf.enums import Align

from tinhso.documents import fonts
from tinhso.documents.docxread import Para, Reader, Tab, paragraph_has_page_field

PT_MM = 25.4 / 72
LINE = 1.15  # Word's single line of Times New Roman is about 1.15 × the font size
ALIGNS = {"L": Align.L, "C": Align.C, "R": Align.R, "J": Align.J}


class _PDF(FPDF):
    number_size: float = 0.0
    header_mm: float = 10.0

    def set_font(self, family=None, style="", size=0) -> None:
        # the styles are registered when first used (see fonts.add_style)
        if family == fonts.FAMILY:
            letters = style if isinstance(style, str) else style.style  # a str or fpdf's TextEmphasis
            fonts.add_style(self, "".join(sorted(letters.upper().replace("U", "").replace("S", ""))))
        super().set_font(family, style, size)

    def header(self) -> None:
        if self.number_size and self.page_no() > 1:
            self.set_font(fonts.FAMILY, "", self.number_size)
            self.set_xy(self.l_margin, self.header_mm)
            self.cell(self.w - self.l_margin - self.r_margin, self.number_size * PT_MM * LINE, str(self.page_no()),
                      align=Align.C)
        self.set_xy(self.l_margin, self.t_margin)


def _style(run) -> str:
    return ("B" if run.bold else "") + ("I" if run.italic else "")


def _paragraph(pdf: FPDF, para: Para, left: float, right: float) -> None:
    """Draw one paragraph between x = left and x = right (page coordinates, mm)."""
    if para.page_break:
        pdf.add_page()
        if not para.text.strip():
            return
    pdf.y += para.space_before_pt * PT_MM
    x0, x1 = left + para.left_mm, right - para.right_mm
    if para.top_rule:
        pdf.set_line_width(0.3)
        pdf.line(x0, pdf.y + 1.8, x1, pdf.y + 1.8)  # fpdf2 sets a line's descenders just above its box's end
        pdf.y += max(para.size, 2) * PT_MM * 0.6 + 2.2
        pdf.y += para.space_after_pt * PT_MM
        return
    text = para.text
    size = para.size
    if not text.strip():
        pdf.y += size * PT_MM * LINE * para.line_spacing + para.space_after_pt * PT_MM
        return
    if _plain_paragraph(pdf, para, x0, x1):
        return
    columns = pdf.text_columns(l_margin=x0, r_margin=pdf.w - x1, text_align=ALIGNS[para.align],
                               line_height=LINE * para.line_spacing)
    with columns:
        with columns.paragraph(first_line_indent=para.first_line_mm,
                               bottom_margin=para.space_after_pt * PT_MM) as paragraph:
            for run in para.runs:
                if not run.text:
                    continue
                pdf.set_font(fonts.FAMILY, _style(run), run.size)
                paragraph.write(run.text)
    pdf.x = pdf.l_margin


def _plain_paragraph(pdf: FPDF, para: Para, x0: float, x1: float) -> bool:
    """Draw a paragraph of one font, size and style line by line (fpdf2's text regions re-measure every
    character; a report's body took seconds): greedy wrapping with the first-line indent, justified lines
    spread word by word. Returns False for paragraphs it leaves to text regions (mixed styles, tabs, breaks)."""
    runs = [r for r in para.runs if r.text]
    looks = {(_style(r), r.size) for r in runs if r.text.strip()}
    text = "".join(r.text for r in runs)
    if len(looks) != 1 or "\n" in text or "\t" in text:
        return False
    style, size = looks.pop()
    measure = getattr(pdf, "widths", None) or _Widths(pdf)
    pdf.widths = measure
    line_h = size * PT_MM * LINE * para.line_spacing
    space = measure(" ", style, size)
    words = text.strip(" ").split(" ")  # single spaces: "Số:      /BC-…" keeps the room left for the number
    lines: list[list[str]] = [[]]
    used = 0.0
    for word in words:
        room = (x1 - x0) - (para.first_line_mm if len(lines) == 1 else 0)
        w = measure(word, style, size)
        if lines[-1] and used + space + w > room:
            lines.append([word])
            used = w
        else:
            used += (space if lines[-1] else 0) + w
            lines[-1].append(word)
    pdf.set_font(fonts.FAMILY, style, size)
    for i, line in enumerate(lines):
        if pdf.y + line_h > pdf.h - pdf.b_margin:
            pdf.add_page()
        left = x0 + (para.first_line_mm if i == 0 else 0)
        room = x1 - left
        joined = " ".join(line)
        width = measure(joined, style, size)
        baseline = pdf.y + line_h * 0.78
        if para.align == "J" and i < len(lines) - 1 and len(line) > 1:
            gap = space + (room - width) / (len(line) - 1)
            x = left
            for word in line:
                pdf.text(x, baseline, word)
                x += measure(word, style, size) + gap
        else:
            x = {"C": left + (room - width) / 2, "R": x1 - width}.get(para.align, left)
            pdf.text(x, baseline, joined)
        pdf.y += line_h
    pdf.y += para.space_after_pt * PT_MM
    pdf.x = pdf.l_margin
    return True


def _cells_height(pdf: FPDF, tab: Tab) -> float:
    """A rough height of a borderless row group, to keep a signer block on one page."""
    return sum(max(sum(p.size * PT_MM * LINE + (p.space_before_pt + p.space_after_pt) * PT_MM
                       for p in cell.paragraphs) for cell in row) for row in tab.rows)


def _layout_table(pdf: FPDF, tab: Tab) -> None:
    """A borderless table: each cell's paragraphs drawn in its column, rows one under another."""
    if pdf.y + _cells_height(pdf, tab) > pdf.h - pdf.b_margin:
        pdf.add_page()
    total = sum(c.width_mm for c in tab.rows[0]) or (pdf.w - pdf.l_margin - pdf.r_margin)
    scale = min(1.0, (pdf.w - pdf.l_margin - pdf.r_margin) / total)
    for row in tab.rows:
        top, page = pdf.y, pdf.page
        bottom, last_page = top, page
        x = pdf.l_margin
        for cell in row:
            width = cell.width_mm * scale
            pdf.page, pdf.y = page, top
            for para in cell.paragraphs:
                _paragraph(pdf, para, x, x + width)
            if (pdf.page, pdf.y) > (last_page, bottom):
                last_page, bottom = pdf.page, pdf.y
            x += width
        pdf.page, pdf.y = last_page, bottom


class _Widths:
    """String widths by (style, size, text), measured once (fpdf2's own table layout measured every character
    of every cell again, seconds for a yearly report's appendices)."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.cache: dict[tuple[str, float, str], float] = {}

    def __call__(self, text: str, style: str, size: float) -> float:
        key = (style, size, text)
        width = self.cache.get(key)
        if width is None:
            # the font's own advance widths, as get_string_width sums them without its per-call parsing of
            # the text into fragments (no text shaping, stretching or letter spacing is used here)
            self.pdf.set_font(fonts.FAMILY, style, size)
            width = self.cache[key] = self.pdf.current_font.get_text_width(text, size, None)[1] / self.pdf.k
        return width

    def wrap(self, text: str, style: str, size: float, width: float) -> list[str]:
        lines: list[str] = []
        space = self(" ", style, size)
        for part in text.split("\n"):
            line, used = "", 0.0
            for word in part.split(" "):
                w = self(word, style, size)
                if line and used + space + w > width:
                    lines.append(line)
                    line, used = word, w
                else:
                    line, used = (f"{line} {word}" if line else word), (used + space + w if line else w)
            lines.append(line)
        return lines


def _grid_table(pdf: FPDF, tab: Tab) -> None:
    """A bordered table drawn cell by cell: borders, wrapped text aligned as in the DOCX, rows kept whole, the
    header rows repeated on each new page."""
    measure = _Widths(pdf)
    avail = pdf.w - pdf.l_margin - pdf.r_margin
    widths = [c.width_mm for c in tab.rows[0]]
    scale = min(1.0, avail / (sum(widths) or avail))
    widths = [w * scale for w in widths]
    x0 = pdf.l_margin + (avail - sum(widths)) / 2
    pad_x, pad_y = 1.0, 0.6

    def layout(row):
        cells = []
        for cell, width in zip(row, widths, strict=False):
            first = next((p for p in cell.paragraphs if p.text.strip()), None)
            run = first.visible_runs[0] if first and first.visible_runs else None
            style = _style(run) if run else ""
            size = first.size if first else 12
            text = "\n".join(p.text for p in cell.paragraphs).strip("\n")
            lines = measure.wrap(text, style, size, width - 2 * pad_x) if text else []
            cells.append((lines, style, size, first.align if first else "L"))
        height = max((len(lines) * size * PT_MM * LINE for lines, _, size, _ in cells), default=0) + 2 * pad_y
        return cells, max(height, 12 * PT_MM * LINE + 2 * pad_y)

    def draw(cells, height: float) -> None:
        x, y = x0, pdf.y
        pdf.set_line_width(0.2)
        for (lines, style, size, align), width in zip(cells, widths, strict=False):
            pdf.rect(x, y, width, height)
            line_h = size * PT_MM * LINE
            top = y + (height - len(lines) * line_h) / 2  # vertically centred, as the table's cells are
            pdf.set_font(fonts.FAMILY, style, size)
            for i, line in enumerate(lines):
                w = measure(line, style, size)
                tx = {"R": x + width - pad_x - w, "C": x + (width - w) / 2}.get(align, x + pad_x)
                pdf.text(tx, top + i * line_h + line_h * 0.78, line)
            x += width
        pdf.y = y + height

    headers = [layout(row) for row in tab.rows[:tab.header_rows]]
    for cells, height in headers:
        if pdf.y + height * 2 > pdf.h - pdf.b_margin:
            pdf.add_page()
        draw(cells, height)
    for row in tab.rows[tab.header_rows:]:
        cells, height = layout(row)
        if pdf.y + height > pdf.h - pdf.b_margin:
            pdf.add_page()
            for header_cells, header_height in headers:
                draw(header_cells, header_height)
        draw(cells, height)
    pdf.x = pdf.l_margin
    pdf.y += 2


def render(docx_bytes: bytes) -> bytes:
    docx = open_docx(io.BytesIO(docx_bytes))
    reader = Reader(docx)
    page = reader.page()
    pdf = _PDF(unit="mm", format=(page.width_mm, page.height_mm))
    pdf.set_margins(page.margins_mm["left"], page.margins_mm["top"], page.margins_mm["right"])
    pdf.set_auto_page_break(True, margin=page.margins_mm["bottom"])
    section = docx.sections[0]
    header_paragraphs = section.header.paragraphs if section.header is not None else []
    if any(paragraph_has_page_field(p) for p in header_paragraphs):
        numbers = page.headers.get("default", [])
        pdf.number_size = max((p.size for p in numbers), default=13)
        pdf.header_mm = page.header_mm
    pdf.set_title(docx.core_properties.title or "")
    pdf.set_author(docx.core_properties.author or "tinhso")
    pdf.set_creator("tinhso")
    pdf.add_page()
    for item in reader.body():
        if isinstance(item, Tab):
            if not item.rows:
                continue
            if item.bordered:
                _grid_table(pdf, item)
            else:
                _layout_table(pdf, item)
        else:
            _paragraph(pdf, item, pdf.l_margin, pdf.w - pdf.r_margin)
    pdf.set_xy(pdf.l_margin, pdf.y)
    return bytes(pdf.output())
