"""/api/v1/identity: the DX office's register of applications that sign in through tinhso."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from tinhso.core.api import ERROR_RESPONSES, DbId
from tinhso.identity import services
from tinhso.units.services import unit_for_field

router = Router(tags=["identity"])


class IdentityClientIn(Schema):
    name: str = Field(min_length=1, max_length=255)
    owner_unit_id: DbId
    redirect_uris: list[str] = Field(min_length=1, max_length=20)
    post_logout_redirect_uris: list[str] = Field(default_factory=list, max_length=20)
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile"], max_length=10)
    description: str = Field(default="", max_length=2000)
    confidential: bool = True


class IdentityClientUpdate(IdentityClientIn):
    version: int = Field(ge=1, strict=True)


class IdentityClientOut(Schema):
    id: int
    client_id: str
    name: str
    owner_unit_id: int
    owner_unit_name: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    scopes: list[str]
    confidential: bool
    enabled: bool
    version: int


class IdentityClientCreated(IdentityClientOut):
    client_secret: str = Field(description="Chỉ hiển thị một lần / shown once; empty for a public client")


class IdentityEnabledIn(Schema):
    enabled: bool = Field(strict=True)
    version: int = Field(ge=1, strict=True)
    reason: str = Field(default="", max_length=500)


class IdentitySignInOut(Schema):
    at: dt.datetime
    username: str | None
    grant_type: str
    scopes: str


def _out(client) -> dict:
    app = client.application
    return {"id": client.pk, "client_id": app.client_id, "name": app.name, "owner_unit_id": client.owner_unit_id,
            "owner_unit_name": client.owner_unit.name, "redirect_uris": app.redirect_uris.split(),
            "post_logout_redirect_uris": app.post_logout_redirect_uris.split(), "scopes": client.scope_list,
            "confidential": app.client_type == app.CLIENT_CONFIDENTIAL, "enabled": client.enabled,
            "version": client.version}


def _data(payload: IdentityClientIn) -> services.ClientData:
    return services.ClientData(
        name=payload.name, owner_unit=unit_for_field(payload.owner_unit_id, "owner_unit_id"),
        redirect_uris=payload.redirect_uris, post_logout_redirect_uris=payload.post_logout_redirect_uris,
        scopes=payload.scopes, description=payload.description, confidential=payload.confidential)


@router.get("/identity/clients", response={200: list[IdentityClientOut], **ERROR_RESPONSES},
            summary="Ứng dụng kết nối đăng nhập / Applications signing in through tinhso")
def list_clients(request: HttpRequest):
    services.require_manage(request.user)
    return [_out(c) for c in services.visible_clients(request.user)]


@router.post("/identity/clients", response={201: IdentityClientCreated, **ERROR_RESPONSES},
             summary="Đăng ký ứng dụng / Register an application (its secret is shown once)")
def create_client(request: HttpRequest, payload: IdentityClientIn):
    client, secret = services.register_client(request.user, _data(payload))
    return 201, {**_out(client), "client_secret": secret}


@router.put("/identity/clients/{client_pk}", response={200: IdentityClientOut, **ERROR_RESPONSES},
            summary="Sửa ứng dụng / Update an application")
def update_client(request: HttpRequest, client_pk: DbId, payload: IdentityClientUpdate):
    return _out(services.update_client(request.user, client_pk, _data(payload), payload.version))


@router.post("/identity/clients/{client_pk}/enabled", response={200: IdentityClientOut, **ERROR_RESPONSES},
             summary="Tắt hoặc bật ứng dụng / Disable (revoking its tokens) or enable an application")
def set_enabled(request: HttpRequest, client_pk: DbId, payload: IdentityEnabledIn):
    return _out(services.set_enabled(request.user, client_pk, payload.enabled, payload.version, payload.reason))


@router.get("/identity/clients/{client_pk}/sign-ins", response={200: list[IdentitySignInOut], **ERROR_RESPONSES},
            summary="Nhật ký đăng nhập của ứng dụng / The application's sign-in log")
def sign_ins(request: HttpRequest, client_pk: DbId):
    return [{"at": s.at, "username": s.user.get_username() if s.user else None, "grant_type": s.grant_type,
             "scopes": s.scopes} for s in services.sign_in_log(request.user, client_pk)]
