"""Request hardening that Django's own settings do not cover.

- `HealthzMiddleware`: answers `/healthz` before host validation and the HTTPS redirect, so a load balancer
  that probes by internal IP over plain HTTP gets the real answer.
- `RequestSizeLimitMiddleware`: refuses request bodies over MAX_REQUEST_BYTES (HTTP 413) before they are read.
- `SecurityHeadersMiddleware`: headers Django does not set (Permissions-Policy, Cross-Origin-Resource-Policy).
- `SessionAbsoluteTimeoutMiddleware`: a session ends 12 hours after sign-in however active it is
  (the 30 minutes idle limit is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
- `OTPRequiredMiddleware`: a user who has set up a confirmed TOTP device must enter a code after signing in
  before any other page answers. Users without a device are not forced; that they have none is kept in the cache
  (`buendnis.personencache`, read in one round trip with the person's permissions and menus), so their pages do
  not ask the database on every request.
- `client_ip`: the client address for django-axes (AXES_CLIENT_IP_CALLABLE), X-Forwarded-For only from
  TRUSTED_PROXY_COUNT trusted proxies.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.functional import LazyObject

logger = logging.getLogger(__name__)

AUTH_STARTED_SESSION_KEY = "_auth_started_at"


def client_ip(request) -> str | None:
    """The client address for login throttling (django-axes), aware of settings.TRUSTED_PROXY_COUNT proxies."""
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each trusted proxy appends the address it saw; the one the outermost proxy saw is `count` from the end.
    return chain[-count] if len(chain) >= count else remote


class HealthzMiddleware:
    """Place first in MIDDLEWARE."""

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == self.path and request.method in ("GET", "HEAD"):
            from buendnis.views import healthz

            return healthz(request)
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuses request bodies over settings.MAX_REQUEST_BYTES before Django spools them to disk.

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files; the per-purpose limits
    (documents 10 MB, imports 5 MB) are checked later, this cap keeps a huge upload from filling the disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            from django.http import HttpResponse

            limit_mb = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            return HttpResponse(
                f"Die Anfrage ist zu groß (höchstens {limit_mb} MB).",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    permissions_policy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def _login_redirect(request, reason: str) -> HttpResponseRedirect:
    query = {"next": request.get_full_path(), "grund": reason}
    return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{urlencode(query)}")


SESSION_ERNEUERT_KEY = "_buendnis_erneuert"


@receiver(user_logged_in, dispatch_uid="buendnis_session_clock")
def start_session_clock(sender, request, user, **kwargs):
    """Every sign-in starts the 12-hour clock afresh (the session key is rotated, its data kept)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[AUTH_STARTED_SESSION_KEY] = [user.pk, int(time.time())]
        session[SESSION_ERNEUERT_KEY] = int(time.time())  # the sign-in saves the session: a renewal


class SessionLeerlaufMiddleware:
    """Place right after SessionMiddleware. Renews the idle limit (SESSION_COOKIE_AGE) of a signed-in session at
    most every SESSION_ERNEUERN_SEKUNDEN: the session is saved, its cookie sent again, only when the last renewal
    is older. The limit is thus between 29 and 30 minutes, and most page views write nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A session nobody read in this request (static files, the health check) is not loaded for this; one
        # that holds nothing needs no renewal.
        if session is None or not session.accessed or session.is_empty():
            return response
        jetzt = int(time.time())
        if session.modified:
            # Saved anyway (a message, a form's state): that save is the renewal, so the clock starts afresh and
            # the next page view does not write again.
            session[SESSION_ERNEUERT_KEY] = jetzt
            return response
        zuletzt = session.get(SESSION_ERNEUERT_KEY)
        if not isinstance(zuletzt, int) or jetzt - zuletzt >= settings.SESSION_ERNEUERN_SEKUNDEN:
            session[SESSION_ERNEUERT_KEY] = jetzt
        return response


class SessionAbsoluteTimeoutMiddleware:
    """Place after AuthenticationMiddleware. Limit: settings.SESSION_MAX_AGE_ABSOLUTE seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(AUTH_STARTED_SESSION_KEY)
            # The user id travels with the timestamp, so a session reused by another sign-in starts afresh.
            if not (isinstance(started, list) and len(started) == 2 and started[0] == user.pk):
                request.session[AUTH_STARTED_SESSION_KEY] = [user.pk, now]
            elif now - int(started[1]) > settings.SESSION_MAX_AGE_ABSOLUTE:
                logout(request)
                return _login_redirect(request, "abgelaufen")
        return self.get_response(request)


class OTPRequiredMiddleware:
    """Place after django_otp.middleware.OTPMiddleware."""

    # Pages a signed-in but not yet verified user may still reach.
    exempt_url_names = ("konto:otp-verify", "logout", "set_language")
    exempt_prefixes = ("/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from buendnis import context_processors, personencache

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        # Both lazy wrappers (authentication, django_otp) are resolved by now: the rest of the request reads the
        # user's attributes directly instead of through two proxies.
        while isinstance(user, LazyObject):
            user = user._wrapped
        request.user = user
        # The person's entries (second factor, permissions, menus, the header's figures) in one round trip.
        person = personencache.fuer(user, (context_processors.cache_schluessel(user.pk),))
        person.rechte_vorbelegen()
        if (
            not user.is_verified()
            and not request.path_info.startswith(self.exempt_prefixes)
            and person.hat_bestaetigtes_geraet()
        ):
            try:
                exempt = {reverse(name) for name in self.exempt_url_names}
                verify_url = reverse("konto:otp-verify")
            except NoReverseMatch:
                # The account URLs are not mounted: nobody can verify, so do not lock everyone out.
                logger.error("OTPRequiredMiddleware: URL 'konto:otp-verify' is not mounted.")
                return self.get_response(request)
            if request.path not in exempt:
                return HttpResponseRedirect(f"{verify_url}?{urlencode({'next': request.get_full_path()})}")
        response = self.get_response(request)
        person.rechte_merken()
        return response
