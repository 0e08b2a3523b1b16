"""From the domain apps' content (``tinhso.core.reporting``) to a `Document`: the issuer as of the document's
date, the number-symbol, the body in the register of the seeds' reports (results, "tồn tại, hạn chế",
"nhiệm vụ thời gian tới"), tables formatted as the modules format them, appendices, recipients and signer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from tinhso.accounts.services import require_read_unit
from tinhso.core import reporting
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.documents import issuers
from tinhso.documents.document import Appendix, Document, Heading, Paragraph, Table
from tinhso.documents.kinds import KINDS, roman
from tinhso.units.models import Unit, UnitKind

MAX_WEIGHT = 40


@dataclass
class Options:
    """What the author chooses when drafting; every field has a default."""

    date: dt.date | None = None  # the document's date; default the period's end, or today while it runs
    issuer_id: int | None = None  # the issuing unit when not the default
    authority: str = ""  # "", "KT.", "Q.", "TL.", "TUQ."
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    reference: str = ""  # the plan or DTI round for those kinds ("" for the period's)
    today: dt.date | None = None


def default_date(period: reporting.ReportPeriod, today: dt.date) -> dt.date:
    return period.end if period.end < today else today


def _table(table: reporting.Table) -> Table:
    rows = table.text_rows()
    weights = []
    for column, title in enumerate(table.headers):
        # a column is as wide as its longest cell, its header's longest word, or a share of the header
        words = max((len(word) for word in title.split()), default=0) + 1
        cells = max((len(r[column]) for r in rows[:200] if column < len(r)), default=0) + 1
        weights.append(min(MAX_WEIGHT, max(words, min(len(title), 14) * 0.6, cells, 4)))
    align = ["R" if table.numeric(i) else "L" for i in range(len(table.headers))]
    if table.headers and table.headers[0].strip().upper() == "STT":
        align[0] = "C"
    return Table(columns=list(table.headers), rows=rows, widths=weights, align=align, caption=table.title,
                 total=table.total is not None)


def _table_blocks(table: reporting.Table) -> list:
    blocks = [_table(table)]
    if table.note:
        blocks.append(Paragraph(table.note, italic=True, indent=False))
    return blocks


def _recipients(issuer: issuers.Issuer, options: Options, kind: str) -> list[str]:
    if options.recipients:
        lines = [line.strip().lstrip("-").strip() for line in options.recipients if line.strip()]
        if lines and not lines[-1].startswith("Lưu"):
            lines.append("Lưu: VT")
        return lines
    lines = []
    if issuer.unit.kind == UnitKind.DEPARTMENT and issuer.province is not None:
        lines.append(f"UBND {issuer.province.name[0].lower()}{issuer.province.name[1:]} (b/c)")
    if kind in ("plan", "dti_decision", "dti_results"):
        lines.append("Các sở, ban, ngành tỉnh")
        lines.append("UBND các xã, phường")
    lines.append(f"Lãnh đạo {issuer.agency_full}" if issuer.unit.kind == UnitKind.DEPARTMENT
                 else "Chủ tịch, các PCT UBND")
    lines.append("Lưu: VT")
    return lines


def _sections_body(report: reporting.Report, numbered_from: int = 1) -> list:
    body: list = []
    for index, section in enumerate(report.sections, start=numbered_from):
        body.append(Heading(f"{index}. {section.title}", 2))
        body += [Paragraph(text) for text in section.paragraphs]
        for table in section.tables:
            body += _table_blocks(table)
    return body


def _periodic_body(report: reporting.Report, issuer: issuers.Issuer) -> list:
    period = report.request.period
    body: list = [Paragraph(text) for text in report.opening]
    body.append(Heading(f"{roman(1)}. Kết quả thực hiện"))
    body += _sections_body(report)
    body.append(Heading(f"{roman(2)}. Tồn tại, hạn chế"))
    body += [Paragraph(f"- {item}") for item in report.problems] or [
        Paragraph("Không có nhiệm vụ quá hạn hay chỉ tiêu chưa đạt trong số liệu của kỳ báo cáo.")]
    body.append(Heading(f"{roman(3)}. Nhiệm vụ thời gian tới"))
    body += [Paragraph(f"- {item}") for item in report.next_tasks]
    body.append(Paragraph(f"Trên đây là báo cáo kết quả thực hiện chuyển đổi số {period.phrase} của "
                          f"{issuer.agency_full}./."))
    return body


def _generic_body(report: reporting.Report) -> list:
    body: list = []
    for index, section in enumerate(report.sections, start=1):
        body.append(Heading(f"{roman(index)}. {section.title}"))
        body += [Paragraph(text) for text in section.paragraphs]
        for table in section.tables:
            body += _table_blocks(table)
    return body


def authority_line(title: str, agency: str) -> str:
    """The head's title before the agency, without saying the agency's own words twice: "GIÁM ĐỐC" + "SỞ Y TẾ"
    → "GIÁM ĐỐC SỞ Y TẾ", "CHÁNH VĂN PHÒNG" + "VĂN PHÒNG UBND TỈNH" → "CHÁNH VĂN PHÒNG UBND TỈNH"."""
    words, head = agency.split(), title.split()
    for size in range(min(len(words), len(head)), 0, -1):
        if head[-size:] == words[:size]:
            return " ".join(head + words[size:])
    return " ".join(head + words)


def _submission_body(report: reporting.Report) -> list:
    """A submission (tờ trình): "Kính gửi:" under the summary, the sections numbered I, II…, the closing
    request."""
    body: list = [Paragraph("Kính gửi: " + "; ".join(report.addressees) + ".", indent=False, align="C")]
    body += [Paragraph(text) for text in report.opening]
    body += _generic_body(report)
    if report.closing:
        body.append(Paragraph(report.closing))
    return body


def _articles_body(report: reporting.Report) -> list:
    """A decision: its issuing authority, the grounds ("Căn cứ …;"), "QUYẾT ĐỊNH:" and the articles; the
    sections' tables (e.g. the approved system's facts) follow Article 1."""
    body: list = []
    if report.authority:
        body.append(Paragraph(report.authority.upper(), bold=True, indent=False, align="C"))
    body += [Paragraph(text, italic=True) for text in report.grounds]
    body.append(Paragraph("QUYẾT ĐỊNH:", bold=True, indent=False, align="C"))
    for index, text in enumerate(report.articles):
        body.append(Paragraph(text))
        if index == 0:
            for section in report.sections:
                body += [Paragraph(p) for p in section.paragraphs]
                for table in section.tables:
                    body += _table_blocks(table)
    return body


def _decision_body(report: reporting.Report, issuer: issuers.Issuer, summary: str) -> list:
    results = [p for s in report.sections for p in s.paragraphs]
    body: list = [
        Paragraph(f"{issuer.agency.replace(chr(10), ' ')}", bold=True, indent=False),
        Paragraph("Căn cứ Luật Tổ chức chính quyền địa phương;", italic=True),
        Paragraph("Căn cứ kết quả đánh giá chỉ số chuyển đổi số của các đơn vị;", italic=True),
        Paragraph("QUYẾT ĐỊNH:", bold=True, indent=False),
        Paragraph(f"Điều 1. Công bố {summary[0].lower()}{summary[1:]} (chi tiết tại Phụ lục kèm theo)."),
    ]
    body += [Paragraph(text) for text in results]
    body += [Paragraph("Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
             Paragraph("Điều 3. Chánh Văn phòng UBND tỉnh, Thủ trưởng các sở, ban, ngành, Chủ tịch UBND các xã, "
                       "phường và các đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.")]
    return body


def build(user, kind: str, unit: Unit, period_key: str, options: Options | None = None) -> tuple[Document,
                                                                                              reporting.Report]:
    """The document of `kind` about `unit` for `period_key` ("2026-Q3"), and the content it was made from."""
    options = options or Options()
    if kind not in KINDS:
        raise ValidationFailed(FieldError("kind", f"loại văn bản '{kind}' không có; chọn một trong: "
                                          f"{', '.join(KINDS)}", f"unknown kind '{kind}'; one of {', '.join(KINDS)}"))
    require_read_unit(user, unit)
    period = reporting.parse_period(period_key)
    today = options.today or timezone.localdate()
    day = options.date or default_date(period, today)
    request = reporting.ReportRequest(user=user, unit=unit, period=period, today=today)
    if kind in ("report", "news"):
        report = reporting.periodic_report(request)
    else:
        report = reporting.document("dti_results" if kind == "dti_decision" else kind, request, options.reference)
    if not options.date and report.date is not None:
        day = report.date  # the content fixes the date (a level dossier's submission or decision)
    if options.issuer_id:
        chosen = Unit.objects.filter(pk=options.issuer_id).first()
        if chosen is None:
            raise ValidationFailed(FieldError("issuer_id", "đơn vị ban hành không tồn tại",
                                              "the issuing unit does not exist"))
        current = issuers.as_of(chosen, day, "issuer_id")
        issuer = _committee(current) if current.kind == UnitKind.PROVINCE else issuers.issuer(current, day,
                                                                                                "issuer_id")
    elif kind == "dti_decision":
        province = issuers.province_of(issuers.as_of(unit, day)) or unit
        issuer = _committee(issuers.as_of(province, day))
    elif report.issuer is not None:  # the content names its issuer (a province stands for its DX agency)
        chosen = issuers.as_of(report.issuer, day, "issuer_id")
        issuer = _committee(chosen) if report.issuer_committee and chosen.kind == UnitKind.PROVINCE else \
            issuers.issuer(chosen, day, "issuer_id")
    else:
        issuer = issuers.issuer(unit, day)
    spec = KINDS[kind]
    signer = issuers.signer_for(issuer.agency_full if issuer.abbr != "UBND" else issuer.unit.name,
                                options.authority, options.signer_name)
    facts = {key: {"value": f.value, "text": f.text, "label": f.label} for key, f in report.figures().items()}
    doc = Document(kind=kind, type_code=spec.type_code, type_name=spec.type_name or report.title,
                   summary=report.summary, parent_agency=issuer.parent_agency, agency=issuer.agency,
                   agency_abbr=issuer.abbr, agency_full=issuer.agency_full, place=issuer.place, date=day,
                   recipients=_recipients(issuer, options, kind), signer=signer, unit_id=issuer.unit.pk,
                   facts=facts)
    if kind == "report":
        doc.body = _periodic_body(report, issuer)
    elif kind == "dti_decision":
        doc.summary = f"Về việc công bố {report.summary[0].lower()}{report.summary[1:]}"
        doc.body = _decision_body(report, issuer, report.summary)
    elif kind == "news":
        doc.plain = True
        doc.body = _news_body(report)
    elif report.articles:
        if not report.authority:  # "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …"
            report.authority = authority_line(issuer.signer.title, issuer.agency.replace(chr(10), " "))
        doc.body = _articles_body(report)
    elif report.addressees:
        doc.body = _submission_body(report)
    else:
        doc.body = _generic_body(report)
    if kind != "news":
        doc.appendices = [Appendix(table.title, _table_blocks(table)) for table in report.appendices]
    return doc, report


def _committee(province: Unit) -> issuers.Issuer:
    """A province's People's Committee as the issuer (decisions)."""
    name = province.name
    return issuers.Issuer(unit=province, parent_agency="", agency=f"ỦY BAN NHÂN DÂN\n{name.upper()}",
                          agency_full=f"Ủy ban nhân dân {name[0].lower()}{name[1:]}", abbr="UBND",
                          place=issuers._territory(province), signer=issuers.head_signer(name), province=province)


def _news_body(report: reporting.Report) -> list:
    draft = reporting.news_item(report)
    return [Paragraph(draft.title, bold=True, indent=False), Paragraph(draft.lead, bold=True, italic=True)] + [
        Paragraph(text) for text in draft.paragraphs]
