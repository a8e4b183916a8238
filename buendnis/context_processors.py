"""The figures the header shows: unread notifications and what waits for the person ("Meine Aufgaben").

Counting costs a query per kind of waiting thing, too much for every page. So a page only reads the person's
figures from the cache (read at the start of the request with the person's other entries, `buendnis.personencache`,
else one cache read when the template uses them). When the cache holds none, the
header renders without them and `static/js/navigation.js` asks `buendnis:navigation-zahlen` for them: that
request counts, keeps the figures in the cache for `CACHE_SEKUNDEN`, and the next pages render them at once.
A minute's delay is acceptable; who changes what a person sees at once (reading notifications) calls
`vergessen(user)`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject, cached_property

from buendnis import cachehilfe, personencache
from buendnis.models import Benachrichtigung
from buendnis.registry import arbeitsposten

CACHE_SEKUNDEN = 60


def cache_schluessel(user_pk: int) -> str:
    return f"buendnis:navigation:{user_pk}"


def zahlen_berechnen(user, wartend: int | None = None) -> dict[str, int]:
    """The person's unread notifications and the number of things waiting for them (one query per kind;
    `wartend` when the caller has just counted it)."""
    return {
        "ungelesen": Benachrichtigung.objects.visible_to(user).ungelesen().count(),
        "wartend": sum(posten.zaehlen(user) for posten in arbeitsposten()) if wartend is None else wartend,
    }


def _cache_erlaubt() -> bool:
    # Figures read inside an open transaction may include writes rolled back later (a failed import, a test
    # case); they must not reach other requests through the cache. Requests run outside one (no ATOMIC_REQUESTS).
    return not connection.in_atomic_block


def _cache(operation: str, *args):
    # The module's `cache` looked up at each call (tests put a failing one in its place).
    return cachehilfe.versuchen(cache, "Navigations", operation, *args)


def _gelesen(user, werte=None) -> None:
    # The figures may have been read at the start of the request (buendnis.personencache): it sees the change too.
    person = getattr(user, personencache.ATTRIBUT, None)
    if person is not None:
        person.gemerkt(cache_schluessel(user.pk), werte)


def _lesen(user):
    person = getattr(user, personencache.ATTRIBUT, None)
    werte = person.vorab(cache_schluessel(user.pk)) if person is not None else personencache.FEHLT
    if werte is personencache.FEHLT:
        werte = _cache("get", cache_schluessel(user.pk))
    return werte if isinstance(werte, dict) else None


def vergessen(user) -> None:
    """Drops the person's cached figures: they are counted afresh."""
    _cache("delete", cache_schluessel(user.pk))
    _gelesen(user)


def merken(user, werte: dict[str, int]) -> dict[str, int]:
    if _cache_erlaubt():
        _cache("set", cache_schluessel(user.pk), werte, CACHE_SEKUNDEN)
        _gelesen(user, werte)
    return werte


def zahlen(user) -> dict[str, int]:
    """The person's figures from the cache, else counted now (and kept)."""
    werte = _lesen(user) if _cache_erlaubt() else None
    if werte is not None:
        return werte
    return merken(user, zahlen_berechnen(user))


class Navigationszahlen:
    """The header's figures of one person as far as the cache knows them (never counted for a page)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def werte(self) -> dict[str, int] | None:
        return _lesen(self.user) if _cache_erlaubt() else None

    @property
    def bekannt(self) -> bool:
        return self.werte is not None

    @property
    def nachladen(self) -> bool:
        """Whether the page asks for the figures after loading (off where a second request at the same time
        would collide, as on the in-memory SQLite database of the browser tests)."""
        return not self.bekannt and settings.NAVIGATION_ZAHLEN_NACHLADEN

    @property
    def ungelesen(self) -> int | None:
        return self.werte["ungelesen"] if self.werte else None

    @property
    def wartend(self) -> int | None:
        return self.werte["wartend"] if self.werte else None


def _url_oder_nichts(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    figures = Navigationszahlen(user)
    return {
        "navigationszahlen": figures,
        "anzahl_ungelesen": SimpleLazyObject(lambda: figures.ungelesen),
        "anzahl_wartend": SimpleLazyObject(lambda: figures.wartend),
        # The notification list is another part of the application; the bell shows once it is there.
        "benachrichtigungen_url": SimpleLazyObject(
            lambda: _url_oder_nichts("buendnis:benachrichtigung-list")
        ),
    }
