"""The public catalogue as open data: a read-only JSON feed and a CSV package shaped after the Open Referral
Human Services Data Specification (HSDS 3.0), so municipal information apps can take the offers over.

Only published offers (`Angebot.objects.for_public()`), only the fields the public catalogue shows; a contact
person only when marked public. Identifiers are stable UUIDs derived from the primary keys.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from angebote.models import Angebot, Aufenthaltsstatus, Kategorie, Zugang
from buendnis.io import escape_formula

NAMESPACE = uuid.UUID("5b0c7f3e-6a0e-4d1c-9f41-3b1d8c2a9e10")
LIZENZ = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"


def uid(art: str, pk) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{art}:{pk}"))


def angebote_oeffentlich(buendnis_kreisschluessel: str | None = None):
    """Published offers with everything the feed needs, in a fixed number of queries."""
    qs = (
        Angebot.objects.for_public()
        .select_related("buendnis", "ansprechperson", "traeger")
        .prefetch_related(
            "kommunen",
            Prefetch(
                "zugaenge", queryset=Zugang.objects.select_related("status").order_by("status__reihenfolge")
            ),
            Prefetch("anschlussangebote", queryset=Angebot.objects.oeffentlich().only("id")),
        )
        .order_by("pk")
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


# HSDS CSV package ---------------------------------------------------------------------------------------------

KOEPFE = {
    "organization.csv": ["id", "name", "alternate_name", "description", "email", "website"],
    "service.csv": [
        "id",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "fees_description",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "last_modified",
    ],
    "location.csv": [
        "id",
        "location_type",
        "organization_id",
        "name",
        "description",
        "external_identifier",
        "external_identifier_type",
    ],
    "address.csv": [
        "id",
        "location_id",
        "attention",
        "address_1",
        "city",
        "region",
        "postal_code",
        "country",
        "address_type",
    ],
    "service_at_location.csv": ["id", "service_id", "location_id", "description"],
    "taxonomy_term.csv": ["id", "code", "name", "description", "taxonomy", "language"],
    "attribute.csv": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value", "label"],
}

ZUGANG_TEXT = {"offen": "open", "eingeschraenkt": "restricted", "nicht": "not eligible"}


def hsds_tabellen(angebote) -> dict[str, list[list]]:
    """The rows of every HSDS file for the given published offers."""
    t = {name: [] for name in KOEPFE}
    organisationen: dict[int, object] = {}
    orte: dict[str, list] = {}
    for a in angebote.iterator(chunk_size=2000) if hasattr(angebote, "iterator") else angebote:
        organisationen.setdefault(a.traeger_id, a.traeger)
        service_id = uid("angebot", a.pk)
        zugang = a.zugaenge.all()
        offen_fuer = [z.status.bezeichnung for z in zugang if z.art != "nicht"]
        t["service.csv"].append(
            [
                service_id,
                uid("traeger", a.traeger_id),
                a.titel,
                "",
                a.beschreibung,
                "",
                "",
                "active",
                "kostenlos" if not a.kosten else f"{a.kosten} EUR",
                ("Zugang für: " + ", ".join(offen_fuer)) if offen_fuer else "",
                a.alter_von,
                a.alter_bis,
                a.bestaetigt_am.isoformat() if a.bestaetigt_am else "",
                timezone.localtime(a.updated_at).isoformat(),
            ]
        )
        if a.kreisweit:
            ziel = [
                ("buendnis", a.buendnis_id, a.buendnis.name, a.buendnis.kreisschluessel, "Kreisschlüssel")
            ]
        else:
            ziel = [
                ("kommune", k.pk, k.name, k.gemeindeschluessel, "Gemeindeschlüssel") for k in a.kommunen.all()
            ]
        for art, pk, name, schluessel, schluessel_art in ziel:
            loc = uid(art, pk)
            orte.setdefault(loc, [loc, "virtual", "", name, "Einzugsgebiet", schluessel, schluessel_art])
            t["service_at_location.csv"].append([uid("sal", f"{a.pk}:{loc}"), service_id, loc, ""])
        if a.adresse:
            loc = uid("adresse", a.pk)
            orte[loc] = [loc, "physical", uid("traeger", a.traeger_id), a.adresse, "", "", ""]
            t["address.csv"].append([uid("address", a.pk), loc, "", a.adresse, "", "", "", "DE", "physical"])
            t["service_at_location.csv"].append([uid("sal", f"{a.pk}:{loc}"), service_id, loc, ""])
        t["attribute.csv"].append(
            [
                uid("kategorie-attr", a.pk),
                service_id,
                "category",
                "service",
                uid("kategorie", a.kategorie.code),
                "",
                a.kategorie.bezeichnung,
            ]
        )
        for z in zugang:
            t["attribute.csv"].append(
                [
                    uid("zugang", z.pk),
                    service_id,
                    "eligibility",
                    "service",
                    uid("aufenthaltsstatus", z.status.code),
                    ZUGANG_TEXT.get(z.art, z.art),
                    z.bedingung,
                ]
            )
    for pk, o in sorted(organisationen.items()):
        t["organization.csv"].append([uid("traeger", pk), o.name, "", "", "", ""])
    t["location.csv"] = list(orte.values())
    for s in Aufenthaltsstatus.objects.all():
        t["taxonomy_term.csv"].append(
            [
                uid("aufenthaltsstatus", s.code),
                s.code,
                s.bezeichnung,
                s.rechtsgrundlage,
                "aufenthaltsstatus",
                "de",
            ]
        )
    for k in Kategorie.objects.all():
        t["taxonomy_term.csv"].append(
            [uid("kategorie", k.code), k.code, k.bezeichnung, "", "angebotskategorie", "de"]
        )
    return t


def _csv(kopf: list[str], zeilen: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(kopf)
    for z in zeilen:
        writer.writerow(["" if v is None else escape_formula(v) for v in z])
    return buffer.getvalue().encode("utf-8")


LIESMICH = """Angebotskatalog als offene Daten (Open Referral HSDS 3.0, CSV)

organization.csv         Träger der Angebote
service.csv              veröffentlichte Angebote
location.csv             Einzugsgebiete (Kommune oder Kreis, Gemeinde-/Kreisschlüssel) und Adressen
address.csv              Adressen der Angebote, soweit angegeben
service_at_location.csv  welches Angebot wo gilt
taxonomy_term.csv        Aufenthaltsstatus und Angebotskategorien
attribute.csv            Kategorie eines Angebots (link_type "category") und Zugang nach Aufenthaltsstatus
                         (link_type "eligibility"; value: open / restricted / not eligible; label: Bedingung)

Nur veröffentlichte Angebote, nur die Angaben des öffentlichen Katalogs. Stand: {stand}
Lizenz: {lizenz}
"""


def hsds_zip(angebote) -> bytes:
    tabellen = hsds_tabellen(angebote)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archiv:
        for name, kopf in KOEPFE.items():
            archiv.writestr(name, _csv(kopf, tabellen[name]))
        archiv.writestr(
            "LIESMICH.txt",
            LIESMICH.format(stand=timezone.localtime().strftime("%d.%m.%Y %H:%M"), lizenz=LIZENZ),
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
