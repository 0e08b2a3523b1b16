"""The dossier page's "draft the documents" buttons (security.drafting): download a DOCX/PDF, or attach it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tinhso.core.downloads import download
from tinhso.core.errors import DomainError, in_language
from tinhso.security import drafting


@login_required
@require_http_methods(["GET", "POST"])
def dossier_draft(request: HttpRequest, dossier_id: int, which: str, fmt: str) -> HttpResponse:
    """GET: the drafted file; POST: draft it and attach it to the dossier, back to the dossier page."""
    attach = request.method == "POST"
    try:
        drafted = drafting.draft(request.user, dossier_id, which, fmt, attach=attach)
    except DomainError as exc:
        if not attach:
            raise
        messages.error(request, in_language(exc.vi, exc.en))
        return redirect(reverse("security:dossier", args=[dossier_id]))
    if attach:
        messages.success(request, _("Đã soạn và đính kèm: %(name)s") % {"name": drafted.name})
        return redirect(reverse("security:dossier", args=[dossier_id]) + "#drafts")
    return download(drafted.content, drafted.name, drafted.mime)
