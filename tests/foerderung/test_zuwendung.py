"""Who decides: the Land's grant notice to the Kreis, the Kreis passing funds on only within it, and the
Innovationsfonds (Baustein F5) as a state-wide call decided by the Land.

Bündnis a has 100,000.00 EUR allocated for Baustein F1 in 2020 (`budget_a`). Every refusal is German and changes
nothing; every decision's step keeps who, when, amount and basis.
"""

import datetime
from decimal import Decimal

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from buendnis.choices import Baustein
from foerderung import services
from foerderung.models import (
    AntragStatus,
    AufrufStatus,
    Entscheider,
    Foerderantrag,
    Foerderaufruf,
    Foerderregel,
    Kostenart,
    Statuswechsel,
    Zuwendungsbescheid,
)
from foerderung.zuwendung import entscheider, zuwendung_stand

from .factories import (
    BudgetFactory,
    FoerderantragFactory,
    FoerderaufrufFactory,
    FoerderbausteinFactory,
    ZuwendungsbescheidFactory,
)

A = AntragStatus
D = Decimal
BESCHEID = datetime.date(2020, 2, 1)
ALLE_ROLLEN = [
    "anonym",
    "koordination",
    "kommune",
    "mitglied",
    "auswertung",
    "land",
    "admin",
    "koordination_b",
]
LAND = {"land", "admin"}


@pytest.fixture
def f5(programm):
    return FoerderbausteinFactory(programm=programm, nummer=Baustein.F5)


@pytest.fixture
def aufruf(f5):
    return FoerderaufrufFactory(baustein=f5, titel="Innovationsfonds 2020", volumen=D("50000.00"))


F5_BEANTRAGT = D("30000.00")


def _f5_antrag(scenario, aufruf, beantragt=F5_BEANTRAGT, **kwargs):
    return FoerderantragFactory(
        buendnis=kwargs.pop("buendnis", scenario.a),
        kommune=kwargs.pop("kommune", scenario.a1),
        baustein=aufruf.baustein if aufruf else kwargs.pop("baustein"),
        aufruf=aufruf,
        beantragt=beantragt,
        gesamtkosten=beantragt,
        **kwargs,
    )


def _bescheid(scenario, f1, betrag, nummer, by=None):
    return services.zuwendungsbescheid_erlassen(
        buendnis=scenario.a,
        baustein=f1,
        jahr=2020,
        betrag=betrag,
        bescheid_nummer=nummer,
        bescheid_datum=datetime.date(2020, 1, 15),
        grundlage="Richtlinie vom 18.12.2019",
        by=by or scenario.users["land"],
    )


def _bewilligen(antrag, by, betrag, nummer="B-1", **kwargs):
    return services.antrag_bewilligen(
        antrag=antrag, betrag=betrag, bescheid_datum=BESCHEID, bescheid_nummer=nummer, by=by, **kwargs
    )


# Zuwendungsbescheid: within the Land's allocation ---------------------------------------------------------------


def test_notices_of_the_land_never_exceed_the_allocation(scenario, f1, budget_a):
    erster = _bescheid(scenario, f1, D("60000.00"), "ZB-1")
    assert (erster.betrag, erster.erlassen_von) == (D("60000.00"), scenario.users["land"])
    with pytest.raises(ValidationError) as exc:
        _bescheid(scenario, f1, D("40000.01"), "ZB-2")
    assert exc.value.messages == [
        "Der Zuwendungsbescheid über 40.000,01 € übersteigt die Zuweisung an Rhein-Kreis Test für F1 Coaching im "
        "Jahr 2020: zugewiesen 100.000,00 €, bereits beschieden 60.000,00 €, verfügbar 40.000,00 €."
    ]
    assert Zuwendungsbescheid.objects.count() == 1
    _bescheid(scenario, f1, D("40000.00"), "ZB-2")  # exactly the rest
    assert zuwendung_stand(scenario.a.pk, f1.pk, 2020) == (D("100000.00"), D("0.00"), D("100000.00"))


def test_notice_without_allocation_is_refused(scenario, f1):
    with pytest.raises(ValidationError, match="zugewiesen 0,00 €, bereits beschieden 0,00 €"):
        _bescheid(scenario, f1, D("1.00"), "ZB-1")
    assert not Zuwendungsbescheid.objects.exists()


