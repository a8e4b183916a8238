"""Login throttling (django-axes) with a second, higher limit per IP address across user names.

The pair of user name and IP address is locked after AXES_FAILURE_LIMIT failures, so colleagues behind the same
town-hall address keep signing in. django-axes compares every lockout parameter with that one limit, so a per-IP
parameter would lock a whole town hall after five typos. This handler adds the cap itself: once an IP address has
AXES_IP_FAILURE_LIMIT failures within the cool-off window, summed over all user names, every login from it is
locked like a locked pair (HTTP 429, the same German page) until the window has passed or an admin resets it.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def ip_fehlversuche(request) -> int:
    """Failed logins from the request's IP address within the cool-off window, over all user names."""
    ip_address = getattr(request, "axes_ip_address", None)
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class IpBegrenzterAxesHandler(AxesDatabaseHandler):
    """The database handler of django-axes plus the per-IP cap AXES_IP_FAILURE_LIMIT (None or 0: no cap)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        ip_limit = getattr(settings, "AXES_IP_FAILURE_LIMIT", None)
        if ip_limit and request is not None and ip_fehlversuche(request) >= ip_limit:
            # Counted as a locked pair, so axes answers with its lockout response.
            return max(failures, get_failure_limit(request, credentials))
        return failures
