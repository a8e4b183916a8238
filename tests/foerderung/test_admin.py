"""Admin pages open for the roles that manage funding; workflow fields stay read-only there."""

from decimal import Decimal

import pytest
from django.urls import reverse

from foerderung.models import BudgetKommune

from .factories import FoerderantragFactory, TeilhabeStelleFactory, VerteilungFactory

MODELLE = [
    "foerderprogramm",
    "foerderbaustein",
    "verteilung",
    "budget",
    "budgetkommune",
    "foerderantrag",
    "mittelabruf",
    "monitoringmeldung",
    "teilhabestelle",
    "projektidee",
]


@pytest.mark.parametrize("rolle", ["admin", "land", "koordination"])
def test_admin_changelists_open(scenario, f1, budget_a, rolle):
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)
    TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    VerteilungFactory(programm=f1.programm)
    client = scenario.client(rolle)
    for modell in MODELLE:
        response = client.get(reverse(f"admin:foerderung_{modell}_changelist"))
        assert response.status_code == 200, modell


def test_koordination_cannot_edit_programme_in_admin(scenario, programm):
    url = reverse("admin:foerderung_foerderprogramm_change", args=[programm.pk])
    response = scenario.client("koordination").post(url, {"name": "geändert"})
    assert response.status_code in (302, 403)
    programm.refresh_from_db()
    assert programm.name == "Durchstarten in Ausbildung und Arbeit"


def test_antrag_in_admin_is_read_only(scenario, f1):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="Alt")
    url = reverse("admin:foerderung_foerderantrag_change", args=[antrag.pk])
    scenario.client("admin").post(url, {"titel": "Neu"})
    antrag.refresh_from_db()
    assert antrag.titel == "Alt"


def test_koordination_cannot_earmark_kommune_budget_in_admin_any_more(scenario, budget_a):
    """Earmarks are set on the budget's split page now (test_budget_aufteilung); the admin refuses them."""
    client = scenario.client("koordination")
    response = client.post(
        reverse("admin:foerderung_budgetkommune_add"),
        {"budget": budget_a.pk, "kommune": scenario.a1.pk, "betrag": "40000.00"},
    )
    assert response.status_code == 403
    assert not BudgetKommune.objects.exists()
    seite = client.get(reverse("admin:foerderung_budget_change", args=[budget_a.pk]))
    assert seite.status_code == 200  # read: the budget and its (read-only) shares
    assert 'name="_save"' not in seite.content.decode()


def test_superuser_earmark_in_admin_stays_within_the_buendnis_budget(scenario, budget_a):
    """A data repair in the admin still meets the model's sum rule."""
    response = scenario.client("admin").post(
        reverse("admin:foerderung_budgetkommune_add"),
        {"budget": budget_a.pk, "kommune": scenario.a1.pk, "betrag": "100000.01"},
    )
    assert response.status_code == 200
    assert "übersteigen zusammen das Budget" in response.content.decode()
    assert not BudgetKommune.objects.exists()


BUDGET_FORMULAR = {
    "jahr": "2020",
    "betrag": "39999.99",
    "bemerkung": "",
    "kommunen-TOTAL_FORMS": "0",
    "kommunen-INITIAL_FORMS": "0",
}


@pytest.mark.parametrize("role", ["land", "admin"])
def test_budget_cannot_be_cut_below_kommune_earmarks_in_admin(scenario, budget_a, role):
    """The Land corrects budgets on the budget page now (403 here); a superuser's repair meets the same rule."""
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a1, betrag=Decimal("40000.00"))
    url = reverse("admin:foerderung_budget_change", args=[budget_a.pk])
    daten = {**BUDGET_FORMULAR, "buendnis": scenario.a.pk, "baustein": budget_a.baustein_id}
    response = scenario.client(role).post(url, daten)
    if role == "land":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert "bereits 40.000,00 € zugeteilt" in response.content.decode()
    budget_a.refresh_from_db()
    assert budget_a.betrag == Decimal("100000.00")
