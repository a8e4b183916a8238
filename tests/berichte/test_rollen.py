"""Role matrix of the report and export pages not covered elsewhere: each role's exact outcome."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from berichte import services
from berichte.models import Bericht, Exportauftrag

LESEN_UND_EXPORTIEREN = {
    "anonym": 302,
    "koordination": 200,
    "auswertung": 200,
    "kommune": 200,
    "land": 200,
    "admin": 200,
    "mitglied": 403,
}


@pytest.mark.parametrize(
    "name", ["berichte:bericht-list", "berichte:export-uebersicht", "berichte:datenpaket"]
)
def test_report_and_export_pages_role_matrix(scenario, role, name):
    response = scenario.client(role).get(reverse(name))
    assert response.status_code == LESEN_UND_EXPORTIEREN[role]
    if role == "anonym":
        assert "/anmelden/" in response["Location"]


ERZEUGEN_FORMULAR = {
    "anonym": 302,
    "koordination": 200,
    "auswertung": 200,
    "admin": 200,
    "kommune": 403,
    "mitglied": 403,
    "land": 403,
}


def test_generate_form_role_matrix(scenario, role):
    response = scenario.client(role).get(reverse("berichte:bericht-create"))
    assert response.status_code == ERZEUGEN_FORMULAR[role]
    link = reverse("berichte:bericht-create")
    if response.status_code == 200:
        assert 'value="Bericht erzeugen"' in response.content.decode()
    liste = scenario.client(role).get(reverse("berichte:bericht-list"))
    if liste.status_code == 200:
        assert (link in liste.content.decode()) == (ERZEUGEN_FORMULAR[role] == 200)


DATENPAKET_EIGENES = {
    "anonym": 302,
    "koordination": "xlsx",
    "auswertung": "xlsx",
    "kommune": "xlsx",
    "land": "xlsx",
    "admin": "xlsx",
    "mitglied": 403,
}


def test_datenpaket_of_buendnis_a_role_matrix(scenario, role):
    response = scenario.client(role).post(reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk})
    erwartet = DATENPAKET_EIGENES[role]
    if erwartet == "xlsx":
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    else:
        assert response.status_code == erwartet
    assert Exportauftrag.objects.count() == 0


def test_datenpaket_of_other_buendnis_is_refused_for_every_alliance_role(scenario):
    for rolle in ("koordination", "auswertung", "kommune"):
        response = scenario.client(rolle).post(reverse("berichte:datenpaket"), {"buendnis": scenario.b.pk})
        assert response.status_code == 200, rolle
        assert response["Content-Type"].startswith("text/html"), rolle


def test_background_job_belongs_to_whoever_started_it(scenario):
    auftrag = services.exportauftrag_starten(
        art="buendnis.aufgabe", format="csv", buendnis=None, by=scenario.users["koordination"]
    )
    auftrag.refresh_from_db()
    urls = [
        reverse("berichte:exportauftrag-detail", args=[auftrag.pk]),
        reverse("berichte:exportauftrag-status", args=[auftrag.pk]),
        reverse("berichte:exportauftrag-download", args=[auftrag.pk]),
    ]
    erwartet = {
        "anonym": 302,
        "koordination": 200,
        "admin": 200,
        "auswertung": 404,
        "kommune": 404,
        "land": 404,
        "mitglied": 404,
        "koordination_b": 404,
    }
    for rolle, status in erwartet.items():
        client = scenario.client(rolle)
        for url in urls:
            assert client.get(url).status_code == status, (rolle, url)


def test_refused_generation_writes_nothing(scenario):
    for rolle in ("kommune", "mitglied", "land"):
        scenario.client(rolle).post(
            reverse("berichte:bericht-create"),
            {"zeitraum_von": "2019-01-01", "zeitraum_bis": "2019-12-31", "abschnitte": ["buendnis"]},
        )
    assert Bericht.objects.count() == 0


@pytest.mark.parametrize(
    ("rolle", "liste", "sichtbar", "aendern"),
    [
        ("koordination", 200, True, 403),
        ("koordination_b", 200, False, 403),
        ("land", 200, True, 403),
        ("admin", 200, True, 302),
    ],
)
def test_kept_reports_in_the_admin_are_read_only_except_for_superusers(
    scenario, rolle, liste, sichtbar, aendern
):
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a,
        von=datetime.date(2019, 1, 1),
        bis=datetime.date(2019, 12, 31),
        abschnitte=["buendnis"],
        by=scenario.users["koordination"],
    )
    client = scenario.client(rolle)
    response = client.get(reverse("admin:berichte_bericht_changelist"))
    assert response.status_code == liste
    assert (bericht.titel in response.content.decode()) == sichtbar
    response = client.post(
        reverse("admin:berichte_bericht_change", args=[bericht.pk]),
        {
            "titel": "Geändert",
            "art": "sachstandsbericht",
            "buendnis": scenario.a.pk,
            "zeitraum_von": "2019-01-01",
            "zeitraum_bis": "2019-12-31",
            "abschnitte": "[]",
            "einleitung": "",
        },
    )
    assert response.status_code == aendern
    bericht.refresh_from_db()
    assert (bericht.titel == "Geändert") == (aendern == 302)
    response = client.post(reverse("admin:berichte_bericht_delete", args=[bericht.pk]), {"post": "yes"})
    assert Bericht.objects.filter(pk=bericht.pk).exists() == (rolle != "admin")
