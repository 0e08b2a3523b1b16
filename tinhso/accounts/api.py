"""/api/v1/me and token management for API clients."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from tinhso.accounts.models import ApiToken, User
from tinhso.accounts.services import is_system_admin
from tinhso.core.api import ERROR_RESPONSES, InputSchema
from tinhso.core.errors import FieldError, Forbidden, ValidationFailed

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    unit_id: int | None
    unit_name: str | None


class TokenIn(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    token: str = Field(description="Chỉ hiển thị một lần / shown once")
    created_at: dt.datetime


@router.get("/me", response=MeOut, summary="Tài khoản đang dùng / Current account")
def me(request: HttpRequest):
    user = request.user
    return {"id": user.pk, "username": user.username, "full_name": user.full_name, "role": user.role,
            "unit_id": user.unit_id, "unit_name": user.unit.name if user.unit else None}


@router.post("/tokens", response={201: TokenOut, **ERROR_RESPONSES},
             summary="Cấp mã truy cập cho hệ thống kết nối / Issue an API token")
def issue_token(request: HttpRequest, payload: TokenIn):
    if not is_system_admin(request.user):
        raise Forbidden()
    owner = User.objects.filter(username=payload.username).first()
    if owner is None:
        raise ValidationFailed(FieldError("username", "không có tài khoản này", "no such account"))
    token, raw = ApiToken.issue(owner, payload.name)
    return 201, {"id": token.pk, "name": token.name, "token": raw, "created_at": token.created_at}
