"""Funding rules applied to applications (foerderung.regeln): validity dates of rules and Bausteine, cost plans
computed from units × the rate in force, own shares by the rule, budget consolidation, F6 only for joined
Kommunen, new rule versions from their date (never backwards) by the Land only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buendnis.choices import Baustein
from foerderung import regeln, services
from foerderung.models import (
    Antragsberechtigt,
    AntragStatus,
    Foerderantrag,
    Foerderregel,
    Haushaltssicherung,
    KommuneTeilnahme,
    Kostenart,
    Kostenposition,
)
from foerderung.services import KostenpositionDaten

from .factories import FoerderbausteinFactory

D = Decimal
T = datetime.date


@pytest.fixture
def programm_bis_2023(programm):
    # The programme's run was extended twice (31.12.2022, then 30.06.2023).
    programm.laufzeit_ende = T(2023, 6, 30)
    programm.save()
    return programm


@pytest.fixture
def f4(programm_bis_2023):
    return FoerderbausteinFactory(
        programm=programm_bis_2023, nummer=Baustein.F4, gueltig_ab=T(2019, 10, 1), gueltig_bis=T(2023, 6, 30)
    )


@pytest.fixture
def p4(f4):
    """F4 flat rate P 4: 37.50 EUR per teaching hour, 80 % state funding, 01.10.2019–30.06.2023."""
    return Foerderregel.objects.create(
        baustein=f4,
        bezeichnung="Pauschale P 4",
        kostenart=Kostenart.UNTERRICHTSSTUNDE,
        satz=D("37.50"),
        foerderquote_prozent=D("80"),
        gueltig_ab=T(2019, 10, 1),
        gueltig_bis=T(2023, 6, 30),
    )


@pytest.fixture
def f6_regel(programm_bis_2023, f6):
    """F6 Teilhabemanagement from 01.11.2019 to 31.12.2022: 4,000.00 EUR per position-month, 80 % (90 % under
    budget consolidation), only for Kommunen that joined "Gemeinsam klappt's"."""
    f6.gueltig_ab, f6.gueltig_bis = T(2019, 11, 1), T(2022, 12, 31)
    f6.save()
    return Foerderregel.objects.create(
        baustein=f6,
        bezeichnung="Teilhabemanagement",
        kostenart=Kostenart.STELLENMONAT,
        satz=D("4000.00"),
        foerderquote_prozent=D("80"),
        foerderquote_haushaltssicherung_prozent=D("90"),
        antragsberechtigt=Antragsberechtigt.BEIGETRETENE_KOMMUNE,
        gueltig_ab=T(2019, 11, 1),
        gueltig_bis=T(2022, 12, 31),
    )


@pytest.fixture
def beigetreten(scenario):
    return KommuneTeilnahme.objects.create(
        buendnis=scenario.a,
        kommune=scenario.a1,
        interesse_bekundet_am=T(2019, 6, 1),
        beigetreten_am=T(2019, 9, 1),
    )


def _antrag(scenario, baustein, beginn, ende, **felder):
    felder.setdefault("kommune", scenario.a1)
    return Foerderantrag(
        baustein=baustein, titel="Antrag", beginn=beginn, ende=ende, haushaltsjahr=beginn.year, **felder
    )


def _speichern(scenario, antrag, zeilen, role="koordination"):
    return services.antrag_speichern(antrag=antrag, by=scenario.users[role], kostenplan=zeilen)


def _kurs(stunden="40", **extra):
    return KostenpositionDaten(
        "", "Kurs", einheiten=D(stunden), kostenart=Kostenart.UNTERRICHTSSTUNDE, **extra
    )


def _stelle(monate="12"):
    return KostenpositionDaten(
        "", "Teilhabemanagement", einheiten=D(monate), kostenart=Kostenart.STELLENMONAT
    )


def _meldung(exc) -> str:
    return " ".join(exc.value.messages)


# Validity of Bausteine and rule versions --------------------------------------------------------------------------


def test_f6_application_before_f6_starts_is_refused_in_german(scenario, f6_regel, beigetreten):
    antrag = _antrag(scenario, f6_regel.baustein, T(2019, 10, 1), T(2019, 12, 31))
    with pytest.raises(ValidationError) as exc:
        _speichern(scenario, antrag, [_stelle("3")])
    assert _meldung(exc) == (
        "Der Förderbaustein F6 gilt vom 01.11.2019 bis 31.12.2022; der Förderzeitraum 01.10.2019–31.12.2019 "
        "liegt nicht vollständig darin."
    )
    assert not Foerderantrag.objects.exists()


def test_f6_application_for_second_half_of_2022_is_accepted(scenario, f6_regel, beigetreten):
    antrag = _speichern(
        scenario, _antrag(scenario, f6_regel.baustein, T(2022, 7, 1), T(2022, 12, 31)), [_stelle("6")]
    )
    assert (antrag.gesamtkosten, antrag.eigenanteil, antrag.beantragt) == (
        D("24000.00"),
        D("4800.00"),
        D("19200.00"),
    )


def test_regel_fuer_refuses_a_kind_of_cost_without_rule(f4, p4):
    with pytest.raises(ValidationError) as exc:
        regeln.regel_fuer(f4, Kostenart.TATSAECHLICH, T(2020, 1, 1), T(2020, 6, 30))
    assert _meldung(exc) == (
        "Für den Förderbaustein F4 gibt es am 01.01.2020 keine Förderregel für „tatsächliche Ausgaben“."
    )


def test_application_spanning_a_rule_change_is_refused_and_must_be_split(scenario, p4):
    services.regel_neue_version(
        regel=p4, gueltig_ab=T(2022, 1, 1), satz=D("40.00"), by=scenario.users["land"]
    )
    antrag = _antrag(scenario, p4.baustein, T(2021, 7, 1), T(2022, 6, 30))
    with pytest.raises(ValidationError) as exc:
        _speichern(scenario, antrag, [_kurs()])
    assert _meldung(exc) == (
        "Kostenposition „Kurs“: Der Förderzeitraum 01.07.2021–30.06.2022 liegt nicht vollständig in der "
        "Förderregel „Pauschale P 4“ (gültig vom 01.10.2019 bis 31.12.2021). Ein Antrag muss innerhalb der "
        "Regelversionen liegen, die er nutzt: Bitte teilen Sie den Antrag am Regelwechsel auf."
    )
    assert not Foerderantrag.objects.exists()


def test_submit_rechecks_the_rules_after_a_new_version_closed_the_old_one(scenario, p4):
    antrag = _speichern(scenario, _antrag(scenario, p4.baustein, T(2021, 7, 1), T(2021, 12, 31)), [_kurs()])
    services.regel_neue_version(
        regel=p4, gueltig_ab=T(2021, 10, 1), satz=D("40.00"), by=scenario.users["land"]
    )
    with pytest.raises(ValidationError) as exc:
        services.antrag_statuswechsel(
            antrag=antrag, nach=AntragStatus.EINGEREICHT, by=scenario.users["kommune"]
        )
    assert "Bitte teilen Sie den Antrag am Regelwechsel auf." in _meldung(exc)
    assert "(gültig vom 01.10.2019 bis 30.09.2021)" in _meldung(exc)
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.ENTWURF


# Cost plans computed by the rule ---------------------------------------------------------------------------------


def test_cost_plan_is_units_times_rule_rate_and_own_share_follows_the_rule(scenario, p4):
    antrag = _speichern(
        scenario, _antrag(scenario, p4.baustein, T(2020, 1, 1), T(2020, 6, 30)), [_kurs("40")]
    )
    zeile = Kostenposition.objects.get(antrag=antrag)
    assert (zeile.regel, zeile.einheiten, zeile.einheitssatz, zeile.betrag) == (
        p4,
        D("40"),
        D("37.50"),
        D("1500.00"),
    )
    assert (zeile.foerderquote_prozent, zeile.foerderung, zeile.eigenanteil) == (
        D("80"),
        D("1200.00"),
        D("300.00"),
    )
    assert (antrag.gesamtkosten, antrag.eigenanteil, antrag.beantragt) == (
        D("1500.00"),
        D("300.00"),
        D("1200.00"),
    )


def test_typed_amount_own_share_and_requested_sum_are_ignored(scenario, p4):
    antrag = _antrag(scenario, p4.baustein, T(2020, 1, 1), T(2020, 6, 30), eigenanteil=D("0"))
    antrag.beantragt = D("99999.00")
    antrag = _speichern(scenario, antrag, [_kurs("40", betrag=D("99999.00"))])
    assert (antrag.gesamtkosten, antrag.eigenanteil, antrag.beantragt) == (
        D("1500.00"),
        D("300.00"),
        D("1200.00"),
    )


def test_own_share_rounds_half_up_and_adds_up_to_the_cent(scenario, p4):
    # 3 × 37.50 = 112.50; 80 % = 90.00. 0.33 h: 12.375 → 12.38, 80 % = 9.904 → 9.90, own share 2.48.
    antrag = _speichern(
        scenario, _antrag(scenario, p4.baustein, T(2020, 1, 1), T(2020, 6, 30)), [_kurs("3"), _kurs("0.33")]
    )
    zeilen = list(
        antrag.kostenpositionen.order_by("betrag").values_list("betrag", "foerderung", "eigenanteil")
    )
    assert zeilen == [(D("12.38"), D("9.90"), D("2.48")), (D("112.50"), D("90.00"), D("22.50"))]
    assert (antrag.gesamtkosten, antrag.eigenanteil, antrag.beantragt) == (
        D("124.88"),
        D("24.98"),
        D("99.90"),
    )


def test_99_eur_per_hour_is_refused_unless_the_rule_allows_deviation(scenario, p4):
    antrag = _antrag(scenario, p4.baustein, T(2020, 1, 1), T(2020, 6, 30))
    with pytest.raises(ValidationError) as exc:
        _speichern(scenario, antrag, [_kurs("40", einheitssatz=D("99.00"))])
    assert _meldung(exc) == (
        "Kostenposition „Kurs“: Die Förderregel „Pauschale P 4“ sieht 37,50 € je Einheit vor; ein abweichender "
        "Satz (99,00 €) ist nicht zulässig."
    )
    assert not Foerderantrag.objects.exists()


def test_deviation_where_allowed_needs_a_reason_and_is_kept_as_such(scenario, p4):
    Foerderregel.objects.filter(pk=p4.pk).update(abweichung_erlaubt=True)
    antrag = _antrag(scenario, p4.baustein, T(2020, 1, 1), T(2020, 6, 30))
    with pytest.raises(ValidationError) as exc:
        _speichern(scenario, antrag, [_kurs("40", einheitssatz=D("99.00"))])
    assert _meldung(exc) == (
        "Kostenposition „Kurs“: Ein vom Satz der Förderregel (37,50 €) abweichender Satz braucht eine Begründung."
    )
    antrag = _speichern(
        scenario,
        antrag,
        [_kurs("40", einheitssatz=D("99.00"), abweichung_begruendung="Fachdozentin Mathematik")],
    )
    zeile = antrag.kostenpositionen.get()
    assert (zeile.einheitssatz, zeile.betrag, zeile.foerderung, zeile.eigenanteil) == (
        D("99.00"),
        D("3960.00"),
        D("3168.00"),
        D("792.00"),
    )
    assert zeile.abweichung_begruendung == "Fachdozentin Mathematik"
    response = scenario.client("koordination").get(antrag.get_absolute_url())
    assert "Abweichung vom Satz 37,50 €" in response.content.decode()


# Budget consolidation and who may apply -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("beginn", "ende", "quote", "eigenanteil"),
    [
        # Under budget consolidation on the application's first day: 90 %.
        (T(2020, 3, 1), T(2021, 2, 28), D("90"), D("4800.00")),
        # The consolidation ended before the application begins: 80 %.
        (T(2021, 1, 1), T(2021, 12, 31), D("80"), D("9600.00")),
    ],
)
def test_90_percent_only_with_consolidation_valid_at_the_beginning(
    scenario, f6_regel, beigetreten, beginn, ende, quote, eigenanteil
):
    Haushaltssicherung.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, gueltig_ab=T(2020, 1, 1), gueltig_bis=T(2020, 12, 31)
    )
    antrag = _speichern(scenario, _antrag(scenario, f6_regel.baustein, beginn, ende), [_stelle("12")])
    zeile = antrag.kostenpositionen.get()
    assert (zeile.betrag, zeile.foerderquote_prozent, zeile.eigenanteil) == (
        D("48000.00"),
        quote,
        eigenanteil,
    )
    assert antrag.beantragt == D("48000.00") - eigenanteil


def test_90_percent_is_not_given_to_a_kommune_without_consolidation(scenario, f6_regel, beigetreten):
    Haushaltssicherung.objects.create(buendnis=scenario.a, kommune=scenario.a2, gueltig_ab=T(2019, 1, 1))
    antrag = _speichern(
        scenario, _antrag(scenario, f6_regel.baustein, T(2020, 1, 1), T(2020, 12, 31)), [_stelle()]
    )
    assert antrag.kostenpositionen.get().foerderquote_prozent == D("80")


def test_f6_is_refused_for_a_kommune_that_has_not_joined(scenario, f6_regel, beigetreten):
    KommuneTeilnahme.objects.create(
        buendnis=scenario.a, kommune=scenario.a2, interesse_bekundet_am=T(2019, 6, 1)
    )
    antrag = _antrag(scenario, f6_regel.baustein, T(2020, 1, 1), T(2020, 12, 31), kommune=scenario.a2)
    with pytest.raises(ValidationError) as exc:
        _speichern(scenario, antrag, [_stelle()])
    assert _meldung(exc) == (
        "Kostenposition „Teilhabemanagement“: Die Kommune Adorf ist „Gemeinsam klappt’s“ nicht zum 01.01.2020 "
        "beigetreten; den Förderbaustein F6 können nur beigetretene Kommunen beantragen."
    )
    assert not Foerderantrag.objects.exists()


def test_f6_is_refused_before_the_kommune_joined(scenario, f6_regel, beigetreten):
    beigetreten.beigetreten_am = T(2020, 6, 1)
    beigetreten.save()
    antrag = _antrag(scenario, f6_regel.baustein, T(2020, 1, 1), T(2020, 12, 31))
    with pytest.raises(
        ValidationError, match="Die Kommune Aheim ist „Gemeinsam klappt’s“ nicht zum 01.01.2020"
    ):
        _speichern(scenario, antrag, [_stelle()])


def test_an_akteur_may_apply_where_the_rule_is_open_to_all(scenario, p4):
    Foerderregel.objects.filter(pk=p4.pk).update(antragsberechtigt=Antragsberechtigt.ALLE)
    antrag = _antrag(scenario, p4.baustein, T(2020, 1, 1), T(2020, 6, 30), kommune=None)
    antrag.antragsteller_akteur = scenario.akteur_a
    antrag = _speichern(scenario, antrag, [_kurs()])
    assert antrag.antragsteller == scenario.akteur_a and antrag.beantragt == D("1200.00")


def test_the_kreis_applies_for_f6_for_its_geschaeftsfuehrende_stelle(scenario, f6_regel):
    """Without a Kommune the application is the Kreis's own (its Geschäftsführende Stelle, e.g. the KI)."""
    antrag = _antrag(scenario, f6_regel.baustein, T(2020, 1, 1), T(2020, 12, 31), kommune=None)
    antrag.antragsteller_akteur = scenario.akteur_a
    antrag = _speichern(scenario, antrag, [_stelle()])
    assert antrag.kommune is None and antrag.kostenpositionen.get().foerderquote_prozent == D("80")


