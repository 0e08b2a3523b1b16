from django.http import HttpRequest
from django.shortcuts import render

from tinhso.core.errors import DomainError


class DomainErrorMiddleware:
    """Turns a DomainError escaping a UI view (forbidden, not found, conflict) into a readable page
    with the right status code instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return render(request, "core/error.html", {"error": exception}, status=exception.status)
        return None
