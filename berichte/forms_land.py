"""The GET form of the Land's view: filters (Regierungsbezirk, Art, Ampel), the Förderbaustein whose money columns
the table shows, the figure the map is coloured by, and the sort order."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berichte import landsicht


class LandFilterForm(forms.Form):
    regierungsbezirk = forms.ChoiceField(label=_("Regierungsbezirk"), required=False)
    art = forms.ChoiceField(label=_("Kreis oder kreisfreie Stadt"), required=False)
    ampel = forms.ChoiceField(label=_("Ampel"), required=False)
    baustein = forms.ChoiceField(label=_("Förderbaustein (Geldspalten)"), required=False)
    karte = forms.ChoiceField(label=_("Karte färben nach"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    richtung = forms.ChoiceField(
        required=False, choices=[("auf", "auf"), ("ab", "ab")], widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args,
        spalten: list[landsicht.Spalte],
        mit_karte: bool = True,
        sortierbar: set[str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        alle = [("", _("alle"))]
        self.fields["regierungsbezirk"].choices = alle + landsicht.regierungsbezirk_gruppen()
        self.fields["art"].choices = alle + landsicht.art_auswahl()
        self.fields["ampel"].choices = alle + [(v, str(label)) for v, label in landsicht.Ampel.CHOICES]
        bausteine = landsicht.bausteine(spalten)
        self.fields["baustein"].choices = [("", _("alle (Summen)"))] + bausteine
        # The map shows a column of the table below it (its accessible alternative): the columns of the chosen
        # Baustein's money, the totals otherwise.
        baustein = self.data.get("baustein", "")
        if baustein not in dict(bausteine):
            baustein = ""
        self.fields["karte"].choices = landsicht.kartenauswahl(landsicht.sichtbare_spalten(spalten, baustein))
        self.sortierbar = landsicht.sortierbar(spalten) if sortierbar is None else sortierbar
        if not mit_karte:
            del self.fields["karte"]
            del self.fields["baustein"]

    def felder(self) -> list[dict]:
        """The selects as plain data (name, label, options with the chosen one) and the hidden values: written
        out by the template directly, as Django's widget templates cost milliseconds per option list."""
        werte = self.werte()
        felder = []
        for name, feld in self.fields.items():
            if isinstance(feld.widget, forms.HiddenInput):
                continue
            gewaehlt = werte[name] or ("" if name != "karte" else landsicht.AMPEL)
            optionen = [(str(wert), str(label), str(wert) == gewaehlt) for wert, label in feld.choices]
            felder.append({"name": name, "id": f"id_{name}", "label": str(feld.label), "optionen": optionen})
        return felder

    def versteckt(self) -> list[tuple[str, str]]:
        werte = self.werte()
        return [(name, werte[name]) for name in ("sort", "richtung") if werte.get(name)]

    def werte(self) -> dict:
        """The chosen values; an invalid one (a stale link) counts as not chosen."""
        self.is_valid()
        ergebnis = {}
        for name in self.fields:
            wert = self.cleaned_data.get(name) if name not in self.errors else ""
            ergebnis[name] = wert or ""
        if ergebnis["sort"] not in self.sortierbar:
            ergebnis["sort"] = ""
        return ergebnis
