import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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
