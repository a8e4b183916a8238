"""The public catalogue as open data: a read-only JSON feed and a CSV package shaped after the Open Referral
Human Services Data Specification (HSDS 3.0), so municipal information apps can take the offers over.

Only published offers (`Angebot.objects.for_public()`), only the fields the public catalogue shows; a contact
person only when marked public. Identifiers are stable UUIDs derived from the primary keys (uuid5).

The JSON feed (`json_stream`) is our own format; the HSDS CSV package (`hsds_zip`) and the HSDS JSON API
(`berichte.views_hsds`) follow the specification. Neither imports frictionless or jsonschema: those validate the
output in the tests only.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from angebote.models import Angebot, Aufenthaltsstatus, Kategorie, Zugang, ZugangArt
from buendnis.io import escape_formula

NAMESPACE = uuid.UUID("5b0c7f3e-6a0e-4d1c-9f41-3b1d8c2a9e10")
LIZENZ = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"


def uid(art: str, pk) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{art}:{pk}"))


def angebote_oeffentlich(buendnis_kreisschluessel: str | None = None, sprache: str = "de"):
    """Published offers with everything the feed and HSDS need, in a fixed number of queries.

    With a `sprache` other than German the offer's translations into it are prefetched too."""
    qs = (
        Angebot.objects.for_public()
        .select_related("buendnis", "ansprechperson", "traeger__bereich", "kategorie")
        .prefetch_related(
            "kommunen",
            Prefetch(
                "zugaenge", queryset=Zugang.objects.select_related("status").order_by("status__reihenfolge")
            ),
            Prefetch("anschlussangebote", queryset=Angebot.objects.oeffentlich().only("id")),
        )
        .order_by("pk")
    )
    if sprache and sprache != "de":
        qs = qs.prefetch_related(
            Prefetch(
                "uebersetzungen",
                queryset=Angebot._parler_meta.root_model.objects.filter(language_code=sprache),
            )
        )
    if buendnis_kreisschluessel:
        qs = qs.filter(buendnis__kreisschluessel=buendnis_kreisschluessel)
    return qs


def angebot_als_dict(a, basis_url: str = "") -> dict:
    kontakt = None
    if a.ansprechperson_id and a.ansprechperson.oeffentlich:
        p = a.ansprechperson
        kontakt = {"name": p.name, "funktion": p.funktion, "email": p.email, "telefon": p.telefon}
    return {
        "id": uid("angebot", a.pk),
        "titel": a.titel,
        "beschreibung": a.beschreibung,
        "url": basis_url + reverse("katalog-detail", args=[a.pk]),
        "kategorie": {"code": a.kategorie.code, "bezeichnung": a.kategorie.bezeichnung},
        "traeger": {"id": uid("traeger", a.traeger_id), "name": a.traeger.name},
        "buendnis": {"name": a.buendnis.name, "kreisschluessel": a.buendnis.kreisschluessel},
        "kreisweit": a.kreisweit,
        "kommunen": [
            {"name": k.name, "gemeindeschluessel": k.gemeindeschluessel}
            for k in sorted(a.kommunen.all(), key=str)
        ],
        "adresse": a.adresse,
        "alter_von": a.alter_von,
        "alter_bis": a.alter_bis,
        "deutsch_voraussetzung": a.deutsch_voraussetzung.upper() or None,
        "deutsch_ziel": a.deutsch_ziel.upper() or None,
        "beginn": a.beginn.isoformat() if a.beginn else None,
        "ende": a.ende.isoformat() if a.ende else None,
        "laufender_einstieg": a.laufend,
        "stunden_pro_woche": str(a.stunden_pro_woche) if a.stunden_pro_woche is not None else None,
        "plaetze": a.plaetze,
        "freie_plaetze": a.freie_plaetze,
        "kosten_eur": str(a.kosten) if a.kosten is not None else None,
        "kinderbetreuung": a.kinderbetreuung,
        "kontakt": kontakt,
        "zugang": [
            {
                "aufenthaltsstatus": z.status.code,
                "bezeichnung": z.status.bezeichnung,
                "zugang": z.art,
                "bedingung": z.bedingung,
            }
            for z in a.zugaenge.all()
        ],
        "anschlussangebote": [uid("angebot", n.pk) for n in a.anschlussangebote.all()],
        "zuletzt_bestaetigt": a.bestaetigt_am.isoformat() if a.bestaetigt_am else None,
    }


