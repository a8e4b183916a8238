"""Bulk steps in the offer list: tick offers, see what will change (and what cannot, and why), confirm."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from angebote.models import Angebot, AngebotStatus, Statuswechsel
from tests.angebote.factories import AngebotFactory

S = AngebotStatus
URL = reverse("angebote:angebot-sammelaktion")


def _checkboxes(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="auswahl" value="(\d+)"', html)}


def _status(*angebote) -> list[str]:
    return [Angebot.objects.get(pk=a.pk).status for a in angebote]


@pytest.fixture
def pruefliste(scenario, traeger_a1):
    """Offers of Bündnis a waiting for review: two ready, one without a way to take part; one of Bündnis b."""
    return {
        "a": AngebotFactory(
            buendnis=scenario.a, titel="Kurs A", traeger=traeger_a1, kommunen=[scenario.a1], zur_pruefung=True
        ),
        "b": AngebotFactory(
            buendnis=scenario.a, titel="Kurs B", traeger=traeger_a1, kommunen=[scenario.a2], zur_pruefung=True
        ),
        "ohne_weg": AngebotFactory(
            buendnis=scenario.a,
            titel="Kurs ohne Weg",
            traeger=traeger_a1,
            kommunen=[scenario.a1],
            zur_pruefung=True,
            ohne_teilnahmeweg=True,
        ),
        "fremd": AngebotFactory(
            buendnis=scenario.b,
            titel="Kurs Bheim",
            traeger=scenario.akteur_b,
            kommunen=[scenario.b1],
            zur_pruefung=True,
        ),
    }


# The list ---------------------------------------------------------------------------------------------------------


def test_kommune_can_tick_only_its_own_drafts_and_submit_them(scenario, angebote):
    html = scenario.client("kommune").get(reverse("angebote:angebot-list")).content.decode()
    assert _checkboxes(html) == {
        angebote["a1_entwurf"].pk,
        angebote["kreisweit_eigener_traeger"].pk,
    }
    assert 'name="aktion" value="einreichen"' in html
    assert 'value="veroeffentlichen"' not in html
    assert "„Entwurf Aheim“ auswählen" in html  # each checkbox is named for screen readers


def test_coordination_can_tick_what_it_may_publish(scenario, angebote):
    html = scenario.client("koordination").get(reverse("angebote:angebot-list")).content.decode()
    entwuerfe_a = {
        a.pk for k, a in angebote.items() if a.buendnis_id == scenario.a.pk and a.status == S.ENTWURF
    }
    assert _checkboxes(html) == entwuerfe_a
    assert 'name="aktion" value="veroeffentlichen"' in html
    assert 'value="einreichen"' not in html


@pytest.mark.parametrize("rolle", ["auswertung", "land"])
def test_readers_get_no_bulk_actions(scenario, angebote, rolle):
    html = scenario.client(rolle).get(reverse("angebote:angebot-list")).content.decode()
    assert not _checkboxes(html)
    assert "angebot-sammelaktion" not in html and URL not in html


def test_the_list_has_one_primary_button_and_filtering_is_not_it(scenario, angebote):
    html = scenario.client("kommune").get(reverse("angebote:angebot-list")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("btn-primary") == 1
    assert re.search(r'<a class="btn btn-primary" href="{}"'.format(reverse("angebote:angebot-create")), main)


# The confirmation page --------------------------------------------------------------------------------------------


def test_confirmation_names_each_change_and_each_refusal_and_changes_nothing(scenario, pruefliste):
    response = scenario.client("koordination").post(
        URL, {"aktion": "veroeffentlichen", "auswahl": [a.pk for a in pruefliste.values()]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Diese 2 Angebote werden geändert" in html
    moeglich = html[html.index("h-moeglich") : html.index("h-nicht-moeglich")]
    assert "Kurs A" in moeglich and "Kurs B" in moeglich and "Kurs ohne Weg" not in moeglich
    assert moeglich.count("zur Prüfung") == 2 and moeglich.count("veröffentlicht") == 2
    nicht = html[html.index("h-nicht-moeglich") :]
    assert "Kurs ohne Weg" in nicht
    assert "Es fehlt eine Telefonnummer" in nicht  # the reason, from pruefe_teilnahmewege
    assert "Kurs Bheim" not in html  # another Bündnis: ignored, not even named
    assert "Veröffentlichen: 2 Angebote" in html
    assert _status(*pruefliste.values()) == [S.ZUR_PRUEFUNG] * 4
    assert not Statuswechsel.objects.exists()


def test_confirmed_bulk_publish_moves_the_possible_ones_and_names_the_rest(scenario, pruefliste):
    client = scenario.client("koordination")
    response = client.post(
        URL,
        {
            "aktion": "veroeffentlichen",
            "auswahl": [a.pk for a in pruefliste.values()],
            "bestaetigt": "1",
            "liste_query": "status=zur_pruefung",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("angebote:angebot-list") + "?status=zur_pruefung"
    assert _status(pruefliste["a"], pruefliste["b"], pruefliste["ohne_weg"], pruefliste["fremd"]) == [
        S.VEROEFFENTLICHT,
        S.VEROEFFENTLICHT,
        S.ZUR_PRUEFUNG,
        S.ZUR_PRUEFUNG,
    ]
    assert set(Statuswechsel.objects.values_list("angebot__titel", "aktion", "durch__username")) == {
        ("Kurs A", "veroeffentlichen", "koord"),
        ("Kurs B", "veroeffentlichen", "koord"),
    }
    [meldung] = [str(m) for m in get_messages(response.wsgi_request)]
    assert meldung.startswith(
        "2 Angebote veröffentlicht; 1 nicht: „Kurs ohne Weg“ (Das Angebot kann noch nicht"
    )


def test_kommune_submits_its_drafts_in_bulk_foreign_ids_are_ignored(scenario, angebote):
    eigene = [angebote["a1_entwurf"], angebote["kreisweit_eigener_traeger"]]
    fremde = [angebote["a2_entwurf"], angebote["b_entwurf"], angebote["beide_entwurf"]]
    response = scenario.client("kommune").post(
        URL, {"aktion": "einreichen", "auswahl": [a.pk for a in eigene + fremde], "bestaetigt": "1"}
    )
    assert response.status_code == 302
    assert _status(*eigene) == [S.ZUR_PRUEFUNG] * 2
    assert _status(*fremde) == [S.ENTWURF] * 3
    meldung = str(next(iter(get_messages(response.wsgi_request))))
    # The other Kommune's draft it cannot see is not named; the shared one it sees but may not submit is.
    assert "„Entwurf Adorf“" not in meldung and "Entwurf Bheim" not in meldung
    assert meldung.startswith("2 Angebote zur Prüfung eingereicht; 1 nicht: „Entwurf beide“ (")


def test_a_single_offer_is_named_in_the_singular(scenario, angebote):
    response = scenario.client("kommune").post(
        URL, {"aktion": "einreichen", "auswahl": [angebote["a1_entwurf"].pk], "bestaetigt": "1"}
    )
    assert str(next(iter(get_messages(response.wsgi_request)))) == "1 Angebot zur Prüfung eingereicht."


def test_nothing_ticked_or_only_foreign_ids_comes_back_with_a_message(scenario, angebote):
    for auswahl in ([], [angebote["b_entwurf"].pk], ["x"]):
        response = scenario.client("kommune").post(
            URL, {"aktion": "einreichen", "auswahl": auswahl, "bestaetigt": "1"}, follow=True
        )
        assert "Bitte wählen Sie in der Liste mindestens ein Angebot aus." in response.content.decode()
    assert not Statuswechsel.objects.exists()


def test_when_no_ticked_offer_can_move_nothing_is_offered_for_confirmation(scenario, angebote):
    response = scenario.client("koordination").post(
        URL, {"aktion": "veroeffentlichen", "auswahl": [angebote["a1_veroeffentlicht"].pk]}
    )
    html = response.content.decode()
    assert "Keines der ausgewählten Angebote kann diesen Schritt gehen" in html
    assert 'name="bestaetigt"' not in html


@pytest.mark.parametrize(
    ("rolle", "aktion", "erwartet"),
    [
        ("anonym", "einreichen", 302),
        ("auswertung", "einreichen", 403),
        ("land", "veroeffentlichen", 403),
        ("kommune", "veroeffentlichen", 403),
        ("koordination", "archivieren", 404),
        ("koordination", "gibt-es-nicht", 404),
    ],
)
def test_bulk_step_refusals_leave_the_offers_as_they_are(scenario, angebote, rolle, aktion, erwartet):
    pks = [a.pk for a in angebote.values()]
    response = scenario.client(rolle).post(URL, {"aktion": aktion, "auswahl": pks, "bestaetigt": "1"})
    assert response.status_code == erwartet
    if erwartet == 302:
        assert "/login" in response.url or "anmelden" in response.url
    assert not Statuswechsel.objects.exists()


def test_bulk_step_is_post_only(scenario):
    assert scenario.client("koordination").get(URL).status_code == 405
