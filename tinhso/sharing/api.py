"""REST endpoints of data sharing (/api/v1/sharing/...). Thin: parse, call services, shape output."""

import datetime as dt

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.security import SessionAuth
from pydantic import Field

from tinhso.accounts.auth import TokenAuth
from tinhso.core.api import ERROR_RESPONSES, AuditOut, DbId
from tinhso.core.uploads import upload_guard
from tinhso.sharing import imports, services
from tinhso.sharing.models import Access, ApiKey, Service

router = Router(tags=["sharing"], auth=[TokenAuth(), SessionAuth()])


class ServiceIn(Schema):
    provider_unit: str = Field(description="Mã định danh điện tử của đơn vị cung cấp (QCVN 102)", max_length=13)
    provider_system: str = Field("", max_length=120, description="Tên hệ thống; lấy từ danh mục khi để trống và có mã")
    provider_system_code: str = Field("", max_length=40, description="Mã hệ thống trong danh mục hệ thống thông tin "
                                      "(không bắt buộc; do đơn vị cung cấp làm chủ quản hoặc vận hành)")
    code: str = Field(max_length=80)
    service_version: str = Field("v1", max_length=20)
    name: str = Field(max_length=300)
    kind: str = "rest"
    data_category: str = "other"
    personal_data: bool = False
    legal_basis: str | None = Field(None, max_length=40)
    legal_basis_text: str = Field("", max_length=300)
    status: str = "draft"
    documentation_url: str = Field("", max_length=500)
    documentation: str = Field("", max_length=20_000)
    endpoint_url: str = Field("", max_length=500)
    timeout_seconds: int = Field(30, ge=1, le=300)
    rate_limit_per_minute: int = Field(600, ge=1, le=1_000_000)
    daily_quota: int = Field(100_000, ge=1, le=100_000_000)


class ServicePatch(Schema):
    version: int = Field(ge=1, description="Phiên bản bản ghi đang sửa (kiểm soát sửa đồng thời)")
    provider_system: str | None = Field(None, max_length=120)
    provider_system_code: str | None = Field(None, max_length=40, description="\"\" bỏ liên kết / removes the link")
    service_version: str | None = Field(None, max_length=20)
    name: str | None = Field(None, max_length=300)
    kind: str | None = None
    data_category: str | None = None
    personal_data: bool | None = None
    legal_basis: str | None = Field(None, max_length=40)
    legal_basis_text: str | None = Field(None, max_length=300)
    status: str | None = None
    documentation_url: str | None = Field(None, max_length=500)
    documentation: str | None = Field(None, max_length=20_000)
    endpoint_url: str | None = Field(None, max_length=500)
    timeout_seconds: int | None = Field(None, ge=1, le=300)
    rate_limit_per_minute: int | None = Field(None, ge=1, le=1_000_000)
    daily_quota: int | None = Field(None, ge=1, le=100_000_000)


class ServiceOut(Schema):
    id: int
    provider_unit: str
    provider_unit_name: str
    provider_system: str
    provider_system_code: str
    provider_system_id: int | None = Field(description="Hệ thống trong danh mục (khi có liên kết)")
    code: str
    service_version: str
    name: str
    kind: str
    data_category: str
    personal_data: bool
    legal_basis: str | None
    legal_basis_text: str
    status: str
    documentation_url: str
    documentation: str
    endpoint_url: str | None = Field(description="Chỉ đơn vị cung cấp và cơ quan chuyên trách thấy")
    timeout_seconds: int
    rate_limit_per_minute: int
    daily_quota: int
    version: int


