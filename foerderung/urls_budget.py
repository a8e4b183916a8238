"""Budget pages (included into `foerderung.urls`, so the names are `foerderung:budget-…`)."""

from django.urls import path

from . import views_budget

urlpatterns = [
    path("budgets/", views_budget.budget_list, name="budget-list"),
    path("budgets/<int:pk>/aufteilung/", views_budget.budget_aufteilung, name="budget-aufteilung"),
    path("budgets/<int:pk>/bearbeiten/", views_budget.budget_update, name="budget-update"),
]
