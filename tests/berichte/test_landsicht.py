"""The Land's view of all Bündnisse (issue 15): table, traffic light, map, comparison by quarter, export."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bedarf.suppression import ZEICHEN
from berichte import dashboard, landsicht
from berichte.models import Indikator, Indikatorwert, Zielsetzung, ZielsetzungStatus
from buendnis import registry as buendnis_registry
from buendnis.choices import BuendnisArt, Regierungsbezirk
from buendnis.inhalt import datum, euro
from buendnis.models import Buendnis
from buendnis.registry import Landkennzahl, Landwert
from tests.berichte.helpers import body, xlsx_rows
from tests.factories import BuendnisFactory, KommuneFactory

HEUTE = timezone.localdate()
# Renewed for every test (a run across midnight): `heute_je_test`.
pytestmark = pytest.mark.usefixtures("heute_je_test")
UEBERSICHT = "berichte:land-uebersicht"


# Reading the page ----------------------------------------------------------------------------------------------


class _Seite(HTMLParser):
    """The Land table's rows (in order, cells by column key), its headers and the map's area titles."""

    def __init__(self):
        super().__init__()
        self.zeilen: list[dict] = []
        self.kopf: list[dict] = []
        self.titel: dict[str, str] = {}  # buendnis id -> title of its map area
        self.klassen: dict[str, str] = {}  # buendnis id -> class of its map area
        self.flaechen = 0
        self._zelle = None
        self._text: list[str] = []
        self._th = None
        self._karte_id = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-buendnis" in a:
            self.zeilen.append({"id": a["data-buendnis"], "werte": {}})
        elif tag == "td" and "data-spalte" in a and self.zeilen:
            self._zelle, self._text = a["data-spalte"], []
        elif tag == "th" and a.get("scope") == "row" and self.zeilen and "name" not in self.zeilen[-1]:
            self._zelle, self._text = "name", []
        elif tag == "th" and a.get("scope") == "col":
            self._th = {"aria_sort": a.get("aria-sort", "")}
            self._text = []
        elif tag == "a" and self._th is not None:
            self._th["href"] = a.get("href", "")
        elif tag == "a" and "data-buendnis" in a and a.get("class") == "karte-flaeche":
            self._karte_id = a["data-buendnis"]
        elif tag == "title" and self._karte_id:
            self._in_title, self._text = True, []
        elif tag == "path" and "d" in a:
            self.flaechen += 1
            if self._karte_id:
                self.klassen[self._karte_id] = a.get("class", "")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._zelle:
            if self._zelle == "name":
                self.zeilen[-1]["name"] = " ".join("".join(self._text).split())
            else:
                self.zeilen[-1]["werte"][self._zelle] = " ".join("".join(self._text).split())
            self._zelle = None
        elif tag == "th" and self._th is not None:
            self._th["label"] = " ".join("".join(self._text).split())
            self.kopf.append(self._th)
            self._th = None
        elif tag == "title" and self._in_title:
            self.titel[self._karte_id] = "".join(self._text).strip()
            self._in_title = False
        elif tag == "a" and self._karte_id and not self._in_title:
            self._karte_id = None

    def handle_data(self, data):
        if self._zelle or self._th is not None or self._in_title:
            self._text.append(data)


def seite(client, name=UEBERSICHT, **query) -> _Seite:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    parser = _Seite()
    parser.feed(response.content.decode())
    return parser


def namen(s: _Seite) -> list[str]:
    return [z["name"] for z in s.zeilen]


def zelle(s: _Seite, name: str, key: str) -> str:
    return next(z["werte"][key] for z in s.zeilen if z["name"] == name)


# Figures registered for the tests -----------------------------------------------------------------------------


@pytest.fixture
def kennzahlen():
    """Replaces the registered Land figures with the test's own (`kennzahlen.setzen(key, {bid: Landwert}, label)`),
    restoring the registry afterwards."""
    gesichert = dict(buendnis_registry._landkennzahlen)
    buendnis_registry._landkennzahlen.clear()

    class Kennzahlen:
        werte: dict[str, dict[int, Landwert]] = {}

        def setzen(self, key, je_buendnis, label, **kwargs):
            self.werte[key] = je_buendnis
            buendnis_registry.register_landkennzahl(
                Landkennzahl(
                    key=key,
                    label=label,
                    app_label="buendnis",
                    werte=lambda ids, key=key: {b: w for b, w in self.werte[key].items() if b in ids},
                    erklaerung=f"Erklärung {key}",
                    **kwargs,
                )
            )

    yield Kennzahlen()
    buendnis_registry._landkennzahlen.clear()
    buendnis_registry._landkennzahlen.update(gesichert)


def kerngruppe(ja: bool) -> Landwert:
    return Landwert("eingerichtet", 1) if ja else Landwert("nicht eingerichtet", 0)


def sitzung(tage: int | None) -> Landwert:
    if tage is None:
        return Landwert("keine")
    tag = HEUTE - datetime.timedelta(days=tage)
    return Landwert(datum(tag), tag)


def erhebung(x: int, y: int) -> Landwert:
    return Landwert(f"{x} von {y}", Decimal(x) / y, Decimal(x) / y)


def geld(betrag: str) -> Landwert:
    return Landwert(euro(Decimal(betrag)), Decimal(betrag))


def zielsetzung(buendnis, werte: list[Decimal], personen: bool = False, von=None, bis=None):
    """An agreed target over two years around today, with one manual indicator (0 → 10) per value."""
    z = Zielsetzung.objects.create(
        buendnis=buendnis,
        titel=f"Ziel {buendnis.name}",
        zeitraum_von=von or HEUTE - datetime.timedelta(days=365),
        zeitraum_bis=bis or HEUTE + datetime.timedelta(days=365),
        status=ZielsetzungStatus.VEREINBART,
    )
    for nr, wert in enumerate(werte):
        ind = Indikator.objects.create(
            zielsetzung=z,
            titel=f"Indikator {nr}",
            ausgangswert=0,
            zielwert=10,
            personenzahl=personen,
            position=nr,
        )
        if wert is not None:
            Indikatorwert.objects.create(
                indikator=ind, stichtag=HEUTE - datetime.timedelta(days=1), wert=wert, nachweis="Liste"
            )
    return z


@pytest.fixture
def drei(scenario, kennzahlen):
    """Three Bündnisse, one per colour of the traffic light, with money per Baustein."""
    a, b = scenario.a, scenario.b
    c = BuendnisFactory(
        name="Kreis Mitte",
        kreisschluessel="05554",
        art=BuendnisArt.KREIS,
        regierungsbezirk=Regierungsbezirk.MUENSTER,
    )
    Buendnis.objects.filter(pk=b.pk).update(
        art=BuendnisArt.KREISFREIE_STADT, regierungsbezirk=Regierungsbezirk.KOELN
    )
    kennzahlen.setzen(
        "kerngruppe", {a.pk: kerngruppe(True), b.pk: kerngruppe(False), c.pk: kerngruppe(True)}, "Kerngruppe"
    )
    kennzahlen.setzen(
        "letzte_sitzung", {a.pk: sitzung(30), b.pk: sitzung(None), c.pk: sitzung(250)}, "Letzte Sitzung"
    )
    kennzahlen.setzen(
        "erhebung_abgegeben",
        {a.pk: erhebung(2, 2), b.pk: erhebung(2, 2), c.pk: erhebung(3, 4)},
        "Erhebung abgegeben",
        karte=True,
    )
    kennzahlen.setzen(
        "bewilligt",
        {a.pk: geld("1234567.89"), b.pk: geld("500"), c.pk: geld("500")},
        label="Bewilligt",
        karte=True,
    )
    kennzahlen.setzen(
        "bewilligt_f1",
        {a.pk: geld("1000"), b.pk: geld("20"), c.pk: geld("300")},
        label="Bewilligt F1",
        baustein="f1",
        karte=True,
    )
    zielsetzung(a, [Decimal(6), Decimal(1)])  # one of two on track: half, still green
    return a, b, c


# Who may see it ------------------------------------------------------------------------------------------------

ERLAUBT = {"land", "admin"}


@pytest.mark.parametrize(
    "name,args",
    [
        (UEBERSICHT, []),
        ("berichte:land-vergleich", []),
        ("berichte:land-export", ["csv"]),
        ("berichte:land-export", ["xlsx"]),
        ("berichte:land-buendnis", ["a"]),
    ],
)
def test_only_the_land_sees_the_land_view(scenario, role, role_client, name, args):
    args = [scenario.a.pk if x == "a" else x for x in args]
    anzahl = Buendnis.objects.count(), Zielsetzung.objects.count()
    response = role_client.get(reverse(name, args=args))
    if role == "anonym":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role in ERLAUBT:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
    assert (Buendnis.objects.count(), Zielsetzung.objects.count()) == anzahl


def test_coordination_of_the_other_buendnis_is_refused_too(scenario):
    client = scenario.client("koordination_b")
    assert client.get(reverse("berichte:land-buendnis", args=[scenario.b.pk])).status_code == 403
    assert client.get(reverse(UEBERSICHT)).status_code == 403


@pytest.mark.parametrize("role", ["koordination", "kommune", "mitglied", "auswertung"])
def test_another_buendnis_land_page_is_404_for_a_buendnis_user(scenario, role):
    """Out of scope is a 404, as for every row of another Bündnis."""
    response = scenario.client(role).get(reverse("berichte:land-buendnis", args=[scenario.b.pk]))
    assert response.status_code == 404


def test_unknown_buendnis_and_format_are_404(scenario):
    client = scenario.client("land")
    assert client.get(reverse("berichte:land-buendnis", args=[999999])).status_code == 404
    assert client.get(reverse("berichte:land-export", args=["json"])).status_code == 404


def test_post_is_not_allowed(scenario):
    assert scenario.client("land").post(reverse(UEBERSICHT)).status_code == 405


# The table -----------------------------------------------------------------------------------------------------


def test_table_shows_the_registered_figures_of_each_buendnis(scenario, drei):
    a, b, c = drei
    s = seite(scenario.client("land"))
    assert namen(s) == ["Kreis Mitte", "Rhein-Kreis Test", "Stadt Anderswo"]
    assert zelle(s, "Rhein-Kreis Test", "kerngruppe") == "eingerichtet"
    assert zelle(s, "Stadt Anderswo", "kerngruppe") == "nicht eingerichtet"
    assert zelle(s, "Rhein-Kreis Test", "letzte_sitzung") == datum(HEUTE - datetime.timedelta(days=30))
    assert zelle(s, "Stadt Anderswo", "letzte_sitzung") == "keine"
    assert zelle(s, "Kreis Mitte", "erhebung_abgegeben") == "3 von 4"
    assert zelle(s, "Rhein-Kreis Test", "bewilligt") == "1.234.567,89 €"
    # Targets on track: 6 of 10 after half the period is on track, 1 of 10 is not.
    assert zelle(s, "Rhein-Kreis Test", "ziele") == "1 von 2"
    assert zelle(s, "Stadt Anderswo", "ziele") == "keine Werte"
    assert zelle(s, "Rhein-Kreis Test", "kernaufgaben").endswith("von 9")
    # The Baustein's own columns only when it is chosen.
    assert "bewilligt_f1" not in s.zeilen[0]["werte"]


def test_each_figure_links_to_its_source_or_the_buendnis(scenario, drei, kennzahlen):
    a, b, _c = drei
    kennzahlen.setzen("quelle", {a.pk: Landwert("7", 7, url="/bedarf/erhebungen/1/")}, "Quelle")
    html = scenario.client("land").get(reverse(UEBERSICHT)).content.decode()
    seite_a, seite_b = (reverse("berichte:land-buendnis", args=[x.pk]) for x in (a, b))
    assert '<a href="/bedarf/erhebungen/1/">7</a>' in html
    assert f'<a href="{seite_b}">–</a>' in html  # no figure: the Bündnis's page
    assert f'<a href="{seite_a}">eingerichtet</a>' in html
    assert f'href="{seite_a}#ziele"' in html
    assert f'href="{seite_a}#kernaufgaben"' in html
    assert f'<th scope="row" class="land-name"><a href="{seite_a}">Rhein-Kreis Test</a></th>' in html


def test_choosing_a_baustein_shows_its_money_instead_of_the_totals(scenario, drei):
    s = seite(scenario.client("land"), baustein="f1")
    assert "bewilligt" not in s.zeilen[0]["werte"]
    assert zelle(s, "Rhein-Kreis Test", "bewilligt_f1") == "1.000,00 €"


def test_traffic_light_follows_the_rule(scenario, drei):
    s = seite(scenario.client("land"))
    # a: core group, meeting 30 days ago, all delivered, half of the indicators on track.
    assert zelle(s, "Rhein-Kreis Test", "ampel") == "grün"
    # b: no core group.
    assert zelle(s, "Stadt Anderswo", "ampel") == "rot"
    # c: meeting 250 days ago (more than 6, less than 12 months), 75 % delivered.
    assert zelle(s, "Kreis Mitte", "ampel") == "gelb"
    html = scenario.client("land").get(reverse(UEBERSICHT)).content.decode()
    assert landsicht.ampel_regel() in html
    # Never colour alone: an icon and the word.
    assert (
        'class="badge ampel ampel-gruen"><i class="bi bi-check-circle-fill" aria-hidden="true"></i> grün'
        in html
    )


@pytest.mark.parametrize(
    "aenderung,erwartet",
    [
        ({}, landsicht.Ampel.GRUEN),
        ({"kerngruppe": kerngruppe(False)}, landsicht.Ampel.ROT),
        ({"letzte_sitzung": sitzung(None)}, landsicht.Ampel.ROT),
        ({"letzte_sitzung": sitzung(400)}, landsicht.Ampel.ROT),
        ({"letzte_sitzung": sitzung(200)}, landsicht.Ampel.GELB),
        ({"erhebung_abgegeben": erhebung(1, 3)}, landsicht.Ampel.ROT),
        ({"erhebung_abgegeben": Landwert("keine Erhebung")}, landsicht.Ampel.ROT),
        ({"erhebung_abgegeben": erhebung(1, 2)}, landsicht.Ampel.GELB),
        ({"erhebung_abgegeben": erhebung(2, 3)}, landsicht.Ampel.GELB),
        ({"erhebung_abgegeben": erhebung(3, 4)}, landsicht.Ampel.GRUEN),
        ({"ziele": (1, 3)}, landsicht.Ampel.GELB),
        ({"ziele": (1, 2)}, landsicht.Ampel.GRUEN),
        ({"ziele": (0, 0)}, landsicht.Ampel.GRUEN),
    ],
)
def test_traffic_light_rule_at_its_bounds(aenderung, erwartet):
    werte = {
        "kerngruppe": kerngruppe(True),
        "letzte_sitzung": sitzung(10),
        "erhebung_abgegeben": erhebung(4, 4),
        **{k: v for k, v in aenderung.items() if k != "ziele"},
    }
    zeile = landsicht.Landzeile(1, "X", "05111", "kreis", "Kreis", "duesseldorf", "Düsseldorf", "/")
    zeile.werte = {k: landsicht.zelle_aus_landwert(v) for k, v in werte.items()}
    im_plan, mit_wert = aenderung.get("ziele", (2, 2))
    zeile.werte[landsicht.ZIELE] = landsicht._ZieleZelle("", sortwert_paar=(im_plan, mit_wert))
    assert landsicht.ampel(zeile, HEUTE)[0] == erwartet


def test_twelve_and_six_months_are_calendar_months():
    assert landsicht.monate_zurueck(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert landsicht.monate_zurueck(datetime.date(2024, 2, 29), 12) == datetime.date(2023, 2, 28)
    assert landsicht.monate_zurueck(datetime.date(2026, 3, 15), 12) == datetime.date(2025, 3, 15)


# Sorting and filtering -----------------------------------------------------------------------------------------


def test_sorted_by_a_number_both_ways_stable_on_ties(scenario, drei):
    client = scenario.client("land")
    auf = seite(client, sort="bewilligt", richtung="auf")
    # 500 (Kreis Mitte, Stadt Anderswo: ties keep the order by name), then 1,234,567.89.
    assert namen(auf) == ["Kreis Mitte", "Stadt Anderswo", "Rhein-Kreis Test"]
    ab = seite(client, sort="bewilligt", richtung="ab")
    assert namen(ab) == ["Rhein-Kreis Test", "Kreis Mitte", "Stadt Anderswo"]
    kopf = next(k for k in ab.kopf if k["label"].startswith("Bewilligt"))
    assert kopf["aria_sort"] == "descending"
    assert "richtung=auf" in kopf["href"]
    andere = next(k for k in ab.kopf if k["label"].startswith("Bündnis"))
    assert andere["aria_sort"] == ""


def test_sorted_by_a_date_both_ways_without_value_last(scenario, drei):
    client = scenario.client("land")
    auf = seite(client, sort="letzte_sitzung", richtung="auf")
    assert namen(auf) == ["Kreis Mitte", "Rhein-Kreis Test", "Stadt Anderswo"]
    assert next(k for k in auf.kopf if k["label"].startswith("Letzte Sitzung"))["aria_sort"] == "ascending"
    ab = seite(client, sort="letzte_sitzung", richtung="ab")
    assert namen(ab) == ["Rhein-Kreis Test", "Kreis Mitte", "Stadt Anderswo"]


def test_sorted_by_name_and_traffic_light(scenario, drei):
    client = scenario.client("land")
    assert namen(seite(client, sort="name", richtung="ab")) == [
        "Stadt Anderswo",
        "Rhein-Kreis Test",
        "Kreis Mitte",
    ]
    assert namen(seite(client, sort="ampel", richtung="auf")) == [
        "Stadt Anderswo",
        "Kreis Mitte",
        "Rhein-Kreis Test",
    ]


def test_unknown_sort_key_falls_back_to_the_name(scenario, drei):
    assert namen(seite(scenario.client("land"), sort="passwort", richtung="x")) == [
        "Kreis Mitte",
        "Rhein-Kreis Test",
        "Stadt Anderswo",
    ]


@pytest.mark.parametrize(
    "query,erwartet",
    [
        ({"regierungsbezirk": "koeln"}, ["Stadt Anderswo"]),
        ({"regierungsbezirk": "muenster"}, ["Kreis Mitte"]),
        ({"art": "kreisfreie_stadt"}, ["Stadt Anderswo"]),
        ({"art": "kreis"}, ["Kreis Mitte", "Rhein-Kreis Test"]),
        ({"ampel": "rot"}, ["Stadt Anderswo"]),
        ({"ampel": "gelb"}, ["Kreis Mitte"]),
        ({"ampel": "gruen"}, ["Rhein-Kreis Test"]),
        ({"art": "kreis", "ampel": "rot"}, []),
        ({"regierungsbezirk": "gibt-es-nicht"}, ["Kreis Mitte", "Rhein-Kreis Test", "Stadt Anderswo"]),
    ],
)
def test_filtered(scenario, drei, query, erwartet):
    assert namen(seite(scenario.client("land"), **query)) == erwartet


def test_filter_form_has_german_labels_and_alle(scenario, drei):
    html = scenario.client("land").get(reverse(UEBERSICHT)).content.decode()
    assert "Regierungsbezirk" in html and "Kreis oder kreisfreie Stadt" in html
    assert '<option value="" selected>alle</option>' in html
    assert "---------" not in html
    assert 'class="table-responsive land-tabelle-rahmen" tabindex="0" role="region"' in html


# Export --------------------------------------------------------------------------------------------------------


def _csv(client, **query) -> list[list[str]]:
    response = client.get(reverse("berichte:land-export", args=["csv"]), query)
    assert response.status_code == 200
    inhalt = body(response)
    assert inhalt.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(inhalt.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_equals_the_page(scenario, drei):
    client = scenario.client("land")
    query = {"sort": "bewilligt", "richtung": "ab", "art": "kreis"}
    s = seite(client, **query)
    zeilen = _csv(client, **query)
    kopf = zeilen[0]
    assert kopf[:5] == ["Bündnis", "Kreisschlüssel", "Art", "Regierungsbezirk", "Ampel"]
    assert "Bewilligt (€)" in kopf
    daten = zeilen[1 : 1 + len(s.zeilen)]
    assert [z[0] for z in daten] == namen(s) == ["Rhein-Kreis Test", "Kreis Mitte"]
    assert zeilen[1 + len(s.zeilen)] == []  # the data end here
    spalte = kopf.index("Bewilligt (€)")
    # German number format without grouping: German Excel reads it as a number.
    assert daten[0][spalte] == "1234567,89"
    assert daten[0][kopf.index("Letzte Sitzung")] == datum(HEUTE - datetime.timedelta(days=30))
    assert daten[0][kopf.index("Ampel")] == "grün"
    assert daten[0][kopf.index("Ziele im Plan")] == "1 von 2"
    # Every cell of the page is in the export, in the same order (numbers without grouping and unit).
    for seitenzeile, exportzeile in zip(s.zeilen, daten, strict=True):
        texte = list(seitenzeile["werte"].values())
        assert len(texte) == len(exportzeile) - 4
        for text, wert in zip(texte, exportzeile[4:], strict=True):
            assert wert in (text, text.replace(".", "").removesuffix(" €").removesuffix(" %"))
    rest = {z[0]: z[1] for z in zeilen[2 + len(s.zeilen) :] if z}
    assert rest["Ampelregel"] == landsicht.ampel_regel()
    assert rest["Stand"].startswith(HEUTE.strftime("%d.%m.%Y"))
    assert rest["Filter"] == "Art: Kreis"


def test_xlsx_export_has_numbers_as_numbers_and_the_rule(scenario, drei):
    client = scenario.client("land")
    response = client.get(reverse("berichte:land-export", args=["xlsx"]), {"baustein": "f1", "sort": "name"})
    assert response.status_code == 200
    inhalt = body(response)
    zeilen = xlsx_rows(inhalt)
    kopf = list(zeilen[0])
    assert "Bewilligt F1 (€)" in kopf and "Bewilligt (€)" not in kopf
    daten = {z[0]: z for z in zeilen[1:]}
    assert daten["Rhein-Kreis Test"][kopf.index("Bewilligt F1 (€)")] == 1000
    assert isinstance(daten["Kreis Mitte"][kopf.index("Bewilligt F1 (€)")], int | float)
    assert isinstance(daten["Rhein-Kreis Test"][kopf.index("Letzte Sitzung")], datetime.datetime)
    erlaeuterung = {z[0]: z[1] for z in xlsx_rows(inhalt, "Erläuterungen")}
    assert erlaeuterung["Ampelregel"] == landsicht.ampel_regel()
    assert erlaeuterung["Stand"].startswith(HEUTE.strftime("%d.%m.%Y"))


def test_export_texts_are_formula_safe(scenario, kennzahlen):
    kennzahlen.setzen("hinweis", {scenario.a.pk: Landwert('=HYPERLINK("http://x")')}, "Hinweis")
    zeilen = _csv(scenario.client("land"))
    assert zeilen[1][zeilen[0].index("Hinweis")].startswith("'=")


@pytest.mark.parametrize("baustein", ["", "f1", "f6"])
def test_export_headers_are_plain_german_not_figure_keys(scenario, baustein):
    """The figures the apps really register (no test doubles): every column has its German label, none shows a
    registered key such as "letzte_sitzung"."""
    client = scenario.client("land")
    query = {"baustein": baustein} if baustein else {}
    csv_kopf = _csv(client, **query)[0]
    xlsx_kopf = list(xlsx_rows(body(client.get(reverse("berichte:land-export", args=["xlsx"]), query)))[0])
    assert csv_kopf == xlsx_kopf
    assert "Letzte Sitzung der Kerngruppe" in csv_kopf
    assert [k for k in csv_kopf if re.fullmatch(r"[a-z_]+", k)] == []


# The map -------------------------------------------------------------------------------------------------------


def test_map_draws_every_kreis_and_links_the_buendnisse(scenario, drei):
    a, b, c = drei
    s = seite(scenario.client("land"))
    assert s.flaechen >= 53
    assert set(s.titel) == {str(a.pk), str(b.pk), str(c.pk)}
    # Coloured by the traffic light by default; the title names the Bündnis and the value as the table shows it.
    assert s.klassen[str(a.pk)] == "karte-gruen"
    assert s.klassen[str(b.pk)] == "karte-rot"
    for z in s.zeilen:
        assert s.titel[z["id"]] == f"{z['name']}: {z['werte']['ampel']}"
    html = scenario.client("land").get(reverse(UEBERSICHT)).content.decode()
    assert 'aria-hidden="true"' in html.split('class="landkarte-svg"')[1][:300]
    assert 'tabindex="-1"' in html
    assert "Die Tabelle enthält dieselben Zahlen" in html
    assert "© GeoBasis-DE / BKG (2021), Datenlizenz Deutschland – Namensnennung – Version 2.0" in html
    assert "keine Angabe" in html
    assert "kein Bündnis erfasst" in html  # Kreise without a Bündnis in this data


def test_map_by_a_share_in_five_steps_with_bounds(scenario, drei):
    a, b, c = drei
    s = seite(scenario.client("land"), karte="erhebung_abgegeben")
    assert s.klassen[str(a.pk)] == "karte-k4"  # 100 %
    assert s.klassen[str(c.pk)] == "karte-k3"  # 75 %
    assert s.titel[str(c.pk)] == "Kreis Mitte: 3 von 4"
    html = scenario.client("land").get(reverse(UEBERSICHT), {"karte": "erhebung_abgegeben"}).content.decode()
    for grenze in ("0 bis unter 20 %", "60 bis unter 80 %", "80 bis 100 %"):
        assert grenze in html


def test_map_by_money_in_steps_of_its_values(scenario, drei):
    a, b, c = drei
    s = seite(scenario.client("land"), karte="bewilligt")
    # Two different values: the lightest and the darkest step.
    assert s.klassen[str(b.pk)] == s.klassen[str(c.pk)] == "karte-k0"
    assert s.klassen[str(a.pk)] == "karte-k4"
    assert s.titel[str(a.pk)] == "Rhein-Kreis Test: 1.234.567,89 €"


def test_map_by_many_values_in_five_equal_steps():
    zeilen = []
    for n in range(11):
        z = landsicht.Landzeile(n, f"B{n}", f"0{n}", "kreis", "Kreis", "koeln", "Köln", "/")
        z.werte["x"] = landsicht.Zelle(f"{n * 10} €", Decimal(n * 10))
        zeilen.append(z)
    zeilen[3].werte["x"] = landsicht.Zelle("–")
    klasse, legende = landsicht.klassen(zeilen, "x")
    assert klasse[0] == "karte-k0" and klasse[10] == "karte-k4" and klasse[5] == "karte-k2"
    assert 3 not in klasse
    assert legende[0] == ("karte-k0", "0 bis unter 20 €")
    assert legende[-1] == ("karte-k4", "80 bis 100 €")


def test_map_of_a_figure_of_another_baustein_falls_back_to_the_traffic_light(scenario, drei):
    s = seite(scenario.client("land"), karte="bewilligt_f1")
    assert all(
        k.startswith("karte-") and k in ("karte-rot", "karte-gelb", "karte-gruen") for k in s.klassen.values()
    )


def test_map_of_a_baustein_figure_with_that_baustein_chosen(scenario, drei):
    a, b, c = drei
    client = scenario.client("land")
    s = seite(client, karte="bewilligt_f1", baustein="f1")
    assert s.titel[str(a.pk)] == "Rhein-Kreis Test: 1.000,00 €"
    assert s.klassen[str(b.pk)] == "karte-k0"
    html = client.get(reverse(UEBERSICHT), {"karte": "bewilligt_f1", "baustein": "f1"}).content.decode()
    assert '<option value="bewilligt_f1" selected>Bewilligt F1</option>' in html
    # Without a choice the traffic light colours the map, and the select says so.
    html = client.get(reverse(UEBERSICHT)).content.decode()
    karte = html.split('name="karte"')[1].split("</select>")[0]
    assert karte.index('value="ampel"') < karte.index('value="bewilligt"')
    assert 'value="bewilligt_f1"' not in karte


def test_filtered_out_buendnisse_are_grey_on_the_map(scenario, drei):
    a, b, c = drei
    s = seite(scenario.client("land"), ampel="rot")
    assert str(b.pk) in s.titel
    assert str(a.pk) not in s.titel  # no link, no figure: not in the selection
    html = scenario.client("land").get(reverse(UEBERSICHT), {"ampel": "rot"}).content.decode()
    assert "Rhein-Kreis Test: nicht in der Auswahl" in html


# Small numbers -------------------------------------------------------------------------------------------------


def test_withheld_figure_keeps_no_number_in_table_map_sort_and_export(scenario, drei, kennzahlen):
    a, b, c = drei
    # A figure the owning app withheld (counts of people below k): only the symbol, whatever it carried.
    kennzahlen.setzen(
        "personen",
        {
            a.pk: Landwert(ZEICHEN, Decimal("2.17"), Decimal("0.0217")),
            b.pk: Landwert("40", 40, Decimal("0.4")),
            c.pk: Landwert("12", 12, Decimal("0.12")),
        },
        label="Teilnehmende",
        karte=True,
    )
    client = scenario.client("land")
    for richtung in ("auf", "ab"):
        s = seite(client, sort="personen", richtung=richtung, karte="personen")
        assert namen(s)[-1] == "Rhein-Kreis Test"  # no value to sort by: last both ways
        assert zelle(s, "Rhein-Kreis Test", "personen") == ZEICHEN
        assert s.titel[str(a.pk)] == f"Rhein-Kreis Test: {ZEICHEN}"
        assert s.klassen[str(a.pk)] == "karte-leer"
    html = client.get(reverse(UEBERSICHT), {"karte": "personen"}).content.decode()
    html = re.sub(r' d="[^"]*"', "", html)  # the boundaries' coordinates are no figures
    assert "2,17" not in html and "2.17" not in html and "0,0217" not in html
    zeilen = _csv(client)
    spalte = zeilen[0].index("Teilnehmende")
    assert [z[spalte] for z in zeilen[1:4]] == ["12", ZEICHEN, "40"]
    xlsx = xlsx_rows(body(client.get(reverse("berichte:land-export", args=["xlsx"]))))
    assert [z[spalte] for z in xlsx[1:4]] == [12, ZEICHEN, 40]


def test_small_count_of_people_of_an_indicator_is_withheld(scenario, kennzahlen):
    a = scenario.a
    zielsetzung(a, [Decimal(2)], personen=True)
    client = scenario.client("land")
    html = client.get(reverse("berichte:land-buendnis", args=[a.pk])).content.decode()
    tabelle = html.split('id="ziele"')[1].split("</table>")[0]
    assert f'<td class="zahl">{ZEICHEN}</td>' in tabelle
    assert '<td class="zahl">2</td>' not in tabelle
    assert "kein Wert" in tabelle  # no on-track state from a withheld value
    verlauf = html.split('id="verlauf"')[1].split("</table>")[0]
    assert ">2<" not in verlauf and ZEICHEN in verlauf
    # A withheld value counts as no value for the targets on track (table, map title, export).
    s = seite(client, karte="ziele")
    assert zelle(s, "Rhein-Kreis Test", "ziele") == "keine Werte"
    assert s.titel[str(a.pk)] == "Rhein-Kreis Test: keine Werte"


# One Bündnis ---------------------------------------------------------------------------------------------------


def test_buendnis_page_shows_figures_tasks_targets_and_quarters(scenario, drei):
    a, _b, _c = drei
    html = scenario.client("land").get(reverse("berichte:land-buendnis", args=[a.pk])).content.decode()
    assert "Rhein-Kreis Test" in html
    assert "Erklärung bewilligt_f1" in html and "1.000,00 €" in html  # every Baustein, explained
    assert "F1 Coaching" in html
    assert html.count('<th scope="row" class="fw-normal">') >= 9
    assert "Festlegung von Prioritäten für die lokale Initiative" in html
    assert "Ziel Rhein-Kreis Test" in html and "Indikator 0" in html and "Indikator 1" in html
    assert landsicht.ampel_regel() in html
    quartale = landsicht.letzte_quartale(HEUTE)
    assert len(quartale) == 8
    assert quartale[-1][1] >= HEUTE > quartale[-2][1]
    for label, _ende in quartale:
        assert f'<th scope="col">{label}</th>' in html


def test_buendnis_page_says_why_the_light_is_not_green(scenario, drei):
    _a, b, c = drei
    client = scenario.client("land")
    html = client.get(reverse("berichte:land-buendnis", args=[b.pk])).content.decode()
    assert "Die Bündniskerngruppe ist nicht eingerichtet." in html
    assert "In den letzten 12 Monaten hat keine Sitzung stattgefunden." in html
    html = client.get(reverse("berichte:land-buendnis", args=[c.pk])).content.decode()
    assert "In den letzten 6 Monaten hat keine Sitzung stattgefunden." in html


# Comparison over time ------------------------------------------------------------------------------------------


def _quartalswerte(buendnis, werte: dict[int, int]):
    """A target begun before the eight quarters, with one indicator (0 → 10) kept at the given quarters' ends."""
    quartale = landsicht.letzte_quartale(HEUTE)
    z = Zielsetzung.objects.create(
        buendnis=buendnis,
        titel="Über die Zeit",
        zeitraum_von=quartale[0][1] - datetime.timedelta(days=200),
        zeitraum_bis=HEUTE + datetime.timedelta(days=800),
        status=ZielsetzungStatus.VEREINBART,
    )
    ind = Indikator.objects.create(zielsetzung=z, titel="Plätze", ausgangswert=0, zielwert=10)
    for nr, wert in werte.items():
        Indikatorwert.objects.create(indikator=ind, stichtag=quartale[nr][1], wert=wert, nachweis="Liste")
    return quartale


