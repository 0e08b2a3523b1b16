"""The security module's figures fed into the indicators as approved values: per owner agency, the
systems in operation and the systems with an approved security level (indicators HTTT_TONG and
HTTT_CAP_DO, whose ratio TL_HTTT_CAP_DO is the seed-003 80% indicator that DTI's cyber-security
components read). Written through the indicators' public `record_system_values`, never typed in."""

import datetime as dt
import logging

from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.security import dossiers
from tinhso.units.models import Unit

FORM = "HT-HTTT-NAM"
SOURCE = "danh mục HTTT và hồ sơ cấp độ"
log = logging.getLogger(__name__)


def feed_indicators(year: int | None = None, under: Unit | None = None, today: dt.date | None = None) -> dict:
    """Write `year`'s figures (as of 31/12, or today for the current year) for every owner unit that
    existed at the year's end. Returns counts of units written and skipped; without the indicators form
    (catalogue not loaded) nothing is written."""
    from tinhso.indicators import services as indicators

    today = today or dt.date.today()
    year = year or today.year
    day = min(dt.date(year, 12, 31), today)
    _, rows = dossiers.approved_share(under, day)
    result = {"year": year, "written": 0, "skipped": 0}
    for row in rows:
        try:
            indicators.record_system_values(SOURCE, FORM, row.unit, str(year),
                                            {"HTTT_TONG": row.systems, "HTTT_CAP_DO": row.approved})
            result["written"] += 1
        except NotFound:
            log.info("indicators form %s is not loaded; security figures not fed", FORM)
            return result
        except ValidationFailed:  # the owner did not exist at the year's end, or is not a reporting kind
            result["skipped"] += 1
    return result


def feed_after_change(day: dt.date) -> None:
    """Called after an approval: refresh the figures of the decision's year (and this year's)."""
    for year in sorted({day.year, dt.date.today().year}):
        feed_indicators(year)
