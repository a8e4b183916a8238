"""The entry grid as a person meets it (issue 17): a cell with text is refused with a message next to it and in a
summary at the top, never silently taken for 0; the buttons say what they do; the page fits a phone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from bedarf.models import Bedarfsmeldung
from tests.bedarf.conftest import deliver, figures

FELD = "w__deutsch____a1____"


def _url(erhebung):
    return reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])


def _input(inhalt: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', inhalt).group(0)


def test_text_in_a_cell_is_refused_with_a_message_and_kept_as_typed(scenario, erhebung):
    client = scenario.client("kommune")
    data = {"version": 0, "gesamt": "7", "notizen": "", "zwischenspeichern": "1", FELD: "zwölf"}
    response = client.post(_url(erhebung), data)
    assert response.status_code == 200
    inhalt = response.content.decode()
    zelle = _input(inhalt, FELD)
    # Marked for sight and for screen readers, pointing at its message, with the text as typed.
    assert "is-invalid" in zelle and 'aria-invalid="true"' in zelle and 'value="zwölf"' in zelle
    feld_id = re.search(r' id="([^"]+)"', zelle).group(1)
    assert f'aria-describedby="{feld_id}-fehler"' in zelle
    assert re.search(rf'id="{feld_id}-fehler">„zwölf“ ist keine ganze Zahl', inhalt)
    # The summary at the top links to the cell.
    uebersicht = inhalt[inhalt.index('id="fehleruebersicht"') : inhalt.index('id="meldung-form"')]
    assert f'href="#{feld_id}"' in uebersicht and "ist keine ganze Zahl" in uebersicht
    # Valid cells are not marked.
    assert "is-invalid" not in _input(inhalt, "gesamt")
    assert not Bedarfsmeldung.objects.exists()


def test_thousands_written_german_style_are_read(scenario, erhebung):
    client = scenario.client("kommune")
    data = {"version": 0, "gesamt": "1.250", "notizen": "", "zwischenspeichern": "1"}
    response = client.post(_url(erhebung), data)
    assert response.status_code == 302
    assert Bedarfsmeldung.objects.get().gesamt == 1250


def test_cells_are_numeric_text_fields_wide_enough_for_large_numbers(scenario, erhebung):
    inhalt = scenario.client("kommune").get(_url(erhebung)).content.decode()
    zelle = _input(inhalt, FELD)
    # Text, not type=number: a browser sends nothing for text in a number field, which would read as 0.
    assert 'type="text"' in zelle and 'inputmode="numeric"' in zelle
    # Sized for six digits and not stretched to the column (w-auto), so a table cannot squeeze it.
    assert 'size="6"' in zelle and "w-auto" in zelle
    # The tables scroll inside their own box; their hidden labels cannot widen the page.
    assert inhalt.count('class="table-responsive position-relative"') == 2


def test_draft_has_save_draft_and_deliver_with_one_primary_button(scenario, erhebung):
    inhalt = scenario.client("kommune").get(_url(erhebung)).content.decode()
    form = inhalt[
        inhalt.index('id="meldung-form"') : inhalt.index("</form>", inhalt.index('id="meldung-form"'))
    ]
    assert "Entwurf speichern" in form and "Meldung abgeben" in form
    assert "Zwischenspeichern" not in form and "Korrektur speichern" not in form
    assert form.count("btn-primary") == 1


def test_draft_save_says_it_is_a_draft(scenario, erhebung):
    client = scenario.client("kommune")
    data = {"version": 0, "gesamt": "", "notizen": "", "zwischenspeichern": "1"}
    response = client.post(_url(erhebung), data, follow=True)
    assert "Der Entwurf ist gespeichert (noch nicht abgegeben)." in response.content.decode()


def test_delivered_meldung_offers_only_a_correction(scenario, erhebung):
    meldung = deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 5})
    client = scenario.client("kommune")
    inhalt = client.get(_url(erhebung)).content.decode()
    form = inhalt[
        inhalt.index('id="meldung-form"') : inhalt.index("</form>", inhalt.index('id="meldung-form"'))
    ]
    assert "Korrektur speichern" in form
    assert "Entwurf speichern" not in form and "Meldung abgeben" not in form
    assert form.count("btn-primary") == 1
    data = {"version": meldung.version, "gesamt": "5", "notizen": "", "abgeben": "1"}
    for key, n in figures({"duldung": 5}).items():
        data["w__" + "__".join(key)] = n
    response = client.post(_url(erhebung), data, follow=True)
    assert "Die Korrektur ist gespeichert; die Meldung bleibt abgegeben." in response.content.decode()


@pytest.mark.parametrize("wert", ["4,5", "1e3", "12 Personen"])
def test_non_whole_numbers_are_refused_never_emptied(scenario, erhebung, wert):
    client = scenario.client("kommune")
    data = {"version": 0, "gesamt": "", "notizen": "", "zwischenspeichern": "1", FELD: wert}
    response = client.post(_url(erhebung), data)
    assert response.status_code == 200
    assert f"„{wert}“ ist keine ganze Zahl" in response.content.decode()
    assert not Bedarfsmeldung.objects.exists()
