import json

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from tinhso.core import uploads
from tinhso.core.errors import (
    DomainError,
    FieldError,
    Forbidden,
    PayloadTooLarge,
    ValidationFailed,
    is_lock_timeout,
)


def _nul_field(value, path: str = "") -> str | None:
    """The dotted name of the first string in `value` holding a NUL character (PostgreSQL refuses them)."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_field(str(key), path) or _nul_field(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_field(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def _api_nul_error(request: HttpRequest) -> ValidationFailed | None:
    field = next((key for key, values in request.GET.lists()
                  if "\x00" in key or any("\x00" in v for v in values)), None)
    if field is None and request.content_type == "application/json" and request.body:
        try:
            field = _nul_field(json.loads(request.body))
        except (ValueError, UnicodeDecodeError):
            field = None  # malformed JSON is reported by the API's own parser
    if field is None:
        return None
    return ValidationFailed(FieldError(field, "chứa ký tự NUL (\\u0000) không được phép",
                                       "contains a NUL character (\\u0000), which is not allowed"))


_API_STATUS_TEXT = {
    404: ("not_found", "Không có địa chỉ API này", "No such API address"),
    405: ("method_not_allowed", "Phương thức HTTP không được hỗ trợ ở địa chỉ này",
          "This HTTP method is not supported at this address"),
    # the API's own handler answers bugs with a reference id (core.api.server_error_response); this is the
    # fallback for one raised outside it, which must not pass for "bad request" either
    500: ("server_error", "Lỗi máy chủ, không phải do dữ liệu của bạn", "Server error, not a problem with your data"),
}


def _as_json_error(response: HttpResponse) -> HttpResponse:
    """Django/ninja answer an unknown API path or method with text or HTML; API clients get the one JSON shape."""
    code, vi, en = _API_STATUS_TEXT.get(response.status_code, ("http_error", "Yêu cầu không hợp lệ", "Bad request"))
    json_response = JsonResponse({"error": code, "message": {"vi": vi, "en": en}, "errors": []},
                                 status=response.status_code)
    if response.has_header("Allow"):
        json_response["Allow"] = response["Allow"]
    return json_response


class DomainErrorMiddleware:
    """Turns a DomainError escaping a UI view (forbidden, not found, conflict) into a readable page
    with the right status code instead of a server error. For the API it also refuses text holding
    NUL characters up front, which the database would otherwise reject with a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path.startswith("/api/"):
            error = _api_nul_error(request)
            if error is not None:
                return JsonResponse(error.as_dict(), status=400)
            response = self.get_response(request)
            if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
                response = _as_json_error(response)
            return response
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return render(request, "core/error.html", {"error": exception}, status=exception.status)
        if is_lock_timeout(exception):
            from tinhso.core.views import busy_page

            return busy_page(request)
        return None


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY on every response that has none yet: scripts only from
    this server's files, so an injected inline script or handler would not run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def _error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_dict(), status=error.status)
    return render(request, "core/error.html", {"error": error}, status=error.status)


def _unauthenticated(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "unauthenticated", "message": {
            "vi": "Chưa đăng nhập hoặc mã truy cập không hợp lệ", "en": "Not logged in or invalid access token"},
            "errors": []}, status=401)
    return redirect_to_login(request.get_full_path())


class UploadGuardMiddleware:
    """Refuses oversized bodies and unauthorised uploads before anything reads the body (see core.uploads).
    After the authentication middlewares, and — being a plain `__call__` — before every `process_view`, i.e.
    before the CSRF check, which would parse a multipart body to find its token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        length = uploads.declared_length(request)
        if length > uploads.max_request_mb() * uploads.MB:
            return _error_response(request, PayloadTooLarge(uploads.max_request_mb()))
        if uploads.is_multipart(request):
            refusal = self._refuse_upload(request, length)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refuse_upload(self, request: HttpRequest, length: int) -> HttpResponse | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None  # answered 404 without reading anything
        policy, operation = uploads.policy_of(match.func, request)
        if policy is None and match.app_name != "admin":
            # an address that takes no file (a sign-in form posted as multipart): its fields only
            if length > uploads.FORM_LIMIT_MB * uploads.MB:
                return _error_response(request, PayloadTooLarge(uploads.FORM_LIMIT_MB))
            return None
        user = getattr(request, "user", None)
        if (user is None or not user.is_authenticated) and operation is not None:
            self._bearer(request, operation)  # an API client's token, read from its header only
            user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return _unauthenticated(request)
        if match.app_name == "admin" and not user.is_staff:  # Django's admin: staff only
            return _error_response(request, Forbidden())
        if policy is not None and policy.check is not None:
            try:
                policy.check(request, **match.kwargs)
            except DomainError as exc:
                return _error_response(request, exc)
        limit = policy.limit_mb() if policy is not None else uploads.max_upload_mb()  # the admin: upload limit
        if length > limit * uploads.MB:
            return _error_response(request, PayloadTooLarge(limit, "Tệp tải lên", "The upload"))
        return None

    @staticmethod
    def _bearer(request: HttpRequest, operation) -> None:
        from ninja.security import HttpBearer

        for callback in getattr(operation, "auth_callbacks", []):
            if isinstance(callback, HttpBearer):
                try:
                    if callback(request):
                        return
                except Exception:  # noqa: BLE001 - a bad token is answered by the API itself
                    continue
