"""The fleet registry: transport businesses, vehicles, drivers, devices and declared contracts — create,
update with a version check, deactivate, import from the licensing system's spreadsheets (all or nothing,
errors per row) and export. Plates match without separators or diacritics ("99D-957.83" = "99D95783").

The ingest matches device rows to vehicles through `vehicle_map()`, cached per process and checked against
`FleetStamp` before every batch: every change of the registry changes the stamp in its own transaction, so
a vehicle registered in another process is known to the next batch."""

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tinhso.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tinhso.core.labels import choice_lookup, header_aliases, vietnamese
from tinhso.core.tabular import numbered, parse_date, read_table, to_csv, to_xlsx
from tinhso.core.text import fold
from tinhso.transport.access import require_manage_rules, require_view
from tinhso.transport.models import (
    Business,
    Contract,
    Device,
    Driver,
    FleetStamp,
    LicenceKind,
    Vehicle,
)


def plate_key(plate: str) -> str:
    """Upper case, no separators, no diacritics: what device rows and imports are matched on."""
    return "".join(ch for ch in fold(plate or "").upper() if ch.isalnum())


def _search_text(*parts: str) -> str:
    return " ".join(fold(p) for p in parts if p)


# ---------------------------------------------------------------- the plate cache and its stamp

_VEHICLE_MAP: dict = {"stamp": None, "map": {}}


def bump_stamp(**kwargs) -> None:
    """Mark the registry changed (called by the Vehicle save/delete signals and after bulk writes). A random
    value rather than +1, so a stamp seen inside a transaction that is rolled back never comes back."""
    if not FleetStamp.objects.filter(pk=1).update(version=secrets.randbits(62)):
        FleetStamp.objects.get_or_create(pk=1, defaults={"version": secrets.randbits(62)})
    _VEHICLE_MAP["stamp"] = None


def vehicle_map() -> dict[str, int]:
    """plate key → id of active vehicles. Cached per process; one indexed read of the stamp per call tells
    whether any process changed the registry since."""
    stamp = FleetStamp.objects.filter(pk=1).values_list("version", flat=True).first()
    if stamp is None or stamp != _VEHICLE_MAP["stamp"]:
        _VEHICLE_MAP["map"] = dict(Vehicle.objects.filter(active=True).values_list("plate_key", "id"))
        _VEHICLE_MAP["stamp"] = stamp
    return _VEHICLE_MAP["map"]


def forget_vehicle_map(**kwargs) -> None:
    _VEHICLE_MAP["stamp"] = None


# ---------------------------------------------------------------- businesses

BUSINESS_FIELDS = ("name", "licence_number", "address", "active")


def _check_business(name: str, licence_number: str, instance: Business | None, row: int | None) -> list[FieldError]:
    errors = []
    if not (name or "").strip():
        errors.append(FieldError("name", "bắt buộc nhập", "is required", row))
    if not (licence_number or "").strip():
        errors.append(FieldError("licence_number", "bắt buộc nhập", "is required", row))
    else:
        clash = Business.objects.filter(licence_number=licence_number.strip())
        if instance is not None and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.append(FieldError("licence_number", f"giấy phép {licence_number} đã có",
                                     f"licence {licence_number} already exists", row))
    return errors


def create_business(user, name: str, licence_number: str, address: str = "", unit=None) -> Business:
    require_manage_rules(user)
    errors = _check_business(name, licence_number, None, None)
    if errors:
        raise ValidationFailed(errors)
    business = Business(name=name.strip(), licence_number=licence_number.strip(), address=(address or "").strip(),
                        unit=unit, search_text=_search_text(name, licence_number))
    business._history_user = user
    business.save()
    return business


def update_business(user, business_id: int, changes: dict, expected_version: int) -> Business:
    require_manage_rules(user)
    unknown = set(changes) - set(BUSINESS_FIELDS)
    if unknown:
        raise ValidationFailed([FieldError(f, "không được phép sửa trường này", "this field cannot be changed")
                                for f in sorted(unknown)])
    with transaction.atomic():
        business = Business.objects.select_for_update().filter(pk=business_id).first()
        if business is None:
            raise NotFound("Đơn vị kinh doanh vận tải", "Transport business")
        if business.version != expected_version:
            raise Conflict(business.version)
        for k, v in changes.items():
            setattr(business, k, v.strip() if isinstance(v, str) else v)
        errors = _check_business(business.name, business.licence_number, business, None)
        if errors:
            raise ValidationFailed(errors)
        business.search_text = _search_text(business.name, business.licence_number)
        business.version += 1
        business._history_user = user
        business.save()
    return business


def save_business(user, name: str, licence_number: str, address: str = "", unit=None) -> Business:
    """Create, or update the business with this licence number (used by scripts and the demo)."""
    business = Business.objects.filter(licence_number=(licence_number or "").strip()).first()
    if business is None:
        return create_business(user, name, licence_number, address, unit)
    return update_business(user, business.pk, {"name": name, "address": address}, business.version)


# ---------------------------------------------------------------- vehicles

VEHICLE_FIELDS = ("plate", "business", "licence_kind", "seats", "tonnage", "registered_route", "badge_number",
                  "badge_expiry", "active")


@dataclass
class VehicleData:
    plate: str
    business: Business
    licence_kind: str
    seats: int | None = None
    tonnage: float | Decimal | None = None
    registered_route: str = ""
    badge_number: str = ""
    badge_expiry: dt.date | None = None
    active: bool = True


