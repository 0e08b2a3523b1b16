"""Security events → alerts → incidents, with the reporting clock of the regime in force, and who may
see and handle them.

Read policy: an incident (and an event) attributed to an owner unit is visible to users whose unit
covers that owner (its focal points, its leaders, the provincial DX office); unattributed ones — a host
the inventory does not know — only to system administrators and administrators (the DX office). The DX
office and the owner's focal points handle incidents (status, assignee, notes, notices sent).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import can_edit_unit, is_system_admin
from tinhso.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.core.labels import halves, vietnamese
from tinhso.security import regimes
from tinhso.security.events import rules as rule_engine
from tinhso.security.events import store
from tinhso.security.models import CLOSED_STATUSES, Incident, IncidentStatus, InformationSystem, Severity
from tinhso.units.models import Unit

LOCAL = dt.timezone(dt.timedelta(hours=7))


# ---------------------------------------------------------------- permissions and scope

def _covers(user: User, unit: Unit | None) -> bool:
    if unit is None:
        return is_system_admin(user) or user.role == Role.ADMIN
    return user.unit is None and user.role == Role.ADMIN or (
        user.unit is not None and unit.path.startswith(user.unit.path))


def can_view(user: User, incident: Incident) -> bool:
    return user.is_authenticated and user.is_active and (is_system_admin(user) or _covers(user, incident.owner))


def can_handle(user: User, incident: Incident) -> bool:
    if not user.is_authenticated or not user.is_active or user.role in (Role.VIEWER, Role.API_CLIENT):
        return False
    if incident.owner is None:
        return is_system_admin(user) or user.role == Role.ADMIN
    return can_edit_unit(user, incident.owner)


def visible(user: User) -> QuerySet:
    incidents = Incident.objects.select_related("owner", "system", "assignee")
    if is_system_admin(user):
        return incidents
    if not user.is_authenticated or user.unit is None:
        return incidents.none()
    scope = Q(owner__path__startswith=user.unit.path)
    if user.role == Role.ADMIN:
        scope |= Q(owner__isnull=True)
    return incidents.filter(scope)


def event_scope(user: User) -> tuple[bool, list[int] | None]:
    """(sees unattributed events, owner ids it may see — None for all)."""
    if is_system_admin(user):
        return True, None
    if not user.is_authenticated or user.unit is None:
        return False, []
    owners = list(Unit.objects.filter(path__startswith=user.unit.path).values_list("pk", flat=True))
    return user.role == Role.ADMIN, owners


# ---------------------------------------------------------------- clocks

def deadlines(regime: regimes.Regime, detected: dt.datetime, closed: dt.datetime | None
              ) -> tuple[dt.datetime, dt.datetime | None]:
    """(initial notice due, full report due) under `regime`: Decree 85's regime counts the notice in days
    from detection and the report from the end of the response; Decree 331's both in hours from detection."""
    clock = regime.incident
    notice = detected + dt.timedelta(hours=clock["initial_report_hours"])
    if "full_report_hours" in clock:
        return notice, detected + dt.timedelta(hours=clock["full_report_hours"])
    if closed is not None and "final_report_days_after_close" in clock:
        return notice, closed + dt.timedelta(days=clock["final_report_days_after_close"])
    return notice, None


@dataclass
class Clock:
    label: str
    due: dt.datetime | None
    done: dt.datetime | None
    overdue: bool


def clocks(incident: Incident, now: dt.datetime | None = None) -> list[Clock]:
    now = now or timezone.now()
    return [
        Clock(_("Thông báo ban đầu"), incident.notice_due, incident.notified_at,
              incident.notified_at is None and incident.notice_due < now),
        Clock(_("Báo cáo"), incident.report_due, incident.reported_at,
              incident.reported_at is None and incident.report_due is not None and incident.report_due < now),
    ]


# ---------------------------------------------------------------- raising incidents from alerts

def _severity(level: str) -> str:
    return level if level in Severity.values else Severity.MEDIUM


