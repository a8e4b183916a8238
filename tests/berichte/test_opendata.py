"""Open data: published offers only, no internal fields, HSDS-shaped CSV package, fixed query count."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from django.urls import reverse

from angebote.models import AngebotStatus, ZugangArt
from buendnis.models import Ansprechperson
from tests.berichte.helpers import body
from tests.berichte.test_domaene import angebot


def feed(client, **params):
    url = reverse("berichte:opendata-json")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(url)
    assert response.status_code == 200
    return json.loads(body(response))


def test_json_feed_is_public_and_lists_only_published_offers(client, scenario):
    a, t = scenario.a, scenario.akteur_a
    o1 = angebot(
        a,
        t,
        "O1",
        "deutsch",
        10,
        {"duldung": ZugangArt.OFFEN, "gestattung": ZugangArt.EINGESCHRAENKT},
        [scenario.a1],
    )
    o1.rueckmeldung = "intern: bitte nachbessern"
    o1.pruefung_notiz = "interne Notiz"
    o1.save()
    angebot(a, t, "O2", "deutsch", 5, {"duldung": ZugangArt.OFFEN}, status=AngebotStatus.ENTWURF)
    angebot(scenario.b, scenario.akteur_b, "B1", "arbeit", 3, {}, kreisweit=True)
    daten = feed(client)
    titel = sorted(x["titel"] for x in daten["angebote"])
    assert titel == ["Angebot B1", "Angebot O1"]
    text = json.dumps(daten, ensure_ascii=False)
    assert "intern" not in text and "Notiz" not in text
    o1_json = next(x for x in daten["angebote"] if x["titel"] == "Angebot O1")
    assert o1_json["zugang"] == [
        {
            "aufenthaltsstatus": "gestattung",
            "bezeichnung": "Aufenthaltsgestattung",
            "zugang": "eingeschraenkt",
            "bedingung": "nur mit Arbeitserlaubnis",
        },
        {"aufenthaltsstatus": "duldung", "bezeichnung": "Duldung", "zugang": "offen", "bedingung": ""},
    ]
    assert o1_json["kommunen"] == [{"name": "Aheim", "gemeindeschluessel": ""}]
    assert o1_json["kontakt"] is None
    assert [x["titel"] for x in feed(client, kreisschluessel="05111")["angebote"]] == ["Angebot B1"]


def test_contact_person_only_when_public(client, scenario):
    o = angebot(scenario.a, scenario.akteur_a, "O1", "deutsch", 10, {}, [scenario.a1])
    person = Ansprechperson.objects.create(
        akteur=scenario.akteur_a, name="Frau Privat", email="p@example.org"
    )
    o.ansprechperson = person
    o.save()
    assert feed(client)["angebote"][0]["kontakt"] is None
    person.oeffentlich = True
    person.save()
    assert feed(client)["angebote"][0]["kontakt"]["name"] == "Frau Privat"


def test_json_feed_query_count_is_fixed(client, scenario, django_assert_max_num_queries):
    for n in range(3):
        angebot(
            scenario.a, scenario.akteur_a, f"W{n}", "deutsch", 1, {"duldung": ZugangArt.OFFEN}, [scenario.a1]
        )
    with django_assert_max_num_queries(12) as wenige:
        feed(client)
    for n in range(60):
        o = angebot(
            scenario.a, scenario.akteur_a, f"V{n}", "deutsch", 1, {"duldung": ZugangArt.OFFEN}, [scenario.a2]
        )
        o.anschlussangebote.add(o)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        assert len(feed(client)["angebote"]) == 63


def test_hsds_package(client, scenario):
    """The old zip's content in the HSDS 3.0 layout (validation: tests/berichte/test_hsds_paket.py)."""
    o1 = angebot(
        scenario.a,
        scenario.akteur_a,
        "O1",
        "deutsch",
        10,
        {"duldung": ZugangArt.OFFEN, "gestattung": ZugangArt.NICHT},
        [scenario.a1, scenario.a2],
    )
    o1.adresse = "=Markt 1"
    o1.ort = "Neuss"
    o1.save()
    angebot(scenario.a, scenario.akteur_a, "O2", "arbeit", 4, {}, kreisweit=True)
    angebot(scenario.a, scenario.akteur_a, "O3", "arbeit", 4, {}, status=AngebotStatus.ZUR_PRUEFUNG)
    response = client.get(reverse("berichte:opendata-hsds"))
    assert response.status_code == 200
    archiv = zipfile.ZipFile(io.BytesIO(response.content))
    assert {
        "datapackage.json",
        "organizations.csv",
        "services.csv",
        "locations.csv",
        "service_at_location.csv",
        "service_areas.csv",
        "attributes.csv",
        "programs.csv",
        "taxonomies.csv",
    } <= set(archiv.namelist())

    def lesen(name):
        return list(csv.DictReader(io.StringIO(archiv.read(name).decode())))

    services = lesen("services.csv")
    assert sorted(s["name"] for s in services) == ["Angebot O1", "Angebot O2"]
    orgs = lesen("organizations.csv")
    assert [o["name"] for o in orgs] == ["Caritas A"]
    assert all(s["organization_id"] == orgs[0]["id"] for s in services)
    s1 = next(s for s in services if s["name"] == "Angebot O1")
    sal = [x for x in lesen("service_at_location.csv") if x["service_id"] == s1["id"]]
    orte = {loc["id"]: loc for loc in lesen("locations.csv")}
    assert [orte[x["location_id"]]["name"] for x in sal] == ["'=Markt 1, Neuss"]
    gebiete = [g["name"] for g in lesen("service_areas.csv") if g["service_id"] == s1["id"]]
    assert sorted(gebiete) == ["Adorf", "Aheim"]
    eligibility = [
        a for a in lesen("attributes.csv") if a["link_id"] == s1["id"] and a["link_type"] == "eligibility"
    ]
    assert sorted(a["value"] for a in eligibility) == ["nicht", "offen"]
    begriffe = {t["id"]: t["code"] for t in lesen("taxonomy_terms.csv")}
    assert sorted(begriffe[a["taxonomy_term_id"]] for a in eligibility) == [
        "aufenthaltsstatus:duldung",
        "aufenthaltsstatus:gestattung",
    ]
