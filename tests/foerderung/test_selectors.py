"""The budget overview against a hand-computed fixture: every figure and every total to the cent."""

import datetime
from decimal import Decimal

from buendnis.models import Kommune
from foerderung.selectors import budgetuebersicht, faelliges_fuer_kommune, teilhabemanagement_stellen

from .factories import FoerderantragFactory, MittelabrufFactory, TeilhabeStelleFactory

D = Decimal


def _werte(zeile):
    return (
        zeile.zugewiesen,
        zeile.beantragt,
        zeile.bewilligt,
        zeile.abgerufen,
        zeile.verfuegbar,
        zeile.offen,
    )


def test_budget_overview_per_baustein_matches_hand_computed_figures(scenario, haushalt):
    u = budgetuebersicht(scenario.users["koordination"], jahr=2020)
    for zeile in [*u.nach_baustein, *u.nach_kommune, u.summe]:
        # Decimal, not float: 100000.0 == Decimal("100000.00") would hide a float below.
        assert all(type(wert) is Decimal for wert in _werte(zeile)), zeile
    zeilen = {z.objekt.nummer: _werte(z) for z in u.nach_baustein}
    assert zeilen["f1"] == (
        D("100000.00"),
        D("42345.67"),
        D("25000.00"),
        D("12500.50"),
        D("75000.00"),
        D("12499.50"),
    )
    assert zeilen["f6"] == (
        D("50000.00"),
        D("20000.00"),
        D("20000.00"),
        D("5000.00"),
        D("30000.00"),
        D("15000.00"),
    )
    assert _werte(u.summe) == (
        D("150000.00"),
        D("62345.67"),
        D("45000.00"),
        D("17500.50"),
        D("105000.00"),
        D("27499.50"),
    )


def test_budget_overview_per_kommune_reconciles_with_baustein_totals(scenario, haushalt):
    u = budgetuebersicht(scenario.users["koordination"], jahr=2020)
    zeilen = {z.bezeichnung: _werte(z)[:4] for z in u.nach_kommune}
    assert zeilen == {
        "Aheim": (D("40000.00"), D("30000.00"), D("25000.00"), D("12500.50")),
        "Adorf": (D("0.00"), D("12345.67"), D("0.00"), D("0.00")),
        "kreisweit / nicht auf Kommunen aufgeteilt": (
            D("110000.00"),
            D("20000.00"),
            D("20000.00"),
            D("5000.00"),
        ),
    }
    assert _werte(u.summe_kommune) == _werte(u.summe_baustein)


def test_land_sees_all_buendnisse_and_year_filter_applies(scenario, haushalt):
    u = budgetuebersicht(scenario.users["land"], jahr=2020)
    assert u.summe.zugewiesen == D("227777.77")
    assert u.summe.bewilligt == D("56111.11")
    assert u.summe.abgerufen == D("17500.51")
    # The state's view is by Bündnis, never by the Kommunen of a Kreis.
    assert u.nach_kommune == []
    assert _werte(u.summe_buendnis) == _werte(u.summe_baustein)
    alle_jahre = budgetuebersicht(scenario.users["koordination"])
    assert alle_jahre.summe.zugewiesen == D("155000.00")
    assert alle_jahre.summe.beantragt == D("63345.67")


def test_koordination_b_sees_nothing_of_buendnis_a(scenario, haushalt):
    u = budgetuebersicht(scenario.users["koordination_b"], jahr=2020)
    assert u.summe.zugewiesen == D("77777.77")
    assert {z.bezeichnung for z in u.nach_kommune} == {"Bheim", "kreisweit / nicht auf Kommunen aufgeteilt"}


def test_budget_overview_query_count_is_fixed(scenario, f1, budget_a, django_assert_num_queries):
    user = scenario.users["koordination"]
    FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a1, bewilligt=True)
    with django_assert_num_queries(8):
        budgetuebersicht(user, jahr=2020)
    for i in range(15):
        k = Kommune.objects.create(buendnis=scenario.a, name=f"K{i}")
        antrag = FoerderantragFactory(
            buendnis=scenario.a, baustein=f1, kommune=k, bewilligt=True, beantragt=D("1.00")
        )
        MittelabrufFactory(antrag=antrag, betrag=D("0.50"))
    with django_assert_num_queries(8):
        u = budgetuebersicht(user, jahr=2020)
    assert len(u.nach_kommune) == 17  # 16 Kommunen and the kreisweit row


def test_teilhabemanagement_positions_and_fte_totals(scenario):
    TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1, vze=D("1.00"))
    TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1, vze=D("0.50"), besetzt_seit=None)
    TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a2, vze=D("0.75"))
    TeilhabeStelleFactory(buendnis=scenario.b, kommune=scenario.b1, vze=D("2.00"))
    u = teilhabemanagement_stellen(scenario.users["auswertung"])
    assert (u.summe_vze, u.besetzt_vze, u.vakant_vze) == (D("2.25"), D("1.75"), D("0.50"))
    assert len(u.stellen) == 3
    assert teilhabemanagement_stellen(scenario.users["land"]).summe_vze == D("4.25")


def test_kommune_sees_what_is_due(scenario, f1):
    entwurf = FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a1)
    laufend = FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a1, bewilligt=True)
    FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a2)  # other Kommune
    daten = faelliges_fuer_kommune(scenario.users["kommune"], heute=datetime.date(2021, 2, 1))
    assert set(daten["antraege"]) == {entwurf, laufend}
    texte = {(a.pk, text) for a, text in daten["faellig"]}
    assert (entwurf.pk, "Entwurf noch nicht eingereicht") in texte
    assert (laufend.pk, "Monitoring 4/2020 fehlt") in texte
    assert (laufend.pk, "Verwendungsnachweis fällig bis 30.06.2021") in texte
