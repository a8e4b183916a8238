from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from berichte.dashboard import panel
from berichte.render_pdf import FARBEN
from buendnis.inhalt import diagramm_als_tabelle, euro, zahl

register = template.Library()


@register.filter
def als_tabelle(block: dict) -> dict:
    """The accessible table of a chart block."""
    return diagramm_als_tabelle(block)


@register.simple_tag
def svg_diagramm(block: dict):
    """A chart block as an inline SVG bar chart (for the stored HTML file, which runs no scripts)."""
    labels = block["labels"]
    reihen = block["reihen"]
    werte = [[Decimal(v) if v is not None else None for v in r["werte"]] for r in reihen]
    maximum = max([v for r in werte for v in r if v is not None] + [Decimal(0)])
    balken_h = 14
    zeile_h = balken_h * len(reihen) + 6
    label_w, wert_w, flaeche = 220, 110, 420
    hoehe = zeile_h * len(labels) + (24 if len(reihen) > 1 else 4)
    breite = label_w + flaeche + wert_w
    teile = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {breite} {hoehe}" width="100%" '
        f'role="img" aria-label="{escape(block["titel"])}">'
    ]
    for idx, label in enumerate(labels):
        y = idx * zeile_h
        teile.append(
            f'<text x="{label_w - 6}" y="{y + zeile_h / 2 + 4}" text-anchor="end" font-size="12">'
            f"{escape(label[:45])}</text>"
        )
        for r_idx, reihe in enumerate(werte):
            v = reihe[idx]
            w = float(v / maximum) * flaeche if (v is not None and maximum > 0) else 0
            r, g, b = FARBEN[r_idx % len(FARBEN)]
            by = y + 3 + r_idx * balken_h
            teile.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{balken_h - 2}" fill="rgb({r},{g},{b})"/>'
            )
            text = "–" if v is None else (euro(v) if block.get("einheit") == "€" else zahl(v))
            teile.append(
                f'<text x="{label_w + w + 4:.1f}" y="{by + balken_h - 4}" font-size="11">{escape(text)}</text>'
            )
    if len(reihen) > 1:
        x = label_w
        y = zeile_h * len(labels) + 6
        for r_idx, reihe in enumerate(reihen):
            r, g, b = FARBEN[r_idx % len(FARBEN)]
            teile.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="rgb({r},{g},{b})"/>')
            teile.append(f'<text x="{x + 14}" y="{y + 9}" font-size="11">{escape(reihe["name"])}</text>')
            x += 24 + 7 * len(reihe["name"])
    teile.append("</svg>")
    return mark_safe("".join(teile))  # noqa: S308 - every text part is escaped above


@register.filter
def zellen(block: dict) -> dict:
    """A table block as (text, is_figure) pairs, so the template aligns figures without index arithmetic."""
    rechts = block.get("rechts") or []

    def paare(zeile):
        return [(text, idx < len(rechts) and rechts[idx]) for idx, text in enumerate(zeile)]

    kopf = block.get("kopf") or []
    return {
        "titel": block.get("titel", ""),
        "kopf": paare(kopf) if any(kopf) else [],
        "zeilen": [paare(z) for z in block.get("zeilen", [])],
        "fuss": paare(block["fuss"]) if block.get("fuss") else None,
    }


@register.inclusion_tag("berichte/_dashboard_panel.html", takes_context=True)
def berichte_dashboard(context):
    """The report and export panel of the dashboard, plus cross-Kommune figures for auswertung and land."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return panel(user)
