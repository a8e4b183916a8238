"""The XLSX/CSV template of a Kommune's grid and its import.

The template has one row per cell of the grid (labels for people, a technical key for the machine) and two
control rows: the total of the target group and the version of the Meldung at download time (optimistic locking:
a template filled in while somebody else saved is refused). The import runs through
`buendnis.views_import.ImportFlowView` (dry run, confirmation, all or nothing); `MeldungImport` speaks the
import-export result protocol it expects, reads the counts with `buendnis.cells.parse_int` and writes through
`services.bedarfsmeldung_speichern`, so an import obeys exactly the rules of the entry page.
"""

from __future__ import annotations

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import Error, Result, RowResult

from bedarf import raster as grid
from bedarf import services
from bedarf.models import Bedarfsmeldung, Dimension, Erhebung
from buendnis import cells
from buendnis.io import escape_dataset
from buendnis.models import Kommune

SPALTE_SCHLUESSEL = "Schlüssel"
SPALTE_ANZAHL = "Anzahl"
SPALTEN = ["Bereich", "Merkmal", SPALTE_SCHLUESSEL, SPALTE_ANZAHL]
GESAMT = "gesamt"
VERSION = "version"


def vorlage(erhebung: Erhebung, kommune: Kommune) -> tablib.Dataset:
    """The template, pre-filled with the Kommune's current figures (its own raw figures, for itself only)."""
    meldung = Bedarfsmeldung.objects.filter(erhebung=erhebung, kommune=kommune).first()
    werte = grid.werte_laden(meldung)
    raster = grid.raster_fuer(erhebung, werte)
    daten = tablib.Dataset(headers=SPALTEN, title=_("Meldung")[:31])
    daten.append(
        [
            _("Zielgruppe insgesamt"),
            "",
            GESAMT,
            meldung.gesamt if meldung and meldung.gesamt is not None else "",
        ]
    )
    for key, label in raster.zellen.items():
        daten.append([Dimension(key[0]).label, label, grid.SEP.join(key), werte.get(key, 0)])
    daten.append(
        [
            _("Version (nicht ändern)"),
            _("Stand der Meldung beim Herunterladen"),
            VERSION,
            meldung.version if meldung else 0,
        ]
    )
    return escape_dataset(daten)


class MeldungImport:
    """Imports a filled-in template into one Kommune's Meldung for one open round (see module docstring)."""

    def __init__(self, *, erhebung: Erhebung, kommune: Kommune):
        self.erhebung = erhebung
        self.kommune = kommune

    def import_data(self, dataset: tablib.Dataset, *, dry_run: bool, user, **kwargs) -> Result:
        result = Result()
        result.diff_headers = list(dataset.headers or [])
        fehlende = [s for s in (SPALTE_SCHLUESSEL, SPALTE_ANZAHL) if s not in (dataset.headers or [])]
        if fehlende:
            result.append_base_error(
                Error(
                    ValidationError(
                        _("Es fehlen Pflichtspalten: %(s)s. Bitte verwenden Sie die Vorlage.")
                        % {"s": ", ".join(fehlende)}
                    )
                )
            )
            return result
        raster = grid.raster_fuer(self.erhebung)
        werte: dict = {}
        gesamt = None
        version = None
        gesehen: set = set()
        for nummer, zeile in enumerate(dataset.dict, 1):
            schluessel = str(zeile.get(SPALTE_SCHLUESSEL) or "").strip().lstrip("'")
            fehler = []
            key = tuple(schluessel.split(grid.SEP)) if schluessel not in (GESAMT, VERSION) else schluessel
            if key not in raster.zellen and key not in (GESAMT, VERSION):
                fehler.append(
                    _("Unbekannter Schlüssel „%(s)s“. Bitte verwenden Sie die Vorlage.") % {"s": schluessel}
                )
            elif key in gesehen:
                fehler.append(_("Der Schlüssel „%(s)s“ kommt mehrfach vor.") % {"s": schluessel})
            try:
                # The version is only compared with the stored one: any number is read (and refused there).
                anzahl = cells.parse_int(
                    zeile.get(SPALTE_ANZAHL), maximum=None if key == VERSION else cells.INT_MAX
                )
            except ValueError as exc:
                anzahl = None
                fehler.append(str(exc))
            if anzahl is not None and anzahl > grid.HOECHSTANZAHL and key != VERSION:
                fehler.append(
                    _("%(w)s ist zu groß: höchstens %(max)s Personen je Zeile.")
                    % {"w": anzahl, "max": "999.999"}
                )
            if fehler:
                # Named by the row's label, so the user finds it without counting rows.
                if key == GESAMT:
                    bezeichnung = _("Zielgruppe insgesamt")
                elif key == VERSION:
                    bezeichnung = _("Version (nicht ändern)")
                else:
                    bezeichnung = raster.zellen.get(key, SPALTE_ANZAHL)
                result.append_invalid_row(nummer, zeile, ValidationError({bezeichnung: fehler}))
                continue
            gesehen.add(key)
            # A blank count is 0 (the grid's default), a blank version too (so it cannot skip the check);
            # only the total may stay unknown.
            if key == GESAMT:
                gesamt = anzahl
            elif key == VERSION:
                version = anzahl or 0
            else:
                werte[key] = anzahl or 0
            result.append_row_result(RowResult())
        result.total_rows = dataset.height
        if result.invalid_rows:
            return result
        meldung = Bedarfsmeldung.objects.filter(erhebung=self.erhebung, kommune=self.kommune).first()
        aktuell = meldung.version if meldung else 0
        try:
            with transaction.atomic():
                services.bedarfsmeldung_speichern(
                    erhebung=self.erhebung,
                    kommune=self.kommune,
                    gesamt=gesamt,
                    werte=werte,
                    notizen=meldung.notizen if meldung else "",
                    version=aktuell if version is None else version,
                    abgeben=True,
                    by=user,
                )
                if dry_run:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            for text in exc.messages:
                result.append_base_error(Error(ValidationError(text)))
            return result
        result.totals[RowResult.IMPORT_TYPE_UPDATE if meldung else RowResult.IMPORT_TYPE_NEW] = 1
        return result
