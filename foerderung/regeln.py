"""Applying the funding rules (Förderregeln) to an application: which rule version is in force, what a cost line
costs and who pays which share, and whether the applicant may apply at all.

Pure functions apart from reading rules, participation and budget-consolidation rows; the services call them
(`antrag_speichern`, the submit step) and raise what they raise. Refusals are German `ValidationError`s.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from buendnis.models import Kommune

from .models import (
    Antragsberechtigt,
    Foerderantrag,
    Foerderbaustein,
    Foerderregel,
    Haushaltssicherung,
    KommuneTeilnahme,
    Kostenart,
    Kostenkategorie,
)
from .models.programm import auf_cent, eur

HUNDERT = Decimal("100")

# The category of a cost line when the caller names only its kind of cost (flat rates pay staff or fees).
KATEGORIE_JE_KOSTENART = {
    Kostenart.UNTERRICHTSSTUNDE: Kostenkategorie.HONORAR,
    Kostenart.TEILNEHMENDENSTUNDE: Kostenkategorie.HONORAR,
    Kostenart.COACHINGKONTAKT: Kostenkategorie.PERSONAL,
    Kostenart.STELLENMONAT: Kostenkategorie.PERSONAL,
    Kostenart.TATSAECHLICH: Kostenkategorie.SACH,
}


def _datum(tag: datetime.date | None) -> str:
    return tag.strftime("%d.%m.%Y") if tag else "…"


def baustein_pruefen(baustein: Foerderbaustein, beginn: datetime.date, ende: datetime.date) -> None:
    """Refuses a period outside the Förderbaustein's own validity (e.g. F6 only from 01.11.2019)."""
    if (baustein.gueltig_ab and beginn < baustein.gueltig_ab) or (
        baustein.gueltig_bis and ende > baustein.gueltig_bis
    ):
        raise ValidationError(
            {
                "beginn": _(
                    "Der Förderbaustein %(b)s gilt vom %(von)s bis %(bis)s; der Förderzeitraum %(beginn)s–%(ende)s "
                    "liegt nicht vollständig darin."
                )
                % {
                    "b": baustein.kurz,
                    "von": _datum(baustein.gueltig_ab),
                    "bis": _datum(baustein.gueltig_bis),
                    "beginn": _datum(beginn),
                    "ende": _datum(ende),
                }
            }
        )


def regel_deckt_pruefen(regel: Foerderregel, beginn: datetime.date, ende: datetime.date) -> None:
    """Refuses a period that spans a change of rule: an application lies inside the rule versions it uses."""
    if not regel.deckt(beginn, ende):
        raise ValidationError(
            {
                "ende": _(
                    "Der Förderzeitraum %(beginn)s–%(ende)s liegt nicht vollständig in der Förderregel "
                    "„%(r)s“ (gültig vom %(von)s bis %(bis)s). Ein Antrag muss innerhalb der Regelversionen "
                    "liegen, die er nutzt: Bitte teilen Sie den Antrag am Regelwechsel auf."
                )
                % {
                    "beginn": _datum(beginn),
                    "ende": _datum(ende),
                    "r": regel.bezeichnung,
                    "von": _datum(regel.gueltig_ab),
                    "bis": _datum(regel.gueltig_bis),
                }
            }
        )


def regel_fuer(
    baustein: Foerderbaustein, kostenart: str, beginn: datetime.date, ende: datetime.date
) -> Foerderregel:
    """The rule version of this Baustein and kind of cost in force at `beginn`, covering the whole period."""
    baustein_pruefen(baustein, beginn, ende)
    regel = (
        Foerderregel.objects.select_related("baustein")
        .filter(baustein=baustein, kostenart=kostenart)
        .gueltig_am(beginn)
        .first()
    )
    if regel is None:
        raise ValidationError(
            _("Für den Förderbaustein %(b)s gibt es am %(tag)s keine Förderregel für „%(k)s“.")
            % {"b": baustein.kurz, "tag": _datum(beginn), "k": Kostenart(kostenart).label}
        )
    regel_deckt_pruefen(regel, beginn, ende)
    return regel


def haushaltssicherung_am(kommune: Kommune | None, tag: datetime.date) -> bool:
    """Whether the Kommune is under budget consolidation on that day (the higher funding quota applies)."""
    if kommune is None:
        return False
    return Haushaltssicherung.objects.filter(kommune=kommune).gueltig_am(tag).exists()


@dataclass(frozen=True)
class Berechnung:
    """One computed cost line: the amount, and what the state and the applicant pay of it."""

    einheiten: Decimal | None
    einheitssatz: Decimal | None
    betrag: Decimal
    foerderquote_prozent: Decimal
    foerderung: Decimal
    eigenanteil: Decimal
    abweichung: bool


