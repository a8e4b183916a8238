"""The offer's page and the Zugangsmatrix stay cheap (issue 18): the page's queries do not grow with the chain's
width, the offer's access rows or its history; the chain costs one query per level; the matrix is counted by the
database and kept per data stamp and scope, and a write shows on the next request."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from angebote import selectors
from angebote.models import Angebot, Aufenthaltsstatus, Zugang, ZugangArt
from tests.angebote.factories import AngebotFactory, kategorie, status

# Queries of the offer's page below for the coordination in the test settings (base layout included): three of
# them for the chain's three levels. Before issue 18 it was 28: four per level of the chain (the Kommunen and
# access rows of every follow-up, never shown), the statuses of the access rows, the number of translations.
SEITE_MIT_KETTE = 20


def abfragen(client, url: str, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def ohne_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def angebot(scenario, titel: str, **kw) -> Angebot:
    kw.setdefault("kreisweit", True)
    return AngebotFactory(
        buendnis=scenario.a,
        titel=titel,
        traeger=scenario.akteur_a,
        veroeffentlicht=True,
        zugang={"duldung": "offen", "gestattung": "eingeschraenkt"},
        **kw,
    )


@pytest.fixture
def kette(scenario):
    """Start → B1, B2 → C (two levels below the start); a draft D of Bündnis a and E of Bündnis b follow B1."""
    start = angebot(scenario, "Start")
    b1, b2, c = angebot(scenario, "B1"), angebot(scenario, "B2"), angebot(scenario, "C")
    vor = angebot(scenario, "Vorher")
    d = AngebotFactory(buendnis=scenario.a, titel="D-Entwurf", traeger=scenario.akteur_a, kreisweit=True)
    e = AngebotFactory(
        buendnis=scenario.b, titel="E-anderswo", traeger=scenario.akteur_b, veroeffentlicht=True
    )
    start.anschlussangebote.set([b1, b2])
    b1.anschlussangebote.set([c, d, e])
    b2.anschlussangebote.set([c])
    vor.anschlussangebote.set([start])
    return {"start": start, "b1": b1, "b2": b2, "c": c, "d": d, "e": e, "vor": vor}


def test_chain_costs_one_query_per_level(scenario, kette):
    sichtbar = Angebot.objects.visible_to(scenario.users["koordination"])
    with CaptureQueriesContext(connection) as ctx:
        glied = selectors.bildungskette(kette["start"], sichtbar)
    # Level 1 (B1, B2), level 2 (C, D), level 3 (nothing follows C or D).
    assert len(ctx.captured_queries) == 3
    assert [k.angebot.titel for k in glied.anschluesse] == ["B1", "B2"]
    assert [k.angebot.titel for k in glied.anschluesse[0].anschluesse] == ["C", "D-Entwurf"]
    assert not glied.anschluesse[0].anschluesse[0].anschluesse


def test_chain_of_a_kommune_leaves_out_what_it_may_not_see(scenario, kette):
    """The Kommune a2 sees neither the draft (kreisweit, a Träger of no Kommune) nor Bündnis b's offer."""
    sichtbar = Angebot.objects.visible_to(scenario.users["kommune_a2"])
    glied = selectors.bildungskette(kette["start"], sichtbar)
    assert [k.angebot.titel for k in glied.anschluesse[0].anschluesse] == ["C"]


def test_offer_page_queries_do_not_grow_with_follow_ups_access_rows_or_history(scenario, kette):
    client = scenario.client("koordination")
    url = reverse("angebote:angebot-detail", args=[kette["start"].pk])
    client.get(url)
    wenige, html = abfragen(client, url)
    assert wenige <= SEITE_MIT_KETTE
    assert "D-Entwurf" in html and "E-anderswo" not in html and "Vorher" in html
    breit = [angebot(scenario, f"Breit {i}") for i in range(30)]
    kette["start"].anschlussangebote.add(*breit)
    for s in ("ae_humanitaer",):
        Zugang.objects.create(angebot=kette["start"], status=status(s), art=ZugangArt.OFFEN)
    for i in range(5):
        kette["start"].titel = f"Start {i}"
        kette["start"].save()
    viele, html = abfragen(client, url)
    # The history's queries depend on what changed (related rows are looked up only for changed links), never on
    # how many records or follow-ups there are.
    assert viele <= wenige
    assert "Breit 29" in html


def test_offer_page_names_the_number_of_translations(scenario, kette):
    client = scenario.client("koordination")
    url = reverse("angebote:angebot-detail", args=[kette["start"].pk])
    assert "(0 von " in client.get(url).content.decode()
    start = Angebot.objects.get(pk=kette["start"].pk)
    start.set_current_language("en")
    start.titel_uebersetzt = "Start (en)"
    start.save()
    assert "(1 von " in client.get(url).content.decode()


