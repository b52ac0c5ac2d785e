"""Django settings for Plan Tracker, read from the environment with safe local defaults."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from plan_tracker.env import (
    SQLITE_OPTIONS,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_key_from_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

# --- Secret key -------------------------------------------------------------------------------
# SECRET_KEY from the environment; otherwise, with DEBUG off, a key generated once into a file
# outside the repository (PLAN_TRACKER_SECRET_KEY_FILE), so a server started without one keeps
# its sessions across restarts and no key is ever committed. With DEBUG on (development and
# the tests), a fixed development key.
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "plan-tracker-local-development-key-not-for-production"
    else:
        SECRET_KEY = secret_key_from_file(
            Path(
                env_str(
                    "PLAN_TRACKER_SECRET_KEY_FILE",
                    str(Path.home() / ".config" / "plan-tracker" / "secret_key"),
                )
            )
        )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    # The task queue (django-tasks with its database backend; see TASKS below).
    "django_tasks_db",
    "localities",
    "plan_tracker",
    "exchange",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "plan_tracker.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "plan_tracker.urls"

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
                "localities.context_processors.assignment",
            ],
        },
    },
]

WSGI_APPLICATION = "plan_tracker.wsgi.application"

# --- Database connections ---------------------------------------------------------------------
# Persistent connections (a minute by default with DEBUG off), checked before each request
# reuses one: after a PostgreSQL restart the first request of each process opens a new
# connection instead of failing on the dead one (tests/production/test_database_restart.py).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # JIT compilation adds 200-350 ms to each dashboard aggregate and saves less than that at
    # this size; and the records fit in memory, so a random read costs about a sequential one
    # (the default 4 makes a commune's figures scan a year of inspections: 36-82 ms -> 4 ms).
    # See bench/RESULTS.md. For the app's own connections only.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c random_page_cost=1.1"
    )
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords and sessions --------------------------------------------------------------------
# Passwords of at least 10 characters; a session ends after 30 minutes without a request (each
# request saves the session, moving its expiry on).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True

LOGIN_URL = "login"
# Ministry staff and administrators land on the national dashboard; officers are sent on to
# their own province or commune from there.
LOGIN_REDIRECT_URL = "dashboard_national"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# dd/mm/yyyy everywhere, whatever the language (see plan_tracker/formats).
FORMAT_MODULE_PATH = ["plan_tracker.formats"]
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# --- Static files -----------------------------------------------------------------------------
# WhiteNoise serves them from STATIC_ROOT (filled by collectstatic). With DEBUG off their names
# carry a hash of their content and they are stored compressed too, so browsers may keep them
# forever; with DEBUG on (development, the tests) runserver reads them from static/ as they are.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if not DEBUG:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# --- HTTPS ------------------------------------------------------------------------------------
# With DEBUG off every HTTPS-only protection is on: HTTP is redirected to HTTPS, browsers are
# told to use HTTPS only (HSTS, a year), session and CSRF cookies travel over HTTPS only.
# PLAN_TRACKER_HTTPS=false turns them all off for plain http on the loopback (`make run`); each
# can also be switched on its own. Behind a proxy that terminates TLS, the proxy says so in a
# header (SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto: the request counts as HTTPS when the
# header says "https") and the origins it serves are trusted for CSRF (CSRF_TRUSTED_ORIGINS).
HTTPS = env_bool("PLAN_TRACKER_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
_proxy_header = env_str("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A load balancer may ask for /healthz over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Content-Security-Policy (django-csp) -------------------------------------------------------
# Scripts, styles, images and fonts from the app itself only: no inline <script>, no on...=
# handler and no style="..." attribute runs (the templates keep them in static/js and
# static/css; tests/production/test_content_security_policy.py checks). Bootstrap draws its
# form controls' arrows with data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Task queue (django-tasks, database backend) -------------------------------------------------
# Tasks wait in a table of the app's own database and `manage.py db_worker` runs them (`make
# serve` starts one beside the web processes). /healthz reports the queue of this backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Import files of up to this many rows are checked and imported inside the request; larger ones
# run in a background thread while the page shows their progress (exchange/jobs.py).
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", 5000)

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        # Server errors (500) with their traceback, also when DEBUG is off.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "plan_tracker": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
        "localities": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    },
}
