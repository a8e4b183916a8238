"""Monitoring and case counts leave their Kommune or Träger only protected (issue 11).

Raw: the Kommune an application or position belongs to (and the applying Träger). Protected: every other reader,
the other Kommune, `koordination`, `auswertung`, `land` and superusers; `mitglied` of another Akteur opens nothing.
The assertions read the rendered table cells, not only the selector.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from bedarf import audit
from bedarf.suppression import ZEICHEN, legende
from foerderung import selectors, services

from .factories import FoerderantragFactory, TeilhabeStelleFactory

D = Decimal
ROH = ["kommune"]
N = len(selectors.MONITORING_FELDER)  # count columns of the monitoring table, then the breakdown by status
GESCHUETZT = ["kommune_a2", "koordination", "auswertung", "land", "admin"]


def _status(*codes):
    from angebote.models import Aufenthaltsstatus

    return [Aufenthaltsstatus.objects.get(code=c) for c in codes]


@pytest.fixture
def antrag(scenario, f1):
    """An application of Kommune a1 with one quarter holding two small counts (2 left early, 2 with
    Ausbildungsduldung) and one quarter without any small count."""
    antrag = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True, beantragt=D("5000.00")
    )
    gestattung, ausbildungsduldung, duldung = _status("gestattung", "ausbildungsduldung", "duldung")
    koord = scenario.users["koordination"]
    services.monitoring_melden(
        antrag=antrag,
        jahr=2020,
        quartal=1,
        by=koord,
        eingetreten=12,
        aktiv=9,
        vorzeitig_beendet=2,
        abgeschlossen=4,
        uebergang_ausbildung=3,
        nach_status={gestattung: 7, ausbildungsduldung: 2, duldung: 6},
    )
    services.monitoring_melden(
        antrag=antrag,
        jahr=2020,
        quartal=2,
        by=koord,
        eingetreten=5,
        aktiv=14,
        abgeschlossen=0,
        nach_status={gestattung: 8, duldung: 6},
    )
    return antrag


@pytest.fixture
def stelle(scenario):
    """A position in Kommune a1: 11 advised, "davon neu 2"."""
    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    gestattung, duldung = _status("gestattung", "duldung")
    services.fallzahl_melden(
        stelle=stelle,
        jahr=2020,
        quartal=1,
        beratene_personen=11,
        neue_faelle=2,
        by=scenario.users["kommune"],
        nach_status={gestattung: 5, duldung: 6},
    )
    return stelle


def _tabelle(content: str, caption: str) -> list[list[str]]:
    """The body cells of the table with `caption`, as text, one list per row (the row header first)."""
    seite = content.decode() if isinstance(content, bytes) else content
    start = seite.index(caption)
    tabelle = seite[start : seite.index("</table>", start)]
    body = tabelle[tabelle.index("<tbody>") : tabelle.index("</tbody>")]
    zeilen = []
    for zeile in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        zellen = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", zeile, flags=re.S)
        zeilen.append([html.unescape(re.sub(r"<[^>]+>", "", z)).strip() for z in zellen])
    return zeilen


def _nach_status(zelle: str) -> dict[str, str]:
    if zelle == "–":
        return {}
    return dict(teil.rsplit(": ", 1) for teil in zelle.split("; "))


def _monitoring(scenario, rolle, antrag):
    response = scenario.client(rolle).get(antrag.get_absolute_url())
    assert response.status_code == 200
    return response, _tabelle(response.content, "Monitoring je Quartal, nur Summen")


def _fallzahlen(scenario, rolle, stelle):
    response = scenario.client(rolle).get(stelle.get_absolute_url())
    assert response.status_code == 200
    return response, _tabelle(response.content, "Beratene Personen je Quartal")


# Who sees raw --------------------------------------------------------------------------------------------------


def test_the_rule_lives_in_one_selector(scenario, f1, antrag, stelle):
    users = scenario.users
    assert selectors.sieht_zahlen_roh(users["kommune"], antrag)
    assert selectors.sieht_zahlen_roh(users["kommune"], stelle)
    for rolle in ("kommune_a2", "koordination", "auswertung", "land", "admin", "mitglied", "kommune_b1"):
        assert not selectors.sieht_zahlen_roh(users[rolle], antrag), rolle
        assert not selectors.sieht_zahlen_roh(users[rolle], stelle), rolle
    # The applying Träger: members of that Akteur, nobody else.
    traeger = FoerderantragFactory(
        buendnis=scenario.a, kommune=None, antragsteller_akteur=scenario.akteur_a, baustein=f1, bewilligt=True
    )
    assert selectors.sieht_zahlen_roh(users["mitglied"], traeger)
    assert not selectors.sieht_zahlen_roh(users["kommune"], traeger)
    assert not selectors.sieht_zahlen_roh(users["koordination"], traeger)


# Monitoring of an application -----------------------------------------------------------------------------------


def test_owning_kommune_sees_its_monitoring_raw_without_legend(scenario, antrag):
    response, zeilen = _monitoring(scenario, "kommune", antrag)
    q1 = zeilen[0]
    assert q1[: N + 1] == ["Q1/2020", "12", "9", "2", "4", "0", "3", "0", "0", "0", "0", "0"]
    assert _nach_status(q1[N + 1]) == {"Gestattung": "7", "Duldung": "6", "Ausbildungsduldung": "2"}
    assert ZEICHEN not in "".join(q1)
    assert legende() not in response.content.decode()


@pytest.mark.parametrize("rolle", GESCHUETZT)
def test_small_monitoring_counts_never_reach_other_readers(scenario, antrag, rolle):
    response, zeilen = _monitoring(scenario, rolle, antrag)
    q1, q2 = zeilen
    zahlen = dict(zip(selectors.MONITORING_FELDER, q1[1 : N + 1], strict=True))
    assert zahlen["vorzeitig_beendet"] == ZEICHEN
    status = _nach_status(q1[N + 1])
    assert status["Ausbildungsduldung"] == ZEICHEN
    # No cell carries a count from 1 to k-1, and the withheld ones cannot be recomputed: "2" is gone entirely.
    for zelle in [*q1[1 : N + 1], *status.values(), *q2[1 : N + 1], *_nach_status(q2[N + 1]).values()]:
        assert zelle not in ("1", "2"), (rolle, zelle)
    # Large figures stay visible; a quarter without small counts is shown as it is.
    assert zahlen["eingetreten"] == "12"
    assert q2[:3] == ["Q2/2020", "5", "14"]
    assert "Ausbildungsduldung" not in _nach_status(q2[N + 1])
    seite = response.content.decode()
    assert html.escape(legende()) in seite or legende() in html.unescape(seite)


def test_monitoring_withholds_enough_that_a_solver_learns_nothing(scenario, antrag):
    """The reader's own attack: everything the page shows plus the form rules, integer programming (HiGHS)."""
    tabelle = selectors.monitoring_tabelle(scenario.users["auswertung"], antrag)
    meldungen = sorted(antrag.monitoring.prefetch_related("nach_status"), key=lambda m: (m.jahr, m.quartal))
    status = selectors._status_liste(())
    daten = selectors._daten(meldungen, selectors.MONITORING_FELDER)
    modell = selectors._quartalsmodell(
        daten, selectors.MONITORING_FELDER, selectors.MONITORING_REGELN, status
    )
    gesperrt = set()
    for i, zeile in enumerate(tabelle.zeilen):
        for f, w in zeile.werte.items():
            if w.gesperrt:
                gesperrt.add(("f", i, f))
        for s, w in zeile.nach_status:
            if w.gesperrt:
                gesperrt.add(("s", i, s.pk))
    assert ("f", 0, "vorzeitig_beendet") in gesperrt
    assert len(gesperrt) == tabelle.gesperrt
    for zelle in gesperrt:
        unten, oben = audit.spannweite(modell, gesperrt, zelle)
        assert unten == 0 and oben >= modell.k, (zelle, unten, oben)


