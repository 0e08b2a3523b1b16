"""Django settings, driven by TINHSO_* environment variables so one install serves demo, tests and production."""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _private(path: Path, mode: int) -> None:
    """Tighten a file or directory this process owns to `mode` (0700/0600): the database, uploads and secret
    key are nobody else's business on a shared server. Windows has no such modes; its ACLs apply."""
    if os.name == "posix" and path.exists() and path.stat().st_uid == os.geteuid() \
            and path.stat().st_mode & 0o777 != mode:
        path.chmod(mode)


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)  # created private, not chmod-ed afterwards
    _private(path, 0o700)  # and an existing one from an older version tightened
    return path


def _data_dir() -> Path:
    return _private_dir(Path(os.environ.get("TINHSO_DATA_DIR") or Path.home() / ".tinhso"))


def _private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if missing (never readable by others, not even for an instant)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    _private(path, 0o600)
    return path


DATA_DIR = _data_dir()
MEDIA_ROOT = _private_dir(DATA_DIR / "media")
MEDIA_URL = "/media/"
# Uploads (evidence) are private too: Django's default would make them 0644.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700


def _secret_key() -> str:
    if key := os.environ.get("TINHSO_SECRET_KEY"):
        return key
    # Generated once per data directory so sessions survive restarts without a shared default key.
    key_file = DATA_DIR / "secret_key"
    try:
        # O_EXCL: created here with mode 0600 from the start, and two processes starting at once
        # cannot both write a key
        handle = os.open(key_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        _private(key_file, 0o600)
    else:
        with os.fdopen(handle, "w") as out:
            out.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("TINHSO_DEBUG", "") == "1"


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in ("1", "true", "yes", "on")


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise SystemExit(f"{name} phải là số nguyên / must be an integer: {value!r}") from exc
ALLOWED_HOSTS = [h for h in os.environ.get("TINHSO_ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("TINHSO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "tinhso.core",
    "tinhso.units",
    "tinhso.accounts",
]
# Domain apps beside the registry; each brings models, services, api.router and urls.
TINHSO_DOMAIN_APPS: list[str] = ["programme", "indicators", "dti", "transport", "ioc", "identity", "security",
                                   "sharing", "documents"]
INSTALLED_APPS += [f"tinhso.{label}" for label in TINHSO_DOMAIN_APPS]
# After the apps, so tinhso's own consent and logout pages override the toolkit's templates.
INSTALLED_APPS += ["oauth2_provider"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tinhso.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tinhso.accounts.middleware.NoAccessByDefaultMiddleware",
    "tinhso.accounts.middleware.SecondFactorMiddleware",
    "tinhso.core.middleware.UploadGuardMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tinhso.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "tinhso.urls"
WSGI_APPLICATION = "tinhso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tinhso.core.context_processors.navigation",
            ],
            "builtins": ["tinhso.core.templatetags.vn"],
        },
    }
]


# How long a write waits for another's lock before giving up with 503 + Retry-After (docs/deployment.md).
LOCK_TIMEOUT_SECONDS = float(os.environ.get("TINHSO_LOCK_TIMEOUT") or 20)
TINHSO_RETRY_AFTER = _int_env("TINHSO_RETRY_AFTER", 5)


def _database() -> dict:
    url = os.environ.get("TINHSO_DATABASE_URL")
    if url:
        database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        # a lock wait ends after LOCK_TIMEOUT_SECONDS with SQLSTATE 55P03, answered 503 (never an endless wait)
        options = database.setdefault("OPTIONS", {})
        lock_timeout = f"-c lock_timeout={int(LOCK_TIMEOUT_SECONDS * 1000)}"
        options["options"] = f"{options.get('options', '')} {lock_timeout}".strip()
        return database
    return {
        "ENGINE": "django.db.backends.sqlite3",
        # SQLite gives its -wal and -shm files the database file's mode, so 0600 here covers them
        "NAME": _private_file(DATA_DIR / "tinhso.sqlite3"),
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN
        # so two concurrent edits queue instead of failing with "database is locked".
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": LOCK_TIMEOUT_SECONDS,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes): after TINHSO_LOGIN_FAILURES wrong passwords for one account the account is
# locked for TINHSO_LOCKOUT_MINUTES; administrators see every attempt and unlock in the admin (Access attempts)
# or with `tinhso manage axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = ["tinhso.accounts.auth.LockoutBackend", "tinhso.accounts.auth.AccountBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("TINHSO_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("TINHSO_LOCKOUT_MINUTES", 15)))
# Locked per account, whatever the address: guessing one official's password from many addresses is the
# threat; axes' hint to add the IP address (W006) would let a rotating attacker go on.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Second factor (TOTP + recovery codes, django-otp): required for these roles (comma-separated; "admin"
# covers the DX office and system administrators), optional for the others. Empty turns the requirement off.
TINHSO_2FA_REQUIRED_ROLES = [r for r in os.environ.get("TINHSO_2FA_REQUIRED_ROLES", "admin").split(",") if r]
OTP_TOTP_ISSUER = "Tỉnh số"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Figures are formatted by tinhso.core.formatting (1.562 · 97,4%) in every language; Django's own
# grouping would only ever apply in English (Vietnamese has none) and there turned years and ids into
# "2,026" — on pages and inside links (?year=2,026, ?unit=1,204).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# `tinhso serve` collects the static files into the data directory with hashed names and gzip copies (cached a
# year, sent compressed: core.serving); files not collected (tests, runserver) are served from the installed
# packages. No CDN.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tinhso.core.staticfiles.HashedStaticFiles"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz",
                                       "br", "swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov",
                                       "mp4", "mpeg", "mpg", "webm", "wmv")

