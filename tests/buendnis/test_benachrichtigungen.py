"""Notifications: in the person's list and by e-mail through the queue, as each person chose (at once, daily digest,
none); the daily run with task deadlines; the pages "Benachrichtigungen" and their settings; failed e-mails shown
to the coordination of their Bündnis only."""

from __future__ import annotations

import datetime
import io
import socket

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from buendnis import benachrichtigungen
from buendnis.models import (
    AufgabeStatus,
    Benachrichtigung,
    BenachrichtigungArt,
    Benachrichtigungseinstellung,
    MailStatus,
    Mailversand,
    Zustellung,
)
from buendnis.tasks import naechsten_lauf_einplanen, naechster_termin, taeglicher_lauf_task
from tests.factories import AufgabeFactory
from tests.worker import DATABASE_TASKS, db_worker_batch

Art = BenachrichtigungArt
HEUTE = datetime.date(2024, 5, 6)
LISTE = reverse("buendnis:benachrichtigung-list")
EINSTELLUNGEN = reverse("buendnis:benachrichtigung-einstellungen")


@pytest.fixture
def personen(scenario):
    """Every account of the scenario has an e-mail address `<role>@example.org`."""
    for rolle, user in scenario.users.items():
        user.email = f"{rolle}@example.org"
        user.save()
    return scenario.users


def melden(empfaenger, titel="Angebot „Deutsch B1“ eingereicht", art=Art.ANGEBOT_EINGEREICHT, **kwargs):
    return benachrichtigungen.benachrichtigen(
        empfaenger=empfaenger,
        art=art,
        titel=titel,
        text=kwargs.pop("text", "Bitte prüfen Sie das Angebot."),
        link=kwargs.pop("link", "/angebote/1/"),
        **kwargs,
    )


def waehlen(user, art, zustellung):
    Benachrichtigungseinstellung.objects.create(benutzer=user, art=art, zustellung=zustellung)


def betreff(mail) -> str:
    # A long encoded subject is folded onto a continuation line; the reader sees it as one line.
    return " ".join(str(mail["Subject"]).split())


def freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Delivery as each person chose ---------------------------------------------------------------------------------


def test_notification_is_listed_and_mailed_at_once_through_smtp(scenario, personen, smtp_server):
    melden([personen["koordination"]])

    zeile = Benachrichtigung.objects.get()
    assert (zeile.empfaenger, zeile.zustellung, zeile.gelesen_am) == (
        personen["koordination"],
        Zustellung.SOFORT,
        None,
    )
    assert zeile.gemailt_am is not None
    [mail] = smtp_server.nachrichten
    assert mail.empfaenger == ["koordination@example.org"]
    assert betreff(mail) == "Angebot „Deutsch B1“ eingereicht"
    text = smtp_server.text(mail)
    assert "Bitte prüfen Sie das Angebot." in text and "http://127.0.0.1:8000/angebote/1/" in text
    assert "/benachrichtigungen/einstellungen/" in text
    versand = Mailversand.objects.get()
    assert (versand.status, versand.buendnis_id) == (MailStatus.GESENDET, scenario.a.pk)


def test_the_actor_and_inactive_people_are_not_notified(personen, smtp_server):
    personen["kommune_a2"].is_active = False
    personen["kommune_a2"].save()
    melden(
        [personen["koordination"], personen["kommune"], personen["kommune_a2"]], ausser=personen["kommune"]
    )
    assert list(Benachrichtigung.objects.values_list("empfaenger__username", flat=True)) == ["koord"]
    assert [m.empfaenger for m in smtp_server.nachrichten] == [["koordination@example.org"]]


