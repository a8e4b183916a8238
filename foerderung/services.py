"""Writes of the funding app that carry a rule: the application workflow, drawdowns, distributions.

Every service is keyword-only, atomic, checks the permission and the source state, and refuses with a German
`ValidationError`. Rows whose sums must not be exceeded (application, budget) are locked with
`select_for_update()` before the check, so two concurrent requests cannot both pass it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from buendnis.models import Buendnis, Kommune, User
from buendnis.rules import is_kommune, require_perm
from buendnis.versioning import Changes, bump, check_version, lock
from buendnis.workflow import Transition, TransitionTable

from .models import (
    BEWILLIGTE_STATUS,
    IDEE_UEBERGAENGE,
    AntragStatus,
    Budget,
    Foerderantrag,
    IdeeStatus,
    Kostenposition,
    Mittelabruf,
    MonitoringMeldung,
    Projektidee,
    Statuswechsel,
    Verteilung,
    Verteilungsanteil,
    Verwendungsnachweis,
)
from .models.programm import auf_cent, eur
from .verteilung import verteile

NULL = Decimal("0.00")
A = AntragStatus

# The workflow: from which states an application moves to which, and who may move it.
UEBERGAENGE = TransitionTable(
    [
        Transition((A.ENTWURF,), A.EINGEREICHT, "foerderung.submit_foerderantrag"),
        Transition((A.EINGEREICHT,), A.IN_PRUEFUNG, "foerderung.review_foerderantrag"),
        Transition((A.IN_PRUEFUNG,), A.BEWILLIGT, "foerderung.review_foerderantrag"),
        Transition((A.IN_PRUEFUNG,), A.ABGELEHNT, "foerderung.review_foerderantrag"),
        Transition(
            (A.ENTWURF, A.EINGEREICHT, A.IN_PRUEFUNG), A.ZURUECKGEZOGEN, "foerderung.withdraw_foerderantrag"
        ),
        Transition((A.BEWILLIGT,), A.VN_EINGEREICHT, "foerderung.review_foerderantrag"),
        Transition((A.VN_EINGEREICHT,), A.VN_GEPRUEFT, "foerderung.review_foerderantrag"),
        Transition((A.VN_GEPRUEFT,), A.ABGESCHLOSSEN, "foerderung.review_foerderantrag"),
    ]
)
# Targets with their own service (they need more data than a comment).
EIGENE_SERVICES = {A.BEWILLIGT: "antrag_bewilligen", A.ABGELEHNT: "antrag_ablehnen"}


def _geld(betrag) -> Decimal:
    """A money amount as entered: Decimal with at most whole cents (never silently rounded)."""
    if not isinstance(betrag, Decimal):
        raise TypeError("Geldbeträge müssen Decimal sein.")
    if not betrag.is_finite() or betrag.adjusted() > 11:  # 14 digits, two of them cents
        raise ValidationError({"betrag": _("Der Betrag ist zu groß oder keine Zahl.")})
    if betrag != betrag.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        raise ValidationError(
            {"betrag": _("Beträge dürfen höchstens zwei Nachkommastellen haben (ganze Cent).")}
        )
    return betrag.quantize(Decimal("0.01"))


def erlaubte_uebergaenge(antrag: Foerderantrag, user: User) -> list[str]:
    """The target states this user may move the application to now (for the buttons on the page)."""
    return [t.target for t in UEBERGAENGE.available(antrag, user)]


def _sperren(antrag: Foerderantrag) -> Foerderantrag:
    return lock(antrag, Foerderantrag.objects.select_related("baustein__programm"))


def pruefe_uebergang(antrag: Foerderantrag, nach: str, by: User) -> None:
    """Refuses a move the workflow does not allow from the current state, or this user may not make."""
    transition = UEBERGAENGE.find(antrag.status, nach)
    if transition is None:
        raise ValidationError(
            _("Ein Antrag im Status „%(alt)s“ kann nicht in den Status „%(neu)s“ wechseln.")
            % {"alt": antrag.get_status_display(), "neu": AntragStatus(nach).label}
        )
    require_perm(by, transition.perm, antrag)


def _protokolliere(antrag: Foerderantrag, von: str, nach: str, by: User, kommentar: str) -> None:
    Statuswechsel.objects.create(antrag=antrag, von=von, nach=nach, durch=by, kommentar=kommentar)


def _setze_status(antrag: Foerderantrag, nach: str, by: User, kommentar: str) -> Foerderantrag:
    von = antrag.status
    antrag.status = nach
    bump(antrag)
    antrag.full_clean()
    antrag._history_user = by
    antrag.save()
    _protokolliere(antrag, von, nach, by, kommentar)
    return antrag


# Application data and cost plan --------------------------------------------------------------------------------


@dataclass
class KostenpositionDaten:
    kategorie: str
    bezeichnung: str
    betrag: Decimal | None = None
    einheiten: Decimal | None = None
    einheitssatz: Decimal | None = None


def _veraltet(antrag: Foerderantrag, version: int, changes: Changes) -> str:
    """The refusal of a stale save: who changed which fields since the user's version."""
    teile = [f"{c.label}: „{c.old}“ → „{c.new}“" for c in changes.fields]
    text = _("Der Antrag wurde inzwischen von %(wer)s geändert (Version %(alt)d → %(neu)d).") % {
        "wer": changes.by or _("jemand anderes"),
        "alt": version,
        "neu": antrag.version,
    }
    if teile:
        text += " " + _("Geändert: %(liste)s.") % {"liste": "; ".join(teile)}
    text += " " + _("Bitte laden Sie die Seite neu und übernehmen Sie Ihre Änderungen erneut.")
    return text