def validate_vehicle(data: VehicleData, instance: Vehicle | None = None, row: int | None = None) -> list[FieldError]:
    errors = _vehicle_errors(data, row)
    key = plate_key(data.plate or "")
    if not any(e.field == "plate" for e in errors):
        clash = Vehicle.objects.filter(plate_key=key)
        if instance is not None and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.insert(0, FieldError("plate", f"biển số {data.plate} đã có", f"plate {data.plate} already exists",
                                        row))
    return errors


def _vehicle_errors(data: VehicleData, row: int | None) -> list[FieldError]:
    """The checks of a vehicle that need no database (all but the plate's uniqueness)."""
    errors = []
    key = plate_key(data.plate or "")
    if not key:
        errors.append(FieldError("plate", "bắt buộc nhập", "is required", row))
    elif not (5 <= len(key) <= 12):
        errors.append(FieldError("plate", f"biển số '{data.plate}' không hợp lệ", f"plate '{data.plate}' is invalid",
                                 row))
    if data.business is None:
        errors.append(FieldError("business", "bắt buộc chọn đơn vị kinh doanh", "the business is required", row))
    if data.licence_kind not in LicenceKind.values:
        errors.append(FieldError("licence_kind", "loại hình kinh doanh không hợp lệ", "unknown licence kind", row))
    if data.licence_kind == LicenceKind.FIXED_ROUTE and not (data.registered_route or "").strip():
        errors.append(FieldError("registered_route", "xe tuyến cố định phải có tuyến đăng ký",
                                 "a fixed-route coach needs its registered route", row))
    if data.seats is not None and not (isinstance(data.seats, int) and 1 <= data.seats <= 100):
        errors.append(FieldError("seats", "số chỗ phải từ 1 đến 100", "seats must be 1–100", row))
    if data.tonnage is not None and not (0 < data.tonnage <= 100):
        errors.append(FieldError("tonnage", "tải trọng phải trong (0; 100] tấn", "tonnage must be in (0; 100] t", row))
    return errors


def create_vehicle(user, data: VehicleData, row: int | None = None) -> Vehicle:
    require_manage_rules(user)
    errors = validate_vehicle(data, row=row)
    if errors:
        raise ValidationFailed(errors)
    vehicle = Vehicle(**data.__dict__)
    vehicle.plate = data.plate.strip()
    vehicle.plate_key = plate_key(data.plate)
    vehicle.search_text = _search_text(data.plate, vehicle.plate_key, data.business.name, data.registered_route)
    vehicle._history_user = user
    vehicle.save()
    return vehicle


def update_vehicle(user, vehicle_id: int, changes: dict, expected_version: int, row: int | None = None) -> Vehicle:
    require_manage_rules(user)
    unknown = set(changes) - set(VEHICLE_FIELDS)
    if unknown:
        raise ValidationFailed([FieldError(f, "không được phép sửa trường này", "this field cannot be changed", row)
                                for f in sorted(unknown)])
    with transaction.atomic():
        vehicle = Vehicle.objects.select_for_update().filter(pk=vehicle_id).first()
        if vehicle is None:
            raise NotFound("Phương tiện", "Vehicle")
        if vehicle.version != expected_version:
            raise Conflict(vehicle.version)
        data = VehicleData(**{k: getattr(vehicle, k) for k in VEHICLE_FIELDS})
        for k, v in changes.items():
            setattr(data, k, v)
        errors = validate_vehicle(data, vehicle, row)
        if errors:
            raise ValidationFailed(errors)
        for k in VEHICLE_FIELDS:
            setattr(vehicle, k, getattr(data, k))
        vehicle.plate_key = plate_key(vehicle.plate)
        vehicle.search_text = _search_text(vehicle.plate, vehicle.plate_key, vehicle.business.name,
                                           vehicle.registered_route)
        vehicle.version += 1
        vehicle._history_user = user
        vehicle.save()
    return vehicle


# ---------------------------------------------------------------- drivers and devices

def _check_licence(licence_number: str, row: int | None) -> list[FieldError]:
    text = (licence_number or "").strip()
    if not text:
        return [FieldError("licence_number", "bắt buộc nhập", "is required", row)]
    if len(text) > 20 or not text.isalnum():
        return [FieldError("licence_number", f"số GPLX '{text}' không hợp lệ (tối đa 20 chữ và số)",
                           f"driving licence '{text}' is invalid (at most 20 letters and digits)", row)]
    return []


def create_driver(user, full_name: str, licence_number: str, business: Business | None = None) -> Driver:
    require_manage_rules(user)
    errors = _check_licence(licence_number, None)
    if not errors and Driver.objects.filter(licence_number=licence_number.strip()).exists():
        errors.append(FieldError("licence_number", f"GPLX {licence_number} đã có",
                                 f"licence {licence_number} already exists"))
    if errors:
        raise ValidationFailed(errors)
    driver = Driver(full_name=(full_name or "").strip(), licence_number=licence_number.strip(), business=business)
    driver._history_user = user
    driver.save()
    return driver