def _service_out(user, s: Service, systems: dict | None = None) -> dict:
    systems = services.provider_systems([s]) if systems is None else systems
    linked = systems.get(s.provider_system_code)
    return {"id": s.pk, "provider_unit": s.provider_unit.code or "", "provider_unit_name": s.provider_unit.name,
            "provider_system": s.provider_system, "provider_system_code": s.provider_system_code,
            "provider_system_id": linked.id if linked else None, "code": s.code, "service_version": s.service_version,
            "name": s.name, "kind": s.kind, "data_category": s.data_category, "personal_data": s.personal_data,
            "legal_basis": s.legal_basis.code if s.legal_basis else None, "legal_basis_text": s.legal_basis_text,
            "status": s.status, "documentation_url": s.documentation_url, "documentation": s.documentation,
            "endpoint_url": s.endpoint_url if services.can_manage_provider(user, s.provider_unit) else None,
            "timeout_seconds": s.timeout_seconds, "rate_limit_per_minute": s.rate_limit_per_minute,
            "daily_quota": s.daily_quota, "version": s.version}


@router.get("/sharing/services", response={200: list[ServiceOut], **ERROR_RESPONSES},
            summary="Danh mục dịch vụ / Service catalogue")
def list_services(request: HttpRequest, q: str = Query("", max_length=200), status: str = Query("", max_length=12),
                  category: str = Query("", max_length=20), provider: str = Query("", max_length=13)):
    """Tìm không dấu / diacritic-free search over code, name, system, provider and documentation."""
    found = services.search_services(request.user, q, status, category, provider)
    systems = services.provider_systems(found)
    return [_service_out(request.user, s, systems) for s in found]


@router.post("/sharing/services", response={201: ServiceOut, **ERROR_RESPONSES}, summary="Đăng ký dịch vụ / Register")
def create_service(request: HttpRequest, payload: ServiceIn):
    service = services.save_service(request.user, payload.dict())
    return 201, _service_out(request.user, service)


@router.get("/sharing/services/{service_id}", response={200: ServiceOut, **ERROR_RESPONSES},
            summary="Dịch vụ / Service")
def get_service(request: HttpRequest, service_id: DbId):
    return _service_out(request.user, services.get_service(request.user, service_id))


@router.patch("/sharing/services/{service_id}", response={200: ServiceOut, **ERROR_RESPONSES},
              summary="Sửa dịch vụ (kiểm tra phiên bản) / Update (version-checked)")
def update_service(request: HttpRequest, service_id: DbId, payload: ServicePatch):
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    service = services.save_service(request.user, data, service_id, version)
    return _service_out(request.user, service)


@router.get("/sharing/services/{service_id}/history", response={200: list[AuditOut], **ERROR_RESPONSES},
            summary="Lịch sử thay đổi / Audit history")
def service_history(request: HttpRequest, service_id: DbId):
    return [e.as_dict() for e in services.service_history(request.user, service_id)]


class AccessIn(Schema):
    service_id: DbId
    consumer_unit: str = Field(max_length=13, description="Mã định danh điện tử của đơn vị khai thác")
    consumer_system: str = Field(max_length=120)
    purpose: str = Field(max_length=2000)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1)


class RevokeIn(Schema):
    note: str = Field(max_length=2000)
    version: int | None = Field(None, ge=1)


class AccessOut(Schema):
    id: int
    service_id: int
    service_code: str
    service_version: str
    provider_unit: str
    consumer_unit: str
    consumer_unit_name: str
    consumer_system: str
    purpose: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    version: int


def _access_out(a: Access) -> dict:
    return {"id": a.pk, "service_id": a.service_id, "service_code": a.service.code,
            "service_version": a.service.service_version, "provider_unit": a.service.provider_unit.code or "",
            "consumer_unit": a.consumer_unit.code or "", "consumer_unit_name": a.consumer_unit.name,
            "consumer_system": a.consumer_system, "purpose": a.purpose, "status": a.status,
            "requested_at": a.requested_at, "decided_at": a.decided_at, "decision_note": a.decision_note,
            "version": a.version}


@router.get("/sharing/access", response={200: list[AccessOut], **ERROR_RESPONSES}, summary="Quyền khai thác / Access")
def list_access(request: HttpRequest, status: str = Query("", max_length=10), service_id: DbId | None = None):
    return [_access_out(a) for a in services.list_accesses(request.user, status, service_id)]


@router.post("/sharing/access", response={201: AccessOut, **ERROR_RESPONSES},
             summary="Đề nghị khai thác / Request access")
