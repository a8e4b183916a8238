"""Options for the searchable selects of the filter forms (`buendnis.widgets.FernAuswahl`, issue 18).

`GET /angebote/optionen/<art>.json?q=…` answers with at most 50 rows the user may see (`visible_to`) whose name
(an offer's title) contains `q`, those starting with it first: `{"optionen": [{"value": 12, "text": "Neuss", "zusatz": "Rhein-Kreis
Neuss"}, …]}`. One query; the browser keeps the answer for five minutes.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Value, When
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from angebote.models import Angebot, AngebotStatus
from buendnis.models import Akteur, Buendnis, Kommune

OPTIONEN_MAX = 50
SUCHE_MAX = 100


def _zahl(request, name: str) -> int | None:
    wert = request.GET.get(name, "")
    return int(wert) if wert.isdigit() else None


def _anschlussangebote(request):
    """What the offer form offers as follow-up offers: the Bündnis's offers, not archived, not the offer itself."""
    qs = Angebot.objects.visible_to(request.user).exclude(status=AngebotStatus.ARCHIVIERT)
    buendnis_id = _zahl(request, "buendnis") or request.user.buendnis_id
    if buendnis_id:
        qs = qs.filter(buendnis_id=buendnis_id)
    ohne = _zahl(request, "ohne")
    return qs.exclude(pk=ohne) if ohne else qs


# art -> (rows the user may see, the searched field, the fields of value, text and an optional hint below the text)
QUELLEN = {
    "kommunen": (
        lambda request: Kommune.objects.visible_to(request.user),
        "name",
        ("pk", "name", "buendnis__name"),
    ),
    "buendnisse": (lambda request: Buendnis.objects.visible_to(request.user), "name", ("pk", "name")),
    "akteure": (
        lambda request: Akteur.objects.visible_to(request.user),
        "name",
        ("pk", "name", "buendnis__name"),
    ),
    "anschlussangebote": (_anschlussangebote, "titel", ("pk", "titel", "traeger__name")),
}


@require_GET
@login_required
def optionen(request, art: str):
    if art not in QUELLEN:
        raise Http404
    sichtbar, feld, felder = QUELLEN[art]
    qs = sichtbar(request)
    suche = request.GET.get("q", "").strip()[:SUCHE_MAX]
    if suche:
        vorne = Case(When(**{f"{feld}__istartswith": suche}, then=Value(0)), default=Value(1))
        qs = qs.filter(**{f"{feld}__icontains": suche}).annotate(vorne=vorne).order_by("vorne", feld, "pk")
    else:
        qs = qs.order_by(feld, "pk")
    optionen = [
        {"value": zeile[0], "text": zeile[1], **({"zusatz": zeile[2]} if len(zeile) > 2 else {})}
        for zeile in qs.values_list(*felder)[:OPTIONEN_MAX]
    ]
    response = JsonResponse({"optionen": optionen})
    patch_cache_control(response, private=True, max_age=300)
    return response