# Zugangsmatrix ---------------------------------------------------------------------------------------------------


def matrix(client, **params):
    response = client.get(reverse("angebote:zugangsmatrix"), params)
    assert response.status_code == 200
    return response.context["matrix"]


# The table as the page's template rendered it before the rows were built in Python (issue 18).
FRUEHER = Template(
    """{% load i18n %}<thead><tr><th scope="col">{% translate "Kategorie" %}</th>{% for s in matrix.status %}<th scope="col"><abbr title="{{ s.bezeichnung }}{% if s.rechtsgrundlage_zusatz %} ({{ s.rechtsgrundlage_zusatz }}){% endif %}">{{ s.kurz }}</abbr></th>{% endfor %}</tr></thead>
  <tbody>
  {% for kategorie, zellen in matrix.zeilen %}
    <tr><th scope="row">{{ kategorie.bezeichnung }}</th>
    {% for z in zellen %}<td class="{% if not z.angebote %}table-warning{% endif %}">
      {% if z.angebote %}<a href="{{ liste_url }}?{{ basis_query }}&amp;kategorie={{ kategorie.pk }}&amp;zugang={{ z.status.pk }}" aria-label="{% blocktranslate with k=kategorie.bezeichnung s=z.status.kurz n=z.angebote p=z.plaetze %}{{ n }} Angebote mit {{ p }} Plätzen: {{ k }} für {{ s }}{% endblocktranslate %}">{{ z.angebote }}</a> / {{ z.plaetze }}{% if z.eingeschraenkt %}<br><small>{% blocktranslate with n=z.eingeschraenkt %}davon {{ n }} eingeschr.{% endblocktranslate %}</small>{% endif %}{% else %}<span title="{% translate 'kein zugängliches Angebot' %}">0</span>{% endif %}
      {% if z.oeffnung_moeglich %}<br><a class="small" href="{{ liste_url }}?{{ basis_query }}&amp;kategorie={{ kategorie.pk }}&amp;oeffnung={{ z.status.pk }}"><i class="bi bi-unlock" aria-hidden="true"></i> {% blocktranslate with n=z.oeffnung_moeglich %}{{ n }} öffenbar{% endblocktranslate %}</a>{% endif %}
    </td>{% endfor %}</tr>
  {% endfor %}
  </tbody>
  <tfoot><tr><th scope="row">{% translate "Summe (Angebote / Plätze)" %}</th>{% for z in matrix.summen %}<td>{{ z.angebote }} / {{ z.plaetze }}{% if z.oeffnung_moeglich %}<br><small>{% blocktranslate with n=z.oeffnung_moeglich %}{{ n }} öffenbar{% endblocktranslate %}</small>{% endif %}</td>{% endfor %}</tr></tfoot>"""
)


def frueher(response) -> str:
    m = selectors.zugangsmatrix(
        buendnis_id=response.context["buendnis"].pk,
        kommune_id=response.context["kommune"].pk if response.context["kommune"] else None,
    )
    ctx = {k: response.context[k] for k in ("liste_url", "basis_query")}
    return FRUEHER.render(Context({"matrix": m, **ctx}))


@pytest.mark.parametrize("sprache", ["de", "en"])
@pytest.mark.parametrize(
    ("rolle", "params"), [("koordination", {}), ("kommune", {"kommune": "a1"}), ("land", {})]
)
def test_matrix_table_is_the_former_templates_markup(scenario, kette, sprache, rolle, params):
    """Places (one over a thousand), restricted access, "Öffnung möglich", empty cells, text to escape."""
    angebot(scenario, "Viele <Plätze>", kreisweit=False, kommunen=[scenario.a1], plaetze=1234)
    x = angebot(scenario, "Öffenbar", kategorie=kategorie("schulabschluss"), plaetze=7)
    Zugang.objects.filter(angebot=x, status=status("duldung")).update(
        art=ZugangArt.NICHT, oeffnung_moeglich=True
    )
    Aufenthaltsstatus.objects.filter(code="gestattung").update(kurzbezeichnung='Gest. <"&">')
    params = {k: scenario.a1.pk if v == "a1" else v for k, v in params.items()}
    if rolle == "land":
        params["buendnis"] = scenario.a.pk
    client = scenario.client(rolle)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = sprache
    response = client.get(reverse("angebote:zugangsmatrix"), params)
    assert response.status_code == 200
    with translation.override(sprache):
        erwartet = frueher(response)
    assert response.context["matrix"].tabelle == erwartet
    assert (
        "1234" in erwartet
        and "&amp;oeffnung=" in erwartet
        and {"de": "eingeschr.", "en": "restricted"}[sprache] in erwartet
    )
    assert "Gest. &lt;&quot;&amp;&quot;&gt;" in erwartet


