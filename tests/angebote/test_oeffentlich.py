"""The public pages (issue 16): start page, catalogue with plain filters, search with synonyms and translations,
distance ordering, offers in the visitor's language, the way to take part, hostile text, bounded queries."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from angebote.models import Angebot
from angebote.oeffentlich import (
    OeffentlicherKatalogFilter,
    deutsch_sortiert,
    entfernung_km,
    sichere_url,
    suchbegriffe,
    telefon_href,
)
from buendnis.models import Ansprechperson, Buendnis
from tests.angebote.factories import AngebotFactory, kategorie, status
from tests.factories import BuendnisFactory

KATALOG = reverse("katalog")


def titel(response) -> list[str]:
    assert response.status_code == 200
    return [a.titel for a in response.context["object_list"]]


def uebersetzen(angebot, sprache, **felder):
    angebot.set_current_language(sprache)
    for feld, wert in felder.items():
        setattr(angebot, f"{feld}_uebersetzt", wert)
    angebot.save_translations()


@pytest.fixture
def orte(scenario):
    """Aheim (a1) at the origin; Adorf (a2) 5 km, Bheim (b1, other Kreis) about 11 km, Bdorf (b2) about 56 km."""
    lage = {"a1": ("51.0000", "7.0000"), "a2": ("51.0450", "7.0000"), "b1": ("51.1000", "7.0000")}
    lage["b2"] = ("51.5000", "7.0000")
    for schluessel, (breite, laenge) in lage.items():
        kommune = getattr(scenario, schluessel)
        kommune.breite, kommune.laenge = Decimal(breite), Decimal(laenge)
        kommune.save()
    return scenario


@pytest.fixture
def katalog(orte):
    s = orte
    return {
        "kurs": AngebotFactory(
            buendnis=s.a,
            titel="Deutschkurs am Abend",
            beschreibung="Lernen in kleinen Gruppen",
            traeger=s.akteur_a,
            kommunen=[s.a1],
            kategorie=kategorie("deutsch"),
            deutsch_voraussetzung="a2",
            veroeffentlicht=True,
            zugang={"duldung": "offen"},
        ),
        "cafe": AngebotFactory(
            buendnis=s.a,
            titel="Sprachcafé",
            beschreibung="Treffpunkt mit Deutschkurs-Ehemaligen",
            traeger=s.akteur_a,
            kommunen=[s.a2],
            kategorie=kategorie("ehrenamt"),
            veroeffentlicht=True,
        ),
        "alpha": AngebotFactory(
            buendnis=s.a,
            titel="Alphabetisierung",
            traeger=s.akteur_a,
            kreisweit=True,
            kategorie=kategorie("deutsch"),
            deutsch_voraussetzung="b1",
            veroeffentlicht=True,
        ),
        "bheim": AngebotFactory(
            buendnis=s.b,
            titel="Bewerbungstraining",
            traeger=s.akteur_b,
            kommunen=[s.b1],
            kategorie=kategorie("arbeit"),
            veroeffentlicht=True,
            zugang={"duldung": ("eingeschraenkt", "mit Arbeitserlaubnis")},
        ),
        "bdorf": AngebotFactory(
            buendnis=s.b,
            titel="Werkstatt Bdorf",
            traeger=s.akteur_b,
            kommunen=[s.b2],
            kategorie=kategorie("qualifizierung"),
            veroeffentlicht=True,
        ),
        "entwurf": AngebotFactory(
            buendnis=s.a, titel="Deutschkurs Entwurf", traeger=s.akteur_a, kommunen=[s.a1]
        ),
    }


# Start page ------------------------------------------------------------------------------------------------------


def test_start_page_is_public_with_search_topics_and_places(client, katalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'action="/katalog/"' in text and 'name="q"' in text
    assert f'href="/katalog/?kategorie={kategorie("deutsch").pk}"' in text
    assert "Deutsch lernen" in text and "Deutschförderung" not in text
    # Published offers only: two in the Kategorie deutsch (the draft does not count).
    assert re.search(r"Deutsch lernen</span> <span[^>]*>2 Angebote", text)
    assert text.index("Rhein-Kreis Test") < text.index("Stadt Anderswo")
    assert 'href="/anmelden/"' in text
    assert "Hauptnavigation" not in text  # not the staff layout


def test_start_page_for_a_signed_in_user_stays_the_dashboard(scenario):
    response = scenario.client("koordination").get("/")
    assert response.status_code == 200
    assert "oeffentlich/start.html" not in [t.name for t in response.templates]


def test_kreise_sorted_as_german_readers_expect(client, scenario):
    for name in ["Minden-Lübbecke", "Märkischer Kreis", "Mettmann", "Ölbach", "Oberberg", "mülheim"]:
        BuendnisFactory(name=name)
    namen = [name for _pk, name in OeffentlicherKatalogFilter({}).filters["buendnis"].extra["choices"]]
    erwartet = ["Märkischer Kreis", "Mettmann", "Minden-Lübbecke", "mülheim", "Oberberg", "Ölbach"]
    assert [n for n in namen if n in erwartet] == erwartet
    assert deutsch_sortiert("Straße") == deutsch_sortiert("STRASSE")
    assert Buendnis.objects.count() == 8


# Filters ---------------------------------------------------------------------------------------------------------


def test_filter_panel_plain_words_and_count(client, katalog):
    text = client.get(KATALOG).content.decode()
    assert "---------" not in text
    assert "Förderbaustein" not in text
    assert ">alle</option>" in text and ">egal</option>" in text
    assert "Ich habe eine Duldung</option>" in text
    assert "<details" in text and "Filter (0)" in text
    for label in [
        "Wo? Kreis oder Stadt",
        "Wo? Ort",
        "Meine Deutschkenntnisse",
        "Mein Aufenthaltsstatus",
        "Thema",
    ]:
        assert label in text
    # The most useful filters first.
    assert (
        text.index("Wo? Kreis") < text.index("Meine Deutschkenntnisse") < text.index("Mein Aufenthaltsstatus")
    )
    text = client.get(
        KATALOG, {"deutsch": "a1", "kategorie": kategorie("deutsch").pk, "q": "x"}
    ).content.decode()
    assert "Filter (2)" in text


def test_kommune_choices_follow_the_kreis_and_a_foreign_kommune_is_dropped(client, orte, katalog):
    s = orte
    response = client.get(KATALOG, {"buendnis": s.a.pk})
    auswahl = dict(response.context["filter"].form.fields["kommune"].choices)
    assert {str(k) for k in auswahl if k} == {str(s.a1.pk), str(s.a2.pk)}
    # Without a Kreis: grouped by Kreis.
    text = client.get(KATALOG).content.decode()
    assert '<optgroup label="Rhein-Kreis Test">' in text
    # A Kommune of another Kreis: ignored, the Kreis filter applies.
    response = client.get(KATALOG, {"buendnis": s.a.pk, "kommune": s.b1.pk})
    assert set(titel(response)) == {"Deutschkurs am Abend", "Sprachcafé", "Alphabetisierung"}


@pytest.mark.parametrize(
    ("niveau", "erwartet"),
    [
        ("keine", {"Sprachcafé", "Bewerbungstraining", "Werkstatt Bdorf"}),
        ("a2", {"Deutschkurs am Abend", "Sprachcafé", "Bewerbungstraining", "Werkstatt Bdorf"}),
        (
            "c2",
            {
                "Deutschkurs am Abend",
                "Sprachcafé",
                "Alphabetisierung",
                "Bewerbungstraining",
                "Werkstatt Bdorf",
            },
        ),
    ],
)
def test_german_level_filter(client, katalog, niveau, erwartet):
    assert set(titel(client.get(KATALOG, {"deutsch": niveau}))) == erwartet


def test_residence_status_filter_in_plain_words(client, katalog):
    response = client.get(KATALOG, {"zugang": status("duldung").pk})
    assert set(titel(response)) == {"Deutschkurs am Abend", "Bewerbungstraining"}


# Distance ---------------------------------------------------------------------------------------------------------


def test_haversine():
    assert entfernung_km(51, 7, 51.1, 7) == pytest.approx(11.1, abs=0.1)


def test_kommune_first_reachable_then_nearby_by_distance(client, orte, katalog):
    response = client.get(KATALOG, {"kommune": orte.a1.pk})
    # Reachable from Aheim (run there, or kreisweit) at distance 0 by title; then Adorf 5 km, Bheim 11 km;
    # Bdorf (56 km) is out of range.
    assert titel(response) == ["Alphabetisierung", "Deutschkurs am Abend", "Sprachcafé", "Bewerbungstraining"]
    entfernung = {a.titel: a.entfernung for a in response.context["object_list"]}
    assert entfernung["Alphabetisierung"] == 0
    assert entfernung["Bewerbungstraining"] == pytest.approx(11.1, abs=0.1)
    text = response.content.decode()
    assert "ca. 11 km entfernt" in text and "ca. 5 km entfernt" in text


# Search -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suche", ["German course", "Sprachkurs", "deutschkurs", "دورة لغة ألمانية", "Almanca kursu"]
)
def test_synonyms_find_the_german_course_title_first(client, katalog, suche):
    gefunden = titel(client.get(KATALOG, {"q": suche}))
    # Title match, then description match, then the Kategorie only.
    assert gefunden == ["Deutschkurs am Abend", "Sprachcafé", "Alphabetisierung"]


def test_plain_words_without_synonyms_must_all_match(client, katalog):
    assert titel(client.get(KATALOG, {"q": "kleinen gruppen"})) == ["Deutschkurs am Abend"]
    assert titel(client.get(KATALOG, {"q": "kleinen werkstatt"})) == []
    assert suchbegriffe("German Course  in Neuss") == ([suchbegriffe("deutschkurs")[0][0]], ["in", "neuss"])


def test_translated_title_and_description_are_found(client, katalog):
    uebersetzen(katalog["bheim"], "uk", titel="Тренінг з подання заявок", beschreibung="Резюме і співбесіда")
    uebersetzen(katalog["bdorf"], "ar", titel="ورشة عمل")
    assert titel(client.get(KATALOG, {"q": "Тренінг"})) == ["Bewerbungstraining"]
    assert titel(client.get(KATALOG, {"q": "співбесіда"})) == ["Bewerbungstraining"]
    assert titel(client.get(KATALOG, {"q": "ورشة"})) == ["Werkstatt Bdorf"]


# Languages --------------------------------------------------------------------------------------------------------


def test_arabic_is_right_to_left_with_translated_texts_and_a_note_for_german(client, katalog):
    uebersetzen(katalog["kurs"], "ar", titel="دورة ألمانية مسائية", beschreibung="تعلم في مجموعات صغيرة")
    response = client.get(KATALOG, {"sprache": "ar"})
    text = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in text
    assert "bootstrap.rtl.min.css" in text
    assert "دورة ألمانية مسائية" in text and "Deutschkurs am Abend" not in text
    # Untranslated: the German text marked as German.
    assert re.search(r'<span lang="de" dir="ltr">Sprachcafé</span>', text)
    # The translated offer has no note; the German ones do (the note is in the page language; here untranslated).
    karten = text.split('<li class="card')
    kurs = next(k for k in karten if "دورة ألمانية مسائية" in k)
    cafe = next(k for k in karten if "Sprachcafé" in k)
    assert "hinweis-deutsch" not in kurs and "hinweis-deutsch" in cafe


def test_german_page_is_left_to_right_without_notes(client, katalog):
    text = client.get(KATALOG).content.decode()
    assert '<html lang="de" dir="ltr">' in text
    assert "bootstrap.rtl" not in text and "hinweis-deutsch" not in text


def test_language_switcher_posts_each_language_and_keeps_the_page(client, katalog):
    text = client.get(KATALOG, {"q": "kurs", "sprache": "fa"}).content.decode()
    assert 'action="/i18n/setlang/"' in text
    for code in ["de", "de-x-ls", "en", "ar", "fa", "uk", "tr", "ti"]:
        assert f'value="{code}" lang="{code}"' in text
    assert re.search(r'value="fa" lang="fa" class="btn btn-sm btn-dark" aria-current="true"', text)
    assert 'name="next" type="hidden" value="/katalog/?q=kurs"' in text


# Offer detail -----------------------------------------------------------------------------------------------------


def test_detail_shows_how_to_take_part_first(client, scenario, katalog, django_assert_max_num_queries):
    angebot = katalog["kurs"]
    person = Ansprechperson.objects.create(
        akteur=scenario.akteur_a, name="Erika Beraterin", telefon="02131 12345", oeffentlich=True
    )
    Angebot.objects.filter(pk=angebot.pk).update(
        kontakt_name="Bildungsberatung",
        kontakt_telefon="+49 (2131) 90-12 34",
        kontakt_email="kurs@example.org",
        anmeldung_url="https://example.org/anmeldung",
        adresse="Markt 1",
        plz="41460",
        ort="Neuss",
        online=True,
        zeiten="Mo–Do 9–12 Uhr",
        anmeldung_hinweis="Einfach vorbeikommen",
        ansprechperson=person,
    )
    angebot.anschlussangebote.set([katalog["alpha"], katalog["entwurf"]])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("katalog-detail", args=[angebot.pk]))
    text = response.content.decode()
    assert 'href="tel:+4921319012 34"' not in text
    assert 'href="tel:+492131901234"' in text
    assert 'href="mailto:kurs@example.org"' in text
    assert 'href="https://example.org/anmeldung" rel="noopener"' in text
    assert 'href="https://www.openstreetmap.org/search?query=Markt%201%2C%2041460%20Neuss"' in text
    assert "Mo–Do 9–12 Uhr" in text and "Einfach vorbeikommen" in text and "online" in text
    assert 'href="tel:0213112345"' in text and "Erika Beraterin" in text
    assert text.index("So nehmen Sie teil") < text.index("Was ist das?")
    assert "Ich habe eine Duldung" in text and "Ja</strong>" in text
    assert "<table" not in text
    assert "Alphabetisierung" in text and "Deutschkurs Entwurf" not in text
    for intern in ["veröffentlicht", "Förderbaustein", "Prüfung", "Finanzierung"]:
        assert intern not in text


def test_detail_access_in_plain_words_with_condition(client, katalog):
    text = client.get(reverse("katalog-detail", args=[katalog["bheim"].pk])).content.decode()
    assert re.search(r"Ja, mit Bedingung</strong>: <span[^>]*>mit Arbeitserlaubnis", text)
    assert "nicht bekannt" in text  # statuses without a record


def test_hostile_text_stays_inert(client, katalog):
    angebot = katalog["kurs"]
    Angebot.objects.filter(pk=angebot.pk).update(
        titel='<script>alert("t")</script>Kurs',
        beschreibung='<img src=x onerror="alert(1)">',
        kontakt_name="<b>fett</b>",
        anmeldung_url="javascript:alert(1)",
        kontakt_telefon="javascript:alert(1)",
        zeiten='"><svg onload=alert(1)>',
    )
    for url in [reverse("katalog-detail", args=[angebot.pk]), KATALOG]:
        text = client.get(url).content.decode()
        assert "<script>alert" not in text
        assert "<img src=x" not in text and "<svg onload" not in text and "<b>fett" not in text
        assert "javascript:" not in text
    assert sichere_url("JavaScript:alert(1)") == ""
    assert sichere_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert telefon_href("javascript:alert(1)") == ""
    assert telefon_href("keine") == ""


# Bounded queries -------------------------------------------------------------------------------------------------


def _viele(scenario, n):
    for i in range(n):
        angebot = AngebotFactory(
            buendnis=scenario.a,
            titel=f"Kurs {i:03d}",
            traeger=scenario.akteur_a,
            kommunen=[scenario.a1, scenario.a2],
            veroeffentlicht=True,
        )
        uebersetzen(angebot, "ar", titel=f"دورة {i}")


@pytest.mark.parametrize(
    "params",
    [{}, {"sprache": "ar"}, {"sprache": "ar", "q": "German course", "kommune": "a1", "zugang": "duldung"}],
)
def test_list_queries_do_not_grow(client, orte, params, django_assert_max_num_queries):
    params = dict(params)
    if "kommune" in params:
        params["kommune"] = orte.a1.pk
        params["zugang"] = status("duldung").pk
    _viele(orte, 3)
    with django_assert_max_num_queries(40) as wenige:
        client.get(KATALOG, params)
    _viele(orte, 25)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        response = client.get(KATALOG, params)
    assert response.status_code == 200
