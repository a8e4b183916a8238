"""Import/export of indicator values, applications and drawdowns: dry run, confirm, nothing written on errors."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from foerderung.models import AntragStatus, Foerderantrag, Mittelabruf, Verteilungsanteil

from .factories import FoerderantragFactory, VerteilungFactory

D = Decimal


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("daten.csv", text.encode("utf-8"), content_type="text/csv")


def _hochladen_und_bestaetigen(client, url, text):
    vorschau = client.post(url, {"datei": _csv(text)})
    if vorschau.status_code != 200:
        return vorschau
    return client.post(url, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk})


@pytest.fixture
def verteilung(scenario, programm):
    return VerteilungFactory(programm=programm, gesamtbetrag=D("1000.00"))


def test_land_imports_indicator_values_after_dry_run(scenario, verteilung):
    client = scenario.client("land")
    url = reverse("foerderung:verteilung-import", args=[verteilung.pk])
    vorschau = client.post(url, {"datei": _csv("Kreisschlüssel;Indikatorwert\n05162;1.234,5\n05111;765,5\n")})
    assert vorschau.status_code == 200
    assert not Verteilungsanteil.objects.exists()  # dry run writes nothing
    client.post(url, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk})
    werte = dict(Verteilungsanteil.objects.values_list("buendnis__kreisschluessel", "indikatorwert"))
    assert werte == {"05162": D("1234.5"), "05111": D("765.5")}
    client.post(reverse("foerderung:verteilung-berechnen", args=[verteilung.pk]))
    betraege = dict(Verteilungsanteil.objects.values_list("buendnis__kreisschluessel", "betrag"))
    assert betraege == {"05162": D("617.25"), "05111": D("382.75")}
    export = client.get(reverse("foerderung:verteilung-export", args=[verteilung.pk]) + "?format=csv")
    text = export.content.decode("utf-8-sig")
    assert "Kreisschlüssel" in text and ";617,25" in text


def test_indicator_import_with_one_bad_row_writes_nothing(scenario, verteilung):
    client = scenario.client("land")
    url = reverse("foerderung:verteilung-import", args=[verteilung.pk])
    response = client.post(
        url, {"datei": _csv("Kreisschlüssel;Indikatorwert\n05162;10\n99999;5\n05111;-3\n")}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Kein Bündnis mit dem Kreisschlüssel „99999“" in text
    assert "darf nicht negativ sein" in text
    assert not Verteilungsanteil.objects.exists()


def test_koordination_cannot_import_indicator_values(scenario, verteilung):
    url = reverse("foerderung:verteilung-import", args=[verteilung.pk])
    response = scenario.client("koordination").post(
        url, {"datei": _csv("Kreisschlüssel;Indikatorwert\n05162;1\n")}
    )
    assert response.status_code == 403
    assert not Verteilungsanteil.objects.exists()


ANTRAG_KOPF = "ID;Förderbaustein;Titel;Kommune;Beginn;Ende;Haushaltsjahr;Honorare (EUR);Eigenanteil (EUR)\n"


def test_kommune_imports_drafts_for_its_own_kommune(scenario, f1, regeln_f1):
    client = scenario.client("kommune")
    text = ANTRAG_KOPF + ";I;Deutschkurs;Aheim;01.03.2020;30.11.2020;2020;3.000,00;600\n"
    response = _hochladen_und_bestaetigen(client, reverse("foerderung:antrag-import"), text)
    assert response.status_code == 302
    antrag = Foerderantrag.objects.get()
    assert (antrag.kommune, antrag.status, antrag.beantragt) == (
        scenario.a1,
        AntragStatus.ENTWURF,
        D("2400.00"),
    )


def test_antrag_import_refuses_other_kommune_and_bad_money_and_writes_nothing(scenario, f1):
    client = scenario.client("kommune")
    text = (
        ANTRAG_KOPF
        + ";I;Gut;Aheim;01.03.2020;30.11.2020;2020;100;0\n"
        + ";I;Fremd;Adorf;01.03.2020;30.11.2020;2020;100;0\n"
        + ";I;Cent;Aheim;01.03.2020;30.11.2020;2020;100,005;0\n"
        + ";IX;Baustein;Aheim;01.03.2020;30.11.2020;2020;100;0\n"
    )
    response = client.post(reverse("foerderung:antrag-import"), {"datei": _csv(text)})
    assert response.status_code == 400
    inhalt = response.content.decode()
    assert "nur Anträge Ihrer eigenen Kommune" in inhalt
    assert "mehr als 2 Nachkommastellen" in inhalt
    assert "kein Förderbaustein" in inhalt
    assert not Foerderantrag.objects.exists()


def test_antrag_import_cannot_touch_submitted_or_foreign_applications(scenario, f1):
    eingereicht = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, eingereicht=True
    )
    fremd = FoerderantragFactory(buendnis=scenario.b, kommune=scenario.b1, baustein=f1)
    client = scenario.client("koordination")
    text = (
        ANTRAG_KOPF
        + f"{eingereicht.pk};I;Neu;Aheim;01.03.2020;30.11.2020;2020;100;0\n"
        + f"{fremd.pk};I;Neu;Aheim;01.03.2020;30.11.2020;2020;100;0\n"
    )
    response = client.post(reverse("foerderung:antrag-import"), {"datei": _csv(text)})
    assert response.status_code == 400
    inhalt = response.content.decode()
    assert "per Import nicht geändert werden" in inhalt
    assert f"ID {fremd.pk} gibt es in Ihrem Bündnis nicht" in inhalt
    eingereicht.refresh_from_db()
    assert eingereicht.titel != "Neu"


def test_drawdown_import_is_all_or_nothing_and_checks_the_rest(scenario, f1, budget_a):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    client = scenario.client("koordination")
    url = reverse("foerderung:mittelabruf-import")
    # An actual-cost line: amounts, no units (units belong to flat-rate lines, test_abrechnung).
    kopf = "Antrag-ID;Abrufdatum;Betrag (EUR);nachgewiesene Einheiten\n"
    zu_viel = kopf + f"{antrag.pk};01.04.2020;6.000,00;\n{antrag.pk};01.07.2020;4.000,01;\n"
    response = client.post(url, {"datei": _csv(zu_viel)})
    assert response.status_code == 400
    assert "noch verfügbaren bewilligten Mittel (4.000,00 €)" in response.content.decode()
    assert not Mittelabruf.objects.exists()
    passt = kopf + f"{antrag.pk};01.04.2020;6.000,00;\n{antrag.pk};01.07.2020;4.000,00;\n"
    assert _hochladen_und_bestaetigen(client, url, passt).status_code == 302
    assert sorted(Mittelabruf.objects.values_list("betrag", flat=True)) == [D("4000.00"), D("6000.00")]
    assert scenario.client("auswertung").get(url).status_code == 403


def test_antrag_export_is_scoped_and_formula_safe(scenario, f1):
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="=HYPERLINK(1)")
    FoerderantragFactory(buendnis=scenario.b, kommune=scenario.b1, baustein=f1, titel="Fremder Antrag")
    response = scenario.client("koordination").get(reverse("foerderung:antrag-export") + "?format=csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert "Fremder Antrag" not in text
    assert ";10000,00;" in text  # money stays a plain number, with the decimal comma German Excel reads
    xlsx = scenario.client("land").get(reverse("foerderung:antrag-export") + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert scenario.client("mitglied").get(reverse("foerderung:antrag-export")).status_code == 403


def test_template_download(scenario):
    response = scenario.client("kommune").get(reverse("foerderung:antrag-vorlage") + "?format=csv")
    assert "Förderbaustein" in response.content.decode("utf-8-sig")
    assert scenario.client("auswertung").get(reverse("foerderung:antrag-vorlage")).status_code == 403


def test_import_date_is_read_german(scenario, f1, regeln_f1):
    client = scenario.client("koordination")
    text = ANTRAG_KOPF + ";f1;TM;Aheim;2020-02-01;31.12.2020;2020;1000;0\n"
    _hochladen_und_bestaetigen(client, reverse("foerderung:antrag-import"), text)
    assert Foerderantrag.objects.get().beginn == datetime.date(2020, 2, 1)


def test_indicator_import_reads_xlsx_numbers_without_float_rounding(scenario, verteilung):
    import io

    from openpyxl import Workbook

    buch = Workbook()
    blatt = buch.active
    blatt.append(["Kreisschlüssel", "Indikatorwert", "Sockelbetrag (EUR)"])
    blatt.append(["05162", 1234.5, 100])
    blatt.append([5111, 765, "100,00"])
    puffer = io.BytesIO()
    buch.save(puffer)
    datei = SimpleUploadedFile("werte.xlsx", puffer.getvalue())
    client = scenario.client("land")
    url = reverse("foerderung:verteilung-import", args=[verteilung.pk])
    vorschau = client.post(url, {"datei": datei})
    assert vorschau.status_code == 200, vorschau.content.decode()[:2000]
    client.post(url, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk})
    werte = dict(Verteilungsanteil.objects.values_list("buendnis__kreisschluessel", "indikatorwert"))
    assert werte == {"05162": D("1234.5"), "05111": D("765")}
    assert set(Verteilungsanteil.objects.values_list("sockel", flat=True)) == {D("100.00")}


def _fehlertext(response) -> str:
    import html
    import re

    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return html.unescape(re.sub(r"\s+", " ", text))


@pytest.mark.parametrize(
    ("zeile", "meldung"),
    [
        # Absurd numbers get a German message naming the value, not a technical exception.
        (";I;X;Aheim;01.03.2020;30.11.2020;2020;1e999999;0;1", "„1e999999“ ist zu groß"),
        # A whole number is written in digits (buendnis.cells): no exponent, whatever its size.
        (";I;X;Aheim;01.03.2020;30.11.2020;2020;100;0;1e999999", "„1e999999“ ist keine ganze Zahl"),
        (";I;X;Aheim;01.03.2020;30.11.2020;2020;NaN;0;1", "„NaN“ ist keine gültige Zahl"),
        # Refusals of the model name the column of the file.
        (
            ";I;X;Aheim;01.03.2020;30.11.2020;2021;100;0;1",
            "Haushaltsjahr: Das Haushaltsjahr muss im Förderzeitraum",
        ),
        (";I;X;Aheim;01.03.2020;30.11.2020;2020;10000000000000;0;1", "Kosten (EUR): "),
        (";I;X;Aheim;31.02.2020;30.11.2020;2020;100;0;1", "Beginn: „31.02.2020“ ist kein gültiges Datum"),
    ],
)
def test_antrag_import_refuses_hostile_values_in_german_and_writes_nothing(
    scenario, f1, regeln_f1, zeile, meldung
):
    kopf = ANTRAG_KOPF.rstrip("\n") + ";geplante Teilnehmende\n"
    gut = ";I;Gut;Aheim;01.03.2020;30.11.2020;2020;100;0;1\n"
    response = scenario.client("koordination").post(
        reverse("foerderung:antrag-import"), {"datei": _csv(kopf + gut + zeile + "\n")}
    )
    assert response.status_code == 400
    text = _fehlertext(response)
    assert "Es wurde nichts gespeichert" in text
    assert meldung in text
    assert "InvalidOperation" not in text and "Ungültiger Wert" not in text
    assert not Foerderantrag.objects.exists()


@pytest.mark.parametrize(
    ("name", "inhalt", "meldung"),
    [
        ("kaputt.xlsx", b"PK\x03\x04kein zip", "Die XLSX-Datei ist beschädigt"),
        ("falsch.csv", b"Titel;Farbe\nX;blau\n", "Es fehlen Pflichtspalten: ID, Förderbaustein"),
    ],
)
def test_broken_import_files_get_a_german_message(scenario, f1, name, inhalt, meldung):
    datei = SimpleUploadedFile(name, inhalt, content_type="application/octet-stream")
    response = scenario.client("koordination").post(reverse("foerderung:antrag-import"), {"datei": datei})
    assert response.status_code == 400
    assert meldung in _fehlertext(response)
    assert not Foerderantrag.objects.exists()


def test_kommune_updates_own_draft_by_import_with_empty_kommune_cell(scenario, f1, regeln_f1):
    entwurf = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="Alt")
    text = ANTRAG_KOPF + f"{entwurf.pk};I;Neu;;01.03.2020;30.11.2020;2020;500;0\n"
    response = _hochladen_und_bestaetigen(
        scenario.client("kommune"), reverse("foerderung:antrag-import"), text
    )
    assert response.status_code == 302
    entwurf.refresh_from_db()
    # 500.00 EUR actual costs at the rule's 80 %.
    assert (entwurf.titel, entwurf.kommune, entwurf.beantragt) == ("Neu", scenario.a1, D("400.00"))


def test_drawdown_import_names_the_column_of_a_refusal(scenario, f1, budget_a):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    kopf = "Antrag-ID;Abrufdatum;Betrag (EUR)\n"
    response = scenario.client("koordination").post(
        reverse("foerderung:mittelabruf-import"),
        {"datei": _csv(kopf + f"{antrag.pk};01.04.2020;10.000,01\n")},
    )
    assert response.status_code == 400
    assert "Betrag (EUR): Der Abruf von 10.000,01 € übersteigt" in _fehlertext(response)
    assert not Mittelabruf.objects.exists()


def test_drawdown_import_cannot_reach_into_another_buendnis(scenario, f1, budget_a):
    fremd = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    text = f"Antrag-ID;Abrufdatum;Betrag (EUR)\n{fremd.pk};01.04.2020;1,00\n"
    response = scenario.client("koordination_b").post(
        reverse("foerderung:mittelabruf-import"), {"datei": _csv(text)}
    )
    assert response.status_code == 400
    assert f"ID {fremd.pk} gibt es in Ihrem Bündnis nicht" in _fehlertext(response)
    assert not Mittelabruf.objects.exists()


def test_antrag_export_holds_what_the_list_shows(scenario, f1, f6):
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="Coaching")
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f6, titel="Teilhabe")
    client = scenario.client("koordination")
    url = reverse("foerderung:antrag-export") + "?format=csv"
    gefiltert = client.get(url + f"&baustein={f6.pk}").content.decode("utf-8-sig")
    assert "Teilhabe" in gefiltert and "Coaching" not in gefiltert
    ungueltig = client.get(url + "&baustein=abc").content.decode("utf-8-sig")
    assert "Teilhabe" not in ungueltig and "Coaching" not in ungueltig
    assert "Förderbaustein" in ungueltig  # the header row stays
