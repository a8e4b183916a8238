"""Steering reads shared by the coordination's and the Land's pages: the measured state of the nine tasks of the
core group, and the values of the indicators of targets (computed from the registered sources, entered by hand,
kept per quarter), with the small-number rule of the needs analysis wherever a value counts people.

Every function here runs a fixed number of queries, whatever the number of Bündnisse, targets and indicators.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from bedarf import suppression
from berichte.models import Indikator, IndikatorQuelle, Indikatorwert, Zielsetzung, ZielsetzungStatus
from buendnis import registry as buendnis_registry
from buendnis.rules import is_koordination

# The nine tasks: measured in buendnis.selectors (it needs only the registry), re-exported for the steering pages.
from buendnis.selectors import Aufgabenstand, kernaufgaben, kernaufgaben_erfuellt

__all__ = [
    "Aufgabenstand",
    "Messwert",
    "aktuelle_werte",
    "berechnete_werte",
    "im_plan_regel",
    "im_plan_zaehlen",
    "kernaufgaben",
    "kernaufgaben_erfuellt",
    "quartale",
    "schuetzen",
    "verlauf",
]


# Indicator values -------------------------------------------------------------------------------------------------


@dataclass
class Messwert:
    """The value of an indicator as it may be shown: `wert` None when it is unknown or withheld (`gesperrt`)."""

    wert: Decimal | None
    text: str
    gesperrt: bool = False
    art: str = ""  # IndikatorwertArt, or "" for a value computed now
    nachweis: str = ""


def berechnete_werte(indikatoren: list[Indikator], stichtag: datetime.date) -> dict[int, Decimal | None]:
    """Values computed from the registered sources as of `stichtag`, one call per (source, parameter) for all
    Bündnisse. Manual indicators are left out; an unknown source gives None."""
    gruppen: dict[tuple[str, str], list[Indikator]] = defaultdict(list)
    for ind in indikatoren:
        if not ind.manuell:
            gruppen[(ind.quelle, ind.parameter)].append(ind)
    werte: dict[int, Decimal | None] = {}
    for (quelle_key, parameter), gruppe in gruppen.items():
        quelle = buendnis_registry.indikatorquelle(quelle_key)
        if quelle is None:
            werte.update({ind.pk: None for ind in gruppe})
            continue
        je_buendnis = quelle.werte(
            sorted({ind.zielsetzung.buendnis_id for ind in gruppe}), stichtag, parameter
        )
        for ind in gruppe:
            wert = je_buendnis.get(ind.zielsetzung.buendnis_id)
            werte[ind.pk] = None if wert is None else Decimal(wert)
    return werte


def ist_personenzahl(ind: Indikator) -> bool:
    """Whether the indicator counts people (so the small-number rule applies): marked so, or its source counts
    people."""
    if ind.manuell:
        return ind.personenzahl
    quelle = buendnis_registry.indikatorquelle(ind.quelle)
    return bool(quelle and quelle.personen) or ind.personenzahl


def zahl_text(wert: Decimal | None, einheit: str = "") -> str:
    if wert is None:
        return "–"
    stellen = 0 if wert == wert.to_integral_value() else 2
    text = number_format(wert, stellen, use_l10n=True, force_grouping=True)
    return f"{text} {einheit}".strip()


def _klein(wert: Decimal, k: int) -> bool:
    return 0 < abs(wert) < k


def ausgangswert_gesperrt(ind: Indikator) -> bool:
    """The baseline of a count of people is itself a count: withheld when it is between 1 and k-1."""
    return ist_personenzahl(ind) and _klein(ind.ausgangswert, suppression.mindestanzahl())


def schuetzen(ind: Indikator, reihe: list[Decimal | None]) -> list[bool]:
    """Which values of a series (oldest first) of one indicator are withheld under the small-number rule of the
    needs analysis (`bedarf.suppression.mindestanzahl`, k): a count of people is shown only when it is 0 or at
    least k, and when its change against the last value shown (the baseline first, where it is shown) is 0 or at
    least k: two published values must not reveal a small number as their difference."""
    if not ist_personenzahl(ind):
        return [False] * len(reihe)
    k = suppression.mindestanzahl()
    gesperrt: list[bool] = []
    zuletzt = None if ausgangswert_gesperrt(ind) else ind.ausgangswert
    for wert in reihe:
        if wert is None:
            gesperrt.append(False)
            continue
        klein = _klein(wert, k)
        sprung = zuletzt is not None and _klein(wert - zuletzt, k)
        gesperrt.append(klein or sprung)
        if not (klein or sprung):
            zuletzt = wert
    return gesperrt


def messwert(
    ind: Indikator, wert: Decimal | None, gesperrt: bool, art: str = "", nachweis: str = ""
) -> Messwert:
    if gesperrt:
        # Nothing of a withheld value leaves: not the number, not its evidence (which may quote it).
        return Messwert(None, suppression.ZEICHEN, gesperrt=True, art=art)
    return Messwert(wert, zahl_text(wert, ind.einheit), art=art, nachweis=nachweis)


def quartalsende(jahr: int, quartal: int) -> datetime.date:
    monat = quartal * 3
    naechster = datetime.date(jahr + (monat == 12), monat % 12 + 1, 1)
    return naechster - datetime.timedelta(days=1)


def quartal_von(tag: datetime.date) -> tuple[int, int]:
    return tag.year, (tag.month - 1) // 3 + 1


def quartale(von: datetime.date, bis: datetime.date) -> list[tuple[str, datetime.date]]:
    """The quarters from `von` to `bis` as (label "2026/Q3", last day), oldest first."""
    ergebnis = []
    jahr, quartal = quartal_von(von)
    while True:
        ende = quartalsende(jahr, quartal)
        ergebnis.append((f"{jahr}/Q{quartal}", ende))
        if ende >= bis:
            return ergebnis
        jahr, quartal = (jahr + 1, 1) if quartal == 4 else (jahr, quartal + 1)


def letztes_quartalsende(heute: datetime.date) -> datetime.date:
    """The last day of the quarter before the one `heute` falls in."""
    jahr, quartal = quartal_von(heute)
    return quartalsende(jahr - 1, 4) if quartal == 1 else quartalsende(jahr, quartal - 1)


def _laufend(stichtag: datetime.date, heute: datetime.date) -> bool:
    """Today, or the end of the quarter running today: the value known now stands for it."""
    return stichtag == heute or (stichtag > heute and quartal_von(stichtag) == quartal_von(heute))


def verlauf(indikatoren: list[Indikator], stichtage: list[datetime.date], heute: datetime.date | None = None):
    """Values per indicator at each reference date (in the order given), protected: {indikator id: [Messwert]}.

    A kept value (entered by hand, or computed and kept at the end of a quarter) counts for its date; a manual
    value also for later dates until the next one. Today and the end of the running quarter show the value known
    now (computed now for computed indicators); later dates have no value yet.

    The small-number rule decides on the whole series of an indicator (every kept value up to the last date
    asked for, and the dates asked for), not on the dates one page shows: every page then withholds the same
    values, and no two pages together reveal a small change. Two queries plus one per (source, parameter)."""
    heute = heute or timezone.localdate()
    if not stichtage:
        return {ind.pk: [] for ind in indikatoren}
    gespeichert: dict[int, list[Indikatorwert]] = defaultdict(list)
    for w in Indikatorwert.objects.filter(indikator__in=indikatoren, stichtag__lte=max(stichtage)).order_by(
        "stichtag", "pk"
    ):
        gespeichert[w.indikator_id].append(w)
    laufend = [s for s in stichtage if _laufend(s, heute)]
    jetzt = berechnete_werte(indikatoren, heute) if laufend else {}
    ergebnis = {}
    for ind in indikatoren:
        alle = sorted(set(stichtage) | {w.stichtag for w in gespeichert[ind.pk]})
        reihe: list[tuple[Decimal | None, str, str]] = []
        for s in alle:
            passend = [w for w in gespeichert[ind.pk] if w.stichtag <= s]
            exakt = [w for w in passend if w.stichtag == s]
            if exakt:
                w = exakt[-1]
                reihe.append((w.wert, w.art, w.nachweis))
            elif s > heute and not _laufend(s, heute):
                reihe.append((None, "", ""))
            elif not ind.manuell and _laufend(s, heute):
                reihe.append((jetzt.get(ind.pk), "", ""))
            elif ind.manuell and passend:
                w = passend[-1]
                reihe.append((w.wert, w.art, w.nachweis))
            else:
                reihe.append((None, "", ""))
        gesperrt = schuetzen(ind, [r[0] for r in reihe])
        je_tag = {
            s: messwert(ind, wert, g, art, nachweis)
            for s, (wert, art, nachweis), g in zip(alle, reihe, gesperrt, strict=True)
        }
        ergebnis[ind.pk] = [je_tag[s] for s in stichtage]
    return ergebnis


def aktuelle_werte(indikatoren: list[Indikator], heute: datetime.date | None = None) -> dict[int, Messwert]:
    """Today's value of each indicator, protected against the values kept before it (the same decision as on
    every other page)."""
    heute = heute or timezone.localdate()
    if not indikatoren:
        return {}
    return {pk: reihe[-1] for pk, reihe in verlauf(indikatoren, [heute], heute).items()}


def im_plan_zaehlen(zielsetzungen: list[Zielsetzung], werte: dict[int, Messwert], stichtag: datetime.date):
    """(indicators on track, indicators with a value) over the given targets; withheld values count in neither."""
    im_plan = mit_wert = 0
    for z in zielsetzungen:
        for ind in z.indikatoren.all():
            m = werte.get(ind.pk)
            if m is None or m.wert is None:
                continue
            mit_wert += 1
            im_plan += bool(ind.im_plan(m.wert, stichtag))
    return im_plan, mit_wert


def im_plan_regel() -> str:
    return _(
        "Ein Indikator ist im Plan, wenn sein Fortschritt vom Ausgangs- zum Zielwert mindestens dem schon "
        "verstrichenen Anteil des Zeitraums entspricht, abzüglich 10 Prozentpunkten."
    )


# One target on its page -------------------------------------------------------------------------------------------


@dataclass
class Indikatorzeile:
    """One indicator of a target as its page shows it: baseline, target, today's value, progress, on track, the
    value at the end of each quarter of the period, and the values entered by hand (each protected)."""

    indikator: Indikator
    ausgangswert: Messwert
    zielwert: str
    aktuell: Messwert
    quartale: list[Messwert]
    erfasst: list[tuple[datetime.date, Messwert]] = field(default_factory=list)
    fortschritt: Decimal | None = None
    im_plan: bool | None = None
    personen: bool = False
    quelle_label: str = ""
    parameter_label: str = ""

    @property
    def fortschritt_prozent(self) -> int | None:
        """Progress in percent (may be below 0 or above 100); None when unknown or withheld."""
        if self.fortschritt is None:
            return None
        return int((self.fortschritt * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def balken(self) -> int | None:
        """The progress bar's value, 0..100."""
        prozent = self.fortschritt_prozent
        return None if prozent is None else max(0, min(100, prozent))


