"""#15, serving many users: the tree page and unit searches are kept per process until the registry changes —
a change made anywhere (a form, the API, a bulk load, in another server process) shows at once — and a search
page reads its results' ancestors in one query, not one per result."""

import datetime as dt

from django.test import Client

from tinhso.core import memo
from tinhso.units import services
from tinhso.units.models import Unit, UnitKind

END = dt.date(2025, 6, 30)  # the test province's last day
DAY = dt.date(2024, 1, 1)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_search_page_reads_ancestors_in_one_query_whatever_the_number_of_results(
        db, viewer_user, root_admin, province, django_assert_max_num_queries):
    services.bulk_create_units(root_admin, [Unit(name=f"Xã Tìm {i}", kind=UnitKind.COMMUNE, parent=province,
                                                 stats_code=str(90_000 + i), valid_to=END) for i in range(30)], "test")
    client = _signed_in(viewer_user)
    with django_assert_max_num_queries(8):  # session, user, search, results, ancestors (was one per result)
        page = client.get("/units/", {"q": "xa tim"}).content.decode()
    assert page.count("<tr><td>") == 30 and "Bắc Kạn" in page


def test_the_tree_page_is_kept_and_shows_a_new_unit_at_once(db, viewer_user, root_admin, province,
                                                            django_assert_max_num_queries):
    client = _signed_in(viewer_user)
    assert "Xã Mới Lập" not in client.get("/units/?as_of=2024-01-01").content.decode()
    with django_assert_max_num_queries(4):  # session, user, the home province: the tree itself is kept
        client.get("/units/?as_of=2024-01-01")
    services.create_unit(root_admin, services.UnitData(name="Xã Mới Lập", kind=UnitKind.COMMUNE, parent=province,
                                                       stats_code="99001", valid_to=END))
    assert "Xã Mới Lập" in client.get("/units/?as_of=2024-01-01").content.decode()


def test_a_bulk_load_and_a_renamed_unit_show_in_kept_searches_and_levels(db, root_admin, province):
    day = DAY
    assert services.search_page("xa nap lo")[1] == 0
    before = services.children_as_of(day, province).total
    services.bulk_create_units(root_admin, [Unit(name="Xã Nạp Lô", kind=UnitKind.COMMUNE, parent=province,
                                                 stats_code="99002", valid_to=END)], "test")
    assert services.search_page("xa nap lo")[1] == 1
    assert services.children_as_of(day, province).total == before + 1
    unit = Unit.objects.get(name="Xã Nạp Lô")
    services.update_unit(root_admin, unit.pk, {"name": "Xã Đổi Tên"}, unit.version)
    assert [u.name for u in services.search_page("xa doi ten")[0]] == ["Xã Đổi Tên"]


def test_a_change_moves_the_stamp_other_processes_compare(db, root_admin, province):
    """Other server processes see the change through the stamp file in the data directory, not this memo."""
    before = memo.stamp(("units",))
    services.create_unit(root_admin, services.UnitData(name="Xã Dấu", kind=UnitKind.COMMUNE, parent=province,
                                                       stats_code="99003", valid_to=END))
    assert memo.stamp(("units",)) != before


def test_a_memo_recomputes_when_its_data_changed_elsewhere(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    kept = memo.Memo(300, depends_on=("units",))
    calls = []
    assert kept.get("k", lambda: calls.append(1) or len(calls)) == 1
    assert kept.get("k", lambda: calls.append(1) or len(calls)) == 1  # kept
    memo._bump("units")  # what another process's change does
    assert kept.get("k", lambda: calls.append(1) or len(calls)) == 2
