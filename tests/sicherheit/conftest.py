"""A row of every alliance model in Bündnis a and in Bündnis b, for the hostile-input tests."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from berichte.models import Indikator, Indikatorwert, Zielsetzung, ZielsetzungStatus
from buendnis.models import (
    Ansprechperson,
    Benachrichtigung,
    BenachrichtigungArt,
    Beschluss,
    EinladungArt,
    Kalenderabo,
    Mitgliedschaft,
    Prioritaet,
    Sitzungseinladung,
    Tagesordnungspunkt,
    Teilnahme,
    TeilnahmeStatus,
    Vereinbarungsdokument,
    Zustellung,
    token_hash,
)
from tests.factories import AufgabeFactory, GremiumFactory, SitzungFactory, VereinbarungFactory


def baue_bestand(scenario) -> dict:
    """{"a": {Model: obj}, "b": {Model: obj}}: one row per model and Bündnis."""
    bestand = {}
    for key, buendnis, kommune, akteur in (
        ("a", scenario.a, scenario.a1, scenario.akteur_a),
        ("b", scenario.b, scenario.b1, scenario.akteur_b),
    ):
        koordination = scenario.users["koordination" if key == "a" else "koordination_b"]
        person = Ansprechperson.objects.create(akteur=akteur, name=f"Person {key}", funktion="Leitung")
        gremium = GremiumFactory(buendnis=buendnis, name=f"Forum {key}", leitung=akteur, thema="Sprache")
        mitgliedschaft = Mitgliedschaft.objects.create(gremium=gremium, akteur=akteur, person=person)
        sitzung = SitzungFactory(gremium=gremium, titel=f"Sitzung {key}", ort="Rathaus", protokoll="Notizen")
        top = Tagesordnungspunkt.objects.create(sitzung=sitzung, position=1, titel=f"TOP {key}")
        beschluss = Beschluss.objects.create(
            buendnis=buendnis,
            gremium=gremium,
            sitzung=sitzung,
            tagesordnungspunkt=top,
            text=f"Beschluss {key}",
        )
        prioritaet = Prioritaet.objects.create(buendnis=buendnis, rang=1, titel=f"Priorität {key}")
        vereinbarung = VereinbarungFactory(
            buendnis=buendnis, titel=f"Vereinbarung {key}", gegenstand="Übergang"
        )
        vereinbarung.parteien.add(akteur)
        aufgabe = AufgabeFactory(
            buendnis=buendnis,
            gremium=gremium,
            sitzung=sitzung,
            beschluss=beschluss,
            akteur=akteur,
            zustaendig=koordination,
            prioritaet=prioritaet,
            verfahrensvereinbarung=vereinbarung,
            titel=f"Aufgabe {key}",
            faellig_am=timezone.localdate() + datetime.timedelta(days=3),
        )
        dokument = Vereinbarungsdokument(
            vereinbarung=vereinbarung, version=1, kommentar="erste Fassung", hochgeladen_von=koordination
        )
        dokument.datei.save("fassung.txt", ContentFile(b"Text der Vereinbarung"), save=False)
        dokument.save()
        teilnahme = Teilnahme.objects.create(sitzung=sitzung, name=f"Gast {key}", status=TeilnahmeStatus.GAST)
        einladung = Sitzungseinladung.objects.create(
            sitzung=sitzung,
            art=EinladungArt.EINLADUNG,
            sequenz=0,
            empfaenger=f"person-{key}@example.org",
            anzahl=1,
            versendet_von=koordination,
        )
        benachrichtigung = Benachrichtigung.objects.create(
            empfaenger=koordination,
            art=BenachrichtigungArt.AUFGABE_ZUGEWIESEN,
            titel=f"Neue Aufgabe {key}",
            text="Bitte erledigen",
            link=aufgabe.get_absolute_url(),
            zustellung=Zustellung.KEINE,
        )
        abo = Kalenderabo.objects.create(benutzer=koordination, token_hash=token_hash(f"geheim-{key}"))
        # A target agreed with the Land, with a manual indicator and a value entered with evidence.
        heute = timezone.localdate()
        zielsetzung = Zielsetzung.objects.create(
            buendnis=buendnis,
            titel=f"Zielsetzung {key}",
            beschreibung="Mehr Begleitung",
            zeitraum_von=heute - datetime.timedelta(days=200),
            zeitraum_bis=heute + datetime.timedelta(days=200),
            status=ZielsetzungStatus.VEREINBART,
            vereinbart_am=heute,
        )
        indikator = Indikator.objects.create(
            zielsetzung=zielsetzung,
            titel=f"Indikator {key}",
            einheit="Personen",
            ausgangswert=0,
            zielwert=40,
            personenzahl=True,
        )
        indikatorwert = Indikatorwert.objects.create(
            indikator=indikator, stichtag=heute, wert=20, nachweis="Liste der Ehrenamtskoordination"
        )
        rows = [
            buendnis,
            kommune,
            akteur,
            person,
            gremium,
            mitgliedschaft,
            sitzung,
            top,
            beschluss,
            prioritaet,
            vereinbarung,
            aufgabe,
            dokument,
            teilnahme,
            einladung,
            benachrichtigung,
            abo,
            zielsetzung,
            indikator,
            indikatorwert,
            # An account of the Bündnis (the account pages of the coordination name it).
            scenario.users["kommune" if key == "a" else "kommune_b1"],
        ]
        bestand[key] = {type(row): row for row in rows}
    return bestand


@pytest.fixture
def bestand(scenario) -> dict:
    return baue_bestand(scenario)


_zaehler = itertools.count(1)


def text_fields(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            if field.name in ("password",):
                continue
            yield field


def vergifte(obj, payload: str) -> list[str]:
    """Writes the payload into every free-text field of `obj` (bypassing form validation, as an import or
    an old record could). Returns the field names written."""
    values = {}
    for field in text_fields(type(obj)):
        value = f"{payload} {next(_zaehler)}"
        if field.max_length and len(value) > field.max_length:
            continue
        values[field.attname] = value
    type(obj)._default_manager.filter(pk=obj.pk).update(**values)
    return sorted(values)
