"""Reads of the needs analysis that feed pages, exports and reports. Every figure that leaves the owning Kommune
passes through `bedarf.suppression`; a `kommune` user sees its own Kommune's row raw.

`gap_analyse(user, erhebung)` and `erhebung_vergleich(user, a, b)` are the entry points other apps (reports) call.
The protection pattern does not depend on the viewer: it holds against a reader who knows nothing and against
every Kommune knowing its own figures, so pages and files of different viewers cannot be combined against it.
By default every figure is protected, even the viewer's own Kommune's (reports and exports leave the Kommune);
pages pass `eigene_roh=True` so a `kommune` user sees its own row raw (display only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from angebote.models import ZUGAENGLICH, Angebot, Aufenthaltsstatus
from angebote.selectors import plaetze_im_buendnis
from bedarf import sperrmuster, suppression
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
    MeldungStatus,
)
from bedarf.suppression import Wert
from buendnis.models import Kommune, User
from buendnis.rules import acts_for_kommune, is_kommune, is_koordination


def eigene_kommune_id(user: User, eigene_roh: bool = True) -> int | None:
    """The Kommune whose raw figures this viewer may see (only `kommune` users have one)."""
    if eigene_roh and acts_for_kommune(user):
        return user.kommune_id
    return None


def _quote(plaetze: int, bedarf: int) -> Decimal | None:
    """Coverage ratio in percent, rounded to whole percent (None when nobody has the need)."""
    if not bedarf:
        return None
    return (Decimal(plaetze) * 100 / Decimal(bedarf)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@dataclass
class Statuszeile:
    """Need against places for one Aufenthaltsstatus within a `Lueckenzeile`. Coverage and gap are derived when
    asked for (a Kreis has thousands of these cells; the pages show few of them), by the same rule."""

    status: Aufenthaltsstatus
    bedarf: Wert
    plaetze: int

    @property
    def quote(self) -> Decimal | None:
        return suppression.abgeleitet([self.bedarf], lambda b: _quote(self.plaetze, b))

    @property
    def luecke(self) -> int | None:
        return suppression.abgeleitet([self.bedarf], lambda b: b - self.plaetze)


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
    aktuell: bool = True

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
    aktuell: bool = True  # False: the figures changed, the renewed pattern is being computed (all withheld)


def _gemeldet(erhebung: Erhebung):
    """Delivered Meldungen count; drafts of an open round do not."""
    return Bedarfsmeldung.objects.filter(erhebung=erhebung, status=MeldungStatus.ABGEGEBEN)


@dataclass
class _Runde:
    """A round's figures with its stored pattern, as the tables below read them."""

    daten: sperrmuster.Rundendaten
    muster: sperrmuster.Gelesen
    alle_kommunen: list[Kommune]
    kommunen: list[Kommune]
    eigene_index: int | None

    def wert(self, key: tuple, zahl: int, roh: bool = False) -> Wert:
        return suppression.offen(zahl) if roh else suppression.zeige(zahl, self.muster.gesperrt(key))


def runde_lesen(user: User, erhebung: Erhebung, *, eigene_roh: bool = False) -> _Runde:
    """A round's figures and stored pattern, read once for a page or export that shows several of its tables
    (pass it as `runde=` to the selectors below)."""
    daten = sperrmuster.rundendaten(erhebung)
    muster = sperrmuster.lesen(daten)
    alle = list(Kommune.objects.filter(buendnis_id=erhebung.buendnis_id).order_by("name"))
    gemeldet = set(daten.kommunen)
    for k in alle:
        k.gemeldet = k.pk in gemeldet
    kommunen = [k for k in alle if k.gemeldet]
    eigene = eigene_kommune_id(user, eigene_roh)
    ki = {k.pk: i for i, k in enumerate(kommunen)}
    return _Runde(
        daten=daten,
        muster=muster,
        alle_kommunen=alle,
        kommunen=kommunen,
        eigene_index=ki.get(eigene) if eigene else None,
    )