def position_berechnen(
    *,
    regel: Foerderregel,
    einheiten: Decimal | None = None,
    einheitssatz: Decimal | None = None,
    betrag: Decimal | None = None,
    abweichung_begruendung: str = "",
    haushaltssicherung: bool = False,
) -> Berechnung:
    """A cost line from the rule: a flat rate is units × the rule's rate (a typed amount is ignored); a different
    rate only where the rule allows it, with a reason. Actual costs take the typed amount. The state's share is
    the rule's quota (the higher one under budget consolidation), rounded to the cent; the rest is own share."""
    abweichung = False
    if regel.ist_pauschale:
        if einheiten is None or einheiten <= 0:
            raise ValidationError(
                {"einheiten": _("Bitte geben Sie die Anzahl der %(e)s an.") % {"e": regel.einheit}}
            )
        satz = regel.satz
        if einheitssatz is not None and einheitssatz != regel.satz:
            if not regel.abweichung_erlaubt:
                raise ValidationError(
                    {
                        "einheitssatz": _(
                            "Die Förderregel „%(r)s“ sieht %(satz)s je Einheit vor; ein abweichender Satz "
                            "(%(abw)s) ist nicht zulässig."
                        )
                        % {"r": regel.bezeichnung, "satz": eur(regel.satz), "abw": eur(einheitssatz)}
                    }
                )
            if not abweichung_begruendung.strip():
                raise ValidationError(
                    {
                        "abweichung_begruendung": _(
                            "Ein vom Satz der Förderregel (%(satz)s) abweichender Satz braucht eine Begründung."
                        )
                        % {"satz": eur(regel.satz)}
                    }
                )
            satz, abweichung = einheitssatz, True
        betrag = auf_cent(einheiten * satz)
    else:
        if betrag is None:
            raise ValidationError({"betrag": _("Bei tatsächlichen Ausgaben fehlt der Betrag.")})
        einheiten = satz = None
    quote = regel.quote(haushaltssicherung)
    foerderung = auf_cent(betrag * quote / HUNDERT)
    return Berechnung(
        einheiten=einheiten,
        einheitssatz=satz,
        betrag=betrag,
        foerderquote_prozent=quote,
        foerderung=foerderung,
        eigenanteil=betrag - foerderung,
        abweichung=abweichung,
    )


def antragsberechtigung_pruefen(antrag: Foerderantrag, regel: Foerderregel) -> None:
    """Who may apply under the rule: F6 (BEIGETRETENE_KOMMUNE) only a Kommune that joined "Gemeinsam klappt's"
    by the application's beginning, or the Kreis itself for its Geschäftsführende Stelle. KREIS_KOMMUNE and ALLE accept an Akteur as applicant (a provider the Kreis
    passes funds on to, or the broader applicants of the Innovationsfonds)."""
    if regel.antragsberechtigt == Antragsberechtigt.BEIGETRETENE_KOMMUNE:
        if antrag.kommune_id is None:
            # Without a Kommune the Kreis applies itself (only the coordination can leave the Kommune empty), for
            # the positions at its Geschäftsführende Stelle (at least 0.5 VZÄ by the staffing key).
            return
        teilnahme = KommuneTeilnahme.objects.filter(kommune_id=antrag.kommune_id).first()
        if teilnahme is None or not teilnahme.beigetreten_zum(antrag.beginn):
            raise ValidationError(
                {
                    "kommune": _(
                        "Die Kommune %(k)s ist „Gemeinsam klappt’s“ nicht zum %(tag)s beigetreten; den "
                        "Förderbaustein %(b)s können nur beigetretene Kommunen beantragen."
                    )
                    % {"k": antrag.kommune.name, "tag": _datum(antrag.beginn), "b": regel.baustein.kurz}
                }
            )


def kostenart_fuer(baustein: Foerderbaustein, tag: datetime.date, einheiten: Decimal | None) -> str:
    """The kind of cost of a line that names none (older callers, the spreadsheet's amount columns): an amount
    alone is actual costs; units go to the Baustein's one flat rate in force, and must be named if it has several."""
    if einheiten is None:
        return Kostenart.TATSAECHLICH
    arten = set(
        Foerderregel.objects.filter(baustein=baustein)
        .exclude(kostenart=Kostenart.TATSAECHLICH)
        .gueltig_am(tag)
        .values_list("kostenart", flat=True)
    )
    if len(arten) == 1:
        return arten.pop()
    raise ValidationError({"kostenart": _("Bitte wählen Sie die Kostenart der Position.")})


def antrag_pruefen(antrag: Foerderantrag) -> None:
    """Checks a stored application against the rules again (on submission): every cost line computed by a
    rule version that still covers the period (a new version may have closed it meanwhile), the Baustein's
    validity, and who may apply."""
    baustein_pruefen(antrag.baustein, antrag.beginn, antrag.ende)
    geprueft: set[int] = set()
    # Lines stored before the rules existed carry no rule version; the page's next save computes them.
    for pos in antrag.kostenpositionen.filter(regel__isnull=False).select_related("regel__baustein"):
        if pos.regel_id not in geprueft:
            regel_deckt_pruefen(pos.regel, antrag.beginn, antrag.ende)
            antragsberechtigung_pruefen(antrag, pos.regel)
            geprueft.add(pos.regel_id)


def teilnehmende_status_pruefen(antrag: Foerderantrag, nach_status: dict) -> None:
    """Participants reported by residence status must be eligible under the rules the application uses (its cost
    lines' rules, else the Baustein's rules in force at its beginning): e.g. nobody with an employment ban
    (§ 60b) in Baustein F2. A rule without listed statuses restricts nothing."""
    regeln = [p.regel for p in antrag.kostenpositionen.select_related("regel") if p.regel_id]
    if not regeln:
        regeln = list(Foerderregel.objects.filter(baustein_id=antrag.baustein_id).gueltig_am(antrag.beginn))
    zugelassen: set[int] = set()
    for regel in regeln:
        ids = {s.pk for s in regel.zugelassene_status.all()}
        if not ids:
            return
        zugelassen |= ids
    if not regeln:
        return
    fremde = [status for status, anzahl in nach_status.items() if anzahl and status.pk not in zugelassen]
    if fremde:
        raise ValidationError(
            _("Nach den Förderregeln des Bausteins %(b)s können Menschen mit %(s)s nicht teilnehmen.")
            % {"b": antrag.baustein.kurz, "s": ", ".join(str(s) for s in fremde)}
        )
