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

from buendnis import benachrichtigungen
from buendnis.models import BenachrichtigungArt, Buendnis, Kommune, User
from buendnis.rules import is_kommune, require_perm
from buendnis.versioning import Changes, bump, check_version, lock
from buendnis.workflow import Transition, TransitionTable

from . import abrechnung, regeln
from .models import (
    BEWILLIGTE_STATUS,
    IDEE_UEBERGAENGE,
    AntragStatus,
    AufrufStatus,
    Budget,
    Entscheider,
    Foerderantrag,
    Foerderaufruf,
    Foerderbaustein,
    IdeeStatus,
    Kostenposition,
    Mittelabruf,
    MonitoringMeldung,
    Projektidee,
    Statuswechsel,
    Verteilung,
    Verteilungsanteil,
    Verwendungsnachweis,
    VerwendungsnachweisPosition,
    Zuwendungsbescheid,
)
from .models.programm import eur
from .models.regel import Foerderregel
from .selectors import MONITORING_FELDER
from .verteilung import verteile
from .zuwendung import aufruf_bewilligt, baustein_entscheider, bewilligt_vom_land, entscheider, weitergeleitet

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


def _protokolliere(
    antrag: Foerderantrag,
    von: str,
    nach: str,
    by: User,
    kommentar: str,
    betrag: Decimal | None = None,
    grundlage: str = "",
) -> None:
    Statuswechsel.objects.create(
        antrag=antrag, von=von, nach=nach, durch=by, kommentar=kommentar, betrag=betrag, grundlage=grundlage
    )


def _setze_status(
    antrag: Foerderantrag,
    nach: str,
    by: User,
    kommentar: str,
    betrag: Decimal | None = None,
    grundlage: str = "",
) -> Foerderantrag:
    von = antrag.status
    antrag.status = nach
    bump(antrag)
    antrag.full_clean()
    antrag._history_user = by
    antrag.save()
    _protokolliere(antrag, von, nach, by, kommentar, betrag=betrag, grundlage=grundlage)
    return antrag


# Application data and cost plan --------------------------------------------------------------------------------


@dataclass
class KostenpositionDaten:
    """One cost line as entered: its kind of cost (`kostenart`, or a `regel` version directly), units for a flat
    rate or the amount for actual costs. `einheitssatz` is only a deviating rate (where the rule allows it, with
    `abweichung_begruendung`); the amount of a flat rate, the quota and the shares are computed, never taken."""

    kategorie: str
    bezeichnung: str
    betrag: Decimal | None = None
    einheiten: Decimal | None = None
    einheitssatz: Decimal | None = None
    kostenart: str | None = None
    regel: Foerderregel | None = None
    abweichung_begruendung: str = ""


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


def _position_fehler(daten: KostenpositionDaten, exc: ValidationError) -> ValidationError:
    """A refusal of one cost line, naming the line (field keys kept for the form and the spreadsheet)."""
    vorsatz = _("Kostenposition „%(p)s“: ") % {"p": daten.bezeichnung}
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {k: [vorsatz + m for m in ValidationError(v).messages] for k, v in exc.error_dict.items()}
        )
    return ValidationError([vorsatz + m for m in exc.messages])


def _kostenplan_berechnen(
    antrag: Foerderantrag, kostenplan: list[KostenpositionDaten]
) -> list[Kostenposition]:
    """Each line computed by the rule version in force at the application's beginning (foerderung.regeln)."""
    if not (antrag.baustein_id and antrag.beginn and antrag.ende) or antrag.ende < antrag.beginn:
        antrag.full_clean()  # the period itself is wrong: say that, not something about rules
        return []
    regeln.baustein_pruefen(antrag.baustein, antrag.beginn, antrag.ende)
    haushaltssicherung = regeln.haushaltssicherung_am(antrag.kommune, antrag.beginn)
    geprueft: set[int] = set()
    positionen = []
    for daten in kostenplan:
        try:
            regel = daten.regel
            if regel is None:
                kostenart = daten.kostenart or regeln.kostenart_fuer(
                    antrag.baustein, antrag.beginn, daten.einheiten
                )
                regel = regeln.regel_fuer(antrag.baustein, kostenart, antrag.beginn, antrag.ende)
            else:
                if regel.baustein_id != antrag.baustein_id:
                    raise ValidationError(
                        _("Die Förderregel „%(r)s“ gehört zu einem anderen Förderbaustein.") % {"r": regel}
                    )
                regeln.baustein_pruefen(antrag.baustein, antrag.beginn, antrag.ende)
                regeln.regel_deckt_pruefen(regel, antrag.beginn, antrag.ende)
            if regel.pk not in geprueft:
                regeln.antragsberechtigung_pruefen(antrag, regel)
                geprueft.add(regel.pk)
            ergebnis = regeln.position_berechnen(
                regel=regel,
                einheiten=daten.einheiten,
                einheitssatz=daten.einheitssatz,
                betrag=daten.betrag,
                abweichung_begruendung=daten.abweichung_begruendung,
                haushaltssicherung=haushaltssicherung,
            )
            pos = Kostenposition(
                antrag=antrag,
                kategorie=daten.kategorie or regeln.KATEGORIE_JE_KOSTENART[regel.kostenart],
                bezeichnung=daten.bezeichnung,
                regel=regel,
                einheiten=ergebnis.einheiten,
                einheitssatz=ergebnis.einheitssatz,
                betrag=ergebnis.betrag,
                foerderquote_prozent=ergebnis.foerderquote_prozent,
                foerderung=ergebnis.foerderung,
                eigenanteil=ergebnis.eigenanteil,
                abweichung_begruendung=daten.abweichung_begruendung if ergebnis.abweichung else "",
            )
            pos.full_clean(exclude=["antrag"])
        except ValidationError as exc:
            raise _position_fehler(daten, exc) from None
        positionen.append(pos)
    return positionen


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
    bestehende = alle = None
    if kostenplan is not None:
        positionen = _kostenplan_berechnen(antrag, kostenplan)
    elif not neu:
        # Data edited without a new cost plan: the stored lines keep their rule version and rate, and are
        # checked and recomputed against the (possibly changed) period and applicant. Lines stored before the
        # rules existed (no rule version) stay as they are until the cost plan is saved again.
        alle = list(antrag.kostenpositionen.select_related("regel__baustein"))
        bestehende = [p for p in alle if p.regel_id is not None]
        berechnet = _kostenplan_berechnen(
            antrag,
            [
                KostenpositionDaten(
                    p.kategorie,
                    p.bezeichnung,
                    betrag=p.betrag,
                    einheiten=p.einheiten,
                    einheitssatz=p.einheitssatz,
                    regel=p.regel,
                    abweichung_begruendung=p.abweichung_begruendung,
                )
                for p in bestehende
            ],
        )
        for alt, pos in zip(bestehende, berechnet, strict=True):
            for feld in ("regel", "einheiten", "einheitssatz", "betrag", "foerderquote_prozent"):
                setattr(alt, feld, getattr(pos, feld))
            alt.foerderung, alt.eigenanteil = pos.foerderung, pos.eigenanteil
    zeilen = positionen if positionen is not None else (alle if bestehende is not None else [])
    # The own share and the requested sum follow from the cost plan and the rules; never from input.
    antrag.gesamtkosten = sum((p.betrag for p in zeilen), NULL)
    antrag.eigenanteil = sum((p.eigenanteil for p in zeilen), NULL)
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
    for pos in bestehende or []:
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