def request_access(request: HttpRequest, payload: AccessIn):
    access = services.request_access(request.user, payload.service_id, payload.consumer_unit,
                                     payload.consumer_system, payload.purpose)
    return 201, _access_out(access)


@router.post("/sharing/access/{access_id}/decision", response={200: AccessOut, **ERROR_RESPONSES},
             summary="Duyệt hoặc từ chối / Approve or refuse")
def decide(request: HttpRequest, access_id: DbId, payload: DecisionIn):
    return _access_out(services.decide_access(request.user, access_id, payload.approve, payload.note,
                                              payload.version))


@router.post("/sharing/access/{access_id}/revoke", response={200: AccessOut, **ERROR_RESPONSES},
             summary="Thu hồi quyền / Revoke")
def revoke(request: HttpRequest, access_id: DbId, payload: RevokeIn):
    return _access_out(services.revoke_access(request.user, access_id, payload.note, payload.version))


@router.get("/sharing/access/{access_id}/history", response={200: list[AuditOut], **ERROR_RESPONSES},
            summary="Lịch sử / Audit history")
def access_history(request: HttpRequest, access_id: DbId):
    return [e.as_dict() for e in services.access_history(request.user, access_id)]


class KeyIn(Schema):
    days: int = Field(365, ge=1, le=services.KEY_DAYS_MAX)


class KeyOut(Schema):
    id: int
    access_id: int
    hint: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    key: str | None = Field(None, description="Chỉ trả về một lần khi cấp / Returned once, when issued")


def _key_out(k: ApiKey, raw: str | None = None) -> dict:
    return {"id": k.pk, "access_id": k.access_id, "hint": k.hint, "created_at": k.created_at,
            "expires_at": k.expires_at, "revoked_at": k.revoked_at, "key": raw}


@router.get("/sharing/access/{access_id}/keys", response={200: list[KeyOut], **ERROR_RESPONSES}, summary="Khóa / Keys")
def list_keys(request: HttpRequest, access_id: DbId):
    return [_key_out(k) for k in services.keys_of(request.user, access_id)]


@router.post("/sharing/access/{access_id}/keys", response={201: KeyOut, **ERROR_RESPONSES}, summary="Cấp khóa / Issue")
def issue_key(request: HttpRequest, access_id: DbId, payload: KeyIn):
    key, raw = services.issue_key(request.user, access_id, payload.days)
    return 201, _key_out(key, raw)


@router.post("/sharing/keys/{key_id}/rotate", response={201: KeyOut, **ERROR_RESPONSES}, summary="Đổi khóa / Rotate")
def rotate_key(request: HttpRequest, key_id: DbId, payload: KeyIn):
    key, raw = services.rotate_key(request.user, key_id, payload.days)
    return 201, _key_out(key, raw)


@router.post("/sharing/keys/{key_id}/revoke", response={200: KeyOut, **ERROR_RESPONSES},
             summary="Thu hồi khóa / Revoke")
def revoke_key(request: HttpRequest, key_id: DbId):
    return _key_out(services.revoke_key(request.user, key_id))


class SharingCountOut(Schema):
    provider_unit: str | None = None
    client_unit: str | None = None
    service_code: str | None = None
    service_version: str | None = None
    day: dt.date | None = None
    calls: int
    failed: int
    avg_ms: float | None
    request_bytes: int | None
    response_bytes: int | None


@router.get("/sharing/traffic", response={200: list[SharingCountOut], **ERROR_RESPONSES},
            summary="Số giao dịch / Transaction counts")
def traffic(request: HttpRequest, start: dt.date, end: dt.date, by: str = Query("service", max_length=10)):
    """Trong phạm vi của người dùng / within the caller's scope (own unit's traffic; all for the DX office)."""
    return services.rollup(request.user, start, end, by)


class CallOut(Schema):
    message_id: str | None
    request_at: dt.datetime | None
    response_at: dt.datetime | None
    client_unit: str | None
    client_system: str | None
    provider_unit: str | None
    provider_system: str | None
    service_code: str | None
    service_version: str | None
    method: str | None
    path: str | None
    status: int | None
    succeeded: bool | None
    duration_ms: float | None
    request_bytes: int | None
    response_bytes: int | None
    side: str | None
    error: str | None


