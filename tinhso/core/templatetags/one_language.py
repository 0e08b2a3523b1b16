"""`{{ text|one_language }}`: the active language's half of a bilingual data text ("Vi / En")."""

from django import template

from tinhso.core import labels

register = template.Library()


@register.filter(name="one_language")
def one_language(text) -> str:
    return labels.one_language(text)
