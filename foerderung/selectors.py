"""Reads that span models or feed reports: the budget overview, the Teilhabemanagement positions, and the monitoring
and case counts protected against small numbers (`sieht_zahlen_roh` decides who sees them unprotected)."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bedarf import audit, suppression
from bedarf.suppression import Wert
from buendnis.choices import Baustein, Rolle
from buendnis.models import Buendnis, Kommune, User
from buendnis.models.base import sees_all_buendnisse
from buendnis.rules import is_kommune, is_mitglied

from .models import (
    BEANTRAGTE_STATUS,
    BEWILLIGTE_STATUS,
    AntragStatus,
    Budget,
    BudgetKommune,
    Entscheider,
    Foerderantrag,
    Foerderbaustein,
    Foerderregel,
    Mittelabruf,
    MonitoringMeldung,
    TeilhabeFallzahl,
    TeilhabeStelle,
    Zuwendungsbescheid,
)
from .models.programm import auf_cent, eur

NULL = Decimal("0.00")


def summe(feld: str, **filter_kwargs):
    """A money sum that is 0.00 (not None) over no rows; `filter_kwargs` restrict the summed rows."""
    expr = Sum(feld, filter=Q(**filter_kwargs)) if filter_kwargs else Sum(feld)
    return Coalesce(expr, Value(NULL), output_field=DecimalField(max_digits=14, decimal_places=2))


@dataclass
class Budgetzeile:
    """One row of the budget overview (a Förderbaustein, Bündnis, Kommune or programme).

    `zugewiesen`: the Land's allocation (`Budget`; for a Kommune the coordination's earmark); `bescheid`: what
    the Land granted by Zuwendungsbescheid; `bewilligt`: what the Kreis passed on (approved applications);
    `abgerufen`: drawn. For modules the Land decides itself (Innovationsfonds) each approval is allocation, grant
    and approval at once. Every figure is a sum of rows, so the rows of any table add up to its total to the cent.
    """

    bezeichnung: str
    objekt: object = None
    zugewiesen: Decimal = NULL
    bescheid: Decimal = NULL
    beantragt: Decimal = NULL
    bewilligt: Decimal = NULL
    abgerufen: Decimal = NULL
    # The volume of the Förderbaustein or programme over its whole run; only in the state's overall view.
    volumen: Decimal | None = None

    @property
    def verfuegbar(self) -> Decimal:
        """Allocated but not yet passed on."""
        return self.zugewiesen - self.bewilligt

    @property
    def weiterleitbar(self) -> Decimal:
        """Granted by the Land and not yet passed on: what the Kreis may still approve."""
        return self.bescheid - self.bewilligt

    @property
    def offen(self) -> Decimal:
        return self.bewilligt - self.abgerufen

    @property
    def nicht_verteilt(self) -> Decimal | None:
        """Of the volume, what is not allocated to a Bündnis (None without a volume)."""
        return None if self.volumen is None else self.volumen - self.zugewiesen

    def addiere(self, other: Budgetzeile) -> None:
        self.zugewiesen += other.zugewiesen
        self.bescheid += other.bescheid
        self.beantragt += other.beantragt
        self.bewilligt += other.bewilligt
        self.abgerufen += other.abgerufen
        if other.volumen is not None:
            self.volumen = (self.volumen or NULL) + other.volumen


@dataclass
class Budgetuebersicht:
    """The budget overview as one user may see it: per Förderbaustein always; per Bündnis for the state (never
    broken down by the Kommunen of a Kreis); per Kommune for a Bündnis (a Kommune user: only its own row)."""

    jahr: int | None
    nach_baustein: list[Budgetzeile] = field(default_factory=list)
    nach_kommune: list[Budgetzeile] = field(default_factory=list)
    nach_buendnis: list[Budgetzeile] = field(default_factory=list)
    nach_programm: list[Budgetzeile] = field(default_factory=list)
    summe: Budgetzeile = field(default_factory=lambda: Budgetzeile(_("Summe")))
    # The state's overall view (all Bündnisse, no filter): volumes are compared with the allocations.
    gesamtsicht: bool = False
    je_kommune: bool = True

    @property
    def summe_baustein(self) -> Budgetzeile:
        return _summenzeile(self.nach_baustein)

    @property
    def summe_kommune(self) -> Budgetzeile:
        return _summenzeile(self.nach_kommune)

    @property
    def summe_buendnis(self) -> Budgetzeile:
        return _summenzeile(self.nach_buendnis)


def _summenzeile(zeilen: list[Budgetzeile]) -> Budgetzeile:
    summe = Budgetzeile(_("Summe"))
    for zeile in zeilen:
        summe.addiere(zeile)
    return summe


def _land_entscheidet(bausteine: dict[int, Foerderbaustein]) -> set[int]:
    """The Förderbausteine whose applications the Land decides (any rule version says so; without rules the
    programme's default: the Innovationsfonds). One query."""
    entscheider: dict[int, set[str]] = defaultdict(set)
    for baustein_id, wer in Foerderregel.objects.values_list("baustein_id", "entscheidet").distinct():
        entscheider[baustein_id].add(wer)
    return {
        pk
        for pk, b in bausteine.items()
        if Entscheider.LAND in entscheider.get(pk, ()) or (pk not in entscheider and b.nummer == Baustein.F5)
    }


def budgetuebersicht(user: User, jahr: int | None = None, buendnis_id: int | None = None) -> Budgetuebersicht:
    """Funds allocated, granted by the Land, requested, passed on (approved), drawn and remaining, per
    Förderbaustein, per Bündnis (the state's view) and per Kommune (a Bündnis's view), each aggregated in the
    database.

    "beantragt" counts submitted applications that were not refused or withdrawn; "bewilligt" counts approved
    ones (including those past proof of use). Applications without a Kommune and budget not earmarked for a
    Kommune appear in a "kreisweit" row, so every table adds up to the same totals to the cent. The state (`land`)
    gets Bündnisse, never the Kommunen of a Kreis; a Kommune user gets its own Kommune only (its earmarks and its
    applications). At most nine queries, whatever the number of rows.
    """
    # `user` may be None (a report rendered without a reader): the querysets then see nothing.
    angemeldet = bool(getattr(user, "is_authenticated", False))
    land_sicht = angemeldet and sees_all_buendnisse(user) and (user.rolle == Rolle.LAND or not buendnis_id)
    nur_kommune = angemeldet and is_kommune(user) and user.kommune_id
    budgets = Budget.objects.visible_to(user)
    kommune_budgets = BudgetKommune.objects.visible_to(user)
    bescheide = Zuwendungsbescheid.objects.visible_to(user)
    antraege = Foerderantrag.objects.visible_to(user)
    abrufe = Mittelabruf.objects.visible_to(user)
    if jahr:
        budgets = budgets.filter(jahr=jahr)
        kommune_budgets = kommune_budgets.filter(budget__jahr=jahr)
        bescheide = bescheide.filter(jahr=jahr)
        antraege = antraege.filter(haushaltsjahr=jahr)
        abrufe = abrufe.filter(antrag__haushaltsjahr=jahr)
    if buendnis_id:
        budgets = budgets.filter(buendnis_id=buendnis_id)
        kommune_budgets = kommune_budgets.filter(budget__buendnis_id=buendnis_id)
        bescheide = bescheide.filter(buendnis_id=buendnis_id)
        antraege = antraege.filter(buendnis_id=buendnis_id)
        abrufe = abrufe.filter(antrag__buendnis_id=buendnis_id)
    if nur_kommune:
        # A Kommune's share of the figures: its earmarks and its applications; the Kreis's notices are not its.
        budgets = budgets.none()
        bescheide = bescheide.none()
        kommune_budgets = kommune_budgets.filter(kommune_id=user.kommune_id)
        antraege = antraege.filter(kommune_id=user.kommune_id)
        abrufe = abrufe.filter(antrag__kommune_id=user.kommune_id)

    bausteine = {b.pk: b for b in Foerderbaustein.objects.select_related("programm")}
    land_bausteine = _land_entscheidet(bausteine)
    budget_werte = list(budgets.values("baustein_id", "buendnis_id").annotate(s=summe("betrag")).order_by())
    bescheid_werte = list(
        bescheide.values("baustein_id", "buendnis_id").annotate(s=summe("betrag")).order_by()
    )
    # The state's rows never break a Bündnis down by Kommune: grouped without it, a few hundred rows come back
    # instead of one per Kommune and Förderbaustein (tens of thousands on the all-Germany data).
    je_kommune = () if land_sicht else ("kommune_id",)
    antrag_werte = list(
        antraege.values("baustein_id", "buendnis_id", *je_kommune)
        .annotate(
            beantragt=summe("beantragt", status__in=BEANTRAGTE_STATUS),
            bewilligt=summe("bewilligt_betrag", status__in=BEWILLIGTE_STATUS),
        )
        .order_by()
    )
    abruf_werte = list(
        abrufe.values("antrag__baustein_id", "antrag__buendnis_id", *(f"antrag__{f}" for f in je_kommune))
        .annotate(s=summe("betrag"))
        .order_by()
    )
    kommune_werte = (
        []
        if land_sicht
        else list(
            kommune_budgets.values("kommune_id", "budget__baustein_id").annotate(s=summe("betrag")).order_by()
        )
    )

    # SQLite sums decimals with binary floating point; back to whole cents (a no-op on PostgreSQL).
    for w in (*budget_werte, *bescheid_werte, *abruf_werte, *kommune_werte):
        w["s"] = auf_cent(w["s"])
    for w in antrag_werte:
        w["beantragt"], w["bewilligt"] = auf_cent(w["beantragt"]), auf_cent(w["bewilligt"])

    nach_baustein = {pk: Budgetzeile(str(b), b) for pk, b in bausteine.items()}
    buendnis_ids = {w["buendnis_id"] for w in (*budget_werte, *bescheid_werte, *antrag_werte)}
    buendnis_ids |= {w["antrag__buendnis_id"] for w in abruf_werte}
    nach_buendnis: dict[int, Budgetzeile] = {}
    if land_sicht and buendnis_ids:
        nach_buendnis = {
            b.pk: Budgetzeile(b.name, b)
            for b in Buendnis.objects.filter(pk__in=buendnis_ids).only("pk", "name")
        }
    kommune_ids = set()
    if not land_sicht:
        kommune_ids = {w["kommune_id"] for w in antrag_werte} | {w["antrag__kommune_id"] for w in abruf_werte}
        kommune_ids |= {w["kommune_id"] for w in kommune_werte}
        kommune_ids.discard(None)
    nach_kommune = (
        {k.pk: Budgetzeile(k.name, k) for k in Kommune.objects.filter(pk__in=kommune_ids).only("pk", "name")}
        if kommune_ids
        else {}
    )
    kreisweit = Budgetzeile(_("kreisweit / nicht auf Kommunen aufgeteilt"), None)

    def zeilen(baustein_id, buendnis_id, kommune_id=None, *, kommune: bool = True):
        out = [nach_baustein[baustein_id]]
        if buendnis_id in nach_buendnis:
            out.append(nach_buendnis[buendnis_id])
        if kommune and not land_sicht:
            out.append(nach_kommune.get(kommune_id, kreisweit))
        return out

    for w in budget_werte:
        for zeile in zeilen(w["baustein_id"], w["buendnis_id"], kommune=False):
            zeile.zugewiesen += w["s"]
        if not land_sicht:
            kreisweit.zugewiesen += w["s"]
    for w in kommune_werte:
        # An earmark moves part of the Bündnis budget from the kreisweit row to the Kommune's row; for a Kommune
        # user it is the whole allocation it sees.
        nach_kommune[w["kommune_id"]].zugewiesen += w["s"]
        if nur_kommune:
            nach_baustein[w["budget__baustein_id"]].zugewiesen += w["s"]
        else:
            kreisweit.zugewiesen -= w["s"]
    for w in bescheid_werte:
        for zeile in zeilen(w["baustein_id"], w["buendnis_id"]):
            zeile.bescheid += w["s"]
    for w in antrag_werte:
        land = w["baustein_id"] in land_bausteine
        for zeile in zeilen(w["baustein_id"], w["buendnis_id"], w.get("kommune_id")):
            zeile.beantragt += w["beantragt"]
            zeile.bewilligt += w["bewilligt"]
            if land:
                # The Land's own decision is its allocation and its grant.
                zeile.zugewiesen += w["bewilligt"]
                zeile.bescheid += w["bewilligt"]
    for w in abruf_werte:
        for zeile in zeilen(w["antrag__baustein_id"], w["antrag__buendnis_id"], w.get("antrag__kommune_id")):
            zeile.abgerufen += w["s"]

    uebersicht = Budgetuebersicht(jahr=jahr, gesamtsicht=bool(land_sicht and not buendnis_id))
    uebersicht.je_kommune = not land_sicht
    uebersicht.nach_baustein = sorted(
        nach_baustein.values(), key=lambda z: (z.objekt.programm_id, z.objekt.nummer)
    )
    if uebersicht.gesamtsicht:
        programme: dict[int, Budgetzeile] = {}
        for zeile in uebersicht.nach_baustein:
            zeile.volumen = zeile.objekt.volumen or NULL
            programm = zeile.objekt.programm
            summe_p = programme.setdefault(programm.pk, Budgetzeile(programm.name, programm))
            summe_p.addiere(zeile)
        for summe_p in programme.values():
            # The programme's own volume (e.g. 50 million euros), not the sum of the modules' volumes.
            summe_p.volumen = summe_p.objekt.gesamtvolumen
        uebersicht.nach_programm = list(programme.values())
    uebersicht.nach_buendnis = sorted(nach_buendnis.values(), key=lambda z: z.bezeichnung)
    uebersicht.nach_kommune = sorted(nach_kommune.values(), key=lambda z: z.bezeichnung)
    if not nur_kommune and any(
        (
            kreisweit.zugewiesen,
            kreisweit.bescheid,
            kreisweit.beantragt,
            kreisweit.bewilligt,
            kreisweit.abgerufen,
        )
    ):
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
    """Teilhabemanagement positions (Baustein F6) the user may see, with VZÄ totals per Kommune. One query.

    Case counts are not part of it: they leave the owning Kommune only protected (`fallzahlen_tabelle`,
    `teilnehmende_nach_status`)."""
    stellen = list(
        TeilhabeStelle.objects.visible_to(user)
        .for_list()
        .order_by("buendnis__name", "kommune__name", "bezeichnung")
    )
    nach_kommune: dict[int, dict] = {}
    for stelle in stellen:
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
    the proof of use with its deadline after the end of the funding period, a confirmed repayment claim with
    its amount and due date). Two queries."""
    heute = heute or timezone.localdate()
    antraege = list(
        Foerderantrag.objects.visible_to(user)
        .filter(kommune_id=user.kommune_id)
        .select_related("baustein", "verwendungsnachweis")
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
                faellig.append((a, _vn_frist_text(a.vn_frist, heute)))
        else:
            rueckforderung = _offene_rueckforderung(a)
            if rueckforderung is not None:
                faellig.append((a, _rueckforderung_text(rueckforderung, heute)))
    return {"antraege": antraege, "faellig": faellig}


def _vn_frist_text(frist: datetime.date, heute: datetime.date) -> str:
    if frist < heute:
        return _("Verwendungsnachweis überfällig (Frist %(d)s)") % {"d": frist.strftime("%d.%m.%Y")}
    return _("Verwendungsnachweis fällig bis %(d)s") % {"d": frist.strftime("%d.%m.%Y")}


def _offene_rueckforderung(antrag: Foerderantrag):
    """The proof of use of `antrag` if its review confirmed a repayment claim not yet settled: the application is
    closed (abgeschlossen) once the claim is settled. Reads the row fetched with the application."""
    if antrag.status != AntragStatus.VN_GEPRUEFT:
        return None
    vn = getattr(antrag, "verwendungsnachweis", None)
    if vn is None or vn.rueckforderung <= 0 or vn.rueckforderung_faellig_am is None:
        return None
    return vn


def _rueckforderung_text(vn, heute: datetime.date) -> str:
    werte = {"b": eur(vn.rueckforderung), "d": vn.rueckforderung_faellig_am.strftime("%d.%m.%Y")}
    if vn.rueckforderung_faellig_am < heute:
        return _("Rückforderung %(b)s überfällig (fällig am %(d)s)") % werte
    return _("Rückforderung %(b)s fällig am %(d)s") % werte


@dataclass
class Frist:
    """One deadline of an application: the proof of use (end of the funding period + 6 months) or a confirmed
    repayment claim (review + 30 days)."""

    antrag: Foerderantrag
    art: str
    faellig_am: datetime.date
    betrag: Decimal | None
    ueberfaellig: bool


def fristen(user: User, heute: datetime.date | None = None) -> list[Frist]:
    """The open deadlines of the applications `user` may see, earliest first: the proof of use of approved
    applications and the repayment claims confirmed by the review and not yet settled. One query.

    The proof-of-use deadline is a date computed from the end of the period (months, not days), so the list is
    ordered here rather than in the database; it holds only applications with an open deadline."""
    heute = heute or timezone.localdate()
    antraege = (
        Foerderantrag.objects.visible_to(user)
        .filter(
            Q(status=AntragStatus.BEWILLIGT)
            | Q(
                status=AntragStatus.VN_GEPRUEFT,
                verwendungsnachweis__rueckforderung__gt=0,
                verwendungsnachweis__rueckforderung_faellig_am__isnull=False,
            )
        )
        .select_related("baustein", "kommune", "antragsteller_akteur", "buendnis", "verwendungsnachweis")
    )
    liste = []
    for a in antraege:
        if a.status == AntragStatus.BEWILLIGT:
            frist = a.vn_frist
            liste.append(Frist(a, str(_("Verwendungsnachweis")), frist, None, frist < heute))
        else:
            vn = a.verwendungsnachweis
            frist = vn.rueckforderung_faellig_am
            liste.append(Frist(a, str(_("Rückforderung")), frist, vn.rueckforderung, frist < heute))
    liste.sort(key=lambda f: (f.faellig_am, f.antrag.titel, f.antrag.pk))
    return liste


# Monitoring and case counts: small-number protection --------------------------------------------------------------
#
# Counts of people (monitoring of an application, caseload of a Teilhabemanagement position) leave the Kommune or
# Träger they belong to only protected by the audited suppression of the needs analysis (`bedarf.audit`): every
# table a reader gets is modelled with the rules the entry forms enforce, the pattern is computed once per state of
# the figures (cached by their content) and the same for every reader, so what different people see cannot be
# combined against it. Withheld figures show `bedarf.suppression.ZEICHEN`, the page shows `legende()`.

MONITORING_FELDER = (
    "eingetreten",
    "aktiv",
    "vorzeitig_beendet",
    "abgeschlossen",
    "uebergang_schulabschluss",
    "uebergang_ausbildung",
    "uebergang_arbeit",
    "teilnehmende_frauen",
    "abschluss_hauptschule",
    "abschluss_fachoberschulreife",
    "abschluss_beruf",
)
FALLZAHL_FELDER = ("beratene_personen", "neue_faelle")
# The rules the entry forms enforce, which every reader knows: the left side adds up to at most the right side
# ("status" = the counts by Aufenthaltsstatus).
MONITORING_REGELN = (
    (
        ("uebergang_schulabschluss", "uebergang_ausbildung", "uebergang_arbeit"),
        ("abgeschlossen", "vorzeitig_beendet"),
    ),
    (("status",), ("aktiv", "vorzeitig_beendet", "abgeschlossen")),
    (("teilnehmende_frauen",), ("aktiv", "vorzeitig_beendet", "abgeschlossen")),
    (
        ("abschluss_hauptschule", "abschluss_fachoberschulreife", "abschluss_beruf"),
        ("aktiv", "vorzeitig_beendet", "abgeschlossen"),
    ),
)
FALLZAHL_REGELN = ((("neue_faelle",), ("beratene_personen",)), (("status",), ("beratene_personen",)))
# Bump when the model of a table changes: cached patterns are then computed anew.
MUSTER_VERSION = 2
MUSTER_CACHE_SEKUNDEN = 30 * 24 * 3600


def sieht_zahlen_roh(user: User, objekt: Foerderantrag | TeilhabeStelle) -> bool:
    """Whether `user` sees the monitoring counts of an application or the case counts of a Teilhabemanagement
    position unprotected: only the ones they belong to.

    * A `kommune` user for the applications of its own Kommune (`Foerderantrag.kommune`) and the positions in it.
    * A `mitglied` user of the applying Akteur (`Foerderantrag.antragsteller_akteur`), the Träger that reports
      the figures (where it may open the page at all).
    * Everybody else gets them protected: other Kommunen, `auswertung`, `land`, superusers and also the
      `koordination`. The Geschäftsführende Stelle decides drawdowns on amounts and proven units, not on counts
      of people by residence status; its pages and reports go on to the Bündnis, the evaluation and the Land, so
      the counts have left their Kommune or Träger once they reach it (issue 11). It may still record figures on
      behalf of a Kommune; it reads them protected like everybody outside.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.buendnis_id is None or user.buendnis_id != objekt.buendnis_id:
        return False
    akteur_id = getattr(objekt, "antragsteller_akteur_id", None)
    if is_kommune(user):
        return bool(objekt.kommune_id) and user.kommune_id == objekt.kommune_id
    if is_mitglied(user):
        return bool(akteur_id) and user.akteur_id == akteur_id
    return False