def test_comparison_counts_on_track_per_quarter_and_marks_who_falls_behind(scenario, kennzahlen):
    a, b = scenario.a, scenario.b
    quartale = _quartalswerte(a, {4: 10, 6: 0})
    _quartalswerte(b, {4: 10})
    client = scenario.client("land")
    html = client.get(reverse("berichte:land-vergleich")).content.decode()
    for label, _ende in quartale:
        assert label in html
    vergleich = landsicht.vergleich_berechnen([a, b], HEUTE)
    zellen = vergleich.zeilen[a.pk].zellen
    assert [c.text for c in zellen[:4]] == ["–"] * 4
    assert zellen[4].text == "1 von 1 im Plan" and not zellen[4].faellt_zurueck
    assert zellen[5].text == "1 von 1 im Plan"  # the value holds until the next one
    assert zellen[6].text == "0 von 1 im Plan" and zellen[6].faellt_zurueck
    assert vergleich.zeilen[a.pk].faellt_zurueck
    assert not vergleich.zeilen[b.pk].faellt_zurueck
    assert "fällt zurück" in html


def test_comparison_sorted_by_the_latest_quarter_and_filtered(scenario, kennzahlen):
    a, b = scenario.a, scenario.b
    _quartalswerte(a, {6: 0})
    _quartalswerte(b, {6: 10})
    Buendnis.objects.filter(pk=b.pk).update(regierungsbezirk=Regierungsbezirk.KOELN)
    client = scenario.client("land")
    vergleich = "berichte:land-vergleich"
    ab = seite(client, vergleich, sort="q7", richtung="ab")
    assert namen(ab) == ["Stadt Anderswo", "Rhein-Kreis Test"]
    assert ab.zeilen[0]["werte"]["q7"] == "1 von 1 im Plan"
    assert ab.zeilen[1]["werte"]["q7"] == "0 von 1 im Plan fällt zurück"
    assert next(k for k in ab.kopf if k["href"].count("sort=q7"))["aria_sort"] == "descending"
    assert namen(seite(client, vergleich, sort="q7", richtung="auf")) == [
        "Rhein-Kreis Test",
        "Stadt Anderswo",
    ]
    assert namen(seite(client, vergleich, regierungsbezirk="koeln")) == ["Stadt Anderswo"]
    assert namen(seite(client, vergleich, ampel="gruen")) == []


