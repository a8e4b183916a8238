"""Minutes of a Sitzung, generated from its agenda items, decisions and tasks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from berichte import selectors
from tests.berichte.helpers import docx_text, pdf_text

PROTOKOLL = {
    "anonym": 302,
    "koordination": 200,
    "auswertung": 200,
    "kommune": 200,
    "mitglied": 200,
    "land": 200,
    "admin": 200,
}


def test_minutes_follow_agenda_decisions_and_tasks(daten):
    inhalt = selectors.protokoll_inhalt(daten.sitzung)
    titel = [a["titel"] for a in inhalt["abschnitte"]]
    assert titel == [
        "Sitzung",
        "Teilnahme",
        "TOP 1: Einrichtung der Foren",
        "TOP 2: Verschiedenes",
        "Genehmigung",
    ]
    assert inhalt["untertitel"].startswith("Bündniskerngruppe – Donnerstag, 27.06.2019, ")
    top1 = inhalt["abschnitte"][2]["bloecke"]
    assert top1[0]["text"] == "Beschluss: Drei Bündnisforen werden eingerichtet."
    assert "Forenleitungen benennen – Jobcenter Test, bis " in top1[1]["eintraege"][0]
    assert inhalt["abschnitte"][3]["bloecke"][0]["typ"] == "hinweis"
    assert inhalt["abschnitte"][1]["bloecke"][0]["text"] == "Die Teilnahme ist nicht erfasst."
    assert inhalt["abschnitte"][-1]["bloecke"][0]["text"] == "Entwurf – noch nicht genehmigt."


def test_minutes_name_who_attended_and_the_quorum(daten):
    from buendnis.models import Teilnahme, TeilnahmeStatus

    mitglieder = list(daten.kerngruppe.mitgliedschaften.order_by("akteur__name"))
    Teilnahme.objects.create(sitzung=daten.sitzung, mitgliedschaft=mitglieder[0], akteur=mitglieder[0].akteur)
    Teilnahme.objects.create(
        sitzung=daten.sitzung,
        mitgliedschaft=mitglieder[1],
        akteur=mitglieder[1].akteur,
        status=TeilnahmeStatus.ENTSCHULDIGT,
    )
    Teilnahme.objects.create(sitzung=daten.sitzung, name="Frau Gast (IHK)", status=TeilnahmeStatus.GAST)
    teilnahme = selectors.protokoll_inhalt(daten.sitzung)["abschnitte"][1]["bloecke"]
    assert dict(teilnahme[0]["eintraege"]) == {
        "Anwesend": "Caritas A",
        "Entschuldigt": "Jobcenter Test",
        "Gäste": "Frau Gast (IHK)",
    }
    assert teilnahme[1]["text"] == "1 von 2 Mitgliedern anwesend – nicht beschlussfähig (ab 2)"


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_minutes_role_matrix_and_formats(scenario, daten, role, fmt):
    response = scenario.client(role).get(reverse("berichte:protokoll", args=[daten.sitzung.pk, fmt]))
    assert response.status_code == PROTOKOLL[role]
    if response.status_code != 200:
        return
    if fmt == "pdf":
        text = pdf_text(response.content)
    elif fmt == "docx":
        text = docx_text(response.content)
    else:
        text = response.content.decode()
    assert "Drei Bündnisforen werden eingerichtet." in text
    assert "Einrichtung der Foren" in text


def test_minutes_of_other_buendnis_are_404(scenario, daten):
    client = scenario.client("koordination_b")
    for fmt in ("html", "pdf", "docx"):
        assert client.get(reverse("berichte:protokoll", args=[daten.sitzung.pk, fmt])).status_code == 404


def test_sitzung_page_links_minutes(scenario, daten):
    response = scenario.client("koordination").get(daten.sitzung.get_absolute_url())
    content = response.content.decode()
    for fmt in ("html", "pdf", "docx"):
        assert reverse("berichte:protokoll", args=[daten.sitzung.pk, fmt]) in content
    assert "Protokoll (PDF)" in content


def test_minutes_queries_do_not_grow_with_agenda_items_and_decisions(daten, django_assert_max_num_queries):
    from buendnis.models import Beschluss, Tagesordnungspunkt
    from tests.factories import AufgabeFactory

    with django_assert_max_num_queries(20) as wenige:
        selectors.protokoll_inhalt(daten.sitzung)
    for nr in range(3, 40):
        top = Tagesordnungspunkt.objects.create(sitzung=daten.sitzung, position=nr, titel=f"Punkt {nr}")
        beschluss = Beschluss.objects.create(
            buendnis=daten.sitzung.buendnis,
            gremium=daten.kerngruppe,
            sitzung=daten.sitzung,
            tagesordnungspunkt=top,
            text=f"Beschluss {nr}",
            datum=daten.beschluss.datum,
        )
        AufgabeFactory(buendnis=daten.sitzung.buendnis, beschluss=beschluss, titel=f"Aufgabe {nr}")
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        inhalt = selectors.protokoll_inhalt(daten.sitzung)
    # Meeting, attendance, 39 agenda items, approval.
    assert len(inhalt["abschnitte"]) == 1 + 1 + 39 + 1