@dataclass
class Quartalszeile:
    """One quarter of a protected table: `zahlen` in the order of the fields, `nach_status` every status whose
    figure is not a visible zero (a missing status is a visible 0; a withheld one shows the symbol even if 0)."""

    jahr: int
    quartal: int
    zahlen: list[Wert]
    werte: dict[str, Wert]
    nach_status: list[tuple[object, Wert]]


@dataclass
class Quartalstabelle:
    """The quarterly figures of one application or position as this reader may see them."""

    zeilen: list[Quartalszeile]
    roh: bool
    gesperrt: int = 0

    @property
    def legende(self) -> str:
        """The legend wherever the symbol can appear: for every reader who gets the figures protected."""
        return "" if self.roh else suppression.legende()


def _status_liste(gemeldet: Iterable[int]) -> list:
    """The statuses a breakdown is modelled and shown over: every active one, so which statuses appear does not
    depend on the figures (a listed status would otherwise say "not 0"), and a retired one still holding figures.
    One query."""
    from angebote.models import Aufenthaltsstatus

    return list(
        Aufenthaltsstatus.objects.filter(Q(aktiv=True) | Q(pk__in=set(gemeldet))).order_by(
            "-aktiv", "reihenfolge", "bezeichnung"
        )
    )


def _atome(i: int, felder: Iterable[str], status: list) -> list[tuple]:
    out: list[tuple] = []
    for f in felder:
        out += [("s", i, s.pk) for s in status] if f == "status" else [("f", i, f)]
    return out


