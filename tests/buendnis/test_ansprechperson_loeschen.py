"""Erasing a contact person (DSGVO Art. 17): who may, what the confirmation says, and that name, e-mail and phone
survive nowhere (not in the change history, the public catalogue or the HSDS API), while the rows that named the
person stay."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from angebote.models import AngebotStatus
from berichte import opendata
from buendnis import services
from buendnis.models import Akteur, Ansprechperson, Gremium, Mitgliedschaft
from tests.angebote.factories import AngebotFactory
from tests.factories import AkteurFactory, GremiumFactory

NAME, EMAIL, TELEFON = "Erika Mustermann", "erika.mustermann@example.org", "02131 987654"


@pytest.fixture
def person(scenario):
    """A contact of Bündnis a's Akteur, changed once, so its history holds two records with personal data."""
    p = Ansprechperson.objects.create(
        akteur=scenario.akteur_a, name=NAME, funktion="Leitung Beratung", email=EMAIL, telefon=TELEFON
    )
    p.telefon = "02131 111111"
    p.save()
    return p


def _url(person) -> str:
    return reverse("buendnis:person-delete", args=[person.pk])


def _spuren(pk: int) -> int:
    """Rows and history records of the person."""
    return Ansprechperson.objects.filter(pk=pk).count() + Ansprechperson.history.filter(id=pk).count()


# Who may ---------------------------------------------------------------------------------------------------------

ERWARTET = {
    "anonym": 302,  # to the login
    "koordination": 200,
    "kommune": 403,
    "mitglied": 403,
    "auswertung": 403,
    "land": 403,
    "admin": 200,
}


def test_confirmation_page_per_role(role_client, role, person):
    response = role_client.get(_url(person))
    assert response.status_code == ERWARTET[role]
    if role == "anonym":
        assert response["Location"].startswith(reverse("login"))
    assert _spuren(person.pk) == 3  # the row and its two history records: nothing erased by looking


@pytest.mark.parametrize("role", ["anonym", "kommune", "mitglied", "auswertung", "land"])
def test_role_without_the_right_cannot_delete_a_contact_person(scenario, role, person):
    response = scenario.client(role).post(_url(person))
    assert response.status_code in (302, 403)
    if role != "anonym":
        assert response.status_code == 403
    assert Ansprechperson.objects.filter(pk=person.pk, name=NAME, email=EMAIL).exists()
    assert Ansprechperson.history.filter(id=person.pk).count() == 2


def test_kommune_cannot_delete_the_contact_of_an_akteur_in_its_own_kommune(scenario):
    # A Kommune does not change contact persons (only the coordination does), so it does not erase them either.
    akteur = AkteurFactory(buendnis=scenario.a, name="Jugendmigrationsdienst Aheim", kommune=scenario.a1)
    p = Ansprechperson.objects.create(akteur=akteur, name=NAME, email=EMAIL)
    client = scenario.client("kommune")
    assert client.get(_url(p)).status_code == 403
    assert client.post(_url(p)).status_code == 403
    assert Ansprechperson.objects.filter(pk=p.pk).exists()


def test_coordination_of_another_buendnis_gets_404_and_changes_nothing(scenario, person):
    client = scenario.client("koordination_b")
    assert client.get(_url(person)).status_code == 404
    assert client.post(_url(person)).status_code == 404
    assert _spuren(person.pk) == 3


def test_missing_contact_person_is_404(scenario):
    client = scenario.client("koordination")
    assert client.get(reverse("buendnis:person-delete", args=[999999])).status_code == 404


def test_post_without_csrf_token_is_refused(scenario, person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["koordination"])
    assert client.post(_url(person)).status_code == 403
    assert _spuren(person.pk) == 3


# What the coordination sees ----------------------------------------------------------------------------------------


def test_confirmation_names_person_and_akteur_and_says_what_happens(scenario, person):
    AngebotFactory(buendnis=scenario.a, traeger=scenario.akteur_a, ansprechperson=person)
    text = scenario.client("koordination").get(_url(person)).content.decode()
    assert NAME in text and "Caritas A" in text
    assert "Die Kontaktdaten werden gelöscht, auch aus dem Änderungsverlauf." in text
    assert "Angebote: 1" in text  # where the person is named and will be removed
    assert 'method="post"' in text and "csrfmiddlewaretoken" in text
    # The erasure is the page's one action, styled as dangerous, not as a primary button.
    seite = text.split('<main id="inhalt"', 1)[1]
    assert 'class="btn btn-danger"' in seite and "btn-primary" not in seite


def test_akteur_page_and_edit_page_link_to_the_erasure_for_the_coordination_only(scenario, person):
    akteur_url = reverse("buendnis:akteur-detail", args=[scenario.akteur_a.pk])
    edit_url = reverse("buendnis:person-update", args=[person.pk])
    koordination = scenario.client("koordination")
    for url in (akteur_url, edit_url):
        text = koordination.get(url).content.decode()
        assert f'class="link-danger" href="{_url(person)}"' in text
    text = scenario.client("mitglied").get(akteur_url).content.decode()
    assert NAME in text and _url(person) not in text


# What happens ----------------------------------------------------------------------------------------------------


def test_get_shows_the_confirmation_without_deleting(scenario, person):
    assert scenario.client("koordination").get(_url(person)).status_code == 200
    assert Ansprechperson.objects.filter(pk=person.pk).exists()
    assert Ansprechperson.history.filter(id=person.pk).count() == 2


