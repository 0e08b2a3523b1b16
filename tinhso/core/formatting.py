"""Vietnamese number, percent and date formatting: 1.562 · 97,4% · 25/11/2026."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

_VN_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


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


def vn_number(value: float | int | Decimal | None, decimals: int = 0, fixed: bool = False) -> str:
    """Format with a dot for thousands and a comma for decimals; trailing zero decimals are dropped
    unless `fixed` (a column of scores keeps the same number of decimals on every row: 77,80 beside 78,88)."""
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
    if not fixed:
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


MINUS = "\u2212"  # the typographic minus sign Vietnamese reports print before a fall ("−0,42")


def vn_signed(value: float | int | Decimal | None, decimals: int = 0, fixed: bool = False) -> str:
    """A change, carrying its sign: "+4,07", "−1,5", "0" (rounded half-up once, here)."""
    if value is None:
        return "—"
    text = vn_number(value, decimals, fixed)
    if text == "—":
        return text
    if text.startswith("-"):
        return MINUS + text[1:]
    return text if text.strip("0,.") == "" else "+" + text


def _whole_seconds(seconds: float | int | Decimal) -> int:
    return int(Decimal(str(seconds)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def vn_duration(seconds: float | int | Decimal | None) -> str:
    """A duration as a Vietnamese reader says it: "45 giây", "15 phút", "7 giờ 13 phút".

    Under a minute in seconds; under an hour in minutes (and seconds, when under ten minutes, so a
    4 min 30 s gap is not read as 4 min); from an hour on in hours and minutes (seconds rounded half-up)."""
    if seconds is None:
        return "—"
    total = _whole_seconds(seconds)
    sign = MINUS if total < 0 else ""
    total = abs(total)
    if total < 60:
        return f"{sign}{total} giây"
    if total < 600:
        minutes, rest = divmod(total, 60)
        return f"{sign}{minutes} phút" + (f" {rest} giây" if rest else "")
    if total < 3600:
        return f"{sign}{_whole_seconds(total / 60)} phút"
    hours, minutes = divmod(_whole_seconds(total / 60), 60)
    return f"{sign}{vn_number(hours)} giờ" + (f" {minutes} phút" if minutes else "")


def vn_hm(seconds: float | int | Decimal | None) -> str:
    """A duration as h:mm for table columns ("7:13", "0:05", "26:00"), minutes rounded half-up."""
    if seconds is None:
        return "—"
    minutes = _whole_seconds(Decimal(str(seconds)) / 60)
    sign = MINUS if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{vn_number(hours)}:{rest:02d}"


def vn_decimal_text(text: str) -> str:
    """A number typed the Vietnamese way, as Python reads it: "1.234,5" → "1234.5", "1.562" → "1562",
    "97,4" → "97.4"; spaces dropped, anything else unchanged."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if _VN_GROUPED.match(text):
        return text.replace(".", "")
    return text
