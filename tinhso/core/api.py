"""Shared API plumbing: errors in one bilingual shape, id parameter types, and the audit-history schema."""

import datetime as dt
import logging
import re
import types
import typing
import uuid
from typing import Annotated

from django.db import DataError, OperationalError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tinhso.core.errors import DomainError, FieldError, Unavailable, is_lock_timeout

# Largest primary key a database can hold (64-bit). Ids outside 1..MAX_ID are bad input, not a server error.
MAX_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Paging: an offset past any real table, but far from the 64-bit limit the database would overflow on.
MAX_OFFSET = 10**9

logger = logging.getLogger("tinhso.api")

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value):
    """Pydantic would read `as_of=0` or `"1700000000"` as a Unix time (1970-01-01…): a day is written YYYY-MM-DD."""
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value.strip()):
        raise PydanticCustomError("date_parsing", "Input should be a valid date in the format YYYY-MM-DD")
    if isinstance(value, int | float):
        raise PydanticCustomError("date_type", "Input should be a valid date in the format YYYY-MM-DD")
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_day)]


def _accepts(annotation, kind: type) -> bool:
    if annotation is kind:
        return True
    if typing.get_origin(annotation) is Annotated:
        return _accepts(typing.get_args(annotation)[0], kind)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_accepts(arg, kind) for arg in typing.get_args(annotation))
    return annotation is typing.Any


class InputSchema(Schema):
    """A request body. Ninja's Schema reads any object through its attributes, so a JSON list such as
    `[null, null]` passed for an object whose fields are optional, and `true`/`false` passed for a number
    (`"version": false` read as 0): both are refused here."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data):
        # ninja hands the body over wrapped in its attribute reader (DjangoGetter)
        if not isinstance(data if isinstance(data, dict | Schema) else getattr(data, "_obj", data), dict | Schema):
            raise PydanticCustomError("model_attributes_type", "Input should be a JSON object")
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, value, info: ValidationInfo):
        if isinstance(value, bool) and info.field_name and not _accepts(cls.model_fields[info.field_name].annotation,
                                                                          bool):
            raise PydanticCustomError("int_type", "Input should be a number or text, not true/false")
        return value

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
    if parts == ["payload"]:  # the whole body is wrong (not a JSON object): ninja's parameter name means nothing
        return "body"
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

    @api.exception_handler(OperationalError)
    def database_busy(request: HttpRequest, exc: OperationalError):
        # A lock wait that timed out (another long write): 503, try again, never a 500
        if is_lock_timeout(exc):
            return busy_response(lambda body: api.create_response(request, body, status=503))
        return server_error_response(request, exc, lambda body: api.create_response(request, body, status=500))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception):
        if is_lock_timeout(exc):
            return busy_response(lambda body: api.create_response(request, body, status=503))
        return server_error_response(request, exc, lambda body: api.create_response(request, body, status=500))


def retry_after_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "TINHSO_RETRY_AFTER", 5))


def busy_response(respond):
    """503 with Retry-After and the error shape: the database was busy, nothing was written."""
    seconds = retry_after_seconds()
    response = respond(Unavailable(seconds).as_dict())
    response["Retry-After"] = str(seconds)
    return response


def server_error_body(reference: str) -> dict:
    """What a client sees of a bug: that it is the server's fault, and a reference to quote."""
    body = _error_body(
        "server_error",
        f"Lỗi máy chủ, không phải do dữ liệu của bạn. Hãy báo mã tham chiếu {reference} cho quản trị hệ thống",
        f"Server error, not a problem with your data. Please quote reference {reference} to the administrator")
    body["reference"] = reference
    return body


def server_error_response(request: HttpRequest, exc: Exception, respond):
    """Log an unexpected exception with a fresh reference id (the log line holds the traceback) and answer
    500 with that id, so a report from a user can be matched to the log."""
    reference = uuid.uuid4().hex[:12]
    logger.error("server error %s on %s %s", reference, request.method, request.get_full_path(),
                 exc_info=(type(exc), exc, exc.__traceback__))
    response = respond(server_error_body(reference))
    response["X-Error-Reference"] = reference
    return response


class AuditOut(Schema):
    """One entry of an object's audit history (see tinhso.core.audit)."""

    when: dt.datetime
    who: str
    action: str
    action_vi: str
    action_en: str
    reason: str
    changes: list[dict]


class ErrorMessage(Schema):
    vi: str
    en: str


class FieldErrorOut(Schema):
    field: str
    message: ErrorMessage
    row: int | None = Field(None, description="dòng trong tệp nhập / line of an imported file")
    column: str | None = Field(None, description="cột trong tệp nhập: chữ cái — tiêu đề / column of an imported "
                               "file: letter — heading, e.g. 'C — Đơn vị chủ trì'")


class ErrorOut(Schema):
    """Every error: `error` is a code (invalid, conflict, forbidden, not_found, unauthenticated, server_error…)."""

    error: str
    message: ErrorMessage
    errors: list[FieldErrorOut]
    reference: str | None = Field(None, description="mã tham chiếu của lỗi máy chủ (500) / server error reference")


ERROR_RESPONSES = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut,
                   422: ErrorOut, 503: ErrorOut}
# Documented on every operation of the document (see TinhsoAPI): any operation can meet bad input, a missing
# login, a refusal, a missing record, a concurrent edit, an invalid parameter or a bug.
DOCUMENTED_ERRORS = {
    400: "Dữ liệu không hợp lệ / Invalid data",
    401: "Chưa đăng nhập / Not authenticated",
    403: "Không có quyền / Forbidden",
    404: "Không tìm thấy / Not found",
    405: "Phương thức không được hỗ trợ / Method not allowed",
    409: "Xung đột phiên bản / Version conflict",
    413: "Yêu cầu hoặc tệp quá lớn / Request or upload too large",
    422: "Tham số hoặc thân yêu cầu sai kiểu / Invalid parameters or body",
    500: "Lỗi máy chủ, kèm mã tham chiếu / Server error, with a reference id",
    503: "Cơ sở dữ liệu đang bận, thử lại sau Retry-After giây / Database busy, retry after Retry-After seconds",
}


class TinhsoAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document states every error an operation can answer, in the one error
    shape, so that a client (and the schemathesis run in the tests) can rely on the document."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in schemas:
            schemas.update(ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs", {}))
            schemas["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in DOCUMENTED_ERRORS.items():
                    # ninja keys responses by int until the document is written out as JSON
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, **error}
        return schema
