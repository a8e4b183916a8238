"""Exports for German spreadsheets: CSV with semicolons, decimal commas and a BOM by default, commas on request;
plain German column headers; the export page speaks German; the Datenpaket and report forms need no guessing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
from django.urls import reverse

from berichte import services
from berichte.models import Exportauftrag, ExportStatus
from buendnis.models import Aufgabe
from tests.berichte.helpers import body
from tests.berichte.test_landsicht import drei, kennzahlen  # noqa: F401 - fixtures of the Land's table
from tests.foerderung.factories import BudgetFactory, FoerderbausteinFactory

BOM = b"\xef\xbb\xbf"


def export_url(app: str, model: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("berichte:export", args=[app, model]) + (f"?{query}" if query else "")


def budgets(scenario):
    baustein = FoerderbausteinFactory()
    BudgetFactory(buendnis=scenario.a, baustein=baustein, betrag=Decimal("4400000.50"))
    return baustein


def test_csv_is_semicolon_separated_utf8_with_bom_and_decimal_commas(scenario):
    budgets(scenario)
    inhalt = body(scenario.client("koordination").get(export_url("foerderung", "budget", format="csv")))
    assert inhalt.startswith(BOM)
    zeilen = inhalt[len(BOM) :].decode("utf-8").split("\r\n")
    assert zeilen[0].split(";")[:4] == ["ID", "Bündnis", "Förderbaustein", "Haushaltsjahr"]
    # German Excel reads "4400000,50" as a number; no thousands separator that it would take for text.
    assert ";4400000,50;" in zeilen[1]
    assert "4400000.50" not in zeilen[1]


def test_csv_with_commas_on_request_has_decimal_points(scenario):
    budgets(scenario)
    inhalt = body(
        scenario.client("koordination").get(
            export_url("foerderung", "budget", format="csv", trennzeichen="komma")
        )
    )
    assert inhalt.startswith(BOM)
    zeilen = list(csv.reader(io.StringIO(inhalt.decode("utf-8-sig"))))
    assert zeilen[0][:3] == ["ID", "Bündnis", "Förderbaustein"]
    assert "4400000.50" in zeilen[1]
    assert ";" not in inhalt.decode("utf-8-sig").splitlines()[0]


def test_csv_quotes_a_value_with_a_semicolon_and_keeps_formula_escaping(scenario, daten):
    Aufgabe.objects.filter(pk=daten.aufgabe_offen.pk).update(titel="Räume; Termine")
    Aufgabe.objects.filter(pk=daten.aufgabe_ueberfaellig.pk).update(titel="=HYPERLINK(1)")
    text = body(scenario.client("koordination").get(export_url("buendnis", "aufgabe", format="csv")))
    text = text.decode("utf-8-sig")
    assert '"Räume; Termine"' in text
    zellen = {c for r in csv.reader(io.StringIO(text), delimiter=";") for c in r}
    assert "Räume; Termine" in zellen
    assert "'=HYPERLINK(1)" in zellen and "=HYPERLINK(1)" not in zellen


def test_headers_are_plain_german_without_chains(scenario):
    budgets(scenario)
    client = scenario.client("koordination")
    for model in ("budget", "budgetkommune", "foerderantrag", "mittelabruf"):
        kopf = (
            body(client.get(export_url("foerderung", model, format="csv")))
            .decode("utf-8-sig")
            .splitlines()[0]
        )
        assert ":" not in kopf, kopf
        assert "Bündnis" in kopf.split(";")


def test_documentation_sheet_explains_columns_without_chains(scenario):
    budgets(scenario)
    response = scenario.client("koordination").post(
        reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk}
    )
    wb = openpyxl.load_workbook(io.BytesIO(body(response)))
    doku = [r for r in wb["Dokumentation"].iter_rows(values_only=True)]
    budget = {r[1]: r[2] for r in doku if r[0] == "Budgets"}
    assert budget["Förderbaustein"] == "Förderbaustein"
    assert budget["Bündnis"] == "Bündnis"
    assert not any("Förderbaustein: Förderbaustein" in str(r[2]) for r in doku)
    # A computed column (access per residence status) is explained by its header, not by a code name.
    assert not any(str(r[2]).startswith("zugang_") for r in doku)


def test_background_csv_keeps_the_chosen_separator(scenario, daten):
    client = scenario.client("koordination")
    client.post(export_url("buendnis", "aufgabe"), {"format": "csv", "trennzeichen": "komma"})
    auftrag = Exportauftrag.objects.get()
    assert auftrag.status == ExportStatus.FERTIG
    datei = client.get(reverse("berichte:exportauftrag-download", args=[auftrag.pk]))
    assert datei["Content-Type"].startswith("text/csv")
    kopf = body(datei).decode("utf-8-sig").splitlines()[0]
    assert kopf.startswith("ID,Bündnis,")
    auftrag.delete()
    client.post(export_url("buendnis", "aufgabe"), {"format": "csv"})
    kopf = body(client.get(reverse("berichte:exportauftrag-download", args=[Exportauftrag.objects.get().pk])))
    assert kopf.decode("utf-8-sig").startswith("ID;Bündnis;")


def test_background_page_passes_the_separator_on(scenario, daten):
    response = scenario.client("koordination").get(
        export_url("buendnis", "aufgabe", format="csv", trennzeichen="komma", hintergrund=1)
    )
    inhalt = response.content.decode()
    assert 'name="trennzeichen" value="komma"' in inhalt
    assert "CSV (Komma)" in inhalt


def test_export_page_names_areas_in_german_and_offers_both_csv(scenario, daten):
    services.exportauftrag_starten(
        art="buendnis.aufgabe", format="csv", buendnis=None, by=scenario.users["land"]
    )
    inhalt = scenario.client("land").get(reverse("berichte:export-uebersicht")).content.decode()
    for bereich in ("Angebote", "Bedarfsanalyse", "Bündnis", "Förderung"):
        assert f"<td>{bereich}</td>" in inhalt
    for code in ("angebote", "bedarf", "buendnis", "foerderung"):
        assert f"<td>{code}</td>" not in inhalt
    assert "?format=csv&amp;trennzeichen=komma" in inhalt and "CSV (Komma)" in inhalt
    # The user's jobs by what they export, not by "buendnis.aufgabe".
    assert ">Aufgaben</a>" in inhalt and "buendnis.aufgabe" not in inhalt
    assert "CSV (Semikolon)" in inhalt


def test_list_export_buttons_offer_csv_with_commas(scenario, daten):
    inhalt = scenario.client("koordination").get(reverse("buendnis:aufgabe-list")).content.decode()
    assert export_url("buendnis", "aufgabe", format="csv") + '"' in inhalt
    assert export_url("buendnis", "aufgabe", format="csv") + "&amp;trennzeichen=komma" in inhalt


def _land_csv(client, **query) -> str:
    response = client.get(reverse("berichte:land-export", args=["csv"]), query)
    assert response.status_code == 200
    inhalt = response.content
    assert inhalt.startswith(BOM)
    return inhalt.decode("utf-8-sig")


def test_land_export_with_commas_on_request(scenario, drei):  # noqa: F811
    client = scenario.client("land")
    deutsch = list(csv.reader(io.StringIO(_land_csv(client)), delimiter=";"))
    komma = list(csv.reader(io.StringIO(_land_csv(client, trennzeichen="komma"))))
    spalte = deutsch[0].index("Bewilligt (€)")
    assert komma[0] == deutsch[0]
    zeile = next(i for i, z in enumerate(deutsch) if z and z[0] == "Rhein-Kreis Test")
    assert deutsch[zeile][spalte] == "1234567,89"
    assert komma[zeile][spalte] == "1234567.89"


def test_datenpaket_preselects_the_only_buendnis(scenario):
    inhalt = scenario.client("auswertung").get(reverse("berichte:datenpaket")).content.decode()
    assert "---------" not in inhalt
    assert f'<option value="{scenario.a.pk}" selected>' in inhalt
    # Seeing several Bündnisse, the Land still chooses.
    assert "---------" in scenario.client("land").get(reverse("berichte:datenpaket")).content.decode()


def test_report_form_help_text_names_the_default_title(scenario):
    scenario.a.name = "Kreis <b>Test</b>"
    scenario.a.save()
    inhalt = scenario.client("koordination").get(reverse("berichte:bericht-create")).content.decode()
    assert "Leer lassen für „Sachstandsbericht Kreis &lt;b&gt;Test&lt;/b&gt;“." in inhalt
    assert "<Bündnis>" not in inhalt


def test_land_export_kept_lines_follow_the_separator_and_the_choice(scenario, drei, mit_cache):  # noqa: F811
    """The CSV lines are kept per choice and separator (issue 18): asked again, each answer is its own file."""
    client = scenario.client("land")
    for _runde in range(2):  # the second round from the kept lines
        deutsch = _land_csv(client)
        komma = _land_csv(client, trennzeichen="komma")
        assert deutsch.splitlines()[0].count(";") > 3 and komma.splitlines()[0].count(",") > 3
        assert "1234567,89" in deutsch and "1234567.89" in komma
        assert _land_csv(client) == deutsch
    nur_kreise = _land_csv(client, art="kreis")
    assert nur_kreise != deutsch
