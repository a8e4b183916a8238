"""The committee status report: figures from the data, sections, kept files, who may generate and read it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from berichte import selectors, services
from berichte.models import Bericht
from buendnis.models import SitzungStatus
from tests.berichte.conftest import BIS, VON, dt
from tests.berichte.helpers import docx_text, pdf_text
from tests.factories import AufgabeFactory, SitzungFactory


def kontext(scenario):
    return selectors.Kontext(buendnis=scenario.a, von=VON, bis=BIS)


def abschnitt(inhalt, key):
    return next(a for a in inhalt["abschnitte"] if a["key"] == key)


def bloecke(section, typ):
    return [b for b in section["bloecke"] if b["typ"] == typ]


def test_meetings_held_and_decisions_count_only_the_period(scenario, daten):
    inhalt = selectors.sachstandsbericht_inhalt(kontext(scenario))
    sitzungen = abschnitt(inhalt, "sitzungen")
    kennzahlen = dict(bloecke(sitzungen, "kennzahlen")[0]["eintraege"])
    # Held in 2019: constituent meeting + forum 1; cancelled and 2018 meetings and Bündnis b do not count.
    assert kennzahlen["Durchgeführte Sitzungen"] == "2"
    assert kennzahlen["Gefasste Beschlüsse"] == "1"
    tabelle = bloecke(sitzungen, "tabelle")[0]
    titel = [z[2] for z in tabelle["zeilen"]]
    assert titel == ["Konstituierende Sitzung", "Forum 1"]
    assert tabelle["zeilen"][0][0] == "27.06.2019"
    assert tabelle["zeilen"][0][4] == "1"


def test_core_group_lists_members_with_function(scenario, daten):
    inhalt = selectors.sachstandsbericht_inhalt(kontext(scenario))
    tabellen = bloecke(abschnitt(inhalt, "buendnis"), "tabelle")
    kern = next(t for t in tabellen if t["titel"] == "Mitglieder der Bündniskerngruppe")
    assert [(z[0], z[3]) for z in kern["zeilen"]] == [
        ("Caritas A", "Entscheidungsfunktion"),
        ("Jobcenter Test", "Multiplikatorenfunktion"),
    ]
    assert kern["zeilen"][1][2] == "Aheim"


def test_forums_with_status_and_meetings_in_period(scenario, daten):
    inhalt = selectors.sachstandsbericht_inhalt(kontext(scenario))
    foren = bloecke(abschnitt(inhalt, "foren"), "tabelle")[0]
    zeilen = {z[0]: z for z in foren["zeilen"]}
    assert set(zeilen) == {"Deutschförderung", "Wohnen"}
    assert zeilen["Deutschförderung"][2] == "eingerichtet"
    assert zeilen["Deutschförderung"][3] == "Caritas A"
    assert zeilen["Deutschförderung"][6] == "1"
    assert zeilen["Wohnen"][2] == "in Diskussion"


def test_open_tasks_mark_overdue_in_words(scenario, daten):
    inhalt = selectors.sachstandsbericht_inhalt(kontext(scenario))
    aufgaben = abschnitt(inhalt, "aufgaben")
    kennzahlen = dict(bloecke(aufgaben, "kennzahlen")[0]["eintraege"])
    assert kennzahlen == {"Offene Aufgaben": "2", "davon überfällig": "1"}
    zeilen = bloecke(aufgaben, "tabelle")[0]["zeilen"]
    assert "Aufgabe aus B" not in [z[0] for z in zeilen]
    assert any(z[4].endswith("überfällig") for z in zeilen)


def test_priorities_and_procedure_agreements(scenario, daten):
    inhalt = selectors.sachstandsbericht_inhalt(kontext(scenario))
    prio = bloecke(abschnitt(inhalt, "prioritaeten"), "tabelle")[0]
    assert prio["zeilen"] == [["1", "Datenlage verbessern", "–", "0"]]
    vv = bloecke(abschnitt(inhalt, "vereinbarungen"), "tabelle")[0]
    assert vv["zeilen"] == [["Übergang Schule–Beruf", "abgestimmt", "–", "Caritas A, Jobcenter Test"]]


def test_sections_can_be_switched_off(scenario, daten):
    inhalt = selectors.sachstandsbericht_inhalt(kontext(scenario), abschnitte=["foren", "aufgaben"])
    assert [a["key"] for a in inhalt["abschnitte"]] == ["foren", "aufgaben"]


def test_report_queries_do_not_grow_with_data(scenario, daten, django_assert_max_num_queries):
    k = kontext(scenario)
    with django_assert_max_num_queries(30) as wenige:
        selectors.sachstandsbericht_inhalt(k)
    n_wenige = len(wenige.captured_queries)
    for _n in range(60):
        SitzungFactory(
            gremium=daten.forum, beginn=dt(datetime.date(2019, 11, 1)), status=SitzungStatus.DURCHGEFUEHRT
        )
        AufgabeFactory(buendnis=scenario.a, gremium=daten.forum)
    with django_assert_max_num_queries(n_wenige):
        selectors.sachstandsbericht_inhalt(k)


def test_generated_report_is_kept_in_three_formats_that_open(scenario, daten):
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a,
        von=VON,
        bis=BIS,
        abschnitte=None,
        einleitung="Das Kommunale Integrationszentrum berichtet.",
        by=scenario.users["koordination"],
    )
    assert bericht.erstellt_von == scenario.users["koordination"]
    assert (bericht.zeitraum_von, bericht.zeitraum_bis) == (VON, BIS)
    pdf = pdf_text(bericht.datei_pdf.read())
    assert "Sachstandsbericht Rhein-Kreis Test" in pdf
    assert "Das Kommunale Integrationszentrum berichtet." in pdf
    assert "Konstituierende Sitzung" in pdf
    assert "Seite 1 von" in pdf
    text = docx_text(bericht.datei_docx.read())
    assert "Bündnisforen und ihr Stand" in text
    assert "Deutschförderung" in text
    html = bericht.datei_html.read().decode()
    assert "<h2" in html and "Konstituierende Sitzung" in html
    assert "Sitzung B" not in html


def test_end_before_start_is_refused_with_german_message(scenario):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.bericht_erzeugen(
            buendnis=scenario.a, von=BIS, bis=VON, abschnitte=None, by=scenario.users["koordination"]
        )
    assert "vor seinem Beginn" in str(exc.value)
    assert Bericht.objects.count() == 0


# Views: role matrix -------------------------------------------------------------------------------------------


ERZEUGEN = {
    "anonym": 302,
    "koordination": 302,
    "auswertung": 302,
    "admin": 200,
    "kommune": 403,
    "mitglied": 403,
    "land": 403,
}


def post_daten(**extra):
    return {
        "zeitraum_von": "2019-01-01",
        "zeitraum_bis": "2019-12-31",
        "abschnitte": ["buendnis", "sitzungen", "aufgaben"],
        "einleitung": "Zur Sitzung des Ausschusses.",
        **extra,
    }


def test_generate_role_matrix(scenario, daten, role):
    client = scenario.client(role)
    response = client.post(reverse("berichte:bericht-create"), post_daten())
    assert response.status_code == ERZEUGEN[role]
    if role == "anonym":
        assert "/anmelden/" in response["Location"]
    if role in ("koordination", "auswertung"):
        bericht = Bericht.objects.get()
        assert bericht.buendnis == scenario.a
        assert response["Location"] == bericht.get_absolute_url()
        assert bericht.abschnitte == ["buendnis", "sitzungen", "aufgaben"]
    else:
        assert (
            Bericht.objects.count() == 0
        )  # refused (or the admin's form lacks its Bündnis): nothing written


def test_generate_form_has_clear_labels(scenario):
    response = scenario.client("koordination").get(reverse("berichte:bericht-create"))
    content = response.content.decode()
    assert 'value="Bericht erzeugen"' in content
    assert "Einleitung" in content and "Abschnitte" in content


def test_invalid_period_shows_german_error_and_writes_nothing(scenario):
    client = scenario.client("koordination")
    response = client.post(
        reverse("berichte:bericht-create"), post_daten(zeitraum_von="2020-01-01", zeitraum_bis="2019-01-01")
    )
    assert response.status_code == 200
    assert "Das Ende des Berichtszeitraums liegt vor seinem Beginn." in response.content.decode()
    assert Bericht.objects.count() == 0


@pytest.fixture
def bericht(scenario, daten):
    return services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )


LESEN = {
    "anonym": 302,
    "koordination": 200,
    "auswertung": 200,
    "kommune": 200,
    "land": 200,
    "admin": 200,
    "mitglied": 403,
}


def test_read_and_download_role_matrix(scenario, bericht, role):
    client = scenario.client(role)
    response = client.get(bericht.get_absolute_url())
    assert response.status_code == LESEN[role]
    for fmt in ("html", "pdf", "docx"):
        response = client.get(reverse("berichte:bericht-download", args=[bericht.pk, fmt]))
        assert response.status_code == LESEN[role]
        if LESEN[role] == 200:
            assert "attachment" in response["Content-Disposition"]


def test_other_buendnis_gets_404_for_report_and_files(scenario, bericht):
    client = scenario.client("koordination_b")
    assert client.get(bericht.get_absolute_url()).status_code == 404
    for fmt in ("html", "pdf", "docx"):
        assert client.get(reverse("berichte:bericht-download", args=[bericht.pk, fmt])).status_code == 404


def test_detail_page_has_download_links_and_print_stylesheet(scenario, bericht):
    response = scenario.client("kommune").get(bericht.get_absolute_url())
    content = response.content.decode()
    for fmt in ("html", "pdf", "docx"):
        assert reverse("berichte:bericht-download", args=[bericht.pk, fmt]) in content
        assert f" {fmt.upper()}</a>" in content
    assert 'href="/static/css/print.css" media="print"' in content
    assert "<script>" not in content  # CSP: no inline scripts


def test_report_list_query_count_is_fixed(scenario, daten, django_assert_max_num_queries):
    client = scenario.client("koordination")
    for _ in range(3):
        Bericht.objects.create(
            buendnis=scenario.a,
            titel="x",
            zeitraum_von=VON,
            zeitraum_bis=BIS,
            erstellt_von=scenario.users["koordination"],
        )
    with django_assert_max_num_queries(40) as wenige:
        assert client.get(reverse("berichte:bericht-list")).status_code == 200
    for _ in range(60):
        Bericht.objects.create(
            buendnis=scenario.a,
            titel="y",
            zeitraum_von=VON,
            zeitraum_bis=BIS,
            erstellt_von=scenario.users["auswertung"],
        )
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        response = client.get(reverse("berichte:bericht-list"))
    assert response.context["page_obj"].paginator.count == 63


def test_report_list_never_shows_other_buendnis(scenario, bericht):
    response = scenario.client("koordination_b").get(reverse("berichte:bericht-list"))
    assert response.status_code == 200
    assert bericht.titel not in response.content.decode()


def test_pdf_falls_back_to_core_font_without_dejavu(monkeypatch):
    from pathlib import Path

    from berichte import render_pdf
    from buendnis import inhalt as i

    monkeypatch.setattr(render_pdf, "FONT_REGULAR", Path("/nicht/da.ttf"))
    inhalt = {
        "titel": "Sachstandsbericht Jüchen – „Test“",
        "untertitel": "Zeitraum",
        "stichtag": "01.01.2020",
        "einleitung": "Größe € ☺",
        "abschnitte": [
            i.abschnitt(
                "x",
                "Übersicht",
                [i.tabelle("T", ["a", "b"], [["Ä", "1"]]), i.diagramm("D", ["Köln"], [("n", [3])])],
            )
        ],
    }
    text = pdf_text(render_pdf.render_pdf(inhalt))
    assert "Sachstandsbericht Jüchen" in text
    assert "EUR" in text  # characters outside Latin-1 are replaced, umlauts stay


def test_user_text_is_escaped_in_html_and_page(scenario, daten):
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a,
        von=VON,
        bis=BIS,
        abschnitte=["buendnis"],
        einleitung="<script>alert(1)</script>",
        by=scenario.users["koordination"],
    )
    html = bericht.datei_html.read().decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = scenario.client("koordination").get(bericht.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_custom_title_heads_the_document_and_all_its_files(scenario, daten):
    titel = "Sachstand für den <b>Sozialausschuss</b>"
    response = scenario.client("koordination").post(
        reverse("berichte:bericht-create"), post_daten(titel=f"  {titel} ")
    )
    bericht = Bericht.objects.get()
    assert response["Location"] == bericht.get_absolute_url()
    assert bericht.titel == titel
    assert bericht.inhalt["titel"] == titel
    page = scenario.client("koordination").get(bericht.get_absolute_url()).content.decode()
    assert '<h1 class="h2">Sachstand für den &lt;b&gt;Sozialausschuss&lt;/b&gt;</h1>' in page
    assert "<b>Sozialausschuss</b>" not in page
    html = bericht.datei_html.read().decode()
    assert "<title>Sachstand für den &lt;b&gt;Sozialausschuss&lt;/b&gt;</title>" in html
    assert "Sachstandsbericht Rhein-Kreis Test" not in html
    assert titel in pdf_text(bericht.datei_pdf.read())
    assert titel in docx_text(bericht.datei_docx.read())


def test_empty_title_keeps_the_default_title(scenario, daten):
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, titel="   ", by=scenario.users["koordination"]
    )
    assert bericht.titel == bericht.inhalt["titel"] == "Sachstandsbericht Rhein-Kreis Test"


def test_pdf_draws_charts_as_bars_proportional_to_the_values():
    import io
    import re

    from pypdf import PdfReader

    from berichte import render_pdf
    from buendnis import inhalt as i

    inhalt = {
        "titel": "Diagrammtest",
        "untertitel": "",
        "stichtag": "",
        "einleitung": "",
        "abschnitte": [
            i.abschnitt(
                "x", "Abschnitt", [i.diagramm("Angebote je Kommune", ["Aheim", "Adorf"], [("n", [10, 5])])]
            )
        ],
    }
    reader = PdfReader(io.BytesIO(render_pdf.render_pdf(inhalt)))
    inhalt_seite = "".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)
    breiten = [float(w) for w in re.findall(r"[\d.]+ [\d.]+ ([\d.]+) -?[\d.]+ re f", inhalt_seite)]
    assert len(breiten) == 2
    assert breiten[0] == pytest.approx(2 * breiten[1], rel=0.01)
    assert "Diagramm: Angebote je Kommune" in pdf_text(render_pdf.render_pdf(inhalt))
