"""Loading a province as it was before 1 July 2025 (issue #19, item 6): districts and communes valid until
30/06/2025, linked to today's units; Hải Phòng (an island district without communes) loads too."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tinhso.core.errors import ValidationFailed
from tinhso.units.legacy import import_legacy_province
from tinhso.units.models import Succession, Unit, UnitKind
from tinhso.units.services import current_successors


def test_hai_phong_loads_with_its_history_linked_to_todays_units(db):
    out = io.StringIO()
    call_command("units_import_admin", "--as-of", "2025-06-30", "--province", "Hải Phòng", stdout=out)
    assert "tỉnh cũ" in out.getvalue()
    old = Unit.objects.get(kind=UnitKind.PROVINCE, name="Thành phố Hải Phòng", valid_to=dt.date(2025, 6, 30))
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT, parent=old)
    assert districts.count() >= 14
    island = districts.get(name="Huyện Bạch Long Vĩ")  # no communes: the loader used to crash here
    assert not island.children.exists()
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE, path__startswith=old.path)
    assert communes.count() > 150 and not communes.filter(valid_to__isnull=True).exists()
    today = Unit.objects.live().get(kind=UnitKind.PROVINCE, name="Thành phố Hải Phòng")
    assert Succession.objects.filter(predecessor=old, successor=today).exists()
    assert current_successors([old.pk])[old.pk] == {today.pk: 1}
    # the island district became a special zone of today's city
    assert Succession.objects.filter(predecessor=island, successor__name="Đặc khu Bạch Long Vĩ").exists()
    linked = Succession.objects.filter(predecessor__in=communes).values("predecessor").distinct().count()
    assert linked >= communes.count() * 0.95
    call_command("units_import_admin", "--as-of", "2025-06-30", "--province", "Hải Phòng", stdout=out)
    assert Unit.objects.filter(kind=UnitKind.PROVINCE, valid_to=dt.date(2025, 6, 30)).count() == 1  # idempotent


def test_a_merged_province_joins_the_successor_province(db):
    counts = import_legacy_province(None, "hai duong")
    assert counts["provinces"] == 1 and counts["communes"] > 100
    old = Unit.objects.get(kind=UnitKind.PROVINCE, name="Tỉnh Hải Dương")
    assert old.successor_links.get().successor.name == "Thành phố Hải Phòng"
    gia_loc = Unit.objects.get(kind=UnitKind.DISTRICT, name="Huyện Gia Lộc")
    assert gia_loc.valid_to == dt.date(2025, 6, 30) and gia_loc.parent == old


def test_unknown_names_and_dates_after_the_reform_are_refused(db):
    with pytest.raises(ValidationFailed) as error:
        import_legacy_province(None, "Hải")
    assert "Hải Dương" in error.value.errors[0].vi
    with pytest.raises(ValidationFailed):
        import_legacy_province(None, "Hải Phòng", dt.date(2025, 7, 1))
