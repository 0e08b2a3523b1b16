"""A target too large for its column is refused like a report value (400), and a stored one left by an older
version is repaired so that reading targets never fails."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection

from tinhso.indicators.models import Target


def test_an_overflowing_target_is_refused_and_reading_still_works(catalogue, root_admin, api_as, province):
    api = api_as(root_admin)
    body = {"indicator": "HS_TONG", "unit_id": province.pk, "year": 2025, "value": "10000000000000000"}
    response = api.put("/indicators/targets", body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "value"
    assert not Target.objects.exists()
    body["value"] = "999999999999999"
    saved = api.put("/indicators/targets", body)
    assert saved.status_code == 200 and Decimal(str(saved.json()["value"])) == Decimal("999999999999999")
    assert api.get("/indicators/targets").status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite ever stored such values")
def test_the_migration_removes_targets_that_cannot_be_read(catalogue, root_admin, api_as, province):
    from tinhso.indicators import services

    good = services.set_target(root_admin, "HS_TONG", province, 2024, 5)
    bad = services.set_target(root_admin, "HS_TONG", province, 2025, 7)
    with connection.cursor() as cursor:  # what an unvalidated PUT used to store
        cursor.execute("UPDATE indicators_target SET value = 10000000000000000 WHERE id = %s", [bad.pk])
        cursor.execute("UPDATE indicators_historicaltarget SET value = 10000000000000000 WHERE id = %s", [bad.pk])
    migration = importlib.import_module("tinhso.indicators.migrations.0004_targets_out_of_range")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.remove_out_of_range(None, editor)
    assert list(Target.objects.values_list("pk", flat=True)) == [good.pk]
    assert api_as(root_admin).get("/indicators/targets").status_code == 200
    assert {h.value for h in Target.history.filter(id=bad.pk)} == {Decimal(0)}
