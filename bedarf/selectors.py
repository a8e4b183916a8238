"""Reads of the needs analysis that feed pages, exports and reports. Every figure that leaves the owning Kommune
passes through `bedarf.suppression`; a `kommune` user sees its own Kommune's row raw.

`gap_analyse(user, erhebung)` and `erhebung_vergleich(user, a, b)` are the entry points other apps (reports) call.
The protection pattern does not depend on the viewer: it holds against a reader who knows nothing and against
every Kommune knowing its own figures, so pages and files of different viewers cannot be combined against it.
By default every figure is protected, even the viewer's own Kommune's (reports and exports leave the Kommune);
pages pass `eigene_roh=True` so a `kommune` user sees its own row raw (display only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from angebote.models import ZUGAENGLICH, Angebot, Aufenthaltsstatus
from angebote.selectors import plaetze_im_buendnis
from bedarf import suppression
from bedarf.models import (
    AUFSCHLUESSELUNGEN,
    Altersband,
    Bedarfskategorie,
    Bedarfsmeldung,
    BesondereGruppe,
    Dimension,
    Erhebung,
    ErhebungStatus,
    Geschlecht,
    Meldewert,
    MeldungStatus,
)
from bedarf.suppression import Wert
from buendnis.choices import Rolle
from buendnis.models import Kommune, User


def eigene_kommune_id(user: User, eigene_roh: bool = True) -> int | None:
    """The Kommune whose raw figures this viewer may see (only `kommune` users have one)."""
    if eigene_roh and getattr(user, "rolle", "") == Rolle.KOMMUNE and user.kommune_id:
        return user.kommune_id
    return None


def _quote(plaetze: int, bedarf: int) -> Decimal | None:
    """Coverage ratio in percent, rounded to whole percent (None when nobody has the need)."""
    if not bedarf:
        return None
    return (Decimal(plaetze) * 100 / Decimal(bedarf)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@dataclass
class Statuszeile:
    status: Aufenthaltsstatus
    bedarf: Wert
    plaetze: int
    quote: Decimal | None
    luecke: int | None


@dataclass
class Lueckenzeile:
    """Need against places for one Kommune (or the Bündnis, `kommune=None`) and one Bedarfskategorie."""

    kommune: Kommune | None
    kategorie: Bedarfskategorie
    bedarf: Wert
    plaetze: int
    quote: Decimal | None
    luecke: int | None  # need minus places: positive means missing places
    nach_status: list[Statuszeile] = field(default_factory=list)
    roh: bool = False

    @property
    def sortierschluessel(self):
        # Hidden gaps go last: sorting by a hidden figure would leak its size.
        return (self.luecke is None, -(self.luecke or 0), self.kommune.name if self.kommune else "")


@dataclass
class Lueckenanalyse:
    erhebung: Erhebung
    kategorien: list[Bedarfskategorie]
    status: list[Aufenthaltsstatus]
    kommunen: list[Kommune]
    ohne_meldung: list[Kommune]
    zeilen: list[Lueckenzeile]
    summen: list[Lueckenzeile]
    k: int
    legende: str
    eigene_kommune_id: int | None

    def chart_daten(self) -> dict:
        """Bündnis totals per category for Chart.js (hidden needs are null, never a number)."""
        return {
            "labels": [z.kategorie.name for z in self.summen],
            "bedarf": [z.bedarf.as_json() for z in self.summen],
            "plaetze": [z.plaetze for z in self.summen],
        }


@dataclass
class GeschuetzterBedarf:
    """Need per Kommune x Bedarfskategorie (x Aufenthaltsstatus) of one round, protected for one viewer."""

    erhebung: Erhebung
    kommunen: list[Kommune]
    kategorien: list[Bedarfskategorie]
    status: list[Aufenthaltsstatus]
    haupt: suppression.GeschuetzteTabelle
    nach_status: list[suppression.GeschuetzteTabelle]
    eigene_index: int | None
    alle_kommunen: list[Kommune] = field(default_factory=list)  # of the Bündnis, delivered or not


def _gemeldet(erhebung: Erhebung):
    """Delivered Meldungen count; drafts of an open round do not."""
    return Bedarfsmeldung.objects.filter(erhebung=erhebung, status=MeldungStatus.ABGEGEBEN)


def _status_liste(codes: set[str]) -> list[Aufenthaltsstatus]:
    return [
        s
        for s in Aufenthaltsstatus.objects.order_by("reihenfolge", "bezeichnung")
        if s.aktiv or s.code in codes
    ]


def geschuetzter_bedarf(user: User, erhebung: Erhebung, *, eigene_roh: bool = False) -> GeschuetzterBedarf:
    """The protected need tables of a round for `user`. Five queries."""
    alle = list(
        Kommune.objects.filter(buendnis_id=erhebung.buendnis_id)
        .annotate(gemeldet=Exists(_gemeldet(erhebung).filter(kommune_id=OuterRef("pk"))))
        .order_by("name")
    )
    kommunen = [k for k in alle if k.gemeldet]
    zeilen = list(
        Meldewert.objects.filter(meldung__in=_gemeldet(erhebung), dimension=Dimension.BEDARF).values_list(
            "meldung__kommune_id", "merkmal", "aufenthaltsstatus", "anzahl"
        )
    )
    kat_codes = {m for _k, m, _s, _n in zeilen}
    kategorien = [
        k for k in Bedarfskategorie.objects.prefetch_related("kategorien") if k.aktiv or k.code in kat_codes
    ]
    status = _status_liste({s for _k, _m, s, _n in zeilen})
    ki = {k.pk: i for i, k in enumerate(kommunen)}
    ji = {k.code: j for j, k in enumerate(kategorien)}
    si = {s.code: x for x, s in enumerate(status)}
    sub = [[[0] * len(status) for _ in kommunen] for _ in kategorien]
    for kommune_id, merkmal, code, anzahl in zeilen:
        if kommune_id in ki and merkmal in ji and code in si:
            sub[ji[merkmal]][ki[kommune_id]][si[code]] += anzahl
    haupt = [[sum(sub[j][i]) for j in range(len(kategorien))] for i in range(len(kommunen))]
    eigene = eigene_kommune_id(user, eigene_roh)
    eigene_index = ki.get(eigene) if eigene else None
    main, subs = suppression.schuetze_mit_aufschluesselung(
        haupt, sub, bekannt_zeilen=[eigene_index] if eigene_index is not None else [], teile=len(status)
    )
    return GeschuetzterBedarf(
        erhebung=erhebung,
        kommunen=kommunen,
        kategorien=kategorien,
        status=status,
        haupt=main,
        nach_status=subs,
        eigene_index=eigene_index,
        alle_kommunen=alle,
    )


def gap_analyse(user: User, erhebung: Erhebung, *, eigene_roh: bool = False) -> Lueckenanalyse:
    """Angebotslücken: per Kommune x Bedarfskategorie the persons with the need against the places in published
    offers of the matching categories that run in (or for) the Kommune and are open to their status; broken
    down by Aufenthaltsstatus; plus the Bündnis total. Largest gaps first. Seven queries."""
    daten = geschuetzter_bedarf(user, erhebung, eigene_roh=eigene_roh)
    p = plaetze_im_buendnis(erhebung.buendnis_id, erhebung.stichtag, [k.pk for k in daten.alle_kommunen])
    p_kks, p_ks, p_kk, p_k = p.kommune_kategorie_status, p.kategorie_status, p.kommune_kategorie, p.kategorie
    kat_ids = {bk.pk: [k.pk for k in bk.kategorien.all()] for bk in daten.kategorien}

    zeilen: list[Lueckenzeile] = []
    summen: list[Lueckenzeile] = []
    for j, bk in enumerate(daten.kategorien):
        ids = kat_ids[bk.pk]
        sub = daten.nach_status[j]
        for i, kommune in enumerate(daten.kommunen):
            bedarf = daten.haupt.zellen[i][j]
            plaetze = sum(p_kk.get((kommune.pk, kid), 0) for kid in ids)
            zeile = Lueckenzeile(
                kommune=kommune,
                kategorie=bk,
                bedarf=bedarf,
                plaetze=plaetze,
                quote=suppression.abgeleitet([bedarf], lambda b, p=plaetze: _quote(p, b)),
                luecke=suppression.abgeleitet([bedarf], lambda b, p=plaetze: b - p),
                roh=i == daten.eigene_index,
            )
            for x, status in enumerate(daten.status):
                w = sub.zellen[i][x]
                ps = sum(p_kks.get((kommune.pk, kid, status.pk), 0) for kid in ids)
                zeile.nach_status.append(
                    Statuszeile(
                        status=status,
                        bedarf=w,
                        plaetze=ps,
                        quote=suppression.abgeleitet([w], lambda b, p=ps: _quote(p, b)),
                        luecke=suppression.abgeleitet([w], lambda b, p=ps: b - p),
                    )
                )
            zeilen.append(zeile)
        gesamt = daten.haupt.spaltensummen[j]
        plaetze = sum(p_k.get(kid, 0) for kid in ids)
        summe = Lueckenzeile(
            kommune=None,
            kategorie=bk,
            bedarf=gesamt,
            plaetze=plaetze,
            quote=suppression.abgeleitet([gesamt], lambda b, p=plaetze: _quote(p, b)),
            luecke=suppression.abgeleitet([gesamt], lambda b, p=plaetze: b - p),
        )
        for x, status in enumerate(daten.status):
            w = sub.spaltensummen[x]
            ps = sum(p_ks.get((kid, status.pk), 0) for kid in ids)
            summe.nach_status.append(
                Statuszeile(
                    status=status,
                    bedarf=w,
                    plaetze=ps,
                    quote=suppression.abgeleitet([w], lambda b, p=ps: _quote(p, b)),
                    luecke=suppression.abgeleitet([w], lambda b, p=ps: b - p),
                )
            )
        summen.append(summe)
    zeilen.sort(key=lambda z: z.sortierschluessel)
    summen.sort(key=lambda z: (z.luecke is None, -(z.luecke or 0), z.kategorie.reihenfolge))
    ohne = [k for k in daten.alle_kommunen if not k.gemeldet]
    return Lueckenanalyse(
        erhebung=erhebung,
        kategorien=daten.kategorien,
        status=daten.status,
        kommunen=daten.kommunen,
        ohne_meldung=ohne,
        zeilen=zeilen,
        summen=summen,
        k=daten.haupt.k,
        legende=suppression.legende(daten.haupt.k),
        eigene_kommune_id=eigene_kommune_id(user, eigene_roh),
    )


def angebote_hinter_zelle(
    user: User, erhebung: Erhebung, kategorie: Bedarfskategorie, kommune: Kommune | None, status=None
):
    """The offers behind a gap-analysis cell (drill-down), within what the user may see."""
    qs = (
        Angebot.objects.visible_to(user)
        .for_buendnis(erhebung.buendnis_id)
        .veroeffentlicht()
        .laufend_am(erhebung.stichtag)
        .filter(kategorie__in=kategorie.kategorien.all())
    )
    if status is not None:
        qs = qs.zugaenglich_fuer(status.pk)
    else:
        qs = qs.filter(Q(zugaenge__art__in=ZUGAENGLICH)).distinct()
    if kommune is not None:
        qs = qs.in_kommune(kommune.pk)
    return qs.for_list()


@dataclass
class Vergleichszeile:
    kommune: Kommune | None
    kategorie: Bedarfskategorie
    a: Wert | None
    b: Wert | None
    veraenderung: int | None


@dataclass
class Vergleich:
    a: Erhebung
    b: Erhebung
    kategorien: list[Bedarfskategorie]
    zeilen: list[Vergleichszeile]
    summen: list[Vergleichszeile]
    legende: str


def erhebung_vergleich(
    user: User, erhebung_a: Erhebung, erhebung_b: Erhebung, *, eigene_roh: bool = False
) -> Vergleich:
    """Change of the need per Kommune and Bedarfskategorie between two rounds of the same Bündnis.

    Each round is protected exactly as in its gap analysis; a change is shown only when both figures are.
    """
    if erhebung_a.buendnis_id != erhebung_b.buendnis_id:
        raise ValueError("Rounds of different Bündnisse cannot be compared.")
    da = geschuetzter_bedarf(user, erhebung_a, eigene_roh=eigene_roh)
    db = geschuetzter_bedarf(user, erhebung_b, eigene_roh=eigene_roh)
    kategorien = list({k.code: k for k in da.kategorien + db.kategorien}.values())
    kategorien.sort(key=lambda k: (k.reihenfolge, k.name))
    kommunen = sorted({k.pk: k for k in da.kommunen + db.kommunen}.values(), key=lambda k: k.name)

    def lookup(d: GeschuetzterBedarf):
        ki = {k.pk: i for i, k in enumerate(d.kommunen)}
        ji = {k.code: j for j, k in enumerate(d.kategorien)}

        def get(kommune, kat):
            if kat.code not in ji:
                return None
            if kommune is None:
                return d.haupt.spaltensummen[ji[kat.code]]
            if kommune.pk not in ki:
                return None
            return d.haupt.zellen[ki[kommune.pk]][ji[kat.code]]

        return get

    ga, gb = lookup(da), lookup(db)

    def zeile(kommune, kat):
        a, b = ga(kommune, kat), gb(kommune, kat)
        diff = suppression.abgeleitet([a, b], lambda x, y: y - x) if a is not None and b is not None else None
        return Vergleichszeile(kommune=kommune, kategorie=kat, a=a, b=b, veraenderung=diff)

    zeilen = [zeile(kommune, kat) for kommune in kommunen for kat in kategorien]
    summen = [zeile(None, kat) for kat in kategorien]
    return Vergleich(
        a=erhebung_a,
        b=erhebung_b,
        kategorien=kategorien,
        zeilen=zeilen,
        summen=summen,
        legende=suppression.legende(),
    )


@dataclass
class Ueberblick:
    """The target group of a round, protected: Kommune x Aufenthaltsstatus, and Bündnis-wide breakdowns."""

    erhebung: Erhebung
    kommunen: list[Kommune]
    status: list[Aufenthaltsstatus]
    zielgruppe: suppression.GeschuetzteTabelle
    merkmale: list[tuple[str, list[tuple[str, Wert]], Wert]]  # (title, [(label, value)], total)
    legende: str
    eigene_index: int | None

    @property
    def zielgruppe_zeilen(self) -> list[tuple[Kommune, list[Wert], Wert]]:
        t = self.zielgruppe
        return [(k, t.zellen[i], t.zeilensummen[i]) for i, k in enumerate(self.kommunen)]


def ueberblick(user: User, erhebung: Erhebung, *, eigene_roh: bool = False) -> Ueberblick:
    """The target group of a round as anyone outside a Kommune may see it. Three queries.

    Bündnis-wide breakdowns are one figure per characteristic; every Kommune knows its own part of it, so a
    figure is hidden when the rest of the Bündnis behind it is small for any of them.
    """
    kommunen = list(Kommune.objects.filter(pk__in=_gemeldet(erhebung).values("kommune_id")).order_by("name"))
    zeilen = list(
        Meldewert.objects.filter(meldung__in=_gemeldet(erhebung))
        .exclude(dimension=Dimension.BEDARF)
        .values_list(
            "meldung__kommune_id", "dimension", "aufenthaltsstatus", "merkmal", "altersband", "geschlecht"
        )
        .annotate(n=Sum("anzahl"))
    )
    status = _status_liste({z[2] for z in zeilen if z[2]})
    ki = {k.pk: i for i, k in enumerate(kommunen)}
    si = {s.code: x for x, s in enumerate(status)}
    eigene = eigene_kommune_id(user, eigene_roh)
    eigene_index = ki.get(eigene) if eigene else None
    zg = [[0] * len(status) for _ in kommunen]
    # Per characteristic: each Kommune's part (a Kommune knows its own part of every Bündnis figure).
    listen: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(kommunen))
    for kommune_id, dim, code, merkmal, alter, geschlecht, n in zeilen:
        if kommune_id not in ki:
            continue
        i = ki[kommune_id]
        if dim == Dimension.ZIELGRUPPE:
            if code in si:
                zg[i][si[code]] += n
            listen[(dim, f"{alter}|{geschlecht}")][i] += n
        else:
            listen[(dim, merkmal)][i] += n
    gruppen = [
        (
            Dimension.ZIELGRUPPE.label,
            Dimension.ZIELGRUPPE,
            [(f"{a.value}|{g.value}", f"{a.label}, {g.label}") for a in Altersband for g in Geschlecht],
        )
    ]
    gruppen += [
        (d.label, d, [(c.value, c.label) for c in choices]) for d, choices in AUFSCHLUESSELUNGEN.items()
    ]

    def je_kommune(eintraege: list[str]) -> list[list[int]]:
        return [[listen[e][i] for e in eintraege] for i in range(len(kommunen))]

    # Every breakdown adds up to the same Bündnis total: hidden in one table means hidden in all of them.
    g_gesperrt = False
    while True:
        tabelle = schuetze_zielgruppe(zg, eigene_index, len(status), g_gesperrt=g_gesperrt)
        g_gesperrt = g_gesperrt or tabelle.gesamt.gesperrt
        merkmale = []
        for titel, dim, eintraege in gruppen:
            werte, summe = suppression.schuetze_buendnisweit(
                je_kommune([(dim, code) for code, _label in eintraege]),
                merkmale=len(eintraege),
                summe_gesperrt=g_gesperrt,
            )
            merkmale.append(
                (titel, [(label, w) for (_c, label), w in zip(eintraege, werte, strict=True)], summe)
            )
        if tabelle.gesamt.gesperrt or not any(m[2].gesperrt for m in merkmale):
            break
        g_gesperrt = True
    werte, _summe = suppression.schuetze_buendnisweit(
        je_kommune([(Dimension.BESONDERE, b.value) for b in BesondereGruppe]),
        merkmale=len(BesondereGruppe),
        mit_summe=False,
    )
    merkmale.append(
        (Dimension.BESONDERE.label, [(b.label, w) for b, w in zip(BesondereGruppe, werte, strict=True)], None)
    )
    return Ueberblick(
        erhebung=erhebung,
        kommunen=kommunen,
        status=status,
        zielgruppe=tabelle,
        merkmale=merkmale,
        legende=suppression.legende(tabelle.k),
        eigene_index=eigene_index,
    )


def schuetze_zielgruppe(
    zg: list[list[int]], eigene_index: int | None, spalten: int, g_gesperrt: bool = False
) -> suppression.GeschuetzteTabelle:
    """Kommune x Aufenthaltsstatus with all margins; the viewer's own row raw (display only)."""
    bekannt = [[i == eigene_index] * spalten for i in range(len(zg))]
    return suppression.schuetze_tabelle(
        zg,
        bekannt=bekannt,
        spalten=spalten,
        vorab_gesperrt=[("g",)] if g_gesperrt else [],
        meldende_zeilen=True,
    )


