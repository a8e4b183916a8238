"""Bildungsketten: the chain of follow-up offers, loops, and the dead ends of a Bündnis."""

import pytest
from django.urls import reverse

from angebote import selectors
from angebote.models import Angebot
from tests.angebote.factories import AngebotFactory, kategorie


@pytest.fixture
def kette(scenario):
    def neu(titel, kat="deutsch", **kw):
        return AngebotFactory(
            buendnis=scenario.a,
            titel=titel,
            traeger=scenario.akteur_a,
            kreisweit=True,
            kategorie=kategorie(kat),
            veroeffentlicht=True,
            zugang={"duldung": "offen"},
            **kw,
        )

    a = neu("Deutsch A1")
    b = neu("Deutsch B1")
    schule = neu("Hauptschulabschluss", "schulabschluss")
    arbeit = neu("Einstiegsqualifizierung", "arbeit")
    sackgasse = neu("Sprachcafé", "ehrenamt")
    a.anschlussangebote.set([b, sackgasse])
    b.anschlussangebote.set([schule])
    schule.anschlussangebote.set([arbeit])
    return {"a": a, "b": b, "schule": schule, "arbeit": arbeit, "sackgasse": sackgasse}


def _baum(glied):
    return (glied.angebot.titel, glied.ist_sackgasse, glied.zyklus, [_baum(k) for k in glied.anschluesse])


def test_chain_follows_every_anschlussangebot(scenario, kette):
    sichtbar = Angebot.objects.visible_to(scenario.users["koordination"])
    baum = _baum(selectors.bildungskette(kette["a"], sichtbar))
    assert baum == (
        "Deutsch A1",
        False,
        False,
        [
            (
                "Deutsch B1",
                False,
                False,
                [("Hauptschulabschluss", False, False, [("Einstiegsqualifizierung", False, False, [])])],
            ),
            ("Sprachcafé", True, False, []),
        ],
    )


def test_loop_in_the_chain_is_marked_not_followed(scenario, kette):
    kette["arbeit"].anschlussangebote.set([kette["a"]])
    sichtbar = Angebot.objects.visible_to(scenario.users["koordination"])
    glied = selectors.bildungskette(kette["schule"], sichtbar)
    arbeit = glied.anschluesse[0]
    zurueck = arbeit.anschluesse[0]
    assert zurueck.angebot == kette["a"] and not zurueck.zyklus
    schleife = zurueck.anschluesse[0].anschluesse[0]  # a -> b -> schule again
    assert schleife.angebot == kette["schule"] and schleife.zyklus


def test_chain_hides_offers_outside_the_users_scope(scenario, kette):
    # A draft of another Träger than the member's own organisation (Caritas A), which it never sees.
    entwurf = AngebotFactory(buendnis=scenario.a, titel="Geheimer Entwurf", kreisweit=True)
    kette["sackgasse"].anschlussangebote.set([entwurf])
    sichtbar = Angebot.objects.visible_to(scenario.users["mitglied"])
    baum = _baum(selectors.bildungskette(kette["a"], sichtbar))
    assert "Geheimer Entwurf" not in str(baum)


def test_dead_ends_list_offers_without_follow_up_and_missing_entries(scenario, kette):
    sackgassen = selectors.sackgassen(buendnis_id=scenario.a.pk)
    # arbeit is a pathway goal; the ehrenamt offer has no follow-up.
    assert [a.titel for a in sackgassen.ohne_anschluss] == ["Sprachcafé"]
    fehlend = {k.code: {s.code for s in status_liste} for k, status_liste in sackgassen.fehlende_einstiege}
    assert "duldung" not in fehlend.get("deutsch", set())
    assert "gestattung" in fehlend["deutsch"]
    assert "duldung" in fehlend["coaching"]


def test_follow_up_that_is_not_published_does_not_count(scenario, kette):
    Angebot.objects.filter(pk=kette["arbeit"].pk).update(status="entwurf")
    titel = [a.titel for a in selectors.sackgassen(buendnis_id=scenario.a.pk).ohne_anschluss]
    assert "Hauptschulabschluss" in titel


def test_pathway_pages_render(scenario, kette):
    client = scenario.client("mitglied")
    response = client.get(reverse("angebote:bildungskette", args=[kette["a"].pk]))
    assert response.status_code == 200
    assert "Sackgasse" in response.content.decode()
    response = client.get(reverse("angebote:sackgassen"))
    assert response.status_code == 200
    assert "Sprachcafé" in response.content.decode()
    assert (
        scenario.client("koordination_b")
        .get(reverse("angebote:bildungskette", args=[kette["a"].pk]))
        .status_code
        == 404
    )
