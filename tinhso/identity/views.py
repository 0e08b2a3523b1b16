"""Pages of the sign-in service: the DX office's application register and a user's own consents. Thin."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts.services import editable_units_filter
from tinhso.core.audit import history_of
from tinhso.core.errors import DomainError, in_language
from tinhso.core.forms import apply_errors, message
from tinhso.identity import services
from tinhso.identity.forms import ClientForm, lines
from tinhso.identity.models import SCOPES
from tinhso.units.models import Unit


def _manageable_units(request: HttpRequest):
    return Unit.objects.live().filter(editable_units_filter(request.user)).order_by("path")


def _data(form: ClientForm) -> services.ClientData:
    data = form.cleaned_data
    return services.ClientData(
        name=data["name"], owner_unit=data["owner_unit"], description=data.get("description", ""),
        redirect_uris=lines(data["redirect_uris"]), post_logout_redirect_uris=lines(data["post_logout_redirect_uris"]),
        scopes=list(data["scopes"]), confidential=data.get("confidential", True))


@login_required
def clients(request: HttpRequest) -> HttpResponse:
    services.require_manage(request.user)
    since = timezone.now() - dt.timedelta(days=30)
    counts = services.sign_in_counts(request.user, since)
    rows = [(client, counts.get(client.pk, {})) for client in services.visible_clients(request.user)]
    issuer = request.build_absolute_uri("/").rstrip("/")
    return render(request, "identity/clients.html", {
        "rows": rows, "issuer": issuer, "discovery": issuer + "/.well-known/openid-configuration",
        "total_sign_ins": sum(c.get("count", 0) for _, c in rows),
        "enabled_count": sum(1 for client, _ in rows if client.enabled),
    })


def _show_secret(request: HttpRequest, client, secret: str) -> HttpResponse:
    return render(request, "identity/secret.html", {"client": client, "secret": secret})


@login_required
def client_new(request: HttpRequest) -> HttpResponse:
    services.require_manage(request.user)
    form = ClientForm(request.POST or None, units=_manageable_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = services.register_client(request.user, _data(form))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            return _show_secret(request, client, secret)
    return render(request, "core/form.html", {"form": form, "title": _("Đăng ký ứng dụng kết nối đăng nhập"),
                                              "back": reverse("identity:clients")})


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = services.get_client(request.user, pk)
    return render(request, "identity/client.html", {
        "client": client, "sign_ins": services.sign_in_log(request.user, pk), "history": history_of(client),
        "scopes": [(s, SCOPES[s]) for s in client.scope_list],
        "redirect_uris": client.application.redirect_uris.split(),
        "logout_uris": client.application.post_logout_redirect_uris.split(),
    })


@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = services.get_client(request.user, pk)
    initial = {"name": client.application.name, "owner_unit": client.owner_unit, "description": client.description,
               "redirect_uris": "\n".join(client.application.redirect_uris.split()),
               "post_logout_redirect_uris": "\n".join(client.application.post_logout_redirect_uris.split()),
               "scopes": client.scope_list, "version": client.version}
    form = ClientForm(request.POST or None, initial=initial, units=_manageable_units(request), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(request.user, pk, _data(form), form.cleaned_data.get("version") or 0)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("identity:client_detail", pk=pk)
    return render(request, "core/form.html", {"form": form, "title": client.application.name,
                                              "back": reverse("identity:client_detail", args=[pk])})


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


@login_required
@require_POST
def client_enabled(request: HttpRequest, pk: int) -> HttpResponse:
    enable = request.POST.get("enabled") == "1"
    try:
        services.set_enabled(request.user, pk, enable, _version(request), request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, in_language(exc.vi, exc.en) if not exc.errors else message(exc.errors[0]))
    else:
        messages.success(request, _("Đã bật lại ứng dụng.") if enable else
                         _("Đã tắt ứng dụng: mọi phiên đăng nhập của nó đã bị thu hồi."))
    return redirect("identity:client_detail", pk=pk)


@login_required
@require_POST
def client_secret(request: HttpRequest, pk: int) -> HttpResponse:
    client, secret = services.rotate_secret(request.user, pk, _version(request))
    return _show_secret(request, client, secret)


@login_required
def my_apps(request: HttpRequest) -> HttpResponse:
    consents = [(c, [(s, SCOPES.get(s, s)) for s in c.scopes]) for c in services.consents_of(request.user)]
    return render(request, "identity/my_apps.html", {"consents": consents})


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.revoke_consent(request.user, pk)
    messages.success(request, _("Đã thu hồi quyền truy cập của ứng dụng."))
    return redirect("identity:my_apps")
