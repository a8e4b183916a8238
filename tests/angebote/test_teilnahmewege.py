"""Reachable offers: a published offer names how to take part (a phone, an e-mail or a registration link, or the
public Ansprechperson's; an address with Ort/PLZ, or online; times). Publishing without one is refused in German on
every path: the workflow step, an edit or import of a published offer, the admin. Submitting stays allowed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from angebote import services
from angebote.models import Angebot, AngebotStatus, Statuswechsel
from buendnis.models import Ansprechperson
from tests.angebote.factories import AngebotFactory
from tests.angebote.helpers import form_daten
from tests.angebote.test_import_export import GUT, URL, csv_datei, importiere

S = AngebotStatus
KANAL = "Wie nimmt man teil? Es fehlt eine Telefonnummer, eine E-Mail-Adresse oder ein Link zur Anmeldung."
ORT = "Wo findet es statt? Es fehlt eine Adresse mit Ort, oder „findet online statt“."
ZEITEN = "Wann? Es fehlen Öffnungs- oder Kurszeiten."
KOPF = "Das Angebot kann noch nicht veröffentlicht werden:"


@pytest.fixture
def koordination(scenario):
    return scenario.users["koordination"]


def _leer(scenario, traeger, **felder) -> Angebot:
    return AngebotFactory(
        buendnis=scenario.a,
        traeger=traeger,
        kommunen=[scenario.a1],
        zur_pruefung=True,
        ohne_teilnahmeweg=True,
        **felder,
    )


def test_publishing_without_any_way_to_take_part_is_refused_naming_every_gap(
    scenario, traeger_a1, koordination
):
    angebot = _leer(scenario, traeger_a1)
    with pytest.raises(ValidationError) as fehler:
        services.angebot_publish(angebot=angebot, by=koordination)
    (meldung,) = fehler.value.messages
    assert meldung == f"{KOPF} {KANAL} {ORT} {ZEITEN}"
    angebot.refresh_from_db()
    assert angebot.status == S.ZUR_PRUEFUNG and angebot.version == 1
    assert not Statuswechsel.objects.filter(angebot=angebot).exists()


@pytest.mark.parametrize(
    ("felder", "fehlt"),
    [
        ({"adresse": "Markt 1", "ort": "Aheim", "zeiten": "Mo 9–12 Uhr"}, KANAL),
        ({"kontakt_telefon": "02131 12345", "zeiten": "Mo 9–12 Uhr"}, ORT),
        ({"kontakt_telefon": "02131 12345", "adresse": "Markt 1", "zeiten": "Mo 9–12 Uhr"}, ORT),
        ({"kontakt_email": "kurs@vhs.example", "online": True}, ZEITEN),
    ],
)
def test_each_missing_item_is_named(scenario, traeger_a1, koordination, felder, fehlt):
    angebot = _leer(scenario, traeger_a1, **felder)
    with pytest.raises(ValidationError) as fehler:
        services.angebot_publish(angebot=angebot, by=koordination)
    assert fehler.value.messages == [f"{KOPF} {fehlt}"]
    assert Angebot.objects.get(pk=angebot.pk).status == S.ZUR_PRUEFUNG


@pytest.mark.parametrize(
    "felder",
    [
        {"kontakt_telefon": "02131 12345", "adresse": "Markt 1", "plz": "41460", "zeiten": "Mo–Do 9–12 Uhr"},
        {"kontakt_email": "kurs@vhs.example", "online": True, "zeiten": "dienstags 16 Uhr"},
        {
            "anmeldung_url": "https://vhs.example/kurs",
            "adresse": "Markt 1",
            "ort": "Aheim",
            "zeiten": "laufend",
        },
    ],
)
def test_publishing_with_a_way_to_take_part_succeeds(scenario, traeger_a1, koordination, felder):
    angebot = _leer(scenario, traeger_a1, **felder)
    services.angebot_publish(angebot=angebot, by=koordination)
    assert Angebot.objects.get(pk=angebot.pk).status == S.VEROEFFENTLICHT


def test_the_public_ansprechperson_counts_as_a_channel(scenario, traeger_a1, koordination):
    person = Ansprechperson.objects.create(
        akteur=traeger_a1, name="Frau Berger", telefon="02131 999", email="", oeffentlich=False
    )
    angebot = _leer(scenario, traeger_a1, ansprechperson=person, online=True, zeiten="Mo 9 Uhr")
    with pytest.raises(ValidationError, match="Es fehlt eine Telefonnummer"):
        services.angebot_publish(angebot=angebot, by=koordination)
    person.oeffentlich = True
    person.save()
    services.angebot_publish(angebot=Angebot.objects.get(pk=angebot.pk), by=koordination)
    assert Angebot.objects.get(pk=angebot.pk).status == S.VEROEFFENTLICHT


def test_publish_button_answers_with_the_german_refusal(scenario, traeger_a1):
    angebot = _leer(scenario, traeger_a1)
    client = scenario.client("koordination")
    antwort = client.post(
        reverse("angebote:angebot-aktion", args=[angebot.pk, "veroeffentlichen"]), follow=True
    )
    meldungen = [str(m) for m in antwort.context["messages"]]
    assert meldungen == [f"{KOPF} {KANAL} {ORT} {ZEITEN}"]
    assert Angebot.objects.get(pk=angebot.pk).status == S.ZUR_PRUEFUNG


def test_submitting_stays_allowed_and_the_detail_page_lists_what_is_missing(scenario, traeger_a1):
    angebot = AngebotFactory(
        buendnis=scenario.a, traeger=traeger_a1, kommunen=[scenario.a1], ohne_teilnahmeweg=True, online=True
    )
    kommune = scenario.users["kommune"]
    services.angebot_submit(angebot=angebot, by=kommune)
    assert Angebot.objects.get(pk=angebot.pk).status == S.ZUR_PRUEFUNG
    seite = scenario.client("kommune").get(angebot.get_absolute_url()).content.decode()
    assert 'id="teilnahmewege-fehlen"' in seite
    assert "Es fehlt eine Telefonnummer" in seite and "Es fehlen Öffnungs- oder Kurszeiten" in seite
    assert "Wo findet es statt?" not in seite  # online counts as a place


def test_detail_page_of_a_complete_or_published_offer_shows_no_hint(scenario, traeger_a1):
    komplett = AngebotFactory(buendnis=scenario.a, traeger=traeger_a1, kommunen=[scenario.a1])
    seite = scenario.client("kommune").get(komplett.get_absolute_url()).content.decode()
    assert 'id="teilnahmewege-fehlen"' not in seite
    assert "02131 123456" in seite and "Markt 1, 41460 Neuss" in seite and "Mo–Do 9–12 Uhr" in seite


def test_editing_a_published_offer_cannot_remove_its_way_to_take_part(scenario, traeger_a1):
    angebot = AngebotFactory(
        buendnis=scenario.a, traeger=traeger_a1, kommunen=[scenario.a1], veroeffentlicht=True
    )
    client = scenario.client("koordination")
    url = reverse("angebote:angebot-update", args=[angebot.pk])
    antwort = client.post(url, form_daten(angebot, kontakt_telefon="", zeiten=""))
    assert antwort.status_code == 200
    assert "braucht weiterhin einen Weg zur Teilnahme" in antwort.content.decode()
    angebot.refresh_from_db()
    assert (angebot.kontakt_telefon, angebot.zeiten, angebot.version) == ("02131 123456", "Mo–Do 9–12 Uhr", 1)
    # With another channel the edit goes through.
    antwort = client.post(url, form_daten(angebot, kontakt_telefon="", kontakt_email="kurs@vhs.example"))
    assert antwort.status_code == 302
    angebot.refresh_from_db()
    assert (angebot.kontakt_telefon, angebot.kontakt_email) == ("", "kurs@vhs.example")


def test_the_form_saves_every_new_field(scenario, traeger_a1):
    angebot = AngebotFactory(
        buendnis=scenario.a, traeger=traeger_a1, kommunen=[scenario.a1], ohne_teilnahmeweg=True
    )
    neu = {
        "kontakt_name": "Bildungsberatung",
        "kontakt_telefon": "+49 2131 4711-0",
        "kontakt_email": "beratung@vhs.example",
        "anmeldung_url": "https://vhs.example/anmelden",
        "anmeldung_hinweis": "Einfach vorbeikommen",
        "adresse": "Oberstraße 3",
        "plz": "41460",
        "ort": "Neuss",
        "zeiten": "Mo–Do 9–12 Uhr",
    }
    antwort = scenario.client("kommune").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, online="on", **neu)
    )
    assert antwort.status_code == 302
    angebot.refresh_from_db()
    assert {k: getattr(angebot, k) for k in neu} == neu and angebot.online
    assert angebot.fehlende_teilnahmewege() == []


@pytest.mark.parametrize(
    ("feld", "wert", "meldung"),
    [
        ("kontakt_telefon", "ruf an", "Telefonnummer nur mit Ziffern"),
        ("kontakt_email", "keine-adresse", "E-Mail-Adresse"),
        ("anmeldung_url", "javascript:alert(1)", "gültige Adresse"),
        ("plz", "4146", "genau fünf Ziffern"),
    ],
)
def test_the_form_refuses_bad_contact_values_in_german(scenario, traeger_a1, feld, wert, meldung):
    angebot = AngebotFactory(buendnis=scenario.a, traeger=traeger_a1, kommunen=[scenario.a1])
    antwort = scenario.client("kommune").post(
        reverse("angebote:angebot-update", args=[angebot.pk]), form_daten(angebot, **{feld: wert})
    )
    assert antwort.status_code == 200
    assert meldung in antwort.content.decode()
    assert Angebot.objects.get(pk=angebot.pk).version == 1


# Import ----------------------------------------------------------------------------------------------------------

NEUE_SPALTEN = {
    "Kontakt": "Frau Yılmaz",
    "Telefon": "02131 123-45",
    "E-Mail": "yilmaz@vhs.example",
    "Link zur Anmeldung": "https://vhs.example/kurs",
    "So melden Sie sich an": "Einfach vorbeikommen",
    "Online": "nein",
    "Straße und Hausnummer": "Markt 1",
    "PLZ": "41460",
    "Ort": "Aheim",
    "Zeiten": "Mo–Do 9–12 Uhr",
}


def test_import_reads_the_new_columns(scenario, traeger_a1):
    zeilen = [{**GUT[0], **NEUE_SPALTEN, "Anschlussangebote (Kennungen)": ""}]
    vorschau, bestaetigt = importiere(scenario.client("kommune"), csv_datei(zeilen))
    assert vorschau.status_code == 200 and bestaetigt is not None, vorschau.content.decode()[:2000]
    angebot = Angebot.objects.get(kennung="AH-001")
    assert (angebot.kontakt_name, angebot.kontakt_telefon, angebot.kontakt_email) == (
        "Frau Yılmaz",
        "02131 123-45",
        "yilmaz@vhs.example",
    )
    assert (angebot.anmeldung_url, angebot.anmeldung_hinweis) == (
        "https://vhs.example/kurs",
        "Einfach vorbeikommen",
    )
    assert (angebot.adresse, angebot.plz, angebot.ort, angebot.zeiten, angebot.online) == (
        "Markt 1",
        "41460",
        "Aheim",
        "Mo–Do 9–12 Uhr",
        False,
    )
    assert angebot.status == S.ENTWURF and angebot.fehlende_teilnahmewege() == []


@pytest.mark.parametrize(
    ("spalte", "wert", "meldung"),
    [
        ("Telefon", "bitte anrufen", "Telefonnummer nur mit Ziffern"),
        ("E-Mail", "yilmaz(at)vhs", "E-Mail-Adresse"),
        ("Link zur Anmeldung", "vhs-kurs", "gültige Adresse"),
        ("PLZ", "414600", "genau fünf Ziffern"),
        ("Online", "vielleicht", "„vielleicht“ ist weder „ja“ noch „nein“"),
    ],
)
def test_import_refuses_bad_values_with_a_german_row_message(scenario, traeger_a1, spalte, wert, meldung):
    zeilen = [{**GUT[0], **NEUE_SPALTEN, spalte: wert}]
    antwort = scenario.client("kommune").post(URL, {"datei": csv_datei(zeilen)})
    assert antwort.status_code == 400
    text = antwort.content.decode()
    assert meldung in text and spalte in text
    assert "Es wurde nichts gespeichert" in text
    assert not Angebot.objects.filter(kennung="AH-001").exists()


def test_old_files_without_the_new_columns_keep_the_stored_values(scenario, traeger_a1):
    AngebotFactory(
        buendnis=scenario.a,
        kennung="AH-001",
        titel="Deutschkurs Aheim",
        traeger=traeger_a1,
        kommunen=[scenario.a1],
        kontakt_email="kurs@vhs.example",
    )
    alt = {k: v for k, v in GUT[0].items() if k != "Anschlussangebote (Kennungen)"}
    alt["Adresse"] = "Neue Straße 5"  # the header of older templates
    vorschau, bestaetigt = importiere(scenario.client("kommune"), csv_datei([alt]))
    assert bestaetigt is not None, vorschau.content.decode()[:2000]
    angebot = Angebot.objects.get(kennung="AH-001")
    assert angebot.adresse == "Neue Straße 5"
    assert (angebot.kontakt_telefon, angebot.kontakt_email, angebot.zeiten) == (
        "02131 123456",
        "kurs@vhs.example",
        "Mo–Do 9–12 Uhr",
    )


def test_import_cannot_strip_a_published_offer_of_its_way_to_take_part(scenario, traeger_a1):
    AngebotFactory(
        buendnis=scenario.a,
        kennung="AH-001",
        titel="Deutschkurs Aheim",
        traeger=traeger_a1,
        kommunen=[scenario.a1],
        veroeffentlicht=True,
    )
    zeile = {**GUT[0], "Telefon": "", "Zeiten": "", "Anschlussangebote (Kennungen)": ""}
    antwort = scenario.client("koordination").post(URL, {"datei": csv_datei([zeile])})
    assert antwort.status_code == 400
    text = antwort.content.decode()
    assert (
        "braucht weiterhin einen Weg zur Teilnahme" in text and "Es fehlen Öffnungs- oder Kurszeiten" in text
    )
    angebot = Angebot.objects.get(kennung="AH-001")
    assert (angebot.kontakt_telefon, angebot.zeiten) == ("02131 123456", "Mo–Do 9–12 Uhr")


def test_export_has_the_new_columns(scenario, traeger_a1):
    AngebotFactory(
        buendnis=scenario.a,
        traeger=traeger_a1,
        kommunen=[scenario.a1],
        kontakt_name="Bildungsberatung",
        kontakt_email="=beratung@vhs.example",
        online=True,
    )
    antwort = scenario.client("koordination").get(reverse("angebote:angebot-export"), {"format": "csv"})
    import csv
    import io

    text = b"".join(antwort.streaming_content).decode("utf-8-sig")
    (zeile,) = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert {k: zeile[k] for k in NEUE_SPALTEN} == {
        "Kontakt": "Bildungsberatung",
        "Telefon": "02131 123456",
        "E-Mail": "'=beratung@vhs.example",
        "Link zur Anmeldung": "",
        "So melden Sie sich an": "",
        "Online": "ja",
        "Straße und Hausnummer": "Markt 1",
        "PLZ": "41460",
        "Ort": "Neuss",
        "Zeiten": "Mo–Do 9–12 Uhr",
    }


def test_admin_refuses_to_strip_a_published_offer(scenario, traeger_a1):
    from django.forms import modelform_factory

    from angebote.admin import AngebotAdminForm

    angebot = AngebotFactory(
        buendnis=scenario.a, traeger=traeger_a1, kommunen=[scenario.a1], veroeffentlicht=True
    )
    felder = ["titel", "traeger", "kategorie", "kontakt_telefon", "zeiten", "adresse", "plz", "ort"]
    form_class = modelform_factory(Angebot, form=AngebotAdminForm, fields=felder)
    daten = {f: getattr(angebot, f) for f in ("titel", "adresse", "plz", "ort")}
    daten.update(
        traeger=traeger_a1.pk,
        kategorie=angebot.kategorie_id,
        geladene_version=angebot.version,
        kontakt_telefon="",
    )
    form = form_class(data={**daten, "zeiten": ""}, instance=Angebot.objects.get(pk=angebot.pk))
    assert not form.is_valid()
    assert "braucht weiterhin einen Weg zur Teilnahme" in " ".join(form.non_field_errors())
    form = form_class(
        data={**daten, "zeiten": "Mo 9 Uhr", "kontakt_telefon": "02131 1"},
        instance=Angebot.objects.get(pk=angebot.pk),
    )
    assert form.is_valid(), form.errors