# New rule versions ---------------------------------------------------------------------------------------------


def test_new_version_applies_from_its_date_and_leaves_computed_lines_alone(scenario, p4):
    land = scenario.users["land"]
    alt = _speichern(scenario, _antrag(scenario, p4.baustein, T(2020, 1, 1), T(2020, 6, 30)), [_kurs("40")])
    neu = services.regel_neue_version(
        regel=p4, gueltig_ab=T(2022, 1, 1), satz=D("40.00"), grundlage="Änderungserlass", by=land
    )
    p4.refresh_from_db()
    assert (p4.gueltig_ab, p4.gueltig_bis, p4.satz) == (T(2019, 10, 1), T(2021, 12, 31), D("37.50"))
    assert (neu.gueltig_ab, neu.gueltig_bis, neu.satz, neu.foerderquote_prozent) == (
        T(2022, 1, 1),
        T(2023, 6, 30),
        D("40.00"),
        D("80.00"),
    )
    # The line computed before keeps its rule version and rate, also when the application is saved again.
    zeile = alt.kostenpositionen.get()
    assert (zeile.regel_id, zeile.einheitssatz, zeile.betrag) == (p4.pk, D("37.50"), D("1500.00"))
    alt = _speichern(scenario, Foerderantrag.objects.get(pk=alt.pk), [_kurs("40")])
    assert alt.kostenpositionen.get().regel_id == p4.pk and alt.gesamtkosten == D("1500.00")
    # From its date the new rate applies.
    spaeter = _speichern(
        scenario, _antrag(scenario, p4.baustein, T(2022, 1, 1), T(2022, 6, 30)), [_kurs("40")]
    )
    zeile = spaeter.kostenpositionen.get()
    assert (zeile.regel_id, zeile.einheitssatz, zeile.betrag, zeile.eigenanteil) == (
        neu.pk,
        D("40.00"),
        D("1600.00"),
        D("320.00"),
    )


