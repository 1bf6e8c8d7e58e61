"""Wekker's only settings file.

Everything comes from the environment. With nothing set, the defaults are the
embedded development setup: SQLite and a filesystem Celery broker under var/,
mails written as files under var/mail/. A bad value fails loudly at start-up.
"""

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("WEKKER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.getenv(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = os.getenv(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name, default):
    value = os.getenv(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-wekker-0123456789"  # noqa: S105 – DEBUG only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The absolute address used in mails and calendar feeds, where there is no request.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "wekker",
    "reference",
    "stakeholders",
    "groups",
    "directory",
    "meetings",
    "polls",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "wekker.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "groups.middleware.RolesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wekker.pagecache.PageCacheMiddleware",
]

# Profiling in development: DEBUG_TOOLBAR=true (and `make install-dev`, which installs it) shows
# each page's queries, templates and time. Never in production: it needs DEBUG.
DEBUG_TOOLBAR = DEBUG and env_bool("DEBUG_TOOLBAR", False)
if DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
    INTERNAL_IPS = ["127.0.0.1"]

# Content-Security-Policy (django-csp): everything from this site, no inline script or style
# (scripts and styles are static files), the charts' SVG pictures as data: URIs, and never in
# a frame.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "wekker.urls"
WSGI_APPLICATION = "wekker.wsgi.application"

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
                "wekker.context_processors.roles",
            ],
        },
    },
]

