"""Journey (issue 6): the coordination generates the Sachstandsbericht and downloads it as HTML, PDF and DOCX."""

import re

import docx
import pypdf
from playwright.sync_api import expect

from tests.browser.helpers import field

TITEL = "Sachstandsbericht Rhein-Kreis Neuss"
EIGENER_TITEL = "Sachstandsbericht für den Sozialausschuss (Browsertest)"
EINLEITUNG = "Bericht zur Sitzung des Ausschusses für Soziales, Integration und Gleichstellung."


def download(page, link_name: str, ziel_dir):
    gruppe = page.get_by_role("group", name="Bericht herunterladen")
    with page.expect_download() as laden:
        gruppe.get_by_role("link", name=link_name, exact=True).click()
    ziel = ziel_dir / laden.value.suggested_filename
    laden.value.save_as(ziel)
    return ziel


def test_koordination_generates_status_report_and_downloads_html_pdf_docx(as_user, tmp_path):
    from berichte.models import Bericht

    page = as_user("koordination")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("button", name="Berichte", exact=True).click()
    nav.get_by_role("link", name="Sachstandsbericht erzeugen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sachstandsbericht erzeugen")

    field(page, "Berichtszeitraum von").fill("2019-10-01")
    field(page, "Berichtszeitraum bis").fill("2021-12-31")
    field(page, "Einleitung").fill(EINLEITUNG)
    abschnitte = page.get_by_role("group", name=re.compile("^Abschnitte"))
    expect(abschnitte.get_by_role("checkbox", name="Förderung je Förderbaustein")).to_be_checked()
    page.get_by_role("button", name="Bericht erzeugen").click()

    expect(page).to_have_url(re.compile(r"/berichte/\d+/$"))
    expect(page.get_by_role("status").filter(has_text="erzeugt und gespeichert")).to_be_visible()
    expect(page.get_by_role("heading", name=TITEL).first).to_be_visible()
    expect(page.get_by_text(EINLEITUNG).first).to_be_visible()
    bericht = Bericht.objects.latest("pk")
    assert bericht.titel == TITEL
    assert bericht.erstellt_von.username == "koordination"

    html = download(page, "HTML", tmp_path)
    assert html.suffix == ".html"
    inhalt = html.read_text(encoding="utf-8")
    assert TITEL in inhalt and EINLEITUNG in inhalt

    pdf = download(page, "PDF", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 2
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert TITEL in text
    assert "Ausschusses für Soziales" in text
    assert "Förderbaustein" in text or "Förderung" in text

    docx_datei = download(page, "DOCX", tmp_path)
    dokument = docx.Document(docx_datei)
    absaetze = [p.text for p in dokument.paragraphs]
    assert any(TITEL in a for a in absaetze), absaetze[:5]
    assert any(EINLEITUNG in a for a in absaetze)
    assert dokument.tables, "the DOCX report has no tables"


def test_custom_report_title_heads_the_document_and_its_files(as_user, tmp_path):
    """The optional title replaces the default one everywhere, not only in the list of reports."""
    page = as_user("koordination")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("button", name="Berichte").click()
    nav.get_by_role("link", name="Sachstandsbericht erzeugen").click()
    field(page, "Titel (optional)").fill(EIGENER_TITEL)
    page.get_by_role("button", name="Bericht erzeugen").click()
    expect(page).to_have_url(re.compile(r"/berichte/\d+/$"))
    expect(page.get_by_role("navigation", name="Brotkrumen")).to_contain_text(EIGENER_TITEL)
    expect(page.get_by_role("heading", level=1)).to_have_text(EIGENER_TITEL, timeout=3_000)
    assert EIGENER_TITEL in download(page, "HTML", tmp_path).read_text(encoding="utf-8")
