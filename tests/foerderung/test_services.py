"""The application workflow: every transition, every refusal (German message, database unchanged)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from foerderung import services
from foerderung.models import (
    AntragStatus,
    Foerderantrag,
    Kostenkategorie,
    Mittelabruf,
    Statuswechsel,
    Verwendungsnachweis,
)
from foerderung.services import KostenpositionDaten
from tests.factories import BuendnisFactory

from .factories import FoerderantragFactory

A = AntragStatus
D = Decimal


@pytest.fixture
def antrag(scenario, f1, budget_a, zuwendung_a):
    return FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, beantragt=D("10000.00")
    )


BEWILLIGUNG = Decimal("8000.00")


def _bewilligt(scenario, antrag, betrag=BEWILLIGUNG):
    koord = scenario.users["koordination"]
    services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=scenario.users["kommune"])
    services.antrag_statuswechsel(antrag=antrag, nach=A.IN_PRUEFUNG, by=koord)
    return services.antrag_bewilligen(
        antrag=antrag,
        betrag=betrag,
        bescheid_datum=datetime.date(2020, 2, 1),
        bescheid_nummer="B-7",
        by=koord,
    )


def test_full_workflow_from_draft_to_closed_keeps_who_when_comment(scenario, antrag):
    koord = scenario.users["koordination"]
    _bewilligt(scenario, antrag)
    services.mittelabruf_erfassen(
        antrag=antrag, betrag=D("5000.00"), datum=datetime.date(2020, 5, 1), by=koord
    )
    services.verwendungsnachweis_einreichen(
        antrag=antrag,
        eingereicht_am=datetime.date(2021, 3, 1),
        sachbericht="Bericht",
        ausgaben_ist=D("5000.00"),
        by=koord,
    )
    services.antrag_statuswechsel(antrag=antrag, nach=A.VN_GEPRUEFT, by=koord, kommentar="sachlich richtig")
    services.antrag_statuswechsel(antrag=antrag, nach=A.ABGESCHLOSSEN, by=koord)
    antrag.refresh_from_db()
    assert antrag.status == A.ABGESCHLOSSEN
    assert antrag.bewilligt_betrag == D("8000.00")
    schritte = list(Statuswechsel.objects.filter(antrag=antrag).values_list("von", "nach", "durch__username"))
    assert schritte == [
        (A.ENTWURF, A.EINGEREICHT, "kom-a1"),
        (A.EINGEREICHT, A.IN_PRUEFUNG, "koord"),
        (A.IN_PRUEFUNG, A.BEWILLIGT, "koord"),
        (A.BEWILLIGT, A.VN_EINGEREICHT, "koord"),
        (A.VN_EINGEREICHT, A.VN_GEPRUEFT, "koord"),
        (A.VN_GEPRUEFT, A.ABGESCHLOSSEN, "koord"),
    ]
    assert Statuswechsel.objects.get(antrag=antrag, nach=A.VN_GEPRUEFT).kommentar == "sachlich richtig"
    assert antrag.verwendungsnachweis.geprueft_am is not None


@pytest.mark.parametrize("von", [A.ENTWURF, A.EINGEREICHT, A.IN_PRUEFUNG])
def test_applicant_can_withdraw_before_decision(scenario, antrag, von):
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=von)
    services.antrag_statuswechsel(antrag=antrag, nach=A.ZURUECKGEZOGEN, by=scenario.users["kommune"])
    antrag.refresh_from_db()
    assert antrag.status == A.ZURUECKGEZOGEN


def test_rejection_needs_a_reason_and_is_final(scenario, antrag):
    koord = scenario.users["koordination"]
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=A.IN_PRUEFUNG)
    with pytest.raises(ValidationError, match="Ablehnungsgrund"):
        services.antrag_ablehnen(antrag=antrag, grund=" ", by=koord)
    services.antrag_ablehnen(antrag=antrag, grund="Zielgruppe nicht erreicht", by=koord)
    antrag.refresh_from_db()
    assert (antrag.status, antrag.ablehnungsgrund) == (A.ABGELEHNT, "Zielgruppe nicht erreicht")
    with pytest.raises(ValidationError, match="„abgelehnt“ kann nicht in den Status „eingereicht“"):
        services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=koord)


INVALID = [
    (A.ENTWURF, A.IN_PRUEFUNG),
    (A.ENTWURF, A.ABGESCHLOSSEN),
    (A.EINGEREICHT, A.ENTWURF),
    (A.EINGEREICHT, A.VN_GEPRUEFT),
    (A.BEWILLIGT, A.ZURUECKGEZOGEN),
    (A.BEWILLIGT, A.ABGESCHLOSSEN),
    (A.VN_EINGEREICHT, A.ABGESCHLOSSEN),
    (A.ZURUECKGEZOGEN, A.EINGEREICHT),
    (A.ABGESCHLOSSEN, A.EINGEREICHT),
]


@pytest.mark.parametrize(("von", "nach"), INVALID)
def test_invalid_transition_is_refused_in_german_and_changes_nothing(scenario, antrag, von, nach):
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=von)
    with pytest.raises(ValidationError, match="kann nicht in den Status"):
        services.antrag_statuswechsel(antrag=antrag, nach=nach, by=scenario.users["koordination"])
    antrag.refresh_from_db()
    assert antrag.status == von
    assert not Statuswechsel.objects.filter(antrag=antrag).exists()


def test_approval_without_review_state_is_refused(scenario, antrag):
    with pytest.raises(ValidationError, match="„Entwurf“ kann nicht in den Status „bewilligt“"):
        services.antrag_bewilligen(
            antrag=antrag,
            betrag=D("1.00"),
            bescheid_datum=datetime.date(2020, 2, 1),
            bescheid_nummer="X",
            by=scenario.users["koordination"],
        )


def test_submitting_without_cost_plan_is_refused(scenario, antrag):
    antrag.kostenpositionen.all().delete()
    with pytest.raises(ValidationError, match="ohne Kostenplan"):
        services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=scenario.users["kommune"])


def test_kommune_cannot_submit_antrag_of_other_kommune(scenario, antrag):
    with pytest.raises(PermissionDenied):
        services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=scenario.users["kommune_a2"])
    antrag.refresh_from_db()
    assert antrag.status == A.ENTWURF


@pytest.mark.parametrize("rolle", ["kommune", "auswertung", "mitglied", "land", "koordination_b"])
def test_only_koordination_of_the_buendnis_approves(scenario, antrag, rolle):
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=A.IN_PRUEFUNG)
    with pytest.raises(PermissionDenied):
        services.antrag_bewilligen(
            antrag=antrag,
            betrag=D("100.00"),
            bescheid_datum=datetime.date(2020, 2, 1),
            bescheid_nummer="X",
            by=scenario.users[rolle],
        )
    antrag.refresh_from_db()
    assert antrag.status == A.IN_PRUEFUNG and antrag.bewilligt_betrag is None


def test_approval_above_requested_sum_is_refused(scenario, antrag):
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=A.IN_PRUEFUNG)
    with pytest.raises(ValidationError, match="übersteigt die beantragte Förderung"):
        services.antrag_bewilligen(
            antrag=antrag,
            betrag=D("10000.01"),
            bescheid_datum=datetime.date(2020, 2, 1),
            bescheid_nummer="X",
            by=scenario.users["koordination"],
        )


def test_approval_beyond_the_lands_grant_is_refused_without_override(scenario, f1, budget_a, zuwendung_a):
    koord = scenario.users["koordination"]
    erster = FoerderantragFactory(
        buendnis=scenario.a,
        kommune=scenario.a1,
        baustein=f1,
        beantragt=D("90000.00"),
        gesamtkosten=D("90000.00"),
        bewilligt=True,
    )
    assert erster.bewilligt_betrag == D("90000.00")
    zweiter = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a2, baustein=f1, in_pruefung=True, beantragt=D("20000.00")
    )
    kwargs = dict(
        betrag=D("10000.01"), bescheid_datum=datetime.date(2020, 2, 1), bescheid_nummer="B-2", by=koord
    )
    with pytest.raises(ValidationError, match="verfügbar 10.000,00 €"):
        services.antrag_bewilligen(antrag=zweiter, **kwargs)
    zweiter.refresh_from_db()
    assert zweiter.status == A.IN_PRUEFUNG
    # Exactly the rest fits.
    services.antrag_bewilligen(antrag=zweiter, **{**kwargs, "betrag": D("10000.00")})
    dritter = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a2, baustein=f1, in_pruefung=True, beantragt=D("20000.00")
    )
    # No reason opens the Land's grant any more: the old override argument is gone.
    with pytest.raises(TypeError):
        services.antrag_bewilligen(
            antrag=dritter, ueberschreitung_begruendung="Restmittel aus 2019", **kwargs
        )
    with pytest.raises(ValidationError, match="verfügbar 0,00 €"):
        services.antrag_bewilligen(antrag=dritter, **{**kwargs, "betrag": D("0.01")})
    dritter.refresh_from_db()
    assert dritter.status == A.IN_PRUEFUNG
    assert dritter.budget_ueberschreitung_begruendung == ""


def test_approval_without_any_budget_row_is_refused(scenario, f6):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f6, in_pruefung=True)
    with pytest.raises(ValidationError, match="vom Land bewilligt 0,00 €"):
        services.antrag_bewilligen(
            antrag=antrag,
            betrag=D("1.00"),
            bescheid_datum=datetime.date(2020, 2, 1),
            bescheid_nummer="X",
            by=scenario.users["koordination"],
        )


def test_drawdowns_never_exceed_the_approved_sum(scenario, antrag):
    koord = scenario.users["koordination"]
    _bewilligt(scenario, antrag, D("1000.00"))
    heute = datetime.date(2020, 4, 1)
    services.mittelabruf_erfassen(antrag=antrag, betrag=D("600.00"), datum=heute, by=koord)
    with pytest.raises(ValidationError, match="noch verfügbaren bewilligten Mittel \\(400,00 €\\)"):
        services.mittelabruf_erfassen(antrag=antrag, betrag=D("400.01"), datum=heute, by=koord)
    services.mittelabruf_erfassen(antrag=antrag, betrag=D("400.00"), datum=heute, by=koord)
    with pytest.raises(ValidationError):
        services.mittelabruf_erfassen(antrag=antrag, betrag=D("0.01"), datum=heute, by=koord)
    assert sum(Mittelabruf.objects.filter(antrag=antrag).values_list("betrag", flat=True)) == D("1000.00")


def test_drawdown_only_for_approved_application(scenario, antrag):
    with pytest.raises(ValidationError, match="nur für bewilligte Anträge"):
        services.mittelabruf_erfassen(
            antrag=antrag,
            betrag=D("1.00"),
            datum=datetime.date(2020, 4, 1),
            by=scenario.users["koordination"],
        )
    assert not Mittelabruf.objects.exists()


@pytest.mark.parametrize("rolle", ["kommune", "auswertung", "land", "koordination_b"])
def test_only_koordination_records_drawdowns(scenario, antrag, rolle):
    _bewilligt(scenario, antrag)
    with pytest.raises(PermissionDenied):
        services.mittelabruf_erfassen(
            antrag=antrag, betrag=D("1.00"), datum=datetime.date(2020, 4, 1), by=scenario.users[rolle]
        )
    assert not Mittelabruf.objects.exists()


def test_kommune_drafts_only_for_its_own_kommune(scenario, f1, regeln_f1):
    kommune_user = scenario.users["kommune"]
    antrag = Foerderantrag(
        baustein=f1,
        kommune=scenario.a2,
        titel="Sprachkurs",
        beginn=datetime.date(2020, 1, 1),
        ende=datetime.date(2020, 6, 30),
        haushaltsjahr=2020,
        eigenanteil=D("100.00"),
    )
    antrag = services.antrag_speichern(
        antrag=antrag,
        by=kommune_user,
        kostenplan=[
            KostenpositionDaten(Kostenkategorie.HONORAR, "Kurs", einheiten=D("40"), einheitssatz=D("37.50")),
            KostenpositionDaten(Kostenkategorie.SACH, "Material", betrag=D("250.55")),
        ],
    )
    assert antrag.kommune == scenario.a1  # forced to the user's own Kommune
    assert antrag.buendnis == scenario.a
    assert antrag.gesamtkosten == D("1750.55")
    # The typed own share is not taken: 20 % of each line by the rules (300.00 + 50.11).
    assert (antrag.eigenanteil, antrag.beantragt) == (D("350.11"), D("1400.44"))
    assert Statuswechsel.objects.get(antrag=antrag).nach == A.ENTWURF


def test_typed_amount_of_a_flat_rate_line_is_not_taken(scenario, f1, regeln_f1):
    antrag = Foerderantrag(
        baustein=f1,
        kommune=scenario.a1,
        titel="Kurs",
        beginn=datetime.date(2020, 1, 1),
        ende=datetime.date(2020, 6, 30),
        haushaltsjahr=2020,
    )
    antrag = services.antrag_speichern(
        antrag=antrag,
        by=scenario.users["koordination"],
        kostenplan=[
            KostenpositionDaten(
                "honorar", "Kurs", betrag=D("1.00"), einheiten=D("2"), einheitssatz=D("37.50")
            )
        ],
    )
    assert antrag.kostenpositionen.get().betrag == antrag.gesamtkosten == D("75.00")


def test_period_outside_programme_is_refused(scenario, f1):
    antrag = Foerderantrag(
        baustein=f1,
        kommune=scenario.a1,
        titel="Zu spät",
        beginn=datetime.date(2022, 1, 1),
        ende=datetime.date(2023, 6, 30),
        haushaltsjahr=2022,
    )
    with pytest.raises(ValidationError, match="innerhalb der Programmlaufzeit"):
        services.antrag_speichern(antrag=antrag, by=scenario.users["koordination"], kostenplan=[])
    assert not Foerderantrag.objects.exists()


def test_stale_edit_is_refused_and_names_the_change(scenario, antrag):
    koord = scenario.users["koordination"]
    kommune_user = scenario.users["kommune"]
    # Both open version 1; the Kommune saves first.
    erste = Foerderantrag.objects.get(pk=antrag.pk)
    erste.titel = "Coaching Aheim 2020"
    services.antrag_speichern(antrag=erste, by=kommune_user, version=1)
    zweite = Foerderantrag.objects.get(pk=antrag.pk)
    zweite.version = 1
    zweite.titel = "Mein Titel"
    with pytest.raises(ValidationError) as exc:
        services.antrag_speichern(antrag=zweite, by=koord, version=1)
    text = " ".join(exc.value.messages)
    assert "inzwischen von kom-a1 geändert (Version 1 → 2)" in text
    assert "Titel: „" in text and "Coaching Aheim 2020" in text
    antrag.refresh_from_db()
    assert antrag.titel == "Coaching Aheim 2020" and antrag.version == 2


def test_kommune_cannot_edit_submitted_antrag(scenario, antrag):
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=A.EINGEREICHT)
    antrag.refresh_from_db()
    antrag.titel = "geändert"
    with pytest.raises(PermissionDenied):
        services.antrag_speichern(antrag=antrag, by=scenario.users["kommune"])


def test_monitoring_only_for_approved_and_transitions_bounded(scenario, antrag):
    koord = scenario.users["koordination"]
    with pytest.raises(ValidationError, match="erst für bewilligte"):
        services.monitoring_melden(antrag=antrag, jahr=2020, quartal=1, by=koord, eingetreten=3)
    _bewilligt(scenario, antrag)
    with pytest.raises(ValidationError, match="mehr Übergänge"):
        services.monitoring_melden(
            antrag=antrag, jahr=2020, quartal=1, by=koord, abgeschlossen=1, uebergang_arbeit=2
        )
    meldung = services.monitoring_melden(
        antrag=antrag,
        jahr=2020,
        quartal=1,
        by=scenario.users["kommune"],
        eingetreten=5,
        aktiv=4,
        abgeschlossen=1,
        uebergang_ausbildung=1,
    )
    assert meldung.aktiv == 4


def test_monitoring_by_aufenthaltsstatus_cannot_exceed_participants(scenario, antrag):
    from angebote.models import Aufenthaltsstatus
    from foerderung.selectors import teilnehmende_nach_status

    koord = scenario.users["koordination"]
    _bewilligt(scenario, antrag)
    gestattung = Aufenthaltsstatus.objects.get(code="gestattung")
    duldung = Aufenthaltsstatus.objects.get(code="duldung")
    with pytest.raises(ValidationError, match="Nach Aufenthaltsstatus sind 6 Teilnehmende gemeldet"):
        services.monitoring_melden(
            antrag=antrag, jahr=2020, quartal=2, by=koord, aktiv=5, nach_status={gestattung: 4, duldung: 2}
        )
    assert not antrag.monitoring.exists()
    services.monitoring_melden(
        antrag=antrag, jahr=2020, quartal=2, by=koord, aktiv=5, nach_status={gestattung: 3, duldung: 2}
    )
    # Raw for the application's own Kommune; everybody else gets them protected (tests/foerderung/test_kleine_zahlen).
    zeilen = {z["code"]: z["teilnehmende"].zahl for z in teilnehmende_nach_status(scenario.users["kommune"])}
    assert zeilen == {"gestattung": 3, "duldung": 2}
    geschuetzt = {
        z["code"]: z["teilnehmende"] for z in teilnehmende_nach_status(scenario.users["auswertung"])
    }
    assert geschuetzt["duldung"].gesperrt
    assert teilnehmende_nach_status(scenario.users["koordination_b"]) == []


def test_linked_offers_must_belong_to_the_same_buendnis(scenario, antrag):
    from angebote.models import Angebot, Kategorie

    deutsch = Kategorie.objects.get(code="deutsch")
    fremd = Angebot.objects.create(
        buendnis=scenario.b, kennung="B-1", titel="Kurs B", traeger=scenario.akteur_b, kategorie=deutsch
    )
    with pytest.raises(ValidationError, match="selben Bündnis"):
        services.antrag_speichern(antrag=antrag, by=scenario.users["koordination"], angebote=[fremd])
    assert not antrag.angebote.exists()
    eigenes = Angebot.objects.create(
        buendnis=scenario.a, kennung="A-1", titel="Kurs A", traeger=scenario.akteur_a, kategorie=deutsch
    )
    services.antrag_speichern(antrag=antrag, by=scenario.users["koordination"], angebote=[eigenes])
    assert list(antrag.angebote.all()) == [eigenes]


def _berechnete_verteilung(scenario, f1, gesamt):
    from foerderung.models import Verteilung

    land = scenario.users["land"]
    verteilung = Verteilung.objects.create(
        programm=f1.programm, baustein=f1, name="F1 2020", gesamtbetrag=gesamt, indikator="Geduldete"
    )
    services.verteilung_indikator_setzen(
        verteilung=verteilung, buendnis=scenario.a, indikatorwert=D(1), by=land
    )
    services.verteilung_indikator_setzen(
        verteilung=verteilung, buendnis=scenario.b, indikatorwert=D(2), by=land
    )
    return services.verteilung_berechnen(verteilung=verteilung, by=land)


def test_budgets_from_distribution_add_up_to_its_total(scenario, f1):
    from foerderung.models import Budget

    verteilung = _berechnete_verteilung(scenario, f1, D("100.00"))
    services.verteilung_in_budgets_uebernehmen(verteilung=verteilung, jahr=2021, by=scenario.users["land"])
    betraege = dict(Budget.objects.filter(jahr=2021).values_list("buendnis__name", "betrag"))
    assert betraege == {"Rhein-Kreis Test": D("33.33"), "Stadt Anderswo": D("66.67")}
    assert sum(betraege.values()) == verteilung.gesamtbetrag


def test_stale_distribution_result_is_not_taken_over_as_budgets(scenario, f1):
    from foerderung.models import Budget, Verteilung

    verteilung = _berechnete_verteilung(scenario, f1, D("100000.00"))
    # The total is raised after the computation: the saved shares no longer add up to it.
    Verteilung.objects.filter(pk=verteilung.pk).update(gesamtbetrag=D("200000.00"))
    with pytest.raises(ValidationError, match="Bitte berechnen Sie die Verteilung neu"):
        services.verteilung_in_budgets_uebernehmen(
            verteilung=verteilung, jahr=2021, by=scenario.users["land"]
        )
    assert not Budget.objects.exists()


def test_distribution_cannot_cut_a_budget_below_earmarks_or_approvals_and_changes_nothing(
    scenario, f1, budget_a
):
    from foerderung.models import Budget, BudgetKommune

    land = scenario.users["land"]
    verteilung = _berechnete_verteilung(scenario, f1, D("60000.00"))  # a gets 20,000.00, b 40,000.00
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a1, betrag=D("30000.00"))
    with pytest.raises(ValidationError, match="bereits 30.000,00 € zugeteilt"):
        services.verteilung_in_budgets_uebernehmen(verteilung=verteilung, jahr=2020, by=land)
    BudgetKommune.objects.all().delete()
    FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, beantragt=D("25000.00"), bewilligt=True
    )
    with pytest.raises(ValidationError, match="bereits 25.000,00 € bewilligt"):
        services.verteilung_in_budgets_uebernehmen(verteilung=verteilung, jahr=2020, by=land)
    # Nothing half-written: a keeps its budget, b got none.
    assert list(Budget.objects.values_list("buendnis__name", "betrag")) == [
        ("Rhein-Kreis Test", D("100000.00"))
    ]
    # Raising a budget is always possible.
    groesser = _berechnete_verteilung(scenario, f1, D("600000.00"))
    services.verteilung_in_budgets_uebernehmen(verteilung=groesser, jahr=2020, by=land)
    budget_a.refresh_from_db()
    assert budget_a.betrag == D("200000.00")


def test_units_times_rate_is_rounded_half_up_to_the_cent(scenario, f1):
    from foerderung.models import Foerderregel, Kostenart

    for kostenart, satz in ((Kostenart.UNTERRICHTSSTUNDE, "0.05"), (Kostenart.TEILNEHMENDENSTUNDE, "0.01")):
        Foerderregel.objects.create(
            baustein=f1,
            bezeichnung=kostenart,
            kostenart=kostenart,
            satz=D(satz),
            gueltig_ab=datetime.date(2019, 10, 1),
        )
    antrag = Foerderantrag(
        baustein=f1,
        kommune=scenario.a1,
        titel="Kurs",
        beginn=datetime.date(2020, 1, 1),
        ende=datetime.date(2020, 6, 30),
        haushaltsjahr=2020,
    )
    # 0.5 × 0.05 = 0.025 and 2.5 × 0.01 = 0.025: half up gives 0.03 each (half-to-even would give 0.02).
    antrag = services.antrag_speichern(
        antrag=antrag,
        by=scenario.users["koordination"],
        kostenplan=[
            KostenpositionDaten("honorar", "a", einheiten=D("0.5"), kostenart=Kostenart.UNTERRICHTSSTUNDE),
            KostenpositionDaten("sach", "b", einheiten=D("2.5"), kostenart=Kostenart.TEILNEHMENDENSTUNDE),
            KostenpositionDaten(
                "sach", "c", betrag=D("0.03"), einheiten=D("0.5"), kostenart="unterrichtsstunde"
            ),
        ],
    )
    assert list(antrag.kostenpositionen.values_list("betrag", flat=True)) == [D("0.03")] * 3
    assert antrag.gesamtkosten == antrag.beantragt == D("0.09")


@pytest.mark.parametrize("betrag", [D("0.005"), D("100.001"), D("1E+20"), D("NaN")])
def test_amounts_are_never_silently_rounded(scenario, antrag, betrag):
    koord = scenario.users["koordination"]
    _bewilligt(scenario, antrag, D("1000.00"))
    with pytest.raises(ValidationError) as exc:
        services.mittelabruf_erfassen(antrag=antrag, betrag=betrag, datum=datetime.date(2020, 4, 1), by=koord)
    assert "Nachkommastellen" in str(exc.value) or "zu groß" in str(exc.value)
    assert not Mittelabruf.objects.exists()


ALLE_PAARE = [(von, nach) for von in A for nach in A]


@pytest.mark.parametrize(
    ("von", "nach"), [(v, n) for v, n in ALLE_PAARE if n not in services.UEBERGAENGE.targets(v)]
)
def test_every_transition_outside_the_table_is_refused(scenario, antrag, von, nach):
    """Exhaustive: each pair of states not in the workflow table (71 of 81) is refused with a German message
    and nothing written; the dedicated services refuse their step from every other state too."""
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=von, bewilligt_betrag=None)
    koord = scenario.users["koordination"]
    with pytest.raises(ValidationError) as exc:
        services.antrag_statuswechsel(antrag=antrag, nach=nach, by=koord)
    assert any(
        text in " ".join(exc.value.messages)
        for text in ("kann nicht in den Status", "weitere Angaben nötig", "Verwendungsnachweis")
    )
    if nach == A.BEWILLIGT:
        with pytest.raises(ValidationError, match="kann nicht in den Status „bewilligt“"):
            services.antrag_bewilligen(
                antrag=antrag,
                betrag=D("1.00"),
                bescheid_datum=datetime.date(2020, 2, 1),
                bescheid_nummer="X",
                by=koord,
            )
    if nach == A.ABGELEHNT:
        with pytest.raises(ValidationError, match="kann nicht in den Status „abgelehnt“"):
            services.antrag_ablehnen(antrag=antrag, grund="Grund", by=koord)
    if nach == A.VN_EINGEREICHT:
        with pytest.raises(ValidationError, match="kann nicht in den Status"):
            services.verwendungsnachweis_einreichen(
                antrag=antrag,
                eingereicht_am=datetime.date(2021, 1, 1),
                sachbericht="x",
                ausgaben_ist=D("1.00"),
                by=koord,
            )
    antrag.refresh_from_db()
    assert (antrag.status, antrag.bewilligt_betrag) == (von, None)
    assert not Statuswechsel.objects.filter(antrag=antrag).exists()
    assert not Verwendungsnachweis.objects.filter(antrag=antrag).exists()


@pytest.mark.parametrize("von", [s for s in A if s != A.BEWILLIGT])
def test_drawdown_is_refused_in_every_state_but_bewilligt(scenario, antrag, von):
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=von, bewilligt_betrag=D("10000.00"))
    with pytest.raises(ValidationError, match="nur für bewilligte Anträge"):
        services.mittelabruf_erfassen(
            antrag=antrag,
            betrag=D("1.00"),
            datum=datetime.date(2020, 4, 1),
            by=scenario.users["koordination"],
        )
    assert not Mittelabruf.objects.exists()


def test_project_idea_is_funded_from_baustein_v_only(scenario, f1, programm):
    from buendnis.choices import Baustein

    from .factories import FoerderbausteinFactory, ProjektideeFactory

    idee = ProjektideeFactory(buendnis=scenario.a, status="antrag")
    koord = scenario.users["koordination"]
    falsch = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)
    with pytest.raises(ValidationError, match="Förderbaustein F5"):
        services.idee_status_setzen(idee=idee, status="gefoerdert", antrag=falsch, by=koord)
    idee.refresh_from_db()
    assert (idee.status, idee.antrag) == ("antrag", None)
    f5 = FoerderbausteinFactory(programm=programm, nummer=Baustein.F5)
    richtig = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f5)
    services.idee_status_setzen(idee=idee, status="gefoerdert", antrag=richtig, by=koord)
    idee.refresh_from_db()
    assert (idee.status, idee.antrag) == ("gefoerdert", richtig)


def test_a_new_indicator_value_clears_the_whole_saved_result(scenario, f1):
    from foerderung.models import Verteilungsanteil

    verteilung = _berechnete_verteilung(scenario, f1, D("300.00"))
    assert verteilung.berechnet_am is not None
    neu = BuendnisFactory(name="Neuer Kreis")
    services.verteilung_indikator_setzen(
        verteilung=verteilung, buendnis=neu, indikatorwert=D(3), by=scenario.users["land"]
    )
    verteilung.refresh_from_db()
    assert verteilung.berechnet_am is None
    # The shares of a and b (100 and 200) no longer hold with a third Bündnis: none stays as if valid.
    assert set(Verteilungsanteil.objects.values_list("betrag", flat=True)) == {None}
    with pytest.raises(ValidationError, match="noch nicht berechnet"):
        services.verteilung_in_budgets_uebernehmen(
            verteilung=verteilung, jahr=2020, by=scenario.users["land"]
        )
