"""The data directory is private from the start: directory 0700; database, secret key and uploads 0600,
even under the usual umask 022 that would make them world-readable."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

SETUP = """
import os
os.umask(0o022)
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
connection.ensure_connection()
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x int)")
default_storage.save("programme/evidence/2025/bien-ban.pdf", ContentFile(b"%PDF"))
import glob, json, stat
from django.conf import settings
# the WAL files exist while a connection is open
print(json.dumps({os.path.basename(p): stat.S_IMODE(os.stat(p).st_mode)
                  for p in glob.glob(str(settings.DATA_DIR / "tinhso.sqlite3*"))}))
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _start(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("TINHSO_DATABASE_URL", "TINHSO_SECRET_KEY")}
    env["TINHSO_DATA_DIR"] = str(data_dir)
    done = subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120, capture_output=True,
                          text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_new_data_directory_is_private(tmp_path):
    data = tmp_path / "tinhso-data"
    databases = _start(data)
    assert _mode(data) == 0o700
    assert _mode(data / "secret_key") == 0o600 and len((data / "secret_key").read_text()) > 40
    assert databases == {"tinhso.sqlite3": 0o600, "tinhso.sqlite3-wal": 0o600, "tinhso.sqlite3-shm": 0o600}
    assert _mode(data / "media") == 0o700
    assert _mode(data / "media" / "programme" / "evidence" / "2025") == 0o700
    assert _mode(next((data / "media" / "programme" / "evidence" / "2025").iterdir())) == 0o600


def test_an_existing_world_readable_data_directory_is_tightened(tmp_path):
    data = tmp_path / "old"
    data.mkdir(mode=0o755)
    (data / "secret_key").write_text("k" * 50)
    (data / "tinhso.sqlite3").write_bytes(b"")
    for path in (data, data / "secret_key", data / "tinhso.sqlite3"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    _start(data)
    assert _mode(data) == 0o700
    assert _mode(data / "secret_key") == 0o600 and (data / "secret_key").read_text() == "k" * 50
    assert _mode(data / "tinhso.sqlite3") == 0o600
