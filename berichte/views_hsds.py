"""Read-only Open Referral HSDS 3.0 JSON API for municipal information apps (`/api/hsds/`).

Follows the specification's `schema/openapi.json` (copy in `berichte/hsds/`): `/`, `/services`, `/services/{id}`,
`/organizations`, `/organizations/{id}`, `/taxonomies`, `/taxonomies/{id}`, `/taxonomy_terms`,
`/taxonomy_terms/{id}`. Lists are Page objects (`page`, `per_page` up to 100). Public, GET only, only published
offers; a contact person only when public. Data licence dl-de/by-2-0 (header `Link: <...>; rel="license"`).

Language: `?sprache=<code>` (a code of `settings.LANGUAGES`) returns name, description, times and registration
hint of an offer in that language where translated, German otherwise (Accept-Language is not used, as in the
rest of the product: `buendnis.sprache`).
"""

from __future__ import annotations

import copy
import math
import uuid

from django.conf import settings
from django.db.models import Max, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Kategorie, Zugang, ZugangArt
from berichte import opendata
from buendnis.models import Akteur

SEITE_STANDARD = 50
SEITE_HOECHSTENS = 100


class Fehler(Exception):
    def __init__(self, status: int, meldung: str, english: str):
        super().__init__(meldung)
        self.status, self.meldung, self.english = status, meldung, english


def _ohne_leere(wert):
    """JSON without null or empty-string values (the schemas type optional fields as string/number only)."""
    if isinstance(wert, dict):
        return {k: _ohne_leere(v) for k, v in wert.items() if v is not None and v != ""}
    if isinstance(wert, list):
        return [_ohne_leere(v) for v in wert]
    return wert


