"""Every write of the alliance pages by POST, for every role, in the own and in another Bündnis.

A write the role may not do answers 403 (or 404 out of scope, or the login page) and changes no row; an allowed
write changes the database. The whole buendnis schema is compared before and after each refused request."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import ROLES


def snapshot() -> dict:
    """Every row of every alliance model (and its history), in a comparable form."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("buendnis").get_models()
        if model._meta.model_name not in ("user", "importvorgang")
    }


def _due():
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


# (url name, key of the object in `welt` or None for a create page, form data builder(w, scenario))
WRITES = [
    (
        "buendnis:buendnis-update",
        "buendnis",
        lambda w, s: {"name": "Gekapert", "federfuehrung": "", "geschaeftsfuehrende_stelle": ""},
    ),
    ("buendnis:kommune-update", "kommune", lambda w, s: {"name": "Gekapert"}),
    (
        "buendnis:akteur-update",
        "akteur",
        lambda w, s: {"name": "Gekapert", "typ": "schule", "bereich": w["akteur"].bereich_id},
    ),
    ("buendnis:person-update", "person", lambda w, s: {"name": "Gekapert"}),
    (
        "buendnis:gremium-update",
        "gremium",
        lambda w, s: {"art": "forum", "name": "Gekapert", "format": "arbeitsgruppe", "status": "beendet"},
    ),
    (
        "buendnis:sitzung-update",
        "sitzung",
        lambda w, s: {
            "gremium": w["gremium"].pk,
            "titel": "Gekapert",
            "beginn": "2030-01-01T10:00",
            "status": "geplant",
        },
    ),
    ("buendnis:top-update", "top", lambda w, s: {"titel": "Gekapert"}),
    (
        "buendnis:aufgabe-update",
        "aufgabe",
        lambda w, s: {"titel": "Gekapert", "status": "offen", "faellig_am": _due()},
    ),
    ("buendnis:prioritaet-update", "prioritaet", lambda w, s: {"rang": 9, "titel": "Gekapert"}),
    (
        "buendnis:vereinbarung-update",
        "vereinbarung",
        lambda w, s: {"titel": "Gekapert", "status": "entwurf", "parteien": [w["akteur"].pk]},
    ),
    ("buendnis:aufgabe-status", "aufgabe", lambda w, s: {"status": "erledigt", "notiz": "gekapert"}),
    ("buendnis:top-create", "sitzung", lambda w, s: {"titel": "Gekapert"}),
    (
        "buendnis:beschluss-create",
        "sitzung",
        lambda w, s: {
            "text": "Gekapert",
            "datum": "2030-01-01",
            "aufgaben-TOTAL_FORMS": "1",
            "aufgaben-INITIAL_FORMS": "0",
            "aufgaben-0-titel": "Gekaperte Aufgabe",
            "aufgaben-0-akteur": w["akteur"].pk,
            "aufgaben-0-faellig_am": _due(),
        },
    ),
    (
        "buendnis:dokument-create",
        "vereinbarung",
        lambda w, s: {"datei": SimpleUploadedFile("v.pdf", b"%PDF-1.4 gekapert"), "kommentar": "x"},
    ),
    ("buendnis:top-delete", "top", lambda w, s: {}),
    ("buendnis:mitgliedschaft-delete", "mitgliedschaft", lambda w, s: {}),
    ("buendnis:person-create", "akteur", lambda w, s: {"name": "Gekapert"}),
    (
        "buendnis:mitgliedschaft-create",
        "gremium",
        lambda w, s: {"akteur": w["akteur2"].pk, "funktion": "mitglied"},
    ),
]

CREATES = [
    ("buendnis:kommune-create", lambda s: {"name": "Gekapert"}),
    (
        "buendnis:akteur-create",
        lambda s: {"name": "Gekapert", "typ": "schule", "bereich": s.akteur_a.bereich_id},
    ),
    (
        "buendnis:gremium-create",
        lambda s: {"art": "forum", "name": "Gekapert", "format": "arbeitsgruppe", "status": "vorgeschlagen"},
    ),
    ("buendnis:aufgabe-create", lambda s: {"titel": "Gekapert", "status": "offen", "faellig_am": _due()}),
    ("buendnis:prioritaet-create", lambda s: {"rang": 9, "titel": "Gekapert"}),
    (
        "buendnis:vereinbarung-create",
        lambda s: {"titel": "Gekapert", "status": "entwurf", "parteien": [s.akteur_a.pk]},
    ),
]


