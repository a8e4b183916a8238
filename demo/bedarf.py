"""Demo data of the needs analysis: a closed 2019 round and an open later round for the eight Kommunen of
Rhein-Kreis Neuss, with plausible aggregate figures (some small, so the small-number protection shows), and a few
Datenlücken. Idempotent: rounds by title, one Meldung per Kommune and round, cells rewritten."""

from __future__ import annotations

import datetime

from django.utils import timezone

from bedarf import raster as grid
from bedarf import sperrmuster
from bedarf.models import (
    AUFSCHLUESSELUNGEN,
    Bedarfsmeldung,
    BesondereGruppe,
    Datenluecke,
    DatenlueckeStatus,
    Dimension,
    Erhebung,
    ErhebungStatus,
    Geschlecht,
    Meldewert,
    MeldungStatus,
)
from demo import daten

DATEN = daten.json_datei("bedarf.json")
ERHEBUNGEN: dict[str, dict] = DATEN["erhebungen"]
# Size of the target group per Kommune in 2019 (18-27-year-old refugees).
GROESSE: dict[str, int] = DATEN["zielgruppe_2019"]
_ANTEILE = DATEN["anteile_prozent"]
STATUS_ANTEILE: dict[str, int] = _ANTEILE["aufenthaltsstatus"]
ALTER_ANTEILE: dict[str, int] = _ANTEILE["altersband"]
GESCHLECHT_ANTEILE: dict[str, int] = _ANTEILE["geschlecht"]
MERKMAL_ANTEILE = {Dimension(dim): anteile for dim, anteile in _ANTEILE["merkmale"].items()}
# Share of persons per status with a need in each category (percent).
BEDARF_ANTEILE: dict[str, int] = _ANTEILE["bedarf_je_status"]


def _split(n: int, anteile: dict[str, int]) -> dict[str, int]:
    """Largest-remainder split of n by percentages (always adds up to n)."""
    total = sum(anteile.values())
    roh = {k: n * v / total for k, v in anteile.items()}
    out = {k: int(x) for k, x in roh.items()}
    rest = n - sum(out.values())
    for k in sorted(roh, key=lambda k: roh[k] - out[k], reverse=True)[:rest]:
        out[k] += 1
    return out


def meldewerte(gesamt: int, faktor: int, versatz: int) -> dict:
    werte: dict = {}
    nach_status = _split(gesamt, STATUS_ANTEILE)
    weiblich = 0
    for code, n in nach_status.items():
        for alter, na in _split(n, ALTER_ANTEILE).items():
            for g, ng in _split(na, GESCHLECHT_ANTEILE).items():
                werte[(Dimension.ZIELGRUPPE.value, code, "", alter, g)] = ng
                weiblich += ng if g == Geschlecht.WEIBLICH else 0
    for dim in AUFSCHLUESSELUNGEN:
        for code, n in _split(gesamt, MERKMAL_ANTEILE[dim]).items():
            werte[(dim.value, "", code, "", "")] = n
    for kat, anteil in BEDARF_ANTEILE.items():
        for code, n in nach_status.items():
            # Shares drift a little between Kommunen and rounds; never above the status count.
            prozent = max(0, min(100, anteil + ((versatz * 7 + len(code) * 3 + faktor) % 11) - 5))
            werte[(Dimension.BEDARF.value, code, kat, "", "")] = n * prozent // 100
    werte[(Dimension.BESONDERE.value, "", BesondereGruppe.UMA.value, "", "")] = gesamt // 9
    werte[(Dimension.BESONDERE.value, "", BesondereGruppe.FRAUEN_KINDER.value, "", "")] = weiblich // 3
    return werte


