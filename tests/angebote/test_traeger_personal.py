"""Träger staff: a member account with an Akteur enters and updates its own organisation's offers; the review by
the coordination applies as for the Kommunen. Without an Akteur, or for another Träger, nothing new."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from angebote import services
from angebote.models import Angebot, AngebotStatus
from buendnis.choices import Rolle
from tests.angebote.factories import AngebotFactory, kategorie
from tests.angebote.helpers import form_daten
from tests.factories import UserFactory
from tests.sicherheit.helpers import snapshot

S = AngebotStatus


@pytest.fixture
def eigene(scenario):
    """Offers of Caritas A, the organisation of the scenario's member account."""
    return {
        "entwurf": AngebotFactory(
            buendnis=scenario.a, titel="Caritas Entwurf", traeger=scenario.akteur_a, kommunen=[scenario.a2]
        ),
        "veroeffentlicht": AngebotFactory(
            buendnis=scenario.a,
            titel="Caritas Kurs",
            traeger=scenario.akteur_a,
            kommunen=[scenario.a1],
            veroeffentlicht=True,
        ),
    }


@pytest.fixture
def fremde(scenario, traeger_a1):
    """Offers of another Träger of the same Bündnis."""
    return {
        "entwurf": AngebotFactory(
            buendnis=scenario.a, titel="VHS Entwurf", traeger=traeger_a1, kommunen=[scenario.a1]
        ),
        "veroeffentlicht": AngebotFactory(
            buendnis=scenario.a,
            titel="VHS Kurs",
            traeger=traeger_a1,
            kommunen=[scenario.a1],
            veroeffentlicht=True,
        ),
    }


def _neu(scenario, **overrides):
    daten = {
        "kategorie": kategorie("deutsch").pk,
        "traeger": scenario.akteur_a.pk,
        "kommunen": [scenario.a2.pk],
    }
    daten.update(overrides)
    return form_daten(**daten)


def test_traeger_staff_create_an_offer_of_their_own_organisation(scenario):
    client = scenario.client("mitglied")
    formular = client.get(reverse("angebote:angebot-create"))
    assert formular.status_code == 200
    assert list(formular.context["form"].fields["traeger"].queryset) == [scenario.akteur_a]

    response = client.post(
        reverse("angebote:angebot-create"), _neu(scenario, kommunen=[scenario.a1.pk, scenario.a2.pk])
    )
    assert response.status_code == 302
    angebot = Angebot.objects.get(titel="Neuer Deutschkurs")
    assert (angebot.status, angebot.traeger, angebot.buendnis) == (S.ENTWURF, scenario.akteur_a, scenario.a)
    assert angebot.erstellt_von == scenario.users["mitglied"]
    # Their own draft is theirs to read and edit.
    assert client.get(reverse("angebote:angebot-detail", args=[angebot.pk])).status_code == 200
    assert client.get(reverse("angebote:angebot-update", args=[angebot.pk])).status_code == 200


def test_traeger_staff_may_enter_a_kreisweit_offer(scenario):
    response = scenario.client("mitglied").post(
        reverse("angebote:angebot-create"), _neu(scenario, kommunen=[], kreisweit="on")
    )
    assert response.status_code == 302
    assert Angebot.objects.get(titel="Neuer Deutschkurs").kreisweit


def test_traeger_staff_cannot_set_another_traeger(scenario, traeger_a1):
    before = snapshot()
    response = scenario.client("mitglied").post(
        reverse("angebote:angebot-create"), _neu(scenario, traeger=traeger_a1.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["traeger"]
    assert snapshot() == before


def test_service_refuses_another_traeger_for_traeger_staff(scenario, traeger_a1):
    angebot = Angebot(titel="Fremd", traeger=traeger_a1, kategorie=kategorie("deutsch"))
    with pytest.raises(ValidationError) as exc:
        services.angebot_create(angebot=angebot, kommunen=[scenario.a1], by=scenario.users["mitglied"])
    assert "eigenen Organisation" in exc.value.message_dict["traeger"][0]
    assert not Angebot.objects.filter(titel="Fremd").exists()


def test_traeger_staff_cannot_move_their_offer_to_another_traeger(scenario, eigene, traeger_a1):
    angebot = eigene["entwurf"]
    response = scenario.client("mitglied").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, traeger=traeger_a1.pk)
    )
    assert response.status_code == 200
    angebot.refresh_from_db()
    assert angebot.traeger == scenario.akteur_a


def test_traeger_staff_edit_their_draft(scenario, eigene):
    angebot = eigene["entwurf"]
    response = scenario.client("mitglied").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, titel="Neu betitelt")
    )
    assert response.status_code == 302
    angebot.refresh_from_db()
    assert (angebot.titel, angebot.version) == ("Neu betitelt", 2)


