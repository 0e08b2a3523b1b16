"""REST endpoints of the information-system inventory (/api/v1/security/…). Thin: parse, call services."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Path, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tinhso.accounts.models import User
from tinhso.accounts.services import can_edit_unit, upload_by_writer
from tinhso.core import downloads
from tinhso.core.api import ERROR_RESPONSES, MAX_ID, AuditOut, Day, DbId, InputSchema
from tinhso.core.audit import history_of
from tinhso.core.errors import FieldError, Forbidden, ValidationFailed
from tinhso.core.tabular import read_table
from tinhso.core.uploads import upload_guard
from tinhso.security import dossiers, drafting, incidents, regimes, services
from tinhso.security.events import store as event_store
from tinhso.security.models import (
    Asset,
    AssetKind,
    AssetStatus,
    Category,
    Hosting,
    IncidentStatus,
    MigrationStatus,
    SystemStatus,
)
from tinhso.units.services import unit_for_field

router = Router(tags=["security"])
SYSTEM_ID = Path(..., ge=1, le=MAX_ID, description="Mã số hệ thống / system id")
ASSET_ID = Path(..., ge=1, le=MAX_ID, description="Mã số tài sản / asset id")


class UnitRef(Schema):
    id: int
    name: str
    code: str | None


class SystemOut(Schema):
    id: int
    code: str
    name: str
    owner: UnitRef
    operator: UnitRef | None
    purpose: str
    category: str
    status: str
    users_count: int | None
    data_subjects: int | None
    sensitive_subjects: int | None
    hosting: str
    migration_status: str
    migration_date: Day | None
    connects_lgsp: bool
    national_connections: list[str]
    addresses: list[str] | None = Field(description="null when you may not see them / null khi không có quyền xem")
    in_service_since: Day | None
    note: str
    version: int


class SystemIn(InputSchema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=255)
    owner_id: DbId
    operator_id: DbId | None = None
    purpose: str = Field("", max_length=5000)
    category: Category
    status: SystemStatus = SystemStatus.OPERATING
    users_count: int | None = Field(None, ge=0, le=services.MAX_COUNT)
    data_subjects: int | None = Field(None, ge=0, le=services.MAX_COUNT)
    sensitive_subjects: int | None = Field(None, ge=0, le=services.MAX_COUNT)
    hosting: Hosting
    migration_status: MigrationStatus | None = None
    migration_date: Day | None = None
    connects_lgsp: bool = False
    national_connections: list[str] = Field(default_factory=list, max_length=50)
    addresses: list[str] = Field(default_factory=list, max_length=2000)
    in_service_since: Day | None = None
    note: str = Field("", max_length=5000)


class SystemPatch(InputSchema):
    version: int = Field(description="Phiên bản đã đọc; sửa trên bản cũ bị từ chối (409) / version you read")
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=255)
    owner_id: DbId | None = None
    operator_id: DbId | None = None
    purpose: str | None = Field(None, max_length=5000)
    category: Category | None = None
    status: SystemStatus | None = None
    users_count: int | None = Field(None, ge=0, le=services.MAX_COUNT)
    data_subjects: int | None = Field(None, ge=0, le=services.MAX_COUNT)
    sensitive_subjects: int | None = Field(None, ge=0, le=services.MAX_COUNT)
    hosting: Hosting | None = None
    migration_status: MigrationStatus | None = None
    migration_date: Day | None = None
    connects_lgsp: bool | None = None
    national_connections: list[str] | None = Field(None, max_length=50)
    addresses: list[str] | None = Field(None, max_length=2000)
    in_service_since: Day | None = None
    note: str | None = Field(None, max_length=5000)


class VersionIn(InputSchema):
    version: int


class AssetOut(Schema):
    id: int
    code: str
    kind: str
    subtype: str
    name: str
    unit: UnitRef
    system_id: int | None
    status: str
    location: str
    address: str | None
    latitude: float | None
    longitude: float | None
    commissioned_on: Day | None
    note: str
    version: int


class AssetIn(InputSchema):
    code: str = Field(min_length=1, max_length=40)
    kind: AssetKind
    subtype: str = Field("", max_length=20)
    name: str = Field(min_length=1, max_length=255)
    unit_id: DbId
    system_id: DbId | None = None
    status: AssetStatus = AssetStatus.OPERATING
    location: str = Field("", max_length=255)
    address: str = Field("", max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    commissioned_on: Day | None = None
    note: str = Field("", max_length=5000)


class AssetPatch(InputSchema):
    version: int
    code: str | None = Field(None, min_length=1, max_length=40)
    kind: AssetKind | None = None
    subtype: str | None = Field(None, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=255)
    unit_id: DbId | None = None
    system_id: DbId | None = None
    status: AssetStatus | None = None
    location: str | None = Field(None, max_length=255)
    address: str | None = Field(None, max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    commissioned_on: Day | None = None
    note: str | None = Field(None, max_length=5000)


class CountOut(Schema):
    unit: UnitRef
    counts: dict[str, int]
    total: int


class ImportOut(Schema):
    created: int
    updated: int


def _ref(unit) -> dict | None:
    return None if unit is None else {"id": unit.pk, "name": unit.name, "code": unit.code}


def _system_out(request: HttpRequest, system) -> dict:
    visible = services.can_view_addresses(request.user, system)
    return {
        **{f: getattr(system, f) for f in SystemOut.model_fields
           if f not in ("owner", "operator", "addresses", "national_connections")},
        "owner": _ref(system.owner), "operator": _ref(system.operator),
        "national_connections": [p.strip() for p in system.national_connections.split(";") if p.strip()],
        "addresses": system.addresses.split("\n") if visible and system.addresses else ([] if visible else None),
    }


def _asset_out(request: HttpRequest, asset: Asset) -> dict:
    return {
        **{f: getattr(asset, f) for f in AssetOut.model_fields
           if f not in ("unit", "address", "latitude", "longitude")},
        "unit": _ref(asset.unit),
        "address": asset.address if can_edit_unit(request.user, asset.unit) else None,
        "latitude": float(asset.latitude) if asset.latitude is not None else None,
        "longitude": float(asset.longitude) if asset.longitude is not None else None,
    }


def _system_data(payload: Schema, fields: set[str]) -> dict:
    data = {k: v for k, v in payload.model_dump().items() if k in fields and k not in ("owner_id", "operator_id")}
    if "owner_id" in fields:
        data["owner"] = unit_for_field(payload.owner_id, "owner_id")
    if "operator_id" in fields:
        data["operator"] = unit_for_field(payload.operator_id, "operator_id")
    if "addresses" in data:
        data["addresses"] = "\n".join(data["addresses"] or [])
    if "national_connections" in data:
        data["national_connections"] = "; ".join(data["national_connections"] or [])
    return data


def _asset_data(payload: Schema, fields: set[str]) -> dict:
    data = {k: v for k, v in payload.model_dump().items() if k in fields and k not in ("unit_id", "system_id")}
    if "unit_id" in fields:
        data["unit"] = unit_for_field(payload.unit_id, "unit_id")
    if "system_id" in fields:
        data["system"] = services.get_system(payload.system_id) if payload.system_id else None
    return data


def _file_response(content: bytes, filename: str, mime: str) -> HttpResponse:
    return downloads.download(content, filename, mime)


def _rejected(result: services.ImportResult) -> None:
    if result.errors:
        raise ValidationFailed(result.errors, vi="Tệp bị từ chối, không có dòng nào được ghi",
                               en="The file was rejected; no row was written")


# ---------------------------------------------------------------- systems

@router.get("/security/systems", response=list[SystemOut], summary="Danh mục hệ thống thông tin / Systems")
def list_systems(request: HttpRequest, q: str = "", owner: int | None = Query(None, ge=1, le=MAX_ID),
                 category: Category | None = None, hosting: Hosting | None = None,
                 status: SystemStatus | None = None, limit: int = Query(1000, ge=1, le=10000)):
    """`q` ignores diacritics; `owner` selects that unit's systems and those of the units below it."""
    systems = services.search_systems(q, unit_for_field(owner, "owner"), category, hosting, status, limit)
    return [_system_out(request, s) for s in systems]


