"""A targets file is checked with reads only, then written in a few statements (#15, finding 3): a long file
must not hold the database — SQLite's one writer — while its rows are checked one by one."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhso.indicators import services
from tinhso.indicators.models import Target

CODES = ["HS_TONG", "TL_HS_TRUC_TUYEN", "ATTT_SU_CO", "TL_SO_HOA_KQ"]


def _rows(units, value: str) -> list[dict]:
    return [{"indicator": code, "unit": unit.code, "year": 2025, "value": value} for unit in units for code in CODES]


def _writes(queries) -> list[int]:
    return [i for i, q in enumerate(queries) if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_a_targets_file_is_checked_before_anything_is_written(catalogue, root_admin, province, district, commune):
    units = [province, district, commune]
    with CaptureQueriesContext(connection) as first:
        assert services.import_targets(root_admin, _rows(units, "10")) == 12
    with CaptureQueriesContext(connection) as second:
        assert services.import_targets(root_admin, _rows(units, "20") + _rows(units[:1], "30")) == 16
    for queries in (first.captured_queries, second.captured_queries):
        writes = _writes(queries)
        # the write phase: read the existing targets, then one insert of targets and one of their history
        # (or one update and one history insert): a handful of statements, whatever the number of rows
        assert writes and len(queries) - writes[0] <= 8, [q["sql"][:60] for q in queries[writes[0]:]]
        assert len(queries) <= 20
    targets = {(t.unit_id, t.indicator.code): t for t in Target.objects.select_related("indicator")}
    assert targets[(province.pk, "HS_TONG")].value == 30  # the file's last row for a target wins
    assert targets[(province.pk, "HS_TONG")].version == 2
    assert targets[(commune.pk, "ATTT_SU_CO")].value == 20
    assert targets[(commune.pk, "ATTT_SU_CO")].history.count() == 2


def test_an_unchanged_target_is_not_rewritten(catalogue, root_admin, province):
    services.import_targets(root_admin, _rows([province], "10"))
    services.import_targets(root_admin, _rows([province], "10"))
    assert {t.version for t in Target.objects.all()} == {1}
    assert all(t.history.count() == 1 for t in Target.objects.all())
