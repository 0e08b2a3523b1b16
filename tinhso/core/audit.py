"""Reading the audit trail kept by django-simple-history: who changed what, when, before and after."""

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext

CHANGE_TYPES = {"+": ("Tạo mới", "Created"), "~": ("Cập nhật", "Updated"), "-": ("Xóa", "Deleted")}


@dataclass
class AuditEntry:
    when: object
    who: str
    action: str
    action_vi: str
    action_en: str
    reason: str
    changes: list[dict] = field(default_factory=list)  # {field, before, after}
    # {field: {stored value: label}} of the fields with choices: pages show labels in the reader's language,
    # the API keeps the stored values
    choice_labels: dict = field(default_factory=dict, repr=False)
    # fields whose values come from a small vocabulary the catalogues translate (a model's
    # `history_translated_fields`, e.g. an indicator's unit of measure "hồ sơ")
    translated_fields: frozenset = field(default_factory=frozenset, repr=False)

    @property
    def shown_changes(self) -> list[dict]:
        """The changes as a page shows them: a choice field's values by their labels, a vocabulary field's
        values translated."""
        shown = []
        for change in self.changes:
            name = change.get("field")
            labels = self.choice_labels.get(name)
            if labels:
                change = {**change, "before": labels.get(change["before"], change["before"]),
                          "after": labels.get(change["after"], change["after"])}
            elif name in self.translated_fields:
                change = {**change, **{key: gettext(change[key]) for key in ("before", "after")
                                       if isinstance(change[key], str) and change[key]}}
            shown.append(change)
        return shown

    def as_dict(self) -> dict:
        return {"when": self.when, "who": self.who, "action": self.action, "action_vi": self.action_vi,
                "action_en": self.action_en, "reason": self.reason, "changes": self.changes}


def _display(value) -> object:
    if isinstance(value, models.Model):
        return str(value)
    return value


@dataclass
class Part:
    """Rows kept in another table but written by the same save as the object (a report's figures are
    DataValue rows): their changes belong in that save's entry, or the entry says nothing of them.
    `history` holds the parts' historical records, `label` names a part (its indicator), `show` gives
    the value to display."""

    history: QuerySet
    label: Callable[[models.Model], str]
    show: Callable[[models.Model], object]


# Rows written in bulk without history (demo data, imports) get a record of their old value the first
# time they change, so the change can say what it was; such a record is not a change of its own.
BASELINE_REASON = "Giá trị trước khi có lịch sử / value before the history began"


def record_baseline(model: type[models.Model], rows: list[models.Model], when=None) -> None:
    """Before changing `rows`, keep their current state as history if they have none yet."""
    if not rows:
        return
    known = set(model.history.filter(id__in=[r.pk for r in rows]).values_list("id", flat=True).distinct())
    missing = [r for r in rows if r.pk not in known]
    if missing:
        model.history.bulk_history_create(missing, default_change_reason=BASELINE_REASON, default_date=when)


def _part_changes(part: Part) -> list[tuple[object, str, dict]]:
    """(when, who, change) of every part record that changed what `show` displays, oldest first."""
    previous: dict[object, object] = {}
    found = []
    for record in part.history.select_related("history_user").order_by("history_date", "history_id"):
        before = previous.get(record.id)
        after = None if record.history_type == "-" else part.show(record)
        previous[record.id] = after
        if after == before or record.history_change_reason == BASELINE_REASON:
            continue
        found.append((record.history_date, str(record.history_user) if record.history_user else "",
                      {"field": "", "label": part.label(record), "before": before, "after": after}))
    return found


_NOT_SHOWN_ON_CREATE = {"id", "created_at", "updated_at"}


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field that no longer exists on the model
        return name


def history_of(obj: models.Model, limit: int = 200, parts: tuple[Part, ...] = ()) -> list[AuditEntry]:
    """Newest first. Each entry lists field-level before/after against the previous record, then the
    changes of `parts` written by the same save (the first record of the object at or after them)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    choice_labels = {f.attname: dict(f.flatchoices) for f in type(obj)._meta.fields if f.choices}
    translated = frozenset(getattr(type(obj), "history_translated_fields", ()))
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [{"field": c.field, "label": _label(type(obj), c.field), "before": _display(c.old),
                        "after": _display(c.new)} for c in delta.changes]
        elif record.history_type == "+":
            tracked = {h.attname for h in record._meta.fields}
            changes = [
                {"field": f.attname, "label": str(f.verbose_name), "before": None,
                 "after": _display(getattr(record, f.name) if f.is_relation else getattr(record, f.attname))}
                for f in record.instance_type._meta.fields
                if f.attname in tracked and f.attname not in _NOT_SHOWN_ON_CREATE
                and getattr(record, f.attname) not in (None, "")
            ]
        vi, en = CHANGE_TYPES.get(record.history_type, ("?", "?"))
        entries.append(AuditEntry(
            when=record.history_date,
            who=str(record.history_user) if record.history_user else "hệ thống / system",
            action=record.history_type, action_vi=vi, action_en=en,
            reason=record.history_change_reason or "", changes=changes, choice_labels=choice_labels,
            translated_fields=translated,
        ))
    if parts:
        _attach_parts(entries, parts, truncated=len(records) > limit)
    return entries


def _attach_parts(entries: list[AuditEntry], parts: tuple[Part, ...], truncated: bool = False) -> None:
    """Each part change joins the oldest entry made at or after it (parts are written first, then the
    object is saved in the same transaction); changes after the last entry get an entry of their own."""
    dates = [e.when for e in reversed(entries)]  # oldest first
    for part in parts:
        for when, who, change in _part_changes(part):
            at = bisect.bisect_left(dates, when)
            if truncated and at == 0 and dates and when < dates[0]:
                continue  # belongs to an older entry that is not shown
            if at < len(dates):
                entries[len(entries) - 1 - at].changes.append(change)
            else:
                entries.insert(0, AuditEntry(when=when, who=who or "hệ thống / system", action="~",
                                             action_vi=CHANGE_TYPES["~"][0], action_en=CHANGE_TYPES["~"][1],
                                             reason="", changes=[change]))