# Open Referral HSDS 3.0 -----------------------------------------------------------------------------------------
#
# One builder (`HsdsAngebot`) turns a published offer into the HSDS objects it consists of (service, organization,
# locations with addresses, service_at_location, phones, contacts, schedules, service areas, cost options,
# attributes); the CSV package flattens them into the specification's tables, the JSON API (`views_hsds`) nests
# them as the specification's compiled schemas do. The specification's files are unchanged copies in
# `berichte/hsds/` (see its README.md); our additions are attribute rows on documented taxonomy terms
# (`berichte/hsds/ERWEITERUNGEN.md`).

HSDS_VERZEICHNIS = Path(__file__).resolve().parent / "hsds"
HSDS_VERSION = "3.0"
HSDS_PROFIL = "https://specs.openreferral.org/en/v3.0/"
LIZENZ_KENNUNG = "dl-de/by-2-0"
LIZENZ_TITEL = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LIZENZ_URL = "https://www.govdata.de/dl-de/by-2-0"
BUNDESLAND = "Nordrhein-Westfalen"

TAXONOMIE_ANGEBOTSART = "angebotsart"
TAXONOMIE_AUFENTHALTSSTATUS = "aufenthaltsstatus"
TAXONOMIE_ERWEITERUNG = "erweiterung"

# Our extension terms (taxonomy "Bündnis-Koordination Erweiterungen"): key -> (name, description of the value).
ERWEITERUNGEN = {
    "deutsch_voraussetzung": (
        _("Deutschkenntnisse vorausgesetzt"),
        _(
            "Sprachniveau nach dem Gemeinsamen Europäischen Referenzrahmen (A1 bis C2), das vorausgesetzt wird."
        ),
    ),
    "deutsch_ziel": (
        _("Deutschniveau am Ende"),
        _(
            "Sprachniveau nach dem Gemeinsamen Europäischen Referenzrahmen (A1 bis C2), das am Ende erreicht wird."
        ),
    ),
    "stunden_pro_woche": (
        _("Stunden pro Woche"),
        _("Umfang des Angebots in Stunden pro Woche (Dezimalzahl)."),
    ),
    "plaetze": (_("Plätze je Durchgang"), _("Anzahl der Plätze je Durchgang (ganze Zahl).")),
    "freie_plaetze": (_("freie Plätze"), _("Anzahl der zurzeit freien Plätze (ganze Zahl).")),
    "kreisweit": (
        _("kreisweit"),
        _("„true“: Das Angebot steht Menschen aus allen Kommunen des Kreises offen."),
    ),
    "laufender_einstieg": (_("laufender Einstieg"), _("„true“: Der Einstieg ist jederzeit möglich.")),
    "kinderbetreuung": (_("Kinderbetreuung vorhanden"), _("„true“: Es gibt eine Kinderbetreuung.")),
    "buendnis_kreisschluessel": (
        _("Kreisschlüssel des Bündnisses"),
        _(
            "Amtlicher Kreisschlüssel (fünf Ziffern) des Kreises oder der kreisfreien Stadt, dessen Bündnis das "
            "Angebot veröffentlicht."
        ),
    ),
    "anschlussangebot": (
        _("Anschlussangebot"),
        _("Kennung (id) eines veröffentlichten Angebots, das sich an dieses anschließen kann."),
    ),
}

LINK_KATEGORIE = "category"
LINK_ZUGANG = "eligibility"
LINK_ERWEITERUNG = "extension"


def hsds_spezifikation() -> dict:
    """The specification's tabular data package (the committed, unchanged copy)."""
    return _json_datei("datapackage.json")