def test_notice_number_is_unique_per_buendnis(scenario, f1, budget_a):
    _bescheid(scenario, f1, D("1.00"), "ZB-1")
    with pytest.raises(
        ValidationError, match="Einen Bescheid mit dieser Nummer gibt es für das Bündnis schon."
    ):
        _bescheid(scenario, f1, D("1.00"), "ZB-1")


def test_no_notice_for_the_innovationsfonds(scenario, f5):
    BudgetFactory(buendnis=scenario.a, baustein=f5, jahr=2020, betrag=D("10000.00"))
    with pytest.raises(ValidationError) as exc:
        _bescheid(scenario, f5, D("1.00"), "ZB-F5")
    assert exc.value.messages == [
        "Für F5 Innovationsfonds erlässt das Land keinen Zuwendungsbescheid an den Kreis: es bewilligt jeden "
        "Antrag selbst (Förderaufruf)."
    ]


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "mitglied", "auswertung", "koordination_b"])
def test_only_the_land_issues_notices(scenario, f1, budget_a, rolle):
    with pytest.raises(PermissionDenied):
        _bescheid(scenario, f1, D("1.00"), "ZB-1", by=scenario.users[rolle])
    assert not Zuwendungsbescheid.objects.exists()


# The Kreis passes on only within the Land's grant ----------------------------------------------------------------


def test_kreis_cannot_pass_on_more_than_the_land_granted(scenario, f1, budget_a):
    """The allocation is 100,000.00 EUR, but the Land has granted only 30,000.00 EUR so far: that is the limit."""
    koord = scenario.users["koordination"]
    _bescheid(scenario, f1, D("30000.00"), "ZB-1")
    antrag = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True, beantragt=D("40000.00")
    )
    with pytest.raises(ValidationError) as exc:
        _bewilligen(antrag, koord, D("30000.01"))
    assert exc.value.messages == [
        "Die Bewilligung von 30.000,01 € übersteigt die Zuwendung des Landes für F1 Coaching im Jahr 2020: vom "
        "Land bewilligt 30.000,00 €, bereits weitergeleitet 0,00 €, verfügbar 30.000,00 €. Mehr als das "
        "Land bewilligt hat, kann der Kreis nicht weiterleiten."
    ]
    antrag.refresh_from_db()
    assert (antrag.status, antrag.bewilligt_betrag) == (A.IN_PRUEFUNG, None)
    # A second notice of the Land widens what the Kreis may pass on.
    _bescheid(scenario, f1, D("10000.00"), "ZB-2")
    _bewilligen(antrag, koord, D("40000.00"))
    assert zuwendung_stand(scenario.a.pk, f1.pk, 2020) == (D("40000.00"), D("40000.00"), D("0.00"))
    zweiter = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a2, baustein=f1, in_pruefung=True, beantragt=D("5.00")
    )
    with pytest.raises(ValidationError, match="bereits weitergeleitet 40.000,00 €, verfügbar 0,00 €"):
        _bewilligen(zweiter, koord, D("0.01"))


def test_the_allocation_alone_is_no_grant(scenario, f1, budget_a):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True)
    with pytest.raises(ValidationError, match="vom Land bewilligt 0,00 €"):
        _bewilligen(antrag, scenario.users["koordination"], D("1.00"))


def test_grants_of_another_buendnis_year_or_module_do_not_count(scenario, f1, f6, budget_a):
    ZuwendungsbescheidFactory(buendnis=scenario.b, baustein=f1, jahr=2020, betrag=D("99999.00"))
    ZuwendungsbescheidFactory(buendnis=scenario.a, baustein=f1, jahr=2021, betrag=D("99999.00"))
    ZuwendungsbescheidFactory(buendnis=scenario.a, baustein=f6, jahr=2020, betrag=D("99999.00"))
    ZuwendungsbescheidFactory(buendnis=scenario.a, baustein=f1, jahr=2020, betrag=D("33.33"))
    assert zuwendung_stand(scenario.a.pk, f1.pk, 2020) == (D("33.33"), D("0.00"), D("33.33"))
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True)
    with pytest.raises(ValidationError, match="verfügbar 33,33 €"):
        _bewilligen(antrag, scenario.users["koordination"], D("33.34"))


