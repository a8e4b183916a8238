"""The F6 staffing key (Baustein F6): entitled VZÄ from the latest closed survey round against a hand-computed
fixture, applied and filled VZÄ, sums per Kommune, Kreis, Bündnis and state; the page per role; query counts.

Hand computation (one position per 100 geduldete 18- to 27-year-olds, rounded half up to 0.1 VZÄ):

  Bündnis a, closed round 2019 (the open round 2020 and the older closed round 2018 do not count)
    Aheim   geduldete 100 + 100 + 20 (§ 60c) + 10 (§ 60d) + 4 (§ 60b) = 234 → 2.3 VZÄ
            (500 gestattete and 999 geduldete of another dimension are not counted)
    Adorf   45 → 0.45 → 0.5 VZÄ (half up)
    Cstadt  4 → 0.04 → 0.0 VZÄ
    Ddorf   only a draft report → no figure → 0.0 VZÄ, marked "keine Meldung"
    Kreis   minimum 0.5 VZÄ at the Geschäftsführende Stelle
    Sum     2.3 + 0.5 + 0.0 + 0.0 + 0.5 = 3.3 VZÄ
  Bündnis b, closed round 2019
    Bheim   150 → 1.5 VZÄ;  Bdorf no report → 0.0;  Kreis 0.5;  Sum 2.0 VZÄ
  State     3.3 + 2.0 = 5.3 VZÄ

Positions (applied = linked to a submitted or approved F6 application; filled = besetzt_seit set):
    Aheim   1.50 submitted+filled, 0.80 approved+vacant, 0.50 draft+filled → applied 2.30, filled 2.00
    Adorf   0.50 approved+filled                                     → applied 0.50, filled 0.50
    Kreis a 0.50 approved+filled (kreisweit application)                → applied 0.50, filled 0.50
    Bheim   1.00 approved+filled                                     → applied 1.00, filled 1.00
    Sum a   applied 3.30, filled 3.00;  Sum b applied 1.00, filled 1.00;  State applied 4.30, filled 4.00
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bedarf.models import Bedarfsmeldung, Dimension, ErhebungStatus, Meldewert, MeldungStatus
from buendnis.models import Kommune
from foerderung.stellenschluessel import (
    GEDULDET_CODES,
    anspruch_vze,
    geduldete_je_kommune,
    letzte_abgeschlossene_erhebungen,
    stellenschluessel,
)
from tests.bedarf.factories import ErhebungFactory

from .factories import FoerderantragFactory, TeilhabeStelleFactory

D = Decimal
ZG = Dimension.ZIELGRUPPE


def _meldung(erhebung, kommune, werte, status=MeldungStatus.ABGEGEBEN):
    """werte: (aufenthaltsstatus, altersband, geschlecht, anzahl[, dimension, merkmal])."""
    meldung = Bedarfsmeldung.objects.create(erhebung=erhebung, kommune=kommune, status=status)
    for wert in werte:
        status_code, band, geschlecht, anzahl, *rest = wert
        dimension, merkmal = rest if rest else (ZG, "")
        Meldewert.objects.create(
            meldung=meldung,
            dimension=dimension,
            aufenthaltsstatus=status_code,
            merkmal=merkmal,
            altersband=band,
            geschlecht=geschlecht,
            anzahl=anzahl,
        )
    return meldung


@pytest.fixture
def erhebungen(scenario):
    """The survey figures of the hand computation above."""
    a, b = scenario.a, scenario.b
    c = Kommune.objects.create(buendnis=a, name="Cstadt")
    d = Kommune.objects.create(buendnis=a, name="Ddorf")
    alt = ErhebungFactory(buendnis=a, titel="2018", stichtag=datetime.date(2018, 10, 31), abgeschlossen=True)
    _meldung(alt, scenario.a1, [("duldung", "18-20", "m", 5000)])
    runde = ErhebungFactory(
        buendnis=a, titel="2019", stichtag=datetime.date(2019, 10, 31), abgeschlossen=True
    )
    _meldung(
        runde,
        scenario.a1,
        [
            ("duldung", "18-20", "w", 100),
            ("duldung", "21-24", "m", 100),
            ("ausbildungsduldung", "25-27", "m", 20),
            ("beschaeftigungsduldung", "21-24", "d", 10),
            ("duldung_ungeklaerte_identitaet", "18-20", "m", 4),
            ("gestattung", "18-20", "m", 500),
            ("duldung", "", "", 999, Dimension.BEDARF, "deutsch"),
        ],
    )
    _meldung(runde, scenario.a2, [("duldung", "18-20", "m", 40), ("duldung", "25-27", "w", 5)])
    _meldung(runde, c, [("duldung", "21-24", "m", 4)])
    _meldung(runde, d, [("duldung", "21-24", "m", 300)], status=MeldungStatus.ENTWURF)
    offen = ErhebungFactory(buendnis=a, titel="2020", stichtag=datetime.date(2020, 10, 31))
    assert offen.status == ErhebungStatus.OFFEN
    _meldung(offen, scenario.a1, [("duldung", "18-20", "m", 1000)])
    runde_b = ErhebungFactory(
        buendnis=b, titel="2019 b", stichtag=datetime.date(2019, 10, 31), abgeschlossen=True
    )
    _meldung(runde_b, scenario.b1, [("duldung", "18-20", "m", 150), ("gestattung", "18-20", "m", 70)])
    return {"a": runde, "b": runde_b, "c": c, "d": d, "offen": offen}


@pytest.fixture
def stellen(scenario, f6):
    a, b = scenario.a, scenario.b

    def antrag(buendnis, kommune, **trait):
        return FoerderantragFactory(buendnis=buendnis, kommune=kommune, baustein=f6, **trait)

    besetzt = datetime.date(2020, 2, 1)
    TeilhabeStelleFactory(
        buendnis=a, kommune=scenario.a1, vze=D("1.50"), besetzt_seit=besetzt,
        antrag=antrag(a, scenario.a1, eingereicht=True),
    )  # fmt: skip
    TeilhabeStelleFactory(
        buendnis=a, kommune=scenario.a1, vze=D("0.80"), besetzt_seit=None,
        antrag=antrag(a, scenario.a1, bewilligt=True),
    )  # fmt: skip
    TeilhabeStelleFactory(
        buendnis=a, kommune=scenario.a1, vze=D("0.50"), besetzt_seit=besetzt, antrag=antrag(a, scenario.a1)
    )
    TeilhabeStelleFactory(
        buendnis=a, kommune=scenario.a2, vze=D("0.50"), besetzt_seit=besetzt,
        antrag=antrag(a, scenario.a2, bewilligt=True),
    )  # fmt: skip
    kreisweit = FoerderantragFactory(
        buendnis=a, kommune=None, antragsteller_akteur=scenario.akteur_a, baustein=f6, bewilligt=True
    )
    TeilhabeStelleFactory(buendnis=a, kommune=None, vze=D("0.50"), besetzt_seit=besetzt, antrag=kreisweit)
    TeilhabeStelleFactory(
        buendnis=b, kommune=scenario.b1, vze=D("1.00"), besetzt_seit=besetzt,
        antrag=antrag(b, scenario.b1, bewilligt=True),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("geduldete", "vze"),
    [(0, "0.0"), (4, "0.0"), (5, "0.1"), (14, "0.1"), (15, "0.2"), (45, "0.5"), (234, "2.3"), (250, "2.5")],
)
def test_entitlement_is_one_position_per_100_geduldete_rounded_half_up_to_a_tenth(geduldete, vze):
    assert anspruch_vze(geduldete) == D(vze)
    assert str(anspruch_vze(geduldete)) == vze


def test_geduldete_are_all_duldungen_and_no_gestattung():
    assert set(GEDULDET_CODES) == {
        "duldung",
        "ausbildungsduldung",
        "beschaeftigungsduldung",
        "duldung_ungeklaerte_identitaet",
    }
    assert "gestattung" not in GEDULDET_CODES


def test_only_the_latest_closed_round_counts(scenario, erhebungen):
    runden = letzte_abgeschlossene_erhebungen([scenario.a.pk, scenario.b.pk])
    assert runden == {scenario.a.pk: erhebungen["a"], scenario.b.pk: erhebungen["b"]}
    zahlen = geduldete_je_kommune(list(runden.values()))
    assert zahlen == {
        scenario.a1.pk: 234,
        scenario.a2.pk: 45,
        erhebungen["c"].pk: 4,
        scenario.b1.pk: 150,
    }


def test_key_of_a_buendnis_per_kommune_and_kreis(scenario, erhebungen, stellen):
    schluessel = stellenschluessel(scenario.users["koordination"], heute=datetime.date(2020, 6, 1))
    assert not schluessel.landesansicht
    [buendnis] = schluessel.buendnisse
    assert buendnis.erhebung == erhebungen["a"]
    zeilen = {z.bezeichnung: z for z in buendnis.zeilen}
    werte = {name: (z.anspruch, z.beantragt, z.besetzt) for name, z in zeilen.items()}
    assert werte == {
        "Adorf": (D("0.5"), D("0.50"), D("0.50")),
        "Aheim": (D("2.3"), D("2.30"), D("2.00")),
        "Cstadt": (D("0.0"), D("0"), D("0")),
        "Ddorf": (D("0.0"), D("0"), D("0")),
        "Geschäftsführende Stelle (Kreis)": (D("0.5"), D("0.50"), D("0.50")),
    }
    assert [z.bezeichnung for z in buendnis.zeilen][-1] == "Geschäftsführende Stelle (Kreis)"
    assert zeilen["Geschäftsführende Stelle (Kreis)"].ist_kreis
    assert zeilen["Ddorf"].ohne_meldung and not zeilen["Cstadt"].ohne_meldung
    summe = buendnis.summe
    assert (summe.anspruch, summe.beantragt, summe.besetzt) == (D("3.3"), D("3.30"), D("3.00"))
    # The rows add up to the Bündnis total, the Bündnis total is the viewer's total.
    assert sum((z.anspruch for z in buendnis.zeilen), D(0)) == summe.anspruch
    assert sum((z.beantragt for z in buendnis.zeilen), D(0)) == summe.beantragt
    assert sum((z.besetzt for z in buendnis.zeilen), D(0)) == summe.besetzt
    assert (schluessel.summe.anspruch, schluessel.summe.beantragt) == (D("3.3"), D("3.30"))
    assert summe.offen == D("0.00")


def test_kreis_minimum_without_any_survey_or_position(scenario):
    schluessel = stellenschluessel(scenario.users["koordination"])
    [buendnis] = schluessel.buendnisse
    assert buendnis.erhebung is None
    assert [(z.bezeichnung, z.anspruch) for z in buendnis.zeilen] == [
        ("Adorf", D("0.0")),
        ("Aheim", D("0.0")),
        ("Geschäftsführende Stelle (Kreis)", D("0.5")),
    ]
    assert buendnis.summe.anspruch == D("0.5")


def test_state_sees_every_buendnis_summed_and_the_total_reconciles(scenario, erhebungen, stellen):
    schluessel = stellenschluessel(scenario.users["land"], heute=datetime.date(2020, 6, 1))
    assert schluessel.landesansicht
    zeilen = {z.bezeichnung: (z.anspruch, z.beantragt, z.besetzt) for z in schluessel.zeilen}
    assert zeilen == {
        "Rhein-Kreis Test": (D("3.3"), D("3.30"), D("3.00")),
        "Stadt Anderswo": (D("2.0"), D("1.00"), D("1.00")),
    }
    gesamt = schluessel.summe
    assert (gesamt.anspruch, gesamt.beantragt, gesamt.besetzt) == (D("5.3"), D("4.30"), D("4.00"))
    # The state's row of a Bündnis equals what the Bündnis itself sees.
    eigen = stellenschluessel(scenario.users["koordination"], heute=datetime.date(2020, 6, 1)).summe
    assert zeilen["Rhein-Kreis Test"] == (eigen.anspruch, eigen.beantragt, eigen.besetzt)
    anders = stellenschluessel(scenario.users["koordination_b"], heute=datetime.date(2020, 6, 1)).summe
    assert zeilen["Stadt Anderswo"] == (anders.anspruch, anders.beantragt, anders.besetzt)


def test_position_filled_only_from_its_date(scenario, f6):
    TeilhabeStelleFactory(
        buendnis=scenario.a, kommune=scenario.a1, vze=D("1.00"), besetzt_seit=datetime.date(2021, 1, 1)
    )
    vorher = stellenschluessel(scenario.users["koordination"], heute=datetime.date(2020, 12, 31))
    nachher = stellenschluessel(scenario.users["koordination"], heute=datetime.date(2021, 1, 1))
    assert vorher.summe.besetzt == D("0.0") and nachher.summe.besetzt == D("1.00")


# The page -------------------------------------------------------------------------------------------------------

ROLLEN = ["anonym", "koordination", "kommune", "mitglied", "auswertung", "land", "admin", "koordination_b"]
SEITE = {
    "anonym": 302,
    "koordination": 200,
    "kommune": 200,
    "mitglied": 403,
    "auswertung": 200,
    "land": 200,
    "admin": 200,
    "koordination_b": 200,
}


@pytest.mark.parametrize("rolle", ROLLEN)
def test_staffing_key_page_per_role(scenario, erhebungen, stellen, rolle):
    response = scenario.client(rolle).get(reverse("foerderung:stellenschluessel"))
    assert response.status_code == SEITE[rolle]
    if response.status_code != 200:
        return
    text = response.content.decode()
    assert "1 Stelle je 100 geduldete 18- bis 27-Jährige, auf 0,1 VZÄ gerundet" in text
    if rolle in ("land", "admin"):
        assert "Rhein-Kreis Test" in text and "Stadt Anderswo" in text
        assert "Aheim" not in text  # the state view is by Bündnis, not by Kommune
        assert "Land insgesamt" in text and "5,3" in text
    elif rolle == "koordination_b":
        assert "Bheim" in text and "Aheim" not in text and "Rhein-Kreis Test" not in text
    else:
        assert "Aheim" in text and "Adorf" in text and "Bheim" not in text
        assert "2,3" in text and "Summe Rhein-Kreis Test" in text


EIGENE_ZAHL = {
    "kommune": "234 geduldete Personen (eigene Meldung)",
    "kommune_a2": "45 geduldete Personen (eigene Meldung)",
}


@pytest.mark.parametrize("rolle", ["koordination", "auswertung", "land", "kommune", "kommune_a2"])
def test_staffing_key_page_shows_a_survey_count_only_to_its_own_kommune(scenario, erhebungen, rolle):
    text = scenario.client(rolle).get(reverse("foerderung:stellenschluessel")).content.decode()
    for konto, zahl in EIGENE_ZAHL.items():
        assert (zahl in text) == (konto == rolle), zahl
    # Cstadt's 4 geduldete are never shown; its entitlement is 0.0 VZÄ.
    assert ">4 geduldete" not in text


def _mehr(scenario, f6, n):
    erhebung = ErhebungFactory(
        buendnis=scenario.a,
        titel=f"Runde {n}",
        stichtag=datetime.date(2019, 1, 1) + datetime.timedelta(days=n),
        abgeschlossen=True,
    )
    for i in range(n):
        kommune = Kommune.objects.create(buendnis=scenario.a, name=f"Schlüsselort {i}-{n}")
        _meldung(erhebung, kommune, [("duldung", "18-20", "m", 100 + i), ("gestattung", "18-20", "w", 3)])
        antrag = FoerderantragFactory(buendnis=scenario.a, kommune=kommune, baustein=f6, bewilligt=True)
        TeilhabeStelleFactory(buendnis=scenario.a, kommune=kommune, antrag=antrag)
        TeilhabeStelleFactory(buendnis=scenario.b, kommune=scenario.b1, antrag=None)


@pytest.mark.parametrize("rolle", ["koordination", "land", "kommune"])
def test_staffing_key_page_query_count_does_not_depend_on_the_rows(
    scenario, f6, rolle, django_assert_max_num_queries
):
    client = scenario.client(rolle)
    url = reverse("foerderung:stellenschluessel")
    _mehr(scenario, f6, 2)
    with CaptureQueriesContext(connection) as wenige:
        assert client.get(url).status_code == 200
    _mehr(scenario, f6, 30)  # more rows than one page
    with django_assert_max_num_queries(len(wenige)):
        assert client.get(url + "?page=2").status_code == 200


def test_key_shows_todays_quota_and_the_joining(scenario):
    from foerderung.models import Haushaltssicherung, KommuneTeilnahme

    KommuneTeilnahme.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, beigetreten_am=datetime.date(2019, 6, 27)
    )
    Haushaltssicherung.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, gueltig_ab=datetime.date(2019, 1, 1)
    )
    Haushaltssicherung.objects.create(
        buendnis=scenario.a,
        kommune=scenario.a2,
        gueltig_ab=datetime.date(2015, 1, 1),
        gueltig_bis=datetime.date(2019, 12, 31),
    )
    schluessel = stellenschluessel(scenario.users["koordination"], heute=datetime.date(2020, 6, 1))
    zeilen = {z.bezeichnung: (z.beigetreten, z.quote) for z in schluessel.zeilen}
    assert zeilen == {
        "Adorf": (False, D("80")),
        "Aheim": (True, D("90")),
        "Geschäftsführende Stelle (Kreis)": (None, D("80")),
    }
