"""Decisions create tasks, open tasks return on the next agenda, documents keep their versions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from buendnis import services, uploads
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
    assert "Das Bündnis hat schon eine Bündniskerngruppe." in response.content.decode()
    assert not Gremium.objects.filter(name="KG 2").exists()


@pytest.mark.parametrize(
    ("name", "content", "meldung"),
    [
        ("alt.doc", b"<html>kein Word</html>", "kein gültiges Word-Dokument (.doc)"),
        ("binaer.txt", b"MZ\x00\x00\x00", "keine Textdatei"),
        ("leer.pdf", b"", "Die ausgewählte Datei ist leer."),
    ],
)
def test_documents_with_wrong_content_are_refused_with_german_message(scenario, welt, name, content, meldung):
    vv = welt["a"]["vereinbarung"]
    response = scenario.client("koordination").post(
        reverse("buendnis:dokument-create", args=[vv.pk]),
        {"datei": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert meldung in response.content.decode()
    assert vv.dokumente.count() == 0


def test_real_doc_and_text_files_are_accepted(scenario, welt):
    vv = welt["a"]["vereinbarung"]
    client = scenario.client("koordination")
    for name, content in (("alt.doc", uploads.OLE_KENNUNG + b"rest"), ("notiz.txt", "Übergabe".encode())):
        response = client.post(
            reverse("buendnis:dokument-create", args=[vv.pk]), {"datei": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 302
    assert vv.dokumente.count() == 2


def test_too_large_document_is_refused_with_german_message(scenario, welt, settings):
    settings.DOKUMENT_MAX_BYTES = 2 * 1024 * 1024
    vv = welt["a"]["vereinbarung"]
    datei = SimpleUploadedFile("gross.pdf", b"%PDF-1.4 " + b"x" * (2 * 1024 * 1024))
    response = scenario.client("koordination").post(
        reverse("buendnis:dokument-create", args=[vv.pk]), {"datei": datei}, follow=True
    )
    assert "Die Datei ist zu groß (höchstens 2 MB)." in response.content.decode()
    assert vv.dokumente.count() == 0


def test_upload_without_file_or_with_too_long_comment_says_what_is_wrong(scenario, welt):
    vv = welt["a"]["vereinbarung"]
    client = scenario.client("koordination")
    ohne = client.post(reverse("buendnis:dokument-create", args=[vv.pk]), {"kommentar": "x"}, follow=True)
    assert "Bitte wählen Sie eine Datei aus." in ohne.content.decode()
    lang = client.post(
        reverse("buendnis:dokument-create", args=[vv.pk]),
        {"datei": SimpleUploadedFile("v.pdf", b"%PDF-1.4"), "kommentar": "x" * 301},
        follow=True,
    )
    body = lang.content.decode()
    assert "Kommentar zur Version" in body
    assert "Bitte wählen Sie eine Datei aus." not in body
    assert vv.dokumente.count() == 0


def test_meeting_left_as_planned_on_an_earlier_day_is_not_the_next_meeting(scenario, welt):
    gremium = welt["a"]["gremium"]
    naechste = welt["a"]["sitzung"]  # in 7 days
    vergessen = SitzungFactory(gremium=gremium, beginn=timezone.now() - datetime.timedelta(days=10))
    AufgabeFactory(buendnis=scenario.a, gremium=gremium, titel="Offen geblieben")
    client = scenario.client("koordination")
    alt = client.get(reverse("buendnis:sitzung-detail", args=[vergessen.pk])).content.decode()
    assert "Ständiger Punkt" not in alt
    neu = client.get(reverse("buendnis:sitzung-detail", args=[naechste.pk])).content.decode()
    assert "Ständiger Punkt" in neu and "Offen geblieben" in neu


def test_two_meetings_at_the_same_time_only_the_first_carries_the_standing_item(scenario, welt):
    erste = welt["a"]["sitzung"]
    zweite = SitzungFactory(gremium=erste.gremium, beginn=erste.beginn)
    client = scenario.client("koordination")
    assert "Ständiger Punkt" in client.get(erste.get_absolute_url()).content.decode()
    assert "Ständiger Punkt" not in client.get(zweite.get_absolute_url()).content.decode()


def test_overdue_task_is_marked_in_words_wherever_it_is_listed(scenario, welt):
    gremium = welt["a"]["gremium"]
    Aufgabe.objects.filter(pk=welt["a"]["aufgabe"].pk).delete()
    AufgabeFactory(
        buendnis=scenario.a,
        gremium=gremium,
        akteur=scenario.akteur_a,
        titel="Längst fällig",
        ueberfaellig=True,
    )
    badge = '<span class="badge text-bg-danger">überfällig</span>'
    client = scenario.client("mitglied")
    for url in (
        reverse("buendnis:aufgabe-list"),
        gremium.get_absolute_url(),
        scenario.akteur_a.get_absolute_url(),
        welt["a"]["sitzung"].get_absolute_url(),  # the standing item of the next meeting
        reverse("buendnis:dashboard"),  # "meine Aufgaben"
    ):
        body = client.get(url).content.decode()
        assert "Längst fällig" in body, url
        assert badge in body, url


def test_task_due_today_or_done_is_not_overdue(scenario):
    AufgabeFactory(buendnis=scenario.a, titel="Heute fällig", faellig_am=timezone.localdate())
    AufgabeFactory(buendnis=scenario.a, titel="Erledigt", ueberfaellig=True, status=AufgabeStatus.ERLEDIGT)
    body = scenario.client("koordination").get(reverse("buendnis:aufgabe-list")).content.decode()
    assert "Heute fällig" in body and "Erledigt" in body
    assert 'text-bg-danger">überfällig' not in body


def test_detail_pages_link_to_the_full_list_when_their_side_list_is_cut(scenario, welt):
    gremium = welt["a"]["gremium"]
    client = scenario.client("koordination")
    link = f"/aufgaben/?gremium={gremium.pk}"
    assert link not in client.get(gremium.get_absolute_url()).content.decode()
    for i in range(50):
        AufgabeFactory(buendnis=scenario.a, gremium=gremium, titel=f"Aufgabe {i}")
    body = client.get(gremium.get_absolute_url()).content.decode()
    assert link in body
    assert len(client.get(link).context["filter"].qs) == 51


def test_beschluss_tasks_carry_owner_deadline_and_what_they_concern(scenario, welt):
    """A decision's tasks know their Gremium, meeting, decision, owner and deadline, and show on its page."""
    sitzung = welt["a"]["sitzung"]
    due = timezone.localdate() + datetime.timedelta(days=30)
    beschluss = services.beschluss_fassen(
        gremium=sitzung.gremium,
        sitzung=sitzung,
        text="Vereinbarung zur Übergabe Schule–Beruf erarbeiten",
        datum=timezone.localdate(),
        kernaufgabe="verfahrensvereinbarungen",
        aufgaben=[
            services.AufgabeEntwurf(titel="Entwurf schreiben", akteur=scenario.akteur_a, faellig_am=due),
            services.AufgabeEntwurf(
                titel="Termin abstimmen", zustaendig=scenario.users["mitglied"], faellig_am=due
            ),
        ],
        by=scenario.users["koordination"],
    )
    aufgaben = list(beschluss.aufgaben.order_by("titel"))
    assert [(a.titel, a.faellig_am, a.sitzung, a.gremium, a.buendnis) for a in aufgaben] == [
        ("Entwurf schreiben", due, sitzung, sitzung.gremium, scenario.a),
        ("Termin abstimmen", due, sitzung, sitzung.gremium, scenario.a),
    ]
    assert aufgaben[0].akteur == scenario.akteur_a
    assert aufgaben[1].zustaendig == scenario.users["mitglied"]
    body = scenario.client("mitglied").get(sitzung.get_absolute_url()).content.decode()
    assert "Entwurf schreiben" in body and "Caritas A" in body
    # The member now finds both on the dashboard: one via its Akteur, one assigned to the person.
    meine = scenario.client("mitglied").get(reverse("buendnis:dashboard")).context["meine_aufgaben"]
    assert {a.titel for a in meine} == {"Entwurf schreiben", "Termin abstimmen"}


