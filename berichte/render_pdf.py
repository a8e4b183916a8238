"""PDF rendering of a report structure (`buendnis.inhalt`) with fpdf2: headings, tables, bar charts, page numbers.

The DejaVu Sans font is vendored in `berichte/fonts/` (umlauts, €, typographic quotes). Should the files be
missing, the core font Helvetica is used with the text reduced to Latin-1, which still keeps German umlauts.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from buendnis.inhalt import bereinigt, diagramm_als_tabelle, euro, zahl

FONT_DIR = Path(__file__).parent / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# Bar colours of the series (a colour-blind-safe palette); values are printed next to each bar as well.
FARBEN = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (148, 103, 189), (140, 86, 75), (127, 127, 127)]
ERSATZ = {
    "–": "-",
    "—": "-",
    "„": '"',
    "“": '"',
    "”": '"',
    "‚": "'",
    "‘": "'",
    "’": "'",
    "…": "...",
    "€": "EUR",
}


class BerichtPDF(FPDF):
    def __init__(self, kopfzeile: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.kopfzeile = kopfzeile
        self.unicode = FONT_REGULAR.exists() and FONT_BOLD.exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(FONT_REGULAR))
            self.add_font("DejaVu", "B", str(FONT_BOLD))
            self.familie = "DejaVu"
        else:
            self.familie = "helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.alias_nb_pages()

    def t(self, value) -> str:
        """Text the current font can show."""
        value = "" if value is None else str(value)
        if self.unicode:
            return value
        for alt, neu in ERSATZ.items():
            value = value.replace(alt, neu)
        return value.encode("latin-1", "replace").decode("latin-1")

    def header(self):
        self.set_font(self.familie, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.t(self.kopfzeile), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_draw_color(180, 180, 180)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-13)
        self.set_font(self.familie, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 8, self.t(f"Seite {self.page_no()} von {{nb}}"), align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(inhalt: dict) -> bytes:
    inhalt = bereinigt(inhalt)  # no font has glyphs for control characters
    pdf = BerichtPDF(kopfzeile=f"{inhalt.get('titel', '')} – {inhalt.get('untertitel', '')}")
    pdf.set_title(pdf.t(inhalt.get("titel", "")))
    pdf.set_creator("Bündnis-Koordination")
    pdf.set_lang("de")
    pdf.add_page()
    pdf.set_font(pdf.familie, "B", 18)
    pdf.multi_cell(0, 9, pdf.t(inhalt.get("titel", "")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.familie, "", 11)
    pdf.multi_cell(0, 6, pdf.t(inhalt.get("untertitel", "")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.familie, "", 9)
    pdf.multi_cell(0, 5, pdf.t(f"Stand: {inhalt.get('stichtag', '')}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if inhalt.get("einleitung"):
        _absatz(pdf, inhalt["einleitung"])
    for abschnitt in inhalt.get("abschnitte", []):
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        pdf.start_section(pdf.t(abschnitt["titel"]), level=0, strict=False)
        pdf.set_font(pdf.familie, "B", 14)
        pdf.multi_cell(0, 8, pdf.t(abschnitt["titel"]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        for block in abschnitt["bloecke"]:
            _block(pdf, block)
        pdf.ln(3)
    return bytes(pdf.output())


def _absatz(pdf: BerichtPDF, text: str, kursiv: bool = False):
    pdf.set_font(pdf.familie, "", 10)
    if kursiv:
        pdf.set_text_color(70, 70, 70)
    pdf.multi_cell(0, 5, pdf.t(text), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)


def _block(pdf: BerichtPDF, block: dict):
    typ = block["typ"]
    if typ == "absatz":
        _absatz(pdf, block["text"])
    elif typ == "hinweis":
        _absatz(pdf, block["text"], kursiv=True)
    elif typ == "liste":
        pdf.set_font(pdf.familie, "", 10)
        for eintrag in block["eintraege"]:
            pdf.multi_cell(
                0, 5, pdf.t(f"• {eintrag}" if pdf.unicode else f"- {eintrag}"), new_x="LMARGIN", new_y="NEXT"
            )
        pdf.ln(2)
    elif typ == "kennzahlen":
        _tabelle(pdf, None, ["", ""], block["eintraege"], [False, True], kopf_zeigen=False)
    elif typ == "tabelle":
        _tabelle(pdf, block["titel"], block["kopf"], block["zeilen"], block["rechts"], fuss=block.get("fuss"))
    elif typ == "diagramm":
        _diagramm(pdf, block)
        alt = diagramm_als_tabelle(block)
        _tabelle(pdf, None, alt["kopf"], alt["zeilen"], alt["rechts"])


def _spaltenbreiten(pdf: BerichtPDF, kopf, zeilen, verfuegbar: float, fuss=None) -> list[float]:
    """Column widths from the text actually printed: short columns (dates, figures) keep their natural
    width, long text columns share the rest (water-filling), none narrower than its longest word."""
    n = len(kopf)
    natuerlich = [0.0] * n
    minimum = [0.0] * n
    pdf.set_font(pdf.familie, "B", pdf.font_size_pt)
    for idx, text in enumerate(fuss or []):
        natuerlich[idx] = max(natuerlich[idx], pdf.get_string_width(pdf.t(text)))
    for idx, text in enumerate(kopf):
        t = pdf.t(text)
        natuerlich[idx] = max(natuerlich[idx], pdf.get_string_width(t))
        minimum[idx] = max((pdf.get_string_width(w) for w in t.split()), default=0)
    pdf.set_font(pdf.familie, "", pdf.font_size_pt)
    for zeile in zeilen[:200]:
        for idx, text in enumerate(zeile[:n]):
            t = pdf.t(text)
            natuerlich[idx] = max(natuerlich[idx], pdf.get_string_width(t))
            minimum[idx] = max(minimum[idx], max((pdf.get_string_width(w) for w in t.split()), default=0))
    rand = 3.0
    natuerlich = [w + rand for w in natuerlich]
    minimum = [min(w + rand, 40.0) for w in minimum]
    if sum(natuerlich) <= verfuegbar:
        return natuerlich
    breiten = list(natuerlich)
    offen = set(range(n))
    rest = verfuegbar
    while offen:
        anteil = rest / len(offen)
        schmal = [idx for idx in offen if natuerlich[idx] <= anteil]
        if not schmal:
            break
        for idx in schmal:
            breiten[idx] = natuerlich[idx]
            rest -= natuerlich[idx]
            offen.discard(idx)
    if offen:
        summe = sum(natuerlich[idx] for idx in offen)
        for idx in offen:
            breiten[idx] = max(minimum[idx], rest * natuerlich[idx] / summe)
    return breiten


def _tabelle(pdf, titel, kopf, zeilen, rechts, fuss=None, kopf_zeigen=True):
    if pdf.get_y() > pdf.h - pdf.b_margin - 30:
        pdf.add_page()  # keep a table's title and first rows together
    if titel:
        pdf.set_font(pdf.familie, "B", 10)
        pdf.multi_cell(0, 6, pdf.t(titel), new_x="LMARGIN", new_y="NEXT")
    alle = list(zeilen) + ([fuss] if fuss else [])
    if not alle:
        return
    pdf.set_font(pdf.familie, "", 8 if len(kopf) <= 7 else 6.5)
    pdf.set_fill_color(255, 255, 255)
    ausrichtung = tuple("RIGHT" if r else "LEFT" for r in rechts)
    breiten = _spaltenbreiten(pdf, kopf if kopf_zeigen else [""] * len(kopf), zeilen, pdf.epw, fuss)
    with pdf.table(
        col_widths=breiten,
        text_align=ausrichtung,
        first_row_as_headings=kopf_zeigen,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=4.5 if len(kopf) <= 7 else 3.8,
        padding=1,
        width=min(pdf.epw, sum(breiten)),
        align="LEFT",
        cell_fill_mode="NONE",
    ) as table:
        if kopf_zeigen:
            row = table.row()
            for k in kopf:
                row.cell(pdf.t(k))
        for z in zeilen:
            row = table.row()
            for c in z:
                row.cell(pdf.t(c))
        if fuss:
            row = table.row(style=FontFace(emphasis="BOLD"))
            for c in fuss:
                row.cell(pdf.t(c))
    pdf.ln(3)


def _diagramm(pdf: BerichtPDF, block: dict):
    """Grouped horizontal bars drawn with rectangles, one row per label, values printed beside the bars."""
    labels = block["labels"]
    reihen = block["reihen"]
    if not labels or not reihen:
        return
    werte = [[Decimal(v) if v is not None else None for v in r["werte"]] for r in reihen]
    maximum = max([v for r in werte for v in r if v is not None] + [Decimal(0)])
    balken_h = 4.0
    zeile_h = balken_h * len(reihen) + 2
    hoehe = 10 + zeile_h * len(labels) + (6 if len(reihen) > 1 else 0)
    if pdf.get_y() + hoehe > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(pdf.familie, "B", 10)
    pdf.multi_cell(0, 6, pdf.t(f"Diagramm: {block['titel']}"), new_x="LMARGIN", new_y="NEXT")
    label_w = 55.0
    wert_w = 30.0
    x0 = pdf.l_margin + label_w
    flaeche = pdf.epw - label_w - wert_w
    pdf.set_font(pdf.familie, "", 7.5)
    y = pdf.get_y() + 1
    for idx, label in enumerate(labels):
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w - 2, zeile_h - 2, pdf.t(label[:40]), align="R")
        for r_idx, reihe in enumerate(werte):
            v = reihe[idx]
            breite = float(v / maximum) * flaeche if (v is not None and maximum > 0) else 0.0
            farbe = FARBEN[r_idx % len(FARBEN)]
            pdf.set_fill_color(*farbe)
            by = y + r_idx * balken_h
            if breite > 0:
                pdf.rect(x0, by, breite, balken_h - 0.6, style="F")
            pdf.set_xy(x0 + breite + 1, by)
            text = "–" if v is None else (euro(v) if block.get("einheit") == "€" else zahl(v))
            pdf.cell(wert_w, balken_h - 0.6, pdf.t(text))
        y += zeile_h
    pdf.set_draw_color(120, 120, 120)
    pdf.line(x0, y - zeile_h * len(labels), x0, y)
    if len(reihen) > 1:
        x = x0
        for r_idx, reihe in enumerate(reihen):
            pdf.set_fill_color(*FARBEN[r_idx % len(FARBEN)])
            pdf.rect(x, y + 1.5, 3, 3, style="F")
            pdf.set_xy(x + 4, y + 1)
            name = pdf.t(reihe["name"])
            pdf.cell(pdf.get_string_width(name) + 2, 4, name)
            x += pdf.get_string_width(name) + 10
        y += 6
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, y + 2)
