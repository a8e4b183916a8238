"""Exports: scope, formats, formula escaping, streaming with a fixed query count, the Datenpaket, background jobs."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from berichte import services
from berichte.models import Exportauftrag, ExportStatus
from tests.berichte.helpers import body, xlsx_rows
from tests.factories import AufgabeFactory


def url(model="aufgabe", app="buendnis", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("berichte:export", args=[app, model]) + (f"?{query}" if query else "")


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV export: semicolons by default (German Excel)."""
    text = body(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


EXPORT = {
    "anonym": 302,
    "koordination": 200,
    "auswertung": 200,
    "kommune": 200,
    "land": 200,
    "admin": 200,
    "mitglied": 403,
}


def test_export_role_matrix(scenario, daten, role):
    response = scenario.client(role).get(url(format="csv"))
    assert response.status_code == EXPORT[role]
    if role == "anonym":
        assert "/anmelden/" in response["Location"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_of_one_buendnis_never_contains_another(scenario, daten, fmt):
    response = scenario.client("koordination").get(url(format=fmt))
    assert response.status_code == 200
    inhalt = body(response)
    if fmt == "csv":
        titel = [r[2] for r in list(csv.reader(io.StringIO(inhalt.decode("utf-8-sig")), delimiter=";"))[1:]]
    elif fmt == "xlsx":
        titel = [r[2] for r in xlsx_rows(inhalt)[1:]]
    else:
        titel = [r["Aufgabe"] for r in json.loads(inhalt)]
    assert "Aufgabe aus B" not in titel
    assert "Forenleitungen benennen" in titel
    assert len(titel) == 3  # all three tasks of a (open, overdue, done), none of b
    response_b = scenario.client("koordination_b").get(url(format=fmt))
    assert b"Forenleitungen benennen" not in body(response_b)


def test_land_can_limit_export_to_one_buendnis(scenario, daten):
    response = scenario.client("land").get(url(format="csv", buendnis=scenario.b.pk))
    titel = [r[2] for r in csv_rows(response)[1:]]
    assert titel == ["Aufgabe aus B"]


def test_foreign_buendnis_parameter_is_404(scenario, daten):
    assert scenario.client("koordination").get(url(format="csv", buendnis=scenario.b.pk)).status_code == 404


def test_cell_starting_with_equals_is_escaped_in_csv_and_xlsx(scenario, daten):
    client = scenario.client("koordination")
    rows = csv_rows(client.get(url(format="csv")))
    assert '\'=HYPERLINK("http://x")' in [r[2] for r in rows]
    xrows = xlsx_rows(body(client.get(url(format="xlsx"))))
    assert '\'=HYPERLINK("http://x")' in [r[2] for r in xrows]
    # numbers stay numbers
    assert all(isinstance(r[0], int) for r in xrows[1:])


def test_unknown_model_is_404_and_unknown_format_400(scenario):
    client = scenario.client("koordination")
    assert client.get(url(model="gibtsnicht", format="csv")).status_code == 404
    assert client.get(url(format="pdf")).status_code == 400


def test_csv_streams_with_fixed_query_count(scenario, daten, django_assert_max_num_queries):
    client = scenario.client("koordination")
    response = client.get(url(format="csv"))
    assert response.streaming
    with django_assert_max_num_queries(20) as wenige:
        body(client.get(url(format="csv")))
    AufgabeFactory.create_batch(500, buendnis=scenario.a, gremium=daten.forum, akteur=scenario.akteur_a)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        rows = csv_rows(client.get(url(format="csv")))
    assert len(rows) == 1 + 503


def test_xlsx_and_json_query_count_fixed(scenario, daten, django_assert_max_num_queries):
    client = scenario.client("koordination")
    zaehler = {}
    for fmt in ("xlsx", "json"):
        with django_assert_max_num_queries(20) as q:
            body(client.get(url(format=fmt, model="verfahrensvereinbarung")))
        zaehler[fmt] = len(q.captured_queries)
    from tests.factories import VereinbarungFactory

    for _ in range(50):
        VereinbarungFactory(buendnis=scenario.a).parteien.add(scenario.akteur_a)
    for fmt in ("xlsx", "json"):
        with django_assert_max_num_queries(zaehler[fmt]):
            body(client.get(url(format=fmt, model="verfahrensvereinbarung")))


def test_export_overview_lists_registered_models(scenario):
    response = scenario.client("koordination").get(reverse("berichte:export-uebersicht"))
    assert response.status_code == 200
    content = response.content.decode()
    assert url(format="xlsx").replace("&", "&amp;") in content or url(format="xlsx") in content
    assert scenario.client("mitglied").get(reverse("berichte:export-uebersicht")).status_code == 403


# Datenpaket --------------------------------------------------------------------------------------------------


def test_datenpaket_has_a_sheet_per_entity_and_documentation(scenario, daten):
    response = scenario.client("auswertung").post(reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk})
    assert response.status_code == 200
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert {"Kommunen", "Akteure", "Gremien", "Sitzungen", "Beschlüsse", "Aufgaben", "Dokumentation"} <= set(
        wb.sheetnames
    )
    kommunen = [r[2] for r in wb["Kommunen"].iter_rows(min_row=2, values_only=True)]
    assert sorted(kommunen) == ["Adorf", "Aheim"]
    aufgaben = [r[2] for r in wb["Aufgaben"].iter_rows(min_row=2, values_only=True)]
    assert "Aufgabe aus B" not in aufgaben
    doku = list(wb["Dokumentation"].iter_rows(values_only=True))
    themen = {r[1] for r in doku}
    assert {"Stichtag", "Geheimhaltung", "Bündnis"} <= themen
    assert ("Aufgaben", "fällig am", "fällig am") in doku


def test_datenpaket_of_other_buendnis_is_refused(scenario, daten):
    response = scenario.client("koordination").post(
        reverse("berichte:datenpaket"), {"buendnis": scenario.b.pk}
    )
    assert response.status_code == 200  # the form shows the error, no file
    assert "Auswahl" in response.content.decode() or "gültig" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


# Background jobs ---------------------------------------------------------------------------------------------


def test_large_export_is_offered_as_a_background_job_by_get_and_started_by_post(scenario, daten, settings):
    settings.BERICHTE_EXPORT_SYNC_MAX = 2
    client = scenario.client("koordination")
    angebot = client.get(url(format="xlsx"))
    assert angebot.status_code == 200
    assert angebot["Content-Type"].startswith("text/html")
    assert b'method="post"' in angebot.content and b"Export starten" in angebot.content
    assert not Exportauftrag.objects.exists()
    response = client.post(reverse("berichte:export", args=["buendnis", "aufgabe"]), {"format": "xlsx"})
    auftrag = Exportauftrag.objects.get()
    assert response.status_code == 302
    assert response["Location"] == auftrag.get_absolute_url()
    auftrag.refresh_from_db()
    assert auftrag.status == ExportStatus.FERTIG
    assert auftrag.fortschritt == 100
    assert auftrag.zeilen == 3
    page = client.get(auftrag.get_absolute_url())
    assert b"berichte_export.js" in page.content
    status = client.get(reverse("berichte:exportauftrag-status", args=[auftrag.pk])).json()
    assert status["fertig"] is True
    datei = client.get(status["download"])
    rows = xlsx_rows(body(datei))
    assert len(rows) == 4


def test_background_datenpaket(scenario, daten, settings):
    settings.BERICHTE_EXPORT_SYNC_MAX = 0
    client = scenario.client("koordination")
    response = client.post(reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk})
    auftrag = Exportauftrag.objects.get()
    assert response["Location"] == auftrag.get_absolute_url()
    auftrag.refresh_from_db()
    assert auftrag.status == ExportStatus.FERTIG
    rows = xlsx_rows(
        body(client.get(reverse("berichte:exportauftrag-download", args=[auftrag.pk]))), "Dokumentation"
    )
    assert rows


