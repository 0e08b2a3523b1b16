"""#15, serving many users: whose units an account reads is kept per process and widens at once when a merger
is recorded; the session is read from the file cache the server processes share, not the database."""

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import can_read_unit, read_roots
from tinhso.conftest import PASSWORD
from tinhso.units.models import EventKind, Succession, UnitEvent, UnitKind


def test_the_read_scope_is_kept_and_widens_at_once_when_a_merger_is_recorded(make_unit,
                                                                            django_assert_num_queries):
    province = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H47")
    old = make_unit("Xã Cũ", UnitKind.COMMUNE, province, code="001.00.00.H47", valid_to=dt.date(2025, 6, 30))
    new = make_unit("Xã Mới", UnitKind.COMMUNE, province, code="002.00.00.H47", valid_from=dt.date(2025, 7, 1))
    User.objects.create_user("canbo", password=PASSWORD, role=Role.FOCAL, unit=new)
    assert not can_read_unit(User.objects.get(username="canbo"), old)
    official = User.objects.get(username="canbo")  # as the next request loads it
    with django_assert_num_queries(0):
        assert read_roots(official) == [new.path]
    event = UnitEvent.objects.create(kind=EventKind.MERGE, date=dt.date(2025, 7, 1))
    Succession.objects.create(event=event, predecessor=old, successor=new)
    assert can_read_unit(User.objects.get(username="canbo"), old)


def test_a_signed_in_request_does_not_read_the_session_from_the_database(focal_user):
    client = Client()
    assert client.login(username=focal_user.username, password=PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