# What a new rule version may change; the Baustein and the kind of cost stay (another kind is another rule).
REGEL_AENDERBAR = (
    "bezeichnung",
    "satz",
    "foerderquote_prozent",
    "foerderquote_haushaltssicherung_prozent",
    "abweichung_erlaubt",
    "antragsberechtigt",
    "entscheidet",
    "alter_von",
    "alter_bis",
    "gueltig_bis",
    "grundlage",
)


@transaction.atomic
def regel_neue_version(
    *, regel: Foerderregel, gueltig_ab: datetime.date, by: User, **aenderungen
) -> Foerderregel:
    """A change of a Förderregel by the Land, as a new version from `gueltig_ab`: the current version ends the
    day before. Never backwards: the new version starts after the current one began and within it. Cost lines
    already computed keep their rule version and rate."""
    require_perm(by, "foerderung.change_foerderregel", regel)
    alt = lock(regel, Foerderregel.objects.select_related("baustein"))
    unbekannt = set(aenderungen) - {*REGEL_AENDERBAR, "zugelassene_status"}
    if unbekannt:
        raise ValidationError(
            _("Diese Angaben können mit einer neuen Version nicht geändert werden: %(f)s.")
            % {"f": ", ".join(sorted(unbekannt))}
        )
    if gueltig_ab <= alt.gueltig_ab:
        raise ValidationError(
            {
                "gueltig_ab": _(
                    "Eine neue Version gilt nie rückwirkend: Sie muss nach dem Beginn der bisherigen Version "
                    "(%(von)s) beginnen."
                )
                % {"von": alt.gueltig_ab.strftime("%d.%m.%Y")}
            }
        )
    if alt.gueltig_bis is not None and gueltig_ab > alt.gueltig_bis:
        raise ValidationError(
            {
                "gueltig_ab": _(
                    "Die bisherige Version endet am %(bis)s; eine neue Version beginnt spätestens an diesem Tag."
                )
                % {"bis": alt.gueltig_bis.strftime("%d.%m.%Y")}
            }
        )
    status = aenderungen.pop("zugelassene_status", None)
    neu = Foerderregel(
        baustein=alt.baustein,
        kostenart=alt.kostenart,
        gueltig_ab=gueltig_ab,
        **{feld: getattr(alt, feld) for feld in REGEL_AENDERBAR},
    )
    for feld, wert in aenderungen.items():
        setattr(neu, feld, wert)
    alt.gueltig_bis = gueltig_ab - datetime.timedelta(days=1)
    alt.full_clean()
    alt._history_user = by
    alt.save()
    neu.full_clean()
    neu._history_user = by
    neu.save()
    neu.zugelassene_status.set(alt.zugelassene_status.all() if status is None else status)
    return neu


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
        regeln.antrag_pruefen(antrag)  # the rules may have changed since the draft was saved
        pruefe_f5_einreichung(antrag)
        antrag.eingereicht_am = timezone.localdate()
    if nach == A.VN_GEPRUEFT:
        vn = Verwendungsnachweis.objects.select_for_update().get(antrag=antrag)
        vn.geprueft_am = timezone.localdate()
        if kommentar:
            vn.pruefvermerk = kommentar
        # The review confirms the reconciliation: a repayment claim falls due a fixed time after it.
        vn.rueckforderung_faellig_am = abrechnung.rueckforderung_faellig(vn.geprueft_am, vn.rueckforderung)
        vn.full_clean()
        vn._history_user = by
        vn.save()
    antrag = _setze_status(antrag, nach, by, kommentar)
    if nach == A.EINGEREICHT:
        _antrag_eingereicht_melden(antrag, by)
    return antrag


def _grundlage_kreis(bescheide: list[Zuwendungsbescheid]) -> str:
    nummern = ", ".join(b.bescheid_nummer for b in bescheide)
    text = _("Weiterleitung im Rahmen der Zuwendungsbescheide des Landes: %(n)s") % {"n": nummern}
    return text[:300]


def _grundlage_land(antrag: Foerderantrag, datum: datetime.date) -> str:
    text = _("Entscheidung der Steuerungsgruppe vom %(d)s (Förderaufruf „%(a)s“)") % {
        "d": datum.strftime("%d.%m.%Y"),
        "a": antrag.aufruf,
    }
    return text[:300]


