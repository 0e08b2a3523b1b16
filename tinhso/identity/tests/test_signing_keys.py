"""Signing-key rotation: the new key signs, the retired key stays published so tokens already issued verify."""

import os
import stat

from django.test import Client

from tinhso.identity import keys
from tinhso.identity.tests.oidc_helpers import header_of, verify_id_token
from tinhso.identity.tests.test_oidc_provider import _sign_in, browser, registered  # noqa: F401


def test_keys_are_created_private_and_rotation_keeps_the_old_key_published(tmp_path):
    active, retired = keys.signing_keys(tmp_path)
    assert retired == [] and "PRIVATE KEY" in active
    assert stat.S_IMODE(os.stat(tmp_path / keys.ACTIVE_NAME).st_mode) == 0o600
    keys.rotate(tmp_path, "20261202T030000")
    new_active, retired = keys.signing_keys(tmp_path)
    assert new_active != active and retired == [active]
    for n in range(keys.KEEP_RETIRED + 2):
        keys.rotate(tmp_path, f"20261203T0000{n:02d}")
    assert len(keys.signing_keys(tmp_path)[1]) == keys.KEEP_RETIRED


def test_a_token_signed_before_rotation_still_verifies_after_it(registered, browser, settings, tmp_path):  # noqa: F811
    client, secret = registered
    old_active, _ = keys.signing_keys(tmp_path)
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": old_active,
                                "OIDC_RSA_PRIVATE_KEYS_INACTIVE": []}
    before = _sign_in(browser, client, secret)["id_token"]
    keys.rotate(tmp_path, "20261202T030000")
    new_active, retired = keys.signing_keys(tmp_path)
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": new_active,
                                "OIDC_RSA_PRIVATE_KEYS_INACTIVE": retired}
    after = _sign_in(browser, client, secret)["id_token"]
    assert header_of(before)["kid"] != header_of(after)["kid"]
    published = {k["kid"] for k in Client().get("/.well-known/jwks.json").json()["keys"]}
    assert {header_of(before)["kid"], header_of(after)["kid"]} <= published
    assert verify_id_token(Client(), before)["sub"] == verify_id_token(Client(), after)["sub"]
