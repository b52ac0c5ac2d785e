"""Django settings for Plan Tracker, read from the environment with safe local defaults."""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from plan_tracker.env import (
    SQLITE_OPTIONS,
    env_bool,
    env_int,
    env_list,
    env_rate,
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
    "localities",
    "plan_tracker",
    "exchange",
    "bench",
    # The task queue (exchange/jobs.py): the django.tasks API, its database and RQ backends.
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages and exports compressed for a client that accepts gzip (a province's dashboard, about
    # 500 KB of HTML for 168 communes, travels as a tenth of that). Outside every middleware
    # that writes the body; Django masks the compressed length against BREACH (random bytes
    # in the gzip header, since 4.2). Static files are already compressed by WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
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
# Passwords of at least 10 characters; a session ends after 30 minutes without a request. A
# request moves its expiry on by saving it when more than SESSION_RENEW_AFTER seconds have gone
# since the last save (plan_tracker.sessions): an idle session ends 29 to 30 minutes after the
# last request, and the pages read in between write nothing.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_COOKIE_AGE = 30 * 60
SESSION_ENGINE = "plan_tracker.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_AFTER = 60

# --- Sign-in protection, the shared cache and the API's rate limits -------------------------
# Guessing passwords: after AXES_FAILURE_LIMIT failed sign-ins for one username (from any
# address), or from one address (whatever the usernames), every sign-in of that username or
# from that address is refused, the right password too, until AXES_COOLOFF_TIME has passed
# since the last failure. This covers the site's login page and the admin's, which both go
# through django.contrib.auth.authenticate(). Failures are kept in axes' tables
# (AccessAttempt, AccessFailureLog: the admin shows them) and logged by
# plan_tracker.signin, never with the password.
INSTALLED_APPS += ["axes"]
# axes' middleware must come last: it turns the lockout flagged by its backend into the page.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
# Each parameter alone, not their combination: per user and per address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The address is plan_tracker.client's: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse
# proxies the address the outermost of them saw (never one a client writes itself), so a TLS
# proxy in front does not lock everybody out together.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "plan_tracker.client.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "plan_tracker.signin.locked_out"

# The cache holds the API's rate-limit counters, which every server process must share.
# Production (PostgreSQL, several gunicorn workers, possibly several machines) sets REDIS_URL,
# e.g. redis://127.0.0.1:6379/0: Redis counts atomically. Without it, the cache is a directory
# of files: every worker of the machine reads and writes the same counters, no table or
# service is needed, and on the embedded SQLite the counters stay out of the database, whose
# single write lock an import may hold for minutes (a database cache would make every API call
# a write waiting for it). Its increments are not atomic: concurrent requests may lose a few
# counts, which lets a client go that many requests past a limit, never further.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        }
    }
# The API's rate limits (exchange/api.py), "count/period" with a period of s, m, h or d,
# optionally with a multiple ("20/10m"). Above them the API answers 429 with Retry-After.
# Requests with a token (or a session): per token (per user for a session).
PLAN_TRACKER_API_RATE = env_rate("PLAN_TRACKER_API_RATE", "600/h")
# Requests with an unknown, revoked or expired token, or with none: per address. Past this
# limit the address gets 429 for the rest of the window, a right token too, so that tokens
# cannot be guessed.
PLAN_TRACKER_API_FAILED_AUTH_RATE = env_rate("PLAN_TRACKER_API_FAILED_AUTH_RATE", "20/10m")
# --- end of sign-in protection, cache and rate limits ------------------------------------

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

# Import files of up to this many rows are checked and imported inside the request; larger ones
# run as background tasks while the page shows their progress (exchange/jobs.py).
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", 5000)

# E-mail (the daily digest): printed on the console unless an SMTP server is named.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Plan Tracker <plan-tracker@localhost>")
# Where the app is reached from the officers' machines: the links in the e-mails start with it.
PLAN_TRACKER_BASE_URL = env_str("PLAN_TRACKER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The daily digest goes out at this hour, local time (TIME_ZONE).
PLAN_TRACKER_DIGEST_HOUR = env_int("PLAN_TRACKER_DIGEST_HOUR", 7)
if not 0 <= PLAN_TRACKER_DIGEST_HOUR <= 23:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"PLAN_TRACKER_DIGEST_HOUR must be an hour from 0 to 23, got {PLAN_TRACKER_DIGEST_HOUR}"
    )

# -- Background tasks --------------------------------------------------------------------------
# The django.tasks API (django-tasks, the backport of Django 6.0's django.tasks: moving to
# Django 6 changes no task code). One "default" backend and queue for every task of the app
# (the large imports of exchange/jobs.py and any scheduled work): add tasks, not backends.
#   PLAN_TRACKER_TASKS=db (the default): tasks wait in the database (django-tasks-db) and
#     `manage.py db_worker` runs them; `make run` starts one beside the server.
#   PLAN_TRACKER_TASKS=rq: tasks wait in Redis (REDIS_URL) and `manage.py rqworker --job-class
#     django_tasks_rq.Job default` runs them, on as many machines as share the database.
TASKS_QUEUE = env_str("PLAN_TRACKER_TASKS", "db").strip().lower()
_TASK_BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
if TASKS_QUEUE not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"PLAN_TRACKER_TASKS must be one of {sorted(_TASK_BACKENDS)}, got {TASKS_QUEUE!r}"
    )
TASKS = {
    "default": {"BACKEND": _TASK_BACKENDS[TASKS_QUEUE], "QUEUES": ["default"]},
}
# django-rq's queues (read by the RQ backend only). A task may run for long (an import of a
# few hundred thousand rows): RQ's own limit of 3 minutes a task would stop it half-way.
# Its Redis is REDIS_URL (the shared cache's too), or this machine's when that is not set.
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}

# -- Stored files ------------------------------------------------------------------------------
# Uploads waiting for their import go through Django's storage API (default_storage): a folder
# of the machine by default (MEDIA_ROOT, kept out of git), or any S3-compatible store shared by
# several machines by setting STORAGES["default"] (e.g. django-storages' S3Storage). They are
# never served over HTTP: there is no MEDIA_URL route.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
# (STORAGES["default"], with the static files' storage, is set in the static files block.)

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
        "exchange": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
        # django-axes' own lines on failed sign-ins and lockouts (no password in them).
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}
