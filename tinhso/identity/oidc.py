"""How tinhso speaks OpenID Connect: django-oauth-toolkit does the protocol; these two classes add the
province's rules — which scopes an application may ask for, that a disabled application is refused at once,
and the claims that carry the user's unit, province and role."""

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from tinhso.identity import claims
from tinhso.identity.models import SCOPES


def _client_of(application):
    return getattr(application, "tinhso_client", None) if application is not None else None


class ClientScopes(BaseScopes):
    """An application may ask only for the scopes the DX office granted it at registration."""

    def get_all_scopes(self) -> dict[str, str]:
        return SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        if application is None:  # the discovery document lists every scope tinhso offers
            return list(SCOPES)
        client = _client_of(application)
        return client.scope_list if client is not None else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return ["openid"]


class TinhsoValidator(OAuth2Validator):
    # Which scope releases which claim; claims of a scope the user did not grant are left out of the
    # ID token and the userinfo answer alike.
    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "preferred_username": "profile",
        "email": "email",
        "email_verified": "email",
        **{name: "tinhso" for name in claims.TINHSO_CLAIMS},
    }

    def _load_application(self, client_id, request):
        # Every path that looks a client up (authorize, token, refresh, revoke) comes through here, so a
        # disabled application is refused everywhere at once.
        client = super()._load_application(client_id, request)
        if client is not None:
            profile = _client_of(client)
            if profile is None or not profile.enabled:
                request.client = None
                return None
        return client

    def get_additional_claims(self, request) -> dict:
        return claims.claims_for(request.user)
