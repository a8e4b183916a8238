"""Mass data (`manage.py demo_data --scale nrw|de`): NRW (53 Bündnisse, 396 Kommunen) or all of Germany (400
Bündnisse, 10,756 Kommunen, 500,000 offers), with years of data.

Built on top of the normal demo data for the benchmark (`make bench`) and for trying the product at the size of
the whole state or country. One code path builds every scale; a `Massstab` says which Kreise and how many rows.
NRW's Kreise are real (`data/nrw_kreise.csv`); the other Länder get generated Kreise and Gemeinden with their
real counts (`data/de_laender.json`).

Rows are generated directly, respecting each model's invariants (its `clean()` and constraints), instead of
going through the services one row at a time: the build has to finish within five minutes for NRW and fifteen
for Germany on a 2-core machine. The small tables use `bulk_create` (with simple_history's
`bulk_create_with_history`), the big ones `Tabelle` (COPY on PostgreSQL), each row with the creation history
row the services would have written. Every part only tops up what is missing, so running the command again
adds nothing.
"""

from __future__ import annotations

import datetime
import functools
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from tqdm import tqdm

from angebote.models import (
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Finanzierung,
    Kategorie,
    Zugang,
    ZugangArt,
)
from angebote.models import Statuswechsel as AngebotStatuswechsel
from bedarf.models import Bedarfsmeldung, Erhebung, ErhebungStatus, Meldewert, MeldungStatus
from buendnis.bulk import Tabelle
from buendnis.choices import REGIERUNGSBEZIRKE_JE_LAND, BuendnisArt, Rolle
from buendnis.models import Akteur, AkteurTyp, Bereich, Buendnis, Kommune, User
from demo import daten
from demo.angebote import PROFILE
from demo.bedarf import meldewerte
from demo.buendnis import NEUSS_KOMMUNEN, buendnis_aus_csv, nrw_kreise
from demo.ziele import build_ziele
from foerderung.models import (
    Budget,
    Foerderantrag,
    Foerderart,
    Kostenposition,
    Mittelabruf,
    Verwendungsnachweis,
)
from foerderung.models import Statuswechsel as AntragStatuswechsel

DATEN = daten.json_datei("nrw.json")
# Number of kreisangehörige Gemeinden per Kreis (IT.NRW, column `kommunen` of data/nrw_kreise.csv); with the 22
# kreisfreie Städte 396 in all. The Städteregion Aachen counts the city of Aachen among its ten; Rhein-Kreis
# Neuss gets the real names of the demo data.
KOMMUNEN_JE_KREIS = {
    row["kreisschluessel"]: int(row["kommunen"]) for row in nrw_kreise() if row["art"] == "Kreis"
}
KOMMUNEN_NRW = 396
LAENDER = daten.json_datei("de_laender.json")["laender"]


def _mitte(land: dict, position: int, anzahl: int) -> tuple[str, str]:
    """A generated Kreis' centre: spread over a disc around the Land's centre (golden-angle spiral)."""
    radius = land["radius"] * math.sqrt((position + 0.5) / anzahl)
    winkel = position * 2.399963
    breite = land["lat"] + radius * math.sin(winkel)
    laenge = land["lon"] + radius * 1.6 * math.cos(winkel)
    return f"{breite:.3f}", f"{laenge:.3f}"


@functools.cache
def kreise_de() -> tuple[dict, ...]:
    """Every Kreis and kreisfreie Stadt of Germany as rows like `nrw_kreise()`: NRW's real ones, generated ones
    for the other Länder with their real numbers of Kreise, kreisfreie Städte and Gemeinden.

    Kreisschlüssel are the Land's code and three digits (kreisfreie Städte 101…, Kreise 501…), so they never
    collide with NRW's (05…); Gemeindeschlüssel append three more. In Hessen, Baden-Württemberg and Bayern the
    generated Kreise and Städte are spread over the Land's real Regierungsbezirke in turn (by value, in
    `regierungsbezirk_wert`); the other Länder have none. Deterministic: the same rows on every run.
    """
    zeilen = list(nrw_kreise())
    for land in LAENDER:
        code = land["code"]
        if code == "05":
            continue
        rng = random.Random(f"kreise-{code}")
        anzahl = land["kreisfreie_staedte"] + land["kreise"]
        staedte = land.get("staedte", [])
        kreisangehoerige = land["gemeinden"] - land["kreisfreie_staedte"]
        je_kreis = _verteile(kreisangehoerige, land["kreise"], rng) if land["kreise"] else []
        bezirke = REGIERUNGSBEZIRKE_JE_LAND.get(code, ())

        def bezirk(nr: int, bezirke=bezirke) -> str:
            return bezirke[nr % len(bezirke)] if bezirke else ""

        for i in range(1, land["kreisfreie_staedte"] + 1):
            lat, lon = _mitte(land, i - 1, anzahl)
            name = staedte[i - 1] if i <= len(staedte) else f"Beispielstadt {code}-{i:02d}"
            zeilen.append(
                {
                    "kreisschluessel": f"{code}{100 + i}",
                    "name": name,
                    "art": "kreisfreie Stadt",
                    "regierungsbezirk": "",
                    "regierungsbezirk_wert": bezirk(i - 1),
                    "kommunen": "1",
                    "lat": lat,
                    "lon": lon,
                    "land": code,
                }
            )
        for j, kommunen in enumerate(je_kreis, 1):
            lat, lon = _mitte(land, land["kreisfreie_staedte"] + j - 1, anzahl)
            zeilen.append(
                {
                    "kreisschluessel": f"{code}{500 + j}",
                    "name": f"Landkreis Beispiel {code}-{j:02d}",
                    "art": "Kreis",
                    "regierungsbezirk": "",
                    "regierungsbezirk_wert": bezirk(land["kreisfreie_staedte"] + j - 1),
                    "kommunen": str(kommunen),
                    "lat": lat,
                    "lon": lon,
                    "land": code,
                    "gemeinde": f"Gemeinde {code}-{j:02d}",
                }
            )
    return tuple(zeilen)


@dataclass(frozen=True)
class Massstab:
    """One scale of the mass data: which Kreise (one Bündnis each) and how many rows in total."""

    name: str
    titel: str
    kreise: Callable[[], Sequence[dict]]
    angebote: int
    antraege: int
    # Whether Bündnisse without budgets get some (outside NRW the demo's distribution gives none).
    budgets: bool = False

    @property
    def buendnisse(self) -> int:
        return len(self.kreise())

    @property
    def kommunen(self) -> int:
        return sum(int(row["kommunen"]) for row in self.kreise())