def test_dashboard_checklist_tracks_the_nine_core_group_tasks(scenario, welt):
    from buendnis.choices import Kernaufgabe
    from buendnis.registry import Stand

    client = scenario.client("auswertung")
    kernaufgaben = client.get(reverse("buendnis:dashboard")).context["kernaufgaben"]
    assert [z.kernaufgabe for z in kernaufgaben] == list(Kernaufgabe)
    stand = {z.kernaufgabe: z for z in kernaufgaben}
    # The fixture has one agreement and one priority; a decision tagged with a task counts as begun.
    assert stand[Kernaufgabe.PRIORITAETEN].stand == Stand.ERFUELLT
    assert stand[Kernaufgabe.LENKUNG].stand == Stand.OFFEN
    Gremium.objects.filter(pk=welt["b"]["gremium"].pk).update(kernaufgabe=Kernaufgabe.LENKUNG)
    response = client.get(reverse("buendnis:dashboard"))
    stand = {z.kernaufgabe: z for z in response.context["kernaufgaben"]}
    assert stand[Kernaufgabe.LENKUNG].stand == Stand.OFFEN  # another Bündnis's Gremium does not count
    assert "Forum Deutsch b" not in response.content.decode()


def test_membership_person_must_belong_to_the_member_akteur(scenario, welt):
    from buendnis.models import Ansprechperson, Mitgliedschaft

    fremde_person = Ansprechperson.objects.create(akteur=welt["a"]["akteur2"], name="Frau Jobcenter")
    gremium = welt["a"]["gremium"]
    before = Mitgliedschaft.objects.count()
    response = scenario.client("koordination").post(
        reverse("buendnis:mitgliedschaft-create", args=[gremium.pk]),
        {"akteur": welt["a"]["akteur"].pk, "person": fremde_person.pk, "funktion": "mitglied"},
    )
    assert response.status_code == 200
    assert "Die Person gehört nicht zu diesem Akteur." in response.content.decode()
    assert Mitgliedschaft.objects.count() == before


