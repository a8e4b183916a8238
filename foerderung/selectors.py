"""Reads that span models or feed reports: the budget overview and the Teilhabemanagement positions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from buendnis.models import Kommune, User

from .models import (
    BEANTRAGTE_STATUS,
    BEWILLIGTE_STATUS,
    AntragStatus,
    Budget,
    BudgetKommune,
    Foerderantrag,
    Foerderbaustein,
    Mittelabruf,
    MonitoringMeldung,
    MonitoringStatuszahl,
    TeilhabeFallzahlStatus,
    TeilhabeStelle,
)

NULL = Decimal("0.00")


def summe(feld: str, **filter_kwargs):
    """A money sum that is 0.00 (not None) over no rows; `filter_kwargs` restrict the summed rows."""
    expr = Sum(feld, filter=Q(**filter_kwargs)) if filter_kwargs else Sum(feld)
    return Coalesce(expr, Value(NULL), output_field=DecimalField(max_digits=14, decimal_places=2))


@dataclass
class Budgetzeile:
    """One row of the budget overview; `verfuegbar` = allocated − approved, `offen` = approved − drawn."""

    bezeichnung: str
    objekt: object = None
    zugewiesen: Decimal = NULL
    beantragt: Decimal = NULL
    bewilligt: Decimal = NULL
    abgerufen: Decimal = NULL

    @property
    def verfuegbar(self) -> Decimal:
        return self.zugewiesen - self.bewilligt

    @property
    def offen(self) -> Decimal:
        return self.bewilligt - self.abgerufen

    def addiere(self, other: Budgetzeile) -> None:
        self.zugewiesen += other.zugewiesen
        self.beantragt += other.beantragt
        self.bewilligt += other.bewilligt
        self.abgerufen += other.abgerufen


@dataclass
class Budgetuebersicht:
    jahr: int | None
    nach_baustein: list[Budgetzeile] = field(default_factory=list)
    nach_kommune: list[Budgetzeile] = field(default_factory=list)
    summe: Budgetzeile = field(default_factory=lambda: Budgetzeile(_("Summe")))

    @property
    def summe_baustein(self) -> Budgetzeile:
        return _summenzeile(self.nach_baustein)

    @property
    def summe_kommune(self) -> Budgetzeile:
        return _summenzeile(self.nach_kommune)


def _summenzeile(zeilen: list[Budgetzeile]) -> Budgetzeile:
    summe = Budgetzeile(_("Summe"))
    for zeile in zeilen:
        summe.addiere(zeile)
    return summe


def budgetuebersicht(user: User, jahr: int | None = None, buendnis_id: int | None = None) -> Budgetuebersicht:
    """Funds allocated, requested, approved, drawn and remaining, per Förderbaustein and per Kommune.

    "beantragt" counts submitted applications that were not refused or withdrawn; "bewilligt" counts approved
    ones (including those past proof of use). Applications without a Kommune and budget not earmarked for a
    Kommune appear in a "kreisweit" row, so both tables add up to the same totals to the cent. Five queries.
    """
    budgets = Budget.objects.visible_to(user)
    antraege = Foerderantrag.objects.visible_to(user)
    abrufe = Mittelabruf.objects.visible_to(user)
    kommune_budgets = BudgetKommune.objects.visible_to(user)
    if jahr:
        budgets = budgets.filter(jahr=jahr)
        antraege = antraege.filter(haushaltsjahr=jahr)
        abrufe = abrufe.filter(antrag__haushaltsjahr=jahr)
        kommune_budgets = kommune_budgets.filter(budget__jahr=jahr)
    if buendnis_id:
        budgets = budgets.filter(buendnis_id=buendnis_id)
        antraege = antraege.filter(buendnis_id=buendnis_id)
        abrufe = abrufe.filter(antrag__buendnis_id=buendnis_id)
        kommune_budgets = kommune_budgets.filter(budget__buendnis_id=buendnis_id)

    zugewiesen_b = dict(budgets.values_list("baustein").annotate(s=summe("betrag")).order_by())
    antrag_werte = list(
        antraege.values("baustein_id", "kommune_id")
        .annotate(
            beantragt=summe("beantragt", status__in=BEANTRAGTE_STATUS),
            bewilligt=summe("bewilligt_betrag", status__in=BEWILLIGTE_STATUS),
        )
        .order_by()
    )
    abruf_werte = list(
        abrufe.values("antrag__baustein_id", "antrag__kommune_id").annotate(s=summe("betrag")).order_by()
    )
    zugewiesen_k = dict(kommune_budgets.values_list("kommune").annotate(s=summe("betrag")).order_by())

    bausteine = {b.pk: b for b in Foerderbaustein.objects.select_related("programm")}
    nach_baustein = {
        pk: Budgetzeile(str(b), b, zugewiesen=zugewiesen_b.get(pk, NULL)) for pk, b in bausteine.items()
    }
    kommune_ids = {w["kommune_id"] for w in antrag_werte} | {w["antrag__kommune_id"] for w in abruf_werte}
    kommune_ids |= set(zugewiesen_k)
    kommune_ids.discard(None)
    kommunen = {k.pk: k for k in Kommune.objects.filter(pk__in=kommune_ids)} if kommune_ids else {}
    nach_kommune = {
        pk: Budgetzeile(k.name, k, zugewiesen=zugewiesen_k.get(pk, NULL)) for pk, k in kommunen.items()
    }
    kreisweit = Budgetzeile(_("kreisweit / nicht auf Kommunen aufgeteilt"), None)
    kreisweit.zugewiesen = sum(zugewiesen_b.values(), NULL) - sum(zugewiesen_k.values(), NULL)

    for w in antrag_werte:
        zeile_b = nach_baustein[w["baustein_id"]]
        zeile_k = nach_kommune.get(w["kommune_id"], kreisweit)
        for zeile in (zeile_b, zeile_k):
            zeile.beantragt += w["beantragt"]
            zeile.bewilligt += w["bewilligt"]
    for w in abruf_werte:
        nach_baustein[w["antrag__baustein_id"]].abgerufen += w["s"]
        nach_kommune.get(w["antrag__kommune_id"], kreisweit).abgerufen += w["s"]

    uebersicht = Budgetuebersicht(jahr=jahr)
    uebersicht.nach_baustein = sorted(
        nach_baustein.values(), key=lambda z: (z.objekt.programm_id, z.objekt.nummer)
    )
    uebersicht.nach_kommune = sorted(nach_kommune.values(), key=lambda z: z.bezeichnung)
    if any((kreisweit.zugewiesen, kreisweit.beantragt, kreisweit.bewilligt, kreisweit.abgerufen)):
        uebersicht.nach_kommune.append(kreisweit)
    uebersicht.summe = uebersicht.summe_baustein
    return uebersicht


@dataclass
class Teilhabeuebersicht:
    stellen: list
    summe_vze: Decimal
    besetzt_vze: Decimal
    vakant_vze: Decimal
    nach_kommune: list[dict]


def teilhabemanagement_stellen(user: User) -> Teilhabeuebersicht:
    """Teilhabemanagement positions (Baustein VI) the user may see, with VZÄ totals per Kommune and the
    latest quarterly caseload of each position. Two queries."""
    stellen = list(
        TeilhabeStelle.objects.visible_to(user)
        .for_list()
        .prefetch_related("fallzahlen")
        .order_by("buendnis__name", "kommune__name", "bezeichnung")
    )
    nach_kommune: dict[int, dict] = {}
    for stelle in stellen:
        fallzahlen = sorted(stelle.fallzahlen.all(), key=lambda f: (f.jahr, f.quartal))
        stelle.letzte_fallzahl = fallzahlen[-1] if fallzahlen else None
        eintrag = nach_kommune.setdefault(
            stelle.kommune_id, {"kommune": stelle.kommune, "vze": NULL, "besetzt_vze": NULL, "stellen": 0}
        )
        eintrag["vze"] += stelle.vze
        eintrag["stellen"] += 1
        if stelle.ist_besetzt:
            eintrag["besetzt_vze"] += stelle.vze
    summe = sum((s.vze for s in stellen), NULL)
    besetzt = sum((s.vze for s in stellen if s.ist_besetzt), NULL)
    return Teilhabeuebersicht(
        stellen=stellen,
        summe_vze=summe,
        besetzt_vze=besetzt,
        vakant_vze=summe - besetzt,
        nach_kommune=list(nach_kommune.values()),
    )


def faelliges_fuer_kommune(user: User, heute: datetime.date | None = None) -> dict:
    """For a Kommune user: its applications and what is due (drafts to submit, monitoring of the last quarter,
    proof of use after the end of the funding period). Three queries."""
    heute = heute or timezone.localdate()
    antraege = list(
        Foerderantrag.objects.visible_to(user)
        .filter(kommune_id=user.kommune_id)
        .select_related("baustein")
        .order_by("-updated_at")[:50]
    )
    quartal_ende = datetime.date(heute.year, 3 * ((heute.month - 1) // 3) + 1, 1) - datetime.timedelta(days=1)
    vorquartal = (quartal_ende.year, (quartal_ende.month - 1) // 3 + 1)
    bewilligte = [a for a in antraege if a.status == AntragStatus.BEWILLIGT]
    gemeldet = (
        set(
            MonitoringMeldung.objects.filter(
                antrag__in=bewilligte, jahr=vorquartal[0], quartal=vorquartal[1]
            ).values_list("antrag_id", flat=True)
        )
        if bewilligte
        else set()
    )
    faellig = []
    for a in antraege:
        if a.status == AntragStatus.ENTWURF:
            faellig.append((a, _("Entwurf noch nicht eingereicht")))
        elif a.status == AntragStatus.BEWILLIGT:
            if a.beginn <= quartal_ende and a.pk not in gemeldet:
                faellig.append(
                    (a, _("Monitoring %(q)s/%(j)s fehlt") % {"q": vorquartal[1], "j": vorquartal[0]})
                )
            if a.ende < heute:
                faellig.append((a, _("Verwendungsnachweis fällig")))
    return {"antraege": antraege, "faellig": faellig}


def teilnehmende_nach_status(user: User, jahr: int | None = None) -> list[dict]:
    """Participants per Aufenthaltsstatus summed over the monitoring quarters of the visible applications, and
    people advised per status by the Teilhabemanagement (aggregate counts only). Two queries."""
    antraege = Foerderantrag.objects.visible_to(user).values("pk")
    stellen = TeilhabeStelle.objects.visible_to(user).values("pk")
    monitoring = MonitoringStatuszahl.objects.filter(meldung__antrag__in=antraege)
    fallzahlen = TeilhabeFallzahlStatus.objects.filter(fallzahl__stelle__in=stellen)
    if jahr:
        monitoring = monitoring.filter(meldung__jahr=jahr)
        fallzahlen = fallzahlen.filter(fallzahl__jahr=jahr)
    zeilen: dict[str, dict] = {}
    felder = ("aufenthaltsstatus__code", "aufenthaltsstatus__bezeichnung", "aufenthaltsstatus__reihenfolge")
    for schluessel, qs in (("teilnehmende", monitoring), ("beratene", fallzahlen)):
        for w in qs.values(*felder).annotate(summe=Sum("anzahl")).order_by():
            zeile = zeilen.setdefault(
                w["aufenthaltsstatus__code"],
                {
                    "code": w["aufenthaltsstatus__code"],
                    "bezeichnung": w["aufenthaltsstatus__bezeichnung"],
                    "reihenfolge": w["aufenthaltsstatus__reihenfolge"],
                    "teilnehmende": 0,
                    "beratene": 0,
                },
            )
            zeile[schluessel] = w["summe"]
    return sorted(zeilen.values(), key=lambda z: (z["reihenfolge"], z["bezeichnung"]))