def _pruefe_zuwendung(antrag: Foerderantrag, betrag: Decimal) -> list[Zuwendungsbescheid]:
    """A Kreis passes funds on only within the Land's grant notices for the module and year: the approved sum
    plus everything already approved stays within them. Checked under the lock of the Budget row and of the
    notices, on which every approval and every new notice of this module and year queues."""
    schluessel = {
        "buendnis_id": antrag.buendnis_id,
        "baustein_id": antrag.baustein_id,
        "jahr": antrag.haushaltsjahr,
    }
    list(Budget.objects.select_for_update().filter(**schluessel).values_list("pk", flat=True))
    bescheide = list(Zuwendungsbescheid.objects.select_for_update().filter(**schluessel).order_by("pk"))
    land = sum((b.betrag for b in bescheide), NULL)
    bisher = weitergeleitet(antrag.buendnis_id, antrag.baustein_id, antrag.haushaltsjahr, antrag.pk)
    if bisher + betrag > land:
        raise ValidationError(
            _(
                "Die Bewilligung von %(betrag)s übersteigt die Zuwendung des Landes für %(baustein)s im Jahr "
                "%(jahr)s: vom Land bewilligt %(z)s, bereits weitergeleitet %(b)s, verfügbar %(v)s. Mehr als das "
                "Land bewilligt hat, kann der Kreis nicht weiterleiten."
            )
            % {
                "betrag": eur(betrag),
                "baustein": antrag.baustein,
                "jahr": antrag.haushaltsjahr,
                "z": eur(land),
                "b": eur(bisher),
                "v": eur(max(land - bisher, NULL)),
            }
        )
    return bescheide


def _pruefe_aufruf(antrag: Foerderantrag, betrag: Decimal) -> Foerderaufruf:
    """The Land approves an application of the Innovationsfonds within the volume of its call (locked, so two
    approvals at once cannot both pass)."""
    if antrag.aufruf_id is None:
        raise ValidationError(_("Über diesen Antrag entscheidet das Land: er braucht einen Förderaufruf."))
    aufruf = Foerderaufruf.objects.select_for_update().get(pk=antrag.aufruf_id)
    bisher = aufruf_bewilligt(aufruf, ohne_antrag=antrag.pk)
    if bisher + betrag > aufruf.volumen:
        raise ValidationError(
            _(
                "Die Bewilligung von %(betrag)s übersteigt die Mittel des Förderaufrufs „%(a)s“: Mittel %(m)s, "
                "bereits bewilligt %(b)s, verfügbar %(v)s."
            )
            % {
                "betrag": eur(betrag),
                "a": aufruf,
                "m": eur(aufruf.volumen),
                "b": eur(bisher),
                "v": eur(max(aufruf.volumen - bisher, NULL)),
            }
        )
    return aufruf


@transaction.atomic
def antrag_bewilligen(
    *,
    antrag: Foerderantrag,
    betrag: Decimal,
    bescheid_datum: datetime.date,
    bescheid_nummer: str,
    by: User,
    kommentar: str = "",
    grundlage: str = "",
) -> Foerderantrag:
    """Approval (Bewilligung) with the Bescheid, at most the requested sum.

    Modules decided by the Kreis: the Kreis passes funds on within the Land's Zuwendungsbescheide, never beyond
    (there is no override). Modules decided by the Land (Innovationsfonds): the Land approves within the volume of
    the call. The step keeps who, when, the amount and its basis (the notices, or the steering group's decision).
    """
    betrag = _geld(betrag)
    antrag = _sperren(antrag)
    pruefe_uebergang(antrag, A.BEWILLIGT, by)
    if betrag <= 0:
        raise ValidationError({"betrag": _("Die Bewilligung muss größer als 0 € sein.")})
    if betrag > antrag.beantragt:
        raise ValidationError(
            {
                "betrag": _("Die Bewilligung (%(b)s) übersteigt die beantragte Förderung (%(a)s).")
                % {"b": eur(betrag), "a": eur(antrag.beantragt)}
            }
        )
    if not bescheid_nummer.strip():
        raise ValidationError({"bescheid_nummer": _("Bitte geben Sie die Bescheidnummer an.")})
    if entscheider(antrag) == Entscheider.LAND:
        require_perm(by, "foerderung.decide_land", antrag)
        _pruefe_aufruf(antrag, betrag)
        grundlage = grundlage.strip() or _grundlage_land(antrag, bescheid_datum)
    else:
        bescheide = _pruefe_zuwendung(antrag, betrag)
        grundlage = grundlage.strip() or _grundlage_kreis(bescheide)
    antrag.bewilligt_betrag = betrag
    antrag.bescheid_datum = bescheid_datum
    antrag.bescheid_nummer = bescheid_nummer.strip()
    antrag = _setze_status(antrag, A.BEWILLIGT, by, kommentar, betrag=betrag, grundlage=grundlage[:300])
    _antrag_entschieden_melden(antrag, by)
    return antrag


@transaction.atomic
def antrag_ablehnen(*, antrag: Foerderantrag, grund: str, by: User, grundlage: str = "") -> Foerderantrag:
    """Refusal with its reason; the step records the decision (0 EUR) and who decided on which basis."""
    antrag = _sperren(antrag)
    pruefe_uebergang(antrag, A.ABGELEHNT, by)
    if not grund.strip():
        raise ValidationError({"grund": _("Bitte geben Sie einen Ablehnungsgrund an.")})
    if entscheider(antrag) == Entscheider.LAND:
        require_perm(by, "foerderung.decide_land", antrag)
        grundlage = grundlage.strip() or _("Entscheidung der Steuerungsgruppe (Land)")
    else:
        grundlage = grundlage.strip() or _("Entscheidung des Kreises als Zuwendungsempfänger")
    antrag.ablehnungsgrund = grund.strip()
    antrag = _setze_status(antrag, A.ABGELEHNT, by, grund.strip(), betrag=NULL, grundlage=grundlage[:300])
    _antrag_entschieden_melden(antrag, by)
    return antrag


# Grants of the Land --------------------------------------------------------------------------------------------


