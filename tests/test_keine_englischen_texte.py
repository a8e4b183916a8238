"""No English in the German UI: the pages of every role's main navigation and, for the superuser, the whole admin.

A page fails when its visible text (tags, scripts and attributes stripped, except title, aria-label, placeholder,
alt) contains (a) a msgid of Django's or a third-party app's German catalogue that has a different German
translation, i.e. a string that should have been translated and was not, or (b) a telltale of untranslated or
technical output ("pk=None", "Search by", "None", app code names in headings, ...)."""

from __future__ import annotations

import gettext as gettext_module
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories import AufgabeFactory, GremiumFactory

ROLLEN = ["koordination", "kommune", "mitglied", "auswertung", "land", "admin"]
# Never follow links that change state, download files or leave the application's pages.
NICHT_FOLGEN = re.compile(r"^/(abmelden|i18n|static|media)/|/(export|datei|download|vorlage|feed)(/|\.|$)")

TELLTALES = [
    re.compile(r"pk=None"),
    re.compile(r"\bDeleted\b"),
    re.compile(r"\bSearch by\b"),
    re.compile(r"\bChoose all\b"),
    re.compile(r"\bNone\b"),
    re.compile(r"\bTrue\b"),
    re.compile(r"\bFalse\b"),
    re.compile(r"OTP_", re.IGNORECASE),
]
PROJEKT_APPS = {"buendnis", "angebote", "bedarf", "foerderung", "berichte", "demo"}
SICHTBARE_ATTRIBUTE = {"title", "aria-label", "placeholder", "alt"}


