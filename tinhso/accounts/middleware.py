"""No access by default, enforced once for every page and API call (see accounts.services.has_access)."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect

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
