"""Pages of the information-system inventory and of security levels. Thin: read the request, call services,
render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import can_edit_unit, is_system_admin, require_edit_unit, upload_by_writer
from tinhso.core import downloads
from tinhso.core.audit import history_of
from tinhso.core.errors import DomainError, Forbidden, ValidationFailed, in_language, required
from tinhso.core.forms import apply_errors
from tinhso.core.labels import audit_in_language
from tinhso.core.tabular import read_table
from tinhso.core.uploads import upload_guard
from tinhso.security import charts, dossiers, incidents, regimes, services
from tinhso.security.forms import AssetForm, ImportForm, SystemForm
from tinhso.security.models import (
    CLOSED_STATUSES,
    Asset,
    AssetKind,
    AssetStatus,
    Category,
    DossierDocument,
    DossierStatus,
    Hosting,
    IncidentStatus,
    InformationSystem,
    LevelDossier,
    SystemStatus,
)
from tinhso.units.models import Unit

LEVEL_TARGET = 80  # seed 003: 80% of systems with an approved level by the end of 2023


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
        "dossiers": [(d, dossiers.state_of(d)) for d in dossiers.dossiers_of(system)],
        "approval": dossiers.current_approval(system),
        "can_screen": can_edit_unit(request.user, system.owner) and not system.dossiers.filter(
            status__in=(DossierStatus.SUBMITTED, DossierStatus.APPRAISED)).exists(),
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
            messages.success(request, _("Đã thêm hệ thống: %(name)s") % {"name": system.name})
            return redirect("security:system", system_id=system.pk)
    return render(request, "core/form.html", {"form": form, "title": _("Thêm hệ thống thông tin"),
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
            messages.success(request, _("Đã lưu"))
            return redirect("security:system", system_id=system.pk)
    return render(request, "core/form.html", {"form": form, "title": _("Sửa: %(name)s") % {"name": system.name},
                                              "back": reverse("security:system", args=[system.pk])})


@login_required
def system_history(request: HttpRequest, system_id: int) -> HttpResponse:
    system = services.get_system(system_id)
    return render(request, "security/history.html", {
        "title": system.name, "back": reverse("security:system", args=[system.pk]),
        "entries": audit_in_language(services.system_history(system_id))})


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
            messages.success(request, _("Đã thêm: %(name)s") % {"name": asset.name})
            return redirect("security:assets")
    return render(request, "core/form.html", {"form": form, "title": _("Thêm tài sản hạ tầng số"),
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
            messages.success(request, _("Đã lưu"))
            return redirect("security:assets")
    return render(request, "core/form.html", {"form": form, "title": _("Sửa: %(name)s") % {"name": asset.name},
                                              "back": reverse("security:assets")})


@login_required
def asset_history(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset: Asset = services.get_asset(asset_id)
    return render(request, "security/history.html", {"title": asset.name, "back": reverse("security:assets"),
                                                     "entries": audit_in_language(services.asset_history(asset_id))})


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(upload_by_writer)
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
    return downloads.download(content, filename, mime)


# ---------------------------------------------------------------- security levels

def _answers_from_post(request: HttpRequest) -> dict:
    return {q["id"]: request.POST.get(q["id"], "") for q in regimes.questions()}


def _wizard_fields(answers: dict) -> list[dict]:
    """Each question with its choices and the current answer as the form shows it."""
    fields = []
    for question in regimes.questions():
        value = answers.get(question["id"], "")
        if question["kind"] == "yesno":
            choices = [("true", _("Có")), ("false", _("Không"))]
            value = {True: "true", False: "false"}.get(value, str(value).lower())
        else:
            choices = [(k, labels[0]) for k, labels in question.get("choices", {}).items()]
        fields.append({"id": question["id"], "label": question["vi"], "kind": question["kind"], "choices": choices,
                       "value": "" if value is None else str(value)})
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, system_id: int) -> HttpResponse:
    """The level-screening wizard: questions from the regime's criteria, pre-filled from the inventory;
    "Xem cấp độ" shows the proposed level and its reasons, "Lập hồ sơ" keeps them in a draft dossier."""
    system = services.get_system(system_id)
    require_edit_unit(request.user, system.owner)
    open_dossier = system.dossiers.filter(status__in=dossiers.EDITABLE).first()
    answers = (open_dossier.screening.get("answers", {}) if open_dossier else regimes.prefill(system))
    dated = open_dossier.dated if open_dossier else dt.date.today()
    result, errors = None, []
    if request.method == "POST":
        answers = _answers_from_post(request)
        try:
            dated = dt.date.fromisoformat(request.POST.get("dated", ""))
        except ValueError:
            errors.append(_("Ngày hồ sơ không hợp lệ"))
        if not errors:
            try:
                cleaned, problems = regimes.clean_answers(answers)
                if problems:
                    raise ValidationFailed(problems)
                result = regimes.screen(regimes.regime_on(dated), cleaned)
                if "save" in request.POST:
                    if open_dossier:
                        dossier = dossiers.update_draft(request.user, open_dossier.pk, open_dossier.version,
                                                        answers, dated, request.POST.get("justification"))
                    else:
                        dossier = dossiers.start_dossier(request.user, system.pk, answers, dated,
                                                         request.POST.get("justification", ""))
                    messages.success(request, _("Đã lưu hồ sơ, cấp độ đề xuất %(level)s")
                                     % {"level": dossier.proposed_level})
                    return redirect("security:dossier", dossier_id=dossier.pk)
            except DomainError as exc:
                errors += [f"{e.field}: {in_language(e.vi, e.en)}" for e in exc.errors] or [in_language(exc.vi, exc.en)]
    regime = regimes.regime_on(dated) if dated >= regimes.all_regimes()[0].valid_from else None
    return render(request, "security/screen.html", {
        "system": system, "fields": _wizard_fields(answers), "dated": dated,
        "result": result, "errors": errors, "regime": regime, "open_dossier": open_dossier,
        "justification": open_dossier.justification if open_dossier else ""})


@login_required
def dossier_detail(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = dossiers.get_dossier(dossier_id)
    owner = dossier.system.owner
    regime = regimes.get_regime(dossier.regime)
    user = request.user
    editable = dossier.status in dossiers.EDITABLE and can_edit_unit(user, owner)
    known = {d["code"]: d for d in regime.all_documents()}
    return render(request, "security/dossier.html", {
        "dossier": dossier, "system": dossier.system, "regime": regime, "state": dossiers.state_of(dossier),
        "documents": [(d, known.get(d.kind, {}).get("vi", d.kind)) for d in dossier.documents.all()],
        "required": regime.documents(dossier.proposed_level, "approval"),
        "missing": {d["code"] for d in dossiers.missing_documents(dossier, "approval")},
        "document_kinds": regime.all_documents(),
        "can_edit": editable,
        "can_attach": editable or (dossier.status in dossiers.OPEN and (
            dossiers.is_dx_office(user, owner) or dossiers.is_approver(user, owner))),
        "can_submit": editable,
        "can_appraise": dossier.status == DossierStatus.SUBMITTED and dossiers.is_dx_office(user, owner),
        "can_approve": dossier.status == DossierStatus.APPRAISED and dossiers.is_approver(user, owner),
        "can_return": dossier.status in (DossierStatus.SUBMITTED, DossierStatus.APPRAISED) and (
            dossiers.is_dx_office(user, owner) or dossiers.is_approver(user, owner)),
        "approver": regime.authority(dossier.proposed_level, "approver"),
        "appraiser": regime.authority(dossier.proposed_level, "appraiser"),
        "entries": audit_in_language(history_of(dossier)), "today": dt.date.today(),
    })


@login_required
@require_http_methods(["POST"])
@upload_guard(upload_by_writer)
def dossier_action(request: HttpRequest, dossier_id: int, action: str) -> HttpResponse:
    """One step of the workflow from the dossier page; errors come back as messages on the page."""
    user, post = request.user, request.POST
    try:
        version = int(post.get("version", ""))
    except ValueError:
        version = -1
    try:
        if action == "attach":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationFailed(required("file"))
            dossiers.attach_document(user, dossier_id, post.get("kind", ""), upload)
        elif action == "submit":
            dossiers.submit(user, dossier_id, version)
        elif action == "appraise":
            dossiers.appraise(user, dossier_id, version, post.get("opinion", ""), post.get("authority", ""))
        elif action == "approve":
            try:
                decided = dt.date.fromisoformat(post.get("decision_date", ""))
            except ValueError:
                decided = None
            dossiers.approve(user, dossier_id, version, post.get("decision_number", ""), decided,
                             post.get("signer", ""))
        elif action == "return":
            dossiers.return_dossier(user, dossier_id, version, post.get("comments", ""))
        else:
            raise Http404
    except ValidationFailed as exc:
        for error in exc.errors or [None]:
            messages.error(request, in_language(error.vi, error.en) if error else in_language(exc.vi, exc.en))
    else:
        messages.success(request, _("Đã cập nhật hồ sơ"))
    return redirect("security:dossier", dossier_id=dossier_id)


@login_required
def dossier_document(request: HttpRequest, document_id: int) -> HttpResponse:
    document = DossierDocument.objects.select_related("dossier__system__owner").filter(pk=document_id).first()
    if document is None:
        raise Http404
    owner = document.dossier.system.owner
    if not (can_edit_unit(request.user, owner) or dossiers.is_dx_office(request.user, owner)
            or dossiers.is_approver(request.user, owner)):
        raise Forbidden("Chỉ đơn vị chủ quản, đơn vị thẩm định và người phê duyệt được xem tài liệu hồ sơ",
                        "Only the owner, the appraiser and the approver may read dossier documents")
    return downloads.stored_file(document.file, document.name)


@login_required
def levels(request: HttpRequest) -> HttpResponse:
    """The leader's view: share of systems with an approved level (seed 003's 80% target), by level
    and by owner, then the dossiers waiting for someone."""
    under = _unit_param(request, "under")
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = dt.date.today()
    total, rows = dossiers.approved_share(under, day)
    level_chart = charts.horizontal_bars(
        "Hệ thống được phê duyệt theo cấp độ", [(f"Cấp độ {lv}", total.by_level.get(lv, 0)) for lv in range(1, 6)])
    waiting = (LevelDossier.objects.filter(status__in=dossiers.OPEN).select_related("system", "system__owner")
               .order_by("status", "dated"))
    if under is not None:
        waiting = waiting.filter(system__owner__path__startswith=under.path)
    return render(request, "security/levels.html", {
        "total": total, "rows": rows, "day": day, "under": under, "target": LEVEL_TARGET,
        "level_chart": level_chart, "waiting": waiting[:200],
        "regime": regimes.regime_on(day) if day >= regimes.all_regimes()[0].valid_from else None,
    })


# ---------------------------------------------------------------- security events and incidents

@login_required
def operations(request: HttpRequest) -> HttpResponse:
    """The province-level SOC view: open incidents and their reporting clocks first, then the day's events
    by hour, category and owner, within the reader's scope."""
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = dt.date.today()
    now = timezone.now()
    scope = incidents.visible(request.user)
    open_incidents = list(scope.exclude(status__in=CLOSED_STATUSES).order_by("-detected_at")[:200])
    rows = [(i, incidents.clocks(i, now)) for i in open_incidents]
    recent = list(scope.filter(status__in=CLOSED_STATUSES).order_by("-detected_at")[:20])
    summary = incidents.events_summary(request.user, day)
    chart = charts.horizontal_bars("Sự kiện theo giờ", [(f"{h:02d}h", n) for h, n in enumerate(summary["by_hour"])],
                                   width=640) if summary["total"] else ""
    overdue = sum(1 for _, cl in rows if any(c.overdue for c in cl))
    return render(request, "security/operations.html", {
        "day": day, "rows": rows, "recent": recent, "summary": summary, "chart": chart, "overdue": overdue,
        "by_owner": incidents.counts_by_owner(request.user, now - dt.timedelta(days=30)),
        "critical": sum(1 for i in open_incidents if i.severity in ("high", "critical")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = incidents.get_incident(request.user, incident_id)
    can_handle = incidents.can_handle(request.user, incident)
    if request.method == "POST":
        if not can_handle:
            raise Forbidden()
        post = request.POST
        assignee = None
        if post.get("assignee", "").isdigit():
            assignee = User.objects.filter(pk=int(post["assignee"]), is_active=True).first()
        try:
            incidents.update_incident(request.user, incident.pk, int(post.get("version", "0") or 0),
                                      status=post.get("status") or None, assignee=assignee,
                                      note=post.get("note"), notified="notified" in post, reported="reported" in post)
        except DomainError as exc:
            for error in exc.errors or [None]:
                messages.error(request, in_language(error.vi, error.en) if error else in_language(exc.vi, exc.en))
        else:
            messages.success(request, _("Đã cập nhật sự cố"))
        return redirect("security:incident", incident_id=incident.pk)
    people = []
    if can_handle:
        candidates = User.objects.filter(is_active=True).exclude(role=Role.API_CLIENT).select_related("unit")
        people = [u for u in candidates[:500] if incidents.can_view(u, incident)]
    return render(request, "security/incident.html", {
        "incident": incident, "clocks": incidents.clocks(incident), "can_handle": can_handle, "people": people,
        "statuses": IncidentStatus.choices, "regime": regimes.get_regime(incident.regime),
        "entries": audit_in_language(history_of(incident))})


@login_required
def incident_report(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The initial incident report for the authority, with the contents the regime asks for (Decision
    05/2017/QĐ-TTg Art. 11.4 under Decree 85's regime), filled from the inventory and the incident."""
    incident = incidents.get_incident(request.user, incident_id)
    regime = regimes.get_regime(incident.regime)
    return render(request, "security/incident_report.html", {
        "incident": incident, "regime": regime, "system": incident.system,
        "operator": incident.system.operator if incident.system else None, "now": timezone.now()})