def pruefe_f5_einreichung(antrag: Foerderantrag, am: datetime.date | None = None) -> None:
    """An application the Land decides (Innovationsfonds) is submitted to an open call of the Land, by its
    deadline. Applications the Kreis decides pass unchecked."""
    if entscheider(antrag) != Entscheider.LAND:
        return
    am = am or timezone.localdate()
    aufruf = antrag.aufruf
    if aufruf is None:
        raise ValidationError(
            _(
                "Ein Antrag, über den das Land entscheidet (Innovationsfonds), wird zu einem Förderaufruf des "
                "Landes eingereicht. Bitte wählen Sie den Aufruf."
            )
        )
    if aufruf.baustein_id != antrag.baustein_id:
        raise ValidationError(
            _("Der Förderaufruf „%(a)s“ gehört zu einem anderen Förderbaustein.") % {"a": aufruf}
        )
    if am > aufruf.einreichung_bis:
        raise ValidationError(
            _(
                "Die Einreichungsfrist des Förderaufrufs „%(a)s“ endete am %(d)s; der Antrag kann nicht mehr "
                "eingereicht werden."
            )
            % {"a": aufruf, "d": aufruf.einreichung_bis.strftime("%d.%m.%Y")}
        )
    if aufruf.status != AufrufStatus.OFFEN:
        raise ValidationError(
            _("Der Förderaufruf „%(a)s“ nimmt keine Konzepte mehr an (Status: „%(s)s“).")
            % {"a": aufruf, "s": aufruf.get_status_display()}
        )


@transaction.atomic
def zuwendungsbescheid_erlassen(
    *,
    buendnis: Buendnis,
    baustein: Foerderbaustein,
    jahr: int,
    betrag: Decimal,
    bescheid_nummer: str,
    bescheid_datum: datetime.date,
    grundlage: str,
    by: User,
) -> Zuwendungsbescheid:
    """The Land's grant notice (Zuwendungsbescheid) to the Kreis for one module and year. All notices of a
    Bündnis for the module and year together stay within the Land's allocation (`Budget`, locked here). Not for
    modules the Land decides per application (Innovationsfonds)."""
    require_perm(by, "foerderung.add_zuwendungsbescheid")
    betrag = _geld(betrag)
    if betrag <= 0:
        raise ValidationError({"betrag": _("Der Zuwendungsbescheid muss größer als 0 € sein.")})
    if baustein_entscheider(baustein, datetime.date(jahr, 1, 1)) == Entscheider.LAND:
        raise ValidationError(
            {
                "baustein": _(
                    "Für %(baustein)s erlässt das Land keinen Zuwendungsbescheid an den Kreis: es bewilligt "
                    "jeden Antrag selbst (Förderaufruf)."
                )
                % {"baustein": baustein}
            }
        )
    budget = (
        Budget.objects.select_for_update()
        .filter(buendnis_id=buendnis.pk, baustein_id=baustein.pk, jahr=jahr)
        .first()
    )
    zugewiesen = budget.betrag if budget else NULL
    bisher = bewilligt_vom_land(buendnis.pk, baustein.pk, jahr)
    if bisher + betrag > zugewiesen:
        raise ValidationError(
            {
                "betrag": _(
                    "Der Zuwendungsbescheid über %(betrag)s übersteigt die Zuweisung an %(buendnis)s für "
                    "%(baustein)s im Jahr %(jahr)s: zugewiesen %(z)s, bereits beschieden %(b)s, verfügbar %(v)s."
                )
                % {
                    "betrag": eur(betrag),
                    "buendnis": buendnis,
                    "baustein": baustein,
                    "jahr": jahr,
                    "z": eur(zugewiesen),
                    "b": eur(bisher),
                    "v": eur(max(zugewiesen - bisher, NULL)),
                }
            }
        )
    bescheid = Zuwendungsbescheid(
        buendnis=buendnis,
        baustein=baustein,
        jahr=jahr,
        betrag=betrag,
        bescheid_nummer=bescheid_nummer.strip(),
        bescheid_datum=bescheid_datum,
        grundlage=grundlage.strip(),
        erlassen_von=by,
    )
    bescheid.full_clean()
    bescheid._history_user = by
    bescheid.save()
    return bescheid


AU = AufrufStatus
# The call's steps, all the Land's: close the submission (or reopen it), record the steering group's decision.
AUFRUF_UEBERGAENGE = TransitionTable(
    [
        Transition((AU.OFFEN,), AU.GESCHLOSSEN, "foerderung.change_foerderaufruf"),
        Transition((AU.GESCHLOSSEN,), AU.OFFEN, "foerderung.change_foerderaufruf"),
        Transition((AU.GESCHLOSSEN,), AU.ENTSCHIEDEN, "foerderung.change_foerderaufruf"),
    ]
)


@transaction.atomic
def aufruf_eroeffnen(
    *,
    baustein: Foerderbaustein,
    titel: str,
    einreichung_bis: datetime.date,
    entscheidung_bis: datetime.date,
    volumen: Decimal,
    by: User,
    beschreibung: str = "",
) -> Foerderaufruf:
    """The Land opens a state-wide call of the Innovationsfonds: concepts until `einreichung_bis`, the steering
    group decides by `entscheidung_bis`, approvals stay within `volumen`."""
    require_perm(by, "foerderung.add_foerderaufruf")
    volumen = _geld(volumen)
    if baustein_entscheider(baustein, einreichung_bis) != Entscheider.LAND:
        raise ValidationError(
            {
                "baustein": _(
                    "Über %(baustein)s entscheidet der Kreis; einen Förderaufruf des Landes gibt es nur für "
                    "Förderbausteine, über die das Land entscheidet (Innovationsfonds)."
                )
                % {"baustein": baustein}
            }
        )
    if volumen <= 0:
        raise ValidationError({"volumen": _("Die Mittel des Aufrufs müssen größer als 0 € sein.")})
    aufruf = Foerderaufruf(
        baustein=baustein,
        titel=titel.strip(),
        beschreibung=beschreibung,
        einreichung_bis=einreichung_bis,
        entscheidung_bis=entscheidung_bis,
        volumen=volumen,
        status=AU.OFFEN,
    )
    aufruf.full_clean()
    aufruf._history_user = by
    aufruf.save()
    return aufruf


