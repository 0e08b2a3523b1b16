"""The office's DOCX templates (docxtpl): a DOCX with placeholders that tinhso fills — {{ number }},
{{ place_date }}, {{ summary }}, {{ figures["programme.tasks_done"] }}, and whole blocks as paragraphs of
their own: {{p body }}, {{p appendices }}, {{p recipients }}, {{p signer }}. A starter template of each kind
is tinhso's own layout with these placeholders in place; the office edits it in Word and uploads it as a new
version. A template that uses a placeholder tinhso does not fill, or that does not render, is refused with
the placeholder named."""

from __future__ import annotations

import io
import re

import jinja2
from docxtpl import DocxTemplate

from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.documents import render_docx
from tinhso.documents.document import Document, Paragraph
from tinhso.documents.layout import number_symbol, place_date, rules

PLACEHOLDERS = {
    "kind": "loại văn bản (report, plan, …)",
    "parent_agency": "tên cơ quan chủ quản (in hoa)",
    "agency": "tên cơ quan ban hành (in hoa)",
    "agency_full": "tên cơ quan ban hành viết thường",
    "number_symbol": "“Số: 125/BC-SKHCN” (chỗ trống khi chưa cấp số)",
    "number": "số văn bản (trống khi chưa cấp số)",
    "symbol": "ký hiệu “BC-SKHCN”",
    "place_date": "“Thái Nguyên, ngày 05 tháng 01 năm 2026”",
    "place": "địa danh",
    "date": "ngày dd/mm/yyyy",
    "type_name": "tên loại văn bản (in hoa)",
    "summary": "trích yếu",
    "body": "nội dung (đoạn riêng: {{p body }})",
    "appendices": "các phụ lục (đoạn riêng: {{p appendices }})",
    "recipients": "khối nơi nhận (đoạn riêng: {{p recipients }})",
    "signer": "khối quyền hạn, chức vụ, họ tên người ký (đoạn riêng: {{p signer }})",
    "signer_name": "họ tên người ký",
    "figures": "số liệu theo mã, ví dụ {{ figures[\"programme.tasks_done\"] }}",
}
_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'|no element ([^\s]+)")


def _env() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def _subdoc(tpl: DocxTemplate, build) -> object:
    sub = tpl.new_subdoc()
    width = rules().page_mm[0] - rules().margins["left"].use - rules().margins["right"].use
    build(sub, width)
    return sub


class _AnyFigure(dict):
    """The figures of a template tried on the sample document: any key reads as "…" (the keys a document has
    are known only when it is drafted, where a missing one is refused)."""

    def __missing__(self, key):
        return "…"


def context(tpl: DocxTemplate, doc: Document, probe: bool = False) -> dict:
    def body(sub, width):
        render_docx._blocks(sub, doc.body, width)

    def appendices(sub, width):
        for index, appendix in enumerate(doc.appendices, start=1):
            render_docx._appendix(sub, doc, appendix, index, width)

    def recipients(sub, width):
        render_docx._recipients(sub, doc)

    def signer(sub, width):
        render_docx._signer(sub, doc)

    return {
        "kind": doc.kind, "parent_agency": doc.parent_agency.upper(), "agency": doc.agency.upper(),
        "agency_full": doc.agency_full, "number_symbol": number_symbol(doc.number, doc.type_code, doc.agency_abbr),
        "number": doc.number or "", "symbol": doc.symbol, "place_date": place_date(doc.place, doc.date),
        "place": doc.place, "date": doc.date.strftime("%d/%m/%Y"), "type_name": doc.type_name.upper(),
        "summary": doc.summary, "body": _subdoc(tpl, body), "appendices": _subdoc(tpl, appendices),
        "recipients": _subdoc(tpl, recipients), "signer": _subdoc(tpl, signer), "signer_name": doc.signer.name,
        "figures": (_AnyFigure if probe else dict)({key: fact.get("text", "") for key, fact in doc.facts.items()}),
    }


def _refuse(vi: str, en: str, field: str = "file") -> ValidationFailed:
    return ValidationFailed(FieldError(field, vi, en), vi="Mẫu văn bản không dùng được", en="Unusable template")