@dataclass
class Zielstand:
    """What the page of a target shows: a row per indicator, the quarters of the period, the count on track."""

    zeilen: list[Indikatorzeile]
    quartale: list[tuple[str, datetime.date]]
    heute: datetime.date
    im_plan: int = 0
    mit_wert: int = 0
    erwarteter_anteil: Decimal = Decimal(0)


def quelle_label(ind: Indikator) -> str:
    if ind.manuell:
        return _("von Hand erfasst (mit Nachweis)")
    quelle = buendnis_registry.indikatorquelle(ind.quelle)
    if quelle is None:
        return _("unbekannte Quelle „%(q)s“") % {"q": ind.quelle}
    return str(quelle.label)


def parameter_labels(indikatoren: list[Indikator]) -> dict[tuple[str, str], str]:
    """The label of each (source, parameter) in use, e.g. the name of a Kategorie for its code: one call of the
    source's choices per source, however many indicators use it."""
    labels: dict[tuple[str, str], str] = {}
    for key in sorted({ind.quelle for ind in indikatoren if ind.parameter and not ind.manuell}):
        quelle = buendnis_registry.indikatorquelle(key)
        if quelle is not None and quelle.parameter_auswahl is not None:
            labels.update({(key, wert): str(label) for wert, label in quelle.parameter_auswahl()})
    return labels


