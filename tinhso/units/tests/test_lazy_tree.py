"""Finding 12 of #15: the unit tree page holds the top level (and the home province's first level), every
other branch is loaded when it is opened, a long level comes in steps, and search results come 100 a page."""

import datetime as dt

import pytest
from django.test import Client

from tinhso.units import services
from tinhso.units.models import Unit, UnitKind


@pytest.fixture
def many_communes(root_admin, province):
    """150 communes directly under the province (valid until it ends)."""
    communes = [Unit(name=f"Xã Thử {i:03d}", kind=UnitKind.COMMUNE, parent=province, stats_code=str(80_000 + i),
                     valid_to=dt.date(2025, 6, 30)) for i in range(150)]
    return services.bulk_create_units(root_admin, communes, "test")


def test_the_tree_page_holds_one_level_and_loads_branches_when_opened(db, viewer_user, commune):
    client = Client()
    client.force_login(viewer_user)
    page = client.get("/units/?as_of=2023-06-30").content.decode()
    assert "Tỉnh Bắc Kạn" in page and "Huyện Ba Bể" in page  # the home province is open
    assert "Thị trấn Chợ Rã" not in page  # one level further down: not in the page
    assert f'data-children="/units/children/?parent={commune.parent_id}&amp;as_of=2023-06-30"' in page
    branch = client.get("/units/children/", {"parent": commune.parent_id, "as_of": "2023-06-30"})
    assert branch.status_code == 200 and "Thị trấn Chợ Rã" in branch.content.decode()


def test_a_long_level_comes_in_steps(db, viewer_user, province, many_communes, monkeypatch):
    monkeypatch.setattr(services, "TREE_PAGE", 100)
    monkeypatch.setattr(services.children_as_of, "__defaults__", (None, 0, 100))
    client = Client()
    client.force_login(viewer_user)
    first = client.get("/units/children/", {"parent": province.pk, "as_of": "2024-01-01"}).content.decode()
    assert first.count("<li>") == 100 and "Xã Thử 000" in first and "Xã Thử 100" not in first
    assert "offset=100" in first and "data-more" in first
    rest = client.get("/units/children/", {"parent": province.pk, "as_of": "2024-01-01", "offset": 100})
    rest = rest.content.decode()
    assert rest.count("<li>") == 50 and "Xã Thử 149" in rest and "data-more" not in rest


def test_search_results_come_100_a_page(db, viewer_user, many_communes):
    client = Client()
    client.force_login(viewer_user)
    first = client.get("/units/", {"q": "xa thu"}).content.decode()
    assert first.count("<tr><td>") == 100 and "Trang 1/2" in first and "150" in first
    assert "page=2" in first
    second = client.get("/units/", {"q": "xa thu", "page": 2}).content.decode()
    assert second.count("<tr><td>") == 50 and "Xã Thử 149" in second and "Xã Thử 000" not in second


def test_the_api_gives_a_level_with_child_counts_and_pages_search(db, viewer_user, api_as, province, district,
                                                                  commune, many_communes):
    api = api_as(viewer_user)
    level = api.get(f"/units/children?parent={province.pk}&as_of=2024-01-01&limit=20").json()
    assert level["total"] == 151 and level["next_offset"] == 20 and len(level["items"]) == 20
    counts = {item["name"]: item["child_count"] for item in
              api.get(f"/units/children?parent={province.pk}&as_of=2024-01-01&limit=1000").json()["items"]}
    assert counts["Huyện Ba Bể"] == 1 and counts["Xã Thử 000"] == 0
    top = api.get("/units/children?as_of=2024-01-01").json()
    assert [item["name"] for item in top["items"]] == ["Tỉnh Bắc Kạn"]
    response = api.get("/units?q=xa%20thu&limit=40&offset=120")
    assert response["X-Total-Count"] == "150" and len(response.json()) == 30
