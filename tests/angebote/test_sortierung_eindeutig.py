"""Paging a sorted catalogue neither repeats nor skips an offer when several share the sort value: the primary key
decides between them (`angebote.filters.EindeutigeSortierung`)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from angebote.filters import AngebotFilter
from angebote.models import Angebot
from tests.angebote.factories import AngebotFactory


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<td><a href="/angebote/(\d+)/">', html)]


@pytest.mark.parametrize("sortierung", ["-beginn", "beginn", "plaetze", "-plaetze"])
def test_pages_of_a_sort_with_ties_hold_every_offer_once(scenario, sortierung):
    for _ in range(30):
        AngebotFactory(buendnis=scenario.a, beginn=datetime.date(2026, 9, 1), plaetze=12)
    client = scenario.client("koordination")
    url = reverse("angebote:angebot-list")
    seite1 = _ids(client.get(url, {"sortierung": sortierung}).content.decode())
    seite2 = _ids(client.get(url, {"sortierung": sortierung, "page": 2}).content.decode())
    gesehen = seite1 + seite2
    assert len(seite1) == 25
    assert (
        len(gesehen)
        == len(set(gesehen))
        == Angebot.objects.visible_to(scenario.users["koordination"]).count()
    )


def test_the_primary_key_comes_last_and_only_when_a_sort_was_chosen(scenario):
    qs = Angebot.objects.all()
    gefiltert = AngebotFilter({"sortierung": "-beginn"}, queryset=qs, request=None).qs
    assert list(gefiltert.query.order_by) == ["-beginn", "pk"]
    ohne = AngebotFilter({}, queryset=qs.order_by("titel"), request=None).qs
    assert "pk" not in ohne.query.order_by
