"""Settings shared by every environment; values come from the environment (django-environ)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DJANGO_DEBUG=(bool, False),
    DJANGO_ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env("DJANGO_DEBUG")
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    # The admin in German: its site, search help texts, German pages for the third-party models.
    "buendnis.admin_site.VerwaltungAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    # Third-party apps under German names (buendnis.apps_dritte).
    "buendnis.apps_dritte.AnmeldeschutzConfig",
    "django_otp",
    "buendnis.apps_dritte.ZweiterFaktorConfig",
    "django_tasks",
    "buendnis.apps_dritte.AufgabenwarteschlangeConfig",
    "parler",
    "buendnis",
    "angebote",
    "bedarf",
    "foerderung",
    "berichte",
    # Last: demo data, the NRW generator and the benchmark helpers sit on top of every app.
    "demo",
]

MIDDLEWARE = [
    # First: answers the load balancer before host validation and the HTTPS redirect.
    "buendnis.middleware.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "buendnis.middleware.RequestSizeLimitMiddleware",
    "buendnis.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "buendnis.middleware.SessionLeerlaufMiddleware",
    "buendnis.sprache.SpracheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "buendnis.middleware.SessionAbsoluteTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "buendnis.middleware.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a lockout answers before any view runs.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "buendnis.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The task worker and the web server write to the same file. WAL lets readers go on beside a writer, the
    # busy timeout makes a writer wait for the lock instead of failing with "database is locked", and
    # EXCLUSIVE transactions take the write lock at BEGIN (in WAL mode the same as IMMEDIATE: readers go on),
    # so a transaction never fails halfway when it upgrades from reading to writing. django-tasks-db claims a
    # task inside such a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "EXCLUSIVE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "buendnis.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "buendnis:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "de"
# Every language of the public catalogue, named in its own language (the switcher shows them like that).
# "de-x-ls" is Leichte Sprache (easy German; a private-use subtag of German, BCP 47).
LANGUAGES = [
    ("de", "Deutsch"),
    ("de-x-ls", "Leichte Sprache"),
    ("en", "English"),
    ("ar", "العربية"),
    ("fa", "فارسی / دری"),
    ("uk", "Українська"),
    ("tr", "Türkçe"),
    ("ti", "ትግርኛ"),
]
# The languages of the staff application (signed-in pages, admin): German, and English on request. The other
# languages serve the public pages only (`buendnis.sprache.OEFFENTLICHE_PFADE`).
ARBEITSSPRACHEN = ["de", "en"]
LANGUAGES_BIDI = ["ar", "fa"]
# Offer texts in other languages (django-parler); the German text is the offer's own field.
PARLER_DEFAULT_LANGUAGE_CODE = "de"
PARLER_LANGUAGES = {
    None: tuple({"code": code} for code, _name in LANGUAGES if code != "de"),
    "default": {"fallbacks": [], "hide_untranslated": False},
}
# Translations are read through prefetching; a per-process cache would serve stale texts to other workers.
PARLER_ENABLE_CACHING = False
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# `manage.py backup` writes here unless --file is given (make backup).
BACKUP_DIR = env("DJANGO_BACKUP_DIR", default=str(BASE_DIR / "var" / "backups"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Sessions: 30 minutes idle, at most 12 hours (buendnis.middleware). The idle limit is renewed by a request at
# most once a minute (SessionLeerlaufMiddleware), not on every one: a database write per page view costs more
# than the page's own queries under load.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ERNEUERN_SEKUNDEN = 60
SESSION_MAX_AGE_ABSOLUTE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script reads the CSRF cookie: forms carry the token, JavaScript takes it from the form's hidden field.
CSRF_COOKIE_HTTPONLY = True
# A refused form gets a German page in the application's layout (Django's own page is English, inline-styled).
CSRF_FAILURE_VIEW = "buendnis.views_konto.csrf_fehler"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy without inline scripts or styles (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login throttling: the pair of username and IP address is locked, not the whole town hall.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours = 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/gesperrt.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
# Besides the pair: failures from one IP address over all user names within the cool-off window, after which every
# login from that address is locked (buendnis.axes_handler). High enough for a whole town hall behind one address.
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_HANDLER = "buendnis.axes_handler.IpBegrenzterAxesHandler"
# Behind N trusted proxies (the load balancer) the client address is taken from X-Forwarded-For, counted
# from the right; with 0 (direct exposure) the header is ignored, because a client could forge it.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "buendnis.middleware.client_ip"

# Optional second factor (TOTP) for koordination, land and superusers (buendnis.views_konto).
OTP_TOTP_ISSUER = "Bündnis-Koordination"

# Uploads: imports and documents.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000
DOKUMENT_MAX_BYTES = 10 * 1024 * 1024
# Whole request body (buendnis.middleware.RequestSizeLimitMiddleware): the largest upload plus form overhead.
MAX_REQUEST_BYTES = 12 * 1024 * 1024

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Admin imports keep the pending file in an Importvorgang of the uploader, never in a temp file named by the form.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "buendnis.admin_import.ImportvorgangStorage"
# Formula escaping is done by buendnis.io.SafeExportMixin for = + - @ TAB CR (the library covers only =).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# Small-number protection: counts 1..k-1 leave the owning Kommune only as "< k".
BEDARF_MIN_COUNT = env.int("BEDARF_MIN_COUNT", default=3)
# The audited suppression pattern of a survey round is renewed by the task worker when figures change; meanwhile
# pages withhold every figure of the round. True computes a missing pattern inside the request instead (tests).
BEDARF_MUSTER_SOFORT = env.bool("BEDARF_MUSTER_SOFORT", default=False)

DEMO_PASSWORD = env("DEMO_PASSWORD", default="buendnis-demo")

# Dashboard figures (berichte) are cached this long at most; every committed write outdates them earlier.
BERICHTE_DASHBOARD_CACHE_SEKUNDEN = env.int("BERICHTE_DASHBOARD_CACHE_SEKUNDEN", default=60)

# Work outside the request (exports, e-mail) runs as tasks (Django's tasks API, backport django-tasks) in the
# database queue; `manage.py db_worker` runs them (started by `make run` and `make serve`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Outgoing e-mail: DJANGO_EMAIL_URL (smtp://user:password@host:587, smtp+tls://..., smtp+ssl://...) or the usual
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL.
if env("DJANGO_EMAIL_URL", default=""):
    vars().update(env.email_url("DJANGO_EMAIL_URL"))
else:
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Bündnis-Koordination <noreply@localhost>")
# Links in e-mails and calendar files need the site's address (no request is at hand in the worker).
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# A person invited by the coordination sets a password within this time (seconds); then the link expires.
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=7 * 24 * 3600)

# Pages whose header figures ("Meine Aufgaben", unread notifications) are not cached fetch them after loading.
NAVIGATION_ZAHLEN_NACHLADEN = env.bool("NAVIGATION_ZAHLEN_NACHLADEN", default=True)

# A failed e-mail is sent again after these pauses (seconds), then it counts as failed (buendnis.tasks).
MAIL_WIEDERHOLUNG_SEKUNDEN = [60, 5 * 60, 30 * 60]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
FORMS_URLFIELD_ASSUME_HTTPS = True  # noqa: E305