# The province pages open on for accounts without one of their own (the system administrator):
# an electronic code, statistics code or name; empty = the province most accounts belong to.
TINHSO_HOME_PROVINCE = os.environ.get("TINHSO_HOME_PROVINCE", "").strip()
# An intranet map tile server for Leaflet maps (e.g. https://tiles.example.gov.vn/{z}/{x}/{y}.png); empty:
# maps show the units' boundaries on a plain background, nothing is fetched from the internet.
TINHSO_MAP_TILE_URL = os.environ.get("TINHSO_MAP_TILE_URL", "")
EMAIL_BACKEND = os.environ.get("TINHSO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("TINHSO_FROM_EMAIL", "tinhso@localhost")

# Request and upload limits (docs/security-hardening.md, "Uploads"): bodies above TINHSO_MAX_REQUEST_MB and
# uploads above TINHSO_MAX_UPLOAD_MB are refused (413) before they are read; imports stop reading at
# TINHSO_MAX_IMPORT_ROWS rows.
TINHSO_MAX_REQUEST_MB = float(os.environ.get("TINHSO_MAX_REQUEST_MB") or 100)
TINHSO_MAX_UPLOAD_MB = float(os.environ.get("TINHSO_MAX_UPLOAD_MB") or 50)
TINHSO_MAX_IMPORT_ROWS = _int_env("TINHSO_MAX_IMPORT_ROWS", 200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = int(min(TINHSO_MAX_REQUEST_MB, 50) * 1024 * 1024)

# ---------------------------------------------------------------- TLS deployment (docs/deployment.md)
# Behind an HTTPS reverse proxy: TINHSO_SECURE_COOKIES=1 TINHSO_SSL_REDIRECT=1 TINHSO_HSTS_SECONDS=31536000
# TINHSO_PROXY_SSL_HEADER=X-Forwarded-Proto. Off by default so that the demo works on plain http://127.0.0.1.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("TINHSO_SECURE_COOKIES")
SESSION_COOKIE_HTTPONLY = True
# Sessions are read on every request: from a file cache in the data directory, shared by the server's processes,
# and written through to the database (which stays the record: a cache miss reads it). Signing out deletes both,
# so it takes effect in every process; a per-process memory cache would keep a signed-out session alive in the
# other processes. docs/deployment.md, "Serving many users".
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                 "LOCATION": str(_private_dir(_private_dir(DATA_DIR / "cache") / "sessions")),
                 "OPTIONS": {"MAX_ENTRIES": 20_000}},
    # What one server process computed for many requests and the others can reuse (the operations centre's
    # dashboards): a file cache in the data directory, like the sessions.
    "shared": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
               "LOCATION": str(_private_dir(_private_dir(DATA_DIR / "cache") / "shared")),
               "OPTIONS": {"MAX_ENTRIES": 2_000}},
}
SESSION_COOKIE_AGE = _int_env("TINHSO_SESSION_AGE", 12 * 3600)  # a working day, not Django's two weeks
SESSION_EXPIRE_AT_BROWSER_CLOSE = _flag("TINHSO_SESSION_BROWSER_CLOSE")
SECURE_SSL_REDIRECT = _flag("TINHSO_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = _int_env("TINHSO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("TINHSO_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = _flag("TINHSO_HSTS_PRELOAD")


def _proxy_ssl_header() -> tuple[str, str] | None:
    """`X-Forwarded-Proto` (value https) or `X-Forwarded-Proto: https`: the header the TLS proxy sets.
    Only set it when a proxy that overwrites the header always sits in front of tinhso."""
    raw = os.environ.get("TINHSO_PROXY_SSL_HEADER", "").strip()
    if not raw:
        return None
    name, _, value = raw.partition(":")
    meta = name.strip().upper().replace("-", "_")
    return (meta if meta.startswith("HTTP_") else f"HTTP_{meta}", value.strip() or "https")


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header()
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere (behaviours live in core/static/core/behaviour.js); inline styles stay allowed
# for the server-rendered SVG charts. TINHSO_CSP replaces the whole policy; an empty TINHSO_CSP=- drops it.
CONTENT_SECURITY_POLICY = os.environ.get("TINHSO_CSP", "").strip() or (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'")
if CONTENT_SECURITY_POLICY == "-":
    CONTENT_SECURITY_POLICY = ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TINHSO_LOG_LEVEL", "WARNING")},
}


# ---------------------------------------------------------------- sign-in for the province's applications
# tinhso is an OpenID Connect provider (django-oauth-toolkit); the issuer is the site's own address.
# ID tokens are signed with an RSA key kept in the data directory; `tinhso identity rotate-key` retires it
# (still published in the JWKS) and starts a new one.
from tinhso.identity.keys import signing_keys as _signing_keys  # noqa: E402

_ACTIVE_KEY, _RETIRED_KEYS = _signing_keys(DATA_DIR)
# The toolkit's own models, named as swappable settings so migrations resolve them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("TINHSO_OIDC_RSA_PRIVATE_KEY") or _ACTIVE_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _RETIRED_KEYS,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "tinhso.identity.oidc.TinhsoValidator",
    "SCOPES_BACKEND_CLASS": "tinhso.identity.oidc.ClientScopes",
    "REQUEST_APPROVAL_PROMPT": "auto",  # consent is asked the first time, and again after it is revoked
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("TINHSO_OIDC_ACCESS_TOKEN_SECONDS", 3600)),
    "REFRESH_TOKEN_EXPIRE_SECONDS": int(os.environ.get("TINHSO_OIDC_REFRESH_TOKEN_SECONDS", 14 * 24 * 3600)),
    "ROTATE_REFRESH_TOKEN": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
}

