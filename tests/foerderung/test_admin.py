"""Admin pages open for the roles that manage funding; workflow fields stay read-only there."""

import pytest
from django.urls import reverse

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


def test_koordination_earmarks_kommune_budget_within_the_buendnis_budget(scenario, budget_a):
    from decimal import Decimal

    from foerderung.models import BudgetKommune

    client = scenario.client("koordination")
    url = reverse("admin:foerderung_budgetkommune_add")
    zu_viel = client.post(url, {"budget": budget_a.pk, "kommune": scenario.a1.pk, "betrag": "100000.01"})
    assert zu_viel.status_code == 200
    assert "übersteigen zusammen das Budget" in zu_viel.content.decode()
    client.post(url, {"budget": budget_a.pk, "kommune": scenario.a1.pk, "betrag": "40000.00"})
    assert BudgetKommune.objects.get().betrag == Decimal("40000.00")
    fremd = scenario.client("koordination_b").post(
        url, {"budget": budget_a.pk, "kommune": scenario.a2.pk, "betrag": "1.00"}
    )
    assert fremd.status_code == 200  # the other Bündnis's budget is not a valid choice
    assert BudgetKommune.objects.count() == 1


def test_land_cannot_cut_budget_below_kommune_earmarks_in_admin(scenario, budget_a):
    from decimal import Decimal

    from foerderung.models import BudgetKommune

    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a1, betrag=Decimal("40000.00"))
    url = reverse("admin:foerderung_budget_change", args=[budget_a.pk])
    response = scenario.client("land").post(
        url,
        {
            "buendnis": scenario.a.pk,
            "baustein": budget_a.baustein_id,
            "jahr": "2020",
            "betrag": "39999.99",
            "bemerkung": "",
            "kommunen-TOTAL_FORMS": "0",
            "kommunen-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "bereits 40.000,00 EUR zugeteilt" in response.content.decode()
    budget_a.refresh_from_db()
    assert budget_a.betrag == Decimal("100000.00")


def test_budget_inline_offers_only_the_own_kommunen(scenario, budget_a):
    """The Kommune earmarks inline on a budget lists the Kommunen of the user's Bündnis only."""
    response = scenario.client("koordination").get(
        reverse("admin:foerderung_budget_change", args=[budget_a.pk])
    )
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset
    kommunen = set(inline.empty_form.fields["kommune"].queryset)
    assert scenario.a1 in kommunen and scenario.a2 in kommunen
    assert scenario.b1 not in kommunen and scenario.b2 not in kommunen
