"""API authentication: the browser session (with CSRF) or a bearer token of an API client."""

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from tinhso.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            # Audit history reads request.user, so token calls are recorded under the client's account.
            request.user = user
            request.authenticated_by_token = True
        return user


# Token first: a bearer-token call carries no session cookie, and the session check would demand CSRF.
API_AUTH = [TokenAuth(), SessionAuth()]


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out check for sign-ins through a web request. Sign-ins without a request (Django's
    test client, management commands) have no attacker-facing endpoint to throttle and are let through to the
    next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