# Queries and the cache -----------------------------------------------------------------------------------------


def _mehr_buendnisse(n: int, kennzahlen=None) -> None:
    for nr in range(n):
        b = BuendnisFactory(name=f"Zusatzkreis {nr}")
        KommuneFactory(buendnis=b, name=f"Kommune {nr}")
        zielsetzung(b, [Decimal(5), Decimal(1)])


def _abfragen(client, url, query=None) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query or {}).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _anzahl(client, url, query=None) -> int:
    return len(_abfragen(client, url, query))


LAND_SEITEN = [
    (UEBERSICHT, [], {"karte": "ziele", "sort": "ziele"}),
    ("berichte:land-vergleich", [], {}),
    ("berichte:land-export", ["csv"], {}),
    ("berichte:land-export", ["xlsx"], {}),
]


@pytest.mark.parametrize("name,args,query", LAND_SEITEN)
def test_query_count_does_not_grow_with_the_buendnisse(
    scenario, drei, django_assert_max_num_queries, name, args, query
):
    client = scenario.client("land")
    url = reverse(name, args=args)
    bei_drei = _anzahl(client, url, query)
    _mehr_buendnisse(4)
    assert Buendnis.objects.count() == 7
    with django_assert_max_num_queries(bei_drei):
        assert client.get(url, query).status_code == 200


