"""A Kommune proposes a missing Träger: usable in its own offers at once, confirmed or rejected by the
coordination, who is told about it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from angebote.models import Angebot
from buendnis import konten
from buendnis.models import Akteur, AkteurStatus, Benachrichtigung, BenachrichtigungArt, Bereich
from tests.angebote.factories import AngebotFactory, kategorie
from tests.angebote.helpers import form_daten
from tests.factories import AkteurFactory
from tests.sicherheit.helpers import snapshot


def vorschlagen(client, **daten):
    werte = {"name": "Sprachcafé Aheim e. V.", "typ": "ehrenamt", "bereich": Bereich.objects.first().pk}
    werte.update(daten)
    return client.post(reverse("buendnis:akteur-vorschlagen"), werte)


@pytest.fixture
def vorschlag(scenario) -> Akteur:
    return AkteurFactory(
        buendnis=scenario.a,
        name="Sprachcafé Aheim e. V.",
        kommune=scenario.a1,
        status=AkteurStatus.VORGESCHLAGEN,
        vorgeschlagen_von=scenario.users["kommune"],
    )


def test_kommune_proposes_a_traeger_and_the_coordination_is_told(scenario, smtp_server):
    koordination = scenario.users["koordination"]
    koordination.email = "gs@example.org"
    koordination.save()
    response = vorschlagen(scenario.client("kommune"))
    assert response.status_code == 302
    akteur = Akteur.objects.get(name="Sprachcafé Aheim e. V.")
    assert response["Location"] == akteur.get_absolute_url()
    assert (akteur.status, akteur.buendnis, akteur.kommune) == (
        AkteurStatus.VORGESCHLAGEN,
        scenario.a,
        scenario.a1,
    )
    assert akteur.vorgeschlagen_von == scenario.users["kommune"]

    hinweis = Benachrichtigung.objects.get(empfaenger=koordination)
    assert hinweis.art == BenachrichtigungArt.TRAEGER_VORGESCHLAGEN
    assert hinweis.link == akteur.get_absolute_url()
    assert "Sprachcafé Aheim" in hinweis.titel
    [mail] = smtp_server.an("gs@example.org")
    assert "Sprachcafé Aheim" in mail["Subject"]
    # Nobody outside the Bündnis hears of it.
    assert not Benachrichtigung.objects.filter(empfaenger=scenario.users["koordination_b"]).exists()


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [
        ("anonym", 302),
        ("kommune", 200),
        ("koordination", 403),  # the coordination adds Akteure directly
        ("mitglied", 403),
        ("auswertung", 403),
        ("land", 403),
        ("admin", 403),
    ],
)
def test_proposal_page_role_matrix(scenario, rolle, erwartet):
    client = scenario.client(rolle)
    assert client.get(reverse("buendnis:akteur-vorschlagen")).status_code == erwartet
    if erwartet != 200:
        before = snapshot()
        assert vorschlagen(client).status_code == erwartet
        assert snapshot() == before


def test_duplicate_name_gets_a_german_message(scenario):
    before = snapshot()
    response = vorschlagen(scenario.client("kommune"), name="Caritas A")
    assert response.status_code == 200
    assert "Einen Akteur mit diesem Namen gibt es im Bündnis schon." in response.content.decode()
    assert snapshot() == before


def test_proposal_returns_to_the_offer_form_but_never_elsewhere(scenario):
    ziel = reverse("angebote:angebot-create")
    response = vorschlagen(scenario.client("kommune"), next=ziel)
    assert response["Location"] == ziel
    fremd = vorschlagen(scenario.client("kommune"), name="Anderer Verein", next="https://example.com/")
    assert fremd["Location"] == Akteur.objects.get(name="Anderer Verein").get_absolute_url()


def test_offer_form_links_the_proposal_for_the_kommune_only(scenario):
    url = reverse("buendnis:akteur-vorschlagen")
    assert url in scenario.client("kommune").get(reverse("angebote:angebot-create")).content.decode()
    assert url not in scenario.client("koordination").get(reverse("angebote:angebot-create")).content.decode()
    assert url in scenario.client("kommune").get(reverse("buendnis:akteur-list")).content.decode()
    assert url not in scenario.client("mitglied").get(reverse("buendnis:akteur-list")).content.decode()


def test_the_proposing_kommune_uses_its_proposal_at_once_others_after_confirmation(scenario, vorschlag):
    def choices(rolle):
        form = scenario.client(rolle).get(reverse("angebote:angebot-create")).context["form"]
        return set(form.fields["traeger"].queryset)

    assert vorschlag in choices("kommune")
    assert vorschlag not in choices("kommune_a2")
    assert vorschlag in choices("koordination")

    response = scenario.client("kommune").post(
        reverse("angebote:angebot-create"),
        form_daten(kategorie=kategorie("deutsch").pk, traeger=vorschlag.pk, kommunen=[scenario.a1.pk]),
    )
    assert response.status_code == 302
    assert Angebot.objects.get(titel="Neuer Deutschkurs").traeger == vorschlag

    # Kommune a2 cannot smuggle it into a form before it is confirmed.
    vorher = Angebot.objects.count()
    response = scenario.client("kommune_a2").post(
        reverse("angebote:angebot-create"),
        form_daten(
            titel="Fremd", kategorie=kategorie("deutsch").pk, traeger=vorschlag.pk, kommunen=[scenario.a2.pk]
        ),
    )
    assert response.context["form"].errors["traeger"]
    assert Angebot.objects.count() == vorher

    scenario.client("koordination").post(reverse("buendnis:akteur-bestaetigen", args=[vorschlag.pk]))
    assert vorschlag in choices("kommune_a2")


def test_detail_shows_the_badge_and_only_the_coordination_gets_the_buttons(scenario, vorschlag):
    url = vorschlag.get_absolute_url()
    koordination = scenario.client("koordination").get(url).content.decode()
    assert "vorgeschlagen von Aheim" in koordination
    assert reverse("buendnis:akteur-bestaetigen", args=[vorschlag.pk]) in koordination
    assert reverse("buendnis:akteur-ablehnen", args=[vorschlag.pk]) in koordination
    kommune = scenario.client("kommune").get(url).content.decode()
    assert "vorgeschlagen von Aheim" in kommune
    assert reverse("buendnis:akteur-bestaetigen", args=[vorschlag.pk]) not in kommune
    liste = scenario.client("koordination").get(reverse("buendnis:akteur-list")).content.decode()
    assert "von einer Kommune vorgeschlagen" in liste


def test_coordination_confirms_and_the_kommune_is_told(scenario, vorschlag):
    response = scenario.client("koordination").post(
        reverse("buendnis:akteur-bestaetigen", args=[vorschlag.pk]), follow=True
    )
    assert "ist als Akteur des Bündnisses bestätigt" in response.content.decode()
    vorschlag.refresh_from_db()
    assert vorschlag.status == AkteurStatus.BESTAETIGT
    assert Benachrichtigung.objects.filter(
        empfaenger=scenario.users["kommune"], art=BenachrichtigungArt.TRAEGER_VORGESCHLAGEN
    ).exists()
    # Confirmed once is enough: a second confirmation is refused with a message.
    again = scenario.client("koordination").post(
        reverse("buendnis:akteur-bestaetigen", args=[vorschlag.pk]), follow=True
    )
    assert "kein offener Vorschlag" in again.content.decode()


def test_coordination_rejects_an_unused_proposal(scenario, vorschlag):
    response = scenario.client("koordination").post(
        reverse("buendnis:akteur-ablehnen", args=[vorschlag.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("buendnis:akteur-list")
    assert "ist abgelehnt und entfernt" in response.content.decode()
    assert not Akteur.objects.filter(pk=vorschlag.pk).exists()
    assert Benachrichtigung.objects.filter(
        empfaenger=scenario.users["kommune"], titel__contains="abgelehnt"
    ).exists()


def test_a_proposal_in_use_cannot_be_rejected(scenario, vorschlag):
    AngebotFactory(buendnis=scenario.a, traeger=vorschlag, kommunen=[scenario.a1])
    response = scenario.client("koordination").post(
        reverse("buendnis:akteur-ablehnen", args=[vorschlag.pk]), follow=True
    )
    text = response.content.decode()
    assert "kann nicht abgelehnt werden" in text
    assert "bestätigen" in text
    assert Akteur.objects.filter(pk=vorschlag.pk, status=AkteurStatus.VORGESCHLAGEN).exists()


def test_a_confirmed_akteur_is_never_removed_by_rejecting(scenario):
    response = scenario.client("koordination").post(
        reverse("buendnis:akteur-ablehnen", args=[scenario.akteur_a.pk]), follow=True
    )
    assert "kein offener Vorschlag" in response.content.decode()
    assert Akteur.objects.filter(pk=scenario.akteur_a.pk).exists()


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [
        ("anonym", 302),
        ("kommune", 403),
        ("kommune_a2", 403),
        ("mitglied", 403),
        ("auswertung", 403),
        ("land", 403),
        ("koordination_b", 404),
        ("kommune_b1", 404),
    ],
)
@pytest.mark.parametrize("aktion", ["akteur-bestaetigen", "akteur-ablehnen"])
def test_review_role_matrix_changes_nothing(scenario, vorschlag, rolle, erwartet, aktion):
    from django.test import Client

    client = Client()
    if rolle != "anonym":
        client.force_login(scenario.users[rolle])
    before = snapshot()
    response = client.post(reverse(f"buendnis:{aktion}", args=[vorschlag.pk]))
    assert response.status_code == erwartet
    if rolle == "anonym":
        assert response["Location"].startswith(reverse("login"))
    assert snapshot() == before


def test_hostile_name_stays_escaped(scenario):
    vorschlagen(scenario.client("kommune"), name="<script>alert(1)</script>")
    akteur = Akteur.objects.get(name="<script>alert(1)</script>")
    for rolle in ("koordination", "kommune"):
        for url in (akteur.get_absolute_url(), reverse("buendnis:akteur-list")):
            text = scenario.client(rolle).get(url).content.decode()
            assert "<script>alert(1)" not in text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_service_refuses_users_without_kommune(scenario):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        konten.akteur_vorschlagen(
            name="X", typ="sonstige", bereich=Bereich.objects.first(), by=scenario.users["koordination"]
        )
