"""REST endpoints of DTI assessment (/api/v1/dti/...). Thin: parse, call services, shape output.
Role rules are the services': published results are open to signed-in users; drafts only to the
DX office and to the unit itself."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Body, File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tinhso.core.api import ERROR_RESPONSES, InputSchema
from tinhso.core.downloads import attach
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.core.uploads import upload_guard
from tinhso.dti import exports, frameworks, national, services
from tinhso.dti.models import Framework, Result, Round, Value
from tinhso.units.models import Unit

router = Router(tags=["dti"])


class FrameworkOut(Schema):
    id: int
    code: str
    edition: int
    name: str
    legal_basis: str
    max_points: float
    status: str
    source_note: str


class RoundOut(Schema):
    id: int
    name: str
    year: int
    status: str
    framework_id: int
    framework: str = Field(description="Mã và phiên bản bộ chỉ số / framework code and edition")
    scope_id: int | None = Field(description="Đơn vị tổ chức; trống: toàn quốc / organising unit; empty: nationwide")
    national: bool = False
    derived_from_id: int | None = Field(None, description="Đợt gốc của đợt quy đổi / source of a derived round")
    published_at: dt.datetime | None
    version: int
    warnings: list[str] = Field(default_factory=list, description="Cảnh báo, ví dụ chưa lấy được số liệu tự động")


class RoundIn(InputSchema):
    name: str = Field(min_length=1, max_length=255)
    year: int = Field(ge=2000, le=2100)
    framework_id: int
    scope_id: int | None = Field(None, description="Trống chỉ với đợt toàn quốc / empty only for a national round")
    national: bool = Field(False, description="Xếp hạng tỉnh, thành phố toàn quốc / a national ranking of provinces")
    unit_ids: list[int] = Field(default_factory=list, max_length=5000,
                                description="Ít nhất một, trừ đợt toàn quốc (nhập kết quả sẽ thêm tỉnh)")
    note: str = Field("", max_length=5000)


class VersionIn(InputSchema):
    version: int


class ValueIn(InputSchema):
    value: float | str | None = Field(description="Số (dấu phẩy thập phân được chấp nhận), 1/0 cho có/không")
    note: str = Field("", max_length=5000)
    version: int | None = None


class AdjustIn(InputSchema):
    value: float | str | None
    reason: str = Field(min_length=1, max_length=2000)
    version: int | None = None


class DtiValueOut(Schema):
    component: str
    value: float | None
    origin: str
    auto_value: float | None
    self_value: float | None
    note: str
    adjust_reason: str
    points: float | None
    evidence: list[dict]
    version: int


class ResultOut(Schema):
    unit_id: int
    unit: str
    peer_group: str
    rank: int
    peers: int
    points: float
    index: float
    framework: str
    by_pillar: dict
    pillar_values: dict = Field(description="Giá trị trụ cột 0–1 = điểm trụ cột / điểm tối đa của trụ cột")
    pillar_ranks: dict
    by_main: dict
    main_values: dict = Field(description="Giá trị chỉ số chính 0–1 = điểm / điểm tối đa")
    main_sources: dict = Field(description="Chỉ số chính nhập ở cấp chỉ số chính: imported | entered | derived")
    derived: bool = Field(description="Giá trị suy ra từ đơn vị tiền thân / derived from predecessors")
    previous_points: float | None
    previous_index: float | None
    previous_basis: str
    previous_unit_ids: list[int]


class ScorecardOut(Schema):
    round_id: int
    unit_id: int
    framework: str
    result: ResultOut | None
    largest_gaps: list[dict]
    values: list[DtiValueOut]


def _f(number) -> float | None:
    return None if number is None else float(number)


def _round_out(round_: Round) -> dict:
    return {"id": round_.pk, "name": round_.name, "year": round_.year, "status": round_.status,
            "framework_id": round_.framework_id, "framework": round_.framework.label, "scope_id": round_.scope_id,
            "national": round_.national, "derived_from_id": round_.derived_from_id,
            "published_at": round_.published_at, "version": round_.version,
            "warnings": getattr(round_, "warnings", [])}


def _main_maxima(round_: Round) -> dict[str, float]:
    return {m.code: float(m.max_points) for m in round_.framework.main_indicators.all() if m.max_points}


def _result_out(result: Result, round_: Round, maxima: dict[str, float]) -> dict:
    return {"unit_id": result.unit_id, "unit": result.unit.name, "peer_group": result.peer_group,
            "rank": result.rank, "peers": result.peers, "points": float(result.points), "index": float(result.index),
            "framework": round_.framework.label, "by_pillar": result.by_pillar, "pillar_values": result.pillar_values,
            "pillar_ranks": result.pillar_ranks, "by_main": result.by_main,
            "main_values": {code: float(points) / maxima[code] for code, points in result.by_main.items()
                            if code in maxima},
            "main_sources": result.main_sources, "derived": round_.derived_from_id is not None,
            "previous_points": _f(result.previous_points), "previous_index": _f(result.previous_index),
            "previous_basis": result.previous_basis, "previous_unit_ids": result.previous_units}


def _value_out(value: Value, points: float | None = None) -> dict:
    return {"component": value.component.code, "value": _f(value.value), "origin": value.origin,
            "auto_value": _f(value.auto_value), "self_value": _f(value.self_value), "note": value.note,
            "adjust_reason": value.adjust_reason, "points": points, "version": value.version,
            "evidence": [{"id": e.pk, "file": e.filename, "description": e.description}
                         for e in value.evidence.all()]}


@router.get("/dti/frameworks", response=list[FrameworkOut], summary="Bộ chỉ số / Frameworks")
def list_frameworks(request: HttpRequest):
    return [{**{f: getattr(fw, f) for f in FrameworkOut.model_fields}, "max_points": float(fw.max_points)}
            for fw in Framework.objects.all()]


@router.get("/dti/frameworks/{framework_id}", response={200: dict, **ERROR_RESPONSES},
            summary="Tài liệu bộ chỉ số / Framework document")
def get_framework(request: HttpRequest, framework_id: int):
    framework = frameworks.get_framework(framework_id)
    return {"id": framework.pk, **frameworks.export_document(framework)}


@router.post("/dti/frameworks", response={201: FrameworkOut, **ERROR_RESPONSES},
             summary="Ban hành bộ chỉ số (phiên bản mới) / Issue a framework edition")
def create_framework(request: HttpRequest, payload: dict = Body(...)):
    framework = frameworks.import_framework(request.user, payload)
    return 201, {**{f: getattr(framework, f) for f in FrameworkOut.model_fields},
                 "max_points": float(framework.max_points)}


@router.get("/dti/rounds", response=list[RoundOut], summary="Đợt đánh giá / Rounds")
def list_rounds(request: HttpRequest):
    return [_round_out(r) for r in services.visible_rounds(request.user)]


@router.post("/dti/rounds", response={201: RoundOut, **ERROR_RESPONSES}, summary="Tạo đợt / Create a round")
def create_round(request: HttpRequest, payload: RoundIn):
    framework = Framework.objects.filter(pk=payload.framework_id).first()
    scope = Unit.objects.filter(pk=payload.scope_id).first() if payload.scope_id is not None else None
    units = Unit.objects.in_bulk(payload.unit_ids)
    errors = []
    if framework is None:
        errors.append(FieldError("framework_id", "không có bộ chỉ số này", "no such framework"))
    if scope is None and payload.scope_id is not None:
        errors.append(FieldError("scope_id", "không có đơn vị này", "no such unit"))
    missing = [i for i in payload.unit_ids if i not in units]
    if missing:
        errors.append(FieldError("unit_ids", f"không có đơn vị mã số {missing[:20]}",
                                 f"no units with ids {missing[:20]}"))
    if errors:
        raise ValidationFailed(errors)
    round_ = services.create_round(request.user, payload.name, payload.year, framework, scope,
                                   list(units.values()), payload.note, national=payload.national)
    return 201, _round_out(round_)


@router.get("/dti/rounds/{round_id}", response={200: RoundOut, **ERROR_RESPONSES}, summary="Đợt / Round")
def get_round(request: HttpRequest, round_id: int):
    return _round_out(services.get_round(round_id, request.user))


@router.post("/dti/rounds/{round_id}/open", response={200: RoundOut, **ERROR_RESPONSES},
             summary="Mở thu thập, lấy số liệu tự động / Open collection")
def open_round(request: HttpRequest, round_id: int, payload: VersionIn):
    return _round_out(services.open_round(request.user, round_id, payload.version))


@router.post("/dti/rounds/{round_id}/collect", response={200: dict, **ERROR_RESPONSES},
             summary="Lấy lại số liệu đã duyệt của hệ thống báo cáo / Refresh automatic values")
def collect(request: HttpRequest, round_id: int):
    return {"updated": services.collect_automatic(request.user, round_id)}


@router.post("/dti/rounds/{round_id}/close", response={200: RoundOut, **ERROR_RESPONSES},
             summary="Kết thúc tự đánh giá / Close collection")
def close_round(request: HttpRequest, round_id: int, payload: VersionIn):
    return _round_out(services.close_collection(request.user, round_id, payload.version))


@router.post("/dti/rounds/{round_id}/compute", response={200: dict, **ERROR_RESPONSES},
             summary="Tính thử kết quả / Preview results")
def compute(request: HttpRequest, round_id: int):
    return {"results": services.recompute(request.user, round_id)}


@router.post("/dti/rounds/{round_id}/publish", response={200: RoundOut, **ERROR_RESPONSES},
             summary="Công bố / Publish")
def publish(request: HttpRequest, round_id: int, payload: VersionIn):
    return _round_out(services.publish_round(request.user, round_id, payload.version))


@router.put("/dti/rounds/{round_id}/units/{unit_id}/values/{code}", response={200: DtiValueOut, **ERROR_RESPONSES},
            summary="Tự đánh giá một chỉ số thành phần / Self-assess a component")
def submit_value(request: HttpRequest, round_id: int, unit_id: int, code: str, payload: ValueIn):
    return _value_out(services.submit_value(request.user, round_id, unit_id, code, payload.value, payload.note,
                                            payload.version))


@router.post("/dti/rounds/{round_id}/units/{unit_id}/values/{code}/adjust",
             response={200: DtiValueOut, **ERROR_RESPONSES}, summary="Sở KH&CN điều chỉnh / DX office adjusts")
def adjust_value(request: HttpRequest, round_id: int, unit_id: int, code: str, payload: AdjustIn):
    return _value_out(services.adjust_value(request.user, round_id, unit_id, code, payload.value, payload.reason,
                                            payload.version))


@router.post("/dti/rounds/{round_id}/units/{unit_id}/values/{code}/evidence",
             response={201: dict, **ERROR_RESPONSES}, summary="Nộp minh chứng / Upload evidence")
@upload_guard(services.evidence_upload_check)
def upload_evidence(request: HttpRequest, round_id: int, unit_id: int, code: str, file: UploadedFile = File(...)):
    """Multipart: `file`, and an optional `description` form field."""
    evidence = services.add_evidence(request.user, round_id, unit_id, code, file,
                                     request.POST.get("description", "")[:255])
    return 201, {"id": evidence.pk, "file": evidence.filename, "description": evidence.description}


@router.get("/dti/rounds/{round_id}/results", response={200: list[ResultOut], **ERROR_RESPONSES},
            summary="Bảng xếp hạng / Ranking")
def results(request: HttpRequest, round_id: int, group: str = "", sort: str = "rank", pillar: str = "", q: str = ""):
    table = services.ranking(request.user, round_id, peer_group=group, sort=sort, pillar=pillar, query=q)
    maxima = _main_maxima(table.round)
    return [_result_out(row.result, table.round, maxima) for row in table.rows]


@router.get("/dti/rounds/{round_id}/units/{unit_id}", response={200: ScorecardOut, **ERROR_RESPONSES},
            summary="Phiếu điểm của đơn vị / A unit's scorecard")
def unit_scorecard(request: HttpRequest, round_id: int, unit_id: int):
    card = services.scorecard(request.user, round_id, unit_id)
    values = []
    for line in card.mains:
        for item in line.components:
            if item.value is not None:
                values.append(_value_out(item.value, item.points))
    return {"round_id": card.round.pk, "unit_id": card.unit.pk, "framework": card.round.framework.label,
            "result": _result_out(card.result, card.round, _main_maxima(card.round)) if card.result else None,
            "largest_gaps": [{"component": c.code, "name": c.name, "gap": gap, "max_points": float(c.max_points)}
                             for c, gap in card.gaps],
            "values": values}


@router.get("/dti/rounds/{round_id}/export", response={200: None, **ERROR_RESPONSES},
            summary="Xuất kết quả đã công bố (xlsx, pdf) / Export published results")
def export(request: HttpRequest, round_id: int, format: str = "xlsx"):
    content, filename, mime = exports.export(round_id, format, request.user)
    response = HttpResponse(content, content_type=mime)
    attach(response, filename)
    return response


class MainValueIn(InputSchema):
    value: float | str | None = Field(description="Giá trị 0–1 (dấu phẩy thập phân được chấp nhận); trống: xoá")
    note: str = Field("", max_length=2000)
    version: int | None = None


class DeriveIn(InputSchema):
    day: dt.date | None = Field(None, description="Đơn vị hiệu lực ngày này (mặc định hôm nay) / units valid on")


class WeightIn(InputSchema):
    successor_id: int
    predecessor_id: int
    weight: float | str | None = Field(description="Trọng số > 0 (ví dụ dân số); trống: xoá")
    note: str = Field("", max_length=255)


@router.post("/dti/rounds/{round_id}/import-results", response={200: dict, **ERROR_RESPONSES},
             summary="Nhập kết quả Bộ công bố (xlsx, csv) / Import published results")
@upload_guard(national.results_upload_check)
def import_results(request: HttpRequest, round_id: int, file: UploadedFile = File(...)):
    """Multipart `file`: one row per province with `Tỉnh, thành phố` (name or code), `Năm` and a column per
    scored main indicator (headed by its code or name) holding its value 0–1. All or nothing."""
    outcome = national.import_results(request.user, round_id, file.read(), file.name or "")
    return {"rows": outcome.rows, "units": outcome.units, "round": _round_out(outcome.round)}


@router.put("/dti/rounds/{round_id}/units/{unit_id}/mains/{code}", response={200: dict, **ERROR_RESPONSES},
            summary="Nhập trực tiếp giá trị chỉ số chính / Enter a main-indicator value")
def set_main_value(request: HttpRequest, round_id: int, unit_id: int, code: str, payload: MainValueIn):
    value = national.set_main_value(request.user, round_id, unit_id, code, payload.value, payload.note,
                                    payload.version)
    if value is None:
        return {"main": code, "value": None, "origin": None, "version": None}
    return {"main": code, "value": float(value.value), "origin": value.origin, "note": value.note,
            "version": value.version}


@router.post("/dti/rounds/{round_id}/derive", response={201: RoundOut, **ERROR_RESPONSES},
             summary="Quy đổi cho đơn vị hiện nay từ đơn vị tiền thân / Derive today's units from predecessors")
def derive(request: HttpRequest, round_id: int, payload: DeriveIn):
    return 201, _round_out(national.derive_successors(request.user, round_id, payload.day))


@router.post("/dti/merge-weights", response={200: dict, **ERROR_RESPONSES},
             summary="Trọng số quy đổi tiền thân / Set a merge weight")
def merge_weight(request: HttpRequest, payload: WeightIn):
    row = national.set_merge_weight(request.user, payload.successor_id, payload.predecessor_id, payload.weight,
                                    payload.note)
    return {"successor_id": payload.successor_id, "predecessor_id": payload.predecessor_id,
            "weight": None if row is None else float(row.weight), "note": "" if row is None else row.note}


@router.get("/dti/rounds/{round_id}/units/{unit_id}/standing", response={200: dict, **ERROR_RESPONSES},
            summary="Vị trí trong nhóm: hạng, khoảng cách, trụ cột / Place among peers")
def standing(request: HttpRequest, round_id: int, unit_id: int):
    place = national.standing(request.user, round_id, unit_id)
    r = place.result
    return {
        "unit_id": r.unit_id, "rank": r.rank, "peers": r.peers, "points": float(r.points), "index": float(r.index),
        "leaders": [{"unit_id": o.unit_id, "unit": o.unit.name, "rank": o.rank, "index": float(o.index),
                     "index_gap": float(gap)} for o, gap in place.leaders],
        "above": None if place.above is None else {"unit_id": place.above[0].unit_id, "unit": place.above[0].unit.name,
                                                    "points_needed": float(place.above[1])},
        "pillars": [{"code": p.code, "value": p.value, "points": p.points, "maximum": p.maximum, "rank": p.rank,
                     "leader_value": p.leader_value, "gap": p.gap} for p in place.pillars],
        "raise_rank": [{"main": x.main.code, "name": x.main.name, "value": x.value, "best": x.best,
                        "points_gained": x.points_gained, "new_rank": x.new_rank, "ranks_gained": x.ranks_gained}
                       for x in place.raises],
    }
