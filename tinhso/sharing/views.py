"""Pages of data sharing and the gateway's entry point. Thin: read the request, call services, render."""

import csv
import datetime as dt

import pygal
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt

from tinhso.core.audit import history_of
from tinhso.core.charts import inline_svg
from tinhso.core.errors import DomainError, FieldError
from tinhso.core.labels import audit_in_language
from tinhso.core.uploads import upload_guard
from tinhso.sharing import gateway as gw
from tinhso.sharing import ledger, services
from tinhso.sharing.models import AccessStatus, DataCategory, ServiceStatus


@csrf_exempt
def gateway(request: HttpRequest, service_code: str, path: str) -> HttpResponse:
    """Machine-to-machine: the API key authenticates, not the session (so no CSRF)."""
    return gw.handle(request, service_code, path)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "") if request.GET.get("status", "") in ServiceStatus.values else ""
    category = request.GET.get("category", "") if request.GET.get("category", "") in DataCategory.values else ""
    found = services.search_services(request.user, q, status, category)
    today = ledger.local_day(dt.datetime.now(dt.UTC))
    systems = services.provider_systems(found)
    return render(request, "sharing/catalogue.html", {
        "services": found, "rows": [(s, systems.get(s.provider_system_code)) for s in found], "q": q,
        "status": status, "category": category, "statuses": ServiceStatus.choices,
        "categories": DataCategory.choices, "legal": services.legal_basis_on(today),
        "pending": [a for a in services.list_accesses(request.user, AccessStatus.PENDING)
                    if services.can_manage_provider(request.user, a.service.provider_unit)],
    })


@login_required
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    service = services.get_service(request.user, service_id)
    if request.method == "POST":
        try:
            access = services.request_access(request.user, service.pk, request.POST.get("consumer_unit", ""),
                                             request.POST.get("consumer_system", ""), request.POST.get("purpose", ""))
        except DomainError as exc:
            messages.error(request, "; ".join(e.vi for e in exc.errors) or exc.vi)
        else:
            messages.success(request, _("Đã gửi đề nghị khai thác; chờ đơn vị cung cấp phê duyệt."))
            return redirect("sharing:access_detail", access.pk)
    manage = services.can_manage_provider(request.user, service.provider_unit)
    units = []
    if request.user.unit is not None and services.can_act_for_consumer(request.user, request.user.unit):
        units = [request.user.unit]
    return render(request, "sharing/service.html", {
        "service": service, "system": services.provider_systems([service]).get(service.provider_system_code),
        "manage": manage, "consumer_units": units,
        "accesses": services.list_accesses(request.user, service_id=service.pk),
        "history": audit_in_language(history_of(service)) if manage else [],
    })


@login_required
def access_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "") if request.GET.get("status", "") in AccessStatus.values else ""
    accesses = services.list_accesses(request.user, status)
    return render(request, "sharing/access_list.html", {
        "accesses": [(a, services.can_manage_provider(request.user, a.service.provider_unit)) for a in accesses],
        "status": status, "statuses": AccessStatus.choices})


@login_required
def access_detail(request: HttpRequest, access_id: int) -> HttpResponse:
    access = services.get_access(request.user, access_id)
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        version = request.POST.get("version", "")
        expected = int(version) if version.isdigit() else None
        try:
            if action in ("approve", "refuse"):
                services.decide_access(request.user, access.pk, action == "approve", request.POST.get("note", ""),
                                       expected)
                messages.success(request, _("Đã ghi quyết định."))
            elif action == "revoke":
                services.revoke_access(request.user, access.pk, request.POST.get("note", ""), expected)
                messages.success(request, _("Đã thu hồi quyền khai thác."))
            elif action == "issue":
                _key, new_key = services.issue_key(request.user, access.pk)
            elif action == "rotate" and request.POST.get("key", "").isdigit():
                _key, new_key = services.rotate_key(request.user, int(request.POST["key"]))
            elif action == "revoke_key" and request.POST.get("key", "").isdigit():
                services.revoke_key(request.user, int(request.POST["key"]))
                messages.success(request, _("Đã thu hồi khóa."))
        except DomainError as exc:
            messages.error(request, "; ".join(e.vi for e in exc.errors) or exc.vi)
        if new_key is None:
            return redirect("sharing:access_detail", access.pk)
        access = services.get_access(request.user, access_id)
    return render(request, "sharing/access.html", {
        "access": access, "new_key": new_key, "keys": access.keys.all(),
        "decide": access.status == AccessStatus.PENDING and services.can_manage_provider(
            request.user, access.service.provider_unit),
        "can_revoke": access.status == AccessStatus.APPROVED and services.can_manage_provider(
            request.user, access.service.provider_unit),
        "consumer": services.can_act_for_consumer(request.user, access.consumer_unit),
        "history": audit_in_language(history_of(access)), "gateway_path": f"/sharing/gw/{access.service.code}/",
    })


