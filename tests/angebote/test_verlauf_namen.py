"""The offer's change history names the Kommunen and follow-up offers that were added or removed (they showed as
"– → –" until issue 18's review), a removed Kommune as deleted, and escapes every name."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.angebote.factories import AngebotFactory
from tests.factories import KommuneFactory


def _verlauf(client, angebot) -> list[str]:
    """The history's change lines of the offer's page, as text."""
    html = client.get(angebot.get_absolute_url()).content.decode()
    return [re.sub(r"<[^>]+>", "", zeile) for zeile in re.findall(r"<div><strong>.*?</div>", html)]


def test_history_names_the_kommunen_before_and_after(scenario):
    angebot = AngebotFactory(buendnis=scenario.a, kommunen=[scenario.a1], traeger=scenario.akteur_a)
    angebot.kommunen.add(scenario.a2)
    angebot.save()
    angebot.kommunen.remove(scenario.a1)
    angebot.save()
    zeilen = _verlauf(scenario.client("koordination"), angebot)
    assert "Kommunen: Adorf, Aheim → Adorf" in zeilen
    assert "Kommunen: Aheim → Adorf, Aheim" in zeilen


def test_history_names_the_follow_up_offers_and_escapes_them(scenario):
    angebot = AngebotFactory(buendnis=scenario.a, titel="Sprachkurs A1", traeger=scenario.akteur_a)
    folge = AngebotFactory(
        buendnis=scenario.a, titel='B1 <script>alert("x")</script>', traeger=scenario.akteur_a
    )
    angebot.anschlussangebote.add(folge)
    angebot.save()
    html = scenario.client("koordination").get(angebot.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in html
    zeilen = _verlauf(scenario.client("koordination"), angebot)
    assert any(z.startswith("Anschlussangebote: – → B1 &lt;script&gt;") for z in zeilen), zeilen


def test_a_kommune_deleted_since_shows_as_deleted(scenario):
    weg = KommuneFactory(buendnis=scenario.a, name="Wegdorf")
    angebot = AngebotFactory(buendnis=scenario.a, kommunen=[scenario.a1], traeger=scenario.akteur_a)
    angebot.kommunen.add(weg)
    angebot.save()
    angebot.kommunen.remove(weg)
    weg.delete()
    zeilen = _verlauf(scenario.client("koordination"), angebot)
    assert any(z.startswith("Kommunen: Aheim → ") and "gelöscht" in z for z in zeilen), zeilen


def test_history_of_many_changes_reads_a_fixed_number_of_queries(scenario):
    from django.template import Context, Template

    angebot = AngebotFactory(buendnis=scenario.a, kommunen=[scenario.a1], traeger=scenario.akteur_a)
    folge = AngebotFactory(buendnis=scenario.a, traeger=scenario.akteur_a)
    for nr in range(6):
        angebot.kommunen.add(KommuneFactory(buendnis=scenario.a, name=f"Ort{nr}y"))
        if nr == 3:
            angebot.anschlussangebote.add(folge)
        angebot.save()
    vorlage = Template("{% load buendnis_tags %}{% aenderungsverlauf obj %}")
    with CaptureQueriesContext(connection) as ctx:
        html = vorlage.render(Context({"obj": angebot}))
    # records with their people, one per tracked many-to-many field, one per related model named in the changes
    # (Kommunen, offers); the offer itself is not read again.
    assert len(ctx.captured_queries) <= 5, [q["sql"] for q in ctx.captured_queries]
    assert "Ort5y" in html and folge.titel in html


def test_cached_history_shows_a_change_at_once(scenario, mit_cache, festschreiben):
    with festschreiben():
        angebot = AngebotFactory(buendnis=scenario.a, titel="Erster Titel", traeger=scenario.akteur_a)
    client = scenario.client("koordination")
    _verlauf(client, angebot)
    assert not any("Zweiter Titel" in z for z in _verlauf(client, angebot))  # from the cache
    with festschreiben():
        angebot.titel = "Zweiter Titel"
        angebot.save()
    assert "Titel: Erster Titel → Zweiter Titel" in _verlauf(client, angebot)
    # A renamed Kommune shows by its new name in the offer's history.
    with festschreiben():
        angebot.kommunen.add(scenario.a1)
        angebot.save()
    assert "Kommunen: – → Aheim" in _verlauf(client, angebot)
    with festschreiben():
        scenario.a1.name = "Neu-Aheim"
        scenario.a1.save()
    assert "Kommunen: – → Neu-Aheim" in _verlauf(client, angebot)
