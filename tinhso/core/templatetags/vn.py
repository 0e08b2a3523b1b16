"""Template filters for Vietnamese formatting; registered as builtins in settings."""

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
    return formatting.vn_date(value)


@register.filter
def vndatetime(value):
    if value is not None and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.vn_datetime(value)
