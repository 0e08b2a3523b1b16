"""API authentication: the browser session (with CSRF) or a bearer token of an API client."""

import copy

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from tinhso.accounts.services import user_for_token
from tinhso.core.memo import Memo

# An account's permissions, per process, until accounts' groups or permissions change (memo.changed("accounts")
# from the signals in accounts.apps): the home page and the menu asked them in two queries on every request.
_PERMISSIONS = Memo(300, depends_on=("accounts",))
# The signed-in account with its unit, per process, until any account or unit row is written ("account-rows" from
# accounts.apps, "units" from units.apps): every request read it in one query before anything else.
_ACCOUNTS = Memo(300, depends_on=("account-rows", "units"))


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


class AccountBackend(ModelBackend):
    """Django's model backend, with savings on every request: the account is read with its unit (nearly every page
    and API call scopes by it) and kept per process until an account or a unit is written, and its permissions are
    kept until somebody changes groups or permissions (superuser and active flags are read from the account)."""

    def get_user(self, user_id):
        user = _ACCOUNTS.get(user_id, lambda: self._read_account(user_id))
        # each request gets its own copy: middleware sets attributes on request.user (the second factor's device)
        return copy.copy(user) if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _read_account(user_id):
        model = get_user_model()
        try:
            return model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None

    def get_user_permissions(self, user_obj, obj=None):
        return self._kept("user", user_obj, obj, ModelBackend.get_user_permissions)

    def get_group_permissions(self, user_obj, obj=None):
        return self._kept("group", user_obj, obj, ModelBackend.get_group_permissions)

    def _kept(self, source: str, user_obj, obj, read) -> frozenset[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return read(self, user_obj, obj)
        key = (source, user_obj.pk, user_obj.is_superuser)
        return _PERMISSIONS.get(key, lambda: frozenset(read(self, user_obj)))
