"""Pages of journey monitoring. Thin: read the request, call services, render. Every page needs the
transport-inspector permission (services raise Forbidden → 403 page)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tinhso.core import jobs
from tinhso.core.downloads import attach
from tinhso.core.errors import DomainError, FieldError, in_language
from tinhso.core.formatting import vn_date, vn_duration, vn_number
from tinhso.core.labels import audit_in_language
from tinhso.core.uploads import upload_guard
from tinhso.transport import generator, services
from tinhso.transport.access import can_manage, manage_upload_check
from tinhso.transport.models import Business, LicenceKind, RuleKind


def _date(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, "") or request.POST.get(name, ""))
    except ValueError:
        return default


def _period(request: HttpRequest, days: int | None = 7) -> tuple[dt.date, dt.date]:
    span = services.data_period()
    last = span[1] if span else dt.date.today()
    first = span[0] if span else last
    default_start = max(first, last - dt.timedelta(days=days - 1)) if days else first
    default_start = max(default_start, last - dt.timedelta(days=services.MAX_PERIOD_DAYS - 1))
    return _date(request, "start", default_start), _date(request, "end", last)


@login_required
def vehicles(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind") if request.GET.get("kind") in LicenceKind.values else ""
    business = request.GET.get("business", "")
    business_id = int(business) if business.isdigit() else None
    found = services.search_vehicles(request.user, q, kind, business_id, limit=500)
    return render(request, "transport/vehicles.html", {
        "vehicles": found, "q": q, "kind": kind, "kinds": LicenceKind.choices, "business_id": business_id,
        "businesses": Business.objects.order_by("name"), "stats": services.store.store_stats(),
        "batches": services.recent_batches(request.user, 5),
    })


@login_required
def vehicle_detail(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    vehicle = services.get_vehicle(request.user, vehicle_id)
    start, end = _period(request, 1)
    context = {"vehicle": vehicle, "start": start, "end": end}
    try:
        result = services.vehicle_journeys(request.user, vehicle, start, end)
        track = services.track(request.user, vehicle, start, end)
    except DomainError as exc:
        context["error"] = exc
        return render(request, "transport/vehicle.html", context, status=400)
    viols = services._decorate(result.violations)
    context.update({
        "trips": services._decorate(result.trips), "stops": services._decorate(result.stops), "violations": viols,
        "distance_km": sum(t["distance_m"] for t in result.trips) / 1000,
        "driving_s": sum(t["driving_s"] for t in result.trips), "points": result.points,
        "map_data": {
            "track": track,
            "stops": [[s["lat"], s["lon"], s["kind"], s["duration_s"], s["start_dt"].isoformat(),
                       vn_duration(s["duration_s"])]
                      for s in result.stops],
            "violations": [[v["lat"], v["lon"], v["kind_label"], v["value_text"], v["start_dt"].isoformat()]
                           for v in viols if v["lat"] is not None],
        },
    })
    return render(request, "transport/vehicle.html", context)


@login_required
def violations(request: HttpRequest) -> HttpResponse:
    start, end = _period(request, None)
    kind = request.GET.get("kind") if request.GET.get("kind") in RuleKind.values else ""
    business = request.GET.get("business", "")
    business_id = int(business) if business.isdigit() else None
    plate = request.GET.get("plate", "").strip()
    driver = request.GET.get("driver", "").strip()
    context = {"start": start, "end": end, "kind": kind, "kinds": RuleKind.choices, "business_id": business_id,
               "businesses": Business.objects.order_by("name"), "plate": plate, "driver": driver}
    try:
        vehicle_id = services.find_vehicle(request.user, plate).pk if plate else None
        rows = services.violations(request.user, start, end, kind, vehicle_id, business_id, driver, limit=2000)
        context.update(rows=rows, analysed=services.analysed_days(start, end), days=(end - start).days + 1)
    except DomainError as exc:
        services.require_view(request.user)
        context["error"] = exc
    return render(request, "transport/violations.html", context)


@login_required
@require_POST
def analyse(request: HttpRequest) -> HttpResponse:
    """Recompute a period in the background: the button leads to the job's progress page, which comes
    back here with the outcome once done (a month of a large fleet takes minutes)."""
    start, end = _period(request, None)
    back = f"{request.POST.get('next') or '/transport/violations/'}?start={start}&end={end}"
    services.require_view(request.user)
    try:
        start, end = services.check_period(start, end)
    except DomainError as exc:
        messages.error(request, "; ".join(in_language(e.vi, e.en) for e in exc.errors) or in_language(exc.vi, exc.en))
        return redirect(back)
    user = request.user
    language = translation.get_language()  # the job runs in another thread: it speaks the starter's language

    def work(progress) -> str:
        with translation.override(language):
            return _analyse(progress)

    def _analyse(progress) -> str:
        def chunk_done(done: int, total: int, points: int) -> None:  # analysis.analyse's per-chunk report
            progress(0.95 * done / max(total, 1), f"{vn_number(done)}/{vn_number(total)} {_('xe')}, "
                                                  f"{vn_number(points)} {_('điểm GSHT')}")

        return services.analysis_summary(services.run_analysis(user, start, end, progress=chunk_done))

    label = f"{_('Tính chuyến và vi phạm')} {vn_date(start)} → {vn_date(end)}"
    job = jobs.start(user, "transport.analyse", label, work, key=f"{start}:{end}", next_url=back)
    return redirect("job", job_id=job.pk)


@login_required
def coaches(request: HttpRequest) -> HttpResponse:
    start, end = _period(request, None)
    context = {"start": start, "end": end}
    try:
        scores = services.coach_candidates(request.user, start, end)
    except DomainError as exc:
        services.require_view(request.user)
        context["error"] = exc
        scores = []
    vehicles_by_id = services.Vehicle.objects.select_related("business").in_bulk([s.vehicle_id for s in scores])
    context.update(rows=[(s, vehicles_by_id[s.vehicle_id]) for s in scores], threshold=services.coach.THRESHOLD,
                   analysed=services.analysed_days(start, end), days=(end - start).days + 1)
    return render(request, "transport/coaches.html", context)


@login_required
def coach_detail(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    vehicle = services.get_vehicle(request.user, vehicle_id)
    start, end = _period(request, None)
    scores = {s.vehicle_id: s for s in services.coach_candidates(request.user, start, end)}
    score = scores.get(vehicle.pk)
    lines = []
    if score:
        table = services.analysis.load_points(start, end, vehicle_ids=[vehicle.pk]).to_pydict()
        ts = table["t"]
        import bisect

        for e in score.evidence[:12]:
            a, b = bisect.bisect_left(ts, e["start"]), bisect.bisect_right(ts, e["end"])
            step = max(1, (b - a) // 400)
            lines.append([[round(table["lat"][i], 5), round(table["lon"][i], 5)] for i in range(a, b, step)])
    evidence = services._decorate([dict(e) for e in score.evidence]) if score else []
    return render(request, "transport/coach.html", {
        "vehicle": vehicle, "score": score, "start": start, "end": end, "evidence": evidence,
        "explanation": services.coach.explain(score, services.coach.window_days(start, end)) if score else [],
        "map_data": {"lines": lines, "route": [list(p) for p in score.route] if score and score.route else []},
    })


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    start, end = _period(request, None)
    level = request.GET.get("level") if request.GET.get("level") in services.REPORT_LEVELS else "vehicle"
    context = {"start": start, "end": end, "level": level, "headers": services.REPORT_HEADERS}
    try:
        context["rows"] = services.report(request.user, level, start, end)
        context["analysed"] = services.analysed_days(start, end)
        context["days"] = (end - start).days + 1
    except DomainError as exc:
        services.require_view(request.user)
        context["error"] = exc
    return render(request, "transport/reports.html", context)


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    start, end = _period(request, None)
    content, filename, mime = services.export_report(request.user, request.GET.get("level", "vehicle"), start, end,
                                                     request.GET.get("format", "xlsx"))
    response = HttpResponse(content, content_type=mime)
    attach(response, filename)
    return response


@login_required
def positions_download(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    vehicle = services.get_vehicle(request.user, vehicle_id)
    start, end = _period(request, 1)
    fmt = request.GET.get("format", "csv")
    content, _ = services.extract(request.user, vehicle, start, end, fmt)
    mime = {"json": "application/json", "csv": "text/csv; charset=utf-8"}.get(fmt, "application/vnd.apache.parquet")
    response = HttpResponse(content, content_type=mime)
    attach(response, f"{vehicle.plate_key}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}")
    return response


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    services.require_view(request.user)
    from tinhso.transport.models import MonitoringRegime

    return render(request, "transport/rules.html", {"rules": services.rules(),
                                                    "regimes": MonitoringRegime.objects.all()})


@login_required
def basemap(request: HttpRequest) -> JsonResponse:
    """The base layer named as of `date` (the track's day): places carry the province of that day."""
    services.require_view(request.user)
    try:
        as_of = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        as_of = None
    return JsonResponse(generator.basemap_geojson(as_of))


# ---------------------------------------------------------------- the fleet registry

@login_required
@upload_guard(manage_upload_check)
def fleet_page(request: HttpRequest) -> HttpResponse:
    """Counts, imports of the fleet and of declared contracts (all or nothing, errors per row), exports."""
    from django.db.models import Count

    from tinhso.transport import fleet
    from tinhso.transport.models import Contract, Device, Driver, Vehicle

    services.require_view(request.user)
    context: dict = {"can_manage": can_manage(request.user)}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            fleet.require_manage_rules(request.user)
            if upload is None:
                raise DomainError(FieldError("file", "chưa chọn tệp", "no file chosen"))
            content = upload.read()
            if request.POST.get("what") == "contracts":
                from tinhso.core.tabular import read_table

                result = fleet.import_contracts(request.user, read_table(content, upload.name, fleet.CONTRACT_ALIASES))
            else:
                result = fleet.import_fleet(request.user, fleet.read_fleet(content, upload.name))
            if result.errors:
                context["errors"], status = result.errors, 400
            else:
                context["result"] = result
        except DomainError as exc:
            context["errors"] = exc.errors or [FieldError("file", exc.vi, exc.en)]
            status = exc.status
    context["counts"] = {"vehicles": Vehicle.objects.count(), "active": Vehicle.objects.filter(active=True).count(),
                         "businesses": Business.objects.count(), "drivers": Driver.objects.count(),
                         "devices": Device.objects.count(), "contracts": Contract.objects.count()}
    context["businesses"] = Business.objects.annotate(vehicle_count=Count("vehicles")).order_by("name")[:500]
    context["drivers"], context["devices"] = fleet.list_drivers(request.user), fleet.list_devices(request.user)
    return render(request, "transport/fleet.html", context, status=status)


@login_required
def fleet_export(request: HttpRequest) -> HttpResponse:
    from tinhso.transport import fleet

    content, name, mime = fleet.export_fleet(request.user, request.GET.get("format", "xlsx"))
    response = HttpResponse(content, content_type=mime)
    attach(response, name)
    return response


@login_required
def vehicle_edit(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    from decimal import Decimal, InvalidOperation

    from tinhso.transport import fleet

    vehicle = services.get_vehicle(request.user, vehicle_id)
    fleet.require_manage_rules(request.user)
    context = {"vehicle": vehicle, "kinds": LicenceKind.choices, "businesses": Business.objects.order_by("name")}
    if request.method == "POST":
        post = request.POST
        try:
            business = Business.objects.filter(pk=post.get("business") if (post.get("business") or "").isdigit()
                                               else 0).first()
            seats = int(post["seats"]) if (post.get("seats") or "").strip().isdigit() else None
            try:
                text = post.get("tonnage", "").strip().replace(",", ".")
                tonnage = Decimal(text) if text else None
            except InvalidOperation:
                raise DomainError(FieldError("tonnage", "tải trọng phải là số", "tonnage must be a number")) \
                    from None
            changes = {"plate": post.get("plate", ""), "business": business,
                       "licence_kind": post.get("licence_kind", ""),
                       "seats": seats, "tonnage": tonnage, "registered_route": post.get("registered_route", ""),
                       "badge_number": post.get("badge_number", ""),
                       "badge_expiry": _date(request, "badge_expiry", None), "active": bool(post.get("active"))}
            version = int(post.get("version") or 0)
            updated = fleet.update_vehicle(request.user, vehicle.pk, changes, version)
            messages.success(request, _("Đã lưu"))
            return redirect("transport:vehicle", updated.pk)
        except DomainError as exc:
            context["error"] = exc
            return render(request, "transport/vehicle_form.html", context, status=exc.status)
    return render(request, "transport/vehicle_form.html", context)


# ---------------------------------------------------------------- edit pages of businesses, drivers, devices

def _fleet_form(request: HttpRequest, form, obj, title: str, save, back: str) -> HttpResponse:
    """One edit page: the form at the version it was read, the service's errors on their fields (a stale
    version as a conflict at the top), the record's audit history below."""
    from tinhso.core.audit import history_of
    from tinhso.core.forms import apply_errors

    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except DomainError as exc:
                apply_errors(form, exc, {"vehicle": "plate"})
                status = exc.status
            else:
                messages.success(request, _("Đã lưu: %(title)s") % {"title": title})
                return redirect(back)
        else:
            status = 400
    return render(request, "transport/fleet_form.html", {
        "form": form, "title": title, "back": back, "history": audit_in_language(history_of(obj, limit=50)),
    }, status=status)


@login_required
def business_edit(request: HttpRequest, business_id: int) -> HttpResponse:
    from tinhso.transport import fleet
    from tinhso.transport.forms import BusinessForm

    fleet.require_manage_rules(request.user)
    business = fleet.get_business(request.user, business_id)
    initial = {f: getattr(business, f) for f in fleet.BUSINESS_FIELDS} | {"version": business.version}
    form = BusinessForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        fleet.update_business(request.user, business.pk, {f: data[f] for f in fleet.BUSINESS_FIELDS},
                              data["version"])

    return _fleet_form(request, form, business, f"{business.name} ({business.licence_number})", save,
                       reverse("transport:fleet"))


@login_required
def driver_edit(request: HttpRequest, driver_id: int) -> HttpResponse:
    from tinhso.transport import fleet
    from tinhso.transport.forms import DriverForm

    fleet.require_manage_rules(request.user)
    driver = fleet.get_driver(request.user, driver_id)
    initial = {"full_name": driver.full_name, "business": driver.business_id, "active": driver.active,
               "version": driver.version}
    form = DriverForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        fleet.update_driver(request.user, driver.pk, {f: data[f] for f in ("full_name", "business", "active")},
                            data["version"])

    return _fleet_form(request, form, driver, f"{driver.full_name} — GPLX {driver.licence_number}", save,
                       reverse("transport:fleet") + "#drivers")


@login_required
def device_edit(request: HttpRequest, device_id: int) -> HttpResponse:
    from tinhso.transport import fleet
    from tinhso.transport.forms import DeviceForm

    fleet.require_manage_rules(request.user)
    device = fleet.get_device(request.user, device_id)
    initial = {"provider": device.provider, "plate": device.vehicle.plate if device.vehicle else "",
               "active": device.active, "version": device.version}
    form = DeviceForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        vehicle = fleet.vehicle_by_plate(data["plate"], "plate") if data["plate"].strip() else None
        fleet.update_device(request.user, device.pk, {"provider": data["provider"], "vehicle": vehicle,
                                                      "active": data["active"]}, data["version"])

    return _fleet_form(request, form, device, f"{_('Thiết bị')} {device.serial}", save,
                       reverse("transport:fleet") + "#devices")
