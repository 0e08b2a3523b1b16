"""Pages of the documents app. Thin: read the request, call services, render."""

from __future__ import annotations

import base64
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.accounts.services import home_province, readable_units_filter
from tinhso.core.downloads import download
from tinhso.core.errors import DomainError, FieldError, ValidationFailed, in_language
from tinhso.core.uploads import upload_guard
from tinhso.documents import services
from tinhso.documents.kinds import KINDS
from tinhso.documents.layout import rules
from tinhso.documents.models import DocumentTemplate
from tinhso.units.models import Unit, UnitKind

FORM_FIELDS = ("kind", "unit_id", "period", "date", "authority", "signer_name", "recipients", "reference",
               "template_version")


def _template_uploader(request: HttpRequest, **_) -> None:
    services.require_template_uploader(request.user)


UPLOAD_MB = services.MAX_UPLOAD / (1024 * 1024)


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _error(request: HttpRequest, exc: DomainError) -> None:
    details = "; ".join(f"{e.field}: {in_language(e.vi, e.en)}" for e in exc.errors)
    messages.error(request, in_language(exc.vi, exc.en) + (f" — {details}" if details else ""))


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(max_mb=UPLOAD_MB)
def check(request: HttpRequest) -> HttpResponse:
    findings, checked = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            findings = services.check_upload(request.user, upload.read() if upload else b"", "file")
            checked = upload.name
        except DomainError as exc:
            _error(request, exc)
    return render(request, "documents/check.html", {
        "findings": findings, "checked": checked, "rules": rules(), "tab": "check",
    })


@login_required
def register(request: HttpRequest) -> HttpResponse:
    year = _int(request.GET.get("year"))
    entries = services.register_entries(request.user, year=year)
    return render(request, "documents/register.html", {"entries": entries, "year": year, "tab": "register",
                                                       "title": _("Sổ đăng ký văn bản đi")})


@login_required
def issued_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    try:
        content, filename, mime = services.issued_file(request.user, pk, fmt)
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    return download(content, filename, mime)