def test_query_count_of_a_buendnis_page_does_not_grow_with_targets(
    scenario, drei, django_assert_max_num_queries
):
    a = drei[0]
    client = scenario.client("land")
    url = reverse("berichte:land-buendnis", args=[a.pk])
    vorher = _anzahl(client, url)
    for _ in range(3):
        zielsetzung(a, [Decimal(5), Decimal(1), Decimal(9)])
    with django_assert_max_num_queries(vorher):
        assert client.get(url).status_code == 200


def test_cached_rows_survive_other_requests_and_a_new_stamp_renews_them(scenario, drei, mit_cache):
    client = scenario.client("land")
    url = reverse(UEBERSICHT)
    erste = _anzahl(client, url)
    client.get(reverse("berichte:land-vergleich"))
    client.get(reverse("buendnis:dashboard"))
    # Other filters and order: the same cached rows; only the session and the user are read.
    zweite = _abfragen(client, url, {"sort": "bewilligt", "ampel": "gelb"})
    assert len(zweite) < erste
    assert not [q for q in zweite if "buendnis_buendnis" in q or "berichte_" in q or "buendnis_gremium" in q]
    Zielsetzung.objects.all().delete()
    assert zelle(seite(client), "Rhein-Kreis Test", "ziele") == "1 von 2"  # still the cached rows
    dashboard.datenstand_erneuern()  # what a committed write does
    assert zelle(seite(client), "Rhein-Kreis Test", "ziele") == "keine Werte"


