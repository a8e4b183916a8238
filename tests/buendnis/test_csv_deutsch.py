"""CSV for German spreadsheets in every app (issue 17): semicolons, decimal commas and a BOM by default, commas
and decimal points with `?trennzeichen=komma`; both read back by the application's own import pages."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from angebote.models import Angebot
from bedarf.models import Bedarfsmeldung
from buendnis import cells
from buendnis.io import KOMMA, SEMIKOLON, DeutschesCSV, csv_text, csv_zelle, dataset_response, escape_formula
from foerderung.models import Foerderantrag, Mittelabruf, Verteilungsanteil
from tests.angebote.factories import AngebotFactory
from tests.bedarf.conftest import deliver
from tests.bedarf.factories import ErhebungFactory
from tests.foerderung.conftest import budget_a, f1, programm, regeln_f1  # noqa: F401 - fixtures
from tests.foerderung.factories import FoerderantragFactory, MittelabrufFactory, VerteilungFactory

BOM = b"\xef\xbb\xbf"
D = Decimal
TRENNER = {SEMIKOLON: ";", KOMMA: ","}


def download(client, url: str, trennzeichen: str, **params) -> bytes:
    if trennzeichen == KOMMA:
        params["trennzeichen"] = KOMMA
    antwort = client.get(url, params)
    assert antwort.status_code == 200, antwort
    assert antwort["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(antwort.streaming_content) if antwort.streaming else antwort.content


def lesen(inhalt: bytes, trennzeichen: str) -> list[dict[str, str]]:
    """The rows of a downloaded CSV, checked for the BOM and the separator in the header line."""
    assert inhalt.startswith(BOM)
    text = inhalt.decode("utf-8-sig")
    kopf = text.split("\r\n", 1)[0]
    anderes = TRENNER[KOMMA if trennzeichen == SEMIKOLON else SEMIKOLON]
    assert TRENNER[trennzeichen] in kopf and anderes not in kopf, kopf
    return list(csv.DictReader(io.StringIO(text), delimiter=TRENNER[trennzeichen]))


def probelauf(client, url: str, inhalt: bytes, name: str = "export.csv"):
    """The dry run of an import page: a preview without errors, nothing written yet."""
    vorschau = client.post(url, {"datei": SimpleUploadedFile(name, inhalt, content_type="text/csv")})
    assert vorschau.status_code == 200, vorschau.context.get("fehler") or vorschau.content.decode()[:2000]
    assert not vorschau.context.get("fehler")
    assert "vorgang" in vorschau.context
    return vorschau


def bestaetigen(client, url: str, vorschau):
    antwort = client.post(url, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk})
    assert antwort.status_code == 302, antwort.context.get("fehler") if antwort.context else antwort
    return antwort


beide = pytest.mark.parametrize("trennzeichen", [SEMIKOLON, KOMMA])


# The primitives ---------------------------------------------------------------------------------------------------


def test_a_cell_has_the_decimal_sign_of_its_separator_and_texts_stay_formula_safe():
    assert csv_zelle(D("1250.50")) == "1250,50"
    assert csv_zelle(D("1250.50"), KOMMA) == "1250.50"
    assert csv_zelle(D("-3.5")) == "-3,5"  # a number, not a formula
    assert csv_zelle(12) == 12 and csv_zelle(None) == ""
    for gefaehrlich in ("=1+1", "+49 211", "-Hinterhof", "@SUMME(A1)", "\tx"):
        assert csv_zelle(gefaehrlich) == csv_zelle(gefaehrlich, KOMMA) == "'" + gefaehrlich
        # Idempotent: a cell escaped by the resource already is not escaped twice.
        assert csv_zelle(escape_formula(gefaehrlich)) == "'" + gefaehrlich


@beide
def test_a_dataset_download_is_utf8_with_bom_and_quotes_what_holds_its_separator(trennzeichen):
    daten = tablib.Dataset(headers=["Name", "Betrag (EUR)", "Datum"])
    daten.append(["Müller; Söhne, GmbH", D("1250.50"), datetime.date(2026, 3, 1)])
    daten.append(["=HYPERLINK(1)", None, None])
    antwort = dataset_response(daten, "csv", "probe", trennzeichen)
    zeilen = lesen(antwort.content, trennzeichen)
    assert zeilen[0] == {
        "Name": "Müller; Söhne, GmbH",
        "Betrag (EUR)": "1250,50" if trennzeichen == SEMIKOLON else "1250.50",
        "Datum": "2026-03-01",
    }
    assert zeilen[1]["Name"] == "'=HYPERLINK(1)"
    assert antwort.content.count(b"\r\n") == 3


def test_csv_text_of_a_dataset_is_semicolon_separated_by_default():
    daten = tablib.Dataset(["a", D("1.5")], headers=["x", "y"])
    assert csv_text(daten) == "\ufeffx;y\r\na;1,5\r\n"
    assert csv_text(daten, KOMMA) == "\ufeffx,y\r\na,1.5\r\n"


# Offers -----------------------------------------------------------------------------------------------------------


@beide
def test_offer_export_imports_again_unchanged(scenario, trennzeichen):
    traeger = scenario.akteur_a
    AngebotFactory(
        buendnis=scenario.a,
        kennung="K-1",
        titel="Deutsch; Beruf, Alltag",
        beschreibung="=Formel",
        traeger=traeger,
        kommunen=[scenario.a1],
        kosten=D("1250.50"),
        stunden_pro_woche=D("4.5"),
        plaetze=12,
        beginn=datetime.date(2027, 3, 1),
        zugang={"duldung": "offen"},
    )
    client = scenario.client("koordination")
    inhalt = download(client, reverse("angebote:angebot-export"), trennzeichen, format="csv")
    (zeile,) = lesen(inhalt, trennzeichen)
    komma = trennzeichen == SEMIKOLON
    assert zeile["Kosten (EUR)"] == ("1250,50" if komma else "1250.50")
    assert zeile["Stunden pro Woche"] == ("4,5" if komma else "4.5")
    assert (zeile["Titel"], zeile["Beschreibung"], zeile["Plätze"]) == (
        "Deutsch; Beruf, Alltag",
        "'=Formel",
        "12",
    )
    vorher = list(Angebot.objects.values_list("kennung", "titel", "beschreibung", "kosten", "version"))

    vorschau = probelauf(client, reverse("angebote:angebot-import"), inhalt)
    assert (vorschau.context["vorschau"]["neu"], vorschau.context["vorschau"]["unveraendert"]) == (0, 1)
    bestaetigen(client, reverse("angebote:angebot-import"), vorschau)
    assert (
        list(Angebot.objects.values_list("kennung", "titel", "beschreibung", "kosten", "version")) == vorher
    )
    angebot = Angebot.objects.get()
    assert (angebot.kosten, angebot.stunden_pro_woche) == (D("1250.50"), D("4.5"))


# Förderanträge and Mittelabrufe -----------------------------------------------------------------------------------


@beide
def test_antrag_export_imports_as_a_dry_run_without_errors(scenario, f1, regeln_f1, trennzeichen):  # noqa: F811
    entwurf = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="Kurs; 2020")
    client = scenario.client("kommune")
    inhalt = download(client, reverse("foerderung:antrag-export"), trennzeichen, format="csv")
    (zeile,) = lesen(inhalt, trennzeichen)
    assert zeile["ID"] == str(entwurf.pk) and zeile["Titel"] == "Kurs; 2020"
    assert zeile["beantragt (EUR)"] == ("10000,00" if trennzeichen == SEMIKOLON else "10000.00")

    vorschau = probelauf(client, reverse("foerderung:antrag-import"), inhalt)
    assert vorschau.context["vorschau"]["aktualisiert"] == 1
    assert Foerderantrag.objects.get().titel == "Kurs; 2020"


@beide
def test_mittelabruf_export_imports_with_the_same_amounts(scenario, f1, budget_a, trennzeichen):  # noqa: F811
    antrag = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True, beantragt=D("10000.00")
    )
    MittelabrufFactory(antrag=antrag, betrag=D("1250.50"), bemerkung="Rate 1; Honorare")
    client = scenario.client("koordination")
    url = reverse("foerderung:mittelabruf-import")
    inhalt = download(client, reverse("foerderung:mittelabruf-export"), trennzeichen, format="csv")
    (zeile,) = lesen(inhalt, trennzeichen)
    assert zeile["Betrag (EUR)"] == ("1250,50" if trennzeichen == SEMIKOLON else "1250.50")

    # The import adds drawdowns: the file's row comes in a second time, with the same amount and date.
    bestaetigen(client, url, probelauf(client, url, inhalt))
    assert (
        sorted(Mittelabruf.objects.values_list("betrag", "datum", "bemerkung"))
        == [(D("1250.50"), datetime.date(2020, 3, 1), "Rate 1; Honorare")] * 2
    )


def test_german_and_plain_amounts_both_import_exactly_from_a_semicolon_file(scenario, f1, budget_a):  # noqa: F811
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    client = scenario.client("koordination")
    url = reverse("foerderung:mittelabruf-import")
    text = (
        "Antrag-ID;Abrufdatum;Betrag (EUR);Bemerkung\r\n"
        f"{antrag.pk};01.04.2020;1.250,50;deutsch\r\n"
        f"{antrag.pk};2020-04-02;1250.50;Punkt\r\n"
        f'{antrag.pk};03.04.2020;"1.250,50 €";mit Euro\r\n'
        # German Excel saves a whole amount formatted with separators like this: 1250 euros, not 1.25.
        f"{antrag.pk};04.04.2020;1.250;Tausender\r\n"
    )
    bestaetigen(client, url, probelauf(client, url, BOM + text.encode("utf-8")))
    assert dict(Mittelabruf.objects.values_list("bemerkung", "betrag")) == {
        "deutsch": D("1250.50"),
        "Punkt": D("1250.50"),
        "mit Euro": D("1250.50"),
        "Tausender": D("1250.00"),
    }


@pytest.mark.parametrize(
    ("zelle", "erwartet"),
    [
        ("1.250,50", D("1250.50")),
        ("1250.50", D("1250.50")),
        ("1250,5", D("1250.50")),
        ("1.000.000,00", D("1000000.00")),
        ("1250", D("1250.00")),
        ("1250,50 €", D("1250.50")),
        # Thousands grouped by dots without a decimal comma are German: an amount has no third decimal place.
        ("1.250", D("1250.00")),
        ("100.000", D("100000.00")),
        ("1.000.000", D("1000000.00")),
        # A leading zero is no thousands group: the plain decimal it is.
        ("0.500", D("0.50")),
    ],
)
def test_money_cells_of_both_csv_variants_are_read_exactly(zelle, erwartet):
    assert cells.parse_money(zelle) == erwartet


def test_a_dot_before_three_digits_stays_a_decimal_point_where_the_field_has_three_places():
    assert cells.parse_decimal("1.250", places=6) == D("1.25")
    assert cells.parse_decimal("1.000.000", places=6) == D("1000000")  # two dots: grouping only
    with pytest.raises(ValueError, match="mehr als 2 Nachkommastellen"):
        cells.parse_money("0.125")


@pytest.mark.parametrize("zelle", ["1,250.50", "1.250.50", "12,5,0", "1.25.000"])
def test_money_cells_with_mixed_up_signs_are_refused_not_misread(zelle):
    with pytest.raises(ValueError, match="keine gültige Zahl|Nachkommastellen"):
        cells.parse_money(zelle)


# Needs figures ----------------------------------------------------------------------------------------------------


@beide
def test_needs_template_downloads_and_imports_back(scenario, trennzeichen):
    erhebung = ErhebungFactory(buendnis=scenario.a, titel="Erhebung 2027")
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 6}, {("deutsch", "duldung"): 4})
    vorher = Bedarfsmeldung.objects.get()
    client = scenario.client("kommune")
    inhalt = download(
        client, reverse("bedarf:meldung-vorlage", args=[erhebung.pk]), trennzeichen, format="csv"
    )
    zeilen = lesen(inhalt, trennzeichen)
    assert {z["Schlüssel"]: z["Anzahl"] for z in zeilen}["gesamt"] == "6"

    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    vorschau = client.post(url, {"datei": SimpleUploadedFile("meldung.csv", inhalt, content_type="text/csv")})
    assert vorschau.status_code == 200, vorschau.content.decode()[:2000]
    assert not vorschau.context.get("fehler")
    bestaetigen(client, url, vorschau)
    meldung = Bedarfsmeldung.objects.get()
    assert meldung.gesamt == vorher.gesamt == 6


def test_needs_analysis_export_is_semicolon_csv_and_comma_on_request(scenario):
    erhebung = ErhebungFactory(buendnis=scenario.a, titel="Erhebung 2027")
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 8})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 7})
    client = scenario.client("auswertung")
    for trennzeichen in (SEMIKOLON, KOMMA):
        url = reverse("bedarf:export", args=[erhebung.pk, "csv"])
        zeilen = lesen(download(client, url, trennzeichen), trennzeichen)
        assert {"Tabelle", "Zeile", "Spalte", "Wert"} <= set(zeilen[0])


# The pages offer both ---------------------------------------------------------------------------------------------


def test_pages_with_a_csv_download_offer_the_comma_variant(scenario, programm):  # noqa: F811
    erhebung = ErhebungFactory(buendnis=scenario.a, titel="Erhebung 2027")
    verteilung = VerteilungFactory(programm=programm)
    for rolle, seite, ziel in (
        ("koordination", reverse("angebote:angebot-list"), reverse("angebote:angebot-export")),
        (
            "koordination",
            reverse("bedarf:erhebung-detail", args=[erhebung.pk]),
            reverse("bedarf:export", args=[erhebung.pk, "csv"]),
        ),
        (
            "land",
            reverse("foerderung:verteilung-detail", args=[verteilung.pk]),
            reverse("foerderung:verteilung-export", args=[verteilung.pk]),
        ),
    ):
        html = scenario.client(rolle).get(seite).content.decode()
        assert "CSV (Komma)" in html, seite
        assert "trennzeichen=komma" in html and ziel in html, seite


@beide
def test_indicator_export_of_a_distribution_imports_again(scenario, programm, trennzeichen):  # noqa: F811
    verteilung = VerteilungFactory(programm=programm, gesamtbetrag=D("1000.00"))
    client = scenario.client("land")
    url = reverse("foerderung:verteilung-import", args=[verteilung.pk])
    datei = "Kreisschlüssel;Indikatorwert\r\n05162;1.234,5\r\n05111;765,5\r\n".encode()
    bestaetigen(client, url, probelauf(client, url, datei))
    export = reverse("foerderung:verteilung-export", args=[verteilung.pk])
    inhalt = download(client, export, trennzeichen, format="csv")
    zeilen = lesen(inhalt, trennzeichen)
    werte = {z["Kreisschlüssel"]: z["Indikatorwert"] for z in zeilen}
    assert werte["05162"] == ("1234,500000" if trennzeichen == SEMIKOLON else "1234.500000")
    Verteilungsanteil.objects.all().delete()
    bestaetigen(client, url, probelauf(client, url, inhalt))
    assert dict(Verteilungsanteil.objects.values_list("buendnis__kreisschluessel", "indikatorwert")) == {
        "05162": D("1234.5"),
        "05111": D("765.5"),
    }


# The admin's changelist export --------------------------------------------------------------------------------------


def test_every_admin_csv_export_is_the_german_one(scenario):
    from django.contrib import admin

    formate = [
        f for model_admin in admin.site._registry.values() for f in getattr(model_admin, "export_formats", ())
    ]
    csv_formate = [f for f in formate if f().get_title() == "csv"]
    assert len(csv_formate) >= 10
    assert all(issubclass(f, DeutschesCSV) for f in csv_formate)


def test_admin_csv_export_has_semicolons_a_bom_and_safe_cells(scenario):
    from django.contrib import admin
    from django.test import RequestFactory

    from buendnis.models import Kommune

    Kommune.objects.filter(pk=scenario.a1.pk).update(name="=Aheim; Süd")
    request = RequestFactory().get("/admin/")
    request.user = scenario.users["admin"]
    model_admin = admin.site._registry[Kommune]
    text = model_admin.get_export_data(DeutschesCSV(), request, model_admin.get_export_queryset(request))
    assert text.startswith("\ufeff")
    zeilen = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(zeilen[0]) > 1
    assert "'=Aheim; Süd" in {zelle for zeile in zeilen for zelle in zeile}