def test_coordination_deletes_contact_person_with_its_history(scenario, person):
    koordination = scenario.users["koordination"]
    response = scenario.client("koordination").post(_url(person))
    assert response.status_code == 302
    assert response["Location"] == scenario.akteur_a.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Die Ansprechperson ist gelöscht, auch aus dem Änderungsverlauf."
    ]
    assert _spuren(person.pk) == 0
    # Nothing of the person in any history record of contact persons or of its Akteur.
    for historie in (Ansprechperson.history.all(), Akteur.history.all()):
        gespeichert = json.dumps(list(historie.values()), default=str)
        for datum in (NAME, EMAIL, TELEFON, "02131 111111", "Leitung Beratung"):
            assert datum not in gespeichert
    # The Akteur's history says who erased a contact person, and when, anonymously.
    vermerk = scenario.akteur_a.history.order_by("-history_date", "-history_id").first()
    assert vermerk.history_change_reason == "Ansprechperson gelöscht"
    assert vermerk.history_user == koordination and vermerk.history_type == "~"
    assert Akteur.objects.filter(pk=scenario.akteur_a.pk).exists()


def test_akteur_page_shows_the_erasure_in_its_history_without_the_person(scenario, person):
    client = scenario.client("koordination")
    client.post(_url(person))
    text = client.get(scenario.akteur_a.get_absolute_url()).content.decode()
    assert "Ansprechperson gelöscht" in text
    assert NAME not in text and EMAIL not in text


def test_superuser_deletes_contact_person(scenario, person):
    assert scenario.client("admin").post(_url(person)).status_code == 302
    assert _spuren(person.pk) == 0


def test_rows_naming_the_person_stay_without_it(scenario, person):
    gremium = GremiumFactory(buendnis=scenario.a, name="Forum Arbeit", leitung_person=person)
    mitgliedschaft = Mitgliedschaft.objects.create(gremium=gremium, akteur=scenario.akteur_a, person=person)
    andere = Ansprechperson.objects.create(
        akteur=scenario.akteur_a, name="Max Muster", email="max@example.org"
    )
    scenario.client("koordination").post(_url(person))
    assert Gremium.objects.get(pk=gremium.pk).leitung_person_id is None
    assert Mitgliedschaft.objects.get(pk=mitgliedschaft.pk).person_id is None
    assert Ansprechperson.objects.filter(pk=andere.pk).exists()
    assert Ansprechperson.history.filter(id=andere.pk).count() == 1
    text = scenario.client("koordination").get(gremium.get_absolute_url()).content.decode()
    assert NAME not in text


# Public catalogue and HSDS -----------------------------------------------------------------------------------------


@pytest.fixture
def oeffentliches_angebot(scenario, person):
    Ansprechperson.objects.filter(pk=person.pk).update(oeffentlich=True)
    angebot = AngebotFactory(
        buendnis=scenario.a,
        traeger=scenario.akteur_a,
        ansprechperson=person,
        veroeffentlicht=True,
        kommunen=[scenario.a1],
    )
    # As if published a while ago: the erasure must move the offer's modification time.
    type(angebot).objects.filter(pk=angebot.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    angebot.refresh_from_db()
    return angebot


def _inhalt(response) -> str:
    teile = response.streaming_content if response.streaming else [response.content]
    return b"".join(teile).decode()


def test_public_catalogue_hsds_and_open_data_no_longer_show_the_contact(
    client, scenario, oeffentliches_angebot
):
    angebot = oeffentliches_angebot
    urls = [
        reverse("katalog-detail", args=[angebot.pk]),
        reverse("hsds:service", args=[opendata.uid("angebot", angebot.pk)]),
        reverse("berichte:opendata-json"),
    ]
    for url in urls:
        assert EMAIL in _inhalt(client.get(url)), url
    vorher = angebot.updated_at

    scenario.client("koordination").post(_url(angebot.ansprechperson))

    angebot.refresh_from_db()
    assert angebot.status == AngebotStatus.VEROEFFENTLICHT and angebot.ansprechperson_id is None
    for url in urls:
        inhalt = _inhalt(client.get(url))
        assert angebot.titel in inhalt and NAME not in inhalt and EMAIL not in inhalt, url
    # Consumers that sync by modification date learn that the offer changed (its contact is gone).
    assert angebot.updated_at > vorher
    seite = json.loads(client.get(reverse("hsds:services"), {"modified_after": vorher.isoformat()}).content)
    assert [s["name"] for s in seite["contents"]] == [angebot.titel]


# The service -----------------------------------------------------------------------------------------------------


def test_service_refuses_roles_without_the_right_and_keeps_everything(scenario, person):
    for role in ("kommune", "mitglied", "auswertung", "land", "koordination_b"):
        with pytest.raises(PermissionDenied):
            services.ansprechperson_loeschen(person=person, by=scenario.users[role])
    assert _spuren(person.pk) == 3


def test_service_refuses_a_person_already_deleted(scenario, person):
    koordination = scenario.users["koordination"]
    services.ansprechperson_loeschen(person=person, by=koordination)
    with pytest.raises(ValidationError, match="bereits gelöscht"):
        services.ansprechperson_loeschen(person=person, by=koordination)
