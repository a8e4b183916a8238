"""The shared import checks: every broken or hostile file gets a German message before anything is parsed."""

import io
import zipfile

import openpyxl
import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export import fields, resources, widgets

from buendnis.io import SafeExportMixin, escape_formula
from buendnis.models import Kommune
from buendnis.uploads import pruefe_upload


def upload(name, content: bytes):
    return SimpleUploadedFile(name, content)


def xlsx_bytes(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_valid_csv_with_semicolons_and_umlauts_is_read():
    ds = pruefe_upload(upload("a.csv", "Name;Plätze\nJüchen;12\n".encode()))
    assert ds.headers == ["Name", "Plätze"]
    assert ds[0] == ("Jüchen", "12")


def test_valid_xlsx_is_read():
    ds = pruefe_upload(upload("a.xlsx", xlsx_bytes([["Name", "Plätze"], ["Kaarst", 3]])))
    assert ds.headers == ["Name", "Plätze"]
    assert ds.height == 1


@pytest.mark.parametrize(
    ("name", "content", "meldung"),
    [
        ("a.pdf", b"%PDF-1.4", "Nur CSV- oder XLSX-Dateien"),
        ("a.xlsx", b"not a zip at all", "keine gültige XLSX-Datei"),
        ("a.xlsx", b"PK\x03\x04broken", "beschädigt"),
        ("a.csv", "Name\n".encode("utf-16"), "UTF-16"),
        ("a.csv", b"", "leer"),
        ("a.csv", b"Name;Zahl\n", "keine Datenzeilen"),
        ("a.csv", b"Name;Name\nx;y\n", "mehrfach"),
    ],
)
def test_broken_files_get_a_german_message(name, content, meldung):
    with pytest.raises(ValidationError) as exc:
        pruefe_upload(upload(name, content))
    assert meldung in " ".join(exc.value.messages)


def test_zip_bomb_is_refused_before_parsing():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<x/>")
        zf.writestr("xl/workbook.xml", "<x/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (120 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        pruefe_upload(upload("bomb.xlsx", buf.getvalue()))
    assert "Zip-Bombe" in " ".join(exc.value.messages) or "zu groß" in " ".join(exc.value.messages)


def test_file_over_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        pruefe_upload(upload("a.csv", b"Name\n" + b"x\n" * 100))
    assert "zu groß" in " ".join(exc.value.messages)


def test_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(ValidationError) as exc:
        pruefe_upload(upload("a.csv", b"Name\n" + b"x\n" * 6))
    assert "höchstens 5" in " ".join(exc.value.messages)


@pytest.mark.parametrize("payload", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(payload):
    assert escape_formula(payload) == "'" + payload


def test_numbers_and_plain_text_stay_untouched():
    assert escape_formula(-5) == -5
    assert escape_formula("Neuss") == "Neuss"


class KommuneExport(SafeExportMixin, resources.ModelResource):
    name = fields.Field(attribute="name", column_name="Name")
    id = fields.Field(attribute="id", column_name="ID", widget=widgets.IntegerWidget())

    class Meta:
        model = Kommune
        fields = ("id", "name")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_escapes_formulas_and_keeps_numbers(scenario, fmt):
    Kommune.objects.filter(pk=scenario.a1.pk).update(name="=HYPERLINK(1)")
    dataset = KommuneExport().export(Kommune.objects.filter(pk=scenario.a1.pk), force_native_type=True)
    data = dataset.export(fmt)
    if fmt == "csv":
        assert "'=HYPERLINK(1)" in data
    else:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        row = list(wb.active.iter_rows(values_only=True))[1]
        assert row[0] == scenario.a1.pk  # a number, not text
        assert row[1] == "'=HYPERLINK(1)"
    assert isinstance(tablib.Dataset, type)


def test_control_characters_become_spaces_and_the_xlsx_export_still_works(scenario):
    """A vertical tab pasted from a word processor must not make openpyxl refuse the whole export."""
    import io as _io

    import openpyxl

    from buendnis.models import Akteur
    from buendnis.resources import AkteurResource
    from tests.factories import AkteurFactory

    assert escape_formula("Zeile\x0bzwei\x00") == "Zeile zwei "
    assert escape_formula("\x0b=1+1") == " =1+1"
    assert escape_formula("Tab\tund\nZeilenumbruch") == "Tab\tund\nZeilenumbruch"
    # Not "printable" to Python, yet no control character: kept as they are (the fast path skips only printable).
    assert escape_formula("Frei\u00a0raum \u200fمرحبا 👋") == "Frei\u00a0raum \u200fمرحبا 👋"

    AkteurFactory(buendnis=scenario.a, name="Träger\x0bmit Steuerzeichen")
    daten = AkteurResource().export(queryset=Akteur.objects.all()).export("xlsx")
    werte = [
        c
        for row in openpyxl.load_workbook(_io.BytesIO(daten)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "Träger mit Steuerzeichen" in werte


def test_xlsx_formula_without_stored_result_is_refused_not_read_as_empty(db):
    import io as _io

    import openpyxl
    from django.core.exceptions import ValidationError as _VE

    from buendnis.uploads import lade_dataset

    def xlsx(zeile):
        wb = openpyxl.Workbook()
        wb.active.append(["Kommune", "Anzahl"])
        wb.active.append(zeile)
        puffer = _io.BytesIO()
        wb.save(puffer)
        return puffer.getvalue()

    with pytest.raises(_VE) as exc:
        lade_dataset(xlsx(["Neuss", "=2+3"]), "xlsx")
    assert "Formeln ohne berechneten Wert" in " ".join(exc.value.messages)
    # A plain file is read as before.
    assert lade_dataset(xlsx(["Neuss", 5]), "xlsx")[0] == ("Neuss", 5)


def test_download_name_from_user_data_cannot_break_the_header():
    import tablib

    from buendnis.io import dataset_response

    response = dataset_response(tablib.Dataset(["x"], headers=["a"]), "csv", 'Kommune "Süd"; name=evil')
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert '"' not in response["Content-Disposition"].split("filename*=", 1)[1]
    plain = dataset_response(tablib.Dataset(["x"], headers=["a"]), "csv", "angebote-2026-11-26")
    assert plain["Content-Disposition"] == 'attachment; filename="angebote-2026-11-26.csv"'
