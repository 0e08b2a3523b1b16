"""The IOC contract: how a domain app puts figures on the operations centre's dashboards.

The IOC (``tinhso.ioc``) knows no app's internals. Any installed app may ship a module
``tinhso/<app>/ioc.py``; the core discovers it (``tinhso.ioc.registry``), the way NetBox finds each
app's ``search.py``. Every name below is optional in that module:

``widgets() -> list[Widget]``
    The app's widgets: tiles, charts and per-unit maps a dashboard definition may name by ``Widget.key``
    (``"<app>.<name>"``). Called once per process, at discovery.

``alerts(ctx: Context) -> list[Alert]``
    What needs attention now in ``ctx.scope`` for ``ctx.user``: overdue tasks, reports waiting,
    security incidents… Return only what the user may see (use your own services' permission checks);
    return ``[]`` when none applies. Must be quick: it runs once per refresh interval per dashboard.

``default_widgets(ctx: Context) -> list[dict]``
    The widgets this app proposes for ``ctx.audience``'s default dashboard, as definition items
    ``{"widget": "<app>.<name>", "params": {...}}``. Only widgets the user may see.

``ORDER: int``
    Where the app's default widgets go on a default dashboard (lower first; 50 when absent).

``sector(user) -> str | None``
    When the user is this app's sector officer (e.g. a transport inspector), a short sector title;
    the user's default dashboard then leads with this app's widgets.

Rules every provider keeps:

* Read through your own app's public services; never import another domain app.
* Everything you return is plain data (numbers as ``Decimal``/``float``, dates, strings, URLs); the IOC
  caches it for the refresh interval and shares it between every screen of a dashboard, so it must
  not depend on the request.
* Respect ``ctx.user``'s permissions: a tile or alert a user may not see is not returned (return ``[]``),
  never returned blank. ``ctx.kiosk`` is true for a wall screen opened by a kiosk link; ``ctx.user``
  is then the DX-office account that issued the link, and the screen is read-only.
* Texts are Vietnamese (the wall and the leaders read Vietnamese); numbers with
  ``tinhso.core.formatting`` (1.562 · 97,4% · dd/mm/yyyy).
* A widget's ``check(params)`` refuses unknown references (indicator codes, units, rounds) with
  ``FieldError``s so an imported dashboard definition is refused whole, naming field and reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tinhso.core.errors import FieldError

# audiences (who the dashboard is for)
LEADER, DX_OFFICE, FOCAL, SECTOR = "leader", "dx_office", "focal", "sector"
AUDIENCES = (LEADER, DX_OFFICE, FOCAL, SECTOR)

# widget kinds
TILE, CHART, MAP = "tile", "chart", "map"

# what a tile's target is called; pages translate these words in the context "tile target" (catalogues of
# other apps give "Kế hoạch" other meanings, e.g. programme's "Plan")
TARGET_LABELS = ("Kế hoạch", "Mức trần", "Mục tiêu", "Kinh phí", "Điểm")

# tile status colours: judged by the indicator's direction (higher or lower is better)
GOOD, WARN, BAD, NEUTRAL = "good", "warn", "bad", "neutral"

# alert severities, most urgent first
HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITIES = (HIGH, MEDIUM, LOW)


@dataclass(frozen=True)
class Context:
    """Who looks at what. ``scope`` is the unit whose subtree the dashboard covers; ``year`` and
    ``period`` (a period key inside the year, such as ``2026-Q3``, or ``""`` for the whole year) the
    span of the figures; ``today`` the day alerts are judged on."""

    user: Any
    scope: Any
    year: int
    period: str = ""
    today: dt.date = field(default_factory=dt.date.today)
    audience: str = LEADER
    kiosk: bool = False
    # scratch space living for one computation of one dashboard: a provider may keep what several of its
    # widgets and its alerts need (e.g. the scope's targets) under keys prefixed by its app label
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass
class Link:
    """One step of a tile's evidence chain: the approved report behind a figure, who approved it, when."""

    label: str
    url: str
    detail: str = ""
    when: dt.datetime | None = None


