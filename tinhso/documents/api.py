"""REST endpoints of the documents app (/api/v1/documents/...). Thin: parse, call services, shape output."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tinhso.core.api import ERROR_RESPONSES, Day, DbId, InputSchema
from tinhso.core.downloads import attach
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.uploads import upload_guard
from tinhso.documents import services
from tinhso.documents.kinds import KINDS
from tinhso.documents.layout import number_symbol, place_date
from tinhso.documents.models import DocumentTemplate

router = Router(tags=["documents"])


def _template_uploader(request: HttpRequest, **_) -> None:
    services.require_template_uploader(request.user)


UPLOAD_MB = services.MAX_UPLOAD / (1024 * 1024)


class KindOut(Schema):
    key: str
    label_vi: str
    label_en: str
    type_code: str
    issuable: bool


class DraftIn(InputSchema):
    kind: str = Field("report", description="report, plan, dti_results, dti_decision, news")
    unit_id: DbId
    period: str = Field(..., max_length=10, description="2026-Q3, 2026-H1, 2026-07, 2026-9M, 2026")
    date: Day | None = Field(None, description="ngày văn bản; mặc định cuối kỳ / the document's date")
    authority: str = Field("", description="'', KT., Q., TL., TUQ.")
    signer_name: str = Field("", max_length=100)
    recipients: list[str] = Field(default_factory=list, max_length=30)
    reference: str = Field("", max_length=50, description="kế hoạch hoặc đợt DTI / plan or DTI round")
    template_version: int | None = Field(None, ge=0, le=100000, description="0: bố cục có sẵn / built-in layout")


class IssueIn(DraftIn):
    replaces_id: DbId | None = Field(None, description="văn bản được thay thế (đính chính) / document replaced")


class FactOut(Schema):
    key: str
    label: str
    text: str


class DraftOut(Schema):
    kind: str
    issuer_id: int
    agency: str
    parent_agency: str
    number_symbol: str
    place_date: str
    type_name: str
    summary: str
    recipients: list[str]
    signer: list[str]
    appendices: list[str]
    facts: list[FactOut]


class IssuedOut(Schema):
    id: int
    unit_id: int
    unit: str
    year: int
    number: int
    symbol: str
    kind: str
    type_name: str
    summary: str
    date: dt.date
    period: str
    replaces_id: int | None
    sha256: str
    issued_at: dt.datetime


class FindingOut(Schema):
    code: str
    where: str
    message: dict
    text: str


class TemplateOut(Schema):
    id: int
    kind: str
    version: int
    name: str
    active: bool
    sha256: str
    uploaded_at: dt.datetime


def _options(data: DraftIn):
    from tinhso.documents.compose import Options

    if data.authority not in ("", "KT.", "Q.", "TL.", "TUQ."):
        raise ValidationFailed(FieldError("authority", "quyền hạn ký phải là KT., Q., TL. hoặc TUQ.",
                                          "the signing authority must be KT., Q., TL. or TUQ."))
    return Options(date=data.date, authority=data.authority, signer_name=data.signer_name,
                   recipients=data.recipients, reference=data.reference)


def _issued(row) -> dict:
    return {"id": row.pk, "unit_id": row.unit_id, "unit": row.unit.name, "year": row.year, "number": row.number,
            "symbol": row.symbol, "kind": row.kind, "type_name": row.type_name, "summary": row.summary,
            "date": row.date, "period": row.period, "replaces_id": row.replaces_id, "sha256": row.sha256,
            "issued_at": row.issued_at}


@router.get("/documents/kinds", response=list[KindOut], summary="Các loại văn bản / Document kinds")
def kinds(request: HttpRequest):
    return [{"key": k.key, "label_vi": k.label_vi, "label_en": k.label_en, "type_code": k.type_code,
             "issuable": k.issuable} for k in KINDS.values()]


@router.post("/documents/drafts", response={200: DraftOut, **ERROR_RESPONSES},
             summary="Dự thảo văn bản (JSON, hoặc tệp với ?format=docx|pdf) / Draft a document")
def draft(request: HttpRequest, data: DraftIn, format: str = "json"):
    if format not in ("json", "docx", "pdf"):
        raise ValidationFailed(FieldError("format", "định dạng phải là json, docx hoặc pdf",
                                          "format must be json, docx or pdf"))
    if format == "json":
        doc, _ = services.draft(request.user, data.kind, data.unit_id, data.period, _options(data))
        return {
            "kind": doc.kind, "issuer_id": doc.unit_id, "agency": doc.agency, "parent_agency": doc.parent_agency,
            "number_symbol": number_symbol(doc.number, doc.type_code, doc.agency_abbr),
            "place_date": place_date(doc.place, doc.date), "type_name": doc.type_name, "summary": doc.summary,
            "recipients": doc.recipients, "signer": doc.signer.lines, "appendices": [a.title for a in doc.appendices],
            "facts": [{"key": key, "label": fact.get("label", ""), "text": fact.get("text", "")}
                      for key, fact in doc.facts.items()],
        }
    doc, docx, pdf = services.draft_files(request.user, data.kind, data.unit_id, data.period, _options(data),
                                          data.template_version)
    content, mime = (pdf, services.PDF_MIME) if format == "pdf" else (docx, services.DOCX_MIME)
    return attach(HttpResponse(content, content_type=mime), f"{doc.file_stem()}.{format}")


@router.post("/documents/issue", response={201: IssuedOut, **ERROR_RESPONSES},
             summary="Ban hành: cấp số, vào sổ, lưu tệp / Issue with a register number")
def issue(request: HttpRequest, data: IssueIn):
    row = services.issue_draft(request.user, data.kind, data.unit_id, data.period, _options(data),
                               data.template_version, data.replaces_id)
    return 201, _issued(row)


@router.get("/documents/register", response={200: list[IssuedOut], **ERROR_RESPONSES},
            summary="Sổ đăng ký văn bản đi / Outgoing register")
def register(request: HttpRequest, unit_id: DbId | None = None, year: int | None = None):
    if year is not None and not 1900 <= year <= 2200:
        raise ValidationFailed(FieldError("year", "năm không hợp lệ", "invalid year"))
    return [_issued(row) for row in services.register_entries(request.user, unit_id, year)]


@router.get("/documents/issued/{issued_id}/file", response={200: None, **ERROR_RESPONSES},
            summary="Tệp đã ban hành (docx, pdf) / The issued file")
def issued_file(request: HttpRequest, issued_id: DbId, format: str = "pdf"):
    content, filename, mime = services.issued_file(request.user, issued_id, format)
    return attach(HttpResponse(content, content_type=mime), filename)


@router.post("/documents/check", response={200: list[FindingOut], **ERROR_RESPONSES},
             summary="Kiểm tra thể thức một tệp DOCX theo Nghị định 30/2020 / Check a DOCX against Decree 30")
@upload_guard(max_mb=UPLOAD_MB)
def check(request: HttpRequest, file: UploadedFile = File(...)):
    content = file.read(services.MAX_UPLOAD + 1)
    return [f.as_dict() for f in services.check_upload(request.user, content)]


@router.get("/documents/templates", response={200: list[TemplateOut], **ERROR_RESPONSES},
            summary="Các mẫu văn bản / Document templates")
def templates(request: HttpRequest):
    return [{"id": t.pk, "kind": t.kind, "version": t.version, "name": t.name, "active": t.active,
             "sha256": t.sha256, "uploaded_at": t.uploaded_at} for t in DocumentTemplate.objects.defer("content")]


@router.post("/documents/templates", response={201: TemplateOut, **ERROR_RESPONSES},
             summary="Nạp phiên bản mẫu mới / Upload a new template version")
@upload_guard(_template_uploader, max_mb=UPLOAD_MB)
def upload_template(request: HttpRequest, kind: Form[str], name: Form[str], file: UploadedFile = File(...)):
    row = services.upload_template(request.user, kind, name, file.read(services.MAX_UPLOAD + 1))
    return 201, {"id": row.pk, "kind": row.kind, "version": row.version, "name": row.name, "active": row.active,
                 "sha256": row.sha256, "uploaded_at": row.uploaded_at}