def test_someone_elses_job_is_404(scenario, daten):
    auftrag = services.exportauftrag_starten(
        art="buendnis.aufgabe", format="csv", buendnis=None, by=scenario.users["koordination"]
    )
    for role in ("auswertung", "koordination_b", "land"):
        client = scenario.client(role)
        assert client.get(auftrag.get_absolute_url()).status_code == 404
        assert client.get(reverse("berichte:exportauftrag-download", args=[auftrag.pk])).status_code == 404


def test_failed_job_records_german_message(scenario, daten, monkeypatch):
    from berichte import exporte

    def kaputt(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(exporte, "csv_stream", kaputt)
    auftrag = services.exportauftrag_starten(
        art="buendnis.aufgabe", format="csv", buendnis=None, by=scenario.users["koordination"]
    )
    auftrag.refresh_from_db()
    assert auftrag.status == ExportStatus.FEHLER
    assert "fehlgeschlagen" in auftrag.fehler


def test_export_links_tag_respects_permission(scenario, rf):
    from django.template import Context, Template

    template = Template('{% load buendnis_tags %}{% export_links "buendnis" "aufgabe" %}')
    for role, sichtbar in (("koordination", True), ("mitglied", False)):
        request = rf.get("/")
        request.user = scenario.users[role]
        html = template.render(Context({"request": request}))
        assert (url(format="csv") in html) is sichtbar


@pytest.mark.parametrize("wert", ["abc", "1.5", "²", "99999999999999999999", "1 OR 1=1"])
def test_malformed_buendnis_parameter_is_400_with_german_message(scenario, daten, wert):
    response = scenario.client("land").get(url(format="csv", buendnis=wert))
    assert response.status_code == 400
    assert "Ungültige Angabe zum Bündnis" in response.content.decode()
    assert Exportauftrag.objects.count() == 0


def test_datenpaket_query_count_does_not_grow_with_rows(scenario, daten, django_assert_max_num_queries):
    client = scenario.client("koordination")
    with django_assert_max_num_queries(200) as wenige:
        body(client.post(reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk}))
    AufgabeFactory.create_batch(200, buendnis=scenario.a, gremium=daten.forum, akteur=scenario.akteur_a)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        inhalt = body(client.post(reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk}))
    assert len(xlsx_rows(inhalt, "Aufgaben")) == 1 + 203


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_offer_export_uses_the_catalogues_row_builder_with_fixed_queries(
    scenario, daten, fmt, django_assert_max_num_queries
):
    """The generic export of Angebote goes through angebote's own rows: same cells as the catalogue export,
    and the same number of queries for 3 and for 60 offers (50,000 offers export in seconds)."""
    from angebote.models import Angebot
    from tests.angebote.factories import AngebotFactory

    client = scenario.client("koordination")
    AngebotFactory.create_batch(3, buendnis=scenario.a, traeger=scenario.akteur_a)
    with django_assert_max_num_queries(30) as wenige:
        body(client.get(url(app="angebote", model="angebot", format=fmt)))
    AngebotFactory.create_batch(57, buendnis=scenario.a, traeger=scenario.akteur_a)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        inhalt = body(client.get(url(app="angebote", model="angebot", format=fmt)))
    if fmt == "csv":
        zeilen = list(csv.reader(io.StringIO(inhalt.decode("utf-8-sig")), delimiter=";"))
        assert len(zeilen) - 1 == Angebot.objects.visible_to(scenario.users["koordination"]).count()
        # The catalogue's own CSV is the same file, with semicolons and with commas on request.
        katalog = body(client.get(reverse("angebote:angebot-export") + "?format=csv"))
        assert katalog == inhalt
        komma = body(client.get(url(app="angebote", model="angebot", format=fmt, trennzeichen="komma")))
        katalog = body(client.get(reverse("angebote:angebot-export") + "?format=csv&trennzeichen=komma"))
        assert list(csv.reader(io.StringIO(komma.decode("utf-8-sig")))) == list(
            csv.reader(io.StringIO(katalog.decode("utf-8-sig")))
        )
