"""Fixtures of the needs analysis: an open round of Bündnis a and a helper that builds consistent figures."""

from __future__ import annotations

import pytest

from bedarf import raster as grid
from bedarf import services
from bedarf.models import BesondereGruppe, Dimension, MeldungStatus
from tests.bedarf.factories import ErhebungFactory


def figures(gesamt_nach_status: dict[str, int], bedarf: dict[tuple[str, str], int] | None = None) -> dict:
    """Consistent grid values: everyone 21-24 and male unless split, breakdowns all 'unbekannt'."""
    werte: dict = {}
    total = sum(gesamt_nach_status.values())
    for code, n in gesamt_nach_status.items():
        werte[(Dimension.ZIELGRUPPE.value, code, "", "21-24", "m")] = n
    for dim in (Dimension.SCHULABSCHLUSS, Dimension.DEUTSCH, Dimension.TAETIGKEIT):
        werte[(dim.value, "", "unbekannt", "", "")] = total
    for (kat, code), n in (bedarf or {}).items():
        werte[(Dimension.BEDARF.value, code, kat, "", "")] = n
    werte[(Dimension.BESONDERE.value, "", BesondereGruppe.UMA.value, "", "")] = 0
    return werte


def deliver(erhebung, kommune, user, gesamt_nach_status, bedarf=None):
    """Delivers a Meldung through the service (the way a Kommune does)."""
    from bedarf.models import Bedarfsmeldung

    m = Bedarfsmeldung.objects.filter(erhebung=erhebung, kommune=kommune).first()
    return services.bedarfsmeldung_speichern(
        erhebung=erhebung,
        kommune=kommune,
        gesamt=sum(gesamt_nach_status.values()),
        werte=figures(gesamt_nach_status, bedarf),
        version=m.version if m else 0,
        abgeben=True,
        by=user,
    )


@pytest.fixture
def erhebung(scenario):
    return ErhebungFactory(buendnis=scenario.a, titel="Erhebung 2019")


@pytest.fixture
def erhebung_b(scenario):
    return ErhebungFactory(buendnis=scenario.b, titel="Erhebung B")


__all__ = ["deliver", "figures", "grid", "MeldungStatus"]
