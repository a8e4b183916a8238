#!/usr/bin/env python
"""Builds the map of NRW's 53 Kreise and kreisfreie Städte the Land's view draws (`static/karten/`).

Input: `vg5000_nrw.txt` beside this script, a transcription of the BKG's VG5000 Kreis boundaries (Stand
01.01.2021), one line per Kreis sorted by ARS: `ARS|Name|ring;ring;...`, each ring its vertices `X,Y` in
Gauß-Krüger zone 3 (EPSG:31467) in units of 100 m. Output: `static/karten/nrw_kreise.json` (per ARS the name and
an SVG path in a viewBox: y flipped so that north is up, coordinates relative to the bounding box, integers) and
`static/karten/LIZENZ.md` (source and licence, as the Datenlizenz Deutschland asks).

Run from the project root: `python demo/karten/nrw_karte.py`. Nothing imports this script; the app only reads
the JSON it writes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HIER = Path(__file__).resolve().parent
BASE_DIR = HIER.parent.parent
EINGABE = HIER / "vg5000_nrw.txt"
AUSGABE = BASE_DIR / "static" / "karten" / "nrw_kreise.json"
LIZENZ = BASE_DIR / "static" / "karten" / "LIZENZ.md"

# The attribution the licence asks for, shown under the map and written into LIZENZ.md, word for word.
NAMENSNENNUNG = (
    "© GeoBasis-DE / BKG (2021), Datenlizenz Deutschland – Namensnennung – Version 2.0 "
    "(www.govdata.de/dl-de/by-2-0), Verwaltungsgebiete 1:5 000 000 (VG5000), Stand 01.01.2021; "
    "Daten verändert (vereinfacht, in SVG-Koordinaten umgerechnet)"
)
# Space around the outline, in map units (100 m), so that the border strokes are not cut off.
RAND = 10
# A jump longer than this between two vertices of a ring (15 km) is a transcription error, not a border.
MAX_SPRUNG = 150
PUNKT = re.compile(r"^(\d{5}),(\d{5})$")

Ring = list[tuple[int, int]]


def lesen(pfad: Path) -> list[tuple[str, str, list[Ring]]]:
    """The Kreise of the transcription: (ARS, name, rings), each ring checked (format, closed, no jumps)."""
    kreise = []
    for nr, zeile in enumerate(pfad.read_text(encoding="utf-8").splitlines(), start=1):
        if not zeile.strip():
            continue
        ars, name, ringtext = zeile.split("|")
        ringe = []
        for ringnr, teil in enumerate(ringtext.split(";"), start=1):
            ring: Ring = []
            for punkt in teil.split():
                treffer = PUNKT.match(punkt)
                if treffer is None:
                    raise ValueError(f"Zeile {nr} ({ars}), Ring {ringnr}: ungültiger Punkt {punkt!r}")
                xy = (int(treffer.group(1)), int(treffer.group(2)))
                if not ring or ring[-1] != xy:
                    ring.append(xy)
            if len(ring) < 4 or ring[0] != ring[-1]:
                raise ValueError(f"Zeile {nr} ({ars}), Ring {ringnr}: nicht geschlossen")
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                if abs(x2 - x1) + abs(y2 - y1) > MAX_SPRUNG:
                    raise ValueError(f"Zeile {nr} ({ars}), Ring {ringnr}: Sprung bei {x1},{y1} → {x2},{y2}")
            ringe.append(ring)
        kreise.append((ars, name, ringe))
    return kreise


def umrechnen(kreise: list[tuple[str, str, list[Ring]]]) -> dict:
    """SVG paths in one viewBox: x from the western edge, y from the northern edge downwards."""
    xs = [x for _, _, ringe in kreise for ring in ringe for x, _ in ring]
    ys = [y for _, _, ringe in kreise for ring in ringe for _, y in ring]
    min_x, max_y = min(xs) - RAND, max(ys) + RAND
    breite, hoehe = max(xs) + RAND - min_x, max_y - (min(ys) - RAND)
    ergebnis = {}
    for ars, name, ringe in kreise:
        teile = []
        for ring in ringe:
            punkte = [f"{x - min_x},{max_y - y}" for x, y in ring[:-1]]  # "Z" closes the ring
            teile.append("M" + " ".join(punkte) + "Z")
        ergebnis[ars] = {"name": name, "d": "".join(teile)}
    return {"viewbox": [0, 0, breite, hoehe], "quelle": NAMENSNENNUNG, "kreise": ergebnis}


def lizenz_text() -> str:
    return f"""# Kartengrundlage der Landeskarte (`nrw_kreise.json`)

{NAMENSNENNUNG}

- Quelle: Bundesamt für Kartographie und Geodäsie (BKG), Verwaltungsgebiete 1:5 000 000 (VG5000),
  Stand 01.01.2021, Ebene Kreise; hier die 53 Kreise und kreisfreien Städte Nordrhein-Westfalens (ARS 05…).
- Lizenz: Datenlizenz Deutschland – Namensnennung – Version 2.0, https://www.govdata.de/dl-de/by-2-0
- Veränderungen: Koordinaten (Gauß-Krüger-Zone 3, EPSG:31467) auf 100 m gekürzt, aufeinanderfolgende gleiche
  Punkte zusammengefasst, in SVG-Koordinaten umgerechnet (Nord oben, ganzzahlig, relativ zum Begrenzungsrahmen).
- Erzeugt mit `demo/karten/nrw_karte.py` aus `demo/karten/vg5000_nrw.txt`.
"""


def main() -> int:
    kreise = lesen(EINGABE)
    karte = umrechnen(kreise)
    AUSGABE.parent.mkdir(parents=True, exist_ok=True)
    AUSGABE.write_text(json.dumps(karte, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    LIZENZ.write_text(lizenz_text(), encoding="utf-8")
    print(f"{len(kreise)} Kreise geschrieben: {AUSGABE.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