ANGEBOTE_NRW = 50_000
ANTRAEGE_NRW = 10_000
MASSSTAEBE = {
    "nrw": Massstab("nrw", "NRW", nrw_kreise, ANGEBOTE_NRW, ANTRAEGE_NRW),
    "de": Massstab("de", "Deutschland", kreise_de, 500_000, 100_000, budgets=True),
}


@functools.cache
def _kreis_zeilen() -> dict[str, dict]:
    """Every known Kreis row (NRW and the rest of Germany) by Kreisschlüssel."""
    return {row["kreisschluessel"]: row for row in kreise_de()}


# Alliance-wide member organisations every generated Bündnis gets: (name pattern, type, Bereich).
AKTEURE_JE_BUENDNIS = [(a["name"], AkteurTyp(a["typ"]), a["bereich"]) for a in DATEN["akteure_je_buendnis"]]
# Per Kommune: its administration and a local education provider.
AKTEURE_JE_KOMMUNE = [(a["name"], AkteurTyp(a["typ"]), a["bereich"]) for a in DATEN["akteure_je_kommune"]]

BATCH = 2000


def _kreis_label(buendnis: Buendnis) -> str:
    """ "Kreis Kleve", but "Rhein-Erft-Kreis" and "Städteregion Aachen" as they are."""
    name = buendnis.name
    if "kreis" in name.lower() or name.startswith("Städteregion"):
        return name
    return f"Kreis {name}"


class Fortschritt:
    """One tqdm bar per part, written to the command's stdout (unwrapped so carriage returns pass through)."""

    def __init__(self, stdout=None):
        self.out = getattr(stdout, "_out", stdout) or sys.stdout
        self.start = time.monotonic()

    def bar(self, total: int, desc: str, unit: str = "Zeilen") -> tqdm:
        return tqdm(
            total=total,
            desc=f"{desc:<28}",
            unit=f" {unit}",
            file=self.out,
            leave=True,
            mininterval=0.5,
            dynamic_ncols=False,
            ncols=100,
        )

    def line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _bulk(model, objs: list, bar: tqdm | None = None, *, history: bool = True) -> list:
    """Inserts in batches (with history rows where the model keeps them) and advances the bar."""
    created = []
    for i in range(0, len(objs), BATCH):
        chunk = objs[i : i + BATCH]
        if history:
            created.extend(bulk_create_with_history(chunk, model, batch_size=BATCH))
        else:
            created.extend(model.objects.bulk_create(chunk, batch_size=BATCH))
        if bar is not None:
            bar.update(len(chunk))
    return created


