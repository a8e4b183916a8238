"""Every list, matrix and report page of the needs analysis costs the same number of queries with few and with many
Kommunen, Meldungen, offers and rounds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from angebote.models import ZugangArt
from bedarf.models import Bedarfsmeldung, ErhebungStatus, Meldewert, MeldungStatus
from tests.bedarf.conftest import figures
from tests.bedarf.factories import DatenlueckeFactory, ErhebungFactory
from tests.bedarf.test_gap import angebot
from tests.factories import KommuneFactory


def _meldung(erhebung, kommune, n: int) -> None:
    """A delivered Meldung written directly (closed rounds take no service writes)."""
    m = Bedarfsmeldung.objects.create(
        erhebung=erhebung, kommune=kommune, status=MeldungStatus.ABGEGEBEN, gesamt=n + 3, version=1
    )
    werte = figures(
        {"duldung": n, "gestattung": 3}, {("deutsch", "duldung"): n - 1, ("arbeit", "gestattung"): 2}
    )
    felder = ("dimension", "aufenthaltsstatus", "merkmal", "altersband", "geschlecht")
    Meldewert.objects.bulk_create(
        Meldewert(meldung=m, anzahl=v, **dict(zip(felder, key, strict=True))) for key, v in werte.items() if v
    )


class Daten:
    def __init__(self, scenario):
        self.s = scenario
        self.alt = ErhebungFactory(
            buendnis=scenario.a, titel="Erhebung 2017", status=ErhebungStatus.ABGESCHLOSSEN
        )
        self.neu = ErhebungFactory(buendnis=scenario.a, titel="Erhebung 2021")
        self.n = 0
        for kommune in (scenario.a1, scenario.a2):
            self.kommune(kommune)

    def kommune(self, kommune=None):
        self.n += 1
        kommune = kommune or KommuneFactory(buendnis=self.s.a, name=f"Kommune {self.n:03d}")
        _meldung(self.alt, kommune, 5 + self.n)
        _meldung(self.neu, kommune, 7 + self.n)
        angebot(self.s, f"D{self.n}", "deutsch", 4, {"duldung": ZugangArt.OFFEN}, [kommune])
        angebot(self.s, f"K{self.n}", "deutsch", 3, {"gestattung": ZugangArt.OFFEN}, kreisweit=True)
        ErhebungFactory(buendnis=self.s.a, titel=f"Alt {self.n}", status=ErhebungStatus.ABGESCHLOSSEN)
        DatenlueckeFactory(buendnis=self.s.a, vorgeschlagen_von=self.s.users["mitglied"])

    def wachsen(self, anzahl: int):
        for _i in range(anzahl):
            self.kommune()


SEITEN = [
    ("koordination", lambda d: reverse("bedarf:erhebung-detail", args=[d.neu.pk])),
    ("kommune", lambda d: reverse("bedarf:erhebung-detail", args=[d.alt.pk])),
    ("auswertung", lambda d: reverse("bedarf:luecken", args=[d.neu.pk])),
    ("kommune", lambda d: reverse("bedarf:luecken", args=[d.alt.pk])),
    ("auswertung", lambda d: reverse("bedarf:luecke-angebote", args=[d.neu.pk, "deutsch"])),
    (
        "koordination",
        lambda d: (
            reverse("bedarf:luecke-angebote", args=[d.neu.pk, "deutsch"])
            + f"?kommune={d.s.a1.pk}&status=duldung"
        ),
    ),
    ("auswertung", lambda d: reverse("bedarf:vergleich") + f"?a={d.alt.pk}&b={d.neu.pk}"),
    ("land", lambda d: reverse("bedarf:vergleich")),
    ("auswertung", lambda d: reverse("bedarf:export", args=[d.neu.pk, "csv"])),
    ("kommune", lambda d: reverse("bedarf:export", args=[d.alt.pk, "xlsx"])),
    ("kommune", lambda d: reverse("bedarf:meldung-bearbeiten", args=[d.neu.pk])),
    ("koordination", lambda d: reverse("bedarf:erhebung-list")),
    ("koordination", lambda d: reverse("bedarf:datenluecke-list")),
    ("koordination", lambda d: "/"),
    ("koordination", lambda d: "/admin/bedarf/erhebung/"),
    ("koordination", lambda d: "/admin/bedarf/datenluecke/"),
    ("koordination", lambda d: "/admin/bedarf/bedarfskategorie/"),
]


@pytest.mark.parametrize("role, url", SEITEN, ids=[f"{r}-{i}" for i, (r, _u) in enumerate(SEITEN)])
def test_page_query_count_does_not_grow_with_the_data(scenario, role, url):
    daten = Daten(scenario)
    client = scenario.client(role)
    client.get(url(daten))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as wenig:
        response = client.get(url(daten))
    assert response.status_code == 200
    daten.wachsen(12)
    client.get(
        url(daten)
    )  # the figures changed: the round's suppression pattern is renewed once (the worker's job)
    with CaptureQueriesContext(connection) as viel:
        response = client.get(url(daten))
    assert response.status_code == 200
    assert len(viel.captured_queries) <= len(wenig.captured_queries), "\n".join(
        q["sql"][:200] for q in viel.captured_queries
    )
