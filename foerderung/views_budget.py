"""Pages of the allocated budgets: the Land corrects an allocation, the coordination splits its Bündnis's budget
among its member Kommunen. Thin views; the sums are checked in `foerderung.services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView

from buendnis.generic import ScopedMixin, fehler_ins_formular
from buendnis.models import Kommune

from . import services
from .forms_budget import BudgetAufteilungForm, BudgetForm
from .models import BEWILLIGTE_STATUS, Budget, Foerderantrag

SEITENGROESSE = 50


class BudgetListView(ScopedMixin, ListView):
    """The budgets a user manages: the Land every Bündnis's (to correct one), the coordination its own (to split
    one among its Kommunen), with what is passed to the Kommunen and what stays with the Kreis."""

    model = Budget
    template_name = "foerderung/budget_list.html"
    paginate_by = SEITENGROESSE

    def has_permission(self) -> bool:
        user = self.request.user
        return user.has_perm("foerderung.change_budget") or user.has_perm("foerderung.change_budgetkommune")

    def jahr(self) -> int | None:
        wert = self.request.GET.get("jahr", "")
        return int(wert) if wert.isdigit() else None

    def get_queryset(self):
        qs = (
            Budget.objects.visible_to(self.request.user)
            .for_list()
            .annotate(zugeteilt=Sum("kommunen__betrag"))
            .order_by("-jahr", "buendnis__name", "baustein__nummer", "pk")
        )
        if self.jahr():
            qs = qs.filter(jahr=self.jahr())
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        for budget in ctx["object_list"]:
            budget.kreisweit = budget.betrag - (budget.zugeteilt or 0)
            budget.darf_aufteilen = user.has_perm("foerderung.change_budgetkommune", budget)
            budget.darf_aendern = user.has_perm("foerderung.change_budget", budget)
        ctx["jahr"] = self.jahr()
        ctx["jahre"] = sorted(
            set(Budget.objects.visible_to(user).values_list("jahr", flat=True)), reverse=True
        )
        ctx["mehrere_buendnisse"] = user.sieht_alle_buendnisse
        return ctx


class BudgetMixin(ScopedMixin):
    """The budget of the URL among the rows the user may see (404 otherwise), fetched once; it is also the
    permission object."""

    model = Budget

    def get_budget(self) -> Budget:
        if not hasattr(self, "_budget"):
            self._budget = get_object_or_404(
                Budget.objects.visible_to(self.request.user).for_list(), pk=self.kwargs["pk"]
            )
        return self._budget

    def get_permission_object(self):
        return self.get_budget()

    def get_success_url(self) -> str:
        return f"{reverse('foerderung:budget-list')}?jahr={self.get_budget().jahr}"


class BudgetAufteilungView(BudgetMixin, FormView):
    """The coordination passes parts of its Bündnis's budget to its member Kommunen; the rest stays with the
    Kreis ("kreisweit"). The shares together never exceed the budget."""

    template_name = "foerderung/budget_aufteilung.html"
    form_class = BudgetAufteilungForm
    permission_required = "foerderung.change_budgetkommune"

    def kommunen(self) -> list[Kommune]:
        return list(Kommune.objects.filter(buendnis_id=self.get_budget().buendnis_id).order_by("name", "pk"))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        budget = self.get_budget()
        bewilligt = (
            Foerderantrag.objects.visible_to(self.request.user)
            .filter(
                buendnis_id=budget.buendnis_id,
                baustein_id=budget.baustein_id,
                haushaltsjahr=budget.jahr,
                status__in=BEWILLIGTE_STATUS,
            )
            .exclude(kommune=None)
            .values("kommune_id")
            .annotate(s=Sum("bewilligt_betrag"))
            .order_by()
        )
        kwargs["kommunen"] = self.kommunen()
        kwargs["bewilligt"] = {w["kommune_id"]: w["s"] for w in bewilligt}
        return kwargs

    def get_initial(self):
        budget = self.get_budget()
        initial = {f"kommune_{k}": b for k, b in budget.kommunen.values_list("kommune_id", "betrag")}
        initial["stand"] = services.budget_aufteilung_stand(budget)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        budget = self.get_budget()
        zugeteilt = budget.kommunen.aggregate(s=Sum("betrag"))["s"] or 0
        ctx.update(budget=budget, zugeteilt=zugeteilt, kreisweit=budget.betrag - zugeteilt)
        return ctx

    def form_valid(self, form):
        try:
            services.budget_aufteilen(
                budget=self.get_budget(),
                anteile=form.anteile(),
                stand=form.cleaned_data["stand"],
                by=self.request.user,
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Aufteilung des Budgets gespeichert."))
        return HttpResponseRedirect(self.get_success_url())


class BudgetUpdateView(BudgetMixin, FormView):
    """The Land corrects one allocation (a cut or an increase outside a distribution)."""

    template_name = "includes/generic_form.html"
    form_class = BudgetForm
    permission_required = "foerderung.change_budget"

    def get_initial(self):
        budget = self.get_budget()
        return {"betrag": budget.betrag, "bemerkung": budget.bemerkung}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.get_budget()
        return ctx

    def form_valid(self, form):
        try:
            services.budget_aendern(budget=self.get_budget(), by=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Budget gespeichert."))
        return HttpResponseRedirect(self.get_success_url())


budget_list = BudgetListView.as_view()
budget_aufteilung = BudgetAufteilungView.as_view()
budget_update = BudgetUpdateView.as_view()