@functools.cache
def _json_datei(name: str) -> dict:
    return json.loads((HSDS_VERZEICHNIS / name).read_text(encoding="utf-8"))


def taxonomien() -> list[dict]:
    return [
        {
            "id": uid("taxonomy", TAXONOMIE_ANGEBOTSART),
            "name": str(_("Bündnis-Koordination Angebotsarten")),
            "description": str(_("Die Kategorien der Angebote im Katalog der Bündnis-Koordination.")),
            "version": "1",
        },
        {
            "id": uid("taxonomy", TAXONOMIE_AUFENTHALTSSTATUS),
            "name": str(_("Bündnis-Koordination Aufenthaltsstatus")),
            "description": str(
                _(
                    "Aufenthaltsstatus junger Geflüchteter; ein Attribut „eligibility“ nennt den Zugang zu einem "
                    "Angebot je Status."
                )
            ),
            "version": "1",
        },
        {
            "id": uid("taxonomy", TAXONOMIE_ERWEITERUNG),
            "name": str(_("Bündnis-Koordination Erweiterungen")),
            "description": str(
                _("Angaben zu einem Angebot, für die HSDS kein eigenes Feld hat (siehe ERWEITERUNGEN.md).")
            ),
            "version": "1",
        },
    ]


def _taxonomie_name(schluessel: str) -> str:
    return next(t["name"] for t in taxonomien() if t["id"] == uid("taxonomy", schluessel))


def begriff_kategorie(k) -> dict:
    return {
        "id": uid("kategorie", k.code),
        "code": f"{TAXONOMIE_ANGEBOTSART}:{k.code}",
        "name": k.bezeichnung,
        "description": k.beschreibung or k.bezeichnung,
        "taxonomy": _taxonomie_name(TAXONOMIE_ANGEBOTSART),
        "language": "de",
        "taxonomy_id": uid("taxonomy", TAXONOMIE_ANGEBOTSART),
    }


def begriff_status(s) -> dict:
    return {
        "id": uid("aufenthaltsstatus", s.code),
        "code": f"{TAXONOMIE_AUFENTHALTSSTATUS}:{s.code}",
        "name": s.bezeichnung,
        "description": s.rechtsgrundlage or s.kurzbezeichnung or s.bezeichnung,
        "taxonomy": _taxonomie_name(TAXONOMIE_AUFENTHALTSSTATUS),
        "language": "de",
        "taxonomy_id": uid("taxonomy", TAXONOMIE_AUFENTHALTSSTATUS),
    }


def begriff_erweiterung(schluessel: str) -> dict:
    name, beschreibung = ERWEITERUNGEN[schluessel]
    return {
        "id": uid("erweiterung", schluessel),
        "code": f"{TAXONOMIE_ERWEITERUNG}:{schluessel}",
        "name": str(name),
        "description": str(beschreibung),
        "taxonomy": _taxonomie_name(TAXONOMIE_ERWEITERUNG),
        "language": translation.get_language() or "de",
        "taxonomy_id": uid("taxonomy", TAXONOMIE_ERWEITERUNG),
    }


def taxonomiebegriffe() -> list[dict]:
    """Every taxonomy term: our categories, the residence statuses and the extension terms (two queries)."""
    return (
        [begriff_kategorie(k) for k in Kategorie.objects.order_by("reihenfolge", "code")]
        + [begriff_status(s) for s in Aufenthaltsstatus.objects.order_by("reihenfolge", "code")]
        + [begriff_erweiterung(s) for s in ERWEITERUNGEN]
    )


def organisation(akteur) -> dict:
    """A Träger as HSDS organization; `description` (required) is its type and area."""
    beschreibung = akteur.get_typ_display()
    if akteur.bereich_id:
        beschreibung = f"{beschreibung} – {_('Bereich')} {akteur.bereich.name}"
    return {
        "id": uid("traeger", akteur.pk),
        "name": akteur.name,
        "description": beschreibung or str(_("Träger von Angeboten")),
        "website": akteur.website,
    }