def _quartalsmodell(zeilen: list[tuple[dict, dict]], felder, regeln, status: list) -> audit.Modell:
    """One table (application or position) as the audit sees it: every figure of every quarter a cell of its own,
    the status counts of all listed statuses included (zeros are published too), the form rules as relations."""
    modell = audit.Modell(suppression.mindestanzahl())
    for i, (werte, nach_status) in enumerate(zeilen):
        for key in _atome(i, (*felder, "status"), status):
            wert = werte[key[2]] if key[0] == "f" else nach_status.get(key[2], 0)
            modell.atom(key, int(wert))
            modell.zelle(key, [key])
        for links, rechts in regeln:
            modell.relation_hoechstens(_atome(i, links, status), _atome(i, rechts, status))
    return modell


def _cache_key(modell: audit.Modell) -> str:
    inhalt = repr(
        (
            MUSTER_VERSION,
            modell.k,
            sorted((repr(a), w, repr(o)) for a, (w, o) in modell.atome.items()),
            sorted((repr(key), sorted(map(repr, z.atome))) for key, z in modell.zellen.items()),
            modell.gleich,
            modell.hoechstens,
        )
    )
    return "foerderung.sperrmuster." + hashlib.sha256(inhalt.encode()).hexdigest()


def _sperrmuster(modelle: list[audit.Modell]) -> list[frozenset]:
    """The withheld cells of each model: computed once per state of its figures, read from the cache after
    (content-addressed, so a changed figure is a new key; one cache round trip for all of them)."""
    schluessel = [_cache_key(m) for m in modelle]
    gespeichert = cache.get_many(set(schluessel)) if schluessel else {}
    neu: dict[str, frozenset] = {}
    out = []
    for key, modell in zip(schluessel, modelle, strict=True):
        gesperrt = gespeichert.get(key, neu.get(key))
        if gesperrt is None:
            gesperrt = frozenset(audit.sperrmuster(modell).gesperrt) if modell.primaer() else frozenset()
            neu[key] = gesperrt
        out.append(gesperrt)
    if neu:
        cache.set_many(neu, MUSTER_CACHE_SEKUNDEN)
    return out