def zielstand(zielsetzung: Zielsetzung, heute: datetime.date | None = None) -> Zielstand:
    """The indicators of one target with their protected values: today, at each quarter end of the period and as
    entered by hand, all from one series per indicator, so the small-number rule decides once for the page.
    Three queries plus one per (source, parameter)."""
    heute = heute or timezone.localdate()
    indikatoren = list(zielsetzung.indikatoren.all())
    for ind in indikatoren:
        ind.zielsetzung = zielsetzung  # the sources need its Bündnis; no query per indicator
    quartalsliste = quartale(zielsetzung.zeitraum_von, zielsetzung.zeitraum_bis)
    gespeichert = defaultdict(list)
    for w in Indikatorwert.objects.filter(indikator__in=indikatoren).order_by("stichtag", "pk"):
        gespeichert[w.indikator_id].append(w)
    tage = {s for _label, s in quartalsliste} | {heute}
    tage |= {w.stichtag for werte in gespeichert.values() for w in werte}
    stichtage = sorted(tage)
    index = {s: i for i, s in enumerate(stichtage)}
    reihen = verlauf(indikatoren, stichtage, heute) if indikatoren else {}
    labels = parameter_labels(indikatoren)
    zeilen = []
    im_plan = mit_wert = 0
    for ind in indikatoren:
        reihe = reihen[ind.pk]
        aktuell = reihe[index[heute]]
        ausgang_gesperrt = ausgangswert_gesperrt(ind)
        zeile = Indikatorzeile(
            indikator=ind,
            ausgangswert=messwert(ind, ind.ausgangswert, ausgang_gesperrt),
            zielwert=zahl_text(ind.zielwert, ind.einheit),
            aktuell=aktuell,
            quartale=[reihe[index[s]] for _label, s in quartalsliste],
            erfasst=[(w.stichtag, reihe[index[w.stichtag]]) for w in gespeichert[ind.pk] if ind.manuell],
            personen=ist_personenzahl(ind),
            quelle_label=quelle_label(ind),
            parameter_label=labels.get((ind.quelle, ind.parameter), ind.parameter),
        )
        if aktuell.wert is not None and not ausgang_gesperrt:
            # Progress and "on track" are derived from the value: only where the value itself is shown.
            zeile.fortschritt = ind.fortschritt(aktuell.wert)
            zeile.im_plan = ind.im_plan(aktuell.wert, heute)
            mit_wert += 1
            im_plan += bool(zeile.im_plan)
        zeilen.append(zeile)
    return Zielstand(
        zeilen=zeilen,
        quartale=quartalsliste,
        heute=heute,
        im_plan=im_plan,
        mit_wert=mit_wert,
        erwarteter_anteil=zielsetzung.erwarteter_anteil(heute),
    )


