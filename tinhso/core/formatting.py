"""Vietnamese number, percent and date formatting: 1.562 · 97,4% · 25/11/2026."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | int | Decimal | None, decimals: int = 0) -> Decimal | None:
    """The platform's one rounding rule, for pages, sentences, exports and the API alike: half away from
    zero on the decimal value (102,25 → 102,3; Python's round() would give 102,2). A float is read by its
    shortest repr, so 0.1 + 0.2 rounds as 0,3."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    if not number.is_finite():
        return None
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def vn_number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """Format with a dot for thousands and a comma for decimals; trailing zero decimals are dropped."""
    if value is None:
        return "—"
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if not value.is_finite():
        return "—"
    number = round_half_up(value, decimals)
    sign = "-" if number < 0 else ""
    integer, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    fraction = fraction.rstrip("0")
    return sign + ".".join(groups) + ("," + fraction if fraction else "")


def vn_percent(value: float | Decimal | None, decimals: int = 1) -> str:
    """`value` is already a percentage (97.4 → "97,4%")."""
    return "—" if value is None else vn_number(value, decimals) + "%"


def vn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%H:%M %d/%m/%Y")
