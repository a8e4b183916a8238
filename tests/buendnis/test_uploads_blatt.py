"""An uploaded workbook is read from its first visible sheet, whichever sheet was open when it was saved."""

import io

from openpyxl import Workbook

from buendnis.uploads import lade_dataset


def _mappe(aktiv: int, versteckt_zuerst: bool = False) -> bytes:
    buch = Workbook()
    if versteckt_zuerst:
        listen = buch.active
        listen.title = "Listen"
        listen.append(["ja", "nein"])
        listen.sheet_state = "hidden"
        daten = buch.create_sheet("Angebote")
    else:
        daten = buch.active
        daten.title = "Angebote"
    daten.append(["Titel", "Kommune"])
    daten.append(["Deutschkurs", "Neuss"])
    hinweise = buch.create_sheet("Hinweise")
    hinweise.append(["Spalte", "Erklärung"])
    hinweise.append(["Titel", "Der Name des Angebots"])
    buch.active = aktiv
    puffer = io.BytesIO()
    buch.save(puffer)
    return puffer.getvalue()


def test_workbook_saved_on_help_sheet_reads_the_data_sheet():
    dataset = lade_dataset(_mappe(aktiv=1), "xlsx")
    assert dataset.headers == ["Titel", "Kommune"]
    assert list(dataset) == [("Deutschkurs", "Neuss")]


def test_hidden_first_sheet_is_skipped():
    dataset = lade_dataset(_mappe(aktiv=2, versteckt_zuerst=True), "xlsx")
    assert dataset.headers == ["Titel", "Kommune"]
    assert list(dataset)[0] == ("Deutschkurs", "Neuss")
