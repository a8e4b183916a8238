"""Searchable selects of the catalogue filter (issue 18): the Land's page renders no select of hundreds of options;
the Kommunen and Bündnisse come from a small JSON endpoint scoped like every list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from angebote.forms import AngebotForm
from angebote.models import Angebot
from buendnis.models import Akteur, AkteurTyp, Buendnis, Kommune
from buendnis.widgets import GRENZE
from tests.angebote.factories import AngebotFactory
from tests.angebote.test_queries import erzeuge

ANMELDUNG = r"django_session|buendnis_user|otp_|SAVEPOINT"


def _url(art: str) -> str:
    return reverse("angebote:optionen", kwargs={"art": art})


def _optionen(client, art="kommunen", **params) -> list[dict]:
    response = client.get(_url(art), params)
    assert response.status_code == 200
    return response.json()["optionen"]


def nrw(scenario, buendnisse=53, kommunen_je_buendnis=7) -> None:
    """A state of NRW's size: 53 more Bündnisse with their Kommunen (371 + the scenario's 4)."""
    neu = Buendnis.objects.bulk_create(
        Buendnis(name=f"Kreis {i:02d}", kreisschluessel=f"{20000 + i}", art="kreis", regierungsbezirk="koeln")
        for i in range(buendnisse)
    )
    Kommune.objects.bulk_create(
        Kommune(buendnis=b, name=f"Gemeinde {b.name[-2:]}-{j}")
        for b in neu
        for j in range(kommunen_je_buendnis)
    )


def _liste(client, **params):
    response = client.get(reverse("angebote:angebot-list"), params)
    assert response.status_code == 200
    return response


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S).group(0)


# The endpoint ------------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, scenario):
    response = client.get(_url("kommunen"), {"q": "a"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "mitglied", "auswertung"])
def test_people_of_a_buendnis_get_only_its_kommunen(scenario, rolle):
    werte = {o["value"] for o in _optionen(scenario.client(rolle))}
    assert werte == {scenario.a1.pk, scenario.a2.pk}


def test_kommune_user_never_gets_another_buendnis_kommunen_even_by_name(scenario):
    assert _optionen(scenario.client("kommune"), q="Bheim") == []
    assert [o["text"] for o in _optionen(scenario.client("kommune_b1"), q="heim")] == ["Bheim"]


@pytest.mark.parametrize("rolle", ["land", "admin"])
def test_the_land_gets_every_kommune_with_its_buendnis(scenario, rolle):
    optionen = _optionen(scenario.client(rolle))
    assert [o["text"] for o in optionen] == ["Adorf", "Aheim", "Bdorf", "Bheim"]
    assert optionen[0] == {"value": scenario.a2.pk, "text": "Adorf", "zusatz": "Rhein-Kreis Test"}


def test_buendnisse_are_scoped_too(scenario):
    assert [o["text"] for o in _optionen(scenario.client("land"), "buendnisse")] == [
        "Rhein-Kreis Test",
        "Stadt Anderswo",
    ]
    assert _optionen(scenario.client("koordination"), "buendnisse") == [
        {"value": scenario.a.pk, "text": "Rhein-Kreis Test"}
    ]


def test_q_filters_by_name_those_starting_with_it_first(scenario):
    Kommune.objects.create(buendnis=scenario.a, name="Neuheim")
    client = scenario.client("koordination")
    assert [o["text"] for o in _optionen(client, q="HEIM")] == ["Aheim", "Neuheim"]
    assert [o["text"] for o in _optionen(client, q="  neu ")] == ["Neuheim"]
    assert [o["text"] for o in _optionen(client, q="ne")] == ["Neuheim"]
    Kommune.objects.create(buendnis=scenario.a, name="Heimbach")
    assert [o["text"] for o in _optionen(client, q="heim")] == ["Heimbach", "Aheim", "Neuheim"]


def test_at_most_fifty_in_one_query_cached_privately(scenario):
    nrw(scenario)
    client = scenario.client("land")
    client.get(_url("kommunen"))  # session and user loaded once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_url("kommunen"), {"q": "Gemeinde"})
    assert len(response.json()["optionen"]) == 50
    # Besides what every signed-in request costs (session, user, its second factor): one query.
    eigene = [q["sql"] for q in ctx.captured_queries if not re.search(ANMELDUNG, q["sql"])]
    assert len(eigene) == 1
    assert "buendnis_kommune" in eigene[0]
    assert response["Cache-Control"] == "private, max-age=300"


def test_unknown_source_is_not_found(scenario):
    assert scenario.client("land").get(_url("akten")).status_code == 404


def test_only_get(scenario):
    assert scenario.client("land").post(_url("kommunen")).status_code == 405


# The catalogue's filter --------------------------------------------------------------------------------------------


def test_lands_catalogue_renders_fewer_than_100_options(scenario):
    nrw(scenario)
    assert Kommune.objects.count() > 370
    html = _liste(scenario.client("land")).content.decode()
    assert html.count("<option") < 100
    kommune = _select(html, "kommune")
    assert f'data-quelle="{_url("kommunen")}"' in kommune
    assert kommune.count("<option") == 1  # only "---------"
    assert f'data-quelle="{_url("buendnisse")}"' in _select(html, "buendnis")


def test_small_scope_lists_every_kommune_without_javascript(scenario):
    nrw(scenario)  # other Bündnisse do not count
    kommune = _select(_liste(scenario.client("kommune")).content.decode(), "kommune")
    assert "data-quelle" not in kommune
    assert kommune.count("<option") == 3
    assert ">Aheim</option>" in kommune and ">Adorf</option>" in kommune


def test_a_buendnis_just_over_the_limit_is_searched(scenario):
    Kommune.objects.bulk_create(Kommune(buendnis=scenario.a, name=f"Ort {i}") for i in range(GRENZE - 1))
    kommune = _select(_liste(scenario.client("koordination")).content.decode(), "kommune")
    assert "data-quelle" in kommune


def test_kommune_chosen_remotely_filters_and_stays_shown(scenario):
    nrw(scenario)
    gemeinde = Kommune.objects.get(name="Gemeinde 52-6")
    dort = AngebotFactory(buendnis=gemeinde.buendnis, titel="Dort", kommunen=[gemeinde], veroeffentlicht=True)
    AngebotFactory(buendnis=scenario.a, titel="Anderswo", kommunen=[scenario.a1], veroeffentlicht=True)
    response = _liste(scenario.client("land"), kommune=gemeinde.pk)
    assert list(response.context["object_list"]) == [dort]
    kommune = _select(response.content.decode(), "kommune")
    assert re.search(rf'<option value="{gemeinde.pk}" selected>Gemeinde 52-6</option>', kommune)
    assert kommune.count("<option") == 2


def test_buendnis_chosen_remotely_filters(scenario):
    AngebotFactory(buendnis=scenario.a, titel="Hier", kreisweit=True)
    anderswo = AngebotFactory(buendnis=scenario.b, titel="Dort", kreisweit=True)
    response = _liste(scenario.client("land"), buendnis=scenario.b.pk)
    assert list(response.context["object_list"]) == [anderswo]
    assert f'<option value="{scenario.b.pk}" selected>Stadt Anderswo</option>' in response.content.decode()


def test_foreign_kommune_gives_the_german_error_and_no_offers(scenario):
    AngebotFactory(buendnis=scenario.a, titel="Hier", kreisweit=True)
    response = _liste(scenario.client("kommune"), kommune=scenario.b1.pk)
    assert list(response.context["object_list"]) == []
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()


@pytest.mark.parametrize("wert", ["abc", "999999"])
def test_invalid_kommune_for_the_land_gives_the_german_error(scenario, wert):
    nrw(scenario)
    response = _liste(scenario.client("land"), kommune=wert)
    assert list(response.context["object_list"]) == []
    html = response.content.decode()
    assert "Bitte eine gültige Auswahl treffen." in html
    assert _select(html, "kommune").count("<option") == 1


@pytest.mark.parametrize("params", [{}, {"kommune": "b1", "buendnis": "b"}])
def test_lands_catalogue_queries_do_not_grow_with_the_kommunen(scenario, params):
    params = {k: getattr(scenario, v).pk for k, v in params.items()}
    client = scenario.client("land")

    def zaehle():
        with CaptureQueriesContext(connection) as ctx:
            _liste(client, **params)
        return len(ctx.captured_queries)

    wenige = zaehle()
    nrw(scenario)
    assert zaehle() == wenige


# The offer form's follow-up offers (700+ per Bündnis at NRW scale) -----------------------------------------------


def test_follow_up_offers_of_the_buendnis_without_archived_ones_and_the_offer_itself(scenario):
    a, akteur = scenario.a, scenario.akteur_a
    eins = AngebotFactory(buendnis=a, titel="Kurs Eins", traeger=akteur, veroeffentlicht=True)
    zwei = AngebotFactory(buendnis=a, titel="Kurs Zwei", traeger=akteur, veroeffentlicht=True)
    AngebotFactory(buendnis=a, titel="Kurs Alt", traeger=akteur, archiviert=True)
    AngebotFactory(buendnis=scenario.b, titel="Kurs Bheim", traeger=scenario.akteur_b, veroeffentlicht=True)
    client = scenario.client("koordination")
    optionen = _optionen(client, "anschlussangebote", q="kurs", buendnis=a.pk, ohne=eins.pk)
    assert optionen == [{"value": zwei.pk, "text": "Kurs Zwei", "zusatz": "Caritas A"}]
    assert [o["text"] for o in _optionen(client, "anschlussangebote", q="kurs")] == ["Kurs Eins", "Kurs Zwei"]
    # Another Bündnis's offers only for who may see them.
    assert _optionen(client, "anschlussangebote", q="kurs", buendnis=scenario.b.pk) == []
    land = scenario.client("land")
    assert [o["text"] for o in _optionen(land, "anschlussangebote", buendnis=scenario.b.pk)] == ["Kurs Bheim"]


def _formular(scenario, n):
    erzeuge(scenario, n)
    angebot = Angebot.objects.filter(anschlussangebote__isnull=False).order_by("pk").first()
    response = scenario.client("koordination").get(reverse("angebote:angebot-update", args=[angebot.pk]))
    assert response.status_code == 200
    return angebot, _select(response.content.decode(), "anschlussangebote")


def test_offer_form_lists_few_follow_up_offers_as_before(scenario):
    angebot, auswahl = _formular(scenario, 10)
    assert "data-quelle" not in auswahl
    assert auswahl.count("<option") == 9  # the other offers of the Bündnis
    assert auswahl.count("selected") == 1


def test_offer_form_searches_many_follow_up_offers_and_accepts_any_of_them(scenario):
    angebot, auswahl = _formular(scenario, GRENZE + 10)
    ziel = angebot.anschlussangebote.get()
    quelle = f"{_url('anschlussangebote')}?buendnis={scenario.a.pk}&amp;ohne={angebot.pk}"
    assert f'data-quelle="{quelle}"' in auswahl
    assert re.findall(r'<option value="(\d+)" selected>', auswahl) == [str(ziel.pk)]
    assert auswahl.count("<option") == 1
    # Not rendered, still valid: the field's choices are the form's, only the widget renders less.
    anderes = Angebot.objects.filter(buendnis=scenario.a).exclude(pk__in=[angebot.pk, ziel.pk]).last()
    form = AngebotForm(instance=angebot, user=scenario.users["koordination"])
    assert list(form.fields["anschlussangebote"].clean([str(anderes.pk)])) == [anderes]


def test_offer_form_queries_do_not_grow_with_the_follow_up_offers(scenario):
    erzeuge(scenario, 5)
    angebot = Angebot.objects.filter(anschlussangebote__isnull=False).order_by("pk").first()
    client = scenario.client("koordination")
    url = reverse("angebote:angebot-update", args=[angebot.pk])

    def zaehle():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    wenige = zaehle()
    erzeuge(scenario, 200)
    assert zaehle() == wenige


# Other filter forms of the Land ----------------------------------------------------------------------------------


def test_akteure_are_scoped(scenario):
    assert [o["text"] for o in _optionen(scenario.client("koordination"), "akteure", q="caritas")] == [
        "Caritas A"
    ]
    assert _optionen(scenario.client("land"), "akteure", q="caritas") == [
        {"value": scenario.akteur_a.pk, "text": "Caritas A", "zusatz": "Rhein-Kreis Test"},
        {"value": scenario.akteur_b.pk, "text": "Caritas B", "zusatz": "Stadt Anderswo"},
    ]


@pytest.mark.parametrize(
    ("url_name", "selects"),
    [
        ("buendnis:akteur-list", ["kommune"]),
        ("buendnis:aufgabe-list", ["akteur"]),
        ("foerderung:antrag-list", ["buendnis", "kommune"]),
    ],
)
def test_lands_other_lists_render_no_select_of_hundreds(scenario, url_name, selects):
    nrw(scenario)
    bereich = scenario.akteur_a.bereich
    Akteur.objects.bulk_create(
        Akteur(buendnis=b, name=f"Träger {b.pk}-{i}", typ=AkteurTyp.BILDUNGSTRAEGER, bereich=bereich)
        for b in Buendnis.objects.all()
        for i in range(3)
    )
    response = scenario.client("land").get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<option") < 100
    for name in selects:
        assert "data-quelle" in _select(html, name)
