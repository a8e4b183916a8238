"""Thin generic views and forms every app's staff pages build on.

Which rows: `get_queryset()` starts from `Model.objects.visible_to(user)`, so out of scope is a 404.
May this user: `permission_required` is checked with `user.has_perm(perm, obj)` (rules), 403 when refused.
A button that changes a row (a workflow step, a check, a small form on a detail page) is an `ActionView`.
"""

from __future__ import annotations

import functools
import hashlib

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView, View
from django_filters.views import FilterView
from rules.contrib.views import PermissionRequiredMixin

from buendnis import registry
from buendnis.rules import KEIN_RECHT


def scope_form_querysets(form: forms.BaseForm, user) -> None:
    """Limit every choice of Bündnis-owned rows to what the user may see."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "visible_to"):
            field.queryset = queryset.visible_to(user)


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose related-row choices stay inside the user's Bündnis; renders with crispy."""

    submit_label = _("Speichern")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        scope_form_querysets(self, user)
        self.helper = FormHelper()
        self.helper.add_input(Submit("speichern", self.submit_label))


class ScopedFilterSetMixin:
    """For django-filter FilterSets: `request.user` scopes the related-row choices."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            scope_form_querysets(self.form, request.user)


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    model = None
    raise_exception = False  # anonymous: login redirect; signed in without the right: 403

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(KEIN_RECHT)
        return super().handle_no_permission()

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_object(self, queryset=None):
        # The permission check and the page both need the row: fetch it once.
        if queryset is None and getattr(self, "_object_cache", None) is not None:
            return self._object_cache
        obj = super().get_object(queryset)
        if queryset is None:
            self._object_cache = obj
        return obj

    def get_queryset(self):
        return self.base_queryset()


class GrosseListePaginator(Paginator):
    """A paginator for lists of many rows.

    `zaehlen`: takes the number of rows from `zaehlen(berechnen)` (e.g. the cache) instead of counting them
    itself with `berechnen()`. `seite_nach_pk`: a page of a queryset is read as the rows whose pk is among the
    page's pks (`WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT n OFFSET m)`, same order): PostgreSQL otherwise
    joins the `select_related` tables to every matching row before it sorts and cuts the page (a coordination of
    1,000 offers joined all 27,000 Träger of the country, issue 18); so it joins only the page's rows.
    `seite_merken`: with `seite_nach_pk`, takes the page's pks from `seite_merken(number, berechnen)` (the cache)
    instead of selecting them with the page: to find the first 25 of 13,000 search hits sorted by title, PostgreSQL
    reads and sorts all 13,000; the rows are read by those pks from the filtered list all the same, so a pk that
    no longer matches drops out and none outside it gets in. (Counting and picking the first page in one query,
    `COUNT(*) OVER ()`, was tried: a fifth faster for 13,000 hits, ten times slower for the Land's 500,000 offers
    sorted by title, which the window makes PostgreSQL read and sort in full.)"""

    def __init__(self, *args, zaehlen=None, seite_nach_pk: bool = False, seite_merken=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zaehlen = zaehlen
        self.seite_nach_pk = seite_nach_pk
        self.seite_merken = seite_merken

    @cached_property
    def count(self) -> int:
        berechnen = functools.partial(Paginator.count.func, self)
        return self.zaehlen(berechnen) if self.zaehlen else berechnen()

    def page(self, number):
        # As Paginator.page, but with the page's rows selected by pk.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        liste = self.object_list
        seite = liste[bottom:top]
        if self.seite_nach_pk and isinstance(liste, QuerySet) and top > bottom:
            if self.seite_merken:
                pks = self.seite_merken(number, lambda: list(seite.values_list("pk", flat=True)))
                seite = liste.filter(pk__in=pks)
            else:
                seite = liste.filter(pk__in=seite.values("pk"))
        return self._get_page(seite, number, self)


class ScopedListView(ScopedMixin, FilterView):
    """A paginated, filterable list of the rows the user may see, shaped by `for_list()`.

    `anzahl_gecacht`: the number of rows (the paginator's COUNT over the whole filtered list, which on a large
    scope costs more than the page) comes from the cache of the figures (`registry.dashboard_gecacht`: per data
    stamp, role, Bündnis, Kommune, Träger and language), keyed further on the view, the day (filters such as
    "laufend" compare with today) and every query parameter but the page. A committed write renews the stamps,
    so the next request counts again; writes that bypass model signals reach the count after the cache's time
    limit, as on the dashboard. `seite_nach_pk`: see `GrosseListePaginator`; with both, the pks of each page seen
    are kept the same way (per page number), and the page's rows are read by them from the filtered list."""

    paginate_by = 25
    template_name = "includes/generic_list.html"
    columns: list[tuple[str, str]] = []
    create_url_name: str | None = None
    title = ""
    anzahl_gecacht = False
    seite_nach_pk = False

    def get_permission_object(self):
        return None

    def get_queryset(self):
        return self.base_queryset().for_list()

    def anzahl_schluessel(self) -> str:
        """What the number of rows depends on besides the data and the user's scope."""
        werte = sorted((k, v) for k, vs in self.request.GET.lists() if k != self.page_kwarg for v in vs)
        art = type(self)
        teile = (art.__module__, art.__qualname__, timezone.localdate().isoformat(), werte)
        return hashlib.sha256(repr(teile).encode()).hexdigest()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        if not (self.anzahl_gecacht or self.seite_nach_pk):
            return super().get_paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)
        zaehlen = seite_merken = None
        # With the count, the page's pks are cached too (where the cache keeps them; else the page is one query).
        if self.anzahl_gecacht:
            user, schluessel = self.request.user, self.anzahl_schluessel()

            def zaehlen(berechnen):
                return registry.dashboard_gecacht("listenanzahl", user, berechnen, schluessel)

            if self.seite_nach_pk and registry.dashboard_cachebar(user):

                def seite_merken(nummer, berechnen):
                    return registry.dashboard_gecacht("listenseite", user, berechnen, schluessel, str(nummer))

        return GrosseListePaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            zaehlen=zaehlen,
            seite_nach_pk=self.seite_nach_pk,
            seite_merken=seite_merken,
            **kwargs,
        )

    def paginate_queryset(self, queryset, page_size):
        """A page past the end (an old link after rows were removed) shows the last page instead of a 404."""
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            self.kwargs[self.page_kwarg] = "last"
            return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        perm = f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"
        ctx["title"] = self.title or self.model._meta.verbose_name_plural
        ctx["columns"] = self.columns
        ctx["create_url_name"] = self.create_url_name if self.request.user.has_perm(perm) else None
        # Export buttons (berichte registry) for the model of the list, shown when the user may export it.
        ctx["export_app"], ctx["export_model"] = self.model._meta.app_label, self.model._meta.model_name
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        meta = self.model._meta
        ctx["kann_bearbeiten"] = self.request.user.has_perm(
            f"{meta.app_label}.change_{meta.model_name}", self.object
        )
        return ctx


class FormUserMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


def fehler_ins_formular(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal onto the form: each field's messages at the field, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class SavesAtomicallyMixin:
    """Saves the form in one transaction; a model-level refusal shows on the form, nothing half-written."""

    success_message = _("Gespeichert.")

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = self.save(form)
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def save(self, form):
        # The owner (Bündnis) is not a form field, so the form skips constraints that involve it:
        # validate the whole row again before writing.
        obj = form.save(commit=False)
        obj.full_clean()
        obj.save()
        form.save_m2m()
        return obj


class ScopedCreateView(FormUserMixin, SavesAtomicallyMixin, ScopedMixin, CreateView):
    """Creates a row in the user's own Bündnis (`owner_field` is set from the user, never from the form)."""

    template_name = "includes/generic_form.html"
    owner_field = "buendnis"
    success_message = _("Angelegt.")

    def get_permission_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.owner_field == "buendnis" and not request.user.buendnis_id:
            raise PermissionDenied(
                _("Ihr Zugang ist keinem Bündnis zugeordnet. Bitte legen Sie Daten im Admin an.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.owner_field == "buendnis":
            form.instance.buendnis_id = self.request.user.buendnis_id
        return form


class ScopedUpdateView(FormUserMixin, SavesAtomicallyMixin, ScopedMixin, UpdateView):
    template_name = "includes/generic_form.html"

    def get_queryset(self):
        return self.base_queryset()


class ScopedDeleteView(ScopedMixin, DeleteView):
    template_name = "includes/generic_confirm_delete.html"

    def form_valid(self, form):
        messages.success(self.request, _("Gelöscht."))
        return super().form_valid(form)


class ActionView(LoginRequiredMixin, View):
    """One action on one row, by POST: the scoped row (404 out of scope), the permission (403), one service call,
    then back to the row with a German message (the service's refusal, or `success_message`).

    Configure `model`, `permission_required` (one permission or several, all needed), `service` (called as
    `service(<object_name>=row, by=user, **service_kwargs(form))`) and `success_message`; with `form_class` the
    posted form is validated first, and an invalid one comes back as `invalid_message` (or its own errors).
    Override `perform()` where the service needs its arguments shaped. Any other method than POST is a 405.
    """

    http_method_names = ["post"]
    model: type | None = None
    permission_required: str | tuple[str, ...] = ()
    service = None
    object_name = ""
    form_class: type[forms.BaseForm] | None = None
    invalid_message = ""
    success_message = ""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_permission_required(self) -> tuple[str, ...]:
        perms = self.permission_required
        return (perms,) if isinstance(perms, str) else tuple(perms)

    def get_permission_object(self):
        return self.object

    def has_permission(self) -> bool:
        obj = self.get_permission_object()
        return all(self.request.user.has_perm(perm, obj) for perm in self.get_permission_required())

    def get_form_kwargs(self) -> dict:
        return {"data": self.request.POST, "files": self.request.FILES}

    def get_form(self):
        return self.form_class(**self.get_form_kwargs()) if self.form_class else None

    def form_invalid(self, form) -> None:
        """Says what is wrong with the posted form (nothing was changed)."""
        fehler = " ".join(str(m) for errors in form.errors.values() for m in errors)
        messages.error(self.request, self.invalid_message or fehler)

    def service_kwargs(self, form) -> dict:
        return dict(form.cleaned_data) if form is not None else {}

    def perform(self, form):
        """The one service call; returns what the success message may mention."""
        service = getattr(self.service, "__func__", self.service)  # a plain function, also as class attribute
        name = self.object_name or self.model._meta.model_name
        return service(**{name: self.object}, by=self.request.user, **self.service_kwargs(form))

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_checked_object(self):
        """The row (404 when out of scope), once the user is found to hold the permission (else 403)."""
        self.object = self.get_object()
        if not self.has_permission():
            raise PermissionDenied(KEIN_RECHT)
        return self.object

    def post(self, request, *args, **kwargs):
        self.get_checked_object()
        form = self.get_form()
        if form is not None and not form.is_valid():
            self.form_invalid(form)
        else:
            try:
                result = self.perform(form)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, self.get_success_message(result))
        return HttpResponseRedirect(self.get_success_url())