def _daten(objekte, felder) -> list[tuple[dict, dict]]:
    return [
        ({f: getattr(o, f) for f in felder}, {z.aufenthaltsstatus_id: z.anzahl for z in o.nach_status.all()})
        for o in objekte
    ]


def _zeilen(objekte, daten, felder, status, gesperrt: frozenset, roh: bool) -> list[Quartalszeile]:
    def wert(key, zahl) -> Wert:
        return suppression.offen(zahl) if roh else suppression.zeige(zahl, key in gesperrt)

    zeilen = []
    for i, (o, (werte, nach_status)) in enumerate(zip(objekte, daten, strict=True)):
        zahlen = {f: wert(("f", i, f), werte[f]) for f in felder}
        je_status = [(s, wert(("s", i, s.pk), nach_status.get(s.pk, 0))) for s in status]
        zeilen.append(
            Quartalszeile(
                jahr=o.jahr,
                quartal=o.quartal,
                zahlen=[zahlen[f] for f in felder],
                werte=zahlen,
                nach_status=[(s, w) for s, w in je_status if w.gesperrt or w.zahl],
            )
        )
    return zeilen


def _quartalstabelle(user: User, objekt, quartale, felder, regeln) -> Quartalstabelle:
    quartale = sorted(quartale, key=lambda q: (q.jahr, q.quartal))
    roh = sieht_zahlen_roh(user, objekt)
    daten = _daten(quartale, felder)
    status = _status_liste(z.aufenthaltsstatus_id for q in quartale for z in q.nach_status.all())
    gesperrt = (
        frozenset()
        if roh or not quartale
        else _sperrmuster([_quartalsmodell(daten, felder, regeln, status)])[0]
    )
    return Quartalstabelle(
        zeilen=_zeilen(quartale, daten, felder, status, gesperrt, roh), roh=roh, gesperrt=len(gesperrt)
    )