@router.get("/security/systems/export", response={200: None, **ERROR_RESPONSES},
            summary="Xuất danh mục hệ thống / Export systems (xlsx, csv; template=true for the empty template)")
def export_systems(request: HttpRequest, format: str = "xlsx", template: bool = False):
    return _file_response(*services.export_file(request.user, "systems", format, template))


@router.post("/security/systems/import", response={200: ImportOut, **ERROR_RESPONSES},
             summary="Nhập hệ thống từ XLSX/CSV, tất cả hoặc không / Import systems, all or nothing")
@upload_guard(upload_by_writer)
def import_systems(request: HttpRequest, file: UploadedFile = File(...)):
    result = services.import_systems(request.user, read_table(file.read(), file.name or "", services.SYSTEM_ALIASES))
    _rejected(result)
    return {"created": result.created, "updated": result.updated}


@router.post("/security/systems", response={201: SystemOut, **ERROR_RESPONSES}, summary="Thêm hệ thống / Add")
def create_system(request: HttpRequest, payload: SystemIn):
    system = services.create_system(request.user, _system_data(payload, set(SystemIn.model_fields)))
    return 201, _system_out(request, system)


@router.get("/security/systems/{system_id}", response={200: SystemOut, **ERROR_RESPONSES})
def get_system(request: HttpRequest, system_id: int = SYSTEM_ID):
    return _system_out(request, services.get_system(system_id))