@pytest.mark.parametrize(
    ("wessen", "status", "erwartet"),
    [
        ("eigene", "entwurf", 200),
        ("eigene", "veroeffentlicht", 403),  # published: only the coordination edits
        ("fremde", "entwurf", 404),  # another Träger's draft is not even visible
        ("fremde", "veroeffentlicht", 403),
    ],
)
def test_traeger_staff_edit_form_matrix(scenario, eigene, fremde, wessen, status, erwartet):
    angebot = {"eigene": eigene, "fremde": fremde}[wessen][status]
    client = scenario.client("mitglied")
    assert client.get(reverse("angebote:angebot-update", args=[angebot.pk])).status_code == erwartet
    response = client.post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, titel="X")
    )
    if erwartet != 200:
        assert response.status_code == erwartet
        angebot.refresh_from_db()
        assert angebot.titel != "X"


def test_traeger_staff_submit_and_withdraw_but_never_publish(scenario, eigene):
    angebot = eigene["entwurf"]
    client = scenario.client("mitglied")

    def aktion(name):
        return client.post(reverse("angebote:angebot-aktion", args=[angebot.pk, name]))

    assert aktion("einreichen").status_code == 302
    angebot.refresh_from_db()
    assert angebot.status == S.ZUR_PRUEFUNG
    # Publishing is the coordination's review.
    assert aktion("veroeffentlichen").status_code == 403
    assert aktion("zurueckgeben").status_code == 403
    angebot.refresh_from_db()
    assert angebot.status == S.ZUR_PRUEFUNG
    assert aktion("zuruecknehmen").status_code == 302
    angebot.refresh_from_db()
    assert angebot.status == S.ENTWURF

    aktion("einreichen")
    scenario.client("koordination").post(
        reverse("angebote:angebot-aktion", args=[angebot.pk, "veroeffentlichen"])
    )
    angebot.refresh_from_db()
    assert angebot.status == S.VEROEFFENTLICHT
    assert aktion("archivieren").status_code == 403


def test_traeger_staff_cannot_submit_another_traegers_offer(scenario, fremde):
    angebot = fremde["entwurf"]
    response = scenario.client("mitglied").post(
        reverse("angebote:angebot-aktion", args=[angebot.pk, "einreichen"])
    )
    assert response.status_code == 404
    angebot.refresh_from_db()
    assert angebot.status == S.ENTWURF


def test_member_without_akteur_gets_nothing_new(scenario, eigene):
    ohne = UserFactory(username="mitglied-ohne", rolle=Rolle.MITGLIED, buendnis=scenario.a, akteur=None)
    from django.test import Client

    client = Client()
    client.force_login(ohne)
    assert client.get(reverse("angebote:angebot-create")).status_code == 403
    before = snapshot()
    assert client.post(reverse("angebote:angebot-create"), _neu(scenario)).status_code == 403
    assert client.get(reverse("angebote:angebot-update", args=[eigene["entwurf"].pk])).status_code == 404
    assert snapshot() == before
    assert not Angebot.objects.editable_by(ohne).exists()


def test_traeger_staff_of_another_buendnis_never_reach_the_offers(scenario, eigene):
    from django.test import Client

    mitglied_b = UserFactory(
        username="mitglied-b", rolle=Rolle.MITGLIED, buendnis=scenario.b, akteur=scenario.akteur_b
    )
    client = Client()
    client.force_login(mitglied_b)
    for angebot in eigene.values():
        assert client.get(reverse("angebote:angebot-detail", args=[angebot.pk])).status_code == 404
        assert (
            client.post(
                reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot)
            ).status_code
            == 404
        )
    # Nor can a member of b name a Träger of a.
    before = snapshot()
    response = client.post(reverse("angebote:angebot-create"), _neu(scenario, kommunen=[scenario.b1.pk]))
    assert response.status_code == 200
    assert response.context["form"].errors["traeger"]
    assert snapshot() == before


def test_querysets_match_the_rules(scenario, eigene, fremde):
    mitglied = scenario.users["mitglied"]
    assert set(Angebot.objects.editable_by(mitglied)) == set(eigene.values())
    sichtbar = set(Angebot.objects.visible_to(mitglied))
    assert eigene["entwurf"] in sichtbar and fremde["entwurf"] not in sichtbar
    assert fremde["veroeffentlicht"] in sichtbar
    for angebot in Angebot.objects.visible_to(mitglied):
        assert mitglied.has_perm("angebote.view_angebot", angebot)
        if angebot.status == S.ENTWURF:
            assert (angebot in set(Angebot.objects.editable_by(mitglied))) == mitglied.has_perm(
                "angebote.change_angebot", angebot
            )


def test_catalogue_offers_the_new_button_to_traeger_staff(scenario):
    response = scenario.client("mitglied").get(reverse("angebote:angebot-list"))
    assert response.context["kann_anlegen"]
    assert scenario.client("mitglied").get(reverse("angebote:angebot-import")).status_code == 403
