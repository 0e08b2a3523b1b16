import datetime as dt

import pytest

from tinhso.core.errors import Forbidden
from tinhso.indicators import services as indicators
from tinhso.indicators.models import Report, Status
from tinhso.sharing import demo, ledger, services

pytestmark = pytest.mark.django_db


def test_monthly_counts_arrive_as_approved_indicator_values(dx_office, approved, consumer_unit, provider_unit,
                                                            live_province):
    rows = demo.generate_traffic([approved], 2025, 10, seed=5, per_day={"ho-tich": 30})
    ledger.write(rows)
    result = services.feed_indicators(dx_office, 2025, 10)
    assert result["units"] == 2
    report = Report.objects.get(unit=consumer_unit, period="2025-10")
    assert report.status == Status.APPROVED
    code = services.service_indicator_code("ho-tich")
    values = indicators.approved_values([services.CONSUMED, services.PROVIDED, code],
                                        [consumer_unit.pk, provider_unit.pk, live_province.pk], 2025, "2025-10")
    n = rows.num_rows
    assert values[(services.CONSUMED, consumer_unit.pk)] == n
    assert values[(code, consumer_unit.pk)] == n
    assert values[(services.PROVIDED, provider_unit.pk)] == n
    assert values[(services.CONSUMED, live_province.pk)] == n  # rolled up the unit tree by the indicators module
    # a re-run after more traffic replaces the month's figures in the same, audited report
    ledger.write(demo.generate_traffic([approved], 2025, 10, seed=6, per_day={"ho-tich": 3}))
    services.feed_indicators(dx_office, 2025, 10)
    total = services.rollup(dx_office, dt.date(2025, 10, 1), dt.date(2025, 10, 31), "day")
    values = indicators.approved_values([services.CONSUMED], [consumer_unit.pk], 2025, "2025-10")
    assert values[(services.CONSUMED, consumer_unit.pk)] == sum(r["calls"] for r in total)
    assert Report.objects.filter(unit=consumer_unit).count() == 1


def test_only_the_dx_office_feeds(consumer_focal):
    with pytest.raises(Forbidden):
        services.feed_indicators(consumer_focal, 2025, 10)
