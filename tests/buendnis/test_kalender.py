"""The personal calendar feed: a secret, revocable iCalendar address with the person's meetings and deadlines."""

from __future__ import annotations

import datetime
import re

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buendnis.models import AufgabeStatus, Kalenderabo, Mitgliedschaft, SitzungStatus, token_hash
from tests.factories import AkteurFactory, AufgabeFactory, GremiumFactory, SitzungFactory
from tests.sicherheit.helpers import snapshot

SEITE = reverse("buendnis:kalender")
ERZEUGEN = reverse("buendnis:kalender-erzeugen")
WIDERRUFEN = reverse("buendnis:kalender-widerrufen")


def adresse_erzeugen(client: Client) -> str:
    """Makes a new address on the page and returns the path shown once."""
    response = client.post(ERZEUGEN)
    assert response.status_code == 200
    treffer = re.search(r'value="https?://[^/"]+(/kalender/[A-Za-z0-9_-]+\.ics)"', response.content.decode())
    assert treffer, "the new address is shown on the page"
    return treffer.group(1)


def abrufen(pfad: str):
    """Fetched as a calendar program does: without a session."""
    return Client().get(pfad)


def ereignisse(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    kalender = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in kalender.walk("VEVENT")}


@pytest.fixture
def termine(scenario):
    """Meetings and tasks around the member of Bündnis a (Akteur "Caritas A") and around others."""
    jetzt = timezone.now()
    heute = timezone.localdate()
    mitglied = scenario.users["mitglied"]
    kommune = scenario.users["kommune"]
    anderer = AkteurFactory(buendnis=scenario.a, name="Jobcenter A", kommune=None)

    mit_caritas = GremiumFactory(buendnis=scenario.a, name="Forum Sprache")
    Mitgliedschaft.objects.create(gremium=mit_caritas, akteur=scenario.akteur_a)
    geleitet = GremiumFactory(buendnis=scenario.a, name="AG Übergänge", leitung=scenario.akteur_a)
    ohne_caritas = GremiumFactory(buendnis=scenario.a, name="Forum Wohnen")
    Mitgliedschaft.objects.create(gremium=ohne_caritas, akteur=anderer)
    gremium_b = GremiumFactory(buendnis=scenario.b, name="Forum B")
    Mitgliedschaft.objects.create(gremium=gremium_b, akteur=scenario.akteur_b)

    return {
        "forum": SitzungFactory(
            gremium=mit_caritas, titel="Forum Sprache März", beginn=jetzt + datetime.timedelta(days=5)
        ),
        "gehalten": SitzungFactory(
            gremium=mit_caritas,
            titel="Forum Sprache Januar",
            beginn=jetzt - datetime.timedelta(days=30),
            status=SitzungStatus.DURCHGEFUEHRT,
        ),
        "zu_alt": SitzungFactory(
            gremium=mit_caritas,
            titel="Forum Sprache vor langer Zeit",
            beginn=jetzt - datetime.timedelta(days=200),
            status=SitzungStatus.DURCHGEFUEHRT,
        ),
        "abgesagt": SitzungFactory(
            gremium=mit_caritas,
            titel="Abgesagte Sitzung",
            beginn=jetzt + datetime.timedelta(days=9),
            status=SitzungStatus.ABGESAGT,
        ),
        "geleitet": SitzungFactory(
            gremium=geleitet, titel="AG Übergänge Sitzung", beginn=jetzt + datetime.timedelta(days=3)
        ),
        "fremd": SitzungFactory(
            gremium=ohne_caritas, titel="Forum Wohnen Sitzung", beginn=jetzt + datetime.timedelta(days=4)
        ),
        "anderes_buendnis": SitzungFactory(
            gremium=gremium_b, titel="Sitzung in B", beginn=jetzt + datetime.timedelta(days=2)
        ),
        "meine": AufgabeFactory(
            buendnis=scenario.a,
            titel="Protokoll schreiben",
            zustaendig=mitglied,
            faellig_am=heute + datetime.timedelta(days=10),
        ),
        "caritas": AufgabeFactory(
            buendnis=scenario.a,
            titel="Flyer drucken",
            akteur=scenario.akteur_a,
            faellig_am=heute + datetime.timedelta(days=4),
        ),
        "ohne_frist": AufgabeFactory(
            buendnis=scenario.a, titel="Irgendwann", zustaendig=mitglied, faellig_am=None
        ),
        "erledigt": AufgabeFactory(
            buendnis=scenario.a, titel="Schon erledigt", zustaendig=mitglied, status=AufgabeStatus.ERLEDIGT
        ),
        "kollegin": AufgabeFactory(buendnis=scenario.a, titel="Aufgabe der Kommune", zustaendig=kommune),
        "fremder_akteur": AufgabeFactory(buendnis=scenario.a, titel="Aufgabe des Jobcenters", akteur=anderer),
        "b": AufgabeFactory(buendnis=scenario.b, titel="Aufgabe in B", akteur=scenario.akteur_b),
    }