def muster_vorberechnen(*, antrag_id: int | None = None, stelle_id: int | None = None) -> int:
    """Computes and caches the pattern of one application's monitoring or one position's case counts (the task
    worker does it after figures change, so pages and sums only read it); returns the number of withheld cells."""
    if antrag_id is not None:
        quartale = list(MonitoringMeldung.objects.filter(antrag_id=antrag_id).prefetch_related("nach_status"))
        felder, regeln = MONITORING_FELDER, MONITORING_REGELN
    else:
        quartale = list(TeilhabeFallzahl.objects.filter(stelle_id=stelle_id).prefetch_related("nach_status"))
        felder, regeln = FALLZAHL_FELDER, FALLZAHL_REGELN
    if not quartale:
        return 0
    quartale.sort(key=lambda q: (q.jahr, q.quartal))
    status = _status_liste(z.aufenthaltsstatus_id for q in quartale for z in q.nach_status.all())
    return len(_sperrmuster([_quartalsmodell(_daten(quartale, felder), felder, regeln, status)])[0])


def monitoring_tabelle(user: User, antrag: Foerderantrag) -> Quartalstabelle:
    """The quarterly monitoring of an application as `user` may see it: raw for the Kommune or Träger it belongs
    to, protected for everybody else. Three queries, whatever the number of quarters."""
    meldungen = antrag.monitoring.prefetch_related("nach_status")
    return _quartalstabelle(user, antrag, list(meldungen), MONITORING_FELDER, MONITORING_REGELN)