def geschuetzter_bedarf(
    user: User, erhebung: Erhebung, *, eigene_roh: bool = False, runde: _Runde | None = None
) -> GeschuetzterBedarf:
    """The protected need tables of a round, as the round's audited pattern shows them (`bedarf.sperrmuster`)."""
    r = runde or runde_lesen(user, erhebung, eigene_roh=eigene_roh)
    d = r.daten
    kats, status = d.kategorie_objekte, d.status_objekte
    # The need per Kommune, category and status (in the order of `status`) read once; the tables add them up.
    je_status = {
        (kommune.pk, k.code): [d.wert(kommune.pk, Dimension.BEDARF, c, k.code) for c in d.status]
        for kommune in r.kommunen
        for k in kats
    }
    summe = {key: sum(werte) for key, werte in je_status.items()}
    ids = [kommune.pk for kommune in r.kommunen]
    roh = [i == r.eigene_index for i in range(len(ids))]

    # A Kommune's need in a category: a cell of the first table and the row total of the category's breakdown.
    zellen = [
        [r.wert(sperrmuster.bedarf(kid, k.code), summe[(kid, k.code)], roh[i]) for k in kats]
        for i, kid in enumerate(ids)
    ]
    spaltensummen, subs = [], []
    for j, k in enumerate(kats):
        spaltensummen.append(
            r.wert(sperrmuster.bedarf_kategorie(k.code), sum(summe[(kid, k.code)] for kid in ids))
        )
        subs.append(
            suppression.GeschuetzteTabelle(
                zellen=[
                    [
                        r.wert(
                            sperrmuster.bedarf_status(kid, k.code, s.code),
                            je_status[(kid, k.code)][x],
                            roh[i],
                        )
                        for x, s in enumerate(status)
                    ]
                    for i, kid in enumerate(ids)
                ],
                zeilensummen=[zellen[i][j] for i in range(len(ids))],
                spaltensummen=[
                    r.wert(
                        sperrmuster.bedarf_kategorie_status(k.code, s.code),
                        sum(je_status[(kid, k.code)][x] for kid in ids),
                    )
                    for x, s in enumerate(status)
                ],
                gesamt=spaltensummen[-1],
                k=d.k,
            )
        )
    haupt = suppression.GeschuetzteTabelle(
        zellen=zellen, zeilensummen=None, spaltensummen=spaltensummen, gesamt=None, k=d.k
    )
    return GeschuetzterBedarf(
        erhebung=erhebung,
        kommunen=r.kommunen,
        kategorien=kats,
        status=status,
        haupt=haupt,
        nach_status=subs,
        eigene_index=r.eigene_index,
        alle_kommunen=r.alle_kommunen,
        aktuell=r.muster.aktuell,
    )


def gap_analyse(
    user: User, erhebung: Erhebung, *, eigene_roh: bool = False, runde: _Runde | None = None
) -> Lueckenanalyse:
    """Angebotslücken: per Kommune x Bedarfskategorie the persons with the need against the places in published
    offers of the matching categories that run in (or for) the Kommune and are open to their status; broken
    down by Aufenthaltsstatus; plus the Bündnis total. Largest gaps first. Seven queries."""
    daten = geschuetzter_bedarf(user, erhebung, eigene_roh=eigene_roh, runde=runde)
    p = plaetze_im_buendnis(erhebung.buendnis_id, erhebung.stichtag, [k.pk for k in daten.alle_kommunen])
    p_kks, p_ks, p_kk, p_k = p.kommune_kategorie_status, p.kategorie_status, p.kommune_kategorie, p.kategorie
    kat_ids = {bk.pk: [k.pk for k in bk.kategorien.all()] for bk in daten.kategorien}

    zeilen: list[Lueckenzeile] = []
    summen: list[Lueckenzeile] = []
    status_ids = [status.pk for status in daten.status]
    for j, bk in enumerate(daten.kategorien):
        ids = kat_ids[bk.pk]
        sub = daten.nach_status[j]
        for i, kommune in enumerate(daten.kommunen):
            kommune_id = kommune.pk
            bedarf = daten.haupt.zellen[i][j]
            plaetze = sum(p_kk.get((kommune_id, kid), 0) for kid in ids)
            zeile = Lueckenzeile(
                kommune=kommune,
                kategorie=bk,
                bedarf=bedarf,
                plaetze=plaetze,
                quote=suppression.abgeleitet([bedarf], lambda b, p=plaetze: _quote(p, b)),
                luecke=suppression.abgeleitet([bedarf], lambda b, p=plaetze: b - p),
                roh=i == daten.eigene_index,
            )
            zeile.nach_status = [
                Statuszeile(
                    status=status,
                    bedarf=w,
                    plaetze=sum(p_kks.get((kommune_id, kid, status_id), 0) for kid in ids),
                )
                for status, status_id, w in zip(daten.status, status_ids, sub.zellen[i], strict=True)
            ]
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
        summe.nach_status = [
            Statuszeile(status=status, bedarf=w, plaetze=sum(p_ks.get((kid, status_id), 0) for kid in ids))
            for status, status_id, w in zip(daten.status, status_ids, sub.spaltensummen, strict=True)
        ]
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
        aktuell=daten.aktuell,
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
    aktuell: bool = True

    @property
    def zielgruppe_zeilen(self) -> list[tuple[Kommune, list[Wert], Wert]]:
        t = self.zielgruppe
        return [(k, t.zellen[i], t.zeilensummen[i]) for i, k in enumerate(self.kommunen)]