@transaction.atomic
def aufruf_status_setzen(*, aufruf: Foerderaufruf, status: str, by: User) -> Foerderaufruf:
    """Closes (or reopens) the submission of a call, or records that the steering group has decided."""
    aufruf = Foerderaufruf.objects.select_for_update().get(pk=aufruf.pk)
    transition = AUFRUF_UEBERGAENGE.find(aufruf.status, status)
    if transition is None:
        raise ValidationError(
            _("Ein Förderaufruf im Status „%(alt)s“ kann nicht in den Status „%(neu)s“ wechseln.")
            % {"alt": aufruf.get_status_display(), "neu": AufrufStatus(status).label}
        )
    require_perm(by, transition.perm, aufruf)
    aufruf.status = status
    aufruf.full_clean()
    aufruf._history_user = by
    aufruf.save()
    return aufruf


@transaction.atomic
def mittelabruf_erfassen(
    *,
    antrag: Foerderantrag,
    datum: datetime.date,
    by: User,
    kostenposition: Kostenposition | None = None,
    einheiten: Decimal | None = None,
    betrag: Decimal | None = None,
    bemerkung: str = "",
) -> Mittelabruf:
    """Records a drawdown from one line of the approved cost plan (checked under the application's lock).

    Flat-rate line: the proven units are entered, the amount is computed (units × rate × the state's quota) and
    never typed; the units never exceed the planned ones, and the drawdown that reaches them takes exactly what
    remains of the line's funding. Actual-cost line: the amount is entered, at most what remains of the line's
    funding. Together the drawdowns never exceed the approved sum. Without `kostenposition`, a plan of a single
    actual-cost line draws from it; a plan that predates the rules (no flat-rate and no rule-computed line) still
    draws against the approved sum alone.
    """
    antrag = _sperren(antrag)
    require_perm(by, "foerderung.add_mittelabruf", antrag)
    if antrag.status != A.BEWILLIGT:
        raise ValidationError(
            _("Mittel können nur für bewilligte Anträge abgerufen werden (Status: „%(s)s“).")
            % {"s": antrag.get_status_display()}
        )
    if antrag.bescheid_datum and datum < antrag.bescheid_datum:
        raise ValidationError(
            {
                "datum": _("Ein Mittelabruf kann nicht vor dem Bescheid vom %(d)s liegen.")
                % {"d": antrag.bescheid_datum.strftime("%d.%m.%Y")}
            }
        )
    if betrag is not None:
        betrag = _geld(betrag)
    if einheiten is not None and (not isinstance(einheiten, Decimal) or not einheiten.is_finite()):
        raise ValidationError({"einheiten": _("Die nachgewiesenen Einheiten müssen eine Zahl sein.")})

    position = None
    if kostenposition is not None:
        position = (
            Kostenposition.objects.select_related("regel").filter(pk=kostenposition.pk, antrag=antrag).first()
        )
        if position is None:
            raise ValidationError(
                {"kostenposition": _("Die Kostenposition gehört nicht zum Kostenplan dieses Antrags.")}
            )
    else:
        plan = list(antrag.kostenpositionen.select_related("regel"))
        if len(plan) == 1 and not abrechnung.ist_pauschale(plan[0]):
            position = plan[0]  # a single actual-cost line: the drawdown can only come from it
        elif any(abrechnung.ist_pauschale(k) or k.regel_id for k in plan):
            raise ValidationError(
                {"kostenposition": _("Bitte wählen Sie die Kostenposition, aus der abgerufen wird.")}
            )

    if position is not None and abrechnung.ist_pauschale(position):
        betrag = _abruf_aus_einheiten(position, einheiten, betrag)
    elif einheiten is not None:
        raise ValidationError(
            {
                "einheiten": _(
                    "Einheiten werden nur für eine Kostenposition mit Pauschale abgerufen; hier wird der "
                    "Betrag der tatsächlichen Ausgaben angegeben."
                )
            }
        )
    elif betrag is None or betrag <= 0:
        raise ValidationError({"betrag": _("Der Abruf muss größer als 0 € sein.")})

    bisher = abrechnung.summe(antrag.mittelabrufe, "betrag")
    rest = antrag.bewilligt_betrag - bisher
    if betrag > rest:
        raise ValidationError(
            {
                "betrag": _("Der Abruf von %(b)s übersteigt die noch verfügbaren bewilligten Mittel (%(r)s).")
                % {"b": eur(betrag), "r": eur(rest)}
            }
        )
    if position is not None and not abrechnung.ist_pauschale(position):
        bisher_zeile = abrechnung.summe(position.mittelabrufe, "betrag")
        rest_zeile = abrechnung.foerderung(position) - bisher_zeile
        if betrag > rest_zeile:
            raise ValidationError(
                {
                    "betrag": _(
                        "Der Abruf von %(b)s übersteigt die noch verfügbare Förderung der Kostenposition "
                        "„%(k)s“ (%(r)s)."
                    )
                    % {"b": eur(betrag), "k": position.bezeichnung, "r": eur(max(rest_zeile, NULL))}
                }
            )
    abruf = Mittelabruf(
        antrag=antrag,
        kostenposition=position,
        betrag=betrag,
        datum=datum,
        einheiten=einheiten,
        bemerkung=bemerkung,
        erfasst_von=by,
    )
    abruf.full_clean()
    abruf._history_user = by
    abruf.save()
    return abruf


