"""Pending import files are bound to the person who uploaded them (issue 12).

The admin import's confirm step used to read the file named in the hidden field `import_file_name` from the
server's temp directory and delete it afterwards, even when the import was refused. Now the pending file is an
`Importvorgang` of the uploader; a foreign, used or made-up name is refused with a German message and touches
nothing. The staff import pages (buendnis.views_import.ImportFlowView) take the Vorgang of request.user only as well.

Importing in the admin is for superusers only (issue 17), so here the two coordinations are superusers too:
operations staff of different scopes, each with uploads of its own Bündnis that the other must not touch.
"""

from __future__ import annotations

import os
import re
import tempfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from angebote.models import Angebot
from buendnis.admin_import import ImportvorgangStorage
from buendnis.models.importe import Importvorgang
from tests.factories import AkteurFactory

IMPORT = "/admin/angebote/angebot/import/"
BESTAETIGEN = "/admin/angebote/angebot/process_import/"
KOPF = "Kennung;Titel;Träger;Kommunen;Kategorie;Zugang: Duldung\n"
ZEILE_A = "AD-1;Admin-Kurs A;VHS Aheim;Aheim;Deutschförderung;offen\n"
ZEILE_B = "BD-1;Admin-Kurs B;VHS Bheim;Bheim;Deutschförderung;offen\n"
ABGELEHNT = "Diese Importdatei gehört nicht zu Ihrem Import"


@pytest.fixture
def betrieb(scenario):
    """`koordination` (Bündnis a) and `koordination_b` (Bündnis b) as superusers: two uploaders of the admin."""
    for rolle in ("koordination", "koordination_b"):
        user = scenario.users[rolle]
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    return scenario


@pytest.fixture
def traeger(scenario, betrieb):
    AkteurFactory(buendnis=scenario.a, name="VHS Aheim", kommune=scenario.a1)
    AkteurFactory(buendnis=scenario.b, name="VHS Bheim", kommune=scenario.b1)


def test_admin_import_is_refused_to_the_coordination(scenario):
    """Without superuser rights the coordination imports on the staff page (its checks, its history)."""
    client = scenario.client("koordination")
    assert client.get(IMPORT).status_code == 403
    antwort = client.post(IMPORT, {"import_file": SimpleUploadedFile("a.csv", (KOPF + ZEILE_A).encode())})
    assert antwort.status_code == 403
    assert not Importvorgang.objects.exists()
    assert not Angebot.objects.filter(kennung="AD-1").exists()


def hochladen(client, inhalt: str) -> dict:
    """Upload and dry run in the admin; returns the confirm form's data (with the hidden `import_file_name`)."""
    seite = client.get(IMPORT).content.decode()
    csv_index = re.search(r'<option value="(\d+)">csv</option>', seite).group(1)
    antwort = client.post(
        IMPORT,
        {
            "import_file": SimpleUploadedFile("angebote.csv", inhalt.encode()),
            "format": csv_index,
            "resource": "0",
        },
    )
    assert antwort.status_code == 200
    confirm = antwort.context["confirm_form"]
    assert confirm is not None, antwort.content.decode()[:2000]
    return {k: v for k, v in confirm.initial.items() if v is not None}


def zustand(vorgang: Importvorgang) -> tuple:
    vorgang.refresh_from_db()
    return vorgang.benutzer_id, vorgang.status, bytes(vorgang.inhalt)


def test_owner_confirms_own_admin_import(scenario, traeger):
    client = scenario.client("koordination")
    daten = hochladen(client, KOPF + ZEILE_A)
    vorgang = Importvorgang.objects.get(pk=daten["import_file_name"])
    assert vorgang.benutzer == scenario.users["koordination"]
    assert vorgang.ressource == "admin:angebote.angebot"
    assert vorgang.status == Importvorgang.Status.GEPRUEFT and bytes(vorgang.inhalt).startswith(b"Kennung")
    assert not Angebot.objects.filter(kennung="AD-1").exists()  # dry run only

    antwort = client.post(BESTAETIGEN, daten)
    assert antwort.status_code == 302
    angebot = Angebot.objects.get(kennung="AD-1")
    assert angebot.buendnis == scenario.a
    vorgang.refresh_from_db()
    assert vorgang.status == Importvorgang.Status.IMPORTIERT and vorgang.importiert_am is not None
    assert bytes(vorgang.inhalt) == b""


def test_foreign_import_file_name_is_refused_and_the_owners_file_stays(scenario, traeger):
    opfer = scenario.client("koordination_b")
    daten_b = hochladen(opfer, KOPF + ZEILE_B)
    vorgang_b = Importvorgang.objects.get(pk=daten_b["import_file_name"])
    vorher = zustand(vorgang_b)

    for angreifer in ("koordination", "admin"):
        client = scenario.client(angreifer)
        antwort = client.post(BESTAETIGEN, daten_b, follow=True)
        assert antwort.status_code == 200
        assert ABGELEHNT in antwort.content.decode()
        assert "nichts gelöscht" in antwort.content.decode()
        assert antwort.redirect_chain[-1][0] == IMPORT
        assert not Angebot.objects.filter(kennung="BD-1").exists()
        assert zustand(vorgang_b) == vorher  # not imported, not deleted, not emptied

    # The owner can still confirm the pending file afterwards.
    assert opfer.post(BESTAETIGEN, daten_b).status_code == 302
    assert Angebot.objects.get(kennung="BD-1").buendnis == scenario.b


