"""Dashboard panel, demo data and admin."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Kategorie
from buendnis.models import Buendnis
from tests.angebote.factories import AngebotFactory


def test_dashboard_panel_per_role(scenario, angebote, traeger_a1):
    Angebot.objects.filter(pk=angebote["a2_entwurf"].pk).update(status=AngebotStatus.ZUR_PRUEFUNG)
    alt = timezone.localdate() - datetime.timedelta(days=500)
    Angebot.objects.filter(pk=angebote["a1_veroeffentlicht"].pk).update(bestaetigt_am=alt)
    Angebot.objects.filter(pk=angebote["a2_veroeffentlicht"].pk).update(bestaetigt_am=timezone.localdate())
    koordination = scenario.client("koordination").get(reverse("buendnis:dashboard")).content.decode()
    assert "Zur Prüfung (1)" in koordination and "Entwurf Adorf" in koordination
    assert "Aktualität prüfen (1)" in koordination
    kommune = scenario.client("kommune").get(reverse("buendnis:dashboard")).content.decode()
    assert "Zur Prüfung" not in kommune
    assert "Aktualität prüfen (1)" in kommune and "Kurs Aheim" in kommune
    assert "Angebote unserer Kommune (3)" in kommune
    kommune_a2 = scenario.client("kommune_a2").get(reverse("buendnis:dashboard")).content.decode()
    assert "Aktualität prüfen (0)" in kommune_a2


def test_lookup_tables_are_seeded_with_stable_codes(db):
    assert set(Aufenthaltsstatus.objects.values_list("code", flat=True)) >= {
        "gestattung",
        "duldung",
        "ausbildungsduldung",
        "beschaeftigungsduldung",
        "duldung_ungeklaerte_identitaet",
        "ae_humanitaer",
        "ae_25_5",
        "ae_25a_25b",
        "chancen",
        "sonstiger",
    }
    assert Aufenthaltsstatus.objects.get(code="ae_humanitaer").sgb_zugang
    assert not Aufenthaltsstatus.objects.get(code="duldung").sgb_zugang
    assert Aufenthaltsstatus.objects.get(code="duldung").rechtsgrundlage == "§ 60a AufenthG"
    assert Kategorie.objects.count() == 11
    assert Kategorie.objects.get(code="arbeit").ist_ziel


@pytest.mark.django_db
def test_demo_data_has_40_offers_across_all_kommunen_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("demo_data")
    neuss = Buendnis.objects.get(kreisschluessel="05162")
    angebote = Angebot.objects.filter(buendnis=neuss)
    assert angebote.count() >= 40
    kommunen = set(angebote.values_list("kommunen__name", flat=True)) - {None}
    assert kommunen == {
        "Neuss",
        "Dormagen",
        "Grevenbroich",
        "Meerbusch",
        "Kaarst",
        "Korschenbroich",
        "Jüchen",
        "Rommerskirchen",
    }
    assert set(angebote.values_list("status", flat=True)) == set(AngebotStatus.values)
    assert angebote.veraltet().count() >= 3
    assert angebote.filter(anschlussangebote__isnull=False).distinct().count() >= 10
    arten = set(angebote.values_list("zugaenge__art", flat=True))
    assert {"offen", "eingeschraenkt", "nicht"} <= arten
    assert Angebot.objects.filter(buendnis__kreisschluessel="05111").count() >= 2
    vorher = Angebot.objects.count()
    call_command("demo_data")
    assert Angebot.objects.count() == vorher


def test_admin_lists_only_own_buendnis(scenario, angebote):
    response = scenario.client("koordination").get("/admin/angebote/angebot/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kurs Aheim" in text and "Kurs Bheim" not in text
    assert scenario.client("land").get("/admin/angebote/angebot/").status_code == 200


def test_admin_export_for_coordination_but_import_only_for_superusers(scenario, angebote):
    # The admin writes for superusers only; the coordination imports offers through the application's import.
    client = scenario.client("koordination")
    assert client.get("/admin/angebote/angebot/import/").status_code == 403
    assert client.get("/admin/angebote/angebot/export/").status_code == 200
    _superuser(scenario)
    assert client.get("/admin/angebote/angebot/import/").status_code == 200


def _superuser(scenario):
    """The coordination of Bündnis A as a superuser, who still belongs to that Bündnis."""
    user = scenario.users["koordination"]
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])


def test_kommune_user_sees_admin_refused(scenario):
    response = scenario.client("kommune").get("/admin/angebote/angebot/")
    assert response.status_code == 302


def test_factory_smoke(scenario):
    assert AngebotFactory(buendnis=scenario.a, traeger=scenario.akteur_a, kreisweit=True).kennung.startswith(
        "T-"
    )


def test_admin_import_dry_run_and_confirm_scoped_to_the_users_buendnis(scenario, traeger_a1):
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    _superuser(scenario)
    client = scenario.client("koordination")
    inhalt = "Kennung;Titel;Träger;Kommunen;Kategorie;Zugang: Duldung\nAD-9;Admin-Kurs;VHS Aheim;Aheim;Deutschförderung;offen\n"
    seite = client.get("/admin/angebote/angebot/import/").content.decode()
    csv_index = re.search(r'<option value="(\d+)">csv</option>', seite).group(1)
    antwort = client.post(
        "/admin/angebote/angebot/import/",
        {"import_file": SimpleUploadedFile("a.csv", inhalt.encode()), "format": csv_index, "resource": "0"},
    )
    assert antwort.status_code == 200
    assert not Angebot.objects.filter(kennung="AD-9").exists()  # dry run only
    confirm = antwort.context["confirm_form"]
    daten = {k: v for k, v in confirm.initial.items() if v is not None}
    client.post("/admin/angebote/angebot/process_import/", daten)
    angebot = Angebot.objects.get(kennung="AD-9")
    assert angebot.buendnis == scenario.a and angebot.status == "entwurf"


def test_admin_import_refuses_a_file_that_is_not_csv_or_xlsx(scenario):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _superuser(scenario)
    client = scenario.client("koordination")
    antwort = client.post(
        "/admin/angebote/angebot/import/",
        {"import_file": SimpleUploadedFile("a.xlsx", b"kein zip"), "format": "0", "resource": "0"},
    )
    assert "keine gültige XLSX-Datei" in antwort.content.decode()


def test_admin_export_gives_the_chosen_columns_of_the_own_buendnis_formula_safe(scenario, angebote):
    AngebotFactory(buendnis=scenario.a, titel="=1+1", traeger=scenario.akteur_a, kreisweit=True)
    client = scenario.client("koordination")
    antwort = client.post(
        "/admin/angebote/angebot/export/",
        {"format": "1", "resource": "0", "angebotresource_kennung": "on", "angebotresource_titel": "on"},
    )
    assert antwort.status_code == 200
    text = antwort.content.decode("utf-8-sig")
    zeilen = text.splitlines()
    assert zeilen[0] == "Kennung;Titel"
    titel = {z.split(";", 1)[1] for z in zeilen[1:]}
    assert "'=1+1" in titel and "Kurs Aheim" in titel
    assert "Kurs Bheim" not in titel
