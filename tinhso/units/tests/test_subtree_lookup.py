"""#15, serving many users: a reader's scope is one `path__under_any` condition, however many subtrees it reads."""

from tinhso.units.models import Unit, UnitKind


def test_under_any_finds_the_units_of_every_subtree_and_nothing_else(make_unit):
    first = make_unit("Tỉnh Một", UnitKind.PROVINCE, code="000.00.00.H01")
    inside = make_unit("Xã Trong", UnitKind.COMMUNE, first, code="001.00.00.H01")
    second = make_unit("Tỉnh Hai", UnitKind.PROVINCE, code="000.00.00.H02")
    third = make_unit("Tỉnh Ba", UnitKind.PROVINCE, code="000.00.00.H03")
    found = set(Unit.objects.filter(path__under_any=[first.path, second.path]))
    assert found == {first, inside, second}
    assert third not in found
    assert not Unit.objects.filter(path__under_any=[]).exists()
    # LIKE wildcards in a root are taken literally, as with path__startswith
    assert not Unit.objects.filter(path__under_any=["/%", "/_/"]).exists()

