"""formsvc settings: one module, driven by environment variables.

Every value that differs between a laptop and production comes from the environment through the
small helpers below, which refuse a malformed value instead of guessing.
"""

import os
import secrets
import sys
from datetime import timedelta
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


TESTING = "pytest" in sys.modules
DEBUG = env_bool("DEBUG", False)

# The running service (a WSGI/ASGI server, `manage.py runserver`, the background worker) refuses
# to start without SECRET_KEY when DEBUG is off. A one-off command at a terminal
# (`manage.py verify_record FILE.pdf`, `migrate`, ...) answers no browser and signs nothing one will
# present: without SECRET_KEY it runs with a throwaway key made for that run, so the README's
# commands work as written on a `make run` checkout, and nothing it could sign is accepted elsewhere.
# `check` refuses too, so `check --deploy` still reports the missing key.
SERVICE_COMMANDS = {"runserver", "db_worker", "check"}
_COMMAND = sys.argv[1] if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 else None
ONE_OFF_COMMAND = _COMMAND is not None and _COMMAND not in SERVICE_COMMANDS

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "formsvc-development-key-not-for-production-use-0123456789"
    elif ONE_OFF_COMMAND:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Runtime data that must never be committed: signing keys, generated PDFs, exports.
VAR_DIR = Path(env_str("FORMSVC_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    # The admin is the supervisors' approval queue; its site admits supervisors only.
    "elections.review.apps.FormsvcAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "elections.review.apps.SignInAttemptsConfig",
    # The second factor of supervisors, auditors and admin users (elections/second_factor.py):
    # an authenticator app (TOTP), one-time recovery codes, and passkeys (WebAuthn).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "elections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what every middleware below produces (WhiteNoise answers static files above it,
    # already compressed). Django's GZipMiddleware pads each response with random bytes (Heal The
    # Breach) and Django masks CSRF tokens on every page, so compression does not open BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Keeps a session in use alive, writing its row at most once a minute (elections/middleware.py).
    "elections.middleware.IdleExpiryMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Nothing the service answers (records, PDFs, exports, the API) is kept by a browser or proxy.
    "elections.middleware.NoStoreMiddleware",
    # Before the CSRF check, the first to read the body: a post over the limit gets its page back.
    "elections.middleware.OversizedPostMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # request.user.is_verified(); then staff with only a password are sent to the second factor.
    "django_otp.middleware.OTPMiddleware",
    "elections.second_factor.SecondFactorRequiredMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "formsvc.urls"
WSGI_APPLICATION = "formsvc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Each template is read and compiled once per process, then served from memory, under
            # DEBUG too (`runserver` restarts when a template changes, so nothing is stale).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "elections.context_processors.staff",
            ],
        },
    },
]

# PostgreSQL: each server process keeps its connection for DATABASE_CONN_MAX_AGE seconds instead
# of opening one for every request (the TCP and authentication round trips cost more than most
# pages' queries). Persistent connections rather than psycopg's pool: gunicorn's sync workers
# (gunicorn.conf.py) serve one request at a time in one thread, so a pool would hold one connection
# per process anyway, plus a pool thread. CONN_HEALTH_CHECKS tests a kept connection before a
# request reuses it, so a database restart costs one reconnect, not a failed request. Count
# workers x app servers against PostgreSQL's max_connections. SQLite opens a file: 0 by default.
_DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=env_int(
            "DATABASE_CONN_MAX_AGE", 0 if _DATABASE_URL.startswith("sqlite") else 60
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Every transaction takes SQLite's write lock as it begins (BEGIN IMMEDIATE), so two
        # people acting on one election queue one behind the other, as select_for_update() makes
        # them do on PostgreSQL (on SQLite it does nothing). With SQLite's default, both read,
        # then the second to write fails at once with "database is locked".
        "transaction_mode": "IMMEDIATE",
        # Seconds a transaction waits for the write lock: an approval holds it while it renders
        # and seals the PDF (about half a second), so this lets a queue of them through.
        "timeout": 20,
        # Write-ahead log: pages being read (queue, records, the background worker) neither wait
        # for the writer nor hold it up. synchronous stays FULL: an approval the supervisor was
        # told is done survives a power cut. The database file must be on a local disk.
        "init_command": "PRAGMA journal_mode=WAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "elections.auth.StaffModelBackend",
]
# Passwords as OWASP ASVS 5.0 level 2 (V6.2), wherever one is set: the admin's change-password and
# set-password pages, `createsuperuser`, `changepassword`.
# - At least 15 characters: ASVS's recommended minimum (V6.2.1 accepts 8), and NIST SP 800-63B-4's
#   minimum for a password that is the only factor, as it is for officers on shared tablets.
# - Not one of the 20,000 most common passwords (V6.2.4; compared case-insensitively), nor close
#   to the account's own username, names or e-mail (V6.2.11, context-specific words).
# - No composition rules (V6.2.5): any character, Unicode included, no required digits or
#   symbols; so NumericPasswordValidator, which refuses a password of digits only, is left out.
# - No maximum below 64 (V6.2.9): the forms set none, and the PBKDF2 hasher reads every
#   character (no truncation, unlike plain bcrypt's 72 bytes), exactly as typed (V6.2.8).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "elections:home"
LOGOUT_REDIRECT_URL = "login"
# A form posted with no session and no CSRF cookie left: sign in again, then back to the page.
CSRF_FAILURE_VIEW = "elections.accounts.csrf_failure"