@dataclass
class Tile:
    """A figure with its context. ``value_text``/``target_text`` are already formatted Vietnamese;
    ``sparkline`` is [(label, value)] oldest first; ``url`` is where a click on the number leads (the
    evidence: ``tinhso.ioc`` links it to its evidence page when ``evidence`` is given)."""

    key: str
    title: str
    value_text: str
    value: Decimal | float | None = None
    unit_of_measure: str = ""
    target_text: str = ""
    target_label: str = "Kế hoạch"  # what target_text is (one of TARGET_LABELS, translated on the page)
    achievement_pct: Decimal | float | None = None
    # the module's own words for how far the figure got ("đạt 103% kế hoạch", and for a lower-is-better
    # figure against its ceiling "thấp hơn mức trần 70%"), with their English for pages shown in English;
    # when empty the tile shows "đạt {achievement_pct}%"
    achievement_text: str = ""
    achievement_text_en: str = ""
    sentence: str = ""            # the module's own sentence ("… là 97,4%/95%, đạt 103%")
    explain: str = ""             # "Explain this tile": one generated Vietnamese sentence
    status: str = NEUTRAL         # GOOD / WARN / BAD / NEUTRAL
    previous_text: str = ""       # same period last year
    sparkline: list[tuple[str, float]] = field(default_factory=list)
    updated_at: dt.datetime | None = None
    url: str = ""                 # the page behind the number
    evidence: list[Link] = field(default_factory=list)
    unit_values: list[dict] = field(default_factory=list)  # for maps: {unit_id, name, value, text, status, url}
    as_of: dt.date | None = None  # for maps: the day the units are drawn as of (the figure's date)


@dataclass
class Chart:
    """A chart the IOC draws with pygal. ``kind``: ``line`` (trend), ``bar`` (by unit), ``hbar``
    (ranking), ``gauge`` (completeness). ``series`` are (name, values) aligned with ``labels``;
    ``links`` (aligned with labels) make bars clickable."""

    key: str
    title: str
    kind: str
    labels: list[str]
    series: list[tuple[str, list[float | None]]]
    links: list[str] = field(default_factory=list)
    caption: str = ""
    url: str = ""
    value_suffix: str = ""


@dataclass
class Alert:
    """Something to act on: what, where, since when, and the record it links to."""

    key: str              # stable identity, e.g. "programme.overdue.123"
    what: str
    where: str
    since: dt.date | dt.datetime | None
    url: str
    severity: str = MEDIUM
    source: str = ""      # the app label; set by the IOC when empty


@dataclass(frozen=True)
class Widget:
    """A kind of tile/chart/map an app offers. ``render(ctx, params)`` returns a list of ``Tile``
    (kind TILE or MAP) or of ``Chart`` (kind CHART); ``check(params)`` returns what is wrong with the
    parameters (unknown indicator…), ``[]`` when fine; ``visible(user)`` hides it from who may not see
    it; ``params`` documents each parameter."""

    key: str
    title: str
    kind: str
    render: Callable[[Context, dict], list]
    params: dict[str, str] = field(default_factory=dict)
    check: Callable[[dict], list[FieldError]] | None = None
    visible: Callable[[Any], bool] | None = None

    def errors(self, params: dict, position: int | None = None) -> list[FieldError]:
        unknown = sorted(set(params) - set(self.params))
        errors = [FieldError(f"widgets[{position}].params.{name}", f"widget {self.key} không có tham số {name}",
                             f"widget {self.key} has no parameter {name}") for name in unknown]
        if self.check is not None:
            errors += [FieldError(f"widgets[{position}].params.{e.field}", e.vi, e.en) for e in self.check(params)]
        return errors

    def can_see(self, user) -> bool:
        return self.visible is None or bool(self.visible(user))