def _zahl(wert):
    if wert is None:
        return None
    if isinstance(wert, Decimal):
        return int(wert) if wert == wert.to_integral_value() else float(wert)
    return wert


def _uebersetzt(a, feld: str, sprache: str) -> str:
    """The offer's text in `sprache` where translated (rows from a prefetch of `uebersetzungen`), else German."""
    if sprache and sprache != "de":
        for zeile in a.uebersetzungen.all():
            if zeile.language_code == sprache:
                text = getattr(zeile, f"{feld}_uebersetzt", "")
                if text:
                    return text
    return getattr(a, feld)


@dataclass
class HsdsAngebot:
    """The HSDS objects of one published offer (flat records with their link fields)."""

    service: dict
    organization: dict
    locations: list[dict] = field(default_factory=list)
    addresses: list[dict] = field(default_factory=list)
    service_at_locations: list[dict] = field(default_factory=list)
    phones: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    schedules: list[dict] = field(default_factory=list)
    service_areas: list[dict] = field(default_factory=list)
    cost_options: list[dict] = field(default_factory=list)
    attributes: list[dict] = field(default_factory=list)


def service_grunddaten(a, basis_url: str, sprache: str = "de") -> dict:
    """The one-to-one fields of an offer as HSDS service."""
    zugaenglich = [z.status.bezeichnung for z in a.zugaenge.all() if z.art != ZugangArt.NICHT]
    anmeldung = [t for t in (_uebersetzt(a, "anmeldung_hinweis", sprache), a.anmeldung_url) if t]
    if a.kosten is None:
        kosten = ""
    elif a.kosten == 0:
        kosten = str(_("kostenlos"))
    else:
        kosten = f"{a.kosten} EUR"
    return {
        "id": uid("angebot", a.pk),
        "organization_id": uid("traeger", a.traeger_id),
        "name": _uebersetzt(a, "titel", sprache),
        "description": _uebersetzt(a, "beschreibung", sprache),
        "url": basis_url + reverse("katalog-detail", args=[a.pk]),
        "email": a.kontakt_email,
        "status": "active",
        "application_process": " – ".join(anmeldung),
        "fees_description": kosten,
        "eligibility_description": (
            str(_("Zugang für: %(status)s")) % {"status": ", ".join(zugaenglich)} if zugaenglich else ""
        ),
        "minimum_age": a.alter_von,
        "maximum_age": a.alter_bis,
        "assured_date": a.bestaetigt_am.isoformat() if a.bestaetigt_am else None,
        "licenses": LIZENZ_KENNUNG,
        "last_modified": timezone.localtime(a.updated_at).isoformat(timespec="seconds"),
    }