# Failed-login throttling: five wrong passwords lock that user from that address for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Every failed sign-in is kept (and whether it locked the account out), for the admin's lists.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS = ["csrfmiddlewaretoken"]
# The admin lists (superusers only, read-only) are elections/review/accounts.py.
AXES_ENABLE_ADMIN = False

# Tablets are shared and left on desks: an idle session ends after 15 minutes. The session row is
# not rewritten on every request: elections.middleware.IdleExpiryMiddleware moves its expiry on at
# most once every SESSION_REFRESH_SECONDS, so a session ends between 15 minutes less that interval
# and 15 minutes after the last request, never later.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 15 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Over HTTPS the cookies carry the __Host- prefix: the browser then accepts them only when Secure,
# for the whole site (Path=/) and without a Domain, so neither a sibling subdomain nor a plain-HTTP
# page can plant or overwrite them. Browsers refuse a __Host- cookie that is not Secure, hence
# the plain names over HTTP (DEBUG, tests).
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer's health check reaches each app server directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script anywhere; images may be data: URLs only for the signature pad preview.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Where sealed PDFs and exports are kept (STORAGES["default"]): the folder MEDIA_ROOT, or a private
# bucket of an S3-compatible object store (django-storages) when FORMSVC_STORAGE=s3:
#   AWS_STORAGE_BUCKET_NAME   the bucket (required); it is never made public and the app never
#                             hands out its URLs: every download goes through the app's own views.
#   AWS_S3_ENDPOINT_URL       the store's address, e.g. http://127.0.0.1:8333 (empty: AWS S3).
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY  the key (empty: boto3's usual chain, e.g. a role).
#   AWS_S3_REGION_NAME        the region (default us-east-1).
#   AWS_S3_ADDRESSING_STYLE   path or virtual (default path, which every S3-compatible store takes).
#   AWS_LOCATION              a key prefix inside the bucket (default none).
#   AWS_S3_VERIFY             a CA bundle for the store's TLS certificate (default: the system's).
#   AWS_S3_TIMEOUT            seconds to wait for the store to connect or answer (default 10).
FORMSVC_STORAGE = (env_str("FORMSVC_STORAGE", "filesystem") or "filesystem").strip().lower()
if FORMSVC_STORAGE == "s3":
    from botocore.config import Config as _BotoConfig

    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("FORMSVC_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _s3_timeout = env_int("AWS_S3_TIMEOUT", 10)
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or "us-east-1",
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or "path",
            "location": env_str("AWS_LOCATION", ""),
            "verify": env_str("AWS_S3_VERIFY") or None,
            # Objects keep the bucket's (private) access; nothing is given a public ACL.
            "default_acl": None,
            # A name already in the bucket is never overwritten: a sealed PDF is written once.
            "file_overwrite": False,
            # Were a URL ever made it would be signed and short-lived; the app makes none.
            "querystring_auth": True,
            "querystring_expire": 60,
            # A store that is down fails an approval within seconds instead of hanging it.
            "client_config": _BotoConfig(
                connect_timeout=_s3_timeout,
                read_timeout=_s3_timeout,
                retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or "path"},
            ),
        },
    }