def test_gremium_lead_person_must_belong_to_the_lead_akteur(scenario, welt):
    from buendnis.models import Ansprechperson

    fremde_person = Ansprechperson.objects.create(akteur=welt["a"]["akteur2"], name="Frau Jobcenter")
    gremium = welt["a"]["gremium"]
    response = scenario.client("koordination").post(
        reverse("buendnis:gremium-update", args=[gremium.pk]),
        {
            "art": "forum",
            "name": gremium.name,
            "format": "arbeitsgruppe",
            "status": "eingerichtet",
            "leitung": welt["a"]["akteur"].pk,
            "leitung_person": fremde_person.pk,
        },
    )
    assert response.status_code == 200
    assert "leitung_person" in response.context["form"].errors
    gremium.refresh_from_db()
    assert gremium.leitung_person is None


def test_beschluss_message_counts_its_tasks_in_good_german(scenario, welt):
    sitzung = welt["a"]["sitzung"]
    client = scenario.client("koordination")
    base = {"datum": "2030-01-01", "aufgaben-TOTAL_FORMS": "1", "aufgaben-INITIAL_FORMS": "0"}
    ohne = client.post(
        reverse("buendnis:beschluss-create", args=[sitzung.pk]), {**base, "text": "Ohne"}, follow=True
    )
    assert "Beschluss gespeichert (ohne Aufgaben)." in ohne.content.decode()
    eine = client.post(
        reverse("buendnis:beschluss-create", args=[sitzung.pk]),
        {
            **base,
            "text": "Mit",
            "aufgaben-0-titel": "Einladen",
            "aufgaben-0-akteur": scenario.akteur_a.pk,
            "aufgaben-0-faellig_am": "2030-02-01",
        },
        follow=True,
    )
    assert "Beschluss gespeichert, 1 Aufgabe angelegt." in eine.content.decode()


