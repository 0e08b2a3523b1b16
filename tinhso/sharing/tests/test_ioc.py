import datetime as dt

import pyarrow as pa
import pytest

from tinhso.ioc import registry
from tinhso.ioc.contract import Context
from tinhso.sharing import demo, ledger

pytestmark = pytest.mark.django_db


def test_tiles_chart_and_failing_service_alert(approved, dx_office, consumer_focal, live_province):
    rows = demo.generate_traffic([approved], 2025, 10, seed=2, per_day={"ho-tich": 60})
    # plant a bad day: every call of 20/10 failed
    failed = [ledger.local_day(t) == dt.date(2025, 10, 20) for t in rows.column("request_at").to_pylist()]

    rows = rows.set_column(rows.column_names.index("succeeded"), "succeeded",
                           pa.array([not f for f in failed]))
    ledger.write(rows)
    ctx = Context(user=dx_office, scope=live_province, year=2025, today=dt.date(2025, 10, 20))
    widgets = registry.widgets()
    tiles = widgets["sharing.today"].render(ctx, {})
    assert [t.key for t in tiles] == ["sharing.calls", "sharing.failed", "sharing.pending"]
    assert tiles[1].status == "bad" and tiles[0].value == tiles[1].value
    charts = widgets["sharing.by_day"].render(ctx, {})
    assert len(charts[0].labels) == 14
    alerts = [a for a in registry.alerts(ctx) if a.source == "sharing"]
    assert [a.key for a in alerts] == ["sharing.failing.ho-tich.2025-10-20"]
    # a unit outside the traffic sees no figures
    outsider_ctx = Context(user=consumer_focal, scope=live_province, year=2025, today=dt.date(2025, 9, 1))
    assert widgets["sharing.today"].render(outsider_ctx, {}) == []