@transaction.atomic
def antrag_speichern(
    *,
    antrag: Foerderantrag,
    by: User,
    kostenplan: list[KostenpositionDaten] | None = None,
    weitere_kommunen: list[Kommune] | None = None,
    angebote: list | None = None,
    version: int | None = None,
) -> Foerderantrag:
    """Creates or edits an application and its cost plan; sums are recomputed here, nowhere else.

    `version` is the version the user started editing from (optimistic locking): a stale save is refused with
    a message naming what changed meanwhile.
    """
    neu = antrag.pk is None
    if neu:
        require_perm(by, "foerderung.add_foerderantrag")
        if not by.is_superuser:
            antrag.buendnis_id = by.buendnis_id
        if is_kommune(by):
            antrag.kommune_id = by.kommune_id
        antrag.status = A.ENTWURF
        antrag.version = 1
    else:
        aktuell = _sperren(antrag)
        require_perm(by, "foerderung.change_foerderantrag", aktuell)
        if version is not None:
            check_version(aktuell, version, refusal=lambda changes: _veraltet(aktuell, version, changes))
        if is_kommune(by) and antrag.kommune_id != by.kommune_id:
            raise ValidationError({"kommune": _("Sie können nur Anträge Ihrer eigenen Kommune bearbeiten.")})
        # Workflow fields are never taken from the form.
        for feld in ("status", "bewilligt_betrag", "bescheid_datum", "bescheid_nummer", "buendnis_id"):
            setattr(antrag, feld, getattr(aktuell, feld))
        antrag.version = aktuell.version + 1
    if antrag.kommune_id and antrag.buendnis_id and antrag.kommune.buendnis_id != antrag.buendnis_id:
        raise ValidationError({"kommune": _("Gehört zu einem anderen Bündnis.")})

    positionen = None
    if kostenplan is not None:
        positionen = []
        for daten in kostenplan:
            betrag = daten.betrag
            if betrag is None and daten.einheiten is not None and daten.einheitssatz is not None:
                betrag = auf_cent(daten.einheiten * daten.einheitssatz)
            pos = Kostenposition(
                antrag=antrag,
                kategorie=daten.kategorie,
                bezeichnung=daten.bezeichnung,
                betrag=betrag,
                einheiten=daten.einheiten,
                einheitssatz=daten.einheitssatz,
            )
            pos.full_clean(exclude=["antrag"])
            positionen.append(pos)
        antrag.gesamtkosten = sum((p.betrag for p in positionen), NULL)
    elif neu:
        antrag.gesamtkosten = NULL
    antrag.beantragt = antrag.gesamtkosten - antrag.eigenanteil - antrag.drittmittel
    hoechst = antrag.baustein.hoechstbetrag if antrag.baustein_id else None
    if hoechst is not None and antrag.beantragt > hoechst:
        raise ValidationError(
            _("Die beantragte Förderung übersteigt den Höchstbetrag des Förderbausteins (%(h)s).")
            % {"h": eur(hoechst)}
        )
    antrag.full_clean()
    antrag._history_user = by
    antrag.save()
    if positionen is not None:
        antrag.kostenpositionen.all().delete()
        for pos in positionen:
            pos.antrag = antrag
            pos.save()
    if weitere_kommunen is not None:
        fremde = [k for k in weitere_kommunen if k.buendnis_id != antrag.buendnis_id]
        if fremde:
            raise ValidationError({"weitere_kommunen": _("Gehört zu einem anderen Bündnis.")})
        antrag.weitere_kommunen.set(weitere_kommunen)
    if angebote is not None:
        if any(a.buendnis_id != antrag.buendnis_id for a in angebote):
            raise ValidationError({"angebote": _("Verknüpfte Angebote müssen zum selben Bündnis gehören.")})
        antrag.angebote.set(angebote)
    if neu:
        _protokolliere(antrag, "", A.ENTWURF, by, _("Antrag angelegt"))
    return antrag


