""" "Meine Aufgaben": what waits for each person and role, and the counts in the header."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from angebote.models import AngebotStatus
from bedarf.models import Bedarfsmeldung, Erhebung, MeldungStatus
from buendnis import context_processors
from buendnis.choices import Baustein
from buendnis.models import AkteurStatus, AufgabeStatus, Benachrichtigung, BenachrichtigungArt, Zustellung
from foerderung import arbeit as foerderung_arbeit
from foerderung import zuwendung
from foerderung.models import Entscheider, Foerderantrag, Foerderregel, Kostenart
from tests.angebote.factories import AngebotFactory
from tests.bedarf.factories import ErhebungFactory
from tests.factories import AkteurFactory, AufgabeFactory, KommuneFactory
from tests.foerderung.factories import FoerderantragFactory, FoerderbausteinFactory

URL = reverse("buendnis:meine-aufgaben")
LEER = "Nichts wartet auf Sie."


def seite(scenario, rolle: str) -> str:
    response = scenario.client(rolle).get(URL)
    assert response.status_code == 200
    return response.content.decode()


def karte(html: str, titel: str) -> str:
    """The text of one card of the page ("" when there is none)."""
    for teil in html.split('<section class="col-lg-6')[1:]:
        if titel in teil:
            return teil.split("</section>")[0]
    return ""


def zahl_im_kopf(html: str, art: str) -> int | None:
    """The number on a badge of the header ("wartend", "ungelesen"); None while the badge is hidden."""
    kopf = html.split("<main")[0]
    treffer = re.search(rf'data-zahl="{art}"( hidden)?><span data-wert>(\d*)</span>', kopf)
    assert treffer, f"badge {art} in the header"
    return None if treffer.group(1) else int(treffer.group(2))


def wartend_im_kopf(html: str) -> int | None:
    return zahl_im_kopf(html, "wartend")


# Who reaches the page -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [
        ("anonym", 302),
        ("koordination", 200),
        ("kommune", 200),
        ("mitglied", 200),
        ("auswertung", 200),
        ("land", 200),
        ("admin", 200),
    ],
)
def test_role_matrix_of_meine_aufgaben(scenario, rolle, erwartet):
    response = scenario.client(rolle).get(URL)
    assert response.status_code == erwartet
    if rolle == "anonym":
        assert response["Location"].startswith(reverse("login"))


def test_post_is_refused(scenario):
    assert scenario.client("koordination").post(URL).status_code == 405


def test_nothing_waiting_shows_the_friendly_empty_state(scenario):
    html = seite(scenario, "auswertung")
    assert LEER in html
    assert wartend_im_kopf(html) is None


# Tasks ------------------------------------------------------------------------------------------------------------


def test_own_open_tasks_are_listed_overdue_first_and_nobody_elses(scenario):
    kommune = scenario.users["kommune"]
    heute = timezone.localdate()
    AufgabeFactory(buendnis=scenario.a, titel="Spätere Frist", zustaendig=kommune)
    AufgabeFactory(
        buendnis=scenario.a,
        titel="Längst fällig",
        zustaendig=kommune,
        faellig_am=heute - datetime.timedelta(days=3),
    )
    AufgabeFactory(buendnis=scenario.a, titel="Erledigt", zustaendig=kommune, status=AufgabeStatus.ERLEDIGT)
    AufgabeFactory(buendnis=scenario.a, titel="Aufgabe von Adorf", zustaendig=scenario.users["kommune_a2"])

    html = seite(scenario, "kommune")
    meine = karte(html, "Meine offenen Aufgaben")
    assert meine.index("Längst fällig") < meine.index("Spätere Frist")
    assert "überfällig seit" in meine
    assert "Erledigt" not in html
    assert "Aufgabe von Adorf" not in html
    assert wartend_im_kopf(html) == 2
    assert "Aufgabe von Adorf" in karte(seite(scenario, "kommune_a2"), "Meine offenen Aufgaben")


def test_tasks_of_the_members_akteur_are_its_own(scenario):
    AufgabeFactory(buendnis=scenario.a, titel="Für die Caritas", akteur=scenario.akteur_a)
    AufgabeFactory(buendnis=scenario.b, titel="Für die Caritas B", akteur=scenario.akteur_b)
    html = seite(scenario, "mitglied")
    assert "Für die Caritas" in karte(html, "Meine offenen Aufgaben")
    assert "Für die Caritas B" not in html


def test_coordination_sees_overdue_tasks_of_its_buendnis_only(scenario):
    gestern = timezone.localdate() - datetime.timedelta(days=1)
    AufgabeFactory(buendnis=scenario.a, titel="Überfällig in A", faellig_am=gestern)
    AufgabeFactory(buendnis=scenario.b, titel="Überfällig in B", faellig_am=gestern)
    karte_a = karte(seite(scenario, "koordination"), "Überfällige Aufgaben im Bündnis")
    assert "Überfällig in A" in karte_a
    assert "Überfällig in B" not in karte_a
    # Overdue tasks of the Bündnis are the coordination's to chase, not every member's.
    assert "Überfällige Aufgaben im Bündnis" not in seite(scenario, "kommune")


def test_land_sees_no_task_of_a_single_buendnis(scenario):
    land = scenario.users["land"]
    gestern = timezone.localdate() - datetime.timedelta(days=1)
    AufgabeFactory(buendnis=scenario.a, titel="Überfällig in A", faellig_am=gestern)
    AufgabeFactory(buendnis=scenario.a, titel="Dem Land zugewiesen", zustaendig=land)
    html = seite(scenario, "land")
    assert "Überfällig in A" not in html
    assert "Dem Land zugewiesen" not in html
    assert LEER in html


def test_coordination_confirms_proposed_traeger(scenario):
    AkteurFactory(
        buendnis=scenario.a, name="Neuer Träger A", kommune=scenario.a1, status=AkteurStatus.VORGESCHLAGEN
    )
    AkteurFactory(
        buendnis=scenario.b, name="Neuer Träger B", kommune=scenario.b1, status=AkteurStatus.VORGESCHLAGEN
    )
    karte_a = karte(seite(scenario, "koordination"), "Vorgeschlagene Träger")
    assert "Neuer Träger A" in karte_a
    assert "vorgeschlagen von Aheim" in karte_a
    assert "Neuer Träger B" not in karte_a
    assert "Vorgeschlagene Träger" not in seite(scenario, "kommune")


# Offers ------------------------------------------------------------------------------------------------------------


def test_coordination_sees_submitted_offers_of_its_buendnis_not_of_b(scenario):
    AngebotFactory(buendnis=scenario.a, titel="Sprachkurs A", zur_pruefung=True, kommunen=[scenario.a1])
    AngebotFactory(buendnis=scenario.b, titel="Sprachkurs B", zur_pruefung=True, kommunen=[scenario.b1])
    AngebotFactory(
        buendnis=scenario.a, titel="Schon veröffentlicht", veroeffentlicht=True, kommunen=[scenario.a1]
    )
    html = seite(scenario, "koordination")
    pruefung = karte(html, "Angebote zur Prüfung")
    assert "Sprachkurs A" in pruefung
    assert "Sprachkurs B" not in html
    assert "Schon veröffentlicht" not in html
    assert "Sprachkurs B" in karte(seite(scenario, "koordination_b"), "Angebote zur Prüfung")


def test_returned_offer_waits_for_its_kommune_only(scenario):
    AngebotFactory(
        buendnis=scenario.a,
        titel="Zurückgegebenes Angebot",
        kommunen=[scenario.a1],
        status=AngebotStatus.ENTWURF,
        rueckmeldung="Bitte die Zeiten ergänzen.",
    )
    AngebotFactory(buendnis=scenario.a, titel="Eigener Entwurf", kommunen=[scenario.a1])
    ueberarbeitung = karte(seite(scenario, "kommune"), "Angebote zur Überarbeitung")
    assert "zurückgegeben: Bitte die Zeiten ergänzen." in ueberarbeitung
    assert ueberarbeitung.index("Zurückgegebenes Angebot") < ueberarbeitung.index("Eigener Entwurf")
    html_a2 = seite(scenario, "kommune_a2")
    assert "Zurückgegebenes Angebot" not in html_a2
    assert "Eigener Entwurf" not in html_a2


def test_returned_offer_of_the_traeger_waits_for_its_staff(scenario):
    AngebotFactory(
        buendnis=scenario.a,
        titel="Caritas-Kurs",
        traeger=scenario.akteur_a,
        kreisweit=True,
        rueckmeldung="Zielgruppe fehlt.",
    )
    AngebotFactory(
        buendnis=scenario.a,
        titel="Anderer Träger",
        traeger=AkteurFactory(buendnis=scenario.a),
        kreisweit=True,
        rueckmeldung="Zielgruppe fehlt.",
    )
    html = seite(scenario, "mitglied")
    assert "Caritas-Kurs" in karte(html, "Angebote zur Überarbeitung")
    assert "Anderer Träger" not in html


# Needs analysis -----------------------------------------------------------------------------------------------------


def test_kommune_sees_the_open_round_until_it_delivered(scenario):
    erhebung = ErhebungFactory(buendnis=scenario.a, titel="Erhebung 2025")
    ErhebungFactory(buendnis=scenario.b, titel="Erhebung in B")
    html = seite(scenario, "kommune")
    abgeben = karte(html, "Bedarfsmeldung abgeben")
    assert "Erhebung 2025" in abgeben
    assert reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk]) in abgeben
    assert "Erhebung in B" not in html

    Bedarfsmeldung.objects.create(erhebung=erhebung, kommune=scenario.a1, status=MeldungStatus.ABGEGEBEN)
    assert "Bedarfsmeldung abgeben" not in seite(scenario, "kommune")
    # Adorf has not delivered yet.
    assert "Erhebung 2025" in karte(seite(scenario, "kommune_a2"), "Bedarfsmeldung abgeben")


def test_coordination_sees_how_many_kommunen_are_missing(scenario):
    erhebung = ErhebungFactory(buendnis=scenario.a, titel="Erhebung 2025")
    Bedarfsmeldung.objects.create(erhebung=erhebung, kommune=scenario.a1, status=MeldungStatus.ABGEGEBEN)
    Bedarfsmeldung.objects.create(erhebung=erhebung, kommune=scenario.a2, status=MeldungStatus.ENTWURF)
    runden = karte(seite(scenario, "koordination"), "Offene Erhebungen")
    assert "1 von 2 Kommunen fehlen noch" in runden

    Bedarfsmeldung.objects.filter(kommune=scenario.a2).update(status=MeldungStatus.ABGEGEBEN)
    assert "Offene Erhebungen" not in seite(scenario, "koordination")


def test_closed_round_waits_for_nobody(scenario):
    ErhebungFactory(buendnis=scenario.a, titel="Alte Erhebung", abgeschlossen=True)
    assert "Alte Erhebung" not in seite(scenario, "kommune")
    assert "Alte Erhebung" not in seite(scenario, "koordination")


# Funding --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def bausteine(db):
    return FoerderbausteinFactory(nummer=Baustein.F1), FoerderbausteinFactory(nummer=Baustein.F5)


def test_applications_wait_for_whoever_decides_them(scenario, bausteine):
    f1, f5 = bausteine
    FoerderantragFactory(
        buendnis=scenario.a, baustein=f1, kommune=scenario.a1, titel="Coaching Aheim", eingereicht=True
    )
    FoerderantragFactory(
        buendnis=scenario.a, baustein=f5, kommune=scenario.a1, titel="Innovation Aheim", in_pruefung=True
    )
    FoerderantragFactory(
        buendnis=scenario.b, baustein=f1, kommune=scenario.b1, titel="Coaching Bheim", eingereicht=True
    )
    FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a2, titel="Entwurf Adorf")

    koordination = karte(seite(scenario, "koordination"), "Förderanträge zur Prüfung")
    assert "Coaching Aheim" in koordination
    assert "Innovation Aheim" not in koordination  # the Land decides the Innovationsfonds
    assert "Coaching Bheim" not in koordination
    assert "Entwurf Adorf" not in koordination

    land = karte(seite(scenario, "land"), "Förderanträge zur Prüfung")
    assert "Innovation Aheim" in land
    assert "Coaching Aheim" not in land

    for rolle in ("kommune", "mitglied", "auswertung"):
        assert "Förderanträge zur Prüfung" not in seite(scenario, rolle)


def test_decider_expression_agrees_with_the_rules(scenario, bausteine):
    f1, f5 = bausteine
    ohne_regel = FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a1)
    innovation = FoerderantragFactory(buendnis=scenario.a, baustein=f5, kommune=scenario.a1)
    f3 = FoerderbausteinFactory(nummer=Baustein.F3)
    Foerderregel.objects.create(
        baustein=f3,
        bezeichnung="Vom Land entschieden",
        kostenart=Kostenart.TATSAECHLICH,
        entscheidet=Entscheider.LAND,
        gueltig_ab=datetime.date(2019, 1, 1),
    )
    nach_regel = FoerderantragFactory(buendnis=scenario.a, baustein=f3, kommune=scenario.a1)
    regel_land = Foerderregel.objects.create(
        baustein=f1,
        bezeichnung="Sonderfall",
        kostenart=Kostenart.TATSAECHLICH,
        entscheidet=Entscheider.LAND,
        gueltig_ab=datetime.date(2030, 1, 1),
    )
    mit_position = FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a2)
    mit_position.kostenpositionen.update(regel=regel_land)

    berechnet = dict(
        Foerderantrag.objects.annotate(e=foerderung_arbeit.entscheider_ausdruck()).values_list("pk", "e")
    )
    for antrag in (ohne_regel, innovation, nach_regel, mit_position):
        assert berechnet[antrag.pk] == zuwendung.entscheider(antrag), antrag.titel
    assert berechnet[innovation.pk] == Entscheider.LAND
    assert berechnet[nach_regel.pk] == Entscheider.LAND
    assert berechnet[mit_position.pk] == Entscheider.LAND


def test_proof_of_use_due_waits_for_the_applicant(scenario, bausteine):
    f1, _f5 = bausteine
    heute = timezone.localdate()
    # The proof of use is due six months after the end of the funded period.
    FoerderantragFactory(
        buendnis=scenario.a,
        baustein=f1,
        kommune=scenario.a1,
        titel="Bald nachzuweisen",
        bewilligt=True,
        beginn=heute - datetime.timedelta(days=400),
        ende=heute - datetime.timedelta(days=170),
    )
    FoerderantragFactory(
        buendnis=scenario.a,
        baustein=f1,
        kommune=scenario.a1,
        titel="Noch lange hin",
        bewilligt=True,
        beginn=heute - datetime.timedelta(days=100),
        ende=heute + datetime.timedelta(days=100),
    )
    fristen = karte(seite(scenario, "kommune"), "Fristen: überfällig oder in den nächsten 30 Tagen")
    assert "Bald nachzuweisen" in fristen
    assert "Verwendungsnachweis fällig bis" in fristen
    assert "Noch lange hin" not in fristen
    assert "Bald nachzuweisen" in karte(
        seite(scenario, "koordination"), "Fristen: überfällig oder in den nächsten 30 Tagen"
    )
    assert "Bald nachzuweisen" not in seite(scenario, "kommune_a2")


@pytest.mark.parametrize("tage", range(-40, 40, 1))
def test_last_end_selects_exactly_the_proofs_due(tage):
    from foerderung.models.antrag import monate_spaeter

    grenze = datetime.date(2025, 3, 1) + datetime.timedelta(days=tage)
    letztes = foerderung_arbeit.letztes_ende(grenze)
    assert monate_spaeter(letztes, 6) <= grenze
    assert monate_spaeter(letztes + datetime.timedelta(days=1), 6) > grenze


# The header --------------------------------------------------------------------------------------------------------


@pytest.fixture
def mit_cache(monkeypatch):
    """The figures' cache as outside a transaction (tests run inside one, where it stays off)."""
    from django.core.cache import cache

    monkeypatch.setattr(context_processors, "_cache_erlaubt", lambda: True)
    cache.clear()
    yield
    cache.clear()