class _Sichtbar(HTMLParser):
    """Text nodes a reader sees or hears, and the text of headings separately."""

    UNSICHTBAR = {"script", "style", "template", "noscript"}
    UEBERSCHRIFTEN = {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texte: list[str] = []
        self.ueberschriften: list[str] = []
        self.nav_links: list[str] = []
        self._stapel: list[str] = []
        self._in_nav = 0

    def handle_starttag(self, tag, attrs):
        werte = dict(attrs)
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col"}:
            self._stapel.append(tag)
            if tag == "nav":
                self._in_nav += werte.get("aria-label") == "Hauptnavigation" or bool(self._in_nav)
        for name, wert in attrs:
            if name in SICHTBARE_ATTRIBUTE and wert:
                self.texte.append(wert.strip())
        if tag == "input" and werte.get("type") in {"submit", "button"} and werte.get("value"):
            self.texte.append(werte["value"].strip())
        if tag == "a" and self._in_nav and werte.get("href", "#") != "#":
            self.nav_links.append(werte["href"])

    def handle_endtag(self, tag):
        if tag in self._stapel:
            while self._stapel and self._stapel.pop() != tag:
                pass
            if tag == "nav" and self._in_nav:
                self._in_nav -= 1

    def handle_data(self, data):
        if any(t in self.UNSICHTBAR for t in self._stapel):
            return
        text = " ".join(data.split())
        if text:
            self.texte.append(text)
            if any(t in self.UEBERSCHRIFTEN for t in self._stapel):
                self.ueberschriften.append(text)


def _katalog(mo: Path) -> dict[str, str]:
    with mo.open("rb") as datei:
        return gettext_module.GNUTranslations(datei)._catalog


@cache
def englische_msgids() -> frozenset[str]:
    """Msgids of the German catalogues of Django and the installed third-party apps whose German differs."""
    orte = [Path(apps.get_app_config("admin").path).parent.parent / "conf" / "locale"]
    orte += [Path(c.path) / "locale" for c in apps.get_app_configs() if c.label not in PROJEKT_APPS]
    eigene = set()
    for mo in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.mo"):
        eigene |= {k for k in _katalog(mo) if isinstance(k, str)}
    msgids = set()
    for ort in orte:
        mo = ort / "de" / "LC_MESSAGES" / "django.mo"
        if not mo.exists():
            continue
        for schluessel, deutsch in _katalog(mo).items():
            msgid = schluessel[0] if isinstance(schluessel, tuple) else schluessel
            msgid = msgid.split("\x04")[-1]  # context
            # Placeholders, single letters and strings German spells alike say nothing.
            # The language switcher names every language in that language ("English"): not an untranslated string.
            if msgid in dict(settings.LANGUAGES).values():
                continue
            if not msgid or "%" in msgid or "{" in msgid or msgid == deutsch or msgid in eigene:
                continue
            if len(msgid) < 4 or not re.search(r"[A-Za-z]{3}", msgid):
                continue
            msgids.add(msgid)
    return frozenset(msgids)


@cache
def codenamen() -> frozenset[str]:
    """App labels and module names ("otp_totp", "django_tasks_database", "buendnis"); German words excepted."""
    namen = set()
    for config in apps.get_app_configs():
        namen |= {config.label.lower(), config.name.rsplit(".", 1)[-1].lower()}
    # "admin" is also the demo superuser's user name, which headings show.
    return frozenset(namen - {"angebote", "bedarf", "berichte", "demo", "admin"})


def befunde(html: str) -> list[str]:
    seite = _Sichtbar()
    seite.feed(html)
    msgids = englische_msgids()
    gefunden = [f"englisch: {t!r}" for t in seite.texte if t in msgids or t.rstrip(":") in msgids]
    alles = "\n".join(seite.texte)
    for muster in TELLTALES:
        gefunden += [
            f"Hinweis {muster.pattern!r}: {alles[max(m.start() - 40, 0) : m.end() + 20]!r}"
            for m in muster.finditer(alles)
        ]
    for ueberschrift in seite.ueberschriften:
        for wort in re.findall(r"\w+", ueberschrift):
            if wort.lower() in codenamen():
                gefunden.append(f"Codename in Überschrift: {ueberschrift!r}")
    return gefunden


def nav_links(html: str) -> list[str]:
    seite = _Sichtbar()
    seite.feed(html)
    pfade = []
    for href in seite.nav_links:
        teile = urlsplit(href)
        if teile.netloc or not teile.path.startswith("/") or NICHT_FOLGEN.search(teile.path):
            continue
        pfad = teile.path + (f"?{teile.query}" if teile.query else "")
        if pfad not in pfade:
            pfade.append(pfad)
    return pfade


@pytest.fixture
def daten(scenario):
    GremiumFactory(buendnis=scenario.a, name="Forum Sprache", leitung=scenario.akteur_a)
    AufgabeFactory(buendnis=scenario.a, titel="Einladung verschicken")
    return scenario


def _pruefe(client, pfade: list[str]) -> dict[str, list[str]]:
    ergebnis = {}
    for pfad in pfade:
        response = client.get(pfad)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        fehler = befunde(response.content.decode())
        if fehler:
            ergebnis[pfad] = fehler
    return ergebnis


@pytest.mark.parametrize("rolle", ROLLEN)
def test_pages_of_the_main_navigation_show_no_english(daten, rolle):
    client = daten.client(rolle)
    start = client.get("/", follow=True)
    assert start.status_code == 200
    pfade = ["/", *nav_links(start.content.decode())]
    assert len(pfade) > 2, "the main navigation offers no links"
    assert _pruefe(client, pfade) == {}


def _admin_pfade() -> list[str]:
    pfade = [reverse("admin:index")]
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        try:
            pfade.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
            pfade.append(reverse("admin:app_list", args=[opts.app_label]))
        except NoReverseMatch:
            continue
        objekt = model._default_manager.first()
        if objekt is not None:
            pfade.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[objekt.pk]))
    return list(dict.fromkeys(pfade))


def test_admin_of_the_superuser_shows_no_english(daten):
    client = daten.client("admin")
    pfade = _admin_pfade()
    assert len(pfade) > 50
    assert _pruefe(client, pfade) == {}


def test_admin_scripts_speak_german(daten):
    """The admin's JavaScript catalogue holds the strings of its widgets (the many-to-many chooser)."""
    response = daten.client("admin").get(reverse("admin:jsi18n"))
    body = response.content.decode()
    assert '"Choose all %s": "Alle %s ausw\\u00e4hlen"' in body
    assert '"Remove all %s": "Alle %s entfernen"' in body


def test_the_checks_find_what_they_look_for():
    """The detector itself: a page with untranslated strings fails."""
    html = (
        "<html><head><title>Verwaltung</title><script>var x = 'Save';</script></head><body>"
        "<h1>Otp_Totp</h1><p>Save</p><p title='Search by user'>ok</p><p>geprüft von: Deleted Benutzer (pk=None)</p>"
        "<p>None</p><h2>Django_Tasks_Database</h2></body></html>"
    )
    fehler = "\n".join(befunde(html))
    assert "englisch: 'Save'" in fehler
    assert "Search by" in fehler
    assert "pk=None" in fehler and "Deleted" in fehler
    assert "'None'" in fehler or "\\bNone\\b" in fehler
    assert "Otp_Totp" in fehler
    assert "Django_Tasks_Database" in fehler
    assert befunde("<html><body><h1>Angebote</h1><p>Speichern</p><script>None</script></body></html>") == []