# Workflow ------------------------------------------------------------------------------------------------------


@transaction.atomic
def antrag_statuswechsel(*, antrag: Foerderantrag, nach: str, by: User, kommentar: str = "") -> Foerderantrag:
    """Moves an application along the workflow (submit, start review, withdraw, review proof, close)."""
    if nach in EIGENE_SERVICES:
        raise ValidationError(_("Für diesen Schritt sind weitere Angaben nötig."))
    if nach == A.VN_EINGEREICHT:
        raise ValidationError(_("Bitte erfassen Sie den Verwendungsnachweis."))
    antrag = _sperren(antrag)
    pruefe_uebergang(antrag, nach, by)
    if nach == A.EINGEREICHT:
        if antrag.beantragt <= 0 or not antrag.kostenpositionen.exists():
            raise ValidationError(
                _("Ein Antrag ohne Kostenplan und ohne beantragte Förderung kann nicht eingereicht werden.")
            )
        antrag.eingereicht_am = timezone.localdate()
    if nach == A.VN_GEPRUEFT:
        vn = Verwendungsnachweis.objects.get(antrag=antrag)
        vn.geprueft_am = timezone.localdate()
        if kommentar:
            vn.pruefvermerk = kommentar
        vn.full_clean()
        vn.save()
    return _setze_status(antrag, nach, by, kommentar)


def genehmigt_im_budget(
    buendnis_id: int, baustein_id: int, jahr: int, ohne_antrag: int | None = None
) -> Decimal:
    qs = Foerderantrag.objects.filter(
        buendnis_id=buendnis_id, baustein_id=baustein_id, haushaltsjahr=jahr, status__in=BEWILLIGTE_STATUS
    )
    if ohne_antrag:
        qs = qs.exclude(pk=ohne_antrag)
    return qs.aggregate(s=Sum("bewilligt_betrag"))["s"] or NULL


