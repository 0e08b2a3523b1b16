"""Units' boundaries with validity dates: import from GeoJSON (all or nothing) and the boundaries in
force on a day. Part of the units app's public services (other apps call these functions)."""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.db.models import Q

from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.units.models import Boundary, Unit

GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}
ID_KEYS = ("code", "ma_dinh_danh", "stats_code", "ma", "ma_hc", "unit_id")


def _date(value, field: str, row: int, errors: list[FieldError]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        errors.append(FieldError(field, f"ngày '{value}' không hợp lệ (YYYY-MM-DD)",
                                 f"invalid date '{value}' (YYYY-MM-DD)", row))
        return None


def _unit_for(props: dict, day: dt.date | None) -> tuple[Unit | None, str]:
    """The unit a feature names: by electronic code, statistics code or id; among units sharing a code
    (a reused code), the one in force on the boundary's first day."""
    for key in ID_KEYS:
        value = props.get(key)
        if value in (None, ""):
            continue
        value = str(value).strip()
        if key == "unit_id":
            return (Unit.objects.filter(pk=int(value)).first() if value.isdigit() else None), value
        field = "code" if key in ("code", "ma_dinh_danh") else "stats_code"
        matches = list(Unit.objects.filter(**{field: value}))
        if day is not None:
            matches = [u for u in matches if u.is_valid_on(day)] or matches
        matches.sort(key=lambda u: (u.valid_to is not None, -(u.valid_to or dt.date.max).toordinal()))
        return (matches[0] if matches else None), value
    return None, ""


def _check_geometry(geometry, row: int, errors: list[FieldError]) -> None:
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        errors.append(FieldError("geometry", "cần hình học Polygon hoặc MultiPolygon",
                                 "a Polygon or MultiPolygon geometry is required", row))
        return
    rings = geometry.get("coordinates") or []
    polygons = rings if geometry["type"] == "MultiPolygon" else [rings]
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4 or any(not (-180 <= float(x) <= 180 and -90 <= float(y) <= 90) for x, y, *_ in ring):
                    raise ValueError
    except (TypeError, ValueError):
        errors.append(FieldError("geometry", "toạ độ không hợp lệ (kinh độ, vĩ độ WGS 84; vòng ≥ 4 điểm)",
                                 "invalid coordinates (WGS 84 longitude, latitude; rings of ≥ 4 points)", row))


def import_geojson(content: bytes | str, valid_from: dt.date | None = None, valid_to: dt.date | None = None,
                   source: str = "") -> int:
    """Store the boundaries of a GeoJSON FeatureCollection. Each feature names its unit (`code`,
    `stats_code` or `unit_id` property) and may carry `valid_from`/`valid_to` (else the options, else the
    unit's own validity). A unit's boundary starting on the same day is replaced; an earlier one still in
    force then is closed the day before. All or nothing: any bad feature rejects the file, each error with
    its feature number (row)."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(FieldError("file", f"không phải GeoJSON hợp lệ: {exc}", f"not valid GeoJSON: {exc}")) \
            from exc
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not features:
        raise ValidationFailed(FieldError("file", "cần một FeatureCollection có ít nhất một đối tượng",
                                          "a FeatureCollection with at least one feature is required"))
    errors: list[FieldError] = []
    rows = []
    for row, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        start = _date(props.get("valid_from"), "valid_from", row, errors) or valid_from
        end = _date(props.get("valid_to"), "valid_to", row, errors) or valid_to
        unit, reference = _unit_for(props, start)
        if unit is None:
            errors.append(FieldError("unit", f"không tìm thấy đơn vị '{reference}'" if reference else
                                     "thiếu mã đơn vị (code, stats_code hoặc unit_id)",
                                     f"unit '{reference}' not found" if reference else
                                     "no unit reference (code, stats_code or unit_id)", row))
            continue
        start = start or unit.valid_from
        end = end or unit.valid_to
        if start and end and end < start:
            errors.append(FieldError("valid_to", "ngày kết thúc trước ngày bắt đầu", "ends before it starts", row))
        _check_geometry(feature.get("geometry"), row, errors)
        rows.append((unit, start, end, feature.get("geometry")))
    if errors:
        raise ValidationFailed(errors, vi="Tệp bị từ chối, không có ranh giới nào được ghi",
                               en="The file was rejected; no boundary was written")
    with transaction.atomic():
        for unit, start, end, geometry in rows:
            Boundary.objects.filter(unit=unit, valid_from=start).delete()
            if start is not None:
                Boundary.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start), unit=unit,
                                        valid_from__lt=start).update(valid_to=start - dt.timedelta(days=1))
            Boundary.objects.create(unit=unit, valid_from=start, valid_to=end, geometry=geometry, source=source[:300])
    return len(rows)


def boundaries_on(unit_ids: list[int], day: dt.date) -> dict[int, dict]:
    """{unit id: GeoJSON geometry} of the boundaries in force on `day`."""
    found = (Boundary.objects.filter(unit_id__in=unit_ids)
             .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
             .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("valid_from"))
    return {b.unit_id: b.geometry for b in found}
