"""Who learns about a step of the review workflow: the coordination of a submitted offer, the Kommune, the submitter
and the Träger of one sent back or published; in the list and through SMTP, never another Kommune or Bündnis."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from angebote.models import Angebot, AngebotStatus
from buendnis.choices import Rolle
from buendnis.models import Benachrichtigung, BenachrichtigungArt
from tests.angebote.factories import AngebotFactory
from tests.buendnis.test_benachrichtigungen import betreff
from tests.factories import UserFactory

Art = BenachrichtigungArt
S = AngebotStatus


@pytest.fixture
def personen(scenario, traeger_a1):
    """Every account has an address `<role>@example.org`; `traeger` works for the offer's provider (VHS Aheim)."""
    scenario.users["traeger"] = UserFactory(
        username="vhs", rolle=Rolle.MITGLIED, buendnis=scenario.a, akteur=traeger_a1
    )
    for rolle, user in scenario.users.items():
        user.email = f"{rolle}@example.org"
        user.save()
    return scenario.users


@pytest.fixture
def angebot(scenario, traeger_a1):
    return AngebotFactory(
        buendnis=scenario.a, titel="Deutsch im Beruf", traeger=traeger_a1, kommunen=[scenario.a1]
    )


def schritt(scenario, rolle, angebot, aktion, kommentar=""):
    response = scenario.client(rolle).post(
        reverse("angebote:angebot-aktion", args=[angebot.pk, aktion]), {"kommentar": kommentar}
    )
    assert response.status_code == 302
    return response


def empfaenger(art) -> list[str]:
    return sorted(Benachrichtigung.objects.filter(art=art).values_list("empfaenger__username", flat=True))


def gemailt(smtp_server, personen) -> dict[str, list[str]]:
    """Role -> subjects of the e-mails that role received."""
    return {
        rolle: [betreff(m) for m in smtp_server.an(user.email)]
        for rolle, user in personen.items()
        if smtp_server.an(user.email)
    }


def test_submitted_offer_reaches_the_coordination_of_its_buendnis(scenario, personen, angebot, smtp_server):
    schritt(scenario, "kommune", angebot, "einreichen")

    assert empfaenger(Art.ANGEBOT_EINGEREICHT) == ["koord"]
    assert gemailt(smtp_server, personen) == {
        "koordination": ["Angebot zur Prüfung eingereicht: „Deutsch im Beruf“"]
    }
    [mail] = smtp_server.an("koordination@example.org")
    text = smtp_server.text(mail)
    assert "(Aheim) hat das Angebot „Deutsch im Beruf“ (Träger: VHS Aheim; Aheim)" in text
    assert f"http://127.0.0.1:8000/angebote/{angebot.pk}/" in text


def test_sent_back_offer_reaches_its_kommune_submitter_and_traeger(scenario, personen, angebot, smtp_server):
    schritt(scenario, "kommune", angebot, "einreichen")
    smtp_server.nachrichten.clear()

    schritt(scenario, "koordination", angebot, "zurueckgeben", kommentar="Bitte Kurszeiten ergänzen.")

    assert empfaenger(Art.ANGEBOT_ZURUECKGEGEBEN) == ["kom-a1", "vhs"]
    betreff_ = ["Angebot zur Überarbeitung zurückgegeben: „Deutsch im Beruf“"]
    assert gemailt(smtp_server, personen) == {"kommune": betreff_, "traeger": betreff_}
    text = smtp_server.text(smtp_server.an("kommune@example.org")[0])
    assert "Kommentar: Bitte Kurszeiten ergänzen." in text


def test_published_offer_reaches_kommune_submitter_and_traeger(scenario, personen, angebot, smtp_server):
    # The coordination submitted the Kommune's offer; a second coordinator publishes it.
    zweite = UserFactory(
        username="koord-2", rolle=Rolle.KOORDINATION, buendnis=scenario.a, email="koord2@example.org"
    )
    schritt(scenario, "koordination", angebot, "einreichen")
    smtp_server.nachrichten.clear()
    client = Client()
    client.force_login(zweite)
    client.post(reverse("angebote:angebot-aktion", args=[angebot.pk, "veroeffentlichen"]))
    angebot.refresh_from_db()
    assert angebot.status == S.VEROEFFENTLICHT

    assert empfaenger(Art.ANGEBOT_VEROEFFENTLICHT) == ["kom-a1", "koord", "vhs"]
    betreff_ = ["Angebot veröffentlicht: „Deutsch im Beruf“"]
    assert gemailt(smtp_server, personen) == {
        "koordination": betreff_,
        "kommune": betreff_,
        "traeger": betreff_,
    }
    assert smtp_server.an("koord2@example.org") == []


def test_kreisweit_offer_belongs_to_the_kommune_of_its_traeger(scenario, personen, traeger_a1, smtp_server):
    angebot = AngebotFactory(buendnis=scenario.a, titel="Kreisweit", traeger=traeger_a1, kreisweit=True)
    Angebot.objects.filter(pk=angebot.pk).update(status=S.ZUR_PRUEFUNG)
    schritt(scenario, "koordination", angebot, "veroeffentlichen")
    assert empfaenger(Art.ANGEBOT_VEROEFFENTLICHT) == ["kom-a1", "vhs"]
    assert "kreisweit" in Benachrichtigung.objects.filter(empfaenger__username="vhs").get().text


def test_offer_of_another_kommune_reaches_only_that_kommune(scenario, personen, smtp_server):
    adorf = AngebotFactory(
        buendnis=scenario.a, titel="Kurs Adorf", traeger=scenario.akteur_a, kommunen=[scenario.a2]
    )
    schritt(scenario, "kommune_a2", adorf, "einreichen")
    schritt(scenario, "koordination", adorf, "veroeffentlichen")
    # akteur_a's staff is `mitglied`.
    assert empfaenger(Art.ANGEBOT_VEROEFFENTLICHT) == ["kom-a2", "mitglied"]
    assert smtp_server.an("kommune@example.org") == []
    assert smtp_server.an("koordination_b@example.org") == []


def test_offer_of_another_buendnis_never_reaches_this_one(scenario, personen, smtp_server):
    fremd = AngebotFactory(
        buendnis=scenario.b, titel="Kurs Bheim", traeger=scenario.akteur_b, kommunen=[scenario.b1]
    )
    schritt(scenario, "kommune_b1", fremd, "einreichen")
    assert empfaenger(Art.ANGEBOT_EINGEREICHT) == ["koord-b"]
    assert gemailt(smtp_server, personen) == {
        "koordination_b": ["Angebot zur Prüfung eingereicht: „Kurs Bheim“"]
    }


def test_withdraw_and_archive_notify_nobody(scenario, personen, angebot, smtp_server):
    schritt(scenario, "kommune", angebot, "einreichen")
    schritt(scenario, "kommune", angebot, "zuruecknehmen")
    schritt(scenario, "koordination", angebot, "archivieren")
    assert Benachrichtigung.objects.exclude(art=Art.ANGEBOT_EINGEREICHT).count() == 0


def test_refused_step_notifies_nobody(scenario, personen, angebot, smtp_server):
    scenario.client("kommune_a2").post(reverse("angebote:angebot-aktion", args=[angebot.pk, "einreichen"]))
    angebot.refresh_from_db()
    assert angebot.status == S.ENTWURF
    assert not Benachrichtigung.objects.exists() and smtp_server.nachrichten == []
