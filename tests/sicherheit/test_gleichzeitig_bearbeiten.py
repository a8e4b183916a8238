"""Optimistic locking across every way of editing: when two people edit the same Angebot, Bedarfsmeldung or
Förderantrag, the second save is refused and nothing is silently overwritten (the apps' own tests cover their
staff pages; here the admin, the other edit path)."""

from __future__ import annotations

from django.urls import reverse

from angebote import services as angebot_services
from angebote.models import Angebot
from bedarf.models import Bedarfsmeldung
from foerderung.models import Foerderantrag
from tests.angebote.factories import AngebotFactory
from tests.factories import AkteurFactory


def formulardaten(response) -> dict:
    """What a browser sends back for an admin change form as it was loaded (main form and inlines)."""
    daten: dict = {}

    def uebernehmen(form):
        for name in form.fields:
            key = form.add_prefix(name)
            wert = form[name].value()
            if wert is None:
                continue
            if isinstance(wert, (list, tuple)):
                daten[key] = [getattr(v, "pk", v) for v in wert]
            elif isinstance(wert, bool):
                if wert:
                    daten[key] = "on"
            else:
                daten[key] = wert

    uebernehmen(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            daten[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            uebernehmen(form)
    return daten


def test_angebot_admin_has_no_silent_path_for_bedarfsmeldung_and_foerderantrag(scenario):
    """Bedarfsmeldungen are not edited in the admin at all, Förderanträge only read there."""
    from django.contrib import admin

    assert Bedarfsmeldung not in admin.site._registry
    antrag_admin = admin.site._registry.get(Foerderantrag)
    assert antrag_admin is None or not antrag_admin.has_change_permission(None)


def test_admin_save_based_on_an_older_version_of_an_angebot_is_refused(scenario):
    traeger = AkteurFactory(buendnis=scenario.a, name="VHS Aheim", kommune=scenario.a1)
    angebot = AngebotFactory(buendnis=scenario.a, titel="Kurs", traeger=traeger, kommunen=[scenario.a1])
    admin = scenario.client("admin")
    url = reverse("admin:angebote_angebot_change", args=[angebot.pk])
    geladen = admin.get(url)
    assert geladen.status_code == 200
    daten = formulardaten(geladen)
    daten["titel"] = "Fassung der Administration"

    # Meanwhile the coordination saves its edit through the staff page.
    aktuell = Angebot.objects.get(pk=angebot.pk)
    aktuell.titel = "Fassung der Koordination"
    angebot_services.angebot_update(
        angebot=aktuell, kommunen=[scenario.a1], version=aktuell.version, by=scenario.users["koordination"]
    )

    response = admin.post(url, daten)
    angebot.refresh_from_db()
    assert angebot.titel == "Fassung der Koordination"
    assert response.status_code == 200
    assert "inzwischen" in response.content.decode()


def test_admin_save_of_the_current_version_goes_through_and_counts_as_a_new_version(scenario):
    """The counter-check: without an edit in between the admin saves, and an open staff form is then stale."""
    traeger = AkteurFactory(buendnis=scenario.a, name="VHS Aheim", kommune=scenario.a1)
    angebot = AngebotFactory(buendnis=scenario.a, titel="Kurs", traeger=traeger, kommunen=[scenario.a1])
    admin = scenario.client("admin")
    url = reverse("admin:angebote_angebot_change", args=[angebot.pk])
    daten = formulardaten(admin.get(url))
    daten["titel"] = "Fassung der Administration"
    response = admin.post(url, daten)
    assert response.status_code == 302, response.context["adminform"].form.errors
    angebot.refresh_from_db()
    assert (angebot.titel, angebot.version) == ("Fassung der Administration", 2)