@router.patch("/security/systems/{system_id}", response={200: SystemOut, **ERROR_RESPONSES},
              summary="Sửa hệ thống (kèm version) / Update a system (with version)")
def update_system(request: HttpRequest, payload: SystemPatch, system_id: int = SYSTEM_ID):
    fields = set(payload.model_dump(exclude_unset=True)) - {"version"}
    system = services.update_system(request.user, system_id, _system_data(payload, fields), payload.version)
    return _system_out(request, system)


@router.delete("/security/systems/{system_id}", response={204: None, **ERROR_RESPONSES})
def delete_system(request: HttpRequest, payload: VersionIn, system_id: int = SYSTEM_ID):
    services.delete_system(request.user, system_id, payload.version)
    return 204, None


@router.get("/security/systems/{system_id}/history", response={200: list[AuditOut], **ERROR_RESPONSES})
def system_history(request: HttpRequest, system_id: int = SYSTEM_ID):
    return [e.as_dict() for e in services.system_history(system_id)]


@router.get("/security/attribution", response={200: dict, **ERROR_RESPONSES},
            summary="Hệ thống và chủ quản của một máy, IP / System and owner of a host or IP")
def attribution(request: HttpRequest, host: str = Query(..., min_length=1, max_length=255)):
    found = services.attribute(host)
    if found is None:
        return {"host": host, "system": None, "owner": None}
    system = services.get_system(found.system_id)
    return {"host": host, "system": {"id": system.pk, "code": system.code, "name": system.name},
            "owner": _ref(system.owner)}


# ---------------------------------------------------------------- assets

@router.get("/security/assets", response=list[AssetOut], summary="Tài sản hạ tầng số / Infrastructure assets")
def list_assets(request: HttpRequest, q: str = "", unit: int | None = Query(None, ge=1, le=MAX_ID),
                kind: AssetKind | None = None, status: AssetStatus | None = None,
                limit: int = Query(5000, ge=1, le=50000)):
    found = services.search_assets(q, unit_for_field(unit, "unit"), kind, status, limit)
    return [_asset_out(request, a) for a in found]


@router.get("/security/assets/counts", response=list[CountOut],
            summary="Số tài sản theo đơn vị và loại / Asset counts per unit and kind")
def asset_counts(request: HttpRequest, under: int | None = Query(None, ge=1, le=MAX_ID),
                 status: AssetStatus | None = AssetStatus.OPERATING):
    return [{"unit": _ref(c.unit), "counts": c.counts, "total": c.total}
            for c in services.asset_counts(unit_for_field(under, "under"), status)]


@router.get("/security/assets/export", response={200: None, **ERROR_RESPONSES})
def export_assets(request: HttpRequest, format: str = "xlsx", template: bool = False):
    return _file_response(*services.export_file(request.user, "assets", format, template))


@router.post("/security/assets/import", response={200: ImportOut, **ERROR_RESPONSES})
@upload_guard(upload_by_writer)
def import_assets(request: HttpRequest, file: UploadedFile = File(...)):
    result = services.import_assets(request.user, read_table(file.read(), file.name or "", services.ASSET_ALIASES))
    _rejected(result)
    return {"created": result.created, "updated": result.updated}


