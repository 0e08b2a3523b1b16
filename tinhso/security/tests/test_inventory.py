"""The inventory: validation, scope, versions, search without diacritics, audit, attribution."""

import datetime as dt

import pytest

from tinhso.core.errors import Conflict, Forbidden, ValidationFailed
from tinhso.security import services
from tinhso.security.models import AssetKind, Hosting, MigrationStatus
from tinhso.security.tests.conftest import system_data


def test_a_focal_point_registers_a_system_of_its_own_unit_but_not_of_another(focal_user, district, province):
    system = services.create_system(focal_user, system_data(district))
    assert system.owner == district and system.version == 1
    with pytest.raises(Forbidden):
        services.create_system(focal_user, system_data(province, code="BK-002"))


def test_a_viewer_may_not_register_anything(viewer_user, district):
    with pytest.raises(Forbidden):
        services.create_system(viewer_user, system_data(district))


def test_addresses_are_normalised_and_bad_ones_named(root_admin, district):
    system = services.create_system(root_admin, system_data(district, addresses="10.5.1.10; 10.5.2.7/24 Cong.Vn."))
    assert system.addresses.split("\n") == ["10.5.1.10", "10.5.2.0/24", "cong.vn"]
    with pytest.raises(ValidationFailed) as caught:
        services.create_system(root_admin, system_data(district, code="BK-009", addresses="300.1.1.1 bad_host!"))
    assert [e.field for e in caught.value.errors] == ["addresses", "addresses"]


def test_an_address_belongs_to_one_system_only(root_admin, district, system):
    with pytest.raises(ValidationFailed) as caught:
        services.create_system(root_admin, system_data(district, code="BK-002", addresses="10.5.1.10"))
    assert "BK-001" in caught.value.errors[0].vi


def test_a_planned_migration_needs_a_date_and_a_system_in_the_data_centre_has_none_to_plan(root_admin, district):
    with pytest.raises(ValidationFailed) as caught:
        services.create_system(root_admin, system_data(district, migration_status=MigrationStatus.PLANNED))
    assert caught.value.errors[0].field == "migration_date"
    with pytest.raises(ValidationFailed):
        services.create_system(root_admin, system_data(district, hosting=Hosting.PROVINCIAL_DC,
                                                       migration_status=MigrationStatus.PLANNED,
                                                       migration_date=dt.date(2026, 12, 31)))
    moved = services.create_system(root_admin, system_data(district, hosting=Hosting.PROVINCIAL_DC))
    assert moved.migration_status == MigrationStatus.NOT_NEEDED


def test_a_stale_version_is_a_conflict_and_changes_are_audited(focal_user, system):
    services.update_system(focal_user, system.pk, {"migration_status": MigrationStatus.PLANNED,
                                                   "migration_date": dt.date(2026, 9, 30)}, expected_version=1)
    with pytest.raises(Conflict):
        services.update_system(focal_user, system.pk, {"name": "Khác"}, expected_version=1)
    history = services.system_history(system.pk)
    assert history[0].who == "focal" and history[0].action == "~"
    assert {c["field"] for c in history[0].changes} >= {"migration_status", "migration_date"}


def test_moving_a_system_to_a_unit_outside_the_scope_is_refused(commune_focal, commune, other_commune, root_admin):
    system = services.create_system(root_admin, system_data(commune))
    with pytest.raises(Forbidden):
        services.update_system(commune_focal, system.pk, {"owner": other_commune}, expected_version=1)


def test_search_ignores_diacritics_and_finds_by_owner_subtree(system, district, commune, root_admin):
    assert services.search_systems("mot cua ba be") == [system]
    assert services.search_systems("MOTCUA.BABE") == [system]
    assert services.search_systems(owner=district) == [system]
    assert services.search_systems(owner=commune) == []


def test_events_are_attributed_host_to_system_to_owner(system, district):
    for host in ("10.5.1.10", "10.5.2.77", "motcua.babe.backan.gov.vn", "api.motcua.babe.backan.gov.vn"):
        found = services.attribute(host)
        assert found is not None and found.system_id == system.pk and found.owner_id == district.pk, host
    assert services.attribute("10.5.3.1") is None and services.attribute("other.gov.vn") is None


def test_attribution_follows_an_edit(root_admin, system):
    assert services.attribute("10.9.9.9") is None
    services.update_system(root_admin, system.pk, {"addresses": "10.9.9.0/24"}, expected_version=1)
    assert services.attribute("10.9.9.9").system_id == system.pk
    assert services.attribute("10.5.1.10") is None


def test_the_most_specific_network_wins(root_admin, district, commune, system):
    inner = services.create_system(root_admin, system_data(commune, code="XA-001", addresses="10.5.2.128/25"))
    assert services.attribute("10.5.2.200").system_id == inner.pk
    assert services.attribute("10.5.2.5").system_id == system.pk


def test_assets_are_typed_and_counted_per_unit_and_kind(root_admin, commune, other_commune, district):
    services.create_asset(root_admin, {"code": "VC-1", "kind": AssetKind.VC_POINT, "subtype": "commune",
                                       "name": "Điểm cầu Chợ Rã", "unit": commune})
    services.create_asset(root_admin, {"code": "VC-2", "kind": "Điểm cầu truyền hình trực tuyến",
                                       "name": "Điểm cầu Nam Mẫu", "unit": other_commune})
    services.create_asset(root_admin, {"code": "CAM-1", "kind": AssetKind.CAMERA, "subtype": "traffic",
                                       "name": "Camera", "unit": commune, "status": "retired"})
    with pytest.raises(ValidationFailed) as caught:
        services.create_asset(root_admin, {"code": "CAM-2", "kind": AssetKind.CAMERA, "subtype": "commune",
                                           "name": "Camera", "unit": commune})
    assert caught.value.errors[0].field == "subtype"
    counts = {c.unit.name: c.counts for c in services.asset_counts(district)}
    assert counts == {"Thị trấn Chợ Rã": {"vc_point": 1}, "Xã Nam Mẫu": {"vc_point": 1}}
    assert services.asset_totals(district)["vc_point"] == 2
