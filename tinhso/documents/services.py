"""Documents: render a document to DOCX and PDF, preview its pages, issue it with a register number, list the
register, and check any DOCX against Decree 30. Views, API and CLI call these."""

from __future__ import annotations

import io

from django.db import transaction

from tinhso.accounts.services import WRITER_ROLES, can_read_unit, is_system_admin, readable_units_filter
from tinhso.accounts.services import require_read_unit as _require_read_unit
from tinhso.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.documents import checker, register, render_docx, render_pdf
from tinhso.documents.document import Document
from tinhso.documents.models import IssuedDocument
from tinhso.units.models import Unit

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
MAX_UPLOAD = 20 * 1024 * 1024
PREVIEW_PAGES = 3


def render_files(doc: Document, template=None) -> tuple[bytes, bytes]:
    """(DOCX, PDF) of `doc`; the PDF is drawn from the DOCX, so both carry the same text. With `template`
    (a DocumentTemplate), the office's DOCX lays the document out instead of tinhso's built-in layout."""
    if template is not None:
        from tinhso.documents import templates

        docx = templates.render(template.content, doc)
    else:
        docx = render_docx.render(doc)
    return docx, render_pdf.render(docx)


def page_images(pdf: bytes, pages: int | None = PREVIEW_PAGES, scale: float = 1.4) -> list[bytes]:
    """PNG images of the PDF's first `pages` pages (all when None), for the preview."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    count = len(document) if pages is None else min(pages, len(document))
    images = []
    for index in range(count):
        buffer = io.BytesIO()
        document[index].render(scale=scale).to_pil().save(buffer, format="PNG", optimize=True)
        images.append(buffer.getvalue())
    return images


def check_upload(user, content: bytes, field_name: str = "file") -> list[checker.Finding]:
    """Decree 30 departures of an uploaded DOCX. Anyone signed in may check a file; nothing is stored."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden()
    if not content:
        raise ValidationFailed(FieldError(field_name, "tệp rỗng", "the file is empty"))
    if len(content) > MAX_UPLOAD:
        raise ValidationFailed(FieldError(field_name, "tệp lớn hơn 20 MB", "the file is larger than 20 MB"))
    return checker.check(content, field_name)


