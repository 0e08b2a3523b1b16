"""Web pages of DTI assessment. Thin: read the request, call services, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.accounts.services import is_system_admin
from tinhso.core import jobs
from tinhso.core.downloads import attach, stored_file
from tinhso.core.errors import DomainError, FieldError, ValidationFailed, in_language
from tinhso.core.formatting import vn_number, vn_signed
from tinhso.core.labels import audit_in_language
from tinhso.core.uploads import upload_guard
from tinhso.dti import exports, frameworks, national, services
from tinhso.dti.charts import main_indicator_bars
from tinhso.dti.models import Framework, FrameworkStatus, RoundStatus
from tinhso.units.models import Unit, UnitKind


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _error_message(request: HttpRequest, exc: DomainError) -> None:
    details = "; ".join(f"{e.field}: {in_language(e.vi, e.en)}" for e in exc.errors)
    messages.error(request, in_language(exc.vi, exc.en) + (f" — {details}" if details else ""))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    rounds = services.visible_rounds(request.user)
    can_create = is_system_admin(request.user) or request.user.role == "admin"
    scopes = []
    if can_create:
        scopes = Unit.objects.live().filter(kind=UnitKind.PROVINCE)
        if not is_system_admin(request.user) and request.user.unit is not None:
            scopes = scopes.filter(path__startswith=request.user.unit.path)
    return render(request, "dti/home.html", {
        "rounds": rounds,
        "frameworks": Framework.objects.all(),
        "can_create": can_create,
        "scopes": scopes,
        "nationwide": is_system_admin(request.user),
        "active_frameworks": Framework.objects.filter(status=FrameworkStatus.ACTIVE),
        "this_year": dt.date.today().year,
    })


@login_required
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    framework = Framework.objects.filter(pk=_int(request.POST.get("framework_id"), 0)).first()
    scope = Unit.objects.filter(pk=_int(request.POST.get("scope_id"), 0)).first()
    kind = request.POST.get("kind", "")
    national = kind == UnitKind.PROVINCE  # provinces: the national ranking, organised nationwide or by `scope`
    year = _int(request.POST.get("year"), 0) or 0
    try:
        errors = []
        if framework is None:
            errors.append(FieldError("framework_id", "chọn bộ chỉ số", "choose a framework"))
        if scope is None and not national:
            errors.append(FieldError("scope_id", "chọn đơn vị tổ chức", "choose the organising unit"))
        if kind not in (UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.PROVINCE):
            errors.append(FieldError("kind", "chọn tỉnh, sở, ngành hoặc xã, phường",
                                     "choose provinces, departments or communes"))
        if errors:
            raise ValidationFailed(errors)
        day = min(dt.date(year, 12, 31), dt.date.today()) if 2000 <= year <= 2100 else dt.date.today()
        units = Unit.objects.as_of(day).filter(kind=kind)
        units = list(units if national else units.below(scope))
        round_ = services.create_round(request.user, request.POST.get("name", ""), year, framework, scope, units,
                                       national=national)
    except DomainError as exc:
        _error_message(request, exc)
        return redirect("dti:home")
    messages.success(request, _("Đã tạo đợt %(name)s (%(count)s đơn vị)") % {"name": round_.name, "count": len(units)})
    return redirect("dti:round", round_id=round_.pk)


@login_required
def framework_detail(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = frameworks.get_framework(framework_id)
    mains = list(framework.main_indicators.prefetch_related("pillars", "components").order_by("order"))
    maxima = frameworks.pillar_maxima(framework)
    pillars = [(p, maxima[p.code]) for p in framework.pillars.order_by("order")]
    return render(request, "dti/framework.html", {"framework": framework, "mains": mains, "pillars": pillars,
                                                  "rounds": framework.rounds.all(),
                                                  "problems": frameworks.scoring_problems(framework)})


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = services.get_round(round_id, request.user)
    manager = services.can_manage_round(request.user, round_)
    context = {"round": round_, "manager": manager, "statuses": RoundStatus}
    if round_.is_published or (manager and round_.computed_at):
        context["ranking"] = services.ranking(
            request.user, round_id, peer_group=request.GET.get("group", ""), sort=request.GET.get("sort", "rank"),
            pillar=request.GET.get("pillar", ""), query=request.GET.get("q", ""))
    own = request.user.unit
    if own is not None and not manager:
        context["own_units"] = list(Unit.objects.filter(dti_memberships__round=round_, path__startswith=own.path)[:20])
    if manager and round_.national and not round_.is_published and not round_.derived_from_id:
        context["import_head"] = national.sheet_head(round_)
    if round_.is_published and manager and not round_.derived_from_id:
        context["can_derive"] = True
    context["derived"] = list(round_.derived.all()) if round_.pk else []
    if manager:
        context["unit_count"] = round_.members.count()
        context["members"] = list(Unit.objects.filter(dti_memberships__round=round_).order_by("kind", "name")[:500]) \
            if not round_.computed_at else []
    return render(request, "dti/round.html", context)


@login_required
@require_POST
def round_action(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    version = _int(request.POST.get("version"))
    actions = {
        "open": lambda: services.open_round(request.user, round_id, version),
        "collect": lambda: services.collect_automatic(request.user, round_id),
        "close": lambda: services.close_collection(request.user, round_id, version),
        "compute": lambda: services.recompute(request.user, round_id),
        "publish": lambda: services.publish_round(request.user, round_id, version),
    }
    if action not in actions:
        return render(request, "core/error.html", {"error": ValidationFailed(
            FieldError("action", "thao tác không hợp lệ", "unknown action"))}, status=400)
    if action in BACKGROUND:  # long for thousands of communes: a background job with a progress page
        return _start_job(request, round_id, action)
    try:
        outcome = actions[action]()
    except DomainError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("Đã thực hiện"))
        for warning in getattr(outcome, "warning_errors", []):
            messages.warning(request, in_language(warning.vi, warning.en))
    return redirect("dti:round", round_id=round_id)


# action → (job label, outcome message with the count the service returns)
BACKGROUND = {
    "collect": (_("Cập nhật số liệu từ hệ thống báo cáo"),
                _("Đã cập nhật %(count)s giá trị từ hệ thống báo cáo")),
    "compute": (_("Tính thử kết quả"), _("Đã tính kết quả của %(count)s đơn vị")),
}


def _start_job(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    round_ = services.get_round(round_id)
    services.require_manage_round(request.user, round_)
    user = request.user
    # the job's texts are fixed now, in the language of the person who starts it (the job runs in another thread)
    label, outcome = (str(text) for text in BACKGROUND[action])
    run = services.collect_automatic if action == "collect" else services.recompute

    def work(progress) -> str:
        progress(0.05, round_.name)
        count = vn_number(run(user, round_id))
        return outcome % {"count": count}

    job = jobs.start(user, f"dti.{action}", f"{label} — {round_.name}", work, key=str(round_id),
                     next_url=reverse("dti:round", args=[round_id]))
    return redirect("job", job_id=job.pk)


@login_required
@require_POST
@upload_guard(national.results_upload_check)
def results_import(request: HttpRequest, round_id: int) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationFailed(FieldError("file", "chọn tệp XLSX hoặc CSV", "choose an XLSX or CSV file"))
        outcome = national.import_results(request.user, round_id, upload.read(), upload.name or "")
    except DomainError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("Đã nhập kết quả của %(units)s đơn vị, chờ công bố") % {"units": outcome.units})
    return redirect("dti:round", round_id=round_id)


@login_required
@require_POST
def round_derive(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        derived = national.derive_successors(request.user, round_id)
    except DomainError as exc:
        _error_message(request, exc)
        return redirect("dti:round", round_id=round_id)
    messages.success(request, _("Đã quy đổi kết quả cho các đơn vị hiện nay"))
    return redirect("dti:round", round_id=derived.pk)


@login_required
@require_POST
def main_value_save(request: HttpRequest, round_id: int, unit_id: int, code: str) -> HttpResponse:
    try:
        national.set_main_value(request.user, round_id, unit_id, code, request.POST.get("value", ""),
                                request.POST.get("note", ""), _int(request.POST.get("version")))
        services.recompute(request.user, round_id)
    except DomainError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("Đã lưu giá trị chỉ số chính %(code)s") % {"code": code})
    return redirect(reverse("dti:scorecard", args=[round_id, unit_id]) + f"#m-{code}")


@login_required
def scorecard(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    card = services.scorecard(request.user, round_id, unit_id)
    previous_label = str(card.round.year - 1)
    if card.result and card.result.previous_basis == "merged":
        previous_label += f" ({_('TB đơn vị tiền thân')})"
    elif card.result and card.result.previous_basis == "absorbed":
        previous_label += f" ({_('TB gồm đơn vị sáp nhập vào')})"
    chart = ""
    if card.result:  # drafts of a unit show values, not scores
        rows = [(line.main.name, line.points or 0.0, line.previous, float(line.main.max_points)) for line in card.mains]
        chart = mark_safe(main_indicator_bars(rows, card.round.year, previous_label))  # noqa: S308 — built with escape()
    change = None
    if card.result and card.result.previous_points is not None:
        change = vn_signed(services.points_change(card.result), 2, fixed=True)
    pillars = []
    place = None
    if card.result:  # points per pillar out of the pillar's maximum (the sum of its members' maxima) and value 0–1
        maxima = frameworks.pillar_maxima(card.round.framework)
        pillars = [(code, card.result.by_pillar.get(code, 0), maximum, card.result.pillar_ranks.get(code),
                    card.result.pillar_values.get(code))
                   for code, maximum in maxima.items() if code in card.result.by_pillar]
        place = national.standing(request.user, round_id, unit_id)
    main_values = national.main_values(card.round, card.unit)
    return render(request, "dti/scorecard.html", {"card": card, "chart": chart, "previous_label": previous_label,
                                                  "change": change, "pillars": pillars, "place": place,
                                                  "main_values": main_values,
                                                  "can_enter_mains": card.can_adjust and not card.round.derived_from_id,
                                                  "statuses": RoundStatus})


@login_required
@require_POST
@upload_guard(services.evidence_upload_check)
def value_save(request: HttpRequest, round_id: int, unit_id: int, code: str) -> HttpResponse:
    version = _int(request.POST.get("version"))
    try:
        if request.POST.get("mode") == "adjust":
            services.adjust_value(request.user, round_id, unit_id, code, request.POST.get("value", ""),
                                  request.POST.get("reason", ""), version)
        else:
            services.submit_value(request.user, round_id, unit_id, code, request.POST.get("value", ""),
                                  request.POST.get("note", ""), version)
        if upload := request.FILES.get("file"):
            services.add_evidence(request.user, round_id, unit_id, code, upload, request.POST.get("description", ""))
    except DomainError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("Đã lưu chỉ số %(code)s") % {"code": code})
    return redirect(reverse("dti:scorecard", args=[round_id, unit_id]) + f"#c-{code}")


@login_required
def value_history(request: HttpRequest, round_id: int, unit_id: int, code: str) -> HttpResponse:
    value, entries = services.value_history(request.user, round_id, unit_id, code)
    return render(request, "dti/value_history.html", {"value": value, "entries": audit_in_language(entries)})


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = services.get_evidence(request.user, evidence_id)
    return stored_file(evidence.file, evidence.filename)


@login_required
def export(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    try:
        content, filename, mime = exports.export(round_id, fmt, request.user)
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    response = HttpResponse(content, content_type=mime)
    attach(response, filename)
    return response


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(frameworks.framework_upload_check)
def framework_import(request: HttpRequest) -> HttpResponse:
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed(FieldError("file", "chọn tệp JSON hoặc YAML", "choose a JSON or YAML file"))
            framework = frameworks.import_framework(
                request.user, frameworks.parse_document(upload.read(), upload.name or ""))
        except DomainError as exc:
            errors = exc.errors or [FieldError("file", exc.vi, exc.en)]
        else:
            messages.success(request, _("Đã nạp bộ chỉ số: %(framework)s") % {"framework": framework})
            return redirect("dti:framework", framework_id=framework.pk)
    return render(request, "dti/framework_import.html", {"errors": errors})


@login_required
def framework_download(request: HttpRequest, framework_id: int) -> HttpResponse:
    import json

    framework = frameworks.get_framework(framework_id)
    content = json.dumps(frameworks.export_document(framework), ensure_ascii=False, indent=1)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    attach(response, f"{framework.code}-{framework.edition}.json")
    return response

