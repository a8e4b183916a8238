"""All of Germany (`demo_data --scale de`, issue 18): the Kreis rows it is built from, and a miniature of two
Länder with two Kreise each built through the same code path as the full data set."""

import io
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count

from angebote.models import Angebot
from buendnis.choices import Baustein, BuendnisArt, Rolle
from buendnis.models import Buendnis, Kommune, User
from demo import daten, scale
from demo.buendnis import buendnis_aus_csv, nrw_kreise
from demo.management.commands.demo_data import Command
from foerderung.models import Budget, Foerderantrag
from tests.factories import UserFactory
from tests.foerderung.factories import BudgetFactory, FoerderbausteinFactory, FoerderprogrammFactory

LAENDER = {land["code"]: land for land in daten.json_datei("de_laender.json")["laender"]}
# Saarland: two of its Kreise; Bremen: its two kreisfreie Städte.
KLEIN = ("10501", "10502", "04101", "04102")


def test_scale_option_offers_nrw_and_de():
    parser = Command().create_parser("manage.py", "demo_data")
    option = next(action for action in parser._actions if action.dest == "scale")
    assert set(option.choices) == {"nrw", "de"}


def test_germany_has_every_kreis_and_kreisfreie_stadt_with_its_real_counts():
    zeilen = scale.kreise_de()
    arten = Counter(row["art"] for row in zeilen)
    assert arten == {"Kreis": 294, "kreisfreie Stadt": 106}
    assert sum(int(row["kommunen"]) for row in zeilen) == 10_756
    assert scale.MASSSTAEBE["de"].buendnisse == 400
    assert scale.MASSSTAEBE["de"].kommunen == 10_756
    # NRW keeps its real Kreise, unchanged.
    assert [row for row in zeilen if row["kreisschluessel"].startswith("05")] == list(nrw_kreise())
    for code, land in LAENDER.items():
        eigene = [row for row in zeilen if row["kreisschluessel"][:2] == code]
        assert sum(row["art"] == "Kreis" for row in eigene) == land["kreise"], land["name"]
        assert sum(row["art"] == "kreisfreie Stadt" for row in eigene) == land["kreisfreie_staedte"]
        assert sum(int(row["kommunen"]) for row in eigene) == land["gemeinden"], land["name"]
    schluessel = [row["kreisschluessel"] for row in zeilen]
    assert len(set(schluessel)) == 400
    assert all(re.fullmatch(r"\d{5}", s) for s in schluessel)
    assert len({row["name"] for row in zeilen}) == 400
    for row in zeilen:
        assert int(row["kommunen"]) >= 1
        assert 47.3 <= float(row["lat"]) <= 55.1 and 5.9 <= float(row["lon"]) <= 15.0, row
    # Deterministic: generated again, the same rows.
    scale.kreise_de.cache_clear()
    assert scale.kreise_de() == zeilen


@pytest.fixture
def klein(db):
    """Two Länder with two Kreise each; one NRW Bündnis with budgets that the others' allocations copy."""
    zeilen = {row["kreisschluessel"]: row for row in scale.kreise_de()}
    vorlage = buendnis_aus_csv(zeilen["05111"])
    programm = FoerderprogrammFactory()
    baustein = FoerderbausteinFactory(programm=programm, nummer=Baustein.F1)
    for jahr in (2020, 2021):
        BudgetFactory(buendnis=vorlage, baustein=baustein, jahr=jahr, betrag=Decimal("50000.00"))
    UserFactory(rolle=Rolle.LAND)

    def bauen():
        return scale.build("de", io.StringIO(), angebote=120, antraege=40, kreise=[zeilen[k] for k in KLEIN])

    return bauen


