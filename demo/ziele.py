"""Demo data of the steering: targets (Zielsetzungen) the demo Bündnisse agreed with the Land, with computed and
manual indicators and the values kept at the end of every past quarter of their period (`data/ziele.json`).

The demo Bündnisse (Rhein-Kreis Neuss, Stadt Düsseldorf) go through the services: drafted by their coordination,
agreed by the Land, values entered with evidence, quarterly values kept as the sources computed them on each
quarter end. `build_ziele` gives every Bündnis of the NRW scale data one agreed target in bulk. Idempotent: a
target is looked up by Bündnis and title first.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from berichte import services, steuerung
from berichte.models import (
    Indikator,
    IndikatorQuelle,
    Indikatorwert,
    IndikatorwertArt,
    Zielsetzung,
    ZielsetzungStatus,
)
from buendnis import registry
from buendnis.choices import Rolle
from buendnis.models import Buendnis, User
from demo import daten

DATEN = daten.json_datei("ziele.json")


def _quelle_da(key: str) -> bool:
    return key == IndikatorQuelle.MANUELL or registry.indikatorquelle(key) is not None


def _ausgangswert(buendnis: Buendnis, definition: dict, von: datetime.date) -> tuple[Decimal, Decimal]:
    """Baseline and target: as written, or (with "zuwachs") the source's value at the start of the period and
    that plus the increase."""
    if "zuwachs" not in definition:
        return Decimal(definition["ausgangswert"]), Decimal(definition["zielwert"])
    quelle = registry.indikatorquelle(definition["quelle"])
    wert = quelle.werte([buendnis.pk], von, "").get(buendnis.pk) if quelle else None
    ausgang = Decimal(wert or 0).quantize(Decimal("0.01"))
    return ausgang, ausgang + Decimal(definition["zuwachs"])


def _zielsetzung(buendnis: Buendnis, definition: dict, koordination: User, land: User) -> Zielsetzung | None:
    vorhanden = Zielsetzung.objects.filter(buendnis=buendnis, titel=definition["titel"]).first()
    if vorhanden is not None:
        return None
    von, bis = daten.datum(definition["von"]), daten.datum(definition["bis"])
    z = services.zielsetzung_anlegen(
        buendnis=buendnis,
        titel=definition["titel"],
        beschreibung=definition["beschreibung"],
        zeitraum_von=von,
        zeitraum_bis=bis,
        by=koordination,
    )
    manuelle = []
    for position, ind in enumerate(definition["indikatoren"]):
        if not _quelle_da(ind["quelle"]):
            continue  # the app that computes it is not installed
        ausgang, ziel = _ausgangswert(buendnis, ind, von)
        indikator = services.indikator_anlegen(
            zielsetzung=z,
            titel=ind["titel"],
            quelle=ind["quelle"],
            parameter="",
            einheit=ind.get("einheit", ""),
            ausgangswert=ausgang,
            zielwert=ziel,
            personenzahl=bool(ind.get("personenzahl")),
            position=position,
            by=koordination,
        )
        if indikator.manuell:
            manuelle.append((indikator, ind))
    services.zielsetzung_vorlegen(zielsetzung=z, by=koordination)
    z = services.zielsetzung_vereinbaren(zielsetzung=z, by=land)
    # Agreed when the period began, as in the programme (the service records today).
    Zielsetzung.objects.filter(pk=z.pk).update(vereinbart_am=daten.datum(definition["vereinbart_am"]))
    heute = timezone.localdate()
    enden = [ende for _label, ende in steuerung.quartale(von, bis) if ende <= min(bis, heute)]
    for indikator, ind in manuelle:
        for stichtag, wert in zip(enden, ind.get("werte", []), strict=False):
            services.indikatorwert_erfassen(
                indikator=indikator,
                stichtag=stichtag,
                wert=Decimal(wert),
                nachweis=ind["nachweis"],
                by=koordination,
            )
    services.quartalswerte_nachtragen(zielsetzung_ids=[z.pk])
    return z


def seed(context: dict, stdout=None) -> dict:
    """Two agreed targets each for Rhein-Kreis Neuss and Stadt Düsseldorf."""
    land = User.objects.filter(rolle=Rolle.LAND, is_active=True).order_by("pk").first()
    if land is None:
        return {}
    neu = 0
    for key in ("neuss", "duesseldorf"):
        buendnis = context[key]
        koordination = (
            User.objects.filter(rolle=Rolle.KOORDINATION, buendnis=buendnis, is_active=True)
            .order_by("pk")
            .first()
        )
        if koordination is None:
            continue
        for definition in DATEN["zielsetzungen"]:
            neu += _zielsetzung(buendnis, definition, koordination, land) is not None
    if stdout and neu:
        stdout.write(f"  Zielsetzungen angelegt und mit dem Land vereinbart: {neu}")
    return {}


def build_ziele(buendnisse: list[Buendnis], rng: random.Random, fortschritt=None) -> int:
    """NRW scale: one agreed target (with computed and manual indicators and the values of every past quarter)
    for every Bündnis that has none, in bulk. Returns the number of targets created."""
    definition = DATEN["nrw"]
    von, bis = daten.datum(definition["von"]), daten.datum(definition["bis"])
    mit = set(
        Zielsetzung.objects.filter(status=ZielsetzungStatus.VEREINBART).values_list("buendnis_id", flat=True)
    )
    ohne = [b for b in buendnisse if b.pk not in mit]
    if not ohne:
        return 0
    land = User.objects.filter(rolle=Rolle.LAND).order_by("pk").first()
    bulk_create_with_history(
        [
            Zielsetzung(
                buendnis=b,
                titel=definition["titel"],
                beschreibung=definition["beschreibung"],
                zeitraum_von=von,
                zeitraum_bis=bis,
                status=ZielsetzungStatus.VEREINBART,
                vereinbart_am=daten.datum(definition["vereinbart_am"]),
                vereinbart_von=land,
            )
            for b in ohne
        ],
        Zielsetzung,
    )
    # Read back with their keys (bulk inserts do not return them on every database).
    ziele = list(
        Zielsetzung.objects.filter(
            buendnis__in=ohne, titel=definition["titel"], status=ZielsetzungStatus.VEREINBART
        )
    )
    indikatoren = []
    for z in ziele:
        for position, ind in enumerate(definition["indikatoren"]):
            if not _quelle_da(ind["quelle"]):
                continue
            indikatoren.append(
                Indikator(
                    zielsetzung=z,
                    titel=ind["titel"],
                    quelle=ind["quelle"],
                    einheit=ind.get("einheit", ""),
                    ausgangswert=Decimal(ind["ausgangswert"]),
                    zielwert=Decimal(ind["zielwert"]),
                    personenzahl=bool(ind.get("personenzahl"))
                    or bool(getattr(registry.indikatorquelle(ind["quelle"]), "personen", False)),
                    position=position,
                )
            )
    bulk_create_with_history(indikatoren, Indikator, batch_size=2000)
    heute = timezone.localdate()
    enden = [ende for _label, ende in steuerung.quartale(von, bis) if ende < heute]
    manuelle = Indikator.objects.filter(zielsetzung__in=ziele, quelle=IndikatorQuelle.MANUELL)
    werte = []
    for indikator in manuelle:
        wert = indikator.ausgangswert
        for stichtag in enden:
            wert += rng.randrange(0, 7)
            werte.append(
                Indikatorwert(
                    indikator=indikator,
                    stichtag=stichtag,
                    wert=wert,
                    art=IndikatorwertArt.ERFASST,
                    nachweis=definition["indikatoren"][-1]["nachweis"],
                )
            )
    Indikatorwert.objects.bulk_create(werte, batch_size=2000)
    # The computed values as the sources computed them at each quarter end: one call per source and quarter end
    # for all Bündnisse together.
    services.quartalswerte_nachtragen(zielsetzung_ids=[z.pk for z in ziele])
    if fortschritt is not None:
        fortschritt.line(f"Zielsetzungen: {len(ziele)} vereinbart, {len(indikatoren)} Indikatoren")
    return len(ziele)