@pytest.fixture
def frauen_antrag(scenario, f1):
    """Q1: 14 participants, 2 of them women; qualifications 1 Hauptschulabschluss, 4 Fachoberschulreife, 0 vocational.
    Q2: 9 participants, 5 women, 3 vocational qualifications (no small count)."""
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    gestattung, duldung = _status("gestattung", "duldung")
    koord = scenario.users["koordination"]
    services.monitoring_melden(
        antrag=antrag,
        jahr=2021,
        quartal=1,
        by=koord,
        eingetreten=14,
        aktiv=10,
        abgeschlossen=4,
        uebergang_ausbildung=3,
        teilnehmende_frauen=2,
        abschluss_hauptschule=1,
        abschluss_fachoberschulreife=4,
        nach_status={gestattung: 7, duldung: 7},
    )
    services.monitoring_melden(
        antrag=antrag,
        jahr=2021,
        quartal=2,
        by=koord,
        eingetreten=9,
        aktiv=9,
        teilnehmende_frauen=5,
        abschluss_beruf=3,
        nach_status={gestattung: 4, duldung: 5},
    )
    return antrag


def test_owning_kommune_sees_women_and_qualifications_raw(scenario, frauen_antrag):
    _response, zeilen = _monitoring(scenario, "kommune", frauen_antrag)
    zahlen = dict(zip(selectors.MONITORING_FELDER, zeilen[0][1 : N + 1], strict=True))
    assert [zahlen[f] for f in selectors.MONITORING_FELDER[-4:]] == ["2", "1", "4", "0"]


