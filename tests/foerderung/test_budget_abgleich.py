"""The budget views reconcile to the cent: per Förderbaustein against its volume, all modules against the
programme's volume, per Bündnis (the state's view, never by Kommune), per Kommune (a Bündnis's view; a Kommune
user sees its own row only). Hand-made figures with awkward cents (3 × 33.33 against 100.00)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from buendnis.choices import Baustein
from buendnis.models import Buendnis, Kommune
from foerderung.models import (
    AntragStatus,
    BudgetKommune,
    Entscheider,
    Foerderregel,
    Kostenart,
)
from foerderung.selectors import budgetuebersicht

from .factories import (
    BudgetFactory,
    FoerderantragFactory,
    FoerderbausteinFactory,
    MittelabrufFactory,
    ZuwendungsbescheidFactory,
)

D = Decimal
KREISWEIT = "kreisweit / nicht auf Kommunen aufgeteilt"


def _werte(zeile):
    return (zeile.zugewiesen, zeile.bescheid, zeile.beantragt, zeile.bewilligt, zeile.abgerufen)


def _alle(zeile):
    return (*_werte(zeile), zeile.verfuegbar, zeile.weiterleitbar, zeile.offen)


@pytest.fixture
def abgleich(scenario, programm, f1, f6):
    """Year 2020. Bündnis a: F1 100.00 allocated, 33.33 earmarked for Aheim and for Adorf each (33.34 stays
    kreisweit), 2 × 33.33 granted; F6 99.99 allocated and granted; an F5 application of Adorf decided by the
    Land. Bündnis b: F1 66.67. Drawdowns 3 × 11.11 (= one approval of 33.33) and 0.01."""
    f1.volumen, f6.volumen = D("300.00"), D("150.00")
    f1.save()
    f6.save()
    f5 = FoerderbausteinFactory(programm=programm, nummer=Baustein.F5, volumen=D("100.00"))
    Foerderregel.objects.create(
        baustein=f5,
        bezeichnung="Innovationsfonds",
        kostenart=Kostenart.TATSAECHLICH,
        foerderquote_prozent=D("100"),
        entscheidet=Entscheider.LAND,
        gueltig_ab=datetime.date(2019, 10, 1),
    )
    a, b = scenario.a, scenario.b
    budget_f1 = BudgetFactory(buendnis=a, baustein=f1, jahr=2020, betrag=D("100.00"))
    BudgetKommune.objects.create(budget=budget_f1, kommune=scenario.a1, betrag=D("33.33"))
    BudgetKommune.objects.create(budget=budget_f1, kommune=scenario.a2, betrag=D("33.33"))
    BudgetFactory(buendnis=a, baustein=f6, jahr=2020, betrag=D("99.99"))
    BudgetFactory(buendnis=b, baustein=f1, jahr=2020, betrag=D("66.67"))
    for _ in range(2):
        ZuwendungsbescheidFactory(buendnis=a, baustein=f1, jahr=2020, betrag=D("33.33"))
    ZuwendungsbescheidFactory(buendnis=a, baustein=f6, jahr=2020, betrag=D("99.99"))
    ZuwendungsbescheidFactory(buendnis=b, baustein=f1, jahr=2020, betrag=D("66.67"))

    def antrag(buendnis, baustein, kommune, betrag, **kwargs):
        return FoerderantragFactory(
            buendnis=buendnis,
            baustein=baustein,
            kommune=kommune,
            antragsteller_akteur=scenario.akteur_a if kommune is None else None,
            gesamtkosten=betrag,
            beantragt=betrag,
            **kwargs,
        )

    erster = antrag(a, f1, scenario.a1, D("33.33"), bewilligt=True)
    for _ in range(3):
        MittelabrufFactory(antrag=erster, betrag=D("11.11"))
    antrag(a, f1, scenario.a1, D("33.33"), bewilligt=True)
    antrag(a, f1, scenario.a2, D("0.01"), eingereicht=True)
    antrag(a, f6, None, D("33.33"), bewilligt=True)
    antrag(a, f5, scenario.a2, D("12.34"), bewilligt=True)
    fremd = antrag(b, f1, scenario.b1, D("33.34"), bewilligt=True)
    MittelabrufFactory(antrag=fremd, betrag=D("0.01"))
    # Noise that must not count: a draft, a refusal, another year.
    antrag(a, f1, scenario.a1, D("5000.00"))
    antrag(a, f1, scenario.a2, D("7000.00"), status=AntragStatus.ABGELEHNT)
    BudgetFactory(buendnis=a, baustein=f1, jahr=2021, betrag=D("1000.00"))
    return {"f1": f1, "f5": f5, "f6": f6}


def test_bundnis_view_reconciles_per_baustein_and_per_kommune_to_the_cent(scenario, abgleich):
    u = budgetuebersicht(scenario.users["koordination"], jahr=2020)
    for zeile in [*u.nach_baustein, *u.nach_kommune, u.summe]:
        assert all(type(wert) is Decimal for wert in _alle(zeile)), zeile
    zeilen = {z.objekt.nummer: _werte(z) for z in u.nach_baustein}
    assert zeilen["f1"] == (D("100.00"), D("66.66"), D("66.67"), D("66.66"), D("33.33"))
    # The Land decides the Innovationsfonds itself: its approval is allocation and grant at once.
    assert zeilen["f5"] == (D("12.34"), D("12.34"), D("12.34"), D("12.34"), D("0.00"))
    assert zeilen["f6"] == (D("99.99"), D("99.99"), D("33.33"), D("33.33"), D("0.00"))
    assert _werte(u.summe) == (D("212.33"), D("178.99"), D("112.34"), D("112.33"), D("33.33"))
    assert (u.summe.verfuegbar, u.summe.weiterleitbar, u.summe.offen) == (D("100.00"), D("66.66"), D("79.00"))

    kommunen = {z.bezeichnung: _werte(z) for z in u.nach_kommune}
    assert kommunen == {
        "Aheim": (D("33.33"), D("0.00"), D("66.66"), D("66.66"), D("33.33")),
        "Adorf": (D("45.67"), D("12.34"), D("12.35"), D("12.34"), D("0.00")),
        # 100.00 − 2 × 33.33 = 33.34 of F1 and the whole F6; the Land's notices go to the Kreis.
        KREISWEIT: (D("133.33"), D("166.65"), D("33.33"), D("33.33"), D("0.00")),
    }
    assert _alle(u.summe_kommune) == _alle(u.summe_baustein) == _alle(u.summe)
    # A Bündnis's view has no Bündnis table and compares no volumes.
    assert u.nach_buendnis == [] and not u.gesamtsicht and u.nach_programm == []


def test_state_view_is_by_buendnis_and_reconciles_with_modules_and_programme(scenario, abgleich, programm):
    u = budgetuebersicht(scenario.users["land"], jahr=2020)
    assert u.nach_kommune == [] and not u.je_kommune
    buendnisse = {z.bezeichnung: _werte(z) for z in u.nach_buendnis}
    assert buendnisse == {
        "Rhein-Kreis Test": (D("212.33"), D("178.99"), D("112.34"), D("112.33"), D("33.33")),
        "Stadt Anderswo": (D("66.67"), D("66.67"), D("33.34"), D("33.34"), D("0.01")),
    }
    f1 = next(z for z in u.nach_baustein if z.objekt.nummer == Baustein.F1)
    assert _werte(f1) == (D("166.67"), D("133.33"), D("100.01"), D("100.00"), D("33.34"))
    assert (f1.volumen, f1.nicht_verteilt) == (D("300.00"), D("133.33"))
    assert _alle(u.summe_buendnis) == _alle(u.summe_baustein) == _alle(u.summe)
    assert _werte(u.summe) == (D("279.00"), D("245.66"), D("145.68"), D("145.67"), D("33.34"))
    assert u.summe_baustein.volumen == D("550.00")  # the modules' volumes: 300 + 100 + 150

    # All modules against the programme's volume (50 million euros, not the sum of the modules' volumes).
    assert u.gesamtsicht
    [gesamt] = u.nach_programm
    assert gesamt.objekt == programm
    assert _werte(gesamt) == _werte(u.summe)
    assert (gesamt.volumen, gesamt.nicht_verteilt) == (D("50000000.00"), D("49999721.00"))


def test_state_filtered_to_one_buendnis_is_still_not_broken_down_by_kommune(scenario, abgleich):
    u = budgetuebersicht(scenario.users["land"], jahr=2020, buendnis_id=scenario.a.pk)
    assert u.nach_kommune == []
    assert [z.bezeichnung for z in u.nach_buendnis] == ["Rhein-Kreis Test"]
    assert _werte(u.summe) == (D("212.33"), D("178.99"), D("112.34"), D("112.33"), D("33.33"))
    assert not u.gesamtsicht and u.nach_programm == []


@pytest.mark.parametrize(
    ("rolle", "kommune", "erwartet"),
    [
        ("kommune", "Aheim", (D("33.33"), D("0.00"), D("66.66"), D("66.66"), D("33.33"))),
        ("kommune_a2", "Adorf", (D("45.67"), D("12.34"), D("12.35"), D("12.34"), D("0.00"))),
    ],
)
def test_kommune_user_sees_only_its_own_row_and_it_reconciles(scenario, abgleich, rolle, kommune, erwartet):
    u = budgetuebersicht(scenario.users[rolle], jahr=2020)
    assert [z.bezeichnung for z in u.nach_kommune] == [kommune]
    assert _werte(u.nach_kommune[0]) == erwartet
    assert _alle(u.summe_baustein) == _alle(u.summe_kommune)
    assert u.nach_buendnis == []


def test_kommune_of_other_buendnis_sees_nothing_of_a(scenario, abgleich):
    u = budgetuebersicht(scenario.users["kommune_b1"], jahr=2020)
    assert [z.bezeichnung for z in u.nach_kommune] == ["Bheim"]
    assert _werte(u.summe) == (D("0.00"), D("0.00"), D("33.34"), D("33.34"), D("0.01"))


LESEN = {"koordination": 200, "kommune": 200, "auswertung": 200, "land": 200, "admin": 200, "mitglied": 403}


def _tabelle(html: str, ueberschrift: str) -> str:
    """The HTML of the table under a heading of the page."""
    teil = html.split(f">{ueberschrift}</h2>", 1)[1]
    return teil.split("</table>", 1)[0]


def test_budget_page_per_role(role_client, role, abgleich):
    response = role_client.get(reverse("foerderung:uebersicht"), {"jahr": "2020"})
    assert response.status_code == (302 if role == "anonym" else LESEN[role])
    if response.status_code != 200:
        return
    html = response.content.decode()
    if role in ("land", "admin"):
        # By Bündnis, never by Kommune; volumes against the programme.
        assert "Nach Kommune" not in html and "Aheim" not in html
        buendnisse = _tabelle(html, "Nach Bündnis")
        assert "Rhein-Kreis Test" in buendnisse and "Stadt Anderswo" in buendnisse
        assert "212,33 €" in buendnisse and "279,00 €" in buendnisse
        assert "50.000.000,00 €" in _tabelle(html, "Programm")
    elif role == "kommune":
        kommunen = _tabelle(html, "Nach Kommune")
        assert "Aheim" in kommunen and "Adorf" not in kommunen and "kreisweit" not in kommunen
        assert "vom Land bewilligt" not in kommunen  # the Land's notices go to the Kreis, not to a Kommune
    else:
        kommunen = _tabelle(html, "Nach Kommune")
        assert {"Aheim", "Adorf", "kreisweit"} <= set(re.findall(r"Aheim|Adorf|kreisweit", kommunen))
        assert "Stadt Anderswo" not in html and "Nach Bündnis" not in html
        assert "178,99 €" in kommunen  # granted by the Land, in the total row


@pytest.mark.parametrize("rolle", ["koordination", "land", "kommune"])
def test_budget_overview_query_count_is_fixed(scenario, abgleich, rolle, django_assert_max_num_queries):
    user = scenario.users[rolle]
    with django_assert_max_num_queries(9):
        klein = budgetuebersicht(user, jahr=2020)
    f1 = abgleich["f1"]
    for i in range(12):
        buendnis = Buendnis.objects.create(name=f"Kreis {i}", kreisschluessel=f"09{i:03d}")
        BudgetFactory(buendnis=buendnis, baustein=f1, jahr=2020, betrag=D("10.00"))
        ZuwendungsbescheidFactory(buendnis=buendnis, baustein=f1, jahr=2020, betrag=D("10.00"))
        k = Kommune.objects.create(buendnis=scenario.a, name=f"K{i}")
        antrag = FoerderantragFactory(
            buendnis=scenario.a, baustein=f1, kommune=k, bewilligt=True, beantragt=D("1.00")
        )
        MittelabrufFactory(antrag=antrag, betrag=D("0.50"))
    with django_assert_max_num_queries(9):
        gross = budgetuebersicht(user, jahr=2020)
    if rolle == "land":
        assert len(gross.nach_buendnis) == len(klein.nach_buendnis) + 12
    elif rolle == "koordination":
        assert len(gross.nach_kommune) == len(klein.nach_kommune) + 12


def test_budget_page_query_count_is_fixed(scenario, abgleich, django_assert_max_num_queries):
    client = scenario.client("land")
    url = reverse("foerderung:uebersicht")
    client.get(url)
    with django_assert_max_num_queries(20) as klein:
        client.get(url)
    f1 = abgleich["f1"]
    for i in range(12):
        buendnis = Buendnis.objects.create(name=f"Kreis {i}", kreisschluessel=f"09{i:03d}")
        BudgetFactory(buendnis=buendnis, baustein=f1, jahr=2020, betrag=D("10.00"))
    with django_assert_max_num_queries(len(klein)):
        response = client.get(url)
    assert "Kreis 11" in response.content.decode()
