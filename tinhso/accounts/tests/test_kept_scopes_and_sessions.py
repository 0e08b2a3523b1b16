"""#15, serving many users: whose units an account reads and its permissions are kept per process and follow a
change at once; the signed-in account is read with its unit in one query and kept until accounts or units are
written; the session is read from the file cache the server
processes share, not the database."""

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tinhso.accounts.auth import AccountBackend
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


def test_permissions_are_kept_and_follow_a_change_of_groups_at_once(focal_user, django_assert_num_queries):
    permission = Permission.objects.get(codename="change_unit")
    label = f"{permission.content_type.app_label}.{permission.codename}"
    inspectors = Group.objects.create(name="Thanh tra")
    inspectors.permissions.add(permission)
    assert not User.objects.get(pk=focal_user.pk).has_perm(label)
    official = User.objects.get(pk=focal_user.pk)  # as the next request loads it
    with django_assert_num_queries(0):
        assert not official.has_perm(label)
    focal_user.groups.add(inspectors)
    assert User.objects.get(pk=focal_user.pk).has_perm(label)
    inspectors.permissions.remove(permission)
    assert not User.objects.get(pk=focal_user.pk).has_perm(label)
    focal_user.user_permissions.add(permission)
    assert User.objects.get(pk=focal_user.pk).has_perm(label)
    User.objects.filter(pk=focal_user.pk).update(is_active=False)
    assert not User.objects.get(pk=focal_user.pk).has_perm(label)


def test_the_signed_in_account_is_kept_with_its_unit_and_read_again_when_accounts_or_units_change(
        focal_user, django_assert_num_queries):
    backend = AccountBackend()
    with django_assert_num_queries(1):  # the account and its unit in one query
        first = backend.get_user(focal_user.pk)
        assert first.unit.name == focal_user.unit.name
    first.otp_device = "set by one request"
    with django_assert_num_queries(0):  # the next request: kept, and a copy of its own
        second = backend.get_user(focal_user.pk)
    assert second is not first and not hasattr(second, "otp_device")
    account = User.objects.get(pk=focal_user.pk)
    account.role = Role.VIEWER
    account.save()
    assert backend.get_user(focal_user.pk).role == Role.VIEWER
    unit = account.unit
    unit.name = "Xã Đổi Tên"
    unit.save()
    assert backend.get_user(focal_user.pk).unit.name == "Xã Đổi Tên"
    account.is_active = False
    account.save()
    assert backend.get_user(focal_user.pk) is None
