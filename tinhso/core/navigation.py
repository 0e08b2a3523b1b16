"""The modules shown in the top menu and on the home page. Each app's AppConfig declares its own
entry (`nav_entry`), so the core needs no knowledge of the domain apps."""

import logging
from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch

from tinhso.core.addresses import kept_reverse
from tinhso.core.memo import Memo

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Module:
    url_name: str
    title: str
    description: str
    order: int = 50

    @property
    def url(self) -> str:
        return kept_reverse(self.url_name)


_MENUS = Memo(60)


def modules_for(user) -> list[Module]:
    """The menu of `user`: the same for every request of the same account and role, so it is kept a minute per
    process (a page no longer walks every app and reverses every address)."""
    key = (user.pk, getattr(user, "role", ""), getattr(user, "unit_id", None), user.is_superuser, user.is_active)
    return _MENUS.get(key, lambda: _modules_for(user))


def _modules_for(user) -> list[Module]:
    modules = []
    for config in apps.get_app_configs():
        entry = getattr(config, "nav_entry", None)
        if entry is None:
            continue
        visible = getattr(config, "nav_visible", None)
        if visible is not None and not visible(user):
            continue
        module = Module(**entry)
        try:
            module.url  # noqa: B018 - an entry naming a missing page must not break every page
        except NoReverseMatch:
            logger.error("nav_entry of %s names an unknown page %s", config.label, module.url_name)
            continue
        modules.append(module)
    return sorted(modules, key=lambda m: m.order)