def hsds_angebot(a, basis_url: str, sprache: str = "de") -> HsdsAngebot:
    """Everything HSDS knows of one published offer (needs the prefetches of `angebote_oeffentlich`)."""
    service_id = uid("angebot", a.pk)
    h = HsdsAngebot(service=service_grunddaten(a, basis_url, sprache), organization=organisation(a.traeger))

    # Where: the offer's address (a full postal address only when street, postcode and town are known), online.
    if a.adresse.strip():
        ort_id = uid("adresse", a.pk)
        h.locations.append(
            {
                "id": ort_id,
                "location_type": "physical",
                "organization_id": uid("traeger", a.traeger_id),
                "name": a.adresse_anzeige,
            }
        )
        if a.plz.strip() and a.ort.strip():
            h.addresses.append(
                {
                    "id": uid("address", a.pk),
                    "location_id": ort_id,
                    "address_1": a.adresse,
                    "city": a.ort,
                    "state_province": BUNDESLAND,
                    "postal_code": a.plz,
                    "country": "DE",
                    "address_type": "physical",
                }
            )
    if a.online:
        h.locations.append(
            {
                "id": uid("online", a.pk),
                "location_type": "virtual",
                "url": a.anmeldung_url or None,
                "organization_id": uid("traeger", a.traeger_id),
                "name": str(_("online")),
            }
        )
    for ort in h.locations:
        h.service_at_locations.append(
            {"id": uid("sal", f"{a.pk}:{ort['id']}"), "service_id": service_id, "location_id": ort["id"]}
        )

    # Who: the offer's own contact, and the Träger's contact person when public.
    kontakt_id = None
    if a.kontakt_name.strip():
        kontakt_id = uid("kontakt", a.pk)
        h.contacts.append(
            {"id": kontakt_id, "service_id": service_id, "name": a.kontakt_name, "email": a.kontakt_email}
        )
    if a.kontakt_telefon.strip():
        h.phones.append(
            {
                "id": uid("telefon", a.pk),
                "service_id": service_id,
                "contact_id": kontakt_id,
                "number": a.kontakt_telefon,
                "type": "voice",
            }
        )
    person = a.oeffentlicher_kontakt if a.ansprechperson_id else None
    if person is not None:
        person_id = uid("ansprechperson", f"{a.pk}:{person.pk}")
        h.contacts.append(
            {
                "id": person_id,
                "service_id": service_id,
                "name": person.name,
                "title": person.funktion,
                "email": person.email,
            }
        )
        if person.telefon.strip():
            h.phones.append(
                {
                    "id": uid("telefon-ansprechperson", f"{a.pk}:{person.pk}"),
                    "service_id": service_id,
                    "contact_id": person_id,
                    "number": person.telefon,
                    "type": "voice",
                }
            )

    # When.
    zeiten = _uebersetzt(a, "zeiten", sprache)
    if zeiten.strip() or a.beginn or a.ende:
        h.schedules.append(
            {
                "id": uid("zeiten", a.pk),
                "service_id": service_id,
                "valid_from": a.beginn.isoformat() if a.beginn else None,
                "valid_to": a.ende.isoformat() if a.ende else None,
                "description": zeiten,
            }
        )

    # For whom: the Kreis when kreisweit, else the Kommunen.
    if a.kreisweit:
        h.service_areas.append(
            {
                "id": uid("gebiet", f"{a.pk}:buendnis:{a.buendnis_id}"),
                "service_id": service_id,
                "name": a.buendnis.name,
                "description": str(_("kreisweit (Kreisschlüssel %(schluessel)s)"))
                % {"schluessel": a.buendnis.kreisschluessel},
            }
        )
    else:
        for k in sorted(a.kommunen.all(), key=lambda k: (k.name, k.pk)):
            h.service_areas.append(
                {
                    "id": uid("gebiet", f"{a.pk}:kommune:{k.pk}"),
                    "service_id": service_id,
                    "name": k.name,
                    "description": (
                        str(_("Gemeindeschlüssel %(schluessel)s")) % {"schluessel": k.gemeindeschluessel}
                        if k.gemeindeschluessel
                        else ""
                    ),
                }
            )

    if a.kosten is not None:
        h.cost_options.append(
            {
                "id": uid("kosten", a.pk),
                "service_id": service_id,
                "option": str(_("Teilnahmebeitrag")),
                "currency": "EUR",
                "amount": _zahl(a.kosten),
                "amount_description": h.service["fees_description"],
            }
        )

    # Attributes: category, access per residence status, our extensions.
    def attribut(art: str, schluessel: str, link_type: str, begriff: dict, wert) -> None:
        h.attributes.append(
            {
                "id": uid(f"attribut:{art}", f"{a.pk}:{schluessel}"),
                "link_id": service_id,
                "taxonomy_term_id": begriff["id"],
                "link_type": link_type,
                "link_entity": "service",
                "value": wert,
                "taxonomy_term": begriff,
            }
        )

    attribut("kategorie", a.kategorie.code, LINK_KATEGORIE, begriff_kategorie(a.kategorie), None)
    for z in a.zugaenge.all():
        wert = z.art if not z.bedingung.strip() else f"{z.art}: {z.bedingung}"
        attribut("zugang", z.status.code, LINK_ZUGANG, begriff_status(z.status), wert)
    erweiterung = {
        "deutsch_voraussetzung": a.deutsch_voraussetzung.upper(),
        "deutsch_ziel": a.deutsch_ziel.upper(),
        "stunden_pro_woche": str(a.stunden_pro_woche) if a.stunden_pro_woche is not None else "",
        "plaetze": str(a.plaetze) if a.plaetze is not None else "",
        "freie_plaetze": str(a.freie_plaetze) if a.freie_plaetze is not None else "",
        "kreisweit": "true" if a.kreisweit else "false",
        "laufender_einstieg": "true" if a.laufend else "false",
        "kinderbetreuung": "true" if a.kinderbetreuung else "false",
        "buendnis_kreisschluessel": a.buendnis.kreisschluessel,
    }
    for schluessel, wert in erweiterung.items():
        if wert:
            attribut("erweiterung", schluessel, LINK_ERWEITERUNG, begriff_erweiterung(schluessel), wert)
    for n in a.anschlussangebote.all():
        attribut(
            "anschluss",
            str(n.pk),
            LINK_ERWEITERUNG,
            begriff_erweiterung("anschlussangebot"),
            uid("angebot", n.pk),
        )
    return h