def test_keine_email_keeps_the_notification_in_the_list_only(personen, smtp_server):
    waehlen(personen["koordination"], Art.ANGEBOT_EINGEREICHT, Zustellung.KEINE)
    melden([personen["koordination"]])
    benachrichtigungen.taeglicher_lauf(HEUTE)
    zeile = Benachrichtigung.objects.get()
    assert (zeile.zustellung, zeile.gemailt_am) == (Zustellung.KEINE, None)
    assert smtp_server.nachrichten == []
    # Another kind is still mailed at once.
    melden([personen["koordination"]], titel="Förderantrag eingereicht", art=Art.ANTRAG_EINGEREICHT)
    assert [betreff(m) for m in smtp_server.nachrichten] == ["Förderantrag eingereicht"]


def test_without_an_address_the_notification_is_listed_only(personen, smtp_server):
    personen["kommune"].email = ""
    personen["kommune"].save()
    melden([personen["kommune"]])
    assert Benachrichtigung.objects.get().gemailt_am is None
    assert smtp_server.nachrichten == []


def test_daily_digest_collects_the_days_notifications_in_one_mail(personen, smtp_server):
    koord = personen["koordination"]
    waehlen(koord, Art.ANGEBOT_EINGEREICHT, Zustellung.TAEGLICH)
    melden([koord], titel="Angebot „Deutsch B1“ eingereicht", link="/angebote/1/")
    melden([koord], titel="Angebot „Coaching“ eingereicht", text="Von Adorf.", link="/angebote/2/")
    melden([personen["kommune"]], titel="Sofort für Aheim")
    assert [m.empfaenger for m in smtp_server.nachrichten] == [["kommune@example.org"]]

    ergebnis = benachrichtigungen.taeglicher_lauf(HEUTE)

    assert ergebnis["zusammenfassungen"] == 1
    [digest] = smtp_server.an("koordination@example.org")
    assert betreff(digest) == "Ihre Benachrichtigungen vom 06.05.2024"
    text = smtp_server.text(digest)
    assert "1. Angebot „Deutsch B1“ eingereicht" in text and "2. Angebot „Coaching“ eingereicht" in text
    assert "Von Adorf." in text and "http://127.0.0.1:8000/angebote/2/" in text
    assert not Benachrichtigung.objects.filter(empfaenger=koord, gemailt_am__isnull=True).exists()
    assert len(smtp_server.an("kommune@example.org")) == 1  # not mailed again in a digest

    benachrichtigungen.taeglicher_lauf(HEUTE + datetime.timedelta(days=1))
    assert len(smtp_server.nachrichten) == 2


def test_a_key_makes_a_repeated_check_notify_once(personen, smtp_server):
    for _ in range(2):
        melden([personen["koordination"]], schluessel="frist:1")
    assert Benachrichtigung.objects.count() == 1 and len(smtp_server.nachrichten) == 1


# Task deadlines in the daily run -------------------------------------------------------------------------------


