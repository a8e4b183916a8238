"""Demo data of the report app: one kept Sachstandsbericht of Rhein-Kreis Neuss (idempotent)."""

from __future__ import annotations

import datetime

from berichte.models import Bericht, BerichtArt
from berichte.services import bericht_erzeugen

VON = datetime.date(2019, 1, 1)
BIS = datetime.date(2022, 12, 31)
EINLEITUNG = (
    "Das Kommunale Integrationszentrum berichtet über den Stand der Landesinitiative „Gemeinsam klappt’s“ im "
    "Rhein-Kreis Neuss: die Arbeit der Bündniskerngruppe und der Bündnisforen, die Angebots- und "
    "Bedarfsanalyse und den Einsatz der Fördermittel."
)


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
