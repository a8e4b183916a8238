"""The budget overview is rendered once per state of the data, scope and filters and then read from the cache of the
dashboard's figures (issue 18): never another scope's figures, a committed write shows on the next request, and
the number of queries does not grow with the number of Bündnisse, computed or cached."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buendnis.choices import Rolle
from buendnis.models import Buendnis
from tests.factories import UserFactory

from .factories import BudgetFactory, FoerderantragFactory, MittelabrufFactory

D = Decimal
URL = reverse("foerderung:uebersicht")


def seite(client, query: dict | None = None) -> tuple[str, int]:
    """The page's HTML and the number of queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, query or {})
    assert response.status_code == 200
    # The sign-out form's token is new on every response.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return html, len(queries.captured_queries)


def tabelle(html: str, ueberschrift: str) -> dict[str, list[str]]:
    """The rows of the table under a heading: first cell (the name) -> the amounts."""
    teil = html.split(f">{ueberschrift}</h2>", 1)[1].split("</table>", 1)[0]
    zeilen = {}
    for kopf, zeile in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', teil, re.S):
        zeilen[re.sub(r"<[^>]+>", "", kopf).strip()] = re.findall(r'<td class="zahl">([^<]*)</td>', zeile)
    return zeilen


def test_cached_page_is_the_computed_page(scenario, haushalt, mit_cache):
    for rolle in ("land", "koordination", "kommune"):
        client = scenario.client(rolle)
        berechnet, berechnet_n = seite(client)
        gecacht, gecacht_n = seite(client)
        assert gecacht == berechnet, rolle
        assert gecacht_n < berechnet_n, rolle  # the second request was a hit


def test_cached_overview_is_never_served_to_another_scope(scenario, haushalt, mit_cache):
    # Filled in the order that would leak if the entry were keyed on too little: the widest scope first.
    land, _n = seite(scenario.client("land"))
    koordination, _n = seite(scenario.client("koordination"))
    koordination_b, _n = seite(scenario.client("koordination_b"))
    kommune, _n = seite(scenario.client("kommune"))
    kommune_a2, _n = seite(scenario.client("kommune_a2"))

    assert {"Rhein-Kreis Test", "Stadt Anderswo"} <= set(tabelle(land, "Nach Bündnis"))
    assert "Nach Kommune" not in land
    assert set(tabelle(koordination, "Nach Kommune")) >= {"Aheim", "Adorf"}
    assert "Stadt Anderswo" not in koordination and "Bheim" not in koordination
    assert "Bheim" in tabelle(koordination_b, "Nach Kommune")
    assert "Aheim" not in koordination_b and "Rhein-Kreis Test" not in koordination_b
    assert list(tabelle(kommune, "Nach Kommune")) == ["Aheim", "Summe"]
    assert list(tabelle(kommune_a2, "Nach Kommune")) == ["Adorf", "Summe"]
    # The same pages again, from the cache.
    assert seite(scenario.client("koordination"))[0] == koordination
    assert seite(scenario.client("koordination_b"))[0] == koordination_b
    assert seite(scenario.client("kommune"))[0] == kommune
    assert seite(scenario.client("land"))[0] == land


def test_superuser_of_a_buendnis_gets_every_buendnis_fresh(scenario, haushalt, f1, mit_cache, festschreiben):
    """It reads all Bündnisse, while the cache would key it on its own Bündnis's stamp: it is never cached."""
    admin = UserFactory(username="admin-a", rolle=Rolle.KOORDINATION, buendnis=scenario.a, is_superuser=True)
    client = Client()
    client.force_login(admin)
    seite(client)
    with festschreiben():
        BudgetFactory(buendnis=scenario.b, baustein=f1, jahr=2022, betrag=D("0.02"))
    html, _n = seite(client)
    assert tabelle(html, "Nach Bündnis")["Stadt Anderswo"][0] == "77.777,79 €"


def test_filters_are_cached_apart(scenario, haushalt, mit_cache):
    client = scenario.client("land")
    alle_jahre, _n = seite(client)
    jahr_2020, _n = seite(client, {"jahr": "2020"})
    jahr_2021, _n = seite(client, {"jahr": "2021"})
    nur_a, _n = seite(client, {"buendnis": scenario.a.pk})
    nur_b, _n = seite(client, {"buendnis": scenario.b.pk})
    nur_b_2021, _n = seite(client, {"buendnis": scenario.b.pk, "jahr": "2021"})

    def zugewiesen(html, ueberschrift, zeile):
        return tabelle(html, ueberschrift)[zeile][0]

    assert zugewiesen(alle_jahre, "Nach Bündnis", "Rhein-Kreis Test") == "155.000,00 €"
    assert zugewiesen(jahr_2020, "Nach Bündnis", "Rhein-Kreis Test") == "150.000,00 €"
    assert zugewiesen(jahr_2021, "Nach Bündnis", "Rhein-Kreis Test") == "5.000,00 €"
    # One Bündnis chosen: the state sees its figures by Bündnis, only that one.
    assert list(tabelle(nur_a, "Nach Bündnis")) == ["Rhein-Kreis Test", "Summe"]
    assert list(tabelle(nur_b, "Nach Bündnis")) == ["Stadt Anderswo", "Summe"]
    assert zugewiesen(nur_b, "Nach Bündnis", "Stadt Anderswo") == "77.777,77 €"
    assert "Keine Einträge." in nur_b_2021
    assert f'<option value="{scenario.b.pk}" selected>' in nur_b
    assert '<option value="2021" selected>' in jahr_2021
    # And each again from the cache, unchanged.
    assert seite(client, {"jahr": "2021"})[0] == jahr_2021
    assert seite(client, {"buendnis": scenario.a.pk})[0] == nur_a
    assert seite(client)[0] == alle_jahre