def test_override_of_the_lands_grant_no_longer_exists(scenario, f1, zuwendung_a):
    assert not rules.perm_exists("foerderung.override_budget")
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True)
    with pytest.raises(TypeError):
        _bewilligen(antrag, scenario.users["koordination"], D("1.00"), ueberschreitung_begruendung="weil")


def test_kreis_approval_records_amount_and_the_notices_as_basis(scenario, f1, budget_a):
    _bescheid(scenario, f1, D("60000.00"), "ZB-1")
    _bescheid(scenario, f1, D("40000.00"), "ZB-2")
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True)
    _bewilligen(antrag, scenario.users["koordination"], D("8000.00"), kommentar="passt")
    schritt = Statuswechsel.objects.get(antrag=antrag, nach=A.BEWILLIGT)
    assert (schritt.durch, schritt.betrag, schritt.kommentar) == (
        scenario.users["koordination"],
        D("8000.00"),
        "passt",
    )
    assert schritt.grundlage == "Weiterleitung im Rahmen der Zuwendungsbescheide des Landes: ZB-1, ZB-2"
    assert schritt.zeitpunkt is not None
    # The application's history shows the decision with its amount and basis.
    seite = scenario.client("koordination").get(antrag.get_absolute_url()).content.decode()
    assert "<strong>bewilligt</strong> – 8.000,00 € (Grundlage: Weiterleitung im Rahmen der" in seite


def test_rejection_records_zero_amount_and_basis(scenario, f1, zuwendung_a):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True)
    services.antrag_ablehnen(antrag=antrag, grund="Doppelförderung", by=scenario.users["koordination"])
    schritt = Statuswechsel.objects.get(antrag=antrag, nach=A.ABGELEHNT)
    assert (schritt.betrag, schritt.grundlage, schritt.kommentar) == (
        D("0.00"),
        "Entscheidung des Kreises als Zuwendungsempfänger",
        "Doppelförderung",
    )


# Innovationsfonds: decided by the Land within the call -----------------------------------------------------------


def test_f5_without_rule_is_the_lands_and_other_modules_the_kreises(scenario, f1, aufruf):
    assert entscheider(_f5_antrag(scenario, aufruf)) == Entscheider.LAND
    assert entscheider(FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)) == (
        Entscheider.KREIS
    )


def test_rule_of_the_cost_lines_says_who_decides(scenario, f1):
    regel = Foerderregel.objects.create(
        baustein=f1,
        bezeichnung="Modellprojekt",
        kostenart=Kostenart.TATSAECHLICH,
        gueltig_ab=datetime.date(2019, 10, 1),
        entscheidet=Entscheider.LAND,
    )
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True)
    antrag.kostenpositionen.update(regel=regel)
    assert entscheider(antrag) == Entscheider.LAND
    assert not scenario.users["koordination"].has_perm("foerderung.review_foerderantrag", antrag)
    assert scenario.users["land"].has_perm("foerderung.review_foerderantrag", antrag)


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "mitglied", "auswertung", "land", "admin"])
def test_f5_is_decided_only_by_the_land(scenario, aufruf, rolle):
    antrag = _f5_antrag(scenario, aufruf, in_pruefung=True)
    user = scenario.users[rolle]
    assert user.has_perm("foerderung.review_foerderantrag", antrag) == (rolle in LAND)
    if rolle in LAND:
        _bewilligen(antrag, user, D("30000.00"), nummer="MAGS-F5-1")
        antrag.refresh_from_db()
        assert (antrag.status, antrag.bewilligt_betrag) == (A.BEWILLIGT, D("30000.00"))
        schritt = Statuswechsel.objects.get(antrag=antrag, nach=A.BEWILLIGT)
        assert (schritt.durch, schritt.betrag) == (user, D("30000.00"))
        assert (
            schritt.grundlage
            == "Entscheidung der Steuerungsgruppe vom 01.02.2020 (Förderaufruf „Innovationsfonds 2020“)"
        )
    else:
        with pytest.raises(PermissionDenied):
            _bewilligen(antrag, user, D("30000.00"))
        with pytest.raises(PermissionDenied):
            services.antrag_ablehnen(antrag=antrag, grund="nein", by=user)
        antrag.refresh_from_db()
        assert (antrag.status, antrag.bewilligt_betrag) == (A.IN_PRUEFUNG, None)
        assert not Statuswechsel.objects.filter(antrag=antrag).exists()


