"""Writes of the report app: generating and keeping a report, starting background exports."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from berichte import exporte, selectors
from berichte.models import Bericht, BerichtArt, Exportauftrag
from berichte.registry import registry
from berichte.render_docx import render_docx
from berichte.render_html import render_html
from berichte.render_pdf import render_pdf
from berichte.tasks import exportauftrag_ausfuehren
from buendnis.models import Buendnis
from buendnis.rules import KEIN_RECHT

logger = logging.getLogger(__name__)
DATENPAKET = exporte.DATENPAKET


def dateien_rendern(inhalt: dict) -> dict[str, bytes]:
    """The three formats of one report structure."""
    return {
        "html": render_html(inhalt).encode("utf-8"),
        "pdf": render_pdf(inhalt),
        "docx": render_docx(inhalt),
    }


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
    """Generates the Sachstandsbericht of a Bündnis for a period and keeps it with its HTML, PDF and DOCX files."""
    if not by.has_perm("berichte.add_bericht", buendnis):
        raise PermissionDenied(_("Sie dürfen für dieses Bündnis keine Berichte erzeugen."))
    if von and bis and von > bis:
        raise ValidationError({"zeitraum_bis": _("Das Ende des Berichtszeitraums liegt vor seinem Beginn.")})
    bekannte = {a.key for a in selectors.verfuegbare_abschnitte()}
    if abschnitte is not None:
        unbekannt = [a for a in abschnitte if a not in bekannte]
        if unbekannt:
            raise ValidationError(_("Unbekannte Abschnitte: %(a)s") % {"a": ", ".join(unbekannt)})
        if not abschnitte:
            raise ValidationError(_("Bitte wählen Sie mindestens einen Abschnitt aus."))
    kontext = selectors.Kontext(buendnis=buendnis, von=von, bis=bis, user=by)
    inhalt = selectors.sachstandsbericht_inhalt(kontext, abschnitte=abschnitte, einleitung=einleitung)
    titel = (titel or "").strip()
    if titel:
        # The chosen title heads the document and its files, not only the list of reports.
        inhalt["titel"] = titel
    bericht = Bericht(
        buendnis=buendnis,
        art=BerichtArt.SACHSTANDSBERICHT,
        titel=inhalt["titel"],
        zeitraum_von=von,
        zeitraum_bis=bis,
        abschnitte=[a["key"] for a in inhalt["abschnitte"]],
        einleitung=einleitung,
        erstellt_von=by,
    )
    bericht.full_clean(exclude=["inhalt", "datei_html", "datei_pdf", "datei_docx"])
    dateien = dateien_rendern(inhalt)
    bericht.inhalt = inhalt
    bericht.save()
    _dateien_speichern(
        bericht, dateien, f"sachstandsbericht-{slugify(buendnis.name)}-{von:%Y%m%d}-{bis:%Y%m%d}"
    )
    return bericht


def _dateien_speichern(bericht: Bericht, dateien: dict[str, bytes], stamm: str) -> None:
    for fmt, inhalt in dateien.items():
        bericht.datei(fmt).save(f"{stamm}.{fmt}", ContentFile(inhalt), save=False)
    bericht.save(update_fields=["datei_html", "datei_pdf", "datei_docx"])


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