def raise_incidents(alerts: list[rule_engine.Alert], now: dt.datetime | None = None) -> tuple[int, int]:
    """Create an incident per new alert (same rule, host, source and window = same incident, updated)."""
    now = now or timezone.now()
    created = updated = 0
    systems = InformationSystem.objects.in_bulk({a.system_id for a in alerts if a.system_id})
    owners = Unit.objects.in_bulk({a.owner_id for a in alerts if a.owner_id})
    for alert in alerts:
        existing = Incident.objects.filter(key=alert.key[:255]).first()
        if existing is not None:
            if existing.event_count != alert.count or existing.last_seen != alert.last_seen:
                existing.event_count, existing.last_seen = alert.count, alert.last_seen
                existing._change_reason = "Thêm sự kiện / More events"
                existing.save(update_fields=["event_count", "last_seen", "updated_at"])
                updated += 1
            continue
        regime = regimes.regime_on(now.astimezone(LOCAL).date())
        notice, report = deadlines(regime, now, None)
        incident = Incident(
            key=alert.key[:255], rule_id=alert.rule.id[:64], title=alert.rule.title[:255],
            severity=_severity(alert.rule.level), host=(alert.host or "")[:255], source_ip=(alert.source_ip or "")[:64],
            system=systems.get(alert.system_id), owner=owners.get(alert.owner_id), first_seen=alert.first_seen,
            last_seen=alert.last_seen, event_count=alert.count, sample=alert.sample[:2000], detected_at=now,
            regime=regime.code, notice_due=notice, report_due=report)
        vi, en = halves(alert.rule.title)  # one language on each side of the " / ": a page shows the reader's half
        incident._change_reason = f"Quy tắc: {vi} / Rule: {en or vi}"[:100]  # varchar(100)
        try:
            with transaction.atomic():
                incident.save()
            created += 1
        except IntegrityError:  # raised a moment ago by a concurrent evaluation
            continue
    return created, updated


@dataclass
class Evaluation:
    day: dt.date
    alerts: int
    created: int
    updated: int
    refused: list[tuple[str, str]]


def evaluate_day(day: dt.date, now: dt.datetime | None = None) -> Evaluation:
    """Run the rule set over a local day of events and raise incidents (what the schedule calls)."""
    ruleset = rule_engine.load_rules()
    alerts = rule_engine.evaluate(ruleset.rules, day, now=now)
    created, updated = raise_incidents(alerts, now)
    return Evaluation(day, len(alerts), created, updated, ruleset.refused)


# ---------------------------------------------------------------- handling

def get_incident(user: User, incident_id: int) -> Incident:
    incident = Incident.objects.select_related("owner", "system", "assignee").filter(pk=incident_id).first()
    if incident is None or not can_view(user, incident):
        raise NotFound("Sự cố", "Incident")
    return incident


def update_incident(user: User, incident_id: int, expected_version: int, status: str | None = None,
                    assignee: User | None = None, note: str | None = None, notified: bool | None = None,
                    reported: bool | None = None, clear_assignee: bool = False) -> Incident:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None or not can_view(user, incident):
            raise NotFound("Sự cố", "Incident")
        if not can_handle(user, incident):
            raise Forbidden("Chỉ cơ quan chuyên trách và đơn vị chủ quản được xử lý sự cố",
                            "Only the DX / security office and the owner unit may handle an incident")
        if incident.version != expected_version:
            raise Conflict(incident.version)
        now = timezone.now()
        if status is not None:
            if status not in IncidentStatus.values:
                raise ValidationFailed(FieldError("status", "trạng thái không hợp lệ", "invalid status"))
            incident.status = status
            incident.closed_at = (incident.closed_at or now) if status in CLOSED_STATUSES else None
            _, report = deadlines(regimes.get_regime(incident.regime), incident.detected_at, incident.closed_at)
            incident.report_due = report
        if assignee is not None:
            if not can_view(assignee, incident):
                raise ValidationFailed(FieldError("assignee", "người này không được xem sự cố", "this person may "
                                                  "not see the incident"))
            incident.assignee = assignee
        elif clear_assignee:
            incident.assignee = None
        if note is not None:
            incident.note = note[:10000]
        if notified is not None:
            incident.notified_at = (incident.notified_at or now) if notified else None
        if reported is not None:
            incident.reported_at = (incident.reported_at or now) if reported else None
        incident.version += 1
        incident._history_user = user
        incident._change_reason = "Cập nhật xử lý / Handling updated"
        incident.save()
        return incident


