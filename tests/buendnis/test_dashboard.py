"""The alliance dashboard shows what the issue lists, only from the user's own Bündnis."""

import datetime

from django.urls import reverse
from django.utils import timezone

from buendnis.models import Bereich, GremiumStatus
from tests.factories import AkteurFactory, AufgabeFactory, GremiumFactory, SitzungFactory


def test_dashboard_shows_kommunen_members_forums_meetings_and_tasks(scenario, welt):
    a = scenario.a
    anderer = Bereich.objects.exclude(schluessel="bildung").first()
    AkteurFactory(buendnis=a, bereich=anderer)
    GremiumFactory(buendnis=a, name="Wohnen", status=GremiumStatus.IN_DISKUSSION)
    SitzungFactory(
        gremium=welt["a"]["gremium"],
        titel="Forum im Frühjahr",
        beginn=timezone.now() + datetime.timedelta(days=3),
    )
    AufgabeFactory(buendnis=a, titel="Längst fällig", ueberfaellig=True)
    AufgabeFactory(buendnis=a, titel="Für den Träger", akteur=scenario.akteur_a)
    AufgabeFactory(buendnis=scenario.b, titel="Fremd und überfällig", ueberfaellig=True)

    response = scenario.client("mitglied").get(reverse("buendnis:dashboard"))
    ctx, body = response.context, response.content.decode()
    assert {k.name for k in ctx["kommunen"]} == {"Aheim", "Adorf"}
    assert ctx["anzahl_kommunen"] == 2
    # Caritas A and Jobcenter a in Bildung, the new one in another area; Bündnis b's Akteure not at all.
    assert dict(ctx["mitglieder_nach_bereich"]) == {"Bildung": 2, anderer.name: 1}
    foren = dict(ctx["foren_nach_status"])
    assert foren["in Diskussion"] == 1 and foren["vorgeschlagen"] == 1
    assert [s.titel for s in ctx["naechste_sitzungen"]] == ["Forum im Frühjahr", "Sitzung a"]
    assert ctx["offene_aufgaben"] == 3
    assert [t.titel for t in ctx["ueberfaellige_aufgaben"]] == ["Längst fällig"]
    assert [t.titel for t in ctx["meine_aufgaben"]] == ["Für den Träger"]
    assert "3 offen, davon 1 überfällig" in body
    assert "Fremd und überfällig" not in body
    assert "Bheim" not in body


def test_state_dashboard_shows_no_single_buendnis_work_items(scenario, welt):
    """The Land works in no single Bündnis: no tasks, meetings, Kommunen, forums, members or core-group tasks of
    one Bündnis on its dashboard; its own work, the programme's funds and the way to the view of all Bündnisse
    instead."""
    AufgabeFactory(buendnis=scenario.b, titel="Fremd und überfällig", ueberfaellig=True)
    SitzungFactory(gremium=welt["a"]["gremium"], titel="Forum im Frühjahr")
    response = scenario.client("land").get(reverse("buendnis:dashboard"))
    body = response.content.decode()
    assert response.context["landesebene"] is True
    assert "Alle Bündnisse – Übersicht" in body
    for fremd in (
        "Fremd und überfällig",
        "Forum im Frühjahr",
        "Aheim",
        "Bheim",
        "Kommunen (",
        'id="h-aufgaben"',
        "Nächste Sitzungen",
        "Foren nach Status",
        "Mitglieder nach Bereich",
        "Aufgaben der Bündniskerngruppe",
        'id="h-angebote"',
        'id="h-bedarf"',
    ):
        assert fremd not in body, fremd
    # The funds of the whole programme (all Bündnisse, per Förderbaustein) are the Land's own figures.
    assert 'id="h-foerderung"' in body
    assert "Zielsetzungen zur Vereinbarung" in body
    assert reverse("berichte:land-uebersicht") in body


def test_dashboard_links_to_all_overdue_tasks_when_more_than_ten(scenario):
    for i in range(12):
        AufgabeFactory(buendnis=scenario.a, titel=f"Überfällig {i}", ueberfaellig=True)
    body = scenario.client("koordination").get(reverse("buendnis:dashboard")).content.decode()
    assert "/aufgaben/?ueberfaellig=true" in body
    assert "Alle 12 überfälligen Aufgaben anzeigen" in body


def test_german_labels_read_as_meant(scenario, welt):
    """German msgids that another app's German catalogue translates ("Format" → "Dateiformat") are avoided."""
    client = scenario.client("koordination")
    for url in (reverse("buendnis:gremium-list"), welt["a"]["gremium"].get_absolute_url()):
        body = client.get(url).content.decode()
        assert "Arbeitsform" in body, url
        assert "Dateiformat" not in body, url


def test_task_filters_are_checkboxes_and_people_are_named(scenario):
    from buendnis.models import User

    User.objects.filter(pk=scenario.users["mitglied"].pk).update(first_name="Mia", last_name="Mitglied")
    AufgabeFactory(
        buendnis=scenario.a, titel="Längst fällig", ueberfaellig=True, zustaendig=scenario.users["mitglied"]
    )
    AufgabeFactory(buendnis=scenario.a, titel="Noch Zeit")
    client = scenario.client("koordination")
    for query in ("?ueberfaellig=on", "?ueberfaellig=true"):
        response = client.get(reverse("buendnis:aufgabe-list") + query)
        assert [a.titel for a in response.context["object_list"]] == ["Längst fällig"]
    body = response.content.decode()
    assert 'type="checkbox" name="ueberfaellig"' in body
    assert "Unbekannt" not in body
    assert "Mia Mitglied" in body
    form = client.get(reverse("buendnis:aufgabe-create")).content.decode()
    assert ">Mia Mitglied</option>" in form
