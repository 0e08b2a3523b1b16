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

from django.db import transaction
from django.db.models import Q

from tinhso.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
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
    errors = []
    key = plate_key(data.plate or "")
    if not key:
        errors.append(FieldError("plate", "bắt buộc nhập", "is required", row))
    elif not (5 <= len(key) <= 12):
        errors.append(FieldError("plate", f"biển số '{data.plate}' không hợp lệ", f"plate '{data.plate}' is invalid",
                                 row))
    else:
        clash = Vehicle.objects.filter(plate_key=key)
        if instance is not None and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.append(FieldError("plate", f"biển số {data.plate} đã có", f"plate {data.plate} already exists", row))
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


def import_fleet(user, rows: list[dict]) -> ImportResult:
    """Create or update businesses, vehicles (matched by plate without separators or diacritics), their
    devices and drivers from the licensing system's rows — all or nothing: any row error rolls back every
    row, and every error names its row."""
    require_manage_rules(user)
    result = ImportResult()
    seen: dict[str, int] = {}
    with transaction.atomic():
        for number, row in numbered(rows):
            try:
                _import_row(user, row, number, seen, result)
            except DomainError as exc:
                result.errors += [FieldError(e.field, e.vi, e.en, number) for e in exc.errors] or [
                    FieldError("row", exc.vi, exc.en, number)]
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
        else:
            bump_stamp()
    if result.errors:
        forget_vehicle_map()
    return result


def _import_row(user, row: dict, number: int, seen: dict[str, int], result: ImportResult) -> None:
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
    business = _business_of(user, row, number, errors)
    drivers = _split(row.get("drivers"))
    names = _split(row.get("driver_names"))
    for licence in drivers:
        errors += _check_licence(licence, number)
    data = VehicleData(plate=plate, business=business, licence_kind=kind, seats=seats, tonnage=tonnage,
                       registered_route=str(row.get("registered_route") or "").strip(),
                       badge_number=str(row.get("badge_number") or "").strip(), badge_expiry=expiry, active=active)
    existing = Vehicle.objects.filter(plate_key=key).first() if key else None
    named = {e.field for e in errors} | ({"business"} if business is None else set())
    errors += [e for e in validate_vehicle(data, existing, number) if e.field not in named]  # every problem at once
    if errors:
        raise ValidationFailed(errors)
    if existing is None:
        vehicle = create_vehicle(user, data, number)
        result.created += 1
    else:
        changes = {k: getattr(data, k) for k in VEHICLE_FIELDS if getattr(existing, k) != getattr(data, k)}
        if "plate" in changes and plate_key(changes["plate"]) == existing.plate_key:
            del changes["plate"]  # "99D-957.83" and "99D95783" are the same plate: keep the registered spelling
        vehicle = update_vehicle(user, existing.pk, changes, existing.version, number) if changes else existing
        result.updated += bool(changes)
        result.unchanged += not changes
    _attach_device(user, vehicle, str(row.get("device_serial") or "").strip(),
                   str(row.get("device_provider") or "").strip(), number)
    if drivers:
        assigned = []
        for i, licence in enumerate(drivers):
            driver = Driver.objects.filter(licence_number=licence).first()
            if driver is None:
                driver = create_driver(user, names[i] if i < len(names) else "", licence, business)
            elif i < len(names) and names[i] and driver.full_name != names[i]:
                driver = update_driver(user, driver.pk, {"full_name": names[i]}, driver.version)
            assigned.append(driver)
        vehicle.drivers.set(assigned)


def _business_of(user, row: dict, number: int, errors: list[FieldError]) -> Business | None:
    name = str(row.get("business_name") or "").strip()
    licence = str(row.get("business_licence") or "").strip()
    business = Business.objects.filter(licence_number=licence).first() if licence else None
    if business is None and name and not licence:
        folded = _search_text(name)
        business = next((b for b in Business.objects.filter(search_text__startswith=folded)
                         if fold(b.name) == fold(name)), None)
    if business is None:
        if not (name and licence):
            errors.append(FieldError("business_licence", "đơn vị kinh doanh chưa có: cần tên và số giấy phép",
                                     "unknown business: its name and licence number are needed", number))
            return None
        try:
            business = create_business(user, name, licence)
        except ValidationFailed as exc:
            errors += [FieldError(e.field, e.vi, e.en, number) for e in exc.errors]
            return None
    elif name and business.name != name:
        business = update_business(user, business.pk, {"name": name}, business.version)
    return business


def _attach_device(user, vehicle: Vehicle, serial: str, provider: str, number: int) -> None:
    if not serial:
        return
    device = Device.objects.filter(serial=serial).first()
    current = Device.objects.filter(vehicle=vehicle).exclude(serial=serial).first()
    if current is not None:  # a device replaced by a new one: the old one is detached, kept in history
        update_device(user, current.pk, {"vehicle": None}, current.version)
    if device is None:
        create_device(user, serial, provider, vehicle)
    elif device.vehicle_id != vehicle.pk or (provider and device.provider != provider):
        changes = {"vehicle": vehicle} | ({"provider": provider} if provider else {})
        update_device(user, device.pk, changes, device.version)


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
