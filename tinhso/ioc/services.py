"""Dashboards: who gets which, their definitions (validated, exported, imported), kiosk links, and the
figures — computed once per refresh interval per dashboard and scope, and shared by every screen."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import is_system_admin
from tinhso.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.core.memo import Memo
from tinhso.ioc import registry
from tinhso.ioc.contract import (
    AUDIENCES,
    CHART,
    DX_OFFICE,
    FOCAL,
    LEADER,
    MAP,
    SECTOR,
    SEVERITIES,
    TILE,
    Alert,
    Context,
)
from tinhso.ioc.models import Dashboard, KioskLink, Pin
from tinhso.units.models import Unit, UnitKind

logger = logging.getLogger(__name__)

DEFINITION_KEYS = {"name", "audience", "scope", "year", "period", "refresh_seconds", "rotate_seconds", "columns",
                   "widgets", "alerts"}
WIDGET_KEYS = {"widget", "params", "page", "wide"}
ALERT_KEYS = {"sources", "min_severity", "limit"}
DEFAULT_REFRESH = 60
MAX_WIDGETS = 60
KIOSK_SALT = "tinhso.ioc.kiosk"
# A wall screen polls every few seconds: its link is re-read from the database at most this often (a
# revocation in this process takes effect at once; one made in another server process within this delay).
KIOSK_RECHECK_SECONDS = 5.0
SCOPE_SECONDS = 30.0


# ---------------------------------------------------------------- who

def audience_of(user: User) -> str:
    """DX office (administrators), sector officer (claimed by an app, e.g. transport inspectors), focal
    point, or leader (read-only)."""
    if is_system_admin(user) or user.role == Role.ADMIN:
        return DX_OFFICE
    if registry.sector_of(user):
        return SECTOR
    if user.role in (Role.FOCAL, Role.API_CLIENT):
        return FOCAL
    return LEADER


def can_view_scope(user: User, unit: Unit) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_system_admin(user) or user.unit is None:
        return True
    return unit.path.startswith(user.unit.path)


def can_manage(user: User) -> bool:
    """The DX office composes shared dashboards and issues kiosk links."""
    return user.is_authenticated and user.is_active and (is_system_admin(user) or user.role == Role.ADMIN)


def require_manage(user: User) -> None:
    if not can_manage(user):
        raise Forbidden("Chỉ cơ quan chuyên trách chuyển đổi số được quản lý bảng điều hành dùng chung và màn hình",
                        "Only the DX office manages shared dashboards and wall screens")


def top_unit(day: dt.date | None = None) -> Unit | None:
    """For a system-wide account: the first province in force (the platform usually serves one)."""
    day = day or dt.date.today()
    return Unit.objects.as_of(day).filter(kind=UnitKind.PROVINCE).order_by("name").first()


def find_unit(reference) -> Unit | None:
    """A unit by id or electronic code (the one in force last when a code was reused)."""
    if reference in (None, ""):
        return None
    if isinstance(reference, int) or (isinstance(reference, str) and reference.isdigit()):
        return Unit.objects.filter(pk=int(reference)).first() if 0 < int(reference) < 2 ** 31 else None
    matches = Unit.objects.filter(Q(code=str(reference)) | Q(stats_code=str(reference)))
    return sorted(matches, key=lambda u: (u.valid_to is not None, -(u.valid_to or dt.date.max).toordinal()))[0] \
        if matches else None


def scope_for(user: User, definition: dict) -> Unit | None:
    """The definition's scope when the user may see it, else the user's own unit. Remembered for a few
    seconds per (user, unit, reference): every poll of every wall screen asks it."""
    key = ("scope", user.pk, user.unit_id, str(definition.get("scope")))
    known = FIGURES.recall(key)
    if known is not None:
        return known[0]
    unit = find_unit(definition.get("scope"))
    if unit is None or not can_view_scope(user, unit):
        unit = user.unit or top_unit()
    FIGURES.remember(key, (unit,), SCOPE_SECONDS)
    return unit


def context_for(user: User, definition: dict, kiosk: bool = False, today: dt.date | None = None) -> Context:
    today = today or timezone.localdate()
    return Context(user=user, scope=scope_for(user, definition), year=int(definition.get("year") or today.year),
                   period=definition.get("period") or "", today=today,
                   audience=definition.get("audience") or audience_of(user), kiosk=kiosk)


# ---------------------------------------------------------------- definitions

def default_definition(user: User) -> dict:
    """The built-in default of the user's role, assembled from what each app proposes."""
    audience = audience_of(user)
    ctx = Context(user=user, scope=user.unit or top_unit(), year=timezone.localdate().year, audience=audience)
    sector = registry.sector_of(user)
    items = registry.default_widgets(ctx, first=sector[0] if sector else None)
    kinds = {key: widget.kind for key, widget in registry.widgets().items()}
    # the first page first, and on each page the figures (tiles) before the charts, whatever the app
    items.sort(key=lambda item: (item.get("page", 1), kinds.get(item["widget"]) != TILE))
    names = {LEADER: "Toàn cảnh", DX_OFFICE: "Điều hành chuyển đổi số", FOCAL: "Đơn vị của tôi",
             SECTOR: sector[1] if sector else "Chuyên ngành"}
    return {"name": names[audience], "audience": audience, "scope": None, "year": None, "period": "",
            "refresh_seconds": DEFAULT_REFRESH, "rotate_seconds": 20, "columns": 4, "widgets": items,
            "alerts": {"sources": None, "min_severity": "low", "limit": 12}}


