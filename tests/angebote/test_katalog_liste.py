"""The catalogue list at scale (issue 18): the number of offers found comes from the cache of the figures, kept per
data stamp, scope, day and filter, so counting 500,000 offers is not repeated on every page; the rows are built
in Python with exactly the markup of the former template loop."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from angebote import services
from angebote.models import Angebot, AngebotStatus
from angebote.views import katalogzeilen
from tests.angebote.factories import AngebotFactory
from tests.factories import AkteurFactory

# The rows as the template rendered them before `katalogzeilen` (angebot_list.html, issue 18).
FRUEHERE_SCHLEIFE = """{% load i18n %}
  {% for angebot in object_list %}
    <tr>
      {% if sammelaktionen %}<td>{% if angebot.sammelaktionen %}<input class="form-check-input" type="checkbox" name="auswahl" value="{{ angebot.pk }}" id="auswahl-{{ angebot.pk }}"><label class="visually-hidden" for="auswahl-{{ angebot.pk }}">{% blocktranslate with t=angebot.titel %}„{{ t }}“ auswählen{% endblocktranslate %}</label>{% endif %}</td>{% endif %}
      <td><a href="{{ angebot.get_absolute_url }}">{{ angebot.titel }}</a>{% if angebot.ist_veraltet %} <span class="badge badge-stale"><i class="bi bi-clock-history" aria-hidden="true"></i> {% translate "Aktualität prüfen" %}</span>{% endif %}</td>
      <td>{{ angebot.traeger.name }}</td>
      <td>{% if angebot.kreisweit %}{% translate "kreisweit" %}{% else %}{% for k in angebot.kommunen.all %}{{ k.name }}{% if not forloop.last %}, {% endif %}{% endfor %}{% endif %}</td>
      <td>{{ angebot.kategorie.bezeichnung }}</td>
      <td class="zahl">{{ angebot.plaetze|default_if_none:"–" }}{% if angebot.freie_plaetze is not None %} ({{ angebot.freie_plaetze }}){% endif %}</td>
      <td>{% if angebot.laufend %}{% translate "laufend" %}{% else %}{{ angebot.beginn|date:"d.m.Y"|default:"–" }}{% endif %}</td>
      <td>{{ angebot.get_status_display }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="{% if sammelaktionen %}8{% else %}7{% endif %}">{% translate "Keine Angebote gefunden." %}</td></tr>
  {% endfor %}"""


def _katalog(client, query: str = "") -> tuple[str, list[str]]:
    url = reverse("angebote:angebot-list") + (f"?{query}" if query else "")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _ohne_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _gefunden(html: str) -> int:
    return int(re.search(r'role="status">(\d+) Angebot', html).group(1))


def _zaehlungen(queries: list[str]) -> int:
    return sum(1 for sql in queries if "COUNT(*)" in sql and '"angebote_angebot"' in sql)


def _titel(html: str) -> list[str]:
    return re.findall(r'<td><a href="/angebote/\d+/">([^<]*)</a>', html)


def _angebote(buendnis, n: int, **kwargs) -> list[Angebot]:
    return [AngebotFactory(buendnis=buendnis, veroeffentlicht=True, **kwargs) for _ in range(n)]


@pytest.fixture
def katalog(scenario):
    """Three published offers in Bündnis a (one in a1, one in a2, one kreisweit with a Träger from a1), a draft in
    a1, two published offers in Bündnis b."""
    traeger_a1 = AkteurFactory(buendnis=scenario.a, name="VHS Aheim", kommune=scenario.a1)
    AngebotFactory(buendnis=scenario.a, titel="Kurs Aheim", kommunen=[scenario.a1], veroeffentlicht=True)
    AngebotFactory(buendnis=scenario.a, titel="Kurs Adorf", kommunen=[scenario.a2], veroeffentlicht=True)
    AngebotFactory(
        buendnis=scenario.a, titel="Kreisweit", traeger=traeger_a1, kreisweit=True, veroeffentlicht=True
    )
    AngebotFactory(buendnis=scenario.a, titel="Entwurf Aheim", kommunen=[scenario.a1])
    _angebote(scenario.b, 2)
    return scenario


# The cached count ---------------------------------------------------------------------------------------------------


def test_catalogue_counts_once_and_then_takes_the_number_from_the_cache(katalog, mit_cache):
    client = katalog.client("koordination")
    html, queries = _katalog(client)
    assert _zaehlungen(queries) == 1
    assert _gefunden(html) == 4
    zweite_html, zweite = _katalog(client)
    assert _zaehlungen(zweite) == 0
    assert _ohne_token(zweite_html) == _ohne_token(html)


def test_pages_of_one_filter_share_the_count_other_filters_count_anew(katalog, mit_cache):
    client = katalog.client("koordination")
    _katalog(client, "status=veroeffentlicht")
    html, queries = _katalog(client, "status=veroeffentlicht&page=1")
    assert (_gefunden(html), _zaehlungen(queries)) == (3, 0)
    html, queries = _katalog(client, "status=entwurf")
    assert (_gefunden(html), _zaehlungen(queries)) == (1, 1)
    html, queries = _katalog(client, f"kommune={katalog.a1.pk}")
    assert (_gefunden(html), _zaehlungen(queries)) == (3, 1)  # Aheim, kreisweit, the draft in Aheim
    html, queries = _katalog(client, "q=Adorf")
    assert (_gefunden(html), _zaehlungen(queries)) == (1, 1)
    # The same filters in another order are the same filter.
    _katalog(client, "status=veroeffentlicht&q=Kurs")
    html, queries = _katalog(client, "q=Kurs&status=veroeffentlicht")
    assert (_gefunden(html), _zaehlungen(queries)) == (2, 0)


def test_coordination_of_another_buendnis_never_gets_the_cached_count(katalog, mit_cache):
    html_a, _q = _katalog(katalog.client("koordination"))
    html_b, queries = _katalog(katalog.client("koordination_b"))
    assert (_gefunden(html_a), _gefunden(html_b)) == (4, 2)
    assert _zaehlungen(queries) == 1
    assert _titel(html_b) and not set(_titel(html_b)) & set(_titel(html_a))


def test_land_kommune_and_member_each_get_the_count_of_their_own_scope(katalog, mit_cache):
    gefunden = {}
    for rolle in ("land", "kommune", "kommune_a2", "koordination", "kommune_b1"):
        html, queries = _katalog(katalog.client(rolle))
        assert _zaehlungen(queries) == 1, rolle
        gefunden[rolle] = _gefunden(html)
    # The Land sees every Bündnis; a Kommune the published offers and its own drafts only.
    assert gefunden == {"land": 6, "kommune": 4, "kommune_a2": 3, "koordination": 4, "kommune_b1": 2}
    for rolle, anzahl in gefunden.items():
        html, queries = _katalog(katalog.client(rolle))
        assert (_gefunden(html), _zaehlungen(queries)) == (anzahl, 0), rolle


def test_count_depends_on_the_day_for_filters_that_compare_with_today(katalog, mit_cache, monkeypatch):
    from django.utils import timezone

    heute = timezone.localdate()
    AngebotFactory(
        buendnis=katalog.a,
        titel="Endet heute",
        ende=heute,
        beginn=heute,
        kommunen=[katalog.a1],
        veroeffentlicht=True,
    )
    client = katalog.client("koordination")
    html, _q = _katalog(client, "laufend=on")
    vorher = _gefunden(html)
    morgen = heute + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: morgen)
    html, queries = _katalog(client, "laufend=on")
    assert _zaehlungen(queries) == 1
    assert _gefunden(html) == vorher - 1


def test_new_offer_shows_in_count_and_rows_on_the_next_request(katalog, mit_cache, festschreiben):
    client = katalog.client("koordination")
    _katalog(client)
    with festschreiben():
        AngebotFactory(buendnis=katalog.a, titel="AAA ganz neu", kommunen=[katalog.a1], veroeffentlicht=True)
    html, queries = _katalog(client)
    assert (_gefunden(html), _zaehlungen(queries)) == (5, 1)
    assert _titel(html)[0] == "AAA ganz neu"


def test_deleted_offer_leaves_count_and_rows_on_the_next_request(katalog, mit_cache, festschreiben):
    client = katalog.client("land")
    _katalog(client)
    with festschreiben():
        Angebot.objects.get(titel="Kurs Adorf").delete()
    html, _q = _katalog(client)
    assert _gefunden(html) == 5
    assert "Kurs Adorf" not in _titel(html)


def test_published_offer_shows_in_the_published_filter_on_the_next_request(katalog, mit_cache, festschreiben):
    client = katalog.client("koordination")
    html, _q = _katalog(client, "status=veroeffentlicht")
    assert "Entwurf Aheim" not in _titel(html)
    entwurf = Angebot.objects.get(titel="Entwurf Aheim")
    with festschreiben():
        services.angebot_transition(
            angebot=entwurf, aktion="veroeffentlichen", kommentar="", by=katalog.users["koordination"]
        )
    html, _q = _katalog(client, "status=veroeffentlicht")
    assert _gefunden(html) == 4
    assert "Entwurf Aheim" in _titel(html)
    # The Land's count (stamp "alle") moved with it.
    html, _q = _katalog(katalog.client("land"), "status=veroeffentlicht")
    assert _gefunden(html) == 6


def test_page_past_the_end_shows_the_last_page_with_one_count(katalog, mit_cache):
    _angebote(katalog.a, 30)
    client = katalog.client("koordination")
    html, queries = _katalog(client, "page=9")
    assert _zaehlungen(queries) == 1
    assert "Seite 2 von 2" in html
    assert _titel(html) == _titel(_katalog(client, "page=2")[0])


@pytest.mark.parametrize("rolle", ["koordination", "land"])
def test_query_count_of_the_catalogue_is_pinned(katalog, mit_cache, rolle, django_assert_max_num_queries):
    _angebote(katalog.a, 40, titel="Kurs")
    client = katalog.client(rolle)
    _katalog(client)
    _katalog(client, "q=Kurs")
    # Session, user, permissions, rows, the rows' Kommunen; the Träger search's lookup with q.
    with django_assert_max_num_queries(8):
        html, _q = _katalog(client)
    with django_assert_max_num_queries(9):
        html_q, _q = _katalog(client, "q=Kurs")
    assert len(_titel(html)) == len(_titel(html_q)) == 25


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("referenzdaten")
def test_committed_writes_renew_the_count_of_their_buendnis_only(scenario, settings):
    """Real commits, the cache on as in production: a write in Bündnis b leaves a's count cached and renews the
    Land's; a write in a renews a's."""
    settings.BERICHTE_DASHBOARD_CACHE_SEKUNDEN = 300
    cache.clear()
    assert not connection.in_atomic_block
    _angebote(scenario.a, 2)
    koordination, land = scenario.client("koordination"), scenario.client("land")
    for client in (koordination, land):
        _katalog(client)
    _angebote(scenario.b, 1)
    html, queries = _katalog(koordination)
    assert (_gefunden(html), _zaehlungen(queries)) == (2, 0)
    html, queries = _katalog(land)
    assert (_gefunden(html), _zaehlungen(queries)) == (3, 1)
    Angebot.objects.filter(buendnis=scenario.a).first().delete()
    html, queries = _katalog(koordination)
    assert (_gefunden(html), _zaehlungen(queries)) == (1, 1)
    cache.clear()


# The rows -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def zeilen_angebote(scenario):
    heute = datetime.date.today()
    traeger = AkteurFactory(buendnis=scenario.a, name='Träger <b>"&"</b>', kommune=scenario.a1)
    AngebotFactory(
        buendnis=scenario.a,
        titel="<script>alert('x')</script> & Kurs",
        traeger=traeger,
        kommunen=[scenario.a1, scenario.a2],
        plaetze=1200,
        freie_plaetze=0,
        beginn=datetime.date(2025, 3, 4),
        veroeffentlicht=True,
    )
    AngebotFactory(buendnis=scenario.a, titel="Kreisweit", kreisweit=True, laufend=True, plaetze=None)
    AngebotFactory(
        buendnis=scenario.a, titel="Bestätigt", bestaetigt_am=heute, plaetze=5, veroeffentlicht=True
    )
    AngebotFactory(buendnis=scenario.a, titel="Ohne Ort", plaetze=3, freie_plaetze=2, archiviert=True)
    return list(Angebot.objects.filter(buendnis=scenario.a).for_list())


@pytest.mark.parametrize("sprache", ["de", "en"])
@pytest.mark.parametrize("auswahl", [True, False])
def test_rows_are_the_markup_of_the_former_template_loop(zeilen_angebote, sprache, auswahl):
    for nr, angebot in enumerate(zeilen_angebote):
        angebot.sammelaktionen = ["veroeffentlichen"] if nr % 2 else []
    with translation.override(sprache):
        vorher = Template(FRUEHERE_SCHLEIFE).render(
            Context({"object_list": zeilen_angebote, "sammelaktionen": auswahl})
        )
        jetzt = katalogzeilen(zeilen_angebote, auswahl=auswahl)
    assert vorher == "\n  " + jetzt
    assert "<script>" not in jetzt
    assert "Aktualität prüfen" in jetzt or sprache == "en"


@pytest.mark.parametrize("auswahl", [True, False])
def test_no_rows_says_so_as_before(auswahl):
    vorher = Template(FRUEHERE_SCHLEIFE).render(Context({"object_list": [], "sammelaktionen": auswahl}))
    assert vorher == "\n  " + katalogzeilen([], auswahl=auswahl)


def test_row_links_are_the_offers_own_urls(zeilen_angebote):
    html = katalogzeilen(zeilen_angebote, auswahl=False)
    assert re.findall(r'<a href="([^"]+)"', html) == [a.get_absolute_url() for a in zeilen_angebote]


def test_status_labels_follow_the_choices(zeilen_angebote):
    html = katalogzeilen(zeilen_angebote, auswahl=False)
    for angebot in zeilen_angebote:
        assert f"<td>{AngebotStatus(angebot.status).label}</td>" in html


# The page read by pk, the Träger search within the Bündnis ----------------------------------------------------------


@pytest.mark.parametrize("query", ["", "sortierung=-plaetze", "q=Kurs", "status=veroeffentlicht"])
def test_pages_read_by_pk_hold_the_rows_of_plain_slicing(scenario, query):
    from angebote.filters import AngebotFilter

    for i in range(60):
        AngebotFactory(buendnis=scenario.a, titel=f"Kurs {i % 7}", plaetze=i, veroeffentlicht=i % 3 > 0)
    client = scenario.client("koordination")
    user = scenario.users["koordination"]
    request = type("R", (), {"user": user})()
    basis = Angebot.objects.visible_to(user).for_list()
    daten = dict(t.split("=") for t in query.split("&")) if query else None
    erwartet = [a.titel for a in AngebotFilter(daten, queryset=basis, request=request).qs]
    gesehen = []
    for seite in (1, 2):
        html, queries = _katalog(client, f"{query}&page={seite}" if query else f"page={seite}")
        gesehen += _titel(html)
        assert any('"angebote_angebot"."id" IN (SELECT' in sql and "LIMIT" in sql for sql in queries)
    assert gesehen == erwartet[:50]
    assert len(gesehen) > 25


def test_search_by_traeger_name_finds_the_offers_of_the_own_buendnis_only(scenario):
    traeger_a = AkteurFactory(buendnis=scenario.a, name="Jugendwerkstatt Nord", kommune=None)
    traeger_b = AkteurFactory(buendnis=scenario.b, name="Jugendwerkstatt Nord", kommune=None)
    AngebotFactory(buendnis=scenario.a, titel="Kurs A", traeger=traeger_a, veroeffentlicht=True)
    AngebotFactory(buendnis=scenario.b, titel="Kurs B", traeger=traeger_b, veroeffentlicht=True)
    html, _q = _katalog(scenario.client("koordination"), "q=werkstatt")
    assert _titel(html) == ["Kurs A"]
    html, _q = _katalog(scenario.client("land"), "q=werkstatt")
    assert _titel(html) == ["Kurs A", "Kurs B"]
    html, queries = _katalog(scenario.client("koordination_b"), "q=werkstatt")
    assert _titel(html) == ["Kurs B"]
    lookup = next(sql for sql in queries if 'FROM "buendnis_akteur"' in sql and "LIKE" in sql)
    assert '"buendnis_akteur"."buendnis_id" =' in lookup


# The page's pks from the cache --------------------------------------------------------------------------------------


def _seitenwahl(queries: list[str]) -> int:
    """Queries that pick a page of offers out of the filtered list (sorted and cut with LIMIT)."""
    return sum(
        1 for sql in queries if 'FROM "angebote_angebot"' in sql and "LIMIT" in sql and "COUNT(*)" not in sql
    )


def test_a_page_seen_before_reads_its_rows_by_the_cached_pks(katalog, mit_cache):
    """Finding the first 25 of 13,000 hits sorted by title sorts all 13,000 (issue 18); the second visit of the
    same page of the same filter reads the 25 rows by their pks, with the same rows in the same order."""
    _angebote(katalog.a, 40, titel="Kurs")
    client = katalog.client("land")
    for query in ("q=Kurs", "q=Kurs&page=2", "sortierung=-plaetze"):
        html, queries = _katalog(client, query)
        assert _seitenwahl(queries) == 1, query
        zweite_html, zweite = _katalog(client, query)
        assert _seitenwahl(zweite) == 0, query
        assert _ohne_token(zweite_html) == _ohne_token(html)
        assert _titel(zweite_html)


def test_cached_pages_of_one_filter_are_kept_apart_and_hold_the_sorted_list(katalog, mit_cache):
    for i in range(30):
        AngebotFactory(buendnis=katalog.a, titel=f"Kurs {i:02d}", veroeffentlicht=True)
    client = katalog.client("koordination")
    erste, _q = _katalog(client, "q=Kurs+&sortierung=titel")
    zweite, _q = _katalog(client, "q=Kurs+&sortierung=titel&page=2")
    for _ in range(2):  # from the cache now
        gesehen = _titel(_katalog(client, "q=Kurs+&sortierung=titel")[0])
        gesehen += _titel(_katalog(client, "q=Kurs+&sortierung=titel&page=2")[0])
        assert gesehen == _titel(erste) + _titel(zweite)
    assert gesehen == sorted(gesehen, key=str.lower) and len(gesehen) == len(set(gesehen)) == 32


def test_new_offer_moves_the_cached_pages_on_the_next_request(katalog, mit_cache, festschreiben):
    _angebote(katalog.a, 30, titel="Kurs")
    client = katalog.client("koordination")
    _katalog(client, "sortierung=titel")
    _katalog(client, "sortierung=titel&page=2")
    with festschreiben():
        AngebotFactory(buendnis=katalog.a, titel="AAA neu", kommunen=[katalog.a1], veroeffentlicht=True)
    html, queries = _katalog(client, "sortierung=titel")
    assert _seitenwahl(queries) == 1
    assert _titel(html)[0] == "AAA neu"


def test_a_cached_pk_that_no_longer_matches_is_not_shown(katalog, mit_cache):
    """A write that bypasses the model's signals (a bulk update) leaves the data stamp as it was: the cached page
    still names the offer, but the rows are read from the filtered list, so it drops out."""
    client = katalog.client("koordination")
    html, _q = _katalog(client, "q=Kurs")
    assert _titel(html) == ["Kurs Adorf", "Kurs Aheim"]
    Angebot.objects.filter(titel="Kurs Adorf").update(titel="Sprachtreff Adorf")
    html, queries = _katalog(client, "q=Kurs")
    assert _seitenwahl(queries) == 0
    assert _titel(html) == ["Kurs Aheim"]


def test_pks_in_the_page_cache_never_show_an_offer_outside_the_users_scope(katalog, mit_cache, monkeypatch):
    """Even a wrong entry (here: Bündnis b's offers and a draft the Kommune may not see) shows nothing the person
    may not see: the page's rows are read from the person's own filtered list."""
    from buendnis import generic

    fremde = list(Angebot.objects.filter(buendnis=katalog.b).values_list("pk", flat=True))
    entwurf = Angebot.objects.get(titel="Entwurf Aheim").pk
    echt, gelesen = generic.registry.dashboard_gecacht, []

    def vergiftet(name, user, berechnen, *weitere):
        if name == "listenseite":
            gelesen.append(name)
            return [*fremde, entwurf, *berechnen()]
        return echt(name, user, berechnen, *weitere)

    monkeypatch.setattr(generic.registry, "dashboard_gecacht", vergiftet)
    html, _q = _katalog(katalog.client("kommune_a2"))
    assert gelesen == ["listenseite"]
    assert sorted(_titel(html)) == ["Kreisweit", "Kurs Adorf", "Kurs Aheim"]