def test_tasks_due_in_seven_days_and_overdue_are_announced_once(scenario, personen, smtp_server):
    faellig = AufgabeFactory(
        buendnis=scenario.a,
        titel="Protokoll verschicken",
        zustaendig=personen["kommune"],
        faellig_am=HEUTE + datetime.timedelta(days=7),
    )
    ueberfaellig = AufgabeFactory(
        buendnis=scenario.a,
        titel="Raum buchen",
        akteur=scenario.akteur_a,
        faellig_am=HEUTE - datetime.timedelta(days=1),
    )
    AufgabeFactory(
        buendnis=scenario.a, zustaendig=personen["kommune"], faellig_am=HEUTE + datetime.timedelta(days=9)
    )
    AufgabeFactory(
        buendnis=scenario.a,
        zustaendig=personen["kommune"],
        faellig_am=HEUTE - datetime.timedelta(days=2),
        status=AufgabeStatus.ERLEDIGT,
    )
    AufgabeFactory(buendnis=scenario.b, zustaendig=personen["koordination_b"], faellig_am=HEUTE)

    ergebnis = benachrichtigungen.taeglicher_lauf(HEUTE)
    benachrichtigungen.taeglicher_lauf(HEUTE + datetime.timedelta(days=1))

    assert (ergebnis["aufgaben_faellig"], ergebnis["aufgaben_ueberfaellig"]) == (1, 1)
    zeilen = Benachrichtigung.objects.filter(empfaenger__buendnis=scenario.a)
    assert sorted(zeilen.values_list("empfaenger__username", "art", "schluessel")) == [
        ("kom-a1", Art.AUFGABE_FAELLIG, f"aufgabe_faellig:{faellig.pk}:{faellig.faellig_am}"),
        # The task of the Akteur, without a responsible person: the Akteur's accounts.
        (
            "mitglied",
            Art.AUFGABE_UEBERFAELLIG,
            f"aufgabe_ueberfaellig:{ueberfaellig.pk}:{ueberfaellig.faellig_am}",
        ),
    ]
    [an_kommune] = smtp_server.an("kommune@example.org")
    assert betreff(an_kommune) == "Aufgabe fällig am 13.05.2024: Protokoll verschicken"
    assert f"/aufgaben/{faellig.pk}/" in smtp_server.text(an_kommune)
    [an_mitglied] = smtp_server.an("mitglied@example.org")
    assert betreff(an_mitglied) == "Aufgabe überfällig (seit 05.05.2024): Raum buchen"
    for rolle in ("koordination", "kommune_a2", "auswertung", "land"):
        assert smtp_server.an(f"{rolle}@example.org") == [], rolle
    # The other Bündnis's task reached its own person only, on the day after its deadline.
    assert list(
        Benachrichtigung.objects.filter(empfaenger__buendnis=scenario.b).values_list("art", flat=True)
    ) == [Art.AUFGABE_UEBERFAELLIG]


def test_a_new_due_date_is_announced_again(scenario, personen, smtp_server):
    aufgabe = AufgabeFactory(
        buendnis=scenario.a, zustaendig=personen["kommune"], faellig_am=HEUTE + datetime.timedelta(days=3)
    )
    benachrichtigungen.taeglicher_lauf(HEUTE)
    aufgabe.faellig_am = HEUTE + datetime.timedelta(days=5)
    aufgabe.save()
    benachrichtigungen.taeglicher_lauf(HEUTE)
    assert Benachrichtigung.objects.filter(art=Art.AUFGABE_FAELLIG).count() == 2


def test_a_failing_check_does_not_stop_the_daily_run(personen, smtp_server, monkeypatch):
    from buendnis import registry

    def kaputt(heute):
        raise RuntimeError("Prüfung kaputt")

    monkeypatch.setitem(registry._taegliche_pruefungen, "test.kaputt", kaputt)
    waehlen(personen["koordination"], Art.ANGEBOT_EINGEREICHT, Zustellung.TAEGLICH)
    melden([personen["koordination"]])
    ergebnis = benachrichtigungen.taeglicher_lauf(HEUTE)
    assert ergebnis["fehler"] == 1 and ergebnis["zusammenfassungen"] == 1
    assert len(smtp_server.an("koordination@example.org")) == 1


def test_command_runs_the_daily_run_now(scenario, personen, smtp_server):
    AufgabeFactory(
        buendnis=scenario.a, zustaendig=personen["kommune"], faellig_am=HEUTE + datetime.timedelta(days=1)
    )
    out = io.StringIO()
    call_command("benachrichtigungen_pruefen", datum=HEUTE.isoformat(), stdout=out)
    assert "Täglicher Lauf vom 2024-05-06: 1 Aufgabenhinweise" in out.getvalue()
    assert len(smtp_server.an("kommune@example.org")) == 1


def test_command_plans_one_daily_run_however_often_it_is_called(db, settings):
    settings.TASKS = DATABASE_TASKS
    for _ in range(3):
        call_command("benachrichtigungen_pruefen", einplanen=True, stdout=io.StringIO())
    [lauf] = DBTaskResult.objects.filter(task_path=taeglicher_lauf_task.module_path)
    assert lauf.status == TaskResultStatus.READY
    termin = timezone.localtime(lauf.run_after)
    assert (termin.hour, termin.minute) == (6, 30) and termin > timezone.now()


