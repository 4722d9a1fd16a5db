"""One settings module for both ways to run, configured from environment variables.

Embedded (default): SQLite in WAL mode, huey on an SQLite queue file, mail to the console.
Scale-out: DATABASE_URL (PostgreSQL), REDIS_URL (huey on Redis), EMAIL_URL-style SMTP settings.
See docs/operations.md.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TOUCHPOINTS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # Embedded mode: one random key per installation, kept beside the database.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:" + os.environ.get("PORT", "8000"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_ratelimit",
    "huey.contrib.djhuey",
    "core",
    "accounts",
    "practices",
    "patients",
    "journey",
    "scheduling",
    "messaging",
    "frontdesk",
    "feedback",
    "insights",
    "cx",
    "audit",
    "monitoring",  # health checks, metrics (docs/operations.md, "Health, logs and metrics")
    "demo",  # the demo practice's builders and seed_demo; no production app imports it
]

MIDDLEWARE = [
    "core.request_id.RequestIdMiddleware",  # first: every later log line and response carries the id
    "monitoring.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.PrivatePagesMiddleware",  # Cache-Control: private, no-store on staff and patient pages
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite in WAL mode unless DATABASE_URL says otherwise -----------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'touchpoints.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "practices:home"
# Which of a user's practices require two-factor sign-in. accounts sits below practices and asks
# through this function (accounts/selectors.py), so the dependency points down the layers.
TWO_FACTOR_REQUIRED_BY = "practices.selectors.practices_requiring_two_factor"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: five failures in a row lock the account; the sixth attempt is refused.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Failures count per account AND address together: five wrong passwords from one address lock that
# account from that address only, so an attacker elsewhere cannot lock the front desk out, and one
# mistyping colleague does not lock out everyone behind the office's shared address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form's "username" field carries the email; count failures per lower-cased email.
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- The client's address (core/client_address.py) -----------------------------------------------
# No proxy (the default): the socket's address, and X-Forwarded-For is ignored (a client cannot spoof
# it). Behind N reverse proxies that each append to X-Forwarded-For, set TRUSTED_PROXY_COUNT=N; the
# client is the N-th address from the right. TRUSTED_PROXIES (comma-separated addresses or networks,
# e.g. "10.0.0.0/8") limits whose forwarded header is believed; it implies a count of 1 when unset.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "HTTP_X_FORWARDED_FOR")
# django-axes (which would otherwise read its own AXES_IPWARE_* settings) and django-ratelimit ask
# that same helper, so every limit and the audit log agree on who the client is.
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address_or_none"
RATELIMIT_IP_META_KEY = "core.client_address.client_address"

# Idle sessions end: the cookie's age is renewed on every request, so it measures idleness.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS in production (docs/operations.md). All off by default: the embedded demo runs on plain HTTP.
# HSTS is hard to undo (browsers remember it for SECURE_HSTS_SECONDS): start small, then raise it.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check may stay on plain HTTP
# Trust X-Forwarded-Proto only when the proxy in front sets it (and strips it from clients);
# otherwise anyone could claim HTTPS, and with SECURE_SSL_REDIRECT a missing header would loop.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PROXY_SETS_X_FORWARDED_PROTO") else None
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
OTP_TOTP_ISSUER = "Touchpoints"

# --- Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One way to write a time per language ("9:30 AM", "17:15"): config/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Insurance-card photos: outside MEDIA_ROOT, never served as files; a staff view reads them.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))), "base_url": None},
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # form fields only; uploaded files are limited by their own checks

# --- Mail -------------------------------------------------------------------------------
# Django 6.1 mailers. EMAIL_BACKEND (environment) picks the backend: the readable console in the
# demo, "django.core.mail.backends.smtp.EmailBackend" with EMAIL_HOST etc. in production, or
# "django.core.mail.backends.filebased.EmailBackend" writing to EMAIL_FILE_PATH.
_mail_backend = os.environ.get("EMAIL_BACKEND", "core.mail.ReadableConsoleEmailBackend")
_mail_options: dict = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "timeout": 20,
    }
elif _mail_backend.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Touchpoints <no-reply@touchpoints.local>")

# --- Background work: django.tasks in front, huey behind ------------------------------
# Embedded: an SQLite queue file and one worker process (`manage.py run_huey`).
# Scale-out: REDIS_URL set, N workers share the Redis queue.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("HUEY_NAME", "touchpoints"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": os.environ.get("HUEY_NAME", "touchpoints"),
        "filename": os.environ.get("HUEY_SQLITE_FILE", str(VAR_DIR / "tasks.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "1")), "worker_type": "thread"},
    }
# One cache that every web process shares: rate-limit counters (django-ratelimit), the self check-in
# backoff and the sign-in lockouts must agree across processes. Redis when scaled out; otherwise a
# table in the database (core.cache.DatabaseCache: Django's, with an atomic incr), created by migrate.
DATABASE_CACHE: dict[str, Any] = {
    "BACKEND": "core.cache.DatabaseCache",
    "LOCATION": "touchpoints_cache",
    # Culling drops entries by key order; keep it far away so a flood of keys cannot push a counter out.
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": DATABASE_CACHE}
# django-ratelimit knows Django's RedisCache and our database cache only as "not officially supported"
# (W001); both increment atomically. Its errors (a per-process or non-atomic cache) stay on.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
TASKS = {
    "default": {
        "BACKEND": "core.tasks_backend.HueyBackend",
        # HUEY_RETRY_DELAY (seconds) lets the worker tests retry in 1 s.
        "OPTIONS": {"retries": 3, "retry_delay": int(os.environ.get("HUEY_RETRY_DELAY", "30"))},
    }
}

# --- Logging: no patient data in logs; errors go to stderr -----------------------------
# Tokens in paths (sign-in, manage, visit, survey links, the kiosk key) are masked (core/log_masking.py):
# Django's request logging prints the path of every 4xx/5xx, runserver every request line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "core.log_masking.MaskTokensFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_tokens"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["mask_tokens"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["mask_tokens"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["mask_tokens"],
        },
        # huey's consumer adds its own handler; don't print each worker line twice.
        "huey": {"handlers": [], "propagate": False},
    },
}

# --- Product settings -------------------------------------------------------------------
PATIENT_SIGN_IN_LINK_MINUTES = int(os.environ.get("PATIENT_SIGN_IN_LINK_MINUTES", "15"))
# How often the flow board and the patient's wait page ask for news (seconds).
FLOW_POLL_SECONDS = int(os.environ.get("FLOW_POLL_SECONDS", "5"))
WAIT_PAGE_POLL_SECONDS = int(os.environ.get("WAIT_PAGE_POLL_SECONDS", "20"))
# Insurance-card photos: the largest upload accepted (bytes) and the longest side kept (pixels).
CARD_PHOTO_MAX_BYTES = int(os.environ.get("CARD_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
CARD_PHOTO_MAX_SIDE = 2000

# --- Limits against floods (docs/operations.md, "Proxies and limits") ----------------------------
# Rates are django-ratelimit's "count/period" (s, m, h, d; e.g. "20/10m"), counted in the cache above.
# Online booking: a chosen time is held for a few minutes. One client address keeps at most
# BOOKING_HOLDS_PER_ADDRESS active holds (a further hold lets go of its oldest), and may ask for
# BOOKING_HOLD_RATE holds; past that it is answered 429.
BOOKING_HOLDS_PER_ADDRESS = int(os.environ.get("BOOKING_HOLDS_PER_ADDRESS", "3"))
BOOKING_HOLD_RATE = os.environ.get("BOOKING_HOLD_RATE", "20/10m")
# A returning patient's booking is confirmed by a link sent to the contact details on file: at most
# this many links per patient an hour, whoever types the patient's details (the page never changes).
BOOKING_CONFIRM_LINKS_PER_HOUR = int(os.environ.get("BOOKING_CONFIRM_LINKS_PER_HOUR", "3"))
# Sign-in links (patients) and password-reset emails (staff): requests per email address and per
# client address. Past either, the page is the same and nothing is sent.
SIGN_IN_EMAIL_RATE = os.environ.get("SIGN_IN_EMAIL_RATE", "3/h")
SIGN_IN_ADDRESS_RATE = os.environ.get("SIGN_IN_ADDRESS_RATE", "20/h")
# Self check-in (kiosk, QR): failed tries per browser session, per client address and per date of
# birth. Each is a list of rates from short to long, so lockouts start short and grow with persistence.
# The address's longest window is ten minutes: a waiting room's Wi-Fi is one address for every phone,
# so one visitor must not switch self check-in off for an hour; the date-of-birth and session counts
# are what stop guessing one patient's details.
ARRIVAL_FAILURES_PER_SESSION = env_list("ARRIVAL_FAILURES_PER_SESSION", "5/2m,10/15m")
ARRIVAL_FAILURES_PER_ADDRESS = env_list("ARRIVAL_FAILURES_PER_ADDRESS", "10/1m,20/10m")
ARRIVAL_FAILURES_PER_DATE_OF_BIRTH = env_list("ARRIVAL_FAILURES_PER_DATE_OF_BIRTH", "5/10m,10/1h")

# --- SMS and message delivery (messaging/sms/, messaging/delivery.py; docs/messaging.md) ---------
# SMS_BACKEND: "console" (the demo), "file" (one JSON file per message in SMS_FILE_PATH), "http" (the
# provider at SMS_PROVIDER_URL), or a dotted path to a backend class.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms"))
SMS_PROVIDER_URL = os.environ.get("SMS_PROVIDER_URL", "")
SMS_PROVIDER_API_KEY = os.environ.get("SMS_PROVIDER_API_KEY", "")
SMS_PROVIDER_TIMEOUT = float(os.environ.get("SMS_PROVIDER_TIMEOUT", "10"))
SMS_WEBHOOK_SECRET = os.environ.get("SMS_WEBHOOK_SECRET", "")
SMS_FROM_NUMBER = os.environ.get("SMS_FROM_NUMBER", "")  # when a practice has no number of its own
# Delivery: a worker's claim on a batch lasts MESSAGE_LEASE_SECONDS; a failed send is retried after
# MESSAGE_RETRY_BASE_SECONDS * 2^(attempt-1) (at most MESSAGE_RETRY_MAX_SECONDS), MESSAGE_MAX_ATTEMPTS times.
MESSAGE_LEASE_SECONDS = int(os.environ.get("MESSAGE_LEASE_SECONDS", "300"))
MESSAGE_BATCH_SIZE = int(os.environ.get("MESSAGE_BATCH_SIZE", "100"))
MESSAGE_MAX_ATTEMPTS = int(os.environ.get("MESSAGE_MAX_ATTEMPTS", "5"))
MESSAGE_RETRY_BASE_SECONDS = int(os.environ.get("MESSAGE_RETRY_BASE_SECONDS", "60"))
MESSAGE_RETRY_MAX_SECONDS = int(os.environ.get("MESSAGE_RETRY_MAX_SECONDS", "3600"))
# Email written as one file per message id (idempotent like the SMS file backend).
if _mail_backend == "messaging.delivery.EmailFileBackend":
    MAILERS["default"]["OPTIONS"] = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
# --- end of SMS and message delivery ------------------------------------------------------------

# --- Files in a bucket, containers and backups (docs/operations.md) -------------------------------
# S3_BUCKET switches media and private files to an S3-compatible bucket (config/storage_settings.py);
# without it they stay in MEDIA_ROOT and PRIVATE_MEDIA_ROOT. `manage.py backup` / `restore`: core/backup.py.
from typing import cast  # noqa: E402

from config.storage_settings import s3_media_origins, s3_storages  # noqa: E402

STORAGES = {**STORAGES, **s3_storages(os.environ)}
SECURE_CSP["img-src"] = [*cast("list[str]", SECURE_CSP["img-src"]), *s3_media_origins(os.environ)]
# --- end of files, containers and backups ---------------------------------------------------------
# --- Health, logs and metrics (docs/operations.md, "Health, logs and metrics") -------------------
# Health checks (monitoring/health.py): a queue this deep is a warning, then unavailable; the
# worker's beat (every minute) older than this many seconds is unavailable.
HEALTH_QUEUE_WARNING = int(os.environ.get("HEALTH_QUEUE_WARNING", "1000"))
HEALTH_QUEUE_CRITICAL = int(os.environ.get("HEALTH_QUEUE_CRITICAL", "10000"))
HEALTH_WORKER_BEAT_MAX_AGE = int(os.environ.get("HEALTH_WORKER_BEAT_MAX_AGE", "300"))
# GET /metrics (Prometheus) with "Authorization: Bearer <METRICS_TOKEN>"; unset: no endpoint (404).
# Several gunicorn processes share their request histograms through PROMETHEUS_MULTIPROC_DIR
# (gunicorn.conf.py makes one when it is unset).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Logs: LOG_FORMAT=json writes one JSON object per line (the container image sets it); the default
# "plain" keeps the demo's console readable. Both carry the request id filter and mask tokens.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
from core.json_logging import configure as configure_logging  # noqa: E402  (settings read top to bottom)

LOGGING = configure_logging(LOGGING, LOG_FORMAT)  # core/json_logging.py: request ids; JSON when asked
# Sentry: only with SENTRY_DSN; patient data is scrubbed before sending (core/sentry.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from core.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", ""),
        release=os.environ.get("SENTRY_RELEASE", ""),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
# --- end of health, logs and metrics ----------------------------------------------------------
# --- Retention and clean-up (docs/operations.md) ---
# Hourly jobs on the worker delete what is no longer needed, CLEANUP_BATCH_SIZE rows per statement:
# expired sessions, spent sign-in and booking-confirmation links, old webhook receipts and staff sign-in
# records; journey events only when JOURNEY_EVENT_RETENTION_DAYS is set. Audit entries are never deleted.
CLEANUP_BATCH_SIZE = int(os.environ.get("CLEANUP_BATCH_SIZE", "1000"))
SPENT_LINK_RETENTION_DAYS = int(os.environ.get("SPENT_LINK_RETENTION_DAYS", "7"))
WEBHOOK_RECEIPT_RETENTION_DAYS = int(os.environ.get("WEBHOOK_RECEIPT_RETENTION_DAYS", "7"))
SIGN_IN_LOG_RETENTION_DAYS = int(os.environ.get("SIGN_IN_LOG_RETENTION_DAYS", "365"))
JOURNEY_EVENT_RETENTION_DAYS = int(os.environ.get("JOURNEY_EVENT_RETENTION_DAYS", "0"))  # 0: keep them all
# --- Database connections and the booking benchmark's keys (docs/operations.md) ---
# CACHE_KEY_PREFIX: put every cache key (Redis) under "<prefix>:", so one deployment (or one benchmark
# run) sharing a Redis database with others can find and remove its own keys.
if os.environ.get("CACHE_KEY_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["CACHE_KEY_PREFIX"]
# PostgreSQL: each process keeps a pool of open connections (Django's built-in psycopg pool), so a
# request does not open (and authenticate) a new connection. DB_POOL_MAX connections at most per
# process (one per gunicorn thread is enough: WEB_THREADS, else 4), DB_POOL_MIN kept open,
# DB_POOL_TIMEOUT seconds to wait for a free one. DB_POOL_MAX=0 turns the pool off; CONN_MAX_AGE
# then applies (Django refuses both).
DB_POOL_MAX = int(os.environ.get("DB_POOL_MAX", os.environ.get("WEB_THREADS", "4")))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(int(os.environ.get("DB_POOL_MIN", "1")), DB_POOL_MAX),
        "max_size": DB_POOL_MAX,
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
    }
# --- Load run (docs/loadtest.md) ---
# `LOADTEST_PROFILE=1 make loadtest` sets LOADTEST_PROFILE_DIR for its web processes only: time per view
# in Python and in SQL, and pyinstrument call trees (loadtest/profiling.py). Never set in production.
if os.environ.get("LOADTEST_PROFILE_DIR"):
    MIDDLEWARE.insert(0, "loadtest.profiling.ProfileMiddleware")
