"""What can be exported: the alliance's models (registered here) and the domain apps' models once they exist."""

from __future__ import annotations

from berichte.registry import ExportEintrag
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

# Contact persons and users are left out on purpose: a data package for the evaluation carries no personal data.
BUENDNIS = [
    ExportEintrag(Kommune, ["id", "buendnis__name", "name", "gemeindeschluessel", "ansprechpartner"]),
    ExportEintrag(
        Akteur,
        [
            "id",
            "buendnis__name",
            "name",
            "typ",
            "bereich__name",
            "kommune__name",
            "adresse",
            "website",
            "email",
            "telefon",
        ],
    ),
    ExportEintrag(
        Gremium,
        [
            "id",
            "buendnis__name",
            "art",
            "name",
            "thema",
            "format",
            "status",
            "leitung__name",
            "eingerichtet_am",
            "kernaufgabe",
        ],
    ),
    ExportEintrag(Mitgliedschaft, ["id", "gremium__name", "akteur__name", "funktion", "seit"]),
    ExportEintrag(Sitzung, ["id", "buendnis__name", "gremium__name", "titel", "beginn", "ort", "status"]),
    ExportEintrag(Tagesordnungspunkt, ["id", "sitzung__titel", "position", "titel", "beschreibung"]),
    ExportEintrag(
        Beschluss,
        ["id", "buendnis__name", "gremium__name", "sitzung__titel", "datum", "text", "kernaufgabe"],
    ),
    ExportEintrag(
        Aufgabe,
        [
            "id",
            "buendnis__name",
            "titel",
            "beschreibung",
            "gremium__name",
            "beschluss__id",
            "akteur__name",
            "faellig_am",
            "status",
            "erledigt_am",
            "prioritaet__titel",
        ],
    ),
    ExportEintrag(Prioritaet, ["id", "buendnis__name", "rang", "titel", "beschreibung"]),
    ExportEintrag(
        Verfahrensvereinbarung,
        ["id", "buendnis__name", "titel", "gegenstand", "status", "gueltig_ab", "parteien"],
    ),
]


def registrieren(registry) -> None:
    for eintrag in BUENDNIS:
        registry.register(eintrag)
    from berichte import domaene

    for eintrag in domaene.exporteintraege():
        registry.register(eintrag)