# The figures the apps registered, from real data ----------------------------------------------------------------


@pytest.fixture
def echte_daten(scenario):
    """Bündnis a: a core group set up with a member and a meeting 20 days ago, 3 published offers (and a draft),
    a survey round delivered by a1 of a1 and a2, a1 joined the programme, an approved F1 application of 10,000 €
    with a drawdown of 2,500 € and an approved F6 application of 5,000 €. Bündnis b: no core group, one published
    offer, a round delivered by both Kommunen, nothing granted."""
    from angebote.models import AngebotStatus
    from bedarf.models import Bedarfsmeldung
    from buendnis.choices import Baustein, Rolle
    from buendnis.models import Funktion, GremiumArt, GremiumStatus, Mitgliedschaft, SitzungStatus
    from foerderung.models import KommuneTeilnahme
    from tests.angebote.factories import AngebotFactory
    from tests.bedarf.conftest import deliver
    from tests.bedarf.factories import ErhebungFactory
    from tests.factories import GremiumFactory, SitzungFactory, UserFactory
    from tests.foerderung.factories import FoerderantragFactory, FoerderbausteinFactory, MittelabrufFactory

    a, b, u = scenario.a, scenario.b, scenario.users
    kern = GremiumFactory(
        buendnis=a, name="Kerngruppe", art=GremiumArt.KERNGRUPPE, status=GremiumStatus.EINGERICHTET
    )
    Mitgliedschaft.objects.create(gremium=kern, akteur=scenario.akteur_a, funktion=Funktion.ENTSCHEIDUNG)
    vor_20_tagen = timezone.now() - datetime.timedelta(days=20)
    SitzungFactory(gremium=kern, beginn=vor_20_tagen, status=SitzungStatus.DURCHGEFUEHRT)
    for _ in range(3):
        AngebotFactory(buendnis=a, traeger=scenario.akteur_a, status=AngebotStatus.VEROEFFENTLICHT)
    AngebotFactory(buendnis=a, traeger=scenario.akteur_a)
    AngebotFactory(buendnis=b, traeger=scenario.akteur_b, status=AngebotStatus.VEROEFFENTLICHT)
    jahr = HEUTE.year - 1
    termine = {
        "stichtag": datetime.date(jahr, 10, 31),
        "eingabe_von": datetime.date(jahr, 11, 1),
        "eingabe_bis": datetime.date(jahr, 12, 15),
    }
    runde_a = ErhebungFactory(buendnis=a, titel="Runde A", **termine)
    deliver(runde_a, scenario.a1, u["kommune"], {"duldung": 30})
    runde_b = ErhebungFactory(buendnis=b, titel="Runde B", **termine)
    deliver(runde_b, scenario.b1, u["kommune_b1"], {"duldung": 12})
    kommune_b2 = UserFactory(rolle=Rolle.KOMMUNE, buendnis=b, kommune=scenario.b2)
    deliver(runde_b, scenario.b2, kommune_b2, {"duldung": 9})
    assert Bedarfsmeldung.objects.filter(abgegeben_am__isnull=False).count() == 3
    KommuneTeilnahme.objects.create(buendnis=a, kommune=scenario.a1, beigetreten_am=datetime.date(2020, 1, 1))
    f1 = FoerderbausteinFactory(nummer=Baustein.F1)
    f6 = FoerderbausteinFactory(nummer=Baustein.F6)
    antrag = FoerderantragFactory(
        buendnis=a, kommune=scenario.a1, baustein=f1, bewilligt=True, beantragt=Decimal("10000.00")
    )
    MittelabrufFactory(antrag=antrag, betrag=Decimal("2500.00"), datum=HEUTE - datetime.timedelta(days=5))
    FoerderantragFactory(
        buendnis=a,
        kommune=scenario.a2,
        baustein=f6,
        bewilligt=True,
        beantragt=Decimal("5000.00"),
        gesamtkosten=Decimal("5000.00"),
    )
    return timezone.localtime(vor_20_tagen).date()


