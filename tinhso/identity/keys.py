"""The RSA keys that sign ID tokens, kept in the data directory so they survive restarts.

`signing_keys(data_dir)` returns the active key and the retired ones. Retired keys stay published in the
JWKS (django-oauth-toolkit's OIDC_RSA_PRIVATE_KEYS_INACTIVE), so an ID token signed before a rotation still
verifies until the applications holding it have refreshed. No Django import: settings.py calls it.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ACTIVE_NAME = "oidc-signing-key.pem"
RETIRED_DIR = "oidc-retired-keys"
# How many retired keys stay published; older ones are deleted at the next rotation.
KEEP_RETIRED = 3


def _new_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _write_private(path: Path, text: str) -> None:
    # Created with mode 0600 from the start: a private key is never world-readable, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def signing_keys(data_dir: Path) -> tuple[str, list[str]]:
    """(active private key PEM, retired private key PEMs newest first); creates the active key once."""
    active = data_dir / ACTIVE_NAME
    if not active.exists():
        _write_private(active, _new_pem())
    retired_dir = data_dir / RETIRED_DIR
    retired = sorted(retired_dir.glob("*.pem"), reverse=True) if retired_dir.is_dir() else []
    return active.read_text(), [p.read_text() for p in retired]


def rotate(data_dir: Path, stamp: str) -> Path:
    """Retire the active key under `stamp` (sortable, e.g. 20261202T0300) and create a new active key.
    Returns the retired key's path. Servers pick the new key up at their next start."""
    active = data_dir / ACTIVE_NAME
    retired_dir = data_dir / RETIRED_DIR
    retired_dir.mkdir(mode=0o700, exist_ok=True)
    target = retired_dir / f"{stamp}.pem"
    if active.exists():
        _write_private(target, active.read_text())
    _write_private(active, _new_pem())
    for old in sorted(retired_dir.glob("*.pem"), reverse=True)[KEEP_RETIRED:]:
        old.unlink()
    return target
