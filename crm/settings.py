"""Settings for every environment, read from environment variables.

Defaults suit a laptop: SQLite file, no broker (Celery tasks run in-process). DEBUG is off
unless asked for (``DEBUG=1``): the quick start shows the product's own error pages, never a
listing of every URL.
Production uses ``crm.settings_production``, which tightens everything on top of this module.
"""

import os
from pathlib import Path

import dj_database_url
import phonenumbers
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Where uploads and generated exports live; a volume shared by web and worker in production.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Where collectstatic puts the files production serves (crm.settings_production sets a default);
# development serves static/ as it is.
STATIC_ROOT = Path(os.environ["STATIC_ROOT"]) if os.environ.get("STATIC_ROOT") else None
STATIC_URL = "/static/"
# Our own files, and the front-end packages `make install` puts in node_modules (package.json).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/chartjs", BASE_DIR / "node_modules/chart.js/dist"),
]
WHITENOISE_USE_FINDERS = True  # served from static/ as it is; production serves the collected copy
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django.contrib.postgres",
    "guardian",
    "axes",
    "people",
    "crm",
    "accessrights",
    "dictionaries",
    "timeline",
    "activities",
    "companies",
    "requisites",
    "deals",
    "importexport",
    "webforms",
    "bitrix24",
    "calllists",
    "quotes",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files without DEBUG, from the apps' folders here and collected in production.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that works for the request: every request comes through a door (page,
    # API, admin) for all of its work (crm.actors).
    "crm.actors.DoorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The user's phone region, time zone and language (their profile's, else the defaults
    # below), after authentication and over the browser's language.
    "people.regional.RegionalMiddleware",
    # An API request's Accept-Language wins over the profile's (a page's does not).
    "crm.request_language.ApiLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

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
                "crm.context_processors.navigation",
                "activities.counters.activity_counter",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The analytics' covering indexes (INCLUDE) are PostgreSQL's; SQLite makes the same indexes on
# their key columns, which is all a laptop's database needs: no warning at every command.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses a login after too many failures from one address and username, before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# No django-guardian "AnonymousUser" row: anonymous visitors have no rights at all.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out login may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address of the lock-out key: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse
# proxies the address the outermost one saw (from X-Forwarded-For; 1 in production).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "crm.authentication.client_ip_address"

LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("fr", _("French"))]
# The installation's defaults; each user may choose their own on their profile (people/).
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}"
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
# The top bar's switch keeps the choice of someone not signed in (the login page) for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
# What a report's queries may sort and hash in on PostgreSQL (analytics.work_memory).
ANALYTICS_WORK_MEM = os.environ.get("ANALYTICS_WORK_MEM", "64MB")
USE_I18N = True
USE_TZ = True

# Region assumed for phone numbers written without a country code (ISO 3166 code), unless the
# user chose another on their profile. PHONE_DEFAULT_REGION is the variable's former name.
PHONE_DEFAULT_REGION = (
    os.environ.get("PHONE_REGION") or os.environ.get("PHONE_DEFAULT_REGION") or "US"
).upper()
if PHONE_DEFAULT_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        f"PHONE_REGION must be a country code such as FR, RU, DE or US, "
        f"not {PHONE_DEFAULT_REGION!r}"
    )

# Mail (invitations to set a password): sent through EMAIL_HOST when it is set; without it
# nothing is sent and the one-time link is only shown to the administrator.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crm@localhost")
# How long a set-password link works (Django's token generator), in seconds: 3 days.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600)))
# The largest profile photo taken, in bytes.
PROFILE_PHOTO_MAX_BYTES = int(os.environ.get("PROFILE_PHOTO_MAX_BYTES", str(2 * 1024 * 1024)))
# Currencies offered for amounts (ISO 4217 codes); the first is the default.
CRM_CURRENCIES = env_list("CRM_CURRENCIES", "USD,EUR,RUB,GBP")

# Celery: with no broker configured, tasks run in-process through the same code path.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took and did not acknowledge (it died) goes to another worker after this
# many seconds. A job still running then is run by both; its chunks keep them apart (crm.jobs).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}

