"""Translations of an offer's texts: whoever may edit the offer translates it into the languages of the public
catalogue; the staff pages show the state per language and keep hostile text inert."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from angebote import services
from angebote.models import Angebot, AngebotStatus
from tests.angebote.factories import AngebotFactory
from tests.sicherheit.helpers import XSS_MARKERS, XSS_PAYLOADS

UEBERSETZUNG = Angebot._parler_meta.root_model
SPRACHEN = ("de-x-ls", "en", "ar", "fa", "uk", "tr", "ti")


def liste(angebot):
    return reverse("angebote:angebot-uebersetzungen", args=[angebot.pk])


def formular(angebot, sprache):
    return reverse("angebote:angebot-uebersetzung", args=[angebot.pk, sprache])


@pytest.fixture
def angebot(scenario, traeger_a1):
    return AngebotFactory(
        buendnis=scenario.a,
        titel="Deutschkurs",
        beschreibung="Ein Kurs.",
        anmeldung_hinweis="Einfach vorbeikommen",
        traeger=traeger_a1,
        kommunen=[scenario.a1],
    )


def texte(angebot, sprache):
    zeile = UEBERSETZUNG.objects.filter(master=angebot, language_code=sprache).first()
    if zeile is None:
        return None
    return (zeile.titel_uebersetzt, zeile.beschreibung_uebersetzt, zeile.zeiten_uebersetzt)


def test_the_translatable_languages_are_those_of_the_catalogue_without_german():
    assert services.UEBERSETZUNGSSPRACHEN == SPRACHEN


def test_saving_updating_and_deleting_a_translation(scenario, angebot):
    kommune = scenario.users["kommune"]
    services.uebersetzung_speichern(
        angebot=angebot,
        sprache="ar",
        daten={"titel": " دورة اللغة الألمانية ", "beschreibung": "دورة."},
        by=kommune,
    )
    assert texte(angebot, "ar") == ("دورة اللغة الألمانية", "دورة.", "")
    services.uebersetzung_speichern(angebot=angebot, sprache="ar", daten={"titel": "دورة"}, by=kommune)
    assert texte(angebot, "ar") == ("دورة", "", "")
    assert UEBERSETZUNG.objects.filter(master=angebot).count() == 1
    services.uebersetzung_speichern(angebot=angebot, sprache="ar", daten={"titel": "  "}, by=kommune)
    assert texte(angebot, "ar") is None
    # The German text is untouched throughout.
    angebot.refresh_from_db()
    assert (angebot.titel, angebot.version) == ("Deutschkurs", 1)


@pytest.mark.parametrize("sprache", ["de", "fr", "xx", ""])
def test_only_the_catalogue_languages_are_accepted(scenario, angebot, sprache):
    with pytest.raises(ValidationError, match="werden Angebote nicht übersetzt"):
        services.uebersetzung_speichern(
            angebot=angebot, sprache=sprache, daten={"titel": "x"}, by=scenario.users["koordination"]
        )
    assert not UEBERSETZUNG.objects.exists()


def test_too_long_text_is_refused_in_german_and_nothing_is_written(scenario, angebot):
    with pytest.raises(ValidationError) as fehler:
        services.uebersetzung_speichern(
            angebot=angebot,
            sprache="en",
            daten={"titel": "T" * 201, "beschreibung": "ok"},
            by=scenario.users["kommune"],
        )
    assert "höchstens 200 Zeichen" in fehler.value.message_dict["titel"][0]
    assert not UEBERSETZUNG.objects.exists()


# Who may translate: whoever may edit the offer (the rule of the edit page) ---------------------------------------


@pytest.mark.parametrize(
    ("rolle", "darf"),
    [
        ("kommune", True),  # the Kommune of the offer
        ("mitglied", False),  # staff of another Träger
        ("koordination", True),
        ("admin", True),
        ("kommune_a2", False),  # another Kommune of the Bündnis
        ("auswertung", False),
        ("land", False),
        ("koordination_b", False),  # another Bündnis
        ("kommune_b1", False),
    ],
)
def test_service_permission_per_role(scenario, angebot, rolle, darf):
    aufruf = lambda: services.uebersetzung_speichern(  # noqa: E731
        angebot=angebot, sprache="en", daten={"titel": "German course"}, by=scenario.users[rolle]
    )
    if darf:
        aufruf()
        assert texte(angebot, "en") == ("German course", "", "")
    else:
        with pytest.raises(PermissionDenied):
            aufruf()
        assert not UEBERSETZUNG.objects.exists()


def test_traeger_staff_translate_the_offers_of_their_own_akteur(scenario):
    eigenes = AngebotFactory(buendnis=scenario.a, traeger=scenario.akteur_a, kommunen=[scenario.a2])
    services.uebersetzung_speichern(
        angebot=eigenes, sprache="uk", daten={"titel": "Курс німецької"}, by=scenario.users["mitglied"]
    )
    assert texte(eigenes, "uk") == ("Курс німецької", "", "")


@pytest.mark.parametrize(
    ("status", "darf"),
    [
        (AngebotStatus.ZUR_PRUEFUNG, True),
        (AngebotStatus.VEROEFFENTLICHT, True),
        (AngebotStatus.ARCHIVIERT, False),
    ],
)
def test_the_kommune_translates_its_offer_after_review_but_not_archived(scenario, angebot, status, darf):
    # Editing the German text of a published offer needs the coordination; translating it does not.
    Angebot.objects.filter(pk=angebot.pk).update(status=status)
    angebot.refresh_from_db()
    client = scenario.client("kommune")
    antwort = client.post(formular(angebot, "ar"), {"titel": "دورة لغة ألمانية"})
    assert antwort.status_code == (302 if darf else 403)
    assert (texte(angebot, "ar") is not None) == darf
    seite = client.get(liste(angebot)).content.decode()
    assert (formular(angebot, "ar") in seite) == darf


@pytest.mark.parametrize(
    ("rolle", "liste_status", "formular_status"),
    [
        ("kommune", 200, 200),
        ("koordination", 200, 200),
        ("mitglied", 404, 404),  # another Träger's draft is not visible to it at all
        ("kommune_a2", 404, 404),
        ("auswertung", 200, 403),
        ("land", 200, 403),
        ("koordination_b", 404, 404),
        ("kommune_b1", 404, 404),
    ],
)
def test_pages_per_role(scenario, angebot, rolle, liste_status, formular_status):
    client = scenario.client(rolle)
    assert client.get(liste(angebot)).status_code == liste_status
    assert client.get(formular(angebot, "en")).status_code == formular_status
    antwort = client.post(formular(angebot, "en"), {"titel": "German course"})
    assert antwort.status_code == (302 if formular_status == 200 else formular_status)
    assert (texte(angebot, "en") is not None) == (formular_status == 200)


def test_anonymous_is_sent_to_the_login(scenario, angebot):
    client = scenario.client("anonym")
    for url in (liste(angebot), formular(angebot, "en")):
        antwort = client.get(url)
        assert antwort.status_code == 302 and antwort["Location"].startswith("/anmelden/")
    client.post(formular(angebot, "en"), {"titel": "x"})
    assert not UEBERSETZUNG.objects.exists()


def test_an_unknown_language_is_404(scenario, angebot):
    client = scenario.client("koordination")
    assert client.get(formular(angebot, "de")).status_code == 404
    assert client.post(formular(angebot, "fr"), {"titel": "x"}).status_code == 404


def test_the_form_shows_german_beside_each_field_with_lang_and_direction(scenario, angebot):
    seite = scenario.client("kommune").get(formular(angebot, "ar")).content.decode()
    assert "Deutschkurs" in seite and "Einfach vorbeikommen" in seite
    for name in ("titel", "beschreibung", "zeiten", "anmeldung_hinweis"):
        assert f'name="{name}"' in seite
    assert seite.count('lang="ar" dir="rtl"') >= 4
    seite = scenario.client("kommune").get(formular(angebot, "de-x-ls")).content.decode()
    assert seite.count('lang="de-x-ls" dir="ltr"') >= 4


def test_the_form_saves_and_the_list_shows_the_state_per_language(scenario, angebot):
    client = scenario.client("kommune")
    antwort = client.post(
        formular(angebot, "en"),
        {
            "titel": "German course",
            "beschreibung": "A course.",
            "zeiten": "Mon–Thu 9–12",
            "anmeldung_hinweis": "Just drop in",
        },
    )
    assert antwort.status_code == 302 and antwort["Location"] == liste(angebot)
    client.post(formular(angebot, "tr"), {"titel": "Almanca kursu"})
    seite = client.get(liste(angebot)).content.decode()
    assert "1 von 7 Sprachen übersetzt" in seite
    zeilen = {code: seite.split(f'lang="{code}"', 1)[1].split("</tr>", 1)[0] for code in SPRACHEN}
    assert "übersetzt" in zeilen["en"] and "teilweise" in zeilen["tr"] and "fehlt" in zeilen["ar"]
    # The detail page links to the translations with the count of languages.
    detail = client.get(angebot.get_absolute_url()).content.decode()
    assert liste(angebot) in detail and "2 von 7 Sprachen übersetzt" in detail


def test_list_page_needs_a_fixed_number_of_queries(scenario, angebot, django_assert_max_num_queries):
    client = scenario.client("koordination")
    for sprache in SPRACHEN:
        services.uebersetzung_speichern(
            angebot=angebot, sprache=sprache, daten={"titel": "T"}, by=scenario.users["koordination"]
        )
    with django_assert_max_num_queries(12):
        assert client.get(liste(angebot)).status_code == 200


def test_hostile_translations_stay_inert_on_the_staff_pages(scenario, angebot):
    for sprache, nutzlast in zip(("en", "ar"), XSS_PAYLOADS, strict=False):
        services.uebersetzung_speichern(
            angebot=angebot,
            sprache=sprache,
            daten={
                "titel": nutzlast,
                "beschreibung": nutzlast,
                "zeiten": nutzlast,
                "anmeldung_hinweis": nutzlast,
            },
            by=scenario.users["koordination"],
        )
    client = scenario.client("koordination")
    for url in (liste(angebot), formular(angebot, "en"), formular(angebot, "ar"), angebot.get_absolute_url()):
        seite = client.get(url).content.decode()
        for marker in XSS_MARKERS:
            assert marker not in seite, url
    seite = client.get(formular(angebot, "en")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in seite
