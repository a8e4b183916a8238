"""Decisions create tasks, open tasks return on the next agenda, documents keep their versions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from buendnis import services
from buendnis.models import Aufgabe, AufgabeStatus, Beschluss, Gremium, Tagesordnungspunkt
from tests.factories import AufgabeFactory, SitzungFactory


def test_beschluss_with_tasks_is_saved_on_one_page(scenario, welt):
    sitzung = welt["a"]["sitzung"]
    client = scenario.client("koordination")
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("buendnis:beschluss-create", args=[sitzung.pk]),
        {
            "text": "Das Forum Wohnen wird eingerichtet.",
            "datum": "2019-06-27",
            "kernaufgabe": "foren",
            "aufgaben-TOTAL_FORMS": "2",
            "aufgaben-INITIAL_FORMS": "0",
            "aufgaben-0-titel": "Einladung verschicken",
            "aufgaben-0-akteur": scenario.akteur_a.pk,
            "aufgaben-0-faellig_am": due,
            "aufgaben-1-titel": "",
        },
    )
    assert response.status_code == 302
    beschluss = Beschluss.objects.get(text__startswith="Das Forum Wohnen")
    aufgabe = beschluss.aufgaben.get()
    assert aufgabe.akteur == scenario.akteur_a
    assert aufgabe.gremium == sitzung.gremium
    assert aufgabe.buendnis == scenario.a


def test_task_without_owner_or_deadline_is_refused_and_input_kept(scenario, welt):
    sitzung = welt["a"]["sitzung"]
    response = scenario.client("koordination").post(
        reverse("buendnis:beschluss-create", args=[sitzung.pk]),
        {
            "text": "Beschluss ohne Verantwortliche",
            "datum": "2019-06-27",
            "aufgaben-TOTAL_FORMS": "1",
            "aufgaben-INITIAL_FORMS": "0",
            "aufgaben-0-titel": "Irgendwer macht es",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Jede Aufgabe braucht einen verantwortlichen Akteur" in body
    assert "Irgendwer macht es" in body  # nothing typed is lost
    assert not Beschluss.objects.filter(text="Beschluss ohne Verantwortliche").exists()


def test_beschluss_service_refuses_akteur_of_other_buendnis_and_writes_nothing(scenario, welt):
    with pytest.raises(ValidationError):
        services.beschluss_fassen(
            gremium=welt["a"]["gremium"],
            text="x",
            datum=datetime.date(2020, 1, 1),
            by=scenario.users["koordination"],
            aufgaben=[services.AufgabeEntwurf(titel="t", akteur=scenario.akteur_b)],
        )
    assert not Beschluss.objects.filter(text="x").exists()


def test_only_koordination_may_decide(scenario, welt):
    with pytest.raises(PermissionDenied):
        services.beschluss_fassen(
            gremium=welt["a"]["gremium"],
            text="y",
            datum=datetime.date(2020, 1, 1),
            by=scenario.users["mitglied"],
        )


def test_open_tasks_appear_as_standing_item_on_next_meeting_only(scenario, welt):
    gremium = welt["a"]["gremium"]
    naechste = welt["a"]["sitzung"]  # in 7 days
    spaetere = SitzungFactory(gremium=gremium, beginn=timezone.now() + datetime.timedelta(days=40))
    AufgabeFactory(buendnis=scenario.a, gremium=gremium, titel="Offen geblieben")
    AufgabeFactory(
        buendnis=scenario.a, gremium=gremium, titel="Schon erledigt", status=AufgabeStatus.ERLEDIGT
    )
    client = scenario.client("auswertung")
    body = client.get(reverse("buendnis:sitzung-detail", args=[naechste.pk])).content.decode()
    assert "Ständiger Punkt: Offene Aufgaben" in body
    assert "Offen geblieben" in body
    assert "Schon erledigt" not in body
    later = client.get(reverse("buendnis:sitzung-detail", args=[spaetere.pk])).content.decode()
    assert "Ständiger Punkt" not in later


def test_overdue_tasks_stand_out_on_dashboard_and_list(scenario):
    AufgabeFactory(buendnis=scenario.a, titel="Längst fällig", ueberfaellig=True)
    client = scenario.client("koordination")
    dashboard = client.get(reverse("buendnis:dashboard")).content.decode()
    assert "Längst fällig" in dashboard
    liste = client.get(reverse("buendnis:aufgabe-list") + "?ueberfaellig=true").content.decode()
    assert "Längst fällig" in liste
    assert "überfällig" in liste


def test_meine_aufgaben_shows_tasks_of_users_akteur(scenario):
    AufgabeFactory(buendnis=scenario.a, titel="Für die Caritas", akteur=scenario.akteur_a)
    AufgabeFactory(buendnis=scenario.a, titel="Für jemand anderen")
    dashboard = scenario.client("mitglied").get(reverse("buendnis:dashboard"))
    titles = [a.titel for a in dashboard.context["meine_aufgaben"]]
    assert titles == ["Für die Caritas"]


def test_task_status_transitions_record_completion_date(scenario, welt):
    aufgabe = welt["a"]["aufgabe"]
    services.aufgabe_status_setzen(aufgabe=aufgabe, status="erledigt", by=scenario.users["koordination"])
    aufgabe.refresh_from_db()
    assert aufgabe.erledigt_am == timezone.localdate()
    services.aufgabe_status_setzen(aufgabe=aufgabe, status="in_arbeit", by=scenario.users["koordination"])
    aufgabe.refresh_from_db()
    assert aufgabe.erledigt_am is None


def test_invalid_task_status_transition_is_refused(scenario, welt):
    aufgabe = welt["a"]["aufgabe"]
    Aufgabe.objects.filter(pk=aufgabe.pk).update(status=AufgabeStatus.ERLEDIGT)
    aufgabe.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.aufgabe_status_setzen(aufgabe=aufgabe, status="offen", by=scenario.users["koordination"])
    assert "kann nicht" in exc.value.messages[0]


def test_agenda_items_are_appended_in_order(scenario, welt):
    sitzung = welt["a"]["sitzung"]
    client = scenario.client("koordination")
    client.post(reverse("buendnis:top-create", args=[sitzung.pk]), {"titel": "Bericht", "beschreibung": ""})
    client.post(
        reverse("buendnis:top-create", args=[sitzung.pk]), {"titel": "Verschiedenes", "beschreibung": ""}
    )
    assert list(sitzung.tagesordnungspunkte.values_list("position", "titel")) == [
        (1, "TOP a"),
        (2, "Bericht"),
        (3, "Verschiedenes"),
    ]
    assert Tagesordnungspunkt.objects.filter(sitzung=sitzung).count() == 3


def test_document_versions_are_kept(scenario, welt):
    vv = welt["a"]["vereinbarung"]
    client = scenario.client("koordination")
    for i in (1, 2):
        datei = SimpleUploadedFile(f"vereinbarung{i}.pdf", b"%PDF-1.4 test " + bytes([48 + i]))
        response = client.post(reverse("buendnis:dokument-create", args=[vv.pk]), {"datei": datei})
        assert response.status_code == 302
    assert list(vv.dokumente.order_by("version").values_list("version", flat=True)) == [1, 2]
    dok = vv.dokumente.get(version=1)
    download = client.get(reverse("buendnis:dokument-download", args=[dok.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert (
        scenario.client("koordination_b")
        .get(reverse("buendnis:dokument-download", args=[dok.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "meldung"),
    [
        ("boese.exe", b"MZ", "Erlaubt sind nur"),
        ("falsch.pdf", b"<html>", "keine gültige PDF"),
        ("falsch.docx", b"hello", "kein gültiges Word"),
    ],
)
def test_bad_documents_are_refused_with_german_message(scenario, welt, name, content, meldung):
    vv = welt["a"]["vereinbarung"]
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:dokument-create", args=[vv.pk]),
        {"datei": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert meldung in response.content.decode()
    assert vv.dokumente.count() == 0


def test_detail_page_shows_who_changed_what(scenario, welt):
    gremium = welt["a"]["gremium"]
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:gremium-update", args=[gremium.pk]),
        {"art": "forum", "name": gremium.name, "format": "arbeitsgruppe", "status": "eingerichtet"},
    )
    assert response.status_code == 302
    body = client.get(reverse("buendnis:gremium-detail", args=[gremium.pk])).content.decode()
    assert "Änderungsverlauf" in body
    assert "koord" in body
    assert "eingerichtet" in body
    assert Gremium.history.filter(id=gremium.pk).count() == 2


def test_second_kerngruppe_in_same_buendnis_is_refused(scenario):
    client = scenario.client("koordination")
    data = {"art": "kerngruppe", "format": "arbeitsgruppe", "status": "eingerichtet"}
    assert client.post(reverse("buendnis:gremium-create"), {**data, "name": "KG 1"}).status_code == 302
    response = client.post(reverse("buendnis:gremium-create"), {**data, "name": "KG 2"})
    assert response.status_code == 200
    assert not Gremium.objects.filter(name="KG 2").exists()
