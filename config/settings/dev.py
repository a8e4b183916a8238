from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# E-mails (sent by the task worker) appear in the terminal of `make run`; development needs no mail server.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
