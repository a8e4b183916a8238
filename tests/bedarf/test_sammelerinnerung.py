"""Reminding chosen Kommunen of a survey round (issue 17): the coordination ticks the Kommunen that have not
delivered, a confirmation page names them and how many people will be reminded, and only they are reminded.
A foreign, unknown or already delivered Kommune in the request refuses the whole reminder. The "Alle auf dieser
Seite auswählen" checkbox of bulk tables is revealed by `static/js/sammelauswahl.js` only."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bedarf import services
from buendnis.choices import Rolle
from buendnis.models import Benachrichtigung, BenachrichtigungArt
from tests.bedarf.conftest import deliver
from tests.factories import KommuneFactory, UserFactory

ART = BenachrichtigungArt.ERHEBUNG_ERINNERUNG


@pytest.fixture
def runde(scenario, erhebung):
    """Round of Bündnis a: Aheim (a1) has delivered; Adorf (a2) has not and has a second account; Cdorf has not
    delivered and has one account. Every account has an address."""
    scenario.c1 = KommuneFactory(buendnis=scenario.a, name="Cdorf")
    scenario.users["kommune_a2_zwei"] = UserFactory(
        username="kom-a2-zwei", rolle=Rolle.KOMMUNE, buendnis=scenario.a, kommune=scenario.a2
    )
    scenario.users["kommune_c1"] = UserFactory(
        username="kom-c1", rolle=Rolle.KOMMUNE, buendnis=scenario.a, kommune=scenario.c1
    )
    for rolle, user in scenario.users.items():
        user.email = f"{rolle}@example.org"
        user.save()
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 5})
    return erhebung


def url(erhebung) -> str:
    return reverse("bedarf:erhebung-erinnern", args=[erhebung.pk])


def erinnert() -> list[str]:
    return sorted(Benachrichtigung.objects.filter(art=ART).values_list("empfaenger__username", flat=True))


def meldungen(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def assert_nichts_verschickt(erhebung, mailoutbox):
    erhebung.refresh_from_db()
    assert erinnert() == [] and mailoutbox == [] and erhebung.letzte_erinnerung is None


# The round's page ----------------------------------------------------------------------------------------------


def test_round_page_offers_a_checkbox_for_each_kommune_that_has_not_delivered(scenario, runde):
    response = scenario.client("koordination").get(runde.get_absolute_url())
    inhalt = response.content.decode()
    assert f'name="kommune" value="{scenario.a2.pk}"' in inhalt
    assert f'name="kommune" value="{scenario.c1.pk}"' in inhalt
    assert f'name="kommune" value="{scenario.a1.pk}"' not in inhalt  # delivered: nothing to remind
    assert f'<label class="visually-hidden" for="kommune-{scenario.a2.pk}">Adorf auswählen</label>' in inhalt
    assert "Ausgewählte Kommunen erinnern …" in inhalt
    # "Alle auswählen" is there for JavaScript to reveal, hidden without it; the script comes from static/.
    assert '<span hidden data-sammelauswahl="kommune">' in inhalt
    assert "Alle auf dieser Seite auswählen" in inhalt
    assert "/static/js/sammelauswahl.js" in inhalt


@pytest.mark.parametrize("role", ["kommune", "mitglied", "auswertung", "land"])
def test_round_page_offers_no_reminder_choice_to_other_roles(scenario, runde, role):
    inhalt = scenario.client(role).get(runde.get_absolute_url()).content.decode()
    assert 'name="kommune"' not in inhalt and "data-sammelauswahl" not in inhalt
    assert "sammelauswahl.js" not in inhalt


def test_round_page_shows_when_each_kommune_was_last_reminded(scenario, runde):
    services.erhebung_erinnern(erhebung=runde, kommunen=[scenario.c1], by=scenario.users["koordination"])
    response = scenario.client("koordination").get(runde.get_absolute_url())
    zeilen = {z["kommune"].name: z["erinnert_am"] for z in response.context["lieferstand"]}
    assert zeilen["Cdorf"] is not None and zeilen["Adorf"] is None and zeilen["Aheim"] is None


# Confirmation page ---------------------------------------------------------------------------------------------


def test_confirmation_names_the_chosen_kommunen_and_the_number_of_people(scenario, runde, mailoutbox):
    response = scenario.client("koordination").get(
        url(runde), {"auswahl": "1", "kommune": [scenario.a2.pk, scenario.c1.pk]}
    )
    assert response.status_code == 200
    inhalt = response.content.decode()
    assert "2 Kommunen, 3 Personen erhalten eine Erinnerung" in inhalt
    assert '<th scope="row">Adorf</th>' in inhalt and '<th scope="row">Cdorf</th>' in inhalt
    assert "Aheim" not in inhalt
    assert [(k.name, n) for k, n in response.context["zeilen"]] == [("Adorf", 2), ("Cdorf", 1)]
    assert "Erinnerung an 3 Personen senden" in inhalt
    for pk in (scenario.a2.pk, scenario.c1.pk):
        assert f'<input type="hidden" name="kommune" value="{pk}">' in inhalt
    assert_nichts_verschickt(runde, mailoutbox)  # a GET changes nothing


def test_confirmation_of_one_kommune_with_one_person_is_singular(scenario, runde):
    response = scenario.client("koordination").get(url(runde), {"auswahl": "1", "kommune": scenario.c1.pk})
    assert "1 Kommune, 1 Person erhält eine Erinnerung" in response.content.decode()


def test_remind_all_shows_every_missing_kommune_preselected(scenario, runde):
    response = scenario.client("koordination").get(url(runde))
    assert [(k.name, n) for k, n in response.context["zeilen"]] == [("Adorf", 2), ("Cdorf", 1)]
    assert "2 Kommunen, 3 Personen erhalten eine Erinnerung" in response.content.decode()


def test_kommune_without_accounts_is_named_with_nobody_to_remind(scenario, runde):
    leer = KommuneFactory(buendnis=scenario.a, name="Leerdorf")
    response = scenario.client("koordination").get(url(runde), {"auswahl": "1", "kommune": leer.pk})
    inhalt = response.content.decode()
    assert "1 Kommune, 0 Personen erhalten eine Erinnerung" in inhalt
    assert "kein aktiver Zugang" in inhalt and "Erinnerung an" not in inhalt  # no send button


def test_nothing_ticked_is_refused_with_a_message(scenario, runde, mailoutbox):
    response = scenario.client("koordination").get(url(runde), {"auswahl": "1"})
    assert response.status_code == 302 and response.url == runde.get_absolute_url()
    assert meldungen(response) == ["Bitte wählen Sie mindestens eine Kommune aus."]
    response = scenario.client("koordination").post(url(runde), {"auswahl": "1"})
    assert meldungen(response) == ["Bitte wählen Sie mindestens eine Kommune aus."]
    assert_nichts_verschickt(runde, mailoutbox)


def test_confirmation_refuses_a_delivered_or_foreign_kommune(scenario, runde):
    client = scenario.client("koordination")
    response = client.get(url(runde), {"auswahl": "1", "kommune": [scenario.a1.pk, scenario.a2.pk]})
    assert response.status_code == 302
    assert meldungen(response) == [
        "Aheim hat die Zahlen bereits abgegeben und wird nicht erinnert. Es wurde keine Erinnerung verschickt; "
        "bitte wählen Sie erneut aus."
    ]
    client = scenario.client(
        "koordination"
    )  # a fresh session: the message above is still waiting in the old one
    response = client.get(url(runde), {"auswahl": "1", "kommune": [scenario.b1.pk, scenario.a2.pk]})
    assert response.status_code == 302
    assert "gehört nicht zum Bündnis dieser Erhebung" in meldungen(response)[0]
    assert "Bheim" not in meldungen(response)[0]  # another alliance's Kommune is not named


def test_closed_round_has_no_confirmation_page(scenario, runde):
    from bedarf.models import ErhebungStatus

    runde.status = ErhebungStatus.ABGESCHLOSSEN
    runde.save()
    response = scenario.client("koordination").get(url(runde), {"auswahl": "1", "kommune": scenario.a2.pk})
    assert response.status_code == 302
    assert meldungen(response) == ["Die Erhebung ist abgeschlossen; eine Erinnerung ist nicht mehr nötig."]


# Sending ---------------------------------------------------------------------------------------------------------


def test_confirmed_reminder_reaches_only_the_chosen_kommunen(scenario, runde, mailoutbox):
    response = scenario.client("koordination").post(url(runde), {"auswahl": "1", "kommune": scenario.c1.pk})
    assert response.status_code == 302 and response.url == runde.get_absolute_url()
    assert meldungen(response) == ["1 Kommune erinnert: 1 Person hat eine Erinnerung erhalten."]
    assert erinnert() == ["kom-c1"]
    assert [m.to for m in mailoutbox] == [["kommune_c1@example.org"]]
    runde.refresh_from_db()
    assert runde.letzte_erinnerung is not None


def test_confirmed_reminder_of_several_kommunen_reaches_all_their_people(scenario, runde, mailoutbox):
    response = scenario.client("koordination").post(
        url(runde), {"auswahl": "1", "kommune": [scenario.a2.pk, scenario.c1.pk]}
    )
    assert meldungen(response) == ["2 Kommunen erinnert: 3 Personen haben eine Erinnerung erhalten."]
    assert erinnert() == ["kom-a2", "kom-a2-zwei", "kom-c1"]
    assert len(mailoutbox) == 3


def test_remind_all_without_a_choice_still_reaches_every_missing_kommune(scenario, runde, mailoutbox):
    response = scenario.client("koordination").post(url(runde))
    assert meldungen(response) == ["Erinnerung an 3 Person(en) verschickt."]
    assert erinnert() == ["kom-a2", "kom-a2-zwei", "kom-c1"]


@pytest.mark.parametrize(
    "auswahl",
    [
        pytest.param(lambda s: [s.a2.pk, s.b1.pk], id="kommune-of-another-buendnis"),
        pytest.param(lambda s: [s.c1.pk, s.a1.pk], id="delivered-kommune"),
        pytest.param(lambda s: [s.c1.pk, 999999], id="unknown-id"),
        pytest.param(lambda s: [s.c1.pk, "x"], id="no-number"),
    ],
)
def test_post_with_a_kommune_that_may_not_be_reminded_sends_nothing(scenario, runde, mailoutbox, auswahl):
    response = scenario.client("koordination").post(
        url(runde), {"auswahl": "1", "kommune": auswahl(scenario)}
    )
    assert response.status_code == 302
    [meldung] = meldungen(response)
    assert "Es wurde keine Erinnerung verschickt" in meldung
    assert_nichts_verschickt(runde, mailoutbox)


def test_service_refuses_a_foreign_kommune_even_for_a_superuser(scenario, runde, mailoutbox):
    # The superuser sees every Kommune, so only the service stands between it and another alliance's staff.
    with pytest.raises(ValidationError, match="gehört nicht zum Bündnis dieser Erhebung"):
        services.erhebung_erinnern(
            erhebung=runde, kommunen=[scenario.a2, scenario.b1], by=scenario.users["admin"]
        )
    assert_nichts_verschickt(runde, mailoutbox)
    response = scenario.client("admin").post(
        url(runde), {"auswahl": "1", "kommune": [scenario.a2.pk, scenario.b1.pk]}
    )
    assert "gehört nicht zum Bündnis dieser Erhebung" in meldungen(response)[0]
    assert_nichts_verschickt(runde, mailoutbox)


def test_service_refuses_a_delivered_kommune(scenario, runde, mailoutbox):
    with pytest.raises(ValidationError, match="Aheim hat die Zahlen bereits abgegeben"):
        services.erhebung_erinnern(erhebung=runde, kommunen=[scenario.a1], by=scenario.users["koordination"])
    assert_nichts_verschickt(runde, mailoutbox)


# Who may remind --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, get_status, post_status",
    [
        ("anonym", 302, 302),
        ("koordination", 200, 302),
        ("admin", 200, 302),
        ("kommune", 403, 403),
        ("mitglied", 403, 403),
        ("auswertung", 403, 403),
        ("land", 403, 403),
        ("koordination_b", 404, 404),
    ],
)
def test_only_the_coordination_of_the_buendnis_reminds_chosen_kommunen(
    scenario, runde, mailoutbox, role, get_status, post_status
):
    daten = {"auswahl": "1", "kommune": [scenario.a2.pk]}
    client = scenario.client(role)
    response = client.get(url(runde), daten)
    assert response.status_code == get_status
    if role == "anonym":
        assert response.url.startswith(reverse("login"))
    assert_nichts_verschickt(runde, mailoutbox)
    response = client.post(url(runde), daten)
    assert response.status_code == post_status
    runde.refresh_from_db()
    if role in ("koordination", "admin"):
        assert erinnert() == ["kom-a2", "kom-a2-zwei"] and runde.letzte_erinnerung is not None
    else:
        assert_nichts_verschickt(runde, mailoutbox)


# Queries -------------------------------------------------------------------------------------------------------


def _kommunen_dazu(scenario, erhebung, anzahl: int) -> list:
    """`anzahl` more Kommunen that have not delivered, two accounts each, reminded once."""
    scenario.zusatz = getattr(scenario, "zusatz", [])
    neu = []
    for _i in range(anzahl):
        kommune = KommuneFactory(buendnis=scenario.a, name=f"Zusatz {len(scenario.zusatz):03d}")
        scenario.zusatz.append(kommune)
        for j in range(2):
            UserFactory(
                username=f"zusatz-{kommune.pk}-{j}", rolle=Rolle.KOMMUNE, buendnis=scenario.a, kommune=kommune
            )
        neu.append(kommune)
    services.erhebung_erinnern(erhebung=erhebung, kommunen=neu, by=scenario.users["koordination"])
    return neu


def test_round_page_and_confirmation_cost_the_same_queries_with_few_and_many_kommunen(scenario, runde):
    client = scenario.client("koordination")

    def zaehlen() -> list[int]:
        ids = [
            z["kommune"].pk for z in client.get(runde.get_absolute_url()).context["lieferstand"] if z["offen"]
        ]
        ergebnis = []
        for adresse, daten in (
            (runde.get_absolute_url(), {}),
            (url(runde), {}),
            (url(runde), {"auswahl": "1", "kommune": ids}),
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(adresse, daten).status_code == 200
            ergebnis.append(len(ctx.captured_queries))
        return ergebnis

    _kommunen_dazu(scenario, runde, 2)
    wenige = zaehlen()
    _kommunen_dazu(scenario, runde, 25)
    viele = zaehlen()
    assert wenige == viele


# "Alle auf dieser Seite auswählen" on the offer list -------------------------------------------------------------


def test_offer_list_has_a_hidden_select_all_for_its_bulk_form(scenario):
    from tests.angebote.factories import AngebotFactory

    AngebotFactory(
        buendnis=scenario.a,
        titel="Kurs A",
        traeger=scenario.akteur_a,
        kommunen=[scenario.a1],
        zur_pruefung=True,
    )
    inhalt = scenario.client("koordination").get(reverse("angebote:angebot-list")).content.decode()
    assert 'name="auswahl"' in inhalt
    assert '<span hidden data-sammelauswahl="auswahl">' in inhalt
    assert (
        '<label class="visually-hidden" for="auswahl-alle">Alle auf dieser Seite auswählen</label>' in inhalt
    )
    assert "/static/js/sammelauswahl.js" in inhalt
    # Without a bulk step there is nothing to select.
    inhalt = scenario.client("auswertung").get(reverse("angebote:angebot-list")).content.decode()
    assert "data-sammelauswahl" not in inhalt and "sammelauswahl.js" not in inhalt