def test_foreign_name_with_own_upload_pending_is_refused_too(scenario, traeger):
    """The attacker has a pending upload of its own: swapping in the other person's number still fails."""
    daten_b = hochladen(scenario.client("koordination_b"), KOPF + ZEILE_B)
    vorgang_b = Importvorgang.objects.get(pk=daten_b["import_file_name"])
    vorher = zustand(vorgang_b)
    client = scenario.client("koordination")
    eigene = hochladen(client, KOPF + ZEILE_A)
    antwort = client.post(
        BESTAETIGEN, {**eigene, "import_file_name": daten_b["import_file_name"]}, follow=True
    )
    assert ABGELEHNT in antwort.content.decode()
    assert zustand(vorgang_b) == vorher
    assert not Angebot.objects.filter(kennung__in=["AD-1", "BD-1"]).exists()
    # The attacker's own upload is untouched as well and can still be confirmed.
    assert client.post(BESTAETIGEN, eigene).status_code == 302
    assert Angebot.objects.filter(kennung="AD-1").exists()


def test_made_up_import_file_names_are_refused_and_delete_nothing(scenario, traeger):
    daten_b = hochladen(scenario.client("koordination_b"), KOPF + ZEILE_B)
    vorgang_b = Importvorgang.objects.get(pk=daten_b["import_file_name"])
    vorher = zustand(vorgang_b)
    anzahl = Importvorgang.objects.count()
    # A file in the server's temp directory, as django-import-export's TempFolderStorage would have left it.
    fd, pfad = tempfile.mkstemp(prefix="tmp", dir=tempfile.gettempdir())
    os.write(fd, (KOPF + ZEILE_A).encode())
    os.close(fd)
    client = scenario.client("koordination")
    try:
        for name in (os.path.basename(pfad), pfad, "../../etc/passwd", "999999", "-1", "1e3", "0x10", "１"):
            antwort = client.post(BESTAETIGEN, {**daten_b, "import_file_name": name}, follow=True)
            assert antwort.status_code == 200, name
            assert ABGELEHNT in antwort.content.decode(), name
        assert os.path.exists(pfad)
    finally:
        os.remove(pfad)
    assert zustand(vorgang_b) == vorher
    assert Importvorgang.objects.count() == anzahl
    assert not Angebot.objects.filter(kennung__in=["AD-1", "BD-1"]).exists()


def test_a_confirmed_import_cannot_be_confirmed_again(scenario, traeger):
    client = scenario.client("koordination")
    daten = hochladen(client, KOPF + ZEILE_A)
    assert client.post(BESTAETIGEN, daten).status_code == 302
    Angebot.objects.filter(kennung="AD-1").delete()
    antwort = client.post(BESTAETIGEN, daten, follow=True)
    assert ABGELEHNT in antwort.content.decode()
    assert not Angebot.objects.filter(kennung="AD-1").exists()


def test_a_refused_dry_run_keeps_no_file(scenario, traeger):
    client = scenario.client("koordination")
    seite = client.get(IMPORT).content.decode()
    csv_index = re.search(r'<option value="(\d+)">csv</option>', seite).group(1)
    fehlerhaft = KOPF + "AD-2;Kurs;Unbekannt e. V.;Aheim;Deutschförderung;offen\n"
    antwort = client.post(
        IMPORT,
        {
            "import_file": SimpleUploadedFile("a.csv", fehlerhaft.encode()),
            "format": csv_index,
            "resource": "0",
        },
    )
    assert antwort.status_code == 200
    assert antwort.context.get("confirm_form") is None
    assert not Importvorgang.objects.exists()


def test_the_storage_refuses_outside_a_bound_admin_import(scenario, traeger):
    """The library's default code paths (and any admin without the mixin) cannot read or remove by name."""
    daten = hochladen(scenario.client("koordination"), KOPF + ZEILE_A)
    vorgang = Importvorgang.objects.get(pk=daten["import_file_name"])
    vorher = zustand(vorgang)
    storage = ImportvorgangStorage(name=daten["import_file_name"], read_mode="rb")
    with pytest.raises(PermissionDenied):
        storage.read()
    with pytest.raises(PermissionDenied):
        storage.remove()
    with pytest.raises(PermissionDenied):
        ImportvorgangStorage().save(b"x")
    assert zustand(vorgang) == vorher


# The staff import pages: the Vorgang number from the form only finds the user's own waiting Vorgang.

STAFF_URL = "/angebote/import/"
STAFF_CSV = "Kennung;Titel;Träger;Kommunen;Kategorie\nAH-9;Kurs;VHS Aheim;Aheim;Deutschförderung\n"


def test_staff_import_confirms_only_the_users_own_vorgang(scenario, traeger):
    eigentuemer = scenario.client("kommune")
    vorschau = eigentuemer.post(STAFF_URL, {"datei": SimpleUploadedFile("a.csv", STAFF_CSV.encode())})
    assert vorschau.status_code == 200
    vorgang = vorschau.context["vorgang"]
    vorher = zustand(vorgang)
    fremd = scenario.client("koordination")
    for kennung in (vorgang.pk, "abc", "../x", "", str(vorgang.pk) + "0"):
        antwort = fremd.post(STAFF_URL, {"bestaetigen": "1", "vorgang": kennung})
        assert antwort.status_code == 404, kennung
    assert zustand(vorgang) == vorher
    assert not Angebot.objects.filter(kennung="AH-9").exists()
    assert eigentuemer.post(STAFF_URL, {"bestaetigen": "1", "vorgang": vorgang.pk}).status_code == 302
    assert Angebot.objects.filter(kennung="AH-9").exists()
    # Used once: a second confirmation finds nothing.
    assert eigentuemer.post(STAFF_URL, {"bestaetigen": "1", "vorgang": vorgang.pk}).status_code == 404