def test_next_run_is_the_next_half_past_six_local_time():
    berlin = timezone.get_current_timezone()
    frueh = datetime.datetime(2024, 5, 6, 5, 0, tzinfo=berlin)
    spaet = datetime.datetime(2024, 5, 6, 6, 30, tzinfo=berlin)
    assert naechster_termin(frueh) == datetime.datetime(2024, 5, 6, 6, 30, tzinfo=berlin)
    assert naechster_termin(spaet) == datetime.datetime(2024, 5, 7, 6, 30, tzinfo=berlin)


def test_immediate_queue_plans_nothing(db):
    # Tests run tasks inline: a run planned "for tomorrow" would run at once, forever.
    assert naechsten_lauf_einplanen() is None


def test_worker_runs_the_daily_run_and_plans_the_next(referenzdaten, scenario, settings):
    settings.TASKS = DATABASE_TASKS
    AufgabeFactory(
        buendnis=scenario.a,
        zustaendig=scenario.users["kommune"],
        faellig_am=timezone.localdate() + datetime.timedelta(days=2),
    )
    taeglicher_lauf_task.enqueue()

    db_worker_batch()

    assert Benachrichtigung.objects.filter(
        art=Art.AUFGABE_FAELLIG, empfaenger=scenario.users["kommune"]
    ).exists()
    laeufe = DBTaskResult.objects.filter(task_path=taeglicher_lauf_task.module_path)
    assert sorted(laeufe.values_list("status", flat=True)) == [
        TaskResultStatus.READY,
        TaskResultStatus.SUCCESSFUL,
    ]
    naechster = laeufe.get(status=TaskResultStatus.READY)
    assert naechster.run_after == naechster_termin()


# Failed e-mails: retried, and visible to the coordination of their Bündnis ------------------------------------


def test_failed_mail_is_retried_and_shown_to_the_coordination_of_its_buendnis_only(
    scenario, personen, smtp_server, settings
):
    settings.EMAIL_PORT = freier_port()  # nobody listens: the mail server cannot be reached
    settings.MAIL_WIEDERHOLUNG_SEKUNDEN = [60]
    melden([personen["kommune"]], titel="Erinnerung: Erhebung 2024")
    melden([personen["kommune_b1"]], titel="Erinnerung: Erhebung B")

    versand = Mailversand.objects.get(buendnis=scenario.a)
    # Inline the retry follows at once; in production after the pause.
    assert (versand.status, versand.versuche, versand.empfaenger) == (
        MailStatus.FEHLGESCHLAGEN,
        2,
        "kommune@example.org",
    )
    assert "ConnectionRefusedError" in versand.letzter_fehler

    seite = scenario.client("koordination").get(LISTE).content.decode()
    assert "E-Mails, die nicht zugestellt werden konnten" in seite
    assert "Erinnerung: Erhebung 2024" in seite and "kommune@example.org" in seite
    assert "Erinnerung: Erhebung B" not in seite
    seite_b = scenario.client("koordination_b").get(LISTE).content.decode()
    assert "Erinnerung: Erhebung B" in seite_b and "Erinnerung: Erhebung 2024" not in seite_b
    for rolle in ("kommune", "mitglied", "auswertung", "land", "admin"):
        seite = scenario.client(rolle).get(LISTE).content.decode()
        assert "nicht zugestellt werden konnten" not in seite, rolle


