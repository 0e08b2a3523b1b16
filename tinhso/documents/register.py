"""The outgoing-documents register: numbers allocated once, in order, per issuing unit and year, never reused,
and safe when several people issue at the same moment (the counter row is locked with SELECT … FOR UPDATE on
PostgreSQL; SQLite takes its write lock at BEGIN IMMEDIATE, see settings)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F

from tinhso.documents.models import IssuedDocument, NumberCounter
from tinhso.units.models import Unit


def _counter(unit: Unit, year: int) -> NumberCounter:
    """The counter row of (unit, year), locked for this transaction; created on first use."""
    try:
        return NumberCounter.objects.select_for_update().get(unit=unit, year=year)
    except NumberCounter.DoesNotExist:
        pass
    try:
        with transaction.atomic():  # a savepoint: a concurrent creator wins, we then lock its row
            NumberCounter.objects.create(unit=unit, year=year, last_number=0)
    except IntegrityError:
        pass
    return NumberCounter.objects.select_for_update().get(unit=unit, year=year)


def allocate(unit: Unit, year: int) -> int:
    """The next number of `unit`'s register for `year`. Call inside the transaction that records the
    document, so a failure gives the number back with everything else (nothing is skipped or reused)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside the transaction that records the document")
    counter = _counter(unit, year)
    NumberCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return counter.last_number


def next_number(unit: Unit, year: int) -> int:
    """The number the next document would get (for display; not reserved)."""
    last = NumberCounter.objects.filter(unit=unit, year=year).values_list("last_number", flat=True).first()
    return (last or 0) + 1


def record(*, unit: Unit, year: int, number: int, symbol: str, kind: str, type_name: str, summary: str,
           date: dt.date, docx: bytes, pdf: bytes, user=None, subject: Unit | None = None, period: str = "",
           signer: str = "", recipients: list[str] | None = None, replaces: IssuedDocument | None = None,
           template_version: int | None = None) -> IssuedDocument:
    return IssuedDocument.objects.create(
        unit=unit, subject=subject, year=year, number=number, symbol=symbol, kind=kind, type_name=type_name,
        summary=summary[:500], date=date, period=period, signer=signer[:200], recipients="\n".join(recipients or []),
        docx=docx, pdf=pdf, sha256=hashlib.sha256(docx).hexdigest(), replaces=replaces,
        template_version=template_version, issued_by=user if getattr(user, "is_authenticated", False) else None)


def entries(unit: Unit | None = None, year: int | None = None):
    rows = IssuedDocument.objects.select_related("unit", "issued_by").defer("docx", "pdf")
    if unit is not None:
        rows = rows.filter(unit=unit)
    if year is not None:
        rows = rows.filter(year=year)
    return rows
