"""The alliance's steering figures (buendnis.steuerung): the core-group tasks measured from the records, the
Land's columns, the shared helpers, and a flat query count."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from buendnis import registry, steuerung
from buendnis.choices import Kernaufgabe
from buendnis.models import (
    Beschluss,
    Funktion,
    GremiumArt,
    GremiumStatus,
    Mitgliedschaft,
    Prioritaet,
    SitzungStatus,
    VereinbarungStatus,
)
from buendnis.registry import Stand
from tests.factories import (
    AkteurFactory,
    BuendnisFactory,
    GremiumFactory,
    KommuneFactory,
    SitzungFactory,
    VereinbarungFactory,
)

K = Kernaufgabe
HEUTE = timezone.localdate()
# Renewed for every test (a run across midnight): `heute_je_test`.
pytestmark = pytest.mark.usefixtures("heute_je_test")


def vor_tagen(tage: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=tage)


def kerngruppe(buendnis, *, status=GremiumStatus.EINGERICHTET, mitglieder=2, multiplikatoren=0, **kwargs):
    gremium = GremiumFactory(
        buendnis=buendnis,
        name=f"Kerngruppe {buendnis.name}",
        art=GremiumArt.KERNGRUPPE,
        status=status,
        eingerichtet_am=datetime.date(2025, 1, 10),
        **kwargs,
    )
    for i in range(mitglieder):
        funktion = Funktion.MULTIPLIKATOR if i < multiplikatoren else Funktion.MITGLIED
        Mitgliedschaft.objects.create(
            gremium=gremium,
            akteur=AkteurFactory(buendnis=buendnis, name=f"Mitglied {i} {buendnis.name}"),
            funktion=funktion,
            seit=datetime.date(2025, 1, 10),
        )
    return gremium


def sitzung(gremium, beginn, status=SitzungStatus.DURCHGEFUEHRT):
    return SitzungFactory(gremium=gremium, beginn=beginn, status=status)


@pytest.fixture
def zwei(scenario):
    """Bündnis a does everything; Bündnis b has begun most tasks."""
    a, b = scenario.a, scenario.b
    kg_a = kerngruppe(a, mitglieder=3, multiplikatoren=2)
    sitzung(kg_a, vor_tagen(400))
    zuletzt = sitzung(kg_a, vor_tagen(60))
    sitzung(kg_a, timezone.now() + datetime.timedelta(days=10), SitzungStatus.GEPLANT)
    GremiumFactory(buendnis=a, name="Forum Deutsch", status=GremiumStatus.EINGERICHTET)
    GremiumFactory(buendnis=a, name="Forum Wohnen", status=GremiumStatus.VORGESCHLAGEN)
    Prioritaet.objects.create(buendnis=a, rang=1, titel="Deutschförderung")
    Prioritaet.objects.create(buendnis=a, rang=2, titel="Ausbildung")
    VereinbarungFactory(buendnis=a, status=VereinbarungStatus.IN_KRAFT, gueltig_ab=datetime.date(2025, 3, 1))
    VereinbarungFactory(buendnis=a, status=VereinbarungStatus.ENTWURF)

    kg_b = kerngruppe(b, mitglieder=1)
    sitzung(kg_b, vor_tagen(250))  # more than six months ago
    GremiumFactory(buendnis=b, name="Forum Bildung B", status=GremiumStatus.IN_DISKUSSION)
    VereinbarungFactory(buendnis=b, status=VereinbarungStatus.ENTWURF)
    Beschluss.objects.create(
        buendnis=b, gremium=kg_b, text="Prioritäten erarbeiten", kernaufgabe=K.PRIORITAETEN, datum=HEUTE
    )
    return {"kg_a": kg_a, "zuletzt": zuletzt, "kg_b": kg_b}


def staende(ergebnis, bid):
    return {aufgabe: beleg.stand for aufgabe, beleg in ergebnis[bid].items()}


def test_the_alliance_tasks_are_measured_per_rule(scenario, zwei):
    gemessen = steuerung.kernaufgaben_messen([scenario.a.pk, scenario.b.pk], HEUTE)
    assert staende(gemessen, scenario.a.pk) == {
        K.LENKUNG: Stand.ERFUELLT,
        K.FOREN: Stand.ERFUELLT,
        K.MULTIPLIKATOREN: Stand.ERFUELLT,
        K.PRIORITAETEN: Stand.ERFUELLT,
        K.VERFAHRENSVEREINBARUNGEN: Stand.ERFUELLT,
    }
    assert staende(gemessen, scenario.b.pk) == {
        K.LENKUNG: Stand.BEGONNEN,  # set up, but no meeting in the last six months
        K.FOREN: Stand.BEGONNEN,  # a forum under discussion
        K.MULTIPLIKATOREN: Stand.OFFEN,
        K.PRIORITAETEN: Stand.BEGONNEN,  # only a decision tagged with the task
        K.VERFAHRENSVEREINBARUNGEN: Stand.BEGONNEN,  # a draft
    }
    a = gemessen[scenario.a.pk]
    assert a[K.MULTIPLIKATOREN].text == "2 Mitglieder der Bündniskerngruppe mit Multiplikatorenfunktion."
    assert a[K.PRIORITAETEN].text == "2 Prioritäten festgelegt."
    assert "Forum Deutsch" in a[K.FOREN].text and "Forum Wohnen" not in a[K.FOREN].text
    assert a[K.LENKUNG].url == zwei["zuletzt"].get_absolute_url()
    assert a[K.FOREN].url == "/gremien/?art=forum&status=eingerichtet"
    b = gemessen[scenario.b.pk]
    assert b[K.PRIORITAETEN].text.startswith("1 Beschluss zu dieser Aufgabe")
    assert b[K.LENKUNG].url == zwei["kg_b"].get_absolute_url()


def test_core_group_without_members_or_not_set_up_is_not_steering(scenario):
    kerngruppe(scenario.a, mitglieder=0)
    kerngruppe(scenario.b, status=GremiumStatus.IN_DISKUSSION)
    gemessen = steuerung.kernaufgaben_messen([scenario.a.pk, scenario.b.pk], HEUTE)
    assert gemessen[scenario.a.pk][K.LENKUNG].stand == Stand.OFFEN
    assert gemessen[scenario.b.pk][K.LENKUNG].stand == Stand.OFFEN
    werte = steuerung.land_kerngruppe([scenario.a.pk, scenario.b.pk])
    assert werte[scenario.a.pk].text == "nicht eingerichtet" and werte[scenario.a.pk].sortwert == 0


def test_a_guest_is_no_member_and_no_multiplier(scenario):
    kg = kerngruppe(scenario.a, mitglieder=0)
    Mitgliedschaft.objects.create(
        gremium=kg, akteur=scenario.akteur_a, funktion=Funktion.GAST, seit=datetime.date(2025, 1, 1)
    )
    assert steuerung.land_kerngruppe([scenario.a.pk])[scenario.a.pk].text == "nicht eingerichtet"


def test_the_stichtag_is_respected(scenario, zwei):
    # Before the meeting 60 days ago, the last one was 400 days ago: the core group was set up, not steering.
    frueher = HEUTE - datetime.timedelta(days=100)
    gemessen = steuerung.kernaufgaben_messen([scenario.a.pk], frueher)[scenario.a.pk]
    assert gemessen[K.LENKUNG].stand == Stand.BEGONNEN
    # Priorities recorded today (no decision) did not exist then; the agreement in force since 2025 did.
    assert gemessen[K.PRIORITAETEN].stand == Stand.OFFEN
    assert gemessen[K.VERFAHRENSVEREINBARUNGEN].stand == Stand.ERFUELLT
    # A member who joined after the Stichtag does not count; before the core group was set up nothing did.
    vorher = steuerung.kernaufgaben_messen([scenario.a.pk], datetime.date(2024, 12, 31))[scenario.a.pk]
    assert vorher[K.LENKUNG].stand == Stand.OFFEN
    assert vorher[K.MULTIPLIKATOREN].stand == Stand.OFFEN
    assert vorher[K.FOREN].stand == Stand.OFFEN


def test_decisions_after_the_stichtag_do_not_count(scenario):
    kg = kerngruppe(scenario.b, mitglieder=1)
    Beschluss.objects.create(
        buendnis=scenario.b, gremium=kg, text="später", kernaufgabe=K.DATENLAGE, datum=HEUTE
    )
    gestern = HEUTE - datetime.timedelta(days=1)
    assert K.DATENLAGE not in steuerung.kernaufgaben_messen([scenario.b.pk], gestern)[scenario.b.pk]
    heute = steuerung.kernaufgaben_messen([scenario.b.pk], HEUTE)[scenario.b.pk]
    assert heute[K.DATENLAGE].stand == Stand.BEGONNEN


def test_no_figure_of_one_buendnis_shows_in_another(scenario, zwei):
    leer = BuendnisFactory(name="Kreis ohne alles")
    gemessen = steuerung.kernaufgaben_messen([leer.pk], HEUTE)
    assert set(gemessen) == {leer.pk}
    assert all(beleg.stand == Stand.OFFEN for beleg in gemessen[leer.pk].values())
    assert steuerung.land_kerngruppe([leer.pk]) == {leer.pk: registry.Landwert("nicht eingerichtet", 0)}
    assert steuerung.land_letzte_sitzung([leer.pk]) == {leer.pk: registry.Landwert("keine", None)}


def test_land_columns_core_group_and_last_meeting(scenario, zwei):
    ids = [scenario.a.pk, scenario.b.pk]
    kerngruppe_ = steuerung.land_kerngruppe(ids)
    assert kerngruppe_[scenario.a.pk].text == "eingerichtet" and kerngruppe_[scenario.a.pk].sortwert == 1
    assert kerngruppe_[scenario.a.pk].url == zwei["kg_a"].get_absolute_url()
    letzte = steuerung.land_letzte_sitzung(ids)
    tag = timezone.localtime(zwei["zuletzt"].beginn).date()
    assert letzte[scenario.a.pk].sortwert == tag
    assert letzte[scenario.a.pk].text == tag.strftime("%d.%m.%Y")
    assert letzte[scenario.a.pk].url == zwei["zuletzt"].get_absolute_url()


def test_the_land_may_open_the_pages_the_figures_link_to(scenario, zwei):
    client = scenario.client("land")
    ids = [scenario.a.pk, scenario.b.pk]
    urls = {
        w.url for f in (steuerung.land_kerngruppe, steuerung.land_letzte_sitzung) for w in f(ids).values()
    }
    urls |= {b.url for je in steuerung.kernaufgaben_messen(ids, HEUTE).values() for b in je.values()}
    for url in urls - {""}:
        assert client.get(url).status_code == 200, url


def _buendnis_mit_allem(i: int):
    b = BuendnisFactory(name=f"Kreis {i}")
    KommuneFactory(buendnis=b)
    kg = kerngruppe(b, mitglieder=2, multiplikatoren=1)
    sitzung(kg, vor_tagen(30))
    GremiumFactory(buendnis=b, status=GremiumStatus.EINGERICHTET, kernaufgabe=K.DATENLAGE)
    Prioritaet.objects.create(buendnis=b, rang=1, titel="P")
    VereinbarungFactory(buendnis=b, status=VereinbarungStatus.ABGESTIMMT)
    Beschluss.objects.create(buendnis=b, gremium=kg, text="B", kernaufgabe=K.TRANSPARENZ)
    return b.pk


def test_query_count_does_not_grow_with_the_buendnisse(db, django_assert_max_num_queries):
    ids = [_buendnis_mit_allem(i) for i in range(2)]

    def alles(ids):
        steuerung.kernaufgaben_messen(ids, HEUTE)
        steuerung.land_kerngruppe(ids)
        steuerung.land_letzte_sitzung(ids)

    with django_assert_max_num_queries(6):
        alles(ids)
    ids += [_buendnis_mit_allem(i) for i in range(2, 6)]
    with django_assert_max_num_queries(6):
        alles(ids)


def test_helpers():
    assert steuerung.monate_vorher(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert steuerung.monate_vorher(datetime.date(2026, 3, 15), 12) == datetime.date(2025, 3, 15)
    assert steuerung.prozent(2, 3) == Decimal("66.67")
    assert steuerung.prozent(1, 0) is None
    assert steuerung.anteil(7, 9) == Decimal("0.7778")
    assert steuerung.von_text(1234, 2000) == "1.234 von 2.000"


def test_registered():
    assert {"kerngruppe", "letzte_sitzung"} <= {k.key for k in registry.landkennzahlen()}
    assert steuerung.kernaufgaben_messen in registry.kernaufgabenmessungen()
    for kennzahl in steuerung.LANDKENNZAHLEN:
        assert kennzahl.erklaerung and 10 <= kennzahl.reihenfolge <= 19
