"""Brings the catalogues of the public languages up to date with the strings of the public pages.

The public pages (start page, catalogue, offer) speak every language of `settings.LANGUAGES`; the staff
application only German and English. The catalogues of the other languages therefore hold the public strings
only: this command runs Django's makemessages over a copy of exactly the public sources
(`buendnis.sprache.OEFFENTLICHE_QUELLEN`) and writes the result back, new strings with an empty translation.
`tests/test_uebersetzung_oeffentlich.py` fails while any of them is empty or fuzzy.

    manage.py oeffentliche_uebersetzungen        # then translate the empty entries, and compilemessages
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import to_locale

from buendnis.sprache import OEFFENTLICHE_QUELLEN, PLURALREGELN

KOPF = """# Bündnis-Koordination: public pages ({sprache}). Strings of {quellen} only.
msgid ""
msgstr ""
"Project-Id-Version: buendnis-koordination\\n"
"Language: {locale}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"
"""


def oeffentliche_sprachen() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code not in settings.ARBEITSSPRACHEN]


def kataloge_erneuern(locale_ordner: Path, sprachen: list[str] | None = None) -> dict[str, Path]:
    """Runs makemessages for the public languages over a copy of the public sources.

    `locale_ordner` holds the catalogues to update (the project's `locale/`, or a copy in a test). Returns the
    path of each language's catalogue.
    """
    basis = Path(settings.BASE_DIR)
    sprachen = sprachen or oeffentliche_sprachen()
    with tempfile.TemporaryDirectory() as tmp:
        projekt = Path(tmp)
        for quelle in OEFFENTLICHE_QUELLEN:
            herkunft, ziel = basis / quelle, projekt / quelle
            ziel.parent.mkdir(parents=True, exist_ok=True)
            if herkunft.is_dir():
                shutil.copytree(herkunft, ziel)
            else:
                shutil.copy(herkunft, ziel)
        ergebnis = {}
        for sprache in sprachen:
            locale = to_locale(sprache)
            po = projekt / "locale" / locale / "LC_MESSAGES" / "django.po"
            po.parent.mkdir(parents=True)
            vorhanden = locale_ordner / locale / "LC_MESSAGES" / "django.po"
            if vorhanden.exists():
                shutil.copy(vorhanden, po)
            else:
                po.write_text(
                    KOPF.format(
                        sprache=sprache,
                        quellen=", ".join(OEFFENTLICHE_QUELLEN),
                        locale=locale,
                        plural=PLURALREGELN[sprache],
                    ),
                    encoding="utf-8",
                )
            ergebnis[sprache] = po
        alt = os.getcwd()
        os.chdir(projekt)
        try:
            with _locale_paths(projekt / "locale"):
                call_command(
                    "makemessages",
                    locale=[to_locale(s) for s in sprachen],
                    no_obsolete=True,
                    no_location=False,
                    verbosity=0,
                )
        finally:
            os.chdir(alt)
        ziele = {}
        for sprache, po in ergebnis.items():
            ziel = locale_ordner / to_locale(sprache) / "LC_MESSAGES" / "django.po"
            ziel.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(po, ziel)
            ziele[sprache] = ziel
        return ziele


class _locale_paths:
    def __init__(self, pfad: Path):
        self.pfad = pfad

    def __enter__(self):
        self.alt = settings.LOCALE_PATHS
        settings.LOCALE_PATHS = [self.pfad]

    def __exit__(self, *exc):
        settings.LOCALE_PATHS = self.alt


def offene_eintraege(po_text: str) -> list[str]:
    """Entries without a translation, or fuzzy (the header excepted)."""
    bloecke = [b for b in po_text.split("\n\n") if "msgid" in b and not b.lstrip().startswith("#~")]
    offen = []
    for block in bloecke:
        if block.lstrip().startswith('msgid ""\nmsgstr ""') or '\nmsgid ""\nmsgstr ""\n"' in block:
            continue  # the header
        if block.rstrip().endswith('msgstr ""') or "#, fuzzy" in block or 'msgstr[0] ""' in block:
            offen.append(block)
    return offen


class Command(BaseCommand):
    help = "Bringt die Kataloge der Sprachen der öffentlichen Seiten auf den Stand der Quellen."

    def handle(self, *args, **options):
        ziele = kataloge_erneuern(Path(settings.BASE_DIR) / "locale")
        for sprache, pfad in ziele.items():
            offen = offene_eintraege(pfad.read_text(encoding="utf-8"))
            self.stdout.write(f"{sprache}: {pfad} – {len(offen)} ohne Übersetzung")