def _abfragen(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _benachrichtigen(empfaenger, anzahl: int, **felder):
    for nr in range(anzahl):
        Benachrichtigung.objects.create(
            empfaenger=empfaenger,
            art=BenachrichtigungArt.AUFGABE_ZUGEWIESEN,
            titel=f"N{nr}",
            zustellung=Zustellung.KEINE,
            **felder,
        )


@pytest.fixture
def zu_tun(scenario):
    """For Aheim: a task and an open survey round (2 waiting), 3 unread notifications, 1 read; Adorf: 1 unread."""
    kommune = scenario.users["kommune"]
    AufgabeFactory(buendnis=scenario.a, zustaendig=kommune)
    ErhebungFactory(buendnis=scenario.a)
    _benachrichtigen(kommune, 3)
    _benachrichtigen(kommune, 1, gelesen_am=timezone.now())
    _benachrichtigen(scenario.users["kommune_a2"], 1)


NAVIGATION = reverse("buendnis:navigation-zahlen")


def test_navigation_figures_count_the_persons_own_things_only(scenario, zu_tun):
    assert scenario.client("kommune").get(NAVIGATION).json() == {"ungelesen": 3, "wartend": 2}
    assert scenario.client("kommune_a2").get(NAVIGATION).json() == {"ungelesen": 1, "wartend": 1}
    assert scenario.client("land").get(NAVIGATION).json() == {"ungelesen": 0, "wartend": 0}
    response = scenario.client("anonym").get(NAVIGATION)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_header_shows_the_figures_once_they_are_counted(scenario, zu_tun, mit_cache):
    client = scenario.client("kommune")
    url = reverse("buendnis:aufgabe-list")
    # Not counted yet: the header has the links and asks for the figures.
    html = client.get(url).content.decode()
    assert wartend_im_kopf(html) is None
    assert f'data-navigation-zahlen="{NAVIGATION}"' in html
    assert reverse("buendnis:meine-aufgaben") in html.split("<main")[0]
    assert reverse("buendnis:benachrichtigung-list") in html.split("<main")[0]
    assert "js/navigation.js" in html

    client.get(NAVIGATION)
    html = client.get(url).content.decode()
    assert wartend_im_kopf(html) == 2
    assert zahl_im_kopf(html, "ungelesen") == 3
    assert '3</span><span class="visually-hidden"> ungelesen</span>' in html
    assert "data-navigation-zahlen" not in html
    # Another person has their own figures.
    html_a2 = scenario.client("kommune_a2").get(url).content.decode()
    assert wartend_im_kopf(html_a2) is None


def test_meine_aufgaben_page_refreshes_the_figures(scenario, zu_tun, mit_cache):
    client = scenario.client("kommune")
    client.get(NAVIGATION)
    AufgabeFactory(buendnis=scenario.a, zustaendig=scenario.users["kommune"])
    url = reverse("buendnis:gremium-list")
    assert wartend_im_kopf(client.get(url).content.decode()) == 2  # up to a minute old
    assert wartend_im_kopf(client.get(URL).content.decode()) == 3
    assert wartend_im_kopf(client.get(url).content.decode()) == 3


def test_forgetting_counts_afresh(scenario, zu_tun, mit_cache):
    kommune = scenario.users["kommune"]
    client = scenario.client("kommune")
    assert client.get(NAVIGATION).json()["ungelesen"] == 3
    Benachrichtigung.objects.filter(empfaenger=kommune).update(gelesen_am=timezone.now())
    assert client.get(NAVIGATION).json()["ungelesen"] == 3
    context_processors.vergessen(kommune)
    assert client.get(NAVIGATION).json()["ungelesen"] == 0


def test_pages_do_not_count_for_the_header(scenario, zu_tun, mit_cache):
    """A page reads the figures from the cache only: no query for them, counted or not."""
    client = scenario.client("kommune")
    url = reverse("buendnis:gremium-list")
    ohne = _abfragen(client, url)
    client.get(NAVIGATION)
    mit = _abfragen(client, url)
    assert mit == ohne
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert not any("benachrichtigung" in q["sql"] for q in ctx.captured_queries)


def test_anonymous_pages_show_no_counts(scenario):
    html = scenario.client("anonym").get(reverse("login")).content.decode()
    assert "data-zahl" not in html
    assert "navigation.js" not in html


# Queries --------------------------------------------------------------------------------------------------------------


def _viel(scenario, n: int):
    heute = timezone.localdate()
    koordination = scenario.users["koordination"]
    f1 = FoerderbausteinFactory(nummer=Baustein.F1)
    for i in range(n):
        kommune = KommuneFactory(buendnis=scenario.a)
        AufgabeFactory(
            buendnis=scenario.a, zustaendig=koordination, faellig_am=heute - datetime.timedelta(days=i)
        )
        AkteurFactory(buendnis=scenario.a, kommune=kommune, status=AkteurStatus.VORGESCHLAGEN)
        AngebotFactory(buendnis=scenario.a, zur_pruefung=True, kommunen=[kommune])
        FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=kommune, eingereicht=True)
        FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=kommune, bewilligt=True)
    if not Erhebung.objects.filter(buendnis=scenario.a).exists():  # one open round per Bündnis
        ErhebungFactory(buendnis=scenario.a)


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "mitglied", "land", "admin"])
def test_query_count_of_meine_aufgaben_does_not_grow_with_rows(scenario, rolle):
    client = scenario.client(rolle)
    _viel(scenario, 2)
    wenige = _abfragen(client, URL)
    _viel(scenario, 15)
    viele = _abfragen(client, URL)
    assert viele == wenige


def test_meine_aufgaben_stays_within_a_small_query_budget(scenario, django_assert_max_num_queries):
    _viel(scenario, 15)
    client = scenario.client("koordination")
    with django_assert_max_num_queries(30):
        response = client.get(URL)
    assert response.status_code == 200
    assert "Alle 15 anzeigen" in response.content.decode()
