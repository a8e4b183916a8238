"""Settlement of an approved application (issue 13): drawdowns from proven units, the proof of use per cost line
with its reconciliation and repayment claim, the deadlines shown to the responsible people.

The hand-computed plan: "Deutschkurs A1", 40 Unterrichtsstunden × 37.50 EUR = 1,500.00 EUR at 80 % → funding
1,200.00 EUR (own share 300.00), and "Prüfungsgebühren" at actual costs, 500.00 EUR at 100 % → 500.00 EUR.
Approved: 1,700.00 EUR.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from foerderung import selectors, services
from foerderung.models import (
    AntragStatus,
    Foerderantrag,
    Kostenart,
    Kostenkategorie,
    Kostenposition,
    Mittelabruf,
    Verwendungsnachweis,
)
from foerderung.services import NachweisPositionDaten

from .factories import FoerderantragFactory, MittelabrufFactory

A = AntragStatus
D = Decimal
TAG = datetime.date(2020, 5, 1)


def _plan(antrag, regeln=None):
    """Replaces the factory's cost line by the hand-computed plan; returns (Deutschkurs, Prüfungsgebühren)."""
    antrag.kostenpositionen.all().delete()
    regeln = regeln or {}
    kurs = Kostenposition.objects.create(
        antrag=antrag,
        kategorie=Kostenkategorie.HONORAR,
        bezeichnung="Deutschkurs A1",
        einheiten=D("40"),
        einheitssatz=D("37.50"),
        betrag=D("1500.00"),
        regel=regeln.get(Kostenart.UNTERRICHTSSTUNDE),
        foerderquote_prozent=D("80"),
        foerderung=D("1200.00"),
        eigenanteil=D("300.00"),
    )
    gebuehren = Kostenposition.objects.create(
        antrag=antrag,
        kategorie=Kostenkategorie.SACH,
        bezeichnung="Prüfungsgebühren",
        betrag=D("500.00"),
        foerderquote_prozent=D("100"),
        foerderung=D("500.00"),
    )
    return kurs, gebuehren


@pytest.fixture
def antrag(scenario, f1, regeln_f1):
    antrag = FoerderantragFactory(
        buendnis=scenario.a,
        kommune=scenario.a1,
        baustein=f1,
        bewilligt=True,
        gesamtkosten=D("2000.00"),
        beantragt=D("1700.00"),
        eigenanteil=D("300.00"),
    )
    _plan(antrag, regeln_f1)
    return antrag


@pytest.fixture
def kurs(antrag):
    return antrag.kostenpositionen.get(bezeichnung="Deutschkurs A1")


@pytest.fixture
def gebuehren(antrag):
    return antrag.kostenpositionen.get(bezeichnung="Prüfungsgebühren")


def _abruf(scenario, antrag, **kwargs):
    return services.mittelabruf_erfassen(
        antrag=antrag, datum=TAG, by=scenario.users["koordination"], **kwargs
    )


# Drawdowns from proven units ------------------------------------------------------------------------------------


def test_drawdowns_of_units_reconcile_to_the_cent(scenario, antrag, kurs):
    """40 h × 37.50 × 80 % = 1,200.00; 13 + 13 + 14 h → 390.00 + 390.00 + 420.00 (the last takes the rest)."""
    betraege = [
        _abruf(scenario, antrag, kostenposition=kurs, einheiten=D(h)).betrag for h in ("13", "13", "14")
    ]
    assert betraege == [D("390.00"), D("390.00"), D("420.00")]
    assert sum(betraege) == D("1200.00") == kurs.foerderung
    assert sum(Mittelabruf.objects.filter(kostenposition=kurs).values_list("einheiten", flat=True)) == D("40")