@pytest.mark.parametrize("ab", [T(2019, 10, 1), T(2019, 9, 30)])
def test_new_version_never_starts_backwards(scenario, p4, ab):
    with pytest.raises(ValidationError) as exc:
        services.regel_neue_version(regel=p4, gueltig_ab=ab, satz=D("40.00"), by=scenario.users["land"])
    assert _meldung(exc) == (
        "Eine neue Version gilt nie rückwirkend: Sie muss nach dem Beginn der bisherigen Version (01.10.2019) "
        "beginnen."
    )
    assert Foerderregel.objects.get() == p4 and Foerderregel.objects.get().gueltig_bis == T(2023, 6, 30)


def test_new_version_cannot_start_after_the_old_one_ended(scenario, p4):
    with pytest.raises(ValidationError, match="endet am 30.06.2023"):
        services.regel_neue_version(regel=p4, gueltig_ab=T(2023, 7, 1), by=scenario.users["land"])
    assert Foerderregel.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "erlaubt"),
    [
        ("koordination", False),
        ("kommune", False),
        ("mitglied", False),
        ("auswertung", False),
        ("land", True),
        ("admin", True),
    ],
)
def test_only_the_land_creates_a_new_rule_version(scenario, p4, role, erlaubt):
    aufruf = {"regel": p4, "gueltig_ab": T(2022, 1, 1), "satz": D("40.00"), "by": scenario.users[role]}
    if erlaubt:
        services.regel_neue_version(**aufruf)
        assert Foerderregel.objects.count() == 2
    else:
        with pytest.raises(PermissionDenied):
            services.regel_neue_version(**aufruf)
        assert Foerderregel.objects.count() == 1
        p4.refresh_from_db()
        assert p4.gueltig_bis == T(2023, 6, 30)


