"""Files sent to the browser: a download name that is always a valid header, and stored uploads served with
the content type of their checked extension, never the one the uploader's browser claimed."""

import os
import unicodedata
from pathlib import PurePath

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

# The types of the extensions uploads may have (programme and DTI evidence). A fixed table rather than the
# `mimetypes` module, whose answers depend on the host's /etc/mime.types or Windows registry.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
    ".xml": "application/xml",
    ".json": "application/json",
}
UNKNOWN_TYPE = "application/octet-stream"
MAX_NAME = 150


def content_type_for(filename: str) -> str:
    """The content type of a stored file, from its extension only (unknown → application/octet-stream)."""
    return CONTENT_TYPES.get(PurePath(filename or "").suffix.lower(), UNKNOWN_TYPE)


def safe_filename(name: str, default: str = "tep") -> str:
    """A download name without control characters (CR/LF would break the header), path separators or
    quotes, at most MAX_NAME characters, keeping its extension."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = "".join("_" if unicodedata.category(ch).startswith("C") or ch in '/\\"' else ch for ch in name)
    name = os.path.basename(name).strip(" .")
    if not any(ch.isalnum() for ch in name):
        name = default
    stem, extension = os.path.splitext(name)
    if len(name) > MAX_NAME:
        name = stem[:MAX_NAME - len(extension[:20])] + extension[:20]
    return name


def attach(response: HttpResponse, filename: str) -> HttpResponse:
    """Mark `response` as a download named `filename`: `filename="ascii"` plus RFC 5987 `filename*=UTF-8''…`
    for Vietnamese names, built by Django from a name that cannot inject a header."""
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return response


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """An in-memory file (an export) as a download."""
    return attach(HttpResponse(content, content_type=content_type), filename)


def stored_file(field_file, filename: str) -> FileResponse:
    """An uploaded file (evidence) as a download, typed by its checked extension: a file uploaded with
    "text/html" is never sent back as a page, and `nosniff` stops the browser guessing."""
    name = safe_filename(filename)
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=name,
                            content_type=content_type_for(name))
    response["X-Content-Type-Options"] = "nosniff"
    return response