@pytest.mark.parametrize("rolle", GESCHUETZT)
def test_small_counts_of_women_and_qualifications_never_reach_other_readers(scenario, frauen_antrag, rolle):
    _response, zeilen = _monitoring(scenario, rolle, frauen_antrag)
    q1 = dict(zip(selectors.MONITORING_FELDER, zeilen[0][1 : N + 1], strict=True))
    q2 = dict(zip(selectors.MONITORING_FELDER, zeilen[1][1 : N + 1], strict=True))
    assert (q1["teilnehmende_frauen"], q1["abschluss_hauptschule"]) == (ZEICHEN, ZEICHEN)
    for zelle in [*q1.values(), *q2.values()]:
        assert zelle not in ("1", "2"), (rolle, zelle)
    assert (q1["eingetreten"], q2["teilnehmende_frauen"]) == ("14", "5")


def test_women_and_qualifications_withhold_enough_that_a_solver_learns_nothing(scenario, frauen_antrag):
    """The attack of test_monitoring_withholds_enough_that_a_solver_learns_nothing, with the new fields and their
    rules (women ≤ participants; Hauptschulabschluss + Fachoberschulreife + vocational ≤ participants)."""
    assert (
        ("teilnehmende_frauen",),
        ("aktiv", "vorzeitig_beendet", "abgeschlossen"),
    ) in selectors.MONITORING_REGELN
    tabelle = selectors.monitoring_tabelle(scenario.users["land"], frauen_antrag)
    meldungen = sorted(
        frauen_antrag.monitoring.prefetch_related("nach_status"), key=lambda m: (m.jahr, m.quartal)
    )
    status = selectors._status_liste(())
    daten = selectors._daten(meldungen, selectors.MONITORING_FELDER)
    modell = selectors._quartalsmodell(
        daten, selectors.MONITORING_FELDER, selectors.MONITORING_REGELN, status
    )
    gesperrt = {("f", i, f) for i, z in enumerate(tabelle.zeilen) for f, w in z.werte.items() if w.gesperrt}
    gesperrt |= {("s", i, s.pk) for i, z in enumerate(tabelle.zeilen) for s, w in z.nach_status if w.gesperrt}
    assert {("f", 0, "teilnehmende_frauen"), ("f", 0, "abschluss_hauptschule")} <= gesperrt
    assert len(gesperrt) == tabelle.gesperrt
    for zelle in gesperrt:
        unten, oben = audit.spannweite(modell, gesperrt, zelle)
        assert unten == 0 and oben >= modell.k, (zelle, unten, oben)


