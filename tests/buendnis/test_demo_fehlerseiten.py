"""The demo (`make run`, config/settings/dev.py) answers like the product: a mistyped address gets the German
404 page and a refusal the German 403 page, not Django's English debug pages; static files are still served
without collectstatic (WhiteNoise from the finders, since runserver serves nothing without DEBUG)."""

import importlib

import pytest
from django.conf import settings
from django.test import Client, override_settings


@pytest.fixture
def dev(monkeypatch):
    """config/settings/dev.py as `make run` loads it (no DJANGO_DEBUG in the environment)."""
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    import config.settings.dev as modul

    return importlib.reload(modul)


@pytest.fixture
def dev_settings(dev):
    # The values dev.py sets over base.py (the test settings swap the static storage for a plain one).
    with override_settings(
        DEBUG=dev.DEBUG,
        STORAGES=dev.STORAGES,
        WHITENOISE_USE_FINDERS=dev.WHITENOISE_USE_FINDERS,
        WHITENOISE_AUTOREFRESH=dev.WHITENOISE_AUTOREFRESH,
    ):
        yield dev


def test_demo_runs_without_the_debug_pages(dev):
    assert dev.DEBUG is False
    # runserver hands static files to WhiteNoise (its own handler serves nothing without DEBUG).
    assert "whitenoise.runserver_nostatic" in dev.INSTALLED_APPS
    assert dev.INSTALLED_APPS.index("whitenoise.runserver_nostatic") < dev.INSTALLED_APPS.index(
        "django.contrib.staticfiles"
    )


def test_mistyped_address_gets_the_german_404_page(scenario, dev_settings):
    for client in (Client(), scenario.client("koordination")):
        response = client.get("/foerderung/vertipp/")
        assert response.status_code == 404
        body = response.content.decode()
        assert "Nicht gefunden" in body and "Die Seite gibt es nicht" in body
        assert "Page not found" not in body and "URLconf" not in body  # Django's debug page lists the URLs


def test_refusal_gets_the_german_403_page(scenario, dev_settings):
    response = scenario.client("mitglied").get("/konten/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Keine Berechtigung" in body and "Dafür fehlt Ihnen die Berechtigung." in body
    assert "Forbidden" not in body


@pytest.mark.parametrize(
    "pfad",
    [
        "css/app.css",  # the project's static/
        "admin/css/base.css",  # an app's static files (Django's admin)
    ],
)
def test_static_files_are_served_in_the_demo(db, dev_settings, tmp_path, pfad):
    # No collected files: whatever var/staticfiles holds from an earlier collectstatic must not be what answers.
    with override_settings(STATIC_ROOT=tmp_path):
        response = Client().get(settings.STATIC_URL + pfad)
    assert response.status_code == 200, pfad
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body
    assert response["Content-Type"].startswith("text/css")
