"""REST endpoints of the unit registry (/api/v1/units). Thin: parse, call services, shape output."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Path, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tinhso.accounts.services import upload_by_writer
from tinhso.core.api import ERROR_RESPONSES, MAX_ID, MAX_OFFSET, AuditOut, Day, DbId, InputSchema
from tinhso.core.downloads import attach
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.tabular import read_table
from tinhso.core.uploads import upload_guard
from tinhso.units import services
from tinhso.units.models import EventKind, Unit, UnitKind

router = Router(tags=["units"])
UNIT_ID = Path(..., ge=1, le=MAX_ID, description="Mã số đơn vị / unit id")


class UnitRef(Schema):
    id: int
    name: str
    code: str | None


class UnitOut(Schema):
    id: int
    code: str | None
    name: str
    short_name: str
    kind: UnitKind
    parent_id: int | None
    stats_code: str
    valid_from: Day | None
    valid_to: Day | None
    note: str
    aliases: str = Field(description="Tên gọi khác, viết tắt, mỗi dòng một tên / other names, one a line")
    depth: int
    version: int


class ChildOut(UnitOut):
    child_count: int = Field(description="số đơn vị trực thuộc cùng ngày / its own children that day")


class LevelOut(Schema):
    """One step of one level of the tree (`GET /units/children`): open a branch by asking for its children."""

    total: int
    offset: int
    next_offset: int | None
    items: list[ChildOut]


class SuccessionOut(Schema):
    unit: UnitRef
    event_kind: str
    event_date: Day
    legal_basis: str
    share: float


class UnitDetailOut(UnitOut):
    ancestors: list[UnitRef]
    children: list[UnitRef]
    predecessors: list[SuccessionOut]
    successors: list[SuccessionOut]


class UnitIn(InputSchema):
    name: str = Field(min_length=1, max_length=255)
    kind: UnitKind
    code: str | None = Field(None, max_length=13)
    short_name: str = Field("", max_length=120)
    parent_id: DbId | None = None
    stats_code: str = Field("", max_length=10)
    valid_from: Day | None = None
    valid_to: Day | None = None
    note: str = Field("", max_length=5000)
    aliases: str = Field("", max_length=5000, description="Tên gọi khác, viết tắt, mỗi dòng một tên / other "
                         "names and abbreviations, one a line ('Sở TT&TT')")


class UnitPatch(InputSchema):
    version: int = Field(description="Phiên bản đã đọc; sửa trên bản cũ bị từ chối (409) / version you read")
    name: str | None = Field(None, min_length=1, max_length=255)
    kind: UnitKind | None = None
    code: str | None = Field(None, max_length=13)
    short_name: str | None = Field(None, max_length=120)
    parent_id: DbId | None = None
    stats_code: str | None = Field(None, max_length=10)
    valid_from: Day | None = None
    valid_to: Day | None = None
    note: str | None = Field(None, max_length=5000)
    aliases: str | None = Field(None, max_length=5000)


class TreeOut(Schema):
    id: int
    name: str
    code: str | None
    kind: str
    children: list["TreeOut"]


class EventIn(InputSchema):
    kind: EventKind
    date: Day
    predecessor_ids: list[DbId] = Field(min_length=1, max_length=500)
    successor_ids: list[DbId] = Field(default_factory=list, max_length=500)
    legal_basis: str = Field("", max_length=255)
    note: str = Field("", max_length=5000)
    accounts_policy: Literal["move", "disable", "keep"] = Field(
        "move", description="Tài khoản của đơn vị kết thúc: chuyển sang đơn vị kế thừa, khoá, hoặc giữ nguyên / "
                            "accounts of the ended units: moved to the successor, disabled, or kept")


class EventOut(Schema):
    id: int
    kind: str
    date: Day
    legal_basis: str


class UnitImportOut(Schema):
    created: int
    updated: int


def _ref(unit: Unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


def _detail(unit: Unit) -> dict:
    links = services.lineage(unit)

    def link_out(link, other: Unit) -> dict:
        return {"unit": _ref(other), "event_kind": link.event.kind, "event_date": link.event.date,
                "legal_basis": link.event.legal_basis, "share": float(link.share)}

    return {
        **{f: getattr(unit, f) for f in UnitOut.model_fields if f != "parent_id"},
        "parent_id": unit.parent_id,
        "ancestors": [_ref(a) for a in services.ancestors(unit)],
        "children": [_ref(c) for c in unit.children.order_by("name")],
        "predecessors": [link_out(link, link.predecessor) for link in links["predecessors"]],
        "successors": [link_out(link, link.successor) for link in links["successors"]],
    }


@router.get("/units", response=list[UnitOut], summary="Tìm đơn vị / Search units")
def list_units(request: HttpRequest, response: HttpResponse, q: str = "", as_of: Day | None = None,
               kind: UnitKind | None = None, under: int | None = Query(None, ge=1, le=MAX_ID),
               limit: int = Query(200, ge=1, le=5000), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    """`q` ignores diacritics ("bac kan" finds "Bắc Kạn"); `as_of` returns units valid on that date. Results in
    level then Vietnamese order, `limit` of them from `offset` (the header `X-Total-Count` gives how many)."""
    units, total = services.search_page(q, as_of=as_of, kind=kind, under=services.unit_for_field(under, "under"),
                                        offset=offset, limit=limit)
    response["X-Total-Count"] = str(total)
    return units


@router.get("/units/children", response={200: LevelOut, **ERROR_RESPONSES},
            summary="Một cấp của cây đơn vị / One level of the unit tree")
def unit_children(request: HttpRequest, parent: int | None = Query(None, ge=1, le=MAX_ID), as_of: Day | None = None,
                  offset: int = Query(0, ge=0, le=MAX_OFFSET), limit: int = Query(200, ge=1, le=1000)):
    """The units directly under `parent` (the top level without it) valid on `as_of` (today), each with its
    number of children: a client opens the tree one branch at a time instead of loading every unit."""
    level = services.children_as_of(as_of or dt.date.today(), services.unit_for_field(parent, "parent"),
                                    offset, limit)
    return {"total": level.total, "offset": level.offset, "next_offset": level.next_offset, "items": level.units}


@router.get("/units/tree", response=list[TreeOut], summary="Cây đơn vị theo ngày / Unit tree as of a date")
def unit_tree(request: HttpRequest, as_of: Day | None = None,
              root: int | None = Query(None, ge=1, le=MAX_ID)):
    def out(node) -> dict:
        unit = node.unit
        return {"id": unit.pk, "name": unit.name, "code": unit.code, "kind": unit.kind,
                "children": [out(c) for c in node.children]}

    return [out(n) for n in services.tree_as_of(as_of or dt.date.today(), services.unit_for_field(root, "root"))]


@router.get("/units/export", summary="Xuất danh mục đơn vị / Export units",
            response={200: None, **ERROR_RESPONSES})
def export_units(request: HttpRequest, format: str = "xlsx", as_of: Day | None = None):
    content, filename, mime = services.export_units(format, as_of)
    response = HttpResponse(content, content_type=mime)
    attach(response, filename)
    return response


@router.post("/units/import", response={200: UnitImportOut, **ERROR_RESPONSES},
             summary="Nhập đơn vị từ CSV/XLSX, tất cả hoặc không / Import units, all or nothing")
@upload_guard(upload_by_writer)
def import_units(request: HttpRequest, file: UploadedFile = File(...)):
    rows = read_table(file.read(), file.name or "", services.HEADER_ALIASES)
    result = services.import_units(request.user, rows)
    if result.errors:
        raise ValidationFailed(result.errors, vi="Tệp bị từ chối, không có dòng nào được ghi",
                               en="The file was rejected; no row was written")
    return {"created": result.created, "updated": result.updated}


@router.post("/units/events", response={201: EventOut, **ERROR_RESPONSES},
             summary="Ghi nhận sáp nhập, chia tách, đổi tên / Record a merge, split or rename")
def record_event(request: HttpRequest, payload: EventIn):
    event = services.record_event(
        request.user, payload.kind, payload.date, services.units_for_field(payload.predecessor_ids, "predecessor_ids"),
        services.units_for_field(payload.successor_ids, "successor_ids"), payload.legal_basis, payload.note,
        accounts_policy=payload.accounts_policy)
    return 201, event


@router.get("/units/{unit_id}", response={200: UnitDetailOut, **ERROR_RESPONSES}, summary="Chi tiết đơn vị")
def get_unit(request: HttpRequest, unit_id: int = UNIT_ID):
    return _detail(services.get_unit(unit_id))


@router.get("/units/{unit_id}/history", response={200: list[AuditOut], **ERROR_RESPONSES},
            summary="Lịch sử thay đổi / Audit history")
def unit_history(request: HttpRequest, unit_id: int = UNIT_ID):
    """Also answers for a deleted unit, whose history ends with its deletion."""
    return [e.as_dict() for e in services.unit_history(unit_id)]


@router.get("/units/{unit_id}/successors", response={200: list[dict], **ERROR_RESPONSES},
            summary="Đơn vị kế thừa hiện nay / Today's successors")
def unit_successors(request: HttpRequest, unit_id: int = UNIT_ID, as_of: Day | None = None):
    unit = services.get_unit(unit_id)
    shares = services.current_successors([unit.pk], as_of)[unit.pk]
    units = Unit.objects.in_bulk(list(shares))
    return [{"unit": _ref(units[pk]), "share": float(share)} for pk, share in shares.items()]


@router.post("/units", response={201: UnitOut, **ERROR_RESPONSES}, summary="Tạo đơn vị / Create a unit")
def create_unit(request: HttpRequest, payload: UnitIn):
    parent = services.unit_for_field(payload.parent_id, "parent_id")
    data = services.UnitData(**payload.dict(exclude={"parent_id"}), parent=parent)
    return 201, services.create_unit(request.user, data)


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERROR_RESPONSES},
              summary="Sửa đơn vị (kiểm tra phiên bản) / Update a unit (version-checked)")
def update_unit(request: HttpRequest, payload: UnitPatch, unit_id: int = UNIT_ID):
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    if "parent_id" in changes:
        changes["parent"] = services.unit_for_field(changes.pop("parent_id"), "parent_id")
    for text_field in ("name", "short_name", "stats_code", "note", "aliases"):
        if changes.get(text_field, "") is None:
            raise ValidationFailed(FieldError(text_field, "không được để null", "must not be null"))
    return services.update_unit(request.user, unit_id, changes, payload.version)


@router.delete("/units/{unit_id}", response={204: None, **ERROR_RESPONSES}, summary="Xóa đơn vị / Delete a unit")
def delete_unit(request: HttpRequest, unit_id: int = UNIT_ID,
                version: int = Query(..., description="Phiên bản đã đọc / version you read")):
    services.delete_unit(request.user, unit_id, version)
    return 204, None