def fallzahlen_tabelle(user: User, stelle: TeilhabeStelle) -> Quartalstabelle:
    """The quarterly caseload of a Teilhabemanagement position as `user` may see it: raw for its Kommune,
    protected for everybody else. Three queries, whatever the number of quarters."""
    fallzahlen = stelle.fallzahlen.prefetch_related("nach_status")
    return _quartalstabelle(user, stelle, list(fallzahlen), FALLZAHL_FELDER, FALLZAHL_REGELN)


def _sichtbare_anteile(
    user, objekte, quartale_von, felder, regeln, status, jahr
) -> dict[int, tuple[int, bool]]:
    """Per status: the sum over the quarters (of `jahr`) of every object, and whether every figure in it is
    visible to `user` as the object's own page shows it (raw, or not withheld by that page's pattern)."""
    roh = {o.pk: sieht_zahlen_roh(user, o) for o in objekte}
    geschuetzt = [o for o in objekte if not roh[o.pk] and quartale_von[o.pk]]
    daten = {o.pk: _daten(quartale_von[o.pk], felder) for o in objekte}
    muster = dict(
        zip(
            [o.pk for o in geschuetzt],
            _sperrmuster([_quartalsmodell(daten[o.pk], felder, regeln, status) for o in geschuetzt]),
            strict=True,
        )
    )
    summe: dict[int, list] = defaultdict(lambda: [0, True])
    for o in objekte:
        for i, (q, (_werte, nach_status)) in enumerate(zip(quartale_von[o.pk], daten[o.pk], strict=True)):
            if jahr and q.jahr != jahr:
                continue
            for s in status:
                eintrag = summe[s.pk]
                eintrag[0] += nach_status.get(s.pk, 0)
                if not roh[o.pk] and ("s", i, s.pk) in muster.get(o.pk, ()):
                    eintrag[1] = False
    return {pk: (n, sichtbar) for pk, (n, sichtbar) in summe.items()}


