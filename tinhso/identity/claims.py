"""The claims tinhso releases about a user. The unit is read as of today: an official of a unit that was
merged into another is presented with the successor's name and electronic code."""

import datetime as dt

from tinhso.accounts.services import province_of
from tinhso.units.models import Unit
from tinhso.units.services import current_successors

TINHSO_CLAIMS = ("unit_code", "unit_name", "unit_id", "province_code", "province_name", "role")


def current_unit(unit: Unit | None, day: dt.date | None = None) -> Unit | None:
    """The unit itself while it is valid, else its successor with the largest share (a merger's target)."""
    day = day or dt.date.today()
    if unit is None or unit.is_valid_on(day):
        return unit
    shares = current_successors([unit.pk], day).get(unit.pk) or {}
    if not shares:
        return None
    best = max(shares.items(), key=lambda item: item[1])[0]
    return Unit.objects.filter(pk=best).first()


def claims_for(user) -> dict:
    unit = current_unit(user.unit)
    province = province_of(unit)
    return {
        "name": user.full_name or user.get_username(),
        "preferred_username": user.get_username(),
        "email": user.email or None,
        "email_verified": False,
        "unit_id": unit.pk if unit else None,
        "unit_code": (unit.code or None) if unit else None,
        "unit_name": unit.name if unit else None,
        "province_code": (province.code or None) if province else None,
        "province_name": province.name if province else None,
        "role": user.role,
    }