def test_kreis_modules_are_not_decided_by_the_land(scenario, f1, zuwendung_a):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True)
    assert scenario.users["koordination"].has_perm("foerderung.review_foerderantrag", antrag)
    with pytest.raises(PermissionDenied):
        _bewilligen(antrag, scenario.users["land"], D("1.00"))


def test_f5_rejection_by_the_land_records_the_steering_group(scenario, aufruf):
    antrag = _f5_antrag(scenario, aufruf, in_pruefung=True)
    services.antrag_ablehnen(
        antrag=antrag,
        grund="nicht innovativ",
        grundlage="Entscheidung der Steuerungsgruppe vom 12.03.2020",
        by=scenario.users["land"],
    )
    schritt = Statuswechsel.objects.get(antrag=antrag, nach=A.ABGELEHNT)
    assert (schritt.betrag, schritt.grundlage, schritt.durch) == (
        D("0.00"),
        "Entscheidung der Steuerungsgruppe vom 12.03.2020",
        scenario.users["land"],
    )


def test_f5_approvals_stay_within_the_calls_volume_over_all_buendnisse(scenario, aufruf):
    land = scenario.users["land"]
    erster = _f5_antrag(scenario, aufruf, in_pruefung=True)
    _bewilligen(erster, land, D("30000.00"))
    zweiter = _f5_antrag(scenario, aufruf, buendnis=scenario.b, kommune=scenario.b1, in_pruefung=True)
    with pytest.raises(ValidationError) as exc:
        _bewilligen(zweiter, land, D("20000.01"), nummer="B-2")
    assert exc.value.messages == [
        "Die Bewilligung von 20.000,01 € übersteigt die Mittel des Förderaufrufs „Innovationsfonds 2020“: "
        "Mittel 50.000,00 €, bereits bewilligt 30.000,00 €, verfügbar 20.000,00 €."
    ]
    _bewilligen(zweiter, land, D("20000.00"), nummer="B-2")
    assert Foerderantrag.objects.filter(aufruf=aufruf, status=A.BEWILLIGT).count() == 2


def test_f5_without_call_cannot_be_approved(scenario, f5):
    antrag = _f5_antrag(scenario, None, baustein=f5, in_pruefung=True)
    with pytest.raises(
        ValidationError, match="Über diesen Antrag entscheidet das Land: er braucht einen Förderaufruf."
    ):
        _bewilligen(antrag, scenario.users["land"], D("1.00"))


def test_f5_application_after_the_calls_deadline_is_refused(scenario, aufruf):
    Foerderaufruf.objects.filter(pk=aufruf.pk).update(
        einreichung_bis=datetime.date(2020, 3, 31), entscheidung_bis=datetime.date(2020, 6, 30)
    )
    antrag = _f5_antrag(scenario, aufruf)
    with pytest.raises(ValidationError) as exc:
        services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=scenario.users["kommune"])
    assert exc.value.messages == [
        "Die Einreichungsfrist des Förderaufrufs „Innovationsfonds 2020“ endete am 31.03.2020; der Antrag kann "
        "nicht mehr eingereicht werden."
    ]
    antrag.refresh_from_db()
    assert (antrag.status, antrag.eingereicht_am) == (A.ENTWURF, None)
    # On the deadline's day it was still in time.
    services.pruefe_f5_einreichung(antrag, am=datetime.date(2020, 3, 31))


def test_f5_application_within_the_deadline_is_submitted(scenario, aufruf):
    antrag = _f5_antrag(scenario, aufruf)
    services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=scenario.users["kommune"])
    antrag.refresh_from_db()
    assert antrag.status == A.EINGEREICHT


