"""The user's own account pages: profile, and setting up and entering the second factor. Thin."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from tinhso.accounts import second_factor
from tinhso.accounts.services import has_access


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {
        "tokens": request.user.api_tokens.all(), "no_access": not has_access(request.user),
        "has_second_factor": second_factor.has_second_factor(request.user),
        "second_factor_required": second_factor.required_for(request.user),
    })


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = second_factor.pending_totp(user)
    error = False
    if request.method == "POST":
        codes = second_factor.confirm_totp(user, request.POST.get("code", ""))
        if codes is not None:
            otp_login(request, second_factor.verify_device_after_setup(user))
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        error = True
    return render(request, "accounts/2fa_setup.html", {
        "qr": second_factor.qr_svg_data_uri(device), "secret": second_factor.secret_text(device),
        "error": error, "next": _next(request), "replacing": second_factor.has_second_factor(user)})


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    if not second_factor.has_second_factor(request.user):
        return redirect("accounts:2fa_setup")
    error = False
    if request.method == "POST":
        device = second_factor.verify(request.user, request.POST.get("code", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        error = True
    return render(request, "accounts/2fa_verify.html", {"error": error, "next": _next(request)})
