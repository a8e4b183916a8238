"""The F6 staffing key (Stellenschlüssel Teilhabemanagement, Baustein F6) and the funding quota of a position.

Entitlement: one full-time position per 100 geduldete 18- to 27-year-olds of a Kommune in the latest closed survey
round of its Bündnis, rounded half up to 0.1 VZÄ; the Geschäftsführende Stelle of the Kreis is entitled to at least
0.5 VZÄ. Against it stand the VZÄ applied for (positions linked to a submitted or approved F6 application) and the
VZÄ filled (positions with `besetzt_seit`). The state sees the same figures summed per Bündnis.

Small numbers: the pages show VZÄ, never the survey count (only a `kommune` user sees its own Kommune's count, as on
the survey pages). The rounding to 0.1 VZÄ already hides a count below 5 (it shows as 0.0).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bedarf.models import Altersband, Bedarfsmeldung, Dimension, Erhebung, ErhebungStatus, MeldungStatus
from bedarf.selectors import eigene_kommune_id
from buendnis.choices import Baustein
from buendnis.models import Buendnis, Kommune, User

from .models import BEANTRAGTE_STATUS, Foerderbaustein, Foerderregel, Haushaltssicherung, TeilhabeStelle

# Which Aufenthaltsstatus codes (angebote) count as "geduldet" for the key. The key used geduldete, NOT gestattete
# (§ 55 AsylG). All Duldungen count: the Ausbildungsduldung (§ 60c) and the Beschäftigungsduldung (§ 60d) are
# Duldungen by law (they are granted as a Duldung under § 60a with a special purpose), and the Duldung for people
# with unresolved identity (§ 60b) is a Duldung too; its employment ban only matters for Baustein F2, while the
# Teilhabemanagement counsels exactly such young people. Together they are the foreigners' register's "Geduldete".
GEDULDET_CODES = ("duldung", "ausbildungsduldung", "beschaeftigungsduldung", "duldung_ungeklaerte_identitaet")
JE_STELLE = Decimal("100")
ZEHNTEL = Decimal("0.1")
HUNDERTSTEL = Decimal("0.01")
# At least this much for the Geschäftsführende Stelle of the Kreis (in the Kommunales Integrationszentrum).
MINDEST_VZE_KREIS = Decimal("0.5")
NULL_VZE = Decimal("0.0")
# The programme's F6 quota when no Förderregel of Baustein F6 is recorded for the day.
QUOTE_REGEL = Decimal("80")
QUOTE_HAUSHALTSSICHERUNG = Decimal("90")
REGEL_TEXT = _("1 Stelle je 100 geduldete 18- bis 27-Jährige, auf 0,1 VZÄ gerundet")
KREIS_TEXT = _("mindestens 0,5 VZÄ für die Geschäftsführende Stelle des Kreises")


def anspruch_vze(geduldete: int) -> Decimal:
    """Entitled VZÄ of a Kommune: geduldete ÷ 100, rounded half up to one decimal place (45 → 0.5, 4 → 0.0)."""
    return (Decimal(geduldete) / JE_STELLE).quantize(ZEHNTEL, rounding=ROUND_HALF_UP)


def f6_regel(tag: datetime.date, baustein: Foerderbaustein | None = None) -> Foerderregel | None:
    """The Baustein F6 rule in force on `tag` that carries the quotas (one naming a budget-consolidation quota
    first)."""
    regeln = Foerderregel.objects.gueltig_am(tag)
    regeln = regeln.filter(baustein=baustein) if baustein else regeln.filter(baustein__nummer=Baustein.F6)
    return regeln.order_by(F("foerderquote_haushaltssicherung_prozent").desc(nulls_last=True), "pk").first()


def quote_nach_regel(regel: Foerderregel | None, haushaltssicherung: bool) -> Decimal:
    if regel is None:
        return QUOTE_HAUSHALTSSICHERUNG if haushaltssicherung else QUOTE_REGEL
    return regel.quote(haushaltssicherung)


def foerderquote(
    *, kommune_id: int | None, tag: datetime.date, baustein: Foerderbaustein | None = None
) -> Decimal:
    """The state's share of a position in percent on `tag`: the F6 rule's quota (80 %), the higher one (90 %) only
    while the Kommune has a valid budget consolidation (Haushaltssicherung). A position at the Kreis gets the
    normal quota (the Kreis's own budget consolidation is not recorded)."""
    haushaltssicherung = bool(
        kommune_id and Haushaltssicherung.objects.gueltig_am(tag).filter(kommune_id=kommune_id).exists()
    )
    return quote_nach_regel(f6_regel(tag, baustein), haushaltssicherung)


@dataclass
class Zeile:
    """Entitled, applied and filled VZÄ of one Kommune, of the Kreis's Geschäftsführende Stelle (`kommune=None`,
    `ist_kreis`), of one Bündnis (`buendnis`, in the state view) or a total."""

    bezeichnung: str
    anspruch: Decimal = NULL_VZE
    beantragt: Decimal = NULL_VZE
    besetzt: Decimal = NULL_VZE
    kommune: Kommune | None = None
    buendnis: Buendnis | None = None
    ist_kreis: bool = False
    beigetreten: bool | None = None
    haushaltssicherung: bool | None = None
    ohne_meldung: bool = False
    quote: Decimal | None = None  # funding quota today in percent (Kommunen and the Kreis of a Bündnis view)
    # The survey count, only for the viewer who may see it raw (a Kommune its own); None for everyone else.
    geduldete: int | None = None

    @property
    def offen(self) -> Decimal:
        """Entitled but not (yet) applied for; negative when more was applied for than the key gives."""
        return self.anspruch - self.beantragt

    @property
    def ueber_anspruch(self) -> bool:
        return self.beantragt > self.anspruch

    def addiere(self, andere: Zeile) -> None:
        self.anspruch += andere.anspruch
        self.beantragt += andere.beantragt
        self.besetzt += andere.besetzt


@dataclass
class BuendnisSchluessel:
    """The key of one Bündnis: one row per member Kommune, the Kreis row and their sum."""

    buendnis: Buendnis
    erhebung: Erhebung | None
    zeilen: list[Zeile] = field(default_factory=list)
    summe: Zeile | None = None


@dataclass
class Stellenschluessel:
    """The key as one viewer may see it: its own Bündnis per Kommune, or (the state) every Bündnis summed."""

    buendnisse: list[BuendnisSchluessel]
    summe: Zeile
    landesansicht: bool
    stichtag: datetime.date
    regel: str = field(default_factory=lambda: str(REGEL_TEXT))
    kreisregel: str = field(default_factory=lambda: str(KREIS_TEXT))

    @property
    def zeilen(self) -> list[Zeile]:
        """The rows of the page: the Kommunen and the Kreis of one Bündnis, or one row per Bündnis."""
        if self.landesansicht:
            return [b.summe for b in self.buendnisse]
        return [z for b in self.buendnisse for z in b.zeilen]


def letzte_abgeschlossene_erhebungen(buendnis_ids: list[int] | None) -> dict[int, Erhebung]:
    """The latest closed survey round per Bündnis (by Stichtag); an open round, newer or not, never counts."""
    qs = Erhebung.objects.filter(status=ErhebungStatus.ABGESCHLOSSEN)
    if buendnis_ids is not None:
        qs = qs.filter(buendnis_id__in=buendnis_ids)
    ergebnis: dict[int, Erhebung] = {}
    for erhebung in qs.order_by("buendnis_id", "-stichtag", "-pk").only(
        "pk", "buendnis_id", "titel", "stichtag"
    ):
        ergebnis.setdefault(erhebung.buendnis_id, erhebung)
    return ergebnis


def _geduldete_meldungen(erhebungen: list[Erhebung]) -> list[dict]:
    """Per delivered report of the given rounds: Kommune, Bündnis and its geduldete 18- to 27-year-olds."""
    if not erhebungen:
        return []
    return list(
        Bedarfsmeldung.objects.filter(erhebung__in=erhebungen, status=MeldungStatus.ABGEGEBEN)
        .values("kommune_id", "erhebung__buendnis_id")
        .annotate(
            geduldete=Sum(
                "werte__anzahl",
                filter=Q(
                    werte__dimension=Dimension.ZIELGRUPPE,
                    werte__aufenthaltsstatus__in=GEDULDET_CODES,
                    werte__altersband__in=Altersband.values,
                ),
            )
        )
        .order_by()
    )


def geduldete_je_kommune(erhebungen: list[Erhebung]) -> dict[int, int]:
    """Geduldete 18- to 27-year-olds per Kommune from the delivered reports of the given rounds. One query."""
    return {z["kommune_id"]: z["geduldete"] or 0 for z in _geduldete_meldungen(erhebungen)}


def _stellen_summen(
    buendnis_ids: list[int] | None, heute: datetime.date
) -> dict[tuple[int, int | None], dict]:
    """Applied and filled VZÄ per (Bündnis, Kommune or None for the Kreis). One query."""
    qs = TeilhabeStelle.objects.all()
    if buendnis_ids is not None:
        qs = qs.filter(buendnis_id__in=buendnis_ids)
    zeilen = (
        qs.values("buendnis_id", "kommune_id")
        .annotate(
            beantragt=Sum(
                "vze",
                filter=Q(antrag__status__in=BEANTRAGTE_STATUS, antrag__baustein__nummer=Baustein.F6),
            ),
            besetzt=Sum("vze", filter=Q(besetzt_seit__isnull=False, besetzt_seit__lte=heute)),
        )
        .order_by()
    )
    # SQLite sums decimals as floats: back to the field's two places.
    return {
        (z["buendnis_id"], z["kommune_id"]): {
            "beantragt": (z["beantragt"] or NULL_VZE).quantize(HUNDERTSTEL),
            "besetzt": (z["besetzt"] or NULL_VZE).quantize(HUNDERTSTEL),
        }
        for z in zeilen
    }


def stellenschluessel(user: User, heute: datetime.date | None = None) -> Stellenschluessel:
    """The F6 staffing key as `user` may see it. A Bündnis role sees its Bündnis per Kommune plus the Kreis; the
    state (and superusers) every Bündnis as one row each. The number of queries does not depend on the rows."""
    heute = heute or timezone.localdate()
    landesansicht = user.sieht_alle_buendnisse
    buendnisse = list(Buendnis.objects.visible_to(user).order_by("name"))
    ids = None if landesansicht else [b.pk for b in buendnisse]
    erhebungen = letzte_abgeschlossene_erhebungen(ids)
    meldungen = _geduldete_meldungen(list(erhebungen.values()))
    geduldete = {m["kommune_id"]: m["geduldete"] or 0 for m in meldungen}
    stellen = _stellen_summen(ids, heute)
    eigene = eigene_kommune_id(user)

    def kommunezeile(b: Buendnis, kommune: Kommune, anzahl: int | None) -> Zeile:
        werte = stellen.get((b.pk, kommune.pk), {})
        return Zeile(
            bezeichnung=kommune.name,
            kommune=kommune,
            anspruch=anspruch_vze(anzahl or 0),
            beantragt=werte.get("beantragt") or NULL_VZE,
            besetzt=werte.get("besetzt") or NULL_VZE,
            ohne_meldung=anzahl is None,
            geduldete=anzahl if eigene == kommune.pk else None,
        )

    def kreiszeile(b: Buendnis) -> Zeile:
        werte = stellen.get((b.pk, None), {})
        return Zeile(
            bezeichnung=str(_("Geschäftsführende Stelle (Kreis)")),
            ist_kreis=True,
            anspruch=MINDEST_VZE_KREIS,
            beantragt=werte.get("beantragt") or NULL_VZE,
            besetzt=werte.get("besetzt") or NULL_VZE,
        )

    if landesansicht:
        # Sums per Bündnis of the rounded per-Kommune entitlements, and of the positions of its Kommunen.
        je_buendnis: dict[int, Zeile] = {}
        for meldung in meldungen:
            zeile = je_buendnis.setdefault(meldung["erhebung__buendnis_id"], Zeile(bezeichnung=""))
            zeile.anspruch += anspruch_vze(meldung["geduldete"] or 0)
        for (b_id, kommune_id), werte in stellen.items():
            if kommune_id is not None:
                zeile = je_buendnis.setdefault(b_id, Zeile(bezeichnung=""))
                zeile.beantragt += werte["beantragt"] or NULL_VZE
                zeile.besetzt += werte["besetzt"] or NULL_VZE
        ergebnis = []
        for b in buendnisse:
            summe = Zeile(bezeichnung=b.name, buendnis=b, ohne_meldung=b.pk not in erhebungen)
            summe.addiere(je_buendnis.get(b.pk, Zeile(bezeichnung="")))
            summe.addiere(kreiszeile(b))
            ergebnis.append(BuendnisSchluessel(buendnis=b, erhebung=erhebungen.get(b.pk), summe=summe))
    else:
        kommunen = list(
            Kommune.objects.filter(buendnis__in=buendnisse).select_related("teilnahme").order_by("name")
        )
        regel = f6_regel(heute)
        in_haushaltssicherung = set(
            Haushaltssicherung.objects.gueltig_am(heute)
            .filter(kommune__in=kommunen)
            .values_list("kommune_id", flat=True)
        )
        ergebnis = []
        for b in buendnisse:
            zeilen = []
            for kommune in (k for k in kommunen if k.buendnis_id == b.pk):
                zeile = kommunezeile(b, kommune, geduldete.get(kommune.pk))
                teilnahme = getattr(kommune, "teilnahme", None)
                zeile.beigetreten = bool(teilnahme and teilnahme.beigetreten_zum(heute))
                zeile.haushaltssicherung = kommune.pk in in_haushaltssicherung
                zeile.quote = quote_nach_regel(regel, zeile.haushaltssicherung)
                zeilen.append(zeile)
            kreis = kreiszeile(b)
            kreis.quote = quote_nach_regel(regel, False)
            zeilen.append(kreis)
            summe = Zeile(bezeichnung=b.name, buendnis=b)
            for zeile in zeilen:
                summe.addiere(zeile)
            ergebnis.append(
                BuendnisSchluessel(buendnis=b, erhebung=erhebungen.get(b.pk), zeilen=zeilen, summe=summe)
            )
    gesamt = Zeile(bezeichnung=str(_("Summe")))
    for b in ergebnis:
        gesamt.addiere(b.summe)
    return Stellenschluessel(buendnisse=ergebnis, summe=gesamt, landesansicht=landesansicht, stichtag=heute)