def test_the_last_drawdown_takes_exactly_the_rest_where_rounding_would_drift(scenario, f1):
    """3 units at 0.35 EUR and 90 %: 1 unit = 0.315 → 0.32 each (half up), but the line is worth 0.95 in all."""
    antrag = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True, beantragt=D("0.95")
    )
    antrag.kostenpositionen.all().delete()
    linie = Kostenposition.objects.create(
        antrag=antrag,
        kategorie=Kostenkategorie.HONORAR,
        bezeichnung="Teilnehmendenstunden",
        einheiten=D("3"),
        einheitssatz=D("0.35"),
        betrag=D("1.05"),
        foerderquote_prozent=D("90"),
        foerderung=D("0.95"),
        eigenanteil=D("0.10"),
    )
    betraege = [_abruf(scenario, antrag, kostenposition=linie, einheiten=D("1")).betrag for _ in range(3)]
    assert betraege == [D("0.32"), D("0.32"), D("0.31")]
    assert sum(betraege) == D("0.95")


def test_units_beyond_the_plan_are_refused_in_german(scenario, antrag, kurs):
    _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("30"))
    with pytest.raises(ValidationError) as exc:
        _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("15"))
    assert exc.value.messages == [
        "Für „Deutschkurs A1“ sind 40 Unterrichtsstunden geplant, davon 30 abgerufen; 15 weitere übersteigen "
        "den Plan."
    ]
    assert Mittelabruf.objects.filter(antrag=antrag).count() == 1


def test_100_eur_for_9999_units_is_impossible_because_the_amount_is_computed(scenario, antrag, kurs):
    with pytest.raises(
        ValidationError, match="40 Unterrichtsstunden geplant, davon 0 abgerufen; 9999 weitere"
    ):
        _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("9999"), betrag=D("100.00"))
    with pytest.raises(ValidationError) as exc:
        _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("1"), betrag=D("100.00"))
    assert exc.value.messages == [
        "Der Betrag wird aus den nachgewiesenen Einheiten berechnet: 1 Unterrichtsstunden ergeben 30,00 €, "
        "nicht 100,00 €."
    ]
    with pytest.raises(ValidationError, match="nachgewiesenen Unterrichtsstunden für „Deutschkurs A1“"):
        _abruf(scenario, antrag, kostenposition=kurs, betrag=D("100.00"))
    assert not Mittelabruf.objects.exists()
    # The same amount typed together with its units is accepted; it is what the units give.
    assert _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("1"), betrag=D("30.00")).betrag == D(
        "30.00"
    )


def test_units_never_exceed_the_approved_sum_either(scenario, f1, regeln_f1):
    """Approved less than the plan's funding: the drawdown reaching the units is refused above the approval."""
    antrag = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True, beantragt=D("1700.00")
    )
    kurs, _gebuehren = _plan(antrag, regeln_f1)
    Foerderantrag.objects.filter(pk=antrag.pk).update(bewilligt_betrag=D("1000.00"))
    assert _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("30")).betrag == D("900.00")
    with pytest.raises(ValidationError) as exc:
        _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("10"))
    assert exc.value.messages == [
        "Der Abruf von 300,00 € übersteigt die noch verfügbaren bewilligten Mittel (100,00 €)."
    ]


def test_actual_cost_line_draws_typed_amounts_up_to_its_funding(scenario, antrag, gebuehren):
    assert _abruf(scenario, antrag, kostenposition=gebuehren, betrag=D("300.00")).betrag == D("300.00")
    with pytest.raises(ValidationError) as exc:
        _abruf(scenario, antrag, kostenposition=gebuehren, betrag=D("200.01"))
    assert exc.value.messages == [
        "Der Abruf von 200,01 € übersteigt die noch verfügbare Förderung der Kostenposition „Prüfungsgebühren“ "
        "(200,00 €)."
    ]
    with pytest.raises(ValidationError, match="Einheiten werden nur für eine Kostenposition mit Pauschale"):
        _abruf(scenario, antrag, kostenposition=gebuehren, betrag=D("10.00"), einheiten=D("2"))
    _abruf(scenario, antrag, kostenposition=gebuehren, betrag=D("200.00"))
    assert sum(Mittelabruf.objects.filter(kostenposition=gebuehren).values_list("betrag", flat=True)) == D(
        "500.00"
    )


