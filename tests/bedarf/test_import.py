"""XLSX template import of a Kommune's grid: dry run, confirmation, row errors, all or nothing."""

from __future__ import annotations

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bedarf.models import Bedarfsmeldung, Meldewert
from tests.bedarf.conftest import deliver, figures


def _vorlage(client, erhebung) -> tablib.Dataset:
    response = client.get(reverse("bedarf:meldung-vorlage", args=[erhebung.pk]))
    assert response.status_code == 200
    return tablib.Dataset().load(io.BytesIO(response.content), format="xlsx")


def _ausfuellen(daten: tablib.Dataset, gesamt, werte: dict, extra=None) -> SimpleUploadedFile:
    neu = tablib.Dataset(headers=daten.headers)
    for row in daten.dict:
        key = row["Schlüssel"]
        if key == "gesamt":
            row["Anzahl"] = gesamt
        elif key != "version":
            row["Anzahl"] = werte.get(tuple(key.split("__")), 0)
        neu.append([row[h] for h in daten.headers])
    for row in extra or []:
        neu.append(row)
    return SimpleUploadedFile("meldung.xlsx", neu.export("xlsx"))


def test_kommune_imports_filled_template_after_dry_run(scenario, erhebung):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    datei = _ausfuellen(_vorlage(client, erhebung), 9, figures({"duldung": 6, "gestattung": 3}))
    response = client.post(url, {"datei": datei})
    assert response.status_code == 200
    assert "Probelauf ohne Fehler" in response.content.decode()
    assert not Bedarfsmeldung.objects.exists()  # dry run writes nothing
    vorgang = response.context["vorgang"]
    response = client.post(url, {"bestaetigen": "1", "vorgang": vorgang.pk})
    assert response.status_code == 302
    m = Bedarfsmeldung.objects.get()
    assert (m.kommune, m.gesamt, m.status, m.version) == (scenario.a1, 9, "abgegeben", 1)


def test_row_errors_are_reported_and_nothing_is_written(scenario, erhebung):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    werte = figures({"duldung": 6})
    werte[("schulabschluss", "", "keiner", "", "")] = -2
    datei = _ausfuellen(_vorlage(client, erhebung), 6, werte, extra=[["x", "y", "erfunden__x", 3]])
    response = client.post(url, {"datei": datei})
    assert response.status_code == 400
    inhalt = response.content.decode()
    assert "Schulabschluss: kein Schulabschluss: „-2“ ist keine ganze Zahl ab 0" in inhalt
    assert "Unbekannter Schlüssel" in inhalt
    assert not Bedarfsmeldung.objects.exists() and not Meldewert.objects.exists()


def test_inconsistent_template_is_refused_with_german_reason(scenario, erhebung):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    datei = _ausfuellen(_vorlage(client, erhebung), 10, figures({"duldung": 6}))
    response = client.post(url, {"datei": datei})
    assert response.status_code == 400
    assert "ergibt 6 Personen, insgesamt sind 10 angegeben" in response.content.decode()
    assert not Bedarfsmeldung.objects.exists()


def test_template_filled_while_someone_else_saved_is_refused(scenario, erhebung):
    client = scenario.client("kommune")
    daten = _vorlage(client, erhebung)  # version 0
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 4})
    response = client.post(
        reverse("bedarf:meldung-import", args=[erhebung.pk]),
        {"datei": _ausfuellen(daten, 6, figures({"duldung": 6}))},
    )
    assert response.status_code == 400
    assert "inzwischen" in response.content.decode()
    assert Bedarfsmeldung.objects.get().gesamt == 4


@pytest.mark.parametrize("role", ["koordination", "mitglied", "auswertung", "land", "admin"])
def test_only_the_kommune_downloads_or_imports_its_template(scenario, erhebung, role):
    client = scenario.client(role)
    assert client.get(reverse("bedarf:meldung-vorlage", args=[erhebung.pk])).status_code == 403
    assert client.get(reverse("bedarf:meldung-import", args=[erhebung.pk])).status_code == 403


def test_no_import_into_closed_round_or_other_buendnis(scenario, erhebung, erhebung_b):
    client = scenario.client("kommune")
    assert client.get(reverse("bedarf:meldung-import", args=[erhebung_b.pk])).status_code == 404
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 4})
    erhebung.status = "abgeschlossen"
    erhebung.save()
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    assert "Die Erhebung ist abgeschlossen" in response.content.decode()
    datei = _ausfuellen(_vorlage(client, erhebung), 6, figures({"duldung": 6}))
    assert client.post(url, {"datei": datei}).status_code == 302
    assert Bedarfsmeldung.objects.get().gesamt == 4


