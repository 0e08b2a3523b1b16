"""Reading and writing the spreadsheets people actually exchange: CSV (UTF-8, comma or semicolon) and XLSX.

Importers get rows as dicts keyed by canonical column names; header aliases let a file use
Vietnamese column titles. Dates are accepted as dd/mm/yyyy, yyyy-mm-dd or real Excel dates.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.text import fold

MAX_ROWS = 200_000


class TableRow(dict):
    """One row of an imported sheet, remembering its line in the file (the header is line 1)."""

    line: int


def numbered(rows: list[dict]):
    """(line number as the user sees it in Excel, row) for rows read by `read_table`, which skips blank
    lines; rows built in code count from line 2."""
    for position, row in enumerate(rows, start=2):
        yield getattr(row, "line", position), row


def read_table(content: bytes, filename: str, aliases: dict[str, str]) -> list[dict]:
    """Rows of the first sheet as dicts (`TableRow`, with their line number); blank lines are skipped.
    `aliases` maps folded header text → canonical key."""
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            raw_rows = _xlsx_rows(content)
        elif name.endswith(".csv") or name.endswith(".txt"):
            raw_rows = _csv_rows(content)
        else:
            raise ValidationFailed(FieldError(
                "file", "chỉ nhận tệp .csv hoặc .xlsx", "only .csv or .xlsx files are accepted"))
    except ValidationFailed:
        raise
    except Exception as exc:  # a corrupt file is bad input, never a server error
        raise ValidationFailed(FieldError(
            "file", f"không đọc được tệp: {exc}", f"the file could not be read: {exc}")) from exc
    if not raw_rows:
        raise ValidationFailed(FieldError("file", "tệp trống", "the file is empty"))
    header = [aliases.get(fold(str(h or "")).replace(" ", "_"), aliases.get(fold(str(h or "")), ""))
              for h in raw_rows[0]]
    if not any(header):
        raise ValidationFailed(FieldError(
            "file", "không nhận ra dòng tiêu đề", "the header row was not recognised"))
    if len(raw_rows) - 1 > MAX_ROWS:
        raise ValidationFailed(FieldError(
            "file", f"quá {MAX_ROWS} dòng", f"more than {MAX_ROWS} rows"))
    rows = []
    for line, values in enumerate(raw_rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        row = TableRow((key, _clean(v)) for key, v in zip(header, values, strict=False) if key)
        row.line = line
        rows.append(row)
    return rows


def _clean(value):
    if isinstance(value, str):
        return value.strip()
    return value


def _xlsx_rows(content: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(content: bytes) -> list[list]:
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


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
        sheet.append([_excel_value(v) for v in row])
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


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
