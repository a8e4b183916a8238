"""The public catalogue: published offers only, no login, no internal fields, contacts only when public."""

import pytest
from django.urls import reverse

from angebote import services
from buendnis.models import Ansprechperson
from tests.angebote.factories import AngebotFactory


@pytest.fixture
def veroeffentlicht(scenario):
    person = Ansprechperson.objects.create(
        akteur=scenario.akteur_a, name="Erika Beraterin", email="erika@example.org", oeffentlich=False
    )
    angebot = AngebotFactory(
        buendnis=scenario.a,
        titel="Offener Deutschkurs",
        traeger=scenario.akteur_a,
        kreisweit=True,
        veroeffentlicht=True,
        ansprechperson=person,
        pruefung_notiz="Interne Notiz zur Qualität",
        pruefung_ergebnis="nachbesserung",
        rueckmeldung="Interne Rückmeldung",
        zugang={"duldung": ("eingeschraenkt", "nach 6 Monaten", True)},
    )
    return angebot


def test_public_catalogue_needs_no_login_and_shows_only_published(
    client, scenario, veroeffentlicht, angebote
):
    response = client.get(reverse("katalog"))
    assert response.status_code == 200
    titel = {a.titel for a in response.context["object_list"]}
    assert titel == {"Offener Deutschkurs", "Kurs Aheim", "Kurs Adorf", "Kurs Bheim"}


@pytest.mark.parametrize("schluessel", ["a1_entwurf", "b_entwurf"])
def test_public_detail_of_unpublished_offer_is_404(client, angebote, schluessel):
    assert client.get(reverse("katalog-detail", args=[angebote[schluessel].pk])).status_code == 404


def test_public_detail_hides_internal_fields_and_private_contacts(client, veroeffentlicht):
    response = client.get(reverse("katalog-detail", args=[veroeffentlicht.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Offener Deutschkurs" in text
    assert "nach 6 Monaten" in text  # the access condition is public
    for intern in [
        "Interne Notiz",
        "Interne Rückmeldung",
        "Nachbesserung",
        "Erika",
        "erika@example.org",
        "Öffnung",
    ]:
        assert intern not in text, intern


def test_public_detail_shows_contact_marked_public(client, veroeffentlicht):
    Ansprechperson.objects.filter(pk=veroeffentlicht.ansprechperson_id).update(oeffentlich=True)
    text = client.get(reverse("katalog-detail", args=[veroeffentlicht.pk])).content.decode()
    assert "erika@example.org" in text


def test_public_catalogue_filters_by_access_and_buendnis(client, scenario, veroeffentlicht, angebote):
    from tests.angebote.factories import status

    response = client.get(reverse("katalog"), {"zugang": status("duldung").pk})
    assert {a.titel for a in response.context["object_list"]} == {"Offener Deutschkurs"}
    response = client.get(reverse("katalog"), {"buendnis": scenario.b.pk})
    assert {a.titel for a in response.context["object_list"]} == {"Kurs Bheim"}


def test_public_chain_lists_only_published_follow_ups(client, scenario, veroeffentlicht, angebote):
    veroeffentlicht.anschlussangebote.set([angebote["a1_veroeffentlicht"], angebote["a1_entwurf"]])
    text = client.get(reverse("katalog-detail", args=[veroeffentlicht.pk])).content.decode()
    assert "Kurs Aheim" in text
    assert "Entwurf Aheim" not in text


def test_archived_offer_leaves_the_public_catalogue(client, scenario, veroeffentlicht):
    services.angebot_archive(angebot=veroeffentlicht, by=scenario.users["koordination"])
    assert client.get(reverse("katalog-detail", args=[veroeffentlicht.pk])).status_code == 404
