"""Writes of the report app: generating and keeping a report, starting background exports, and the targets a
Bündnis agrees with the Land (drafts, the workflow, versions, indicators, values entered and kept per quarter)."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berichte import exporte, selectors, steuerung
from berichte.models import (
    Bericht,
    BerichtArt,
    Exportauftrag,
    ExportStatus,
    Indikator,
    Indikatorwert,
    IndikatorwertArt,
    Zielsetzung,
    ZielsetzungStatus,
)
from berichte.registry import registry
from berichte.tasks import bericht_ausfuehren, exportauftrag_ausfuehren, quartalswerte_nachtragen_task
from buendnis import benachrichtigungen
from buendnis import registry as buendnis_registry
from buendnis.models import BenachrichtigungArt, Buendnis
from buendnis.rules import KEIN_RECHT, require_perm
from buendnis.versioning import lock
from buendnis.workflow import Transition, TransitionTable

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


# Targets agreed with the Land (Zielsetzungen) and their indicators ---------------------------------------------

ZS = ZielsetzungStatus
# The workflow of a target: the coordination puts a draft before the Land, the Land agrees or sends it back.
ZIEL_TRANSITIONS = TransitionTable(
    [
        Transition(
            (ZS.ENTWURF,),
            ZS.VORGELEGT,
            "berichte.vorlegen_zielsetzung",
            action="vorlegen",
            label=gettext_lazy("Dem Land vorlegen"),
        ),
        Transition(
            (ZS.VORGELEGT,),
            ZS.VEREINBART,
            "berichte.vereinbaren_zielsetzung",
            action="vereinbaren",
            label=gettext_lazy("Vereinbaren"),
        ),
        Transition(
            (ZS.VORGELEGT,),
            ZS.ENTWURF,
            "berichte.zurueckgeben_zielsetzung",
            action="zurueckgeben",
            label=gettext_lazy("Mit Kommentar zurückgeben"),
            comment_required=True,
        ),
    ]
)
# An agreed target is changed only through a new version: no step of the row itself, but a new draft from it.
NEUE_FASSUNG = Transition(
    (ZS.VEREINBART,),
    ZS.ENTWURF,
    "berichte.neue_fassung_zielsetzung",
    action="neue-fassung",
    label=gettext_lazy("Neue Fassung anlegen"),
)
# The Land's comment on a return, kept in `Zielsetzung.rueckmeldung`.
KOMMENTAR_MAX = 2000
ZIELSETZUNG_FELDER = ("titel", "beschreibung", "zeitraum_von", "zeitraum_bis")
INDIKATOR_FELDER = (
    "titel",
    "quelle",
    "parameter",
    "einheit",
    "ausgangswert",
    "zielwert",
    "personenzahl",
    "position",
)
# Kinds of notification of the targets' workflow.
ART_ZIELSETZUNG_VORGELEGT = BenachrichtigungArt.ZIELSETZUNG_VORGELEGT
ART_ZIELSETZUNG_ENTSCHIEDEN = BenachrichtigungArt.ZIELSETZUNG_ENTSCHIEDEN


def zielsetzung_aktionen(zielsetzung: Zielsetzung, user) -> list[Transition]:
    """The steps this user may take on this target now (the buttons on its page)."""
    schritte = ZIEL_TRANSITIONS.available(zielsetzung, user)
    if (
        zielsetzung.status in NEUE_FASSUNG.sources
        and user.has_perm(NEUE_FASSUNG.perm, zielsetzung)
        and not Zielsetzung.objects.filter(vorgaenger=zielsetzung).exists()
    ):
        schritte.append(NEUE_FASSUNG)
    return schritte


def _nur_entwurf(zielsetzung: Zielsetzung) -> None:
    if not zielsetzung.bearbeitbar:
        raise ValidationError(
            _(
                "Die Zielsetzung ist %(status)s und wird nicht mehr geändert. Eine vereinbarte Zielsetzung ändern "
                "Sie über eine neue Fassung."
            )
            % {"status": zielsetzung.get_status_display()}
        )


def _zeitraum_pruefen(zielsetzung: Zielsetzung) -> None:
    von, bis = zielsetzung.zeitraum_von, zielsetzung.zeitraum_bis
    if von and bis and von > bis:
        raise ValidationError({"zeitraum_bis": _("Das Ende des Zeitraums liegt vor seinem Beginn.")})


@transaction.atomic
def zielsetzung_anlegen(
    *,
    buendnis: Buendnis,
    titel: str,
    zeitraum_von: datetime.date,
    zeitraum_bis: datetime.date,
    beschreibung: str = "",
    by,
) -> Zielsetzung:
    """Drafts a target of the Bündnis for a period (Fassung 1); its indicators follow."""
    require_perm(by, "berichte.add_zielsetzung", buendnis)
    zielsetzung = Zielsetzung(
        buendnis=buendnis,
        titel=titel,
        beschreibung=beschreibung,
        zeitraum_von=zeitraum_von,
        zeitraum_bis=zeitraum_bis,
        status=ZS.ENTWURF,
    )
    _zeitraum_pruefen(zielsetzung)
    zielsetzung.full_clean()
    zielsetzung._history_user = by
    zielsetzung.save()
    return zielsetzung


@transaction.atomic
def zielsetzung_aendern(*, zielsetzung: Zielsetzung, by, **felder) -> Zielsetzung:
    """Changes title, description or period of a draft."""
    unbekannt = set(felder) - set(ZIELSETZUNG_FELDER)
    if unbekannt:
        raise ValueError(f"not a field of a target's draft: {sorted(unbekannt)}")
    aktuell = lock(zielsetzung)
    require_perm(by, "berichte.change_zielsetzung", aktuell)
    _nur_entwurf(aktuell)
    for feld, wert in felder.items():
        setattr(aktuell, feld, wert)
    _zeitraum_pruefen(aktuell)
    aktuell.full_clean()
    aktuell._history_user = by
    aktuell.save()
    return aktuell


def _benachrichtige_zielsetzung(zielsetzung: Zielsetzung, aktion: str, by, kommentar: str) -> None:
    """Put before the Land: its people agree or send back. Agreed or sent back: the coordination learns it."""
    werte = {
        "t": zielsetzung.titel,
        "b": zielsetzung.buendnis.name,
        "f": zielsetzung.fassung,
        "wer": by.anzeigename(),
    }
    link = zielsetzung.get_absolute_url()
    if aktion == "vorlegen":
        benachrichtigungen.benachrichtigen(
            empfaenger=benachrichtigungen.land_personal(),
            art=ART_ZIELSETZUNG_VORGELEGT,
            titel=_("Zielsetzung zur Vereinbarung vorgelegt: „%(t)s“ (%(b)s)") % werte,
            text=_(
                "%(wer)s hat die Zielsetzung „%(t)s“ (Fassung %(f)s) des Bündnisses %(b)s dem Land vorgelegt. "
                "Bitte vereinbaren Sie sie oder geben Sie sie mit einem Kommentar zurück."
            )
            % werte,
            link=link,
            ausser=by,
        )
    elif aktion == "vereinbaren":
        benachrichtigungen.benachrichtigen(
            empfaenger=benachrichtigungen.koordination(zielsetzung.buendnis_id),
            art=ART_ZIELSETZUNG_ENTSCHIEDEN,
            titel=_("Zielsetzung mit dem Land vereinbart: „%(t)s“") % werte,
            text=_("Das Land (%(wer)s) hat die Zielsetzung „%(t)s“ (Fassung %(f)s) vereinbart.") % werte,
            link=link,
            ausser=by,
        )
    elif aktion == "zurueckgeben":
        benachrichtigungen.benachrichtigen(
            empfaenger=benachrichtigungen.koordination(zielsetzung.buendnis_id),
            art=ART_ZIELSETZUNG_ENTSCHIEDEN,
            titel=_("Zielsetzung vom Land zurückgegeben: „%(t)s“") % werte,
            text=_(
                "Das Land (%(wer)s) hat die Zielsetzung „%(t)s“ (Fassung %(f)s) zur Überarbeitung "
                "zurückgegeben.\n\nKommentar: %(kommentar)s"
            )
            % {**werte, "kommentar": kommentar},
            link=link,
            ausser=by,
        )


@transaction.atomic
def zielsetzung_transition(*, zielsetzung: Zielsetzung, aktion: str, by, kommentar: str = "") -> Zielsetzung:
    """Takes one step of the targets' workflow (put before the Land, agree, send back with a comment), records it
    in the history and tells the other side. Agreeing a new version retires the version it replaces."""
    transition = ZIEL_TRANSITIONS.get(aktion)
    if transition is None:
        raise ValidationError(_("Unbekannte Aktion „%(aktion)s“.") % {"aktion": aktion})
    aktuell = lock(zielsetzung, Zielsetzung.objects.select_related("buendnis"))
    require_perm(by, transition.perm, aktuell)
    if aktuell.status not in transition.sources:
        raise ValidationError(
            _("„%(aktion)s“ ist im Status „%(status)s“ nicht möglich.")
            % {"aktion": transition.label, "status": aktuell.get_status_display()}
        )
    kommentar = (kommentar or "").strip()
    if transition.comment_required and not kommentar:
        raise ValidationError(_("Bitte begründen Sie die Rückgabe in einem Kommentar."))
    if len(kommentar) > KOMMENTAR_MAX:
        raise ValidationError(
            _("Der Kommentar darf höchstens %(n)d Zeichen lang sein (jetzt: %(m)d).")
            % {"n": KOMMENTAR_MAX, "m": len(kommentar)}
        )
    if aktion == "vorlegen" and not aktuell.indikatoren.exists():
        raise ValidationError(_("Bitte legen Sie vor dem Vorlegen mindestens einen Indikator an."))
    aktuell.status = transition.target
    if aktion == "vereinbaren":
        aktuell.vereinbart_am = timezone.localdate()
        aktuell.vereinbart_von = by
    aktuell.full_clean()
    aktuell._history_user = by
    if aktion == "zurueckgeben":
        aktuell.rueckmeldung = kommentar
    if kommentar:
        aktuell._change_reason = kommentar[:100]
    aktuell.save()
    if aktion == "vereinbaren":
        if aktuell.vorgaenger_id:
            vorige = lock(aktuell.vorgaenger)
            vorige.status = ZS.ABGELOEST
            vorige.full_clean()
            vorige._history_user = by
            vorige._change_reason = _("durch Fassung %(f)d abgelöst") % {"f": aktuell.fassung}
            vorige.save()
        # The quarters of the period that have passed get their computed values, as the sources stood then.
        quartalswerte_nachtragen_task.enqueue(aktuell.pk)
    _benachrichtige_zielsetzung(aktuell, aktion, by, kommentar)
    return aktuell


def zielsetzung_vorlegen(*, zielsetzung: Zielsetzung, by) -> Zielsetzung:
    return zielsetzung_transition(zielsetzung=zielsetzung, aktion="vorlegen", by=by)


def zielsetzung_vereinbaren(*, zielsetzung: Zielsetzung, by) -> Zielsetzung:
    return zielsetzung_transition(zielsetzung=zielsetzung, aktion="vereinbaren", by=by)


def zielsetzung_zurueckgeben(*, zielsetzung: Zielsetzung, kommentar: str, by) -> Zielsetzung:
    return zielsetzung_transition(zielsetzung=zielsetzung, aktion="zurueckgeben", kommentar=kommentar, by=by)


@transaction.atomic
def zielsetzung_neue_fassung(*, zielsetzung: Zielsetzung, by) -> Zielsetzung:
    """Starts the next version of an agreed target: a draft with the same texts, period and indicators (Fassung
    + 1, `vorgaenger` the agreed one). The agreed version counts until the new one is agreed."""
    aktuell = lock(zielsetzung)
    require_perm(by, NEUE_FASSUNG.perm, aktuell)
    if aktuell.status not in NEUE_FASSUNG.sources:
        raise ValidationError(
            _("Eine neue Fassung entsteht nur aus einer vereinbarten Zielsetzung (diese ist %(status)s).")
            % {"status": aktuell.get_status_display()}
        )
    neu = Zielsetzung(
        buendnis_id=aktuell.buendnis_id,
        titel=aktuell.titel,
        beschreibung=aktuell.beschreibung,
        zeitraum_von=aktuell.zeitraum_von,
        zeitraum_bis=aktuell.zeitraum_bis,
        status=ZS.ENTWURF,
        fassung=aktuell.fassung + 1,
        vorgaenger=aktuell,
    )
    # Validates the constraint "one new version per version" with its German message.
    neu.full_clean()
    neu._history_user = by
    neu._change_reason = _("neue Fassung von Fassung %(f)d") % {"f": aktuell.fassung}
    neu.save()
    for ind in aktuell.indikatoren.all():
        kopie = Indikator(zielsetzung=neu, **{feld: getattr(ind, feld) for feld in INDIKATOR_FELDER})
        kopie.full_clean()
        kopie._history_user = by
        kopie.save()
    return neu


def _indikator_pruefen(indikator: Indikator) -> None:
    """The source is "manuell" or a registered one; a parameter is one the source offers; a source that counts
    people makes the indicator a count of people."""
    if indikator.manuell:
        if indikator.parameter:
            raise ValidationError({"parameter": _("Von Hand erfasste Werte haben keine Einschränkung.")})
        return
    quelle = buendnis_registry.indikatorquelle(indikator.quelle)
    if quelle is None:
        raise ValidationError({"quelle": _("Diese Quelle gibt es nicht.")})
    if indikator.parameter:
        erlaubt = [wert for wert, _label in quelle.parameter_auswahl()] if quelle.parameter_auswahl else []
        if indikator.parameter not in erlaubt:
            raise ValidationError(
                {"parameter": _("Diese Einschränkung passt nicht zur Quelle „%(q)s“.") % {"q": quelle.label}}
            )
    if quelle.personen:
        indikator.personenzahl = True


@transaction.atomic
def indikator_anlegen(*, zielsetzung: Zielsetzung, by, **felder) -> Indikator:
    """Adds an indicator to a draft target (at the end, unless a position is given)."""
    unbekannt = set(felder) - set(INDIKATOR_FELDER)
    if unbekannt:
        raise ValueError(f"not a field of an indicator: {sorted(unbekannt)}")
    aktuell = lock(zielsetzung)
    require_perm(by, "berichte.add_indikator", aktuell)
    _nur_entwurf(aktuell)
    if felder.get("position") is None:
        letzte = aktuell.indikatoren.aggregate(m=Max("position"))["m"]
        felder["position"] = 0 if letzte is None else letzte + 1
    indikator = Indikator(zielsetzung=aktuell, **felder)
    _indikator_pruefen(indikator)
    indikator.full_clean()
    indikator._history_user = by
    indikator.save()
    return indikator


@transaction.atomic
def indikator_aendern(*, indikator: Indikator, by, **felder) -> Indikator:
    """Changes an indicator of a draft target."""
    unbekannt = set(felder) - set(INDIKATOR_FELDER)
    if unbekannt:
        raise ValueError(f"not a field of an indicator: {sorted(unbekannt)}")
    aktuell = lock(indikator, Indikator.objects.select_related("zielsetzung"))
    require_perm(by, "berichte.change_indikator", aktuell)
    _nur_entwurf(aktuell.zielsetzung)
    for feld, wert in felder.items():
        setattr(aktuell, feld, wert)
    _indikator_pruefen(aktuell)
    aktuell.full_clean()
    aktuell._history_user = by
    aktuell.save()
    return aktuell


@transaction.atomic
def indikator_loeschen(*, indikator: Indikator, by) -> Zielsetzung:
    """Removes an indicator from a draft target; returns the target."""
    aktuell = lock(indikator, Indikator.objects.select_related("zielsetzung"))
    require_perm(by, "berichte.delete_indikator", aktuell)
    _nur_entwurf(aktuell.zielsetzung)
    zielsetzung = aktuell.zielsetzung
    aktuell._history_user = by
    aktuell.delete()
    return zielsetzung


@transaction.atomic
def indikatorwert_erfassen(
    *, indikator: Indikator, stichtag: datetime.date, wert: Decimal, nachweis: str, by
) -> Indikatorwert:
    """Records the value of a manual indicator of an agreed target on a reference date, with its evidence (one
    value per date)."""
    aktuell = Indikator.objects.select_related("zielsetzung").get(pk=indikator.pk)
    require_perm(by, "berichte.add_indikatorwert", aktuell)
    if not aktuell.manuell:
        raise ValidationError(
            _(
                "Die Werte dieses Indikators berechnet die Software aus ihren Daten. Von Hand erfasst werden nur "
                "Indikatoren mit der Quelle „manuell“."
            )
        )
    zielsetzung = aktuell.zielsetzung
    if zielsetzung.status != ZS.VEREINBART:
        raise ValidationError(
            _("Werte werden für vereinbarte Zielsetzungen erfasst (diese ist %(status)s).")
            % {"status": zielsetzung.get_status_display()}
        )
    if stichtag is not None:
        if stichtag > timezone.localdate():
            raise ValidationError({"stichtag": _("Der Stichtag liegt in der Zukunft.")})
        if not zielsetzung.zeitraum_von <= stichtag <= zielsetzung.zeitraum_bis:
            raise ValidationError(
                {
                    "stichtag": _(
                        "Der Stichtag liegt außerhalb des Zeitraums der Zielsetzung (%(von)s bis %(bis)s)."
                    )
                    % {
                        "von": zielsetzung.zeitraum_von.strftime("%d.%m.%Y"),
                        "bis": zielsetzung.zeitraum_bis.strftime("%d.%m.%Y"),
                    }
                }
            )
    wert_neu = Indikatorwert(
        indikator=aktuell,
        stichtag=stichtag,
        wert=wert,
        art=IndikatorwertArt.ERFASST,
        nachweis=(nachweis or "").strip(),
        erfasst_von=by,
    )
    wert_neu.full_clean()
    wert_neu.save()
    return wert_neu


# Quarterly values of computed indicators --------------------------------------------------------------------------


@transaction.atomic
def quartalswerte_sichern(*, stichtag: datetime.date, zielsetzung_ids: list[int] | None = None) -> int:
    """Keeps the value of every computed indicator of every agreed target whose period covers the quarter ending
    on `stichtag`, as the sources compute it for that day (`Indikatorwert`, art "berechnet"). Idempotent: a
    value kept once stays; returns the number of values kept now. Run by the task worker, no person's action."""
    indikatoren = steuerung.zu_sichern(stichtag)
    if zielsetzung_ids is not None:
        indikatoren = indikatoren.filter(zielsetzung_id__in=zielsetzung_ids)
    offen = list(indikatoren.exclude(werte__stichtag=stichtag))
    if not offen:
        return 0
    werte = steuerung.berechnete_werte(offen, stichtag)
    neu = [
        Indikatorwert(indikator=ind, stichtag=stichtag, wert=werte[ind.pk], art=IndikatorwertArt.BERECHNET)
        for ind in offen
        if werte.get(ind.pk) is not None
    ]
    # A second run at the same moment (two deliveries of the task) may have kept some meanwhile.
    Indikatorwert.objects.bulk_create(neu, ignore_conflicts=True)
    return len(neu)


def quartalswerte_nachtragen(
    *, heute: datetime.date | None = None, zielsetzung_ids: list[int] | None = None
) -> dict[datetime.date, int]:
    """Keeps the missing values of every quarter end that has passed (before `heute`) within the periods of the
    agreed targets (all, or the given ones): for a target agreed late, after a pause of the worker, or for the
    demo. Returns the number of values kept per quarter end."""
    heute = heute or timezone.localdate()
    ziele = Zielsetzung.objects.filter(status=ZS.VEREINBART)
    if zielsetzung_ids is not None:
        ziele = ziele.filter(pk__in=zielsetzung_ids)
    stichtage: set[datetime.date] = set()
    for von, bis in ziele.values_list("zeitraum_von", "zeitraum_bis"):
        stichtage |= {ende for _label, ende in steuerung.quartale(von, bis) if ende < heute}
    return {s: quartalswerte_sichern(stichtag=s, zielsetzung_ids=zielsetzung_ids) for s in sorted(stichtage)}
