"""`{{ text|data_language }}`: the active language's half of a bilingual data text shipped as "Vi / En" (framework
and indicator names, rule names, screening warnings), split at its last " / " (core.labels.one_language). Stored
history reasons with a person's words after a colon go through vn's `one_language` instead."""

from django import template

from tinhso.core import labels

register = template.Library()


@register.filter(name="data_language")
def data_language(text) -> str:
    return labels.one_language(text)
