"""Hostile tester's checks across every export and report: no other Bündnis' rows, formula payloads escaped in
CSV and XLSX, markup escaped in HTML and charts, control characters that would break DOCX and XLSX files."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from angebote.models import Angebot
from berichte import dashboard, services
from berichte.registry import registry
from buendnis.models import Akteur, Aufgabe, Kommune
from tests.berichte.conftest import BIS, VON
from tests.berichte.helpers import body, docx_text, pdf_text
from tests.berichte.test_domaene import domaene  # noqa: F401

# Text that only rows of Bündnis b (scenario, `daten` and `domaene` fixtures) carry, and the same for a.
NUR_B = [
    "Stadt Anderswo",
    "Bheim",
    "Bdorf",
    "Caritas B",
    "Aufgabe aus B",
    "Kerngruppe B",
    "Sitzung B",
    "Angebot B1",
]
NUR_A = ["Rhein-Kreis Test", "Aheim", "Adorf", "Caritas A", "Forenleitungen benennen", "Angebot O1"]
FREMD = {
    "koordination": NUR_B,
    "auswertung": NUR_B,
    "kommune": NUR_B,
    "koordination_b": NUR_A,
    "kommune_b1": NUR_A,
}


def _export(client, eintrag, fmt: str):
    return client.get(
        reverse("berichte:export", args=[eintrag.app_label, eintrag.model_name]) + f"?format={fmt}"
    )


def _xlsx_text(inhalt: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(inhalt))
    return "\n".join(
        "|".join("" if v is None else str(v) for v in row)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
    )


@pytest.mark.parametrize("rolle", sorted(FREMD))
def test_no_export_of_any_model_holds_another_buendnis_rows(scenario, daten, domaene, rolle):  # noqa: F811
    client = scenario.client(rolle)
    user = scenario.users[rolle]
    eintraege = registry.fuer(user)
    assert len(eintraege) >= 10
    for eintrag in eintraege:
        for fmt in ("csv", "json"):
            response = _export(client, eintrag, fmt)
            assert response.status_code == 200, eintrag.key
            text = body(response).decode("utf-8-sig")
            for fremd in FREMD[rolle]:
                assert fremd not in text, f"{eintrag.key} ({fmt}) as {rolle} shows {fremd!r}"
        text = _xlsx_text(body(_export(client, eintrag, "xlsx")))
        for fremd in FREMD[rolle]:
            assert fremd not in text, f"{eintrag.key} (xlsx) as {rolle} shows {fremd!r}"


@pytest.mark.parametrize("rolle", ["koordination", "auswertung", "koordination_b"])
def test_datenpaket_holds_only_its_own_buendnis(scenario, daten, domaene, rolle):  # noqa: F811
    user = scenario.users[rolle]
    response = scenario.client(rolle).post(reverse("berichte:datenpaket"), {"buendnis": user.buendnis_id})
    text = _xlsx_text(body(response))
    eigene = NUR_A if user.buendnis_id == scenario.a.pk else NUR_B
    assert eigene[0] in text
    for fremd in FREMD[rolle]:
        assert fremd not in text, f"Datenpaket of {rolle} shows {fremd!r}"


def test_formula_payloads_are_escaped_in_every_csv_and_xlsx_export(scenario, daten, domaene):  # noqa: F811
    payloads = {
        "=1+1": Aufgabe.objects.filter(pk=daten.aufgabe_offen.pk),
        "-2+3+cmd|' /C calc'!A0": Aufgabe.objects.filter(pk=daten.aufgabe_ueberfaellig.pk),
        "@SUM(A1:A9)": Angebot.objects.filter(kennung="O1"),
    }
    for payload, qs in payloads.items():
        assert qs.update(titel=payload) == 1
    Kommune.objects.filter(pk=scenario.a1.pk).update(name="+49 211 cmd")
    Akteur.objects.filter(pk=scenario.akteur_a.pk).update(name="\t=1+1")
    roh = {*payloads, "+49 211 cmd", "\t=1+1"}
    client = scenario.client("koordination")
    for eintrag in registry.fuer(scenario.users["koordination"]):
        text = body(_export(client, eintrag, "csv")).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert not ({c for r in rows for c in r} & roh), f"{eintrag.key}: raw formula in CSV"
        wb = openpyxl.load_workbook(io.BytesIO(body(_export(client, eintrag, "xlsx"))))
        for row in wb.worksheets[0].iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{eintrag.key}: formula cell {cell.value!r} in XLSX"
                assert cell.value not in roh, f"{eintrag.key}: raw formula text in XLSX"
    # The payloads are still there, defused with an apostrophe.
    aufgaben = body(_export(client, registry.get("buendnis", "aufgabe"), "csv")).decode()
    assert "'=1+1" in aufgaben and "'-2+3+cmd" in aufgaben
    assert "'@SUM(A1:A9)" in body(_export(client, registry.get("angebote", "angebot"), "csv")).decode()
    assert "'+49 211 cmd" in body(_export(client, registry.get("buendnis", "kommune"), "csv")).decode()


STEUER = "Zeile\x0beins\x1fzwei\x0c"  # no NUL: PostgreSQL stores none (forms and imports refuse it)


def test_control_characters_do_not_break_report_files(scenario, daten, domaene):  # noqa: F811
    Aufgabe.objects.filter(pk=daten.aufgabe_offen.pk).update(titel=STEUER)
    Kommune.objects.filter(pk=scenario.a2.pk).update(name="Adorf\x0b")
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a,
        von=VON,
        bis=BIS,
        abschnitte=None,
        einleitung="Aus Word\x0bkopiert",
        by=scenario.users["koordination"],
    )
    text = docx_text(bericht.datei_docx.read())
    assert "Zeile eins zwei" in text and "Aus Word kopiert" in text
    assert "Zeile eins zwei" in pdf_text(bericht.datei_pdf.read())


def test_control_characters_do_not_break_xlsx_exports(scenario, daten):
    Aufgabe.objects.filter(pk=daten.aufgabe_offen.pk).update(titel=STEUER)
    client = scenario.client("koordination")
    response = client.get(reverse("berichte:export", args=["buendnis", "aufgabe"]) + "?format=xlsx")
    assert response.status_code == 200
    assert "Zeile eins zwei" in _xlsx_text(body(response))
    response = client.post(reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk})
    assert "Zeile eins zwei" in _xlsx_text(body(response))


SKRIPT = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_in_names_is_escaped_in_dashboard_charts_and_report(scenario, daten, domaene):  # noqa: F811
    Kommune.objects.filter(pk=scenario.a2.pk).update(name=SKRIPT)
    Aufgabe.objects.filter(pk=daten.aufgabe_offen.pk).update(titel=SKRIPT)
    for rolle in ("koordination", "auswertung", "kommune", "land"):
        page = scenario.client(rolle).get(reverse("buendnis:dashboard")).content.decode()
        assert SKRIPT not in page, rolle
        assert "<img src=x" not in page, rolle
        assert "<script>alert" not in page, rolle
    # The chart data is JSON inside a json_script element: the name is there, with < > & as escapes.
    daten_k = dashboard.panel(scenario.users["koordination"])
    diagramm = next(d for d in daten_k["diagramme"] if d["titel"] == "Angebote je Kategorie und Kommune")
    assert SKRIPT in [r["name"] for r in diagramm["reihen"]]
    page = scenario.client("koordination").get(reverse("buendnis:dashboard")).content.decode()
    assert json.dumps(SKRIPT)[1:-1].replace("<", "\\u003C").replace(">", "\\u003E") in page
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    for html in (
        bericht.datei_html.read().decode(),
        scenario.client("koordination").get(bericht.get_absolute_url()).content.decode(),
    ):
        assert SKRIPT not in html
        assert "<img src=x" not in html
        assert "&lt;/script&gt;&lt;script&gt;alert(" in html


def _admin_exporte(user):
    """(model label, CSV text) of every admin changelist export the user may run, as the admin builds it."""
    from django.contrib import admin
    from django.test import RequestFactory
    from import_export.admin import ExportMixin

    out = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ExportMixin):
            continue
        request = RequestFactory().get("/admin/")
        request.user = user
        if not (model_admin.has_view_permission(request) and model_admin.has_export_permission(request)):
            continue
        queryset = model_admin.get_export_queryset(request)
        resource = model_admin.get_export_resource_classes(request)[0](
            **model_admin.get_export_resource_kwargs(request)
        )
        out.append((model._meta.label, resource.export(queryset=queryset).csv))
    return out


@pytest.mark.parametrize("rolle", ["koordination", "koordination_b"])
def test_no_admin_export_holds_another_buendnis_rows_or_raw_formulas(scenario, daten, domaene, rolle):  # noqa: F811
    Angebot.objects.filter(kennung="O1").update(titel="=1+1")
    exporte = _admin_exporte(scenario.users[rolle])
    assert len(exporte) >= 10
    for label, text in exporte:
        for fremd in FREMD[rolle]:
            assert fremd not in text, f"admin export {label} as {rolle} shows {fremd!r}"
        zellen = {c for r in csv.reader(io.StringIO(text)) for c in r}
        assert "=1+1" not in zellen and '=HYPERLINK("http://x")' not in zellen, label


def test_formula_payloads_are_escaped_on_every_sheet_of_the_datenpaket(scenario, daten, domaene):  # noqa: F811
    from bedarf.models import Erhebung

    Kommune.objects.filter(pk=scenario.a1.pk).update(name="=1+1")
    Erhebung.objects.filter(buendnis=scenario.a, titel="Erhebung 2020").update(titel="=2+2")
    response = scenario.client("auswertung").post(reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk})
    wb = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert "Bedarfsanalyse (geschützt)" in wb.sheetnames
    gesehen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}: formula {cell.value!r}"
                gesehen.add(cell.value)
    assert "'=1+1" in gesehen and "'=2+2" in gesehen