def _current_quarter(today: dt.date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _options(data):
    from tinhso.documents.compose import Options

    date = None
    if data.get("date"):
        try:
            date = dt.date.fromisoformat(data["date"])
        except ValueError as exc:
            raise ValidationFailed(FieldError("date", "ngày phải có dạng YYYY-MM-DD",
                                              "the date must read YYYY-MM-DD")) from exc
    authority = data.get("authority", "")
    if authority not in ("", "KT.", "Q.", "TL.", "TUQ."):
        raise ValidationFailed(FieldError("authority", "quyền hạn ký phải là KT., Q., TL. hoặc TUQ.",
                                          "the signing authority must be KT., Q., TL. or TUQ."))
    recipients = [line for line in (data.get("recipients") or "").splitlines() if line.strip()]
    return Options(date=date, authority=authority, signer_name=(data.get("signer_name") or "").strip()[:100],
                   recipients=recipients, reference=(data.get("reference") or "").strip()[:50])


def _params(data) -> dict:
    return {
        "kind": data.get("kind") or "report", "unit_id": _int(data.get("unit_id")), "period": data.get("period") or "",
        "options": _options(data), "template_version": _int(data.get("template_version")),
    }


def _query(data) -> str:
    return urlencode({k: data.get(k) for k in FORM_FIELDS if data.get(k) not in (None, "")})


def _units(user) -> list[Unit]:
    rows = Unit.objects.filter(readable_units_filter(user)).filter(
        kind__in=[UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.COMMUNE]).order_by("depth", "name")
    return list(rows[:400])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    province = home_province(request.user)
    return render(request, "documents/home.html", {
        "tab": "draft", "kinds": KINDS.values(), "units": _units(request.user),
        "default_unit": province.pk if province else None, "default_period": _current_quarter(today),
        "templates": DocumentTemplate.objects.filter(active=True).order_by("kind", "-version"),
    })


@login_required
def draft(request: HttpRequest) -> HttpResponse:
    """The preview: the first pages as images, the downloads, and the issue button."""
    try:
        params = _params(request.GET)
        doc, docx, pdf = services.draft_files(request.user, params["kind"], params["unit_id"], params["period"],
                                              params["options"], params["template_version"])
        pages = [base64.b64encode(png).decode() for png in services.page_images(pdf)]
    except DomainError as exc:
        _error(request, exc)
        return redirect(reverse("documents:home") + "?" + _query(request.GET))
    from tinhso.documents.checker import check as check_docx

    return render(request, "documents/draft.html", {
        "tab": "draft", "doc": doc, "pages": pages, "query": _query(request.GET), "kind": KINDS[doc.kind],
        "data": request.GET, "findings": check_docx(docx), "can_issue": KINDS[doc.kind].issuable and
        services.can_issue(request.user, Unit.objects.get(pk=doc.unit_id)),
        "issuer": Unit.objects.get(pk=doc.unit_id),
    })


@login_required
def draft_file(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        params = _params(request.GET)
        doc, docx, pdf = services.draft_files(request.user, params["kind"], params["unit_id"], params["period"],
                                              params["options"], params["template_version"])
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    if fmt == "pdf":
        return download(pdf, f"{doc.file_stem()}.pdf", services.PDF_MIME)
    return download(docx, f"{doc.file_stem()}.docx", services.DOCX_MIME)


@login_required
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    try:
        params = _params(request.POST)
        issued = services.issue_draft(request.user, params["kind"], params["unit_id"], params["period"],
                                      params["options"], params["template_version"],
                                      _int(request.POST.get("replaces_id")))
    except DomainError as exc:
        _error(request, exc)
        return redirect(reverse("documents:draft") + "?" + _query(request.POST))
    messages.success(request, _("Đã vào sổ: Số %(number)s/%(symbol)s ngày %(date)s") % {
        "number": issued.number, "symbol": issued.symbol, "date": issued.date.strftime("%d/%m/%Y")})
    return redirect("documents:register")


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(_template_uploader, max_mb=UPLOAD_MB)
def templates_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed(FieldError("file", "chọn một tệp DOCX", "choose a DOCX file"))
            saved = services.upload_template(request.user, request.POST.get("kind", ""), request.POST.get("name", ""),
                                             upload.read(), request.POST.get("note", ""))
            messages.success(request, _("Đã lưu mẫu %(name)s, phiên bản %(version)s") % {
                "name": saved.name, "version": saved.version})
            return redirect("documents:templates")
        except DomainError as exc:
            _error(request, exc)
    return render(request, "documents/templates.html", {
        "tab": "templates", "kinds": KINDS.values(),
        "rows": DocumentTemplate.objects.defer("content").select_related("uploaded_by"),
        "placeholders": __import__("tinhso.documents.templates", fromlist=["PLACEHOLDERS"]).PLACEHOLDERS,
    })


@login_required
def template_file(request: HttpRequest, kind: str) -> HttpResponse:
    """The starter template of `kind` (tinhso's layout with the placeholders), or a stored version."""
    from tinhso.documents import templates

    if kind not in KINDS:
        return render(request, "core/error.html", {"error": ValidationFailed(FieldError(
            "kind", "loại văn bản không có", "unknown document kind"))}, status=400)
    version = _int(request.GET.get("version"))
    if version:
        row = DocumentTemplate.objects.filter(kind=kind, version=version).first()
        if row is None:
            return render(request, "core/error.html", {"error": ValidationFailed(FieldError(
                "version", "phiên bản không có", "no such version"))}, status=404)
        return download(bytes(row.content), f"mau-{kind}-v{version}.docx", services.DOCX_MIME)
    return download(templates.starter(templates.sample(kind)), f"mau-{kind}.docx", services.DOCX_MIME)


@login_required
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    from tinhso.documents import templates

    row = DocumentTemplate.objects.filter(pk=pk).first()
    if row is None:
        return render(request, "core/error.html", {"error": ValidationFailed(FieldError(
            "template", "mẫu không có", "no such template"))}, status=404)
    try:
        docx = templates.render(bytes(row.content), templates.sample(row.kind), probe=True)
        pages = [base64.b64encode(p).decode() for p in services.page_images(services.render_pdf.render(docx))]
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    return render(request, "documents/template_preview.html", {"tab": "templates", "row": row, "pages": pages})