@transaction.atomic
def antrag_bewilligen(
    *,
    antrag: Foerderantrag,
    betrag: Decimal,
    bescheid_datum: datetime.date,
    bescheid_nummer: str,
    by: User,
    kommentar: str = "",
    ueberschreitung_begruendung: str = "",
) -> Foerderantrag:
    """Approval (Bewilligung) with the Bescheid: at most the requested sum and, unless the coordination
    overrides it with a reason, within what remains of the Bündnis budget for the module and year."""
    betrag = _geld(betrag)
    antrag = _sperren(antrag)
    pruefe_uebergang(antrag, A.BEWILLIGT, by)
    if betrag <= 0:
        raise ValidationError({"betrag": _("Die Bewilligung muss größer als 0 EUR sein.")})
    if betrag > antrag.beantragt:
        raise ValidationError(
            {
                "betrag": _("Die Bewilligung (%(b)s) übersteigt die beantragte Förderung (%(a)s).")
                % {"b": eur(betrag), "a": eur(antrag.beantragt)}
            }
        )
    if not bescheid_nummer.strip():
        raise ValidationError({"bescheid_nummer": _("Bitte geben Sie die Bescheidnummer an.")})
    # The budget row is the lock all approvals of this module and year queue on.
    budget = (
        Budget.objects.select_for_update()
        .filter(buendnis_id=antrag.buendnis_id, baustein_id=antrag.baustein_id, jahr=antrag.haushaltsjahr)
        .first()
    )
    zugewiesen = budget.betrag if budget else NULL
    bisher = genehmigt_im_budget(antrag.buendnis_id, antrag.baustein_id, antrag.haushaltsjahr, antrag.pk)
    if bisher + betrag > zugewiesen:
        if not ueberschreitung_begruendung.strip():
            raise ValidationError(
                _(
                    "Die Bewilligung übersteigt das Budget des Bündnisses für %(baustein)s im Jahr %(jahr)s: "
                    "zugewiesen %(z)s, bereits bewilligt %(b)s, verfügbar %(v)s. "
                    "Eine Überschreitung ist nur mit Begründung möglich."
                )
                % {
                    "baustein": antrag.baustein,
                    "jahr": antrag.haushaltsjahr,
                    "z": eur(zugewiesen),
                    "b": eur(bisher),
                    "v": eur(max(zugewiesen - bisher, NULL)),
                }
            )
        require_perm(by, "foerderung.override_budget", antrag)
        antrag.budget_ueberschreitung_begruendung = ueberschreitung_begruendung.strip()
    antrag.bewilligt_betrag = betrag
    antrag.bescheid_datum = bescheid_datum
    antrag.bescheid_nummer = bescheid_nummer.strip()
    return _setze_status(antrag, A.BEWILLIGT, by, kommentar)


@transaction.atomic
def antrag_ablehnen(*, antrag: Foerderantrag, grund: str, by: User) -> Foerderantrag:
    antrag = _sperren(antrag)
    pruefe_uebergang(antrag, A.ABGELEHNT, by)
    if not grund.strip():
        raise ValidationError({"grund": _("Bitte geben Sie einen Ablehnungsgrund an.")})
    antrag.ablehnungsgrund = grund.strip()
    return _setze_status(antrag, A.ABGELEHNT, by, grund.strip())


@transaction.atomic
def mittelabruf_erfassen(
    *,
    antrag: Foerderantrag,
    betrag: Decimal,
    datum: datetime.date,
    by: User,
    einheiten: Decimal | None = None,
    bemerkung: str = "",
) -> Mittelabruf:
    """Records a drawdown; together with earlier ones it never exceeds the approved sum (checked under lock)."""
    betrag = _geld(betrag)
    antrag = _sperren(antrag)
    require_perm(by, "foerderung.add_mittelabruf", antrag)
    if antrag.status != A.BEWILLIGT:
        raise ValidationError(
            _("Mittel können nur für bewilligte Anträge abgerufen werden (Status: „%(s)s“).")
            % {"s": antrag.get_status_display()}
        )
    if betrag <= 0:
        raise ValidationError({"betrag": _("Der Abruf muss größer als 0 EUR sein.")})
    if antrag.bescheid_datum and datum < antrag.bescheid_datum:
        raise ValidationError(
            {
                "datum": _("Ein Mittelabruf kann nicht vor dem Bescheid vom %(d)s liegen.")
                % {"d": antrag.bescheid_datum.strftime("%d.%m.%Y")}
            }
        )
    bisher = antrag.mittelabrufe.aggregate(s=Sum("betrag"))["s"] or NULL
    rest = antrag.bewilligt_betrag - bisher
    if betrag > rest:
        raise ValidationError(
            {
                "betrag": _("Der Abruf von %(b)s übersteigt die noch verfügbaren bewilligten Mittel (%(r)s).")
                % {"b": eur(betrag), "r": eur(rest)}
            }
        )
    abruf = Mittelabruf(
        antrag=antrag, betrag=betrag, datum=datum, einheiten=einheiten, bemerkung=bemerkung, erfasst_von=by
    )
    abruf.full_clean()
    abruf._history_user = by
    abruf.save()
    return abruf