def visible_dashboards(user: User):
    """Shared dashboards and the user's own."""
    return Dashboard.objects.filter(Q(owner__isnull=True) | Q(owner=user)).order_by("name", "id")


def get_dashboard(user: User, dashboard_id: int) -> Dashboard:
    dashboard = visible_dashboards(user).filter(pk=dashboard_id).first()
    if dashboard is None:
        raise NotFound(f"Bảng điều hành {dashboard_id}", f"Dashboard {dashboard_id}")
    return dashboard


# Which dashboard each account's home page shows (its pin, or its audience's shared default), per process, until a
# dashboard or a pin changes (memo.changed("dashboards") from ioc.apps) or permissions do (they decide the
# audience): two queries on every home page.
_HOME_DASHBOARDS = Memo(300, depends_on=("dashboards", "accounts"))


def home_definition(user: User) -> tuple[dict, Dashboard | None]:
    """What the home page shows: the user's pin, else the shared default of their role, else the built-in one.
    The caller must not change a dashboard's definition: it is shared by the requests of this process."""
    key = (user.pk, user.role, user.unit_id, user.is_superuser, user.is_active)
    dashboard = _HOME_DASHBOARDS.get(key, lambda: _home_dashboard(user))
    if dashboard is not None:
        return dashboard.definition, dashboard
    return default_definition(user), None


def _home_dashboard(user: User) -> Dashboard | None:
    pin = Pin.objects.select_related("dashboard").filter(user=user).first()
    if pin is not None:
        return pin.dashboard
    return Dashboard.objects.filter(owner__isnull=True, default_for=audience_of(user)).order_by("-updated_at").first()


