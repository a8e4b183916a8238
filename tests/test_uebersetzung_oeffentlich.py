"""The public pages speak every language of the catalogue (issue 16): each public language's catalogue covers
every string of the public sources, and the pages render in it.

The catalogues of the public-only languages are kept by `manage.py oeffentliche_uebersetzungen`; this runs the
same extraction over copies and fails on any entry that comes out new, empty or fuzzy.
"""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from buendnis.management.commands.oeffentliche_uebersetzungen import (
    kataloge_erneuern,
    oeffentliche_sprachen,
    offene_eintraege,
)

LOCALE = Path(settings.BASE_DIR) / "locale"


def test_every_public_language_has_a_catalogue_and_a_plural_rule():
    sprachen = oeffentliche_sprachen()
    assert set(sprachen) == {"de-x-ls", "ar", "fa", "uk", "tr", "ti"}
    for sprache in sprachen:
        assert (LOCALE / to_locale(sprache) / "LC_MESSAGES" / "django.po").exists(), sprache
        assert (LOCALE / to_locale(sprache) / "LC_MESSAGES" / "django.mo").exists(), sprache


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (xgettext)")
def test_each_public_catalogue_covers_every_string_of_the_public_pages(tmp_path):
    kopie = tmp_path / "locale"
    for sprache in oeffentliche_sprachen():
        locale = to_locale(sprache)
        (kopie / locale / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(
            LOCALE / locale / "LC_MESSAGES" / "django.po", kopie / locale / "LC_MESSAGES" / "django.po"
        )
    ziele = kataloge_erneuern(kopie)
    fehlend = {}
    for sprache, pfad in ziele.items():
        offen = offene_eintraege(pfad.read_text(encoding="utf-8"))
        if offen:
            fehlend[sprache] = [b.split("msgid", 1)[1][:80] for b in offen[:5]]
    assert fehlend == {}


@pytest.mark.parametrize("sprache", ["de-x-ls", "en", "ar", "fa", "uk", "tr", "ti"])
@pytest.mark.parametrize(
    ("url", "ueberschrift"), [("/", "Angebote für junge Geflüchtete"), ("/katalog/", "Angebote finden")]
)
def test_public_pages_render_in_each_language(client, db, sprache, url, ueberschrift):
    from django.utils import translation

    with translation.override(sprache):
        erwartet = translation.gettext(ueberschrift)
    if sprache == "de-x-ls":
        # Easy German keeps short headings as they are; a longer label shows the catalogue is the one read.
        with translation.override(sprache):
            assert translation.gettext("Mein Aufenthaltsstatus") == "Mein Papier für den Aufenthalt"
    else:
        assert erwartet != ueberschrift, f"{sprache}: „{ueberschrift}“ has no translation"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = sprache
    seite = client.get(url).content.decode()
    assert f'<html lang="{sprache}" dir="{"rtl" if sprache in ("ar", "fa") else "ltr"}">' in seite
    assert erwartet in seite
    if erwartet != ueberschrift:
        assert ueberschrift not in seite
    # The switch back to German is offered in every language.
    assert 'value="de"' in seite


def test_staff_pages_stay_german_or_english(client, scenario):
    # A public-only language chosen in the catalogue does not leak into the staff application.
    koordination = scenario.client("koordination")
    koordination.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    seite = koordination.get("/aufgaben/")
    assert seite["Content-Language"] == "de"
    assert '<html lang="de"' in seite.content.decode()