@dataclass
class Zielkarte:
    """An agreed target on a dashboard: "x von y Indikatoren im Plan"."""

    zielsetzung: Zielsetzung
    im_plan: int
    mit_wert: int
    anzahl: int


def zielkarten(zielsetzungen: list[Zielsetzung], heute: datetime.date | None = None) -> list[Zielkarte]:
    """The count on track per target (indicators prefetched); a fixed number of queries for all of them."""
    heute = heute or timezone.localdate()
    indikatoren = [ind for z in zielsetzungen for ind in z.indikatoren.all()]
    werte = aktuelle_werte(indikatoren, heute) if indikatoren else {}
    karten = []
    for z in zielsetzungen:
        im_plan, mit_wert = im_plan_zaehlen([z], werte, heute)
        karten.append(Zielkarte(z, im_plan, mit_wert, len(z.indikatoren.all())))
    return karten


# The version history of a target ------------------------------------------------------------------------------------


def fassungen(zielsetzung: Zielsetzung, user) -> list[Zielsetzung]:
    """Every version of the target the user may see, newest first (the chain through `vorgaenger`): at most one
    query per version, and versions are few."""
    kette = [zielsetzung]
    vorgaenger_id = zielsetzung.vorgaenger_id
    sichtbar = Zielsetzung.objects.visible_to(user)
    while vorgaenger_id:
        vorige = sichtbar.filter(pk=vorgaenger_id).first()
        if vorige is None:
            break
        kette.append(vorige)
        vorgaenger_id = vorige.vorgaenger_id
    nachfolger = sichtbar.filter(vorgaenger=zielsetzung).first()
    while nachfolger is not None:
        kette.insert(0, nachfolger)
        nachfolger = sichtbar.filter(vorgaenger=nachfolger).first()
    return kette