def teilnehmende_nach_status(user: User, jahr: int | None = None) -> list[dict]:
    """Participants per Aufenthaltsstatus summed over the monitoring quarters of the visible applications, and
    people advised per status by the Teilhabemanagement (aggregate counts only), as `Wert`s.

    A sum is shown only when every figure in it is visible to `user` on the page it comes from (its own figures
    raw, the others' as their protected tables show them); otherwise it is withheld too, so the sum adds nothing
    to what those pages tell. Rows: every status whose sums are not both a visible zero. Seven queries."""
    antraege = list(
        Foerderantrag.objects.visible_to(user)
        .filter(monitoring__isnull=False)
        .distinct()
        .only("pk", "buendnis_id", "kommune_id", "antragsteller_akteur_id")
        .prefetch_related("monitoring__nach_status")
    )
    stellen = list(
        TeilhabeStelle.objects.visible_to(user)
        .filter(fallzahlen__isnull=False)
        .distinct()
        .only("pk", "buendnis_id", "kommune_id")
        .prefetch_related("fallzahlen__nach_status")
    )
    meldungen = {a.pk: sorted(a.monitoring.all(), key=lambda q: (q.jahr, q.quartal)) for a in antraege}
    fallzahlen = {s.pk: sorted(s.fallzahlen.all(), key=lambda q: (q.jahr, q.quartal)) for s in stellen}
    status = _status_liste(
        z.aufenthaltsstatus_id
        for quartale in (*meldungen.values(), *fallzahlen.values())
        for q in quartale
        for z in q.nach_status.all()
    )
    teilnehmende = _sichtbare_anteile(
        user, antraege, meldungen, MONITORING_FELDER, MONITORING_REGELN, status, jahr
    )
    beratene = _sichtbare_anteile(user, stellen, fallzahlen, FALLZAHL_FELDER, FALLZAHL_REGELN, status, jahr)
    zeilen = []
    for s in status:
        werte = {}
        for schluessel, summen in (("teilnehmende", teilnehmende), ("beratene", beratene)):
            n, sichtbar = summen.get(s.pk, (0, True))
            werte[schluessel] = suppression.zeige(n, not sichtbar)
        if all(w.zahl == 0 for w in werte.values()):
            continue
        zeilen.append(
            {
                "code": s.code,
                "bezeichnung": s.bezeichnung,
                "kurz": s.kurz,
                "reihenfolge": s.reihenfolge,
                **werte,
            }
        )
    return zeilen
