import datetime as dt

import pytest

from tinhso.sharing import demo, ledger, services

pytestmark = pytest.mark.django_db


def test_open_data_is_delayed_hour_rounded_and_without_ids(approved):
    rows = demo.generate_traffic([approved], 2025, 10, seed=9, per_day={"ho-tich": 20})
    ledger.write(rows)
    extract = services.open_data(dt.date(2025, 10, 1), dt.date(2025, 10, 31), today=dt.date(2025, 10, 20))
    assert extract
    hours = {r[0] for r in extract}
    assert all(h.endswith(":00") for h in hours)
    assert max(hours) < "2025-10-14"  # seven days' delay
    flat = " ".join(str(v) for r in extract for v in r)
    assert "demo-" not in flat and "/records" not in flat and "Phần mềm" not in flat
    assert sum(r[5] for r in extract) == sum(
        1 for t in rows.column("request_at").to_pylist() if ledger.local_day(t) <= dt.date(2025, 10, 13))