def test_a_drawdown_names_a_line_of_its_own_application(scenario, f1, antrag, kurs):
    with pytest.raises(ValidationError) as exc:
        _abruf(scenario, antrag, betrag=D("10.00"))
    assert exc.value.messages == ["Bitte wählen Sie die Kostenposition, aus der abgerufen wird."]
    fremd = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a2, baustein=f1, bewilligt=True)
    with pytest.raises(ValidationError) as exc:
        _abruf(scenario, fremd, kostenposition=kurs, einheiten=D("1"))
    assert exc.value.messages == ["Die Kostenposition gehört nicht zum Kostenplan dieses Antrags."]
    assert not Mittelabruf.objects.exists()


def test_old_drawdowns_without_a_line_stay_valid_and_count(scenario, antrag, kurs, gebuehren):
    alt = MittelabrufFactory(antrag=antrag, betrag=D("1000.00"), kostenposition=None)
    alt.full_clean()
    # 1,700.00 approved, 1,000.00 drawn before the rules: 16 h (480.00) fit, 24 h (720.00) do not.
    with pytest.raises(ValidationError, match="noch verfügbaren bewilligten Mittel \\(700,00 €\\)"):
        _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("24"))
    assert _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("16")).betrag == D("480.00")


# Pages and the spreadsheet import -------------------------------------------------------------------------------


def test_drawdown_page_takes_units_and_shows_the_computed_amount(scenario, antrag, kurs):
    client = scenario.client("koordination")
    seite = client.get(antrag.get_absolute_url()).content.decode()
    assert "Deutschkurs A1: 40 Unterrichtsstunden à 37,50 €, Förderung 1.200,00 €" in seite
    url = reverse("foerderung:antrag-mittelabruf", args=[antrag.pk])
    antwort = client.post(
        url, {"datum": "2020-05-01", "kostenposition": kurs.pk, "einheiten": "13"}, follow=True
    )
    assert "Mittelabruf über 390,00 € erfasst." in antwort.content.decode()
    antwort = client.post(
        url, {"datum": "2020-05-01", "kostenposition": kurs.pk, "einheiten": "28"}, follow=True
    )
    assert "sind 40 Unterrichtsstunden geplant, davon 13 abgerufen; 28 weitere" in antwort.content.decode()
    assert list(Mittelabruf.objects.values_list("einheiten", "betrag")) == [(D("13.00"), D("390.00"))]
    # Units are a number, not free text.
    client.post(url, {"datum": "2020-05-01", "kostenposition": kurs.pk, "einheiten": "dreizehn"})
    assert Mittelabruf.objects.count() == 1


def test_drawdown_import_computes_the_amount_from_units(scenario, antrag, kurs, gebuehren):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def hochladen(text):
        datei = SimpleUploadedFile("abrufe.csv", text.encode("utf-8"), content_type="text/csv")
        return client.post(reverse("foerderung:mittelabruf-import"), {"datei": datei})

    client = scenario.client("koordination")
    kopf = "Antrag-ID;Kostenposition-ID;Abrufdatum;Betrag (EUR);nachgewiesene Einheiten\n"
    frei = hochladen(kopf + f"{antrag.pk};{kurs.pk};01.05.2020;;zehn\n")
    assert frei.status_code == 400
    assert "nachgewiesene Einheiten" in frei.content.decode()
    zu_viel = hochladen(
        kopf + f"{antrag.pk};{kurs.pk};01.05.2020;;30\n{antrag.pk};{kurs.pk};01.06.2020;;11\n"
    )
    assert zu_viel.status_code == 400
    assert "davon 30 abgerufen; 11 weitere übersteigen den Plan" in zu_viel.content.decode()
    assert not Mittelabruf.objects.exists()
    vorschau = hochladen(
        kopf + f"{antrag.pk};{kurs.pk};01.05.2020;;12,5\n{antrag.pk};{gebuehren.pk};01.06.2020;120,00;\n"
    )
    assert vorschau.status_code == 200
    client.post(
        reverse("foerderung:mittelabruf-import"),
        {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk},
    )
    assert list(
        Mittelabruf.objects.order_by("datum").values_list("kostenposition", "einheiten", "betrag")
    ) == [
        (kurs.pk, D("12.50"), D("375.00")),
        (gebuehren.pk, None, D("120.00")),
    ]


