"""`{{ state|state_badge }}`: the coloured badge of a derived task state (cheaper than an include per row)."""

from django import template
from django.utils.html import format_html

from tinhso.programme.models import DerivedState

register = template.Library()
_LABELS = {value: label.split(" / ")[0] for value, label in DerivedState.choices}
_LABELS[DerivedState.CARRIED_OVER] = "Đã chuyển tiếp"


@register.filter
def state_badge(state: str) -> str:
    return format_html('<span class="state state-{}">{}</span>', state, _LABELS.get(state, state))