# Pages ---------------------------------------------------------------------------------------------------------

SEITE = {
    "anonym": 302,
    "koordination": 403,
    "kommune": 403,
    "mitglied": 403,
    "auswertung": 403,
    "land": 200,
    "admin": 200,
}


def _versionsdaten(**extra):
    daten = {
        "gueltig_ab": "2022-01-01",
        "bezeichnung": "Pauschale P 4",
        "satz": "40.00",
        "foerderquote_prozent": "80",
        "foerderquote_haushaltssicherung_prozent": "",
        "antragsberechtigt": Antragsberechtigt.KREIS_KOMMUNE,
        "entscheidet": "kreis",
        "alter_von": "18",
        "alter_bis": "27",
        "gueltig_bis": "2023-06-30",
        "grundlage": "Änderungserlass",
    }
    daten.update(extra)
    return daten


def test_new_version_page_role_matrix(scenario, p4, role):
    client = scenario.client(role)
    url = reverse("foerderung:regel-neue-version", args=[p4.pk])
    response = client.get(url)
    assert response.status_code == SEITE[role]
    if role == "anonym":
        assert response["Location"].startswith("/anmelden/")
    response = client.post(url, _versionsdaten())
    if SEITE[role] == 200:
        assert response.status_code == 302
        assert response["Location"] == reverse("foerderung:regel-list", args=[p4.baustein_id])
        neu = Foerderregel.objects.get(gueltig_ab=T(2022, 1, 1))
        assert (neu.satz, neu.grundlage) == (D("40.00"), "Änderungserlass")
    else:
        assert response.status_code == SEITE[role]
        assert Foerderregel.objects.count() == 1