def _abruf_aus_einheiten(
    position: Kostenposition, einheiten: Decimal | None, betrag: Decimal | None
) -> Decimal:
    """The amount of a drawdown of proven units of a flat-rate line; refuses units beyond the plan."""
    if einheiten is None or einheiten <= 0:
        raise ValidationError(
            {
                "einheiten": _("Bitte geben Sie die nachgewiesenen %(einheit)s für „%(k)s“ an (mehr als 0).")
                % {"einheit": abrechnung.einheit(position), "k": position.bezeichnung}
            }
        )
    if einheiten != einheiten.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        raise ValidationError({"einheiten": _("Einheiten haben höchstens zwei Nachkommastellen.")})
    bisher_einheiten = abrechnung.summe(position.mittelabrufe, "einheiten")
    bisher_betrag = abrechnung.summe(position.mittelabrufe, "betrag")
    geplant = abrechnung.geplante_einheiten(position)
    if bisher_einheiten + einheiten > geplant:
        raise ValidationError(
            {
                "einheiten": _(
                    "Für „%(k)s“ sind %(geplant)s %(einheit)s geplant, davon %(bisher)s abgerufen; %(neu)s weitere "
                    "übersteigen den Plan."
                )
                % {
                    "k": position.bezeichnung,
                    "geplant": abrechnung.einheiten_text(geplant),
                    "einheit": abrechnung.einheit(position),
                    "bisher": abrechnung.einheiten_text(bisher_einheiten),
                    "neu": abrechnung.einheiten_text(einheiten),
                }
            }
        )
    berechnet = abrechnung.abrufbetrag_fuer_einheiten(position, einheiten, bisher_einheiten, bisher_betrag)
    if betrag is not None and betrag != berechnet:
        raise ValidationError(
            {
                "betrag": _(
                    "Der Betrag wird aus den nachgewiesenen Einheiten berechnet: %(e)s %(einheit)s ergeben "
                    "%(b)s, nicht %(eingabe)s."
                )
                % {
                    "e": abrechnung.einheiten_text(einheiten),
                    "einheit": abrechnung.einheit(position),
                    "b": eur(berechnet),
                    "eingabe": eur(betrag),
                }
            }
        )
    if berechnet <= 0:
        raise ValidationError(
            {
                "einheiten": _("Die Förderung der Kostenposition „%(k)s“ ist bereits vollständig abgerufen.")
                % {"k": position.bezeichnung}
            }
        )
    return berechnet


@dataclass
class NachweisPositionDaten:
    """The financial statement of one cost line: what was spent and, for a flat rate, the units delivered."""

    kostenposition: Kostenposition
    ausgaben_ist: Decimal
    einheiten_ist: Decimal | None = None


@transaction.atomic
def verwendungsnachweis_einreichen(
    *,
    antrag: Foerderantrag,
    eingereicht_am: datetime.date,
    sachbericht: str,
    by: User,
    positionen: list[NachweisPositionDaten] | None = None,
    ausgaben_ist: Decimal | None = None,
) -> Verwendungsnachweis:
    """Records the proof of use, the narrative report (Sachbericht) and the financial statement per line of the
    approved cost plan, reconciles it and moves the application on.

    Per line the proven spending or units give the funding it is entitled to (`abrechnung.zustehend`); the sum is
    capped by the approved sum. What was drawn beyond it is the repayment claim (Rückforderung), exact to the cent;
    its due date is set when the review confirms it. `ausgaben_ist` alone (without `positionen`) is the statement
    of a plan with a single actual-cost line.
    """
    antrag = _sperren(antrag)
    pruefe_uebergang(antrag, A.VN_EINGEREICHT, by)
    if not sachbericht.strip():
        raise ValidationError({"sachbericht": _("Bitte fügen Sie den Sachbericht bei.")})
    plan = list(antrag.kostenpositionen.select_related("regel").order_by("pk"))
    if positionen is None:
        if ausgaben_ist is None or len(plan) != 1 or abrechnung.ist_pauschale(plan[0]):
            raise ValidationError(_("Bitte erfassen Sie die Ausgaben je Kostenposition des Kostenplans."))
        positionen = [NachweisPositionDaten(kostenposition=plan[0], ausgaben_ist=ausgaben_ist)]
    nach_position = {p.kostenposition.pk: p for p in positionen}
    fremd = set(nach_position) - {k.pk for k in plan}
    if fremd or len(nach_position) != len(positionen):
        raise ValidationError(_("Jede Kostenposition des Antrags wird genau einmal nachgewiesen."))
    fehlend = [k.bezeichnung for k in plan if k.pk not in nach_position]
    if fehlend:
        raise ValidationError(
            _("Für diese Kostenpositionen fehlen die Angaben: %(liste)s.") % {"liste": ", ".join(fehlend)}
        )

    zeilen = []
    for kosten in plan:
        daten = nach_position[kosten.pk]
        ausgaben = _geld(daten.ausgaben_ist)
        einheiten = daten.einheiten_ist
        if abrechnung.ist_pauschale(kosten):
            if einheiten is None:
                raise ValidationError(
                    _("Bitte geben Sie für „%(k)s“ die erbrachten %(einheit)s an.")
                    % {"k": kosten.bezeichnung, "einheit": abrechnung.einheit(kosten)}
                )
        elif einheiten is not None:
            raise ValidationError(
                _("„%(k)s“ wird nach tatsächlichen Ausgaben abgerechnet, nicht nach Einheiten.")
                % {"k": kosten.bezeichnung}
            )
        zeile = VerwendungsnachweisPosition(
            kostenposition=kosten,
            ausgaben_ist=ausgaben,
            einheiten_ist=einheiten,
            zustehend=abrechnung.zustehend(kosten, ausgaben, einheiten),
        )
        zeile.full_clean(exclude=["nachweis"])
        zeilen.append(zeile)

    vn = Verwendungsnachweis.objects.filter(antrag=antrag).first() or Verwendungsnachweis(antrag=antrag)
    vn.eingereicht_am, vn.sachbericht = eingereicht_am, sachbericht
    vn.ausgaben_ist = sum((z.ausgaben_ist for z in zeilen), NULL)
    vn.abgerufen = abrechnung.summe(antrag.mittelabrufe, "betrag")
    vn.zustehend = min(sum((z.zustehend for z in zeilen), NULL), antrag.bewilligt_betrag or NULL)
    vn.rueckforderung = max(vn.abgerufen - vn.zustehend, NULL)
    vn.rueckforderung_faellig_am = None
    vn.full_clean()
    vn._history_user = by
    vn.save()
    vn.positionen.all().delete()
    for zeile in zeilen:
        zeile.nachweis = vn
        zeile._history_user = by
        zeile.save()
    _setze_status(antrag, A.VN_EINGEREICHT, by, "")
    return vn


