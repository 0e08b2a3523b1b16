"""Pages of the operations centre: the home dashboard of every role, saved dashboards, a tile's
evidence, the dashboards' management (JSON export/import, pin, kiosk links) and the wall."""

from __future__ import annotations

import gzip
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from tinhso.core.downloads import attach
from tinhso.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tinhso.core.formatting import vn_datetime
from tinhso.core.uploads import upload_guard
from tinhso.ioc import registry, services
from tinhso.ioc.contract import CHART, MAP
from tinhso.ioc.models import Audience, KioskLink, Pin


def periods_key(key: str, year: int | None) -> str:
    """A period key of the year (the dashboards' period vocabulary is the indicators')."""
    from tinhso.indicators import periods  # noqa: PLC0415

    period = periods.parse(key, "period")
    if year is not None and period.year != year:
        raise ValidationFailed([])
    return period.key


def _errors(exc: DomainError) -> list[str]:
    return [f"{e.field}: {e.vi}" for e in exc.errors] or [exc.vi]


def _page(request: HttpRequest, definition: dict, dashboard=None) -> HttpResponse:
    figures = services.figures_for(request.user, definition, dashboard)
    return render(request, "ioc/dashboard.html", {
        "figures": figures, "definition": definition, "dashboard": dashboard, "body": _body(figures),
        "audience_label": str(dict(Audience.choices).get(figures.ctx.audience, "")),
        "can_manage": services.can_manage(request.user)})


def _body(figures: services.Figures, kiosk: bool = False) -> str:
    """The dashboard's HTML, rendered once per computation and shared by every screen."""
    key = f"{'kiosk' if kiosk else 'page'}.{get_language()}"  # labels follow the viewer's language
    html = figures.rendered.get(key)
    if html is None:
        html = render_to_string("ioc/_body.html", {"figures": figures, "kiosk": kiosk, "CHART": CHART, "MAP": MAP,
                                                   "map_tiles": settings.TINHSO_MAP_TILE_URL,
                                                   "updated": vn_datetime(timezone.localtime(figures.computed_at))})
        figures.rendered[key] = html
    return html


@login_required
def home(request: HttpRequest) -> HttpResponse:
    definition, dashboard = services.home_definition(request.user)
    return _page(request, definition, dashboard)


@login_required
def dashboard(request: HttpRequest, dashboard_id: int) -> HttpResponse:
    board = services.get_dashboard(request.user, dashboard_id)
    return _page(request, board.definition, board)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    pinned = Pin.objects.filter(user=request.user).values_list("dashboard_id", flat=True).first()
    return render(request, "ioc/index.html", {
        "dashboards": services.visible_dashboards(request.user), "pinned": pinned,
        "can_manage": services.can_manage(request.user), "audiences": Audience.choices,
        "widgets": sorted(registry.widgets().values(), key=lambda w: w.key),
        "links": services.kiosk_links(request.user) if services.can_manage(request.user) else [],
        "now": timezone.now()})


@login_required
def tile(request: HttpRequest) -> HttpResponse:
    """One tile with its explanation and evidence chain, re-rendered for the viewer (their permissions)."""
    widget = registry.widgets().get(request.GET.get("widget", ""))
    if widget is None or not widget.can_see(request.user):
        raise NotFound("Ô trên bảng điều hành", "Dashboard tile")
    params: dict = {k: request.GET[k] for k in widget.params if k in request.GET}
    if "limit" in params:
        params["limit"] = int(params["limit"]) if params["limit"].isdigit() else 0
    if errors := widget.errors(params):
        raise ValidationFailed(errors)
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 1990 <= int(raw_year) <= 2100 else None
    period = request.GET.get("period", "")
    if period:
        try:
            period = periods_key(period, year)
            year = year or int(period[:4])
        except ValidationFailed:
            period = ""
    ctx = services.context_for(request.user, {"scope": request.GET.get("scope"), "year": year, "period": period})
    tiles = [t for t in widget.render(ctx, params) if t.key == request.GET.get("key")]
    if not tiles:
        raise NotFound("Ô trên bảng điều hành", "Dashboard tile")
    return render(request, "ioc/tile.html", {"tile": tiles[0], "ctx": ctx, "widget": widget})


@login_required
def edit(request: HttpRequest, dashboard_id: int | None = None) -> HttpResponse:
    board = services.get_dashboard(request.user, dashboard_id) if dashboard_id else None
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("definition", "")
        try:
            data = json.loads(text)
            saved = services.save_dashboard(
                request.user, data, dashboard_id, int(request.POST.get("version") or 0) or None,
                shared=bool(request.POST.get("shared")), default_for=request.POST.get("default_for", ""))
            messages.success(request, gettext("Đã lưu bảng điều hành %(name)s") % {"name": saved.name})
            return redirect("ioc:dashboard", saved.pk)
        except ValueError as exc:
            errors = [f"JSON: {exc}"]
        except DomainError as exc:
            errors = _errors(exc)
    else:
        definition = board.definition if board else services.home_definition(request.user)[0]
        text = json.dumps(definition, ensure_ascii=False, indent=2)
    return render(request, "ioc/edit.html", {
        "board": board, "text": text, "errors": errors, "can_manage": services.can_manage(request.user),
        "audiences": Audience.choices, "widgets": sorted(registry.widgets().values(), key=lambda w: w.key)})