def _antwort(daten, status: int = 200, geaendert=None) -> JsonResponse:
    response = JsonResponse(
        _ohne_leere(daten), status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/json"
    response["Link"] = f'<{opendata.LIZENZ_URL}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    if status == 200:
        response["Cache-Control"] = "public, max-age=300"
    if geaendert is not None:
        response["Last-Modified"] = http_date(geaendert.timestamp())
    return response


def _fehler_antwort(f: Fehler) -> JsonResponse:
    return _antwort({"status": f.status, "message": f.meldung, "error": f.english}, status=f.status)


def _api(view):
    """GET only, `?sprache`, errors as JSON."""

    @require_GET
    def wrapper(request, *args, **kwargs):
        try:
            sprache = request.GET.get("sprache") or settings.LANGUAGE_CODE
            if sprache not in dict(settings.LANGUAGES):
                raise Fehler(
                    400,
                    _("Unbekannte Sprache „%(sprache)s“.") % {"sprache": sprache},
                    "Unknown language.",
                )
            with translation.override(sprache):
                response = view(request, sprache, *args, **kwargs)
                response["Content-Language"] = sprache
                return response
        except Fehler as f:
            return _fehler_antwort(f)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _nicht_gefunden() -> Fehler:
    return Fehler(404, _("Nicht gefunden."), "Not found.")


def _kennung(wert: str) -> str:
    """A path identifier as canonical UUID; anything else is not found."""
    try:
        return str(uuid.UUID(wert))
    except ValueError:
        raise _nicht_gefunden() from None


def _ganzzahl(request, name: str, standard: int, hoechstens: int | None = None) -> int:
    roh = request.GET.get(name)
    if roh in (None, ""):
        return standard
    try:
        zahl = int(roh)
    except ValueError:
        zahl = 0
    if zahl < 1 or (hoechstens is not None and zahl > hoechstens):
        grenze = f" (1–{hoechstens})" if hoechstens else ""
        raise Fehler(
            400,
            _("Ungültiger Wert für „%(name)s“: bitte eine ganze Zahl ab 1%(grenze)s.")
            % {"name": name, "grenze": grenze},
            f"Invalid value for '{name}': a whole number from 1{grenze}.",
        )
    return zahl


def _seite(request, gesamt: int) -> tuple[int, int, int]:
    """(page, per_page, total_pages); a page after the last is an error (the first page always exists)."""
    seite = _ganzzahl(request, "page", 1)
    pro_seite = _ganzzahl(request, "per_page", SEITE_STANDARD, SEITE_HOECHSTENS)
    seiten = math.ceil(gesamt / pro_seite) if gesamt else 1
    if seite > seiten:
        raise Fehler(
            400,
            _("Die Seite %(seite)s gibt es nicht (letzte Seite: %(seiten)s).")
            % {"seite": seite, "seiten": seiten},
            f"Page {seite} does not exist (last page: {seiten}).",
        )
    return seite, pro_seite, seiten


def _page(inhalt: list, gesamt: int, seite: int, seiten: int) -> dict:
    return {
        "total_items": gesamt,
        "total_pages": seiten,
        "page_number": seite,
        "size": len(inhalt),
        "first_page": seite == 1,
        "last_page": seite == seiten,
        "empty": gesamt == 0,
        "contents": inhalt,
    }


def _liste(request, eintraege: list) -> dict:
    seite, pro_seite, seiten = _seite(request, len(eintraege))
    return _page(eintraege[(seite - 1) * pro_seite : seite * pro_seite], len(eintraege), seite, seiten)


def _basis(request) -> str:
    return request.build_absolute_uri("/")[:-1]


def _stand():
    """The as-of time of the open data: the last change of a published offer (or now, without any)."""
    return Angebot.objects.oeffentlich().aggregate(m=Max("updated_at"))["m"] or timezone.now()


def _uuid(wert: str, name: str) -> str:
    try:
        return str(uuid.UUID(wert))
    except (ValueError, AttributeError, TypeError):
        raise Fehler(
            400,
            _("Ungültige Kennung für „%(name)s“: erwartet wird eine UUID.") % {"name": name},
            f"Invalid identifier for '{name}': a UUID is expected.",
        ) from None


def _angebot_pk(service_id: str) -> int | None:
    """Identifiers are uuid5 of the primary key: found among the published offers' keys (one query)."""
    for pk in Angebot.objects.oeffentlich().values_list("pk", flat=True).iterator(chunk_size=5000):
        if opendata.uid("angebot", pk) == service_id:
            return pk
    return None


def _traeger_pk(organization_id: str) -> int | None:
    pks = Angebot.objects.oeffentlich().values_list("traeger_id", flat=True).distinct()
    return next((pk for pk in pks if opendata.uid("traeger", pk) == organization_id), None)


# Service filters ------------------------------------------------------------------------------------------------

ERWEITERUNG_FILTER = {
    "deutsch_voraussetzung": ~Q(deutsch_voraussetzung=""),
    "deutsch_ziel": ~Q(deutsch_ziel=""),
    "stunden_pro_woche": Q(stunden_pro_woche__isnull=False),
    "plaetze": Q(plaetze__isnull=False),
    "freie_plaetze": Q(freie_plaetze__isnull=False),
    "anschlussangebot": Q(
        pk__in=Angebot.anschlussangebote.through.objects.filter(
            to_angebot__status=AngebotStatus.VEROEFFENTLICHT
        ).values("from_angebot_id")
    ),
}


def _begriff_filter(term_id: str) -> Q | None:
    for k in Kategorie.objects.only("code"):
        if opendata.uid("kategorie", k.code) == term_id:
            return Q(kategorie_id=k.pk)
    for s in Aufenthaltsstatus.objects.only("code"):
        if opendata.uid("aufenthaltsstatus", s.code) == term_id:
            zugaenglich = Zugang.objects.filter(status=s).exclude(art=ZugangArt.NICHT)
            return Q(pk__in=zugaenglich.values("angebot_id"))
    for schluessel in opendata.ERWEITERUNGEN:
        if opendata.uid("erweiterung", schluessel) == term_id:
            return ERWEITERUNG_FILTER.get(schluessel, Q())
    return None


def _taxonomie_filter(taxonomy_id: str) -> Q | None:
    if taxonomy_id == opendata.uid("taxonomy", opendata.TAXONOMIE_AUFENTHALTSSTATUS):
        return Q(pk__in=Zugang.objects.exclude(art=ZugangArt.NICHT).values("angebot_id"))
    if taxonomy_id in (
        opendata.uid("taxonomy", opendata.TAXONOMIE_ANGEBOTSART),
        opendata.uid("taxonomy", opendata.TAXONOMIE_ERWEITERUNG),
    ):
        return Q()
    return None


def _services_gefiltert(request, sprache: str):
    qs = opendata.angebote_oeffentlich(request.GET.get("kreisschluessel") or None, sprache)
    suche = (request.GET.get("search") or "").strip()
    if suche:
        uebersetzt = Angebot._parler_meta.root_model.objects.filter(
            Q(titel_uebersetzt__icontains=suche) | Q(beschreibung_uebersetzt__icontains=suche)
        )
        qs = qs.filter(
            Q(titel__icontains=suche)
            | Q(beschreibung__icontains=suche)
            | Q(traeger__name__icontains=suche)
            | Q(pk__in=uebersetzt.values("master_id"))
        )
    if request.GET.get("taxonomy_term_id"):
        bedingung = _begriff_filter(_uuid(request.GET["taxonomy_term_id"], "taxonomy_term_id"))
        qs = qs.filter(bedingung) if bedingung is not None else qs.none()
    if request.GET.get("taxonomy_id"):
        bedingung = _taxonomie_filter(_uuid(request.GET["taxonomy_id"], "taxonomy_id"))
        qs = qs.filter(bedingung) if bedingung is not None else qs.none()
    if request.GET.get("organization_id"):
        traeger = _traeger_pk(_uuid(request.GET["organization_id"], "organization_id"))
        qs = qs.filter(traeger_id=traeger) if traeger is not None else qs.none()
    if request.GET.get("modified_after"):
        roh = request.GET["modified_after"].replace(" ", "+")
        zeitpunkt = parse_datetime(roh)
        if zeitpunkt is None and parse_date(roh) is not None:
            zeitpunkt = parse_datetime(roh + "T00:00:00")
        if zeitpunkt is None:
            raise Fehler(
                400,
                _(
                    "Ungültiges Datum für „modified_after“: erwartet wird ISO 8601, z. B. 2026-01-31T12:00:00+01:00."
                ),
                "Invalid 'modified_after': ISO 8601 expected.",
            )
        if timezone.is_naive(zeitpunkt):
            zeitpunkt = timezone.make_aware(zeitpunkt)
        qs = qs.filter(updated_at__gte=zeitpunkt)
    return qs


# Nesting --------------------------------------------------------------------------------------------------------


def _begriff_voll(begriff: dict) -> dict:
    taxonomie = next((t for t in opendata.taxonomien() if t["id"] == begriff.get("taxonomy_id")), None)
    return {**begriff, "taxonomy_detail": taxonomie}


def service_voll(h: opendata.HsdsAngebot) -> dict:
    """A service with everything nested, as the specification's compiled `service_with_definitions`."""
    adressen = {}
    for adresse in h.addresses:
        adressen.setdefault(adresse["location_id"], []).append(adresse)
    orte = {o["id"]: {**o, "addresses": adressen.get(o["id"], [])} for o in h.locations}
    return {
        **h.service,
        "organization": h.organization,
        "phones": h.phones,
        "schedules": h.schedules,
        "service_areas": h.service_areas,
        "service_at_locations": [
            {**sal, "location": orte[sal["location_id"]]} for sal in h.service_at_locations
        ],
        "languages": [],
        "funding": [],
        "cost_options": h.cost_options,
        "required_documents": [],
        "contacts": [
            {**c, "phones": [p for p in h.phones if p.get("contact_id") == c["id"]]} for c in h.contacts
        ],
        "attributes": [{**a, "taxonomy_term": _begriff_voll(a["taxonomy_term"])} for a in h.attributes],
    }


# Views ----------------------------------------------------------------------------------------------------------


@_api
def wurzel(request, sprache):
    """API metadata (OpenAPI `/`): HSDS version, profile, OpenAPI document, licence and as-of date."""
    stand = _stand()
    return _antwort(
        {
            "version": opendata.HSDS_VERSION,
            "profile": opendata.HSDS_PROFIL,
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
            "license": {
                "name": opendata.LIZENZ_TITEL,
                "identifier": opendata.LIZENZ_KENNUNG,
                "url": opendata.LIZENZ_URL,
            },
            "as_of": timezone.localtime(stand).isoformat(timespec="seconds"),
            "description": _(
                "Veröffentlichte Angebote für junge Geflüchtete (Schule, Ausbildung, Arbeit) im Format Open "
                "Referral HSDS 3.0. Sprache: ?sprache=<code>."
            ),
        },
        geaendert=stand,
    )


@_api
def openapi(request, sprache):
    """The specification's OpenAPI document with this API's title, version and licence filled in."""
    dokument = copy.deepcopy(opendata._json_datei("schema/openapi.json"))
    dokument["info"] = {
        "title": "Bündnis-Koordination – HSDS 3.0 API",
        "version": "1.0",
        "summary": _("Angebote für junge Geflüchtete im Format Open Referral HSDS 3.0"),
        "description": _(
            "Nur lesend, öffentlich. Sprache: ?sprache=<code>; Filter des Kreises: ?kreisschluessel=05162."
        ),
        "license": {"name": opendata.LIZENZ_TITEL, "url": opendata.LIZENZ_URL},
    }
    dokument["servers"] = [{"url": request.build_absolute_uri(reverse("hsds:wurzel"))[:-1]}]
    return _antwort(dokument)


@_api
def services(request, sprache):
    """Paginated services with their one-to-one fields and organization (`compiled/service_list.json`)."""
    qs = _services_gefiltert(request, sprache)
    gesamt = qs.count()
    seite, pro_seite, seiten = _seite(request, gesamt)
    basis = _basis(request)
    inhalt = []
    for a in qs[(seite - 1) * pro_seite : seite * pro_seite]:
        inhalt.append(
            {
                **opendata.service_grunddaten(a, basis, sprache),
                "organization": opendata.organisation(a.traeger),
            }
        )
    return _antwort(_page(inhalt, gesamt, seite, seiten), geaendert=_stand())


@_api
def service(request, sprache, id):
    """One service, fully nested."""
    pk = _angebot_pk(_kennung(id))
    a = opendata.angebote_oeffentlich(sprache=sprache).filter(pk=pk).first() if pk else None
    if a is None:
        raise _nicht_gefunden()
    return _antwort(service_voll(opendata.hsds_angebot(a, _basis(request), sprache)), geaendert=a.updated_at)


def _organisationen():
    return (
        Akteur.objects.filter(pk__in=Angebot.objects.oeffentlich().values("traeger_id"))
        .select_related("bereich")
        .order_by("name", "pk")
    )


@_api
def organizations(request, sprache):
    """Paginated organizations (Träger of published offers; `compiled/organization_list.json`)."""
    qs = _organisationen()
    gesamt = qs.count()
    seite, pro_seite, seiten = _seite(request, gesamt)
    inhalt = [opendata.organisation(t) for t in qs[(seite - 1) * pro_seite : seite * pro_seite]]
    return _antwort(_page(inhalt, gesamt, seite, seiten), geaendert=_stand())


@_api
def organization(request, sprache, id):
    """One organization with the ids and names of its published services."""
    pk = _traeger_pk(_kennung(id))
    traeger = _organisationen().filter(pk=pk).first() if pk else None
    if traeger is None:
        raise _nicht_gefunden()
    angebote = list(Angebot.objects.oeffentlich().filter(traeger=traeger).order_by("titel", "pk"))
    daten = opendata.organisation(traeger)
    daten["services"] = [
        {"id": opendata.uid("angebot", a.pk), "name": a.titel, "status": "active"} for a in angebote
    ]
    return _antwort(daten, geaendert=max((a.updated_at for a in angebote), default=None))


@_api
def taxonomies(request, sprache):
    return _antwort(_liste(request, opendata.taxonomien()))


@_api
def taxonomy(request, sprache, id):
    gefunden = next((t for t in opendata.taxonomien() if t["id"] == _kennung(id)), None)
    if gefunden is None:
        raise _nicht_gefunden()
    return _antwort(gefunden)


@_api
def taxonomy_terms(request, sprache):
    begriffe = opendata.taxonomiebegriffe()
    if request.GET.get("taxonomy_id"):
        taxonomie = _uuid(request.GET["taxonomy_id"], "taxonomy_id")
        begriffe = [b for b in begriffe if b["taxonomy_id"] == taxonomie]
    return _antwort(_liste(request, begriffe))


@_api
def taxonomy_term(request, sprache, id):
    gefunden = next((b for b in opendata.taxonomiebegriffe() if b["id"] == _kennung(id)), None)
    if gefunden is None:
        raise _nicht_gefunden()
    return _antwort(_begriff_voll(gefunden))