def _month(request: HttpRequest) -> tuple[int, int]:
    today = ledger.local_day(dt.datetime.now(dt.UTC))
    raw = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-"))
        services.month_bounds(year, month)
        return year, month
    except (ValueError, DomainError):
        return today.year, today.month


def _day_chart(rows: list[dict]) -> str:
    chart = pygal.Bar(height=260, width=900, show_legend=True, legend_at_bottom=True, x_label_rotation=0,
                      style=pygal.style.Style(colors=("#2563eb", "#dc2626"), background="white",
                                              plot_background="white"),
                      show_minor_x_labels=False, disable_xml_declaration=True,
                      js=[])  # no script: the page's Content-Security-Policy forbids inline ones
    chart.x_labels = [r["day"].strftime("%d") for r in rows]
    chart.x_labels_major = chart.x_labels[::5]
    chart.add(_("Thành công"), [r["calls"] - r["failed"] for r in rows])
    chart.add(pgettext("failed count", "Lỗi"), [r["failed"] for r in rows])
    return inline_svg(chart)


@login_required
def traffic(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    start, end = services.month_bounds(year, month)
    by_day = services.rollup(request.user, start, end, "day")
    by_service = services.rollup(request.user, start, end, "service")
    by_client = services.rollup(request.user, start, end, "client")
    total = sum(r["calls"] for r in by_day)
    failed = sum(r["failed"] for r in by_day)
    return render(request, "sharing/traffic.html", {
        "month": f"{year:04d}-{month:02d}", "start": start, "end": end, "total": total, "failed": failed,
        "failed_rate": (failed / total * 100) if total else None, "chart": _day_chart(by_day) if by_day else "",
        "by_service": by_service, "by_client": by_client, "all": services.sees_all_traffic(request.user),
        "recent": services.recent_calls(request.user, start, end, failed_only=request.GET.get("failed") == "1",
                                        limit=50),
    })


def _dates(request: HttpRequest) -> tuple[dt.date, dt.date]:
    year, month = _month(request)
    start, end = services.month_bounds(year, month)
    try:
        start = dt.date.fromisoformat(request.GET.get("start", "")) if request.GET.get("start") else start
        end = dt.date.fromisoformat(request.GET.get("end", "")) if request.GET.get("end") else end
    except ValueError:
        pass
    return start, end


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    start, end = _dates(request)
    context = {"start": start, "end": end, "month": f"{start:%Y-%m}", "service": request.GET.get("service", "")[:80]}
    try:
        rows = services.reconcile(request.user, start, end, context["service"])
    except DomainError as exc:
        messages.error(request, exc.vi)
        rows = []
    context["rows"] = [r for r in rows if r["flagged"]] if request.GET.get("all") != "1" else rows
    context["checked"] = len(rows)
    day = request.GET.get("day", "")
    if context["service"] and day:
        try:
            context["calls"] = services.gap_calls(request.user, context["service"], dt.date.fromisoformat(day))
            context["day"] = dt.date.fromisoformat(day)
        except ValueError:
            pass
    return render(request, "sharing/reconciliation.html", context)


@login_required
@upload_guard(services.log_upload_check)
def imports_page(request: HttpRequest) -> HttpResponse:
    from tinhso.sharing import imports
    from tinhso.sharing.models import ImportBatch

    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(FieldError("file", "chọn tệp cần nhập", "choose a file"))
            report = imports.import_file(request.user, upload.read(), upload.name, request.POST.get("mapping", ""),
                                         request.POST.get("side", ""))
        except DomainError as exc:
            messages.error(request, "; ".join(e.vi for e in exc.errors) or exc.vi)
    return render(request, "sharing/imports.html", {
        "mappings": imports.mappings().values(), "report": report, "dx": services.is_dx_office(request.user),
        "batches": ImportBatch.objects.all()[:30]})


@login_required
def open_data_csv(request: HttpRequest) -> HttpResponse:
    start, end = _dates(request)
    rows = services.open_data(start, end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chia-se-du-lieu-{start}-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(services.OPEN_DATA_COLUMNS)
    writer.writerows(rows)
    return response