@router.post("/security/assets", response={201: AssetOut, **ERROR_RESPONSES})
def create_asset(request: HttpRequest, payload: AssetIn):
    asset = services.create_asset(request.user, _asset_data(payload, set(AssetIn.model_fields)))
    return 201, _asset_out(request, asset)


@router.get("/security/assets/{asset_id}", response={200: AssetOut, **ERROR_RESPONSES})
def get_asset(request: HttpRequest, asset_id: int = ASSET_ID):
    return _asset_out(request, services.get_asset(asset_id))


@router.patch("/security/assets/{asset_id}", response={200: AssetOut, **ERROR_RESPONSES})
def update_asset(request: HttpRequest, payload: AssetPatch, asset_id: int = ASSET_ID):
    fields = set(payload.model_dump(exclude_unset=True)) - {"version"}
    asset = services.update_asset(request.user, asset_id, _asset_data(payload, fields), payload.version)
    return _asset_out(request, asset)


@router.delete("/security/assets/{asset_id}", response={204: None, **ERROR_RESPONSES})
def delete_asset(request: HttpRequest, payload: VersionIn, asset_id: int = ASSET_ID):
    services.delete_asset(request.user, asset_id, payload.version)
    return 204, None


@router.get("/security/assets/{asset_id}/history", response={200: list[AuditOut], **ERROR_RESPONSES})
def asset_history(request: HttpRequest, asset_id: int = ASSET_ID):
    return [e.as_dict() for e in services.asset_history(asset_id)]


# ---------------------------------------------------------------- security levels and dossiers

class ScreeningIn(InputSchema):
    date: Day | None = Field(None, description="Ngày hồ sơ; mặc định hôm nay / dossier date, default today")
    answers: dict[str, str | int | bool] = Field(default_factory=dict, max_length=50)


class ScreeningOut(Schema):
    regime: str
    level: int
    reasons: list[dict]
    warnings: list[str]
    answers: dict


class DossierIn(InputSchema):
    dated: Day | None = None
    answers: dict[str, str | int | bool] = Field(default_factory=dict, max_length=50)
    justification: str = Field("", max_length=10000)


class DossierPatch(InputSchema):
    version: int
    dated: Day | None = None
    answers: dict[str, str | int | bool] | None = Field(None, max_length=50)
    justification: str | None = Field(None, max_length=10000)


class DocumentOut(Schema):
    id: int
    kind: str
    name: str
    uploaded_at: dt.datetime


class DossierOut(Schema):
    id: int
    system_id: int
    dated: Day
    regime: str
    proposed_level: int
    screening: dict
    justification: str
    status: str
    state: str
    appraiser_authority: str
    appraisal_note: str
    decision_number: str
    decision_date: Day | None
    signer: str
    approved_level: int | None
    review_due: Day | None
    comments: str
    documents: list[DocumentOut]
    missing_documents: list[str]
    version: int


class AppraiseIn(InputSchema):
    version: int
    opinion: str = Field(min_length=1, max_length=10000)
    authority: str = Field("", max_length=255)


class ApproveIn(InputSchema):
    version: int
    decision_number: str = Field(min_length=1, max_length=60)
    decision_date: Day
    signer: str = Field(min_length=1, max_length=255)


class ReturnIn(InputSchema):
    version: int
    comments: str = Field(min_length=1, max_length=10000)


class ShareRowOut(Schema):
    unit: UnitRef | None
    systems: int
    approved: int
    share: float | None
    by_level: dict[int, int]


class ShareOut(Schema):
    date: Day
    total: ShareRowOut
    owners: list[ShareRowOut]


DOSSIER_ID = Path(..., ge=1, le=MAX_ID, description="Mã số hồ sơ / dossier id")


def _dossier_out(dossier) -> dict:
    return {**{f: getattr(dossier, f) for f in DossierOut.model_fields
               if f not in ("state", "documents", "missing_documents")},
            "state": dossiers.state_of(dossier)[0],
            "documents": [{"id": d.pk, "kind": d.kind, "name": d.name, "uploaded_at": d.uploaded_at}
                          for d in dossier.documents.all()],
            "missing_documents": [d["code"] for d in dossiers.missing_documents(dossier)]}