def _meldung(erhebung, kommune, gesamt, werte, status, by) -> None:
    raster = grid.raster_fuer(erhebung, werte)
    if status == MeldungStatus.ABGEGEBEN:
        fehler = grid.pruefe(raster, gesamt, werte)
        if fehler:
            raise AssertionError(f"Demo figures inconsistent for {kommune}: {fehler}")
    meldung, _ = Bedarfsmeldung.objects.update_or_create(
        erhebung=erhebung,
        kommune=kommune,
        defaults={
            "gesamt": gesamt,
            "status": status,
            "geaendert_von": by,
            "abgegeben_am": timezone.now() if status == MeldungStatus.ABGEGEBEN else None,
        },
    )
    Meldewert.objects.filter(meldung=meldung).delete()
    Meldewert.objects.bulk_create(
        [
            Meldewert(
                meldung=meldung,
                dimension=d,
                aufenthaltsstatus=s,
                merkmal=m,
                altersband=a,
                geschlecht=g,
                anzahl=n,
            )
            for (d, s, m, a, g), n in werte.items()
            if n
        ]
    )


def _erhebung(buendnis, runde: dict) -> Erhebung:
    erhebung, _ = Erhebung.objects.get_or_create(
        buendnis=buendnis,
        titel=runde["titel"],
        defaults={
            "stichtag": daten.datum(runde["stichtag"]),
            "eingabe_von": daten.datum(runde["eingabe_von"]),
            "eingabe_bis": daten.datum(runde["eingabe_bis"]),
            "hinweise": runde["hinweise"],
        },
    )
    return erhebung


def seed(context: dict, stdout=None) -> dict:
    neuss = context["neuss"]
    kommunen = context["kommunen"]
    koordination = context.get("koordination")
    runde_2019, runde_2021 = ERHEBUNGEN["2019"], ERHEBUNGEN["2021"]
    e2019 = _erhebung(neuss, runde_2019)
    for i, (name, groesse) in enumerate(GROESSE.items()):
        werte = meldewerte(groesse, 0, i)
        _meldung(e2019, kommunen[name], groesse, werte, MeldungStatus.ABGEGEBEN, koordination)
    Erhebung.objects.filter(pk=e2019.pk).update(
        status=ErhebungStatus.ABGESCHLOSSEN,
        abgeschlossen_am=timezone.make_aware(datetime.datetime.fromisoformat(runde_2019["abgeschlossen_am"])),
        abgeschlossen_von=koordination,
    )

    e2021 = _erhebung(neuss, runde_2021)
    # Most Kommunen delivered, one is still working on it, two have not started.
    for i, (name, groesse) in enumerate(GROESSE.items()):
        neu = max(0, groesse + (i % 3) * 4 - 6)
        if name in runde_2021["ohne_meldung"]:
            Bedarfsmeldung.objects.filter(erhebung=e2021, kommune=kommunen[name]).delete()
            continue
        status = MeldungStatus.ENTWURF if name in runde_2021["im_entwurf"] else MeldungStatus.ABGEGEBEN
        _meldung(e2021, kommunen[name], neu, meldewerte(neu, 3, i), status, koordination)

    for luecke in DATEN["datenluecken"]:
        status = DatenlueckeStatus(luecke["status"])
        Datenluecke.objects.update_or_create(
            buendnis=neuss,
            titel=luecke["titel"],
            defaults={
                "beschreibung": luecke["beschreibung"],
                "status": status,
                "vorgeschlagen_von": koordination,
                "erhebung": e2021 if status == DatenlueckeStatus.NAECHSTE_ERHEBUNG else None,
            },
        )
    if stdout is not None:
        stdout.write("Bedarfsanalyse: Erhebung 2019 (abgeschlossen) und 2021 (offen) angelegt.")
    for erhebung in (e2019, e2021):
        muster = sperrmuster.erneuern(erhebung.pk)
        if stdout is not None and muster is not None:
            stdout.write(
                f"Geheimhaltung {erhebung.titel}: {muster.anzahl_gesperrt} von {muster.zellen} Feldern gesperrt "
                f"({muster.anzahl_primaer} kleine Fallzahlen), geprüft in {muster.sekunden:.1f} s."
            )
    return {"erhebungen": {"2019": e2019, "2021": e2021}}
