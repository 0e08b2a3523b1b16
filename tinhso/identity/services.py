"""Registering and governing the applications that sign in through tinhso, and a user's consents.

The DX office (an administrator whose scope covers the application's owner unit; a system administrator
for all) registers applications, edits them with a version check, disables one at once (its tokens are
revoked with it) and reads its sign-in log. A user lists the applications they let in and revokes one.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Count, Max, QuerySet
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import can_edit_unit, is_system_admin
from tinhso.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.identity.models import SCOPES, ClientApplication, SignIn
from tinhso.units.models import Unit


def can_manage(user: User, unit: Unit | None = None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_system_admin(user):
        return True
    return user.role == Role.ADMIN and user.unit is not None and (unit is None or can_edit_unit(user, unit))


def require_manage(user: User, unit: Unit | None = None) -> None:
    if not can_manage(user, unit):
        raise Forbidden("Chỉ cơ quan chuyên trách chuyển đổi số quản lý các ứng dụng kết nối đăng nhập",
                        "Only the DX office manages the applications that sign in through tinhso")


def visible_clients(user: User) -> QuerySet[ClientApplication]:
    clients = ClientApplication.objects.select_related("application", "owner_unit")
    if is_system_admin(user):
        return clients
    if not can_manage(user):
        return clients.none()
    return clients.filter(owner_unit__path__startswith=user.unit.path)


def get_client(user: User, client_pk: int) -> ClientApplication:
    client = visible_clients(user).filter(pk=client_pk).first()
    if client is None:
        raise NotFound("Ứng dụng", "Application")
    return client


@dataclass
class ClientData:
    name: str
    owner_unit: Unit | None
    redirect_uris: list[str]
    scopes: list[str]
    post_logout_redirect_uris: list[str]
    description: str = ""
    confidential: bool = True


def _check_uris(field: str, uris: list[str], required: bool) -> list[FieldError]:
    errors = []
    if required and not uris:
        errors.append(FieldError(field, "cần ít nhất một địa chỉ", "at least one address is needed"))
    for uri in uris:
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment or any(c.isspace() for c in uri):
            errors.append(FieldError(field, f"“{uri}” không phải địa chỉ http(s) đầy đủ, không có #phần",
                                     f"“{uri}” is not a full http(s) address without a #fragment"))
    return errors


def _validate(data: ClientData) -> None:
    errors = []
    if not data.name.strip():
        errors.append(FieldError("name", "bắt buộc nhập", "required"))
    elif len(data.name) > 255:
        errors.append(FieldError("name", "quá dài (tối đa 255 ký tự)", "too long (255 characters at most)"))
    if data.owner_unit is None:
        errors.append(FieldError("owner_unit", "bắt buộc chọn đơn vị chủ quản", "the owner unit is required"))
    errors += _check_uris("redirect_uris", data.redirect_uris, required=True)
    errors += _check_uris("post_logout_redirect_uris", data.post_logout_redirect_uris, required=False)
    unknown = [s for s in data.scopes if s not in SCOPES]
    if unknown:
        errors.append(FieldError("scopes", f"phạm vi không có: {', '.join(unknown)}",
                                 f"unknown scopes: {', '.join(unknown)}"))
    if "openid" not in data.scopes:
        errors.append(FieldError("scopes", "phải có phạm vi openid", "the openid scope is required"))
    if errors:
        raise ValidationFailed(errors)


def register_client(user: User, data: ClientData) -> tuple[ClientApplication, str]:
    """Register an application. Returns it with its client secret, which is stored hashed and shown once
    (an empty string for a public client, e.g. a single-page or mobile app, which must use PKCE)."""
    _validate(data)
    require_manage(user, data.owner_unit)
    secret = generate_client_secret() if data.confidential else ""
    with transaction.atomic():
        application = Application(
            name=data.name.strip(),
            client_type=Application.CLIENT_CONFIDENTIAL if data.confidential else Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(data.redirect_uris),
            post_logout_redirect_uris=" ".join(data.post_logout_redirect_uris),
            algorithm=Application.RS256_ALGORITHM,
            client_secret=secret,
            user=user,
        )
        application.save()
        client = ClientApplication(application=application, owner_unit=data.owner_unit,
                                   description=data.description, allowed_scopes=" ".join(data.scopes))
        client._history_user = user
        client.save()
    return client, secret


def update_client(user: User, client_pk: int, data: ClientData, expected_version: int) -> ClientApplication:
    _validate(data)
    with transaction.atomic():
        client = get_client(user, client_pk)
        client = ClientApplication.objects.select_for_update().select_related("application").get(pk=client.pk)
        require_manage(user, client.owner_unit)
        require_manage(user, data.owner_unit)
        if client.version != expected_version:
            raise Conflict(client.version)
        application = client.application
        application.name = data.name.strip()
        application.redirect_uris = " ".join(data.redirect_uris)
        application.post_logout_redirect_uris = " ".join(data.post_logout_redirect_uris)
        application.save()
        client.owner_unit = data.owner_unit
        client.description = data.description
        client.allowed_scopes = " ".join(data.scopes)
        client.version += 1
        client._history_user = user
        client.save()
    return client


def _revoke_tokens(application: Application, user: User | None = None) -> None:
    scope = {"application": application} | ({"user": user} if user is not None else {})
    RefreshToken.objects.filter(**scope).delete()
    AccessToken.objects.filter(**scope).delete()
    IDToken.objects.filter(**scope).delete()
    Grant.objects.filter(**scope).delete()


def set_enabled(user: User, client_pk: int, enabled: bool, expected_version: int,
                reason: str = "") -> ClientApplication:
    """Disable an application at once (every token it holds stops working) or enable it again."""
    with transaction.atomic():
        client = ClientApplication.objects.select_for_update().select_related("application").get(
            pk=get_client(user, client_pk).pk)
        require_manage(user, client.owner_unit)
        if client.version != expected_version:
            raise Conflict(client.version)
        client.enabled = enabled
        client.version += 1
        client._history_user = user
        client._change_reason = reason
        client.save()
        if not enabled:
            _revoke_tokens(client.application)
    return client


def rotate_secret(user: User, client_pk: int, expected_version: int) -> tuple[ClientApplication, str]:
    """A new client secret (shown once); the old one stops working at once."""
    with transaction.atomic():
        client = ClientApplication.objects.select_for_update().select_related("application").get(
            pk=get_client(user, client_pk).pk)
        require_manage(user, client.owner_unit)
        if client.version != expected_version:
            raise Conflict(client.version)
        if client.application.client_type != Application.CLIENT_CONFIDENTIAL:
            raise ValidationFailed(FieldError("client_secret", "ứng dụng công khai không có khoá bí mật",
                                              "a public application has no secret"))
        secret = generate_client_secret()
        client.application.client_secret = secret
        client.application.save()
        client.version += 1
        client._history_user = user
        client._change_reason = "rotate secret"
        client.save()
    return client, secret


def sign_in_log(user: User, client_pk: int, limit: int = 200) -> list[SignIn]:
    client = get_client(user, client_pk)
    return list(client.sign_ins.select_related("user")[:limit])


def sign_in_counts(user: User, since: dt.datetime) -> dict[int, dict]:
    """Per application: sign-ins since `since`, distinct users, and the latest sign-in."""
    rows = (SignIn.objects.filter(client__in=visible_clients(user), at__gte=since).values("client_id")
            .annotate(count=Count("id"), users=Count("user", distinct=True), last=Max("at")))
    return {row["client_id"]: row for row in rows}


def record_sign_in(application: Application, user: User | None, grant_type: str, scopes: str) -> None:
    client = getattr(application, "tinhso_client", None)
    if client is not None:
        SignIn.objects.create(client=client, user=user, grant_type=grant_type, scopes=scopes)


# ---------------------------------------------------------------- the user's own consents

@dataclass
class Consent:
    client: ClientApplication
    scopes: list[str]
    since: dt.datetime


def consents_of(user: User) -> list[Consent]:
    """Applications the user let in that still hold a token for them."""
    found: dict[int, Consent] = {}
    tokens = (AccessToken.objects.filter(user=user).select_related("application__tinhso_client__owner_unit")
              .order_by("created"))
    for token in tokens:
        client = getattr(token.application, "tinhso_client", None) if token.application else None
        if client is None:
            continue
        consent = found.setdefault(client.pk, Consent(client, [], token.created))
        consent.scopes = sorted(set(consent.scopes) | set(token.scope.split()))
    return list(found.values())


def revoke_consent(user: User, client_pk: int) -> None:
    """Withdraw the user's consent: the application's tokens for this user stop working and the next
    sign-in asks again."""
    client = ClientApplication.objects.select_related("application").filter(pk=client_pk).first()
    if client is None:
        raise NotFound("Ứng dụng", "Application")
    _revoke_tokens(client.application, user)
