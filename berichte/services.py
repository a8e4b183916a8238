"""Writes of the report app: generating and keeping a report, starting background exports."""

from __future__ import annotations

import datetime
import logging
import threading

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from berichte import exporte, selectors
from berichte.models import Bericht, BerichtArt, Exportauftrag, ExportStatus
from berichte.registry import registry
from berichte.render_docx import render_docx
from berichte.render_html import render_html
from berichte.render_pdf import render_pdf
from buendnis.models import Buendnis

logger = logging.getLogger(__name__)
DATENPAKET = "datenpaket"


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
    """Queues a large export; a thread produces the file after the commit, the progress page polls it."""
    if not by.has_perm("berichte.export_daten"):
        raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))
    if format not in exporte.FORMATE or (art == DATENPAKET and format != "xlsx"):
        raise ValidationError(_("Dieses Format wird nicht unterstützt."))
    if art != DATENPAKET:
        app_label, _sep, model_name = art.partition(".")
        eintrag = registry.get(app_label, model_name)
        if eintrag is None or not eintrag.darf(by):
            raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))
    elif buendnis is None:
        raise ValidationError(_("Ein Datenpaket gehört zu genau einem Bündnis."))
    auftrag = Exportauftrag(art=art, format=format, buendnis=buendnis, erstellt_von=by)
    auftrag.full_clean(exclude=["datei"])
    auftrag.save()
    transaction.on_commit(lambda: _im_hintergrund(auftrag.pk))
    return auftrag


def _im_hintergrund(auftrag_id: int) -> None:
    if getattr(settings, "BERICHTE_EXPORT_THREADS", True):
        threading.Thread(target=_thread, args=(auftrag_id,), daemon=True, name=f"export-{auftrag_id}").start()
    else:
        exportauftrag_ausfuehren(auftrag_id)


def _thread(auftrag_id: int) -> None:
    try:
        exportauftrag_ausfuehren(auftrag_id)
    finally:
        connection.close()


def exportauftrag_ausfuehren(auftrag_id: int) -> None:
    """Produces the file of a queued export and records progress; failures end in status `fehler`."""
    auftrag = Exportauftrag.objects.select_related("erstellt_von", "buendnis").get(pk=auftrag_id)
    user = auftrag.erstellt_von
    Exportauftrag.objects.filter(pk=auftrag.pk).update(status=ExportStatus.LAEUFT, updated_at=timezone.now())
    try:
        if auftrag.art == DATENPAKET:
            gesamt = exporte.datenpaket_anzahl(user, auftrag.buendnis_id)
            blaetter = exporte.datenpaket_blaetter(user, auftrag.buendnis, timezone.localdate())
            name = f"datenpaket-{slugify(auftrag.buendnis.name)}-{timezone.localdate():%Y%m%d}.xlsx"
        else:
            app_label, _sep, model_name = auftrag.art.partition(".")
            eintrag = registry.get(app_label, model_name)
            qs = eintrag.queryset(user)
            if auftrag.buendnis_id and hasattr(qs, "for_buendnis"):
                qs = qs.for_buendnis(auftrag.buendnis_id)
            gesamt = qs.count()
            headers, rows = exporte.zeilen(eintrag, qs, user)
            blaetter = [(eintrag.titel, headers, rows)]
            name = f"{model_name}-{timezone.localdate():%Y%m%d}.{auftrag.format}"

        def fortschritt(n: int) -> None:
            prozent = min(99, int(n * 100 / gesamt)) if gesamt else 99
            # updated_at doubles as the heartbeat that `exporte_aufraeumen` checks.
            Exportauftrag.objects.filter(pk=auftrag.pk).update(
                fortschritt=prozent, zeilen=n, updated_at=timezone.now()
            )

        if auftrag.format == "xlsx":
            datei = exporte.xlsx_datei(blaetter, fortschritt)
            inhalt = datei.read()
            datei.close()
        else:
            titel, headers, rows = next(iter(blaetter))
            stream = exporte.csv_stream if auftrag.format == "csv" else exporte.json_stream
            teile = []
            n = 0

            def gezaehlt(rows_):
                nonlocal n
                for row in rows_:
                    n += 1
                    if n % exporte.CHUNK == 0:
                        fortschritt(n)
                    yield row

            for teil in stream(headers, gezaehlt(rows)):
                teile.append(teil)
            inhalt = "".join(teile).encode("utf-8")
        auftrag.refresh_from_db()
        auftrag.datei.save(name, ContentFile(inhalt), save=False)
        auftrag.status = ExportStatus.FERTIG
        auftrag.fortschritt = 100
        auftrag.zeilen = gesamt
        auftrag.fertig_am = timezone.now()
        auftrag.save(update_fields=["datei", "status", "fortschritt", "zeilen", "fertig_am", "updated_at"])
    except Exception as exc:  # noqa: BLE001 - the job records any failure for the person waiting
        logger.exception("Export %s failed", auftrag_id)
        Exportauftrag.objects.filter(pk=auftrag.pk).update(
            status=ExportStatus.FEHLER,
            fehler=_("Der Export ist fehlgeschlagen (%(art)s). Bitte versuchen Sie es erneut.")
            % {"art": type(exc).__name__},
        )
