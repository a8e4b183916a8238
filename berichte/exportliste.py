"""What can be exported: the alliance's models (registered here) and the domain apps' models once they exist."""

from __future__ import annotations

from berichte.registry import ExportEintrag
from buendnis import resources as r
from buendnis.models import (
    Akteur,
    Aufgabe,
    Beschluss,
    Gremium,
    Kommune,
    Mitgliedschaft,
    Prioritaet,
    Sitzung,
    Tagesordnungspunkt,
    Verfahrensvereinbarung,
)

# The alliance's own column mappings (buendnis.resources, German headers) where they exist; contact persons and
# users are left out on purpose: a data package for the evaluation carries no personal data.
BUENDNIS = [
    ExportEintrag(Kommune, resource_class=r.KommuneResource, extra_select=["buendnis"]),
    ExportEintrag(Akteur, resource_class=r.AkteurResource, extra_select=["buendnis", "bereich", "kommune"]),
    ExportEintrag(Gremium, resource_class=r.GremiumResource, extra_select=["buendnis", "leitung"]),
    ExportEintrag(Mitgliedschaft, ["id", "gremium__name", "akteur__name", "funktion", "seit"]),
    ExportEintrag(Sitzung, resource_class=r.SitzungResource, extra_select=["buendnis", "gremium"]),
    ExportEintrag(Tagesordnungspunkt, ["id", "sitzung__titel", "position", "titel", "beschreibung"]),
    ExportEintrag(Beschluss, resource_class=r.BeschlussResource, extra_select=["buendnis", "gremium"]),
    ExportEintrag(Aufgabe, resource_class=r.AufgabeResource, extra_select=["buendnis", "gremium", "akteur"]),
    ExportEintrag(Prioritaet, resource_class=r.PrioritaetResource, extra_select=["buendnis"]),
    ExportEintrag(
        Verfahrensvereinbarung, resource_class=r.VerfahrensvereinbarungResource, extra_select=["buendnis"]
    ),
]


def registrieren(registry) -> None:
    for eintrag in BUENDNIS:
        registry.register(eintrag)
    from berichte import domaene

    for eintrag in domaene.exporteintraege():
        registry.register(eintrag)