@transaction.atomic
def verwendungsnachweis_einreichen(
    *,
    antrag: Foerderantrag,
    eingereicht_am: datetime.date,
    sachbericht: str,
    ausgaben_ist: Decimal,
    by: User,
) -> Verwendungsnachweis:
    """Records the proof of use (narrative report and financial statement) and moves the application on."""
    antrag = _sperren(antrag)
    pruefe_uebergang(antrag, A.VN_EINGEREICHT, by)
    vn, _created = Verwendungsnachweis.objects.get_or_create(
        antrag=antrag,
        defaults={
            "eingereicht_am": eingereicht_am,
            "sachbericht": sachbericht,
            "ausgaben_ist": _geld(ausgaben_ist),
        },
    )
    vn.eingereicht_am, vn.sachbericht, vn.ausgaben_ist = eingereicht_am, sachbericht, _geld(ausgaben_ist)
    vn.full_clean()
    vn.save()
    _setze_status(antrag, A.VN_EINGEREICHT, by, "")
    return vn


@transaction.atomic
def monitoring_melden(
    *, antrag: Foerderantrag, jahr: int, quartal: int, by: User, nach_status: dict | None = None, **zahlen
) -> MonitoringMeldung:
    """Records (or corrects) the quarterly aggregate figures of an approved application; `nach_status` maps
    Aufenthaltsstatus to the number of participants with that status (at most everyone taking part)."""
    antrag = _sperren(antrag)  # two reports of the same quarter queue here instead of colliding
    require_perm(by, "foerderung.add_monitoringmeldung", antrag)
    if antrag.status not in BEWILLIGTE_STATUS:
        raise ValidationError(_("Monitoring wird erst für bewilligte Anträge erfasst."))
    meldung = MonitoringMeldung.objects.filter(antrag=antrag, jahr=jahr, quartal=quartal).first()
    meldung = meldung or MonitoringMeldung(antrag=antrag, jahr=jahr, quartal=quartal)
    for feld, wert in zahlen.items():
        setattr(meldung, feld, wert)
    meldung.full_clean()
    meldung.save()
    if nach_status is not None:
        summe = sum(nach_status.values())
        teilnehmende = meldung.aktiv + meldung.vorzeitig_beendet + meldung.abgeschlossen
        if summe > teilnehmende:
            raise ValidationError(
                _(
                    "Nach Aufenthaltsstatus sind %(s)d Teilnehmende gemeldet, im Quartal aber nur %(t)d "
                    "(aktiv, vorzeitig ausgeschieden und erfolgreich beendet)."
                )
                % {"s": summe, "t": teilnehmende}
            )
        _setze_statuszahlen(meldung.nach_status, nach_status)
    _muster_erneuern(antrag_id=antrag.pk)
    return meldung


def _muster_erneuern(**objekt) -> None:
    """After the commit, the worker computes the small-number pattern of the changed figures (selectors)."""
    from .tasks import zahlenmuster_berechnen

    transaction.on_commit(lambda: zahlenmuster_berechnen.enqueue(**objekt))


def _setze_statuszahlen(related_manager, nach_status: dict) -> None:
    related_manager.all().delete()
    for status, anzahl in nach_status.items():
        if anzahl:
            related_manager.create(aufenthaltsstatus=status, anzahl=anzahl)


# Innovationsfonds ----------------------------------------------------------------------------------------------


