"""The needs analysis' steering figures (bedarf.steuerung): survey delivered and open gaps as they stood on a
Stichtag, the tasks "Bedarfserhebung" and "Datenlage", the Land's columns."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Kategorie, Zugang, ZugangArt
from bedarf import selectors, steuerung
from bedarf.models import Bedarfsmeldung, Erhebung, ErhebungStatus
from buendnis import registry
from buendnis.choices import Kernaufgabe, Rolle
from buendnis.registry import Stand
from tests.bedarf.conftest import deliver
from tests.bedarf.factories import DatenlueckeFactory, ErhebungFactory
from tests.factories import AkteurFactory, BuendnisFactory, KommuneFactory, UserFactory

HEUTE = timezone.localdate()
# Renewed for every test (a run across midnight): `heute_je_test`.
pytestmark = pytest.mark.usefixtures("heute_je_test")
B, D = Kernaufgabe.BEDARFSERHEBUNG, Kernaufgabe.DATENLAGE


def aware(tag: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(tag, datetime.time(12)))


def runde(buendnis, titel, jahr):
    return ErhebungFactory(
        buendnis=buendnis,
        titel=titel,
        stichtag=datetime.date(jahr, 10, 31),
        eingabe_von=datetime.date(jahr, 11, 1),
        eingabe_bis=datetime.date(jahr, 12, 15),
    )


def abschliessen(erhebung, am: datetime.date):
    Erhebung.objects.filter(pk=erhebung.pk).update(
        status=ErhebungStatus.ABGESCHLOSSEN, abgeschlossen_am=aware(am)
    )
    erhebung.refresh_from_db()


def abgegeben_am(erhebung, kommune, am: datetime.date):
    Bedarfsmeldung.objects.filter(erhebung=erhebung, kommune=kommune).update(abgegeben_am=aware(am))


def angebot(
    buendnis, traeger, kennung, kategorie, plaetze, zugang, kommunen=(), kreisweit=False, status=None
):
    a = Angebot.objects.create(
        buendnis=buendnis,
        kennung=kennung,
        titel=f"Angebot {kennung}",
        traeger=traeger,
        kategorie=Kategorie.objects.get(code=kategorie),
        plaetze=plaetze,
        kreisweit=kreisweit,
        status=status or AngebotStatus.VEROEFFENTLICHT,
    )
    a.kommunen.set(kommunen)
    for code, art in zugang.items():
        Zugang.objects.create(angebot=a, status=Aufenthaltsstatus.objects.get(code=code), art=art)
    return a


@pytest.fixture
def runden(scenario):
    """Bündnis a (Kommunen a1, a2, a3): round 2025 delivered by a1 and a2 on 20.11.2025, closed 20.12.2025; round
    2026 (open, entry from 01.11.2026) delivered by a1 today. Bündnis b: round 2025 delivered by both Kommunen,
    closed. Offers of a: O1 Deutsch in a1 (12 places), O2 Deutsch kreisweit (5, Gestattung only), O3 a draft
    (100), O4 Arbeit in a2 (8)."""
    a, b = scenario.a, scenario.b
    a3 = KommuneFactory(buendnis=a, name="Adritt")
    u = scenario.users
    alt = runde(a, "2025", 2025)
    deliver(
        alt,
        scenario.a1,
        u["kommune"],
        {"duldung": 30, "gestattung": 20},
        {("deutsch", "duldung"): 20, ("deutsch", "gestattung"): 10, ("arbeit", "duldung"): 5},
    )
    deliver(
        alt, scenario.a2, u["kommune_a2"], {"duldung": 25, "gestattung": 15}, {("deutsch", "duldung"): 10}
    )
    for k in (scenario.a1, scenario.a2):
        abgegeben_am(alt, k, datetime.date(2025, 11, 20))
    abschliessen(alt, datetime.date(2025, 12, 20))
    neu = runde(a, "2026", 2026)
    deliver(neu, scenario.a1, u["kommune"], {"duldung": 31, "gestattung": 20})

    b_runde = runde(b, "B 2025", 2025)
    deliver(b_runde, scenario.b1, u["kommune_b1"], {"duldung": 12}, {("deutsch", "duldung"): 4})
    kommune_b2 = UserFactory(rolle=Rolle.KOMMUNE, buendnis=b, kommune=scenario.b2)
    deliver(b_runde, scenario.b2, kommune_b2, {"duldung": 9}, {("deutsch", "duldung"): 3})
    abschliessen(b_runde, datetime.date(2025, 12, 20))

    offen, nicht = ZugangArt.OFFEN, ZugangArt.NICHT
    t = scenario.akteur_a
    angebot(a, t, "O1", "deutsch", 12, {"duldung": offen}, [scenario.a1])
    angebot(a, t, "O2", "deutsch", 5, {"gestattung": offen, "duldung": nicht}, kreisweit=True)
    angebot(a, t, "O3", "deutsch", 100, {"duldung": offen}, [scenario.a2], status=AngebotStatus.ENTWURF)
    angebot(a, t, "O4", "arbeit", 8, {"duldung": offen}, [scenario.a2])
    return {"alt": alt, "neu": neu, "b": b_runde, "a3": a3}


def test_share_of_kommunen_that_delivered_the_latest_round(scenario, runden):
    ids = [scenario.a.pk, scenario.b.pk]
    # Today the latest round is 2026: a1 of a1, a2, a3 delivered.
    assert steuerung.erhebung_abgegeben(ids, HEUTE, "") == {
        scenario.a.pk: Decimal("33.33"),
        scenario.b.pk: Decimal("100.00"),
    }
    # Before the entry of 2026 began, 2025 was the latest: 2 of 3.
    assert steuerung.erhebung_abgegeben(ids, datetime.date(2026, 6, 30), "")[scenario.a.pk] == Decimal(
        "66.67"
    )
    # A report delivered after the Stichtag does not count.
    assert steuerung.erhebung_abgegeben(ids, datetime.date(2025, 11, 10), "")[scenario.a.pk] == Decimal(
        "0.00"
    )
    # No round begun yet: no value.
    assert steuerung.erhebung_abgegeben(ids, datetime.date(2025, 1, 1), "") == {
        scenario.a.pk: None,
        scenario.b.pk: None,
    }


def test_open_gaps_are_counted_as_the_gap_analysis_shows_them(scenario, runden):
    """a1: Deutsch 30 against 12 (O1) + 5 (O2 kreisweit) = 17, a gap; Arbeit 5 against 0, a gap. a2: Deutsch 10
    against 5 (O2; the draft O3 does not count), a gap; Arbeit 0. Three gaps."""
    werte = steuerung.luecken_zahl([scenario.a.pk, scenario.b.pk], HEUTE, "")
    assert werte[scenario.a.pk] == Decimal(3)
    analyse = selectors.gap_analyse(scenario.users["auswertung"], runden["alt"])
    assert len([z for z in analyse.zeilen if z.luecke is not None and z.luecke > 0]) == 3
    b = selectors.gap_analyse(scenario.users["koordination_b"], runden["b"])
    assert werte[scenario.b.pk] == len([z for z in b.zeilen if z.luecke is not None and z.luecke > 0])


def test_a_withheld_need_is_no_gap(scenario, runden, settings):
    # b has no offers: Deutsch 4 in b1 and 3 in b2 are two gaps while the needs are shown.
    assert steuerung.luecken_zahl([scenario.b.pk], HEUTE, "") == {scenario.b.pk: Decimal(2)}
    # With a higher threshold both needs are small: withheld, so no gap can be told.
    settings.BEDARF_MIN_COUNT = 10
    assert steuerung.luecken_zahl([scenario.b.pk], HEUTE, "") == {scenario.b.pk: Decimal(0)}
    analyse = selectors.gap_analyse(scenario.users["koordination_b"], runden["b"])
    assert all(z.luecke is None for z in analyse.zeilen if z.kategorie.code == "deutsch")


def test_no_gaps_before_a_round_was_closed(scenario, runden):
    assert steuerung.luecken_zahl([scenario.a.pk], datetime.date(2025, 12, 1), "") == {scenario.a.pk: None}


def test_gaps_wait_for_the_small_number_pattern(scenario, runden, settings):
    settings.BEDARF_MUSTER_SOFORT = False
    settings.BEDARF_MIN_COUNT = 4  # a pattern for these figures was never computed
    werte = steuerung.land_offene_luecken([scenario.a.pk])
    assert werte[scenario.a.pk].text == "wird berechnet" and werte[scenario.a.pk].sortwert is None


def test_survey_and_data_tasks_per_rule(scenario, runden):
    nur_luecke = BuendnisFactory(name="Kreis mit Datenlücke")
    DatenlueckeFactory(buendnis=nur_luecke)
    leer = BuendnisFactory(name="Kreis ohne Erhebung")
    ids = [scenario.a.pk, scenario.b.pk, nur_luecke.pk, leer.pk]
    gemessen = steuerung.kernaufgaben_messen(ids, HEUTE)
    a, b = gemessen[scenario.a.pk], gemessen[scenario.b.pk]
    assert a[B].stand == Stand.ERFUELLT and "„2025“" in a[B].text
    assert a[B].url == runden["alt"].get_absolute_url()
    # 2 of 3 Kommunen is less than 75 %: begun.
    assert a[D].stand == Stand.BEGONNEN
    assert "2 von 3 Kommunen haben die Erhebung „2025“ abgegeben." in a[D].text
    assert (b[D].stand, b[D].text) == (
        Stand.ERFUELLT,
        "2 von 2 Kommunen haben die Erhebung „B 2025“ abgegeben.",
    )
    assert gemessen[nur_luecke.pk][D].stand == Stand.BEGONNEN
    assert gemessen[nur_luecke.pk][B].stand == Stand.OFFEN
    assert gemessen[leer.pk][D].stand == Stand.OFFEN and gemessen[leer.pk][B].stand == Stand.OFFEN


def test_tasks_as_they_stood_on_the_stichtag(scenario, runden):
    laufend = steuerung.kernaufgaben_messen([scenario.a.pk], datetime.date(2025, 12, 1))[scenario.a.pk]
    assert laufend[B].stand == Stand.BEGONNEN
    assert laufend[B].text == "Erhebung „2025“ läuft: 2 von 3 Kommunen haben abgegeben."
    vorher = steuerung.kernaufgaben_messen([scenario.a.pk], datetime.date(2025, 11, 10))[scenario.a.pk]
    assert vorher[B].stand == Stand.BEGONNEN and vorher[D].stand == Stand.OFFEN
    assert steuerung.kernaufgaben_messen([scenario.a.pk], datetime.date(2025, 1, 1))[scenario.a.pk][
        B
    ].stand == (Stand.OFFEN)


def test_land_columns_and_their_pages(scenario, runden):
    ids = [scenario.a.pk, scenario.b.pk]
    abgegeben = steuerung.land_erhebung_abgegeben(ids)
    assert abgegeben[scenario.a.pk].text == "1 von 3"
    assert abgegeben[scenario.a.pk].anteil == Decimal("0.3333")
    assert abgegeben[scenario.a.pk].url == runden["neu"].get_absolute_url()
    assert abgegeben[scenario.b.pk].text == "2 von 2" and abgegeben[scenario.b.pk].anteil == 1
    luecken = steuerung.land_offene_luecken(ids)
    assert luecken[scenario.a.pk].text == "3" and luecken[scenario.a.pk].sortwert == 3
    client = scenario.client("land")
    for wert in (*abgegeben.values(), *luecken.values()):
        assert client.get(wert.url).status_code == 200


def test_no_figure_of_one_buendnis_in_another(scenario, runden):
    leer = BuendnisFactory(name="Kreis ohne Erhebung")
    KommuneFactory(buendnis=leer)
    assert steuerung.erhebung_abgegeben([leer.pk], HEUTE, "") == {leer.pk: None}
    assert steuerung.luecken_zahl([leer.pk], HEUTE, "") == {leer.pk: None}
    assert steuerung.land_erhebung_abgegeben([leer.pk])[leer.pk].text == "keine Erhebung"
    assert steuerung.land_offene_luecken([leer.pk])[leer.pk].text == "keine abgeschlossene Erhebung"


def _buendnis_mit_erhebung(i: int) -> int:
    b = BuendnisFactory(name=f"Kreis {i}")
    k = KommuneFactory(buendnis=b, name=f"Kommune {i}")
    KommuneFactory(buendnis=b, name=f"Kommune {i} zwei")
    user = UserFactory(rolle=Rolle.KOMMUNE, buendnis=b, kommune=k)
    alt = runde(b, f"Runde {i}", 2025)
    deliver(alt, k, user, {"duldung": 20}, {("deutsch", "duldung"): 12})
    abschliessen(alt, datetime.date(2025, 12, 20))
    deliver(runde(b, f"Neu {i}", 2026), k, user, {"duldung": 21})
    t = AkteurFactory(buendnis=b, kommune=None)
    angebot(b, t, f"K{i}-1", "deutsch", 4, {"duldung": ZugangArt.OFFEN}, [k])
    angebot(b, t, f"K{i}-2", "deutsch", 3, {"duldung": ZugangArt.OFFEN}, kreisweit=True)
    DatenlueckeFactory(buendnis=b)
    return b.pk


def test_query_count_does_not_grow_with_the_buendnisse(db, django_assert_max_num_queries):
    ids = [_buendnis_mit_erhebung(i) for i in range(2)]

    def alles(ids):
        steuerung.erhebung_abgegeben(ids, HEUTE, "")
        steuerung.luecken_zahl(ids, HEUTE, "")
        steuerung.kernaufgaben_messen(ids, HEUTE)
        steuerung.land_erhebung_abgegeben(ids)
        steuerung.land_offene_luecken(ids)

    alles(ids)  # computes and stores the small-number patterns
    with django_assert_max_num_queries(23):
        alles(ids)
    ids += [_buendnis_mit_erhebung(i) for i in range(2, 6)]
    alles(ids)
    with django_assert_max_num_queries(23):
        alles(ids)


def test_registered(db):
    quellen = {q.key: q for q in registry.indikatorquellen()}
    assert {"bedarf.erhebung_abgegeben", "bedarf.offene_luecken"} <= set(quellen)
    assert quellen["bedarf.erhebung_abgegeben"].einheit == "%"
    assert all(quellen[k].erklaerung for k in ("bedarf.erhebung_abgegeben", "bedarf.offene_luecken"))
    kennzahlen = {k.key: k for k in registry.landkennzahlen()}
    for key in ("erhebung_abgegeben", "offene_luecken"):
        assert kennzahlen[key].erklaerung and 20 <= kennzahlen[key].reihenfolge <= 29
    assert steuerung.kernaufgaben_messen in registry.kernaufgabenmessungen()
