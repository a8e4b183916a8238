from .base import *  # noqa: F401,F403
from .base import env

# The demo (`make run`) answers like the product: a mistyped address gets the German 404 page, a refusal the
# German 403 page, not Django's English debug page. Developers switch the debug page on with DJANGO_DEBUG=1.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Without DEBUG, runserver serves no static files (and `whitenoise.runserver_nostatic` hands them to WhiteNoise
# anyway): WhiteNoise serves them straight from the apps and `static/`, re-reading changed files, so the
# development server needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# E-mails (sent by the task worker) appear in the terminal of `make run`; development needs no mail server.
# With DJANGO_EMAIL_URL or EMAIL_HOST set, development sends through that server instead.
if not env("DJANGO_EMAIL_URL", default="") and not env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
