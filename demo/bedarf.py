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

# Size of the target group per Kommune in 2019 (18-27-year-old refugees).
GROESSE = {
    "Neuss": 184,
    "Dormagen": 71,
    "Grevenbroich": 66,
    "Meerbusch": 38,
    "Kaarst": 33,
    "Korschenbroich": 24,
    "Jüchen": 17,
    "Rommerskirchen": 8,
}
STATUS_ANTEILE = {
    "gestattung": 24,
    "duldung": 30,
    "ausbildungsduldung": 3,
    "ae_humanitaer": 31,
    "ae_25_5": 5,
    "ae_25a_25b": 4,
    "sonstiger": 3,
}
ALTER_ANTEILE = {"18-20": 30, "21-24": 45, "25-27": 25}
GESCHLECHT_ANTEILE = {"m": 66, "w": 31, "d": 3}
MERKMAL_ANTEILE = {
    Dimension.SCHULABSCHLUSS: {
        "keiner": 30,
        "auslaendisch": 25,
        "hs9": 14,
        "hs10a": 9,
        "for": 6,
        "abitur": 3,
        "unbekannt": 13,
    },
    Dimension.DEUTSCH: {"keine": 6, "a1": 22, "a2": 27, "b1": 24, "b2": 9, "c1": 2, "unbekannt": 10},
    Dimension.TAETIGKEIT: {
        "schule": 12,
        "sprachkurs": 22,
        "vorbereitung": 10,
        "ausbildung": 13,
        "studium": 2,
        "arbeit": 16,
        "ohne": 20,
        "unbekannt": 5,
    },
}
# Share of persons per status with a need in each category (percent).
BEDARF_ANTEILE = {
    "deutsch": 62,
    "schulabschluss": 34,
    "ausbildung": 28,
    "qualifizierung": 14,
    "arbeit": 24,
    "beratung": 41,
    "begleitung": 19,
    "wohnen": 12,
}


def _split(n: int, anteile: dict[str, int]) -> dict[str, int]:
    """Largest-remainder split of n by percentages (always adds up to n)."""
    total = sum(anteile.values())
    roh = {k: n * v / total for k, v in anteile.items()}
    out = {k: int(x) for k, x in roh.items()}
    rest = n - sum(out.values())
    for k in sorted(roh, key=lambda k: roh[k] - out[k], reverse=True)[:rest]:
        out[k] += 1
    return out


def _werte(gesamt: int, faktor: int, versatz: int) -> dict:
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


def seed(context: dict, stdout=None) -> dict:
    neuss = context["neuss"]
    kommunen = context["kommunen"]
    koordination = context.get("koordination")
    e2019, _ = Erhebung.objects.get_or_create(
        buendnis=neuss,
        titel="Angebots- und Bedarfsanalyse 2019",
        defaults={
            "stichtag": datetime.date(2019, 10, 31),
            "eingabe_von": datetime.date(2019, 11, 1),
            "eingabe_bis": datetime.date(2019, 12, 13),
            "hinweise": "Kreisweite, anonymisierte Erhebung, entwickelt vom IAQ der Universität Duisburg-Essen.",
        },
    )
    for i, (name, groesse) in enumerate(GROESSE.items()):
        werte = _werte(groesse, 0, i)
        _meldung(e2019, kommunen[name], groesse, werte, MeldungStatus.ABGEGEBEN, koordination)
    Erhebung.objects.filter(pk=e2019.pk).update(
        status=ErhebungStatus.ABGESCHLOSSEN,
        abgeschlossen_am=timezone.make_aware(datetime.datetime(2019, 12, 20, 12, 0)),
        abgeschlossen_von=koordination,
    )

    e2021, _ = Erhebung.objects.get_or_create(
        buendnis=neuss,
        titel="Angebots- und Bedarfsanalyse 2021",
        defaults={
            "stichtag": datetime.date(2021, 3, 31),
            "eingabe_von": datetime.date(2021, 4, 1),
            "eingabe_bis": datetime.date(2021, 5, 31),
            "hinweise": "Neu: Frauen mit Kindern getrennt ausweisen.",
        },
    )
    # Five Kommunen delivered, one is still working on it, two have not started.
    for i, (name, groesse) in enumerate(GROESSE.items()):
        neu = max(0, groesse + (i % 3) * 4 - 6)
        if name in ("Jüchen", "Rommerskirchen"):
            Bedarfsmeldung.objects.filter(erhebung=e2021, kommune=kommunen[name]).delete()
            continue
        status = MeldungStatus.ENTWURF if name == "Korschenbroich" else MeldungStatus.ABGEGEBEN
        _meldung(e2021, kommunen[name], neu, _werte(neu, 3, i), status, koordination)

    for titel, beschreibung, status in [
        (
            "Dauer des Aufenthalts in Deutschland",
            "Für die Zugänge zu BAB/BAföG (15 Monate) und Berufssprachkursen nötig.",
            DatenlueckeStatus.NAECHSTE_ERHEBUNG,
        ),
        (
            "Arbeitsverbote nach § 60a Abs. 6 AufenthG",
            "Anzahl der Personen mit Beschäftigungsverbot.",
            DatenlueckeStatus.VORGESCHLAGEN,
        ),
        ("Wohnsituation (Gemeinschaftsunterkunft/Wohnung)", "", DatenlueckeStatus.VORGESCHLAGEN),
        ("Herkunftsländer", "Abgelehnt: zu kleine Fallzahlen je Kommune.", DatenlueckeStatus.ABGELEHNT),
    ]:
        Datenluecke.objects.update_or_create(
            buendnis=neuss,
            titel=titel,
            defaults={
                "beschreibung": beschreibung,
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