# Optional sign-in of tinhso's own users through an external OpenID Connect provider (see docs/identity.md).
TINHSO_OIDC_LOGIN_ENABLED = bool(os.environ.get("TINHSO_OIDC_LOGIN_CLIENT_ID"))
TINHSO_OIDC_LOGIN_NAME = os.environ.get("TINHSO_OIDC_LOGIN_NAME", "cổng định danh của tỉnh")
TINHSO_OIDC_LOGIN_MATCH_CLAIM = os.environ.get("TINHSO_OIDC_LOGIN_MATCH_CLAIM", "preferred_username")
if TINHSO_OIDC_LOGIN_ENABLED:
    AUTHENTICATION_BACKENDS.append("tinhso.identity.external.ExternalProviderBackend")
    OIDC_RP_CLIENT_ID = os.environ["TINHSO_OIDC_LOGIN_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("TINHSO_OIDC_LOGIN_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["TINHSO_OIDC_LOGIN_AUTHORIZATION_URL"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["TINHSO_OIDC_LOGIN_TOKEN_URL"]
    OIDC_OP_USER_ENDPOINT = os.environ["TINHSO_OIDC_LOGIN_USERINFO_URL"]
    OIDC_OP_JWKS_ENDPOINT = os.environ["TINHSO_OIDC_LOGIN_JWKS_URL"]
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = "openid profile email"
    OIDC_USE_PKCE = True


# Production (docs/deployment.md): TINHSO_OIDC_BCP=1 adopts the OAuth 2.0 Security BCP (RFC 9700) behaviour
# django-oauth-toolkit will make its default: no implicit or password grant, PKCE S256 only, tokens never in
# URLs and stored hashed, refresh-token replay revokes the family, https redirect URIs only. Off by default
# because relying parties on a plain-http intranet address would then be refused.
if _flag("TINHSO_OIDC_BCP"):
    OAUTH2_PROVIDER.update({name: True for name in (
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT", "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT",
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD", "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT",
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS", "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE",
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN", "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME",
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING", "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED",
        "REFRESH_TOKEN_REUSE_PROTECTION")})
    OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"] = ["https"]