def can_issue(user, unit: Unit) -> bool:
    """Writers (administrators, focal points, API clients) issue in the name of a unit whose figures they read
    (their unit, the units below it, and the units that merged into it)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_system_admin(user):
        return True
    return user.role in WRITER_ROLES and can_read_unit(user, unit)


def issue(user, doc: Document, issuer: Unit, *, subject: Unit | None = None, period: str = "",
          replaces_id: int | None = None, template=None) -> IssuedDocument:
    """Allocate the next number of `issuer`'s register for the document's year, render the files with it, and
    record them. One transaction: if rendering fails, the number is given back (no gap, no reuse)."""
    if not can_issue(user, issuer):
        raise Forbidden(f"Bạn không có quyền ban hành văn bản của {issuer.name}",
                        f"You may not issue documents of {issuer.name}")
    replaces = None
    if replaces_id is not None:
        replaces = IssuedDocument.objects.filter(pk=replaces_id).defer("docx", "pdf").first()
        if replaces is None or not can_read_unit(user, replaces.unit):
            raise ValidationFailed(FieldError("replaces_id", "văn bản được thay thế không tồn tại",
                                              "the document to replace does not exist"))
    with transaction.atomic():
        doc.number = register.allocate(issuer, doc.date.year)
        docx, pdf = render_files(doc, template)
        return register.record(
            unit=issuer, subject=subject, year=doc.date.year, number=doc.number, symbol=doc.symbol, kind=doc.kind,
            type_name=doc.type_name, summary=doc.summary, date=doc.date, docx=docx, pdf=pdf, user=user,
            period=period, signer=" / ".join(doc.signer.lines + ([doc.signer.name] if doc.signer.name else [])),
            recipients=doc.recipients, replaces=replaces,
            template_version=template.version if template is not None else None)


def register_entries(user, unit_id: int | None = None, year: int | None = None, limit: int = 500):
    rows = register.entries().filter(readable_units_filter(user, "unit"))
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    if year is not None:
        rows = rows.filter(year=year)
    return list(rows.order_by("-date", "-number")[:limit])


def issued(user, pk: int) -> IssuedDocument:
    found = IssuedDocument.objects.select_related("unit").filter(pk=pk).first()
    if found is None:
        raise NotFound("Văn bản", "Document")
    _require_read_unit(user, found.unit)
    return found


def issued_file(user, pk: int, fmt: str) -> tuple[bytes, str, str]:
    """The stored file of an issued document, exactly as it was issued."""
    found = issued(user, pk)
    stem = f"{found.number}-{found.symbol}-{found.date:%Y%m%d}"
    if fmt == "docx":
        return bytes(found.docx), f"{stem}.docx", DOCX_MIME
    if fmt == "pdf":
        return bytes(found.pdf), f"{stem}.pdf", PDF_MIME
    raise ValidationFailed(FieldError("format", "định dạng phải là docx hoặc pdf", "format must be docx or pdf"))


# ---------------------------------------------------------------- drafting (content from tinhso.core.reporting)

def active_template(kind: str, version: int | None = None):
    """The template to lay `kind` out with: the given version, else the newest active one, else None (the
    built-in layout). Version 0 asks for the built-in layout."""
    from tinhso.documents.models import DocumentTemplate

    if version == 0:
        return None
    rows = DocumentTemplate.objects.filter(kind=kind)
    if version is not None:
        found = rows.filter(version=version).first()
        if found is None:
            raise ValidationFailed(FieldError("template_version", f"mẫu phiên bản {version} không có",
                                              f"template version {version} does not exist"))
        return found
    return rows.filter(active=True).order_by("-version").first()


def _unit(unit_id: int | None, field_name: str = "unit_id") -> Unit:
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise ValidationFailed(FieldError(field_name, "đơn vị không tồn tại", "the unit does not exist"))
    return unit


def unit_by_code(code: str, field_name: str = "unit") -> Unit:
    """A unit by electronic code, statistics code or exact name; the live one when several share it."""
    from django.db.models import Q

    rows = Unit.objects.filter(Q(code=code) | Q(stats_code=code) | Q(name=code) | Q(short_name=code))
    found = rows.filter(valid_to__isnull=True).first() or rows.order_by("-valid_to").first()
    if found is None:
        raise ValidationFailed(FieldError(field_name, f"không có đơn vị mã “{code}”", f"no unit with code “{code}”"))
    return found


def draft(user, kind: str, unit_id: int, period: str, options=None):
    """(Document, Report) of a draft: nothing is stored, no number is taken."""
    from tinhso.documents import compose

    return compose.build(user, kind, _unit(unit_id), period, options or compose.Options())


def draft_files(user, kind: str, unit_id: int, period: str, options=None, template_version: int | None = None):
    """(Document, DOCX, PDF) of a draft."""
    doc, _ = draft(user, kind, unit_id, period, options)
    docx, pdf = render_files(doc, active_template(kind, template_version))
    return doc, docx, pdf


def issue_draft(user, kind: str, unit_id: int, period: str, options=None, template_version: int | None = None,
                replaces_id: int | None = None) -> IssuedDocument:
    from tinhso.documents.kinds import KINDS

    if kind in KINDS and not KINDS[kind].issuable:
        raise ValidationFailed(FieldError("kind", "tin bài không vào sổ văn bản đi", "a news item is not registered"))
    doc, _ = draft(user, kind, unit_id, period, options)
    issuer = Unit.objects.get(pk=doc.unit_id)
    return issue(user, doc, issuer, subject=_unit(unit_id), period=period, replaces_id=replaces_id,
                 template=active_template(kind, template_version))


def require_template_uploader(user) -> None:
    """Templates are uploaded by administrators (checked again before an upload is read)."""
    if not (is_system_admin(user) or getattr(user, "role", "") == "admin"):
        raise Forbidden("Chỉ quản trị viên được nạp mẫu văn bản", "Only administrators upload templates")


def upload_template(user, kind: str, name: str, content: bytes, note: str = ""):
    """Store a new version of `kind`'s template after checking it fills and renders (DX office administrators)."""
    import hashlib

    from tinhso.documents import templates
    from tinhso.documents.kinds import KINDS
    from tinhso.documents.models import DocumentTemplate

    require_template_uploader(user)
    if kind not in KINDS:
        raise ValidationFailed(FieldError("kind", "loại văn bản không có", "unknown document kind"))
    if not name.strip():
        raise ValidationFailed(FieldError("name", "bắt buộc nhập", "is required"))
    templates.validate(content, templates.sample(kind))
    with transaction.atomic():
        last = DocumentTemplate.objects.select_for_update().filter(kind=kind).order_by("-version").first()
        return DocumentTemplate.objects.create(
            kind=kind, version=(last.version + 1) if last else 1, name=name.strip()[:200], content=content,
            sha256=hashlib.sha256(content).hexdigest(), note=note[:300],
            uploaded_by=user if getattr(user, "is_authenticated", False) else None)
