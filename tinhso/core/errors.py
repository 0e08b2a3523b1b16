"""Domain errors that every edge (API, views, CLI, importers) turns into a clear bilingual message.

Services raise these; they never return HTTP responses. Each message names the field (or the row
of an import) and says what is wrong in Vietnamese first, then English.
"""

import unicodedata
from dataclasses import dataclass


def in_language(vi: str, en: str) -> str:
    """One of a bilingual message's texts for a page: English when English is the active language (and there is
    an English text), Vietnamese otherwise. API bodies keep both."""
    from django.utils import translation

    return en if en and (translation.get_language() or "vi").startswith("en") else vi


@dataclass(frozen=True)
class FieldError:
    field: str
    vi: str
    en: str
    row: int | None = None  # 1-based data row of an imported file, when the error comes from an import
    # the column of an imported file as its reader sees it: letter and heading, e.g. "C — Đơn vị chủ trì"
    column: str | None = None

    def as_dict(self) -> dict:
        data = {"field": self.field, "message": {"vi": self.vi, "en": self.en}}
        if self.row is not None:
            data["row"] = self.row
        if self.column is not None:
            data["column"] = self.column
        return data

    def __str__(self) -> str:
        where = f"dòng/row {self.row}, " if self.row is not None else ""
        name = f"cột/column {self.column}" if self.column else self.field
        return f"{where}{name}: {self.vi} / {self.en}"


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, errors: list[FieldError] | FieldError, vi: str = "", en: str = ""):
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        self.vi = vi or "Dữ liệu không hợp lệ"
        self.en = en or "Invalid data"
        super().__init__("; ".join(str(e) for e in self.errors) or self.en)

    def as_dict(self) -> dict:
        return {
            "error": self.code,
            "message": {"vi": self.vi, "en": self.en},
            "errors": [e.as_dict() for e in self.errors],
        }


class ValidationFailed(DomainError):
    """Input broke a rule; nothing was written."""


class Conflict(DomainError):
    status = 409
    code = "conflict"

    def __init__(self, current_version: int, field_name: str = "version"):
        super().__init__(
            FieldError(
                field_name,
                f"Bản ghi đã được người khác sửa (phiên bản hiện tại {current_version}); "
                "hãy tải lại và nhập lại thay đổi của bạn",
                f"The record was changed by someone else (current version {current_version}); "
                "reload it and re-apply your change",
            ),
            vi="Xung đột chỉnh sửa đồng thời",
            en="Concurrent edit conflict",
        )
        self.current_version = current_version


class Forbidden(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, vi: str = "Bạn không có quyền thực hiện thao tác này",
                 en: str = "You are not allowed to do this"):
        super().__init__([], vi=vi, en=en)


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, what_vi: str = "Bản ghi", what_en: str = "Record"):
        super().__init__([], vi=f"{what_vi} không tồn tại", en=f"{what_en} not found")


def is_lock_timeout(exc: BaseException | None) -> bool:
    """A database lock wait that timed out: SQLite's "database is locked" (after its busy timeout) or
    PostgreSQL's lock_timeout (SQLSTATE 55P03) — the database was busy, the request was not wrong."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) == "55P03" or getattr(exc, "pgcode", None) == "55P03":
            return True
        text = str(exc).lower()
        if "database is locked" in text or "database table is locked" in text or "lock timeout" in text:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def busy_body(retry_after: int) -> dict:
    return Unavailable(retry_after).as_dict()


def required(field_name: str, row: int | None = None) -> FieldError:
    return FieldError(field_name, "bắt buộc nhập", "is required", row)


def single_line_error(field_name: str, value: str, row: int | None = None) -> FieldError | None:
    """A code or name must be one line of printable text: a line break, tab or other control character in it
    would break the file names, headers and spreadsheets it ends up in."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return FieldError(field_name, "không được chứa xuống dòng, tab hay ký tự điều khiển",
                          "must not contain line breaks, tabs or other control characters", row)
    return None


class PayloadTooLarge(DomainError):
    """A request body or uploaded file above the configured limit, refused before it is read."""

    status = 413
    code = "too_large"

    def __init__(self, limit_mb: float, what_vi: str = "Yêu cầu", what_en: str = "The request"):
        limit = f"{limit_mb:g}".replace(".", ",")
        super().__init__(
            FieldError("file", f"lớn hơn giới hạn {limit} MB", f"larger than the {limit_mb:g} MB limit"),
            vi=f"{what_vi} quá lớn (giới hạn {limit} MB); không có gì được đọc hay ghi",
            en=f"{what_en} is too large (limit {limit_mb:g} MB); nothing was read or written")
        self.limit_mb = limit_mb


class Unavailable(DomainError):
    """The database is busy (a lock wait timed out): nothing was written, try again shortly."""

    status = 503
    code = "busy"

    def __init__(self, retry_after: int = 5):
        super().__init__(
            [], vi=f"Hệ thống đang bận ghi dữ liệu khác; chưa có gì được ghi, hãy thử lại sau {retry_after} giây",
            en=f"The system is busy writing other data; nothing was written, please try again in {retry_after} s")
        self.retry_after = retry_after