def test_f5_application_needs_an_open_call(scenario, f5, aufruf):
    ohne = _f5_antrag(scenario, None, baustein=f5)
    with pytest.raises(ValidationError, match="wird zu einem Förderaufruf des Landes eingereicht"):
        services.pruefe_f5_einreichung(ohne)
    Foerderaufruf.objects.filter(pk=aufruf.pk).update(status=AufrufStatus.GESCHLOSSEN)
    antrag = Foerderantrag.objects.get(pk=_f5_antrag(scenario, aufruf).pk)
    with pytest.raises(
        ValidationError,
        match="Der Förderaufruf „Innovationsfonds 2020“ nimmt keine Konzepte mehr an \\(Status: „Einreichung beendet“\\).",
    ):
        services.pruefe_f5_einreichung(antrag)


def test_kreis_modules_need_no_call(scenario, f1):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)
    services.pruefe_f5_einreichung(antrag, am=datetime.date(2099, 1, 1))


# Calls of the Land -----------------------------------------------------------------------------------------------


def _eroeffnen(baustein, by, **kwargs):
    return services.aufruf_eroeffnen(
        baustein=baustein,
        titel=kwargs.pop("titel", "Aufruf 2021"),
        einreichung_bis=datetime.date(2021, 3, 31),
        entscheidung_bis=datetime.date(2021, 6, 30),
        volumen=kwargs.pop("volumen", D("1000000.00")),
        by=by,
        **kwargs,
    )


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "mitglied", "auswertung", "land", "admin"])
def test_only_the_land_opens_and_closes_calls(scenario, f5, rolle):
    user = scenario.users[rolle]
    if rolle in LAND:
        aufruf = _eroeffnen(f5, user)
        assert aufruf.status == AufrufStatus.OFFEN
        services.aufruf_status_setzen(aufruf=aufruf, status=AufrufStatus.GESCHLOSSEN, by=user)
        services.aufruf_status_setzen(aufruf=aufruf, status=AufrufStatus.ENTSCHIEDEN, by=user)
        aufruf.refresh_from_db()
        assert aufruf.status == AufrufStatus.ENTSCHIEDEN
    else:
        with pytest.raises(PermissionDenied):
            _eroeffnen(f5, user)
        aufruf = FoerderaufrufFactory(baustein=f5)
        with pytest.raises(PermissionDenied):
            services.aufruf_status_setzen(aufruf=aufruf, status=AufrufStatus.GESCHLOSSEN, by=user)
        aufruf.refresh_from_db()
        assert aufruf.status == AufrufStatus.OFFEN


def test_call_only_for_modules_the_land_decides(scenario, f1):
    with pytest.raises(ValidationError, match="Über F1 Coaching entscheidet der Kreis"):
        _eroeffnen(f1, scenario.users["land"])
    assert not Foerderaufruf.objects.exists()


def test_call_status_follows_its_steps(scenario, aufruf):
    with pytest.raises(
        ValidationError,
        match="Ein Förderaufruf im Status „offen für Konzepte“ kann nicht in den Status „entschieden“ wechseln.",
    ):
        services.aufruf_status_setzen(
            aufruf=aufruf, status=AufrufStatus.ENTSCHIEDEN, by=scenario.users["land"]
        )


# Pages -----------------------------------------------------------------------------------------------------------


def _erwartet(rolle, erlaubt, anonym=302):
    if rolle == "anonym":
        return anonym
    return 200 if rolle in erlaubt else 403


@pytest.mark.parametrize("rolle", ALLE_ROLLEN)
def test_notice_list_per_role(scenario, f1, rolle):
    ZuwendungsbescheidFactory(buendnis=scenario.a, baustein=f1, bescheid_nummer="ZB-EIGEN")
    ZuwendungsbescheidFactory(buendnis=scenario.b, baustein=f1, bescheid_nummer="ZB-FREMD")
    response = scenario.client(rolle).get(reverse("foerderung:zuwendungsbescheid-list"))
    erlaubt = LAND | {"koordination", "koordination_b"}
    assert response.status_code == _erwartet(rolle, erlaubt)
    if response.status_code != 200:
        return
    text = response.content.decode()
    assert ("ZB-EIGEN" in text) == (rolle in LAND | {"koordination"})
    assert ("ZB-FREMD" in text) == (rolle in LAND | {"koordination_b"})
    # Only the Land issues notices: the coordination reads.
    assert (reverse("foerderung:zuwendungsbescheid-create") in text) == (rolle in LAND)