def _share_row(row) -> dict:
    return {"unit": _ref(row.unit), "systems": row.systems, "approved": row.approved,
            "share": round(row.share, 2) if row.share is not None else None, "by_level": row.by_level}


@router.get("/security/regimes", response=list[dict], summary="Chế độ cấp độ an toàn theo thời gian / Regimes")
def list_regimes(request: HttpRequest):
    return [{"code": r.code, "name_vi": r.name_vi, "name_en": r.name_en, "valid_from": r.valid_from,
             "valid_to": r.valid_to, "verified": r.verified, "validity": r.raw["validity"],
             "levels_source": r.raw["levels_source"], "incident": r.incident,
             "documents": r.all_documents(),
             "criteria": [{"code": c.code, "level": c.level, "article": c.article, "text": c.vi,
                           "verified": c.verified} for c in r.criteria]} for r in regimes.all_regimes()]


@router.post("/security/screening", response={200: ScreeningOut, **ERROR_RESPONSES},
             summary="Sàng lọc cấp độ (không ghi) / Screen a level (writes nothing)")
def screening(request: HttpRequest, payload: ScreeningIn):
    answers, errors = regimes.clean_answers(payload.answers)
    if errors:
        raise ValidationFailed(errors)
    return regimes.screen(regimes.regime_on(payload.date or dt.date.today()), answers).as_dict()


@router.get("/security/systems/{system_id}/dossiers", response={200: list[DossierOut], **ERROR_RESPONSES})
def system_dossiers(request: HttpRequest, system_id: int = SYSTEM_ID):
    return [_dossier_out(d) for d in dossiers.dossiers_of(services.get_system(system_id))]


@router.post("/security/systems/{system_id}/dossiers", response={201: DossierOut, **ERROR_RESPONSES},
             summary="Lập hồ sơ cấp độ / Draft a level dossier")
def create_dossier(request: HttpRequest, payload: DossierIn, system_id: int = SYSTEM_ID):
    dossier = dossiers.start_dossier(request.user, system_id, payload.answers, payload.dated, payload.justification)
    return 201, _dossier_out(dossier)


@router.get("/security/dossiers/{dossier_id}", response={200: DossierOut, **ERROR_RESPONSES})
def get_dossier(request: HttpRequest, dossier_id: int = DOSSIER_ID):
    return _dossier_out(dossiers.get_dossier(dossier_id))


@router.patch("/security/dossiers/{dossier_id}", response={200: DossierOut, **ERROR_RESPONSES})
def update_dossier(request: HttpRequest, payload: DossierPatch, dossier_id: int = DOSSIER_ID):
    return _dossier_out(dossiers.update_draft(request.user, dossier_id, payload.version, payload.answers,
                                              payload.dated, payload.justification))


@router.post("/security/dossiers/{dossier_id}/documents", response={201: DocumentOut, **ERROR_RESPONSES},
             summary="Đính kèm thành phần hồ sơ / Attach a document")
@upload_guard(upload_by_writer)
def attach_document(request: HttpRequest, kind: str = Form(..., max_length=40), file: UploadedFile = File(...),
                    dossier_id: int = DOSSIER_ID):
    document = dossiers.attach_document(request.user, dossier_id, kind, file)
    return 201, {"id": document.pk, "kind": document.kind, "name": document.name, "uploaded_at": document.uploaded_at}


@router.post("/security/dossiers/{dossier_id}/submit", response={200: DossierOut, **ERROR_RESPONSES})
def submit_dossier(request: HttpRequest, payload: VersionIn, dossier_id: int = DOSSIER_ID):
    return _dossier_out(dossiers.submit(request.user, dossier_id, payload.version))


@router.post("/security/dossiers/{dossier_id}/appraise", response={200: DossierOut, **ERROR_RESPONSES})
def appraise_dossier(request: HttpRequest, payload: AppraiseIn, dossier_id: int = DOSSIER_ID):
    return _dossier_out(dossiers.appraise(request.user, dossier_id, payload.version, payload.opinion,
                                          payload.authority))


