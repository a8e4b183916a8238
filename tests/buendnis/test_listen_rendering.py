"""Lists rendered cheaply (issue 18) show exactly what they showed before: the filter form kept per scope, filter
values, language and data state; the rows of generic lists built in Python, escaped; the history's many-to-many
changes read in one query per field."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from angebote.models import Kategorie
from tests.angebote.factories import AngebotFactory
from tests.factories import AkteurFactory, KommuneFactory


def _katalog(client, query: str = "") -> tuple[str, int]:
    url = reverse("angebote:angebot-list") + (f"?{query}" if query else "")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _filterformular(html: str) -> str:
    return html.split('role="search"', 1)[1].split("</form>", 1)[0]


def test_filter_form_is_rendered_once_and_then_served_from_the_cache(scenario, mit_cache):
    client = scenario.client("koordination")
    erste_html, erste = _katalog(client)
    zweite_html, zweite = _katalog(client)
    assert _filterformular(zweite_html) == _filterformular(erste_html)
    assert zweite < erste  # the choices (Kategorien, residence statuses) are not read again
    assert "Kategorie" in _filterformular(zweite_html)


def test_cached_filter_form_keeps_the_chosen_values_and_errors_of_each_query(scenario, mit_cache):
    client = scenario.client("koordination")
    deutsch = Kategorie.objects.get(code="deutsch")
    _katalog(client)
    html, _n = _katalog(client, f"kategorie={deutsch.pk}&q=Kurs")
    formular = _filterformular(html)
    assert f'<option value="{deutsch.pk}" selected>' in formular
    assert 'value="Kurs"' in formular
    html, _n = _katalog(client, "kategorie=999999")
    assert "gültige Auswahl" in _filterformular(html)
    # The page number is no filter: the unfiltered form, not the one last cached.
    html, _n = _katalog(client, "page=1")
    assert "selected>" not in _filterformular(html).replace('<option value="" selected>', "")


def test_cached_filter_form_is_never_shown_to_another_buendnis(scenario, mit_cache):
    KommuneFactory(buendnis=scenario.b, name="Bedorf nur in B")
    _katalog(scenario.client("koordination_b"))
    html, _n = _katalog(scenario.client("koordination"))
    assert "Bedorf nur in B" not in html
    assert scenario.a1.name in _filterformular(html)


def test_cached_filter_form_shows_a_new_kategorie_after_the_write(
    scenario, mit_cache, django_capture_on_commit_callbacks
):
    client = scenario.client("koordination")
    _katalog(client)
    with django_capture_on_commit_callbacks(execute=True):
        Kategorie.objects.create(code="neu-h10", bezeichnung="Ganz neue Kategorie", reihenfolge=99)
    html, _n = _katalog(client)
    assert "Ganz neue Kategorie" in _filterformular(html)


def test_generic_list_rows_link_the_first_cell_and_escape_every_text(scenario):
    akteur = AkteurFactory(buendnis=scenario.a, name='<script>alert("x")</script> & Co', kommune=scenario.a1)
    html = scenario.client("koordination").get(reverse("buendnis:akteur-list")).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert (
        f'<td><a href="{akteur.get_absolute_url()}">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</a>'
        "</td>"
    ) in html


def test_generic_list_without_rows_says_so(scenario):
    html = scenario.client("koordination").get(reverse("buendnis:akteur-list") + "?suche=gibtesnicht").content
    assert "Keine Einträge gefunden." in html.decode()


def _verlauf(obj) -> str:
    return Template("{% load buendnis_tags %}{% aenderungsverlauf obj %}").render(Context({"obj": obj}))


@pytest.mark.parametrize("aenderungen", [2, 8])
def test_history_reads_many_to_many_changes_in_a_fixed_number_of_queries(scenario, aenderungen):
    angebot = AngebotFactory(buendnis=scenario.a, kommunen=[scenario.a1])
    for nr in range(aenderungen):
        kommune = KommuneFactory(buendnis=scenario.a, name=f"Ort{nr}x")
        angebot.kommunen.add(kommune)
        angebot.titel = f"Titel {nr}"
        angebot.save()
    with CaptureQueriesContext(connection) as ctx:
        html = _verlauf(angebot)
    # records, one per many-to-many field, the Kommunen and offers named in changes, the people
    assert len(ctx.captured_queries) <= 8
    assert f"Ort{aenderungen - 1}x" in html
    assert f"Titel {aenderungen - 1}" in html
