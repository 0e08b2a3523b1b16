"""Reading and writing the spreadsheets people actually exchange: CSV (UTF-8, UTF-16 or Windows-1258; comma,
semicolon or tab) and XLSX.

Importers get rows as dicts keyed by canonical column names; header aliases let a file use
Vietnamese column titles. Dates are accepted as dd/mm/yyyy, yyyy-mm-dd or real Excel dates.

Every export writes text that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or
a carriage return) as plain text: XLSX cells are typed as strings with Excel's quote prefix, CSV fields get
a leading apostrophe (OWASP "CSV injection"). Names, titles and device-sent driver ids are not trusted.
"""

import codecs
import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.text import fold
from tinhso.core.uploads import MB, limited_rows, max_import_rows, max_upload_mb

MAX_COLUMNS = 200  # no import has more columns; a wider sheet is cut, not held in memory
XLSX_EXPANSION = 20  # how much larger than the upload limit an XLSX file may unpack


class TableRow(dict):
    """One row of an imported sheet, remembering its line in the file (the header is line 1)."""

    line: int


def numbered(rows: list[dict]):
    """(line number as the user sees it in Excel, row) for rows read by `read_table`, which skips blank
    lines; rows built in code count from line 2."""
    for position, row in enumerate(rows, start=2):
        yield getattr(row, "line", position), row


def read_table(content: bytes, filename: str, aliases: dict[str, str], max_rows: int | None = None) -> list[dict]:
    """Rows of the first sheet as dicts (`TableRow`, with their line number); blank lines are skipped.
    `aliases` maps folded header text → canonical key. Rows are streamed from the file and reading stops as
    soon as it holds more than `max_rows` (TINHSO_MAX_IMPORT_ROWS): the rest of the file is never parsed."""
    limit = max_import_rows() if max_rows is None else max_rows
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            raw_rows = _xlsx_rows(content)
        elif name.endswith(".csv") or name.endswith(".txt"):
            raw_rows = _csv_rows(content)
        else:
            raise ValidationFailed(FieldError(
                "file", "chỉ nhận tệp .csv hoặc .xlsx", "only .csv or .xlsx files are accepted"))
        header_row = next(raw_rows, None)
        if header_row is None:
            raise ValidationFailed(FieldError("file", "tệp trống", "the file is empty"))
        header = [aliases.get(fold(str(h or "")).replace(" ", "_"), aliases.get(fold(str(h or "")), ""))
                  for h in header_row[:MAX_COLUMNS]]
        if not any(header):
            raise ValidationFailed(FieldError(
                "file", "không nhận ra dòng tiêu đề", "the header row was not recognised"))
        rows = []
        for line, values in enumerate(limited_rows(raw_rows, limit), start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            row = TableRow((key, _clean(v)) for key, v in zip(header, values, strict=False) if key)
            row.line = line
            rows.append(row)
    except ValidationFailed:
        raise
    except Exception as exc:  # a corrupt file is bad input, never a server error
        raise ValidationFailed(FieldError(
            "file", f"không đọc được tệp: {exc}", f"the file could not be read: {exc}")) from exc
    return rows


def _clean(value):
    if isinstance(value, str):
        return value.strip()
    return value


def check_xlsx_expansion(content: bytes) -> None:
    """An XLSX file is a zip: refuse one whose parts would unpack to more than XLSX_EXPANSION times the upload
    limit (a "zip bomb") before openpyxl inflates its shared strings."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValidationFailed(FieldError("file", "tệp XLSX hỏng", "the XLSX file is corrupt")) from exc
    limit = XLSX_EXPANSION * max_upload_mb() * MB
    if expanded > limit:
        raise ValidationFailed(FieldError(
            "file", f"tệp XLSX giải nén ra quá {limit // MB:.0f} MB", f"the XLSX file unpacks to over "
            f"{limit // MB:.0f} MB"))


def _xlsx_rows(content: bytes) -> Iterator[list]:
    check_xlsx_expansion(content)
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    try:
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield list(row)
    finally:
        workbook.close()


# What a spreadsheet treats as the start of a formula (or strips before one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def csv_safe(value: str) -> str:
    """A text field as written to CSV: an apostrophe before a would-be formula, so Excel and LibreOffice
    show it as text. Importers drop that apostrophe again (`_unquote`), so an export re-imports unchanged."""
    return "'" + value if is_formula_like(value) else value


def _unquote(value):
    if isinstance(value, str) and value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def decode_text(content: bytes, what_vi: str = "tệp CSV", what_en: str = "CSV file") -> str:
    """The text of a file saved by Excel or LibreOffice on a Vietnamese computer: UTF-8 (with or without BOM),
    UTF-16 with its BOM ("Unicode Text"), or Windows-1258 (Excel's "CSV" on Vietnamese Windows). Windows-1258
    writes tone marks as combining characters, so the text is normalised to NFC (precomposed) either way.
    Anything else is refused naming the encoding to use, never with a raw decode error."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1258"]
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text and encoding != "utf-16":
            break  # UTF-16 without a BOM, or a binary file: not guessed
        return unicodedata.normalize("NFC", text)
    raise ValidationFailed(FieldError(
        "file",
        f"không nhận ra bảng mã của {what_vi}: hãy lưu lại bằng \"CSV UTF-8\" (Excel: Lưu thành → CSV UTF-8), "
        "hoặc Unicode (UTF-16) hay Windows-1258",
        f"the {what_en}'s text encoding was not recognised: save it again as \"CSV UTF-8\" "
        "(Excel: Save As → CSV UTF-8), or as Unicode (UTF-16) or Windows-1258"))


def _csv_rows(content: bytes) -> Iterator[list]:
    text = decode_text(content)
    # Only the delimiter is guessed: the sniffer would take the apostrophes exports put before would-be
    # formulas for a quote character. Spreadsheets quote with '"' anyway.
    delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter if text.strip() else ","
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield [_unquote(v) for v in row[:MAX_COLUMNS]]


def parse_date(value, field: str, row: int | None = None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationFailed(FieldError(
        field, f"ngày '{text}' không hợp lệ (dd/mm/yyyy)", f"date '{text}' is invalid (dd/mm/yyyy)", row))


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="9B1C1C")
    for row in rows:
        append_row(sheet, [_excel_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.timedelta):  # durations read as hours:minutes, summable in Excel
                cell.number_format = "[h]:mm"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(60, len(str(header)) + 4))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(value):
    return value if value is None or isinstance(value, (int, float, str, dt.date, dt.timedelta)) else str(value)


def as_text_cell(cell) -> None:
    """Make a cell holding a would-be formula plain text: openpyxl would store "=…" as a formula, and Excel
    re-reads "+…", "-…" or "@…" as one as soon as someone edits the cell; the quote prefix prevents both."""
    if isinstance(cell.value, str) and is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def append_row(sheet, values: Sequence) -> None:
    """`sheet.append(values)` for an export: text is never written as a formula."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        as_text_cell(cell)


def neutralise_sheet(sheet, min_row: int = 1) -> None:
    """Make every would-be formula already written to `sheet` plain text (for workbooks built cell by cell)."""
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            as_text_cell(cell)


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_safe(value) if isinstance(value, str) else value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_value(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