# Database: DATABASE_URL, else SQLite under var/ in WAL mode so that the web
# process and the Celery worker can write at the same time.
DATABASE_URL = os.getenv("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except Exception as exc:  # dj_database_url raises several kinds
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "wekker.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not memory: a Celery worker started by a test must see the test data.
            # One per test process (pytest-xdist then adds _gw0, _gw1…), so that two runs in
            # one checkout never share it.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling: failed attempts per (user name, address) and, looser, per address.
LOGIN_MAX_ATTEMPTS = env_int("LOGIN_MAX_ATTEMPTS", 5)
LOGIN_MAX_ATTEMPTS_PER_ADDRESS = env_int("LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 50)
# How many reverse proxies stand in front of the app (their X-Forwarded-For entries are trusted).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Password-reset requests: per e-mail address and per client address, within an hour.
PASSWORD_RESET_MAX_PER_EMAIL = env_int("PASSWORD_RESET_MAX_PER_EMAIL", 3)
PASSWORD_RESET_MAX_PER_CLIENT = env_int("PASSWORD_RESET_MAX_PER_CLIENT", 10)
PASSWORD_RESET_WINDOW_SECONDS = 3600
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.getenv("WEKKER_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Meeting documents go through Django's storage API: files under var/media/ by default; an
# S3-compatible bucket when MEDIA_S3_BUCKET is set (django-storages; credentials from boto3's own
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Files are private and never served at their storage
# address: a view checks who asks, then streams them.
MEDIA_S3_BUCKET = os.getenv("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.getenv("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.getenv("MEDIA_S3_REGION") or None,
            "location": os.getenv("MEDIA_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Largest meeting document accepted, in megabytes.
DOCUMENT_MAX_MB = env_int("DOCUMENT_MAX_MB", 20)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


# The cache holds login throttling counters: it must be shared by every web process.
# CACHE_URL (redis://…) wins; else the Redis broker's server (next database); else process memory
# (the embedded development setup, one process). "fallback", this process's memory, holds the
# counters while Redis cannot be reached (wekker/throttle.py); Redis calls give up after
# CACHE_TIMEOUT_SECONDS, so that an outage costs a login at most that.
def next_redis_database(url):
    """The same Redis server, the next database number: clearing a cache empties its
    whole database, which must never be the broker's queue."""
    parsed = urlparse(url)
    number = int(parsed.path.strip("/") or 0)
    return parsed._replace(path=f"/{(number + 1) % 16}").geturl()


CACHE_URL = os.getenv("CACHE_URL", "")
if not CACHE_URL and os.getenv("CELERY_BROKER_URL", "").startswith(("redis://", "rediss://")):
    CACHE_URL = next_redis_database(os.environ["CELERY_BROKER_URL"])
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "socket_connect_timeout": float(os.getenv("CACHE_TIMEOUT_SECONDS", "0.3")),
                "socket_timeout": float(os.getenv("CACHE_TIMEOUT_SECONDS", "0.3")),
            },
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be redis://… or locmem://, not {CACHE_URL!r}")
# Two deployments may share one Redis server (each with its own CELERY_QUEUE): each keeps its
# cache under a prefix of its own, named after its database, so that none reads the other's.
DATABASE_IDENTITY = repr([DATABASES["default"].get(key) for key in ("ENGINE", "NAME", "HOST", "PORT")])
for alias in CACHES.values():
    if alias["BACKEND"].endswith("RedisCache"):
        alias["KEY_PREFIX"] = "wekker-" + hashlib.sha256(DATABASE_IDENTITY.encode()).hexdigest()[:12]
CACHES["fallback"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fallback"}
# What pages keep (the observatory's figures and charts, template fragments): the same store,
# but with Redis down a miss, not an error (wekker/cache.py): the page is computed.
CACHES["pages"] = dict(CACHES["default"])
if CACHES["pages"]["BACKEND"].endswith("RedisCache"):
    CACHES["pages"]["BACKEND"] = "wekker.cache.FailOpenRedisCache"
CACHES["template_fragments"] = CACHES["pages"]

# Whole pages kept per person until a table they show is written to (wekker/pagecache.py):
# only in a cache every process shares, else a write in one process would not reach the others.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60 if CACHES["pages"]["BACKEND"].endswith("RedisCache") else 0)
if PAGE_CACHE_SECONDS and not CACHES["pages"]["BACKEND"].endswith("RedisCache"):
    raise ImproperlyConfigured("PAGE_CACHE_SECONDS needs a Redis cache (CACHE_URL=redis://…), shared by every process")
# The pages kept, and the tables each also shows through caches of its own (read from the
# database only when those are refreshed): a write to them redraws the page at once.
PAGE_CACHE_VIEWS = {
    "home": (),
    "groups:list": (),
    "meetings:group": (),
    "meetings:detail": (),
    "meetings:my_agenda": (),
    "meetings:actions": (),
    "directory:directory": (),
    "directory:organisations": (),
    # The groups' work on the time axis (indicators/timeline.py), territories and domains.
    "indicators:dashboard": ("meetings_action", "meetings_meeting", "reference_territory", "reference_domain"),
}


# Mail: EMAIL_URL (smtp://user:pass@host:port, smtp+tls://…, smtp+ssl://…,
# file:///path, console://), or the usual EMAIL_* variables; default: files in var/mail/.
def parse_email_url(url):
    parsed = urlparse(url)
    if parsed.scheme in ("smtp", "smtp+tls", "smtp+ssl"):
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or 25,
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": parsed.scheme == "smtp+tls" or "tls" in query,
            "EMAIL_USE_SSL": parsed.scheme == "smtp+ssl" or "ssl" in query,
        }
    if parsed.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parsed.path),
        }
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    raise ImproperlyConfigured(f"EMAIL_URL has an unknown scheme: {url!r}")


EMAIL_URL = os.getenv("EMAIL_URL", "")
if EMAIL_URL:
    globals().update(parse_email_url(EMAIL_URL))
elif os.getenv("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# A mail dispatcher's lease on the rows it claimed (meetings/notices/lease.py): renewed every
# third of it while sending, so one message must leave within two thirds of it.
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 600)
if DELIVERY_LEASE_SECONDS < 3 * EMAIL_TIMEOUT:
    raise ImproperlyConfigured("DELIVERY_LEASE_SECONDS must be at least three times EMAIL_TIMEOUT.")
# A pass fans the due mails out in Celery tasks of this many deliveries (meetings/tasks.py).
DELIVERY_CHUNK_SIZE = env_int("DELIVERY_CHUNK_SIZE", 100)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Wekker <wekker@localhost>")
SERVER_EMAIL = os.getenv("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery: CELERY_BROKER_URL (redis://…), else kombu's filesystem transport under var/.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "")
if CELERY_BROKER_URL:
    if urlparse(CELERY_BROKER_URL).scheme not in ("redis", "rediss", "amqp", "memory", "filesystem"):
        raise ImproperlyConfigured(f"CELERY_BROKER_URL has an unknown scheme: {CELERY_BROKER_URL!r}")
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery" / "queue"
    for _folder in (_queue_dir, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
# The queue every task goes to unless told otherwise (the periodic pass, its chunks): several
# deployments, or test runs, sharing one broker each name their own.
CELERY_TASK_DEFAULT_QUEUE = os.getenv("CELERY_QUEUE", "celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# How often the reminder dispatch runs, in seconds.
REMINDER_DISPATCH_INTERVAL = env_int("REMINDER_DISPATCH_INTERVAL", 120)

# Indicators: counts from 1 to this threshold are withheld from non-admins.
INDICATORS_SMALL_CELL_MAX = env_int("INDICATORS_SMALL_CELL_MAX", 10)
INDICATORS_MIN_SHARE_DENOMINATOR = env_int("INDICATORS_MIN_SHARE_DENOMINATOR", 30)
# The largest CSV file the import page accepts (bytes); the command line has no limit.
INDICATORS_UPLOAD_MAX_BYTES = env_int("INDICATORS_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)

# Security: Django's protections, turned fully on outside development.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if TRUSTED_PROXY_COUNT:
        # Only a declared proxy's word counts: without one, a client could send the header itself.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_error_without_traceback": {"()": "wekker.log_filters.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["client_error_without_traceback"]},
    },
}