# Proof of use: reconciliation and repayment claim -----------------------------------------------------------------


def _nachweis(scenario, antrag, kurs, gebuehren, **kwargs):
    return services.verwendungsnachweis_einreichen(
        antrag=antrag,
        eingereicht_am=datetime.date(2021, 3, 1),
        sachbericht="Zwei Kurse, 30 von 40 Stunden gehalten.",
        positionen=[
            NachweisPositionDaten(kurs, ausgaben_ist=D("1100.00"), einheiten_ist=D("30")),
            NachweisPositionDaten(gebuehren, ausgaben_ist=D("180.00")),
        ],
        by=scenario.users["koordination"],
        **kwargs,
    )


def test_less_spent_than_drawn_gives_the_repayment_claim_to_the_cent(
    scenario, antrag, kurs, gebuehren, monkeypatch
):
    """Drawn: 40 h = 1,200.00 and 300.00 of the fees = 1,500.00. Proven: 30 h → 30 × 37.50 × 80 % = 900.00; fees
    180.00 spent → 180.00. Entitled 1,080.00, repayment 1,500.00 − 1,080.00 = 420.00, due 30 days after review."""
    for h in ("20", "20"):
        _abruf(scenario, antrag, kostenposition=kurs, einheiten=D(h))
    _abruf(scenario, antrag, kostenposition=gebuehren, betrag=D("300.00"))
    vn = _nachweis(scenario, antrag, kurs, gebuehren)
    assert (vn.ausgaben_ist, vn.abgerufen, vn.zustehend, vn.rueckforderung) == (
        D("1280.00"),
        D("1500.00"),
        D("1080.00"),
        D("420.00"),
    )
    assert dict(vn.positionen.values_list("kostenposition__bezeichnung", "zustehend")) == {
        "Deutschkurs A1": D("900.00"),
        "Prüfungsgebühren": D("180.00"),
    }
    assert vn.rueckforderung_faellig_am is None
    antrag.refresh_from_db()
    assert antrag.status == A.VN_EINGEREICHT

    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2021, 3, 15))
    services.antrag_statuswechsel(antrag=antrag, nach=A.VN_GEPRUEFT, by=scenario.users["koordination"])
    vn.refresh_from_db()
    assert (vn.geprueft_am, vn.rueckforderung_faellig_am) == (
        datetime.date(2021, 3, 15),
        datetime.date(2021, 4, 14),
    )


def test_proof_of_use_caps_entitlement_by_plan_and_approval(scenario, antrag, kurs, gebuehren):
    """More units and more spending than planned entitle to the plan, and never more than was approved."""
    Foerderantrag.objects.filter(pk=antrag.pk).update(bewilligt_betrag=D("1600.00"))
    _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("40"))
    vn = services.verwendungsnachweis_einreichen(
        antrag=antrag,
        eingereicht_am=datetime.date(2021, 3, 1),
        sachbericht="Bericht",
        positionen=[
            NachweisPositionDaten(kurs, ausgaben_ist=D("1900.00"), einheiten_ist=D("44")),
            NachweisPositionDaten(gebuehren, ausgaben_ist=D("650.00")),
        ],
        by=scenario.users["koordination"],
    )
    assert sorted(vn.positionen.values_list("zustehend", flat=True)) == [D("500.00"), D("1200.00")]
    assert (vn.abgerufen, vn.zustehend, vn.rueckforderung) == (D("1200.00"), D("1600.00"), D("0.00"))