def ueberblick(
    user: User, erhebung: Erhebung, *, eigene_roh: bool = False, runde: _Runde | None = None
) -> Ueberblick:
    """The target group of a round as the round's audited pattern shows it: Kommune x Aufenthaltsstatus with all
    totals, and the Bündnis figures by age band and gender, school qualification, German level, activity and the
    special groups."""
    r = runde or runde_lesen(user, erhebung, eigene_roh=eigene_roh)
    d = r.daten
    status = d.status_objekte
    Z = Dimension.ZIELGRUPPE

    def zg(i: int, s: str) -> int:
        return sum(d.wert(i, Z, s, "", a.value, g.value) for a in Altersband for g in Geschlecht)

    zellen, zeilen = [], []
    for x, kommune in enumerate(r.kommunen):
        roh = x == r.eigene_index
        zellen.append(
            [r.wert(sperrmuster.zg(kommune.pk, s.code), zg(kommune.pk, s.code), roh) for s in status]
        )
        zeilen.append(
            r.wert(sperrmuster.zg_kommune(kommune.pk), sum(zg(kommune.pk, s.code) for s in status), roh)
        )
    spalten = [
        r.wert(sperrmuster.zg_status(s.code), sum(zg(km.pk, s.code) for km in r.kommunen)) for s in status
    ]
    summe = sum(zg(km.pk, s.code) for km in r.kommunen for s in status)
    gesamt = r.wert(sperrmuster.GESAMT, summe)
    tabelle = suppression.GeschuetzteTabelle(
        zellen=zellen, zeilensummen=zeilen, spaltensummen=spalten, gesamt=gesamt, k=d.k
    )
    ks = [km.pk for km in r.kommunen]
    merkmale = []
    eintraege = []
    for a in Altersband:
        for g in Geschlecht:
            zahl = sum(d.wert(i, Z, s, "", a.value, g.value) for i in ks for s in d.status)
            key = sperrmuster.merkmal(Z.value, f"{a.value}|{g.value}")
            eintraege.append((f"{a.label}, {g.label}", r.wert(key, zahl)))
    merkmale.append((Z.label, eintraege, gesamt))
    for dim, choices in AUFSCHLUESSELUNGEN.items():
        eintraege = [
            (
                c.label,
                r.wert(
                    sperrmuster.merkmal(dim.value, c.value),
                    sum(d.wert(i, dim.value, "", c.value) for i in ks),
                ),
            )
            for c in choices
        ]
        merkmale.append((dim.label, eintraege, gesamt))
    eintraege = [
        (
            b.label,
            r.wert(
                sperrmuster.merkmal(Dimension.BESONDERE.value, b.value),
                sum(d.wert(i, Dimension.BESONDERE.value, "", b.value) for i in ks),
            ),
        )
        for b in BesondereGruppe
    ]
    merkmale.append((Dimension.BESONDERE.label, eintraege, None))
    return Ueberblick(
        erhebung=erhebung,
        kommunen=r.kommunen,
        status=status,
        zielgruppe=tabelle,
        merkmale=merkmale,
        legende=suppression.legende(d.k),
        eigene_index=r.eigene_index,
        aktuell=r.muster.aktuell,
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
    if not user.buendnis_id or not (is_koordination(user) or is_kommune(user)):
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
    if is_koordination(user):
        daten["anzahl_kommunen"] = Kommune.objects.filter(buendnis_id=user.buendnis_id).count()
    else:
        daten["meldung"] = (
            Bedarfsmeldung.objects.filter(erhebung=erhebung, kommune_id=user.kommune_id)
            .only("status", "version", "updated_at")
            .first()
        )
    return daten


def auswertung_zeilen(user: User, erhebung: Erhebung) -> tuple[list[list], str]:
    """The protected needs analysis of a round in long format, as it leaves the Kommune (CSV/XLSX export and the
    Datenpaket): rows [table, row, column, value], numbers as numbers, a withheld figure as the symbol; and the
    legend of the symbol."""
    zeilen: list[list] = []

    def wert(w: Wert):
        return w.zahl if not w.gesperrt else w.anzeige

    runde = runde_lesen(user, erhebung)
    u = ueberblick(user, erhebung, runde=runde)
    titel = _("Zielgruppe nach Kommune und Aufenthaltsstatus")
    for i, k in enumerate(u.kommunen):
        for x, s in enumerate(u.status):
            zeilen.append([titel, k.name, s.kurz, wert(u.zielgruppe.zellen[i][x])])
        zeilen.append([titel, k.name, _("insgesamt"), wert(u.zielgruppe.zeilensummen[i])])
    for x, s in enumerate(u.status):
        zeilen.append([titel, _("Bündnis"), s.kurz, wert(u.zielgruppe.spaltensummen[x])])
    zeilen.append([titel, _("Bündnis"), _("insgesamt"), wert(u.zielgruppe.gesamt)])
    for t, eintraege, summe in u.merkmale:
        for label, w in eintraege:
            zeilen.append([t, _("Bündnis"), label, wert(w)])
        if summe is not None:
            zeilen.append([t, _("Bündnis"), _("insgesamt"), wert(summe)])
    analyse = gap_analyse(user, erhebung, runde=runde)
    for z in analyse.zeilen + analyse.summen:
        ort = z.kommune.name if z.kommune else _("Bündnis")
        zeilen.append([_("Bedarf"), ort, z.kategorie.name, wert(z.bedarf)])
        zeilen.append([_("Plätze"), ort, z.kategorie.name, z.plaetze])
        zeilen.append(
            [_("Lücke"), ort, z.kategorie.name, z.luecke if z.luecke is not None else suppression.ZEICHEN]
        )
        for s in z.nach_status:
            zeilen.append(
                [
                    _("Bedarf nach Aufenthaltsstatus"),
                    ort,
                    f"{z.kategorie.name}, {s.status.kurz}",
                    wert(s.bedarf),
                ]
            )
    return zeilen, analyse.legende