@router.post("/security/dossiers/{dossier_id}/approve", response={200: DossierOut, **ERROR_RESPONSES})
def approve_dossier(request: HttpRequest, payload: ApproveIn, dossier_id: int = DOSSIER_ID):
    return _dossier_out(dossiers.approve(request.user, dossier_id, payload.version, payload.decision_number,
                                         payload.decision_date, payload.signer))


@router.post("/security/dossiers/{dossier_id}/return", response={200: DossierOut, **ERROR_RESPONSES})
def return_dossier(request: HttpRequest, payload: ReturnIn, dossier_id: int = DOSSIER_ID):
    return _dossier_out(dossiers.return_dossier(request.user, dossier_id, payload.version, payload.comments))


@router.get("/security/dossiers/{dossier_id}/history", response={200: list[AuditOut], **ERROR_RESPONSES})
def dossier_history(request: HttpRequest, dossier_id: int = DOSSIER_ID):
    return [e.as_dict() for e in history_of(dossiers.get_dossier(dossier_id))]


@router.get("/security/levels/share", response={200: ShareOut, **ERROR_RESPONSES},
            summary="Tỷ lệ hệ thống được phê duyệt cấp độ / Share of systems with an approved level")
def level_share(request: HttpRequest, under: int | None = Query(None, ge=1, le=MAX_ID), date: Day | None = None):
    day = date or dt.date.today()
    total, rows = dossiers.approved_share(unit_for_field(under, "under"), day)
    return {"date": day, "total": _share_row(total), "owners": [_share_row(r) for r in rows]}


# ---------------------------------------------------------------- security events and incidents

class EventBatchIn(Schema):
    format: str = Field("auto", pattern="^(auto|syslog|wazuh|suricata)$")
    lines: list[str] = Field(max_length=100_000)
    year: int | None = Field(None, ge=2000, le=2100)


class SecurityIngestOut(Schema):
    lines: int
    stored: int
    malformed: int
    attributed: int
    by_format: dict[str, int]
    samples: list[dict]


class IncidentOut(Schema):
    id: int
    title: str
    rule_id: str
    severity: str
    status: str
    host: str
    source_ip: str
    system_id: int | None
    owner: UnitRef | None
    first_seen: dt.datetime
    last_seen: dt.datetime
    event_count: int
    sample: str
    assignee_id: int | None
    detected_at: dt.datetime
    regime: str
    notice_due: dt.datetime
    report_due: dt.datetime | None
    notified_at: dt.datetime | None
    reported_at: dt.datetime | None
    closed_at: dt.datetime | None
    note: str
    version: int


class IncidentPatch(Schema):
    version: int
    status: IncidentStatus | None = None
    assignee_id: DbId | None = None
    clear_assignee: bool = False
    note: str | None = Field(None, max_length=10000)
    notified: bool | None = None
    reported: bool | None = None


class EvaluationOut(Schema):
    day: dt.date
    alerts: int
    created: int
    updated: int
    refused: list[list[str]]


INCIDENT_ID = Path(..., ge=1, le=MAX_ID, description="Mã số sự cố / incident id")


def _incident_out(incident) -> dict:
    return {**{f: getattr(incident, f) for f in IncidentOut.model_fields if f != "owner"},
            "owner": _ref(incident.owner)}


@router.post("/security/events", response={200: SecurityIngestOut, **ERROR_RESPONSES},
             summary="Gửi lô sự kiện (syslog, Wazuh alerts.json, Suricata eve.json) / Send a batch of events")
def ingest_events(request: HttpRequest, payload: EventBatchIn):
    """Each line is parsed and stored; unreadable lines are counted and sampled, never an error for the batch."""
    if not incidents.can_ingest(request.user):
        raise Forbidden("Tài khoản không được gửi sự kiện an toàn thông tin",
                        "This account may not send security events")
    table, result = event_store.parse_lines(payload.lines, payload.format, payload.year)
    result.stored, result.attributed, result.files = event_store.store_table(table)
    return result.as_dict()


@router.get("/security/events/summary", response={200: dict, **ERROR_RESPONSES},
            summary="Thống kê sự kiện trong ngày (trong phạm vi của bạn) / A day's events, within your scope")