def _open(content: bytes) -> DocxTemplate:
    try:
        tpl = DocxTemplate(io.BytesIO(content))
        tpl.init_docx()
    except Exception as exc:  # noqa: BLE001 - any failure to open an uploaded file is the file's fault
        raise _refuse("tệp không phải DOCX đọc được", "the file is not a readable DOCX") from exc
    return tpl


def placeholders(content: bytes) -> set[str]:
    """The variables a template uses; refuses a template whose syntax is broken, naming where."""
    tpl = _open(content)
    try:
        return set(tpl.get_undeclared_template_variables(_env()))
    except jinja2.TemplateSyntaxError as exc:
        raise _refuse(f"lỗi cú pháp trong mẫu: {exc.message}", f"syntax error in the template: {exc.message}") from exc


def validate(content: bytes, sample: Document) -> set[str]:
    """Refuse a template that uses a placeholder tinhso does not fill, or that fails to render the sample
    document (naming the placeholder); returns the placeholders it uses."""
    used = placeholders(content)
    unknown = sorted(used - set(PLACEHOLDERS))
    if unknown:
        names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
        raise _refuse(f"mẫu dùng biến tinhso không điền được: {names}; các biến có: {', '.join(PLACEHOLDERS)}",
                      f"the template uses placeholders tinhso does not fill: {names}; available: "
                      f"{', '.join(PLACEHOLDERS)}")
    render(content, sample, probe=True)
    return used


def render(content: bytes, doc: Document, probe: bool = False) -> bytes:
    tpl = _open(content)
    try:
        tpl.render(context(tpl, doc, probe), jinja_env=_env())
    except jinja2.UndefinedError as exc:
        match = _UNDEFINED.search(str(exc))
        name = next((g for g in match.groups() if g), str(exc)) if match else str(exc)
        raise _refuse(f"không điền được biến “{name}” của mẫu ({exc})",
                      f"cannot fill the template's placeholder “{name}” ({exc})") from exc
    except jinja2.TemplateError as exc:
        raise _refuse(f"lỗi trong mẫu: {exc}", f"template error: {exc}") from exc
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


def starter(doc: Document) -> bytes:
    """tinhso's own layout of `doc`'s kind with placeholders where the document's content goes: the file the
    office starts editing from."""
    shell = Document(
        kind=doc.kind, type_code=doc.type_code, type_name="{{ type_name }}" if doc.type_name else "",
        summary="{{ summary }}", parent_agency="{{ parent_agency }}" if doc.parent_agency else "",
        agency="{{ agency }}", agency_abbr="", agency_full="{{ agency_full }}", place="", date=doc.date,
        body=[Paragraph("{{p body }}", indent=False)], plain=doc.plain)
    return render_docx.render_shell(shell)


def sample(kind: str) -> Document:
    """A document of `kind` with made-up content, to try a template on and to preview it."""
    import datetime as dt

    from tinhso.documents.document import Appendix, Heading, Signer, Table
    from tinhso.documents.kinds import KINDS

    spec = KINDS[kind]
    return Document(
        kind=kind, type_code=spec.type_code, type_name=spec.type_name, summary="Nội dung trích yếu của văn bản mẫu",
        parent_agency="UBND tỉnh Thái Nguyên", agency="Sở Khoa học và Công nghệ", agency_abbr="SKHCN",
        agency_full="Sở Khoa học và Công nghệ Thái Nguyên", place="Thái Nguyên", date=dt.date(2026, 1, 5),
        body=[Heading("Kết quả thực hiện"), Paragraph("Đoạn văn mẫu: tỷ lệ hồ sơ trực tuyến đạt 97,4%, đạt 103% "
                                                      "kế hoạch."),
              Table(["STT", "Nội dung", "Kết quả"], [["1", "Chỉ tiêu mẫu", "97,4%"]], widths=[1, 6, 2])],
        recipients=["UBND tỉnh (b/c)", "Lưu: VT"], signer=Signer("KT.", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        appendices=[Appendix("Phụ lục mẫu", [Table(["STT", "Nội dung"], [["1", "Dòng mẫu"]])])],
        facts={}, plain=not spec.issuable)