# HSDS CSV package ---------------------------------------------------------------------------------------------

# Which list of `HsdsAngebot` fills which resource of the specification's datapackage.
TABELLEN_AUS_ANGEBOT = {
    "service": None,
    "location": "locations",
    "address": "addresses",
    "service_at_location": "service_at_locations",
    "phone": "phones",
    "contact": "contacts",
    "schedule": "schedules",
    "service_area": "service_areas",
    "cost_option": "cost_options",
    "attribute": "attributes",
}
# Typed fields (identifiers, e-mail addresses, URLs, numbers, dates) are validated values: no formula escaping,
# which would break their format. Free text is escaped (`escape_formula`).
TELEFON_MUSTER = re.compile(r"^\+?[0-9][0-9 ()/\-]{4,38}$")


def hsds_tabellen(angebote, basis_url: str = "") -> dict[str, list[dict]]:
    """The rows of every resource of the specification's datapackage (empty ones included), German."""
    with translation.override("de"):
        tabellen: dict[str, list[dict]] = {r["name"]: [] for r in hsds_spezifikation()["resources"]}
        organisationen: dict[str, dict] = {}
        for a in angebote.iterator(chunk_size=2000) if hasattr(angebote, "iterator") else angebote:
            h = hsds_angebot(a, basis_url)
            organisationen.setdefault(h.organization["id"], h.organization)
            tabellen["service"].append(h.service)
            for tabelle, liste in TABELLEN_AUS_ANGEBOT.items():
                if liste:
                    tabellen[tabelle].extend(getattr(h, liste))
        tabellen["organization"] = sorted(organisationen.values(), key=lambda o: (o["name"], o["id"]))
        tabellen["taxonomy"] = taxonomien()
        tabellen["taxonomy_term"] = taxonomiebegriffe()
    return tabellen


def _zelle(wert, feld: dict) -> str:
    if wert is None:
        return ""
    if isinstance(wert, bool):
        return "true" if wert else "false"
    if isinstance(wert, Decimal | int | float):
        return str(wert)
    wert = str(wert)
    if feld.get("type") == "string" and not feld.get("format"):
        if feld["name"] == "number" and TELEFON_MUSTER.match(wert):
            return wert
        return escape_formula(wert)
    return wert


def _csv(felder: list[dict], zeilen: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f["name"] for f in felder])
    for z in zeilen:
        writer.writerow([_zelle(z.get(f["name"]), f) for f in felder])
    return buffer.getvalue().encode("utf-8")


