"""Who sees and who changes which offer: own Kommune only, drafts hidden, cross-Bündnis refused, land reads."""

import pytest
from django.urls import reverse

from angebote.models import Angebot
from tests.angebote.factories import kategorie
from tests.angebote.helpers import form_daten

SICHTBAR = {
    "koordination": {
        "a1_entwurf",
        "a1_veroeffentlicht",
        "a2_entwurf",
        "a2_veroeffentlicht",
        "beide_entwurf",
        "kreisweit_eigener_traeger",
        "kreisweit_fremder_traeger",
    },
    "kommune": {
        "a1_entwurf",
        "a1_veroeffentlicht",
        "a2_veroeffentlicht",
        "beide_entwurf",
        "kreisweit_eigener_traeger",
    },
    "kommune_a2": {"a2_entwurf", "a1_veroeffentlicht", "a2_veroeffentlicht", "beide_entwurf"},
    # Träger staff (the scenario's member works for Caritas A): published offers and their own Träger's drafts.
    "mitglied": {"a1_veroeffentlicht", "a2_veroeffentlicht", "a2_entwurf", "kreisweit_fremder_traeger"},
    "koordination_b": {"b_veroeffentlicht", "b_entwurf"},
    "kommune_b1": {"b_veroeffentlicht", "b_entwurf"},
}
SICHTBAR["auswertung"] = SICHTBAR["koordination"]


def _titel(angebote, keys):
    return {angebote[k].titel for k in keys}


@pytest.mark.parametrize("rolle", sorted(SICHTBAR) + ["land", "admin"])
def test_catalogue_lists_exactly_the_offers_the_role_may_see(scenario, angebote, rolle):
    response = scenario.client(rolle).get(reverse("angebote:angebot-list"))
    assert response.status_code == 200
    erwartet = set(angebote) if rolle in ("land", "admin") else SICHTBAR[rolle]
    assert {a.titel for a in response.context["object_list"]} == _titel(angebote, erwartet)


def test_anonymous_is_sent_to_login_everywhere(scenario, angebote):
    client = scenario.client("anonym")
    pk = angebote["a1_veroeffentlicht"].pk
    for url in [
        reverse("angebote:angebot-list"),
        reverse("angebote:angebot-detail", args=[pk]),
        reverse("angebote:angebot-create"),
        reverse("angebote:angebot-update", args=[pk]),
        reverse("angebote:zugangsmatrix"),
        reverse("angebote:sackgassen"),
        reverse("angebote:angebot-export"),
        reverse("angebote:angebot-import"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/anmelden/" in response["Location"]


@pytest.mark.parametrize(
    ("rolle", "schluessel", "erwartet"),
    [
        ("koordination_b", "a1_veroeffentlicht", 404),
        ("kommune_b1", "a1_veroeffentlicht", 404),
        ("kommune", "a2_entwurf", 404),
        ("kommune", "kreisweit_fremder_traeger", 404),
        ("mitglied", "a1_entwurf", 404),
        ("kommune", "a2_veroeffentlicht", 200),
        ("mitglied", "a1_veroeffentlicht", 200),
        ("land", "b_entwurf", 200),
        ("auswertung", "a2_entwurf", 200),
    ],
)
def test_detail_is_404_out_of_scope(scenario, angebote, rolle, schluessel, erwartet):
    url = reverse("angebote:angebot-detail", args=[angebote[schluessel].pk])
    assert scenario.client(rolle).get(url).status_code == erwartet


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [("koordination", 200), ("kommune", 200), ("mitglied", 200), ("auswertung", 403), ("land", 403)],
)
def test_create_form_role_matrix(scenario, rolle, erwartet):
    assert scenario.client(rolle).get(reverse("angebote:angebot-create")).status_code == erwartet


@pytest.mark.parametrize(
    ("rolle", "schluessel", "erwartet"),
    [
        ("kommune", "a1_entwurf", 200),
        ("kommune", "kreisweit_eigener_traeger", 200),
        ("kommune", "a1_veroeffentlicht", 403),  # published: only the coordination edits
        ("kommune", "beide_entwurf", 403),  # shared with another Kommune
        ("kommune", "a2_veroeffentlicht", 403),
        ("kommune", "a2_entwurf", 404),
        ("kommune_a2", "a1_veroeffentlicht", 403),
        ("koordination", "a2_veroeffentlicht", 200),
        ("mitglied", "a1_veroeffentlicht", 403),
        ("auswertung", "a1_entwurf", 403),
        ("land", "a1_entwurf", 403),
        ("koordination_b", "a1_entwurf", 404),
    ],
)
def test_edit_form_role_matrix(scenario, angebote, rolle, schluessel, erwartet):
    url = reverse("angebote:angebot-update", args=[angebote[schluessel].pk])
    assert scenario.client(rolle).get(url).status_code == erwartet


def test_kommune_edits_own_draft(scenario, angebote):
    angebot = angebote["a1_entwurf"]
    response = scenario.client("kommune").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, titel="Neuer Titel")
    )
    assert response.status_code == 302
    angebot.refresh_from_db()
    assert angebot.titel == "Neuer Titel"
    assert angebot.version == 2