def test_a_known_rule_makes_the_audit_withhold_more(scenario, f1):
    """12 people by status but only 10 active: "2 left early" alone would be "at least 2", not "maybe 0"."""
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    gestattung, duldung = _status("gestattung", "duldung")
    services.monitoring_melden(
        antrag=antrag,
        jahr=2021,
        quartal=3,
        by=scenario.users["koordination"],
        eingetreten=10,
        aktiv=10,
        vorzeitig_beendet=2,
        nach_status={gestattung: 6, duldung: 6},
    )
    tabelle = selectors.monitoring_tabelle(scenario.users["land"], antrag)
    zeile = tabelle.zeilen[0]
    assert str(zeile.werte["vorzeitig_beendet"]) == ZEICHEN
    assert tabelle.gesperrt >= 2
    assert any(w.gesperrt for f, w in zeile.werte.items() if f != "vorzeitig_beendet") or any(
        w.gesperrt for _s, w in zeile.nach_status
    )
    _response, zeilen = _monitoring(scenario, "land", antrag)
    assert "2" not in zeilen[0][1 : N + 1]


def test_mitglied_and_other_buendnis_open_no_monitoring(scenario, antrag, stelle):
    for rolle in ("mitglied", "kommune_b1", "koordination_b"):
        client = scenario.client(rolle)
        assert client.get(antrag.get_absolute_url()).status_code in (403, 404), rolle
        assert client.get(stelle.get_absolute_url()).status_code in (403, 404), rolle


# Case counts of Teilhabemanagement ------------------------------------------------------------------------------


def test_owning_kommune_sees_its_case_counts_raw(scenario, stelle):
    response, zeilen = _fallzahlen(scenario, "kommune", stelle)
    assert zeilen[0][:3] == ["Q1/2020", "11", "2"]
    assert _nach_status(zeilen[0][3]) == {"Gestattung": "5", "Duldung": "6"}
    assert legende() not in response.content.decode()


@pytest.mark.parametrize("rolle", GESCHUETZT)
def test_davon_neu_2_never_reaches_other_readers(scenario, stelle, rolle):
    response, zeilen = _fallzahlen(scenario, rolle, stelle)
    q1 = zeilen[0]
    assert q1[:3] == ["Q1/2020", "11", ZEICHEN]
    assert all(w not in ("1", "2") for w in _nach_status(q1[3]).values())
    assert legende() in html.unescape(response.content.decode())


# Aggregations over applications and positions -------------------------------------------------------------------


def test_sums_by_status_are_shown_only_when_every_part_is_visible(scenario, f1, antrag, stelle):
    gestattung, duldung = _status("gestattung", "duldung")
    andere = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a2, baustein=f1, bewilligt=True, beantragt=D("100.00")
    )
    services.monitoring_melden(
        antrag=andere,
        jahr=2020,
        quartal=1,
        by=scenario.users["koordination"],
        aktiv=20,
        nach_status={gestattung: 10, duldung: 10},
    )

    def tabelle(rolle, jahr=None):
        zeilen = selectors.teilnehmende_nach_status(scenario.users[rolle], jahr=jahr)
        return {z["code"]: (str(z["teilnehmende"]), str(z["beratene"])) for z in zeilen}

    for rolle in ("auswertung", "koordination", "land", "kommune_a2"):
        sicht = tabelle(rolle)
        assert sicht["ausbildungsduldung"][0] == ZEICHEN, rolle
        assert all(w not in ("1", "2") for paar in sicht.values() for w in paar), (rolle, sicht)
    # Kommune a1 sees its own figures raw and a2's as a2's page shows them (all visible there).
    eigene = tabelle("kommune")
    assert eigene["ausbildungsduldung"] == ("2", "0")
    assert eigene["gestattung"] == (str(7 + 8 + 10), "5")
    assert tabelle("koordination_b") == {}


