"""XLSX and PDF exports of published results. Every file names the framework edition that produced it."""

import io
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tinhso.accounts.services import can_read_unit
from tinhso.core.errors import FieldError, Forbidden, ValidationFailed
from tinhso.core.formatting import MINUS, vn_date, vn_number, vn_signed
from tinhso.core.labels import vietnamese
from tinhso.core.tabular import append_row
from tinhso.dti.models import Result, Round
from tinhso.dti.services import get_round, points_change, score_decimals

CHANGE_DECIMALS = 2  # the change in points, on the page, in the XLSX and in the PDF


def _rounded(value, decimals: int) -> float | None:
    """Rounded once, half-up, to what the page shows, so a spreadsheet cell holds the page's figure."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _number_format(decimals: int, signed: bool = False) -> str:
    body = "0." + "0" * decimals if decimals else "0"
    # a change carries its sign, a fall with the typographic minus the page uses
    return f'+{body};"{MINUS}"{body};{body}' if signed else body


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _published(round_id: int) -> Round:
    round_ = get_round(round_id)
    if not round_.is_published:
        raise Forbidden("Chỉ xuất được kết quả đã công bố", "Only published results can be exported")
    return round_


def _rows(round_: Round) -> list[Result]:
    return list(Result.objects.filter(round=round_).select_related("unit").order_by("peer_group", "rank", "unit__name"))


def _kind_label(results: list[Result], code: str) -> str:
    for result in results:
        if result.peer_group == code:
            return vietnamese(result.unit.get_kind_display())
    return code


def export_xlsx(round_id: int) -> tuple[bytes, str, str]:
    round_ = _published(round_id)
    results = _rows(round_)
    pillars = list(round_.framework.pillars.order_by("order"))
    mains = list(round_.framework.main_indicators.order_by("order"))
    decimals = score_decimals(results)
    headers = (["Nhóm đơn vị (peer group)", "Hạng (rank)", "Đơn vị (unit)", "Điểm (points)", "Chỉ số 0–1 (index)",
                "Điểm năm trước (previous points)", "Thay đổi điểm (change in points)", "So sánh với (basis)"]
               + [f"{p.name.split(' / ')[0]} (điểm)" for p in pillars]
               + [f"{p.name.split(' / ')[0]} (giá trị 0–1)" for p in pillars]
               + [f"{p.name.split(' / ')[0]} (hạng)" for p in pillars]
               + [f"{m.code}. {m.name.split(' / ')[0]} (/{m.max_points:g})" for m in mains])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Xếp hạng"
    append_row(sheet, [f"{round_.name} — năm {round_.year}"])
    append_row(sheet, [f"Bộ chỉ số / Framework: {round_.framework.name} — phiên bản {round_.framework.edition} "
                  f"({round_.framework.label}); công bố {vn_date(round_.published_at)}"])
    append_row(sheet, headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="9B1C1C")
    basis = {"same": "cùng đơn vị", "merged": "TB đơn vị tiền thân", "absorbed": "TB gồm đơn vị sáp nhập vào", "": ""}
    score_columns = {4, 6} | set(range(9, 9 + len(pillars))) | set(range(9 + 3 * len(pillars), len(headers) + 1))
    value_columns = set(range(9 + len(pillars), 9 + 2 * len(pillars)))
    for r in results:
        append_row(sheet, [_kind_label(results, r.peer_group), r.rank, r.unit.name, _rounded(r.points, decimals),
                           _rounded(r.index, 4), _rounded(r.previous_points, decimals),
                           _rounded(points_change(r), CHANGE_DECIMALS), basis.get(r.previous_basis, r.previous_basis)]
                   + [_rounded(r.by_pillar.get(p.code, 0), decimals) for p in pillars]
                   + [_rounded(r.pillar_values.get(p.code, 0), 4) for p in pillars]
                   + [r.pillar_ranks.get(p.code) for p in pillars]
                   + [_rounded(r.by_main.get(m.code, 0), decimals) for m in mains])
        row = sheet[sheet.max_row]
        for column in score_columns:
            row[column - 1].number_format = _number_format(decimals)
        for column in value_columns:
            row[column - 1].number_format = "0.0000"
        row[6].number_format = _number_format(CHANGE_DECIMALS, signed=True)
        row[4].number_format = "0.0000"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if index == 3 else max(12, min(30, len(header)))
    sheet.freeze_panes = "D4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), f"dti-{round_.year}-{round_.pk}.xlsx", XLSX_MIME


def _font_path() -> str:
    try:
        import font_roboto
    except ImportError as exc:  # the dependency is declared; a broken install is reported, not a 500
        raise ValidationFailed(FieldError("format", "máy chủ thiếu phông chữ cho PDF (font-roboto)",
                                          "the server lacks the PDF font package (font-roboto)")) from exc
    return font_roboto.font_files["Roboto"]


def pdf_cells(r: Result, pillars: list, decimals: int) -> list[str]:
    """One PDF table row: the figures exactly as the ranking page shows them (same rounding, signs)."""
    change = points_change(r)
    change_text = "" if change is None else vn_signed(change, CHANGE_DECIMALS, fixed=True)
    return ([str(r.rank), r.unit.name[:60], vn_number(r.points, decimals, fixed=True),
             vn_number(r.index, 4, fixed=True), change_text]
            + [f"{vn_number(r.by_pillar.get(p.code, 0), decimals, fixed=True)} (#{r.pillar_ranks.get(p.code, '')})"
               for p in pillars])


def export_pdf(round_id: int) -> tuple[bytes, str, str]:
    round_ = _published(round_id)
    results = _rows(round_)
    pillars = list(round_.framework.pillars.order_by("order"))
    try:
        from fpdf import FPDF
    except ImportError as exc:
        raise ValidationFailed(FieldError("format", "máy chủ chưa cài fpdf2; hãy xuất XLSX",
                                          "fpdf2 is not installed on the server; export XLSX instead")) from exc
    font = _font_path()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font("Roboto", "", font)
    pdf.add_font("Roboto", "B", font.replace("Roboto-Regular", "Roboto-Bold"))
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Roboto", "B", 14)
    pdf.multi_cell(0, 7, round_.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", "", 9)
    pdf.multi_cell(0, 5, f"Năm đánh giá {round_.year}. Bộ chỉ số: {round_.framework.name} — phiên bản "
                         f"{round_.framework.edition} "
                         f"({round_.framework.label}). Công bố ngày {vn_date(round_.published_at)}. "
                         f"Thang điểm {vn_number(round_.framework.max_points)}.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    decimals = score_decimals(results)
    widths = [14, 92, 24, 20, 24] + [max(18, 100 // max(1, len(pillars)))] * len(pillars)
    headers = ["Hạng", "Đơn vị", "Điểm", "Chỉ số", "Thay đổi điểm"] + [vietnamese(p.name) for p in pillars]
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.peer_group, []).append(r)
    for group, rows in groups.items():
        pdf.set_font("Roboto", "B", 11)
        pdf.cell(0, 7, f"{_kind_label(results, group)} ({len(rows)})", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "B", 8)
        pdf.set_fill_color(241, 245, 249)
        for width, title in zip(widths, headers, strict=True):
            pdf.cell(width, 6, title, border=1, fill=True)
        pdf.ln()
        pdf.set_font("Roboto", "", 8)
        for r in rows:
            cells = pdf_cells(r, pillars, decimals)
            for width, text in zip(widths, cells, strict=True):
                pdf.cell(width, 5, text, border=1)
            pdf.ln()
        pdf.ln(3)
    pdf.set_font("Roboto", "", 7)
    pdf.multi_cell(0, 4, "Thay đổi điểm = điểm năm nay − điểm năm trước; đơn vị hình thành do sắp xếp được so "
                         "với trung bình các đơn vị tiền thân. Điểm trụ cột kèm hạng (#) trong trụ cột.",
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output()), f"dti-{round_.year}-{round_.pk}.pdf", "application/pdf"


def export_document(round_id: int, user) -> tuple[bytes, str, str]:
    """The published results as an administrative document in the Decree 30/2020/NĐ-CP layout (report with
    the ranking appendix), drafted by the documents app from this app's report module."""
    from tinhso.documents import services as documents
    from tinhso.documents.compose import Options

    round_ = _published(round_id)
    doc, _, pdf = documents.draft_files(user, "dti_results", round_.scope_id, str(round_.year),
                                        Options(reference=str(round_.pk)))
    return pdf, f"dti-{round_.year}-{round_.pk}.pdf", "application/pdf"


def export(round_id: int, fmt: str, user=None) -> tuple[bytes, str, str]:
    """The published results of a round as (content, file name, MIME type) in `fmt`: xlsx or pdf (the
    Decree 30 document for readers of the round's scope, the plain table for other signed-in users)."""
    if fmt == "xlsx":
        return export_xlsx(round_id)
    if fmt == "pdf":
        if user is not None and can_read_unit(user, _published(round_id).scope):
            return export_document(round_id, user)
        # published results are open to every signed-in user; the scope's document needs its readers
        return export_pdf(round_id)
    raise ValidationFailed(FieldError("format", "chỉ hỗ trợ xlsx hoặc pdf", "only xlsx or pdf are supported"))
