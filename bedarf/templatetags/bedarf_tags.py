from __future__ import annotations

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bedarf import selectors
from bedarf.models import Bedarfsmeldung
from bedarf.suppression import ZEICHEN
from buendnis import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def bedarf_panel(context):
    """Dashboard panel: delivery status of the open round (koordination) or own entry status (kommune).

    Rendered once per person, day and data stamp of the Bündnis (a delivered or reopened Meldung renews it at once;
    what the person may do with the round follows the day), not on every visit of the dashboard (issue 18)."""
    user = context["request"].user

    def berechnen():
        daten = selectors.dashboard(user)
        erhebung = daten["erhebung"]
        if erhebung is not None:
            daten["zeigt_lieferstand"] = user.has_perm("bedarf.erinnern_erhebung", erhebung)
            daten["zeigt_meldung"] = user.has_perm(
                "bedarf.change_bedarfsmeldung", Bedarfsmeldung(erhebung=erhebung, kommune_id=user.kommune_id)
            )
        return render_to_string("bedarf/_panel.html", daten)

    return registry.dashboard_gecacht(
        "bedarf_panel", user, berechnen, timezone.localdate().isoformat(), f"p{user.pk}"
    )


@register.filter
def eintrag(mapping: dict, key):
    """`mapping[key]` in a template (e.g. the drill-down link of a category, reversed once per page)."""
    return mapping.get(key, "")


# The rows of the gap table per Kommune and category (`bedarf/luecken.html`), rendered in Python: at Kreis scale the
# table has hundreds of rows (24 Kommunen x 12 categories in Steinfurt), each with a breakdown by residence status,
# and Django's template engine spent most of the page's time on them. Same markup as a template loop. Even
# `format_html` per cell cost more than the page's SQL (issue 18): the texts are escaped with `conditional_escape`
# (what `format_html` does to each argument), each distinct text once per page (names, links, status names and the
# few distinct figures), and whole numbers written without a thousands separator, as `localize` writes them.


def _ganzzahl(wert) -> str:
    return str(wert) if isinstance(wert, int) and not settings.USE_THOUSAND_SEPARATOR else localize(wert)


class _Escaped(dict):
    """`conditional_escape(text)` per distinct text, computed once."""

    def __missing__(self, text) -> str:
        escaped = self[text] = conditional_escape(text)
        return escaped


class _Ganzzahl(dict):
    """`_ganzzahl(n)` per distinct number, computed once (escaped when asked to)."""

    def __init__(self, escape: bool):
        super().__init__()
        self.escape = escape

    def __missing__(self, zahl) -> str:
        text = _ganzzahl(zahl)
        text = self[zahl] = conditional_escape(text) if self.escape else text
        return text


def _nach_status(z, link: str, kommune: str, status_html: dict, esc: dict, zahl: dict) -> str:
    letzte = len(z.nach_status) - 1
    teile = []
    for nr, s in enumerate(z.nach_status):
        bedarf = s.bedarf
        if bedarf.zahl == 0 and not s.plaetze:
            continue
        status = s.status
        html = status_html.get(status.pk)
        if html is None:
            html = status_html[status.pk] = (conditional_escape(status.code), conditional_escape(status.kurz))
        teile.append(
            f'<a href="{link}?kommune={kommune}&amp;status={html[0]}">{html[1]}</a>: '
            f"{esc[bedarf.anzeige]} / {zahl[s.plaetze]}{'; ' if nr != letzte else ''}"
        )
    return "".join(teile)


@register.simple_tag
def luecken_zeilen(analyse: selectors.Lueckenanalyse, links: dict) -> SafeString:
    if not analyse.zeilen:
        return format_html('<tr><td colspan="7">{}</td></tr>', _("Noch keine abgegebenen Meldungen."))
    eigene = format_html(' <span class="badge text-bg-info">{}</span>', _("eigene"))
    link_html: dict = {}
    status_html: dict = {}
    esc = _Escaped()
    zahl, zahl_esc = _Ganzzahl(escape=False), _Ganzzahl(escape=True)
    zeilen = []
    for z in analyse.zeilen:
        code = z.kategorie.code
        link = link_html.get(code)
        if link is None:
            link = link_html[code] = conditional_escape(links.get(code, ""))
        if z.luecke is None:
            luecke = ZEICHEN
        elif z.luecke > 0:
            luecke = f"<strong>{zahl_esc[z.luecke]}</strong>"
        else:
            luecke = zahl_esc[z.luecke]
        quote = conditional_escape(f"{localize(z.quote)} %") if z.quote is not None else "–"
        kommune = esc[z.kommune.pk]
        zeilen.append(
            f'<tr><th scope="row">{esc[z.kommune.name]}{eigene if z.roh else ""}</th>'
            f'<td><a href="{link}?kommune={kommune}">{esc[z.kategorie.name]}'
            f"</a></td><td>{esc[z.bedarf.anzeige]}</td><td>{zahl_esc[z.plaetze]}</td>"
            f'<td>{quote}</td><td>{luecke}</td><td class="small text-start">'
            f"{_nach_status(z, link, kommune, status_html, esc, zahl)}</td></tr>"
        )
    return mark_safe("".join(zeilen))  # noqa: S308 - every value escaped above