def test_no_repayment_without_a_claim_and_no_due_date(scenario, antrag, kurs, gebuehren):
    _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("30"))
    vn = _nachweis(scenario, antrag, kurs, gebuehren)
    assert (vn.abgerufen, vn.zustehend, vn.rueckforderung) == (D("900.00"), D("1080.00"), D("0.00"))
    services.antrag_statuswechsel(antrag=antrag, nach=A.VN_GEPRUEFT, by=scenario.users["koordination"])
    vn.refresh_from_db()
    assert vn.rueckforderung_faellig_am is None


def test_proof_of_use_needs_every_line_and_units_for_flat_rates(scenario, antrag, kurs, gebuehren):
    koord = scenario.users["koordination"]
    kwargs = {
        "antrag": antrag,
        "eingereicht_am": datetime.date(2021, 3, 1),
        "sachbericht": "Bericht",
        "by": koord,
    }
    with pytest.raises(ValidationError) as exc:
        services.verwendungsnachweis_einreichen(
            positionen=[NachweisPositionDaten(gebuehren, ausgaben_ist=D("1.00"))], **kwargs
        )
    assert exc.value.messages == ["Für diese Kostenpositionen fehlen die Angaben: Deutschkurs A1."]
    with pytest.raises(ValidationError) as exc:
        services.verwendungsnachweis_einreichen(
            positionen=[
                NachweisPositionDaten(kurs, ausgaben_ist=D("1.00")),
                NachweisPositionDaten(gebuehren, ausgaben_ist=D("1.00")),
            ],
            **kwargs,
        )
    assert exc.value.messages == [
        "Bitte geben Sie für „Deutschkurs A1“ die erbrachten Unterrichtsstunden an."
    ]
    with pytest.raises(ValidationError, match="Ausgaben je Kostenposition"):
        services.verwendungsnachweis_einreichen(ausgaben_ist=D("1.00"), **kwargs)
    antrag.refresh_from_db()
    assert antrag.status == A.BEWILLIGT
    assert not Verwendungsnachweis.objects.exists()


def test_proof_of_use_page_per_cost_line_and_the_claim_shown(scenario, antrag, kurs, gebuehren, monkeypatch):
    for h in ("20", "20"):
        _abruf(scenario, antrag, kostenposition=kurs, einheiten=D(h))
    _abruf(scenario, antrag, kostenposition=gebuehren, betrag=D("300.00"))
    client = scenario.client("koordination")
    seite = client.get(antrag.get_absolute_url()).content.decode()
    assert f'name="einheiten_{kurs.pk}"' in seite and f'name="ausgaben_{gebuehren.pk}"' in seite
    assert "Frist für den Verwendungsnachweis: 30.06.2021" in seite
    antwort = client.post(
        reverse("foerderung:antrag-vn", args=[antrag.pk]),
        {
            "eingereicht_am": "2021-03-01",
            "sachbericht": "Bericht",
            f"einheiten_{kurs.pk}": "30",
            f"ausgaben_{kurs.pk}": "1100.00",
            f"ausgaben_{gebuehren.pk}": "180.00",
        },
        follow=True,
    )
    assert (
        "Abgerufen 1.500,00 €, zustehend 1.080,00 €: Rückforderung 420,00 € (fällig 30 Tage nach der "
        "Prüfung)." in antwort.content.decode()
    )
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2021, 3, 15))
    services.antrag_statuswechsel(antrag=antrag, nach=A.VN_GEPRUEFT, by=scenario.users["koordination"])
    for rolle in ("koordination", "kommune"):
        seite = scenario.client(rolle).get(antrag.get_absolute_url()).content.decode()
        assert "Rückforderung 420,00 €, fällig am 14.04.2021 (30 Tage nach der Prüfung" in seite, rolle


