"""Who learns about an application: those who decide it when it is submitted (the coordination of the Kreis, the Land
for the Innovationsfonds), the applicant when it is decided, and the applicant before the drawdown and the proof of
use fall due (daily run); in the list and through SMTP, never another Kommune or Bündnis."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from buendnis import benachrichtigungen
from buendnis.choices import Baustein, Rolle
from buendnis.models import Benachrichtigung, BenachrichtigungArt
from foerderung import services
from foerderung.models import AntragStatus
from tests.buendnis.test_benachrichtigungen import betreff
from tests.factories import UserFactory

from .factories import FoerderantragFactory, FoerderaufrufFactory, FoerderbausteinFactory, MittelabrufFactory

A = AntragStatus
Art = BenachrichtigungArt
D = Decimal


@pytest.fixture
def personen(scenario):
    """Every account has an address `<role>@example.org`; Bündnis a has a second coordinator."""
    scenario.users["koordination_2"] = UserFactory(
        username="koord-2", rolle=Rolle.KOORDINATION, buendnis=scenario.a
    )
    for rolle, user in scenario.users.items():
        user.email = f"{rolle}@example.org"
        user.save()
    return scenario.users


@pytest.fixture
def antrag(scenario, f1, budget_a, zuwendung_a):
    return FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="Coaching Aheim", beantragt=D("10000.00")
    )


@pytest.fixture
def f5_antrag(scenario, programm):
    f5 = FoerderbausteinFactory(programm=programm, nummer=Baustein.F5)
    aufruf = FoerderaufrufFactory(baustein=f5, titel="Innovationsfonds 2020", volumen=D("50000.00"))
    return FoerderantragFactory(
        buendnis=scenario.a,
        kommune=scenario.a1,
        baustein=f5,
        aufruf=aufruf,
        titel="Digitale Lernwerkstatt",
        beantragt=D("30000.00"),
        gesamtkosten=D("30000.00"),
    )


def empfaenger(art) -> list[str]:
    return sorted(Benachrichtigung.objects.filter(art=art).values_list("empfaenger__username", flat=True))


def postfaecher(smtp_server) -> list[str]:
    return sorted(a for m in smtp_server.nachrichten for a in m.empfaenger)


BEWILLIGUNG = D("8000.00")


def bewilligen(antrag, by, betrag=BEWILLIGUNG):
    return services.antrag_bewilligen(
        antrag=antrag, betrag=betrag, bescheid_datum=datetime.date(2020, 2, 1), bescheid_nummer="B-7", by=by
    )


# Submitted and decided -----------------------------------------------------------------------------------------


def test_submitted_application_reaches_the_coordination_of_the_kreis(scenario, personen, antrag, smtp_server):
    services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=personen["kommune"])

    assert empfaenger(Art.ANTRAG_EINGEREICHT) == ["koord", "koord-2"]
    assert postfaecher(smtp_server) == ["koordination@example.org", "koordination_2@example.org"]
    mail = smtp_server.an("koordination@example.org")[0]
    assert betreff(mail) == "Förderantrag eingereicht: „Coaching Aheim“ (Aheim)"
    text = smtp_server.text(mail)
    assert "Antragsteller: Aheim" in text and "Beantragte Förderung: 10.000,00 €" in text
    assert "http://127.0.0.1:8000" + antrag.get_absolute_url() in text


def test_innovationsfonds_application_reaches_the_land_not_the_kreis(
    scenario, personen, f5_antrag, smtp_server
):
    services.antrag_statuswechsel(antrag=f5_antrag, nach=A.EINGEREICHT, by=personen["kommune"])
    assert empfaenger(Art.ANTRAG_EINGEREICHT) == ["land"]
    assert postfaecher(smtp_server) == ["land@example.org"]


def test_approval_reaches_the_applying_kommune_only(scenario, personen, antrag, smtp_server):
    koord = personen["koordination"]
    services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=personen["kommune"])
    services.antrag_statuswechsel(antrag=antrag, nach=A.IN_PRUEFUNG, by=koord)
    smtp_server.nachrichten.clear()

    bewilligen(antrag, koord)

    assert empfaenger(Art.ANTRAG_ENTSCHIEDEN) == ["kom-a1"]
    assert postfaecher(smtp_server) == ["kommune@example.org"]
    mail = smtp_server.nachrichten[0]
    assert betreff(mail) == "Förderantrag bewilligt: „Coaching Aheim“"
    assert "8.000,00 € von beantragten 10.000,00 €, Bescheid Nr. B-7 vom 01.02.2020" in smtp_server.text(mail)


def test_refusal_reaches_the_applying_kommune_with_its_reason(scenario, personen, antrag, smtp_server):
    antrag.status = A.IN_PRUEFUNG
    antrag.save()
    services.antrag_ablehnen(antrag=antrag, grund="Doppelförderung", by=personen["koordination"])
    assert empfaenger(Art.ANTRAG_ENTSCHIEDEN) == ["kom-a1"]
    mail = smtp_server.an("kommune@example.org")[0]
    assert betreff(mail) == "Förderantrag abgelehnt: „Coaching Aheim“"
    assert "Begründung: Doppelförderung" in smtp_server.text(mail)


def test_decision_of_the_land_reaches_the_kommune_and_the_coordination(
    scenario, personen, f5_antrag, smtp_server
):
    f5_antrag.status = A.IN_PRUEFUNG
    f5_antrag.save()
    bewilligen(f5_antrag, personen["land"], betrag=D("30000.00"))
    assert empfaenger(Art.ANTRAG_ENTSCHIEDEN) == ["kom-a1", "koord", "koord-2"]
    assert "land@example.org" not in postfaecher(smtp_server)


def test_decision_on_the_kreiss_own_application_reaches_its_coordination(
    scenario, personen, f1, budget_a, zuwendung_a, smtp_server
):
    antrag = FoerderantragFactory(
        buendnis=scenario.a,
        kommune=None,
        antragsteller_akteur=scenario.akteur_a,
        baustein=f1,
        titel="Kreisweites Coaching",
        status=A.IN_PRUEFUNG,
    )
    bewilligen(antrag, personen["koordination"])
    # The deciding coordinator is not told what they did; the other one learns it.
    assert empfaenger(Art.ANTRAG_ENTSCHIEDEN) == ["koord-2"]
    assert postfaecher(smtp_server) == ["koordination_2@example.org"]


def test_refused_submission_notifies_nobody(scenario, personen, antrag, smtp_server):
    with pytest.raises(PermissionDenied):
        services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=personen["kommune_a2"])
    assert not Benachrichtigung.objects.exists() and smtp_server.nachrichten == []


# Deadlines in the daily run ------------------------------------------------------------------------------------

ENDE = datetime.date(2020, 12, 31)  # end of the funding period: drawdown due
VN_FRIST = datetime.date(2021, 6, 30)  # six months later: proof of use due


@pytest.fixture
def bewilligt(scenario, f1):
    """An approved application of Aheim (10,000.00 EUR, 2,500.00 drawn) and one of Bündnis b; both end 31.12.2020."""
    antrag = FoerderantragFactory(
        buendnis=scenario.a,
        kommune=scenario.a1,
        baustein=f1,
        titel="Coaching Aheim",
        bewilligt=True,
        ende=ENDE,
    )
    MittelabrufFactory(antrag=antrag, betrag=D("2500.00"))
    FoerderantragFactory(buendnis=scenario.b, kommune=scenario.b1, baustein=f1, bewilligt=True, ende=ENDE)
    return antrag


def laeufe(*tage):
    for tag in tage:
        benachrichtigungen.taeglicher_lauf(tag)


def test_drawdown_is_announced_fourteen_days_ahead_and_on_the_day_once_each(
    scenario, personen, bewilligt, smtp_server
):
    vorab = ENDE - datetime.timedelta(days=14)
    laeufe(vorab - datetime.timedelta(days=1), vorab, vorab + datetime.timedelta(days=1), ENDE, ENDE)

    zeilen = Benachrichtigung.objects.filter(art=Art.ABRUF_FAELLIG).order_by("pk")
    assert [
        (z.empfaenger.username, z.schluessel) for z in zeilen if z.empfaenger.buendnis_id == scenario.a.pk
    ] == [
        ("kom-a1", f"abruf_faellig:{bewilligt.pk}:2020-12-31:vorab"),
        ("kom-a1", f"abruf_faellig:{bewilligt.pk}:2020-12-31:faellig"),
    ]
    an_aheim = smtp_server.an("kommune@example.org")
    assert [betreff(m) for m in an_aheim] == ["Mittelabruf bis 31.12.2020: „Coaching Aheim“"] * 2
    assert "sind 7.500,00 € noch nicht abgerufen" in smtp_server.text(an_aheim[0])
    # Bündnis b's application reached its own Kommune only.
    assert {m.empfaenger[0] for m in smtp_server.nachrichten} == {
        "kommune@example.org",
        "kommune_b1@example.org",
    }


def test_fully_drawn_funds_need_no_drawdown_notice(scenario, personen, bewilligt, smtp_server):
    MittelabrufFactory(antrag=bewilligt, betrag=D("7500.00"))
    laeufe(ENDE)
    assert not Benachrichtigung.objects.filter(
        art=Art.ABRUF_FAELLIG, empfaenger__buendnis=scenario.a
    ).exists()


def test_proof_of_use_is_announced_fourteen_days_ahead_and_on_the_day(
    scenario, personen, bewilligt, smtp_server
):
    laeufe(VN_FRIST - datetime.timedelta(days=15), VN_FRIST - datetime.timedelta(days=14), VN_FRIST, VN_FRIST)
    zeilen = Benachrichtigung.objects.filter(
        art=Art.VERWENDUNGSNACHWEIS_FAELLIG, empfaenger__buendnis=scenario.a
    )
    assert sorted(zeilen.values_list("empfaenger__username", "schluessel")) == [
        ("kom-a1", f"verwendungsnachweis_faellig:{bewilligt.pk}:2021-06-30:faellig"),
        ("kom-a1", f"verwendungsnachweis_faellig:{bewilligt.pk}:2021-06-30:vorab"),
    ]
    [mail, _] = smtp_server.an("kommune@example.org")
    assert betreff(mail) == "Verwendungsnachweis fällig am 30.06.2021: „Coaching Aheim“"
    assert "nach dem Ende des Förderzeitraums am 31.12.2020" in smtp_server.text(mail)


def test_deadlines_of_a_kreis_application_reach_its_coordination(scenario, personen, f1, smtp_server):
    FoerderantragFactory(
        buendnis=scenario.a,
        kommune=None,
        antragsteller_akteur=scenario.akteur_a,
        baustein=f1,
        bewilligt=True,
        ende=ENDE,
    )
    laeufe(ENDE)
    assert empfaenger(Art.ABRUF_FAELLIG) == ["koord", "koord-2"]


def test_no_notice_once_the_proof_of_use_is_in(scenario, personen, bewilligt, smtp_server):
    bewilligt.status = A.VN_EINGEREICHT
    bewilligt.save()
    laeufe(ENDE, VN_FRIST)
    assert not Benachrichtigung.objects.filter(empfaenger__buendnis=scenario.a).exists()
