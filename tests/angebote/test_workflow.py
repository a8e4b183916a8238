"""The review workflow: every transition, who may take it, refusals with a message, and the record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from angebote import services
from angebote.models import Angebot, AngebotStatus, Statuswechsel
from tests.angebote.factories import AngebotFactory, status
from tests.angebote.helpers import form_daten

S = AngebotStatus


@pytest.fixture
def angebot(scenario, traeger_a1):
    return AngebotFactory(buendnis=scenario.a, titel="Kurs", traeger=traeger_a1, kommunen=[scenario.a1])


def _post(scenario, rolle, angebot, aktion, kommentar=""):
    return scenario.client(rolle).post(
        reverse("angebote:angebot-aktion", args=[angebot.pk, aktion]), {"kommentar": kommentar}, follow=True
    )


@pytest.mark.parametrize(
    ("rolle", "von", "aktion", "nach"),
    [
        ("kommune", S.ENTWURF, "einreichen", S.ZUR_PRUEFUNG),
        ("koordination", S.ENTWURF, "einreichen", S.ZUR_PRUEFUNG),
        ("koordination", S.ZUR_PRUEFUNG, "veroeffentlichen", S.VEROEFFENTLICHT),
        ("koordination", S.ENTWURF, "veroeffentlichen", S.VEROEFFENTLICHT),
        ("koordination", S.ZUR_PRUEFUNG, "zurueckgeben", S.ENTWURF),
        ("koordination", S.VEROEFFENTLICHT, "zurueckgeben", S.ENTWURF),
        ("kommune", S.ZUR_PRUEFUNG, "zuruecknehmen", S.ENTWURF),
        ("kommune", S.VEROEFFENTLICHT, "zuruecknehmen", S.ENTWURF),
        ("koordination", S.ENTWURF, "archivieren", S.ARCHIVIERT),
        ("koordination", S.ZUR_PRUEFUNG, "archivieren", S.ARCHIVIERT),
        ("koordination", S.VEROEFFENTLICHT, "archivieren", S.ARCHIVIERT),
        ("koordination", S.ARCHIVIERT, "reaktivieren", S.ENTWURF),
    ],
)
def test_every_transition_is_taken_and_recorded(scenario, angebot, rolle, von, aktion, nach):
    Angebot.objects.filter(pk=angebot.pk).update(status=von)
    response = _post(scenario, rolle, angebot, aktion, kommentar="Bitte Zeiten ergänzen.")
    assert response.status_code == 200
    angebot.refresh_from_db()
    assert angebot.status == nach
    wechsel = Statuswechsel.objects.get(angebot=angebot)
    assert (wechsel.von, wechsel.nach, wechsel.aktion, wechsel.durch) == (
        von,
        nach,
        aktion,
        scenario.users[rolle],
    )
    # The confirmation names the offer in plain German.
    assert "„Kurs“ ist " in response.content.decode()


@pytest.mark.parametrize(
    ("von", "aktion"),
    [
        (S.VEROEFFENTLICHT, "einreichen"),
        (S.ZUR_PRUEFUNG, "einreichen"),
        (S.VEROEFFENTLICHT, "veroeffentlichen"),
        (S.ARCHIVIERT, "veroeffentlichen"),
        (S.ENTWURF, "zurueckgeben"),
        (S.ENTWURF, "zuruecknehmen"),
        (S.ARCHIVIERT, "archivieren"),
        (S.ENTWURF, "reaktivieren"),
    ],
)
def test_invalid_transition_is_refused_with_message(scenario, angebot, von, aktion):
    Angebot.objects.filter(pk=angebot.pk).update(status=von)
    response = _post(scenario, "koordination", angebot, aktion, kommentar="x")
    assert "nicht möglich" in response.content.decode()
    angebot.refresh_from_db()
    assert angebot.status == von
    assert not Statuswechsel.objects.exists()


@pytest.mark.parametrize(
    ("rolle", "aktion", "von"),
    [
        ("kommune", "veroeffentlichen", S.ZUR_PRUEFUNG),
        ("kommune", "zurueckgeben", S.ZUR_PRUEFUNG),
        ("kommune", "archivieren", S.ENTWURF),
        ("kommune", "reaktivieren", S.ARCHIVIERT),
        ("kommune_a2", "einreichen", S.ENTWURF),
        ("mitglied", "einreichen", S.ENTWURF),
        ("auswertung", "veroeffentlichen", S.ZUR_PRUEFUNG),
        ("land", "veroeffentlichen", S.ZUR_PRUEFUNG),
    ],
)
def test_role_without_the_right_gets_403_or_404(scenario, angebot, rolle, aktion, von):
    Angebot.objects.filter(pk=angebot.pk).update(status=von)
    response = scenario.client(rolle).post(reverse("angebote:angebot-aktion", args=[angebot.pk, aktion]))
    assert response.status_code in (403, 404)
    angebot.refresh_from_db()
    assert angebot.status == von


def test_sending_back_needs_a_comment(scenario, angebot):
    Angebot.objects.filter(pk=angebot.pk).update(status=S.ZUR_PRUEFUNG)
    response = _post(scenario, "koordination", angebot, "zurueckgeben", kommentar="  ")
    assert "Bitte begründen Sie die Rückgabe" in response.content.decode()
    angebot.refresh_from_db()
    assert angebot.status == S.ZUR_PRUEFUNG


def test_sent_back_comment_is_shown_to_the_kommune(scenario, angebot):
    Angebot.objects.filter(pk=angebot.pk).update(status=S.ZUR_PRUEFUNG)
    _post(scenario, "koordination", angebot, "zurueckgeben", kommentar="Zugang für Geduldete fehlt.")
    response = scenario.client("kommune").get(angebot.get_absolute_url())
    assert "Zugang für Geduldete fehlt." in response.content.decode()


def test_publishing_confirms_currency(scenario, angebot):
    Angebot.objects.filter(pk=angebot.pk).update(status=S.ZUR_PRUEFUNG, bestaetigt_am=None)
    services.angebot_publish(angebot=angebot, by=scenario.users["koordination"])
    angebot.refresh_from_db()
    assert angebot.bestaetigt_am == timezone.localdate()


def test_offer_judged_unsuitable_cannot_be_published(scenario, angebot):
    koordination = scenario.users["koordination"]
    services.angebot_record_check(
        angebot=angebot, ergebnis="nicht_geeignet", notiz="Kein Konzept.", by=koordination
    )
    with pytest.raises(ValidationError, match="nicht geeignet"):
        services.angebot_publish(angebot=angebot, by=koordination)
    angebot.refresh_from_db()
    assert angebot.status == S.ENTWURF


def test_quality_check_is_recorded_by_coordination_only(scenario, angebot):
    url = reverse("angebote:angebot-pruefung", args=[angebot.pk])
    daten = {"datum": "2026-01-15", "ergebnis": "nachbesserung", "notiz": "Zeiten unklar"}
    assert scenario.client("kommune").post(url, daten).status_code == 403
    assert scenario.client("koordination").post(url, daten).status_code == 302
    angebot.refresh_from_db()
    assert angebot.pruefung_ergebnis == "nachbesserung"
    assert angebot.pruefung_am == datetime.date(2026, 1, 15)
    assert angebot.pruefung_durch == scenario.users["koordination"]


def test_quality_check_other_than_suitable_needs_a_note(scenario, angebot):
    with pytest.raises(ValidationError):
        services.angebot_record_check(
            angebot=angebot, ergebnis="nachbesserung", by=scenario.users["koordination"]
        )


def test_kommune_confirms_currency_of_own_published_offer(scenario, angebot):
    alt = timezone.localdate() - datetime.timedelta(days=400)
    Angebot.objects.filter(pk=angebot.pk).update(status=S.VEROEFFENTLICHT, bestaetigt_am=alt)
    angebot.refresh_from_db()
    assert angebot.ist_veraltet
    response = scenario.client("kommune").post(reverse("angebote:angebot-bestaetigen", args=[angebot.pk]))
    assert response.status_code == 302
    angebot.refresh_from_db()
    assert not angebot.ist_veraltet
    assert (
        scenario.client("kommune_a2")
        .post(reverse("angebote:angebot-bestaetigen", args=[angebot.pk]))
        .status_code
        == 403
    )


def test_service_checks_permission_itself(scenario, angebot):
    with pytest.raises(PermissionDenied):
        services.angebot_submit(angebot=angebot, by=scenario.users["kommune_a2"])


# Optimistic locking --------------------------------------------------------------------------------------------


def test_stale_edit_is_refused_with_the_changes_listed(scenario, angebot):
    url = reverse("angebote:angebot-update", args=[angebot.pk])
    veraltet = form_daten(angebot, titel="Meine Fassung")  # version 1, as loaded by the first user
    zweite = form_daten(angebot, titel="Fassung der Koordination", alter_bis=25)
    assert scenario.client("koordination").post(url, zweite).status_code == 302
    response = scenario.client("kommune").post(url, veraltet)
    assert response.status_code == 200
    text = response.content.decode()
    assert "wurde inzwischen" in text
    assert "Titel" in text and "Alter bis" in text
    assert "Meine Fassung" in text  # the user's input is kept in the form
    angebot.refresh_from_db()
    assert (angebot.titel, angebot.alter_bis, angebot.version) == ("Fassung der Koordination", 25, 2)


def test_stale_edit_lists_changed_access_and_kommunen(scenario, angebot):
    koordination = scenario.users["koordination"]
    veraltet = form_daten(angebot, titel="Meine Fassung")
    angebot_neu = Angebot.objects.get(pk=angebot.pk)
    services.angebot_update(
        angebot=angebot_neu,
        kommunen=[scenario.a1, scenario.a2],
        zugaenge=[services.ZugangDaten(status=status("duldung"), art="offen")],
        version=1,
        by=koordination,
    )
    response = scenario.client("koordination").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), veraltet
    )
    text = response.content.decode()
    assert "Kommunen" in text
    assert "Zugang für: Duldung" in text


def test_transition_in_between_also_makes_an_edit_stale(scenario, angebot):
    veraltet = form_daten(angebot, titel="Meine Fassung")
    services.angebot_submit(angebot=angebot, by=scenario.users["kommune"])
    response = scenario.client("koordination").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), veraltet
    )
    assert "Status" in response.content.decode()
    angebot.refresh_from_db()
    assert angebot.titel == "Kurs"


def test_edit_without_version_is_refused(scenario, angebot):
    daten = form_daten(angebot, titel="Ohne Version")
    daten.pop("version")
    response = scenario.client("koordination").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), daten
    )
    assert response.status_code == 200
    angebot.refresh_from_db()
    assert angebot.titel == "Kurs"


def test_status_change_without_a_person_shows_system_on_the_detail_page(scenario, angebot):
    """Changes made by the system (demo data, imports by a deleted user) have no person; the page still opens."""
    Statuswechsel.objects.create(
        angebot=angebot,
        aktion="veroeffentlichen",
        von=AngebotStatus.ZUR_PRUEFUNG,
        nach=AngebotStatus.VEROEFFENTLICHT,
    )
    antwort = scenario.client("koordination").get(angebot.get_absolute_url())
    assert antwort.status_code == 200
    assert "(System)" in antwort.content.decode()
