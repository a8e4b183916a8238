"""Journey: the coordination plans a meeting of the core group, puts the agenda in order by keyboard, invites the
members (e-mail with calendar file), records attendance, the minutes and a decision with five tasks once the
meeting has taken place, and the minutes are approved at the next meeting. The person a task is given to receives
an e-mail; the tasks stand on the next meeting by themselves."""

import datetime
import re

import icalendar
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.helpers import field

TITEL = "Kerngruppe: Übergänge gestalten (Browsertest)"
ZWEITE = "Kerngruppe: Rückblick (Browsertest)"
AUFGABEN = [
    ("Raumplanung für die Sprachkurse", "Jobcenter Rhein-Kreis Neuss", None),
    ("Träger für Kinderbetreuung anfragen", "Diakonie Rhein-Kreis Neuss", None),
    ("Bedarfszahlen an das Land melden", "Kommunales Integrationszentrum Rhein-Kreis Neuss", None),
    ("Flyer in fünf Sprachen drucken", "Volkshochschule Neuss", None),
    ("Ehrenamtliche für das Sprachcafé gewinnen", None, "Mika Mitglied"),
]


def betreff(nachricht) -> str:
    return str(nachricht["Subject"]).strip()


def status_meldung(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def test_coordination_plans_invites_holds_and_approves_a_meeting(as_user, live_server, smtp_server):
    from buendnis.models import Aufgabe, Gremium, GremiumArt, Sitzung, SitzungStatus, User

    koordination_user = User.objects.get(username="koordination")
    mitglied = User.objects.get(username="mitglied")
    kerngruppe = Gremium.objects.get(buendnis=koordination_user.buendnis, art=GremiumArt.KERNGRUPPE)
    page = as_user("koordination")

    # Plan the meeting for next week.
    beginn = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=7
    )
    page.goto(f"{live_server.url}/sitzungen/neu/?gremium={kerngruppe.pk}")
    field(page, "Titel").fill(TITEL)
    field(page, "Beginn").fill(f"{beginn:%Y-%m-%dT%H:%M}")
    field(page, "Ende").fill(f"{beginn + datetime.timedelta(hours=2):%Y-%m-%dT%H:%M}")
    field(page, "Ort").fill("Kreishaus Neuss, Raum 101")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITEL)
    sitzung = Sitzung.objects.get(titel=TITEL)

    # The agenda, then one item moved up by keyboard alone.
    for titel in ("Bericht aus den Foren", "Begrüßung", "Verschiedenes"):
        field(page, "Titel").fill(titel)
        page.get_by_role("button", name="Anfügen").click()
        expect(status_meldung(page, "Tagesordnungspunkt angefügt.")).to_be_visible()
    hoch = page.get_by_role("button", name="„Begrüßung“ nach oben")
    hoch.focus()
    page.keyboard.press("Enter")
    expect(status_meldung(page, "„Begrüßung“ ist jetzt TOP 1.")).to_be_visible()
    begruessung = sitzung.tagesordnungspunkte.get(titel="Begrüßung")
    # Back on the page, the focus is on the moved item (its "up" button is gone: it is first now).
    expect(page.locator(f"#top-{begruessung.pk}")).to_be_focused()
    page.get_by_role("button", name="„Verschiedenes“ nach oben").focus()
    page.keyboard.press("Space")
    expect(status_meldung(page, "„Verschiedenes“ ist jetzt TOP 2.")).to_be_visible()
    # The same button again has the focus: one more key press would move the item further.
    expect(page.get_by_role("button", name="„Verschiedenes“ nach oben")).to_be_focused()
    assert list(sitzung.tagesordnungspunkte.order_by("position").values_list("titel", flat=True)) == [
        "Begrüßung",
        "Verschiedenes",
        "Bericht aus den Foren",
    ]

    # The invitation: every member's address, one e-mail each, with the agenda and a calendar event.
    page.get_by_label("Nachricht an die Eingeladenen (freiwillig)").fill("Bitte bringen Sie Ihre Zahlen mit.")
    page.get_by_role("button", name="Einladung senden").click()
    expect(status_meldung(page, "Einladung an")).to_be_visible()
    einladung = smtp_server.an("mitglied@demo.invalid")
    assert len(einladung) == 1
    assert betreff(einladung[0]) == f"Einladung: {TITEL} am {beginn:%d.%m.%Y}"
    assert "1. Begrüßung" in smtp_server.text(einladung[0])
    cal = icalendar.Calendar.from_ical(smtp_server.kalender(einladung[0])[0])
    event = next(iter(cal.walk("VEVENT")))
    assert (str(cal["METHOD"]), str(event["UID"]), event["SEQUENCE"]) == ("REQUEST", sitzung.ics_uid, 0)
    assert event.decoded("DTSTART") == beginn
    assert all(len(n.empfaenger) == 1 for n in smtp_server.nachrichten)

    # A browser cannot travel in time: the meeting is moved into the past, then it is marked as held.
    Sitzung.objects.filter(pk=sitzung.pk).update(
        beginn=timezone.now() - datetime.timedelta(hours=3), ende=timezone.now() - datetime.timedelta(hours=1)
    )
    page.reload()
    page.get_by_role("button", name="Als durchgeführt markieren").click()
    expect(status_meldung(page, "als durchgeführt markiert")).to_be_visible()

    # Attendance with the quorum, and a guest.
    page.get_by_label("Caritasverband Rhein-Kreis Neuss", exact=True).select_option(label="anwesend")
    page.get_by_label("Jobcenter Rhein-Kreis Neuss", exact=True).select_option(label="anwesend")
    page.get_by_label("Diakonie Rhein-Kreis Neuss", exact=True).select_option(label="entschuldigt")
    page.get_by_role("button", name="Teilnahme speichern").click()
    expect(status_meldung(page, "Teilnahme gespeichert.")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^2 von \d+ Mitgliedern anwesend – nicht beschlussfähig"))
    ).to_be_visible()
    field(page, "Name des Gastes (und Organisation)").fill("Dr. Gerda Gast (IHK)")
    page.get_by_role("button", name="Gast eintragen").click()
    expect(status_meldung(page, "Gast eingetragen.")).to_be_visible()

    # The minutes per agenda item.
    page.get_by_role("link", name="Protokoll schreiben").click()
    page.get_by_label("TOP 1: Begrüßung").fill("Die Leitung begrüßt die Runde und den Gast.")
    page.get_by_label("TOP 3: Bericht aus den Foren").fill("Das Forum Sprache hat zweimal getagt.")
    page.get_by_role("button", name="Protokoll speichern").click()
    expect(status_meldung(page, "Protokoll gespeichert.")).to_be_visible()
    expect(page.get_by_text("Das Forum Sprache hat zweimal getagt.")).to_be_visible()
    assert axe_violations(page) == []

    # A decision with five tasks: two more rows than the form starts with.
    page.get_by_role("link", name="Beschluss fassen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beschluss fassen")
    field(page, "Beschlusstext").fill("Das Bündnis richtet zum Herbst zusätzliche Sprachkurse ein.")
    field(page, "Tagesordnungspunkt").select_option(label="TOP 3: Bericht aus den Foren")
    page.get_by_role("button", name="weitere Aufgabe").click()
    expect(page.get_by_role("group", name="Aufgabe 4")).to_be_visible()
    expect(field(page.get_by_role("group", name="Aufgabe 4"), "Aufgabe")).to_be_focused()
    page.get_by_role("button", name="weitere Aufgabe").click()
    frist = timezone.localdate() + datetime.timedelta(days=30)
    for nr, (titel, akteur, person) in enumerate(AUFGABEN, 1):
        zeile = page.get_by_role("group", name=f"Aufgabe {nr}")
        field(zeile, "Aufgabe").fill(titel)
        if akteur:
            field(zeile, "verantwortlicher Akteur").select_option(label=akteur)
        if person:
            field(zeile, "zuständige Person").select_option(label=person)
        field(zeile, "fällig am").fill(f"{frist:%Y-%m-%d}")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Beschluss speichern").click()
    expect(status_meldung(page, "Beschluss gespeichert, 5 Aufgaben angelegt.")).to_be_visible()
    assert Aufgabe.objects.filter(beschluss__sitzung=sitzung).count() == 5

    # The person the fifth task went to is told by e-mail.
    aufgabe_mail = [
        n for n in smtp_server.an("mitglied@demo.invalid") if betreff(n).startswith("Neue Aufgabe")
    ]
    assert [betreff(n) for n in aufgabe_mail] == [f"Neue Aufgabe: {AUFGABEN[4][0]}"]
    assert "Das Bündnis richtet zum Herbst zusätzliche Sprachkurse ein." in smtp_server.text(aufgabe_mail[0])
    assert smtp_server.an("koordination@demo.invalid") == []

    # The meeting page as it now stands is accessible.
    assert axe_violations(page) == []

    # The next meeting, today: the tasks stand on it at once, and it approves the first meeting's minutes.
    zweite_beginn = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(minutes=30)
    page.goto(f"{live_server.url}/sitzungen/neu/?gremium={kerngruppe.pk}")
    field(page, "Titel").fill(ZWEITE)
    field(page, "Beginn").fill(f"{zweite_beginn:%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ZWEITE)
    offene = page.get_by_role("region", name="Ständiger Punkt: Offene Aufgaben aus früheren Beschlüssen")
    for titel, _, _ in AUFGABEN:
        expect(offene.get_by_role("link", name=titel)).to_be_visible()
    genehmigung = page.get_by_role("region", name="Genehmigung früherer Protokolle")
    genehmigung.get_by_role("button", name=re.compile(rf"^Protokoll der Sitzung {re.escape(TITEL)}")).click()
    expect(status_meldung(page, "ist genehmigt")).to_be_visible()
    sitzung.refresh_from_db()
    assert sitzung.protokoll_gesperrt and sitzung.status == SitzungStatus.DURCHGEFUEHRT
    assert sitzung.protokoll_genehmigt_in.titel == ZWEITE

    # The first meeting is now final, and its minutes read like minutes.
    page.goto(f"{live_server.url}{sitzung.get_absolute_url()}")
    expect(page.get_by_text("Protokoll genehmigt", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Bearbeiten", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Teilnahme speichern")).to_have_count(0)
    page.get_by_role("link", name="Protokoll (HTML)").click()
    expect(page.get_by_role("heading", level=2, name="TOP 1: Begrüßung")).to_have_count(1)
    expect(page.get_by_role("heading", level=2, name="Teilnahme")).to_be_visible()
    expect(page.get_by_text("Dr. Gerda Gast (IHK)")).to_be_visible()
    expect(page.get_by_text(f"Genehmigt in der Sitzung „{ZWEITE}“")).to_be_visible()
    expect(
        page.get_by_text(f"Aufgabe: {AUFGABEN[4][0]} – Mika Mitglied, bis {frist:%d.%m.%Y}")
    ).to_be_visible()
    assert mitglied.email == "mitglied@demo.invalid"
