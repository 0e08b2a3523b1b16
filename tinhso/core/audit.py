"""Reading the audit trail kept by django-simple-history: who changed what, when, before and after."""

from dataclasses import dataclass, field

from django.db import models

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

    def as_dict(self) -> dict:
        return {"when": self.when, "who": self.who, "action": self.action, "action_vi": self.action_vi,
                "action_en": self.action_en, "reason": self.reason, "changes": self.changes}


def _display(value) -> object:
    if isinstance(value, models.Model):
        return str(value)
    return value


_NOT_SHOWN_ON_CREATE = {"id", "created_at", "updated_at"}


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field that no longer exists on the model
        return name


def history_of(obj: models.Model, limit: int = 200) -> list[AuditEntry]:
    """Newest first. Each entry lists field-level before/after against the previous record."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
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
                 "after": _display(getattr(record, f.attname))}
                for f in record.instance_type._meta.fields
                if f.attname in tracked and f.attname not in _NOT_SHOWN_ON_CREATE
                and getattr(record, f.attname) not in (None, "")
            ]
        vi, en = CHANGE_TYPES.get(record.history_type, ("?", "?"))
        entries.append(AuditEntry(
            when=record.history_date,
            who=str(record.history_user) if record.history_user else "hệ thống / system",
            action=record.history_type, action_vi=vi, action_en=en,
            reason=record.history_change_reason or "", changes=changes,
        ))
    return entries
