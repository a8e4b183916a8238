"""The entry grid of a Bedarfsmeldung: which cells exist, their labels and field names, and the consistency rules.

One definition serves the entry form, the XLSX template import, the validation in services and the reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from angebote.models import Aufenthaltsstatus
from bedarf.models import (
    AUFSCHLUESSELUNGEN,
    Altersband,
    Bedarfskategorie,
    BesondereGruppe,
    Dimension,
    Geschlecht,
    Meldewert,
)

# Upper bound of one count: no Kommune reports a million 18- to 27-year-old refugees, so anything larger is a typing
# error (or an attack); it also keeps every count and sum far inside the database's integer range.
HOECHSTANZAHL = 999_999

# (dimension, aufenthaltsstatus code, merkmal code, altersband, geschlecht)
Schluessel = tuple[str, str, str, str, str]
SEP = "__"


def feldname(key: Schluessel) -> str:
    return "w" + SEP + SEP.join(key)


def aus_feldname(name: str) -> Schluessel | None:
    parts = name.split(SEP)
    if len(parts) != 6 or parts[0] != "w":
        return None
    return tuple(parts[1:])  # type: ignore[return-value]


@dataclass
class Raster:
    """The cells of one Erhebung's grid, with the lookups they use (status and need categories)."""

    status: list[Aufenthaltsstatus]
    kategorien: list[Bedarfskategorie]
    zellen: dict[Schluessel, str] = field(default_factory=dict)  # key -> label

    @property
    def status_codes(self) -> list[str]:
        return [s.code for s in self.status]

    def zielgruppe(self, status: str, alter: str, geschlecht: str) -> Schluessel:
        return (Dimension.ZIELGRUPPE.value, status, "", alter, geschlecht)

    def merkmal(self, dimension: str, code: str) -> Schluessel:
        return (dimension, "", code, "", "")

    def bedarf(self, kategorie: str, status: str) -> Schluessel:
        return (Dimension.BEDARF.value, status, kategorie, "", "")

    def label(self, key: Schluessel) -> str:
        return self.zellen.get(key, " / ".join(p for p in key if p))


def raster_fuer(erhebung=None, werte: dict | None = None) -> Raster:
    """The grid of a round: active statuses and categories, plus any inactive ones that hold stored values
    (so a closed round stays fully readable)."""
    codes_status = {k[1] for k in (werte or {}) if k[1]}
    codes_kat = {k[2] for k in (werte or {}) if k[0] == Dimension.BEDARF}
    status = [
        s
        for s in Aufenthaltsstatus.objects.order_by("reihenfolge", "bezeichnung")
        if s.aktiv or s.code in codes_status
    ]
    kategorien = [
        k for k in Bedarfskategorie.objects.order_by("reihenfolge", "name") if k.aktiv or k.code in codes_kat
    ]
    raster = Raster(status=status, kategorien=kategorien)
    for s in status:
        for a in Altersband:
            for g in Geschlecht:
                raster.zellen[raster.zielgruppe(s.code, a.value, g.value)] = f"{s.kurz}, {a.label}, {g.label}"
    for dimension, choices in AUFSCHLUESSELUNGEN.items():
        for c in choices:
            raster.zellen[raster.merkmal(dimension.value, c.value)] = f"{dimension.label}: {c.label}"
    for k in kategorien:
        for s in status:
            raster.zellen[raster.bedarf(k.code, s.code)] = f"{_('Bedarf')} {k.name}, {s.kurz}"
    for b in BesondereGruppe:
        raster.zellen[raster.merkmal(Dimension.BESONDERE.value, b.value)] = b.label
    return raster


def werte_laden(meldung) -> dict[Schluessel, int]:
    """The stored cells of a Meldung (missing cells are 0)."""
    if meldung is None or meldung.pk is None:
        return {}
    return {
        (d, s, m, a, g): n
        for d, s, m, a, g, n in Meldewert.objects.filter(meldung=meldung).values_list(
            "dimension", "aufenthaltsstatus", "merkmal", "altersband", "geschlecht", "anzahl"
        )
    }


