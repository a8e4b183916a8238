"""German is the default; English comes from locale/en (compiled .mo committed)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation


def auf_englisch(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_german_is_the_default(scenario):
    client = Client()
    page = client.get("/anmelden/").content.decode()
    assert '<html lang="de">' in page
    assert "Anmelden" in page


def test_login_page_in_english_after_switching_language(db):
    client = Client()
    auf_englisch(client)
    page = client.get("/anmelden/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert "Anmelden" not in page


def test_dashboard_in_english_after_switching_language(scenario):
    client = scenario.client("koordination")
    auf_englisch(client)
    page = client.get("/").content.decode()
    assert "Overview" in page
    assert "Sign out" in page
    assert "Abmelden" not in page


def test_switching_back_to_german(scenario):
    client = scenario.client("koordination")
    auf_englisch(client)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert "Übersicht" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("deutsch", "englisch"),
    [
        ("Anmelden", "Sign in"),
        ("Übersicht", "Overview"),
        ("Bündnis", "Alliance"),
        ("Dafür fehlt Ihnen die Berechtigung.", "You do not have permission to do this."),
    ],
)
def test_compiled_catalogue_is_used(deutsch, englisch):
    with translation.override("en"):
        assert translation.gettext(deutsch) == englisch


def test_every_message_is_translated():
    # The committed catalogue has no empty or fuzzy entry (the German text would leak into English pages).
    from pathlib import Path

    po = (Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    blocks = [b for b in po.split("\n\n") if "msgid" in b and not b.lstrip().startswith("#~")]
    leer = [b for b in blocks[1:] if b.rstrip().endswith('msgstr ""') or "#, fuzzy" in b]
    assert leer == [], leer[:3]
