"""Dashboards over the API: the home figures of the caller, and definitions' export and import."""

from ninja import Router, Schema

from tinhso.core.api import DbId
from tinhso.ioc import services

router = Router(tags=["ioc"])


class DashboardOut(Schema):
    id: int
    name: str
    version: int
    shared: bool
    default_for: str


@router.get("/ioc/dashboards", response=list[DashboardOut], summary="Bảng điều hành xem được / visible dashboards")
def dashboards(request):
    return [DashboardOut(id=d.pk, name=d.name, version=d.version, shared=d.owner_id is None,
                         default_for=d.default_for) for d in services.visible_dashboards(request.user)]


@router.get("/ioc/dashboards/{dashboard_id}/definition", summary="Xuất định nghĩa / export a definition")
def definition(request, dashboard_id: DbId):
    return services.get_dashboard(request.user, dashboard_id).definition


@router.post("/ioc/dashboards", response={201: DashboardOut}, summary="Nhập định nghĩa / import a definition")
def create(request, payload: dict, shared: bool = False, default_for: str = ""):
    board = services.save_dashboard(request.user, payload, shared=shared, default_for=default_for)
    return 201, DashboardOut(id=board.pk, name=board.name, version=board.version, shared=board.owner_id is None,
                             default_for=board.default_for)