@pytest.mark.parametrize("rolle", ALLE_ROLLEN)
def test_notice_create_page_per_role(scenario, f1, budget_a, rolle):
    daten = {
        "buendnis": scenario.a.pk,
        "baustein": f1.pk,
        "jahr": "2020",
        "betrag": "25000.00",
        "bescheid_nummer": "ZB-WEB",
        "bescheid_datum": "2020-01-20",
        "grundlage": "Richtlinie vom 18.12.2019",
    }
    url = reverse("foerderung:zuwendungsbescheid-create")
    client = scenario.client(rolle)
    assert client.get(url).status_code == _erwartet(rolle, LAND)
    response = client.post(url, daten)
    if rolle in LAND:
        assert response.status_code == 302
        assert response["Location"] == reverse("foerderung:zuwendungsbescheid-list")
        bescheid = Zuwendungsbescheid.objects.get()
        assert (bescheid.betrag, bescheid.erlassen_von) == (D("25000.00"), scenario.users[rolle])
    else:
        assert response.status_code == (302 if rolle == "anonym" else 403)
        assert not Zuwendungsbescheid.objects.exists()


def test_notice_beyond_the_allocation_is_refused_on_the_page(scenario, f1, budget_a):
    daten = {
        "buendnis": scenario.a.pk,
        "baustein": f1.pk,
        "jahr": "2020",
        "betrag": "100000.01",
        "bescheid_nummer": "ZB-WEB",
        "bescheid_datum": "2020-01-20",
        "grundlage": "Richtlinie",
    }
    response = scenario.client("land").post(reverse("foerderung:zuwendungsbescheid-create"), daten)
    assert response.status_code == 400
    assert "zugewiesen 100.000,00 €, bereits beschieden 0,00 €, verfügbar 100.000,00 €" in (
        response.content.decode()
    )
    assert not Zuwendungsbescheid.objects.exists()


@pytest.mark.parametrize("rolle", ALLE_ROLLEN)
def test_call_pages_per_role(scenario, aufruf, rolle):
    eigener = _f5_antrag(scenario, aufruf, titel="Konzept aus A", bewilligt=True)
    _f5_antrag(scenario, aufruf, buendnis=scenario.b, kommune=scenario.b1, titel="Konzept aus B")
    client = scenario.client(rolle)
    alle = set(ALLE_ROLLEN) - {"anonym"}
    liste = client.get(reverse("foerderung:aufruf-list"))
    detail = client.get(reverse("foerderung:aufruf-detail", args=[aufruf.pk]))
    assert liste.status_code == _erwartet(rolle, alle)
    assert detail.status_code == _erwartet(rolle, alle)
    if rolle == "anonym":
        return
    assert "Innovationsfonds 2020" in liste.content.decode()
    text = detail.content.decode()
    # The volume used is one figure for everyone; the applications are the ones the user may see.
    assert "30.000,00 €" in text and "20.000,00 €" in text
    sieht_a = rolle in LAND | {"koordination", "kommune", "mitglied", "auswertung"}
    assert ("Konzept aus A" in text) == sieht_a
    assert ("Konzept aus B" in text) == (rolle in LAND | {"koordination_b"})
    assert (reverse("foerderung:aufruf-status", args=[aufruf.pk]) in text) == (rolle in LAND)
    assert eigener.bewilligt_betrag == D("30000.00")


@pytest.mark.parametrize("rolle", ALLE_ROLLEN)
def test_call_create_and_close_per_role(scenario, f5, rolle):
    client = scenario.client(rolle)
    url = reverse("foerderung:aufruf-create")
    daten = {
        "baustein": f5.pk,
        "titel": "Aufruf Web",
        "einreichung_bis": "2021-03-31",
        "entscheidung_bis": "2021-06-30",
        "volumen": "250000.00",
    }
    assert client.get(url).status_code == _erwartet(rolle, LAND)
    response = client.post(url, daten)
    if rolle in LAND:
        aufruf = Foerderaufruf.objects.get()
        assert response["Location"] == reverse("foerderung:aufruf-detail", args=[aufruf.pk])
        assert aufruf.volumen == D("250000.00")
    else:
        assert response.status_code == (302 if rolle == "anonym" else 403)
        assert not Foerderaufruf.objects.exists()
        aufruf = FoerderaufrufFactory(baustein=f5)
    status = client.post(reverse("foerderung:aufruf-status", args=[aufruf.pk]), {"status": "geschlossen"})
    aufruf.refresh_from_db()
    if rolle in LAND:
        assert status.status_code == 302 and aufruf.status == AufrufStatus.GESCHLOSSEN
    else:
        assert status.status_code == (302 if rolle == "anonym" else 403)
        assert aufruf.status == AufrufStatus.OFFEN


