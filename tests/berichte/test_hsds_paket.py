"""The HSDS CSV package validates against the official HSDS 3.0 datapackage (frictionless, zero errors)."""

from __future__ import annotations

import copy
import csv
import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from frictionless import Package, Resource, Schema

from berichte import opendata
from tests.berichte.hsds_daten import FEINDLICH, FORMEL, hsds_szenario

SPEZIFIKATION = json.loads((Path(opendata.__file__).parent / "hsds" / "datapackage.json").read_text())


def paket_laden(client, tmp_path, **params) -> Path:
    response = client.get(reverse("berichte:opendata-hsds"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    return tmp_path


def lesen(verzeichnis: Path, ressource: str) -> list[dict]:
    pfad = next(r["path"] for r in SPEZIFIKATION["resources"] if r["name"] == ressource)
    return list(csv.DictReader(io.StringIO((verzeichnis / pfad).read_text(encoding="utf-8"))))


def fehler(report) -> list[str]:
    return [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + [
        f"{e.type}: {e.message}" for e in report.errors
    ]


@pytest.fixture
def paket(client, scenario, tmp_path):
    angebote = hsds_szenario(scenario)
    return paket_laden(client, tmp_path), angebote


def test_every_csv_validates_against_the_specifications_resource_schema(paket):
    verzeichnis, _ = paket
    for ressource in SPEZIFIKATION["resources"]:
        datei = verzeichnis / ressource["path"]
        assert datei.exists(), ressource["path"]
        with datei.open(encoding="utf-8") as f:
            assert next(csv.reader(f)) == [feld["name"] for feld in ressource["schema"]["fields"]]
        # Types, formats, required and unique here; the foreign keys need the package (below).
        schema = {k: v for k, v in ressource["schema"].items() if k != "foreignKeys"}
        report = Resource(
            path=ressource["path"], basepath=str(verzeichnis), schema=Schema.from_descriptor(schema)
        ).validate()
        assert fehler(report) == [], ressource["name"]


def test_our_csvs_validate_as_the_specifications_package_with_foreign_keys(paket):
    """The specification's own datapackage.json (committed copy) read with our CSVs: zero errors."""
    verzeichnis, _ = paket
    report = Package(copy.deepcopy(SPEZIFIKATION), basepath=str(verzeichnis)).validate()
    assert fehler(report) == []
    assert report.valid


def test_whole_package_validates_with_its_own_datapackage(paket):
    verzeichnis, _ = paket
    report = Package(str(verzeichnis / "datapackage.json")).validate()
    assert fehler(report) == []
    assert report.valid


def test_own_datapackage_keeps_the_specifications_schemas_and_names_licence_and_date(paket):
    verzeichnis, _ = paket
    eigen = json.loads((verzeichnis / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in eigen["resources"]] == [r["name"] for r in SPEZIFIKATION["resources"]]
    for unsere, spez in zip(eigen["resources"], SPEZIFIKATION["resources"], strict=True):
        assert unsere["schema"] == spez["schema"], spez["name"]
        assert unsere["path"] == spez["path"]
    assert eigen["profile"] == "tabular-data-package"
    assert eigen["name"] != SPEZIFIKATION["name"]
    assert eigen["licenses"] == [
        {
            "name": "dl-de/by-2-0",
            "title": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
            "path": "https://www.govdata.de/dl-de/by-2-0",
        }
    ]
    assert "license" not in eigen  # the specification's own CC BY-SA applies to the schemas, not to our data
    assert "T" in eigen["created"] and eigen["created"][:4].isdigit()
    assert eigen["sources"] and "ERWEITERUNGEN.md" in eigen["description"]
    assert (verzeichnis / "ERWEITERUNGEN.md").read_text(encoding="utf-8").startswith("# Erweiterungen")


def test_only_published_offers_and_public_contacts(paket):
    verzeichnis, (o1, o2, o3, entwurf) = paket
    services = {s["name"]: s for s in lesen(verzeichnis, "service")}
    assert len(services) == 3
    assert not any("E1" in name for name in services)
    assert opendata.uid("angebot", entwurf.pk) not in {s["id"] for s in services.values()}
    kontakte = lesen(verzeichnis, "contact")
    namen = sorted(k["name"] for k in kontakte)
    assert namen == ["Bildungsberatung", "Frau Öffentlich"]
    text = "".join(p.read_text(encoding="utf-8") for p in verzeichnis.glob("*.csv"))
    assert "Herr Privat" not in text and "privat@example.org" not in text and "0170 1111" not in text
    assert "nachbessern" not in text


def test_mapping_of_an_offer(paket):
    verzeichnis, (o1, o2, o3, entwurf) = paket
    s1_id = opendata.uid("angebot", o1.pk)
    s1 = next(s for s in lesen(verzeichnis, "service") if s["id"] == s1_id)
    # Hostile text: kept as text, a formula is escaped and still valid.
    assert s1["name"] == f"Deutschkurs {FEINDLICH}"
    assert s1["description"] == "'" + FORMEL
    assert s1["status"] == "active"
    assert s1["url"].startswith("http://testserver/") and s1["url"].endswith(f"/{o1.pk}/")
    assert s1["email"] == "beratung@example.org"
    assert s1["application_process"] == "Einfach vorbeikommen – https://example.org/anmeldung"
    assert s1["fees_description"] == "25.50 EUR"
    assert (s1["minimum_age"], s1["maximum_age"]) == ("18", "27")
    assert s1["assured_date"] == "2026-11-02"
    assert s1["licenses"] == "dl-de/by-2-0"
    orgs = {o["id"]: o for o in lesen(verzeichnis, "organization")}
    assert orgs[s1["organization_id"]]["name"] == "Caritas A"
    assert all(o["description"] for o in orgs.values())
    orte = [
        x
        for x in lesen(verzeichnis, "location")
        if x["id"]
        in {
            sal["location_id"]
            for sal in lesen(verzeichnis, "service_at_location")
            if sal["service_id"] == s1_id
        }
    ]
    assert [x["location_type"] for x in orte] == ["physical"]
    adresse = next(a for a in lesen(verzeichnis, "address") if a["location_id"] == orte[0]["id"])
    assert (adresse["address_1"], adresse["postal_code"], adresse["city"]) == ("'=Markt 1", "41460", "Neuss")
    assert (adresse["state_province"], adresse["country"], adresse["address_type"]) == (
        "Nordrhein-Westfalen",
        "DE",
        "physical",
    )
    telefone = sorted(p["number"] for p in lesen(verzeichnis, "phone") if p["service_id"] == s1_id)
    assert telefone == ["+49 2131 12345", "02131 999"]  # valid numbers are not "escaped"
    zeiten = next(z for z in lesen(verzeichnis, "schedule") if z["service_id"] == s1_id)
    assert (zeiten["description"], zeiten["valid_from"], zeiten["valid_to"]) == (
        "Mo–Do 9–12 Uhr",
        "2026-09-01",
        "2027-06-30",
    )
    gebiete = sorted(g["name"] for g in lesen(verzeichnis, "service_area") if g["service_id"] == s1_id)
    assert gebiete == ["Adorf", "Aheim"]
    kosten = next(k for k in lesen(verzeichnis, "cost_option") if k["service_id"] == s1_id)
    assert (kosten["amount"], kosten["currency"]) == ("25.5", "EUR")
    assert lesen(verzeichnis, "language") == []

    begriffe = {t["id"]: t for t in lesen(verzeichnis, "taxonomy_term")}
    taxonomien = {t["id"]: t["name"] for t in lesen(verzeichnis, "taxonomy")}
    attribute = [a for a in lesen(verzeichnis, "attribute") if a["link_id"] == s1_id]
    nach_code = {begriffe[a["taxonomy_term_id"]]["code"]: a for a in attribute}
    assert nach_code["angebotsart:deutsch"]["link_type"] == "category"
    assert taxonomien[begriffe[nach_code["angebotsart:deutsch"]["taxonomy_term_id"]]["taxonomy_id"]] == (
        "Bündnis-Koordination Angebotsarten"
    )
    assert nach_code["aufenthaltsstatus:duldung"]["value"] == "offen"
    assert nach_code["aufenthaltsstatus:gestattung"]["value"] == "eingeschraenkt: nur mit Arbeitserlaubnis"
    assert nach_code["aufenthaltsstatus:gestattung"]["link_type"] == "eligibility"
    assert nach_code["erweiterung:deutsch_voraussetzung"]["value"] == "A2"
    assert nach_code["erweiterung:deutsch_ziel"]["value"] == "B1"
    assert nach_code["erweiterung:stunden_pro_woche"]["value"] == "12.5"
    assert nach_code["erweiterung:freie_plaetze"]["value"] == "3"
    assert nach_code["erweiterung:kreisweit"]["value"] == "false"
    assert nach_code["erweiterung:buendnis_kreisschluessel"]["value"] == "05162"
    assert nach_code["erweiterung:anschlussangebot"]["value"] == opendata.uid("angebot", o2.pk)
    assert all(a["link_entity"] == "service" for a in attribute)


def test_kreisweit_online_offer(paket):
    verzeichnis, (o1, o2, o3, entwurf) = paket
    s2_id = opendata.uid("angebot", o2.pk)
    gebiete = [g for g in lesen(verzeichnis, "service_area") if g["service_id"] == s2_id]
    assert [g["name"] for g in gebiete] == ["Stadt Anderswo"] and "05111" in gebiete[0]["description"]
    sal = {x["location_id"] for x in lesen(verzeichnis, "service_at_location") if x["service_id"] == s2_id}
    orte = [x for x in lesen(verzeichnis, "location") if x["id"] in sal]
    assert [(x["location_type"], x["url"]) for x in orte] == [("virtual", "https://example.org/b")]
    s2 = next(s for s in lesen(verzeichnis, "service") if s["id"] == s2_id)
    assert s2["fees_description"] == "kostenlos"


def test_identifiers_are_stable_uuids_and_filter_by_kreis(client, scenario, tmp_path):
    hsds_szenario(scenario)
    eins = paket_laden(client, tmp_path / "1")
    zwei = paket_laden(client, tmp_path / "2")
    for ressource in ("service", "organization", "attribute", "location", "taxonomy_term"):
        ids = [z["id"] for z in lesen(eins, ressource)]
        assert ids == [z["id"] for z in lesen(zwei, ressource)]
        assert all(uuid.UUID(i) for i in ids)
    nur_b = paket_laden(client, tmp_path / "b", kreisschluessel="05111")
    assert [s["name"] for s in lesen(nur_b, "service")] == ["Angebot O2"]
    assert Package(str(nur_b / "datapackage.json")).validate().valid


def test_empty_catalogue_still_validates(client, db, tmp_path):
    verzeichnis = paket_laden(client, tmp_path)
    assert lesen(verzeichnis, "service") == []
    assert Package(str(verzeichnis / "datapackage.json")).validate().valid