@pytest.mark.parametrize("schluessel", ["a2_veroeffentlicht", "beide_entwurf", "a1_veroeffentlicht"])
def test_kommune_cannot_edit_angebot_of_other_kommune_or_published(scenario, angebote, schluessel):
    angebot = angebote[schluessel]
    response = scenario.client("kommune").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, titel="Gekapert")
    )
    assert response.status_code == 403
    angebot.refresh_from_db()
    assert angebot.titel != "Gekapert"


def test_kommune_cannot_move_own_offer_to_other_kommune(scenario, angebote):
    angebot = angebote["a1_entwurf"]
    response = scenario.client("kommune").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, kommunen=[scenario.a2.pk])
    )
    assert response.status_code == 200  # form shown again with the error
    assert response.context["form"].errors["kommunen"]
    assert set(angebot.kommunen.values_list("pk", flat=True)) == {scenario.a1.pk}


def test_kommune_cannot_create_kreisweit_offer_of_foreign_traeger(scenario):
    vorher = Angebot.objects.count()
    response = scenario.client("kommune").post(
        reverse("angebote:angebot-create"),
        form_daten(kategorie=kategorie("deutsch").pk, traeger=scenario.akteur_a.pk, kreisweit="on"),
    )
    assert response.status_code == 200
    assert "nur für Träger aus der eigenen Kommune" in response.content.decode()
    assert Angebot.objects.count() == vorher


def test_kommune_creates_draft_for_own_kommune(scenario, traeger_a1):
    response = scenario.client("kommune").post(
        reverse("angebote:angebot-create"),
        form_daten(
            kategorie=kategorie("deutsch").pk,
            traeger=traeger_a1.pk,
            kommunen=[scenario.a1.pk],
            **{"zugang-duldung-art": "eingeschraenkt", "zugang-duldung-bedingung": "nach 6 Monaten"},
        ),
    )
    assert response.status_code == 302
    angebot = Angebot.objects.get(titel="Neuer Deutschkurs")
    assert angebot.status == "entwurf"
    assert angebot.buendnis == scenario.a
    assert angebot.kennung.startswith("A-")
    assert angebot.zugaenge.get().bedingung == "nach 6 Monaten"


def test_restricted_access_needs_a_condition(scenario, traeger_a1):
    response = scenario.client("kommune").post(
        reverse("angebote:angebot-create"),
        form_daten(
            kategorie=kategorie("deutsch").pk,
            traeger=traeger_a1.pk,
            kommunen=[scenario.a1.pk],
            **{"zugang-duldung-art": "eingeschraenkt"},
        ),
    )
    assert response.status_code == 200
    assert "Bitte nennen Sie die Bedingung" in response.content.decode()
    assert not Angebot.objects.filter(titel="Neuer Deutschkurs").exists()


def test_cross_buendnis_post_is_404_and_changes_nothing(scenario, angebote):
    angebot = angebote["a1_entwurf"]
    client = scenario.client("koordination_b")
    response = client.post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, titel="X")
    )
    assert response.status_code == 404
    response = client.post(reverse("angebote:angebot-aktion", args=[angebot.pk, "archivieren"]))
    assert response.status_code == 404
    angebot.refresh_from_db()
    assert (angebot.titel, angebot.status) == ("Entwurf Aheim", "entwurf")


def test_cross_buendnis_choices_are_refused(scenario, angebote):
    """A Träger of another Bündnis cannot be smuggled into a form."""
    angebot = angebote["a1_entwurf"]
    response = scenario.client("koordination").post(
        reverse("angebote:angebot-update", args=[angebot.pk]),
        form_daten(angebot, traeger=scenario.akteur_b.pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["traeger"]
    angebot.refresh_from_db()
    assert angebot.traeger.buendnis == scenario.a


def test_land_reads_all_and_writes_nothing(scenario, angebote):
    client = scenario.client("land")
    angebot = angebote["a1_entwurf"]
    assert client.get(reverse("angebote:angebot-detail", args=[angebote["b_entwurf"].pk])).status_code == 200
    assert (
        client.post(reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot)).status_code
        == 403
    )
    assert client.post(reverse("angebote:angebot-aktion", args=[angebot.pk, "einreichen"])).status_code == 403
    assert client.post(reverse("angebote:angebot-create"), form_daten()).status_code == 403
    angebot.refresh_from_db()
    assert angebot.status == "entwurf"


def test_editable_by_matches_the_change_permission(scenario, angebote):
    for rolle in ["koordination", "kommune", "kommune_a2", "mitglied", "koordination_b"]:
        user = scenario.users[rolle]
        editierbar = set(Angebot.objects.editable_by(user))
        for angebot in Angebot.objects.visible_to(user):
            if angebot.status == "entwurf" or rolle.startswith("koordination"):
                assert (angebot in editierbar) == user.has_perm("angebote.change_angebot", angebot), (
                    rolle,
                    angebot,
                )
