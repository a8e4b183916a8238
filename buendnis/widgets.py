"""Selects of model rows that stay small on every page (issue 18).

A select of all 396 NRW Kommunen cost the Land's catalogue most of its rendering time. `FernAuswahl` renders all
rows only while they are few; with more, only the empty option and the chosen rows, and `data-quelle` names the
JSON endpoint in which static/js/auswahl.js searches the others (Tom Select, keyboard-operable). The field's
queryset stays as it is, so validation still accepts every row the user may see.
"""

from __future__ import annotations

from django import forms
from django.db.models import Case, Value, When, Window
from django.db.models.functions import RowNumber

# Up to this many rows a select lists them all: one Bündnis's Kommunen, and it works without JavaScript.
GRENZE = 60


class FernAuswahlMixin:
    """For `forms.Select`/`SelectMultiple` of a ModelChoiceField. `quelle` is the endpoint's URL (may be lazy);
    `grenze=0` always searches remotely and spares the query that finds out how many rows there are.

    One query, as iterating all rows was: the chosen rows first, then the first `grenze` others; each numbered in
    the list's own order, so that a short list is rendered in that order."""

    def __init__(self, attrs=None, *, quelle, grenze: int = GRENZE):
        super().__init__(attrs)
        self.quelle = quelle
        self.grenze = grenze

    def get_context(self, name, value, attrs):
        alle = self.choices
        if not hasattr(alle, "queryset"):  # not a model choice: nothing to spare
            return super().get_context(name, value, attrs)
        optionen, fern = self._optionen(alle, value)
        if fern:
            attrs = {**(attrs or {}), "data-quelle": str(self.quelle)}
        self.choices = optionen
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = alle

    def _optionen(self, iterator, value) -> tuple[list, bool]:
        """The options to render and whether the select searches remotely."""
        field = iterator.field
        vorne = [("", field.empty_label)] if field.empty_label is not None else []
        if getattr(field, "null_label", None) is not None:  # django-filter's "none" choice
            vorne.append((field.null_value, field.null_label))
        schluessel = field.to_field_name or "pk"
        gewaehlt = sorted({v for v in self.format_value(value) if v and (schluessel != "pk" or v.isdigit())})
        qs = iterator.queryset
        if gewaehlt:
            ordnung = list(qs.query.order_by or qs.model._meta.ordering or ["pk"])
            qs = qs.annotate(
                _nr=Window(RowNumber(), order_by=ordnung),
                _gewaehlt=Case(When(**{f"{schluessel}__in": gewaehlt}, then=Value(0)), default=Value(1)),
            ).order_by("_gewaehlt", "_nr")
        if not self.grenze:
            qs = qs.filter(**{f"{schluessel}__in": gewaehlt}) if gewaehlt else qs.none()
        zeilen = list(qs[: self.grenze + len(gewaehlt) + 1])
        if self.grenze and len(zeilen) <= self.grenze:  # all of them
            if gewaehlt:
                zeilen.sort(key=lambda obj: obj._nr)
            return vorne + [iterator.choice(obj) for obj in zeilen], False
        # Rows not found (not visible, removed) are left out; the form names the error.
        return vorne + [iterator.choice(obj) for obj in zeilen if gewaehlt and obj._gewaehlt == 0], True


class FernAuswahl(FernAuswahlMixin, forms.Select):
    pass


class FernMehrfachAuswahl(FernAuswahlMixin, forms.SelectMultiple):
    pass
