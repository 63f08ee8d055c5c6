"""Settings of ШНОР-портал, read only from environment variables (README lists every one).

With nothing set, the portal runs embedded: SQLite in the project folder and Celery tasks executed
eagerly in-process. Production sets DATABASE_URL, CELERY_BROKER_URL, DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS; with DJANGO_DEBUG off it passes `manage.py check --deploy` cleanly.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (set DJANGO_DEBUG=1 for a local demo)."
        )
    SECRET_KEY = "django-insecure-local-demo-key-never-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "shnor_portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "shnor_portal.admin_site.PortalAxesConfig",
    "shnor_portal.ops",
    "csp",
    "shnor_portal.outbox",
    "shnor_portal.audit",
    "accounts",
    "registry",
    "roadmaps",
    "support",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shnor_portal.params.CleanQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shnor_portal.htmx.HtmxLoginRedirectMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shnor_portal.urls"
WSGI_APPLICATION = "shnor_portal.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
            # Means and percentages read the same on every page: one rule (shnor_portal/numbers.py).
            "builtins": ["shnor_portal.templatetags_numbers"],
        },
    },
]

# --- Database: DATABASE_URL (postgres://… or sqlite:///…); absent → SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo runs a dev server and eager tasks in one process: wait instead of failing on a lock.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute-force protection of the login form: lock a user+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0) or None

# --- Language and time: the UI is Russian; code and msgids are English.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files. Uploads live outside the web root and are served only by
# permission-checked views, never by a static handler.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Where `manage.py backup` writes (a folder per backup) and where `restore` looks for the newest one.
BACKUP_ROOT = Path(env_str("DJANGO_BACKUP_ROOT", str(BASE_DIR / "var" / "backups")))
# An upload larger than this is streamed to a temporary file (not kept in memory) and checked for size there,
# before anything is stored under MEDIA_ROOT.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads checked and never confirmed (results, registry and plan imports) are removed by a nightly task after this.
IMPORT_UPLOAD_RETENTION_DAYS = env_int("IMPORT_UPLOAD_RETENTION_DAYS", 7)
# GIA_GAP_REDUCTION (docs/indicators.md «The ГИА gap»): a school with fewer participants in a pair has no result.
GIA_GAP_MIN_PARTICIPANTS = env_int("GIA_GAP_MIN_PARTICIPANTS", 1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Signed documents (reports/signing.py). The department's key: a PKCS#12 file and its password (both with
# *_FILE variants). Without DOCUMENT_SIGNING_P12 the demo certificate that `load_demo` makes under var/keys/ is used.
DOCUMENT_SIGNING_DEMO_P12 = BASE_DIR / "var" / "keys" / "demo-signing.p12"
DOCUMENT_SIGNING_P12 = Path(env_str("DOCUMENT_SIGNING_P12", str(DOCUMENT_SIGNING_DEMO_P12)))
DOCUMENT_SIGNING_P12_PASSWORD = env_str("DOCUMENT_SIGNING_P12_PASSWORD", "")
DOCUMENT_SIGNING_LOCATION = env_str("DOCUMENT_SIGNING_LOCATION", "ШНОР-портал")
# The TrueType font of the visible stamp: it must cover Cyrillic and have 1000 units per em, as pyHanko writes glyph
# widths unscaled (DejaVu's 2048 would space the letters apart): PT Sans from fonts-paratype.
DOCUMENT_STAMP_FONT = env_str("DOCUMENT_STAMP_FONT", "/usr/share/fonts/truetype/paratype/PTS55F.ttf")
# The public verification page: a file larger than this is refused unread; each address may ask this many times
# (numbers and files together) per DOCUMENT_VERIFY_WINDOW_MINUTES, then it waits.
DOCUMENT_VERIFY_MAX_BYTES = env_int("DOCUMENT_VERIFY_MAX_BYTES", 30 * 1024 * 1024)
DOCUMENT_VERIFY_ATTEMPTS = env_int("DOCUMENT_VERIFY_ATTEMPTS", 20)
DOCUMENT_VERIFY_WINDOW_MINUTES = env_int("DOCUMENT_VERIFY_WINDOW_MINUTES", 10)

# --- Celery: no broker → tasks run eagerly in-process (embedded demo).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "shnor")
CELERY_IMPORTS = ["reports.maintenance"]  # tasks outside the apps' tasks.py modules
# A dead broker costs a web request at most about two seconds (one connection attempt with a short timeout, one
# quick retry), not Celery's default retry loop: tasks that must run are in the outbox and are sent again later.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands an unacknowledged task (acks_late) to another worker after this many seconds. It must exceed the
    # longest task: a recalculation of a whole region takes under a second (README, Benchmarks), a whole import
    # with its recalculation under ten; 15 minutes leaves a wide margin and is longer than
    # RECALCULATION_STALE_MINUTES, so the outbox sweep re-queues a killed recalculation first.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
    "socket_connect_timeout": env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2),
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE: dict = {
    # Reminders of activities due soon and overdue (roadmaps/reminders.py): once a day, each sent once per period.
    "roadmaps-reminders": {"task": "roadmaps.send_reminders", "schedule": crontab(hour=7, minute=0)},
    # Uploads never confirmed, older than IMPORT_UPLOAD_RETENTION_DAYS (reports/maintenance.py): every night.
    "remove-stale-uploads": {"task": "reports.remove_stale_uploads", "schedule": crontab(hour=3, minute=30)},
    # Target indicators of every municipality and year with data (reports/indicators): every night, after the day's
    # edits, whatever their debounced recalculations did.
    "indicators-nightly": {"task": "reports.recalculate_all_indicators", "schedule": crontab(hour=2, minute=30)},
    # Tasks recorded while the broker was away, and recalculations whose worker died (shnor_portal/outbox). A sweep
    # not taken within its interval is dropped: the next one does the same work.
    "outbox-sweep": {
        "task": "outbox.sweep",
        "schedule": float(env_int("OUTBOX_SWEEP_SECONDS", 60)),
        "options": {"expires": env_int("OUTBOX_SWEEP_SECONDS", 60)},
    },
}
# Edits of the data the indicators read are gathered this long into one recalculation per municipality and year.
INDICATORS_DEBOUNCE_SECONDS = env_int("INDICATORS_DEBOUNCE_SECONDS", 60)
# Sent rows of the outbox are kept this many days (for the admin), then deleted by the sweep.
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 7)

# --- E-mail: console by default; SMTP when DJANGO_EMAIL_BACKEND says so.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ШНОР-портал <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Password reset: one letter per address in this many minutes; further requests get the same answer.
PASSWORD_RESET_THROTTLE_MINUTES = env_int("PASSWORD_RESET_THROTTLE_MINUTES", 5)

# --- Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security. Production (debug off) defaults are strict; a proxy terminating TLS sets
# DJANGO_SECURE_PROXY_SSL_HEADER=1 so Django trusts X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every response (django-csp): scripts and styles only from our own static files — no
# inline <script>, <style>, style= or on…= attributes, no eval — so markup that slips past escaping cannot run.
# Images may be data: URIs because Bootstrap's CSS draws its select arrows and check marks with them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    # /healthz is probed over plain HTTP inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Portal
REGISTRY_PAGE_SIZE = env_int("REGISTRY_PAGE_SIZE", 50)
# Roadmaps: «due soon» is within this many days; evidence files of progress reports are at most this large.
ROADMAPS_DUE_SOON_DAYS = env_int("ROADMAPS_DUE_SOON_DAYS", 14)
# Items of each kind listed in one reminder e-mail; the rest are counted («… и ещё N») and are on the portal.
ROADMAPS_REMINDER_MAX_LINES = env_int("ROADMAPS_REMINDER_MAX_LINES", 50)
ROADMAPS_EVIDENCE_MAX_BYTES = env_int("ROADMAPS_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Uploads of the support app (event materials, certificates of professional development), checked by content.
SUPPORT_MATERIAL_MAX_BYTES = env_int("SUPPORT_MATERIAL_MAX_BYTES", 10 * 1024 * 1024)
# Results recalculation: a job «выполняется» whose heartbeat is older than this is taken as dead and re-queued by
# the outbox sweep; «Повторить» is offered for a job still queued after RECALCULATION_RETRY_AFTER_MINUTES.
RECALCULATION_STALE_MINUTES = env_int("RECALCULATION_STALE_MINUTES", 10)
RECALCULATION_RETRY_AFTER_MINUTES = env_int("RECALCULATION_RETRY_AFTER_MINUTES", 3)
# Official documents (reports/documents): a municipality's document of up to this many table rows is rendered while
# the user waits (WeasyPrint: about 0.3 s per dense page here); a region's or a longer one in a Celery task, whose
# job is re-queued when it has run this long without finishing, and whose file is kept this many days.
DOCUMENT_RENDER_INLINE_MAX_ROWS = env_int("DOCUMENT_RENDER_INLINE_MAX_ROWS", 400)
DOCUMENT_RENDER_STALE_MINUTES = env_int("DOCUMENT_RENDER_STALE_MINUTES", 10)
DOCUMENT_RENDER_RETENTION_DAYS = env_int("DOCUMENT_RENDER_RETENTION_DAYS", 7)
# Seconds a recalculation waits after each campaign: 0 in production; the fault tests slow a job down with it to
# kill its worker midway.
RECALCULATION_PAUSE_SECONDS = float(env_str("RECALCULATION_PAUSE_SECONDS", "0") or 0)

# WeasyPrint logs every layout step of every page at INFO (a separate line: the loggers above are shared by others).
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}
# fontTools logs every table it subsets at INFO, for each signature's stamp (pyHanko subsets the stamp's font).
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}
