"""Template filters for Vietnamese formatting; registered as builtins in settings."""

import datetime as dt
import functools
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from tinhso.core import formatting, labels
from tinhso.core.addresses import kept_reverse

register = template.Library()


class KeptURLNode(defaulttags.URLNode):
    """Django's `{% url %}`, with the address reversed once per process (core.addresses)."""

    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None and getattr(request, "resolver_match", None) is not None:
            current_app = request.resolver_match.namespace
        try:
            address = kept_reverse(self.view_name.resolve(context), args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            address = ""
        if self.asvar:
            context[self.asvar] = address
            return ""
        return conditional_escape(address) if context.autoescape else address


@register.tag
def url(parser, token):
    """Replaces the built-in `{% url %}` in every template (this library is a builtin, loaded after Django's):
    the same syntax and result."""
    node = defaulttags.url(parser, token)
    node.__class__ = KeptURLNode
    return node


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
        return translation.gettext("Có") if value else translation.gettext("Không")
    return value


@register.filter
def vnsigned(value, decimals=0):
    """A change with its sign and a fixed number of decimals: +4,07 / −1,50."""
    return formatting.vn_signed(value, int(decimals), fixed=True)


@register.filter
def vnfixed(value, decimals=0):
    """A number with exactly `decimals` decimals (77,80), for columns read side by side."""
    return formatting.vn_number(value, int(decimals), fixed=True)


@register.filter
def vnduration(seconds):
    """Seconds as "7 giờ 13 phút"."""
    return formatting.vn_duration(seconds)


@register.filter
def vnhm(seconds):
    """Seconds as h:mm."""
    return formatting.vn_hm(seconds)


@functools.cache
def _icon_svg(name: str) -> str:
    path = finders.find(f"tinhso/icons/{name}.svg")
    if not path:
        raise template.TemplateSyntaxError(f"no icon {name!r} in tinhso/icons/")
    return Path(path).read_text(encoding="utf-8").strip()


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An icon drawn from the bundled SVG files (static/tinhso/icons/), inlined so it takes the text's colour
    and size and shows on machines without an emoji font (where "📎" renders as "□")."""
    svg = _icon_svg(name).replace("<svg ", '<svg class="icon" aria-hidden="true" ' if not label else
                                   f'<svg class="icon" role="img" aria-label="{escape(label)}" ', 1)
    return mark_safe(svg)  # noqa: S308 — a file of the application, the label escaped


@register.filter(name="one_language")
def one_language_filter(text):
    """A stored "Tiếng Việt / English" text (a history reason, a report comment) in the active language only."""
    return labels.one_language(str(text)) if text else ""


@register.filter
def in_language(message, language: str = ""):
    """The active language's text of a bilingual message: a {vi, en} dict or an object with .vi/.en (service
    errors, whose API bodies stay bilingual). A page shows one language; Vietnamese when English is missing."""
    if message is None or isinstance(message, str):
        return message or ""
    language = (language or translation.get_language() or "vi")[:2]

    def part(key):
        return message.get(key) if isinstance(message, dict) else getattr(message, key, None)

    return (part("en") if language == "en" else None) or part("vi") or part("en") or ""