def counts_by_owner(user: User, since: dt.datetime) -> list[dict]:
    """Open incidents and incidents since `since`, per owner unit, for the operations view."""
    rows = (visible(user).filter(Q(detected_at__gte=since) | ~Q(status__in=CLOSED_STATUSES))
            .values("owner_id", "owner__name").annotate(total=Count("id"),
                                                        open=Count("id", filter=~Q(status__in=CLOSED_STATUSES)))
            .order_by("-open", "-total"))
    return [{"owner_id": r["owner_id"], "owner": r["owner__name"] or _("Chưa xác định"),
             "total": r["total"], "open": r["open"]} for r in rows]


# ---------------------------------------------------------------- events read by people

def events_summary(user: User, day: dt.date) -> dict:
    """Counts of a day's events by category and by owner, within the user's scope."""
    unattributed, owners = event_scope(user)
    if owners is not None and not owners and not unattributed:
        return {"total": 0, "by_category": [], "by_owner": [], "by_hour": [0] * 24}
    conditions = []
    if owners is not None:
        listed = ",".join(str(int(o)) for o in owners) or "NULL"
        conditions.append(f"owner_id IN ({listed})" + (" OR owner_id IS NULL" if unattributed else ""))
    elif not unattributed:
        conditions.append("owner_id IS NOT NULL")
    where = f"WHERE {' AND '.join('(' + c + ')' for c in conditions)}" if conditions else ""
    con = store.connect()
    try:
        con.execute(f"CREATE TEMP VIEW events AS SELECT * FROM {store.relation_sql(store.day_files(day, day))}")
        total = con.execute(f"SELECT count(*) FROM events {where}").fetchone()[0]
        by_category = con.execute(f"SELECT category, count(*) FROM events {where} GROUP BY 1 ORDER BY 2 DESC"
                                  ).fetchall()
        by_owner = con.execute(f"SELECT owner_id, count(*) FROM events {where} GROUP BY 1 ORDER BY 2 DESC LIMIT 50"
                               ).fetchall()
        hours = dict(con.execute(f"SELECT hour(ts + INTERVAL 7 HOUR), count(*) FROM events {where} GROUP BY 1"
                                 ).fetchall())
    finally:
        con.close()
    names = dict(Unit.objects.filter(pk__in=[o for o, _ in by_owner if o]).values_list("pk", "name"))
    return {"total": total, "by_category": by_category,
            "by_owner": [(names.get(o, _("Chưa xác định")), n) for o, n in by_owner],
            "by_hour": [hours.get(h, 0) for h in range(24)]}


def can_ingest(user: User) -> bool:
    return user.is_authenticated and user.is_active and (
        is_system_admin(user) or user.has_perm("security.ingest_events"))


# ---------------------------------------------------------------- a period's incidents (reports)

@dataclass
class PeriodIncidents:
    """Incidents detected in a period, within the reader's scope and under a unit: how many, by severity,
    how many were closed by the period's end and how many were still open then."""

    total: int
    by_severity: list[tuple[str, int]]  # (Vietnamese severity label, count), most severe first
    closed: int
    still_open: int


def incidents_between(user: User, start: dt.date, end: dt.date, under: Unit | None = None) -> PeriodIncidents:
    """The incidents `user` may see (visible) detected from `start` to `end` (days in Vietnam's time) whose
    owner lies under `under` (all, when None): the figures a periodic report states."""
    first = dt.datetime.combine(start, dt.time(), LOCAL)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LOCAL)
    found = visible(user).filter(detected_at__gte=first, detected_at__lt=after)
    if under is not None:
        found = found.filter(owner__path__startswith=under.path)
    rows = list(found.values("severity", "closed_at"))
    counts = {s: sum(r["severity"] == s for r in rows) for s, _ in Severity.choices}
    closed = sum(r["closed_at"] is not None and r["closed_at"] < after for r in rows)
    return PeriodIncidents(total=len(rows), closed=closed, still_open=len(rows) - closed,
                           by_severity=[(vietnamese(label), counts[s])
                                        for s, label in reversed(Severity.choices) if counts[s]])
