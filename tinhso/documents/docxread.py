"""Reading a DOCX back as a person sees it: each paragraph's effective font, size, weight, slant, alignment and
indents (direct formatting, then the paragraph's and the run's styles up their chains, then the document's
defaults), in reading order, with tables' cells in place. The PDF renderer and the format checker both read
DOCX files through here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.paragraph import Paragraph as DocxParagraph

WORD_DEFAULT_SIZE = 10.0  # what Word uses when neither the styles nor the defaults give a size
ALIGN_CODES = {WD_ALIGN_PARAGRAPH.LEFT: "L", WD_ALIGN_PARAGRAPH.CENTER: "C", WD_ALIGN_PARAGRAPH.RIGHT: "R",
               WD_ALIGN_PARAGRAPH.JUSTIFY: "J", WD_ALIGN_PARAGRAPH.DISTRIBUTE: "J"}


@dataclass
class Run:
    text: str
    font: str | None
    size: float
    bold: bool
    italic: bool
    page_break: bool = False


@dataclass
class Para:
    runs: list[Run]
    align: str  # L C R J
    left_mm: float = 0.0
    right_mm: float = 0.0
    first_line_mm: float = 0.0
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    line_spacing: float = 1.0  # a multiple of single spacing
    top_rule: bool = False
    where: str = ""  # "đoạn 12", "bảng 1, hàng 2, cột 1, đoạn 1"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def visible_runs(self) -> list[Run]:
        return [r for r in self.runs if r.text.strip()]

    @property
    def size(self) -> float:
        runs = self.visible_runs or self.runs
        return max((r.size for r in runs), default=WORD_DEFAULT_SIZE)

    @property
    def page_break(self) -> bool:
        return any(r.page_break for r in self.runs)


@dataclass
class Cell:
    width_mm: float
    paragraphs: list[Para]


@dataclass
class Tab:
    rows: list[list[Cell]]
    bordered: bool
    index: int
    header_rows: int = 0


@dataclass
class Page:
    width_mm: float
    height_mm: float
    margins_mm: dict[str, float]
    header_mm: float
    different_first_page: bool
    headers: dict[str, list[Para]] = field(default_factory=dict)  # "default", "first"


def _mm(value: Length | int | None) -> float:
    return 0.0 if value is None else value / 36000


def _style_chain(style) -> Iterator:
    while style is not None:
        yield style
        style = style.base_style


def _defaults(docx) -> tuple[str | None, float | None]:
    """Font and size from w:docDefaults."""
    styles = docx.styles.element
    r_pr = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if r_pr is None:
        return None, None
    fonts = r_pr.find(qn("w:rFonts"))
    name = fonts.get(qn("w:ascii")) if fonts is not None else None
    size = r_pr.find(qn("w:sz"))
    return name, (int(size.get(qn("w:val"))) / 2 if size is not None else None)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALSE = {"0", "false", "off"}
_JC = {"left": "L", "start": "L", "center": "C", "right": "R", "end": "R", "both": "J", "distribute": "J"}
_RUN_PARENTS = {W + "hyperlink", W + "fldSimple", W + "ins", W + "smartTag", W + "customXml", W + "sdtContent"}


def _twips_mm(value: str | None) -> float | None:
    return None if value is None else int(float(value)) / 56.6929


def _on(element) -> bool | None:
    """A w:b / w:i toggle: present without a value or with a true one is on."""
    if element is None:
        return None
    return (element.get(W + "val") or "true").lower() not in _FALSE


def _run_props(r_pr) -> dict:
    props: dict = {}
    if r_pr is None:
        return props
    fonts = r_pr.find(W + "rFonts")
    if fonts is not None:
        if fonts.get(W + "ascii"):
            props["font"] = fonts.get(W + "ascii")
        elif fonts.get(W + "asciiTheme"):
            props["font"] = ""  # a theme font: not a named font
    size = r_pr.find(W + "sz")
    if size is not None and size.get(W + "val"):
        props["size"] = int(size.get(W + "val")) / 2
    for key, tag in (("bold", "b"), ("italic", "i")):
        value = _on(r_pr.find(W + tag))
        if value is not None:
            props[key] = value
    return props


def _para_props(p_pr) -> dict:
    props: dict = {}
    if p_pr is None:
        return props
    jc = p_pr.find(W + "jc")
    if jc is not None:
        props["align"] = _JC.get(jc.get(W + "val"), "L")
    ind = p_pr.find(W + "ind")
    if ind is not None:
        for key, names in (("left", ("left", "start")), ("right", ("right", "end"))):
            for name in names:
                if ind.get(W + name) is not None:
                    props[key] = _twips_mm(ind.get(W + name))
                    break
        if ind.get(W + "firstLine") is not None:
            props["first"] = _twips_mm(ind.get(W + "firstLine"))
        elif ind.get(W + "hanging") is not None:
            props["first"] = -_twips_mm(ind.get(W + "hanging"))
    spacing = p_pr.find(W + "spacing")
    if spacing is not None:
        if spacing.get(W + "before") is not None:
            props["before"] = int(spacing.get(W + "before")) / 20
        if spacing.get(W + "after") is not None:
            props["after"] = int(spacing.get(W + "after")) / 20
        if spacing.get(W + "line") is not None and (spacing.get(W + "lineRule") or "auto") == "auto":
            props["line"] = int(spacing.get(W + "line")) / 240
    return props


class Reader:
    """Reads paragraphs and runs from the XML directly (python-docx's property objects cost milliseconds per
    paragraph, seconds for a report with long appendices), resolving each style's chain once."""

    def __init__(self, docx):
        self.docx = docx
        self.default_font, self.default_size = _defaults(docx)
        styles = docx.styles.element
        self._styles = {el.get(W + "styleId"): el for el in styles.findall(W + "style")}
        self._default_p = next((el.get(W + "styleId") for el in styles.findall(W + "style")
                                if el.get(W + "type") == "paragraph" and el.get(W + "default") in ("1", "true", "on")),
                               None)
        self._resolved: dict[str | None, tuple[dict, dict]] = {}

    def _style(self, style_id: str | None) -> tuple[dict, dict]:
        """(paragraph props, run props) of a style with everything it inherits."""
        if style_id in self._resolved:
            return self._resolved[style_id]
        chain, seen, current = [], set(), style_id
        while current and current in self._styles and current not in seen:
            seen.add(current)
            element = self._styles[current]
            chain.append(element)
            based = element.find(W + "basedOn")
            current = based.get(W + "val") if based is not None else None
        para: dict = {}
        run: dict = {}
        for element in reversed(chain):
            para.update(_para_props(element.find(W + "pPr")))
            run.update(_run_props(element.find(W + "rPr")))
        self._resolved[style_id] = (para, run)
        return para, run

    def paragraph(self, paragraph, where: str) -> Para:
        """A paragraph (python-docx Paragraph or a w:p element) with its effective formatting."""
        element = getattr(paragraph, "_p", paragraph)
        p_pr = element.find(W + "pPr")
        style = p_pr.find(W + "pStyle") if p_pr is not None else None
        style_id = style.get(W + "val") if style is not None else self._default_p
        style_para, style_run = self._style(style_id)
        props = {**style_para, **_para_props(p_pr)}
        runs = []
        for child in element.iterchildren():
            if child.tag == W + "r":
                runs.append(self._run(child, style_run))
            elif child.tag in _RUN_PARENTS:
                runs += [self._run(r, style_run) for r in child.iter(W + "r")]
        top_rule = p_pr is not None and p_pr.find(W + "pBdr/" + W + "top") is not None
        return Para(runs=runs, align=props.get("align", "L"), left_mm=props.get("left") or 0.0,
                    right_mm=props.get("right") or 0.0, first_line_mm=props.get("first") or 0.0,
                    space_before_pt=props.get("before", 0.0), space_after_pt=props.get("after", 0.0),
                    line_spacing=props.get("line", 1.0), top_rule=top_rule, where=where)

    def _run(self, r, style_run: dict) -> Run:
        r_pr = r.find(W + "rPr")
        props = dict(style_run)
        if r_pr is not None:
            r_style = r_pr.find(W + "rStyle")
            if r_style is not None:
                props.update(self._style(r_style.get(W + "val"))[1])
            props.update(_run_props(r_pr))
        text, page_break = [], False
        for child in r.iterchildren():
            if child.tag == W + "t":
                text.append(child.text or "")
            elif child.tag == W + "tab":
                text.append("\t")
            elif child.tag == W + "br":
                if child.get(W + "type") == "page":
                    page_break = True
                else:
                    text.append("\n")
        font = props.get("font")
        return Run(text="".join(text), font=(font or None) if font is not None else self.default_font,
                   size=props.get("size") or self.default_size or WORD_DEFAULT_SIZE,
                   bold=bool(props.get("bold")), italic=bool(props.get("italic")), page_break=page_break)

    def table(self, table, index: int) -> Tab:
        element = getattr(table, "_tbl", table)
        tbl_pr = element.find(W + "tblPr")
        style_id = ""
        if tbl_pr is not None and (style := tbl_pr.find(W + "tblStyle")) is not None:
            style_id = style.get(W + "val") or ""
        borders = tbl_pr.find(W + "tblBorders") if tbl_pr is not None else None
        if borders is not None:
            bordered = any(edge.get(W + "val") not in ("nil", "none") for edge in borders)
        else:
            bordered = style_id.lower().replace(" ", "") == "tablegrid"
        grid_el = element.find(W + "tblGrid")
        grid = [_twips_mm(col.get(W + "w")) or 30.0 for col in grid_el.findall(W + "gridCol")] if grid_el is not None \
            else []
        rows, header_rows = [], 0
        for r_i, tr in enumerate(element.findall(W + "tr"), start=1):
            tr_pr = tr.find(W + "trPr")
            if tr_pr is not None and tr_pr.find(W + "tblHeader") is not None:
                header_rows += 1
            cells = []
            for c_i, tc in enumerate(tr.findall(W + "tc"), start=1):
                width_el = tc.find(W + "tcPr/" + W + "tcW")
                width = None
                if width_el is not None and (width_el.get(W + "type") or "dxa") == "dxa" and width_el.get(W + "w"):
                    width = _twips_mm(width_el.get(W + "w"))
                if not width:
                    width = grid[c_i - 1] if c_i - 1 < len(grid) else 30.0
                paras = [self.paragraph(p, f"bảng {index}, hàng {r_i}, cột {c_i}, đoạn {p_i}")
                         for p_i, p in enumerate(tc.findall(W + "p"), start=1)]
                cells.append(Cell(width_mm=width, paragraphs=paras))
            rows.append(cells)
        return Tab(rows=rows, bordered=bordered, index=index, header_rows=header_rows)

    def body(self) -> list[Para | Tab]:
        """The body in reading order: paragraphs and tables."""
        items: list[Para | Tab] = []
        p_count = t_count = 0
        for child in self.docx.element.body.iterchildren():
            if child.tag == W + "p":
                p_count += 1
                items.append(self.paragraph(child, f"đoạn {p_count}"))
            elif child.tag == W + "tbl":
                t_count += 1
                items.append(self.table(child, t_count))
        return items

    def page(self) -> Page:
        section = self.docx.sections[0]
        headers = {}
        if section.header is not None and not section.header.is_linked_to_previous:
            headers["default"] = [self.paragraph(p, f"đầu trang, đoạn {i}")
                                  for i, p in enumerate(section.header.paragraphs, start=1)]
        if section.different_first_page_header_footer:
            headers["first"] = [self.paragraph(p, f"đầu trang 1, đoạn {i}")
                                for i, p in enumerate(section.first_page_header.paragraphs, start=1)]
        return Page(
            width_mm=_mm(section.page_width), height_mm=_mm(section.page_height),
            margins_mm={"top": _mm(section.top_margin), "bottom": _mm(section.bottom_margin),
                        "left": _mm(section.left_margin), "right": _mm(section.right_margin)},
            header_mm=_mm(section.header_distance) or 12.7,
            different_first_page=bool(section.different_first_page_header_footer),
            headers=headers,
        )


def paragraph_has_page_field(paragraph: DocxParagraph) -> bool:
    element = paragraph._p
    for instr in element.iter(qn("w:instrText")):
        if (instr.text or "").strip().upper().startswith("PAGE"):
            return True
    for simple in element.iter(qn("w:fldSimple")):
        if (simple.get(qn("w:instr")) or "").strip().upper().startswith("PAGE"):
            return True
    return False
