"""The dashboard's catalogue and needs panels come from the cache of the figures (issue 18): rendered once per
person, day and data stamp; a write of the Bündnis shows at once, other scopes and persons never see them."""

from __future__ import annotations

import re

from django.urls import reverse

from angebote.models import Angebot, AngebotStatus
from bedarf.models import ErhebungStatus
from tests.bedarf.conftest import deliver
from tests.bedarf.factories import ErhebungFactory
from tests.berichte.test_domaene import angebot


def _seite(client) -> str:
    response = client.get(reverse("buendnis:dashboard"))
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _pruefung(html: str) -> str:
    treffer = re.search(r"Zur Prüfung \((\d+)\)", html)
    assert treffer, "the review list is missing"
    return treffer.group(1)


def test_an_offer_sent_for_review_shows_at_once_on_the_cached_panel(scenario, mit_cache, festschreiben):
    client = scenario.client("koordination")
    _seite(client)
    vorher = _seite(client)  # from the cache
    assert _pruefung(vorher) == "0" and "Angebot PR1" not in vorher
    with festschreiben():
        angebot(
            scenario.a,
            scenario.akteur_a,
            "PR1",
            "deutsch",
            5,
            {},
            [scenario.a1],
            status=AngebotStatus.ZUR_PRUEFUNG,
        )
    nachher = _seite(client)
    assert _pruefung(nachher) == "1" and "Angebot PR1" in nachher
    # Published: out of the review list, counted in the catalogue.
    with festschreiben():
        geprueft = Angebot.objects.get(kennung="PR1")
        geprueft.status = AngebotStatus.VEROEFFENTLICHT
        geprueft.save()
    danach = _seite(client)
    assert _pruefung(danach) == "0" and "1 veröffentlichtes Angebot" in danach


def test_the_panels_are_kept_apart_by_buendnis_and_person(scenario, mit_cache, festschreiben):
    with festschreiben():
        angebot(
            scenario.a, scenario.akteur_a, "A1", "deutsch", 5, {}, [scenario.a1], status=AngebotStatus.ENTWURF
        )
        angebot(
            scenario.a, scenario.akteur_a, "A2", "deutsch", 5, {}, [scenario.a2], status=AngebotStatus.ENTWURF
        )
        angebot(
            scenario.b,
            scenario.akteur_b,
            "B1",
            "deutsch",
            5,
            {},
            [scenario.b1],
            status=AngebotStatus.ZUR_PRUEFUNG,
        )
    for rolle in ("koordination", "kommune", "kommune_a2", "koordination_b", "kommune_b1"):
        _seite(scenario.client(rolle))  # fills each person's entry
    koordination_b = _seite(scenario.client("koordination_b"))
    assert "Angebot B1" in koordination_b and "Angebot A1" not in koordination_b
    # Each Kommune lists its own offers only, from its own entry.
    kommune_a1 = _seite(scenario.client("kommune"))
    assert "Angebote unserer Kommune (1)" in kommune_a1
    assert "Angebot A1" in kommune_a1 and "Angebot A2" not in kommune_a1 and "Angebot B1" not in kommune_a1
    kommune_a2 = _seite(scenario.client("kommune_a2"))
    assert "Angebot A2" in kommune_a2 and "Angebot A1" not in kommune_a2
    kommune_b1 = _seite(scenario.client("kommune_b1"))
    assert "Angebot B1" in kommune_b1 and "Angebot A" not in kommune_b1
    # A Kommune has no review list; the coordination of Bündnis a has one without the offer of b.
    assert "Zur Prüfung (" not in kommune_a1
    assert _pruefung(_seite(scenario.client("koordination"))) == "0"
    # A write in Bündnis b leaves the panels of a as they were and renews b's.
    with festschreiben():
        angebot(
            scenario.b,
            scenario.akteur_b,
            "B2",
            "deutsch",
            5,
            {},
            [scenario.b1],
            status=AngebotStatus.ZUR_PRUEFUNG,
        )
    assert _pruefung(_seite(scenario.client("koordination_b"))) == "2"
    assert _pruefung(_seite(scenario.client("koordination"))) == "0"


def test_a_delivered_meldung_shows_at_once_on_the_needs_panel(scenario, mit_cache, festschreiben):
    with festschreiben():
        erhebung = ErhebungFactory(buendnis=scenario.a, titel="Runde offen", status=ErhebungStatus.OFFEN)
    koordination = scenario.client("koordination")
    kommune = scenario.client("kommune")
    _seite(koordination)
    assert "0 von 2 Kommunen haben abgegeben" in _seite(koordination)
    assert "noch nicht begonnen" in _seite(kommune)
    with festschreiben():
        deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 4, "gestattung": 3})
    assert "1 von 2 Kommunen haben abgegeben" in _seite(koordination)
    eigene = _seite(kommune)
    assert "noch nicht begonnen" not in eigene and "Runde offen" in eigene
    # The other Kommune of the Bündnis still has its own entry: not begun.
    assert "noch nicht begonnen" in _seite(scenario.client("kommune_a2"))
    # Another Bündnis has no open round: no needs panel at all.
    assert "Runde offen" not in _seite(scenario.client("koordination_b"))