# The feed ---------------------------------------------------------------------------------------------------------


def test_feed_holds_exactly_the_persons_meetings_and_deadlines(scenario, termine):
    pfad = adresse_erzeugen(scenario.client("mitglied"))
    events = ereignisse(abrufen(pfad))
    erwartet = {
        termine["forum"].ics_uid,
        termine["gehalten"].ics_uid,
        termine["geleitet"].ics_uid,
        f"aufgabe-{termine['meine'].pk}@buendnis-koordination",
        f"aufgabe-{termine['caritas'].pk}@buendnis-koordination",
    }
    assert set(events) == erwartet
    text = abrufen(pfad).content.decode()
    for fremd in (
        "Forum Wohnen",
        "Sitzung in B",
        "Aufgabe der Kommune",
        "Aufgabe des Jobcenters",
        "Aufgabe in B",
    ):
        assert fremd not in text
    sitzung = events[termine["forum"].ics_uid]
    assert sitzung.decoded("dtstart") == termine["forum"].beginn.replace(microsecond=0)
    assert "Forum Sprache März" in str(sitzung["summary"])
    frist = events[f"aufgabe-{termine['meine'].pk}@buendnis-koordination"]
    assert frist.decoded("dtstart") == termine["meine"].faellig_am
    assert "Protokoll schreiben" in str(frist["summary"])


def test_feed_is_named_after_the_person_and_carries_no_method(scenario, termine):
    mitglied = scenario.users["mitglied"]
    kalender = icalendar.Calendar.from_ical(abrufen(adresse_erzeugen(scenario.client("mitglied"))).content)
    assert "method" not in kalender
    assert str(kalender["x-wr-calname"]) == f"Bündnis-Koordination – {mitglied.anzeigename()}"


def test_coordination_feed_holds_every_meeting_of_its_buendnis_only(scenario, termine):
    events = ereignisse(abrufen(adresse_erzeugen(scenario.client("koordination"))))
    sitzungen = {uid for uid in events if uid.startswith("sitzung-")}
    assert sitzungen == {termine[k].ics_uid for k in ("forum", "gehalten", "geleitet", "fremd")}


def test_kommune_without_akteur_gets_only_its_own_deadlines(scenario, termine):
    events = ereignisse(abrufen(adresse_erzeugen(scenario.client("kommune"))))
    assert set(events) == {f"aufgabe-{termine['kollegin'].pk}@buendnis-koordination"}


def test_land_feed_holds_nothing_of_a_buendnis(scenario, termine):
    assert ereignisse(abrufen(adresse_erzeugen(scenario.client("land")))) == {}


def test_feed_answers_without_session_cookies_and_may_be_cached_privately(scenario, termine):
    response = abrufen(adresse_erzeugen(scenario.client("mitglied")))
    assert response["Cache-Control"] == "private, max-age=300"
    assert not response.cookies


def test_fetching_records_when_and_keeps_the_queries_bounded(scenario, termine):
    pfad = adresse_erzeugen(scenario.client("mitglied"))
    abo = Kalenderabo.objects.get(benutzer=scenario.users["mitglied"])
    assert abo.zuletzt_abgerufen is None
    with CaptureQueriesContext(connection) as wenige:
        abrufen(pfad)
    abo.refresh_from_db()
    assert abo.zuletzt_abgerufen is not None
    gremium = termine["forum"].gremium
    for nr in range(20):
        SitzungFactory(
            gremium=gremium, titel=f"Weitere {nr}", beginn=timezone.now() + datetime.timedelta(days=nr + 1)
        )
        AufgabeFactory(buendnis=scenario.a, titel=f"Aufgabe {nr}", zustaendig=scenario.users["mitglied"])
    with CaptureQueriesContext(connection) as viele:
        assert len(ereignisse(abrufen(pfad))) == 45
    assert len(viele.captured_queries) == len(wenige.captured_queries) <= 6


# Keys: stored as a hash, revoked, replaced ------------------------------------------------------------------------------


