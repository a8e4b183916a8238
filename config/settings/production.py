"""Production: refuses to start without a real secret key and allowed hosts; HTTPS only.

Run behind a TLS-terminating proxy or load balancer that sets X-Forwarded-Proto (see README, "Betrieb").
`DJANGO_SETTINGS_MODULE=config.settings.production ... manage.py check --deploy` reports no issues.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith(("dev-only", "django-insecure")) or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY muss gesetzt sein (mindestens 50 zufällige Zeichen).")
# Blank entries (" , " or a trailing comma) count as unset.
ALLOWED_HOSTS = [host.strip() for host in env.list("DJANGO_ALLOWED_HOSTS", default=[]) if host.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS muss gesetzt sein (z. B. buendnis.example.org).")
# Origins allowed for CSRF besides the host itself (scheme included), e.g. https://buendnis.example.org
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Cookies only over HTTPS.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# HTTPS everywhere; the proxy tells us the original scheme.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Several app servers share one PostgreSQL: keep connections for a minute, check them before use.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Cache shared by every app server, so a write on one server outdates cached dashboard figures on all of them:
# `dbcache://django_cache` (PostgreSQL, table made by `manage.py createcachetable`, which `make serve` runs).
# The per-process memory cache (`locmemcache://`) suits a single server; cached figures there live 60 s at most.
CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="dbcache://django_cache")}

STORAGES = {
    # MEDIA_ROOT (DJANGO_MEDIA_ROOT) lies on storage shared by every app server.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.settings.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
