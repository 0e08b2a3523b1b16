"""tinhso as a relying party: officials may sign in through an identity provider the province already runs
(its own, a national one, Keycloak), by mozilla-django-oidc, when TINHSO_OIDC_LOGIN_* settings name it.

A person is matched to an account by one configured claim (`preferred_username` → user name by default,
or `email`). Someone the provider knows but tinhso does not gets an account with no unit, which by the
no-access-by-default rule sees nothing until an administrator assigns a unit and role. Local sign-in stays
available (the break-glass administrator)."""

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from tinhso.accounts.models import Role, User


def _match() -> tuple[str, str]:
    claim = getattr(settings, "TINHSO_OIDC_LOGIN_MATCH_CLAIM", "preferred_username")
    return claim, ("email" if claim == "email" else "username")


class ExternalProviderBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict) -> bool:
        return bool(claims.get(_match()[0]))

    def filter_users_by_claims(self, claims: dict):
        claim, field = _match()
        value = claims.get(claim)
        if not value:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(**{f"{field}__iexact": value})

    def create_user(self, claims: dict) -> User:
        claim, field = _match()
        username = claims[claim] if field == "username" else (claims.get("preferred_username") or claims["sub"])
        user = User(username=username[:150], email=claims.get("email") or "", full_name=claims.get("name") or "",
                    role=Role.VIEWER, unit=None)
        user.set_unusable_password()
        user._change_reason = "created at first sign-in through the external identity provider"
        user.save()
        return user

    def update_user(self, user: User, claims: dict) -> User:
        # Name and e-mail follow the provider; unit and role stay tinhso's to assign.
        changed = False
        for field, claim in (("full_name", "name"), ("email", "email")):
            if claims.get(claim) and getattr(user, field) != claims[claim]:
                setattr(user, field, claims[claim])
                changed = True
        if changed:
            user.save(update_fields=["full_name", "email"])
        return user
