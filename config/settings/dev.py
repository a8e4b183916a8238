from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# E-mails (sent by the task worker) appear in the terminal of `make run`; development needs no mail server.
# With DJANGO_EMAIL_URL or EMAIL_HOST set, development sends through that server instead.
if not env("DJANGO_EMAIL_URL", default="") and not env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
