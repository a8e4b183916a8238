"""The admin: rows scoped to the user's Bündnis, exports of one Bündnis never contain another's rows."""

import io

import openpyxl
import pytest
from django.urls import reverse

from buendnis.models import Aufgabe
from tests.factories import AufgabeFactory


@pytest.fixture
def aufgaben(scenario):
    AufgabeFactory(buendnis=scenario.a, titel='=HYPERLINK("http://x")')
    AufgabeFactory(buendnis=scenario.a, titel="Eigene Aufgabe")
    AufgabeFactory(buendnis=scenario.b, titel="Fremde Aufgabe")


def test_koordination_sees_only_own_buendnis_in_admin_changelist(scenario, aufgaben):
    response = scenario.client("koordination").get(reverse("admin:buendnis_aufgabe_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Eigene Aufgabe" in body
    assert "Fremde Aufgabe" not in body


def test_admin_change_page_of_other_buendnis_is_not_reachable(scenario, aufgaben):
    fremd = Aufgabe.objects.get(titel="Fremde Aufgabe")
    response = scenario.client("koordination").get(reverse("admin:buendnis_aufgabe_change", args=[fremd.pk]))
    assert response.status_code in (302, 404)  # the admin redirects unknown ids to the index
    assert "Fremde Aufgabe" not in response.content.decode()


@pytest.mark.parametrize("role", ["kommune", "mitglied", "auswertung"])
def test_non_staff_roles_have_no_admin(scenario, role):
    response = scenario.client(role).get(reverse("admin:buendnis_aufgabe_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_xlsx_export_is_scoped_and_formula_safe(scenario, aufgaben):
    fields = ["id", "buendnis", "titel", "gremium", "akteur", "faellig_am", "status"]
    data = {"format": "1", "resource": "0"} | {f"aufgaberesource_{f}": "on" for f in fields}
    response = scenario.client("koordination").post(reverse("admin:buendnis_aufgabe_export"), data)
    assert response.status_code == 200, response.content[:500]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    titles = {r[2] for r in rows[1:]}
    assert titles == {'\'=HYPERLINK("http://x")', "Eigene Aufgabe"}
    assert all(isinstance(r[0], int) for r in rows[1:])
