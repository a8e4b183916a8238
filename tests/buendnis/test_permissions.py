"""The role matrix of every alliance page: who sees, who edits, and out of scope is a 404."""

import pytest
from django.urls import reverse

from buendnis.models import Aufgabe, AufgabeStatus, Gremium, Kommune

LIST_URLS = [
    "buendnis:buendnis-list",
    "buendnis:kommune-list",
    "buendnis:akteur-list",
    "buendnis:gremium-list",
    "buendnis:sitzung-list",
    "buendnis:aufgabe-list",
    "buendnis:prioritaet-list",
    "buendnis:vereinbarung-list",
]
READERS = {"koordination", "kommune", "mitglied", "auswertung", "land", "admin"}

DETAIL = [
    ("buendnis:buendnis-detail", "buendnis"),
    ("buendnis:kommune-detail", "kommune"),
    ("buendnis:akteur-detail", "akteur"),
    ("buendnis:gremium-detail", "gremium"),
    ("buendnis:sitzung-detail", "sitzung"),
    ("buendnis:aufgabe-detail", "aufgabe"),
    ("buendnis:vereinbarung-detail", "vereinbarung"),
]
UPDATE = [
    ("buendnis:buendnis-update", "buendnis"),
    ("buendnis:kommune-update", "kommune"),
    ("buendnis:akteur-update", "akteur"),
    ("buendnis:gremium-update", "gremium"),
    ("buendnis:sitzung-update", "sitzung"),
    ("buendnis:aufgabe-update", "aufgabe"),
    ("buendnis:vereinbarung-update", "vereinbarung"),
    ("buendnis:prioritaet-update", "prioritaet"),
    ("buendnis:top-update", "top"),
]
CREATE = [
    "buendnis:kommune-create",
    "buendnis:akteur-create",
    "buendnis:gremium-create",
    "buendnis:sitzung-create",
    "buendnis:aufgabe-create",
    "buendnis:prioritaet-create",
    "buendnis:vereinbarung-create",
]


def expected(role, allowed_roles, ok=200):
    if role == "anonym":
        return 302
    return ok if role in allowed_roles else 403


@pytest.mark.parametrize("url_name", LIST_URLS)
def test_every_role_of_the_alliance_reads_list_pages(role_client, role, url_name, welt):
    response = role_client.get(reverse(url_name))
    assert response.status_code == expected(role, READERS)


@pytest.mark.parametrize(("url_name", "key"), DETAIL)
def test_detail_pages_of_own_buendnis_are_readable(role_client, role, url_name, key, welt):
    response = role_client.get(reverse(url_name, args=[welt["a"][key].pk]))
    assert response.status_code == expected(role, READERS)


@pytest.mark.parametrize(("url_name", "key"), DETAIL)
def test_detail_pages_of_other_buendnis_are_404_except_for_land_and_admin(
    role_client, role, url_name, key, welt
):
    response = role_client.get(reverse(url_name, args=[welt["b"][key].pk]))
    if role == "anonym":
        assert response.status_code == 302
    elif role in ("land", "admin"):
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(("url_name", "key"), UPDATE)
def test_only_koordination_and_admin_edit_alliance_records(role_client, role, url_name, key, welt):
    response = role_client.get(reverse(url_name, args=[welt["a"][key].pk]))
    assert response.status_code == expected(role, {"koordination", "admin"})


@pytest.mark.parametrize(("url_name", "key"), UPDATE)
def test_edit_pages_of_other_buendnis(role_client, role, url_name, key, welt):
    response = role_client.get(reverse(url_name, args=[welt["b"][key].pk]))
    if role == "anonym":
        assert response.status_code == 302
    elif role == "admin":
        assert response.status_code == 200
    elif role == "land":
        assert response.status_code == 403  # reads every Bündnis, writes none
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("url_name", CREATE)
def test_only_koordination_creates_alliance_records(role_client, role, url_name, welt):
    response = role_client.get(reverse(url_name))
    # Superusers without a Bündnis create records in the admin.
    assert response.status_code == expected(role, {"koordination"})


def test_koordination_cannot_change_gremium_of_other_buendnis_by_post(scenario, welt):
    gremium = welt["b"]["gremium"]
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:gremium-update", args=[gremium.pk]),
        {"art": "forum", "name": "gekapert", "format": "arbeitsgruppe", "status": "beendet"},
    )
    assert response.status_code == 404
    gremium.refresh_from_db()
    assert gremium.name == "Forum Deutsch b"


@pytest.mark.parametrize("role", ["kommune", "mitglied", "auswertung", "land"])
def test_roles_without_write_right_cannot_create_by_post(scenario, role):
    before = Kommune.objects.count()
    response = scenario.client(role).post(reverse("buendnis:kommune-create"), {"name": "Neue Gemeinde"})
    assert response.status_code == 403
    assert Kommune.objects.count() == before


