"""Every UI string of the source has an English translation in the committed catalogue (issue 7).

Runs Django's makemessages (gettext's xgettext) over the code and templates into a copy of the catalogue and
checks that no entry comes out new, empty or fuzzy: a German text added without its translation fails here.
"""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

KATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _offene_eintraege(po: str) -> list[str]:
    blocks = [b for b in po.split("\n\n") if "msgid" in b and not b.lstrip().startswith("#~")]
    return [b for b in blocks[1:] if b.rstrip().endswith('msgstr ""') or "#, fuzzy" in b]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (xgettext)")
def test_catalogue_covers_every_string_of_the_source(tmp_path, monkeypatch):
    # A shadow project: copies of the source folders and of the catalogue, so the real tree stays as it is
    # (makemessages writes to the locale folder of the tree it walks, and a `<name>.py` beside every template
    # while it reads it, which other test processes walking the source would see).
    projekt = tmp_path / "projekt"
    kopie = projekt / "locale" / "en" / "LC_MESSAGES"
    kopie.mkdir(parents=True)
    shutil.copy(KATALOG, kopie / "django.po")
    basis = Path(settings.BASE_DIR)
    for ordner in basis.iterdir():
        quelle = (ordner / "__init__.py").exists() or ordner.name == "templates"
        if ordner.is_dir() and quelle and ordner.name != "tests":
            # Without the apps' own locale folders: there, makemessages would file an app's strings away
            # from `locale/en` (and this test would not see them missing).
            shutil.copytree(
                ordner, projekt / ordner.name, ignore=shutil.ignore_patterns("__pycache__", "locale")
            )
    monkeypatch.chdir(projekt)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [projekt / "locale"])
    call_command("makemessages", locale=["en"], verbosity=0)
    offen = _offene_eintraege((kopie / "django.po").read_text(encoding="utf-8"))
    assert offen == [], "untranslated: " + " | ".join(b.split("msgid", 1)[1][:120] for b in offen[:10])


def test_no_app_keeps_a_catalogue_of_its_own():
    """Every string of the application is translated in `locale/`: an app's own `locale/` folder would take
    its strings out of that catalogue the next time makemessages runs."""
    basis = Path(settings.BASE_DIR)
    eigene = [
        str(ordner.relative_to(basis))
        for ordner in basis.glob("*/locale")
        if (ordner.parent / "__init__.py").exists()
    ]
    assert eigene == []