def test_new_version_page_shows_a_backwards_date_as_german_error(scenario, p4):
    response = scenario.client("land").post(
        reverse("foerderung:regel-neue-version", args=[p4.pk]), _versionsdaten(gueltig_ab="2019-01-01")
    )
    assert response.status_code == 400
    assert "Eine neue Version gilt nie rückwirkend" in response.content.decode()
    assert Foerderregel.objects.count() == 1


def test_rule_list_and_baustein_page_show_the_rules_to_every_signed_in_role(scenario, p4, role):
    client = scenario.client(role)
    for url in (reverse("foerderung:regel-list", args=[p4.baustein_id]), p4.baustein.get_absolute_url()):
        response = client.get(url)
        if role == "anonym":
            assert response.status_code == 302
            continue
        assert response.status_code == 200
        text = response.content.decode()
        assert "Pauschale P 4" in text and "37,50 €" in text and "01.10.2019 – 30.06.2023" in text
        assert ("Neue Version" in text) == (role in ("land", "admin"))


@pytest.mark.parametrize("anzahl", [2, 20])
def test_rule_list_query_count_is_pinned(scenario, f4, django_assert_max_num_queries, anzahl):
    for i in range(anzahl):
        Foerderregel.objects.create(
            baustein=f4,
            bezeichnung=f"Regel {i}",
            kostenart=Kostenart.TEILNEHMENDENSTUNDE,
            satz=D("3.90"),
            gueltig_ab=T(2019, 10, 1) + datetime.timedelta(days=10 * i),
            gueltig_bis=T(2019, 10, 1) + datetime.timedelta(days=10 * i + 9),
        )
    client = scenario.client("land")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("foerderung:regel-list", args=[f4.pk]))
    assert response.status_code == 200


