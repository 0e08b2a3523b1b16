"""Boundaries with validity dates: a 2024 figure is drawn on 2024 units, a 2026 one on today's; a file
naming an unknown unit is refused whole; without boundaries the map is an equal-area tile grid."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from tinhso.core.errors import ValidationFailed
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.ioc import services
from tinhso.ioc.contract import Context
from tinhso.units import boundaries
from tinhso.units.models import Boundary


def _square(x: float, y: float, size: float = 0.1) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geometry} for props, geometry in features]})


def test_the_boundary_in_force_on_the_figures_date(commune, other_commune, tmp_path):
    path = tmp_path / "ranh-gioi.geojson"
    path.write_text(_collection(({"code": commune.code, "valid_from": "2020-01-01"}, _square(105.0, 22.0)),
                                ({"stats_code": other_commune.stats_code}, _square(105.2, 22.0))))
    call_command("units_import_boundaries", str(path))
    later = tmp_path / "moi.geojson"
    later.write_text(_collection(({"unit_id": commune.pk, "valid_from": "2025-01-01"}, _square(105.0, 22.0, 0.3))))
    call_command("units_import_boundaries", str(later))
    old = boundaries.boundaries_on([commune.pk, other_commune.pk], dt.date(2024, 6, 30))
    new = boundaries.boundaries_on([commune.pk], dt.date(2025, 3, 1))
    assert old[commune.pk]["coordinates"][0][1] == [105.1, 22.0]
    assert new[commune.pk]["coordinates"][0][1] == [105.3, 22.0]
    assert Boundary.objects.get(unit=commune, valid_from=dt.date(2020, 1, 1)).valid_to == dt.date(2024, 12, 31)
    assert other_commune.pk in old  # its validity is the unit's own


def test_a_file_naming_an_unknown_unit_is_refused_whole(commune, tmp_path):
    content = _collection(({"code": commune.code}, _square(105.0, 22.0)),
                          ({"code": "999.99.99.Z99"}, _square(105.0, 22.0)),
                          ({"code": commune.code}, {"type": "Point", "coordinates": [105, 22]}))
    with pytest.raises(ValidationFailed) as caught:
        boundaries.import_geojson(content)
    assert [(e.field, e.row) for e in caught.value.errors] == [("unit", 2), ("geometry", 3)]
    assert not Boundary.objects.exists()
    path = tmp_path / "x.geojson"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("units_import_boundaries", str(path))


def test_the_map_uses_boundaries_as_of_the_figures_date_else_the_tile_grid(monthly, fill, commune, other_commune,
                                                                           district, viewer_user):
    fill(monthly, commune, "2023-06", monthly_values(100, 80))
    fill(monthly, other_commune, "2023-06", monthly_values(100, 40))
    definition = {"name": "Bản đồ", "year": 2023, "scope": district.pk, "widgets": [
        {"widget": "indicators.map", "params": {"indicator": "TL_HS_TRUC_TUYEN"}}]}
    ctx = Context(user=viewer_user, scope=district, year=2023, today=dt.date(2026, 1, 1))
    section = services.compute(ctx, services.validate_definition(definition)).sections[0]
    assert section.geojson is None and "<svg" in section.map_svg and "80%" in section.map_svg
    boundaries.import_geojson(_collection(({"code": commune.code, "valid_from": "2024-01-01"}, _square(105, 22)),
                                          ({"code": other_commune.code}, _square(105.2, 22))))
    section = services.compute(ctx, services.validate_definition(definition)).sections[0]
    assert section.geojson is None, "in 2023 one commune had no boundary yet: no map with holes"
    boundaries.import_geojson(_collection(({"code": commune.code, "valid_from": "2020-01-01"}, _square(105, 22)),))
    section = services.compute(ctx, services.validate_definition(definition)).sections[0]
    assert {f["properties"]["text"] for f in section.geojson["features"]} == {"80%", "40%"}