def test_approval_page_shows_granted_passed_on_and_available_without_override(scenario, f1, budget_a):
    ZuwendungsbescheidFactory(buendnis=scenario.a, baustein=f1, betrag=D("30000.00"))
    FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a2, baustein=f1, beantragt=D("12345.67"), bewilligt=True
    )
    antrag = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True, beantragt=D("20000.00")
    )
    url = reverse("foerderung:antrag-bewilligen", args=[antrag.pk])
    client = scenario.client("koordination")
    text = client.get(url).content.decode()
    assert "vom Land bewilligt" in text and "30.000,00 €" in text
    assert "bereits weitergeleitet" in text and "12.345,67 €" in text
    assert "17.654,33 €" in text
    assert "ueberschreitung_begruendung" not in text and "Budgetüberschreitung" not in text
    response = client.post(
        url,
        {
            "betrag": "17654.34",
            "bescheid_datum": "2020-02-01",
            "bescheid_nummer": "B-9",
            "ueberschreitung_begruendung": "weil",
        },
    )
    assert response.status_code == 400
    assert "verfügbar 17.654,33 €" in response.content.decode()
    antrag.refresh_from_db()
    assert (antrag.status, antrag.budget_ueberschreitung_begruendung) == (A.IN_PRUEFUNG, "")


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "land", "admin", "koordination_b"])
def test_f5_approval_page_per_role(scenario, aufruf, rolle):
    antrag = _f5_antrag(scenario, aufruf, in_pruefung=True)
    url = reverse("foerderung:antrag-bewilligen", args=[antrag.pk])
    client = scenario.client(rolle)
    erwartet = {"koordination": 403, "kommune": 403, "land": 200, "admin": 200, "koordination_b": 404}[rolle]
    get = client.get(url)
    assert get.status_code == erwartet
    if erwartet == 200:
        assert "Mittel des Aufrufs" in get.content.decode()
    response = client.post(
        url, {"betrag": "30000.00", "bescheid_datum": "2020-02-01", "bescheid_nummer": "F5-1"}
    )
    antrag.refresh_from_db()
    if rolle in LAND:
        assert response.status_code == 302 and antrag.status == A.BEWILLIGT
    else:
        assert response.status_code == erwartet and antrag.status == A.IN_PRUEFUNG


# Query counts ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("anzahl", [2, 12])
def test_notice_list_query_count_is_fixed(scenario, f1, anzahl, django_assert_max_num_queries):
    for i in range(anzahl):
        ZuwendungsbescheidFactory(buendnis=scenario.a, baustein=f1, bescheid_nummer=f"ZB-{i}")
    client = scenario.client("land")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("foerderung:zuwendungsbescheid-list")).status_code == 200


@pytest.mark.parametrize("anzahl", [2, 12])
def test_call_pages_query_count_is_fixed(scenario, f5, anzahl, django_assert_max_num_queries):
    for i in range(anzahl):
        aufruf = FoerderaufrufFactory(baustein=f5, titel=f"Aufruf {i}")
        _f5_antrag(scenario, aufruf, bewilligt=True)
    client = scenario.client("land")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("foerderung:aufruf-list")).status_code == 200
    for _ in range(anzahl):
        _f5_antrag(scenario, aufruf, bewilligt=True)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("foerderung:aufruf-detail", args=[aufruf.pk])).status_code == 200


# Concurrency (PostgreSQL row locks) --------------------------------------------------------------------------------

gleichzeitig = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("referenzdaten"),
]


def _gleichzeitig(test):
    for mark in gleichzeitig:
        test = mark(test)
    return test