@router.get("/sharing/calls", response={200: list[CallOut], **ERROR_RESPONSES}, summary="Giao dịch / Ledger rows")
def calls(request: HttpRequest, start: dt.date, end: dt.date, service: str = Query("", max_length=80),
          failed: bool = False, limit: int = Query(200, ge=1, le=5000)):
    return services.recent_calls(request.user, start, end, service, failed, limit)


class ReconOut(Schema):
    service_code: str
    day: dt.date
    client_calls: int
    provider_calls: int
    gap: int
    only_client: int
    only_provider: int
    flagged: bool


@router.get("/sharing/reconciliation", response={200: list[ReconOut], **ERROR_RESPONSES},
            summary="Đối soát hai phía / Reconciliation")
def reconciliation(request: HttpRequest, start: dt.date, end: dt.date, service: str = Query("", max_length=80),
                   flagged: bool = False):
    rows = services.reconcile(request.user, start, end, service)
    return [r for r in rows if r["flagged"]] if flagged else rows


class GapOut(Schema):
    message_id: str
    recorded_by: str
    request_at: dt.datetime | None
    client_unit: str | None
    client_system: str | None
    provider_unit: str | None
    method: str | None
    path: str | None
    status: int | None
    succeeded: bool | None


@router.get("/sharing/reconciliation/calls", response={200: list[GapOut], **ERROR_RESPONSES},
            summary="Giao dịch chỉ một phía ghi nhận / One-sided calls")
def reconciliation_calls(request: HttpRequest, service: str = Query(max_length=80), day: dt.date = Query(...)):
    return services.gap_calls(request.user, service, day)


class SharingImportOut(Schema):
    file_name: str
    mapping: str
    side: str
    rows_total: int
    rows_stored: int
    rows_rejected: int
    duplicates: int
    already_imported: bool
    days: list[str]
    seconds: float
    reasons: list[dict]
    samples: list[dict]


@router.post("/sharing/imports", response={200: SharingImportOut, **ERROR_RESPONSES},
             summary="Nhập nhật ký giao dịch / Import a transaction log")
@upload_guard(services.log_upload_check)
def import_log(request: HttpRequest, file: UploadedFile = File(...), mapping: str = Form(..., max_length=40),
               side: str = Form("", max_length=10)):
    """Tệp CSV/XLSX của LGSP, NDXP hoặc JSON lines của Kong/APISIX; dòng lỗi được báo, dòng tốt được giữ;
    nhập lại cùng tệp không thêm gì. / Malformed rows reported, good rows kept, idempotent."""
    return imports.import_file(request.user, file.read(), file.name or "upload", mapping, side).as_dict()


@router.get("/sharing/mappings", response={200: list[dict], **ERROR_RESPONSES},
            summary="Mẫu ánh xạ nhập / Import mappings")
def list_mappings(request: HttpRequest):
    return list(imports.mappings().values())


class FeedOut(Schema):
    period: str
    units: int
    skipped_units: list[str]
    indicators: list[str]


class FeedIn(Schema):
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)


@router.post("/sharing/indicator-feed", response={200: FeedOut, **ERROR_RESPONSES},
             summary="Chuyển số giao dịch sang chỉ tiêu / Feed counts to the indicators")
def indicator_feed(request: HttpRequest, payload: FeedIn):
    return services.feed_indicators(request.user, payload.year, payload.month)


class OpenRowOut(Schema):
    hour: str
    provider_unit: str | None
    service_code: str | None
    service_version: str | None
    client_unit: str | None
    calls: int
    failed: int
    avg_duration_ms: float | None


@router.get("/sharing/open-data", response={200: list[OpenRowOut], **ERROR_RESPONSES},
            summary="Dữ liệu mở ẩn danh / Anonymised open data")
def open_data(request: HttpRequest, start: dt.date, end: dt.date):
    return [dict(zip(services.OPEN_DATA_COLUMNS, r, strict=True)) for r in services.open_data(start, end)]