# Background jobs: rows per chunk (one transaction each, with the job's progress).
JOB_CHUNK_SIZE = int(os.environ.get("JOB_CHUNK_SIZE", "200"))
# Imports and exports (importexport/): the largest file an import takes, the rows an export
# writes in the request before it goes to the worker, how long an export's file may be
# downloaded.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(100 * 1024 * 1024)))
# An XLSX file is read whole into memory (about 1.7 bytes per byte of its unzipped XML, README
# "Reading XLSX"): the most it may unzip to, which also refuses zip bombs.
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORT_MAX_UNZIPPED_BYTES", str(200 * 1024 * 1024)))
IMPORT_CHUNK_SIZE = int(os.environ.get("IMPORT_CHUNK_SIZE", "2000"))
EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", "5000"))
EXPORT_TTL_HOURS = int(os.environ.get("EXPORT_TTL_HOURS", "24"))
# Tests only, and only with DEBUG: seconds each chunk waits before it commits, so that a test
# can kill a worker in the middle of a job.
JOB_CHUNK_PAUSE = float(os.environ.get("JOB_CHUNK_PAUSE", "0"))

REDIS_URL = os.environ.get("REDIS_URL", "")
# Web forms: requests to a form's submit and token endpoints one client address, and one
# form, may make in a window ("20/m": per s, m, h or d; "" for no limit), counted in Redis.
WEBFORM_RATE_PER_IP = os.environ.get("WEBFORM_RATE_PER_IP", "20/m")
WEBFORM_RATE_PER_FORM = os.environ.get("WEBFORM_RATE_PER_FORM", "600/m")
WEBFORM_RATE_REDIS_URL = os.environ.get("WEBFORM_RATE_REDIS_URL") or REDIS_URL
# Where submissions are processed: in the request (no worker), or by the worker's drain each
# second ("worker", the default with a broker), so that a visitor's answer waits on neither.
WEBFORM_PROCESS_IN_WORKER = (
    os.environ.get("WEBFORM_PROCESSING", "worker" if CELERY_BROKER_URL else "request") == "worker"
)
CELERY_BEAT_SCHEDULE = {
    "webforms-drain": {"task": "webforms.tasks.submissions_drain", "schedule": 1.0},
}
# The proof of work's range: a browser tries half of it on average (about 0.5 s at 50,000).
WEBFORM_POW_MAX_NUMBER = int(os.environ.get("WEBFORM_POW_MAX_NUMBER", "50000"))
# The Bitrix24-compatible REST: each webhook's leaky bucket (requests it may make at once,
# and how many a second drain it; Bitrix24's own are 50 and 2), counted in Redis when there
# is one. A burst of 0 meters nothing.
BITRIX24_RATE_BURST = int(os.environ.get("BITRIX24_RATE_BURST", "1000"))
BITRIX24_RATE_PER_SECOND = float(os.environ.get("BITRIX24_RATE_PER_SECOND", "100"))
BITRIX24_RATE_REDIS_URL = os.environ.get("BITRIX24_RATE_REDIS_URL") or REDIS_URL
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # TokenAuthentication that refuses a token while its user's login is locked out.
        "crm.authentication.LockoutAwareTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "crm.schema.ContractAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "crm.api.exception_handler",
    # The API speaks JSON only: what the schema types is what a body can say (crm.api_serializers).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM API",
    "DESCRIPTION": "REST API of the CRM: companies, contacts, their history, reference lists "
    "and pipelines. Reference values are Bitrix24 codes; reads follow the user's rights.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are for signed-in users (session or token), not visitors.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    # Swagger UI would fetch its badge from validator.swagger.io: the docs work offline.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two "status" enums would rename the jobs' StatusEnum: the contract keeps its names.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "crm.models.JobStatus",
        "SubmissionStatusEnum": "webforms.models.SubmissionStatus",
        "ActivityKindEnum": "activities.models.ActivityKind",
        "LanguageEnum": "crm.settings.LANGUAGES",
    },
}

# Protects the whole site from requests too big to be honest (web forms and API included).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint tells each step of every PDF it renders (quotes/documents.py) at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
