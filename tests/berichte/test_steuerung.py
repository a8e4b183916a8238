"""The shared steering reads (`berichte.steuerung`): quarters, series of values with the small-number rule, the
nine tasks merged from every app's measurement, and what waits for whom."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from berichte import steuerung
from berichte.models import (
    Indikator,
    IndikatorQuelle,
    Indikatorwert,
    IndikatorwertArt,
    Zielsetzung,
    ZielsetzungStatus,
)
from buendnis import registry
from buendnis.choices import Kernaufgabe
from buendnis.registry import Kernaufgabenstand, Stand

D = datetime.date
ANFANG, ENDE = D(2025, 1, 1), D(2025, 12, 31)


def ziel(buendnis, von=ANFANG, bis=ENDE, status=ZielsetzungStatus.VEREINBART) -> Zielsetzung:
    return Zielsetzung.objects.create(
        buendnis=buendnis, titel="Ziel", zeitraum_von=von, zeitraum_bis=bis, status=status
    )


def indikator(
    z, ausgangswert=0, zielwert=100, personenzahl=False, quelle=IndikatorQuelle.MANUELL
) -> Indikator:
    return Indikator.objects.create(
        zielsetzung=z,
        titel="Indikator",
        quelle=quelle,
        ausgangswert=Decimal(ausgangswert),
        zielwert=Decimal(zielwert),
        personenzahl=personenzahl,
    )


# Quarters ----------------------------------------------------------------------------------------------------------


def test_quarters_of_a_period_with_their_last_day():
    assert steuerung.quartale(D(2025, 2, 15), D(2025, 10, 1)) == [
        ("2025/Q1", D(2025, 3, 31)),
        ("2025/Q2", D(2025, 6, 30)),
        ("2025/Q3", D(2025, 9, 30)),
        ("2025/Q4", D(2025, 12, 31)),
    ]
    assert steuerung.quartale(D(2025, 12, 1), D(2026, 1, 1)) == [
        ("2025/Q4", D(2025, 12, 31)),
        ("2026/Q1", D(2026, 3, 31)),
    ]
    assert steuerung.letztes_quartalsende(D(2026, 1, 5)) == D(2025, 12, 31)
    assert steuerung.letztes_quartalsende(D(2026, 7, 1)) == D(2026, 6, 30)


# The small-number rule ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reihe", "gesperrt"),
    [
        # 1 .. k-1 withheld, 0 and k and more shown (k = 3).
        ([0, 1, 2, 3, 10], [False, True, True, False, False]),
        # A change below k against the last value shown is withheld, even when both are large.
        ([10, 12, 13, 20, 21], [False, True, False, False, True]),
        # No value: nothing to withhold, and the last shown value stays the reference.
        ([10, None, 11, 14], [False, False, True, False]),
        # A fall counts like a rise.
        ([20, 18, 16], [False, True, False]),
    ],
)
def test_small_number_rule_on_a_series(scenario, settings, reihe, gesperrt):
    settings.BEDARF_MIN_COUNT = 3
    ind = indikator(ziel(scenario.a), personenzahl=True)
    werte = [None if w is None else Decimal(w) for w in reihe]
    assert steuerung.schuetzen(ind, werte) == gesperrt


def test_the_shown_baseline_starts_the_series_and_a_small_baseline_is_withheld(scenario, settings):
    settings.BEDARF_MIN_COUNT = 3
    ind = indikator(ziel(scenario.a), ausgangswert=10, personenzahl=True)
    assert steuerung.schuetzen(ind, [Decimal(11), Decimal(14)]) == [True, False]
    klein = indikator(ziel(scenario.a), ausgangswert=2, personenzahl=True)
    assert steuerung.ausgangswert_gesperrt(klein)
    assert steuerung.schuetzen(klein, [Decimal(4)]) == [False]


def test_values_that_count_no_people_are_never_withheld(scenario):
    ind = indikator(ziel(scenario.a), personenzahl=False)
    assert steuerung.schuetzen(ind, [Decimal(1), Decimal(2)]) == [False, False]
    assert steuerung.messwert(ind, Decimal("1.50"), False).text == "1,50"


def test_a_withheld_value_carries_neither_number_nor_evidence(scenario):
    ind = indikator(ziel(scenario.a), personenzahl=True)
    m = steuerung.messwert(ind, Decimal(2), True, IndikatorwertArt.ERFASST, "Liste mit 2 Namen")
    assert (m.wert, m.text, m.nachweis, m.gesperrt) == (None, "*", "", True)


# Series of values ---------------------------------------------------------------------------------------------------


def test_series_carries_manual_values_and_leaves_the_future_empty(scenario):
    z = ziel(scenario.a, von=D(2025, 1, 1), bis=D(2026, 12, 31))
    ind = indikator(z)
    Indikatorwert.objects.create(indikator=ind, stichtag=D(2025, 2, 10), wert=Decimal(5), nachweis="a")
    Indikatorwert.objects.create(indikator=ind, stichtag=D(2025, 8, 1), wert=Decimal(9), nachweis="b")
    enden = [ende for _l, ende in steuerung.quartale(z.zeitraum_von, z.zeitraum_bis)]
    reihe = steuerung.verlauf([ind], enden, heute=D(2025, 11, 5))[ind.pk]
    # Q1, Q2 carry 5; Q3 carries 9; Q4 (running) shows today's 9; later quarters have no value yet.
    assert [m.text for m in reihe] == ["5", "5", "9", "9", "–", "–", "–", "–"]
    assert reihe[0].nachweis == "a" and reihe[0].art == IndikatorwertArt.ERFASST


def test_current_values_agree_with_the_target_page(scenario, settings):
    settings.BEDARF_MIN_COUNT = 5
    z = ziel(scenario.a, von=D(2025, 1, 1), bis=D(2025, 12, 31))
    ind = indikator(z, personenzahl=True)
    for tag, zahl in [(D(2025, 1, 20), 10), (D(2025, 5, 3), 12)]:
        Indikatorwert.objects.create(indikator=ind, stichtag=tag, wert=Decimal(zahl), nachweis="x")
    heute = D(2025, 9, 1)
    aktuell = steuerung.aktuelle_werte([ind], heute)[ind.pk]
    seite = steuerung.zielstand(z, heute=heute).zeilen[0]
    assert aktuell.gesperrt and seite.aktuell.gesperrt
    assert [(tag, m.text) for tag, m in seite.erfasst] == [(D(2025, 1, 20), "10"), (D(2025, 5, 3), "*")]


def test_on_track_count_skips_values_withheld_or_missing(scenario):
    z = ziel(scenario.a)
    a, b, c = indikator(z), indikator(z), indikator(z)
    heute = D(2025, 7, 2)  # half the period: at least 40 % expected
    werte = {
        a.pk: steuerung.Messwert(Decimal(45), "45"),
        b.pk: steuerung.Messwert(Decimal(20), "20"),
        c.pk: steuerung.Messwert(None, "*", gesperrt=True),
    }
    zielsetzungen = list(Zielsetzung.objects.prefetch_related("indikatoren"))
    assert steuerung.im_plan_zaehlen(zielsetzungen, werte, heute) == (1, 2)


def test_computed_values_come_from_the_registered_source_per_buendnis(scenario, monkeypatch):
    aufrufe = []

    def werte(buendnis_ids, stichtag, parameter):
        aufrufe.append((tuple(buendnis_ids), stichtag, parameter))
        return {bid: Decimal(bid * 10) for bid in buendnis_ids}

    quelle = registry.Indikatorquelle(key="test.q", label="Q", einheit="", werte=werte)
    monkeypatch.setattr(registry, "_indikatorquellen", {"test.q": quelle})
    inds = [indikator(ziel(b), quelle="test.q") for b in (scenario.a, scenario.b)]
    inds.append(indikator(ziel(scenario.a), quelle="test.unbekannt"))
    inds = list(Indikator.objects.select_related("zielsetzung").order_by("pk"))
    ergebnis = steuerung.berechnete_werte(inds, D(2025, 6, 30))
    assert ergebnis == {
        inds[0].pk: Decimal(scenario.a.pk * 10),
        inds[1].pk: Decimal(scenario.b.pk * 10),
        inds[2].pk: None,
    }
    assert aufrufe == [(tuple(sorted([scenario.a.pk, scenario.b.pk])), D(2025, 6, 30), "")]


# The nine tasks -----------------------------------------------------------------------------------------------------


def test_nine_tasks_take_the_best_state_of_every_measurement(scenario, monkeypatch):
    def erste(buendnis_ids, stichtag):
        return {
            scenario.a.pk: {
                Kernaufgabe.FOREN.value: Kernaufgabenstand(Stand.BEGONNEN, "Forum geplant"),
                "unbekannt": Kernaufgabenstand(Stand.ERFUELLT, "zählt nicht"),
            },
            999999: {Kernaufgabe.FOREN.value: Kernaufgabenstand(Stand.ERFUELLT, "fremd")},
        }

    def zweite(buendnis_ids, stichtag):
        return {
            bid: {
                Kernaufgabe.FOREN.value: Kernaufgabenstand(Stand.ERFUELLT, "Forum eingerichtet", "/gremien/")
            }
            for bid in buendnis_ids
            if bid == scenario.a.pk
        }

    monkeypatch.setattr(registry, "_kernaufgabenmessungen", {"eins": erste, "zwei": zweite})
    ergebnis = steuerung.kernaufgaben([scenario.a.pk, scenario.b.pk], D(2025, 6, 30))
    a = {x.kernaufgabe: x for x in ergebnis[scenario.a.pk]}
    b = {x.kernaufgabe: x for x in ergebnis[scenario.b.pk]}
    assert list(a) == list(Kernaufgabe)
    assert a[Kernaufgabe.FOREN].stand == Stand.ERFUELLT
    # The strongest evidence first.
    assert [x.text for x in a[Kernaufgabe.FOREN].belege] == ["Forum eingerichtet", "Forum geplant"]
    assert a[Kernaufgabe.FOREN].stand_label == "erfüllt"
    assert all(x.stand == Stand.OFFEN and not x.belege for x in b.values())
    assert steuerung.kernaufgaben_erfuellt(ergebnis[scenario.a.pk]) == 1


# What waits for whom ------------------------------------------------------------------------------------------------


def test_work_items_for_the_land_and_the_coordination(scenario):
    from berichte import services

    z = ziel(scenario.a, status=ZielsetzungStatus.ENTWURF)
    indikator(z)
    land, koordination = scenario.users["land"], scenario.users["koordination"]
    services.zielsetzung_vorlegen(zielsetzung=z, by=koordination)
    assert [t for t, _u, _d in steuerung.zur_vereinbarung_eintraege(land, 5)] == ["Ziel"]
    for role in ("koordination", "kommune", "mitglied", "auswertung", "koordination_b"):
        assert steuerung.zur_vereinbarung(scenario.users[role]).count() == 0
    services.zielsetzung_zurueckgeben(zielsetzung=z, kommentar="Bitte präzisieren.", by=land)
    assert steuerung.zurueckgegebene(koordination).count() == 1
    assert steuerung.zurueckgegebene(scenario.users["koordination_b"]).count() == 0
    assert steuerung.zurueckgegebene(scenario.users["kommune"]).count() == 0
    rueckgabe = steuerung.rueckgabe(Zielsetzung.objects.get(pk=z.pk))
    assert rueckgabe.kommentar == "Bitte präzisieren."
    assert rueckgabe.von == land.anzeigename()
