"""Every list page and the dashboard run the same number of queries with few and with many rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buendnis.models import Mitgliedschaft, Prioritaet
from tests.factories import (
    AkteurFactory,
    AufgabeFactory,
    BuendnisFactory,
    GremiumFactory,
    KommuneFactory,
    SitzungFactory,
    VereinbarungFactory,
)

PAGES = [
    "buendnis:dashboard",
    "buendnis:buendnis-list",
    "buendnis:kommune-list",
    "buendnis:akteur-list",
    "buendnis:gremium-list",
    "buendnis:sitzung-list",
    "buendnis:aufgabe-list",
    "buendnis:prioritaet-list",
    "buendnis:vereinbarung-list",
]


def fill(scenario, n):
    a = scenario.a
    for i in range(n):
        akteur = AkteurFactory(buendnis=a, kommune=scenario.a1 if i % 2 else None)
        gremium = GremiumFactory(buendnis=a, leitung=akteur)
        Mitgliedschaft.objects.create(gremium=gremium, akteur=akteur)
        SitzungFactory(gremium=gremium)
        AufgabeFactory(buendnis=a, gremium=gremium, akteur=akteur, ueberfaellig=bool(i % 3 == 0))
        vv = VereinbarungFactory(buendnis=a)
        vv.parteien.add(akteur)
        Prioritaet.objects.create(buendnis=a, rang=i + 1, titel=f"P{i}")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["koordination", "kommune", "mitglied", "auswertung", "land", "admin"])
@pytest.mark.parametrize("url_name", PAGES)
def test_query_count_does_not_grow_with_rows(scenario, url_name, role):
    client = scenario.client(role)
    fill(scenario, 3)
    few = count_queries(client, reverse(url_name))
    fill(scenario, 40)
    # More Bündnisse with Kommunen too (the state sees them all).
    for _ in range(5):
        KommuneFactory(buendnis=BuendnisFactory())
    many = count_queries(client, reverse(url_name))
    assert many == few, f"{url_name} ({role}): {few} queries with few rows, {many} with many"


@pytest.mark.parametrize("url_name", PAGES)
def test_list_pages_stay_within_a_small_query_budget(scenario, url_name, django_assert_max_num_queries):
    fill(scenario, 30)
    client = scenario.client("koordination")
    # The dashboard gathers panels of every app (offers, survey, funding, reports) on one page.
    with django_assert_max_num_queries(50 if url_name == "buendnis:dashboard" else 25):
        assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("buendnis:aufgabe-list", "?status=offen&suche=a&page=2"),
        ("buendnis:akteur-list", "?typ=bildungstraeger&suche=Tr&page=2"),
        ("buendnis:sitzung-list", "?status=geplant&page=2"),
        ("buendnis:gremium-list", "?art=forum&page=2"),
        ("buendnis:vereinbarung-list", "?status=entwurf&page=2"),
    ],
)
def test_filtered_second_page_keeps_its_query_count(scenario, url_name, query):
    client = scenario.client("koordination")
    fill(scenario, 30)
    few = count_queries(client, reverse(url_name) + query)
    fill(scenario, 40)
    many = count_queries(client, reverse(url_name) + query)
    assert many == few


@pytest.mark.parametrize("url_name", PAGES[1:])
def test_lists_show_at_most_one_page_of_rows(scenario, url_name):
    fill(scenario, 30)
    response = scenario.client("land").get(reverse(url_name))
    assert response.context["is_paginated"] or response.context["paginator"].count <= 25
    assert len(response.context["object_list"]) <= 25