@transaction.atomic
def idee_status_setzen(
    *, idee: Projektidee, status: str, by: User, antrag: Foerderantrag | None = None
) -> Projektidee:
    require_perm(by, "foerderung.set_status_projektidee", idee)
    idee = Projektidee.objects.select_for_update().get(pk=idee.pk)
    if IDEE_UEBERGAENGE.find(idee.status, status) is None:
        raise ValidationError(
            _("Eine Projektidee im Status „%(alt)s“ kann nicht in den Status „%(neu)s“ wechseln.")
            % {"alt": idee.get_status_display(), "neu": IdeeStatus(status).label}
        )
    idee.status = status
    if antrag is not None:
        idee.antrag = antrag
    idee.full_clean()
    idee.save()
    return idee


# Distribution --------------------------------------------------------------------------------------------------


def verteilung_neu_berechnen(verteilung: Verteilung) -> dict[int, Decimal]:
    """Recomputes the distribution from its stored inputs (Bündnis id -> amount), without saving."""
    anteile = list(verteilung.anteile.order_by("buendnis__kreisschluessel"))
    return verteile(
        verteilung.gesamtbetrag,
        {a.buendnis_id: a.indikatorwert for a in anteile},
        {a.buendnis_id: a.sockel for a in anteile},
    )


@transaction.atomic
def verteilung_speichern(*, verteilung: Verteilung, by: User) -> Verteilung:
    """Saves the settings of a distribution (as edited by the state). A new base amount replaces it for every
    Bündnis that still had the old one (individually imported amounts stay); after a change of the total or
    the base amount the saved result is cleared, so it cannot be taken over before a recomputation."""
    require_perm(by, "foerderung.change_verteilung", verteilung)
    alt = Verteilung.objects.select_for_update().get(pk=verteilung.pk)
    neuer_sockel = alt.sockelbetrag != verteilung.sockelbetrag
    ungueltig = neuer_sockel or alt.gesamtbetrag != verteilung.gesamtbetrag
    if ungueltig:
        verteilung.berechnet_am = None
    verteilung.full_clean()
    verteilung._history_user = by
    verteilung.save()
    if ungueltig:
        # Row by row, so each change stays in the history.
        for anteil in verteilung.anteile.all():
            if neuer_sockel and anteil.sockel == alt.sockelbetrag:
                anteil.sockel = verteilung.sockelbetrag
            anteil.betrag = None
            anteil._history_user = by
            anteil.save(update_fields=["sockel", "betrag"])
    return verteilung


@transaction.atomic
def verteilung_berechnen(*, verteilung: Verteilung, by: User) -> Verteilung:
    """Computes every Bündnis's share from the stored indicator values and base amounts and saves it."""
    require_perm(by, "foerderung.change_verteilung", verteilung)
    verteilung = Verteilung.objects.select_for_update().get(pk=verteilung.pk)
    ergebnis = verteilung_neu_berechnen(verteilung)
    for anteil in verteilung.anteile.all():
        anteil.betrag = ergebnis[anteil.buendnis_id]
        anteil.save(update_fields=["betrag"])
    verteilung.berechnet_am = timezone.now()
    verteilung.save(update_fields=["berechnet_am", "updated_at"])
    return verteilung


@transaction.atomic
def verteilung_indikator_setzen(
    *,
    verteilung: Verteilung,
    buendnis: Buendnis,
    indikatorwert: Decimal,
    by: User,
    sockel: Decimal | None = None,
) -> Verteilungsanteil:
    """Stores one indicator value (input of the key). A new value changes every share, so the whole saved
    result is cleared until recomputed (once: an import of many values clears it at its first row)."""
    require_perm(by, "foerderung.change_verteilung", verteilung)
    verteilung = Verteilung.objects.select_for_update().get(pk=verteilung.pk)
    if verteilung.berechnet_am is not None:
        for alt in verteilung.anteile.exclude(betrag=None):
            alt.betrag = None
            alt._history_user = by
            alt.save(update_fields=["betrag"])
        verteilung.berechnet_am = None
        verteilung._history_user = by
        verteilung.save(update_fields=["berechnet_am", "updated_at"])
    anteil = Verteilungsanteil.objects.filter(verteilung=verteilung, buendnis=buendnis).first()
    anteil = anteil or Verteilungsanteil(verteilung=verteilung, buendnis=buendnis)
    anteil.indikatorwert = indikatorwert
    anteil.sockel = verteilung.sockelbetrag if sockel is None else _geld(sockel)
    anteil.betrag = None
    anteil.full_clean()
    anteil.save()
    return anteil


