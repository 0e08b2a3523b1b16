import mimetypes
import time
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from tinhso import __version__
from tinhso.core.navigation import modules_for


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
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"modules": modules_for(request.user)})


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
