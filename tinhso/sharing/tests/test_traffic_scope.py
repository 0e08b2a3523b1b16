import datetime as dt

import pytest

from tinhso.accounts.models import Role, User
from tinhso.sharing import demo, ledger, services
from tinhso.units.models import UnitKind

pytestmark = pytest.mark.django_db

OCT = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))


@pytest.fixture
def traffic(approved, make_unit, live_province, provider_unit):
    """The approved access's month of calls, plus calls between two other units."""
    other_a = make_unit("Sở Xây dựng Thái Nguyên", UnitKind.DEPARTMENT, live_province, "000.00.09.H56")
    other_b = make_unit("Sở Tài chính Thái Nguyên", UnitKind.DEPARTMENT, live_province, "000.00.05.H56")
    mine = demo.generate_traffic([approved], 2025, 10, seed=3, per_day={"ho-tich": 40})
    theirs = demo.generate_traffic([approved], 2025, 10, seed=4, per_day={"ho-tich": 10})
    theirs = theirs.set_column(ledger.COLUMNS.index("client_unit"), "client_unit",
                               [[other_a.code] * theirs.num_rows])
    theirs = theirs.set_column(ledger.COLUMNS.index("provider_unit"), "provider_unit",
                               [[other_b.code] * theirs.num_rows])
    ledger.write(mine)
    ledger.write(theirs)
    return mine.num_rows, theirs.num_rows


def _total(user):
    return sum(r["calls"] for r in services.rollup(user, *OCT, by="day"))


def test_members_see_their_own_traffic_only_and_the_dx_office_all(traffic, consumer_focal, provider_focal,
                                                                   dx_office, operator, consumer_unit):
    mine, theirs = traffic
    assert _total(consumer_focal) == mine
    assert _total(provider_focal) == mine
    assert _total(dx_office) == mine + theirs
    assert _total(operator) == mine + theirs
    outsider = User.objects.create_user("outsider", role=Role.FOCAL, unit=None)
    assert _total(outsider) == 0
    calls = services.recent_calls(consumer_focal, *OCT, limit=5000)
    assert {c["client_unit"] for c in calls} == {consumer_unit.code}


def test_rollup_by_client_and_month_bounds(traffic, dx_office, consumer_unit):
    by_client = services.rollup(dx_office, *OCT, by="client")
    assert {r["client_unit"] for r in by_client} == {consumer_unit.code, "000.00.09.H56"}
    counts = services.monthly_counts(None, 2025, 10)
    provided = {(c["unit"], c["role"]): c["calls"] for c in counts}
    assert provided[("000.00.12.H56", "provider")] == traffic[0]
    assert provided[("000.00.05.H56", "provider")] == traffic[1]


def test_traffic_page_leads_with_the_total(client, traffic, consumer_focal):
    from tinhso.conftest import PASSWORD

    client.login(username=consumer_focal.username, password=PASSWORD)
    page = client.get("/sharing/traffic/?month=2025-10").content.decode()
    assert f'id="total-calls">{traffic[0]:,}'.replace(",", ".") in page
    assert "<svg" in page