@_gleichzeitig
def test_two_concurrent_kreis_approvals_never_exceed_the_lands_grant(scenario, f1):
    from .test_concurrency import _parallel

    BudgetFactory(buendnis=scenario.a, baustein=f1, jahr=2020, betrag=D("200000.00"))
    ZuwendungsbescheidFactory(buendnis=scenario.a, baustein=f1, jahr=2020, betrag=D("100000.00"))
    antraege = [
        FoerderantragFactory(
            buendnis=scenario.a, kommune=k, baustein=f1, in_pruefung=True, beantragt=D("60000.00")
        )
        for k in (scenario.a1, scenario.a2)
    ]
    koord = scenario.users["koordination"]
    ergebnisse = _parallel(
        [lambda a=a: _bewilligen(a, koord, D("60000.00"), nummer=f"B-{a.pk}") for a in antraege]
    )
    assert ergebnisse.count("ok") == 1
    abgelehnt = next(e for e in ergebnisse if e != "ok")
    assert "bereits weitergeleitet 60.000,00 €, verfügbar 40.000,00 €" in abgelehnt.messages[0]
    assert zuwendung_stand(scenario.a.pk, f1.pk, 2020) == (D("100000.00"), D("60000.00"), D("40000.00"))


@_gleichzeitig
def test_two_concurrent_notices_never_exceed_the_allocation(scenario, f1):
    from .test_concurrency import _parallel

    BudgetFactory(buendnis=scenario.a, baustein=f1, jahr=2020, betrag=D("100000.00"))
    ergebnisse = _parallel([lambda n=n: _bescheid(scenario, f1, D("60000.00"), n) for n in ("ZB-1", "ZB-2")])
    assert ergebnisse.count("ok") == 1
    assert Zuwendungsbescheid.objects.count() == 1


@_gleichzeitig
def test_two_concurrent_f5_approvals_never_exceed_the_calls_volume(scenario, programm):
    from .test_concurrency import _parallel

    f5 = FoerderbausteinFactory(programm=programm, nummer=Baustein.F5)
    aufruf = FoerderaufrufFactory(baustein=f5, titel="Innovationsfonds 2020", volumen=D("50000.00"))
    antraege = [
        _f5_antrag(scenario, aufruf, in_pruefung=True),
        _f5_antrag(scenario, aufruf, buendnis=scenario.b, kommune=scenario.b1, in_pruefung=True),
    ]
    land = scenario.users["land"]
    ergebnisse = _parallel(
        [lambda a=a: _bewilligen(a, land, D("30000.00"), nummer=f"F5-{a.pk}") for a in antraege]
    )
    assert ergebnisse.count("ok") == 1
    assert Foerderantrag.objects.filter(aufruf=aufruf, status=A.BEWILLIGT).count() == 1


def test_an_open_call_can_be_chosen_on_the_application_form_and_must_fit_the_module(scenario):
    """The application form offers the Land's open calls; a call of another module is refused in German."""
    from foerderung.forms import FoerderantragForm
    from foerderung.models import AufrufStatus

    offen = FoerderaufrufFactory()
    geschlossen = FoerderaufrufFactory(status=AufrufStatus.GESCHLOSSEN, baustein=offen.baustein)
    form = FoerderantragForm(user=scenario.users["koordination"])
    assert list(form.fields["aufruf"].queryset) == [offen]
    assert geschlossen.pk not in {a.pk for a in form.fields["aufruf"].queryset}
    antrag = FoerderantragFactory.build(
        buendnis=scenario.a,
        baustein=FoerderbausteinFactory(programm=offen.baustein.programm, nummer=Baustein.F4),
        aufruf=offen,
        kommune=scenario.a1,
    )
    with pytest.raises(ValidationError) as exc:
        antrag.clean()
    assert exc.value.message_dict["aufruf"] == ["Der Förderaufruf gehört zu einem anderen Förderbaustein."]


def test_an_allocation_is_not_cut_below_the_notices_issued_from_it(budget_a, zuwendung_a):
    budget_a.betrag = zuwendung_a.betrag - D("0.01")
    with pytest.raises(ValidationError) as exc:
        budget_a.full_clean()
    assert exc.value.message_dict["betrag"] == [
        f"{budget_a}: Das Land hat daraus bereits Zuwendungsbescheide über 100.000,00 € erlassen; das Budget "
        "kann nicht darunter gekürzt werden."
    ]
    budget_a.betrag = zuwendung_a.betrag
    budget_a.full_clean()
