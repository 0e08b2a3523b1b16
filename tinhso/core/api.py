"""Shared API plumbing: errors in one bilingual shape, id parameter types, and the audit-history schema."""

import datetime as dt
from typing import Annotated

from django.db import DataError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from tinhso.core.errors import DomainError, FieldError

# Largest primary key a database can hold (64-bit). Ids outside 1..MAX_ID are bad input, not a server error.
MAX_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]

# Vietnamese wording for pydantic's error types; the English text comes from pydantic itself.
_PYDANTIC_VI = {
    "missing": "bắt buộc nhập",
    "string_type": "phải là chuỗi ký tự",
    "string_too_short": "quá ngắn",
    "string_too_long": "quá dài",
    "string_pattern_mismatch": "sai định dạng",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số",
    "float_type": "phải là số",
    "decimal_parsing": "phải là số",
    "bool_parsing": "phải là đúng/sai (true/false)",
    "bool_type": "phải là đúng/sai (true/false)",
    "date_parsing": "ngày không hợp lệ (định dạng YYYY-MM-DD)",
    "date_from_datetime_parsing": "ngày không hợp lệ (định dạng YYYY-MM-DD)",
    "date_type": "ngày không hợp lệ",
    "datetime_parsing": "thời điểm không hợp lệ (định dạng ISO 8601)",
    "datetime_from_date_parsing": "thời điểm không hợp lệ (định dạng ISO 8601)",
    "enum": "không thuộc danh sách giá trị cho phép",
    "literal_error": "không thuộc danh sách giá trị cho phép",
    "greater_than": "quá nhỏ",
    "greater_than_equal": "quá nhỏ",
    "less_than": "quá lớn",
    "less_than_equal": "quá lớn",
    "json_invalid": "JSON không hợp lệ",
    "model_attributes_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
    "list_type": "phải là một danh sách",
    "too_long": "có quá nhiều phần tử",
    "too_short": "có quá ít phần tử",
    "value_error": "giá trị không hợp lệ",
    "finite_number": "phải là số hữu hạn",
    "uuid_parsing": "UUID không hợp lệ",
}
_LOCATION_PARTS = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "data"}


def _field_name(loc: list) -> str:
    """("body", "payload", "name") → "name"; ("file", "file") → "file"; ("query", "as_of") → "as_of".
    Only the leading location and parameter wrapper are dropped, so a field called "data" or "file" keeps its name."""
    parts = [str(p) for p in loc]
    while len(parts) > 1 and parts[0] in _LOCATION_PARTS:
        parts.pop(0)
    return ".".join(parts) or "body"


def translate_validation_errors(errors: list[dict]) -> list[FieldError]:
    return [
        FieldError(
            _field_name(list(err.get("loc", []))),
            _PYDANTIC_VI.get(err.get("type", ""), "giá trị không hợp lệ"),
            str(err.get("msg", "invalid value")),
        )
        for err in errors
    ]


def _error_body(code: str, vi: str, en: str, errors: list[FieldError] = ()) -> dict:
    return {"error": code, "message": {"vi": vi, "en": en}, "errors": [e.as_dict() for e in errors]}


def install_error_handlers(api: NinjaAPI) -> None:
    """Every failure leaves the API as JSON `{error, message{vi,en}, errors[{field, message}]}`."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def schema_error(request: HttpRequest, exc: NinjaValidationError):
        errors = translate_validation_errors(exc.errors)
        body = _error_body("invalid", "Dữ liệu không hợp lệ", "Invalid data", errors)
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError):
        body = _error_body("unauthenticated", "Chưa đăng nhập hoặc mã truy cập không hợp lệ",
                           "Not logged in or invalid access token")
        return api.create_response(request, body, status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        body = _error_body("not_found", "Không tìm thấy", "Not found")
        return api.create_response(request, body, status=404)

    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError):
        # Safety net: a number too large for the database (SQLite raises OverflowError).
        body = _error_body("invalid", "Giá trị số vượt quá giới hạn", "A number is out of range",
                           [FieldError("body", "giá trị số vượt quá giới hạn", str(exc))])
        return api.create_response(request, body, status=400)

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError):
        # Safety net: a value the database refuses (out of range, bad characters) is bad input.
        body = _error_body("invalid", "Giá trị không hợp lệ với cơ sở dữ liệu", "A value was refused by the database",
                           [FieldError("body", "giá trị không hợp lệ", str(exc).splitlines()[0] if str(exc) else "")])
        return api.create_response(request, body, status=400)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        body = _error_body("http_error", str(exc), str(exc))
        return api.create_response(request, body, status=exc.status_code)


class AuditOut(Schema):
    """One entry of an object's audit history (see tinhso.core.audit)."""

    when: dt.datetime
    who: str
    action: str
    action_vi: str
    action_en: str
    reason: str
    changes: list[dict]


class ErrorOut(Schema):
    error: str
    message: dict[str, str]
    errors: list[dict]


ERROR_RESPONSES = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