def ist_login_redirect(response) -> bool:
    return response.status_code == 302 and "/anmelden/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "key", "data"), WRITES, ids=[w[0] for w in WRITES])
def test_write_in_own_buendnis_only_by_koordination_and_superuser(scenario, welt, role, url_name, key, data):
    w = welt["a"]
    before = snapshot()
    response = scenario.client(role).post(reverse(url_name, args=[w[key].pk]), data(w, scenario))
    if role == "anonym":
        assert ist_login_redirect(response)
    elif role in ("koordination", "admin"):
        assert response.status_code == 302, response.content.decode()[:2000]
        assert not ist_login_redirect(response)
        assert snapshot() != before
        return
    else:
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "key", "data"), WRITES, ids=[w[0] for w in WRITES])
def test_write_in_other_buendnis_is_refused_except_for_superuser(scenario, welt, role, url_name, key, data):
    w = welt["b"]
    before = snapshot()
    response = scenario.client(role).post(reverse(url_name, args=[w[key].pk]), data(w, scenario))
    if role == "admin":
        assert response.status_code == 302  # the superuser writes in every Bündnis
        assert snapshot() != before
        return
    if role == "anonym":
        assert ist_login_redirect(response)
    elif role == "land":
        assert response.status_code == 403  # reads every Bündnis, writes none
    else:
        assert response.status_code == 404  # out of scope looks the same as missing
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "data"), CREATES, ids=[c[0] for c in CREATES])
def test_create_only_by_koordination_in_its_own_buendnis(scenario, welt, role, url_name, data):
    before = snapshot()
    response = scenario.client(role).post(reverse(url_name), data(scenario))
    if role == "anonym":
        assert ist_login_redirect(response)
    elif role == "koordination":
        assert response.status_code == 302, response.content.decode()[:2000]
        after = snapshot()
        assert after != before
        return
    else:
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(("url_name", "data"), CREATES, ids=[c[0] for c in CREATES])
def test_created_rows_belong_to_the_creators_buendnis(scenario, welt, url_name, data):
    scenario.client("koordination_b").post(reverse(url_name), data(scenario) | {"buendnis": scenario.a.pk})
    model_name = url_name.split(":")[1].split("-")[0]
    model = apps.get_model(
        "buendnis", "verfahrensvereinbarung" if model_name == "vereinbarung" else model_name
    )
    field = "name" if any(f.name == "name" for f in model._meta.fields) else "titel"
    neu = model.objects.filter(**{field: "Gekapert"})
    # koordination_b may not pick Caritas A as a party, so the agreement is refused; every other row is B's.
    assert all(row.buendnis_id == scenario.b.pk for row in neu)


