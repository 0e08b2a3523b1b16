"""The demo province and the official administrative units: what a newcomer sees first."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from tinhso.accounts import demo as accounts_demo
from tinhso.accounts.models import Role, User
from tinhso.units import demo as units_demo
from tinhso.units.models import Succession, Unit, UnitEvent, UnitKind
from tinhso.units.services import current_successors, search_units, tree_as_of


@pytest.fixture
def demo(db):
    units_demo.load()
    accounts_demo.load()


def test_the_demo_province(demo):
    """One load of the demo (a few seconds), every check a newcomer relies on."""
    check_bac_kan_before_the_reform_links_to_todays_thai_nguyen()
    check_the_demo_tree_as_of_2023_and_today()
    check_departments_before_and_after_the_march_2025_consolidation()
    check_the_unit_page_shows_where_bac_kan_went()
    check_idempotent_with_one_user_per_role()


def check_bac_kan_before_the_reform_links_to_todays_thai_nguyen():
    bac_kan = Unit.objects.get(name="Tỉnh Bắc Kạn")
    assert bac_kan.valid_to == dt.date(2025, 6, 30) and bac_kan.code == "000.00.00.H05"
    old_communes = list(Unit.objects.below(bac_kan).filter(kind=UnitKind.COMMUNE).as_of(dt.date(2023, 6, 30)))
    assert len(old_communes) == 108
    thai_nguyen = Unit.objects.live().get(name="Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE)
    todays = set(Unit.objects.live().filter(parent=thai_nguyen, kind=UnitKind.COMMUNE).values_list("pk", flat=True))
    shares = current_successors([c.pk for c in old_communes])
    for commune in old_communes:
        assert shares[commune.pk], f"{commune.name} has no successor today"
        assert set(shares[commune.pk]) <= todays
        assert sum(shares[commune.pk].values()) == pytest.approx(1, abs=0.001)
    assert current_successors([bac_kan.pk])[bac_kan.pk] == {thai_nguyen.pk: 1}
    ward = Unit.objects.live().get(name="Phường Bắc Kạn")
    assert {p.parent.name for p in Unit.objects.filter(successor_links__successor=ward)} == {"Thành phố Bắc Kạn"}


def check_the_demo_tree_as_of_2023_and_today():
    old = {n.unit.name for n in tree_as_of(dt.date(2023, 6, 30))}
    assert old == {"Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên", "Tỉnh Bắc Giang", "Tỉnh Bắc Ninh", "Tỉnh Lào Cai",
                   "Tỉnh Yên Bái"}
    today = tree_as_of(dt.date.today())
    assert {n.unit.name for n in today} == {"Tỉnh Thái Nguyên", "Tỉnh Bắc Ninh", "Tỉnh Lào Cai"}
    thai_nguyen = next(n for n in today if n.unit.name == "Tỉnh Thái Nguyên")
    kinds = {c.unit.kind for c in thai_nguyen.children}
    assert kinds == {UnitKind.DEPARTMENT, UnitKind.COMMUNE}  # no districts after 01/07/2025
    assert sum(1 for c in thai_nguyen.children if c.unit.kind == UnitKind.COMMUNE) == 92
    assert [u.name for u in search_units("bac kan", kind=UnitKind.PROVINCE)] == ["Tỉnh Bắc Kạn"]


def check_departments_before_and_after_the_march_2025_consolidation():
    old_ict = Unit.objects.get(name="Sở Thông tin và Truyền thông Bắc Kạn")
    assert old_ict.valid_to == dt.date(2025, 2, 28)
    successor = Succession.objects.get(predecessor=old_ict).successor
    assert successor.name == "Sở Khoa học và Công nghệ Bắc Kạn" and successor.valid_from == dt.date(2025, 3, 1)
    final = Succession.objects.get(predecessor=successor).successor
    assert final.name == "Sở Khoa học và Công nghệ Thái Nguyên" and final.is_live


def check_the_unit_page_shows_where_bac_kan_went():
    client = Client()
    client.force_login(User.objects.get(username="lanhdao"))
    bac_kan = Unit.objects.get(name="Tỉnh Bắc Kạn")
    page = client.get(f"/units/{bac_kan.pk}/").content.decode()
    assert "Được kế thừa bởi" in page and "Tỉnh Thái Nguyên" in page and "Huyện Ba Bể" in page
    old_tree = client.get("/units/?as_of=2023-06-30").content.decode()
    assert "Tỉnh Bắc Kạn" in old_tree
    branch = client.get("/units/children/", {"parent": bac_kan.pk, "as_of": "2023-06-30"}).content.decode()
    assert "Huyện Chợ Đồn" in branch


def check_idempotent_with_one_user_per_role():
    counts = (Unit.objects.count(), UnitEvent.objects.count(), Succession.objects.count(), User.objects.count())
    units_demo.load()
    accounts_demo.load()
    assert (Unit.objects.count(), UnitEvent.objects.count(), Succession.objects.count(),
            User.objects.count()) == counts
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    focal = User.objects.get(username="daumoi.backan")
    assert focal.unit.name == "Phường Bắc Kạn" and focal.check_password(accounts_demo.DEMO_PASSWORD)


def test_import_admin_loads_34_provinces_and_3321_communes(db, capsys):
    call_command("units_import_admin")
    assert "34 tỉnh/provinces, 3321 xã/communes" in capsys.readouterr().out
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 34
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 3321
    hanoi = Unit.objects.get(kind=UnitKind.PROVINCE, stats_code="01")
    assert hanoi.name == "Thành phố Hà Nội" and hanoi.valid_from == dt.date(2025, 7, 1)
    assert Unit.objects.get(kind=UnitKind.PROVINCE, name="Tỉnh Thái Nguyên").code == "000.00.00.H55"
    ward = Unit.objects.get(kind=UnitKind.COMMUNE, name="Phường Bắc Kạn")
    assert ward.parent.name == "Tỉnh Thái Nguyên" and ward.path == f"/{ward.parent_id}/{ward.pk}/"
    call_command("units_import_admin")  # a second run adds nothing
    assert "0 tỉnh/provinces, 0 xã/communes" in capsys.readouterr().out
