"""Text typed by users is shown as text on every alliance page, never run as markup."""

import pytest
from django.urls import reverse

from buendnis.models import (
    Ansprechperson,
    Beschluss,
    Funktion,
    Gremium,
    Mitgliedschaft,
    Prioritaet,
    Tagesordnungspunkt,
    Vereinbarungsdokument,
)
from tests.factories import AkteurFactory, AufgabeFactory, GremiumFactory, SitzungFactory, VereinbarungFactory

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def boese(scenario):
    a = scenario.a
    a.federfuehrung = PAYLOAD
    a.save()
    scenario.a1.ansprechpartner = PAYLOAD
    scenario.a1.name = "Aheim " + PAYLOAD
    scenario.a1.save()
    akteur = AkteurFactory(buendnis=a, kommune=scenario.a1, name="Akteur " + PAYLOAD, notiz=PAYLOAD)
    Ansprechperson.objects.create(akteur=akteur, name="Person " + PAYLOAD, funktion=PAYLOAD)
    gremium = GremiumFactory(buendnis=a, name="Gremium " + PAYLOAD, thema=PAYLOAD, kernaufgabe="foren")
    Mitgliedschaft.objects.create(gremium=gremium, akteur=akteur, funktion=Funktion.MULTIPLIKATOR)
    kg = GremiumFactory(buendnis=a, name="Kerngruppe", art="kerngruppe")
    Mitgliedschaft.objects.create(gremium=kg, akteur=akteur, funktion=Funktion.MULTIPLIKATOR)
    sitzung = SitzungFactory(gremium=gremium, titel="Sitzung " + PAYLOAD, ort=PAYLOAD, protokoll=PAYLOAD)
    Tagesordnungspunkt.objects.create(sitzung=sitzung, position=1, titel=PAYLOAD, beschreibung=PAYLOAD)
    beschluss = Beschluss.objects.create(
        buendnis=a, gremium=gremium, sitzung=sitzung, text=PAYLOAD, kernaufgabe="lenkung"
    )
    aufgabe = AufgabeFactory(
        buendnis=a,
        gremium=gremium,
        beschluss=beschluss,
        akteur=akteur,
        titel="Aufgabe " + PAYLOAD,
        beschreibung=PAYLOAD,
        notiz=PAYLOAD,
        ueberfaellig=True,
    )
    Prioritaet.objects.create(buendnis=a, rang=1, titel="Priorität " + PAYLOAD, beschreibung=PAYLOAD)
    vv = VereinbarungFactory(buendnis=a, titel="VV " + PAYLOAD, gegenstand=PAYLOAD)
    vv.parteien.add(akteur)
    Vereinbarungsdokument.objects.create(
        vereinbarung=vv, version=1, datei="x.pdf", kommentar=PAYLOAD, hochgeladen_von=scenario.users["admin"]
    )
    # A change, so the history shows old and new values.
    gremium.thema = PAYLOAD + " neu"
    gremium.save()
    return {
        "buendnis-detail": a,
        "kommune-detail": scenario.a1,
        "akteur-detail": akteur,
        "gremium-detail": gremium,
        "sitzung-detail": sitzung,
        "aufgabe-detail": aufgabe,
        "vereinbarung-detail": vv,
    }


LISTS = ["dashboard", "kommune-list", "akteur-list", "gremium-list", "sitzung-list", "aufgabe-list"]
LISTS += ["prioritaet-list", "vereinbarung-list"]


@pytest.mark.parametrize("role", ["koordination", "mitglied", "land"])
def test_script_payloads_are_escaped_on_every_page(scenario, boese, role):
    client = scenario.client(role)
    # The Land's dashboard shows no single Bündnis's records, so no payload either (its own escaping of what it
    # shows is tested in tests/sicherheit/test_xss.py).
    listen = [name for name in LISTS if not (role == "land" and name == "dashboard")]
    pages = [reverse(f"buendnis:{name}") for name in listen]
    pages += [reverse(f"buendnis:{name}", args=[obj.pk]) for name, obj in boese.items()]
    if role == "koordination":
        pages += [
            reverse("buendnis:gremium-update", args=[boese["gremium-detail"].pk]),
            reverse("buendnis:top-delete", args=[Tagesordnungspunkt.objects.get(titel=PAYLOAD).pk]),
            reverse("buendnis:beschluss-create", args=[boese["sitzung-detail"].pk]),
        ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert PAYLOAD not in body, url
        assert "&lt;script&gt;" in body or "&lt;img" in body, url
        assert "<img src=x" not in body, url


def test_payload_in_a_new_gremium_name_comes_back_escaped_in_the_message_and_page(scenario):
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:gremium-create"),
        {"art": "forum", "name": PAYLOAD, "format": "arbeitsgruppe", "status": "vorgeschlagen"},
        follow=True,
    )
    assert response.status_code == 200
    assert Gremium.objects.filter(name=PAYLOAD).exists()
    body = response.content.decode()
    assert PAYLOAD not in body
    assert "&lt;script&gt;" in body