@transaction.atomic
def monitoring_melden(
    *, antrag: Foerderantrag, jahr: int, quartal: int, by: User, nach_status: dict | None = None, **zahlen
) -> MonitoringMeldung:
    """Records (or corrects) the quarterly aggregate figures of an approved application; `nach_status` maps
    Aufenthaltsstatus to the number of participants with that status (at most everyone taking part).

    `zahlen` are the counts of `selectors.MONITORING_FELDER`: entries, participants, transitions, and (issue 13) the women
    among the participants and the qualifications reached (Hauptschulabschluss, Fachoberschulreife, vocational
    qualification), none of them more than the participants of the quarter."""
    unbekannt = set(zahlen) - set(MONITORING_FELDER)
    if unbekannt:
        raise TypeError(f"Unbekannte Monitoring-Felder: {', '.join(sorted(unbekannt))}")
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
        regeln.teilnehmende_status_pruefen(antrag, nach_status)
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
    TeilhabeStelle.objects.select_for_update(of=("self",)).filter(pk=stelle.pk).first()
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


# Notifications: applications submitted and decided, deadlines of approved applications --------------------------


def _antrag_werte(antrag: Foerderantrag) -> dict:
    antragsteller = antrag.antragsteller
    if antrag.antragsteller_akteur_id and antrag.kommune_id:
        antragsteller = f"{antrag.antragsteller_akteur} ({antrag.kommune})"
    return {
        "t": antrag.titel,
        "antragsteller": antragsteller or _("kreisweit"),
        "baustein": antrag.baustein,
        "jahr": antrag.haushaltsjahr,
        "beantragt": eur(antrag.beantragt),
    }


def antrag_entscheider_personal(antrag: Foerderantrag):
    """Who decides an application (`foerderung.review_foerderantrag`): the Land for the modules it decides
    (Innovationsfonds), the coordination of the Kreis for all others."""
    if entscheider(antrag) == Entscheider.LAND:
        return benachrichtigungen.land_personal()
    return benachrichtigungen.koordination(antrag.buendnis_id)


def antragsteller_personal(antrag: Foerderantrag) -> list[User]:
    """The applicant's staff: the accounts of the applying Kommune, or the coordination for an application of
    the Kreis itself (no Kommune)."""
    if antrag.kommune_id:
        return list(benachrichtigungen.kommune_personal(antrag.kommune_id))
    return list(benachrichtigungen.koordination(antrag.buendnis_id))


def _antrag_eingereicht_melden(antrag: Foerderantrag, by: User) -> None:
    werte = {**_antrag_werte(antrag), "wer": by.anzeigename()}
    benachrichtigungen.benachrichtigen(
        empfaenger=antrag_entscheider_personal(antrag),
        art=BenachrichtigungArt.ANTRAG_EINGEREICHT,
        titel=_("Förderantrag eingereicht: „%(t)s“ (%(antragsteller)s)") % werte,
        text=_(
            "%(wer)s hat den Förderantrag „%(t)s“ eingereicht.\nAntragsteller: %(antragsteller)s\n"
            "Förderbaustein: %(baustein)s, Haushaltsjahr %(jahr)s\nBeantragte Förderung: %(beantragt)s"
        )
        % werte,
        link=antrag.get_absolute_url(),
        ausser=by,
    )


def _antrag_entschieden_melden(antrag: Foerderantrag, by: User) -> None:
    """The applicant learns the decision; where the Land decided, the coordination of the Kreis too."""
    werte = _antrag_werte(antrag)
    if antrag.status == A.BEWILLIGT:
        titel = _("Förderantrag bewilligt: „%(t)s“") % werte
        text = _(
            "Der Förderantrag „%(t)s“ (%(antragsteller)s) ist bewilligt: %(betrag)s von beantragten "
            "%(beantragt)s, Bescheid Nr. %(nummer)s vom %(datum)s."
        ) % {
            **werte,
            "betrag": eur(antrag.bewilligt_betrag),
            "nummer": antrag.bescheid_nummer,
            "datum": benachrichtigungen.datum(antrag.bescheid_datum),
        }
    else:
        titel = _("Förderantrag abgelehnt: „%(t)s“") % werte
        text = _("Der Förderantrag „%(t)s“ (%(antragsteller)s) ist abgelehnt.\nBegründung: %(grund)s") % {
            **werte,
            "grund": antrag.ablehnungsgrund,
        }
    empfaenger = antragsteller_personal(antrag)
    if entscheider(antrag) == Entscheider.LAND:
        empfaenger += list(benachrichtigungen.koordination(antrag.buendnis_id))
    benachrichtigungen.benachrichtigen(
        empfaenger=empfaenger,
        art=BenachrichtigungArt.ANTRAG_ENTSCHIEDEN,
        titel=titel,
        text=text,
        link=antrag.get_absolute_url(),
        ausser=by,
    )


