"""/api/v1/me and token management for API clients."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from tinhso.accounts import services
from tinhso.core.api import ERROR_RESPONSES, DbId

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    unit_id: int | None
    unit_name: str | None


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    name: str = Field(min_length=1, max_length=100)
    days: int = Field(90, ge=1, le=730, description="Thời hạn (ngày) / lifetime in days")


class TokenOut(Schema):
    id: int
    name: str
    token: str = Field(description="Chỉ hiển thị một lần / shown once")
    created_at: dt.datetime
    expires_at: dt.datetime


class TokenListOut(Schema):
    id: int
    username: str
    name: str
    hint: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked: bool


@router.get("/me", response=MeOut, summary="Tài khoản đang dùng / Current account")
def me(request: HttpRequest):
    user = request.user
    return {"id": user.pk, "username": user.username, "full_name": user.full_name, "role": user.role,
            "unit_id": user.unit_id, "unit_name": user.unit.name if user.unit else None}


@router.post("/tokens", response={201: TokenOut, **ERROR_RESPONSES},
             summary="Cấp mã truy cập cho hệ thống kết nối / Issue an API token")
def issue_token(request: HttpRequest, payload: TokenIn):
    token, raw = services.issue_api_token(request.user, payload.username, payload.name, payload.days,
                                          via_token=getattr(request, "authenticated_by_token", False))
    return 201, {"id": token.pk, "name": token.name, "token": raw, "created_at": token.created_at,
                 "expires_at": token.expires_at}


def _token_row(token) -> dict:
    return {"id": token.pk, "username": token.user.username, "name": token.name, "hint": token.hint,
            "created_at": token.created_at, "expires_at": token.expires_at, "last_used_at": token.last_used_at,
            "revoked": token.revoked}


@router.get("/tokens", response={200: list[TokenListOut], **ERROR_RESPONSES},
            summary="Mã truy cập API / API tokens (all for an administrator, one's own for an API client)")
def list_tokens(request: HttpRequest):
    return [_token_row(t) for t in services.tokens_visible_to(request.user)[:500]]


@router.delete("/tokens/{token_id}", response={200: TokenListOut, **ERROR_RESPONSES},
               summary="Thu hồi mã truy cập / Revoke an API token")
def revoke_token(request: HttpRequest, token_id: DbId):
    return _token_row(services.revoke_api_token(request.user, token_id))
