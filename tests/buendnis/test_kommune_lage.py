"""The centre of a Kommune is entered on its form; the public catalogue orders nearby offers by it (issue 16)."""

from decimal import Decimal

from django.urls import reverse


def _daten(kommune, **werte):
    daten = {
        "name": kommune.name,
        "gemeindeschluessel": "",
        "ansprechpartner": "",
        "breite": "",
        "laenge": "",
    }
    daten.update(werte)
    return daten


def test_the_coordination_enters_the_centre_of_a_kommune(scenario):
    kommune = scenario.a1
    antwort = scenario.client("koordination").post(
        reverse("buendnis:kommune-update", args=[kommune.pk]),
        _daten(kommune, breite="51.19826", laenge="6.69211"),
    )
    assert antwort.status_code == 302
    kommune.refresh_from_db()
    assert (kommune.breite, kommune.laenge) == (Decimal("51.19826"), Decimal("6.69211"))


def test_a_centre_outside_germany_is_refused_in_german(scenario):
    kommune = scenario.a1
    antwort = scenario.client("koordination").post(
        reverse("buendnis:kommune-update", args=[kommune.pk]),
        _daten(kommune, breite="151.2", laenge="6.7"),
    )
    assert antwort.status_code == 200
    assert "kleiner oder gleich 56" in antwort.content.decode()
    kommune.refresh_from_db()
    assert kommune.breite is None
