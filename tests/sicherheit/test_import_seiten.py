"""Hostile import files through the real import pages (staff pages and the admin): each gets a clear German
message and changes nothing: no row, no stored upload (buendnis.uploads checks are unit-tested in tests/buendnis)."""

from __future__ import annotations

import functools
import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.sicherheit.helpers import snapshot


def _xlsx(rows, mutate=None) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    if mutate is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, mutate(info.filename, source.read(info.filename)))
    return out.getvalue()


def _ohne_deklaration(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


@functools.cache
def zip_bombe() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<x/>")
        zf.writestr("xl/workbook.xml", "<x/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (120 * 1024 * 1024))
    return buffer.getvalue()


def entity_expansion() -> bytes:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    )

    def mutate(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return laughs + _ohne_deklaration(data).replace(b"Neuss", b"&lol2;")
        return data

    return _xlsx([["Titel", "Ort"], ["Kurs", "Neuss"]], mutate)


def externe_entity() -> bytes:
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

    def mutate(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return xxe + _ohne_deklaration(data).replace(b"Neuss", b"&xxe;")
        return data

    return _xlsx([["Titel", "Ort"], ["Kurs", "Neuss"]], mutate)


# (id, file name, content factory, words of the German message)
FEINDLICHE_DATEIEN = [
    ("programm", "liste.exe", lambda: b"MZ\x90\x00", "Nur CSV- oder XLSX-Dateien"),
    ("html", "liste.html", lambda: b"<script>alert(1)</script>", "Nur CSV- oder XLSX-Dateien"),
    ("csv-als-xlsx", "liste.xlsx", lambda: b"Titel;Ort\nKurs;Neuss\n", "keine gültige XLSX-Datei"),
    ("kaputtes-zip", "liste.xlsx", lambda: b"PK\x03\x04kaputt", "beschädigt"),
    ("zip-bombe", "bombe.xlsx", zip_bombe, "Zip-Bombe"),
    ("entity-expansion", "liste.xlsx", entity_expansion, "XLSX-Datei"),
    ("externe-entity", "liste.xlsx", externe_entity, "XLSX-Datei"),
    (
        "formel-ohne-wert",
        "liste.xlsx",
        lambda: _xlsx(
            [["Titel", "Ort"], ['=HYPERLINK("http://boese.example","Kurs")', '=cmd|" /C calc"!A0']]
        ),
        "Formeln ohne berechneten Wert",
    ),
    ("utf16", "liste.csv", lambda: "Titel;Ort\nKurs;Neuss\n".encode("utf-16"), "UTF-16"),
    ("falsche-kodierung", "liste.csv", lambda: b"Titel;Ort\nKurs\x81\x8d;Neuss\n", "Zeichenkodierung"),
    ("binaer", "liste.csv", lambda: b"Titel;Ort\n\x00\x01\x02;x\n", "Binärdaten"),
    ("leer", "liste.csv", lambda: b"", "leer"),
    (
        "zu-gross",
        "liste.csv",
        lambda: b"Titel;Ort\n" + b"Kurs;Neuss\n" * (settings.IMPORT_MAX_BYTES // 11 + 1),
        "zu groß (höchstens 5 MB)",
    ),
    (
        "zu-viele-zeilen",
        "liste.csv",
        lambda: b"Titel;Ort\n" + b"Kurs;Neuss\n" * (settings.IMPORT_MAX_ROWS + 1),
        "erlaubt sind höchstens 10000",
    ),
]

# Import pages without URL parameters, and who may use them.
SEITEN = [
    ("/angebote/import/", ["kommune", "koordination"]),
    ("/foerderung/antraege/import/", ["kommune", "koordination"]),
    ("/foerderung/mittelabrufe/import/", ["koordination", "land"]),
]


def test_limits_are_5_mb_and_10000_rows():
    assert settings.IMPORT_MAX_BYTES == 5 * 1024 * 1024
    assert settings.IMPORT_MAX_ROWS == 10_000


@pytest.mark.parametrize(("seite", "rollen"), SEITEN, ids=[s[0] for s in SEITEN])
def test_hostile_files_on_every_import_page_get_a_german_message_and_change_nothing(scenario, seite, rollen):
    client = None
    for rolle in rollen:
        kandidat = scenario.client(rolle)
        if kandidat.get(seite).status_code == 200:
            client = kandidat
            break
    assert client is not None, f"no role of {rollen} may open {seite}"
    vorher = snapshot()
    falsch = []
    for kennung, name, inhalt, meldung in FEINDLICHE_DATEIEN:
        response = client.post(seite, {"datei": SimpleUploadedFile(name, inhalt())})
        text = response.content.decode()
        if response.status_code != 400 or meldung not in text:
            falsch.append(f"{kennung}: {response.status_code}, message {meldung!r} missing")
        if "Traceback" in text or "<script>alert(1)" in text:
            falsch.append(f"{kennung}: leaks a traceback or the payload")
    assert falsch == []
    assert snapshot() == vorher


def test_hostile_files_in_the_admin_import_get_a_german_message_and_change_nothing(scenario):
    client = scenario.client("admin")
    seite = "/admin/angebote/angebot/import/"
    page = client.get(seite)
    assert page.status_code == 200
    formate = [str(c[1]).lower() for c in page.context["form"].fields["format"].choices]
    vorher = snapshot()
    falsch = []
    for kennung, name, inhalt, meldung in FEINDLICHE_DATEIEN:
        endung = "xlsx" if name.endswith(".xlsx") else "csv"
        format_index = next((i for i, f in enumerate(formate) if endung in f), 0)
        response = client.post(
            seite,
            {"import_file": SimpleUploadedFile(name, inhalt()), "format": format_index, "resource": 0},
        )
        text = response.content.decode()
        if response.status_code != 200 or meldung not in text:
            falsch.append(f"{kennung}: {response.status_code}, message {meldung!r} missing")
        if "confirm_form" in (response.context or {}) and response.context["confirm_form"] is not None:
            falsch.append(f"{kennung}: reached the confirmation step")
    assert falsch == []
    assert snapshot() == vorher