def hsds_datapackage(stand, basis_url: str = "") -> dict:
    """Our datapackage.json: the specification's resources and schemas unchanged, our name, licence, date."""
    spezifikation = hsds_spezifikation()
    paket = {
        "profile": "tabular-data-package",
        "name": "buendnis-koordination-angebote-hsds",
        "title": "Angebote für junge Geflüchtete (Open Referral HSDS 3.0)",
        "description": (
            "Veröffentlichte Angebote des Katalogs der Bündnis-Koordination für junge Geflüchtete "
            "(Schule, Ausbildung, Arbeit) im Tabellenformat von Open Referral HSDS 3.0. Zusätzliche deutsche "
            "Angaben (Zugang nach Aufenthaltsstatus, Deutschniveau, Plätze, kreisweit, Kreisschlüssel) stehen "
            "als attribute-Zeilen auf dokumentierten Begriffen der Taxonomie „Bündnis-Koordination "
            "Erweiterungen“: siehe ERWEITERUNGEN.md in diesem Paket."
        ),
        "version": HSDS_VERSION,
        "created": stand.isoformat(timespec="seconds"),
        "licenses": [{"name": LIZENZ_KENNUNG, "title": LIZENZ_TITEL, "path": LIZENZ_URL}],
        "sources": [
            {
                "title": "Bündnis-Koordination, öffentlicher Angebotskatalog",
                "path": (basis_url or "") + "/katalog/",
            },
            {
                "title": "Open Referral Human Services Data Specification 3.0 (Schemas, CC BY-SA 4.0)",
                "path": "https://github.com/openreferral/specification/tree/3.0",
            },
        ],
        "homepage": (basis_url or "") + "/katalog/",
        "resources": copy.deepcopy(spezifikation["resources"]),
    }
    if not basis_url:
        del paket["homepage"]
        paket["sources"][0].pop("path")
    return paket


LIESMICH = """Angebotskatalog als offene Daten (Open Referral HSDS 3.0, CSV)

datapackage.json   Beschreibung des Pakets (Frictionless Tabular Data Package) mit den Schemas der
                   HSDS-3.0-Spezifikation, Lizenz und Stand
*.csv              eine Datei je Tabelle der Spezifikation (leere Tabellen nur mit Kopfzeile)
ERWEITERUNGEN.md   deutsche Zusatzangaben als attribute-Zeilen

Nur veröffentlichte Angebote, nur die Angaben des öffentlichen Katalogs, auf Deutsch.
Zellen mit Freitext, die mit = + - @ beginnen, sind mit einem Apostroph geschützt.
Stand: {stand}
Lizenz der Daten: {lizenz} ({url})
Schemas: Open Referral HSDS 3.0, CC BY-SA 4.0
"""


def hsds_zip(angebote, basis_url: str = "") -> bytes:
    stand = timezone.localtime()
    tabellen = hsds_tabellen(angebote, basis_url)
    paket = hsds_datapackage(stand, basis_url)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archiv:
        archiv.writestr("datapackage.json", json.dumps(paket, ensure_ascii=False, indent=2))
        for ressource in paket["resources"]:
            archiv.writestr(
                ressource["path"], _csv(ressource["schema"]["fields"], tabellen[ressource["name"]])
            )
        archiv.writestr("ERWEITERUNGEN.md", (HSDS_VERZEICHNIS / "ERWEITERUNGEN.md").read_bytes())
        archiv.writestr(
            "LIESMICH.txt",
            LIESMICH.format(stand=stand.strftime("%d.%m.%Y %H:%M"), lizenz=LIZENZ_TITEL, url=LIZENZ_URL),
        )
    return buffer.getvalue()


def json_stream(angebote, basis_url: str) -> Iterator[str]:
    stand = json.dumps(timezone.localtime().isoformat())
    lizenz = json.dumps(LIZENZ, ensure_ascii=False)
    yield f'{{"stand": {stand}, "lizenz": {lizenz}, "angebote": ['
    erste = True
    for a in angebote.iterator(chunk_size=2000):
        yield ("" if erste else ",") + "\n" + json.dumps(angebot_als_dict(a, basis_url), ensure_ascii=False)
        erste = False
    yield "\n]}\n"
