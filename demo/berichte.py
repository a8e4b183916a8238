"""Demo data of the report app: one kept Sachstandsbericht of Rhein-Kreis Neuss (idempotent)."""

from __future__ import annotations

from berichte.models import Bericht, BerichtArt
from berichte.services import bericht_erzeugen
from demo import daten

SACHSTANDSBERICHT = daten.json_datei("berichte.json")["sachstandsbericht"]
VON = daten.datum(SACHSTANDSBERICHT["von"])
BIS = daten.datum(SACHSTANDSBERICHT["bis"])
EINLEITUNG = SACHSTANDSBERICHT["einleitung"]


def seed(context: dict, stdout=None) -> dict:
    neuss = context["neuss"]
    koordination = context["koordination"]
    bericht = Bericht.objects.filter(
        buendnis=neuss, art=BerichtArt.SACHSTANDSBERICHT, zeitraum_von=VON, zeitraum_bis=BIS
    ).first()
    if bericht is None:
        bericht = bericht_erzeugen(
            buendnis=neuss, von=VON, bis=BIS, abschnitte=None, einleitung=EINLEITUNG, by=koordination
        )
        if stdout:
            stdout.write(f"  Sachstandsbericht erzeugt: {bericht.titel}")
    return {"sachstandsbericht": bericht}