def update_driver(user, driver_id: int, changes: dict, expected_version: int) -> Driver:
    require_manage_rules(user)
    allowed = {"full_name", "business", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed([FieldError(f, "không được phép sửa trường này", "this field cannot be changed")
                                for f in sorted(unknown)])
    with transaction.atomic():
        driver = Driver.objects.select_for_update().filter(pk=driver_id).first()
        if driver is None:
            raise NotFound("Lái xe", "Driver")
        if driver.version != expected_version:
            raise Conflict(driver.version)
        for k, v in changes.items():
            setattr(driver, k, v.strip() if isinstance(v, str) else v)
        driver.version += 1
        driver._history_user = user
        driver.save()
    return driver


def create_device(user, serial: str, provider: str = "", vehicle: Vehicle | None = None) -> Device:
    require_manage_rules(user)
    serial = (serial or "").strip()
    errors = []
    if not serial or len(serial) > 50:
        errors.append(FieldError("serial", "số sê-ri bắt buộc, tối đa 50 ký tự", "serial is required, at most 50 "
                                 "characters"))
    elif Device.objects.filter(serial=serial).exists():
        errors.append(FieldError("serial", f"thiết bị {serial} đã có", f"device {serial} already exists"))
    if vehicle is not None and Device.objects.filter(vehicle=vehicle).exists():
        errors.append(FieldError("vehicle", "xe đã lắp thiết bị khác", "the vehicle already has a device"))
    if errors:
        raise ValidationFailed(errors)
    device = Device(serial=serial, provider=(provider or "").strip(), vehicle=vehicle)
    device._history_user = user
    device.save()
    return device


def update_device(user, device_id: int, changes: dict, expected_version: int) -> Device:
    require_manage_rules(user)
    allowed = {"provider", "vehicle", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed([FieldError(f, "không được phép sửa trường này", "this field cannot be changed")
                                for f in sorted(unknown)])
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(pk=device_id).first()
        if device is None:
            raise NotFound("Thiết bị", "Device")
        if device.version != expected_version:
            raise Conflict(device.version)
        vehicle = changes.get("vehicle", device.vehicle)
        if vehicle is not None and Device.objects.filter(vehicle=vehicle).exclude(pk=device.pk).exists():
            raise ValidationFailed(FieldError("vehicle", "xe đã lắp thiết bị khác", "the vehicle already has a device"))
        for k, v in changes.items():
            setattr(device, k, v.strip() if isinstance(v, str) else v)
        device.version += 1
        device._history_user = user
        device.save()
    return device


# ---------------------------------------------------------------- fleet spreadsheets

FLEET_COLUMNS = ["business_name", "business_licence", "plate", "licence_kind", "seats", "tonnage",
                 "registered_route", "badge_number", "badge_expiry", "device_serial", "device_provider",
                 "drivers", "driver_names", "active"]
FLEET_TITLES = {
    "business_name": "Đơn vị kinh doanh", "business_licence": "Số giấy phép KDVT", "plate": "Biển số",
    "licence_kind": "Loại hình kinh doanh", "seats": "Số chỗ", "tonnage": "Tải trọng (tấn)",
    "registered_route": "Tuyến đăng ký", "badge_number": "Số phù hiệu", "badge_expiry": "Hạn phù hiệu",
    "device_serial": "Mã thiết bị GSHT", "device_provider": "Đơn vị cung cấp thiết bị", "drivers": "Số GPLX lái xe",
    "driver_names": "Họ tên lái xe", "active": "Đang hoạt động",
}
FLEET_ENGLISH = {
    "business_name": "Transport business", "business_licence": "Licence number", "plate": "Plate",
    "licence_kind": "Licence kind", "seats": "Seats", "tonnage": "Tonnage (t)", "registered_route": "Registered route",
    "badge_number": "Badge number", "badge_expiry": "Badge expiry", "device_serial": "Device serial",
    "device_provider": "Device provider", "drivers": "Driving licence numbers", "driver_names": "Driver names",
    "active": "Active",
}
# headings in Vietnamese, English, or "Vi / En" as templates exported before #17 item 13 wrote some of them
FLEET_ALIASES = header_aliases({key: (FLEET_TITLES[key], FLEET_ENGLISH[key]) for key in FLEET_COLUMNS}) | {
    key: key for key in FLEET_COLUMNS} | {
    "don_vi": "business_name", "doanh_nghiep": "business_name", "ten_don_vi": "business_name",
    "business": "business_name", "giay_phep": "business_licence", "so_giay_phep": "business_licence",
    "giay_phep_kdvt": "business_licence", "licence_number": "business_licence", "bien_so": "plate",
    "bien_so_xe": "plate", "loai_hinh": "licence_kind", "kind": "licence_kind", "so_cho": "seats",
    "tai_trong": "tonnage", "tuyen": "registered_route", "tuyen_co_dinh": "registered_route",
    "route": "registered_route",
    "phu_hieu": "badge_number", "badge": "badge_number", "han_phu_hieu": "badge_expiry",
    "thiet_bi": "device_serial", "ma_thiet_bi": "device_serial", "device": "device_serial",
    "nha_cung_cap": "device_provider", "gplx": "drivers", "so_gplx": "drivers", "lai_xe": "driver_names",
    "ho_ten_lai_xe": "driver_names", "hoat_dong": "active",
}
# Licence kinds as the licensing system writes them (folded), besides the codes.
KIND_WORDS = {
    "tuyen co dinh": LicenceKind.FIXED_ROUTE, "xe khach tuyen co dinh": LicenceKind.FIXED_ROUTE,
    "hop dong": LicenceKind.CONTRACT, "xe hop dong": LicenceKind.CONTRACT, "du lich": LicenceKind.TOURIST,
    "xe du lich": LicenceKind.TOURIST, "taxi": LicenceKind.TAXI, "xe taxi": LicenceKind.TAXI,
    "buyt": LicenceKind.BUS, "xe buyt": LicenceKind.BUS, "hang hoa": LicenceKind.FREIGHT,
    "xe tai": LicenceKind.FREIGHT, "van tai hang hoa": LicenceKind.FREIGHT, "container": LicenceKind.CONTAINER,
    "xe container": LicenceKind.CONTAINER, "xe dau keo": LicenceKind.CONTAINER,
}
YES = {"1", "co", "x", "true", "yes", "dang hoat dong", "hoat dong"}
NO = {"0", "khong", "false", "no", "ngung", "ngung hoat dong"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[FieldError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": [e.as_dict() for e in self.errors]}


def _kind(value, row: int) -> tuple[str | None, list[FieldError]]:
    text = fold(str(value or ""))
    kind = (text.replace(" ", "_") if text.replace(" ", "_") in LicenceKind.values
            else KIND_WORDS.get(text) or choice_lookup(LicenceKind).get(text))
    if kind is None:
        return None, [FieldError("licence_kind", f"loại hình '{value or ''}' không rõ (tuyến cố định, hợp đồng, du "
                                 "lịch, taxi, buýt, hàng hóa, container)", f"unknown licence kind '{value or ''}'",
                                 row)]
    return kind, []


def _int(value, name: str, row: int) -> tuple[int | None, list[FieldError]]:
    if value is None or str(value).strip() == "":
        return None, []
    try:
        number = float(str(value).replace(",", "."))
        if number != int(number):
            raise ValueError
        return int(number), []
    except ValueError:
        return None, [FieldError(name, f"'{value}' không phải số nguyên", f"'{value}' is not a whole number", row)]


def _decimal(value, name: str, row: int) -> tuple[Decimal | None, list[FieldError]]:
    if value is None or str(value).strip() == "":
        return None, []
    try:
        return Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01")), []
    except InvalidOperation:
        return None, [FieldError(name, f"'{value}' không phải số", f"'{value}' is not a number", row)]


def _flag(value, row: int) -> tuple[bool, list[FieldError]]:
    if value is None or str(value).strip() == "":
        return True, []
    if isinstance(value, bool):
        return value, []
    text = fold(str(value))
    if text in YES:
        return True, []
    if text in NO:
        return False, []
    return True, [FieldError("active", f"'{value}' phải là có/không", f"'{value}' must be yes/no", row)]


def _split(value) -> list[str]:
    text = str(value or "")
    for sep in (";", "\n", "|"):
        text = text.replace(sep, ",")
    return [p.strip() for p in text.split(",") if p.strip()]


def read_fleet(content: bytes, filename: str) -> list[dict]:
    rows = read_table(content, filename, FLEET_ALIASES)
    missing = [c for c in ("plate", "licence_kind") if rows and c not in rows[0]]
    if missing:
        raise ValidationFailed([FieldError(c, f"thiếu cột '{FLEET_TITLES[c]}'", f"column '{c}' is missing")
                                for c in missing])
    return rows


IMPORT_REASON = "Nhập đội xe từ tệp / fleet import"


def import_fleet(user, rows: list[dict]) -> ImportResult:
    """Create or update businesses, vehicles (matched by plate without separators or diacritics), their
    devices and drivers from the licensing system's rows — all or nothing: if any row has an error nothing is
    written, and every error names its row.

    Every row is checked first with reads only (what the file names is read in a few queries, whatever its
    length); a valid file is then written in one short transaction of bulk statements with their audit
    history, so a long file does not hold the database (SQLite's one writer) while it is checked (#15,
    finding 3). Whatever another user changed between the check and the write (a version moved, a plate or
    serial registered) refuses the import, naming the row."""
    require_manage_rules(user)
    result = ImportResult()
    plan = _FleetPlan(list(numbered(rows)))
    plan.check(result)
    if not result.errors:
        try:
            with transaction.atomic():
                stale = plan.changed_since_check()
                if stale:
                    raise ValidationFailed(stale)
                plan.write(user)
                bump_stamp()
        except ValidationFailed as exc:
            result.errors = exc.errors
        except IntegrityError:
            result.errors = [FieldError("row", "đội xe vừa được người khác thay đổi trong lúc nhập; hãy nhập lại tệp",
                                        "the fleet was changed by someone else during the import; import the file "
                                        "again")]
    if result.errors:
        result.created = result.updated = result.unchanged = 0
        forget_vehicle_map()
    return result


_STALE = ("{what} {name} vừa được người khác thay đổi trong lúc kiểm tra tệp; hãy nhập lại tệp",
          "{what} {name} was changed by someone else while the file was being checked; import the file again")
_CHUNK = 400  # bounded IN lists: SQLite limits bound parameters


def _chunks(values) -> list[list]:
    values = sorted(values)
    return [values[i:i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _in(queryset, name: str, values) -> list:
    """`queryset` filtered on `name` IN `values`, a few hundred values per query."""
    return [obj for chunk in _chunks(set(values)) for obj in queryset.filter(**{f"{name}__in": chunk})]


def _update_rows(model: type, objs: list, fields: list[str]) -> None:
    """`bulk_update` without its CASE expressions: one `UPDATE … WHERE pk = %s` per object through executemany.
    Django compiles bulk_update's CASE WHEN expressions in Python, about 2 s of CPU per 1.000 vehicles, all of it
    inside the write transaction; this takes milliseconds."""
    concrete = [model._meta.get_field(name) for name in fields]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_update", fields=concrete)  # new FK targets' ids
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in concrete)} "
           f"WHERE {quote(model._meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete]
                                 + [obj.pk] for obj in objs])


@dataclass
class _Row:
    """One row of a fleet file, parsed (no database)."""

    number: int
    plate: str
    key: str
    data: VehicleData
    business_name: str
    business_licence: str
    drivers: list[str]
    names: list[str]
    serial: str
    provider: str
    errors: list[FieldError]


def _parse_row(number: int, row: dict, seen: dict[str, int]) -> _Row:
    errors: list[FieldError] = []
    plate = str(row.get("plate") or "").strip()
    key = plate_key(plate)
    if key and key in seen:
        errors.append(FieldError("plate", f"biển số {plate} trùng với dòng {seen[key]}",
                                 f"plate {plate} repeats row {seen[key]}", number))
    seen.setdefault(key, number)
    kind, problems = _kind(row.get("licence_kind"), number)
    errors += problems
    seats, problems = _int(row.get("seats"), "seats", number)
    errors += problems
    tonnage, problems = _decimal(row.get("tonnage"), "tonnage", number)
    errors += problems
    active, problems = _flag(row.get("active"), number)
    errors += problems
    try:
        expiry = parse_date(row.get("badge_expiry"), "badge_expiry", number)
    except ValidationFailed as exc:
        errors += exc.errors
        expiry = None
    drivers = _split(row.get("drivers"))
    for licence in drivers:
        errors += _check_licence(licence, number)
    data = VehicleData(plate=plate, business=None, licence_kind=kind, seats=seats, tonnage=tonnage,
                       registered_route=str(row.get("registered_route") or "").strip(),
                       badge_number=str(row.get("badge_number") or "").strip(), badge_expiry=expiry, active=active)
    return _Row(number, plate, key, data, str(row.get("business_name") or "").strip(),
                str(row.get("business_licence") or "").strip(), drivers, _split(row.get("driver_names")),
                str(row.get("device_serial") or "").strip(), str(row.get("device_provider") or "").strip(), errors)


class _FleetPlan:
    """A fleet file checked against the registry read up front (`check`, reads only), then written in bulk
    (`write`). Rows are applied in order to objects in memory, so a row sees what earlier rows of the file
    create or change (a business, a driver, a device), as if they had been saved one by one."""

    def __init__(self, rows: list[tuple[int, dict]]):
        self.rows = rows
        self.new: dict[type, list] = {Business: [], Vehicle: [], Driver: [], Device: []}
        self.changed: dict[type, dict[int, object]] = {Business: {}, Vehicle: {}, Driver: {}, Device: {}}
        # every registry row the plan relies on, with the version it was read at and the first row naming it
        self.read: dict[type, dict[int, tuple[int, int]]] = {Business: {}, Vehicle: {}, Driver: {}, Device: {}}
        self.first_row: dict[int, int] = {}  # id() of an object → the first row that uses it
        self.assignments: list[tuple[Vehicle, list[Driver]]] = []
        self.vehicle_fields: set[str] = set()  # the fields the file changes on registered vehicles
        self.was_on: dict[int, int | None] = {}  # device pk → the vehicle it was fitted to when read

    # ------------------------------------------------------------ check (reads only)

    def check(self, result: ImportResult) -> None:
        seen: dict[str, int] = {}
        parsed = [_parse_row(number, row, seen) for number, row in self.rows]
        self._load(parsed)
        for row in parsed:
            errors = row.errors
            business = self._business_of(row, errors)
            row.data.business = business
            named = {e.field for e in errors} | ({"business"} if business is None else set())
            errors += [e for e in _vehicle_errors(row.data, row.number) if e.field not in named]
            if row.serial and len(row.serial) > 50:
                errors.append(FieldError("serial", "số sê-ri bắt buộc, tối đa 50 ký tự",
                                         "serial is required, at most 50 characters", row.number))
            if errors:
                result.errors += errors
                continue
            vehicle = self._vehicle(row, result)
            self._attach_device(vehicle, row)
            if row.drivers:
                self.assignments.append((vehicle, self._drivers(row, business)))

    def _load(self, parsed: list[_Row]) -> None:
        """What the file names, in a few queries: its vehicles (with their devices), businesses (by licence,
        and by name where a row gives no licence), drivers and devices."""
        self.vehicles = {v.plate_key: v for v in _in(Vehicle.objects.select_related("business"), "plate_key",
                                                     {r.key for r in parsed if r.key})}
        licences = {r.business_licence for r in parsed if r.business_licence}
        self.by_licence = {b.licence_number: b for b in _in(Business.objects, "licence_number", licences)}
        names = sorted({_search_text(r.business_name) for r in parsed if r.business_name and not r.business_licence})
        self.by_name: dict[str, list[Business]] = {}
        for i in range(0, len(names), 100):
            wanted = Q()
            for name in names[i:i + 100]:
                wanted |= Q(search_text__startswith=name)
            for business in Business.objects.filter(wanted):
                self.by_licence.setdefault(business.licence_number, business)
        for business in sorted(self.by_licence.values(), key=lambda b: (b.name, b.pk)):
            self.by_name.setdefault(fold(business.name), []).append(business)
        self.drivers = {d.licence_number: d for d in _in(Driver.objects, "licence_number",
                                                         {lic for r in parsed for lic in r.drivers})}
        devices = {d.pk: d for d in _in(Device.objects, "serial", {r.serial for r in parsed if r.serial})}
        devices |= {d.pk: d for d in _in(Device.objects, "vehicle_id", {v.pk for v in self.vehicles.values()})}
        self.devices = {d.serial: d for d in devices.values()}
        self.was_on = {d.pk: d.vehicle_id for d in devices.values()}
        self.fitted: dict[tuple, Device] = {("pk", d.vehicle_id): d for d in devices.values() if d.vehicle_id}
        self.place: dict[int, tuple | None] = {id(d): ("pk", d.vehicle_id) if d.vehicle_id else None
                                               for d in devices.values()}

    def _uses(self, obj, number: int) -> None:
        """Remember a registry row the plan relies on (its version is checked again before writing)."""
        self.first_row.setdefault(id(obj), number)
        if obj.pk is not None:
            self.read[type(obj)].setdefault(obj.pk, (obj.version, number))

    def _change(self, obj, number: int) -> None:
        self._uses(obj, number)
        if obj.pk is not None:
            self.changed[type(obj)][obj.pk] = obj

    def _add(self, obj, number: int) -> None:
        self.new[type(obj)].append(obj)
        self.first_row[id(obj)] = number

    def _business_of(self, row: _Row, errors: list[FieldError]) -> Business | None:
        name, licence = row.business_name, row.business_licence
        business = self.by_licence.get(licence) if licence else None
        if business is None and name and not licence:
            business = next(iter(self.by_name.get(fold(name), [])), None)
        if business is None:
            if not (name and licence):
                errors.append(FieldError("business_licence", "đơn vị kinh doanh chưa có: cần tên và số giấy phép",
                                         "unknown business: its name and licence number are needed", row.number))
                return None
            business = Business(name=name, licence_number=licence, search_text=_search_text(name, licence))
            self._add(business, row.number)
            self.by_licence[licence] = business
            self.by_name.setdefault(fold(name), []).append(business)
        elif name and business.name != name:
            self.by_name[fold(business.name)].remove(business)
            self.by_name.setdefault(fold(name), []).append(business)
            business.name = name
            business.search_text = _search_text(name, business.licence_number)
            self._change(business, row.number)
        else:
            self._uses(business, row.number)
        return business

    def _vehicle(self, row: _Row, result: ImportResult) -> Vehicle:
        data = row.data
        existing = self.vehicles.get(row.key)
        if existing is None:
            vehicle = Vehicle(**data.__dict__, plate_key=row.key)
            vehicle.search_text = _search_text(data.plate, row.key, data.business.name, data.registered_route)
            self._add(vehicle, row.number)
            result.created += 1
            return vehicle
        changes = {k: getattr(data, k) for k in VEHICLE_FIELDS if getattr(existing, k) != getattr(data, k)}
        changes.pop("plate", None)  # "99D-957.83" and "99D95783" are the same plate: keep the registered spelling
        if changes:
            self.vehicle_fields |= changes.keys()
            for k, v in changes.items():
                setattr(existing, k, v)
            existing.search_text = _search_text(existing.plate, existing.plate_key, existing.business.name,
                                                existing.registered_route)
            self._change(existing, row.number)
        else:
            self._uses(existing, row.number)
        result.updated += bool(changes)
        result.unchanged += not changes
        return existing

    def _attach_device(self, vehicle: Vehicle, row: _Row) -> None:
        if not row.serial:
            return
        place = ("pk", vehicle.pk) if vehicle.pk else ("new", id(vehicle))
        device = self.devices.get(row.serial)
        current = self.fitted.get(place)
        if current is not None and current is not device:  # replaced by a new one: detached, kept in history
            current.vehicle = None
            self.place[id(current)] = None
            del self.fitted[place]
            self._change(current, row.number)
        if device is None:
            device = Device(serial=row.serial, provider=row.provider, vehicle=vehicle)
            self._add(device, row.number)
            self.devices[row.serial] = device
        elif self.place.get(id(device)) != place or (row.provider and device.provider != row.provider):
            if self.place.get(id(device)) is not None:
                self.fitted.pop(self.place[id(device)], None)
            device.vehicle = vehicle
            if row.provider:
                device.provider = row.provider
            self._change(device, row.number)
        else:
            self._uses(device, row.number)
        self.place[id(device)] = place
        self.fitted[place] = device

    def _drivers(self, row: _Row, business: Business) -> list[Driver]:
        assigned = []
        for i, licence in enumerate(row.drivers):
            name = row.names[i] if i < len(row.names) else ""
            driver = self.drivers.get(licence)
            if driver is None:
                driver = Driver(full_name=name, licence_number=licence, business=business)
                self._add(driver, row.number)
                self.drivers[licence] = driver
            elif name and driver.full_name != name:
                driver.full_name = name
                self._change(driver, row.number)
            else:
                self._uses(driver, row.number)
            assigned.append(driver)
        return assigned

    # ------------------------------------------------------------ write (one short transaction)

    def changed_since_check(self) -> list[FieldError]:
        """What another user changed since the check: a registry row the plan relies on whose version moved
        (or that is gone), a plate, licence or serial the plan creates that now exists, a device fitted
        meanwhile to a vehicle the plan fits one to. Read in a few queries, rows locked (PostgreSQL)."""
        errors = []
        labels = {Business: ("business_licence", "Đơn vị kinh doanh", "The business", "licence_number"),
                  Vehicle: ("plate", "Xe", "The vehicle", "plate"), Driver: ("drivers", "Lái xe", "The driver",
                                                                          "licence_number"),
                  Device: ("device_serial", "Thiết bị", "The device", "serial")}
        for model, read in self.read.items():
            field_name, what_vi, what_en, label = labels[model]
            now = {pk: (version, name) for pk, version, name in _in(
                model.objects.select_for_update().values_list("pk", "version", label), "pk", read)}
            for pk, (version, number) in sorted(read.items(), key=lambda item: item[1][1]):
                if now.get(pk, (None,))[0] != version:
                    name = now.get(pk, (None, ""))[1] or f"#{pk}"
                    errors.append(FieldError(field_name, _STALE[0].format(what=what_vi, name=name),
                                             _STALE[1].format(what=what_en, name=name), number))
        for model, key in ((Business, "licence_number"), (Vehicle, "plate_key"), (Driver, "licence_number"),
                           (Device, "serial")):
            field_name, what_vi, what_en, _ = labels[model]
            wanted = {getattr(obj, key): obj for obj in self.new[model]}
            for taken in _in(model.objects.values_list(key, flat=True), key, wanted):
                number = self.first_row[id(wanted[taken])]
                errors.append(FieldError(field_name, _STALE[0].format(what=what_vi, name=taken),
                                         _STALE[1].format(what=what_en, name=taken), number))
        targets = {}  # registered vehicle → the device the plan fits to it
        for device in self.new[Device] + list(self.changed[Device].values()):
            place = self.place.get(id(device))
            if place and place[0] == "pk" and self.was_on.get(device.pk) != place[1]:
                targets[place[1]] = device
        for serial, vehicle_id in _in(Device.objects.values_list("serial", "vehicle_id"), "vehicle_id", targets):
            if serial in self.devices:
                continue  # a device the plan read: its version is checked above
            number = self.first_row[id(targets[vehicle_id])]
            errors.append(FieldError("device_serial", _STALE[0].format(what="Thiết bị", name=serial),
                                     _STALE[1].format(what="The device", name=serial), number))
        return sorted(errors, key=lambda e: e.row or 0)

    def write(self, user) -> None:
        """Businesses, vehicles, drivers, devices and assignments in bulk, each created or changed record with
        its history (the importing user, `IMPORT_REASON`) and one version step."""
        def create(model: type, objs: list) -> None:
            if objs:
                bulk_create_with_history(objs, model, default_user=user, default_change_reason=IMPORT_REASON)

        def update(model: type, fields: list[str]) -> None:
            objs = list(self.changed[model].values())
            if not objs:
                return
            for obj in objs:
                obj.version += 1
            _update_rows(model, objs, fields + ["version"])
            # the rows are written: this writes their history only (the importing user, the reason)
            bulk_update_with_history(objs, model, [], default_user=user, default_change_reason=IMPORT_REASON)

        create(Business, self.new[Business])
        update(Business, ["name", "search_text"])
        create(Vehicle, self.new[Vehicle])
        update(Vehicle, sorted(self.vehicle_fields) + ["search_text"])
        create(Driver, self.new[Driver])
        update(Driver, ["full_name"])
        # devices moved or detached leave their vehicle first, so no two devices are ever on one vehicle
        moving = [pk for pk, device in self.changed[Device].items()
                  if self.was_on.get(pk) and self.place.get(id(device)) != ("pk", self.was_on[pk])]
        for chunk in _chunks(moving):
            Device.objects.filter(pk__in=chunk).update(vehicle=None)
        update(Device, ["vehicle", "provider"])
        create(Device, self.new[Device])
        self._assign()

    def _assign(self) -> None:
        """`vehicle.drivers.set(drivers)` for every vehicle whose row names drivers, in bulk."""
        through = Vehicle.drivers.through
        wanted = {(vehicle.pk, driver.pk) for vehicle, drivers in self.assignments for driver in drivers}
        have = {(v, d): pk for pk, v, d in _in(through.objects.values_list("pk", "vehicle_id", "driver_id"),
                                                "vehicle_id", {vehicle.pk for vehicle, _ in self.assignments})}
        for chunk in _chunks([pk for pair, pk in have.items() if pair not in wanted]):
            through.objects.filter(pk__in=chunk).delete()
        through.objects.bulk_create([through(vehicle_id=v, driver_id=d) for v, d in sorted(wanted - have.keys())])


def export_fleet(user, fmt: str = "xlsx") -> tuple[bytes, str, str]:
    """The registry as a file `import_fleet` reads back."""
    require_view(user)
    vehicles = Vehicle.objects.select_related("business", "device").prefetch_related("drivers").order_by("plate")
    rows = []
    for v in vehicles:
        device = getattr(v, "device", None)
        drivers = list(v.drivers.all())
        rows.append([v.business.name, v.business.licence_number, v.plate, vietnamese(v.get_licence_kind_display()),
                     v.seats, float(v.tonnage) if v.tonnage is not None else None, v.registered_route, v.badge_number,
                     v.badge_expiry, device.serial if device else "", device.provider if device else "",
                     "; ".join(d.licence_number for d in drivers), "; ".join(d.full_name for d in drivers),
                     "có" if v.active else "không"])
    headers = [FLEET_TITLES[c] for c in FLEET_COLUMNS]
    if fmt == "csv":
        return to_csv(headers, rows), "doi-xe.csv", "text/csv; charset=utf-8"
    if fmt != "xlsx":
        raise ValidationFailed(FieldError("format", "định dạng phải là xlsx hoặc csv",
                                          "the format must be xlsx or csv"))
    return to_xlsx("Đội xe", headers, rows), "doi-xe.xlsx", \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- contracts

CONTRACT_COLUMNS = ["number", "plate", "customer", "origin", "destination", "start_date", "end_date", "passengers"]
CONTRACT_TITLES = {"number": "Số hợp đồng", "plate": "Biển số", "customer": "Bên thuê", "origin": "Điểm đi",
                   "destination": "Điểm đến", "start_date": "Từ ngày", "end_date": "Đến ngày",
                   "passengers": "Số hành khách"}
CONTRACT_ENGLISH = {"number": "Contract number", "plate": "Plate", "customer": "Customer", "origin": "Origin",
                    "destination": "Destination", "start_date": "From", "end_date": "To", "passengers": "Passengers"}
CONTRACT_ALIASES = header_aliases({k: (CONTRACT_TITLES[k], CONTRACT_ENGLISH[k]) for k in CONTRACT_COLUMNS}) | {
    k: k for k in CONTRACT_COLUMNS} | {
    "so_hd": "number", "hop_dong": "number", "bien_so_xe": "plate", "khach_hang": "customer",
    "ben_thue_van_tai": "customer", "diem_dau": "origin", "diem_cuoi": "destination", "tu": "start_date",
    "den": "end_date", "ngay_bat_dau": "start_date", "ngay_ket_thuc": "end_date", "so_khach": "passengers",
    "danh_sach_hanh_khach": "passengers",
}


def import_contracts(user, rows: list[dict]) -> ImportResult:
    """Declared contracts of contract vehicles (all or nothing). A contract is matched by vehicle and number."""
    require_manage_rules(user)
    result = ImportResult()
    with transaction.atomic():
        for number, row in numbered(rows):
            errors: list[FieldError] = []
            key = plate_key(str(row.get("plate") or ""))
            vehicle = Vehicle.objects.filter(plate_key=key).first() if key else None
            if vehicle is None:
                errors.append(FieldError("plate", f"biển số '{row.get('plate') or ''}' chưa đăng ký",
                                         f"plate '{row.get('plate') or ''}' is not registered", number))
            for name in ("number", "customer", "origin", "destination"):
                if not str(row.get(name) or "").strip():
                    errors.append(FieldError(name, "bắt buộc nhập", "is required", number))
            dates = {}
            for name in ("start_date", "end_date"):
                try:
                    dates[name] = parse_date(row.get(name), name, number)
                except ValidationFailed as exc:
                    errors += exc.errors
                    dates[name] = None
                if name not in [e.field for e in errors] and dates[name] is None:
                    errors.append(FieldError(name, "bắt buộc nhập", "is required", number))
            if dates.get("start_date") and dates.get("end_date") and dates["end_date"] < dates["start_date"]:
                errors.append(FieldError("end_date", "ngày kết thúc trước ngày bắt đầu", "ends before it starts",
                                         number))
            passengers, problems = _int(row.get("passengers"), "passengers", number)
            errors += problems
            if errors:
                result.errors += errors
                continue
            values = {"customer": str(row["customer"]).strip(), "origin": str(row["origin"]).strip(),
                      "destination": str(row["destination"]).strip(), "start_date": dates["start_date"],
                      "end_date": dates["end_date"], "passengers": passengers}
            contract = Contract.objects.filter(vehicle=vehicle, number=str(row["number"]).strip()).first()
            if contract is None:
                contract = Contract(vehicle=vehicle, number=str(row["number"]).strip(), **values)
                result.created += 1
            elif any(getattr(contract, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(contract, k, v)
                contract.version += 1
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            contract._history_user = user
            contract.save()
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
    return result


def contracts_of(vehicle_ids, start: dt.date, end: dt.date) -> dict[int, list[Contract]]:
    """Active declared contracts overlapping [start, end], by vehicle."""
    found: dict[int, list[Contract]] = {}
    for c in Contract.objects.filter(vehicle_id__in=list(vehicle_ids), active=True, start_date__lte=end,
                                     end_date__gte=start):
        found.setdefault(c.vehicle_id, []).append(c)
    return found


def search_businesses(user, q: str = "") -> list[Business]:
    require_view(user)
    qs = Business.objects.all()
    for word in fold(q).split():
        qs = qs.filter(Q(search_text__contains=word))
    return list(qs.order_by("name")[:500])


# ---------------------------------------------------------------- one record for an edit page

def _one(user, rows, pk: int, what_vi: str, what_en: str):
    require_view(user)
    found = rows.filter(pk=pk).first()
    if found is None:
        raise NotFound(what_vi, what_en)
    return found


def get_business(user, business_id: int) -> Business:
    return _one(user, Business.objects, business_id, "Đơn vị kinh doanh vận tải", "Transport business")


def get_driver(user, driver_id: int) -> Driver:
    return _one(user, Driver.objects.select_related("business"), driver_id, "Lái xe", "Driver")


def get_device(user, device_id: int) -> Device:
    return _one(user, Device.objects.select_related("vehicle"), device_id, "Thiết bị", "Device")


def vehicle_by_plate(plate: str, field_name: str = "vehicle") -> Vehicle:
    """The registered vehicle with this plate, however it is written; a field error naming it otherwise."""
    vehicle = Vehicle.objects.filter(plate_key=plate_key(plate)).first() if plate_key(plate) else None
    if vehicle is None:
        raise ValidationFailed(FieldError(field_name, f"không có xe biển số '{plate}' trong danh sách đăng ký",
                                          f"no registered vehicle has plate '{plate}'"))
    return vehicle


def list_drivers(user, limit: int = 500) -> list[Driver]:
    require_view(user)
    return list(Driver.objects.select_related("business").order_by("full_name", "id")[:limit])


def list_devices(user, limit: int = 500) -> list[Device]:
    require_view(user)
    return list(Device.objects.select_related("vehicle").order_by("serial")[:limit])