@dataclass
class Rueckgabe:
    """The Land's comment when it sent a submitted target back to the draft."""

    kommentar: str
    am: datetime.datetime
    von: str


def rueckgabe(zielsetzung: Zielsetzung) -> Rueckgabe | None:
    """The last time the Land sent this draft back, with its comment; None when the draft was not sent back
    since it was last submitted (the comment is kept in `Zielsetzung.rueckmeldung`, and so in the history record of the return)."""
    if zielsetzung.status != ZielsetzungStatus.ENTWURF:
        return None
    eintraege = list(
        zielsetzung.history.order_by("-history_date", "-history_id")
        .select_related("history_user")
        .only("status", "rueckmeldung", "history_date", "history_change_reason", "history_user")[:50]
    )
    for neuer, aelter in zip(eintraege, eintraege[1:], strict=False):
        if neuer.status == ZielsetzungStatus.ENTWURF and aelter.status == ZielsetzungStatus.VORGELEGT:
            person = neuer.history_user
            return Rueckgabe(
                kommentar=neuer.rueckmeldung or neuer.history_change_reason or "",
                am=neuer.history_date,
                von=person.anzeigename() if person is not None else "",
            )
        if neuer.status != ZielsetzungStatus.ENTWURF:
            return None
    return None


# What waits for whom ("Meine Aufgaben") -----------------------------------------------------------------------------


def zur_vereinbarung(user):
    """Targets the Bündnisse put before the Land and that wait for its decision (for the Land)."""
    if not (user.is_authenticated and user.is_active and user.has_perm("berichte.vereinbaren_zielsetzung")):
        return Zielsetzung.objects.none()
    return Zielsetzung.objects.visible_to(user).filter(status=ZielsetzungStatus.VORGELEGT)


def zur_vereinbarung_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    eintraege = []
    for z in zur_vereinbarung(user).select_related("buendnis").order_by("updated_at", "pk")[:n]:
        detail = _("%(b)s · Fassung %(f)d · vorgelegt am %(d)s") % {
            "b": z.buendnis.name,
            "f": z.fassung,
            "d": timezone.localtime(z.updated_at).strftime("%d.%m.%Y"),
        }
        eintraege.append((z.titel, z.get_absolute_url(), detail))
    return eintraege


def zurueckgegebene(user):
    """Drafts of the user's Bündnis that the Land sent back and that wait for the coordination."""
    if not (user.is_authenticated and user.is_active and user.buendnis_id and is_koordination(user)):
        return Zielsetzung.objects.none()
    historie = Zielsetzung.history.model.objects.filter(id=OuterRef("pk"), status=ZielsetzungStatus.VORGELEGT)
    return (
        Zielsetzung.objects.visible_to(user).filter(status=ZielsetzungStatus.ENTWURF).filter(Exists(historie))
    )


def zurueckgegebene_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    eintraege = []
    for z in zurueckgegebene(user).order_by("-updated_at", "pk")[:n]:
        detail = _("vom Land zurückgegeben · Fassung %(f)d") % {"f": z.fassung}
        eintraege.append((z.titel, z.get_absolute_url(), detail))
    return eintraege


# Quarterly values ---------------------------------------------------------------------------------------------------


def zu_sichern(stichtag: datetime.date):
    """The computed indicators of the agreed targets whose period covers the quarter that ends on `stichtag`."""
    jahr, quartal = quartal_von(stichtag)
    quartalsbeginn = datetime.date(jahr, quartal * 3 - 2, 1)
    return (
        Indikator.objects.filter(
            zielsetzung__status=ZielsetzungStatus.VEREINBART,
            zielsetzung__zeitraum_von__lte=stichtag,
            zielsetzung__zeitraum_bis__gte=quartalsbeginn,
        )
        .exclude(quelle=IndikatorQuelle.MANUELL)
        .select_related("zielsetzung")
    )


def fehlende_quartalswerte(stichtag: datetime.date) -> bool:
    """Whether a computed indicator of an agreed target still lacks its kept value for this quarter end."""
    return zu_sichern(stichtag).exclude(werte__stichtag=stichtag).exists()
