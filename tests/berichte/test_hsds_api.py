"""The read-only HSDS 3.0 JSON API: every answer validates against the specification's JSON schemas."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from angebote.models import AngebotStatus
from berichte import opendata
from tests.berichte.hsds_daten import FEINDLICH, hsds_szenario, veroeffentlichen

SCHEMA = Path(opendata.__file__).parent / "hsds" / "schema"
BASIS = "https://hsds.test/schema/"


def _registry() -> Registry:
    ressourcen = []
    for datei in [*SCHEMA.glob("*.json"), *SCHEMA.glob("compiled/*.json")]:
        inhalt = json.loads(datei.read_text(encoding="utf-8"))
        uri = BASIS + datei.relative_to(SCHEMA).as_posix()
        ressourcen.append((uri, Resource.from_contents(inhalt, default_specification=DRAFT202012)))
    return Registry().with_resources(ressourcen)


REGISTRY = _registry()
PAGE = json.loads((SCHEMA / "openapi.json").read_text(encoding="utf-8"))["components"]["schemas"]["Page"]


def pruefen(daten, schema_datei: str, liste: bool = False) -> None:
    schema = {"$ref": BASIS + schema_datei}
    if liste:
        schema = {
            "allOf": [PAGE],
            "required": [*PAGE["properties"], "contents"],
            "properties": {"contents": {"type": "array", "items": {"$ref": BASIS + schema_datei}}},
        }
    validator = Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())
    fehler = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(daten)]
    assert fehler == []


def holen(client, name: str, status: int = 200, **params):
    if "id" in params:
        url = reverse(f"hsds:{name}", args=[params.pop("id")])
    else:
        url = reverse(f"hsds:{name}")
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == '<https://www.govdata.de/dl-de/by-2-0>; rel="license"'
    assert response["Access-Control-Allow-Origin"] == "*"
    return response, json.loads(response.content)


@pytest.fixture
def daten(scenario):
    return hsds_szenario(scenario)


def test_root_names_version_profile_openapi_licence_and_date(client, daten):
    response, wurzel = holen(client, "wurzel")
    assert wurzel["version"] == "3.0"
    assert wurzel["profile"].startswith("https://")
    assert wurzel["license"]["url"] == "https://www.govdata.de/dl-de/by-2-0"
    assert wurzel["as_of"][:4].isdigit() and "T" in wurzel["as_of"]
    assert response["Last-Modified"]
    assert wurzel["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    _, dokument = holen(client, "openapi")
    assert dokument["openapi"].startswith("3.1")
    assert "/services/{id}" in dokument["paths"]
    assert dokument["info"]["license"]["url"] == "https://www.govdata.de/dl-de/by-2-0"


def test_services_page_validates_and_lists_only_published_offers(client, daten):
    o1, o2, o3, entwurf = daten
    response, seite = holen(client, "services")
    pruefen(seite, "compiled/service_list.json", liste=True)
    assert response["Last-Modified"]
    assert seite["total_items"] == 3 and seite["size"] == 3 and seite["total_pages"] == 1
    assert seite["first_page"] and seite["last_page"] and not seite["empty"]
    ids = {s["id"] for s in seite["contents"]}
    assert ids == {opendata.uid("angebot", a.pk) for a in (o1, o2, o3)}
    s1 = next(s for s in seite["contents"] if s["id"] == opendata.uid("angebot", o1.pk))
    assert s1["name"] == f"Deutschkurs {FEINDLICH}"  # JSON keeps the text as it is (no HTML, no escaping)
    assert s1["organization"]["name"] == "Caritas A" and s1["organization"]["description"]
    assert s1["licenses"] == "dl-de/by-2-0"
    text = response.content.decode()
    for intern in ("Herr Privat", "privat@example.org", "Angebot E1", "rueckmeldung", "pruefung"):
        assert intern not in text


def test_service_detail_is_fully_nested_and_validates(client, daten):
    o1, o2, o3, entwurf = daten
    for a in (o1, o2, o3):
        response, s = holen(client, "service", id=opendata.uid("angebot", a.pk))
        pruefen(s, "compiled/service_with_definitions.json")
        assert response["Last-Modified"]
    _, s1 = holen(client, "service", id=opendata.uid("angebot", o1.pk))
    assert s1["organization"]["id"] == opendata.uid("traeger", o1.traeger_id)
    assert sorted(c["name"] for c in s1["contacts"]) == ["Bildungsberatung", "Frau Öffentlich"]
    person = next(c for c in s1["contacts"] if c["name"] == "Frau Öffentlich")
    assert [p["number"] for p in person["phones"]] == ["02131 999"]
    assert sorted(p["number"] for p in s1["phones"]) == ["+49 2131 12345", "02131 999"]
    (sal,) = s1["service_at_locations"]
    assert sal["location"]["location_type"] == "physical"
    assert sal["location"]["addresses"][0]["city"] == "Neuss"
    assert sal["location"]["addresses"][0]["address_1"] == "=Markt 1"  # JSON: no spreadsheet escaping
    assert s1["schedules"][0]["description"] == "Mo–Do 9–12 Uhr"
    assert s1["cost_options"][0]["amount"] == 25.5
    assert sorted(g["name"] for g in s1["service_areas"]) == ["Adorf", "Aheim"]
    werte = {a["taxonomy_term"]["code"]: a.get("value") for a in s1["attributes"]}
    assert werte["aufenthaltsstatus:gestattung"] == "eingeschraenkt: nur mit Arbeitserlaubnis"
    assert werte["erweiterung:buendnis_kreisschluessel"] == "05162"
    kategorie = next(a for a in s1["attributes"] if a["link_type"] == "category")
    assert kategorie["taxonomy_term"]["taxonomy_detail"]["name"] == "Bündnis-Koordination Angebotsarten"
    _, s3 = holen(client, "service", id=opendata.uid("angebot", o3.pk))
    assert s3["contacts"] == [] and "Herr Privat" not in json.dumps(s3)
    assert [x["location"]["location_type"] for x in s3["service_at_locations"]] == ["virtual"]


def test_unknown_or_unpublished_service_is_404_json(client, daten):
    o1, o2, o3, entwurf = daten
    for kennung in (opendata.uid("angebot", entwurf.pk), str(uuid.uuid4()), "kein-uuid"):
        _, fehler = holen(client, "service", status=404, id=kennung)
        assert fehler["status"] == 404 and fehler["message"] and fehler["error"]
    o1.status = AngebotStatus.ARCHIVIERT
    o1.save()
    holen(client, "service", status=404, id=opendata.uid("angebot", o1.pk))
    for name in ("organization", "taxonomy", "taxonomy_term"):
        holen(client, name, status=404, id=str(uuid.uuid4()))


def test_translation_with_sprache(client, daten):
    o1, *_ = daten
    kennung = opendata.uid("angebot", o1.pk)
    _r, deutsch = holen(client, "service", id=kennung)
    assert deutsch["name"].startswith("Deutschkurs")
    response, englisch = holen(client, "service", id=kennung, sprache="en")
    pruefen(englisch, "compiled/service_with_definitions.json")
    assert (englisch["name"], englisch["description"]) == ("German course", "Learn German")
    assert englisch["schedules"][0]["description"] == "Mo–Do 9–12 Uhr"  # not translated: German
    assert response["Content-Language"] == "en"
    _r, arabisch = holen(client, "service", id=kennung, sprache="ar")
    assert arabisch["name"] == deutsch["name"]
    _r, seite = holen(client, "services", sprache="en", search="German course")
    assert [s["name"] for s in seite["contents"]] == ["German course"]
    _r, fehler = holen(client, "services", status=400, sprache="xx")
    assert "Sprache" in fehler["message"]


def test_organizations_and_taxonomies_validate(client, daten):
    o1, o2, o3, entwurf = daten
    _r, seite = holen(client, "organizations")
    pruefen(seite, "compiled/organization_list.json", liste=True)
    assert [o["name"] for o in seite["contents"]] == ["Caritas A", "Caritas B"]
    _r, org = holen(client, "organization", id=opendata.uid("traeger", o1.traeger_id))
    pruefen(org, "organization.json")
    assert sorted(s["id"] for s in org["services"]) == sorted(opendata.uid("angebot", a.pk) for a in (o1, o3))
    _r, seite = holen(client, "taxonomies")
    pruefen(seite, "taxonomy.json", liste=True)
    assert "Bündnis-Koordination Angebotsarten" in [t["name"] for t in seite["contents"]]
    for t in seite["contents"]:
        _r, einzeln = holen(client, "taxonomy", id=t["id"])
        pruefen(einzeln, "taxonomy.json")
    _r, begriffe = holen(client, "taxonomy_terms", per_page=100)
    pruefen(begriffe, "taxonomy_term.json", liste=True)
    codes = [b["code"] for b in begriffe["contents"]]
    assert len(codes) == len(set(codes)) and "erweiterung:kreisweit" in codes
    _r, begriff = holen(client, "taxonomy_term", id=begriffe["contents"][0]["id"])
    pruefen(begriff, "taxonomy_term.json")
    status = opendata.uid("taxonomy", opendata.TAXONOMIE_AUFENTHALTSSTATUS)
    _r, nur_status = holen(client, "taxonomy_terms", taxonomy_id=status)
    assert {b["taxonomy_id"] for b in nur_status["contents"]} == {status}


def test_service_filters(client, scenario, daten):
    o1, o2, o3, entwurf = daten

    def namen(**params):
        _r, seite = holen(client, "services", **params)
        pruefen(seite, "compiled/service_list.json", liste=True)
        return sorted(s["name"] for s in seite["contents"])

    assert namen(kreisschluessel="05111") == ["Angebot O2"]
    assert namen(search="Anderswo") == [] and namen(search="caritas b") == ["Angebot O2"]
    assert namen(taxonomy_term_id=opendata.uid("kategorie", "arbeit")) == ["Angebot O2", "Angebot O3"]
    assert len(namen(taxonomy_term_id=opendata.uid("aufenthaltsstatus", "gestattung"))) == 1
    assert namen(taxonomy_term_id=str(uuid.uuid4())) == []
    assert namen(organization_id=opendata.uid("traeger", scenario.akteur_b.pk)) == ["Angebot O2"]
    assert namen(modified_after="2999-01-01T00:00:00+01:00") == []
    assert len(namen(modified_after="2000-01-01")) == 3
    _r, fehler = holen(client, "services", status=400, modified_after="gestern")
    assert "modified_after" in fehler["message"]
    holen(client, "services", status=400, taxonomy_term_id="kategorie")


def test_pagination_edges(client, scenario, daten):
    _r, erste = holen(client, "services", per_page=2)
    assert (erste["size"], erste["total_pages"], erste["first_page"], erste["last_page"]) == (
        2,
        2,
        True,
        False,
    )
    _r, zweite = holen(client, "services", per_page=2, page=2)
    assert (zweite["size"], zweite["page_number"], zweite["last_page"]) == (1, 2, True)
    assert not {s["id"] for s in erste["contents"]} & {s["id"] for s in zweite["contents"]}
    for params in (
        {"page": 3, "per_page": 2},
        {"page": 0},
        {"page": "abc"},
        {"per_page": 101},
        {"per_page": -1},
    ):
        _r, fehler = holen(client, "services", status=400, **params)
        assert fehler["status"] == 400 and fehler["message"] and fehler["error"]
    holen(client, "organizations", status=400, page=5)
    holen(client, "taxonomies", status=400, page=2)


def test_empty_catalogue_is_one_empty_page(client, db):
    _r, seite = holen(client, "services")
    pruefen(seite, "compiled/service_list.json", liste=True)
    assert (seite["total_items"], seite["page_number"], seite["empty"], seite["contents"]) == (0, 1, True, [])


def test_read_only(client, daten):
    assert client.post(reverse("hsds:services")).status_code == 405


def test_query_count_does_not_grow_with_the_page(client, scenario, django_assert_max_num_queries):
    erster = veroeffentlichen(scenario, 1, "W")[0]
    with django_assert_max_num_queries(20) as wenige:
        holen(client, "services")
    with django_assert_max_num_queries(20) as detail:
        holen(client, "service", id=opendata.uid("angebot", erster.pk))
    for a in veroeffentlichen(scenario, 29):
        a.anschlussangebote.add(erster)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        _r, seite = holen(client, "services")
    assert seite["size"] == 30
    with django_assert_max_num_queries(len(detail.captured_queries)):
        holen(client, "service", id=opendata.uid("angebot", erster.pk))
