"""`{{ state|state_badge }}`: the coloured badge of a derived task state (cheaper than an include per row)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tinhso.programme.models import DerivedState

register = template.Library()
_LABELS = dict(DerivedState.choices) | {DerivedState.CARRIED_OVER: _("Đã chuyển tiếp")}


@register.filter
def state_badge(state: str) -> str:
    return format_html('<span class="state state-{}">{}</span>', state, _LABELS.get(state, state))
