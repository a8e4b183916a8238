"""Tasks of the report app, run by the worker (`manage.py db_worker`) outside the request."""

from __future__ import annotations

import datetime
import functools
import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from berichte import exporte, landsicht, selectors, steuerung
from berichte.models import Bericht, Exportauftrag, ExportStatus
from berichte.registry import registry
from berichte.render_docx import render_docx
from berichte.render_html import render_html
from berichte.render_pdf import render_pdf

logger = logging.getLogger(__name__)


@task()
def exportauftrag_ausfuehren(auftrag_id: int) -> None:
    """Produces the file of a queued export (`Exportauftrag`) and records its progress for the waiting person.

    A failure ends in status `fehler` with a German message on the job, and is raised again, so the worker's
    task result shows the traceback too.
    """
    auftrag = Exportauftrag.objects.select_related("erstellt_von", "buendnis").get(pk=auftrag_id)
    user = auftrag.erstellt_von
    Exportauftrag.objects.filter(pk=auftrag.pk).update(status=ExportStatus.LAEUFT, updated_at=timezone.now())
    try:
        if auftrag.art == exporte.DATENPAKET:
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
            name = f"{model_name}-{timezone.localdate():%Y%m%d}.{exporte.dateiformat(auftrag.format)[0]}"

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
            dateiformat, trennzeichen = exporte.dateiformat(auftrag.format)
            if dateiformat == "csv":
                stream = functools.partial(exporte.csv_stream, trennzeichen=trennzeichen)
            else:
                stream = exporte.json_stream
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
        raise


def dateien_rendern(inhalt: dict) -> dict[str, bytes]:
    """The three formats of one report structure."""
    return {
        "html": render_html(inhalt).encode("utf-8"),
        "pdf": render_pdf(inhalt),
        "docx": render_docx(inhalt),
    }


@task()
def bericht_ausfuehren(bericht_id: int) -> None:
    """Puts together a queued Sachstandsbericht: its content, as the person who ordered it may see it, and files.

    The content is gathered here, not in the request, so that the figures and the files are of one moment. A
    failure ends in status `fehler` with a German message on the report (the person can start it again) and is
    raised again for the worker's task result.
    """
    bericht = Bericht.objects.select_related("buendnis", "erstellt_von").get(pk=bericht_id)
    if bericht.status not in (ExportStatus.WARTEND, ExportStatus.LAEUFT):
        return  # finished or given up meanwhile; a second delivery of the task changes nothing
    Bericht.objects.filter(pk=bericht.pk).update(status=ExportStatus.LAEUFT, updated_at=timezone.now())
    try:
        kontext = selectors.Kontext(
            buendnis=bericht.buendnis,
            von=bericht.zeitraum_von,
            bis=bericht.zeitraum_bis,
            user=bericht.erstellt_von,
        )
        inhalt = selectors.sachstandsbericht_inhalt(
            kontext, abschnitte=bericht.abschnitte, einleitung=bericht.einleitung
        )
        inhalt["titel"] = bericht.titel
        stamm = f"sachstandsbericht-{slugify(bericht.buendnis.name)}-{bericht.zeitraum_von:%Y%m%d}-{bericht.zeitraum_bis:%Y%m%d}"
        for fmt, daten in dateien_rendern(inhalt).items():
            bericht.datei(fmt).save(f"{stamm}.{fmt}", ContentFile(daten), save=False)
        bericht.inhalt = inhalt
        bericht.abschnitte = [a["key"] for a in inhalt["abschnitte"]]
        bericht.status = ExportStatus.FERTIG
        bericht.fehler = ""
        bericht.fertig_am = timezone.now()
        bericht.save(
            update_fields=[
                "inhalt",
                "abschnitte",
                "datei_html",
                "datei_pdf",
                "datei_docx",
                "status",
                "fehler",
                "fertig_am",
                "updated_at",
            ]
        )
    except Exception as exc:  # noqa: BLE001 - the report records any failure for the person waiting
        logger.exception("Report %s failed", bericht_id)
        Bericht.objects.filter(pk=bericht.pk).update(
            status=ExportStatus.FEHLER,
            fehler=_("Der Bericht konnte nicht erzeugt werden (%(art)s). Bitte versuchen Sie es erneut.")
            % {"art": type(exc).__name__},
            updated_at=timezone.now(),
        )
        raise


# Quarterly values of the targets' computed indicators --------------------------------------------------------------

# The daily check looks for missing values of the last quarter end on this many days after it (a worker that was
# down over the turn of the quarter still catches up); older quarters are kept by `quartalswerte_nachtragen`.
QUARTAL_NACHHOLEN_TAGE = 14


@task()
def quartalswerte_task(stichtag: str) -> int:
    """Keeps the computed values of the agreed targets' indicators at the quarter end `stichtag` (ISO date).
    Idempotent: values kept once stay, a second run adds nothing."""
    from berichte import services  # services queue this module's tasks: imported when the task runs

    return services.quartalswerte_sichern(stichtag=datetime.date.fromisoformat(stichtag))


@task()
def quartalswerte_nachtragen_task(zielsetzung_id: int) -> int:
    """Keeps the values of the quarters of a target's period that have passed (queued when the Land agrees it)."""
    from berichte import services

    return sum(services.quartalswerte_nachtragen(zielsetzung_ids=[zielsetzung_id]).values())


def quartalswerte_pruefen(heute: datetime.date) -> int:
    """Daily check (`buendnis.registry.register_taegliche_pruefung`): in the first days after a quarter ends,
    queues the task that keeps the computed values of that quarter end, as long as some are missing. Returns the
    number of tasks queued (0 or 1)."""
    ende = steuerung.letztes_quartalsende(heute)
    if (heute - ende).days > QUARTAL_NACHHOLEN_TAGE:
        return 0
    if not steuerung.fehlende_quartalswerte(ende):
        return 0
    quartalswerte_task.enqueue(ende.isoformat())
    return 1


# The Land's view of all Bündnisse ----------------------------------------------------------------------------------


@task()
def landsicht_erneuern(name: str, sprache: str) -> bool:
    """Computes the Land's figures `name` of all Bündnisse ("tabelle" or "vergleich") in the language `sprache`
    and keeps them for the Land's pages, which meanwhile show the figures kept before (`berichte.landsicht`:
    queued by the first request after a write, at most one at a time). Does nothing when they are current already;
    returns whether it computed."""
    return landsicht.erneuern(name, sprache)
