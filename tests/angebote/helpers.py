"""Form data for the offer form (main form plus one access row per residence status)."""

from angebote.models import Angebot, Aufenthaltsstatus


def form_daten(angebot: Angebot | None = None, **overrides) -> dict:
    daten = {
        "titel": angebot.titel if angebot else "Neuer Deutschkurs",
        "beschreibung": angebot.beschreibung if angebot else "",
        "kategorie": angebot.kategorie_id if angebot else None,
        "traeger": angebot.traeger_id if angebot else None,
        "kreisweit": "on" if angebot and angebot.kreisweit else "",
        "kommunen": [k.pk for k in angebot.kommunen.all()] if angebot else [],
        "alter_von": angebot.alter_von if angebot else 18,
        "alter_bis": angebot.alter_bis if angebot else 27,
        "kennung": angebot.kennung if angebot else "",
        "version": angebot.version if angebot else "",
        "anschlussangebote": [a.pk for a in angebot.anschlussangebote.all()] if angebot else [],
        "online": "on" if angebot and angebot.online else "",
    }
    for feld in (
        "kontakt_name",
        "kontakt_telefon",
        "kontakt_email",
        "anmeldung_url",
        "anmeldung_hinweis",
        "adresse",
        "plz",
        "ort",
        "zeiten",
    ):
        daten[feld] = getattr(angebot, feld) if angebot else ""
    zugaenge = {z.status_id: z for z in angebot.zugaenge.all()} if angebot else {}
    for status in Aufenthaltsstatus.objects.aktiv():
        z = zugaenge.get(status.pk)
        prefix = f"zugang-{status.code}"
        daten[f"{prefix}-art"] = z.art if z else ""
        daten[f"{prefix}-bedingung"] = z.bedingung if z else ""
        daten[f"{prefix}-oeffnung_hinweis"] = z.oeffnung_hinweis if z else ""
        if z and z.oeffnung_moeglich:
            daten[f"{prefix}-oeffnung_moeglich"] = "on"
    daten.update(overrides)
    return {k: v for k, v in daten.items() if v is not None and v != ""}
