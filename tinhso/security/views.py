"""Pages of the information-system inventory. Thin: read the request, call services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tinhso.accounts.services import can_edit_unit, is_system_admin, require_edit_unit
from tinhso.core.errors import DomainError, ValidationFailed
from tinhso.core.forms import apply_errors
from tinhso.core.tabular import read_table
from tinhso.security import charts, services
from tinhso.security.forms import AssetForm, ImportForm, SystemForm
from tinhso.security.models import Asset, AssetKind, AssetStatus, Category, Hosting, InformationSystem, SystemStatus
from tinhso.units.models import Unit


def _unit_param(request: HttpRequest, name: str) -> Unit | None:
    value = request.GET.get(name, "")
    return Unit.objects.filter(pk=int(value)).first() if value.isdigit() and len(value) < 18 else None


def _choice_param(request: HttpRequest, name: str, choices) -> str | None:
    value = request.GET.get(name)
    return value if value in choices.values else None


def _can_create(user) -> bool:
    return is_system_admin(user) or can_edit_unit(user, user.unit)


@login_required
def systems(request: HttpRequest) -> HttpResponse:
    owner = _unit_param(request, "owner")
    query = request.GET.get("q", "").strip()[:200]
    category = _choice_param(request, "category", Category)
    hosting = _choice_param(request, "hosting", Hosting)
    status = _choice_param(request, "status", SystemStatus)
    found = services.search_systems(query, owner, category, hosting, status)
    summary = services.system_summary(found)
    owners = Unit.objects.filter(pk__in=InformationSystem.objects.values("owner_id").distinct()).order_by("path")
    return render(request, "security/systems.html", {
        "systems": found, "summary": summary, "q": query, "owner": owner, "owners": owners,
        "category": category, "hosting": hosting, "status": status,
        "categories": Category.choices, "hostings": Hosting.choices, "statuses": SystemStatus.choices,
        "hosting_chart": charts.horizontal_bars("Nơi đặt hệ thống", summary["hosting"]) if found else "",
        "can_create": _can_create(request.user),
    })


@login_required
def system_detail(request: HttpRequest, system_id: int) -> HttpResponse:
    system = services.get_system(system_id)
    return render(request, "security/system.html", {
        "system": system, "can_edit": can_edit_unit(request.user, system.owner),
        "show_addresses": services.can_view_addresses(request.user, system),
        "addresses": system.addresses.split("\n") if system.addresses else [],
        "assets": system.assets.select_related("unit").order_by("kind", "code"),
    })


def _form_data(cleaned: dict) -> dict:
    return {k: v for k, v in cleaned.items() if k != "version"}


@login_required
@require_http_methods(["GET", "POST"])
def system_create(request: HttpRequest) -> HttpResponse:
    if not _can_create(request.user):
        require_edit_unit(request.user, request.user.unit)
    form = SystemForm(request.POST or None, user=request.user, initial={"owner": request.user.unit})
    if request.method == "POST" and form.is_valid():
        try:
            system = services.create_system(request.user, _form_data(form.cleaned_data))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm hệ thống / Added: {system.name}")
            return redirect("security:system", system_id=system.pk)
    return render(request, "core/form.html", {"form": form, "title": "Thêm hệ thống thông tin / New information system",
                                              "back": reverse("security:systems")})


@login_required
@require_http_methods(["GET", "POST"])
def system_edit(request: HttpRequest, system_id: int) -> HttpResponse:
    system = services.get_system(system_id)
    require_edit_unit(request.user, system.owner)
    initial = {name: getattr(system, name) for name in services.SYSTEM_FIELDS} | {"version": system.version}
    form = SystemForm(request.POST or None, user=request.user, instance=system, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_system(request.user, system.pk, _form_data(form.cleaned_data),
                                   form.cleaned_data["version"] or 0)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu / Saved")
            return redirect("security:system", system_id=system.pk)
    return render(request, "core/form.html", {"form": form, "title": f"Sửa / Edit: {system.name}",
                                              "back": reverse("security:system", args=[system.pk])})


@login_required
def system_history(request: HttpRequest, system_id: int) -> HttpResponse:
    system = services.get_system(system_id)
    return render(request, "security/history.html", {
        "title": system.name, "back": reverse("security:system", args=[system.pk]),
        "entries": services.system_history(system_id)})


@login_required
def assets(request: HttpRequest) -> HttpResponse:
    unit = _unit_param(request, "unit")
    kind = _choice_param(request, "kind", AssetKind)
    status = _choice_param(request, "status", AssetStatus)
    query = request.GET.get("q", "").strip()[:200]
    totals = services.asset_totals(unit)
    counts = services.asset_counts(unit)
    found = services.search_assets(query, unit, kind, status, limit=500)
    labels = dict(AssetKind.choices)
    return render(request, "security/assets.html", {
        "assets": found, "counts": [(c.unit, [c.counts.get(k, 0) for k in AssetKind.values], c.total)
                                     for c in counts[:300]], "q": query, "unit": unit, "kind": kind, "status": status,
        "kinds": AssetKind.choices, "statuses": AssetStatus.choices,
        "totals": [(labels[k], n) for k, n in totals.items()],
        "chart": charts.horizontal_bars("Tài sản hạ tầng số đang hoạt động",
                                        [(labels[k], n) for k, n in totals.items()]) if any(totals.values()) else "",
        "can_create": _can_create(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def asset_create(request: HttpRequest) -> HttpResponse:
    if not _can_create(request.user):
        require_edit_unit(request.user, request.user.unit)
    form = AssetForm(request.POST or None, user=request.user,
                     initial={"unit": request.user.unit, "status": AssetStatus.OPERATING})
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.create_asset(request.user, _form_data(form.cleaned_data))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm / Added: {asset.name}")
            return redirect("security:assets")
    return render(request, "core/form.html", {"form": form, "title": "Thêm tài sản hạ tầng số / New asset",
                                              "back": reverse("security:assets")})


@login_required
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = services.get_asset(asset_id)
    require_edit_unit(request.user, asset.unit)
    initial = {name: getattr(asset, name) for name in services.ASSET_FIELDS} | {"version": asset.version}
    form = AssetForm(request.POST or None, user=request.user, instance=asset, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_asset(request.user, asset.pk, _form_data(form.cleaned_data),
                                  form.cleaned_data["version"] or 0)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu / Saved")
            return redirect("security:assets")
    return render(request, "core/form.html", {"form": form, "title": f"Sửa / Edit: {asset.name}",
                                              "back": reverse("security:assets")})


@login_required
def asset_history(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset: Asset = services.get_asset(asset_id)
    return render(request, "security/history.html", {"title": asset.name, "back": reverse("security:assets"),
                                                     "entries": services.asset_history(asset_id)})


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest, what: str) -> HttpResponse:
    if what not in ("systems", "assets"):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    aliases = services.SYSTEM_ALIASES if what == "systems" else services.ASSET_ALIASES
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = services.import_systems if what == "systems" else services.import_assets
        try:
            result = importer(request.user, read_table(upload.read(), upload.name, aliases))
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            errors = result.errors
            if not errors:
                messages.success(request, f"Đã nhập: {result.created} mới, {result.updated} cập nhật / "
                                          f"Imported: {result.created} created, {result.updated} updated")
                return redirect("security:systems" if what == "systems" else "security:assets")
    columns = services.SYSTEM_COLUMNS if what == "systems" else services.ASSET_COLUMNS
    return render(request, "security/import.html", {"form": form, "errors": errors, "what": what,
                                                    "columns": columns.values()})


@login_required
def export_file(request: HttpRequest, what: str) -> HttpResponse:
    try:
        content, filename, mime = services.export_file(request.user, what, request.GET.get("format", "xlsx"),
                                                        request.GET.get("template") == "1")
    except ValidationFailed as exc:
        return render(request, "core/error.html", {"error": exc}, status=400)
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
