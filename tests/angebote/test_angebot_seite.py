"""The offer's page and form: one primary action per situation, unmistakable step names, plain confirmations,
the sectioned form with "Speichern und zur Prüfung einreichen"."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from angebote import services
from angebote.models import Angebot, AngebotStatus, Statuswechsel
from tests.angebote.factories import AngebotFactory
from tests.angebote.helpers import form_daten

S = AngebotStatus


@pytest.fixture
def angebot(scenario, traeger_a1):
    return AngebotFactory(
        buendnis=scenario.a, titel="Deutschkurs A2", traeger=traeger_a1, kommunen=[scenario.a1]
    )


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def _primaer(html: str) -> list[str]:
    """The labels of the primary buttons inside <main>."""
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(
            r'<(?:button|a)[^>]*class="btn btn-primary[^"]*"[^>]*>(.*?)</(?:button|a)>', _main(html), re.S
        )
    ]


def _seite(scenario, rolle, angebot, status):
    Angebot.objects.filter(pk=angebot.pk).update(status=status)
    return scenario.client(rolle).get(angebot.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("rolle", "status", "primaer"),
    [
        ("koordination", S.ZUR_PRUEFUNG, ["Veröffentlichen"]),
        ("koordination", S.ENTWURF, ["Veröffentlichen"]),
        ("kommune", S.ENTWURF, ["Zur Prüfung einreichen"]),
        ("koordination", S.ARCHIVIERT, ["Reaktivieren (als Entwurf)"]),
        ("kommune", S.ZUR_PRUEFUNG, []),
        ("kommune", S.VEROEFFENTLICHT, []),
        ("auswertung", S.ZUR_PRUEFUNG, []),
    ],
)
def test_the_page_has_at_most_one_primary_action(scenario, angebot, rolle, status, primaer):
    Angebot.objects.filter(pk=angebot.pk).update(bestaetigt_am=timezone.localdate())
    assert _primaer(_seite(scenario, rolle, angebot, status)) == primaer


def test_stale_published_offer_makes_confirming_the_main_action(scenario, angebot):
    Angebot.objects.filter(pk=angebot.pk).update(bestaetigt_am="2020-01-01")
    assert _primaer(_seite(scenario, "kommune", angebot, S.VEROEFFENTLICHT)) == ["Aktualität bestätigen"]


def test_review_page_of_the_coordination_offers_send_back_with_comment_and_archive_as_danger(
    scenario, angebot
):
    html = _seite(scenario, "koordination", angebot, S.ZUR_PRUEFUNG)
    assert 'id="h-rueckgabe"' in html
    assert "An die Kommune zurückgeben (mit Kommentar)" in html
    assert re.search(r'class="btn btn-outline-danger btn-sm">.*Archivieren', html)
    assert "Weitere Aktionen" not in html
    assert "Mit Kommentar zurückgeben" not in html and "Zur Überarbeitung zurücknehmen" not in html


def test_kommune_withdraws_with_an_unmistakable_name_and_sees_no_send_back_box(scenario, angebot):
    html = _seite(scenario, "kommune", angebot, S.ZUR_PRUEFUNG)
    assert "Zurückziehen und weiter bearbeiten" in html
    assert "An die Kommune zurückgeben" not in html and 'id="h-rueckgabe"' not in html


def test_published_offer_keeps_sending_back_under_weitere_aktionen(scenario, angebot):
    html = _seite(scenario, "koordination", angebot, S.VEROEFFENTLICHT)
    assert 'id="h-rueckgabe"' not in html
    details = html[html.index("<details") : html.index("</details>")]
    assert "<summary>Weitere Aktionen</summary>" in details
    assert "An die Kommune zurückgeben (mit Kommentar)" in details
    assert "Zurückziehen und weiter bearbeiten" in details


@pytest.mark.parametrize(
    ("rolle", "von", "aktion", "meldung"),
    [
        ("kommune", S.ENTWURF, "einreichen", "„Deutschkurs A2“ ist zur Prüfung eingereicht."),
        (
            "koordination",
            S.ZUR_PRUEFUNG,
            "veroeffentlichen",
            "„Deutschkurs A2“ ist veröffentlicht und im öffentlichen Katalog zu finden.",
        ),
        (
            "koordination",
            S.ZUR_PRUEFUNG,
            "zurueckgeben",
            "„Deutschkurs A2“ ist mit Ihrem Kommentar an die Kommune",
        ),
        (
            "kommune",
            S.VEROEFFENTLICHT,
            "zuruecknehmen",
            "„Deutschkurs A2“ ist zurückgezogen und wieder ein Entwurf.",
        ),
        ("koordination", S.ENTWURF, "archivieren", "„Deutschkurs A2“ ist archiviert"),
    ],
)
def test_each_step_confirms_in_plain_german_naming_the_offer(scenario, angebot, rolle, von, aktion, meldung):
    Angebot.objects.filter(pk=angebot.pk).update(status=von)
    response = scenario.client(rolle).post(
        reverse("angebote:angebot-aktion", args=[angebot.pk, aktion]), {"kommentar": "Bitte Zeiten ergänzen."}
    )
    [text] = [str(m) for m in get_messages(response.wsgi_request)]
    assert text.startswith(meldung)


def test_bulk_preview_reason_matches_the_services_refusal(scenario, angebot):
    koordination = scenario.users["koordination"]
    Angebot.objects.filter(pk=angebot.pk).update(kontakt_telefon="", status=S.ZUR_PRUEFUNG)
    angebot.refresh_from_db()
    grund = services.hindernis(angebot=angebot, aktion="veroeffentlichen", by=koordination)
    with pytest.raises(ValidationError) as exc:
        services.angebot_publish(angebot=angebot, by=koordination)
    assert grund == " ".join(exc.value.messages)
    assert services.hindernis(angebot=angebot, aktion="einreichen", by=scenario.users["kommune_a2"]) == (
        "Dazu fehlt Ihnen bei diesem Angebot das Recht."
    )


# The form ---------------------------------------------------------------------------------------------------------


def test_form_is_split_into_sections_with_jump_links_and_a_sticky_action_bar(scenario, angebot):
    html = (
        scenario.client("kommune").get(reverse("angebote:angebot-update", args=[angebot.pk])).content.decode()
    )
    for anker in ("angebot", "teilnahme", "ort", "zeiten", "rahmen", "bildungskette", "zugang"):
        assert f'id="abschnitt-{anker}"' in html
        assert f'href="#abschnitt-{anker}"' in html
    leiste = html[html.index('class="formular-aktionen"') :]
    assert "Speichern und zur Prüfung einreichen" in leiste
    assert _primaer(html) == ["Speichern"]


@pytest.mark.parametrize(("rolle", "status"), [("koordination", S.ENTWURF), ("koordination", S.ZUR_PRUEFUNG)])
def test_save_and_submit_is_not_offered_to_the_reviewers(scenario, angebot, rolle, status):
    Angebot.objects.filter(pk=angebot.pk).update(status=status)
    html = scenario.client(rolle).get(reverse("angebote:angebot-update", args=[angebot.pk])).content.decode()
    assert "Speichern und zur Prüfung einreichen" not in html


def test_kommune_saves_and_submits_a_draft_in_one_step(scenario, angebot):
    url = reverse("angebote:angebot-update", args=[angebot.pk])
    response = scenario.client("kommune").post(
        url, {**form_daten(angebot, titel="Deutschkurs B1"), "einreichen": "1"}
    )
    assert response.status_code == 302
    angebot.refresh_from_db()
    assert (angebot.titel, angebot.status) == ("Deutschkurs B1", S.ZUR_PRUEFUNG)
    assert Statuswechsel.objects.get(angebot=angebot).aktion == "einreichen"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "„Deutschkurs B1“ ist gespeichert und zur Prüfung eingereicht."
    ]


def test_new_offer_is_saved_and_submitted_in_one_step(scenario, traeger_a1):
    html = scenario.client("kommune").get(reverse("angebote:angebot-create")).content.decode()
    assert "Speichern und zur Prüfung einreichen" in html
    daten = form_daten(traeger=traeger_a1.pk, kategorie=1, kommunen=[scenario.a1.pk], einreichen="1")
    response = scenario.client("kommune").post(reverse("angebote:angebot-create"), daten)
    assert response.status_code == 302
    assert Angebot.objects.get(titel="Neuer Deutschkurs").status == S.ZUR_PRUEFUNG


def test_refused_submit_saves_nothing(scenario, angebot, monkeypatch):
    def ablehnen(**kwargs):
        raise ValidationError("Einreichen ist gerade nicht möglich.")

    monkeypatch.setattr(services, "angebot_submit", ablehnen)
    url = reverse("angebote:angebot-update", args=[angebot.pk])
    response = scenario.client("kommune").post(
        url, {**form_daten(angebot, titel="Geändert"), "einreichen": "1"}
    )
    assert response.status_code == 200
    assert "Einreichen ist gerade nicht möglich." in response.content.decode()
    angebot.refresh_from_db()
    assert (angebot.titel, angebot.status, angebot.version) == ("Deutschkurs A2", S.ENTWURF, 1)


def test_plain_save_does_not_submit(scenario, angebot):
    url = reverse("angebote:angebot-update", args=[angebot.pk])
    scenario.client("kommune").post(url, form_daten(angebot, titel="Nur gespeichert"))
    angebot.refresh_from_db()
    assert (angebot.titel, angebot.status) == ("Nur gespeichert", S.ENTWURF)