def test_table_against_the_underlying_figures_of_two_buendnisse(scenario, echte_daten):
    client = scenario.client("land")
    s = seite(client)
    assert namen(s) == ["Rhein-Kreis Test", "Stadt Anderswo"]
    a = {k: zelle(s, "Rhein-Kreis Test", k) for k in s.zeilen[0]["werte"]}
    b = {k: zelle(s, "Stadt Anderswo", k) for k in s.zeilen[1]["werte"]}
    assert (a["kerngruppe"], b["kerngruppe"]) == ("eingerichtet", "nicht eingerichtet")
    assert (a["letzte_sitzung"], b["letzte_sitzung"]) == (datum(echte_daten), "keine")
    assert (a["erhebung_abgegeben"], b["erhebung_abgegeben"]) == ("1 von 2", "2 von 2")
    assert (a["angebote_veroeffentlicht"], b["angebote_veroeffentlicht"]) == ("3", "1")
    assert (a["kommunen_beteiligt"], b["kommunen_beteiligt"]) == ("1 von 2", "0 von 2")
    assert (a["bewilligt"], b["bewilligt"]) == ("15.000,00 €", "0,00 €")
    assert (a["abgerufen"], b["abgerufen"]) == ("2.500,00 €", "0,00 €")
    assert a["f6_vzae"] == "0,0 von 0,5 VZÄ besetzt"
    assert "bewilligt_f1" not in a
    # Core group, a meeting within 6 months, but only half of the Kommunen delivered: yellow. b: red.
    assert (a["ampel"], b["ampel"]) == ("gelb", "rot")
    # One Baustein at a time: F1's money instead of the totals.
    f1 = seite(client, baustein="f1")
    assert zelle(f1, "Rhein-Kreis Test", "bewilligt_f1") == "10.000,00 €"
    assert zelle(f1, "Rhein-Kreis Test", "abgerufen_f1") == "2.500,00 €"
    assert "bewilligt" not in f1.zeilen[0]["werte"]
    f6 = seite(client, baustein="f6", sort="bewilligt_f6", richtung="ab")
    assert zelle(f6, "Rhein-Kreis Test", "bewilligt_f6") == "5.000,00 €"
    assert namen(f6) == ["Rhein-Kreis Test", "Stadt Anderswo"]
    assert namen(seite(client, sort="angebote_veroeffentlicht", richtung="auf")) == [
        "Stadt Anderswo",
        "Rhein-Kreis Test",
    ]
    assert namen(seite(client, sort="letzte_sitzung", richtung="ab")) == [
        "Rhein-Kreis Test",
        "Stadt Anderswo",
    ]