def test_posting_higher_amounts_in_the_form_changes_nothing(scenario, p4):
    daten = {
        "baustein": p4.baustein_id,
        "titel": "Deutschkurs",
        "beginn": "2020-02-01",
        "ende": "2020-11-30",
        "haushaltsjahr": "2020",
        "drittmittel": "0",
        "teilnehmende_geplant": "12",
        # Not fields of the form: computed, never taken from input.
        "eigenanteil": "0",
        "beantragt": "99999.00",
        "gesamtkosten": "99999.00",
        "kosten-TOTAL_FORMS": "1",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "1000",
        "kosten-0-kostenart": Kostenart.UNTERRICHTSSTUNDE,
        "kosten-0-kategorie": "",
        "kosten-0-bezeichnung": "Kursstunden",
        "kosten-0-einheiten": "40",
        "kosten-0-betrag": "99999.00",
        "kosten-0-einheitssatz": "",
    }
    client = scenario.client("kommune")
    response = client.post(reverse("foerderung:antrag-create"), daten)
    assert response.status_code == 302, response.content.decode()[:3000]
    antrag = Foerderantrag.objects.get()
    assert (antrag.gesamtkosten, antrag.eigenanteil, antrag.beantragt) == (
        D("1500.00"),
        D("300.00"),
        D("1200.00"),
    )
    response = client.post(
        reverse("foerderung:antrag-update", args=[antrag.pk]),
        {
            **daten,
            "version": str(antrag.version),
            "kosten-INITIAL_FORMS": "1",
            "kosten-0-betrag": "5000000.00",
            "eigenanteil": "-1",
        },
    )
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert (antrag.gesamtkosten, antrag.eigenanteil, antrag.beantragt) == (
        D("1500.00"),
        D("300.00"),
        D("1200.00"),
    )
    seite = client.get(antrag.get_absolute_url()).content.decode()
    assert "Pauschale P 4" in seite and "1.200,00 €" in seite and "300,00 €" in seite


