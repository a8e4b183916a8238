"""The admin writes for superusers only: every other role reads there at most, and changes go through the
application's pages and services. Refused requests leave the database unchanged."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from buendnis.models import Gremium, Prioritaet

ROLLEN_OHNE_SCHREIBRECHT = ["koordination", "kommune", "mitglied", "auswertung", "land"]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _stand():
    """Everything the admin requests below could touch."""
    return (
        list(Gremium.objects.order_by("pk").values()),
        list(Prioritaet.objects.order_by("pk").values()),
    )


@pytest.fixture
def alle_staff(scenario):
    """Every role as staff: the refusal must not hang on who may open the admin."""
    for user in scenario.users.values():
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return scenario


@pytest.mark.parametrize("role", ROLLEN_OHNE_SCHREIBRECHT)
def test_no_registered_admin_lets_a_non_superuser_write(scenario, role):
    """Every model in the admin (ours and the third-party ones) refuses add, change, delete, import and actions."""
    request = RequestFactory().get("/admin/")
    request.user = scenario.users[role]
    erlaubt = []
    for model, model_admin in admin.site._registry.items():
        name = model._meta.label
        if model_admin.has_add_permission(request):
            erlaubt.append(f"{name}: add")
        if model_admin.has_change_permission(request):
            erlaubt.append(f"{name}: change")
        if model_admin.has_delete_permission(request):
            erlaubt.append(f"{name}: delete")
        if getattr(model_admin, "has_import_permission", lambda r: False)(request):
            erlaubt.append(f"{name}: import")
        sieht = model_admin.has_view_permission(request)
        # An admin the user cannot open runs no action either (axes offers actions without asking).
        if sieht and model_admin.get_actions(request):
            erlaubt.append(f"{name}: actions")
        obj = model_admin.get_queryset(request).first() if sieht else None
        if obj is not None and (
            model_admin.has_change_permission(request, obj) or model_admin.has_delete_permission(request, obj)
        ):
            erlaubt.append(f"{name}: change/delete of {obj.pk}")
    assert erlaubt == []


def test_superuser_still_writes_in_the_admin(scenario):
    request = RequestFactory().get("/admin/")
    request.user = scenario.users["admin"]
    model_admin = admin.site._registry[Gremium]
    assert model_admin.has_add_permission(request)
    assert model_admin.has_change_permission(request)
    assert model_admin.has_delete_permission(request)
    assert "delete_selected" in model_admin.get_actions(request)


@pytest.mark.parametrize("role", ROLLEN_OHNE_SCHREIBRECHT)
def test_role_cannot_change_a_row_of_its_buendnis_in_admin(alle_staff, welt, role):
    gremium = welt["a"]["gremium"]
    vorher = _stand()
    response = alle_staff.client(role).post(
        admin_url(Gremium, "change", gremium.pk),
        {"art": "forum", "name": "Gekapert", "format": "arbeitsgruppe", "status": "beendet"},
    )
    assert response.status_code == 403
    assert _stand() == vorher


@pytest.mark.parametrize("role", ROLLEN_OHNE_SCHREIBRECHT)
def test_role_cannot_add_a_row_in_admin(alle_staff, welt, role):
    vorher = _stand()
    response = alle_staff.client(role).post(
        admin_url(Prioritaet, "add"), {"buendnis": alle_staff.a.pk, "rang": "2", "titel": "Untergeschoben"}
    )
    assert response.status_code == 403
    assert _stand() == vorher


@pytest.mark.parametrize("role", ROLLEN_OHNE_SCHREIBRECHT)
def test_role_cannot_delete_a_row_in_admin(alle_staff, welt, role):
    eigen = welt["a"]["prioritaet"]
    vorher = _stand()
    client = alle_staff.client(role)
    assert client.post(admin_url(Prioritaet, "delete", eigen.pk), {"post": "yes"}).status_code == 403
    client.post(
        admin_url(Prioritaet, "changelist"),
        {"action": "delete_selected", "_selected_action": [eigen.pk], "post": "yes"},
    )
    assert _stand() == vorher


@pytest.mark.parametrize("role", ROLLEN_OHNE_SCHREIBRECHT)
def test_role_cannot_revert_to_an_old_version_in_admin(alle_staff, welt, role):
    gremium = welt["a"]["gremium"]
    version = gremium.history.first()
    gremium.name = "Umbenannt"
    gremium.save()
    vorher = _stand()
    url = reverse("admin:buendnis_gremium_simple_history", args=[gremium.pk, version.history_id])
    data = {"art": "forum", "name": "Forum Deutsch a", "format": "arbeitsgruppe", "status": "vorgeschlagen"}
    assert alle_staff.client(role).post(url, data).status_code == 403
    assert _stand() == vorher


@pytest.mark.parametrize("role", ["koordination", "land"])
def test_staff_roles_read_their_rows_in_admin(scenario, welt, role):
    gremium = welt["a"]["gremium"]
    response = scenario.client(role).get(admin_url(Gremium, "change", gremium.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Forum Deutsch a" in body
    assert 'name="_save"' not in body  # a read-only page: no save button


def test_superuser_changes_adds_and_deletes_in_admin(scenario, welt):
    client = scenario.client("admin")
    prioritaet = welt["a"]["prioritaet"]
    response = client.post(
        admin_url(Prioritaet, "change", prioritaet.pk),
        {"buendnis": scenario.a.pk, "rang": "1", "titel": "Neu benannt"},
    )
    assert response.status_code == 302
    prioritaet.refresh_from_db()
    assert prioritaet.titel == "Neu benannt"
    response = client.post(
        admin_url(Prioritaet, "add"), {"buendnis": scenario.a.pk, "rang": "2", "titel": "Zweite"}
    )
    assert response.status_code == 302
    assert Prioritaet.objects.filter(titel="Zweite").exists()
    assert client.post(admin_url(Prioritaet, "delete", prioritaet.pk), {"post": "yes"}).status_code == 302
    assert not Prioritaet.objects.filter(pk=prioritaet.pk).exists()
