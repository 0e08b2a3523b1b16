"""REST endpoints of journey monitoring (/api/v1/transport/...). Thin: parse, call services, shape output.
Only transport inspectors (permission transport.view_journeys) get data; pushing positions needs
transport.ingest_positions."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.security import SessionAuth
from pydantic import Field

from tinhso.accounts.auth import TokenAuth
from tinhso.core.api import ERROR_RESPONSES, Day, DbId, InputSchema
from tinhso.core.downloads import attach
from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.tabular import read_table
from tinhso.core.uploads import upload_guard
from tinhso.transport import fleet, services
from tinhso.transport.access import ingest_upload_check, manage_upload_check
from tinhso.transport.models import Business, Contract, Device, Driver, LicenceKind, RuleKind, Vehicle

# The bearer token is tried before the session: with the project-wide order (session first) a device
# provider's token POST without a session cookie fails the session's CSRF check before the token is read.
router = Router(tags=["transport"], auth=[TokenAuth(), SessionAuth()])


class VehicleOut(Schema):
    id: int
    plate: str
    licence_kind: str
    seats: int | None
    tonnage: float | None
    registered_route: str
    business_id: int
    business: str
    active: bool
    version: int


class ReasonOut(Schema):
    code: str
    field: str
    count: int
    message: dict[str, str]


class SampleOut(Schema):
    row: int
    field: str
    value: str | None
    code: str
    message: dict[str, str]


class IngestOut(Schema):
    batch_id: str
    rows_total: int
    rows_stored: int
    rows_rejected: int
    duplicates: int
    days: list[str]
    seconds: float
    reasons: list[ReasonOut]
    samples: list[SampleOut]
    key: str = Field(description="khóa chống gửi lặp của lô / the batch's idempotency key")
    already_stored: bool = Field(description="lô này đã được lưu trước đó, không lưu lại / this batch was "
                                             "already stored and was not stored again")


class StreamIn(InputSchema):
    points: list = Field(description="Các điểm: plate, time (ISO 8601), lat, lon, speed, heading, ignition, door, "
                                     "driver / points as devices send them", min_length=1,
                         max_length=services.MAX_STREAM_POINTS)
    key: str | None = Field(None, max_length=services.MAX_CLIENT_KEY,
                            description="khóa chống gửi lặp (hoặc tiêu đề Idempotency-Key); không có thì dùng "
                                        "mã băm nội dung / idempotency key (or the Idempotency-Key header); "
                                        "without one, the content hash")


class TripOut(Schema):
    vehicle_id: int
    start: dt.datetime
    end: dt.datetime
    start_lat: float
    start_lon: float
    end_lat: float
    end_lon: float
    distance_km: float
    driving_s: int
    max_speed: float
    stops: int
    driver: str | None


class StopOut(Schema):
    start: dt.datetime
    end: dt.datetime
    duration_s: int
    lat: float
    lon: float
    kind: str


class ViolationOut(Schema):
    vehicle_id: int
    plate: str
    kind: str
    kind_label: str
    rule: str
    start: dt.datetime
    end: dt.datetime
    duration_s: int
    value: float
    limit: float
    lat: float | None
    lon: float | None
    driver: str | None
    detail: str
    legal_reference: str = Field("", description="văn bản quy định bị vi phạm (theo ngày của dữ liệu) / the legal "
                                                 "text breached (in force on the data's date)")


class JourneysOut(Schema):
    vehicle: VehicleOut
    distance_km: float
    driving_s: int
    trips: list[TripOut]
    stops: list[StopOut]
    violations: list[ViolationOut]


class TransportRuleOut(Schema):
    code: str
    kind: str
    name: str
    params: dict
    legal_reference: str
    valid_from: dt.date | None = Field(description="áp dụng cho dữ liệu từ ngày / applies to data from this day")
    valid_to: dt.date | None = Field(description="đến ngày / until this day")
    verified: bool = Field(description="đã đối chiếu văn bản / checked against the legal text")
    verification_note: str
    verification_note_en: str = Field(description="ghi chú đối chiếu bằng tiếng Anh / the verification note in English")
    active: bool
    version: int


class RulePatch(InputSchema):
    version: int
    params: dict | None = None
    active: bool | None = None
    legal_reference: str | None = Field(None, max_length=5000)


class AnalysisIn(InputSchema):
    start: Day
    end: Day


class AnalysisOut(Schema):
    points: int
    trips: int
    stops: int
    violations: int


class CoachOut(Schema):
    vehicle_id: int
    plate: str
    business: str
    score: float
    flagged: bool
    components: dict[str, float]
    days_on_route: int
    trips_on_route: int
    median_stops: float
    departures: dict[str, str]
    route: list[list[float]] | None
    evidence: list[dict]


def _vehicle_out(v) -> dict:
    return {"id": v.pk, "plate": v.plate, "licence_kind": v.licence_kind, "seats": v.seats,
            "tonnage": float(v.tonnage) if v.tonnage is not None else None, "registered_route": v.registered_route,
            "business_id": v.business_id, "business": v.business.name, "active": v.active, "version": v.version}


def _dt(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, services.store._zone())


def _violation_out(v: dict, plates: dict[int, str], legal: dict[str, str] | None = None) -> dict:
    return {**v, "plate": plates.get(v["vehicle_id"], ""), "start": _dt(v["start"]), "end": _dt(v["end"]),
            "kind_label": str(services.VIOLATION_LABELS.get(v["kind"], v["kind"])), "detail": v.get("detail") or "",
            "legal_reference": v.get("legal_reference") or (legal or {}).get(v.get("rule") or "", "")}


@router.get("/transport/vehicles", response={200: list[VehicleOut], **ERROR_RESPONSES},
            summary="Tìm phương tiện / Search vehicles")
def list_vehicles(request: HttpRequest, q: str = "", kind: LicenceKind | None = None, business: int | None = None,
                  limit: int = Query(200, ge=1, le=5000)):
    return [_vehicle_out(v) for v in services.search_vehicles(request.user, q, kind or "", business, limit)]


@router.get("/transport/vehicles/{ref}", response={200: VehicleOut, **ERROR_RESPONSES},
            summary="Một phương tiện (mã hoặc biển số) / One vehicle (id or plate)")
def get_vehicle(request: HttpRequest, ref: str):
    return _vehicle_out(services.find_vehicle(request.user, ref))


@router.get("/transport/vehicles/{ref}/positions", response={200: None, **ERROR_RESPONSES},
            summary="Trích xuất dữ liệu hành trình / Extract a vehicle's positions (json, csv, parquet)")
def positions(request: HttpRequest, ref: str, start: Day, end: Day, format: str = "json"):
    vehicle = services.find_vehicle(request.user, ref)
    content, count = services.extract(request.user, vehicle, start, end, format)
    mime = {"json": "application/json", "csv": "text/csv; charset=utf-8",
            "parquet": "application/vnd.apache.parquet"}[format]
    response = HttpResponse(content, content_type=mime)
    response["X-Point-Count"] = str(count)
    if format != "json":
        attach(response, f"{vehicle.plate_key}-{start:%Y%m%d}-{end:%Y%m%d}.{format}")
    return response


@router.get("/transport/vehicles/{ref}/journeys", response={200: JourneysOut, **ERROR_RESPONSES},
            summary="Chuyến, điểm dừng, vi phạm của một xe / A vehicle's trips, stops and violations")
def journeys(request: HttpRequest, ref: str, start: Day, end: Day):
    vehicle = services.find_vehicle(request.user, ref)
    result = services.vehicle_journeys(request.user, vehicle, start, end)
    plates = {vehicle.pk: vehicle.plate}
    legal = dict(services.Rule.objects.values_list("code", "legal_reference"))
    return {
        "vehicle": _vehicle_out(vehicle),
        "distance_km": round(sum(t["distance_m"] for t in result.trips) / 1000, 2),
        "driving_s": sum(t["driving_s"] for t in result.trips),
        "trips": [{**t, "start": _dt(t["start"]), "end": _dt(t["end"]), "distance_km": round(t["distance_m"] / 1000, 2)}
                  for t in result.trips],
        "stops": [{**s, "start": _dt(s["start"]), "end": _dt(s["end"])} for s in result.stops],
        "violations": [_violation_out(v, plates, legal) for v in result.violations],
    }


@router.post("/transport/ingest/stream", response={200: IngestOut, **ERROR_RESPONSES},
             summary="Nhận một lô điểm từ thiết bị / Receive a batch of device points")
def ingest_stream(request: HttpRequest, payload: StreamIn):
    """The good rows of the batch are committed together (or nothing, if the server dies); bad rows are
    counted by reason with samples naming the row and field."""
    key = payload.key or request.headers.get("Idempotency-Key")
    return services.ingest_stream(request.user, payload.points, key).as_dict()


@router.post("/transport/ingest/file", response={200: IngestOut, **ERROR_RESPONSES},
             summary="Nhập tệp CSV, JSON lines, Parquet / Ingest a CSV, JSON lines or Parquet file")
@upload_guard(ingest_upload_check)
def ingest_file(request: HttpRequest, file: UploadedFile = File(...), format: str = ""):
    return services.ingest_upload(request.user, file.read(), file.name or "", format,
                                  request.headers.get("Idempotency-Key")).as_dict()


@router.get("/transport/violations", response={200: list[ViolationOut], **ERROR_RESPONSES},
            summary="Danh sách vi phạm / Violations")
def list_violations(request: HttpRequest, start: Day, end: Day, kind: RuleKind | None = None,
                    vehicle: int | None = None, business: int | None = None, driver: str = "",
                    limit: int = Query(1000, ge=1, le=100_000)):
    rows = services.violations(request.user, start, end, kind or "", vehicle, business, driver, limit)
    plates = {r["vehicle_id"]: r["vehicle"].plate for r in rows if r.get("vehicle")}
    return [_violation_out(r, plates) for r in rows]


@router.post("/transport/analysis", response={200: AnalysisOut, **ERROR_RESPONSES},
             summary="Tính chuyến và vi phạm toàn đội xe / Compute trips and violations of the fleet")
def run_analysis(request: HttpRequest, payload: AnalysisIn):
    return services.run_analysis(request.user, payload.start, payload.end)


@router.get("/transport/reports/{level}", response={200: None, **ERROR_RESPONSES},
            summary="Báo cáo theo xe, lái xe, đơn vị / Report per vehicle, driver or business (json, xlsx, csv)")
def report(request: HttpRequest, level: str, start: Day, end: Day, format: str = "json"):
    if format == "json":
        import json

        rows = services.report(request.user, level, start, end)
        return HttpResponse(json.dumps(rows, ensure_ascii=False, default=str), content_type="application/json")
    content, filename, mime = services.export_report(request.user, level, start, end, format)
    response = HttpResponse(content, content_type=mime)
    attach(response, filename)
    return response


@router.get("/transport/coaches", response={200: list[CoachOut], **ERROR_RESPONSES},
            summary="Xe hợp đồng nghi trá hình tuyến cố định / Suspected disguised contract coaches")
def coaches(request: HttpRequest, start: Day, end: Day, flagged_only: bool = False):
    scores = services.coach_candidates(request.user, start, end)
    vehicles = services.Vehicle.objects.select_related("business").in_bulk([s.vehicle_id for s in scores])
    out = []
    for s in scores:
        if flagged_only and not s.flagged:
            continue
        v = vehicles[s.vehicle_id]
        out.append({"vehicle_id": s.vehicle_id, "plate": v.plate, "business": v.business.name, "score": s.score,
                    "flagged": s.flagged, "components": s.components, "days_on_route": s.days_on_route,
                    "trips_on_route": s.trips_on_route, "median_stops": s.median_stops, "departures": s.departures,
                    "route": [list(p) for p in s.route] if s.route else None,
                    "evidence": [{**e, "start": _dt(e["start"]).isoformat(), "end": _dt(e["end"]).isoformat(),
                                  "day": e["day"].isoformat()} for e in s.evidence]})
    return out


@router.get("/transport/rules", response={200: list[TransportRuleOut], **ERROR_RESPONSES},
            summary="Quy tắc vi phạm và căn cứ pháp lý / Violation rules and their legal basis")
def list_rules(request: HttpRequest):
    services.require_view(request.user)
    return services.rules()


@router.patch("/transport/rules/{code}", response={200: TransportRuleOut, **ERROR_RESPONSES},
              summary="Sửa tham số quy tắc / Change a rule's parameters")
def patch_rule(request: HttpRequest, code: str, payload: RulePatch):
    return services.update_rule(request.user, code, payload.params, payload.active, payload.version,
                                payload.legal_reference)


# ---------------------------------------------------------------- the fleet registry

class BusinessOut(Schema):
    id: int
    name: str
    licence_number: str
    address: str
    active: bool
    version: int


class BusinessIn(InputSchema):
    name: str = Field(max_length=255)
    licence_number: str = Field(max_length=50)
    address: str = Field("", max_length=255)


class BusinessPatch(InputSchema):
    version: DbId
    name: str | None = Field(None, max_length=255)
    licence_number: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=255)
    active: bool | None = None


class FleetVehicleOut(VehicleOut):
    badge_number: str
    badge_expiry: Day | None
    device: str | None
    drivers: list[str]


class VehicleIn(InputSchema):
    plate: str = Field(max_length=20)
    business_id: DbId
    licence_kind: LicenceKind
    seats: int | None = Field(None, ge=1, le=100)
    tonnage: float | None = Field(None, gt=0, le=100)
    registered_route: str = Field("", max_length=255)
    badge_number: str = Field("", max_length=50)
    badge_expiry: Day | None = None


class VehiclePatch(InputSchema):
    version: DbId
    plate: str | None = Field(None, max_length=20)
    business_id: DbId | None = None
    licence_kind: LicenceKind | None = None
    seats: int | None = Field(None, ge=1, le=100)
    tonnage: float | None = Field(None, gt=0, le=100)
    registered_route: str | None = Field(None, max_length=255)
    badge_number: str | None = Field(None, max_length=50)
    badge_expiry: Day | None = None
    active: bool | None = None


class DriverOut(Schema):
    id: int
    full_name: str
    licence_number: str
    business_id: int | None
    active: bool
    version: int


class DriverIn(InputSchema):
    full_name: str = Field("", max_length=200)
    licence_number: str = Field(max_length=20)
    business_id: DbId | None = None


class DriverPatch(InputSchema):
    version: DbId
    full_name: str | None = Field(None, max_length=200)
    business_id: DbId | None = None
    active: bool | None = None


class DeviceOut(Schema):
    id: int
    serial: str
    provider: str
    vehicle_id: int | None
    active: bool
    version: int


class DeviceIn(InputSchema):
    serial: str = Field(max_length=50)
    provider: str = Field("", max_length=120)
    vehicle_id: DbId | None = None


class DevicePatch(InputSchema):
    version: DbId
    provider: str | None = Field(None, max_length=120)
    vehicle_id: DbId | None = None
    active: bool | None = None


class FleetImportOut(Schema):
    created: int
    updated: int
    unchanged: int


class ContractOut(Schema):
    id: int
    number: str
    vehicle_id: int
    plate: str
    customer: str
    origin: str
    destination: str
    start_date: Day
    end_date: Day
    passengers: int | None
    active: bool
    version: int


def _fleet_vehicle_out(v) -> dict:
    device = getattr(v, "device", None)
    return {**_vehicle_out(v), "badge_number": v.badge_number, "badge_expiry": v.badge_expiry,
            "device": device.serial if device else None, "drivers": [d.licence_number for d in v.drivers.all()]}


def _set_fields(payload: Schema) -> dict:
    """The fields the client sent (a PATCH changes only those), without the version."""
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "version"}


def _get(model, pk: int, vi: str, en: str):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound(vi, en)
    return obj


@router.get("/transport/businesses", response={200: list[BusinessOut], **ERROR_RESPONSES},
            summary="Đơn vị kinh doanh vận tải / Transport businesses")
def list_businesses(request: HttpRequest, q: str = ""):
    return fleet.search_businesses(request.user, q)


@router.post("/transport/businesses", response={201: BusinessOut, **ERROR_RESPONSES},
             summary="Thêm đơn vị kinh doanh vận tải / Register a transport business")
def create_business(request: HttpRequest, payload: BusinessIn):
    return 201, fleet.create_business(request.user, payload.name, payload.licence_number, payload.address)


@router.patch("/transport/businesses/{business_id}", response={200: BusinessOut, **ERROR_RESPONSES},
              summary="Sửa, ngừng hoạt động đơn vị / Update or deactivate a business (version required)")
def patch_business(request: HttpRequest, business_id: DbId, payload: BusinessPatch):
    return fleet.update_business(request.user, business_id, _set_fields(payload), payload.version)


@router.post("/transport/vehicles", response={201: FleetVehicleOut, **ERROR_RESPONSES},
             summary="Đăng ký phương tiện / Register a vehicle")
def create_vehicle(request: HttpRequest, payload: VehicleIn):
    fleet.require_manage_rules(request.user)
    data = payload.dict()
    business = _get(Business, data.pop("business_id"), "Đơn vị kinh doanh vận tải", "Transport business")
    vehicle = fleet.create_vehicle(request.user, fleet.VehicleData(business=business, **data))
    return 201, _fleet_vehicle_out(vehicle)


@router.patch("/transport/vehicles/{ref}", response={200: FleetVehicleOut, **ERROR_RESPONSES},
              summary="Sửa, ngừng hoạt động phương tiện (mã hoặc biển số) / Update or deactivate a vehicle (id or "
                      "plate; version required)")
def patch_vehicle(request: HttpRequest, ref: str, payload: VehiclePatch):
    fleet.require_manage_rules(request.user)
    vehicle_id = services.find_vehicle(request.user, ref).pk
    changes = _set_fields(payload)
    if "business_id" in changes:
        changes["business"] = _get(Business, changes.pop("business_id"), "Đơn vị kinh doanh vận tải",
                                   "Transport business")
    return _fleet_vehicle_out(fleet.update_vehicle(request.user, vehicle_id, changes, payload.version))


@router.get("/transport/drivers", response={200: list[DriverOut], **ERROR_RESPONSES},
            summary="Lái xe / Drivers")
def list_drivers(request: HttpRequest, business: DbId | None = None, limit: int = Query(500, ge=1, le=5000)):
    services.require_view(request.user)
    qs = Driver.objects.all()
    if business:
        qs = qs.filter(business_id=business)
    return list(qs[:limit])


@router.post("/transport/drivers", response={201: DriverOut, **ERROR_RESPONSES},
             summary="Thêm lái xe / Register a driver")
def create_driver(request: HttpRequest, payload: DriverIn):
    fleet.require_manage_rules(request.user)
    business = _get(Business, payload.business_id, "Đơn vị kinh doanh vận tải", "Transport business") \
        if payload.business_id else None
    return 201, fleet.create_driver(request.user, payload.full_name, payload.licence_number, business)


@router.patch("/transport/drivers/{driver_id}", response={200: DriverOut, **ERROR_RESPONSES},
              summary="Sửa, ngừng hoạt động lái xe / Update or deactivate a driver (version required)")
def patch_driver(request: HttpRequest, driver_id: DbId, payload: DriverPatch):
    fleet.require_manage_rules(request.user)
    changes = _set_fields(payload)
    if "business_id" in changes:
        pk = changes.pop("business_id")
        changes["business"] = _get(Business, pk, "Đơn vị kinh doanh vận tải", "Transport business") if pk else None
    return fleet.update_driver(request.user, driver_id, changes, payload.version)


@router.get("/transport/devices", response={200: list[DeviceOut], **ERROR_RESPONSES},
            summary="Thiết bị giám sát hành trình / Tracking devices")
def list_devices(request: HttpRequest, limit: int = Query(500, ge=1, le=5000)):
    services.require_view(request.user)
    return list(Device.objects.order_by("serial")[:limit])


@router.post("/transport/devices", response={201: DeviceOut, **ERROR_RESPONSES},
             summary="Thêm thiết bị / Register a tracking device")
def create_device(request: HttpRequest, payload: DeviceIn):
    fleet.require_manage_rules(request.user)
    vehicle = _get(Vehicle, payload.vehicle_id, "Phương tiện", "Vehicle") if payload.vehicle_id else None
    return 201, fleet.create_device(request.user, payload.serial, payload.provider, vehicle)


@router.patch("/transport/devices/{device_id}", response={200: DeviceOut, **ERROR_RESPONSES},
              summary="Sửa, chuyển xe, ngừng hoạt động thiết bị / Update, move or deactivate a device")
def patch_device(request: HttpRequest, device_id: DbId, payload: DevicePatch):
    fleet.require_manage_rules(request.user)
    changes = _set_fields(payload)
    if "vehicle_id" in changes:
        pk = changes.pop("vehicle_id")
        changes["vehicle"] = _get(Vehicle, pk, "Phương tiện", "Vehicle") if pk else None
    return fleet.update_device(request.user, device_id, changes, payload.version)


@router.post("/transport/fleet/import", response={200: FleetImportOut, **ERROR_RESPONSES},
             summary="Nhập đội xe từ XLSX/CSV (tất cả hoặc không) / Import the fleet from XLSX/CSV, all or nothing")
@upload_guard(manage_upload_check)
def import_fleet(request: HttpRequest, file: UploadedFile = File(...)):
    fleet.require_manage_rules(request.user)
    result = fleet.import_fleet(request.user, fleet.read_fleet(file.read(), file.name or ""))
    if result.errors:
        raise ValidationFailed(result.errors, vi="Tệp có lỗi, chưa nhập dòng nào",
                               en="The file has errors; nothing was imported")
    return result.as_dict()


@router.get("/transport/fleet/export", response={200: None, **ERROR_RESPONSES},
            summary="Xuất đội xe XLSX/CSV / Export the fleet")
def export_fleet(request: HttpRequest, format: str = "xlsx"):
    content, name, mime = fleet.export_fleet(request.user, format)
    response = HttpResponse(content, content_type=mime)
    attach(response, name)
    return response


@router.post("/transport/contracts/import", response={200: FleetImportOut, **ERROR_RESPONSES},
             summary="Nhập hợp đồng vận tải đã khai báo / Import declared transport contracts")
@upload_guard(manage_upload_check)
def import_contracts(request: HttpRequest, file: UploadedFile = File(...)):
    fleet.require_manage_rules(request.user)
    rows = read_table(file.read(), file.name or "", fleet.CONTRACT_ALIASES)
    result = fleet.import_contracts(request.user, rows)
    if result.errors:
        raise ValidationFailed(result.errors, vi="Tệp có lỗi, chưa nhập dòng nào",
                               en="The file has errors; nothing was imported")
    return result.as_dict()


@router.get("/transport/contracts", response={200: list[ContractOut], **ERROR_RESPONSES},
            summary="Hợp đồng vận tải đã khai báo / Declared transport contracts")
def list_contracts(request: HttpRequest, vehicle: DbId | None = None, limit: int = Query(500, ge=1, le=5000)):
    services.require_view(request.user)
    qs = Contract.objects.select_related("vehicle")
    if vehicle:
        qs = qs.filter(vehicle_id=vehicle)
    return [{**{f: getattr(c, f) for f in ("id", "number", "vehicle_id", "customer", "origin", "destination",
                                             "start_date", "end_date", "passengers", "active", "version")},
             "plate": c.vehicle.plate} for c in qs[:limit]]