def test_koordination_creates_gremium_in_own_buendnis(scenario):
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:gremium-create"),
        {"art": "forum", "name": "Wohnen", "format": "arbeitsgruppe", "status": "vorgeschlagen"},
    )
    assert response.status_code == 302
    gremium = Gremium.objects.get(name="Wohnen")
    assert gremium.buendnis == scenario.a


def test_koordination_cannot_choose_akteur_of_other_buendnis_as_leitung(scenario):
    client = scenario.client("koordination")
    response = client.post(
        reverse("buendnis:gremium-create"),
        {
            "art": "forum",
            "name": "Wohnen",
            "format": "arbeitsgruppe",
            "status": "vorgeschlagen",
            "leitung": scenario.akteur_b.pk,
        },
    )
    assert response.status_code == 200
    assert "leitung" in response.context["form"].errors
    assert not Gremium.objects.filter(name="Wohnen").exists()


def test_mitglied_updates_status_of_own_task(scenario, welt):
    aufgabe = welt["a"]["aufgabe"]
    Aufgabe.objects.filter(pk=aufgabe.pk).update(akteur=scenario.akteur_a)
    response = scenario.client("mitglied").post(
        reverse("buendnis:aufgabe-status", args=[aufgabe.pk]), {"status": "in_arbeit", "notiz": "läuft"}
    )
    assert response.status_code == 302
    aufgabe.refresh_from_db()
    assert aufgabe.status == AufgabeStatus.IN_ARBEIT
    assert aufgabe.notiz == "läuft"


@pytest.mark.parametrize("role", ["mitglied", "kommune", "auswertung", "land"])
def test_roles_cannot_update_status_of_tasks_that_are_not_theirs(scenario, welt, role):
    aufgabe = welt["a"]["aufgabe"]
    response = scenario.client(role).post(
        reverse("buendnis:aufgabe-status", args=[aufgabe.pk]), {"status": "erledigt"}
    )
    assert response.status_code == 403
    aufgabe.refresh_from_db()
    assert aufgabe.status == AufgabeStatus.OFFEN


def test_mitglied_cannot_update_task_of_other_buendnis(scenario, welt):
    aufgabe = welt["b"]["aufgabe"]
    response = scenario.client("mitglied").post(
        reverse("buendnis:aufgabe-status", args=[aufgabe.pk]), {"status": "erledigt"}
    )
    assert response.status_code == 404
    aufgabe.refresh_from_db()
    assert aufgabe.status == AufgabeStatus.OFFEN


def test_lists_show_only_own_buendnis_rows(scenario, welt):
    content = scenario.client("auswertung").get(reverse("buendnis:gremium-list")).content.decode()
    assert "Forum Deutsch a" in content
    assert "Forum Deutsch b" not in content


def test_land_sees_rows_of_every_buendnis(scenario, welt):
    content = scenario.client("land").get(reverse("buendnis:gremium-list")).content.decode()
    assert "Forum Deutsch a" in content
    assert "Forum Deutsch b" in content


@pytest.mark.parametrize("role", ["mitglied", "kommune"])
def test_person_assigned_to_a_task_reports_its_status_but_edits_nothing_else(scenario, welt, role):
    aufgabe = welt["a"]["aufgabe"]
    Aufgabe.objects.filter(pk=aufgabe.pk).update(zustaendig=scenario.users[role])
    client = scenario.client(role)
    seite = client.get(reverse("buendnis:aufgabe-detail", args=[aufgabe.pk]))
    assert seite.context["darf_status_setzen"] is True
    assert "Stand melden" in seite.content.decode()
    response = client.post(reverse("buendnis:aufgabe-status", args=[aufgabe.pk]), {"status": "in_arbeit"})
    assert response.status_code == 302
    edit = client.post(
        reverse("buendnis:aufgabe-update", args=[aufgabe.pk]),
        {"titel": "Umbenannt", "faellig_am": "2040-01-01"},
    )
    assert edit.status_code == 403
    aufgabe.refresh_from_db()
    assert (aufgabe.status, aufgabe.titel) == (AufgabeStatus.IN_ARBEIT, "Aufgabe a")


def test_auswertung_sees_no_status_form_even_for_a_task_assigned_to_it(scenario, welt):
    aufgabe = welt["a"]["aufgabe"]
    Aufgabe.objects.filter(pk=aufgabe.pk).update(zustaendig=scenario.users["auswertung"])
    client = scenario.client("auswertung")
    assert (
        client.get(reverse("buendnis:aufgabe-detail", args=[aufgabe.pk])).context["darf_status_setzen"]
        is False
    )
    response = client.post(reverse("buendnis:aufgabe-status", args=[aufgabe.pk]), {"status": "erledigt"})
    assert response.status_code == 403
    aufgabe.refresh_from_db()
    assert aufgabe.status == AufgabeStatus.OFFEN
