"""DOCX rendering of a report structure (`buendnis.inhalt`) with python-docx.

The document is meant to be edited: administrations paste it into their Sitzungsvorlage. So it uses Word's own
heading and table styles, figures are real tables (charts appear as their table of values), and the page number
is a field in the footer.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from buendnis.inhalt import bereinigt, diagramm_als_tabelle


def render_docx(inhalt: dict) -> bytes:
    inhalt = bereinigt(inhalt)
    doc = Document()
    doc.core_properties.title = inhalt.get("titel", "")
    doc.core_properties.author = "Bündnis-Koordination"
    doc.core_properties.language = "de-DE"
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    _fusszeile(doc)
    doc.add_heading(inhalt.get("titel", ""), level=0)
    doc.add_paragraph(inhalt.get("untertitel", ""))
    doc.add_paragraph(f"Stand: {inhalt.get('stichtag', '')}").runs[0].italic = True
    if inhalt.get("einleitung"):
        for teil in str(inhalt["einleitung"]).split("\n\n"):
            doc.add_paragraph(teil.strip())
    for abschnitt in inhalt.get("abschnitte", []):
        doc.add_heading(abschnitt["titel"], level=1)
        for block in abschnitt["bloecke"]:
            _block(doc, block)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _block(doc, block: dict):
    typ = block["typ"]
    if typ == "absatz":
        doc.add_paragraph(block["text"])
    elif typ == "hinweis":
        p = doc.add_paragraph()
        run = p.add_run(block["text"])
        run.italic = True
    elif typ == "liste":
        for eintrag in block["eintraege"]:
            doc.add_paragraph(eintrag, style="List Bullet")
    elif typ == "kennzahlen":
        _tabelle(doc, None, None, block["eintraege"], [False, True])
    elif typ == "tabelle":
        _tabelle(doc, block["titel"], block["kopf"], block["zeilen"], block["rechts"], block.get("fuss"))
    elif typ == "diagramm":
        alt = diagramm_als_tabelle(block)
        _tabelle(doc, f"Diagramm: {block['titel']}", alt["kopf"], alt["zeilen"], alt["rechts"])


def _tabelle(doc, titel, kopf, zeilen, rechts, fuss=None):
    if titel:
        p = doc.add_paragraph()
        run = p.add_run(titel)
        run.bold = True
    zeilen = list(zeilen)
    spalten = len(kopf) if kopf else (len(zeilen[0]) if zeilen else 0)
    if not spalten:
        return
    table = doc.add_table(rows=0, cols=spalten)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    if kopf:
        cells = table.add_row().cells
        for idx, text in enumerate(kopf):
            cells[idx].text = ""
            run = cells[idx].paragraphs[0].add_run(text)
            run.bold = True
        _kopfzeile_wiederholen(table.rows[0])
    for zeile in zeilen + ([fuss] if fuss else []):
        cells = table.add_row().cells
        for idx, text in enumerate(zeile[:spalten]):
            cells[idx].text = str(text)
            if idx < len(rechts) and rechts[idx]:
                cells[idx].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if fuss is not None and zeile is fuss:
            for c in cells:
                for r in c.paragraphs[0].runs:
                    r.bold = True
    doc.add_paragraph()


def _kopfzeile_wiederholen(row):
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _fusszeile(doc):
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Seite ")
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = "PAGE"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)