def test_miniature_builds_generated_kreise_with_unique_keys(klein):
    ergebnis = klein()
    neu = Buendnis.objects.filter(kreisschluessel__in=KLEIN)
    assert neu.count() == 4
    assert set(neu.values_list("regierungsbezirk", flat=True)) == {""}
    assert set(neu.filter(kreisschluessel__startswith="04").values_list("name", flat=True)) == {
        "Stadt Bremen",
        "Stadt Bremerhaven",
    }
    assert Buendnis.objects.get(kreisschluessel="10501").art == BuendnisArt.KREIS
    zeilen = {row["kreisschluessel"]: row for row in scale.kreise_de()}
    je_kreis = dict(neu.annotate(n=Count("kommunen")).values_list("kreisschluessel", "n"))
    assert je_kreis == {k: int(zeilen[k]["kommunen"]) for k in KLEIN}
    assert Kommune.objects.get(buendnis__kreisschluessel="04102").name == "Bremerhaven"
    assert Kommune.objects.filter(name="Gemeinde 10-01-001", gemeindeschluessel="10501001").exists()
    kommunen = Kommune.objects.filter(buendnis__in=neu)
    gemeindeschluessel = list(kommunen.values_list("gemeindeschluessel", flat=True))
    assert len(set(gemeindeschluessel)) == len(gemeindeschluessel)
    for kommune in kommunen.select_related("buendnis"):
        kommune.full_clean()  # eight digits, coordinates inside Germany
        assert kommune.gemeindeschluessel.startswith(kommune.buendnis.kreisschluessel)
    # One coordination per Bündnis, offers everywhere, budgets copied and applications on them.
    assert User.objects.filter(rolle=Rolle.KOORDINATION, buendnis__in=neu).count() == 4
    assert ergebnis["angebote"] == 120
    for buendnis in neu:
        angebote = Angebot.objects.filter(buendnis=buendnis)
        assert angebote.exists()
        assert all(
            k.startswith(f"DE-{buendnis.kreisschluessel}-")
            for k in angebote.values_list("kennung", flat=True)
        )
        assert set(Budget.objects.filter(buendnis=buendnis).values_list("jahr", "betrag")) == {
            (2020, Decimal("50000.00")),
            (2021, Decimal("50000.00")),
        }
    assert ergebnis["foerderantraege"] == 40
    assert Foerderantrag.objects.filter(buendnis__in=neu).exists()


def test_running_again_adds_nothing(klein):
    zuerst = klein()
    budgets = Budget.objects.count()
    assert klein() == zuerst
    assert Budget.objects.count() == budgets


def test_missing_germany_is_noticed(klein):
    klein()
    assert scale.fehlt_etwas("de")


def test_generated_kreise_carry_the_regierungsbezirke_of_their_land():
    """Hessen, Baden-Württemberg and Bayern spread their Kreise over their real Regierungsbezirke (each one used);
    the Länder without Regierungsbezirke leave the field empty; NRW keeps its real ones."""
    from buendnis.choices import REGIERUNGSBEZIRKE_JE_LAND, Regierungsbezirk

    je_land: dict[str, set[str]] = {}
    for row in scale.kreise_de():
        land = row["kreisschluessel"][:2]
        wert = row.get("regierungsbezirk_wert", "")
        if land == "05":
            assert row["regierungsbezirk"] in {r.label for r in Regierungsbezirk}
            continue
        je_land.setdefault(land, set()).add(wert)
    for land, werte in je_land.items():
        assert werte == (
            set(REGIERUNGSBEZIRKE_JE_LAND[land]) if land in REGIERUNGSBEZIRKE_JE_LAND else {""}
        ), land
    assert set(REGIERUNGSBEZIRKE_JE_LAND) == {"05", "06", "08", "09"}
    assert sum(len(v) for v in REGIERUNGSBEZIRKE_JE_LAND.values()) == len(Regierungsbezirk.choices) == 19


@pytest.mark.django_db
def test_a_buendnis_without_regierungsbezirk_and_one_in_bayern_are_valid():
    zeilen = {row["kreisschluessel"]: row for row in scale.kreise_de()}
    bayern = next(k for k in zeilen if k.startswith("09"))
    for schluessel in ("10501", bayern):
        buendnis = scale._buendnis(zeilen[schluessel])
        buendnis.full_clean()
    assert Buendnis.objects.get(kreisschluessel="10501").regierungsbezirk == ""
    assert (
        Buendnis.objects.get(kreisschluessel=bayern).regierungsbezirk
        == zeilen[bayern]["regierungsbezirk_wert"]
        != ""
    )