def foerderfristen_pruefen(heute: datetime.date) -> int:
    """The daily check of approved applications (registered in `FoerderungConfig.ready`): the drawdown of funds
    not yet drawn is due by the end of the funding period, the proof of use six months later (`vn_frist`). Each is
    announced 14 days ahead and again on the day, once each. Returns the number of notifications."""
    # Both deadlines lie within [ende, ende + 6 months]: only applications ending around now can need a notice.
    antraege = (
        Foerderantrag.objects.filter(
            status=A.BEWILLIGT,
            ende__gte=heute - datetime.timedelta(days=200),
            ende__lte=heute + datetime.timedelta(days=benachrichtigungen.VORLAUF_TAGE),
        )
        .select_related("baustein", "kommune", "antragsteller_akteur")
        .annotate(abgerufen=Sum("mittelabrufe__betrag"))
        .order_by("ende", "pk")
    )
    anzahl = 0
    for antrag in antraege:
        werte = _antrag_werte(antrag)
        offen = (antrag.bewilligt_betrag or NULL) - Decimal(antrag.abgerufen or 0).quantize(Decimal("0.01"))
        stufe = benachrichtigungen.fristhinweis(antrag.ende, heute)
        if stufe and offen > 0:
            frist = benachrichtigungen.datum(antrag.ende)
            anzahl += len(
                benachrichtigungen.benachrichtigen(
                    empfaenger=antragsteller_personal(antrag),
                    art=BenachrichtigungArt.ABRUF_FAELLIG,
                    titel=_("Mittelabruf bis %(d)s: „%(t)s“") % {**werte, "d": frist},
                    text=_(
                        "Der Förderzeitraum des Förderantrags „%(t)s“ (%(antragsteller)s) endet am %(d)s. Von der "
                        "Bewilligung über %(bewilligt)s sind %(offen)s noch nicht abgerufen."
                    )
                    % {**werte, "d": frist, "bewilligt": eur(antrag.bewilligt_betrag), "offen": eur(offen)},
                    link=antrag.get_absolute_url(),
                    schluessel=f"abruf_faellig:{antrag.pk}:{antrag.ende}:{stufe}",
                )
            )
        vn_frist = antrag.vn_frist
        stufe = benachrichtigungen.fristhinweis(vn_frist, heute)
        if stufe:
            frist = benachrichtigungen.datum(vn_frist)
            anzahl += len(
                benachrichtigungen.benachrichtigen(
                    empfaenger=antragsteller_personal(antrag),
                    art=BenachrichtigungArt.VERWENDUNGSNACHWEIS_FAELLIG,
                    titel=_("Verwendungsnachweis fällig am %(d)s: „%(t)s“") % {**werte, "d": frist},
                    text=_(
                        "Der Verwendungsnachweis (Sachbericht und zahlenmäßiger Nachweis) des Förderantrags "
                        "„%(t)s“ (%(antragsteller)s) ist am %(d)s fällig, sechs Monate nach dem Ende des "
                        "Förderzeitraums am %(ende)s."
                    )
                    % {**werte, "d": frist, "ende": benachrichtigungen.datum(antrag.ende)},
                    link=antrag.get_absolute_url(),
                    schluessel=f"verwendungsnachweis_faellig:{antrag.pk}:{vn_frist}:{stufe}",
                )
            )
    return anzahl


# Budgets: the Land's allocation of one Bündnis, the coordination's split among its Kommunen -------------------


@transaction.atomic
def budget_aendern(*, budget: Budget, betrag: Decimal, bemerkung: str, by: User) -> Budget:
    """The Land corrects one Bündnis's allocation (a cut or an increase outside a distribution). A cut never
    goes below what the coordination has passed to its Kommunen, the Land's grant notices or the approvals
    (`Budget.clean`)."""
    require_perm(by, "foerderung.change_budget", budget)
    budget = lock(budget)
    budget.betrag = _geld(betrag)
    budget.bemerkung = bemerkung
    budget.full_clean()
    budget._history_user = by
    budget.save()
    return budget


def budget_aufteilung_stand(budget: Budget) -> str:
    """The split of a budget as a page showed it ("kommune_id:betrag;…"), to detect a change in between."""
    return ";".join(
        f"{k}:{b}" for k, b in budget.kommunen.order_by("kommune_id").values_list("kommune_id", "betrag")
    )


@transaction.atomic
def budget_aufteilen(
    *, budget: Budget, anteile: dict[Kommune, Decimal | None], by: User, stand: str | None = None
) -> Budget:
    """The coordination splits its Bündnis's budget of one Förderbaustein and year among its member Kommunen
    (Budget einer Kommune). Each Kommune gets its amount; none or zero removes its share. Together the shares
    stay within the budget; the rest stays with the Kreis ("kreisweit"). All shares are set at once, so one
    Kommune's share can move to another in one step. `stand` is the split the page showed: if someone changed
    it in between, nothing is saved."""
    require_perm(by, "foerderung.change_budgetkommune", budget)
    budget = lock(budget)  # earmarks of one budget queue on its row, so two splits cannot both pass the sum
    if stand is not None and stand != budget_aufteilung_stand(budget):
        raise ValidationError(
            _(
                "Die Aufteilung dieses Budgets wurde inzwischen geändert; es wurde nichts gespeichert. Bitte "
                "prüfen Sie die aktuellen Beträge und tragen Sie Ihre Änderung erneut ein."
            )
        )
    fremd = [k for k in anteile if k.buendnis_id != budget.buendnis_id]
    if fremd:
        raise ValidationError(
            _("%(k)s gehört nicht zum Bündnis dieses Budgets.") % {"k": ", ".join(str(k) for k in fremd)}
        )
    neu = {k: _geld(b) for k, b in anteile.items() if b}
    if any(b < 0 for b in neu.values()):
        raise ValidationError(_("Ein Anteil kann nicht negativ sein."))
    summe = sum(neu.values(), NULL)
    if summe > budget.betrag:
        raise ValidationError(
            _(
                "Die Anteile der Kommunen (zusammen %(s)s) übersteigen das Budget des Bündnisses von %(b)s um "
                "%(d)s."
            )
            % {"s": eur(summe), "b": eur(budget.betrag), "d": eur(summe - budget.betrag)}
        )
    vorhanden = {a.kommune_id: a for a in budget.kommunen.all()}
    # Lowered shares first, so each row's own check (Budget einer Kommune: the shares within the budget) sees
    # the freed amount when a share moves from one Kommune to another.
    aenderungen = sorted(
        (neu.get(k, NULL) - (vorhanden[k.pk].betrag if k.pk in vorhanden else NULL), k.pk, k) for k in anteile
    )
    for _differenz, _pk, kommune in aenderungen:
        alt = vorhanden.get(kommune.pk)
        if kommune not in neu:
            if alt is not None:
                alt._history_user = by
                alt.delete()
            continue
        if alt is not None and alt.betrag == neu[kommune]:
            continue
        # budget.kommunen.model is the share (Budget einer Kommune).
        anteil = alt or budget.kommunen.model(budget=budget, kommune=kommune)
        anteil.betrag = neu[kommune]
        anteil.full_clean()
        anteil._history_user = by
        anteil.save()
    return budget