def test_the_token_is_not_stored_in_clear(scenario):
    pfad = adresse_erzeugen(scenario.client("mitglied"))
    token = pfad.removeprefix("/kalender/").removesuffix(".ics")
    abo = Kalenderabo.objects.get(benutzer=scenario.users["mitglied"])
    assert abo.token_hash != token
    assert abo.token_hash == token_hash(token)
    assert token not in str(Kalenderabo.objects.values_list())
    # The page shows the address only once.
    assert token not in scenario.client("mitglied").get(SEITE).content.decode()


def test_revoked_address_is_404(scenario, termine):
    client = scenario.client("mitglied")
    pfad = adresse_erzeugen(client)
    assert abrufen(pfad).status_code == 200
    response = client.post(WIDERRUFEN)
    assert response.status_code == 302
    assert abrufen(pfad).status_code == 404
    assert Kalenderabo.objects.get(benutzer=scenario.users["mitglied"]).widerrufen_am is not None
    assert "keine aktive Kalenderadresse" in client.get(SEITE).content.decode()


def test_new_address_revokes_the_old_one(scenario, termine):
    client = scenario.client("mitglied")
    alt = adresse_erzeugen(client)
    neu = adresse_erzeugen(client)
    assert alt != neu
    assert abrufen(alt).status_code == 404
    assert abrufen(neu).status_code == 200
    assert (
        Kalenderabo.objects.filter(benutzer=scenario.users["mitglied"], widerrufen_am__isnull=True).count()
        == 1
    )


def test_wrong_token_is_404(scenario, termine):
    adresse_erzeugen(scenario.client("mitglied"))
    assert abrufen(reverse("buendnis:kalender-feed", args=["x" * 43])).status_code == 404
    assert abrufen("/kalender/.ics").status_code == 404


def test_address_of_a_deactivated_person_is_404(scenario, termine):
    pfad = adresse_erzeugen(scenario.client("mitglied"))
    scenario.users["mitglied"].__class__.objects.filter(pk=scenario.users["mitglied"].pk).update(
        is_active=False
    )
    assert abrufen(pfad).status_code == 404


def test_one_persons_revocation_leaves_anothers_address(scenario, termine):
    pfad_mitglied = adresse_erzeugen(scenario.client("mitglied"))
    pfad_kommune = adresse_erzeugen(scenario.client("kommune"))
    scenario.client("kommune").post(WIDERRUFEN)
    assert abrufen(pfad_kommune).status_code == 404
    assert abrufen(pfad_mitglied).status_code == 200


def test_the_feed_answers_get_only(scenario, termine):
    pfad = adresse_erzeugen(scenario.client("mitglied"))
    assert abrufen(pfad).status_code == 200
    assert Client().post(pfad).status_code == 405
    # An unknown address is a 404 whatever the method: a probe learns nothing.
    assert Client().post(reverse("buendnis:kalender-feed", args=["x" * 43])).status_code == 404


# The page -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "mitglied", "auswertung", "land", "admin"])
def test_every_signed_in_role_reaches_the_page_and_makes_its_own_address(scenario, rolle):
    client = scenario.client(rolle)
    response = client.get(SEITE)
    assert response.status_code == 200
    assert "Kalenderadresse erzeugen" in response.content.decode()
    inhalt = client.post(ERZEUGEN).content.decode()
    assert "Aus dem Internet" in inhalt and "Im Netzwerk" in inhalt
    assert Kalenderabo.objects.get().benutzer == scenario.users[rolle]
    seite = client.get(SEITE).content.decode()
    assert "Adresse widerrufen" in seite
    assert "noch nie" in seite


@pytest.mark.parametrize("url", [SEITE, ERZEUGEN, WIDERRUFEN])
def test_anonymous_is_sent_to_login_and_nothing_changes(scenario, url):
    vorher = snapshot()
    client = Client()
    response = client.post(url) if url != SEITE else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot() == vorher


def test_making_and_revoking_need_post(scenario):
    client = scenario.client("mitglied")
    vorher = snapshot()
    assert client.get(ERZEUGEN).status_code == 405
    assert client.get(WIDERRUFEN).status_code == 405
    assert snapshot() == vorher


def test_revoking_without_address_says_so(scenario):
    response = scenario.client("mitglied").post(WIDERRUFEN, follow=True)
    assert "Es gab keine aktive Kalenderadresse." in response.content.decode()


def test_meine_aufgaben_links_to_the_calendar_page(scenario):
    html = scenario.client("mitglied").get(reverse("buendnis:meine-aufgaben")).content.decode()
    assert SEITE in html