def test_beschluss_with_more_tasks_than_allowed_is_refused_whole(scenario, welt):
    sitzung = welt["a"]["sitzung"]
    data = {
        "text": "Zu viel",
        "datum": "2030-01-01",
        "aufgaben-TOTAL_FORMS": "51",
        "aufgaben-INITIAL_FORMS": "0",
    }
    # Any number of tasks a decision needs, but at most 50 in one go.
    for i in range(51):
        data |= {
            f"aufgaben-{i}-titel": f"A{i}",
            f"aufgaben-{i}-akteur": scenario.akteur_a.pk,
            f"aufgaben-{i}-faellig_am": "2030-02-01",
        }
    response = scenario.client("koordination").post(
        reverse("buendnis:beschluss-create", args=[sitzung.pk]), data
    )
    assert response.status_code == 200
    assert not Beschluss.objects.filter(text="Zu viel").exists()
    assert not Aufgabe.objects.filter(titel="A0").exists()


def test_agenda_item_with_too_long_title_names_the_problem(scenario, welt):
    sitzung = welt["a"]["sitzung"]
    response = scenario.client("koordination").post(
        reverse("buendnis:top-create", args=[sitzung.pk]), {"titel": "x" * 301}, follow=True
    )
    body = response.content.decode()
    assert "Titel:" in body and "300" in body
    assert sitzung.tagesordnungspunkte.count() == 1


def test_task_status_changes_only_through_its_service_so_the_completion_date_is_kept(scenario, welt):
    aufgabe = welt["a"]["aufgabe"]
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:aufgabe-update", args=[aufgabe.pk]),
        {"titel": "Neu betitelt", "status": "erledigt", "faellig_am": "2030-01-01"},
    )
    assert response.status_code == 302
    aufgabe.refresh_from_db()
    assert (aufgabe.titel, aufgabe.status, aufgabe.erledigt_am) == ("Neu betitelt", AufgabeStatus.OFFEN, None)
    client.post(reverse("buendnis:aufgabe-status", args=[aufgabe.pk]), {"status": "erledigt"})
    aufgabe.refresh_from_db()
    assert (aufgabe.status, aufgabe.erledigt_am) == (AufgabeStatus.ERLEDIGT, timezone.localdate())


@pytest.mark.parametrize(
    ("url", "data", "meldung"),
    [
        (
            "buendnis:kommune-create",
            {"name": "Aheim"},
            "Eine Kommune mit diesem Namen gibt es im Bündnis schon.",
        ),
        (
            "buendnis:akteur-create",
            {"name": "Caritas A", "typ": "schule"},
            "Einen Akteur mit diesem Namen gibt es im Bündnis schon.",
        ),
        (
            "buendnis:gremium-create",
            {"name": "Forum Deutsch a", "art": "forum", "format": "arbeitsgruppe", "status": "vorgeschlagen"},
            "Ein Gremium mit diesem Namen gibt es im Bündnis schon.",
        ),
    ],
)
def test_duplicates_are_refused_with_a_plain_german_message(scenario, welt, url, data, meldung):
    if "typ" in data:
        data["bereich"] = scenario.akteur_a.bereich_id
    response = scenario.client("koordination").post(reverse(url), data)
    assert response.status_code == 200
    assert meldung in response.content.decode()


def test_adding_a_member_twice_is_refused_with_a_plain_german_message(scenario, welt):
    from buendnis.models import Mitgliedschaft

    response = scenario.client("koordination").post(
        reverse("buendnis:mitgliedschaft-create", args=[welt["a"]["gremium"].pk]),
        {"akteur": welt["a"]["akteur"].pk, "funktion": "gast"},
    )
    assert "Dieser Akteur ist schon Mitglied des Gremiums." in response.content.decode()
    assert Mitgliedschaft.objects.filter(gremium=welt["a"]["gremium"]).count() == 1
