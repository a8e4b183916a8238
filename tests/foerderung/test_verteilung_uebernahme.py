"""Taking a distribution over as budgets: the Land first sees what would change, and only its confirmation writes."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from foerderung import services
from foerderung.models import Budget, Verteilung

from .factories import BudgetFactory

D = Decimal


@pytest.fixture
def verteilung(scenario, f1):
    """100,000.00 EUR for Baustein F1, split 1 : 3 between Bündnis a and Bündnis b, computed."""
    land = scenario.users["land"]
    verteilung = Verteilung.objects.create(
        programm=f1.programm, baustein=f1, name="F1 2021", gesamtbetrag=D("100000.00"), indikator="Geduldete"
    )
    services.verteilung_indikator_setzen(
        verteilung=verteilung, buendnis=scenario.a, indikatorwert=D(1), by=land
    )
    services.verteilung_indikator_setzen(
        verteilung=verteilung, buendnis=scenario.b, indikatorwert=D(3), by=land
    )
    return services.verteilung_berechnen(verteilung=verteilung, by=land)


def _url(verteilung) -> str:
    return reverse("foerderung:verteilung-uebernehmen", args=[verteilung.pk])


def _bestaetigung(client, verteilung, jahr=2021):
    """The overview page and the values its confirming form sends."""
    antwort = client.get(_url(verteilung), {"jahr": jahr})
    assert antwort.status_code == 200
    html = antwort.content.decode()
    stand = re.search(r'name="stand" value="([0-9a-f]+)"', html).group(1)
    return html, {"jahr": str(jahr), "stand": stand}


def test_overview_names_every_budget_with_old_and_new_amount_and_writes_nothing(scenario, f1, verteilung):
    BudgetFactory(buendnis=scenario.a, baustein=f1, jahr=2021, betrag=D("10000.00"))
    html, _ = _bestaetigung(scenario.client("land"), verteilung)
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\s+", " ", text)
    assert "2 Budgets werden geschrieben" in text
    assert "1 neu, 1 überschrieben, 0 unverändert" in text
    assert "Rhein-Kreis Test 10.000,00 € 25.000,00 € überschrieben" in text
    assert "Stadt Anderswo – 75.000,00 € neu angelegt" in text
    assert "2 Budgets übernehmen" in text
    # Only looking: the existing budget keeps its amount, no other was created.
    assert list(Budget.objects.values_list("buendnis__name", "betrag")) == [
        ("Rhein-Kreis Test", D("10000.00"))
    ]


def test_budgets_exist_only_after_confirming(scenario, f1, verteilung):
    client = scenario.client("land")
    _, daten = _bestaetigung(client, verteilung)
    assert not Budget.objects.exists()
    antwort = client.post(_url(verteilung), daten, follow=True)
    assert "2 Budgets für 2021 übernommen: 2 neu angelegt, 0 überschrieben." in antwort.content.decode()
    assert dict(Budget.objects.filter(jahr=2021).values_list("buendnis__name", "betrag")) == {
        "Rhein-Kreis Test": D("25000.00"),
        "Stadt Anderswo": D("75000.00"),
    }


def test_post_without_confirmation_shows_the_overview_and_writes_nothing(scenario, verteilung):
    client = scenario.client("land")
    antwort = client.post(_url(verteilung), {"jahr": "2021"})
    assert antwort.status_code == 302
    assert antwort["Location"] == f"{_url(verteilung)}?jahr=2021"
    assert not Budget.objects.exists()


def test_budget_changed_after_the_overview_is_not_overwritten_unseen(scenario, f1, verteilung):
    client = scenario.client("land")
    _, daten = _bestaetigung(client, verteilung)
    BudgetFactory(buendnis=scenario.a, baustein=f1, jahr=2021, betrag=D("10000.00"))
    antwort = client.post(_url(verteilung), daten, follow=True)
    html = antwort.content.decode()
    assert "inzwischen geändert; es wurde nichts übernommen" in html
    # Back on the overview, which now shows the budget that would be overwritten.
    assert "1 neu, 1 überschrieben" in html
    assert list(Budget.objects.values_list("buendnis__name", "betrag")) == [
        ("Rhein-Kreis Test", D("10000.00"))
    ]


def test_overview_of_a_stale_distribution_explains_and_writes_nothing(scenario, verteilung):
    Verteilung.objects.filter(pk=verteilung.pk).update(gesamtbetrag=D("200000.00"))
    antwort = scenario.client("land").get(_url(verteilung), {"jahr": "2021"}, follow=True)
    assert antwort.redirect_chain == [(verteilung.get_absolute_url(), 302)]
    assert "Bitte berechnen Sie die Verteilung neu" in antwort.content.decode()
    assert not Budget.objects.exists()


@pytest.mark.parametrize("jahr", ["", "1900", "zwei"])
def test_overview_without_a_valid_year_explains(scenario, verteilung, jahr):
    antwort = scenario.client("land").get(_url(verteilung), {"jahr": jahr}, follow=True)
    assert "Bitte geben Sie ein gültiges Haushaltsjahr an." in antwort.content.decode()


@pytest.mark.parametrize("role", ["anonym", "koordination", "kommune", "mitglied", "auswertung"])
def test_only_the_land_sees_the_overview_or_takes_over(scenario, verteilung, role):
    client = scenario.client(role)
    get = client.get(_url(verteilung), {"jahr": 2021})
    post = client.post(_url(verteilung), {"jahr": "2021", "stand": "0" * 64})
    if role == "anonym":
        assert get.status_code == post.status_code == 302
        assert get["Location"].startswith(reverse("login"))
    else:
        assert get.status_code == post.status_code == 403
    assert not Budget.objects.exists()


def test_distribution_detail_asks_for_the_year_by_get_without_nesting_forms(scenario, verteilung):
    html = scenario.client("land").get(verteilung.get_absolute_url()).content.decode()
    formular = re.search(r'<form[^>]*action="' + re.escape(_url(verteilung)) + r'"[^>]*>', html).group(0)
    assert 'method="get"' in formular
    assert "Als Budgets übernehmen …" in html