def test_failed_mail_waits_for_its_retry_in_the_queue(referenzdaten, scenario, settings):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", freier_port()
    settings.MAIL_WIEDERHOLUNG_SEKUNDEN = [60]
    kommune = scenario.users["kommune"]
    kommune.email = "kommune@example.org"
    kommune.save()
    melden([kommune], titel="Erinnerung: Erhebung 2024")
    assert not Mailversand.objects.exists()  # queued, not sent in the request

    db_worker_batch()

    versand = Mailversand.objects.get()
    assert (versand.status, versand.versuche, versand.buendnis_id) == (
        MailStatus.WIEDERHOLUNG,
        1,
        scenario.a.pk,
    )
    seite = scenario.client("koordination").get(LISTE).content.decode()
    assert "Erinnerung: Erhebung 2024" in seite and "neuer Versuch geplant" in seite
    assert "Erinnerung: Erhebung 2024" not in scenario.client("koordination_b").get(LISTE).content.decode()


# The pages -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LISTE, EINSTELLUNGEN])
def test_every_signed_in_role_has_the_pages_anonymous_signs_in(role_client, role, url):
    response = role_client.get(url)
    if role == "anonym":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 200


def test_list_shows_own_notifications_only_newest_first_unread_marked(scenario, personen):
    melden([personen["kommune"]], titel="Erste für Aheim")
    [zweite] = melden([personen["kommune"]], titel="Zweite für Aheim")
    melden([personen["kommune_a2"]], titel="Für Adorf")
    melden([personen["koordination"]], titel="Für die Koordination")
    Benachrichtigung.objects.filter(pk=zweite.pk).update(
        erstellt_am=timezone.now() + datetime.timedelta(minutes=1)
    )
    Benachrichtigung.objects.filter(titel="Erste für Aheim").update(gelesen_am=timezone.now())

    seite = scenario.client("kommune").get(LISTE).content.decode()

    assert seite.index("Zweite für Aheim") < seite.index("Erste für Aheim")
    assert "<strong>Zweite für Aheim</strong>" in seite and "<strong>Erste für Aheim</strong>" not in seite
    assert seite.count(">neu</span>") == 1
    assert "Für Adorf" not in seite and "Für die Koordination" not in seite
    assert "Ungelesen (1)" in seite
    nur_neu = scenario.client("kommune").get(LISTE, {"nur": "ungelesen"}).content.decode()
    assert "Zweite für Aheim" in nur_neu and "Erste für Aheim" not in nur_neu


def test_list_is_paginated(scenario, personen):
    for i in range(30):
        melden([personen["kommune"]], titel=f"Nummer {i:02d}")
    erste = scenario.client("kommune").get(LISTE)
    assert len(erste.context["object_list"]) == 25
    assert "Seite 1 von 2" in erste.content.decode()


def test_opening_marks_read_and_goes_to_the_object(scenario, personen):
    [zeile] = melden([personen["kommune"]], link="/angebote/7/")
    response = scenario.client("kommune").post(reverse("buendnis:benachrichtigung-oeffnen", args=[zeile.pk]))
    assert response.status_code == 302 and response.url == "/angebote/7/"
    zeile.refresh_from_db()
    assert zeile.gelesen_am is not None


@pytest.mark.parametrize("rolle", ["kommune_a2", "koordination", "koordination_b", "land", "admin"])
def test_nobody_opens_someone_elses_notification(scenario, personen, rolle):
    [zeile] = melden([personen["kommune"]])
    response = scenario.client(rolle).post(reverse("buendnis:benachrichtigung-oeffnen", args=[zeile.pk]))
    assert response.status_code == 404
    zeile.refresh_from_db()
    assert zeile.gelesen_am is None


def test_opening_needs_post_and_sign_in(scenario, personen):
    [zeile] = melden([personen["kommune"]])
    url = reverse("buendnis:benachrichtigung-oeffnen", args=[zeile.pk])
    assert scenario.client("kommune").get(url).status_code == 405
    response = scenario.client("anonym").post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    zeile.refresh_from_db()
    assert zeile.gelesen_am is None