def pruefe_form(raster: Raster, werte: dict[Schluessel, int]) -> list[str]:
    """What every save needs, a draft too: known cells, whole numbers from 0."""
    fehler: list[str] = []
    unbekannt = [k for k in werte if k not in raster.zellen]
    if unbekannt:
        fehler.append(_("Unbekannte Felder: %(f)s.") % {"f": ", ".join(SEP.join(k) for k in unbekannt[:5])})
    negativ = [raster.label(k) for k, v in werte.items() if v is None or v < 0]
    if negativ:
        fehler.append(_("Nur ganze Zahlen ab 0 sind erlaubt: %(f)s.") % {"f": ", ".join(negativ[:5])})
    zu_gross = [raster.label(k) for k, v in werte.items() if v is not None and v > HOECHSTANZAHL]
    if zu_gross:
        fehler.append(
            _("Höchstens %(max)s Personen je Feld sind möglich: %(f)s.")
            % {"max": "999.999", "f": ", ".join(zu_gross[:5])}
        )
    return fehler


def pruefe(raster: Raster, gesamt: int | None, werte: dict[Schluessel, int]) -> list[str]:
    """The consistency rules of a delivered Meldung, as German messages (empty list: consistent)."""
    fehler = pruefe_form(raster, werte)
    if fehler:
        return fehler
    if gesamt is None:
        fehler.append(_("Bitte geben Sie die Zielgruppe insgesamt an (0, wenn es keine gibt)."))
        return fehler
    zg_status: dict[str, int] = defaultdict(int)
    weiblich = 0
    for (d, s, _m, _a, g), v in werte.items():
        if d == Dimension.ZIELGRUPPE:
            zg_status[s] += v
            if g == Geschlecht.WEIBLICH:
                weiblich += v
    summe_zg = sum(zg_status.values())
    if summe_zg != gesamt:
        fehler.append(
            _(
                "Die Zielgruppe nach Aufenthaltsstatus, Alter und Geschlecht ergibt %(s)d Personen, "
                "insgesamt sind %(g)d angegeben. Beide Zahlen müssen gleich sein."
            )
            % {"s": summe_zg, "g": gesamt}
        )
    for dimension in AUFSCHLUESSELUNGEN:
        summe = sum(v for k, v in werte.items() if k[0] == dimension)
        if summe != gesamt:
            fehler.append(
                _("%(d)s ergibt zusammen %(s)d Personen, insgesamt sind %(g)d angegeben. Bitte angleichen.")
                % {"d": dimension.label, "s": summe, "g": gesamt}
            )
    status_name = {s.code: s.kurz for s in raster.status}
    for kat in raster.kategorien:
        summe = 0
        for code in raster.status_codes:
            v = werte.get(raster.bedarf(kat.code, code), 0)
            summe += v
            if v > zg_status.get(code, 0):
                fehler.append(
                    _(
                        "%(k)s, %(s)s: %(v)d Personen mit Bedarf, aber nur %(n)d Personen mit diesem Status in der "
                        "Zielgruppe."
                    )
                    % {"k": kat.name, "s": status_name[code], "v": v, "n": zg_status.get(code, 0)}
                )
        if summe > gesamt:
            fehler.append(
                _("Bedarf %(k)s: %(v)d Personen, mehr als die Zielgruppe insgesamt (%(g)d).")
                % {"k": kat.name, "v": summe, "g": gesamt}
            )
    uma = werte.get(raster.merkmal(Dimension.BESONDERE, BesondereGruppe.UMA), 0)
    if uma > gesamt:
        fehler.append(
            _("Ehemalige unbegleitete minderjährige Ausländer (%(v)d) übersteigen die Zielgruppe (%(g)d).")
            % {"v": uma, "g": gesamt}
        )
    fk = werte.get(raster.merkmal(Dimension.BESONDERE, BesondereGruppe.FRAUEN_KINDER), 0)
    if fk > weiblich:
        fehler.append(
            _("Frauen mit Kindern (%(v)d) übersteigen die Zahl der Frauen in der Zielgruppe (%(w)d).")
            % {"v": fk, "w": weiblich}
        )
    return fehler
