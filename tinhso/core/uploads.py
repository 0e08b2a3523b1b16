"""Uploads are authorised and sized before a single byte of them is read (issue #15, finding 2).

A view or API operation that takes a file declares it with `@upload_guard(check)`: `check(request, **url_kwargs)`
raises a DomainError (usually Forbidden) for a user who may not upload there. `UploadGuardMiddleware` runs
before Django's CSRF check and before django-ninja parse the multipart body, and refuses, in this order:

1. any request whose declared body (Content-Length) exceeds `TINHSO_MAX_REQUEST_MB` — 413;
2. a multipart request from nobody signed in — 401 (API) or the login page;
3. a multipart request to a guarded route the user may not use — the check's 403/404;
4. a multipart request above the route's limit (`TINHSO_MAX_UPLOAD_MB` unless the route says otherwise) — 413.

Importers read rows through `core.tabular.read_table`, which streams them and stops at `TINHSO_MAX_IMPORT_ROWS`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from tinhso.core.errors import FieldError, ValidationFailed

MB = 1024 * 1024
FORM_LIMIT_MB = 2.5  # a multipart form to an address that takes no file carries only its fields


def max_request_mb() -> float:
    return float(getattr(settings, "TINHSO_MAX_REQUEST_MB", 100))


def max_upload_mb() -> float:
    return float(getattr(settings, "TINHSO_MAX_UPLOAD_MB", 50))


def max_import_rows() -> int:
    return int(getattr(settings, "TINHSO_MAX_IMPORT_ROWS", 200_000))


@dataclass(frozen=True)
class UploadPolicy:
    check: Callable[..., None] | None
    max_mb: Callable[[], float] | float | None = None

    def limit_mb(self) -> float:
        value = self.max_mb() if callable(self.max_mb) else self.max_mb
        return float(value) if value is not None else max_upload_mb()


def upload_guard(check: Callable[..., None] | None = None, *, max_mb: Callable[[], float] | float | None = None):
    """Mark a view (or an API operation, under `@router.post`) as taking uploaded files. `check(request,
    **url_kwargs)` may read the user, the URL and the query string — never the body — and raises a
    DomainError to refuse. `max_mb` (a number or a callable read per request) replaces TINHSO_MAX_UPLOAD_MB."""

    def mark(func):
        func.tinhso_upload = UploadPolicy(check, max_mb)
        return func

    return mark


def policy_of(view, request: HttpRequest):
    """(policy, ninja operation) of a resolved view: page views carry the mark themselves (Django's decorators
    copy it along with the function's attributes); django-ninja's path view holds the operations, one per method."""
    policy = getattr(view, "tinhso_upload", None)
    if policy is not None:
        return policy, None
    if not getattr(view, "csrf_exempt", False):
        return None, None
    path_view = inspect.getclosurevars(view).nonlocals.get("self")
    find = getattr(path_view, "_find_operation", None)
    operation = find(request) if find else None
    if operation is None:
        return None, None
    return getattr(operation.view_func, "tinhso_upload", None), operation


def url_id(value) -> int:
    """An id from an address, for an upload check: anything but a positive 64-bit integer names no record."""
    from tinhso.core.errors import NotFound

    text = str(value)
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise NotFound()
    return int(text)


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def is_multipart(request: HttpRequest) -> bool:
    return request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")


def limited_rows(rows: Iterable, limit: int | None = None) -> Iterator:
    """Yield rows, refusing the file as soon as it holds more than `limit` (TINHSO_MAX_IMPORT_ROWS): the rest
    is never read."""
    limit = max_import_rows() if limit is None else limit
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise too_many_rows(limit)
        yield row


def too_many_rows(limit: int) -> ValidationFailed:
    shown = f"{limit:,}".replace(",", ".")
    return ValidationFailed(FieldError(
        "file", f"tệp có hơn {shown} dòng (giới hạn TINHSO_MAX_IMPORT_ROWS); hãy chia nhỏ tệp",
        f"the file has more than {limit:,} rows (TINHSO_MAX_IMPORT_ROWS limit); split it"),
        vi="Tệp bị từ chối, không có dòng nào được ghi", en="The file was rejected; no row was written")