elif FORMSVC_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"FORMSVC_STORAGE must be filesystem or s3, not {FORMSVC_STORAGE!r}")

# In development and tests WhiteNoise serves straight from the app and project static folders.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "formsvc": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    },
}

# --- formsvc's own settings -------------------------------------------------------------------

# R13: a decision made sooner than this after the notice is flagged for the supervisor.
FORMSVC_MIN_DECISION_MINUTES = env_int("FORMSVC_MIN_DECISION_MINUTES", 30)
# Uploaded signature images: PNG only, bounded bytes and pixels, re-encoded before storage.
FORMSVC_SIGNATURE_MAX_BYTES = env_int("FORMSVC_SIGNATURE_MAX_BYTES", 300_000)
FORMSVC_SIGNATURE_MAX_PIXELS = env_int("FORMSVC_SIGNATURE_MAX_PIXELS", 4_000_000)
FORMSVC_SIGNATURE_MAX_SIDE = env_int("FORMSVC_SIGNATURE_MAX_SIDE", 4000)
# A form post's body limit. A signature arrives as base64 (4/3 of its bytes), form-encoded (up to
# 3 bytes a character): room for twice the largest that and 1 MB of other fields, so a signature
# just over its own limit is refused by the form, with everything else kept, and only a far larger
# body is answered before it is read (elections/middleware.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 3 * (FORMSVC_SIGNATURE_MAX_BYTES * 4 // 3 + 4) + 1_000_000

# Sealed records: the PDF made at approval is signed (PAdES) with a PKCS#12 certificate.
#   FORMSVC_SIGNING_P12           the PKCS#12 file (key, certificate, chain) that seals records.
#                                 Default VAR_DIR/signing/signing.p12: a development certificate,
#                                 made on first use when DEBUG is on or under tests (`make run`,
#                                 `make test` and `manage.py ensure_signing_key` make it too).
#   FORMSVC_SIGNING_P12_PASSWORD  its passphrase (a fixed one for the development file).
#   FORMSVC_SIGNING_CA            PEM file of the root(s) verification trusts: a sealed PDF is
#                                 "ours" when its certificate chains to one of them. Default
#                                 VAR_DIR/signing/ca.pem, the development CA.
#   FORMSVC_TSA_URL               an RFC 3161 timestamp authority; when set, every seal carries a
#                                 trusted timestamp (PAdES B-T). Empty: no timestamp (B-B).
#   FORMSVC_TSA_CA                PEM file of the timestamp authority's root(s), trusted when
#                                 verifying timestamps (besides FORMSVC_SIGNING_CA).
#   FORMSVC_TSA_TIMEOUT           seconds to wait for the timestamp authority (default 10).
#   FORMSVC_PUBLIC_URL            the service's address as printed in each record's QR code.
FORMSVC_SIGNING_P12 = Path(env_str("FORMSVC_SIGNING_P12", str(VAR_DIR / "signing" / "signing.p12")))
FORMSVC_SIGNING_P12_PASSWORD = env_str(
    "FORMSVC_SIGNING_P12_PASSWORD",
    "formsvc-development-seal" if "FORMSVC_SIGNING_P12" not in os.environ else "",
)
FORMSVC_SIGNING_CA = Path(env_str("FORMSVC_SIGNING_CA", str(VAR_DIR / "signing" / "ca.pem")))
FORMSVC_TSA_URL = env_str("FORMSVC_TSA_URL", "")
FORMSVC_TSA_CA = env_str("FORMSVC_TSA_CA", "")
FORMSVC_TSA_TIMEOUT = env_int("FORMSVC_TSA_TIMEOUT", 10)
FORMSVC_PUBLIC_URL = env_str("FORMSVC_PUBLIC_URL", "http://127.0.0.1:8000")

# The second factor (elections/second_factor.py). Supervisors, auditors and admin users confirm
# each sign-in, and each approval, with a passkey or a code from an authenticator app; officers on
# shared tablets sign in with their password only. Passkeys are a second factor only, never a
# sign-in without the password.
#   FORMSVC_PASSKEY_RP_ID    the domain passkeys belong to (default: FORMSVC_PUBLIC_URL's host;
#                            an IP address is not a valid one, so 127.0.0.1 becomes localhost:
#                            use http://localhost:8000 for passkeys under `make run`). A passkey
#                            made for one domain works on it and its subdomains only.
#   FORMSVC_PASSKEY_ORIGINS  comma-separated origins the browser may be on when it uses one
#                            (default: FORMSVC_PUBLIC_URL's, with that domain).
_public = urlsplit(FORMSVC_PUBLIC_URL)
_public_host = _public.hostname or "localhost"
try:
    ip_address(_public_host)
    _public_host = "localhost"
