"""Access rules enforced once for every page and API call: no access by default (accounts.services.has_access)
and the second factor where the policy requires it (accounts.second_factor)."""

from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from tinhso.accounts import second_factor
from tinhso.accounts.services import has_access

# What an account without access may still reach: its own profile, signing in and out, the language switch.
OPEN_PREFIXES = ("/accounts/me/", "/login/", "/logout/", "/i18n/", "/static/", "/healthz")

NO_ACCESS_VI = ("Tài khoản của bạn chưa được gán đơn vị và vai trò nên chưa xem được dữ liệu; "
                "hãy đề nghị quản trị hệ thống phân quyền")
NO_ACCESS_EN = "Your account has no unit and role yet, so it sees no data; ask an administrator to assign them"


class NoAccessByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not has_access(user)
                and not request.path.startswith(OPEN_PREFIXES)):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "no_access", "message": {"vi": NO_ACCESS_VI, "en": NO_ACCESS_EN},
                                     "errors": []}, status=403)
            return redirect("accounts:profile")
        return self.get_response(request)


SECOND_FACTOR_PREFIXES = ("/accounts/2fa/",)
SECOND_FACTOR_VI = "Tài khoản của bạn phải xác thực hai lớp; hãy nhập mã từ ứng dụng xác thực"
SECOND_FACTOR_EN = "Your account requires a second factor; enter the code from your authenticator app"


class SecondFactorMiddleware:
    """Accounts the policy names (administrators by default) reach nothing but setting up or entering
    their second factor until this session is verified. After django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and second_factor.required_for(user)
                and not user.is_verified() and not request.path.startswith(OPEN_PREFIXES + SECOND_FACTOR_PREFIXES)):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "second_factor_required",
                                     "message": {"vi": SECOND_FACTOR_VI, "en": SECOND_FACTOR_EN}, "errors": []},
                                    status=403)
            target = "accounts:2fa_verify" if second_factor.has_second_factor(user) else "accounts:2fa_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
