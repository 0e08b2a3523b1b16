"""Template filters for Vietnamese formatting; registered as builtins in settings."""

import datetime as dt

from django import template
from django.utils import timezone

from tinhso.core import formatting

register = template.Library()


@register.filter
def vnnum(value, decimals=0):
    return formatting.vn_number(value, int(decimals))


@register.filter
def vnpct(value, decimals=1):
    return formatting.vn_percent(value, int(decimals))


@register.filter
def vndate(value):
    # Templates pass "" for a missing attribute chain: show nothing rather than fail.
    return formatting.vn_date(value) if value else ""


@register.filter
def vndatetime(value):
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.vn_datetime(value)


@register.filter
def vnvalue(value):
    """A value of unknown type shown the Vietnamese way: dates dd/mm/yyyy, times hh:mm dd/mm/yyyy, ∅ for none."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, dt.datetime):
        return vndatetime(value)
    if isinstance(value, dt.date):
        return formatting.vn_date(value)
    if isinstance(value, bool):
        return "Có / Yes" if value else "Không / No"
    return value
