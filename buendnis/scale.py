"""NRW-wide mass data (`manage.py demo_data --scale nrw`): all 53 Bündnisse, 396 Kommunen, years of data.

Built on top of the normal demo data for the benchmark (`make bench`) and for trying the product at the size of
the whole state. Rows are generated directly with `bulk_create` (and simple_history's
`bulk_create_with_history` where the models keep history), respecting each model's invariants, instead of
going through the services one row at a time: the whole build has to finish within five minutes on a
2-core machine. Every part only tops up what is missing, so running the command again adds nothing.
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict

from django.db import transaction
from simple_history.utils import bulk_create_with_history
from tqdm import tqdm

from buendnis.choices import BuendnisArt
from buendnis.demo import NEUSS_KOMMUNEN, buendnis_aus_csv, nrw_kreise
from buendnis.models import Akteur, AkteurTyp, Bereich, Buendnis, Kommune

# Number of kreisangehörige Gemeinden per Kreis (IT.NRW); with the 22 kreisfreie Städte 396 in all.
# The Städteregion Aachen counts the city of Aachen among its ten.
KOMMUNEN_JE_KREIS = {
    "05154": 16,  # Kleve
    "05158": 10,  # Mettmann
    "05162": 8,  # Rhein-Kreis Neuss (real names from the demo data)
    "05166": 9,  # Viersen
    "05170": 13,  # Wesel
    "05334": 10,  # Städteregion Aachen
    "05358": 15,  # Düren
    "05362": 10,  # Rhein-Erft-Kreis
    "05366": 11,  # Euskirchen
    "05370": 10,  # Heinsberg
    "05374": 13,  # Oberbergischer Kreis
    "05378": 8,  # Rheinisch-Bergischer Kreis
    "05382": 19,  # Rhein-Sieg-Kreis
    "05554": 17,  # Borken
    "05558": 11,  # Coesfeld
    "05562": 10,  # Recklinghausen
    "05566": 24,  # Steinfurt
    "05570": 13,  # Warendorf
    "05754": 13,  # Gütersloh
    "05758": 9,  # Herford
    "05762": 10,  # Höxter
    "05766": 16,  # Lippe
    "05770": 11,  # Minden-Lübbecke
    "05774": 10,  # Paderborn
    "05954": 9,  # Ennepe-Ruhr-Kreis
    "05958": 12,  # Hochsauerlandkreis
    "05962": 15,  # Märkischer Kreis
    "05966": 7,  # Olpe
    "05970": 11,  # Siegen-Wittgenstein
    "05974": 14,  # Soest
    "05978": 10,  # Unna
}
KOMMUNEN_NRW = 396

# Alliance-wide member organisations every generated Bündnis gets: (name pattern, type, Bereich).
AKTEURE_JE_BUENDNIS = [
    ("Kommunales Integrationszentrum {b}", AkteurTyp.VERWALTUNG, "migration-integration"),
    ("Ausländerbehörde {b}", AkteurTyp.VERWALTUNG, "migration-integration"),
    ("Jobcenter {b}", AkteurTyp.JOBCENTER, "arbeit-wirtschaft"),
    ("Agentur für Arbeit {b}", AkteurTyp.AGENTUR, "arbeit-wirtschaft"),
    ("Kammer {b}", AkteurTyp.KAMMER, "arbeit-wirtschaft"),
    ("Kreishandwerkerschaft {b}", AkteurTyp.KAMMER, "arbeit-wirtschaft"),
    ("Caritasverband {b}", AkteurTyp.WOHLFAHRTSVERBAND, "soziales"),
    ("Diakonie {b}", AkteurTyp.WOHLFAHRTSVERBAND, "soziales"),
    ("AWO {b}", AkteurTyp.WOHLFAHRTSVERBAND, "soziales"),
    ("Jugendmigrationsdienst {b}", AkteurTyp.JUGENDHILFE, "soziales"),
    ("Jugendamt {b}", AkteurTyp.JUGENDHILFE, "soziales"),
    ("Berufskolleg {b}", AkteurTyp.SCHULE, "bildung"),
    ("Bildungswerk {b}", AkteurTyp.BILDUNGSTRAEGER, "bildung"),
]
# Per Kommune: its administration and a local education provider.
AKTEURE_JE_KOMMUNE = [
    ("Verwaltung {k}", AkteurTyp.VERWALTUNG, "migration-integration"),
    ("Volkshochschule {k}", AkteurTyp.BILDUNGSTRAEGER, "bildung"),
]

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


def build_buendnisse(fortschritt: Fortschritt) -> list[Buendnis]:
    """All 53 Bündnisse of NRW (31 Kreise, 22 kreisfreie Städte)."""
    rows = nrw_kreise()
    with fortschritt.bar(len(rows), "Bündnisse") as bar:
        buendnisse = []
        for row in rows:
            buendnisse.append(buendnis_aus_csv(row))
            bar.update(1)
    return buendnisse


def build_kommunen(buendnisse: list[Buendnis], fortschritt: Fortschritt) -> dict[int, list[Kommune]]:
    """Kommunen up to 396: a kreisfreie Stadt is its own Kommune; Kreise get generated member names."""
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
                        buendnis=buendnis, name=stadt, gemeindeschluessel=f"{buendnis.kreisschluessel}000"
                    )
                )
            continue
        soll = KOMMUNEN_JE_KREIS[buendnis.kreisschluessel]
        if buendnis.kreisschluessel == "05162":
            kandidaten = [(name, schluessel) for name, schluessel in NEUSS_KOMMUNEN]
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
                neu.append(Kommune(buendnis=buendnis, name=name, gemeindeschluessel=schluessel))
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


def build_nrw(stdout=None, *, seed: int = 2019) -> dict:
    """Builds (or tops up) the NRW-wide data set; returns counts of what exists afterwards."""
    fortschritt = Fortschritt(stdout)
    rng = random.Random(seed)
    fortschritt.line("NRW-Skalierungsdaten: 53 Bündnisse, 396 Kommunen, Jahre an Daten …")
    with transaction.atomic():
        buendnisse = build_buendnisse(fortschritt)
        kommunen = build_kommunen(buendnisse, fortschritt)
        akteure = build_akteure(buendnisse, kommunen, fortschritt)
    kontext = {"buendnisse": buendnisse, "kommunen": kommunen, "akteure": akteure, "rng": rng}
    del kontext
    dauer = time.monotonic() - fortschritt.start
    ergebnis = {
        "buendnisse": Buendnis.objects.count(),
        "kommunen": Kommune.objects.count(),
        "akteure": Akteur.objects.count(),
    }
    fortschritt.line(
        f"NRW-Skalierungsdaten fertig in {dauer:.0f} s: "
        + ", ".join(f"{anzahl} {name}" for name, anzahl in ergebnis.items())
    )
    return ergebnis
