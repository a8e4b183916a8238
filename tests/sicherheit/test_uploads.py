"""Uploads are limited in size and type: agreement documents (services.dokument_hochladen) and import files
(buendnis.uploads.pruefe_upload). Refused files write nothing and get a German message."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from buendnis import services
from buendnis.models import Vereinbarungsdokument
from buendnis.uploads import pruefe_upload
from tests.factories import VereinbarungFactory

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def vereinbarung(scenario):
    return VereinbarungFactory(buendnis=scenario.a, titel="Übergang Schule-Beruf")


def hochladen(vereinbarung, user, name, content):
    return services.dokument_hochladen(
        vereinbarung=vereinbarung, datei=SimpleUploadedFile(name, content), by=user
    )


def test_valid_pdf_is_stored_as_version_1(scenario, vereinbarung):
    dok = hochladen(vereinbarung, scenario.users["koordination"], "vereinbarung.pdf", PDF)
    assert dok.version == 1


@pytest.mark.parametrize(
    ("name", "content", "meldung"),
    [
        ("schadcode.exe", b"MZ\x90\x00", "Erlaubt sind nur PDF-, Word-, OpenDocument- und Textdateien."),
        ("seite.html", b"<script>alert(1)</script>", "Erlaubt sind nur"),
        ("bild.svg", b"<svg onload=alert(1)>", "Erlaubt sind nur"),
        ("vereinbarung.pdf.exe", b"MZ", "Erlaubt sind nur"),
        ("ohne_endung", PDF, "Erlaubt sind nur"),
        ("getarnt.pdf", b"<html><script>alert(1)</script>", "keine gültige PDF-Datei"),
        ("getarnt.docx", b"MZ\x90\x00 kein zip", "kein gültiges Word"),
        ("getarnt.odt", PDF, "kein gültiges Word"),
    ],
)
def test_wrong_type_or_disguised_file_is_refused(scenario, vereinbarung, name, content, meldung):
    with pytest.raises(ValidationError, match=meldung):
        hochladen(vereinbarung, scenario.users["koordination"], name, content)
    assert not Vereinbarungsdokument.objects.exists()


def test_file_over_size_limit_is_refused(scenario, vereinbarung, settings):
    settings.DOKUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="zu groß"):
        hochladen(vereinbarung, scenario.users["koordination"], "gross.pdf", PDF + b"0" * 2000)
    assert not Vereinbarungsdokument.objects.exists()


def test_path_in_file_name_does_not_leave_the_upload_folder(scenario, vereinbarung):
    dok = hochladen(vereinbarung, scenario.users["koordination"], "../../../etc/passwd.txt", b"harmlos")
    assert ".." not in dok.datei.name
    assert dok.datei.name.startswith(f"vereinbarungen/{scenario.a.pk}/{vereinbarung.pk}/")


def test_upload_needs_the_right_to_change_the_agreement(scenario, vereinbarung):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        hochladen(vereinbarung, scenario.users["mitglied"], "vereinbarung.pdf", PDF)
    assert not Vereinbarungsdokument.objects.exists()


def test_refused_upload_through_the_page_shows_german_message_and_writes_nothing(scenario, vereinbarung):
    client = scenario.client("koordination")
    response = client.post(
        f"/vereinbarungen/{vereinbarung.pk}/dokumente/neu/",
        {"datei": SimpleUploadedFile("x.pdf", b"<html>"), "kommentar": "Versuch"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Die Datei ist keine gültige PDF-Datei." in response.content.decode()
    assert not Vereinbarungsdokument.objects.exists()


def test_documents_are_downloaded_as_attachment_never_rendered(scenario, vereinbarung):
    dok = hochladen(vereinbarung, scenario.users["koordination"], "notiz.txt", b"<script>alert(1)</script>")
    response = scenario.client("mitglied").get(f"/dokumente/{dok.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


# Import files (buendnis.uploads) -----------------------------------------------------------------------------


def xlsx_bytes(mutate=None) -> bytes:
    wb = Workbook()
    wb.active.append(["name", "ort"])
    wb.active.append(["Träger", "Neuss"])
    buffer = io.BytesIO()
    wb.save(buffer)
    if mutate is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, mutate(info.filename, data))
    return out.getvalue()


def ohne_deklaration(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


def test_valid_xlsx_import_is_read():
    dataset = pruefe_upload(SimpleUploadedFile("liste.xlsx", xlsx_bytes()))
    assert dataset.headers == ["name", "ort"]


def test_rewritten_xlsx_without_entities_is_still_read():
    # The control for the two tests below: the rewriting itself leaves a readable file.
    def mutate(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return ohne_deklaration(data).replace(b"Neuss", b"Grevenbroich")
        return data

    dataset = pruefe_upload(SimpleUploadedFile("liste.xlsx", xlsx_bytes(mutate)))
    assert dataset[0] == ("Träger", "Grevenbroich")


def test_xlsx_with_xml_entity_expansion_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )

    def mutate(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return laughs + ohne_deklaration(data).replace(b"Neuss", b"&lol3;")
        return data

    with pytest.raises(ValidationError):
        pruefe_upload(SimpleUploadedFile("liste.xlsx", xlsx_bytes(mutate)))


def test_xlsx_with_external_entity_is_refused():
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

    def mutate(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return xxe + ohne_deklaration(data).replace(b"Neuss", b"&xxe;")
        return data

    with pytest.raises(ValidationError):
        pruefe_upload(SimpleUploadedFile("liste.xlsx", xlsx_bytes(mutate)))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("liste.exe", b"MZ"),
        ("liste.html", b"<script>alert(1)</script>"),
        ("liste.xlsx", b"name;ort\nA;B\n"),
        ("liste.csv", b"\xff\xfen\x00a\x00m\x00e\x00"),
        ("liste.xlsm", b"PK\x03\x04"),
    ],
)
def test_import_of_wrong_or_disguised_file_is_refused_in_german(name, content):
    with pytest.raises(ValidationError) as exc:
        pruefe_upload(SimpleUploadedFile(name, content))
    assert any(word in " ".join(exc.value.messages) for word in ("Datei", "CSV", "XLSX"))


def test_import_over_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="zu groß"):
        pruefe_upload(SimpleUploadedFile("liste.csv", b"name\n" + b"x\n" * 100))


def test_request_body_over_the_global_cap_is_refused_before_any_view(scenario, vereinbarung, settings):
    settings.MAX_REQUEST_BYTES = 2048
    client = scenario.client("koordination")
    response = client.post(
        f"/vereinbarungen/{vereinbarung.pk}/dokumente/neu/",
        {"datei": SimpleUploadedFile("gross.pdf", PDF + b"0" * 4096)},
    )
    assert response.status_code == 413
    assert "Die Anfrage ist zu groß" in response.content.decode()
    assert not Vereinbarungsdokument.objects.exists()


def test_media_files_are_not_served_directly_even_in_debug(scenario, settings, tmp_path):
    """Reports and exports have guessable names; they leave only through views that check permissions."""
    import importlib

    from django.test import Client
    from django.urls import clear_url_caches

    import config.urls

    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "berichte").mkdir()
    (tmp_path / "berichte" / "sachstandsbericht.pdf").write_bytes(b"%PDF-1.4 geheim")
    try:
        importlib.reload(config.urls)  # the URL configuration as a development server builds it
        clear_url_caches()
        client = Client()
        client.force_login(scenario.users["koordination_b"])
        assert client.get("/media/berichte/sachstandsbericht.pdf").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()
