"""Settings read from the environment (twelve-factor); safe defaults for a local demo.

DATABASE_URL selects the database (SQLite file under var/ when unset); SECRET_KEY, DEBUG and
ALLOWED_HOSTS follow the usual Django meaning.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ICILABAS_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)


def local_secret_key(folder: Path) -> str:
    """This installation's own key, made once at random into `folder` (mode 0600): no key is
    written in the source, so no two installations sign sessions and reset links alike. A
    production set-up gives SECRET_KEY (`check --deploy` says so otherwise: core.checks)."""
    path = folder / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it at the same moment
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as stream:
            stream.write(key)
        return key


SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key(VAR_DIR)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_countries",
    "django_htmx",
    "ninja",  # its Swagger UI from its own static files, not a CDN: the API docs under the CSP
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "icilabas.core",
    "icilabas.reference",
    "icilabas.actors",
    "icilabas.cooperation",
    "icilabas.knowledge",
    "icilabas.meetings",
    "icilabas.portal",
    "icilabas.matching",
    "icilabas.api",
    "icilabas.interop",
    "icilabas.demo",
    "icilabas.members",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "icilabas.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "icilabas.core.uploads.OversizedUploadMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "icilabas.core.logs.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "icilabas.urls"
WSGI_APPLICATION = "icilabas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'icilabas.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A connection kept across requests is checked first: after the database was away,
        # the next request reconnects instead of failing on the dead connection.
        conn_health_checks=True,
    )
}
# /healthz answers 503 when the disk holding MEDIA_ROOT has less room than this.
HEALTH_MIN_FREE_MB = int(os.environ.get("HEALTH_MIN_FREE_MB", "200"))
_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if _SQLITE:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database's folder
    # WAL lets readers work while a writer writes; the busy timeout avoids "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "icilabas.members.backends.EmailOrUsernameBackend",
]
# Login throttling: after 5 failures for one account from one address, 15 minutes' wait. The
# account is counted whatever names it (username, e-mail, any case): members.backends.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "icilabas.members.backends.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Ici & Là-bas"

LOGIN_URL = "login"
# The site's public address, for links in e-mails sent by the worker (no request to read it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The network's région (INSEE code; 75 = Nouvelle-Aquitaine): the dashboard's share of communes.
NETWORK_REGION = os.environ.get("NETWORK_REGION", "75")
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link lasts a day

# E-mail: printed on the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Ici & Là-bas <ne-pas-repondre@localhost>"
)
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The largest file accepted (an IATI file, 2 GB); bigger ones are dropped while they arrive.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_MB", "2048")) * 2**20
# A spreadsheet checked in a dry run but never confirmed is deleted after this many hours.
IMPORT_FILE_HOURS = int(os.environ.get("IMPORT_FILE_HOURS", "24"))
# A partnership's document (PDF, office file, image: core.files); bigger ones are given as links.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_MB", "20")) * 2**20
# Uploaded files are never served from MEDIA_URL: a view checks who may read them, then sends
# them itself or, with SENDFILE_HEADER=X-Accel-Redirect (nginx) or X-Sendfile (Apache), lets
# the front server send them from an internal location (SENDFILE_URL_PREFIX for nginx).
SENDFILE_HEADER = os.environ.get("SENDFILE_HEADER", "")
SENDFILE_URL_PREFIX = os.environ.get("SENDFILE_URL_PREFIX", "/fichiers-internes/")
FILE_UPLOAD_HANDLERS = [
    "icilabas.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "icilabas.core.files.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

FORMS_URLFIELD_ASSUME_HTTPS = True
COUNTRIES_FIRST = ["FR"]
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Background work (imports, scans, e-mails, scheduled work) goes through django.tasks: to the
# database queue that `icilabas worker` serves ("database"), or run at once in the process
# that asks for it ("immediate": tests, and a set-up with no worker).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}
# A worker that has not said it is alive for this long is taken for dead, and its task is run
# again (or failed, after TASK_MAX_ATTEMPTS): longer than the longest write lock a task holds
# on SQLite, which keeps the heartbeat from being written meanwhile. A worker on this machine
# whose process is gone is known dead at once.
WORKER_LEASE_SECONDS = int(os.environ.get("WORKER_LEASE_SECONDS", "300"))
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "10"))
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "3"))
# Spreadsheets with more rows than this are imported in the background, with progress (on
# SQLite, in short transactions: a file imported within the request holds the write lock
# throughout, 20 to 60 ms a row on a 2-core machine, so far fewer rows there).
SPREADSHEET_BACKGROUND_ROWS = int(
    os.environ.get("SPREADSHEET_BACKGROUND_ROWS", "20" if _SQLITE else "300")
)
HARD_DELETE_AFTER_DAYS = int(os.environ.get("HARD_DELETE_AFTER_DAYS", "30"))
CONFIRMATION_INTERVAL_DAYS = int(os.environ.get("CONFIRMATION_INTERVAL_DAYS", "365"))
LIST_PAGE_SIZE = int(os.environ.get("LIST_PAGE_SIZE", "25"))

# Pages shown to anonymous visitors are kept until the registry changes (core.page_cache), at
# most this many seconds; 0 turns it off. Files under CACHE_DIR are shared by every worker of
# one machine (several machines would need a shared backend such as Redis).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# How long visitors may be shown pages from before the last writes while editors keep saving
# (core.page_cache.visitor_version); 0: every write retires visitors' pages at once.
PAGE_CACHE_SETTLE_SECONDS = int(os.environ.get("PAGE_CACHE_SETTLE_SECONDS", "5"))
CACHES = {
    "default": {
        "BACKEND": "icilabas.core.cache.FileCache",
        "LOCATION": os.environ.get("CACHE_DIR", str(VAR_DIR / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}

# Who reports in IATI exports when a project's lead organisation has no SIREN.
IATI_REPORTING_ORG = (
    os.environ.get("IATI_REPORTING_ORG_REF", "FR-ICILABAS"),
    os.environ.get("IATI_REPORTING_ORG_NAME", "Réseau régional de coopération décentralisée"),
)

# Security headers. No inline script or style anywhere: the policy can stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions in the database, read through the cache: every signed-in page read its session
# with a query (docs/benchmarks.md, project page CPU); written to both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Behind HTTPS in production (HTTPS=true): cookies only over TLS, HSTS, redirects to https.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "icilabas.core.logs.ContextFilter"}},
    "formatters": {
        # JSON lines (the default) for a log collector; "text" for a person reading a terminal.
        "json": {"()": "icilabas.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "text" if os.environ.get("LOG_FORMAT") == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint tells each step of each PDF at INFO level.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
