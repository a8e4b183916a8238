"""Writes of the report app: generating and keeping a report, starting background exports."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berichte import exporte, selectors
from berichte.models import Bericht, BerichtArt, Exportauftrag, ExportStatus
from berichte.registry import registry
from berichte.tasks import bericht_ausfuehren, exportauftrag_ausfuehren
from buendnis.models import Buendnis
from buendnis.rules import KEIN_RECHT

logger = logging.getLogger(__name__)
DATENPAKET = exporte.DATENPAKET


@transaction.atomic
def bericht_erzeugen(
    *,
    buendnis: Buendnis,
    von: datetime.date,
    bis: datetime.date,
    abschnitte: list[str] | None,
    einleitung: str = "",
    titel: str = "",
    by,
) -> Bericht:
    """Orders the Sachstandsbericht of a Bündnis for a period; the task worker puts it together.

    The request checks and records what was asked for (status `wartend`); `berichte.tasks.bericht_ausfuehren`
    gathers the content and renders the HTML, PDF and DOCX files outside the request. Returned is the report as
    it stands after queueing (already finished where tasks run at once, as in the tests).
    """
    if not by.has_perm("berichte.add_bericht", buendnis):
        raise PermissionDenied(_("Sie dürfen für dieses Bündnis keine Berichte erzeugen."))
    if von and bis and von > bis:
        raise ValidationError({"zeitraum_bis": _("Das Ende des Berichtszeitraums liegt vor seinem Beginn.")})
    bekannte = [a.key for a in selectors.verfuegbare_abschnitte()]
    if abschnitte is not None:
        unbekannt = [a for a in abschnitte if a not in bekannte]
        if unbekannt:
            raise ValidationError(_("Unbekannte Abschnitte: %(a)s") % {"a": ", ".join(unbekannt)})
        if not abschnitte:
            raise ValidationError(_("Bitte wählen Sie mindestens einen Abschnitt aus."))
    bericht = Bericht(
        buendnis=buendnis,
        art=BerichtArt.SACHSTANDSBERICHT,
        # The chosen title heads the document and its files, not only the list of reports.
        titel=(titel or "").strip() or selectors.sachstandsbericht_titel(buendnis),
        zeitraum_von=von,
        zeitraum_bis=bis,
        abschnitte=[a for a in bekannte if abschnitte is None or a in abschnitte],
        einleitung=einleitung,
        erstellt_von=by,
        status=ExportStatus.WARTEND,
    )
    bericht.full_clean(exclude=["inhalt", "datei_html", "datei_pdf", "datei_docx"])
    bericht.save()
    # Queued in the same transaction as the report: both are written, or neither.
    bericht_ausfuehren.enqueue(bericht.pk)
    bericht.refresh_from_db()
    return bericht


@transaction.atomic
def bericht_wiederholen(bericht: Bericht, *, by) -> Bericht:
    """Queues a report whose generation failed once more, with what was asked for the first time."""
    if not by.has_perm("berichte.add_bericht", bericht.buendnis):
        raise PermissionDenied(_("Sie dürfen für dieses Bündnis keine Berichte erzeugen."))
    gesperrt = Bericht.objects.select_for_update().get(pk=bericht.pk)
    if gesperrt.status != ExportStatus.FEHLER:
        raise ValidationError(_("Nur ein fehlgeschlagener Bericht kann erneut erzeugt werden."))
    Bericht.objects.filter(pk=bericht.pk).update(
        status=ExportStatus.WARTEND, fehler="", updated_at=timezone.now()
    )
    bericht_ausfuehren.enqueue(bericht.pk)
    bericht.refresh_from_db()
    return bericht


# Background exports -----------------------------------------------------------------------------------------------


@transaction.atomic
def exportauftrag_starten(*, art: str, format: str, buendnis: Buendnis | None, by) -> Exportauftrag:
    """Queues a large export; the task worker produces the file, the progress page polls the job."""
    if not by.has_perm("berichte.export_daten"):
        raise PermissionDenied(KEIN_RECHT)
    if format not in exporte.FORMATE or (art == DATENPAKET and format != "xlsx"):
        raise ValidationError(_("Dieses Format wird nicht unterstützt."))
    if art != DATENPAKET:
        app_label, _sep, model_name = art.partition(".")
        eintrag = registry.get(app_label, model_name)
        if eintrag is None or not eintrag.darf(by):
            raise PermissionDenied(KEIN_RECHT)
    elif buendnis is None:
        raise ValidationError(_("Ein Datenpaket gehört zu genau einem Bündnis."))
    auftrag = Exportauftrag(art=art, format=format, buendnis=buendnis, erstellt_von=by)
    auftrag.full_clean(exclude=["datei"])
    auftrag.save()
    # Enqueued in the same transaction as the job: both are written, or neither. The worker picks the task up
    # after the commit, in its own process, so the export survives the web process that started it.
    exportauftrag_ausfuehren.enqueue(auftrag.pk)
    return auftrag
