import mimetypes
import sys
import time
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control

from tinhso import __version__
from tinhso.core import jobs
from tinhso.core.errors import DomainError, Unavailable, is_lock_timeout
from tinhso.core.models import JobStatus


def healthz(request: HttpRequest) -> JsonResponse:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # report, don't raise: the probe must get an answer
        return JsonResponse({"status": "error", "database": "unavailable", "detail": str(exc)}, status=503)
    return JsonResponse({
        "status": "ok",
        "database": connection.vendor,
        "database_ms": round((time.perf_counter() - started) * 1000, 2),
        "version": __version__,
    })



@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """A background job's progress; the page reloads itself until the job ends, then goes back to where
    it was started (a finished job's outcome shown as a message) or shows the error."""
    try:
        job = jobs.get(request.user, job_id)
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    if request.GET.get("format") == "json" or request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"id": job.pk, "status": job.status, "progress": job.progress, "message": job.message,
                             "error": {"vi": job.error_vi, "en": job.error_en} if job.error_vi else None,
                             "next": job.next_url})
    next_url = job.next_url if url_has_allowed_host_and_scheme(job.next_url, {request.get_host()}) else ""
    if job.status == JobStatus.DONE and next_url and "stay" not in request.GET:
        if job.message:
            messages.success(request, job.message)
        return redirect(next_url)
    return render(request, "core/job.html", {"job": job, "next_url": next_url})
LEAFLET_ASSETS = {"leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
                  "images/marker-icon-2x.png", "images/marker-shadow.png"}


@cache_control(max_age=86400, public=True)
def leaflet_asset(request: HttpRequest, path: str) -> FileResponse:
    """Leaflet for every app's maps, from the installed xstatic-leaflet package (offline, no CDN)."""
    import xstatic.pkg.leaflet as leaflet

    if path not in LEAFLET_ASSETS:
        raise Http404
    file = Path(leaflet.BASE_DIR) / path
    return FileResponse(open(file, "rb"), content_type=mimetypes.guess_type(str(file))[0])


def busy_page(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After for a database lock wait that timed out: the API gets the error shape, a page
    says in Vietnamese (and English) that nothing was saved and to try again."""
    from tinhso.core.api import retry_after_seconds

    error = Unavailable(retry_after_seconds())
    if request.path.startswith("/api/"):
        response = JsonResponse(error.as_dict(), status=503)
    else:
        response = render(request, "core/error.html", {"error": error}, status=503)
    response["Retry-After"] = str(error.retry_after)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called for any exception no view or middleware handled (e.g. the session saved after a
    view). A lock time-out is the database being busy (503), not a bug."""
    from django.views.defaults import server_error as default_server_error

    if is_lock_timeout(sys.exc_info()[1]):
        return busy_page(request)
    return default_server_error(request)
