"""Who learns about a survey round: the Kommunen of the Bündnis when it opens, those that have not delivered when the
coordination reminds them, the Kommunen and the coordination when it closes; in the list and through SMTP, each as
they chose, never another Bündnis."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bedarf import services
from bedarf.models import Erhebung
from buendnis.choices import Rolle
from buendnis.models import Benachrichtigung, BenachrichtigungArt, Benachrichtigungseinstellung, Zustellung
from tests.bedarf.conftest import deliver
from tests.buendnis.test_benachrichtigungen import betreff
from tests.factories import UserFactory

Art = BenachrichtigungArt


@pytest.fixture
def personen(scenario):
    """Every account has an address `<role>@example.org`; Bündnis a has a second coordinator."""
    scenario.users["koordination_2"] = UserFactory(
        username="koord-2", rolle=Rolle.KOORDINATION, buendnis=scenario.a
    )
    for rolle, user in scenario.users.items():
        user.email = f"{rolle}@example.org"
        user.save()
    return scenario.users


def empfaenger(art) -> list[str]:
    return sorted(Benachrichtigung.objects.filter(art=art).values_list("empfaenger__username", flat=True))


def postfaecher(smtp_server) -> list[str]:
    return sorted(a for m in smtp_server.nachrichten for a in m.empfaenger)


ERHEBUNG = {
    "titel": "Erhebung 2022",
    "stichtag": "2022-03-31",
    "eingabe_von": "2022-04-01",
    "eingabe_bis": "2022-05-31",
    "hinweise": "Bitte auch die UMA zählen.",
}


def test_opened_round_reaches_the_kommunen_of_the_buendnis(scenario, personen, smtp_server):
    response = scenario.client("koordination").post(reverse("bedarf:erhebung-create"), ERHEBUNG)
    assert response.status_code == 302
    erhebung = Erhebung.objects.get(titel="Erhebung 2022")

    assert empfaenger(Art.ERHEBUNG_EROEFFNET) == ["kom-a1", "kom-a2"]
    assert postfaecher(smtp_server) == ["kommune@example.org", "kommune_a2@example.org"]
    mail = smtp_server.an("kommune@example.org")[0]
    assert betreff(mail) == "Erhebung eröffnet: „Erhebung 2022“ (Eingabe bis 31.05.2022)"
    text = smtp_server.text(mail)
    assert "(Stichtag 31.03.2022) eröffnet" in text and "vom 01.04.2022 bis zum 31.05.2022" in text
    assert "Hinweise: Bitte auch die UMA zählen." in text
    assert reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk]) in text


def test_refused_round_notifies_nobody(scenario, personen, smtp_server):
    for rolle in ("kommune", "mitglied"):
        assert scenario.client(rolle).post(reverse("bedarf:erhebung-create"), ERHEBUNG).status_code == 403
    invalid = {**ERHEBUNG, "eingabe_bis": "2022-01-01"}
    assert scenario.client("koordination").post(reverse("bedarf:erhebung-create"), invalid).status_code == 200
    assert not Erhebung.objects.exists()
    assert not Benachrichtigung.objects.exists() and smtp_server.nachrichten == []


def test_reminder_reaches_kommunen_without_delivery_as_each_chose(scenario, personen, erhebung, smtp_server):
    deliver(erhebung, scenario.a1, personen["kommune"], {"duldung": 5})
    zweite_a2 = UserFactory(
        username="kom-a2-zwei",
        rolle=Rolle.KOMMUNE,
        buendnis=scenario.a,
        kommune=scenario.a2,
        email="a2-zwei@example.org",
    )
    Benachrichtigungseinstellung.objects.create(
        benutzer=zweite_a2, art=Art.ERHEBUNG_ERINNERUNG, zustellung=Zustellung.TAEGLICH
    )

    response = scenario.client("koordination").post(
        reverse("bedarf:erhebung-erinnern", args=[erhebung.pk]), follow=True
    )

    assert "Erinnerung an 2 Person(en) verschickt." in response.content.decode()
    assert empfaenger(Art.ERHEBUNG_ERINNERUNG) == ["kom-a2", "kom-a2-zwei"]
    # The second account chose the daily digest: in its list now, by e-mail tomorrow morning.
    assert postfaecher(smtp_server) == ["kommune_a2@example.org"]
    mail = smtp_server.nachrichten[0]
    assert betreff(mail) == "Erinnerung: Erhebung 2019"
    assert "noch keine abgegebene Meldung" in smtp_server.text(mail)


def test_reminder_of_another_buendnis_stays_there(scenario, personen, erhebung_b, smtp_server):
    assert services.erhebung_erinnern(erhebung=erhebung_b, by=personen["koordination_b"]) == 1
    assert empfaenger(Art.ERHEBUNG_ERINNERUNG) == ["kom-b1"]
    assert postfaecher(smtp_server) == ["kommune_b1@example.org"]


def test_closed_round_reaches_kommunen_and_coordination_not_the_actor(
    scenario, personen, erhebung, smtp_server
):
    deliver(erhebung, scenario.a1, personen["kommune"], {"duldung": 5})
    smtp_server.nachrichten.clear()

    response = scenario.client("koordination").post(
        reverse("bedarf:erhebung-abschliessen", args=[erhebung.pk])
    )
    assert response.status_code == 302

    assert empfaenger(Art.ERHEBUNG_ABGESCHLOSSEN) == ["kom-a1", "kom-a2", "koord-2"]
    assert postfaecher(smtp_server) == [
        "kommune@example.org",
        "kommune_a2@example.org",
        "koordination_2@example.org",
    ]
    text = smtp_server.text(smtp_server.an("kommune_a2@example.org")[0])
    assert "ist abgeschlossen" in text and "1 von 2 Kommunen haben ihre Zahlen abgegeben." in text


def test_kommune_cannot_close_and_nobody_is_notified(scenario, personen, erhebung, smtp_server):
    response = scenario.client("kommune").post(reverse("bedarf:erhebung-abschliessen", args=[erhebung.pk]))
    assert response.status_code == 403
    assert not Benachrichtigung.objects.exists() and smtp_server.nachrichten == []