@login_required
def export(request: HttpRequest, dashboard_id: int) -> HttpResponse:
    board = services.get_dashboard(request.user, dashboard_id)
    response = HttpResponse(services.export_definition(board), content_type="application/json; charset=utf-8")
    attach(response, f"dashboard-{board.pk}.json")
    return response


@login_required
@require_POST
@upload_guard()  # any account with access imports its own dashboards
def import_view(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        board = services.import_definition(request.user, upload.read() if upload else b"",
                                           shared=bool(request.POST.get("shared")))
    except DomainError as exc:
        for line in _errors(exc):
            messages.error(request, line)
        return redirect("ioc:index")
    messages.success(request, gettext("Đã nhập bảng điều hành %(name)s") % {"name": board.name})
    return redirect("ioc:dashboard", board.pk)


@login_required
@require_POST
def pin(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("dashboard", "")
    services.pin(request.user, int(raw) if raw.isdigit() else None)
    return redirect("home")


@login_required
@require_POST
def kiosk_issue(request: HttpRequest) -> HttpResponse:
    raw_days = request.POST.get("days", "30")
    try:
        link, token = services.issue_kiosk_link(request.user, int(request.POST.get("dashboard") or 0),
                                                request.POST.get("label", ""),
                                                int(raw_days) if raw_days.isdigit() else 0)
    except DomainError as exc:
        for line in _errors(exc):
            messages.error(request, line)
        return redirect("ioc:index")
    url = request.build_absolute_uri(reverse("ioc:wall", args=[token]))
    messages.success(request, gettext("Liên kết màn hình %(label)s: %(url)s") % {"label": link.label, "url": url})
    return redirect("ioc:index")


@login_required
@require_POST
def kiosk_revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = services.revoke_kiosk_link(request.user, link_id)
    messages.success(request, gettext("Đã thu hồi liên kết màn hình %(label)s") % {"label": link.label})
    return redirect("ioc:index")


def _kiosk(token: str) -> tuple[KioskLink | None, HttpResponse | None]:
    try:
        return services.resolve_kiosk(token), None
    except Forbidden as exc:
        return None, JsonResponse({"error": "forbidden", "message": {"vi": exc.vi, "en": exc.en}}, status=403)


@never_cache
@xframe_options_sameorigin
def wall(request: HttpRequest, token: str) -> HttpResponse:
    """The video wall: no login, one dashboard, read-only."""
    link, refused = _kiosk(token)
    if refused:
        return render(request, "ioc/wall_refused.html", status=403)
    board = link.dashboard
    figures = services.figures_for(link.issued_by, board.definition, board, kiosk=True)
    KioskLink.objects.filter(pk=link.pk).update(last_seen_at=timezone.now())
    return render(request, "ioc/wall.html", {
        "figures": figures, "board": board, "link": link, "token": token, "body": _body(figures, kiosk=True),
        "refresh": int(board.definition.get("refresh_seconds") or services.DEFAULT_REFRESH),
        "rotate": int(board.definition.get("rotate_seconds") or 20)})


@never_cache
def wall_data(request: HttpRequest, token: str) -> HttpResponse:
    """What a wall screen polls: the computation's number and its HTML. Cheap while the figures are fresh."""
    link, refused = _kiosk(token)
    if refused:
        return refused
    board = link.dashboard
    figures = services.figures_for(link.issued_by, board.definition, board, kiosk=True)
    if request.GET.get("have") == str(figures.computation):
        response = JsonResponse({"computation": figures.computation, "unchanged": True})
        response["X-IOC-Computation"] = str(figures.computation)
        return response
    # Encoded (and compressed) once per computation: hundreds of screens fetch the same bytes.
    plain = f"json.{get_language()}"
    if plain not in figures.rendered:
        body = json.dumps({"computation": figures.computation,
                           "computed_at": vn_datetime(timezone.localtime(figures.computed_at)),
                           "html": _body(figures, kiosk=True)}, ensure_ascii=False).encode()
        figures.rendered[plain + ".gz"] = gzip.compress(body, 6)
        figures.rendered[plain] = body
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(figures.rendered[plain + ".gz" if zipped else plain], content_type="application/json")
    if zipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["X-IOC-Computation"] = str(figures.computation)  # monitoring (and the benchmark) need not parse it
    return response