# Deadlines -------------------------------------------------------------------------------------------------------


def _geprueft_mit_rueckforderung(scenario, antrag, kurs, gebuehren, monkeypatch):
    _abruf(scenario, antrag, kostenposition=kurs, einheiten=D("40"))
    _abruf(scenario, antrag, kostenposition=gebuehren, betrag=D("300.00"))
    _nachweis(scenario, antrag, kurs, gebuehren)
    with monkeypatch.context() as m:
        m.setattr(timezone, "localdate", lambda *a: datetime.date(2021, 3, 15))
        services.antrag_statuswechsel(antrag=antrag, nach=A.VN_GEPRUEFT, by=scenario.users["koordination"])


def test_kommune_sees_proof_deadline_and_open_repayment(scenario, f1, antrag, kurs, gebuehren, monkeypatch):
    laufend = FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a1, bewilligt=True)
    _geprueft_mit_rueckforderung(scenario, antrag, kurs, gebuehren, monkeypatch)
    texte = {
        (a.pk, text)
        for a, text in selectors.faelliges_fuer_kommune(
            scenario.users["kommune"], heute=datetime.date(2021, 4, 1)
        )["faellig"]
    }
    assert (laufend.pk, "Verwendungsnachweis fällig bis 30.06.2021") in texte
    assert (antrag.pk, "Rückforderung 420,00 € fällig am 14.04.2021") in texte
    spaeter = selectors.faelliges_fuer_kommune(scenario.users["kommune"], heute=datetime.date(2021, 7, 1))
    texte = {(a.pk, text) for a, text in spaeter["faellig"]}
    assert (laufend.pk, "Verwendungsnachweis überfällig (Frist 30.06.2021)") in texte
    assert (antrag.pk, "Rückforderung 420,00 € überfällig (fällig am 14.04.2021)") in texte
    # Once settled (closed), the claim is no longer due.
    services.antrag_statuswechsel(antrag=antrag, nach=A.ABGESCHLOSSEN, by=scenario.users["koordination"])
    texte = {a.pk for a, _t in selectors.faelliges_fuer_kommune(scenario.users["kommune"])["faellig"]}
    assert antrag.pk not in texte


FRISTEN_ROLLEN = {
    "anonym": 302,
    "koordination": 200,
    "kommune": 200,
    "kommune_a2": 200,
    "mitglied": 403,
    "auswertung": 200,
    "land": 200,
    "admin": 200,
    "koordination_b": 200,
    "kommune_b1": 200,
}


@pytest.mark.parametrize("rolle", list(FRISTEN_ROLLEN))
def test_fristen_list_per_role(scenario, f1, antrag, kurs, gebuehren, monkeypatch, rolle):
    _geprueft_mit_rueckforderung(scenario, antrag, kurs, gebuehren, monkeypatch)
    eigen = FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a2, bewilligt=True)
    fremd = FoerderantragFactory(buendnis=scenario.b, baustein=f1, kommune=scenario.b1, bewilligt=True)
    FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a1)  # a draft has no deadline
    response = scenario.client(rolle).get(reverse("foerderung:fristen"))
    assert response.status_code == FRISTEN_ROLLEN[rolle]
    if rolle == "anonym":
        assert "/anmelden/" in response["Location"]
    if response.status_code != 200:
        return
    zeilen = [(f.antrag.pk, f.art, f.faellig_am, f.betrag) for f in response.context["object_list"]]
    von_a = [
        (antrag.pk, "Rückforderung", datetime.date(2021, 4, 14), D("420.00")),
        (eigen.pk, "Verwendungsnachweis", datetime.date(2021, 6, 30), None),
    ]
    von_b = [(fremd.pk, "Verwendungsnachweis", datetime.date(2021, 6, 30), None)]
    if rolle in ("land", "admin"):
        assert sorted(zeilen, key=str) == sorted(von_a + von_b, key=str)
    elif rolle in ("koordination_b", "kommune_b1"):
        assert zeilen == von_b
    else:
        assert zeilen == von_a
        seite = response.content.decode()
        assert "14.04.2021" in seite and "420,00 €" in seite and "30.06.2021" in seite