@pytest.mark.parametrize(
    "link", ["https://boese.example/", "//boese.example/pfad", "javascript:alert(1)", "/\\boese.example"]
)
def test_opening_refuses_a_link_outside_the_site(scenario, personen, link):
    [zeile] = melden([personen["kommune"]], link=link)
    response = scenario.client("kommune").post(
        reverse("buendnis:benachrichtigung-oeffnen", args=[zeile.pk]), follow=True
    )
    assert response.redirect_chain == [(LISTE, 302)]
    assert "führt nicht zu einer Seite der Anwendung" in response.content.decode()


def test_mark_all_read_touches_own_notifications_only(scenario, personen):
    melden([personen["kommune"], personen["kommune_a2"]])
    melden([personen["kommune"]], titel="Noch eine")
    response = scenario.client("kommune").post(reverse("buendnis:benachrichtigung-alle-gelesen"), follow=True)
    assert "2 Benachrichtigung(en) als gelesen markiert." in response.content.decode()
    assert not Benachrichtigung.objects.filter(
        empfaenger=personen["kommune"], gelesen_am__isnull=True
    ).exists()
    assert Benachrichtigung.objects.get(empfaenger=personen["kommune_a2"]).gelesen_am is None


def test_settings_offer_the_kinds_of_the_role_and_store_the_choice(scenario, personen):
    client = scenario.client("kommune")
    formular = client.get(EINSTELLUNGEN).context["form"]
    assert Art.ERHEBUNG_ERINNERUNG in formular.fields and Art.ANGEBOT_EINGEREICHT not in formular.fields
    daten = {name: Zustellung.SOFORT for name in formular.fields}
    daten[Art.ERHEBUNG_ERINNERUNG] = Zustellung.TAEGLICH
    daten[Art.AUFGABE_FAELLIG] = Zustellung.KEINE

    response = client.post(EINSTELLUNGEN, daten, follow=True)

    assert "Einstellungen gespeichert." in response.content.decode()
    assert dict(
        Benachrichtigungseinstellung.objects.filter(benutzer=personen["kommune"]).values_list(
            "art", "zustellung"
        )
    ) == {Art.ERHEBUNG_ERINNERUNG: Zustellung.TAEGLICH, Art.AUFGABE_FAELLIG: Zustellung.KEINE}
    assert response.context["form"][Art.ERHEBUNG_ERINNERUNG].initial == Zustellung.TAEGLICH
    # Back to the default: the row goes.
    client.post(EINSTELLUNGEN, {**daten, Art.AUFGABE_FAELLIG: Zustellung.SOFORT})
    assert list(
        Benachrichtigungseinstellung.objects.filter(benutzer=personen["kommune"]).values_list(
            "art", flat=True
        )
    ) == [Art.ERHEBUNG_ERINNERUNG]
    assert not Benachrichtigungseinstellung.objects.exclude(benutzer=personen["kommune"]).exists()


def test_settings_refuse_an_unknown_choice_and_change_nothing(scenario, personen):
    client = scenario.client("kommune")
    daten = {name: Zustellung.KEINE for name in client.get(EINSTELLUNGEN).context["form"].fields}
    response = client.post(EINSTELLUNGEN, {**daten, Art.ERHEBUNG_ERINNERUNG: "stuendlich"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Benachrichtigungseinstellung.objects.exists()


def test_settings_show_the_address_or_the_hint_without_one(scenario, personen):
    assert "kommune@example.org" in scenario.client("kommune").get(EINSTELLUNGEN).content.decode()
    personen["kommune"].email = ""
    personen["kommune"].save()
    seite = scenario.client("kommune").get(EINSTELLUNGEN).content.decode()
    assert "Ohne E-Mail-Adresse erhalten Sie Benachrichtigungen nur hier." in seite


def test_settings_show_every_kind_a_person_has_received(scenario, personen):
    melden([personen["auswertung"]], art=Art.ANGEBOT_EINGEREICHT)
    felder = scenario.client("auswertung").get(EINSTELLUNGEN).context["form"].fields
    assert Art.ANGEBOT_EINGEREICHT in felder and Art.AUFGABE_FAELLIG in felder
    assert Art.ANTRAG_EINGEREICHT not in felder