# Delivery status and dashboard ----------------------------------------------------------------------------------


def lieferstand(erhebung: Erhebung) -> list[dict]:
    """Per Kommune of the Bündnis: delivered, in progress or missing (no figures, only the state). Two queries."""
    meldungen = {
        m.kommune_id: m
        for m in Bedarfsmeldung.objects.filter(erhebung=erhebung).only(
            "kommune_id", "status", "abgegeben_am", "updated_at", "version"
        )
    }
    return [
        {"kommune": k, "meldung": meldungen.get(k.pk)}
        for k in Kommune.objects.filter(buendnis_id=erhebung.buendnis_id).order_by("name")
    ]


def dashboard(user: User) -> dict:
    """The needs panel: delivery status of the open round (koordination) or own entry status (kommune)."""
    daten: dict = {"erhebung": None}
    if not user.buendnis_id or user.rolle not in (Rolle.KOORDINATION, Rolle.KOMMUNE):
        return daten
    erhebung = (
        Erhebung.objects.visible_to(user)
        .filter(status=ErhebungStatus.OFFEN)
        .annotate(
            abgegeben=Count("meldungen", filter=Q(meldungen__status=MeldungStatus.ABGEGEBEN), distinct=True),
            in_arbeit=Count("meldungen", filter=Q(meldungen__status=MeldungStatus.ENTWURF), distinct=True),
        )
        .order_by("-stichtag")
        .first()
    )
    daten["erhebung"] = erhebung
    if erhebung is None:
        return daten
    if user.rolle == Rolle.KOORDINATION:
        daten["anzahl_kommunen"] = Kommune.objects.filter(buendnis_id=user.buendnis_id).count()
    else:
        daten["meldung"] = (
            Bedarfsmeldung.objects.filter(erhebung=erhebung, kommune_id=user.kommune_id)
            .only("status", "version", "updated_at")
            .first()
        )
    return daten
