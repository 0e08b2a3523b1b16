"""Discovery of the apps' ``ioc.py`` modules (see ``contract.py``) and the calls into them.

A provider that fails must not blank the wall: its error is logged and its part left out, so one
broken app costs its own tiles, not the leader's whole morning page."""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache
from types import ModuleType

from django.apps import apps

from tinhso.ioc.contract import Alert, Context, Widget

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def providers() -> dict[str, ModuleType]:
    """{app label: its ioc module} for every installed app that has one, in app order."""
    found = {}
    for config in apps.get_app_configs():
        if config.label == "ioc":
            continue
        try:
            found[config.label] = importlib.import_module(f"{config.name}.ioc")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.ioc":
                raise  # the module exists but imports something missing: a real bug
    return found


@lru_cache(maxsize=1)
def widgets() -> dict[str, Widget]:
    """Every widget of every provider, by key."""
    found: dict[str, Widget] = {}
    for label, module in providers().items():
        for widget in getattr(module, "widgets", lambda: [])():
            if not widget.key.startswith(f"{label}."):
                raise ValueError(f"widget {widget.key} of {label} must be named '{label}.<name>'")
            found[widget.key] = widget
    return found


def forget() -> None:
    """Drop the discovery caches (tests that install a provider)."""
    providers.cache_clear()
    widgets.cache_clear()


def alerts(ctx: Context, sources: list[str] | None = None) -> list[Alert]:
    collected: list[Alert] = []
    for label, module in providers().items():
        if sources is not None and label not in sources:
            continue
        call = getattr(module, "alerts", None)
        if call is None:
            continue
        try:
            for alert in call(ctx):
                alert.source = alert.source or label
                collected.append(alert)
        except Exception:  # one provider's failure must not take the dashboard down
            logger.exception("IOC alerts of %s failed", label)
    return collected


def default_widgets(ctx: Context, first: str | None = None) -> list[dict]:
    """The default definition items every provider proposes for this audience; `first` (a sector app)
    leads."""
    items: list[dict] = []
    order = sorted(providers().items(), key=lambda kv: (kv[0] != first, getattr(kv[1], "ORDER", 50)))
    for label, module in order:
        call = getattr(module, "default_widgets", None)
        if call is None:
            continue
        try:
            items += call(ctx)
        except Exception:
            logger.exception("IOC default widgets of %s failed", label)
    return items


def sector_of(user) -> tuple[str, str] | None:
    """(app label, sector title) when some provider claims the user as its sector officer."""
    for label, module in providers().items():
        call = getattr(module, "sector", None)
        title = call(user) if call else None
        if title:
            return label, title
    return None