def test_matrix_from_the_cache_reads_no_figures(scenario, kette, mit_cache):
    client = scenario.client("koordination")
    url = reverse("angebote:zugangsmatrix")
    erste, html = abfragen(client, url)
    zweite, html2 = abfragen(client, url)
    assert ohne_token(html2) == ohne_token(html)
    # The four queries of the matrix (Kategorien, statuses, the counts, the number of offers) are gone.
    assert zweite <= erste - 4


def test_cached_matrix_is_kept_apart_per_scope(scenario, kette, mit_cache):
    """Bündnis b has one published offer; each coordination, and the Land per chosen Bündnis, sees its own."""
    koord_a, koord_b = scenario.client("koordination"), scenario.client("koordination_b")
    assert matrix(koord_a).angebote_gesamt == 5
    assert matrix(koord_b).angebote_gesamt == 1
    assert matrix(koord_a).angebote_gesamt == 5
    land = scenario.client("land")
    assert matrix(land, buendnis=scenario.a.pk).angebote_gesamt == 5
    assert matrix(land, buendnis=scenario.b.pk).angebote_gesamt == 1
    # Per Kommune: a2 sees the kreisweit offers; an offer run only in a1 counts for a1 only.
    angebot(scenario, "Nur in a1", kreisweit=False, kommunen=[scenario.a1])
    kommune = scenario.client("kommune")
    assert matrix(kommune, kommune=scenario.a1.pk).angebote_gesamt == 6
    assert matrix(kommune, kommune=scenario.a2.pk).angebote_gesamt == 5
    # The Land's links carry the Bündnis, the coordination's do not: never the other's cached markup.
    assert f"buendnis={scenario.a.pk}" in matrix(land, buendnis=scenario.a.pk).tabelle
    assert "buendnis=" not in matrix(koord_a).tabelle
    # Another Bündnis or a Kommune outside the user's Bündnis stays a 404, cached or not.
    assert koord_a.get(reverse("angebote:zugangsmatrix"), {"buendnis": scenario.b.pk}).status_code == 404
    assert koord_a.get(reverse("angebote:zugangsmatrix"), {"kommune": scenario.b1.pk}).status_code == 404


def test_write_shows_in_the_matrix_on_the_next_request(scenario, kette, mit_cache, festschreiben):
    koord, land = scenario.client("koordination"), scenario.client("land")
    assert matrix(koord).angebote_gesamt == 5
    assert matrix(land, buendnis=scenario.a.pk).angebote_gesamt == 5
    with festschreiben():
        angebot(scenario, "Neu veröffentlicht")
    assert matrix(koord).angebote_gesamt == 6
    assert matrix(land, buendnis=scenario.a.pk).angebote_gesamt == 6
    vorher = matrix(koord).tabelle
    with festschreiben():
        zugang = Zugang.objects.get(angebot=kette["c"], status=status("gestattung"))
        zugang.art = ZugangArt.OFFEN
        zugang.save()
    nachher = matrix(koord).tabelle
    assert "davon 6 eingeschr." in vorher
    assert "davon 5 eingeschr." in nachher and "davon 6 eingeschr." not in nachher


def test_lands_choice_of_buendnis_follows_a_renamed_buendnis(scenario, kette, mit_cache, festschreiben):
    land = scenario.client("land")
    url = reverse("angebote:zugangsmatrix")
    html = land.get(url, {"buendnis": scenario.b.pk}).content.decode()
    assert f'<option value="{scenario.b.pk}" selected>Stadt Anderswo</option>' in html
    assert f'<option value="{scenario.a.pk}">Rhein-Kreis Test</option>' in html
    with festschreiben():
        scenario.b.name = "Stadt <Neu>"
        scenario.b.save()
    html = land.get(url, {"buendnis": scenario.a.pk}).content.decode()
    assert f'<option value="{scenario.b.pk}">Stadt &lt;Neu&gt;</option>' in html
    assert f'<option value="{scenario.a.pk}" selected>Rhein-Kreis Test</option>' in html
    html = land.get(url, {"buendnis": scenario.b.pk}).content.decode()
    assert f'<option value="{scenario.b.pk}" selected>Stadt &lt;Neu&gt;</option>' in html
    # The coordination has no choice of Bündnis.
    assert "wahl-buendnis" not in scenario.client("koordination").get(url).content.decode()