def test_map_titles_hold_the_table_figures_for_every_registered_figure(scenario, echte_daten):
    client = scenario.client("land")
    for key, _label in landsicht.kartenauswahl(landsicht.sichtbare_spalten(landsicht._spalten())):
        s = seite(client, karte=key)
        for z in s.zeilen:
            assert s.titel[z["id"]] == f"{z['name']}: {z['werte'][key]}", key
            assert s.klassen[z["id"]].startswith("karte-")


@pytest.mark.parametrize("name,args,query", LAND_SEITEN)
def test_query_count_with_the_registered_figures_at_two_and_six_buendnisse(
    scenario, echte_daten, django_assert_max_num_queries, name, args, query
):
    zielsetzung(scenario.a, [Decimal(5)])  # targets cost their queries once there are any, not per Bündnis
    client = scenario.client("land")
    url = reverse(name, args=args)
    bei_zwei = _anzahl(client, url, query)
    _mehr_buendnisse(4)
    assert Buendnis.objects.count() == 6
    with django_assert_max_num_queries(bei_zwei):
        assert client.get(url, query).status_code == 200


def test_buendnis_page_with_the_registered_figures_and_measured_tasks(scenario, echte_daten):
    html = (
        scenario.client("land").get(reverse("berichte:land-buendnis", args=[scenario.a.pk])).content.decode()
    )
    assert "15.000,00 €" in html and "10.000,00 €" in html and "5.000,00 €" in html
    assert "F6 Teilhabemanagement" in html
    # The nine tasks measured from the data, with their evidence.
    tabelle = html.split('id="kernaufgaben"')[1].split("</table>")[0]
    assert tabelle.count("<tr>") == 10  # header and nine tasks
    assert "erfüllt" in tabelle