def test_fristen_list_query_count_does_not_depend_on_the_rows(scenario, f1, django_assert_max_num_queries):
    client = scenario.client("koordination")

    def zaehle():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("foerderung:fristen")).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        FoerderantragFactory(buendnis=scenario.a, baustein=f1, kommune=scenario.a1, bewilligt=True)
    wenige = zaehle()
    for i in range(30):
        FoerderantragFactory(
            buendnis=scenario.a,
            baustein=f1,
            kommune=scenario.a2,
            antragsteller_akteur=scenario.akteur_a if i % 2 else None,
            bewilligt=True,
        )
    with django_assert_max_num_queries(wenige):
        response = client.get(reverse("foerderung:fristen"))
    assert response.context["paginator"].count == 32
    assert len(response.context["object_list"]) == 25


# Monitoring: women and qualifications -----------------------------------------------------------------------------


def test_women_and_qualifications_are_recorded_and_never_more_than_participants(scenario, antrag):
    koord = scenario.users["koordination"]
    melden = dict(
        antrag=antrag, jahr=2020, quartal=2, by=koord, aktiv=8, vorzeitig_beendet=1, abgeschlossen=3
    )
    with pytest.raises(ValidationError) as exc:
        services.monitoring_melden(teilnehmende_frauen=13, **melden)
    assert exc.value.messages == [
        "Es können nicht mehr Frauen gemeldet werden, als Teilnehmende im Quartal sind (12)."
    ]
    with pytest.raises(ValidationError) as exc:
        services.monitoring_melden(
            abschluss_hauptschule=6, abschluss_fachoberschulreife=4, abschluss_beruf=3, **melden
        )
    assert exc.value.messages == [
        "Es können nicht mehr Abschlüsse gemeldet werden, als Teilnehmende im Quartal sind."
    ]
    assert not antrag.monitoring.exists()
    meldung = services.monitoring_melden(
        teilnehmende_frauen=5,
        abschluss_hauptschule=4,
        abschluss_fachoberschulreife=3,
        abschluss_beruf=0,
        **melden,
    )
    assert (
        meldung.teilnehmende_frauen,
        meldung.abschluss_hauptschule,
        meldung.abschluss_fachoberschulreife,
    ) == (
        5,
        4,
        3,
    )
    with pytest.raises(TypeError):
        services.monitoring_melden(frauen=1, **melden)


def test_monitoring_form_takes_the_new_fields_and_refuses_more_women_than_participants(scenario, antrag):
    url = reverse("foerderung:antrag-monitoring", args=[antrag.pk])
    daten = {
        "jahr": "2020",
        "quartal": "3",
        "eingetreten": "6",
        "aktiv": "6",
        "vorzeitig_beendet": "0",
        "abgeschlossen": "0",
        "uebergang_schulabschluss": "0",
        "uebergang_ausbildung": "0",
        "uebergang_arbeit": "0",
    }
    client = scenario.client("kommune")
    antwort = client.post(url, {**daten, "teilnehmende_frauen": "7"}, follow=True)
    assert (
        "nicht mehr Frauen gemeldet werden, als Teilnehmende im Quartal sind (6)" in antwort.content.decode()
    )
    assert not antrag.monitoring.exists()
    client.post(url, {**daten, "teilnehmende_frauen": "4", "abschluss_beruf": "3"})
    meldung = antrag.monitoring.get()
    assert (meldung.teilnehmende_frauen, meldung.abschluss_beruf, meldung.abschluss_hauptschule) == (4, 3, 0)
    # Without the new fields (an older form), they count as 0.
    client.post(url, {**daten, "quartal": "4"})
    assert antrag.monitoring.get(quartal=4).teilnehmende_frauen == 0
