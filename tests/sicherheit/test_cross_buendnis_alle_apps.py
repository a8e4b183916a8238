"""Every URL of every app that names a row answers 404 to users of another Bündnis, by GET and by POST, and
writes nothing (buendnis's own URLs: test_cross_buendnis.py). Rows come from `manage.py demo_data` (Rhein-Kreis
Neuss); the probing users belong to Düsseldorf. Generic: new URLs are covered without editing this file."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from buendnis.choices import Rolle
from buendnis.models import Buendnis, Kommune, User
from tests.sicherheit.helpers import all_routes, route_models, snapshot
from tests.sicherheit.routes_ohne_modell import FIXED_PARAMS, NO_ROW_ROUTES
from tests.sicherheit.test_cross_buendnis import POST_DATA
from tests.sicherheit.test_xss_alle_apps import url_with_rows

APPS = ("angebote", "bedarf", "foerderung", "berichte", "buendnis")


def landesweit(model) -> bool:
    """State-wide rows (the Land's funding programme, its modules and distributions) belong to no Bündnis:
    every alliance reads them, only the Land changes them."""
    names = {f.name for f in model._meta.concrete_fields}
    return (
        "buendnis" not in names
        and not hasattr(model, "get_buendnis_id")
        and model._meta.app_label != "buendnis"
    )


def row_urls(owner) -> list[tuple[str, str, bool]]:
    """(route, URL, state-wide?) for every app route with parameters, filled with rows the owner sees."""
    result = []
    for route in all_routes():
        if route.namespace in APPS and route.params and route.full_name not in NO_ROW_ROUTES:
            url = url_with_rows(route, owner)
            if url is not None:
                models = [m for m in route_models(route).values() if m is not None]
                result.append((str(route), url, all(landesweit(m) for m in models)))
    return result


def test_every_row_route_is_mapped():
    """Each URL parameter names a model or has a fixed value, so no route silently drops out of the probes."""
    unmapped = [
        f"{route} ({param})"
        for route in all_routes()
        if route.namespace in APPS and route.full_name not in NO_ROW_ROUTES
        for param, model in route_models(route).items()
        if model is None and param not in FIXED_PARAMS.get(route.full_name, {})
    ]
    assert unmapped == [], "add them to tests/sicherheit/routes_ohne_modell.py"


def rows_missing_in_the_demo(koordination):
    """An export job and an agreement document of the Neuss coordination (the demo has none)."""
    from django.core.files.base import ContentFile

    from berichte.models import Exportauftrag
    from buendnis.models import Vereinbarungsdokument, Verfahrensvereinbarung

    Exportauftrag.objects.create(
        erstellt_von=koordination, buendnis=koordination.buendnis, art="datenpaket", format="zip"
    )
    vereinbarung = Verfahrensvereinbarung.objects.filter(buendnis=koordination.buendnis).first()
    dokument = Vereinbarungsdokument(vereinbarung=vereinbarung, version=99, hochgeladen_von=koordination)
    dokument.datei.save("fassung.txt", ContentFile(b"Text"), save=False)
    dokument.save()


@pytest.mark.django_db
def test_rows_of_another_buendnis_are_404_in_every_app_by_get_and_post():
    call_command("demo_data", force=True, stdout=io.StringIO())
    neuss = User.objects.get(username="koordination")
    rows_missing_in_the_demo(neuss)
    duesseldorf = Buendnis.objects.exclude(pk=neuss.buendnis_id).get(kommunen__name="Düsseldorf")
    fremde = [
        User.objects.create(
            username="koord-ddorf", rolle=Rolle.KOORDINATION, buendnis=duesseldorf, is_staff=True
        ),
        User.objects.create(
            username="kommune-ddorf",
            rolle=Rolle.KOMMUNE,
            buendnis=duesseldorf,
            kommune=Kommune.objects.get(buendnis=duesseldorf, name="Düsseldorf"),
        ),
    ]
    urls = row_urls(neuss)
    # The probe reaches the rows of every app (a route without a row would silently drop out).
    assert {name.split(":")[0] for name, _, _ in urls} >= set(APPS)
    assert {name for name, _, staatlich in urls if staatlich} == {
        "foerderung:programm-detail",
        "foerderung:programm-update",
        "foerderung:baustein-detail",
        "foerderung:baustein-update",
        "foerderung:verteilung-detail",
        "foerderung:verteilung-update",
        "foerderung:verteilung-berechnen",
        "foerderung:verteilung-uebernehmen",
        "foerderung:verteilung-export",
        "foerderung:verteilung-import",
        # Calls of the Innovationsfonds are state-wide: an alliance reads them, only the Land changes them.
        "foerderung:aufruf-detail",
        "foerderung:aufruf-status",
        # Funding rules: every alliance reads them, only the Land adds a version.
        "foerderung:regel-list",
        "foerderung:regel-neue-version",
    }
    assert len(urls) == len(
        [r for r in all_routes() if r.namespace in APPS and r.params and r.full_name not in NO_ROW_ROUTES]
    ), "a route found no row of the Neuss coordination"
    before = snapshot()
    wrong = []
    for user in fremde:
        client = Client()
        client.force_login(user)
        for name, url, staatlich in urls:
            status = client.get(url).status_code
            # A POST-only URL answers GET with 405 before it looks at the row: that reveals nothing either.
            erlaubt = (200, 403, 405) if staatlich else (404, 405)
            if status not in erlaubt:
                wrong.append(f"GET {url} ({name}) as {user.username} -> {status}")
            response = client.post(url, POST_DATA)
            # State-wide rows: readable (an export answers a POST like a GET), never changed by an alliance.
            erlaubt = (200, 403, 405) if staatlich else (404, 405)
            if response.status_code not in erlaubt:
                wrong.append(f"POST {url} ({name}) as {user.username} -> {response.status_code}")
    assert wrong == [], "\n".join(wrong)
    assert snapshot() == before
