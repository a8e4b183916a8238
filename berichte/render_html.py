"""HTML rendering of a report structure: the stored, self-contained document for printing and archiving."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "print.css"


def diagramme(inhalt: dict) -> list[dict]:
    """Numbers the charts of a report (`nr`) and returns them, for the web page's chart script."""
    out = []
    for abschnitt in inhalt.get("abschnitte", []):
        for block in abschnitt.get("bloecke", []):
            if block.get("typ") == "diagramm":
                block["nr"] = len(out)
                out.append(
                    {
                        "nr": block["nr"],
                        "titel": block["titel"],
                        "labels": block["labels"],
                        "reihen": block["reihen"],
                        "einheit": block.get("einheit", ""),
                        "gestapelt": block.get("gestapelt", False),
                    }
                )
    return out


def render_html(inhalt: dict) -> str:
    """A standalone HTML file: print stylesheet embedded, charts as inline SVG (the file runs no scripts)."""
    diagramme(inhalt)
    css = PRINT_CSS.read_text(encoding="utf-8") if PRINT_CSS.exists() else ""
    return render_to_string("berichte/bericht_dokument.html", {"inhalt": inhalt, "css": css, "svg": True})
