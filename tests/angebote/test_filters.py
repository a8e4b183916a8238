"""Catalogue filters return exactly the expected offers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from angebote.models import Angebot
from tests.angebote.factories import AngebotFactory, kategorie, status
from tests.factories import AkteurFactory


@pytest.fixture
def katalog(scenario):
    a, a1, a2 = scenario.a, scenario.a1, scenario.a2
    vhs = AkteurFactory(buendnis=a, name="Volkshochschule Aheim", kommune=a1)
    caritas = scenario.akteur_a
    heute = timezone.localdate()
    return {
        "deutsch_a1": AngebotFactory(
            buendnis=a,
            titel="Deutsch für Anfänger",
            beschreibung="Alphabetisierung",
            traeger=vhs,
            kommunen=[a1],
            kategorie=kategorie("deutsch"),
            foerderbaustein="f4",
            deutsch_ziel="a2",
            kinderbetreuung=True,
            plaetze=12,
            freie_plaetze=3,
            veroeffentlicht=True,
            bestaetigt_am=heute,
            zugang={"duldung": "offen", "gestattung": ("eingeschraenkt", "freie Plätze")},
        ),
        "schule_a2": AngebotFactory(
            buendnis=a,
            titel="Hauptschulabschluss 10A",
            traeger=caritas,
            kommunen=[a2],
            kategorie=kategorie("schulabschluss"),
            foerderbaustein="f3",
            deutsch_voraussetzung="b1",
            plaetze=15,
            freie_plaetze=0,
            veroeffentlicht=True,
            bestaetigt_am=heute - datetime.timedelta(days=400),
            zugang={"duldung": "nicht", "ae_humanitaer": "offen"},
        ),
        "coaching_kreisweit": AngebotFactory(
            buendnis=a,
            titel="Coaching",
            beschreibung="Begleitung in Ausbildung",
            traeger=caritas,
            kreisweit=True,
            kategorie=kategorie("coaching"),
            foerderbaustein="f1",
            deutsch_voraussetzung="a2",
            veroeffentlicht=True,
            bestaetigt_am=heute,
            zugang={"duldung": "eingeschraenkt", "gestattung": "offen"},
        ),
        "entwurf_a1": AngebotFactory(
            buendnis=a,
            titel="Sprachcafé",
            traeger=vhs,
            kommunen=[a1],
            kategorie=kategorie("deutsch"),
            zugang={"duldung": "offen"},
        ),
        "anderes_buendnis": AngebotFactory(
            buendnis=scenario.b,
            titel="Deutsch in Bheim",
            traeger=scenario.akteur_b,
            kommunen=[scenario.b1],
            veroeffentlicht=True,
            zugang={"duldung": "offen"},
        ),
    }


def _titel(scenario, query, rolle="koordination"):
    response = scenario.client(rolle).get(reverse("angebote:angebot-list"), query)
    assert response.status_code == 200
    return {a.titel for a in response.context["object_list"]}


def _erwartet(katalog, *keys):
    return {katalog[k].titel for k in keys}


@pytest.mark.parametrize(
    ("query", "erwartet"),
    [
        ({}, ["deutsch_a1", "schule_a2", "coaching_kreisweit", "entwurf_a1"]),
        ({"q": "deutsch"}, ["deutsch_a1"]),
        ({"q": "alphabetisierung"}, ["deutsch_a1"]),
        ({"q": "volkshochschule"}, ["deutsch_a1", "entwurf_a1"]),
        ({"q": "caritas ausbildung"}, ["coaching_kreisweit"]),
        ({"kategorie": "deutsch"}, ["deutsch_a1", "entwurf_a1"]),
        ({"foerderbaustein": "f3"}, ["schule_a2"]),
        ({"status": "entwurf"}, ["entwurf_a1"]),
        ({"status": "veroeffentlicht"}, ["deutsch_a1", "schule_a2", "coaching_kreisweit"]),
        ({"kinderbetreuung": "on"}, ["deutsch_a1"]),
        ({"freie_plaetze": "on"}, ["deutsch_a1"]),
        ({"deutsch": "a1"}, ["deutsch_a1", "entwurf_a1"]),
        ({"deutsch": "a2"}, ["deutsch_a1", "coaching_kreisweit", "entwurf_a1"]),
        ({"deutsch": "c2"}, ["deutsch_a1", "schule_a2", "coaching_kreisweit", "entwurf_a1"]),
        ({"veraltet": "on"}, ["schule_a2"]),
    ],
)
def test_filter_returns_exactly_the_expected_offers(scenario, katalog, query, erwartet):
    if "kategorie" in query:
        query = {**query, "kategorie": kategorie(query["kategorie"]).pk}
    assert _titel(scenario, query) == _erwartet(katalog, *erwartet)


def test_kommune_filter_includes_kreisweit_offers(scenario, katalog):
    assert _titel(scenario, {"kommune": scenario.a1.pk}) == _erwartet(
        katalog, "deutsch_a1", "coaching_kreisweit", "entwurf_a1"
    )
    assert _titel(scenario, {"kommune": scenario.a2.pk}) == _erwartet(
        katalog, "schule_a2", "coaching_kreisweit"
    )


@pytest.mark.parametrize(
    ("code", "erwartet"),
    [
        ("duldung", ["deutsch_a1", "coaching_kreisweit", "entwurf_a1"]),  # offen or mit Einschränkung
        ("gestattung", ["deutsch_a1", "coaching_kreisweit"]),
        ("ae_humanitaer", ["schule_a2"]),
        ("chancen", []),  # nothing recorded counts as not accessible
    ],
)
def test_access_filter_counts_open_and_restricted(scenario, katalog, code, erwartet):
    assert _titel(scenario, {"zugang": status(code).pk}) == _erwartet(katalog, *erwartet)


def test_filters_combine(scenario, katalog):
    query = {"zugang": status("duldung").pk, "kommune": scenario.a1.pk, "status": "veroeffentlicht"}
    assert _titel(scenario, query) == _erwartet(katalog, "deutsch_a1", "coaching_kreisweit")


def test_sorting_by_title_descending(scenario, katalog):
    response = scenario.client("koordination").get(reverse("angebote:angebot-list"), {"sortierung": "-titel"})
    titel = [a.titel for a in response.context["object_list"]]
    assert titel == sorted(titel, reverse=True)


def test_list_is_paginated(scenario):
    traeger = scenario.akteur_a
    for i in range(30):
        AngebotFactory(buendnis=scenario.a, titel=f"Kurs {i:02d}", traeger=traeger, kreisweit=True)
    response = scenario.client("koordination").get(reverse("angebote:angebot-list"))
    assert len(response.context["object_list"]) == 25
    assert response.context["paginator"].count == 30
    response = scenario.client("koordination").get(reverse("angebote:angebot-list"), {"page": 2})
    assert len(response.context["object_list"]) == 5


def test_stale_offers_are_flagged_in_the_list(scenario, katalog):
    response = scenario.client("koordination").get(reverse("angebote:angebot-list"))
    text = response.content.decode()
    assert text.count("badge badge-stale") == 1
    assert Angebot.objects.filter(buendnis=scenario.a).veraltet().get() == katalog["schule_a2"]


def test_archived_offers_appear_only_when_asked_for(scenario, katalog):
    archiviert = AngebotFactory(
        buendnis=scenario.a, titel="Alter Kurs", traeger=scenario.akteur_a, kreisweit=True, archiviert=True
    )
    assert archiviert.titel not in _titel(scenario, {})
    assert _titel(scenario, {"status": "archiviert"}) == {"Alter Kurs"}


def test_history_shows_kommunen_by_name(scenario, katalog):
    from angebote import services

    angebot = katalog["entwurf_a1"]
    services.angebot_update(
        angebot=Angebot.objects.get(pk=angebot.pk),
        kommunen=[scenario.a1, scenario.a2],
        version=1,
        by=scenario.users["koordination"],
    )
    text = scenario.client("koordination").get(angebot.get_absolute_url()).content.decode()
    assert "Aheim, Adorf" in text or "Adorf, Aheim" in text
    assert "'kommune'" not in text
