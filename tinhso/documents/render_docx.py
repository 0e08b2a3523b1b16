"""A `Document` laid out as Decree 30/2020/NĐ-CP Appendix I requires, as a DOCX file (python-docx).

First page: a borderless two-column table (agency block | national name and motto; number-symbol |
place-date line), the type name and summary centred, then the body; the signer block is a borderless
two-column table (recipients | authority, title, name). Page numbers are a PAGE field centred in the header
of every page but the first. Appendices start on a new page."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell

from tinhso.documents import fonts
from tinhso.documents.document import Appendix, Document, Heading, Paragraph, Table
from tinhso.documents.layout import number_symbol, place_date, rules

ALIGN = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER, "R": WD_ALIGN_PARAGRAPH.RIGHT,
         "J": WD_ALIGN_PARAGRAPH.JUSTIFY}
HEAD_LEFT_MM = 67.0  # agency column of the first-page block; the rest of the text width holds the national name
SIGN_LEFT_MM = 80.0  # recipients column of the signer block


def _size(key: str) -> float:
    return rules().block(key).size.use


def _set_font(run, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = rules().font
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts_el = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts_el.set(qn(attr), rules().font)


def _paragraph(container, text: str = "", size: float | None = None, bold: bool = False, italic: bool = False,
               align: str = "J", indent: bool = False, space_after: float = 0, space_before: float = 0,
               keep_with_next: bool = False):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(space_before)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if indent:
        fmt.first_line_indent = Cm(rules().body_indent_cm.use)
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        _set_font(paragraph.add_run(text), size or _size("body"), bold, italic)
    return paragraph


def _rule(container, width_mm: float, line_mm: float) -> None:
    """A short horizontal rule centred in a column `width_mm` wide: an empty 2-pt paragraph whose top border
    spans `line_mm` (the indents take the rest)."""
    paragraph = _paragraph(container, align="C")
    side = max(0.0, (width_mm - line_mm) / 2)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    mark = paragraph.add_run("")
    _set_font(mark, 2)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.append(borders)
    paragraph.paragraph_format.line_spacing = Pt(2)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _grid_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            element.set(qn(key), value)
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _fixed(table, widths_mm: list[float]) -> None:
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for row in _cells(table):
        for cell, width in zip(row, widths_mm, strict=True):
            cell.width = Mm(width)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)


def _cells(table) -> list[list[_Cell]]:
    """The cells row by row, read once (python-docx's table.cell() walks the whole table on each call)."""
    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def _clear(cell):
    """A new cell holds one empty paragraph; drop it so the cell holds only what is added."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


def _text_width_mm(text: str, size: float, bold: bool = False) -> float:
    return fonts.text_width_mm(text, size, bold)


def _page_number_field(paragraph, size: float) -> None:
    run = paragraph.add_run()
    _set_font(run, size)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    value = OxmlElement("w:t")
    value.text = "2"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, value, end):
        run._r.append(element)


def _setup(docx, title: str) -> float:
    r = rules()
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(r.page_mm[0]), Mm(r.page_mm[1])
    section.top_margin = Mm(r.margins["top"].use)
    section.bottom_margin = Mm(r.margins["bottom"].use)
    section.left_margin = Mm(r.margins["left"].use)
    section.right_margin = Mm(r.margins["right"].use)
    section.header_distance = Mm(8)
    section.footer_distance = Mm(8)
    section.different_first_page_header_footer = True
    header = section.header
    number = header.paragraphs[0]
    number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_field(number, r.page_number.use)
    normal = docx.styles["Normal"]
    normal.font.name = r.font
    normal.font.size = Pt(_size("body"))
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), r.font)
    docx.core_properties.title = title
    docx.core_properties.author = "tinhso"
    return r.page_mm[0] - r.margins["left"].use - r.margins["right"].use


def _head(docx, doc: Document, text_width: float, shell: bool = False) -> None:
    r = rules()
    upper = (lambda text: text) if shell else str.upper
    right = text_width - HEAD_LEFT_MM
    table = docx.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _fixed(table, [HEAD_LEFT_MM, right])
    agency_cell = _clear(table.cell(0, 0))
    for line in filter(None, upper(doc.parent_agency).split("\n")):
        _paragraph(agency_cell, line, _size("parent_agency"), align="C")
    agency_lines = upper(doc.agency).split("\n")
    for line in agency_lines:
        _paragraph(agency_cell, line, _size("agency"), bold=True, align="C")
    agency_line = max(_text_width_mm(line, _size("agency"), True) for line in agency_lines)
    _rule(agency_cell, HEAD_LEFT_MM, min(HEAD_LEFT_MM * 0.9, agency_line) * 0.45)
    national_cell = _clear(table.cell(0, 1))
    national = r.block("national_name")
    motto = r.block("motto")
    _paragraph(national_cell, national.text, national.size.use, bold=True, align="C")
    _paragraph(national_cell, motto.text, motto.size.use, bold=True, align="C")
    _rule(national_cell, right, _text_width_mm(motto.text, motto.size.use, True))
    number_cell = _clear(table.cell(1, 0))
    number = "{{ number_symbol }}" if shell else number_symbol(doc.number, doc.type_code, doc.agency_abbr)
    _paragraph(number_cell, number, _size("number"), align="C", space_before=4)
    if not doc.type_code and doc.summary:  # a công văn: "V/v …" under the number
        _paragraph(number_cell, f"V/v {doc.summary}", 12, align="C")
    date_cell = _clear(table.cell(1, 1))
    date_text = "{{ place_date }}" if shell else place_date(doc.place, doc.date)
    _paragraph(date_cell, date_text, _size("place_date"), italic=True, align="C", space_before=4)
    if doc.type_name:
        _paragraph(docx, upper(doc.type_name), _size("type_name"), bold=True, align="C", space_before=18,
                   keep_with_next=True)
        _paragraph(docx, doc.summary, _size("summary"), bold=True, align="C", keep_with_next=True)
        _rule(docx, text_width, min(text_width, _text_width_mm(doc.summary, _size("summary"), True)) * 0.4)
    _paragraph(docx, "", space_after=6)


def _blocks(docx, blocks: list, text_width: float) -> None:
    body = _size("body")
    after = rules().body_space_after_pt
    for block in blocks:
        if isinstance(block, Heading):
            text = block.text.upper() if block.level == 1 else block.text
            _paragraph(docx, text, body, bold=True, italic=block.level >= 3, indent=True, space_after=after,
                       keep_with_next=True)
        elif isinstance(block, Paragraph):
            paragraph = _paragraph(docx, block.text, body, block.bold, block.italic, indent=block.indent,
                                   space_after=after, align=block.align)
            paragraph.paragraph_format.line_spacing = rules().body_line_spacing.use
        elif isinstance(block, Table):
            _table(docx, block, text_width)


def _run_xml(text: str, size: float, bold: bool = False, italic: bool = False) -> str:
    font = rules().font
    flags = ("<w:b/>" if bold else '<w:b w:val="0"/>') + ("<w:i/>" if italic else '<w:i w:val="0"/>')
    return (f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:eastAsia="{font}"/>{flags}'
            f'<w:sz w:val="{round(size * 2)}"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


_JC = {"L": "left", "C": "center", "R": "right", "J": "both"}


def _p_xml(text: str, size: float, bold: bool = False, align: str = "L") -> str:
    return (f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            f'<w:jc w:val="{_JC[align]}"/></w:pPr>{_run_xml(text, size, bold) if text else ""}</w:p>')


def _table(docx, block: Table, text_width: float) -> None:
    """A bordered data table, written as one piece of XML (python-docx's cell-by-cell calls took seconds for
    the appendices of a yearly report)."""
    size = rules().block("table").size.use
    if block.caption:
        _paragraph(docx, block.caption, size + 1, bold=True, align="C", space_before=6, space_after=4,
                   keep_with_next=True)
    weights = block.widths or [1.0] * len(block.columns)
    widths = [round(text_width * w / sum(weights) * 56.6929) for w in weights]  # twips (1/20 pt) per column
    align = block.align or ["L"] * len(block.columns)
    borders = "".join(f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" '
             f'w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
             f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>'
             + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"]

    def row(cells: list[str], header: bool) -> str:
        head = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
        return f"<w:tr>{head}" + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{widths[i]}" w:type="dxa"/></w:tcPr>'
            f'{_p_xml(str(value), size, header, "C" if header else align[i])}</w:tc>'
            for i, value in enumerate(cells)) + "</w:tr>"

    parts.append(row(block.columns, True))
    parts += [row(list(r) + [""] * (len(block.columns) - len(r)), False) for r in block.rows]
    if block.total and block.rows:  # the total row in bold
        parts[-1] = parts[-1].replace('<w:b w:val="0"/>', "<w:b/>")
    parts.append("</w:tbl>")
    placeholder = docx.add_paragraph()
    placeholder._p.addprevious(parse_xml("".join(parts)))
    placeholder._p.getparent().remove(placeholder._p)
    _paragraph(docx, "", space_after=6)


def _recipients(container, doc: Document) -> None:
    r = rules()
    if not doc.recipients:
        return
    _paragraph(container, r.block("recipients_label").text, _size("recipients_label"), bold=True, italic=True,
               align="L")
    for i, line in enumerate(doc.recipients):
        end = "." if i == len(doc.recipients) - 1 else ";"
        _paragraph(container, f"- {line.rstrip(';.')}{end}", _size("recipients"), align="L")


def _signer(container, doc: Document) -> None:
    for line in doc.signer.lines:
        _paragraph(container, line.upper(), _size("signer_authority"), bold=True, align="C")
    for _ in range(4):
        _paragraph(container, "", _size("signer_name"))
    _paragraph(container, doc.signer.name or "", _size("signer_name"), bold=True, align="C")


def _signature(docx, doc: Document, text_width: float, shell: bool = False) -> None:
    table = docx.add_table(rows=1, cols=2)
    _no_borders(table)
    _fixed(table, [SIGN_LEFT_MM, text_width - SIGN_LEFT_MM])
    left, right = _cells(table)[0]
    if shell:
        _paragraph(_clear(left), "{{p recipients }}", align="L")
        _paragraph(_clear(right), "{{p signer }}", align="C")
        return
    _recipients(_clear(left), doc)
    _signer(_clear(right), doc)


def _appendix(docx, doc: Document, appendix: Appendix, index: int, text_width: float) -> None:
    from tinhso.documents.kinds import roman

    docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _paragraph(docx, f"Phụ lục {roman(index)}", _size("appendix_title"), bold=True, align="C")
    _paragraph(docx, appendix.title.upper(), _size("appendix_title"), bold=True, align="C")
    number = f"số {doc.number}/{doc.symbol}" if doc.number else f"số      /{doc.symbol}"
    owner = doc.type_name.capitalize() if doc.type_name else "Văn bản"
    _paragraph(docx, f"(Kèm theo {owner} {number} ngày {doc.date:%d/%m/%Y} của {doc.agency_full})",
               _size("body"), italic=True, align="C", space_after=10)
    _blocks(docx, appendix.blocks, text_width)


def _build(doc: Document, shell: bool) -> bytes:
    docx = new_docx()
    text_width = _setup(docx, f"{doc.type_name} {doc.summary}".strip())
    body = docx.element.body
    for element in list(body):  # the default template's empty first paragraph
        if element.tag == qn("w:p"):
            body.remove(element)
    if doc.plain:
        _blocks(docx, doc.body, text_width)
    else:
        _head(docx, doc, text_width, shell)
        _blocks(docx, doc.body, text_width)
        _paragraph(docx, "", space_after=6)
        _signature(docx, doc, text_width, shell)
    if shell:
        _paragraph(docx, "{{p appendices }}")
    else:
        for index, appendix in enumerate(doc.appendices, start=1):
            _appendix(docx, doc, appendix, index, text_width)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def render(doc: Document) -> bytes:
    """The document as DOCX in the decree's layout."""
    return _build(doc, shell=False)


def render_shell(doc: Document) -> bytes:
    """The layout with docxtpl placeholders where a document's content goes (the starter template)."""
    return _build(doc, shell=True)