def test_protected_pattern_is_computed_once_per_state_of_the_figures(scenario, antrag, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    aufrufe = []
    original = audit.sperrmuster
    monkeypatch.setattr(audit, "sperrmuster", lambda m, **kw: aufrufe.append(1) or original(m, **kw))
    erst = selectors.monitoring_tabelle(scenario.users["auswertung"], antrag)
    selectors.monitoring_tabelle(scenario.users["land"], antrag)
    assert len(aufrufe) == 1
    assert selectors.monitoring_tabelle(scenario.users["kommune_a2"], antrag).zeilen == erst.zeilen
    services.monitoring_melden(
        antrag=antrag, jahr=2020, quartal=2, by=scenario.users["koordination"], eingetreten=1, aktiv=14
    )
    selectors.monitoring_tabelle(scenario.users["auswertung"], antrag)
    assert len(aufrufe) == 2


def test_worker_computes_the_pattern_after_a_report_and_pages_only_read_it(
    scenario, antrag, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.monitoring_melden(
            antrag=antrag, jahr=2020, quartal=3, by=scenario.users["kommune"], eingetreten=1, aktiv=6
        )
    assert len(callbacks) == 1  # the task (run inline by the test backend) filled the cache

    def kein_audit(*args, **kwargs):
        raise AssertionError("the page computed a pattern the worker had computed already")

    monkeypatch.setattr(audit, "sperrmuster", kein_audit)
    _response, zeilen = _monitoring(scenario, "auswertung", antrag)
    assert zeilen[2][:2] == ["Q3/2020", ZEICHEN]


# Exports and admin ----------------------------------------------------------------------------------------------


def test_no_export_carries_the_counts(scenario, antrag, stelle):
    """The counts leave only through the protected pages: no export entry, no import-export resource holds them."""
    from berichte.registry import registry

    modelle = {e.model._meta.model_name for e in registry.alle()}
    assert not modelle & {
        "monitoringmeldung",
        "monitoringstatuszahl",
        "teilhabefallzahl",
        "teilhabefallzahlstatus",
    }
    for rolle in GESCHUETZT[:-1]:
        response = scenario.client(rolle).get(reverse("foerderung:antrag-export") + "?format=csv")
        if response.status_code != 200:
            continue
        text = b"".join(response.streaming_content) if response.streaming else response.content
        kopf = text.decode("utf-8-sig").splitlines()[0]
        assert "Ausbildungsduldung" not in kopf and "vorzeitig" not in kopf


@pytest.mark.parametrize("rolle", ["koordination", "land"])
def test_admin_shows_quarters_not_counts_outside_superusers(scenario, antrag, stelle, rolle):
    client = scenario.client(rolle)
    liste = client.get(reverse("admin:foerderung_monitoringmeldung_changelist"))
    assert liste.status_code == 200
    seite = liste.content.decode()
    assert "column-vorzeitig_beendet" not in seite and "column-aktiv" not in seite
    meldung = antrag.monitoring.get(quartal=1)
    aendern = client.get(reverse("admin:foerderung_monitoringmeldung_change", args=[meldung.pk]))
    if aendern.status_code == 200:
        assert 'name="vorzeitig_beendet"' not in aendern.content.decode()
    verlauf = client.get(reverse("admin:foerderung_monitoringmeldung_history", args=[meldung.pk]))
    assert verlauf.status_code == 403
    stelle_seite = client.get(reverse("admin:foerderung_teilhabestelle_change", args=[stelle.pk]))
    if stelle_seite.status_code == 200:
        assert "neue_faelle" not in stelle_seite.content.decode()


def test_superuser_admin_keeps_the_counts(scenario, antrag):
    seite = scenario.client("admin").get(reverse("admin:foerderung_monitoringmeldung_changelist"))
    assert "column-vorzeitig_beendet" in seite.content.decode()
