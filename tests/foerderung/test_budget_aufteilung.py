"""Budget pages: the coordination splits its Bündnis's budget among its Kommunen, the Land corrects an
allocation. Both were possible only in the admin before; the admin is read-only for them now (issue 17)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from foerderung import services
from foerderung.models import AntragStatus, BudgetKommune

from .factories import BudgetFactory, FoerderantragFactory

D = Decimal


def anteile_stand(budget):
    return dict(BudgetKommune.objects.filter(budget=budget).values_list("kommune__name", "betrag"))


def aufteilung_daten(budget, scenario, a1="", a2="", stand=None):
    return {
        "stand": services.budget_aufteilung_stand(budget) if stand is None else stand,
        f"kommune_{scenario.a1.pk}": a1,
        f"kommune_{scenario.a2.pk}": a2,
    }


# Aufteilung: role matrix -----------------------------------------------------------------------------------------

AUFTEILUNG_GET = {
    "anonym": 302,
    "koordination": 200,
    "kommune": 403,
    "mitglied": 403,
    "auswertung": 403,
    "land": 403,  # the Land allocates to the Bündnis; the split within the Kreis is the coordination's
    "admin": 200,
}


def test_aufteilung_page_per_role(scenario, role, role_client, budget_a):
    response = role_client.get(reverse("foerderung:budget-aufteilung", args=[budget_a.pk]))
    assert response.status_code == AUFTEILUNG_GET[role]
    if role == "anonym":
        assert "/anmelden/" in response["Location"] or "login" in response["Location"]
    if response.status_code == 200:
        body = response.content.decode()
        assert "Aheim" in body and "Adorf" in body
        assert "Bheim" not in body  # only the Kommunen of the budget's Bündnis


def test_aufteilung_post_per_role_changes_only_for_the_coordination(scenario, role, role_client, budget_a):
    url = reverse("foerderung:budget-aufteilung", args=[budget_a.pk])
    response = role_client.post(url, aufteilung_daten(budget_a, scenario, a1="40000.00"))
    if role in ("koordination", "admin"):
        assert response.status_code == 302
        assert anteile_stand(budget_a) == {"Aheim": D("40000.00")}
    else:
        assert response.status_code == AUFTEILUNG_GET[role]
        assert anteile_stand(budget_a) == {}


def test_koordination_of_other_buendnis_gets_404_for_the_budget(scenario, budget_a):
    client = scenario.client("koordination_b")
    url = reverse("foerderung:budget-aufteilung", args=[budget_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, aufteilung_daten(budget_a, scenario, a1="1.00")).status_code == 404
    assert anteile_stand(budget_a) == {}


# Aufteilung: the sums ----------------------------------------------------------------------------------------------


def test_koordination_splits_budget_and_the_rest_stays_kreisweit(scenario, budget_a):
    client = scenario.client("koordination")
    url = reverse("foerderung:budget-aufteilung", args=[budget_a.pk])
    response = client.post(
        url, aufteilung_daten(budget_a, scenario, a1="40000.00", a2="25000.50"), follow=True
    )
    assert "Aufteilung des Budgets gespeichert." in response.content.decode()
    assert anteile_stand(budget_a) == {"Aheim": D("40000.00"), "Adorf": D("25000.50")}
    seite = client.get(url).content.decode()
    assert "34.999,50" in seite  # kreisweit: 100,000.00 − 65,000.50
    liste = client.get(reverse("foerderung:budget-list")).content.decode()
    assert "65.000,50" in liste and "34.999,50" in liste


def test_kommune_shares_may_not_exceed_the_budget(scenario, budget_a):
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a1, betrag=D("40000.00"))
    client = scenario.client("koordination")
    url = reverse("foerderung:budget-aufteilung", args=[budget_a.pk])
    response = client.post(url, aufteilung_daten(budget_a, scenario, a1="60000.00", a2="40000.01"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "übersteigen das Budget des Bündnisses von 100.000,00 € um 0,01 €" in body
    assert anteile_stand(budget_a) == {"Aheim": D("40000.00")}  # nothing half-written


def test_share_moves_from_one_kommune_to_another_in_one_step(scenario, budget_a):
    """Saved one by one, raising Adorf first would exceed the budget for a moment; the split is one step."""
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a1, betrag=D("90000.00"))
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a2, betrag=D("10000.00"))
    services.budget_aufteilen(
        budget=budget_a,
        anteile={scenario.a2: D("90000.00"), scenario.a1: D("10000.00")},
        by=scenario.users["koordination"],
    )
    assert anteile_stand(budget_a) == {"Aheim": D("10000.00"), "Adorf": D("90000.00")}


def test_empty_or_zero_removes_a_share_with_history(scenario, budget_a):
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a1, betrag=D("40000.00"))
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a2, betrag=D("1000.00"))
    koord = scenario.users["koordination"]
    services.budget_aufteilen(budget=budget_a, anteile={scenario.a1: None, scenario.a2: D("0")}, by=koord)
    assert anteile_stand(budget_a) == {}
    geloescht = BudgetKommune.history.filter(history_type="-")
    assert geloescht.count() == 2
    assert {h.history_user for h in geloescht} == {koord}


def test_split_changed_in_between_is_refused(scenario, budget_a):
    client = scenario.client("koordination")
    url = reverse("foerderung:budget-aufteilung", args=[budget_a.pk])
    gesehen = services.budget_aufteilung_stand(budget_a)
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a2, betrag=D("70000.00"))
    response = client.post(url, aufteilung_daten(budget_a, scenario, a1="50000.00", stand=gesehen))
    assert response.status_code == 200
    assert "inzwischen geändert" in response.content.decode()
    assert anteile_stand(budget_a) == {"Adorf": D("70000.00")}


def test_service_refuses_kommune_of_other_buendnis_and_roles_without_right(scenario, budget_a):
    with pytest.raises(ValidationError, match="gehört nicht zum Bündnis"):
        services.budget_aufteilen(
            budget=budget_a, anteile={scenario.b1: D("1.00")}, by=scenario.users["koordination"]
        )
    for rolle in ("kommune", "land", "koordination_b"):
        with pytest.raises(PermissionDenied):
            services.budget_aufteilen(
                budget=budget_a, anteile={scenario.a1: D("1.00")}, by=scenario.users[rolle]
            )
    assert anteile_stand(budget_a) == {}


def test_aufteilung_shows_what_is_approved_per_kommune(scenario, budget_a):
    FoerderantragFactory(
        buendnis=scenario.a,
        kommune=scenario.a1,
        baustein=budget_a.baustein,
        status=AntragStatus.BEWILLIGT,
        bewilligt_betrag=D("9876.00"),
    )
    body = scenario.client("koordination").get(reverse("foerderung:budget-aufteilung", args=[budget_a.pk]))
    assert "bisher bewilligt: 9.876,00 €" in body.content.decode()


# Budget list ---------------------------------------------------------------------------------------------------

LISTE = {
    "anonym": 302,
    "koordination": 200,
    "kommune": 403,
    "mitglied": 403,
    "auswertung": 403,
    "land": 200,
    "admin": 200,
}


def test_budget_list_per_role(scenario, role, role_client, budget_a):
    BudgetFactory(buendnis=scenario.b, baustein=budget_a.baustein, jahr=2020, betrag=D("7777.00"))
    response = role_client.get(reverse("foerderung:budget-list"))
    assert response.status_code == LISTE[role]
    if response.status_code != 200:
        return
    body = response.content.decode()
    aufteilen = reverse("foerderung:budget-aufteilung", args=[budget_a.pk])
    aendern = reverse("foerderung:budget-update", args=[budget_a.pk])
    assert "100.000,00" in body
    assert ("7.777,00" in body) == (role != "koordination")  # the coordination sees its own Bündnis only
    assert (aufteilen in body) == (role in ("koordination", "admin"))
    assert (aendern in body) == (role in ("land", "admin"))


# Budget correction by the Land ---------------------------------------------------------------------------------

BEARBEITEN = {
    "anonym": 302,
    "koordination": 403,
    "kommune": 403,
    "mitglied": 403,
    "auswertung": 403,
    "land": 302,
    "admin": 302,
}


def test_budget_correction_per_role(scenario, role, role_client, budget_a):
    url = reverse("foerderung:budget-update", args=[budget_a.pk])
    if role in ("land", "admin"):
        assert role_client.get(url).status_code == 200
    response = role_client.post(url, {"betrag": "90000.00", "bemerkung": "Kürzung"})
    assert response.status_code == BEARBEITEN[role]
    budget_a.refresh_from_db()
    erwartet = D("90000.00") if role in ("land", "admin") else D("100000.00")
    assert budget_a.betrag == erwartet
    if role in ("land", "admin"):
        assert budget_a.history.first().history_user == scenario.users[role]


def test_koordination_of_other_buendnis_gets_404_for_budget_correction(scenario, budget_a):
    url = reverse("foerderung:budget-update", args=[budget_a.pk])
    assert scenario.client("koordination_b").post(url, {"betrag": "1.00"}).status_code == 404


def test_land_cannot_cut_budget_below_kommune_shares(scenario, budget_a):
    """Moved here from the admin test: the cut is refused with the reason, nothing changes."""
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a1, betrag=D("40000.00"))
    url = reverse("foerderung:budget-update", args=[budget_a.pk])
    response = scenario.client("land").post(url, {"betrag": "39999.99", "bemerkung": ""})
    assert response.status_code == 200
    assert "bereits 40.000,00 € zugeteilt" in response.content.decode()
    budget_a.refresh_from_db()
    assert budget_a.betrag == D("100000.00")