def _zeitpunkt(tag: datetime.date, stunde: int, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(
        tag, datetime.time(stunde, rng.randrange(60)), tzinfo=timezone.get_current_timezone()
    )


ZEITEN = ["Mo–Do 9–12 Uhr", "Mo–Fr 8:30–13 Uhr", "dienstags und donnerstags 16–18 Uhr", "nach Absprache"]


def _koordination_je_buendnis() -> dict[int, int]:
    return dict(
        User.objects.filter(rolle="koordination", buendnis__isnull=False)
        .order_by("-pk")
        .values_list("buendnis_id", "pk")
    )


def _buendnis(row: dict) -> Buendnis:
    if row["regierungsbezirk"]:
        return buendnis_aus_csv(row)
    art = BuendnisArt.KREISFREIE_STADT if row["art"] == "kreisfreie Stadt" else BuendnisArt.KREIS
    name = f"Stadt {row['name']}" if art == BuendnisArt.KREISFREIE_STADT else row["name"]
    buendnis, _ = Buendnis.objects.get_or_create(
        kreisschluessel=row["kreisschluessel"],
        defaults={"name": name, "art": art, "regierungsbezirk": row.get("regierungsbezirk_wert", "")},
    )
    return buendnis


def build_buendnisse(fortschritt: Fortschritt, rows: Sequence[dict] | None = None) -> list[Buendnis]:
    """One Bündnis per Kreis row: by default all 53 of NRW (31 Kreise, 22 kreisfreie Städte)."""
    rows = nrw_kreise() if rows is None else rows
    with fortschritt.bar(len(rows), "Bündnisse") as bar:
        buendnisse = []
        for row in rows:
            buendnisse.append(_buendnis(row))
            bar.update(1)
    return buendnisse


def _lage(mitte: tuple[Decimal, Decimal] | None, i: int) -> dict:
    """A generated Kommune's centre: on rings of about 8 and 16 km around the Kreis' centre (for "near you")."""
    if mitte is None:
        return {}
    ring = 0.07 if i % 2 else 0.14
    winkel = i * 2.399963  # the golden angle spreads the points
    return {
        "breite": (mitte[0] + Decimal(str(round(ring * math.sin(winkel), 5)))),
        "laenge": (mitte[1] + Decimal(str(round(ring * 1.6 * math.cos(winkel), 5)))),
    }


def build_kommunen(buendnisse: list[Buendnis], fortschritt: Fortschritt) -> dict[int, list[Kommune]]:
    """Kommunen up to the Kreis' number (NRW 396 in all, Germany 10,756): a kreisfreie Stadt is its own Kommune;
    Kreise get generated member names."""
    zeilen = _kreis_zeilen()
    mitten = {
        schluessel: (Decimal(row["lat"]), Decimal(row["lon"]))
        for schluessel, row in zeilen.items()
        if row.get("lat") and row.get("lon")
    }
    vorhanden: dict[int, list[Kommune]] = defaultdict(list)
    for kommune in Kommune.objects.filter(buendnis__in=buendnisse).order_by("pk"):
        vorhanden[kommune.buendnis_id].append(kommune)
    neu = []
    for buendnis in buendnisse:
        namen = {k.name for k in vorhanden[buendnis.pk]}
        if buendnis.art == BuendnisArt.KREISFREIE_STADT:
            stadt = buendnis.name.removeprefix("Stadt ")
            if not namen:
                neu.append(
                    Kommune(
                        buendnis=buendnis,
                        name=stadt,
                        gemeindeschluessel=f"{buendnis.kreisschluessel}000",
                        **_lage(mitten.get(buendnis.kreisschluessel), 0),
                    )
                )
            continue
        zeile = zeilen[buendnis.kreisschluessel]
        soll = int(zeile["kommunen"])
        if buendnis.kreisschluessel == "05162":
            kandidaten = [(name, schluessel) for name, schluessel in NEUSS_KOMMUNEN]
        elif "gemeinde" in zeile:
            kandidaten = [
                (f"{zeile['gemeinde']}-{i:03d}", f"{buendnis.kreisschluessel}{i:03d}")
                for i in range(1, soll + 1)
            ]
        else:
            label = _kreis_label(buendnis)
            kandidaten = [
                (f"Gemeinde {i} ({label})", f"{buendnis.kreisschluessel}{i * 4:03d}")
                for i in range(1, soll + 1)
            ]
        fehlend = soll - len(namen)
        for name, schluessel in kandidaten:
            if fehlend <= 0:
                break
            if name not in namen:
                lage = _lage(mitten.get(buendnis.kreisschluessel), soll - fehlend + 1)
                neu.append(Kommune(buendnis=buendnis, name=name, gemeindeschluessel=schluessel, **lage))
                fehlend -= 1
    with fortschritt.bar(len(neu), "Kommunen") as bar:
        for kommune in _bulk(Kommune, neu, bar):
            vorhanden[kommune.buendnis_id].append(kommune)
    return dict(vorhanden)


def build_akteure(
    buendnisse: list[Buendnis], kommunen: dict[int, list[Kommune]], fortschritt: Fortschritt
) -> dict[int, list[Akteur]]:
    """Member organisations of every Bündnis: the usual alliance-wide ones plus two per Kommune."""
    bereiche = {b.schluessel: b for b in Bereich.objects.all()}
    vorhanden: dict[int, list[Akteur]] = defaultdict(list)
    for akteur in Akteur.objects.filter(buendnis__in=buendnisse).order_by("pk"):
        vorhanden[akteur.buendnis_id].append(akteur)
    neu = []
    for buendnis in buendnisse:
        namen = {a.name for a in vorhanden[buendnis.pk]}
        gewuenscht = [
            (muster.format(b=buendnis.name), typ, bereich, None)
            for muster, typ, bereich in AKTEURE_JE_BUENDNIS
        ]
        for kommune in kommunen.get(buendnis.pk, []):
            gewuenscht += [
                (muster.format(k=kommune.name), typ, bereich, kommune)
                for muster, typ, bereich in AKTEURE_JE_KOMMUNE
            ]
        for name, typ, bereich, kommune in gewuenscht:
            if name in namen:
                continue
            namen.add(name)
            neu.append(
                Akteur(buendnis=buendnis, name=name, typ=typ, bereich=bereiche[bereich], kommune=kommune)
            )
    with fortschritt.bar(len(neu), "Akteure") as bar:
        for akteur in _bulk(Akteur, neu, bar):
            vorhanden[akteur.buendnis_id].append(akteur)
    return dict(vorhanden)


# The offer catalogue ---------------------------------------------------------------------------------------------

# Title patterns per Kategorie code and the access profiles (demo.angebote.PROFILE) they usually have.
ANGEBOT_MUSTER = {
    code: (muster["titel"], muster["zugangsprofile"]) for code, muster in DATEN["angebot_muster"].items()
}
BESCHREIBUNG = DATEN["angebot_beschreibung"]
# Where a pathway usually leads next (for Anschlussangebote / Bildungsketten).
ANSCHLUSS: dict[str, list[str]] = DATEN["anschluss"]
SPRACHNIVEAUS = ["", "a1", "a2", "b1", "b2"]


def _verteile(total: int, anzahl: int, rng: random.Random) -> list[int]:
    """`total` split over `anzahl` parts, each within ±30 % of the mean, adding up exactly."""
    gewichte = [rng.uniform(0.7, 1.3) for _ in range(anzahl)]
    summe = sum(gewichte)
    teile = [int(total * g / summe) for g in gewichte]
    for i in range(total - sum(teile)):
        teile[i % anzahl] += 1
    return teile


def build_angebote(
    buendnisse: list[Buendnis],
    kommunen: dict[int, list[Kommune]],
    akteure: dict[int, list[Akteur]],
    rng: random.Random,
    fortschritt: Fortschritt,
    *,
    total: int = ANGEBOTE_NRW,
) -> int:
    """Offers up to `total` with access rows per residence status, workflow steps, Kommunen and pathways.

    Invariants of `Angebot.clean()` and its constraints hold: alter_von ≤ alter_bis, ende ≥ beginn,
    freie_plaetze ≤ plaetze, German target level ≥ required level, Träger of the same Bündnis; restricted
    access always names its condition (`Zugang.clean()`). Published offers went through "einreichen" and
    "veroeffentlichen", archived ones also through "archivieren", as the service records them; every row gets
    its creation history row (and the m2m history of Kommunen and Anschlussangebote).
    """
    vorhanden = Angebot.objects.count()
    fehlend = total - vorhanden
    if fehlend <= 0:
        return vorhanden
    kategorien = {k.code: k.pk for k in Kategorie.objects.aktiv()}
    status_je_code = {s.code: s.pk for s in Aufenthaltsstatus.objects.aktiv()}
    kennungen = defaultdict(set)
    for buendnis_id, kennung in Angebot.objects.values_list("buendnis_id", "kennung"):
        kennungen[buendnis_id].add(kennung)
    koordination = _koordination_je_buendnis()
    t_angebot, t_zugang, t_wechsel = Tabelle(Angebot), Tabelle(Zugang), Tabelle(AngebotStatuswechsel)
    t_orte = Tabelle(Angebot.kommunen.through)
    t_anschluss = Tabelle(Angebot.anschlussangebote.through)
    t_hist_orte = Tabelle(apps.get_model("angebote", "HistoricalAngebot_kommunen"))
    t_hist_anschluss = Tabelle(apps.get_model("angebote", "HistoricalAngebot_anschlussangebote"))
    heute = timezone.localdate()
    finanzierungen = [f for f, _label in Finanzierung.choices]
    status_gewichte = (
        [AngebotStatus.VEROEFFENTLICHT] * 14
        + [AngebotStatus.ZUR_PRUEFUNG] * 2
        + [AngebotStatus.ENTWURF] * 2
        + [AngebotStatus.ARCHIVIERT] * 2
    )
    einreichen = ("einreichen", AngebotStatus.ENTWURF, AngebotStatus.ZUR_PRUEFUNG)
    veroeffentlichen = ("veroeffentlichen", AngebotStatus.ZUR_PRUEFUNG, AngebotStatus.VEROEFFENTLICHT)
    schritte = {
        AngebotStatus.ENTWURF: [],
        AngebotStatus.ZUR_PRUEFUNG: [einreichen],
        AngebotStatus.VEROEFFENTLICHT: [einreichen, veroeffentlichen],
        AngebotStatus.ARCHIVIERT: [
            einreichen,
            veroeffentlichen,
            ("archivieren", AngebotStatus.VEROEFFENTLICHT, AngebotStatus.ARCHIVIERT),
        ],
    }
    profile_zeilen = {
        name: [
            (
                status_je_code[code],
                art,
                (bedingung or "Einzelfallprüfung") if art == ZugangArt.EINGESCHRAENKT else "",
                oeffnung,
                hinweis,
            )
            for code, (art, bedingung, oeffnung, hinweis) in profil.items()
            if code in status_je_code
        ]
        for name, profil in PROFILE.items()
    }
    codes = list(kategorien)
    kategorie_codes = {pk: code for code, pk in kategorien.items()}

    anteile = _verteile(fehlend, len(buendnisse), rng)
    with fortschritt.bar(fehlend, "Angebote") as bar:
        for buendnis, anzahl in zip(buendnisse, anteile, strict=True):
            orte = kommunen.get(buendnis.pk, [])
            traeger_alle = akteure.get(buendnis.pk, [])
            if not orte or not traeger_alle or anzahl <= 0:
                bar.update(anzahl)
                continue
            traeger_je_kommune = defaultdict(list)
            for akteur in traeger_alle:
                traeger_je_kommune[akteur.kommune_id].append(akteur.pk)
            kreisweite_traeger = traeger_je_kommune.get(None) or [a.pk for a in traeger_alle]
            user_id = koordination.get(buendnis.pk)
            label = _kreis_label(buendnis)
            praefix = "NRW" if buendnis.kreisschluessel.startswith("05") else "DE"
            nummer = len(kennungen[buendnis.pk])
            for start in range(0, anzahl, BATCH):
                n = min(BATCH, anzahl - start)
                ids = t_angebot.ids(n)
                angebote, orte_rows, zugaenge, wechsel, je_kategorie = [], [], [], [], defaultdict(list)
                for angebot_id in ids:
                    nummer += 1
                    kennung = f"{praefix}-{buendnis.kreisschluessel}-{nummer:05d}"
                    while kennung in kennungen[buendnis.pk]:
                        nummer += 1
                        kennung = f"{praefix}-{buendnis.kreisschluessel}-{nummer:05d}"
                    kennungen[buendnis.pk].add(kennung)
                    code = rng.choice(codes)
                    muster, profile = ANGEBOT_MUSTER.get(code, (["Angebot"], ["offen"]))
                    kreisweit = len(orte) > 1 and rng.random() < 0.2
                    ort_liste = (
                        []
                        if kreisweit
                        else rng.sample(orte, 1 if rng.random() < 0.85 or len(orte) < 2 else 2)
                    )
                    lokale = traeger_je_kommune.get(ort_liste[0].pk) if ort_liste else None
                    traeger_id = rng.choice(lokale if lokale and rng.random() < 0.6 else kreisweite_traeger)
                    niveau_von = rng.randrange(len(SPRACHNIVEAUS))
                    niveau_bis = rng.randrange(max(niveau_von, 1), len(SPRACHNIVEAUS))
                    plaetze = rng.choice([None, 8, 10, 12, 15, 16, 20, 25])
                    beginn = datetime.date(2019, 9, 1) + datetime.timedelta(days=rng.randrange(0, 7 * 365))
                    laufend = rng.random() < 0.35
                    status = rng.choice(status_gewichte)
                    ort_name = label if kreisweit else ort_liste[0].name
                    titel = rng.choice(muster).format(n=SPRACHNIVEAUS[niveau_bis].upper() or "A1")
                    angelegt = _zeitpunkt(beginn - datetime.timedelta(days=60), 9, rng)
                    angebote.append(
                        {
                            "id": angebot_id,
                            "created_at": angelegt,
                            "updated_at": angelegt,
                            "buendnis_id": buendnis.pk,
                            "kennung": kennung,
                            "titel": f"{titel} {ort_name} {nummer}"[:200],
                            "beschreibung": BESCHREIBUNG,
                            "traeger_id": traeger_id,
                            "kreisweit": kreisweit,
                            # A way to take part, as publishing requires (`Angebot.fehlende_teilnahmewege`).
                            "adresse": f"Hauptstraße {rng.randrange(1, 120)}",
                            "plz": f"{rng.randrange(40000, 59999)}",
                            "ort": ort_name[:100],
                            "online": rng.random() < 0.08,
                            "zeiten": rng.choice(ZEITEN),
                            "kontakt_name": rng.choice(["Bildungsberatung", "Anmeldung", "Sekretariat"]),
                            "kontakt_telefon": f"0{rng.randrange(2000, 2999)} {rng.randrange(1000, 99999)}",
                            "kontakt_email": f"angebot{angebot_id}@traeger.example",
                            "kategorie_id": kategorien[code],
                            "foerderbaustein": rng.choice(["", "", "f1", "f2", "f3", "f4"]),
                            "finanzierung": rng.choice(finanzierungen),
                            "alter_von": rng.choice([16, 18, 18, 18]),
                            "alter_bis": rng.choice([25, 27, 27, 27]),
                            "deutsch_voraussetzung": SPRACHNIVEAUS[niveau_von],
                            "deutsch_ziel": SPRACHNIVEAUS[niveau_bis],
                            "plaetze": plaetze,
                            "freie_plaetze": rng.randrange(0, plaetze + 1) if plaetze else None,
                            "beginn": beginn,
                            "ende": None
                            if laufend
                            else beginn + datetime.timedelta(days=rng.choice([90, 180, 270, 365, 730])),
                            "laufend": laufend,
                            "kinderbetreuung": rng.random() < 0.15,
                            "status": status,
                            "bestaetigt_am": heute - datetime.timedelta(days=rng.randrange(0, 540))
                            if status == AngebotStatus.VEROEFFENTLICHT
                            else None,
                            "erstellt_von_id": user_id,
                            "version": 1 + len(schritte[status]),
                        }
                    )
                    je_kategorie[code].append(angebot_id)
                    for ort in ort_liste:
                        orte_rows.append({"angebot_id": angebot_id, "kommune_id": ort.pk})
                    for status_id, art, bedingung, oeffnung, hinweis in profile_zeilen[rng.choice(profile)]:
                        zugaenge.append(
                            {
                                "_angelegt": angelegt,
                                "angebot_id": angebot_id,
                                "status_id": status_id,
                                "art": art,
                                "bedingung": bedingung,
                                "oeffnung_moeglich": oeffnung,
                                "oeffnung_hinweis": hinweis,
                            }
                        )
                    tag = beginn - datetime.timedelta(days=50)
                    for aktion, von, nach in schritte[status]:
                        tag += datetime.timedelta(days=rng.randrange(2, 20))
                        wechsel.append(
                            {
                                "angebot_id": angebot_id,
                                "aktion": aktion,
                                "von": von,
                                "nach": nach,
                                "kommentar": "",
                                "durch_id": user_id,
                                "zeitpunkt": _zeitpunkt(tag, 11, rng),
                            }
                        )
                historie = t_angebot.schreiben(angebote, historie="created_at", user_id=user_id)
                hist_je_angebot = {
                    row["id"]: h["history_id"] for row, h in zip(angebote, historie, strict=True)
                }
                # Historical m2m rows copy the through row's id and point to the offer's history row.
                orte_rows = t_orte.schreiben(orte_rows)
                t_hist_orte.schreiben(
                    [{**row, "history_id": hist_je_angebot[row["angebot_id"]]} for row in orte_rows]
                )
                t_zugang.schreiben(zugaenge, historie="_angelegt", user_id=user_id)
                t_wechsel.schreiben(wechsel, historie="zeitpunkt", user_id=user_id)
                # Pathways: about a third of the offers lead on to an offer of a later Kategorie nearby.
                kanten = []
                for row in angebote:
                    code = kategorie_codes[row["kategorie_id"]]
                    ziele = [z for c in ANSCHLUSS.get(code, []) for z in je_kategorie.get(c, [])[:50]]
                    if ziele and rng.random() < 0.35:
                        kanten.append({"from_angebot_id": row["id"], "to_angebot_id": rng.choice(ziele)})
                kanten = t_anschluss.schreiben(kanten)
                t_hist_anschluss.schreiben(
                    [{**row, "history_id": hist_je_angebot[row["from_angebot_id"]]} for row in kanten]
                )
                bar.update(n)
    return Angebot.objects.count()


# The needs analysis ----------------------------------------------------------------------------------------------

# Three survey rounds per Bündnis: (title, Stichtag). The latest becomes the open one unless one is open already.
ERHEBUNGEN = [(e["titel"], daten.datum(e["stichtag"])) for e in DATEN["erhebungen"]]


def build_bedarf(
    buendnisse: list[Buendnis],
    kommunen: dict[int, list[Kommune]],
    rng: random.Random,
    fortschritt: Fortschritt,
) -> int:
    """Three survey rounds for every Bündnis, one Bedarfsmeldung per Kommune and round with its cells.

    The figures come from the demo's generator (`demo.bedarf.meldewerte`), which keeps the consistency rules of
    `bedarf.raster.pruefe`: breakdowns add up to the total, needs per status never exceed the status count.
    At most one round per Bündnis is open (constraint `eine_offene_erhebung_pro_buendnis`); closed rounds have
    every Meldung delivered, in the open round some Kommunen are still at work. Rounds that exist already
    (the demo's Rhein-Kreis Neuss) are left alone.
    """
    bestehend = defaultdict(dict)
    for erhebung in Erhebung.objects.filter(buendnis__in=buendnisse):
        bestehend[erhebung.buendnis_id][erhebung.titel] = erhebung
    koordination = _koordination_je_buendnis()
    t_erhebung, t_meldung, t_wert = Tabelle(Erhebung), Tabelle(Bedarfsmeldung), Tabelle(Meldewert)
    plan = []
    for buendnis in buendnisse:
        offen = any(e.status == ErhebungStatus.OFFEN for e in bestehend[buendnis.pk].values())
        for i, (titel, stichtag) in enumerate(ERHEBUNGEN):
            if titel in bestehend[buendnis.pk]:
                continue
            ist_offen = not offen and i == len(ERHEBUNGEN) - 1
            offen = offen or ist_offen
            plan.append((buendnis, titel, stichtag, ist_offen))
    anzahl = sum(len(kommunen.get(b.pk, [])) for b, *_rest in plan)
    with fortschritt.bar(anzahl, "Bedarfsmeldungen") as bar:
        for buendnis, titel, stichtag, ist_offen in plan:
            user_id = koordination.get(buendnis.pk)
            eingabe_bis = stichtag + datetime.timedelta(days=60)
            erhebung = {
                "created_at": _zeitpunkt(stichtag - datetime.timedelta(days=30), 10, rng),
                "updated_at": _zeitpunkt(eingabe_bis, 10, rng),
                "buendnis_id": buendnis.pk,
                "titel": titel,
                "stichtag": stichtag,
                "eingabe_von": stichtag + datetime.timedelta(days=1),
                "eingabe_bis": eingabe_bis,
                "status": ErhebungStatus.OFFEN if ist_offen else ErhebungStatus.ABGESCHLOSSEN,
                "abgeschlossen_am": None if ist_offen else _zeitpunkt(eingabe_bis, 12, rng),
                "abgeschlossen_von_id": None if ist_offen else user_id,
                "hinweise": "Kreisweite, anonymisierte Erhebung (nur Summenwerte).",
            }
            t_erhebung.schreiben([erhebung], historie="created_at", user_id=user_id)
            meldungen, werte = [], []
            for versatz, kommune in enumerate(kommunen.get(buendnis.pk, [])):
                stadt = buendnis.art == BuendnisArt.KREISFREIE_STADT
                gesamt = rng.randrange(300, 2500) if stadt else rng.randrange(8, 400)
                status = MeldungStatus.ABGEGEBEN
                if ist_offen and rng.random() < 0.3:
                    status = MeldungStatus.ENTWURF
                abgegeben = _zeitpunkt(stichtag + datetime.timedelta(days=rng.randrange(5, 55)), 15, rng)
                meldung = {
                    "created_at": abgegeben,
                    "updated_at": abgegeben,
                    "erhebung_id": erhebung["id"],
                    "kommune_id": kommune.pk,
                    "status": status,
                    "gesamt": gesamt,
                    "version": 1,
                    "abgegeben_am": abgegeben if status == MeldungStatus.ABGEGEBEN else None,
                    "geaendert_von_id": user_id,
                }
                meldungen.append(meldung)
                werte.append((meldung, meldewerte(gesamt, stichtag.year % 7, versatz)))
            t_meldung.schreiben(meldungen, historie="created_at", user_id=user_id)
            zeilen = [
                {
                    "_datum": meldung["created_at"],
                    "meldung_id": meldung["id"],
                    "dimension": d,
                    "aufenthaltsstatus": st,
                    "merkmal": m,
                    "altersband": a,
                    "geschlecht": g,
                    "anzahl": n,
                }
                for meldung, zellen in werte
                for (d, st, m, a, g), n in zellen.items()
                if n
            ]
            t_wert.schreiben(zeilen, historie="_datum", user_id=user_id)
            bar.update(len(meldungen))
    return Bedarfsmeldung.objects.count()


# Funding --------------------------------------------------------------------------------------------------------

ANTRAG_STATUS_GEWICHTE: dict[str, int] = DATEN["antrag_status_gewichte"]
# The path of each final state through the workflow (foerderung.services.UEBERGAENGE).
ANTRAG_PFAD = {
    "entwurf": ["entwurf"],
    "eingereicht": ["entwurf", "eingereicht"],
    "in_pruefung": ["entwurf", "eingereicht", "in_pruefung"],
    "bewilligt": ["entwurf", "eingereicht", "in_pruefung", "bewilligt"],
    "abgelehnt": ["entwurf", "eingereicht", "in_pruefung", "abgelehnt"],
    "zurueckgezogen": ["entwurf", "eingereicht", "zurueckgezogen"],
    "vn_eingereicht": ["entwurf", "eingereicht", "in_pruefung", "bewilligt", "vn_eingereicht"],
    "vn_geprueft": ["entwurf", "eingereicht", "in_pruefung", "bewilligt", "vn_eingereicht", "vn_geprueft"],
    "abgeschlossen": [
        "entwurf",
        "eingereicht",
        "in_pruefung",
        "bewilligt",
        "vn_eingereicht",
        "vn_geprueft",
        "abgeschlossen",
    ],
}
BEWILLIGT_ODER_SPAETER = {"bewilligt", "vn_eingereicht", "vn_geprueft", "abgeschlossen"}
CENT = Decimal("0.01")


def _geld(wert) -> Decimal:
    return Decimal(wert).quantize(CENT, rounding=ROUND_HALF_UP)


def build_benutzer(buendnisse: list[Buendnis], fortschritt: Fortschritt) -> None:
    """A coordination account (Geschäftsführende Stelle) for every Bündnis that has none; it signs the
    workflow steps of the generated data. No password: nobody signs in with it."""
    mit = set(User.objects.filter(rolle=Rolle.KOORDINATION).values_list("buendnis_id", flat=True))
    neu = []
    for buendnis in buendnisse:
        if buendnis.pk in mit:
            continue
        user = User(
            username=f"koordination-{buendnis.kreisschluessel}",
            rolle=Rolle.KOORDINATION,
            buendnis=buendnis,
            first_name="Geschäftsführende Stelle",
            last_name=buendnis.name[:150],
        )
        user.set_unusable_password()
        neu.append(user)
    with fortschritt.bar(len(neu), "Koordinationskonten") as bar:
        User.objects.bulk_create(neu, batch_size=BATCH)
        bar.update(len(neu))


def build_budgets(buendnisse: list[Buendnis], fortschritt: Fortschritt) -> int:
    """Budgets for every Bündnis that has none (outside NRW the demo's distribution allocates nothing): the
    same Förderbausteine and years as the Bündnisse that have them, each with their median allocation.
    Returns the number created."""
    betraege = defaultdict(list)
    for baustein_id, jahr, betrag in Budget.objects.values_list("baustein_id", "jahr", "betrag"):
        betraege[(baustein_id, jahr)].append(betrag)
    mit = set(Budget.objects.filter(buendnis__in=buendnisse).values_list("buendnis_id", flat=True))
    ohne = [b for b in buendnisse if b.pk not in mit]
    neu = [
        Budget(
            buendnis=buendnis,
            baustein_id=baustein_id,
            jahr=jahr,
            betrag=sorted(werte)[len(werte) // 2],
            bemerkung="Synthetisch (Skalierungsdaten Deutschland)",
        )
        for buendnis in ohne
        for (baustein_id, jahr), werte in sorted(betraege.items())
    ]
    with fortschritt.bar(len(neu), "Budgets") as bar:
        _bulk(Budget, neu, bar)
    return len(neu)


def build_foerderung(
    buendnisse: list[Buendnis],
    kommunen: dict[int, list[Kommune]],
    akteure: dict[int, list[Akteur]],
    rng: random.Random,
    fortschritt: Fortschritt,
    *,
    total: int = ANTRAEGE_NRW,
) -> int:
    """Applications up to `total` over every Bündnis budget (Bündnis × Förderbaustein × year), each with its
    cost plan, its workflow steps and history, and for approved ones drawdowns and proof of use.

    Invariants of the services hold: the period lies in the programme's term and contains the budget year;
    gesamtkosten is the sum of the cost lines (units × rate for flat rates), beantragt = gesamtkosten −
    Eigenanteil − Drittmittel; approvals never exceed the request nor, summed up, the budget of their module and
    year; drawdowns are positive and never exceed the approval; a Kommune or an Akteur applies.
    """
    vorhanden = Foerderantrag.objects.count()
    fehlend = total - vorhanden
    budgets = list(
        Budget.objects.filter(buendnis__in=buendnisse)
        .select_related("baustein__programm")
        .order_by("buendnis_id", "baustein__nummer", "jahr")
    )
    if fehlend <= 0 or not budgets:
        return vorhanden
    bewilligt_bisher = defaultdict(Decimal)
    for b_id, baustein_id, jahr, betrag in Foerderantrag.objects.filter(
        status__in=BEWILLIGT_ODER_SPAETER, bewilligt_betrag__isnull=False
    ).values_list("buendnis_id", "baustein_id", "haushaltsjahr", "bewilligt_betrag"):
        bewilligt_bisher[(b_id, baustein_id, jahr)] += betrag
    koordination = _koordination_je_buendnis()
    t_antrag, t_position, t_wechsel = (
        Tabelle(Foerderantrag),
        Tabelle(Kostenposition),
        Tabelle(AntragStatuswechsel),
    )
    t_abruf, t_nachweis = Tabelle(Mittelabruf), Tabelle(Verwendungsnachweis)
    zustaende = list(ANTRAG_STATUS_GEWICHTE)
    gewichte = list(ANTRAG_STATUS_GEWICHTE.values())
    buendnis_je_id = {b.pk: b for b in buendnisse}
    anteile = _verteile(fehlend, len(budgets), rng)
    nummer = vorhanden
    with fortschritt.bar(fehlend, "Förderanträge") as bar:
        for start in range(0, len(budgets), 40):
            antraege, positionen, wechsel, abrufe, nachweise, hist = [], [], [], [], [], []
            for budget, anzahl in zip(budgets[start : start + 40], anteile[start : start + 40], strict=True):
                buendnis = buendnis_je_id[budget.buendnis_id]
                user_id = koordination.get(buendnis.pk)
                orte = kommunen.get(buendnis.pk, [])
                traeger = [a for a in akteure.get(buendnis.pk, []) if a.kommune_id is None]
                if user_id is None or (not orte and not traeger):
                    bar.update(anzahl)
                    continue
                baustein, programm = budget.baustein, budget.baustein.programm
                schluessel = (buendnis.pk, baustein.pk, budget.jahr)
                rest = budget.betrag - bewilligt_bisher[schluessel]
                beginn_jahr = max(datetime.date(budget.jahr, 1, 1), programm.laufzeit_beginn)
                ende_jahr = min(datetime.date(budget.jahr, 12, 31), programm.laufzeit_ende)
                if beginn_jahr > ende_jahr:
                    bar.update(anzahl)
                    continue
                for _i in range(anzahl):
                    nummer += 1
                    zustand = rng.choices(zustaende, gewichte)[0]
                    beginn = beginn_jahr + datetime.timedelta(days=rng.randrange(0, 60))
                    beginn = min(beginn, ende_jahr)
                    ende = ende_jahr
                    ziel = budget.betrag / 8 * Decimal(rng.uniform(0.4, 1.4))
                    zeilen = []
                    if baustein.foerderart == Foerderart.PAUSCHALE_EINHEIT and baustein.pauschalbetrag:
                        stunden = max(1, int(ziel / baustein.pauschalbetrag))
                        zeilen.append(
                            (
                                "honorar",
                                "Unterrichtsstunden",
                                Decimal(stunden),
                                baustein.pauschalbetrag,
                                _geld(stunden * baustein.pauschalbetrag),
                            )
                        )
                        zeilen.append(
                            ("sonstige", "Prüfungsgebühren", None, None, _geld(rng.randrange(0, 800)))
                        )
                    else:
                        personal = _geld(ziel * Decimal("0.8"))
                        zeilen.append(("personal", "Personalkosten", None, None, personal))
                        zeilen.append(("sach", "Sachkosten", None, None, _geld(ziel - personal)))
                    gesamt = sum((z[4] for z in zeilen), Decimal("0.00"))
                    eigen = _geld(gesamt * Decimal("0.2")) if rng.random() < 0.3 else Decimal("0.00")
                    beantragt = gesamt - eigen
                    if baustein.hoechstbetrag is not None and beantragt > baustein.hoechstbetrag:
                        eigen = gesamt - baustein.hoechstbetrag
                        beantragt = baustein.hoechstbetrag
                    bewilligt = None
                    if zustand in BEWILLIGT_ODER_SPAETER:
                        bewilligt = min(beantragt, _geld(beantragt * Decimal(rng.uniform(0.8, 1.0))), rest)
                        if bewilligt < Decimal("100"):
                            zustand, bewilligt = "in_pruefung", None
                        else:
                            rest -= bewilligt
                            bewilligt_bisher[schluessel] += bewilligt
                    pfad = ANTRAG_PFAD[zustand]
                    kommune = rng.choice(orte) if orte and (not traeger or rng.random() < 0.8) else None
                    angelegt = _zeitpunkt(beginn - datetime.timedelta(days=90), 9, rng)
                    bescheid = beginn - datetime.timedelta(days=10)
                    antrag = {
                        "created_at": angelegt,
                        "updated_at": angelegt,
                        "buendnis_id": buendnis.pk,
                        "baustein_id": baustein.pk,
                        "kommune_id": kommune.pk if kommune else None,
                        "antragsteller_akteur_id": None if kommune else rng.choice(traeger).pk,
                        "titel": f"{baustein.get_nummer_display()[:60]} {budget.jahr} – Antrag {nummer}",
                        "beschreibung": "Maßnahme für junge Geflüchtete im Rahmen von „Durchstarten“.",
                        "beginn": beginn,
                        "ende": ende,
                        "haushaltsjahr": budget.jahr,
                        "eigenanteil": eigen,
                        "drittmittel": Decimal("0.00"),
                        "gesamtkosten": gesamt,
                        "beantragt": beantragt,
                        "teilnehmende_geplant": rng.randrange(5, 40),
                        "status": zustand,
                        "eingereicht_am": (beginn - datetime.timedelta(days=45)) if len(pfad) > 1 else None,
                        "bewilligt_betrag": bewilligt,
                        "bescheid_datum": bescheid if bewilligt is not None else None,
                        "bescheid_nummer": f"BR-{budget.jahr}-{nummer:06d}" if bewilligt is not None else "",
                        "ablehnungsgrund": "Fördervoraussetzungen nicht erfüllt."
                        if zustand == "abgelehnt"
                        else "",
                        "version": len(pfad),
                    }
                    antrag["id"] = None
                    antraege.append(antrag)
                    antrag["_zeilen"] = zeilen
                    antrag["_pfad"] = pfad
                    antrag["_user"] = user_id
            t_antrag.schreiben(antraege)
            for antrag in antraege:
                user_id = antrag["_user"]
                for kategorie, bezeichnung, einheiten, satz, betrag in antrag["_zeilen"]:
                    positionen.append(
                        {
                            "_datum": antrag["created_at"],
                            "antrag_id": antrag["id"],
                            "kategorie": kategorie,
                            "bezeichnung": bezeichnung,
                            "einheiten": einheiten,
                            "einheitssatz": satz,
                            "betrag": betrag,
                        }
                    )
                zeitpunkt = antrag["created_at"]
                von = ""
                for schritt, nach in enumerate(antrag["_pfad"], 1):
                    if schritt > 1:
                        zeitpunkt += datetime.timedelta(days=rng.randrange(3, 25))
                    wechsel.append(
                        {
                            "antrag_id": antrag["id"],
                            "von": von,
                            "nach": nach,
                            "kommentar": "Antrag angelegt" if schritt == 1 else "",
                            "durch_id": user_id,
                            "zeitpunkt": zeitpunkt,
                        }
                    )
                    # The services save the application at every step: one history row each.
                    hist.append(
                        {
                            **{k: v for k, v in antrag.items() if not k.startswith("_")},
                            "status": nach,
                            "version": schritt,
                            "history_date": zeitpunkt,
                            "history_type": "+" if schritt == 1 else "~",
                            "history_change_reason": None,
                            "history_user_id": user_id,
                        }
                    )
                    von = nach
                bewilligt = antrag["bewilligt_betrag"]
                if bewilligt is not None:
                    anteil = (
                        bewilligt
                        if antrag["status"] == "abgeschlossen"
                        else _geld(bewilligt * Decimal("0.7"))
                    )
                    raten = rng.randrange(1, 5)
                    summe = Decimal("0.00")
                    for rate in range(raten):
                        betrag = _geld(anteil / raten) if rate < raten - 1 else anteil - summe
                        if betrag <= 0:
                            continue
                        summe += betrag
                        datum = min(
                            antrag["beginn"] + datetime.timedelta(days=60 * (rate + 1)), antrag["ende"]
                        )
                        abrufe.append(
                            {
                                "_datum": _zeitpunkt(datum, 10, rng),
                                "antrag_id": antrag["id"],
                                "datum": datum,
                                "betrag": betrag,
                                "bemerkung": f"{rate + 1}. Abruf",
                                "erfasst_von_id": user_id,
                                "erfasst_am": _zeitpunkt(datum, 10, rng),
                            }
                        )
                    if antrag["status"] in ("vn_eingereicht", "vn_geprueft", "abgeschlossen"):
                        eingereicht = antrag["ende"] + datetime.timedelta(days=60)
                        geprueft = antrag["status"] != "vn_eingereicht"
                        nachweise.append(
                            {
                                "_datum": _zeitpunkt(eingereicht, 12, rng),
                                "created_at": _zeitpunkt(eingereicht, 12, rng),
                                "antrag_id": antrag["id"],
                                "eingereicht_am": eingereicht,
                                "sachbericht": "Sachbericht: Ziele erreicht, Teilnehmende begleitet.",
                                "ausgaben_ist": summe,
                                "pruefvermerk": "Ohne Beanstandung." if geprueft else "",
                                "geprueft_am": eingereicht + datetime.timedelta(days=30)
                                if geprueft
                                else None,
                            }
                        )
            t_antrag.hist.schreiben(hist)
            t_position.schreiben(positionen, historie="_datum", user_id=None)
            t_wechsel.schreiben(wechsel, historie="zeitpunkt", user_id=None)
            t_abruf.schreiben(abrufe, historie="_datum", user_id=None)
            t_nachweis.schreiben(nachweise, historie="_datum", user_id=None)
            bar.update(len(antraege))
    return Foerderantrag.objects.count()


BESTAND_LABEL = {
    "buendnisse": "Bündnisse",
    "kommunen": "Kommunen",
    "akteure": "Akteure",
    "angebote": "Angebote",
    "zugaenge": "Zugänge",
    "erhebungen": "Erhebungen",
    "bedarfsmeldungen": "Bedarfsmeldungen",
    "meldewerte": "Meldewerte",
    "foerderantraege": "Förderanträge",
    "mittelabrufe": "Mittelabrufe",
}


def bestand() -> dict[str, int]:
    """How many rows of the scaled entities exist (for the final line and the benchmark's JSON)."""
    return {
        "buendnisse": Buendnis.objects.count(),
        "kommunen": Kommune.objects.count(),
        "akteure": Akteur.objects.count(),
        "angebote": Angebot.objects.count(),
        "zugaenge": Zugang.objects.count(),
        "erhebungen": Erhebung.objects.count(),
        "bedarfsmeldungen": Bedarfsmeldung.objects.count(),
        "meldewerte": Meldewert.objects.count(),
        "foerderantraege": Foerderantrag.objects.count(),
        "mittelabrufe": Mittelabruf.objects.count(),
    }


def fehlt_etwas(scale: str = "nrw") -> bool:
    """Whether the data set of `scale` is (still) incomplete, so `build` has something to do."""
    massstab = MASSSTAEBE[scale]
    zahlen = bestand()
    return (
        zahlen["buendnisse"] < massstab.buendnisse
        or zahlen["kommunen"] < massstab.kommunen
        or zahlen["angebote"] < massstab.angebote
        or zahlen["bedarfsmeldungen"] < massstab.kommunen * 2
        or zahlen["foerderantraege"] < massstab.antraege
    )


def build(
    scale: str = "nrw",
    stdout=None,
    *,
    seed: int = 2019,
    angebote: int | None = None,
    antraege: int | None = None,
    kreise: Sequence[dict] | None = None,
) -> dict:
    """Builds (or tops up) the data set of `scale` ("nrw" or "de"); returns counts of what exists afterwards.

    `angebote` and `antraege` override the totals to reach and `kreise` the Kreis rows (the tests build a
    miniature through the same path).
    """
    massstab = MASSSTAEBE[scale]
    zeilen = massstab.kreise() if kreise is None else kreise
    angebote = massstab.angebote if angebote is None else angebote
    antraege = massstab.antraege if antraege is None else antraege
    fortschritt = Fortschritt(stdout)
    rng = random.Random(seed)
    kommunen_soll = sum(int(row["kommunen"]) for row in zeilen)
    fortschritt.line(
        f"{massstab.titel}-Skalierungsdaten: {len(zeilen)} Bündnisse, {kommunen_soll} Kommunen, "
        "Jahre an Daten …"
    )
    zeiten: dict[str, float] = {}
    letzte = time.monotonic()

    def gemessen(teil: str) -> None:
        nonlocal letzte
        jetzt = time.monotonic()
        zeiten[teil] = jetzt - letzte
        letzte = jetzt

    with transaction.atomic():
        buendnisse = build_buendnisse(fortschritt, zeilen)
        kommunen = build_kommunen(buendnisse, fortschritt)
        akteure = build_akteure(buendnisse, kommunen, fortschritt)
        build_benutzer(buendnisse, fortschritt)
        if massstab.budgets:
            build_budgets(buendnisse, fortschritt)
    gemessen("Stammdaten")
    with transaction.atomic():
        build_angebote(buendnisse, kommunen, akteure, rng, fortschritt, total=angebote)
    gemessen("Angebote")
    with transaction.atomic():
        build_bedarf(buendnisse, kommunen, rng, fortschritt)
    gemessen("Bedarf")
    with transaction.atomic():
        build_foerderung(buendnisse, kommunen, akteure, rng, fortschritt, total=antraege)
    gemessen("Förderung")
    with transaction.atomic():
        build_ziele(buendnisse, rng, fortschritt)
    gemessen("Ziele")
    if connection.vendor == "postgresql":
        # Fresh planner statistics: right after a bulk load they still describe the empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        gemessen("ANALYZE")
    dauer = time.monotonic() - fortschritt.start
    ergebnis = bestand()
    fortschritt.line("Dauer je Teil: " + ", ".join(f"{teil} {sek:.0f} s" for teil, sek in zeiten.items()))
    fortschritt.line(
        f"{massstab.titel}-Skalierungsdaten fertig in {dauer:.0f} s: "
        + ", ".join(f"{anzahl} {BESTAND_LABEL[name]}" for name, anzahl in ergebnis.items())
    )
    return ergebnis


def build_nrw(
    stdout=None, *, seed: int = 2019, angebote: int = ANGEBOTE_NRW, antraege: int = ANTRAEGE_NRW
) -> dict:
    """Builds (or tops up) the NRW-wide data set (`build("nrw")`)."""
    return build("nrw", stdout, seed=seed, angebote=angebote, antraege=antraege)
