"""TLS deployment settings come from TINHSO_* variables, `check --deploy` is clean in the documented
production configuration (docs/deployment.md), and every page carries a Content-Security-Policy that
forbids inline scripts — which no template uses, so every page still works under it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tinhso
from tinhso.conftest import login

# the production configuration documented in docs/deployment.md
PRODUCTION = {
    "TINHSO_SECURE_COOKIES": "1", "TINHSO_SSL_REDIRECT": "1", "TINHSO_HSTS_SECONDS": "31536000",
    "TINHSO_HSTS_PRELOAD": "1", "TINHSO_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "TINHSO_ALLOWED_HOSTS": "tinhso.example.gov.vn", "TINHSO_CSRF_TRUSTED_ORIGINS": "https://tinhso.example.gov.vn",
    "TINHSO_SESSION_AGE": "28800", "TINHSO_OIDC_BCP": "1",
}
ROOT = Path(tinhso.__file__).resolve().parent


def _run(code: str, env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TINHSO_", "DJANGO_"))}
    env.update({"TINHSO_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT.parent), **env_extra})
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


CHECK = ("import sys; from tinhso.cli import main; "
         "sys.exit(main(['manage', 'check', '--deploy', '--fail-level', 'WARNING']))")


def test_check_deploy_is_clean_in_the_documented_production_configuration(tmp_path):
    result = _run(CHECK, PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr
    # and the same check does complain about a development configuration, so it is really checking
    assert _run(CHECK, {}, tmp_path).returncode != 0


def test_tls_settings_follow_the_environment(tmp_path):
    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE']='tinhso.settings'; from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
            "s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_AGE)")
    out = _run(code, PRODUCTION, tmp_path).stdout.strip()
    assert out == "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') 28800"
    out = _run(code, {}, tmp_path).stdout.strip()
    assert out == "False False False 0 None 43200"
    bad = _run(code, {"TINHSO_SESSION_AGE": "một ngày"}, tmp_path)
    assert bad.returncode != 0 and "TINHSO_SESSION_AGE" in bad.stderr


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_holds_an_inline_script_or_handler():
    found = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                found.append(f"{template.relative_to(ROOT)}: {what}: {match.group(0)}")
    assert not found, "\n".join(found)


def test_pages_and_api_docs_carry_the_policy(client, admin_user):
    client.force_login(admin_user)
    for path in ("/", "/units/", "/api/v1/docs", "/login/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.e2e
def test_language_select_works_under_the_policy(browser_page, live_server, admin_user):
    page = browser_page.context.browser.new_page(base_url=live_server.url, locale="vi-VN")  # CSP enforced
    page.set_default_timeout(90_000)  # Swagger UI's bundle is slow to start on a loaded machine
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, "root")
    page.goto("/units/")
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]")  # selectors, not wait_for_function: that one needs eval()
    page.select_option("select[name=language]", "vi")
    page.wait_for_selector("html[lang=vi]")
    page.goto("/api/v1/docs")  # Swagger UI runs from the package's files under the same policy
    page.wait_for_selector(".swagger-ui .info")
    assert not violations, violations
    page.close()