def _int_field(data: dict, name: str, low: int, high: int, errors: list[FieldError]) -> None:
    value = data.get(name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.append(FieldError(name, f"phải là số nguyên từ {low} đến {high}", f"must be an integer {low}–{high}"))


def validate_definition(data) -> dict:
    """Check a whole definition; every problem is reported (field and reason) and nothing is accepted
    unless all is well. Returns the normalised definition."""
    if not isinstance(data, dict):
        raise ValidationFailed(FieldError("definition", "định nghĩa phải là một đối tượng JSON",
                                          "the definition must be a JSON object"))
    errors: list[FieldError] = []
    for key in sorted(set(data) - DEFINITION_KEYS):
        errors.append(FieldError(key, f"trường không được hỗ trợ: {key}", f"unknown field: {key}"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        errors.append(FieldError("name", "cần tên (tối đa 200 ký tự)", "a name is required (up to 200 characters)"))
    audience = data.get("audience") or LEADER
    if audience not in AUDIENCES:
        errors.append(FieldError("audience", f"đối tượng phải thuộc {', '.join(AUDIENCES)}",
                                 f"audience must be one of {', '.join(AUDIENCES)}"))
    scope = data.get("scope")
    if scope not in (None, "") and find_unit(scope) is None:
        errors.append(FieldError("scope", f"không có đơn vị '{scope}'", f"unknown unit '{scope}'"))
    _int_field(data, "year", 1990, 2100, errors)
    _int_field(data, "refresh_seconds", 2, 3600, errors)
    _int_field(data, "rotate_seconds", 5, 600, errors)
    _int_field(data, "columns", 1, 8, errors)
    period = data.get("period") or ""
    if period:
        from tinhso.indicators import periods  # noqa: PLC0415 - period keys are the indicators' vocabulary
        try:
            parsed = periods.parse(str(period), "period")
            if data.get("year") and parsed.year != data["year"]:
                errors.append(FieldError("period", "kỳ phải thuộc năm đã chọn", "the period must lie in the year"))
        except ValidationFailed as exc:
            errors += exc.errors
    widgets = data.get("widgets") or []
    if not isinstance(widgets, list) or len(widgets) > MAX_WIDGETS:
        errors.append(FieldError("widgets", f"cần danh sách tối đa {MAX_WIDGETS} ô",
                                 f"a list of at most {MAX_WIDGETS} widgets"))
        widgets = []
    known = registry.widgets()
    items = []
    for i, item in enumerate(widgets):
        if not isinstance(item, dict):
            errors.append(FieldError(f"widgets[{i}]", "mỗi ô là một đối tượng", "each widget is an object"))
            continue
        for key in sorted(set(item) - WIDGET_KEYS):
            errors.append(FieldError(f"widgets[{i}].{key}", f"trường không được hỗ trợ: {key}",
                                     f"unknown field: {key}"))
        widget = known.get(item.get("widget"))
        if widget is None:
            errors.append(FieldError(f"widgets[{i}].widget", f"không có ô '{item.get('widget')}'",
                                     f"unknown widget '{item.get('widget')}'"))
            continue
        params = item.get("params") or {}
        if not isinstance(params, dict):
            errors.append(FieldError(f"widgets[{i}].params", "tham số phải là đối tượng", "params must be an object"))
            continue
        errors += widget.errors(params, i)
        page = item.get("page", 1)
        if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= 20:
            errors.append(FieldError(f"widgets[{i}].page", "trang từ 1 đến 20", "page must be 1–20"))
        items.append({"widget": widget.key, "params": params, "page": page, "wide": bool(item.get("wide"))})
    alerts = data.get("alerts") or {}
    if not isinstance(alerts, dict):
        errors.append(FieldError("alerts", "bộ lọc cảnh báo phải là đối tượng", "alert filters must be an object"))
        alerts = {}
    for key in sorted(set(alerts) - ALERT_KEYS):
        errors.append(FieldError(f"alerts.{key}", f"trường không được hỗ trợ: {key}", f"unknown field: {key}"))
    sources = alerts.get("sources")
    if sources is not None:
        if not isinstance(sources, list):
            errors.append(FieldError("alerts.sources", "cần danh sách phân hệ", "a list of modules"))
        else:
            for source in sources:
                if source not in registry.providers():
                    errors.append(FieldError("alerts.sources", f"không có phân hệ '{source}'",
                                             f"unknown module '{source}'"))
    if alerts.get("min_severity", "low") not in SEVERITIES:
        errors.append(FieldError("alerts.min_severity", f"mức phải thuộc {', '.join(SEVERITIES)}",
                                 f"severity must be one of {', '.join(SEVERITIES)}"))
    _int_field(alerts, "limit", 0, 200, errors)
    if errors:
        raise ValidationFailed(errors, vi="Định nghĩa bị từ chối, không có gì được lưu",
                               en="The definition was rejected; nothing was saved")
    return {"name": name.strip(), "audience": audience, "scope": scope or None, "year": data.get("year"),
            "period": period, "refresh_seconds": data.get("refresh_seconds") or DEFAULT_REFRESH,
            "rotate_seconds": data.get("rotate_seconds") or 20, "columns": data.get("columns") or 4,
            "widgets": items, "alerts": {"sources": sources, "min_severity": alerts.get("min_severity", "low"),
                                         "limit": alerts.get("limit", 12)}}


def save_dashboard(user: User, data, dashboard_id: int | None = None, expected_version: int | None = None,
                   shared: bool = False, default_for: str = "") -> Dashboard:
    """Create or replace a dashboard. Shared ones (and role defaults) are the DX office's; anyone may
    keep their own."""
    definition = validate_definition(data)
    if shared or default_for:
        require_manage(user)
    if default_for and default_for not in AUDIENCES:
        raise ValidationFailed(FieldError("default_for", "đối tượng không hợp lệ", "unknown audience"))
    with transaction.atomic():
        if dashboard_id is None:
            dashboard = Dashboard(owner=None if shared or default_for else user)
        else:
            dashboard = Dashboard.objects.select_for_update().filter(pk=dashboard_id).first()
            if dashboard is None or (dashboard.owner_id not in (None, user.pk)):
                raise NotFound(f"Bảng điều hành {dashboard_id}", f"Dashboard {dashboard_id}")
            if dashboard.owner_id is None:
                require_manage(user)
            if expected_version is not None and expected_version != dashboard.version:
                raise Conflict(dashboard.version)
            dashboard.version += 1
        dashboard.name = definition["name"]
        dashboard.definition = definition
        dashboard.default_for = default_for or (dashboard.default_for if dashboard_id else "")
        dashboard._history_user = user
        dashboard.save()
    return dashboard


def export_definition(dashboard: Dashboard) -> str:
    return json.dumps({"tinhso_dashboard": 1, **dashboard.definition}, ensure_ascii=False, indent=2)


def import_definition(user: User, text: str | bytes, shared: bool = False, default_for: str = "") -> Dashboard:
    """A JSON export back into a dashboard; refused whole, with field and reason, when it names an unknown
    indicator, unit or widget."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(FieldError("file", f"không phải JSON hợp lệ: {exc}", f"not valid JSON: {exc}")) \
            from exc
    if isinstance(data, dict):
        data.pop("tinhso_dashboard", None)
    return save_dashboard(user, data, shared=shared, default_for=default_for)


def pin(user: User, dashboard_id: int | None) -> None:
    if dashboard_id is None:
        Pin.objects.filter(user=user).delete()
        return
    dashboard = get_dashboard(user, dashboard_id)
    Pin.objects.update_or_create(user=user, defaults={"dashboard": dashboard})


# ---------------------------------------------------------------- kiosk links

def issue_kiosk_link(user: User, dashboard_id: int, label: str, days: int = 30) -> tuple[KioskLink, str]:
    require_manage(user)
    dashboard = get_dashboard(user, dashboard_id)
    if dashboard.owner_id is not None:
        raise ValidationFailed(FieldError("dashboard", "chỉ bảng dùng chung mới được đưa lên màn hình",
                                          "only shared dashboards go on a wall screen"))
    if not 1 <= int(days) <= 366:
        raise ValidationFailed(FieldError("days", "thời hạn từ 1 đến 366 ngày", "validity must be 1–366 days"))
    if not label.strip():
        raise ValidationFailed(FieldError("label", "cần tên màn hình", "a screen name is required"))
    link = KioskLink(dashboard=dashboard, label=label.strip()[:120], issued_by=user,
                     expires_at=timezone.now() + dt.timedelta(days=int(days)))
    link._history_user = user
    link.save()
    return link, kiosk_token(link)


def kiosk_token(link: KioskLink) -> str:
    return signing.dumps({"k": link.pk, "n": link.nonce}, salt=KIOSK_SALT, compress=True)


def kiosk_links(user: User) -> list[KioskLink]:
    require_manage(user)
    links = KioskLink.objects.select_related("dashboard", "issued_by")
    if not is_system_admin(user):
        links = links.filter(issued_by__unit__path__startswith=user.unit.path) if user.unit else links.none()
    return list(links)


def revoke_kiosk_link(user: User, link_id: int) -> KioskLink:
    link = next((k for k in kiosk_links(user) if k.pk == link_id), None)
    if link is None:
        raise NotFound(f"Liên kết {link_id}", f"Kiosk link {link_id}")
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), user
        link._history_user = user
        link.save()
        FIGURES.forget_small()  # the screens of this process are refused from their next poll
    return link


KIOSK_REFUSED = ("Liên kết màn hình không hợp lệ, đã hết hạn hoặc đã bị thu hồi",
                 "This screen link is invalid, expired or revoked")


def resolve_kiosk(token: str) -> KioskLink:
    """The kiosk link a token names, if still valid; else Forbidden (the same answer for every reason,
    so a wall PC's URL reveals nothing)."""
    known = FIGURES.recall(("kiosk", token))
    if known is not None and known[0].expires_at > timezone.now():
        return known[0]
    try:
        data = signing.loads(token, salt=KIOSK_SALT)
        link = KioskLink.objects.select_related("dashboard", "issued_by", "issued_by__unit").get(pk=int(data["k"]))
    except (signing.BadSignature, KioskLink.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise Forbidden(*KIOSK_REFUSED) from exc
    if link.nonce != data.get("n") or link.revoked_at is not None or link.expires_at <= timezone.now() or \
            not link.issued_by.is_active:
        raise Forbidden(*KIOSK_REFUSED)
    FIGURES.remember(("kiosk", token), (link,), KIOSK_RECHECK_SECONDS)
    return link


# ---------------------------------------------------------------- figures (computed once, shared)

@dataclass
class Section:
    item: dict
    kind: str
    title: str
    tiles: list = field(default_factory=list)
    charts: list = field(default_factory=list)  # [(Chart, svg)]
    entries: list = field(default_factory=list)  # tiles with the definition item that produced each
    map_svg: str = ""
    geojson: dict | None = None  # the units' boundaries as of the figure's date, when every unit has one
    map_id: str = ""


@dataclass
class Figures:
    ctx: Context
    definition: dict
    sections: list[Section]
    alerts: list[Alert]
    computed_at: dt.datetime
    computation: int = 0
    rendered: dict = field(default_factory=dict)  # views memoise HTML per computation here


class SharedFigures:
    """Store of computed dashboards: one computation per key per interval, whatever the number of screens and
    of server processes. Each process keeps the figures it uses in memory; figures one process computes are
    also put in the cache the processes share (`shared_cache`), so the others take them instead of computing
    the same dashboard again (a 100-user dashboard costs half a second of CPU and a hundred queries). While one
    request recomputes expired figures, the others get the previous ones at once (a wall must not stall); only
    the very first computation of a key is waited for. `computations` counts this process's computations, for
    the benchmark and the tests; `Figures.computation` names one computation across processes."""

    MAX_ENTRIES = 500

    def __init__(self, shared_cache=None) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[float, Figures]] = {}
        self._key_locks: dict[tuple, threading.Lock] = {}
        self._small: dict[tuple, tuple[float, tuple]] = {}
        self._shared_cache = shared_cache
        self.computations = 0

    def get(self, key: tuple, ttl: float, compute) -> Figures:
        entry = self._entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        if entry is not None and not key_lock.acquire(blocking=False):
            return entry[1]  # another request is refreshing these figures: show the previous ones meanwhile
        if entry is None:
            key_lock.acquire()  # nothing to show yet: wait for the one computing it
        try:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > time.monotonic():
                return entry[1]
            figures, seconds_left = self._from_other_processes(key)
            if figures is None:
                figures, seconds_left = compute(), ttl
                figures.computation = secrets.randbelow(2 ** 52) + 1  # unique across processes, exact in JS
                with self._lock:
                    self.computations += 1
                self._share(key, figures, ttl)
            with self._lock:
                if len(self._entries) >= self.MAX_ENTRIES:
                    now = time.monotonic()
                    self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                self._entries[key] = (time.monotonic() + seconds_left, figures)
            return figures
        finally:
            key_lock.release()

    def _cache(self):
        if self._shared_cache is not None:
            return self._shared_cache
        from django.core.cache import caches  # noqa: PLC0415 - settings are read when first needed

        return caches["shared"]

    @staticmethod
    def _shared_key(key: tuple) -> str:
        return "ioc-figures:" + hashlib.sha256(repr(key).encode()).hexdigest()

    def _from_other_processes(self, key: tuple) -> tuple[Figures | None, float]:
        try:
            stored = self._cache().get(self._shared_key(key))
        except Exception:  # a damaged cache file must not take the dashboard down: compute instead
            logger.warning("shared IOC figures unreadable", exc_info=True)
            return None, 0.0
        if stored is None:
            return None, 0.0
        expires_at, figures = stored
        seconds_left = expires_at - time.time()
        if seconds_left <= 0:
            return None, 0.0
        figures.rendered = {}  # HTML is rendered per process (and per language) from the figures
        return figures, seconds_left

    def _share(self, key: tuple, figures: Figures, ttl: float) -> None:
        if ttl <= 0:
            return
        try:
            self._cache().set(self._shared_key(key), (time.time() + ttl, figures), timeout=ttl)
        except Exception:  # e.g. a widget put something unpicklable in its tiles: this process keeps them
            logger.warning("IOC figures not shared with the other processes", exc_info=True)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._key_locks.clear()
            self._small.clear()
        self._cache().clear()

    # small answers every poll needs (a kiosk link, a viewer's scope), kept for a few seconds
    def recall(self, key: tuple) -> tuple | None:
        entry = self._small.get(key)
        return entry[1] if entry is not None and entry[0] > time.monotonic() else None

    def remember(self, key: tuple, value: tuple, seconds: float) -> None:
        with self._lock:
            if len(self._small) >= 5000:
                self._small.clear()
            self._small[key] = (time.monotonic() + seconds, value)

    def forget_small(self) -> None:
        with self._lock:
            self._small.clear()


FIGURES = SharedFigures()


def _sorted_alerts(alerts: list[Alert], definition: dict) -> list[Alert]:
    filters = definition.get("alerts") or {}
    floor = SEVERITIES.index(filters.get("min_severity") or "low")
    kept = [a for a in alerts if SEVERITIES.index(a.severity) <= floor]

    def since_key(alert: Alert) -> float:
        since = alert.since
        if since is None:
            return float("inf")
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time.min)
        return since.replace(tzinfo=None).timestamp()

    kept.sort(key=lambda a: (SEVERITIES.index(a.severity), since_key(a)))
    limit = filters.get("limit")
    return kept[: 12 if limit is None else limit]


def _boundaries(tile, ctx: Context) -> dict | None:
    """A GeoJSON FeatureCollection of the map's units as they were on the figure's date, or None when a unit
    has no boundary then (the equal-area tile grid is drawn instead: a map with holes would mislead)."""
    from tinhso.units.boundaries import boundaries_on  # noqa: PLC0415

    day = tile.as_of or ctx.today
    shapes = boundaries_on([u["unit_id"] for u in tile.unit_values], day)
    if not shapes or any(u["unit_id"] not in shapes for u in tile.unit_values):
        return None
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapes[u["unit_id"]],
         "properties": {"name": u["name"], "text": u.get("text") or "", "status": u.get("status") or "neutral",
                        "url": u.get("url") or ""}} for u in tile.unit_values]}