@transaction.atomic
def verteilung_in_budgets_uebernehmen(*, verteilung: Verteilung, jahr: int, by: User) -> list[Budget]:
    """Allocates the computed shares of a module's distribution as the Bündnis budgets for one year.

    Only a result that still matches its inputs is taken over (a changed total or indicator value needs a
    recomputation first), so the budgets add up exactly to the distributed total. All or nothing: if one
    Bündnis's budget cannot take its new amount, no budget changes."""
    require_perm(by, "foerderung.add_budget")
    verteilung = Verteilung.objects.select_for_update().get(pk=verteilung.pk)
    if verteilung.baustein_id is None:
        raise ValidationError(
            _("Nur die Verteilung eines Förderbausteins kann als Budget übernommen werden.")
        )
    anteile = list(verteilung.anteile.select_related("buendnis"))
    if not anteile or any(a.betrag is None for a in anteile):
        raise ValidationError(_("Die Verteilung ist noch nicht berechnet."))
    neu = verteilung_neu_berechnen(verteilung)
    if any(neu[a.buendnis_id] != a.betrag for a in anteile):
        raise ValidationError(
            _(
                "Das gespeicherte Ergebnis passt nicht mehr zu den Eingaben der Verteilung (Betrag, Sockel oder "
                "Indikatorwerte wurden geändert). Bitte berechnen Sie die Verteilung neu, bevor Sie sie "
                "übernehmen."
            )
        )
    vorhanden = {
        b.buendnis_id: b
        for b in Budget.objects.select_for_update().filter(baustein_id=verteilung.baustein_id, jahr=jahr)
    }
    budgets, fehler = [], []
    for anteil in anteile:
        budget = vorhanden.get(anteil.buendnis_id) or Budget(
            buendnis=anteil.buendnis, baustein_id=verteilung.baustein_id, jahr=jahr
        )
        budget.betrag, budget.verteilung = anteil.betrag, verteilung
        try:
            budget.full_clean()
        except ValidationError as exc:
            fehler.extend(exc.messages)
        budgets.append(budget)
    if fehler:
        raise ValidationError(fehler)
    for budget in budgets:
        budget._history_user = by
        budget.save()
    return budgets


# Teilhabemanagement --------------------------------------------------------------------------------------------


@transaction.atomic
def fallzahl_melden(
    *,
    stelle,
    jahr: int,
    quartal: int,
    beratene_personen: int,
    neue_faelle: int,
    by: User,
    nach_status: dict | None = None,
):
    """Records (or corrects) the quarterly caseload of a Teilhabemanagement position."""
    from .models import TeilhabeFallzahl, TeilhabeStelle

    require_perm(by, "foerderung.add_teilhabefallzahl", stelle)
    # One report per quarter at a time: two at once queue on the position instead of colliding.
    TeilhabeStelle.objects.select_for_update().filter(pk=stelle.pk).first()
    fallzahl = TeilhabeFallzahl.objects.filter(stelle=stelle, jahr=jahr, quartal=quartal).first()
    fallzahl = fallzahl or TeilhabeFallzahl(stelle=stelle, jahr=jahr, quartal=quartal)
    fallzahl.beratene_personen = beratene_personen
    fallzahl.neue_faelle = neue_faelle
    fallzahl.full_clean()
    fallzahl.save()
    if nach_status is not None:
        if sum(nach_status.values()) > beratene_personen:
            raise ValidationError(
                _("Nach Aufenthaltsstatus sind mehr Personen gemeldet als insgesamt beraten wurden.")
            )
        _setze_statuszahlen(fallzahl.nach_status, nach_status)
    _muster_erneuern(stelle_id=stelle.pk)
    return fallzahl
