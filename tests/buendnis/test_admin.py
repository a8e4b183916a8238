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


# Every model, every role ----------------------------------------------------------------------------------------

from django.apps import apps  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.utils.functional import Promise  # noqa: E402

from buendnis.admin_base import ScopedAdmin  # noqa: E402
from buendnis.models import Beschluss, Mitgliedschaft, Vereinbarungsdokument  # noqa: E402

BUENDNIS_MODELS = [
    m for m in apps.get_app_config("buendnis").get_models() if not m._meta.model_name.startswith("historical")
]
SCOPED = [m for m in BUENDNIS_MODELS if isinstance(admin.site._registry.get(m), ScopedAdmin)]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", BUENDNIS_MODELS, ids=lambda m: m.__name__)
def test_every_model_is_in_the_admin_with_search(model):
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model.__name__} is not registered in the admin"
    assert model_admin.search_fields, f"{model.__name__}: no search"
    if model.__name__ != "Bereich":  # the four fixed areas: nothing to filter
        assert model_admin.list_filter, f"{model.__name__}: no filters"


@pytest.mark.parametrize("model", BUENDNIS_MODELS, ids=lambda m: m.__name__)
def test_every_model_and_field_has_a_translated_verbose_name(model):
    assert isinstance(model._meta.verbose_name, Promise)
    assert isinstance(model._meta.verbose_name_plural, Promise)
    for field in model._meta.concrete_fields + model._meta.many_to_many:
        if field.primary_key:
            continue
        assert isinstance(field.verbose_name, Promise), f"{model.__name__}.{field.name} has no verbose_name"


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ["koordination", "land", "admin"])
def test_admin_changelist_and_search_show_only_rows_the_role_may_see(scenario, welt, model, role):
    for key in ("a", "b"):
        v = welt[key]["vereinbarung"]
        Vereinbarungsdokument.objects.create(
            vereinbarung=v, version=1, datei="x.pdf", hochgeladen_von=scenario.users["admin"]
        )
    user = scenario.users[role]
    client = scenario.client(role)
    for query in ("", "?q=a"):
        response = client.get(admin_url(model, "changelist") + query)
        assert response.status_code == 200
        shown = list(response.context["cl"].queryset)
        expected = model.objects.visible_to(user)
        assert {o.pk for o in shown} <= set(expected.values_list("pk", flat=True))
    if role == "koordination":
        assert all(o.get_buendnis_id() == scenario.a.pk for o in shown)
        # No filter lists the names of other Bündnisse.
        assert "Stadt Anderswo" not in response.content.decode()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_admin_change_page_offers_the_coordination_nothing_to_choose(scenario, welt, model):
    """The coordination reads its rows in the admin: no field, no inline row, no save button (issue 17)."""
    user = scenario.users["koordination"]
    Beschluss.objects.create(buendnis=scenario.a, gremium=welt["a"]["gremium"], text="B")
    Vereinbarungsdokument.objects.create(
        vereinbarung=welt["a"]["vereinbarung"], version=1, datei="x.pdf", hochgeladen_von=user
    )
    obj = model.objects.visible_to(user).first()
    response = scenario.client("koordination").get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert not response.context["adminform"].form.fields
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
    assert 'name="_save"' not in response.content.decode()


# Where the coordination writes now: its own pages scope every choice to its Bündnis, as the admin did.
APP_FORMULARE = {
    "gremium": ("buendnis:gremium-create", None),
    "sitzung": ("buendnis:sitzung-create", None),
    "aufgabe": ("buendnis:aufgabe-create", None),
    "akteur": ("buendnis:akteur-create", None),
    "mitgliedschaft": ("buendnis:mitgliedschaft-create", "gremium"),
    "beschluss": ("buendnis:beschluss-create", "sitzung"),
}


@pytest.mark.parametrize("name", APP_FORMULARE)
def test_app_forms_offer_only_rows_of_own_buendnis(scenario, welt, name):
    """Foreign-key and many-to-many choices of the coordination's pages (where the admin inlines were)."""
    user = scenario.users["koordination"]
    url_name, eltern = APP_FORMULARE[name]
    args = [welt["a"][eltern].pk] if eltern else []
    response = scenario.client("koordination").get(reverse(url_name, args=args))
    assert response.status_code == 200
    checked = 0
    for feld, field in response.context["form"].fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not hasattr(queryset.model.objects, "visible_to"):
            continue
        sichtbar = queryset.model.objects.visible_to(user).values_list("pk", flat=True)
        fremd = queryset.exclude(pk__in=sichtbar)
        assert not fremd.exists(), f"{name} form offers {list(fremd)} for {feld}"
        assert queryset.exists(), f"{name}: {feld} offers nothing at all"
        checked += 1
    assert checked


