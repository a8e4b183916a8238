"""Which language a request is answered in.

German is the language of the product. The staff application speaks German and English on request
(`settings.ARBEITSSPRACHEN`); the public pages (start page, catalogue, open data API) speak every language of
`settings.LANGUAGES`: the languages young refugees read, right-to-left where the script needs it.

The choice comes from the language cookie (set by Django's `set_language` view) or, on public pages, from
`?sprache=<code>` in a shared link. The browser's Accept-Language is ignored on purpose: Django's LocaleMiddleware
would show an English UI to every administration whose browsers are set up in English, and a German authority's
software must not do that.
"""

from django.conf import settings
from django.utils import translation

# Where the strings of the public pages live: the catalogues of the languages that only the public pages speak
# hold exactly these (`manage.py oeffentliche_uebersetzungen`; the staff application is German and English).
OEFFENTLICHE_QUELLEN = ("angebote/oeffentlich.py", "templates/oeffentlich")
# The plural rules of those catalogues (gettext's Plural-Forms header; CLDR for the languages).
PLURALREGELN = {
    "de-x-ls": "nplurals=2; plural=(n != 1);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5);"
    ),
    "fa": "nplurals=2; plural=(n > 1);",
    "uk": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "tr": "nplurals=2; plural=(n != 1);",
    "ti": "nplurals=2; plural=(n > 1);",
}

# Paths whose pages are public and speak every language of the catalogue (the root "/" is public for visitors).
OEFFENTLICHE_PFADE = ("/katalog/", "/api/hsds/")


def ist_oeffentlich(request) -> bool:
    pfad = request.path_info
    if pfad == "/":
        # Runs before authentication: a signed-in session (the dashboard) is told by its user key.
        sitzung = getattr(request, "session", None)
        return sitzung is None or "_auth_user_id" not in sitzung
    return pfad.startswith(OEFFENTLICHE_PFADE)


def sprache_fuer(request) -> str:
    erlaubt = dict(settings.LANGUAGES) if ist_oeffentlich(request) else settings.ARBEITSSPRACHEN
    for wahl in (request.GET.get("sprache"), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if wahl and wahl in erlaubt:
            return wahl
    return settings.LANGUAGE_CODE


class SpracheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sprache = sprache_fuer(request)
        translation.activate(sprache)
        request.LANGUAGE_CODE = sprache
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", sprache)
        translation.deactivate()
        return response
