"""Settings for Houqin, read from the environment.

Embedded default: SQLite and media in the user's data directory. Production: set
HOUQIN_DATABASE_URL (PostgreSQL), HOUQIN_REDIS_URL, HOUQIN_SECRET_KEY, HOUQIN_ALLOWED_HOSTS.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or env_bool("HOUQIN_TESTING")

DATA_DIR = Path(env("HOUQIN_DATA_DIR", Path.home() / ".local" / "share" / "houqin")).expanduser()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key():
    """A secret from the environment, or one generated once and kept in the data directory."""
    if env("HOUQIN_SECRET_KEY"):
        return env("HOUQIN_SECRET_KEY")
    path = DATA_DIR / "secret_key"
    try:
        # Private (0600) from the first byte; O_EXCL: a second process never overwrites the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("HOUQIN_DEBUG", False)
ALLOWED_HOSTS = [h for h in env("HOUQIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("HOUQIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = env("HOUQIN_SITE_URL", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "houqin.core",
    "houqin.maintenance",
    "houqin.assets",
    "houqin.supplies",
    "houqin.procurement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "houqin.core.middleware.ScopeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "houqin.urls"
WSGI_APPLICATION = "houqin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "houqin.core.context_processors.houqin",
            ],
        },
    }
]

# Database: SQLite in the data directory unless HOUQIN_DATABASE_URL says otherwise.
_db_url = env("HOUQIN_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'houqin.sqlite3'}"
if TESTING and env("HOUQIN_TEST_DATABASE_URL"):
    _db_url = env("HOUQIN_TEST_DATABASE_URL")
DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=int(env("HOUQIN_CONN_MAX_AGE", "60")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif TESTING:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("TEST", {})
    if env("HOUQIN_TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"]["NAME"] = env("HOUQIN_TEST_DATABASE_NAME")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "houqin.core.auth.MembershipBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Simplified Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The .po files ship in houqin/locale; their compiled .mo live in the data directory.
HOUQIN_COMPILED_LOCALE_DIR = DATA_DIR / "locale"
LOCALE_PATHS = [HOUQIN_COMPILED_LOCALE_DIR]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("HOUQIN_STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("HOUQIN_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Uploads: size limit and accepted types (checked by content, not by name).
HOUQIN_MAX_UPLOAD_BYTES = int(env("HOUQIN_MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = HOUQIN_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The asset ledger import (assets/services/imports.py): its own size limits, larger than an
# attachment's, and how long a checked but unregistered ledger is kept.
HOUQIN_ASSET_IMPORT_MAX_ROWS = int(env("HOUQIN_ASSET_IMPORT_MAX_ROWS", "100000"))
HOUQIN_ASSET_IMPORT_MAX_BYTES = int(env("HOUQIN_ASSET_IMPORT_MAX_MB", "32")) * 1024 * 1024
HOUQIN_ASSET_IMPORT_KEEP_DAYS = int(env("HOUQIN_ASSET_IMPORT_KEEP_DAYS", "7"))

# Cache and sessions: Redis when configured, otherwise local memory and database sessions.
REDIS_URL = env("HOUQIN_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks: the database queue by default; RQ on Redis at scale; immediate in tests (explicit).
_task_backend = env("HOUQIN_TASK_BACKEND", "database")
if TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif _task_backend == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    INSTALLED_APPS.append("django_rq")
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email: a real channel only when SMTP is configured.
EMAIL_HOST = env("HOUQIN_EMAIL_HOST", "")
EMAIL_PORT = int(env("HOUQIN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("HOUQIN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env("HOUQIN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HOUQIN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env("HOUQIN_EMAIL_FROM", "houqin@localhost")
HOUQIN_EMAIL_ENABLED = bool(EMAIL_HOST)
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Security.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_https = env_bool("HOUQIN_HTTPS", False)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https and env_bool("HOUQIN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login lockout: after repeated failures the username/IP pair is locked for a while.
AXES_FAILURE_LIMIT = int(env("HOUQIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("HOUQIN_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "houqin.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "houqin.core.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Houqin API",
    "DESCRIPTION": "School logistics office: organisation, places, approvals, rule book and more.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and docs describe every endpoint: for logged-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

DJANGO_TABLES2_TEMPLATE = "core/tables/table.html"
DJANGO_TABLES2_PAGE_RANGE = 6

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("HOUQIN_LOG_LEVEL", "WARNING")},
}