def test_form_refuses_a_deviating_rate_with_the_rule_message(scenario, p4):
    daten = {
        "baustein": p4.baustein_id,
        "titel": "Deutschkurs",
        "beginn": "2020-02-01",
        "ende": "2020-11-30",
        "haushaltsjahr": "2020",
        "drittmittel": "0",
        "teilnehmende_geplant": "0",
        "kommune": scenario.a1.pk,
        "kosten-TOTAL_FORMS": "1",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "1000",
        "kosten-0-kostenart": Kostenart.UNTERRICHTSSTUNDE,
        "kosten-0-bezeichnung": "Kursstunden",
        "kosten-0-einheiten": "40",
        "kosten-0-einheitssatz": "99.00",
    }
    response = scenario.client("koordination").post(reverse("foerderung:antrag-create"), daten)
    assert response.status_code == 400
    assert "ein abweichender Satz (99,00 €) ist nicht zulässig" in response.content.decode(), (
        response.context["form"].errors
    )
    assert not Foerderantrag.objects.exists()


def test_import_computes_the_own_share_and_does_not_read_the_eigenanteil_column(scenario, regeln_f1):
    text = (
        "ID;Förderbaustein;Titel;Kommune;Beginn;Ende;Haushaltsjahr;Honorare (EUR);Eigenanteil (EUR);beantragt (EUR)\n"
        ";I;Deutschkurs;Aheim;01.03.2020;30.11.2020;2020;3.000,00;0;3.000,00\n"
    )
    client = scenario.client("koordination")
    url = reverse("foerderung:antrag-import")
    datei = SimpleUploadedFile("daten.csv", text.encode("utf-8"), content_type="text/csv")
    vorschau = client.post(url, {"datei": datei})
    assert vorschau.status_code == 200
    client.post(url, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk})
    antrag = Foerderantrag.objects.get()
    assert (antrag.gesamtkosten, antrag.eigenanteil, antrag.beantragt) == (
        D("3000.00"),
        D("600.00"),
        D("2400.00"),
    )
    assert antrag.kostenpositionen.get().regel == regeln_f1[Kostenart.TATSAECHLICH]


# Eligible residence statuses -------------------------------------------------------------------------------------


def test_monitoring_refuses_participants_whose_status_the_rule_excludes(scenario, p4):
    """A rule listing its eligible statuses is applied to the participants reported: nobody outside it."""
    from angebote.models import Aufenthaltsstatus

    gestattung = Aufenthaltsstatus.objects.get(code="gestattung")
    duldung = Aufenthaltsstatus.objects.get(code="duldung")
    p4.zugelassene_status.set([gestattung])
    antrag = _speichern(scenario, _antrag(scenario, p4.baustein, T(2020, 1, 1), T(2020, 6, 30)), [_kurs()])
    Foerderantrag.objects.filter(pk=antrag.pk).update(status="bewilligt", bewilligt_betrag=antrag.beantragt)
    antrag.refresh_from_db()
    koord = scenario.users["koordination"]
    with pytest.raises(ValidationError) as exc:
        services.monitoring_melden(
            antrag=antrag, jahr=2020, quartal=1, by=koord, aktiv=5, nach_status={gestattung: 3, duldung: 2}
        )
    assert exc.value.messages == [
        f"Nach den Förderregeln des Bausteins F4 können Menschen mit {duldung} nicht teilnehmen."
    ]
    assert not antrag.monitoring.exists()
    services.monitoring_melden(
        antrag=antrag, jahr=2020, quartal=1, by=koord, aktiv=5, nach_status={gestattung: 3, duldung: 0}
    )
    assert antrag.monitoring.get().nach_status.get().anzahl == 3