def compute(ctx: Context, definition: dict) -> Figures:
    """Render every widget the user may see, and gather the alerts. A widget that fails shows as empty
    with its title, instead of taking the dashboard down."""
    from tinhso.ioc import charts  # noqa: PLC0415 - pygal only when figures are computed

    known = registry.widgets()
    sections = []
    for item in definition.get("widgets") or []:
        widget = known.get(item["widget"])
        if widget is None or not widget.can_see(ctx.user):
            continue
        section = Section(item=item, kind=widget.kind, title=widget.title)
        try:
            produced = widget.render(ctx, item.get("params") or {})
        except Exception:
            registry.logger.exception("IOC widget %s failed", widget.key)
            produced = []
        if widget.kind == CHART:
            section.charts = [(chart, charts.svg(chart)) for chart in produced]
            if not section.charts:
                continue
        elif widget.kind == MAP:
            section.tiles = produced
            if not produced:
                continue
            section.title = produced[0].title
            section.geojson = _boundaries(produced[0], ctx)
            section.map_id = f"ioc-map-{len(sections) + 1}"
            if section.geojson is None:
                section.map_svg = charts.tile_grid(produced[0])
        else:
            section.tiles = produced
            if not produced:
                continue
            for tile in produced:
                tile.sparkline_svg = charts.sparkline([v for _, v in tile.sparkline], charts.COLOURS.get(
                    tile.status, "#1d4ed8"))
            entries = [{"item": item, "tile": tile} for tile in produced]
            last = sections[-1] if sections else None
            if last is not None and last.kind == TILE and last.item.get("page", 1) == item.get("page", 1):
                last.entries += entries  # consecutive tiles share one grid
                last.tiles += produced
                continue
            section.entries = entries
        sections.append(section)
    alerts = _sorted_alerts(registry.alerts(ctx, (definition.get("alerts") or {}).get("sources")), definition)
    return Figures(ctx=ctx, definition=definition, sections=sections, alerts=alerts, computed_at=timezone.now())


def figures_for(user: User, definition: dict, dashboard: Dashboard | None = None, kiosk: bool = False) -> Figures:
    """The dashboard's figures for this viewer, from the shared store when computed within the refresh
    interval. The key is what changes the figures: the definition, the scope, the viewer's permissions."""
    ctx = context_for(user, definition, kiosk=kiosk)
    who = ("kiosk", user.pk) if kiosk else ("user", user.pk)
    key = (dashboard.pk if dashboard else None, dashboard.version if dashboard else
           json.dumps(definition, sort_keys=True, default=str), who, ctx.scope.pk if ctx.scope else None,
           ctx.year, ctx.period, ctx.today)
    return FIGURES.get(key, float(definition.get("refresh_seconds") or DEFAULT_REFRESH),
                       lambda: compute(ctx, definition))