def events_summary(request: HttpRequest, day: dt.date | None = None):
    summary = incidents.events_summary(request.user, day or dt.date.today())
    return {**summary, "by_category": [list(r) for r in summary["by_category"]],
            "by_owner": [list(r) for r in summary["by_owner"]]}


@router.post("/security/rules/evaluate", response={200: EvaluationOut, **ERROR_RESPONSES},
             summary="Chạy quy tắc phát hiện trên một ngày / Evaluate the detection rules over a day")
def evaluate_rules(request: HttpRequest, day: dt.date | None = None):
    if not incidents.can_ingest(request.user):
        raise Forbidden()
    result = incidents.evaluate_day(day or dt.date.today())
    return {"day": result.day, "alerts": result.alerts, "created": result.created, "updated": result.updated,
            "refused": [list(r) for r in result.refused]}


@router.get("/security/incidents", response=list[IncidentOut], summary="Sự cố trong phạm vi của bạn / Incidents")
def list_incidents(request: HttpRequest, status: IncidentStatus | None = None, limit: int = Query(200, ge=1, le=5000)):
    found = incidents.visible(request.user)
    if status:
        found = found.filter(status=status)
    return [_incident_out(i) for i in found[:limit]]


@router.get("/security/incidents/{incident_id}", response={200: IncidentOut, **ERROR_RESPONSES})
def get_incident(request: HttpRequest, incident_id: int = INCIDENT_ID):
    return _incident_out(incidents.get_incident(request.user, incident_id))


@router.patch("/security/incidents/{incident_id}", response={200: IncidentOut, **ERROR_RESPONSES})
def update_incident(request: HttpRequest, payload: IncidentPatch, incident_id: int = INCIDENT_ID):
    assignee = None
    if payload.assignee_id:
        assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
        if assignee is None:
            raise ValidationFailed(FieldError("assignee_id", "không có người dùng này", "no such user"))
    return _incident_out(incidents.update_incident(
        request.user, incident_id, payload.version, payload.status, assignee, payload.note, payload.notified,
        payload.reported, payload.clear_assignee))


@router.get("/security/incidents/{incident_id}/history", response={200: list[AuditOut], **ERROR_RESPONSES})
def incident_history(request: HttpRequest, incident_id: int = INCIDENT_ID):
    return [e.as_dict() for e in history_of(incidents.get_incident(request.user, incident_id))]


# ---------------------------------------------------------------- a dossier's drafted documents (issue #12)

DRAFT_WHICH = Path(..., pattern="^(proposal|decision)$",
                   description="proposal: tờ trình đề nghị thẩm định, phê duyệt; decision: dự thảo quyết định")
DRAFT_FORMAT = Query("docx", pattern="^(docx|pdf)$", description="docx hoặc pdf / docx or pdf")
DRAFT_DATE = Query(None, description="ngày văn bản (mặc định: ngày hồ sơ, ngày quyết định hoặc hôm nay) / the "
                                     "document's date")


@router.get("/security/dossiers/{dossier_id}/drafts/{which}", response={200: None, **ERROR_RESPONSES},
            summary="Soạn văn bản của hồ sơ theo thể thức / Draft a dossier's document in the state format")
def dossier_draft(request: HttpRequest, dossier_id: int = DOSSIER_ID, which: str = DRAFT_WHICH,
                  format: str = DRAFT_FORMAT, date: Day | None = DRAFT_DATE):  # noqa: A002 — public names
    drafted = drafting.draft(request.user, dossier_id, which, format, day=date)
    return downloads.download(drafted.content, drafted.name, drafted.mime)


@router.post("/security/dossiers/{dossier_id}/drafts/{which}", response={201: DocumentOut, **ERROR_RESPONSES},
             summary="Soạn và đính kèm vào hồ sơ / Draft a dossier's document and attach it")
def dossier_draft_attach(request: HttpRequest, dossier_id: int = DOSSIER_ID, which: str = DRAFT_WHICH,
                         format: str = DRAFT_FORMAT, date: Day | None = DRAFT_DATE):  # noqa: A002 — public names
    document = drafting.draft(request.user, dossier_id, which, format, attach=True, day=date).attached
    return 201, {"id": document.pk, "kind": document.kind, "name": document.name, "uploaded_at": document.uploaded_at}
