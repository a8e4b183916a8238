from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bedarf import selectors
from bedarf.models import Bedarfsmeldung
from bedarf.suppression import ZEICHEN

register = template.Library()


@register.inclusion_tag("bedarf/_panel.html", takes_context=True)
def bedarf_panel(context):
    """Dashboard panel: delivery status of the open round (koordination) or own entry status (kommune)."""
    user = context["request"].user
    daten = selectors.dashboard(user)
    erhebung = daten["erhebung"]
    if erhebung is not None:
        daten["zeigt_lieferstand"] = user.has_perm("bedarf.erinnern_erhebung", erhebung)
        daten["zeigt_meldung"] = user.has_perm(
            "bedarf.change_bedarfsmeldung", Bedarfsmeldung(erhebung=erhebung, kommune_id=user.kommune_id)
        )
    return daten


@register.filter
def eintrag(mapping: dict, key):
    """`mapping[key]` in a template (e.g. the drill-down link of a category, reversed once per page)."""
    return mapping.get(key, "")


# The rows of the gap table per Kommune and category (`bedarf/luecken.html`), rendered in Python: at Kreis scale the
# table has hundreds of rows (24 Kommunen x 12 categories in Steinfurt), each with a breakdown by residence status,
# and Django's template engine spent most of the page's time on them. Same markup as a template loop, every value
# escaped by `format_html`.


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
def luecken_zeilen(analyse: selectors.Lueckenanalyse, links: dict) -> SafeString:
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
