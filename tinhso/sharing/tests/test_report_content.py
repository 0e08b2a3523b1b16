"""Data sharing's part of the documents (sharing/report.py): calls provided and made per service add up
the traffic page's roll-up, limited to the report's subtree and the reader's traffic scope."""

import datetime as dt

import pytest

from tinhso.core import reporting
from tinhso.sharing import demo, ledger, report, services
from tinhso.units.models import UnitKind

pytestmark = pytest.mark.django_db
OCT = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))


@pytest.fixture
def traffic(approved, make_unit, live_province):
    other_a = make_unit("Sở Xây dựng Thái Nguyên", UnitKind.DEPARTMENT, live_province, "000.00.09.H56")
    other_b = make_unit("Sở Tài chính Thái Nguyên", UnitKind.DEPARTMENT, live_province, "000.00.05.H56")
    mine = demo.generate_traffic([approved], 2025, 10, seed=3, per_day={"ho-tich": 40})
    theirs = demo.generate_traffic([approved], 2025, 10, seed=4, per_day={"ho-tich": 10})
    theirs = theirs.set_column(ledger.COLUMNS.index("client_unit"), "client_unit", [[other_a.code] * theirs.num_rows])
    theirs = theirs.set_column(ledger.COLUMNS.index("provider_unit"), "provider_unit",
                               [[other_b.code] * theirs.num_rows])
    ledger.write(mine)
    ledger.write(theirs)
    return other_a, other_b


def _request(user, unit, key="2025-10"):
    return reporting.ReportRequest(user, unit, reporting.parse_period(key), today=dt.date(2025, 12, 31))


def test_a_province_report_adds_up_the_traffic_roll_up(traffic, dx_office, live_province):
    [section] = report.sections(_request(dx_office, live_province))
    by_service = services.rollup(dx_office, *OCT, by="service")
    by_client = services.rollup(dx_office, *OCT, by="client")
    figures = {f.key: f.value for f in section.figures}
    assert figures["sharing.provided"] == sum(r["calls"] for r in by_service)
    assert figures["sharing.made"] == sum(r["calls"] for r in by_client)
    assert figures["sharing.provided.ho-tich"] == figures["sharing.provided"]
    provided = section.tables[0]
    assert provided.total[2] == figures["sharing.provided"]
    assert provided.total[3] == sum(r["failed"] for r in by_service)
    # a quarter holding only October gives the same figures
    [quarter] = report.sections(_request(dx_office, live_province, "2025-Q4"))
    assert {f.key: f.value for f in quarter.figures} == figures


def test_a_units_report_counts_its_own_side(traffic, dx_office, provider_unit, consumer_unit):
    other_a, other_b = traffic
    [provider] = report.sections(_request(dx_office, provider_unit))
    rows = services.rollup(dx_office, *OCT, by="service")
    figures = {f.key: f.value for f in provider.figures}
    assert figures["sharing.provided"] == sum(r["calls"] for r in rows if r["provider_unit"] == provider_unit.code)
    assert figures["sharing.made"] == 0
    [client] = report.sections(_request(dx_office, other_a))
    made = services.rollup(dx_office, *OCT, by="client")
    assert {f.key: f.value for f in client.figures}["sharing.made"] == sum(
        r["calls"] for r in made if r["client_unit"] == other_a.code)


def test_the_readers_scope_limits_the_figures(traffic, consumer_focal, live_province, dx_office):
    [mine] = report.sections(_request(consumer_focal, live_province))
    [everything] = report.sections(_request(dx_office, live_province))
    assert {f.key: f.value for f in mine.figures}["sharing.made"] < \
        {f.key: f.value for f in everything.figures}["sharing.made"]
    assert report.sections(_request(dx_office, live_province, "2025-09")) == []