@pytest.mark.parametrize(
    ("field", "url_name"),
    [
        ("gremium", "buendnis:sitzung-create"),
        ("akteur", "buendnis:aufgabe-create"),
        ("gremium", "buendnis:aufgabe-create"),
        ("zustaendig", "buendnis:aufgabe-create"),
        ("parteien", "buendnis:vereinbarung-create"),
        ("kommune", "buendnis:akteur-create"),
    ],
)
def test_koordination_cannot_link_rows_of_other_buendnis(scenario, welt, field, url_name):
    b = welt["b"]
    fremd = {
        "gremium": b["gremium"].pk,
        "akteur": b["akteur"].pk,
        "zustaendig": scenario.users["koordination_b"].pk,
        "parteien": [b["akteur"].pk],
        "kommune": scenario.b1.pk,
    }[field]
    data = {
        "titel": "Gekapert",
        "name": "Gekapert",
        "typ": "schule",
        "bereich": scenario.akteur_a.bereich_id,
        "status": "entwurf"
        if "vereinbarung" in url_name
        else ("geplant" if "sitzung" in url_name else "offen"),
        "beginn": "2030-01-01T10:00",
        "faellig_am": _due(),
        "gremium": welt["a"]["gremium"].pk,
        field: fremd,
    }
    before = snapshot()
    response = scenario.client("koordination").post(reverse(url_name), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == before


def test_mitglied_cannot_add_membership_with_akteur_of_other_buendnis(scenario, welt):
    before = snapshot()
    response = scenario.client("koordination").post(
        reverse("buendnis:mitgliedschaft-create", args=[welt["a"]["gremium"].pk]),
        {"akteur": welt["b"]["akteur2"].pk, "funktion": "mitglied"},
    )
    assert response.status_code == 200
    assert "akteur" in response.context["form"].errors
    assert snapshot() == before


def test_beschluss_cannot_assign_task_to_akteur_of_other_buendnis(scenario, welt):
    before = snapshot()
    response = scenario.client("koordination").post(
        reverse("buendnis:beschluss-create", args=[welt["a"]["sitzung"].pk]),
        {
            "text": "Gekapert",
            "datum": "2030-01-01",
            "aufgaben-TOTAL_FORMS": "1",
            "aufgaben-INITIAL_FORMS": "0",
            "aufgaben-0-titel": "Fremde Aufgabe",
            "aufgaben-0-akteur": welt["b"]["akteur"].pk,
            "aufgaben-0-faellig_am": _due(),
        },
    )
    assert response.status_code == 200
    assert snapshot() == before


def test_kommune_user_of_one_kommune_cannot_write_the_other_kommune(scenario, welt):
    """Cross-Kommune: the Kommune role enters data for its own Kommune only, alliance records not at all."""
    before = snapshot()
    client = scenario.client("kommune")
    assert (
        client.post(reverse("buendnis:kommune-update", args=[scenario.a2.pk]), {"name": "X"}).status_code
        == 403
    )
    assert (
        client.post(reverse("buendnis:kommune-update", args=[scenario.a1.pk]), {"name": "X"}).status_code
        == 403
    )
    assert (
        client.post(reverse("buendnis:kommune-update", args=[scenario.b1.pk]), {"name": "X"}).status_code
        == 404
    )
    assert snapshot() == before


POST_ONLY = {"buendnis:aufgabe-status", "buendnis:top-create", "buendnis:dokument-create"}
FORM_PAGES = [(u, k) for u, k, _ in WRITES if u not in POST_ONLY]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "key"), FORM_PAGES, ids=[f[0] for f in FORM_PAGES])
def test_form_pages_open_only_for_writers(scenario, welt, role, url_name, key):
    own = scenario.client(role).get(reverse(url_name, args=[welt["a"][key].pk]))
    other = scenario.client(role).get(reverse(url_name, args=[welt["b"][key].pk]))
    if role == "anonym":
        assert ist_login_redirect(own) and ist_login_redirect(other)
    elif role == "admin":
        assert (own.status_code, other.status_code) == (200, 200)
    elif role == "koordination":
        assert (own.status_code, other.status_code) == (200, 404)
    elif role == "land":
        assert (own.status_code, other.status_code) == (403, 403)
    else:
        assert (own.status_code, other.status_code) == (403, 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(POST_ONLY))
def test_post_only_endpoints_refuse_get(scenario, welt, role, url_name):
    response = scenario.client(role).get(reverse(url_name, args=[welt["a"]["aufgabe"].pk]))
    assert ist_login_redirect(response) if role == "anonym" else response.status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_document_download_for_readers_of_the_buendnis_only(scenario, welt, role):
    from buendnis.models import Vereinbarungsdokument

    docs = {
        key: Vereinbarungsdokument.objects.create(
            vereinbarung=welt[key]["vereinbarung"],
            version=1,
            datei=SimpleUploadedFile(f"{key}.txt", b"Vereinbarung"),
            hochgeladen_von=scenario.users["admin"],
        )
        for key in ("a", "b")
    }
    client = scenario.client(role)
    own = client.get(reverse("buendnis:dokument-download", args=[docs["a"].pk]))
    other = client.get(reverse("buendnis:dokument-download", args=[docs["b"].pk]))
    if role == "anonym":
        assert ist_login_redirect(own) and ist_login_redirect(other)
    elif role in ("land", "admin"):
        assert (own.status_code, other.status_code) == (200, 200)
    else:
        assert (own.status_code, other.status_code) == (200, 404)