except ValueError:
    pass
OTP_WEBAUTHN_RP_ID = env_str("FORMSVC_PASSKEY_RP_ID", _public_host)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "FORMSVC_PASSKEY_ORIGINS",
    [f"{_public.scheme}://{_public_host}" + (f":{_public.port}" if _public.port else "")],
)
OTP_WEBAUTHN_RP_NAME = "formsvc"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Ten minutes for the browser's passkey prompt (WCAG 2.2 enough time), then the page asks again.
OTP_WEBAUTHN_TIMEOUT_SECONDS = 10 * 60
OTP_TOTP_ISSUER = "formsvc"

# The auditor's workspace (/audit/). A ZIP export of up to FORMSVC_EXPORT_STREAM_MAX records
# streams at once; a larger one is built by the background worker (`manage.py db_worker`) and
# its link lives FORMSVC_EXPORT_LINK_HOURS. Exports beyond the maxima are refused.
FORMSVC_EXPORT_MAX_RECORDS = env_int("FORMSVC_EXPORT_MAX_RECORDS", 50_000)
FORMSVC_EXPORT_STREAM_MAX = env_int("FORMSVC_EXPORT_STREAM_MAX", 200)
FORMSVC_EXPORT_LINK_HOURS = env_int("FORMSVC_EXPORT_LINK_HOURS", 24)
FORMSVC_CSV_EXPORT_MAX_ROWS = env_int("FORMSVC_CSV_EXPORT_MAX_ROWS", 200_000)
# Verification uploads: one PDF or an exported ZIP, bounded in bytes, files and expansion.
FORMSVC_VERIFY_MAX_UPLOAD_BYTES = env_int("FORMSVC_VERIFY_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
FORMSVC_VERIFY_MAX_PDF_BYTES = env_int("FORMSVC_VERIFY_MAX_PDF_BYTES", 20 * 1024 * 1024)
FORMSVC_VERIFY_MAX_FILES = env_int("FORMSVC_VERIFY_MAX_FILES", 500)
FORMSVC_VERIFY_MAX_UNZIPPED_BYTES = env_int("FORMSVC_VERIFY_MAX_UNZIPPED_BYTES", 1024 * 1024 * 1024)
FORMSVC_VERIFY_MAX_RATIO = env_int("FORMSVC_VERIFY_MAX_RATIO", 100)

# The HTTP benchmark's trivial reference view at /bench/trivial (formsvc/bench.py). Off, always,
# outside the benchmark's own throwaway server.
FORMSVC_BENCH_TRIVIAL_VIEW = env_bool("FORMSVC_BENCH_TRIVIAL_VIEW", False)

# R9: a past version is never restored over the record; the admin's history is read-only.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Admin titles, translated.
ADMIN_SITE_HEADER = _("formsvc supervisor review")

# --- The JSON API (/api/v1/, elections/api/) ----------------------------------------------------
# Systems authenticate with a service account's bearer token (`manage.py create_api_token`);
# no session, so no CSRF. API_RATE is each token's request limit ("600/min", "20/s", "10000/day"),
# counted in the default cache: with several server processes, give them a shared cache
# (CACHES) or each counts its own.
API_RATE = env_str("API_RATE", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["elections.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["elections.api.permissions.ScopeRequired"],
    "DEFAULT_THROTTLE_CLASSES": ["elections.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "elections.api.errors.api_exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "elections.api.negotiation.FirstRendererNegotiation",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "formsvc API",
    "DESCRIPTION": (
        "Removal clearance, family-unit intake, sealed records, removals and the report of "
        "parents removed without a documented choice. Every request carries "
        "`Authorization: Bearer <token>` (`manage.py create_api_token`); every error is "
        '`{"error": code, "detail": message}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["elections.api.schema.canonical_paths_only"],
    "ENUM_NAME_OVERRIDES": {
        "ElectionStatusEnum": "elections.constants.Status",
        "RemovalFlagEnum": "elections.models.RemovalFlag",
    },
}
