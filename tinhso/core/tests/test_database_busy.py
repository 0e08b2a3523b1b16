"""Finding 3 of #15: a database lock wait that timed out is the database being busy — 503 with Retry-After
and the bilingual error shape, never a 500 — and a long import checks its rows before it takes the write lock."""

import sys

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from tinhso.core.errors import is_lock_timeout
from tinhso.core.tabular import to_csv
from tinhso.units import services as units


class LockNotAvailable(OperationalError):
    sqlstate = "55P03"


@pytest.fixture
def locked(monkeypatch):
    """Listing and showing units meet a lock wait that timed out."""
    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(units, "search_page", busy)
    monkeypatch.setattr(units, "children_as_of", busy)


def test_a_lock_timeout_in_the_api_is_a_503_with_retry_after(db, root_admin, api_as, locked, settings):
    settings.TINHSO_RETRY_AFTER = 7
    response = api_as(root_admin).get("/units")
    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    body = response.json()
    assert body["error"] == "busy" and "7" in body["message"]["vi"] and "try again" in body["message"]["en"]


def test_a_lock_timeout_on_a_page_is_a_503_page_with_retry_after(db, root_admin, locked):
    client = Client()
    client.force_login(root_admin)
    response = client.get("/units/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "thử lại" in response.content.decode()


def test_postgresql_lock_timeout_is_recognised_and_other_errors_are_not():
    assert is_lock_timeout(LockNotAvailable("canceling statement due to lock timeout"))
    assert is_lock_timeout(OperationalError("database is locked"))
    wrapped = RuntimeError("outer")
    wrapped.__cause__ = OperationalError("database is locked")
    assert is_lock_timeout(wrapped)
    assert not is_lock_timeout(OperationalError("no such table: x"))
    assert not is_lock_timeout(ZeroDivisionError())


def test_the_last_resort_handler_answers_a_lock_timeout_outside_any_view_with_503(db):
    from tinhso.core.views import server_error

    request = RequestFactory().get("/api/v1/units")
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"]


def test_the_units_import_checks_every_row_before_taking_the_write_lock(db, root_admin, monkeypatch):
    """SQLite takes its write lock at the start of a transaction: the rows' checks must run before it (the test
    itself runs inside one, so "inside" means deeper than where the import was called)."""
    province = units.create_unit(root_admin, units.UnitData(name="Tỉnh A", kind="province", code="000.00.00.H98"))
    checked_inside: list[bool] = []
    depth = len(connection.atomic_blocks)
    original = units.validate

    def spy(data, instance=None, row=None, check_code_clash=True):
        if row is not None:  # the import's own checks (the bulk write re-checks without row numbers)
            checked_inside.append(len(connection.atomic_blocks) > depth)
        return original(data, instance, row, check_code_clash)

    monkeypatch.setattr(units, "validate", spy)
    headers = [units.COLUMN_TITLES[c] for c in ("name", "kind", "parent_code", "stats_code")]
    content = to_csv(headers, [[f"Xã {i}", "commune", province.code, str(70_000 + i)] for i in range(30)])
    from tinhso.core.tabular import read_table

    result = units.import_units(root_admin, read_table(content, "x.csv", units.HEADER_ALIASES))
    assert result.errors == [] and result.created == 30
    assert len(checked_inside) == 30 and not any(checked_inside)


def test_a_file_with_a_bad_row_writes_nothing_and_names_the_row(db, root_admin):
    province = units.create_unit(root_admin, units.UnitData(name="Tỉnh A", kind="province", code="000.00.00.H98"))
    rows = [{"name": "Xã 1", "kind": "commune", "parent_code": province.code},
            {"name": "Xã 2", "kind": "commune", "parent_code": "KHONG-CO"},
            {"name": "Xã 3", "kind": "commune", "parent_code": province.code, "code": "000.01.00.H98"},
            {"name": "Xã 4", "kind": "commune", "parent_code": province.code, "code": "000.01.00.H98"}]
    result = units.import_units(root_admin, rows)
    assert {(e.row, e.field) for e in result.errors} == {(3, "parent_code"), (5, "code")}
    assert result.created == 0
    assert not units.Unit.objects.filter(name__startswith="Xã ").exists()
