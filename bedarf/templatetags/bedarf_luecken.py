"""The rows of the gap table per Kommune and category (`bedarf/luecken.html`), rendered in Python.

At Kreis scale the table has hundreds of rows (24 Kommunen × 12 categories in Steinfurt), each with a breakdown
by residence status; Django's template engine spent most of the page's time on them. Same markup as a template
loop, every value escaped by `format_html`.
"""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bedarf.selectors import Lueckenanalyse
from bedarf.suppression import ZEICHEN

register = template.Library()


def _nach_status(z, link: str) -> SafeString:
    letzte = len(z.nach_status) - 1
    teile = []
    for nr, s in enumerate(z.nach_status):
        if s.bedarf.zahl == 0 and not s.plaetze:
            continue
        teile.append(
            format_html(
                '<a href="{}?kommune={}&amp;status={}">{}</a>: {} / {}{}',
                link,
                z.kommune.pk,
                s.status.code,
                s.status.kurz,
                s.bedarf,
                localize(s.plaetze),
                "; " if nr != letzte else "",
            )
        )
    return mark_safe("".join(teile))


@register.simple_tag
def luecken_zeilen(analyse: Lueckenanalyse, links: dict) -> SafeString:
    if not analyse.zeilen:
        return format_html('<tr><td colspan="7">{}</td></tr>', _("Noch keine abgegebenen Meldungen."))
    eigene = format_html(' <span class="badge text-bg-info">{}</span>', _("eigene"))
    zeilen = []
    for z in analyse.zeilen:
        link = links.get(z.kategorie.code, "")
        if z.luecke is None:
            luecke = ZEICHEN
        elif z.luecke > 0:
            luecke = format_html("<strong>{}</strong>", localize(z.luecke))
        else:
            luecke = localize(z.luecke)
        zeilen.append(
            format_html(
                '<tr><th scope="row">{}{}</th><td><a href="{}?kommune={}">{}</a></td><td>{}</td><td>{}</td>'
                '<td>{}</td><td>{}</td><td class="small text-start">{}</td></tr>',
                z.kommune.name,
                eigene if z.roh else "",
                link,
                z.kommune.pk,
                z.kategorie.name,
                z.bedarf,
                localize(z.plaetze),
                f"{localize(z.quote)} %" if z.quote is not None else "–",
                luecke,
                _nach_status(z, link),
            )
        )
    return mark_safe("".join(zeilen))