@pytest.mark.parametrize("rolle", ["land", "koordination", "kommune"])
def test_writes_show_on_the_next_request(scenario, haushalt, f1, mit_cache, festschreiben, rolle):
    client = scenario.client(rolle)
    ueberschrift, zeile = (
        ("Nach Bündnis", "Rhein-Kreis Test") if rolle == "land" else ("Nach Kommune", "Aheim")
    )
    vorher, _n = seite(client)
    assert seite(client)[0] == vorher  # cached

    with festschreiben():
        antrag = FoerderantragFactory(
            buendnis=scenario.a, baustein=f1, kommune=scenario.a1, beantragt=D("0.07"), bewilligt=True
        )
    nach_antrag, _n = seite(client)
    # columns without the Land's notices for a Kommune: zugewiesen, beantragt, bewilligt, abgerufen, ...
    spalte = {"beantragt": 1, "bewilligt": 2, "abgerufen": 3} if rolle == "kommune" else {}
    spalte = spalte or {"beantragt": 2, "bewilligt": 3, "abgerufen": 4}

    def betrag(html, was):
        return D(
            tabelle(html, ueberschrift)[zeile][spalte[was]]
            .replace(" €", "")
            .replace(".", "")
            .replace(",", ".")
        )

    assert betrag(nach_antrag, "beantragt") == betrag(vorher, "beantragt") + D("0.07")
    assert betrag(nach_antrag, "bewilligt") == betrag(vorher, "bewilligt") + D("0.07")

    with festschreiben():
        MittelabrufFactory(antrag=antrag, betrag=D("0.03"))
    nach_abruf, _n = seite(client)
    assert betrag(nach_abruf, "abgerufen") == betrag(vorher, "abgerufen") + D("0.03")

    if rolle != "kommune":  # a Kommune sees its earmarks, not the Bündnis's budget
        with festschreiben():
            BudgetFactory(buendnis=scenario.a, baustein=f1, jahr=2022, betrag=D("0.11"))
        nach_budget, _n = seite(client)
        zugewiesen = tabelle(nach_budget, ueberschrift)
        zeile_budget = "Rhein-Kreis Test" if rolle == "land" else "kreisweit / nicht auf Kommunen aufgeteilt"
        assert zugewiesen[zeile_budget][0] != tabelle(nach_abruf, ueberschrift)[zeile_budget][0]
        assert '<option value="2022">2022</option>' in nach_budget


def test_write_in_another_buendnis_keeps_the_coordinations_entry(
    scenario, haushalt, f1, mit_cache, festschreiben
):
    client = scenario.client("koordination")
    seite(client)
    _html, treffer = seite(client)
    with festschreiben():
        FoerderantragFactory(buendnis=scenario.b, baustein=f1, kommune=scenario.b1, beantragt=D("1.00"))
    assert seite(client)[1] == treffer


def _buendnisse(f1, n: int) -> None:
    """n more Bündnisse, each with a budget, an approved application of one of its Kommunen and a drawdown."""
    from tests.factories import KommuneFactory

    for i in range(n):
        buendnis = Buendnis.objects.create(name=f"Kreis {n}-{i}", kreisschluessel=f"09{n}{i:02d}")
        BudgetFactory(buendnis=buendnis, baustein=f1, jahr=2020, betrag=D("10.00"))
        kommune = KommuneFactory(buendnis=buendnis, name=f"Ort {n}-{i}")
        antrag = FoerderantragFactory(
            buendnis=buendnis, baustein=f1, kommune=kommune, beantragt=D("1.00"), bewilligt=True
        )
        MittelabrufFactory(antrag=antrag, betrag=D("0.50"))


def test_query_count_as_land_does_not_grow_with_the_buendnisse(scenario, haushalt, f1):
    client = scenario.client("land")
    _buendnisse(f1, 1)  # 3 Bündnisse
    seite(client)
    html, drei = seite(client)
    assert len(tabelle(html, "Nach Bündnis")) == 3 + 1
    _buendnisse(f1, 7)  # 10 Bündnisse
    html, zehn = seite(client)
    assert len(tabelle(html, "Nach Bündnis")) == 10 + 1
    assert zehn == drei


def test_cached_query_count_as_land_does_not_grow_with_the_buendnisse(
    scenario, haushalt, f1, mit_cache, festschreiben
):
    client = scenario.client("land")
    _buendnisse(f1, 1)
    berechnet_drei = seite(client)[1]
    html, drei = seite(client)
    assert len(tabelle(html, "Nach Bündnis")) == 3 + 1
    with festschreiben():
        _buendnisse(f1, 7)
    berechnet_zehn = seite(client)[1]
    html, zehn = seite(client)
    assert len(tabelle(html, "Nach Bündnis")) == 10 + 1
    assert zehn == drei < berechnet_zehn == berechnet_drei
