"""Signing in to tinhso through an external OpenID Connect provider: who is matched, who is created (with no
access), and what the provider may and may not change."""

from unittest import mock

import pytest
from django.test import RequestFactory

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import has_access
from tinhso.identity.external import ExternalProviderBackend


@pytest.fixture
def provider(db, settings):
    settings.OIDC_RP_CLIENT_ID = "tinhso"
    settings.OIDC_RP_CLIENT_SECRET = "s"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://id.example.gov.vn/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://id.example.gov.vn/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://id.example.gov.vn/jwks"
    settings.TINHSO_OIDC_LOGIN_MATCH_CLAIM = "preferred_username"
    backend = ExternalProviderBackend()

    def sign_in(claims: dict) -> User | None:
        backend.request = RequestFactory().get("/oidc/callback/")
        with mock.patch.object(backend, "get_userinfo", return_value=claims):
            return backend.get_or_create_user("access", "id-token", {})
    return sign_in


def test_a_known_official_is_matched_by_the_configured_claim_and_keeps_unit_and_role(provider, commune_focal,
                                                                                    commune):
    user = provider({"sub": "a1", "preferred_username": "COMMUNE-FOCAL", "name": "Lê Văn A",
                     "email": "a@backan.gov.vn", "role": "admin"})
    assert user == commune_focal
    user.refresh_from_db()
    assert user.full_name == "Lê Văn A" and user.email == "a@backan.gov.vn"
    assert user.unit == commune and user.role == Role.FOCAL  # the provider does not grant tinhso roles


def test_an_unknown_person_gets_an_account_with_no_access(provider):
    user = provider({"sub": "b2", "preferred_username": "nguoi.moi", "name": "Người Mới"})
    assert user.username == "nguoi.moi" and user.unit is None and not user.has_usable_password()
    assert not has_access(user)


def test_matching_by_e_mail_when_configured(provider, settings, viewer_user):
    settings.TINHSO_OIDC_LOGIN_MATCH_CLAIM = "email"
    viewer_user.email = "lanhdao@thainguyen.gov.vn"
    viewer_user.save()
    assert provider({"sub": "c3", "email": "LanhDao@thainguyen.gov.vn"}) == viewer_user


def test_a_sign_in_without_the_matching_claim_is_refused(provider):
    from django.core.exceptions import SuspiciousOperation

    with pytest.raises(SuspiciousOperation):
        provider({"sub": "d4"})


def test_the_login_page_offers_the_provider_only_when_configured(db, client):
    assert "external-login" not in client.get("/login/").content.decode()
