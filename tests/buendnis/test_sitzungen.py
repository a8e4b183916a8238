"""Meetings end to end: invitation with calendar file, update and cancellation; attendance and quorum; agenda
order by buttons; minutes per agenda item; decisions with any number of tasks, editable until the minutes are
approved in the next meeting; open tasks that carry over to the next planned meeting by themselves."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from berichte import selectors as berichte_selectors
from buendnis import forms, selectors, services
from buendnis.models import (
    Ansprechperson,
    Aufgabe,
    AufgabeStatus,
    Beschluss,
    EinladungArt,
    Funktion,
    Gremium,
    Mitgliedschaft,
    Sitzung,
    Sitzungseinladung,
    SitzungStatus,
    Tagesordnungspunkt,
    Teilnahme,
    TeilnahmeStatus,
    User,
)
from tests.buendnis.test_schreibrechte import snapshot
from tests.factories import AkteurFactory, AufgabeFactory, GremiumFactory, SitzungFactory, UserFactory


def _minute(dt: datetime.datetime) -> datetime.datetime:
    return dt.replace(second=0, microsecond=0)


def vor_einer_stunde() -> datetime.datetime:
    """A moment today (Europe/Berlin) that has passed: an hour ago, but never before today's midnight, so that the
    meetings "begun an hour ago" are today's also between midnight and one o'clock."""
    mitternacht = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return max(timezone.now() - datetime.timedelta(hours=1), mitternacht)


def in_tagen(tage: float, stunde: int | None = None) -> datetime.datetime:
    zeit = timezone.localtime() + datetime.timedelta(days=tage)
    if stunde is not None:
        zeit = zeit.replace(hour=stunde, minute=0)
    return _minute(zeit)


def faellig(tage: int = 30) -> str:
    return (timezone.localdate() + datetime.timedelta(days=tage)).isoformat()


def neue_meldungen(response) -> list:
    """The messages this request added (earlier, unread ones stay in the session and are left out)."""
    return list(response.wsgi_request._messages._queued_messages)


def meldungen(response) -> list[str]:
    return [str(m) for m in neue_meldungen(response)]


@dataclass
class Welt:
    gremium: Gremium
    kommende: Sitzung  # planned, in 7 days, with two agenda items
    vergangene: Sitzung  # planned, began an hour ago (attendance can be recorded)
    spaetere: Sitzung  # planned, in 40 days
    tops: list
    mitglieder: list
    gast: Teilnahme
    beschluss: Beschluss
    aufgabe: Aufgabe
    frueher: Sitzung  # held 14 days ago, minutes not approved yet
    heute: Sitzung  # held today: approves earlier minutes


def baue_welt(scenario, key: str) -> Welt:
    buendnis = scenario.a if key == "a" else scenario.b
    akteur = scenario.akteur_a if key == "a" else scenario.akteur_b
    akteur.email = f"caritas-{key}@example.org"
    akteur.save()
    person = Ansprechperson.objects.create(
        akteur=akteur, name=f"Paula {key}", email=f"Paula.{key}@Example.org"
    )
    jobcenter = AkteurFactory(
        buendnis=buendnis, name=f"Jobcenter {key}", kommune=None, email=f"jc-{key}@example.org"
    )
    ohne_mail = AkteurFactory(buendnis=buendnis, name=f"Schule {key}", kommune=None)
    leitung = Ansprechperson.objects.create(
        akteur=akteur, name=f"Leo Leitung {key}", email=f"leitung-{key}@example.org"
    )
    gremium = GremiumFactory(
        buendnis=buendnis, name=f"Forum Sprache {key}", leitung=akteur, leitung_person=leitung
    )
    mitglieder = [
        Mitgliedschaft.objects.create(gremium=gremium, akteur=akteur, person=person),
        Mitgliedschaft.objects.create(gremium=gremium, akteur=jobcenter),
        Mitgliedschaft.objects.create(gremium=gremium, akteur=ohne_mail, funktion=Funktion.GAST),
    ]
    kommende = SitzungFactory(
        gremium=gremium, titel=f"Kommende {key}", beginn=in_tagen(7, 14), ort="Kreishaus"
    )
    tops = [
        Tagesordnungspunkt.objects.create(sitzung=kommende, position=1, titel=f"Begrüßung {key}"),
        Tagesordnungspunkt.objects.create(
            sitzung=kommende, position=2, titel=f"Sprachkurse {key}", beschreibung="Stand der Kurse"
        ),
    ]
    vergangene = SitzungFactory(gremium=gremium, titel=f"Laufende {key}", beginn=_minute(vor_einer_stunde()))
    Tagesordnungspunkt.objects.create(sitzung=vergangene, position=1, titel=f"Bericht {key}")
    gast = Teilnahme.objects.create(sitzung=vergangene, name=f"Gast {key}", status=TeilnahmeStatus.GAST)
    spaetere = SitzungFactory(gremium=gremium, titel=f"Spätere {key}", beginn=in_tagen(40, 14))
    beschluss = Beschluss.objects.create(
        buendnis=buendnis,
        gremium=gremium,
        sitzung=kommende,
        tagesordnungspunkt=tops[1],
        text=f"Beschluss {key}",
    )
    aufgabe = AufgabeFactory(
        buendnis=buendnis,
        gremium=gremium,
        sitzung=kommende,
        beschluss=beschluss,
        akteur=akteur,
        titel=f"Kurs {key}",
    )
    frueher = SitzungFactory(
        gremium=gremium, titel=f"Frühere {key}", beginn=in_tagen(-14, 10), status=SitzungStatus.DURCHGEFUEHRT
    )
    heute = SitzungFactory(
        gremium=gremium,
        titel=f"Heutige {key}",
        beginn=_minute(vor_einer_stunde()),
        status=SitzungStatus.DURCHGEFUEHRT,
    )
    return Welt(
        gremium, kommende, vergangene, spaetere, tops, mitglieder, gast, beschluss, aufgabe, frueher, heute
    )


@pytest.fixture
def sitzungen(scenario) -> dict[str, Welt]:
    for role, mail in (("koordination", "koord@example.org"), ("mitglied", "mitglied@example.org")):
        User.objects.filter(pk=scenario.users[role].pk).update(email=mail)
        scenario.users[role].refresh_from_db()
    return {"a": baue_welt(scenario, "a"), "b": baue_welt(scenario, "b")}


def betreff(nachricht) -> str:
    # A long non-ASCII subject is folded right after "Subject:"; the parsed value keeps that fold's space.
    return str(nachricht["Subject"]).strip()


def kalender_von(smtp_server, nachricht) -> icalendar.Calendar:
    teile = smtp_server.kalender(nachricht)
    assert teile, "the e-mail carries no calendar"
    return icalendar.Calendar.from_ical(teile[0])


def event_von(cal: icalendar.Calendar):
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


ERWARTETE_EMPFAENGER = {
    "paula.a@example.org",  # the member's named person (lower-cased)
    "jc-a@example.org",  # a member organisation without a named person
    "mitglied@example.org",  # the account of a member organisation
    "leitung-a@example.org",  # the person who leads the Gremium
}


# Invitations ------------------------------------------------------------------------------------------------------


def test_invitation_goes_to_each_member_alone_with_agenda_and_a_valid_calendar_event(
    scenario, sitzungen, smtp_server
):
    w = sitzungen["a"]
    response = scenario.client("koordination").post(
        reverse("buendnis:sitzung-einladen", args=[w.kommende.pk]),
        {"nachricht": "Bitte Unterlagen mitbringen."},
    )
    assert response.status_code == 302
    assert meldungen(response) == ["Einladung an 4 Adressen versendet."]
    empfangen = {adresse for n in smtp_server.nachrichten for adresse in n.empfaenger}
    assert empfangen == ERWARTETE_EMPFAENGER
    assert len(smtp_server.nachrichten) == 4
    for nachricht in smtp_server.nachrichten:
        assert len(nachricht.empfaenger) == 1  # nobody sees the other recipients
        assert nachricht["To"] == nachricht.empfaenger[0]
        assert (
            betreff(nachricht) == f"Einladung: Kommende a am {timezone.localtime(w.kommende.beginn):%d.%m.%Y}"
        )
        text = smtp_server.text(nachricht)
        assert "Bitte Unterlagen mitbringen." in text
        assert f"{timezone.localtime(w.kommende.beginn):%d.%m.%Y}, 14:00–16:00 Uhr" in text
        assert "Ort: Kreishaus" in text
        assert "1. Begrüßung a" in text and "2. Sprachkurse a" in text and "Stand der Kurse" in text
        assert f"http://127.0.0.1:8000/sitzungen/{w.kommende.pk}/" in text
        cal = kalender_von(smtp_server, nachricht)
        assert cal["METHOD"] == "REQUEST"
        event = event_von(cal)
        assert str(event["UID"]) == w.kommende.ics_uid
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == w.kommende.beginn
        assert event.decoded("DTEND") == w.kommende.beginn + datetime.timedelta(hours=2)
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["LOCATION"]) == "Kreishaus"
        assert "Sprachkurse a" in str(event["DESCRIPTION"])
        assert str(event["ORGANIZER"]) == "mailto:koord@example.org"
    einladung = Sitzungseinladung.objects.get(sitzung=w.kommende)
    assert (einladung.art, einladung.sequenz, einladung.anzahl) == (EinladungArt.EINLADUNG, 0, 4)
    assert set(einladung.empfaenger.split("\n")) == ERWARTETE_EMPFAENGER
    w.kommende.refresh_from_db()
    assert w.kommende.eingeladen_am is not None and w.kommende.ics_sequenz == 0


def test_update_raises_the_sequence_and_cancellation_cancels_the_event(scenario, sitzungen, smtp_server):
    w = sitzungen["a"]
    client = scenario.client("koordination")
    client.post(reverse("buendnis:sitzung-einladen", args=[w.kommende.pk]), {})
    neu = in_tagen(8, 9)
    response = client.post(
        reverse("buendnis:sitzung-update", args=[w.kommende.pk]),
        {
            "gremium": w.gremium.pk,
            "titel": "Kommende a",
            "beginn": f"{neu:%Y-%m-%dT%H:%M}",
            "ende": f"{neu + datetime.timedelta(hours=3):%Y-%m-%dT%H:%M}",
            "ort": "Rathaus, Saal 2",
            "status": "geplant",
        },
    )
    assert response.status_code == 302
    seite = client.get(w.kommende.get_absolute_url()).content.decode()
    assert "seit der letzten Einladung geändert" in seite
    assert "Aktualisierung senden" in seite
    smtp_server.nachrichten.clear()
    response = client.post(reverse("buendnis:sitzung-einladen", args=[w.kommende.pk]), {})
    assert meldungen(response) == ["Aktualisierung an 4 Adressen versendet."]
    nachricht = smtp_server.an("jc-a@example.org")[0]
    assert betreff(nachricht).startswith("Geänderte Einladung: Kommende a")
    assert "Rathaus, Saal 2" in smtp_server.text(nachricht)
    event = event_von(kalender_von(smtp_server, nachricht))
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == w.kommende.ics_uid
    assert event.decoded("DTSTART") == neu
    assert event.decoded("DTEND") == neu + datetime.timedelta(hours=3)
    assert (
        "seit der letzten Einladung geändert"
        not in client.get(w.kommende.get_absolute_url()).content.decode()
    )

    smtp_server.nachrichten.clear()
    seite = client.get(reverse("buendnis:sitzung-absagen", args=[w.kommende.pk]))
    assert "Alle Eingeladenen erhalten eine Absage" in seite.content.decode()
    ohne_haken = client.post(reverse("buendnis:sitzung-absagen", args=[w.kommende.pk]), {"nachricht": "x"})
    assert ohne_haken.status_code == 200
    assert "Bitte bestätigen Sie die Absage." in ohne_haken.content.decode()
    assert smtp_server.nachrichten == []
    response = client.post(
        reverse("buendnis:sitzung-absagen", args=[w.kommende.pk]),
        {"bestaetigt": "on", "nachricht": "Leider krankheitsbedingt."},
    )
    assert response.status_code == 302
    assert meldungen(response) == ["Die Sitzung ist abgesagt."]
    assert len(smtp_server.nachrichten) == 4
    nachricht = smtp_server.an("paula.a@example.org")[0]
    assert betreff(nachricht).startswith("Abgesagt: Kommende a")
    assert "Leider krankheitsbedingt." in smtp_server.text(nachricht)
    cal = kalender_von(smtp_server, nachricht)
    assert cal["METHOD"] == "CANCEL"
    event = event_von(cal)
    assert (event["SEQUENCE"], str(event["STATUS"])) == (2, "CANCELLED")
    w.kommende.refresh_from_db()
    assert w.kommende.status == SitzungStatus.ABGESAGT
    assert list(w.kommende.einladungen.order_by("sequenz").values_list("art", "sequenz")) == [
        ("einladung", 0),
        ("aktualisierung", 1),
        ("absage", 2),
    ]


def test_update_and_cancellation_need_a_first_invitation(scenario, sitzungen):
    w, by = sitzungen["a"], scenario.users["koordination"]
    for art in (EinladungArt.AKTUALISIERUNG, EinladungArt.ABSAGE):
        with pytest.raises(ValidationError, match="noch nicht eingeladen"):
            services.sitzung_einladen(sitzung=w.kommende, art=art, by=by)
    services.sitzung_einladen(sitzung=w.kommende, by=by)
    with pytest.raises(ValidationError, match="schon versendet"):
        services.sitzung_einladen(sitzung=w.kommende, by=by)
    assert w.kommende.einladungen.count() == 1


def test_cancelling_a_meeting_nobody_was_invited_to_only_marks_it(scenario, sitzungen, smtp_server):
    w = sitzungen["a"]
    response = scenario.client("koordination").post(
        reverse("buendnis:sitzung-absagen", args=[w.spaetere.pk]), {"bestaetigt": "on"}
    )
    assert response.status_code == 302
    w.spaetere.refresh_from_db()
    assert w.spaetere.status == SitzungStatus.ABGESAGT
    assert smtp_server.nachrichten == []


def test_no_invitation_for_a_held_meeting_or_without_any_address(scenario, sitzungen, smtp_server):
    w, by = sitzungen["a"], scenario.users["koordination"]
    with pytest.raises(ValidationError, match="schon durchgeführt"):
        services.sitzung_einladen(sitzung=w.heute, by=by)
    leer = GremiumFactory(buendnis=scenario.a, name="Ohne Adressen")
    Mitgliedschaft.objects.create(gremium=leer, akteur=AkteurFactory(buendnis=scenario.a, kommune=None))
    sitzung = SitzungFactory(gremium=leer)
    response = scenario.client("koordination").post(
        reverse("buendnis:sitzung-einladen", args=[sitzung.pk]), {}
    )
    assert meldungen(response) == [
        "Für dieses Gremium ist keine E-Mail-Adresse hinterlegt. Bitte tragen Sie bei den Mitgliedern "
        "(Akteur oder Person) eine E-Mail-Adresse ein."
    ]
    assert not Sitzungseinladung.objects.exists()
    assert smtp_server.nachrichten == []
    sitzung.refresh_from_db()
    assert sitzung.eingeladen_am is None


def test_recipients_are_only_the_members_of_this_gremium_in_this_buendnis(scenario, sitzungen):
    w = sitzungen["a"]
    anderes = GremiumFactory(buendnis=scenario.a, name="Anderes Forum")
    Mitgliedschaft.objects.create(
        gremium=anderes, akteur=AkteurFactory(buendnis=scenario.a, kommune=None, email="fremd@example.org")
    )
    UserFactory(rolle="mitglied", buendnis=scenario.a, akteur=None, email="ohne-akteur@example.org")
    UserFactory(
        rolle="mitglied",
        buendnis=scenario.a,
        akteur=scenario.akteur_a,
        email="inaktiv@example.org",
        is_active=False,
    )
    # An account of another Bündnis pointing at a member organisation (data gone wrong) gets nothing either.
    fremd = UserFactory(rolle="koordination", buendnis=scenario.b, email="bheim@example.org")
    User.objects.filter(pk=fremd.pk).update(akteur=scenario.akteur_a)
    assert selectors.einladung_empfaenger(w.kommende) == sorted(ERWARTETE_EMPFAENGER)
    assert set(selectors.einladung_empfaenger(sitzungen["b"].kommende)) == {
        "paula.b@example.org",
        "jc-b@example.org",
        "leitung-b@example.org",
    }


# Role matrix of every new action ---------------------------------------------------------------------------------


def _daten(w: Welt, url_name: str) -> tuple[object, dict]:
    """The row in the URL and the posted data of each action."""
    return {
        "buendnis:sitzung-einladen": (w.kommende, {"nachricht": ""}),
        "buendnis:sitzung-absagen": (w.spaetere, {"bestaetigt": "on"}),
        "buendnis:sitzung-status": (w.vergangene, {"status": "durchgefuehrt"}),
        "buendnis:sitzung-teilnahme": (w.vergangene, {f"mitglied_{w.mitglieder[0].pk}": "anwesend"}),
        "buendnis:sitzung-gast-create": (w.vergangene, {"name": "Herr Gast"}),
        "buendnis:sitzung-gast-delete": (w.vergangene, {"teilnahme_id": w.gast.pk}),
        "buendnis:sitzung-protokoll": (w.kommende, {f"top_{w.tops[0].pk}": "Begrüßt.", "allgemein": ""}),
        "buendnis:sitzung-protokoll-genehmigen": (w.frueher, {"in_sitzung": w.heute.pk}),
        "buendnis:top-verschieben": (w.tops[1], {"richtung": "hoch"}),
        "buendnis:beschluss-update": (
            w.beschluss,
            {
                "text": "Geändert",
                "datum": "2030-01-01",
                "aufgaben-TOTAL_FORMS": "0",
                "aufgaben-INITIAL_FORMS": "0",
            },
        ),
    }[url_name]


AKTIONEN = [
    "buendnis:sitzung-einladen",
    "buendnis:sitzung-absagen",
    "buendnis:sitzung-status",
    "buendnis:sitzung-teilnahme",
    "buendnis:sitzung-gast-create",
    "buendnis:sitzung-gast-delete",
    "buendnis:sitzung-protokoll",
    "buendnis:sitzung-protokoll-genehmigen",
    "buendnis:top-verschieben",
    "buendnis:beschluss-update",
]
ROLLEN = ["anonym", "koordination", "kommune", "mitglied", "auswertung", "land", "admin", "koordination_b"]


@pytest.mark.parametrize("role", ROLLEN)
@pytest.mark.parametrize("url_name", AKTIONEN)
def test_only_the_coordination_of_the_buendnis_runs_meeting_actions(
    scenario, sitzungen, smtp_server, role, url_name
):
    obj, data = _daten(sitzungen["a"], url_name)
    vorher = snapshot()
    response = scenario.client(role).post(reverse(url_name, args=[obj.pk]), data)
    if role in ("koordination", "admin"):
        assert response.status_code == 302
        assert "/anmelden/" not in response["Location"]
        assert [m.level_tag for m in neue_meldungen(response)] == ["success"]
        assert snapshot() != vorher
        return
    if role == "anonym":
        assert response.status_code == 302 and "/anmelden/" in response["Location"]
    elif role == "koordination_b":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert snapshot() == vorher
    assert smtp_server.nachrichten == []


SEITEN = ["buendnis:sitzung-absagen", "buendnis:sitzung-protokoll", "buendnis:beschluss-update"]


@pytest.mark.parametrize("role", ROLLEN)
@pytest.mark.parametrize("url_name", SEITEN)
def test_meeting_form_pages_open_only_for_the_coordination(scenario, sitzungen, role, url_name):
    obj, _ = _daten(sitzungen["a"], url_name)
    response = scenario.client(role).get(reverse(url_name, args=[obj.pk]))
    erwartet = {"anonym": 302, "koordination": 200, "admin": 200, "koordination_b": 404}.get(role, 403)
    assert response.status_code == erwartet


def test_coordination_cannot_act_on_meetings_of_another_buendnis(scenario, sitzungen):
    client = scenario.client("koordination")
    vorher = snapshot()
    for url_name in AKTIONEN:
        obj, data = _daten(sitzungen["b"], url_name)
        assert client.post(reverse(url_name, args=[obj.pk]), data).status_code == 404, url_name
    # Approving a meeting of another Bündnis's minutes "in" one's own meeting is no way round it either.
    response = client.post(
        reverse("buendnis:sitzung-protokoll-genehmigen", args=[sitzungen["a"].frueher.pk]),
        {"in_sitzung": sitzungen["b"].heute.pk},
    )
    assert response.status_code == 404
    assert snapshot() == vorher


def test_meeting_page_hides_actions_from_readers(scenario, sitzungen):
    w = sitzungen["a"]
    body = scenario.client("mitglied").get(w.vergangene.get_absolute_url()).content.decode()
    for knopf in (
        "Einladung senden",
        "Als durchgeführt markieren",
        "Teilnahme speichern",
        "nach oben",
        "Absagen",
    ):
        assert knopf not in body
    body = scenario.client("koordination").get(w.vergangene.get_absolute_url()).content.decode()
    for knopf in ("Einladung senden", "Als durchgeführt markieren", "Teilnahme speichern", "Absagen"):
        assert knopf in body


# Attendance and quorum --------------------------------------------------------------------------------------------


def test_attendance_of_all_members_at_once_and_the_quorum_by_hand(scenario, sitzungen):
    w = sitzungen["a"]
    # Four members who vote (the guest membership does not count): a simple majority needs 3.
    weitere = [
        Mitgliedschaft.objects.create(
            gremium=w.gremium, akteur=AkteurFactory(buendnis=scenario.a, kommune=None)
        )
        for _ in range(2)
    ]
    stimmberechtigt = [w.mitglieder[0], w.mitglieder[1], *weitere]
    client = scenario.client("koordination")
    url = reverse("buendnis:sitzung-teilnahme", args=[w.vergangene.pk])
    response = client.post(
        url,
        {
            f"mitglied_{stimmberechtigt[0].pk}": "anwesend",
            f"mitglied_{stimmberechtigt[1].pk}": "anwesend",
            f"mitglied_{stimmberechtigt[2].pk}": "entschuldigt",
            f"mitglied_{stimmberechtigt[3].pk}": "abwesend",
            f"mitglied_{w.mitglieder[2].pk}": "anwesend",  # the guest member, present, counts for nothing
        },
    )
    assert meldungen(response) == ["Teilnahme gespeichert."]
    body = client.get(w.vergangene.get_absolute_url()).content.decode()
    assert "2 von 4 Mitgliedern anwesend – nicht beschlussfähig (ab 3)" in body
    client.post(url, {f"mitglied_{stimmberechtigt[2].pk}": "anwesend"})
    body = client.get(w.vergangene.get_absolute_url()).content.decode()
    assert "3 von 4 Mitgliedern anwesend – beschlussfähig (ab 3)" in body
    assert Teilnahme.objects.filter(sitzung=w.vergangene, mitgliedschaft__isnull=False).count() == 5
    Gremium.objects.filter(pk=w.gremium.pk).update(quorum=4)
    body = client.get(w.vergangene.get_absolute_url()).content.decode()
    assert "3 von 4 Mitgliedern anwesend – nicht beschlussfähig (ab 4)" in body
    # Back to "not recorded" removes the entry.
    client.post(url, {f"mitglied_{stimmberechtigt[3].pk}": ""})
    assert not Teilnahme.objects.filter(sitzung=w.vergangene, mitgliedschaft=stimmberechtigt[3]).exists()


def test_attendance_is_not_recorded_for_a_meeting_that_has_not_begun(scenario, sitzungen):
    w = sitzungen["a"]
    client = scenario.client("koordination")
    vorher = snapshot()
    response = client.post(
        reverse("buendnis:sitzung-teilnahme", args=[w.kommende.pk]),
        {f"mitglied_{w.mitglieder[0].pk}": "anwesend"},
    )
    assert meldungen(response) == ["Die Teilnahme lässt sich erst erfassen, wenn die Sitzung begonnen hat."]
    response = client.post(reverse("buendnis:sitzung-gast-create", args=[w.kommende.pk]), {"name": "Zu früh"})
    assert meldungen(response) == ["Die Teilnahme lässt sich erst erfassen, wenn die Sitzung begonnen hat."]
    assert snapshot() == vorher
    body = client.get(w.kommende.get_absolute_url()).content.decode()
    assert "Teilnahme speichern" not in body
    assert "sobald die Sitzung begonnen hat" in body


def test_members_of_another_gremium_cannot_be_recorded(scenario, sitzungen):
    w = sitzungen["a"]
    fremd = Mitgliedschaft.objects.create(
        gremium=GremiumFactory(buendnis=scenario.a), akteur=scenario.akteur_a
    )
    with pytest.raises(ValidationError, match="anderen Gremium"):
        services.teilnahme_erfassen(
            sitzung=w.vergangene, eintraege={fremd.pk: "anwesend"}, by=scenario.users["koordination"]
        )
    assert not Teilnahme.objects.filter(mitgliedschaft=fremd).exists()


def test_guests_are_added_and_removed(scenario, sitzungen):
    w = sitzungen["a"]
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:sitzung-gast-create", args=[w.vergangene.pk]), {"name": "Dr. Gast (IHK)"}
    )
    assert meldungen(response) == ["Gast eingetragen."]
    assert "Dr. Gast (IHK)" in client.get(w.vergangene.get_absolute_url()).content.decode()
    leer = client.post(reverse("buendnis:sitzung-gast-create", args=[w.vergangene.pk]), {"name": " "})
    assert meldungen(leer) == ["Bitte geben Sie den Namen des Gastes an."]
    client.post(reverse("buendnis:sitzung-gast-delete", args=[w.vergangene.pk]), {"teilnahme_id": w.gast.pk})
    assert not Teilnahme.objects.filter(pk=w.gast.pk).exists()
    # A guest of another meeting is not removed through this one.
    anderer = Teilnahme.objects.create(sitzung=w.heute, name="Bleibt", status=TeilnahmeStatus.GAST)
    response = client.post(
        reverse("buendnis:sitzung-gast-delete", args=[w.vergangene.pk]), {"teilnahme_id": anderer.pk}
    )
    assert meldungen(response) == ["Diesen Gast gibt es in der Sitzung nicht."]
    assert Teilnahme.objects.filter(pk=anderer.pk).exists()


# Agenda order -----------------------------------------------------------------------------------------------------


def test_agenda_items_move_up_and_down_by_buttons(scenario, sitzungen):
    w = sitzungen["a"]
    dritter = Tagesordnungspunkt.objects.create(sitzung=w.kommende, position=3, titel="Verschiedenes")
    client = scenario.client("koordination")
    response = client.post(reverse("buendnis:top-verschieben", args=[dritter.pk]), {"richtung": "hoch"})
    assert response.status_code == 302
    assert response["Location"] == f"{w.kommende.get_absolute_url()}#top-{dritter.pk}-hoch"
    assert meldungen(response) == ["„Verschiedenes“ ist jetzt TOP 2."]
    assert list(w.kommende.tagesordnungspunkte.order_by("position").values_list("titel", flat=True)) == [
        "Begrüßung a",
        "Verschiedenes",
        "Sprachkurse a",
    ]
    client.post(reverse("buendnis:top-verschieben", args=[w.tops[0].pk]), {"richtung": "runter"})
    assert list(w.kommende.tagesordnungspunkte.order_by("position").values_list("position", "titel")) == [
        (1, "Verschiedenes"),
        (2, "Begrüßung a"),
        (3, "Sprachkurse a"),
    ]


def test_first_item_cannot_move_up_nor_last_down(scenario, sitzungen):
    w = sitzungen["a"]
    client = scenario.client("koordination")
    vorher = snapshot()
    response = client.post(reverse("buendnis:top-verschieben", args=[w.tops[0].pk]), {"richtung": "hoch"})
    assert meldungen(response) == ["„Begrüßung a“ steht schon an erster Stelle."]
    response = client.post(reverse("buendnis:top-verschieben", args=[w.tops[1].pk]), {"richtung": "runter"})
    assert meldungen(response) == ["„Sprachkurse a“ steht schon an letzter Stelle."]
    response = client.post(
        reverse("buendnis:top-verschieben", args=[w.tops[1].pk]), {"richtung": "seitwaerts"}
    )
    assert meldungen(response) == ["Bitte wählen Sie, ob der Punkt nach oben oder nach unten rückt."]
    assert snapshot() == vorher


def test_agenda_page_offers_labelled_move_buttons_but_not_beyond_the_ends(scenario, sitzungen):
    w = sitzungen["a"]
    body = scenario.client("koordination").get(w.kommende.get_absolute_url()).content.decode()
    assert 'aria-label="„Sprachkurse a“ nach oben"' in body
    assert 'aria-label="„Begrüßung a“ nach unten"' in body
    assert 'aria-label="„Begrüßung a“ nach oben"' not in body
    assert 'aria-label="„Sprachkurse a“ nach unten"' not in body


def test_deleting_an_item_closes_the_gap_in_the_numbers(scenario, sitzungen):
    w = sitzungen["a"]
    Tagesordnungspunkt.objects.create(sitzung=w.kommende, position=3, titel="Verschiedenes")
    scenario.client("koordination").post(reverse("buendnis:top-delete", args=[w.tops[0].pk]))
    assert list(w.kommende.tagesordnungspunkte.order_by("position").values_list("position", "titel")) == [
        (1, "Sprachkurse a"),
        (2, "Verschiedenes"),
    ]


# Minutes per agenda item ------------------------------------------------------------------------------------------


def test_minutes_text_per_agenda_item_and_general_part(scenario, sitzungen):
    w = sitzungen["a"]
    client = scenario.client("koordination")
    seite = client.get(reverse("buendnis:sitzung-protokoll", args=[w.kommende.pk])).content.decode()
    assert "TOP 1: Begrüßung a" in seite and "TOP 2: Sprachkurse a" in seite
    response = client.post(
        reverse("buendnis:sitzung-protokoll", args=[w.kommende.pk]),
        {
            f"top_{w.tops[0].pk}": "Frau Paula begrüßt die Runde.",
            f"top_{w.tops[1].pk}": "Zwei Kurse starten im Herbst.",
            "allgemein": "Nächster Termin wird per Umfrage gesucht.",
        },
    )
    assert response.status_code == 302
    assert meldungen(response) == ["Protokoll gespeichert."]
    assert [t.protokoll for t in w.kommende.tagesordnungspunkte.order_by("position")] == [
        "Frau Paula begrüßt die Runde.",
        "Zwei Kurse starten im Herbst.",
    ]
    body = client.get(w.kommende.get_absolute_url()).content.decode()
    assert "Zwei Kurse starten im Herbst." in body and "Nächster Termin wird per Umfrage gesucht." in body


def test_minutes_of_an_agenda_item_of_another_meeting_are_refused(scenario, sitzungen):
    w = sitzungen["a"]
    fremder_top = Tagesordnungspunkt.objects.get(sitzung=w.vergangene)
    with pytest.raises(ValidationError, match="gehört nicht zu dieser Sitzung"):
        services.protokoll_speichern(
            sitzung=w.kommende, texte={fremder_top.pk: "x"}, allgemein="", by=scenario.users["koordination"]
        )
    fremder_top.refresh_from_db()
    assert fremder_top.protokoll == ""


# Held, approved, locked -------------------------------------------------------------------------------------------


def test_a_future_meeting_cannot_be_marked_held_by_form_or_button(scenario, sitzungen):
    w = sitzungen["a"]
    client = scenario.client("koordination")
    vorher = snapshot()
    response = client.post(
        reverse("buendnis:sitzung-update", args=[w.kommende.pk]),
        {
            "gremium": w.gremium.pk,
            "titel": w.kommende.titel,
            "beginn": f"{timezone.localtime(w.kommende.beginn):%Y-%m-%dT%H:%M}",
            "status": "durchgefuehrt",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["status"] == [
        "Eine Sitzung, die erst noch stattfindet, kann nicht als durchgeführt gelten."
    ]
    response = client.post(
        reverse("buendnis:sitzung-status", args=[w.kommende.pk]), {"status": "durchgefuehrt"}
    )
    assert meldungen(response) == [
        "Eine Sitzung, die erst noch stattfindet, kann nicht als durchgeführt gelten."
    ]
    with pytest.raises(ValidationError):
        services.sitzung_status_setzen(
            sitzung=w.kommende, status="durchgefuehrt", by=scenario.users["koordination"]
        )
    assert snapshot() == vorher
    assert "Als durchgeführt markieren" not in client.get(w.kommende.get_absolute_url()).content.decode()


def test_a_meeting_that_has_begun_is_marked_held(scenario, sitzungen):
    w = sitzungen["a"]
    response = scenario.client("koordination").post(
        reverse("buendnis:sitzung-status", args=[w.vergangene.pk]), {"status": "durchgefuehrt"}
    )
    assert meldungen(response) == ["Die Sitzung ist als durchgeführt markiert."]
    w.vergangene.refresh_from_db()
    assert w.vergangene.status == SitzungStatus.DURCHGEFUEHRT
    with pytest.raises(ValidationError, match="Absagen"):
        services.sitzung_status_setzen(
            sitzung=w.vergangene, status="abgesagt", by=scenario.users["koordination"]
        )


def test_invited_meeting_is_cancelled_only_through_the_cancellation(scenario, sitzungen, smtp_server):
    w = sitzungen["a"]
    client = scenario.client("koordination")
    client.post(reverse("buendnis:sitzung-einladen", args=[w.kommende.pk]), {})
    response = client.post(
        reverse("buendnis:sitzung-update", args=[w.kommende.pk]),
        {
            "gremium": w.gremium.pk,
            "titel": w.kommende.titel,
            "beginn": f"{timezone.localtime(w.kommende.beginn):%Y-%m-%dT%H:%M}",
            "status": "abgesagt",
        },
    )
    assert response.status_code == 200
    assert "Absagen" in response.context["form"].errors["status"][0]
    w.kommende.refresh_from_db()
    assert w.kommende.status == SitzungStatus.GEPLANT


def test_minutes_are_approved_in_the_next_meeting_and_then_locked(scenario, sitzungen):
    w = sitzungen["a"]
    top = Tagesordnungspunkt.objects.create(sitzung=w.frueher, position=1, titel="Rückblick")
    beschluss = Beschluss.objects.create(
        buendnis=scenario.a, gremium=w.gremium, sitzung=w.frueher, tagesordnungspunkt=top, text="Alt"
    )
    aufgabe = AufgabeFactory(
        buendnis=scenario.a,
        gremium=w.gremium,
        sitzung=w.frueher,
        beschluss=beschluss,
        titel="Wie beschlossen",
    )
    client = scenario.client("koordination")
    seite = client.get(w.heute.get_absolute_url()).content.decode()
    assert "Genehmigung früherer Protokolle" in seite
    assert f'aria-label="Protokoll der Sitzung {w.frueher} genehmigen"' in seite
    response = client.post(
        reverse("buendnis:sitzung-protokoll-genehmigen", args=[w.frueher.pk]), {"in_sitzung": w.heute.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == w.heute.get_absolute_url() + "#genehmigung"
    assert meldungen(response) == [f"Das Protokoll der Sitzung „{w.frueher}“ ist genehmigt."]
    w.frueher.refresh_from_db()
    assert w.frueher.protokoll_gesperrt and w.frueher.protokoll_genehmigt_in == w.heute
    seite = client.get(w.frueher.get_absolute_url()).content.decode()
    assert "Protokoll genehmigt" in seite and f"in der Sitzung „{w.heute.titel}“" in seite
    for knopf in ("Bearbeiten", "Protokoll schreiben", "Beschluss fassen", "nach oben", "Anfügen"):
        assert f">{knopf}<" not in seite

    gesperrt = "Das Protokoll dieser Sitzung ist genehmigt; die Sitzung lässt sich nicht mehr ändern."
    vorher = snapshot()
    versuche = [
        (reverse("buendnis:top-create", args=[w.frueher.pk]), {"titel": "Nachgetragen"}),
        (
            reverse("buendnis:sitzung-protokoll", args=[w.frueher.pk]),
            {f"top_{top.pk}": "neu", "allgemein": ""},
        ),
        (reverse("buendnis:sitzung-status", args=[w.frueher.pk]), {"status": "geplant"}),
        (reverse("buendnis:sitzung-gast-create", args=[w.frueher.pk]), {"name": "Zu spät"}),
        (reverse("buendnis:top-verschieben", args=[top.pk]), {"richtung": "runter"}),
        (reverse("buendnis:beschluss-create", args=[w.frueher.pk]), {"text": "Neu", "datum": "2030-01-01"}),
        (
            reverse("buendnis:beschluss-update", args=[beschluss.pk]),
            {
                "text": "Umgeschrieben",
                "datum": "2030-01-01",
                "aufgaben-TOTAL_FORMS": "0",
                "aufgaben-INITIAL_FORMS": "0",
            },
        ),
        (reverse("buendnis:top-delete", args=[top.pk]), {}),
        (
            reverse("buendnis:sitzung-update", args=[w.frueher.pk]),
            {
                "gremium": w.gremium.pk,
                "titel": "Umbenannt",
                "beginn": "2020-01-01T10:00",
                "status": "durchgefuehrt",
            },
        ),
    ]
    for url, data in versuche:
        response = client.post(url, data, follow=True)
        assert gesperrt in response.content.decode(), url
    for url in (
        reverse("buendnis:sitzung-update", args=[w.frueher.pk]),
        reverse("buendnis:top-update", args=[top.pk]),
        reverse("buendnis:beschluss-update", args=[beschluss.pk]),
        reverse("buendnis:sitzung-protokoll", args=[w.frueher.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == w.frueher.get_absolute_url(), url
    with pytest.raises(ValidationError, match="genehmigt"):
        services.teilnahme_erfassen(
            sitzung=w.frueher, eintraege={w.mitglieder[0].pk: "anwesend"}, by=scenario.users["koordination"]
        )
    response = client.post(
        reverse("buendnis:aufgabe-update", args=[aufgabe.pk]),
        {"titel": "Umgedeutet", "faellig_am": faellig()},
    )
    assert response.status_code == 200
    assert "steht in einem genehmigten Protokoll" in response.content.decode()
    assert snapshot() == vorher
    # The task itself is still worked on: its progress is reported as before.
    services.aufgabe_status_setzen(aufgabe=aufgabe, status="erledigt", by=scenario.users["koordination"])


@pytest.mark.parametrize(
    ("welche", "meldung"),
    [
        ("nicht_durchgefuehrt", "Nur das Protokoll einer durchgeführten Sitzung"),
        ("in_zukunft", "Sie muss heute stattfinden oder durchgeführt sein"),
        ("frueher", "spätere Sitzung desselben Gremiums"),
        ("anderes_gremium", "spätere Sitzung desselben Gremiums"),
        ("schon", "schon genehmigt"),
    ],
)
def test_minutes_approval_is_refused_where_it_does_not_belong(scenario, sitzungen, welche, meldung):
    w, by = sitzungen["a"], scenario.users["koordination"]
    sitzung, in_sitzung = w.frueher, w.heute
    if welche == "nicht_durchgefuehrt":
        sitzung = w.vergangene
    elif welche == "in_zukunft":
        in_sitzung = w.kommende
    elif welche == "frueher":
        sitzung, in_sitzung = w.heute, w.frueher
    elif welche == "anderes_gremium":
        in_sitzung = SitzungFactory(
            gremium=GremiumFactory(buendnis=scenario.a),
            beginn=vor_einer_stunde(),
            status=SitzungStatus.DURCHGEFUEHRT,
        )
    elif welche == "schon":
        services.protokoll_genehmigen(sitzung=sitzung, in_sitzung=in_sitzung, by=by)
    vorher = snapshot()
    with pytest.raises(ValidationError, match=meldung):
        services.protokoll_genehmigen(sitzung=sitzung, in_sitzung=in_sitzung, by=by)
    assert snapshot() == vorher


def test_only_the_coordination_approves_minutes_in_the_service(scenario, sitzungen):
    w = sitzungen["a"]
    with pytest.raises(PermissionDenied):
        services.protokoll_genehmigen(sitzung=w.frueher, in_sitzung=w.heute, by=scenario.users["auswertung"])


# Decisions: any number of tasks, editable until approval ----------------------------------------------------------


def _beschluss_post(anzahl: int, akteur, **extra) -> dict:
    data = {
        "text": f"Beschluss mit {anzahl} Aufgaben",
        "datum": timezone.localdate().isoformat(),
        "aufgaben-TOTAL_FORMS": str(anzahl),
        "aufgaben-INITIAL_FORMS": "0",
        "aufgaben-MIN_NUM_FORMS": "0",
        "aufgaben-MAX_NUM_FORMS": "50",
    }
    for nr in range(anzahl):
        data |= {
            f"aufgaben-{nr}-titel": f"Aufgabe Nr. {nr + 1}",
            f"aufgaben-{nr}-akteur": akteur.pk,
            f"aufgaben-{nr}-faellig_am": faellig(nr + 1),
        }
    return data | extra


@pytest.mark.parametrize("anzahl", [5, 12])
def test_a_decision_creates_as_many_tasks_as_it_needs(scenario, sitzungen, anzahl):
    w = sitzungen["a"]
    response = scenario.client("koordination").post(
        reverse("buendnis:beschluss-create", args=[w.kommende.pk]),
        _beschluss_post(anzahl, scenario.akteur_a, tagesordnungspunkt=w.tops[0].pk),
    )
    assert response.status_code == 302
    assert meldungen(response) == [f"Beschluss gespeichert, {anzahl} Aufgaben angelegt."]
    beschluss = Beschluss.objects.get(text=f"Beschluss mit {anzahl} Aufgaben")
    assert beschluss.tagesordnungspunkt == w.tops[0]
    assert beschluss.aufgaben.count() == anzahl
    assert set(beschluss.aufgaben.values_list("gremium", "sitzung")) == {(w.gremium.pk, w.kommende.pk)}


def test_more_button_adds_a_row_and_keeps_what_was_typed(scenario, sitzungen):
    w = sitzungen["a"]
    data = _beschluss_post(3, scenario.akteur_a, mehr="1")
    data["aufgaben-2-faellig_am"] = ""  # half filled: not marked wrong yet
    response = scenario.client("koordination").post(
        reverse("buendnis:beschluss-create", args=[w.kommende.pk]), data
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 4
    body = response.content.decode()
    assert 'name="aufgaben-TOTAL_FORMS" value="4"' in body
    assert "Aufgabe Nr. 3" in body and "Beschluss mit 3 Aufgaben" in body
    assert 'name="aufgaben-3-titel"' in body
    assert "Jede Aufgabe braucht eine Frist" not in body
    assert not Beschluss.objects.filter(text="Beschluss mit 3 Aufgaben").exists()
    assert '<template id="aufgabe-vorlage">' in body and "aufgaben-__prefix__-titel" in body


def test_no_more_than_fifty_tasks_at_once(scenario, sitzungen):
    w = sitzungen["a"]
    response = scenario.client("koordination").post(
        reverse("buendnis:beschluss-create", args=[w.kommende.pk]), _beschluss_post(51, scenario.akteur_a)
    )
    assert response.status_code == 200
    assert not Beschluss.objects.filter(text="Beschluss mit 51 Aufgaben").exists()
    assert forms.MAX_AUFGABEN == 50


def test_decision_is_edited_and_gets_more_tasks_before_the_minutes_are_approved(scenario, sitzungen):
    w = sitzungen["a"]
    client = scenario.client("koordination")
    seite = client.get(reverse("buendnis:beschluss-update", args=[w.beschluss.pk]))
    assert seite.status_code == 200
    assert "Kurs a" in seite.content.decode()  # its existing task
    data = _beschluss_post(2, scenario.akteur_a, tagesordnungspunkt=w.tops[0].pk)
    data["text"] = "Beschluss a, berichtigt"
    response = client.post(reverse("buendnis:beschluss-update", args=[w.beschluss.pk]), data)
    assert response.status_code == 302
    w.beschluss.refresh_from_db()
    assert w.beschluss.text == "Beschluss a, berichtigt"
    assert w.beschluss.tagesordnungspunkt == w.tops[0]
    assert w.beschluss.aufgaben.count() == 3
    # An agenda item of another meeting is not offered, and refused by the service.
    fremder_top = Tagesordnungspunkt.objects.get(sitzung=w.vergangene)
    with pytest.raises(ValidationError):
        services.beschluss_aendern(
            beschluss=w.beschluss,
            text="x",
            datum=timezone.localdate(),
            tagesordnungspunkt=fremder_top,
            by=scenario.users["koordination"],
        )


def test_decision_edit_is_refused_once_the_minutes_are_approved(scenario, sitzungen):
    w = sitzungen["a"]
    beschluss = Beschluss.objects.create(
        buendnis=scenario.a, gremium=w.gremium, sitzung=w.frueher, text="Fest"
    )
    services.protokoll_genehmigen(sitzung=w.frueher, in_sitzung=w.heute, by=scenario.users["koordination"])
    vorher = snapshot()
    with pytest.raises(ValidationError, match="genehmigt"):
        services.beschluss_aendern(
            beschluss=beschluss, text="Anders", datum=timezone.localdate(), by=scenario.users["koordination"]
        )
    response = scenario.client("koordination").post(
        reverse("buendnis:beschluss-update", args=[beschluss.pk]),
        _beschluss_post(1, scenario.akteur_a),
        follow=True,
    )
    assert "Das Protokoll dieser Sitzung ist genehmigt" in response.content.decode()
    assert snapshot() == vorher


# Open tasks carry over to the next planned meeting by themselves --------------------------------------------------


def offene_titel(client, sitzung) -> list[str] | None:
    response = client.get(sitzung.get_absolute_url())
    if not response.context["zeige_offene_aufgaben"]:
        return None
    return [a.titel for a in response.context["offene_aufgaben"]]


def test_tasks_of_a_decision_stand_on_the_next_planned_meeting_right_after_the_decision(scenario, sitzungen):
    w = sitzungen["a"]
    Aufgabe.objects.all().delete()
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:beschluss-create", args=[w.kommende.pk]), _beschluss_post(2, scenario.akteur_a)
    )
    assert response.status_code == 302
    # Not on the meeting that decided them, at once on the next planned one (nothing marked as held).
    assert not offene_titel(client, w.kommende)
    assert offene_titel(client, w.spaetere) == ["Aufgabe Nr. 1", "Aufgabe Nr. 2"]
    body = client.get(w.spaetere.get_absolute_url()).content.decode()
    assert "Ständiger Punkt: Offene Aufgaben aus früheren Beschlüssen" in body and "Aufgabe Nr. 2" in body
    # Done tasks drop out; still open ones move on by themselves once that meeting is behind them.
    Aufgabe.objects.filter(titel="Aufgabe Nr. 1").update(status=AufgabeStatus.ERLEDIGT)
    danach = SitzungFactory(gremium=w.gremium, beginn=in_tagen(70, 14))
    assert offene_titel(client, w.spaetere) == ["Aufgabe Nr. 2"]
    assert offene_titel(client, danach) is None
    Sitzung.objects.filter(pk=w.spaetere.pk).update(status=SitzungStatus.ABGESAGT)
    assert offene_titel(client, danach) == ["Aufgabe Nr. 2"]


def test_tasks_of_a_held_or_forgotten_earlier_meeting_stand_on_the_next_planned_one(scenario, sitzungen):
    w = sitzungen["a"]
    Aufgabe.objects.all().delete()
    by = scenario.users["koordination"]
    for sitzung, titel in ((w.frueher, "Aus der durchgeführten"), (w.vergangene, "Aus der noch geplanten")):
        services.beschluss_fassen(
            gremium=w.gremium,
            sitzung=sitzung,
            text=titel,
            datum=timezone.localdate(),
            aufgaben=[
                services.AufgabeEntwurf(
                    titel=titel, akteur=scenario.akteur_a, faellig_am=timezone.localdate()
                )
            ],
            by=by,
        )
    # "Laufende a" began an hour ago and is still planned: tasks from before it stand there; its own move on.
    client = scenario.client("koordination")
    assert offene_titel(client, w.vergangene) == ["Aus der durchgeführten"]
    assert offene_titel(client, w.kommende) == ["Aus der noch geplanten"]
    assert offene_titel(client, w.spaetere) is None
    # Marking the earlier meeting as held changes nothing about where its tasks stand.
    services.sitzung_status_setzen(sitzung=w.vergangene, status="durchgefuehrt", by=by)
    assert offene_titel(client, w.kommende) == ["Aus der durchgeführten", "Aus der noch geplanten"]


def test_task_without_decision_stands_on_the_next_meeting_after_it_was_recorded(scenario, sitzungen):
    w = sitzungen["a"]
    Aufgabe.objects.all().delete()
    Sitzung.objects.filter(pk=w.vergangene.pk).update(status=SitzungStatus.DURCHGEFUEHRT)
    AufgabeFactory(buendnis=scenario.a, gremium=w.gremium, titel="Einfach so")
    AufgabeFactory(buendnis=scenario.a, gremium=GremiumFactory(buendnis=scenario.a), titel="Anderes Gremium")
    client = scenario.client("auswertung")
    assert offene_titel(client, w.kommende) == ["Einfach so"]
    assert offene_titel(client, w.spaetere) is None


# Notifications of assigned tasks ----------------------------------------------------------------------------------


def test_the_person_a_task_is_given_to_receives_an_email_and_nobody_else(scenario, sitzungen, smtp_server):
    w = sitzungen["a"]
    data = _beschluss_post(1, scenario.akteur_a)
    data["aufgaben-0-akteur"] = ""
    data["aufgaben-0-zustaendig"] = scenario.users["mitglied"].pk
    data["aufgaben-0-titel"] = "Raum buchen"
    response = scenario.client("koordination").post(
        reverse("buendnis:beschluss-create", args=[w.kommende.pk]), data
    )
    assert response.status_code == 302
    post = smtp_server.an("mitglied@example.org")
    assert len(post) == 1
    assert betreff(post[0]) == "Neue Aufgabe: Raum buchen"
    text = smtp_server.text(post[0])
    assert "Beschluss: Beschluss mit 1 Aufgaben" in text
    assert f"Fällig am: {timezone.localdate() + datetime.timedelta(days=1):%d.%m.%Y}" in text
    assert "Gremium: Forum Sprache a" in text
    aufgabe = Aufgabe.objects.get(titel="Raum buchen")
    assert f"/aufgaben/{aufgabe.pk}/" in text
    assert smtp_server.an("koord@example.org") == []
    assert len(smtp_server.nachrichten) == 1


def test_a_task_for_an_organisation_tells_its_staff(scenario, sitzungen, smtp_server):
    w = sitzungen["a"]
    services.beschluss_fassen(
        gremium=w.gremium,
        sitzung=w.kommende,
        text="Für die Caritas",
        datum=timezone.localdate(),
        aufgaben=[
            services.AufgabeEntwurf(titel="Flyer", akteur=scenario.akteur_a, faellig_am=timezone.localdate())
        ],
        by=scenario.users["koordination"],
    )
    assert [betreff(n) for n in smtp_server.an("mitglied@example.org")] == ["Neue Aufgabe: Flyer"]


def test_task_form_tells_a_new_person_only_when_the_person_changes(scenario, sitzungen, smtp_server):
    client = scenario.client("koordination")
    andere = UserFactory(rolle="mitglied", buendnis=scenario.a, email="andere@example.org")
    response = client.post(
        reverse("buendnis:aufgabe-create"),
        {"titel": "Statistik liefern", "zustaendig": scenario.users["mitglied"].pk, "faellig_am": faellig()},
    )
    assert response.status_code == 302
    aufgabe = Aufgabe.objects.get(titel="Statistik liefern")
    assert [betreff(n) for n in smtp_server.an("mitglied@example.org")] == ["Neue Aufgabe: Statistik liefern"]
    smtp_server.nachrichten.clear()
    url = reverse("buendnis:aufgabe-update", args=[aufgabe.pk])
    client.post(
        url,
        {"titel": "Statistik liefern", "zustaendig": scenario.users["mitglied"].pk, "faellig_am": faellig(5)},
    )
    assert smtp_server.nachrichten == []
    client.post(url, {"titel": "Statistik liefern", "zustaendig": andere.pk, "faellig_am": faellig(5)})
    assert [n.empfaenger for n in smtp_server.nachrichten] == [["andere@example.org"]]


# The Protokoll -----------------------------------------------------------------------------------------------------


def test_protokoll_lists_attendees_one_heading_per_item_decisions_and_tasks(scenario, sitzungen):
    w = sitzungen["a"]
    by = scenario.users["koordination"]
    sitzung = w.vergangene
    top1 = Tagesordnungspunkt.objects.get(sitzung=sitzung)
    services.tagesordnungspunkt_anfuegen(sitzung=sitzung, titel="Finanzen", by=by)
    services.teilnahme_erfassen(
        sitzung=sitzung,
        eintraege={w.mitglieder[0].pk: "anwesend", w.mitglieder[1].pk: "entschuldigt"},
        by=by,
    )
    services.protokoll_speichern(
        sitzung=sitzung, texte={top1.pk: "Bericht wurde gegeben."}, allgemein="Ende 16 Uhr.", by=by
    )
    for text, top in (("Kurse ausweiten", top1), ("Haushalt prüfen", top1), ("Ohne Punkt", None)):
        services.beschluss_fassen(
            gremium=w.gremium,
            sitzung=sitzung,
            tagesordnungspunkt=top,
            text=text,
            datum=timezone.localdate(),
            aufgaben=[
                services.AufgabeEntwurf(
                    titel=f"Aufgabe zu {text}", akteur=scenario.akteur_a, faellig_am=datetime.date(2031, 3, 1)
                )
            ],
            by=by,
        )
    sitzung.refresh_from_db()
    inhalt = berichte_selectors.protokoll_inhalt(sitzung)
    titel = [a["titel"] for a in inhalt["abschnitte"]]
    assert titel == [
        "Sitzung",
        "Teilnahme",
        "TOP 1: Bericht a",
        "TOP 2: Finanzen",
        "Beschlüsse ohne Tagesordnungspunkt",
        "Allgemeines",
        "Genehmigung",
    ]
    teilnahme = dict(inhalt["abschnitte"][1]["bloecke"][0]["eintraege"])
    assert teilnahme == {
        "Anwesend": "Paula a (Caritas A)",
        "Entschuldigt": "Jobcenter a",
        "Gäste": "Gast a",
    }
    assert (
        inhalt["abschnitte"][1]["bloecke"][1]["text"]
        == "1 von 2 Mitgliedern anwesend – nicht beschlussfähig (ab 2)"
    )
    top1_bloecke = inhalt["abschnitte"][2]["bloecke"]
    assert [b.get("text") or b.get("eintraege") for b in top1_bloecke] == [
        "Bericht wurde gegeben.",
        "Beschluss: Kurse ausweiten",
        ["Aufgabe: Aufgabe zu Kurse ausweiten – Caritas A, bis 01.03.2031"],
        "Beschluss: Haushalt prüfen",
        ["Aufgabe: Aufgabe zu Haushalt prüfen – Caritas A, bis 01.03.2031"],
    ]
    assert inhalt["abschnitte"][-1]["bloecke"][0]["text"] == "Entwurf – noch nicht genehmigt."
    html = (
        scenario.client("mitglied")
        .get(reverse("berichte:protokoll", args=[sitzung.pk, "html"]))
        .content.decode()
    )
    assert html.count(">TOP 1: Bericht a</h2>") == 1
    assert "Paula a (Caritas A)" in html and "Gast a" in html
    assert "Aufgabe: Aufgabe zu Ohne Punkt – Caritas A, bis 01.03.2031" in html
    services.sitzung_status_setzen(sitzung=sitzung, status="durchgefuehrt", by=by)
    services.protokoll_genehmigen(sitzung=w.frueher, in_sitzung=sitzung, by=by)
    inhalt = berichte_selectors.protokoll_inhalt(sitzung)
    assert "Genehmigung früherer Protokolle" in [a["titel"] for a in inhalt["abschnitte"]]
    inhalt = berichte_selectors.protokoll_inhalt(Sitzung.objects.get(pk=w.frueher.pk))
    assert inhalt["abschnitte"][-1]["bloecke"][0]["text"] == (
        f"Genehmigt in der Sitzung „{sitzung.titel}“ vom {timezone.localtime(sitzung.beginn):%d.%m.%Y}."
    )


# Queries ----------------------------------------------------------------------------------------------------------


def _fuelle(scenario, w: Welt, n: int) -> None:
    by = scenario.users["koordination"]
    for nr in range(n):
        akteur = AkteurFactory(
            buendnis=scenario.a, kommune=None, email=f"m{nr}-{timezone.now().timestamp()}@example.org"
        )
        mitglied = Mitgliedschaft.objects.create(gremium=w.gremium, akteur=akteur)
        Teilnahme.objects.create(sitzung=w.vergangene, mitgliedschaft=mitglied, akteur=akteur)
        Teilnahme.objects.create(sitzung=w.vergangene, name=f"Gast {nr}", status=TeilnahmeStatus.GAST)
        top = services.tagesordnungspunkt_anfuegen(sitzung=w.vergangene, titel=f"Punkt {nr}", by=by)
        services.beschluss_fassen(
            gremium=w.gremium,
            sitzung=w.vergangene,
            tagesordnungspunkt=top,
            text=f"Beschluss {nr}",
            datum=timezone.localdate(),
            aufgaben=[
                services.AufgabeEntwurf(titel=f"A{nr}-{i}", akteur=akteur, faellig_am=timezone.localdate())
                for i in range(2)
            ],
            by=by,
        )
        # An open task recorded before the meeting: it stands on the meeting's standing item.
        offen = AufgabeFactory(buendnis=scenario.a, gremium=w.gremium, titel=f"Offen {nr}")
        Aufgabe.objects.filter(pk=offen.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))


@pytest.mark.parametrize("role", ["koordination", "mitglied"])
def test_meeting_page_queries_do_not_grow_with_items_members_and_tasks(
    scenario, sitzungen, role, django_assert_max_num_queries
):
    w = sitzungen["a"]
    client = scenario.client(role)
    _fuelle(scenario, w, 2)
    with django_assert_max_num_queries(45) as wenige:
        assert client.get(w.vergangene.get_absolute_url()).status_code == 200
    _fuelle(scenario, w, 25)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        response = client.get(w.vergangene.get_absolute_url())
    assert "Punkt 24" in response.content.decode()
    assert len(response.context["offene_aufgaben"]) == 27