def _csv(client, erhebung, aendern) -> SimpleUploadedFile:
    """The CSV template filled consistently (6 Geduldete), then changed by `aendern(rows)`."""
    daten = _vorlage(client, erhebung)
    werte = figures({"duldung": 6})
    rows = []
    for row in daten.dict:
        key = row["Schlüssel"]
        if key == "gesamt":
            row["Anzahl"] = 6
        elif key != "version":
            row["Anzahl"] = werte.get(tuple(key.split("__")), 0)
        rows.append(row)
    aendern(rows)
    neu = tablib.Dataset(headers=daten.headers)
    for row in rows:
        neu.append([row[h] for h in daten.headers])
    return SimpleUploadedFile("meldung.csv", neu.export("csv").encode("utf-8"))


def _setze(schluessel, wert):
    def aendern(rows):
        next(r for r in rows if r["Schlüssel"] == schluessel)["Anzahl"] = wert

    return aendern


@pytest.mark.parametrize(
    "aendern, text",
    [
        (_setze("schulabschluss____unbekannt____", 10**9), "zu groß"),
        (_setze("schulabschluss____unbekannt____", "=6+0"), "keine ganze Zahl"),
        (_setze("schulabschluss____unbekannt____", '=HYPERLINK("http://x")'), "keine ganze Zahl"),
        (_setze("schulabschluss____unbekannt____", "-6"), "keine ganze Zahl ab 0"),
        (_setze("schulabschluss____unbekannt____", "6,5"), "keine ganze Zahl"),
        (_setze("bedarf__duldung__deutsch____", "0.5"), "keine ganze Zahl"),  # was read as 5
        (_setze("schulabschluss____unbekannt____", "6.0"), "keine ganze Zahl"),  # was read as 60
        (_setze("gesamt", "1e3"), "keine ganze Zahl"),
        (lambda rows: rows[1].update({"Schlüssel": "=cmd|' /C calc'!A0"}), "Unbekannter Schlüssel"),
        (_setze("version", 10**12), "passt nicht zur Meldung"),
    ],
)
def test_hostile_values_in_the_file_are_refused_in_german_and_nothing_is_written(
    scenario, erhebung, aendern, text
):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    response = client.post(url, {"datei": _csv(client, erhebung, aendern)})
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Bedarfsmeldung.objects.exists() and not Meldewert.objects.exists()


def test_consistent_csv_template_passes_the_dry_run(scenario, erhebung):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    response = client.post(url, {"datei": _csv(client, erhebung, lambda rows: None)})
    assert response.status_code == 200 and "Probelauf ohne Fehler" in response.content.decode()


@pytest.mark.parametrize(
    "name, inhalt, text",
    [
        ("meldung.pdf", b"%PDF-1.4", "Nur CSV- oder XLSX-Dateien"),
        ("meldung.xlsx", b"Schl\xfcssel;Anzahl\n", "keine gültige XLSX-Datei"),
        ("meldung.xlsx", b"PK\x03\x04kaputt", "beschädigt"),
        ("meldung.csv", "Schlüssel;Anzahl\ngesamt;3\n".encode("utf-16"), "UTF-16"),
        ("meldung.csv", b"", "leer"),
        ("meldung.csv", b"Bereich;Merkmal\nx;y\n", "Pflichtspalten"),
    ],
)
def test_broken_files_get_a_german_message_and_nothing_is_written(scenario, erhebung, name, inhalt, text):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    response = client.post(url, {"datei": SimpleUploadedFile(name, inhalt)})
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Bedarfsmeldung.objects.exists()


def test_file_over_the_size_limit_is_refused(scenario, erhebung, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    response = client.post(url, {"datei": SimpleUploadedFile("meldung.csv", b"a;b\n" * 2000)})
    assert response.status_code == 400 and "zu groß" in response.content.decode()
    assert not Bedarfsmeldung.objects.exists()


def test_kommune_cannot_confirm_an_import_of_another_user(scenario, erhebung):
    """The stored upload of one Kommune's user cannot be confirmed by another (a guessed id is a 404)."""
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-import", args=[erhebung.pk])
    response = client.post(url, {"datei": _csv(client, erhebung, lambda rows: None)})
    vorgang = response.context["vorgang"]
    other = scenario.client("kommune_a2")
    assert other.post(url, {"bestaetigen": "1", "vorgang": vorgang.pk}).status_code == 404
    assert not Bedarfsmeldung.objects.exists()