def test_koordination_cannot_add_member_of_other_buendnis_on_the_gremium_page(scenario, welt):
    """Was an admin inline; members are added on the Gremium's page now, which refuses another Bündnis's Akteur."""
    gremium = welt["a"]["gremium"]
    before = list(Mitgliedschaft.objects.order_by("pk").values())
    response = scenario.client("koordination").post(
        reverse("buendnis:mitgliedschaft-create", args=[gremium.pk]),
        {"akteur": welt["b"]["akteur2"].pk, "funktion": "entscheidung"},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "akteur" in response.context["form"].errors
    assert list(Mitgliedschaft.objects.order_by("pk").values()) == before


def test_koordination_cannot_add_members_through_the_admin_inline_any_more(scenario, welt):
    gremium = welt["a"]["gremium"]
    before = list(Mitgliedschaft.objects.order_by("pk").values())
    prefix = "mitgliedschaften"
    response = scenario.client("koordination").post(
        admin_url(gremium.__class__, "change", gremium.pk),
        {
            "art": gremium.art,
            "name": gremium.name,
            "format": gremium.format,
            "status": gremium.status,
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-gremium": gremium.pk,
            f"{prefix}-0-akteur": welt["a"]["akteur2"].pk,
            f"{prefix}-0-funktion": "mitglied",
        },
    )
    assert response.status_code == 403
    assert list(Mitgliedschaft.objects.order_by("pk").values()) == before


def test_koordination_cannot_assign_user_of_other_buendnis_on_the_task_page(scenario, welt):
    """Was checked in the admin form; the task's page scopes "zuständig" to the own Bündnis's accounts."""
    aufgabe = welt["a"]["aufgabe"]
    client = scenario.client("koordination")
    url = reverse("buendnis:aufgabe-update", args=[aufgabe.pk])
    response = client.post(url, {"titel": "Umgehängt", "zustaendig": scenario.users["koordination_b"].pk})
    assert response.status_code == 200
    assert "zustaendig" in response.context["form"].errors
    aufgabe.refresh_from_db()
    assert aufgabe.titel == "Aufgabe a" and aufgabe.zustaendig is None
    # The admin refuses the same change outright.
    response = client.post(
        admin_url(Aufgabe, "change", aufgabe.pk),
        {"titel": "Umgehängt", "status": "offen", "zustaendig": scenario.users["koordination"].pk},
    )
    assert response.status_code == 403
    aufgabe.refresh_from_db()
    assert aufgabe.titel == "Aufgabe a" and aufgabe.zustaendig is None


@pytest.mark.parametrize("role", ["land", "auswertung", "mitglied", "kommune"])
def test_roles_without_write_right_change_nothing_in_admin(scenario, welt, role):
    gremium = welt["a"]["gremium"]
    response = scenario.client(role).post(
        admin_url(gremium.__class__, "change", gremium.pk),
        {"art": "forum", "name": "Gekapert", "format": "arbeitsgruppe", "status": "beendet"},
    )
    assert response.status_code in (302, 403)
    gremium.refresh_from_db()
    assert gremium.name == "Forum Deutsch a"


def test_document_versions_are_read_only_in_admin(scenario, welt):
    assert scenario.client("koordination").get(admin_url(Vereinbarungsdokument, "add")).status_code == 403


@pytest.mark.parametrize("role", ["koordination", "land", "koordination_b"])
def test_reverting_to_an_old_version_in_admin_needs_the_right_to_change(scenario, welt, role):
    """simple-history's version form saves on POST for anyone who may view the history; we refuse that."""
    gremium = welt["a"]["gremium"]
    version = gremium.history.first()
    url = reverse("admin:buendnis_gremium_simple_history", args=[gremium.pk, version.history_id])
    data = {"art": "forum", "name": "Gekapert", "format": "arbeitsgruppe", "status": "beendet"}
    response = scenario.client(role).post(url, data)
    assert response.status_code == 403
    gremium.refresh_from_db()
    assert gremium.name == "Forum Deutsch a"
    assert gremium.history.count() == 1


def test_superuser_may_revert_a_row_to_an_old_version(scenario, welt):
    gremium = welt["a"]["gremium"]
    version = gremium.history.first()
    gremium.name = "Umbenannt"
    gremium.save()
    url = reverse("admin:buendnis_gremium_simple_history", args=[gremium.pk, version.history_id])
    data = {
        "buendnis": gremium.buendnis_id,  # a superuser's form names the Bündnis (it is not taken from the user)
        "art": "forum",
        "name": "Forum Deutsch a",
        "format": "arbeitsgruppe",
        "status": "vorgeschlagen",
    }
    response = scenario.client("admin").post(url, data)
    assert response.status_code == 302
    gremium.refresh_from_db()
    assert gremium.name == "Forum Deutsch a"


def test_bulk_delete_in_admin_is_refused_to_the_coordination(scenario, welt):
    fremd = welt["b"]["prioritaet"]
    eigen = welt["a"]["prioritaet"]
    scenario.client("koordination").post(
        admin_url(fremd.__class__, "changelist"),
        {"action": "delete_selected", "_selected_action": [fremd.pk, eigen.pk], "post": "yes"},
    )
    assert fremd.__class__.objects.filter(pk__in=[fremd.pk, eigen.pk]).count() == 2


def test_state_role_cannot_delete_in_admin(scenario, welt):
    eigen = welt["a"]["prioritaet"]
    response = scenario.client("land").post(
        admin_url(eigen.__class__, "changelist"),
        {"action": "delete_selected", "_selected_action": [eigen.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert eigen.__class__.objects.filter(pk=eigen.pk).exists()
    assert (
        scenario.client("land")
        .post(admin_url(eigen.__class__, "delete", eigen.pk), {"post": "yes"})
        .status_code
        == 403
    )
    assert eigen.__class__.objects.filter(pk=eigen.pk).exists()
