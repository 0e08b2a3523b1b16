"""Bridges between Django forms and service errors, so every page shows the same bilingual messages."""

from django import forms
from django.utils.translation import get_language

from tinhso.core.errors import DomainError, FieldError, in_language
from tinhso.core.formatting import vn_decimal_text


def message(error: FieldError) -> str:
    """The error in the reader's language only (a page shows one language; API bodies keep both)."""
    return in_language(error.vi, error.en)


def apply_errors(form: forms.Form, exc: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Attach service errors to the matching form fields (non-field errors otherwise)."""
    field_map = field_map or {}
    if not exc.errors:
        form.add_error(None, in_language(exc.vi, exc.en))
    for error in exc.errors:
        name = field_map.get(error.field, error.field)
        # A hidden field (such as `version`) shows no errors of its own: its message goes to the top.
        visible = name in form.fields and not form.fields[name].widget.is_hidden
        form.add_error(name if visible else None, message(error))


class FigureField(forms.DecimalField):
    """A decimal typed the way the reader's language writes it: "1.250,5" in Vietnamese, "1,250.5" in English.

    Django strips thousand separators from input only when USE_THOUSAND_SEPARATOR is on, which tinhso
    keeps off (its figures are formatted by core.formatting); this field reads them in either case.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            english = (get_language() or "vi").startswith("en")
            value = value.strip().replace(" ", "").replace(",", "") if english else vn_decimal_text(value)
        return super().to_python(value)
