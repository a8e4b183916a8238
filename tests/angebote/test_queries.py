"""Bounded query counts: the same number of queries with 10 and with 500 offers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from angebote import selectors
from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Kategorie, Zugang, ZugangArt


def erzeuge(scenario, n: int) -> None:
    """n published offers in Bündnis a (half in a1, half kreisweit) with access rows and a pathway link each."""
    kategorien = list(Kategorie.objects.all())
    status = list(Aufenthaltsstatus.objects.all()[:3])
    start = Angebot.objects.count()
    angebote = Angebot.objects.bulk_create(
        [
            Angebot(
                buendnis=scenario.a,
                kennung=f"Q-{start + i}",
                titel=f"Angebot {start + i:04d}",
                traeger=scenario.akteur_a,
                kategorie=kategorien[i % len(kategorien)],
                kreisweit=i % 2 == 1,
                status=AngebotStatus.VEROEFFENTLICHT if i % 5 else AngebotStatus.ENTWURF,
                plaetze=10,
            )
            for i in range(n)
        ]
    )
    Angebot.kommunen.through.objects.bulk_create(
        [
            Angebot.kommunen.through(angebot_id=a.pk, kommune_id=scenario.a1.pk)
            for a in angebote
            if not a.kreisweit
        ]
    )
    Zugang.objects.bulk_create(
        [Zugang(angebot=a, status=s, art=ZugangArt.OFFEN) for a in angebote for s in status]
    )
    Angebot.anschlussangebote.through.objects.bulk_create(
        [
            Angebot.anschlussangebote.through(from_angebot_id=a.pk, to_angebot_id=b.pk)
            for a, b in zip(angebote, angebote[1:], strict=False)
        ]
    )


def anzahl_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


SEITEN = [
    ("koordination", "angebote:angebot-list", {}),
    ("kommune", "angebote:angebot-list", {"zugang": "1", "kommune": "a1", "sortierung": "-titel"}),
    ("mitglied", "angebote:angebot-list", {"q": "Angebot"}),
    ("koordination", "angebote:zugangsmatrix", {}),
    ("kommune", "angebote:zugangsmatrix", {"kommune": "a1"}),
    ("koordination", "angebote:sackgassen", {}),
    ("koordination", "buendnis:dashboard", {}),
    ("kommune", "buendnis:dashboard", {}),
    ("anonym", "katalog", {}),
    ("anonym", "katalog", {"zugang": "1", "q": "Angebot"}),
]


@pytest.mark.parametrize(("rolle", "name", "params"), SEITEN)
def test_query_count_does_not_grow_with_the_number_of_offers(scenario, rolle, name, params):
    params = {k: (scenario.a1.pk if v == "a1" else v) for k, v in params.items()}
    if "zugang" in params:
        params["zugang"] = Aufenthaltsstatus.objects.first().pk
    client = scenario.client(rolle)
    erzeuge(scenario, 10)
    wenige = anzahl_queries(client, reverse(name), params)
    erzeuge(scenario, 490)
    viele = anzahl_queries(client, reverse(name), params)
    assert viele == wenige
    if name != "buendnis:dashboard":  # the dashboard holds every app's panel
        assert wenige <= 25


def test_pathway_needs_queries_per_level_not_per_offer(scenario):
    """A chain fanning out to 200 follow-up offers on one level costs as many queries as one with 2."""
    erzeuge(scenario, 3)
    start, *rest = Angebot.objects.order_by("pk")
    Angebot.anschlussangebote.through.objects.all().delete()
    start.anschlussangebote.set(rest)
    sichtbar = Angebot.objects.visible_to(scenario.users["koordination"])

    def zaehle():
        with CaptureQueriesContext(connection) as ctx:
            kette = selectors.bildungskette(start, sichtbar)
        return len(ctx.captured_queries), len(kette.anschluesse)

    wenige, n = zaehle()
    assert n == 2
    erzeuge(scenario, 200)
    Angebot.anschlussangebote.through.objects.exclude(from_angebot=start).delete()
    start.anschlussangebote.set(Angebot.objects.exclude(pk=start.pk))
    viele, n = zaehle()
    assert (viele, n) == (wenige, 202)
