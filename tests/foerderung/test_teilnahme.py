"""Baustein F6: participation in "Gemeinsam klappt's", budget consolidation and the positions' funding quota.

Rules: only joined Kommunen get Teilhabemanagement positions; a position at the Kreis (no Kommune) is recorded by
the coordination only; the quota is 80 %, 90 % only while a budget consolidation is valid. The coordination (and
the Land) record the joining and the consolidation, a Kommune its own expression of interest. Role matrices:
Bündnis a's Kommune Aheim (a1); refused requests change nothing.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buendnis.models import Kommune
from foerderung.models import Foerderregel, Haushaltssicherung, KommuneTeilnahme, Kostenart, TeilhabeStelle
from foerderung.teilnahme import haushaltssicherung_speichern, teilhabestelle_speichern, teilnahme_speichern

from .factories import FoerderantragFactory, TeilhabeStelleFactory

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLLEN = [
    "anonym",
    "koordination",
    "kommune",
    "kommune_a2",
    "mitglied",
    "auswertung",
    "land",
    "admin",
    "koordination_b",
    "kommune_b1",
]
NICHT_BEIGETRETEN = (
    "Aheim ist „Gemeinsam klappt’s“ nicht beigetreten; Teilhabemanagement (Förderbaustein F6) gibt es nur in "
    "beigetretenen Kommunen."
)


def _erwartet(rolle, erlaubt, ok=302):
    if rolle == "anonym":
        return 302
    if rolle in erlaubt:
        return ok
    if rolle in ("koordination_b", "kommune_b1"):
        return 404
    return 403


def _beitreten(kommune, am=datetime.date(2019, 6, 27)):
    return KommuneTeilnahme.objects.create(
        buendnis=kommune.buendnis, kommune=kommune, interesse_bekundet_am=am, beigetreten_am=am
    )


@pytest.fixture
def f6_antrag(scenario, f6):
    """An approved F6 application of Aheim for 2020."""
    return FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f6, bewilligt=True)


def _stelle(scenario, **kwargs):
    werte = {
        "buendnis": scenario.a,
        "kommune": scenario.a1,
        "bezeichnung": "Teilhabemanagement Aheim",
        "vze": D("1.00"),
        "arbeitgeber": "Stadt Aheim",
    }
    werte.update(kwargs)
    return TeilhabeStelle(**werte)


# Positions: joined Kommunen only ----------------------------------------------------------------------------


def test_position_for_a_kommune_that_has_not_joined_is_refused_in_german(scenario, f6_antrag):
    with pytest.raises(ValidationError) as exc:
        teilhabestelle_speichern(
            stelle=_stelle(scenario, antrag=f6_antrag), by=scenario.users["koordination"]
        )
    assert exc.value.message_dict == {"kommune": [NICHT_BEIGETRETEN]}
    assert not TeilhabeStelle.objects.exists()


def test_interest_alone_is_not_joining(scenario, f6_antrag):
    KommuneTeilnahme.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, interesse_bekundet_am=datetime.date(2019, 3, 13)
    )
    with pytest.raises(ValidationError) as exc:
        teilhabestelle_speichern(
            stelle=_stelle(scenario, antrag=f6_antrag), by=scenario.users["koordination"]
        )
    assert exc.value.messages == [NICHT_BEIGETRETEN]


def test_position_before_the_joining_date_is_refused(scenario, f6_antrag):
    _beitreten(scenario.a1, am=datetime.date(2020, 3, 1))  # the application starts 01.01.2020
    with pytest.raises(ValidationError) as exc:
        teilhabestelle_speichern(
            stelle=_stelle(scenario, antrag=f6_antrag), by=scenario.users["koordination"]
        )
    assert exc.value.messages == [
        "Aheim ist „Gemeinsam klappt’s“ erst am 01.03.2020 beigetreten; Teilhabemanagement (Förderbaustein F6) "
        "gibt es erst ab dem Beitritt."
    ]


def test_position_in_a_joined_kommune_is_saved_at_80_percent(scenario, f6_antrag):
    _beitreten(scenario.a1)
    stelle = teilhabestelle_speichern(
        stelle=_stelle(scenario, antrag=f6_antrag), by=scenario.users["koordination"]
    )
    stelle.refresh_from_db()
    assert stelle.foerderquote_prozent == D("80.00")


def test_create_page_refuses_a_kommune_that_has_not_joined(scenario, f6_antrag):
    daten = {
        "kommune": scenario.a1.pk,
        "bezeichnung": "TM Aheim",
        "vze": "1.00",
        "arbeitgeber": "Stadt Aheim",
        "antrag": f6_antrag.pk,
    }
    client = scenario.client("koordination")
    response = client.post(reverse("foerderung:teilhabe-create"), daten)
    assert response.status_code == 200
    assert NICHT_BEIGETRETEN in response.content.decode()
    assert not TeilhabeStelle.objects.exists()
    _beitreten(scenario.a1)
    assert client.post(reverse("foerderung:teilhabe-create"), daten).status_code == 302
    assert TeilhabeStelle.objects.get().foerderquote_prozent == D("80.00")


# Funding quota: 90 % only with a valid budget consolidation --------------------------------------------------


@pytest.mark.parametrize(
    ("ab", "bis", "quote"),
    [
        (datetime.date(2019, 1, 1), None, "90.00"),  # valid until further notice
        (datetime.date(2019, 1, 1), datetime.date(2020, 12, 31), "90.00"),  # valid on 01.01.2020
        (datetime.date(2018, 1, 1), datetime.date(2019, 12, 31), "80.00"),  # expired before the start
        (datetime.date(2020, 1, 2), None, "80.00"),  # begins after the start
    ],
)
def test_90_percent_only_with_a_valid_consolidation(scenario, f6_antrag, ab, bis, quote):
    _beitreten(scenario.a1)
    Haushaltssicherung.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, gueltig_ab=ab, gueltig_bis=bis
    )
    stelle = teilhabestelle_speichern(
        stelle=_stelle(scenario, antrag=f6_antrag), by=scenario.users["koordination"]
    )
    assert stelle.foerderquote_prozent == D(quote)


def test_quota_follows_the_f6_rule_in_force(scenario, f6, f6_antrag):
    Foerderregel.objects.create(
        baustein=f6,
        bezeichnung="Personalausgaben",
        kostenart=Kostenart.TATSAECHLICH,
        foerderquote_prozent=D("75"),
        foerderquote_haushaltssicherung_prozent=D("85"),
        gueltig_ab=datetime.date(2019, 11, 1),
    )
    _beitreten(scenario.a1)
    koord = scenario.users["koordination"]
    assert teilhabestelle_speichern(
        stelle=_stelle(scenario, antrag=f6_antrag), by=koord
    ).foerderquote_prozent == D("75")
    haushaltssicherung_speichern(
        kommune=scenario.a1, gueltig_ab=datetime.date(2019, 1, 1), grundlage="HSK 2019", by=koord
    )
    assert TeilhabeStelle.objects.get().foerderquote_prozent == D("85")


def test_consolidation_recomputes_the_quota_of_the_kommunes_positions(scenario, f6_antrag):
    _beitreten(scenario.a1)
    koord = scenario.users["koordination"]
    stelle = teilhabestelle_speichern(stelle=_stelle(scenario, antrag=f6_antrag), by=koord)
    andere = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a2)
    hs = haushaltssicherung_speichern(
        kommune=scenario.a1, gueltig_ab=datetime.date(2019, 1, 1), grundlage="HSK", by=koord
    )
    stelle.refresh_from_db()
    andere.refresh_from_db()
    assert (stelle.foerderquote_prozent, andere.foerderquote_prozent) == (D("90.00"), D("80.00"))
    # The consolidation ended before the application started: back to 80 %.
    haushaltssicherung_speichern(
        kommune=scenario.a1,
        haushaltssicherung=hs,
        gueltig_ab=datetime.date(2019, 1, 1),
        gueltig_bis=datetime.date(2019, 12, 31),
        by=koord,
    )
    stelle.refresh_from_db()
    assert stelle.foerderquote_prozent == D("80.00")


def test_the_quota_cannot_be_typed(scenario, f6_antrag):
    _beitreten(scenario.a1)
    daten = {
        "kommune": scenario.a1.pk,
        "bezeichnung": "TM Aheim",
        "vze": "1.00",
        "arbeitgeber": "Stadt Aheim",
        "antrag": f6_antrag.pk,
        "foerderquote_prozent": "55",
    }
    assert (
        scenario.client("koordination").post(reverse("foerderung:teilhabe-create"), daten).status_code == 302
    )
    assert TeilhabeStelle.objects.get().foerderquote_prozent == D("80.00")


# Positions at the Kreis ------------------------------------------------------------------------------------------


def test_coordination_records_a_position_at_the_kreis(scenario, f6):
    kreisweit = FoerderantragFactory(
        buendnis=scenario.a, kommune=None, antragsteller_akteur=scenario.akteur_a, baustein=f6, bewilligt=True
    )
    daten = {
        "kommune": "",
        "bezeichnung": "TM KI",
        "vze": "0.50",
        "arbeitgeber": "Kreis",
        "antrag": kreisweit.pk,
    }
    response = scenario.client("koordination").post(reverse("foerderung:teilhabe-create"), daten)
    assert response.status_code == 302
    stelle = TeilhabeStelle.objects.get()
    assert stelle.kommune is None and stelle.buendnis == scenario.a
    assert (stelle.vze, stelle.foerderquote_prozent) == (D("0.50"), D("80.00"))
    detail = scenario.client("koordination").get(stelle.get_absolute_url()).content.decode()
    assert "Geschäftsführende Stelle (Kreis)" in detail


def test_kommune_user_cannot_record_a_position_at_the_kreis(scenario):
    kommune = scenario.users["kommune"]
    with pytest.raises(PermissionDenied):
        teilhabestelle_speichern(stelle=_stelle(scenario, kommune=None), by=kommune)
    daten = {"kommune": "", "bezeichnung": "TM KI", "vze": "0.50", "arbeitgeber": "Kreis"}
    assert scenario.client("kommune").post(reverse("foerderung:teilhabe-create"), daten).status_code == 403
    assert not TeilhabeStelle.objects.exists()


def test_kommune_user_cannot_move_its_position_to_the_kreis(scenario):
    _beitreten(scenario.a1)
    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1, bezeichnung="TM Aheim")
    daten = {"kommune": "", "bezeichnung": "TM Kreis", "vze": "1.00", "arbeitgeber": "Kreis"}
    client = scenario.client("kommune")
    response = client.post(reverse("foerderung:teilhabe-update", args=[stelle.pk]), daten)
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    stelle.bezeichnung = "TM Kreis"
    stelle.kommune = None
    with pytest.raises(PermissionDenied):
        teilhabestelle_speichern(stelle=stelle, by=scenario.users["kommune"])
    stelle.refresh_from_db()
    assert (stelle.kommune, stelle.bezeichnung) == (scenario.a1, "TM Aheim")
    # Its own position in its own (joined) Kommune it may still update.
    daten.update(kommune=scenario.a1.pk, bezeichnung="TM Aheim neu")
    assert client.post(reverse("foerderung:teilhabe-update", args=[stelle.pk]), daten).status_code == 302


# Participation ---------------------------------------------------------------------------------------------------


def test_coordination_records_the_joining_with_the_declaration(scenario, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    teilnahme = teilnahme_speichern(
        kommune=scenario.a1,
        interesse_bekundet_am=datetime.date(2019, 3, 13),
        beigetreten_am=datetime.date(2019, 6, 27),
        dokument=SimpleUploadedFile("beitritt.pdf", PDF, content_type="application/pdf"),
        bemerkung="Ratsbeschluss",
        by=scenario.users["koordination"],
    )
    teilnahme.refresh_from_db()
    assert (teilnahme.buendnis, teilnahme.beigetreten_am) == (scenario.a, datetime.date(2019, 6, 27))
    assert teilnahme.dokument.read() == PDF
    response = scenario.client("kommune").get(reverse("foerderung:teilnahme-dokument", args=[scenario.a1.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert (
        scenario.client("kommune_a2")
        .get(reverse("foerderung:teilnahme-dokument", args=[scenario.a1.pk]))
        .status_code
        == 403
    )
    assert (
        scenario.client("koordination_b")
        .get(reverse("foerderung:teilnahme-dokument", args=[scenario.a1.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "inhalt", "meldung"),
    [
        ("beitritt.docx", b"PK\x03\x04", "Die Beitrittserklärung muss eine PDF-Datei sein."),
        ("beitritt.pdf", b"<html>", "Die Datei ist keine gültige PDF-Datei."),
    ],
)
def test_declaration_must_be_a_pdf(scenario, name, inhalt, meldung):
    with pytest.raises(ValidationError) as exc:
        teilnahme_speichern(
            kommune=scenario.a1,
            interesse_bekundet_am=None,
            beigetreten_am=datetime.date(2019, 6, 27),
            dokument=SimpleUploadedFile(name, inhalt),
            by=scenario.users["koordination"],
        )
    assert exc.value.messages == [meldung]
    assert not KommuneTeilnahme.objects.exists()


def test_declaration_size_is_limited(scenario, settings):
    settings.DOKUMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        teilnahme_speichern(
            kommune=scenario.a1,
            interesse_bekundet_am=None,
            beigetreten_am=datetime.date(2019, 6, 27),
            dokument=SimpleUploadedFile("gross.pdf", PDF + b"0" * (1024 * 1024)),
            by=scenario.users["koordination"],
        )
    assert exc.value.messages == ["Die Datei ist zu groß (höchstens 1 MB)."]


def test_joining_before_the_interest_is_refused(scenario):
    with pytest.raises(ValidationError) as exc:
        teilnahme_speichern(
            kommune=scenario.a1,
            interesse_bekundet_am=datetime.date(2019, 6, 27),
            beigetreten_am=datetime.date(2019, 3, 13),
            by=scenario.users["koordination"],
        )
    assert exc.value.message_dict == {
        "beigetreten_am": ["Der Beitritt kann nicht vor der Interessenbekundung liegen."]
    }


def test_kommune_records_its_interest_but_not_its_joining(scenario):
    kommune = scenario.users["kommune"]
    teilnahme = teilnahme_speichern(
        kommune=scenario.a1,
        interesse_bekundet_am=datetime.date(2019, 3, 13),
        beigetreten_am=None,
        bemerkung="Interesse laut Ratsbeschluss",
        by=kommune,
    )
    assert teilnahme.interesse_bekundet_am == datetime.date(2019, 3, 13)
    with pytest.raises(ValidationError) as exc:
        teilnahme_speichern(
            kommune=scenario.a1,
            interesse_bekundet_am=datetime.date(2019, 3, 13),
            beigetreten_am=datetime.date(2019, 6, 27),
            by=kommune,
        )
    assert exc.value.messages == [
        "Den Beitritt zu „Gemeinsam klappt’s“ und die Beitrittserklärung trägt die Geschäftsführende Stelle des "
        "Bündnisses ein."
    ]
    teilnahme.refresh_from_db()
    assert teilnahme.beigetreten_am is None
    with pytest.raises(PermissionDenied):
        teilnahme_speichern(
            kommune=scenario.a2,
            interesse_bekundet_am=datetime.date(2019, 3, 13),
            beigetreten_am=None,
            by=kommune,
        )


def test_kommune_keeps_the_joining_date_when_it_edits_its_interest(scenario):
    _beitreten(scenario.a1, am=datetime.date(2019, 6, 27))
    response = scenario.client("kommune").post(
        reverse("foerderung:teilnahme-detail", args=[scenario.a1.pk]),
        {"interesse_bekundet_am": "2019-03-13", "beigetreten_am": "", "bemerkung": "korrigiert"},
    )
    assert response.status_code == 302
    teilnahme = KommuneTeilnahme.objects.get()
    assert teilnahme.interesse_bekundet_am == datetime.date(2019, 3, 13)
    assert teilnahme.beigetreten_am == datetime.date(2019, 6, 27)  # the disabled field keeps it
    assert teilnahme.bemerkung == "korrigiert"


# Budget consolidation ---------------------------------------------------------------------------------------------


def test_consolidation_periods_of_one_kommune_do_not_overlap(scenario):
    koord = scenario.users["koordination"]
    haushaltssicherung_speichern(
        kommune=scenario.a1,
        gueltig_ab=datetime.date(2019, 1, 1),
        gueltig_bis=datetime.date(2020, 12, 31),
        by=koord,
    )
    with pytest.raises(ValidationError) as exc:
        haushaltssicherung_speichern(kommune=scenario.a1, gueltig_ab=datetime.date(2020, 6, 1), by=koord)
    assert exc.value.message_dict == {
        "gueltig_ab": ["Der Zeitraum überschneidet sich mit einer anderen Haushaltssicherung."]
    }
    haushaltssicherung_speichern(kommune=scenario.a1, gueltig_ab=datetime.date(2021, 1, 1), by=koord)
    haushaltssicherung_speichern(kommune=scenario.a2, gueltig_ab=datetime.date(2020, 6, 1), by=koord)
    assert Haushaltssicherung.objects.count() == 3


@pytest.mark.parametrize("rolle", ["kommune", "auswertung", "mitglied", "koordination_b"])
def test_only_coordination_and_land_record_a_consolidation(scenario, rolle):
    with pytest.raises(PermissionDenied):
        haushaltssicherung_speichern(
            kommune=scenario.a1, gueltig_ab=datetime.date(2019, 1, 1), by=scenario.users[rolle]
        )
    assert not Haushaltssicherung.objects.exists()
    assert haushaltssicherung_speichern(
        kommune=scenario.a1, gueltig_ab=datetime.date(2019, 1, 1), by=scenario.users["land"]
    ).pk


# Role matrices of the pages --------------------------------------------------------------------------------------

LESEN = {"koordination", "kommune", "auswertung", "land", "admin"}
SCHREIBEN = {"koordination", "kommune", "land", "admin"}
HAUSHALT = {"koordination", "land", "admin"}


@pytest.mark.parametrize("rolle", ROLLEN)
def test_participation_list_per_role(scenario, rolle):
    _beitreten(scenario.a1)
    _beitreten(scenario.b1)
    response = scenario.client(rolle).get(reverse("foerderung:teilnahme-list"))
    erwartet = {"anonym": 302, "mitglied": 403}.get(rolle, 200)
    assert response.status_code == erwartet
    if erwartet != 200:
        return
    text = response.content.decode()
    sichtbar = {
        "koordination": {"Aheim", "Adorf"},
        "auswertung": {"Aheim", "Adorf"},
        "kommune": {"Aheim"},
        "kommune_a2": {"Adorf"},
        "land": {"Aheim", "Adorf", "Bheim", "Bdorf"},
        "admin": {"Aheim", "Adorf", "Bheim", "Bdorf"},
        "koordination_b": {"Bheim", "Bdorf"},
        "kommune_b1": {"Bheim"},
    }[rolle]
    for name in ("Aheim", "Adorf", "Bheim", "Bdorf"):
        assert (f">{name}</a>" in text) == (name in sichtbar), name


@pytest.mark.parametrize("rolle", ROLLEN)
def test_participation_page_per_role(scenario, rolle):
    url = reverse("foerderung:teilnahme-detail", args=[scenario.a1.pk])
    response = scenario.client(rolle).get(url)
    assert response.status_code == _erwartet(rolle, LESEN, ok=200)
    if response.status_code == 200:
        text = response.content.decode()
        assert ("Teilnahme erfassen" in text) == (rolle in SCHREIBEN)
        assert ("Haushaltssicherung hinzufügen" in text) == (rolle in HAUSHALT)


@pytest.mark.parametrize("rolle", ROLLEN)
def test_record_interest_per_role(scenario, rolle):
    url = reverse("foerderung:teilnahme-detail", args=[scenario.a1.pk])
    daten = {"interesse_bekundet_am": "2019-03-13", "beigetreten_am": "", "bemerkung": ""}
    response = scenario.client(rolle).post(url, daten)
    assert response.status_code == _erwartet(rolle, SCHREIBEN)
    assert KommuneTeilnahme.objects.filter(kommune=scenario.a1).exists() == (rolle in SCHREIBEN)


@pytest.mark.parametrize("rolle", ROLLEN)
def test_record_joining_per_role(scenario, rolle):
    _beitreten(scenario.a1, am=None)
    url = reverse("foerderung:teilnahme-detail", args=[scenario.a1.pk])
    daten = {"interesse_bekundet_am": "", "beigetreten_am": "2019-06-27", "bemerkung": ""}
    response = scenario.client(rolle).post(url, daten)
    assert response.status_code == _erwartet(rolle, SCHREIBEN)
    beigetreten = KommuneTeilnahme.objects.get(kommune=scenario.a1).beigetreten_am
    assert (beigetreten is not None) == (rolle in HAUSHALT)


@pytest.mark.parametrize("rolle", ROLLEN)
def test_add_consolidation_per_role(scenario, rolle):
    url = reverse("foerderung:haushaltssicherung-create", args=[scenario.a1.pk])
    daten = {"gueltig_ab": "2019-01-01", "gueltig_bis": "", "grundlage": "HSK"}
    response = scenario.client(rolle).post(url, daten)
    assert response.status_code == _erwartet(rolle, HAUSHALT)
    assert Haushaltssicherung.objects.exists() == (rolle in HAUSHALT)


@pytest.mark.parametrize("rolle", ROLLEN)
def test_edit_consolidation_per_role(scenario, rolle):
    hs = Haushaltssicherung.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, gueltig_ab=datetime.date(2019, 1, 1)
    )
    url = reverse("foerderung:haushaltssicherung-update", args=[hs.pk])
    daten = {"gueltig_ab": "2019-01-01", "gueltig_bis": "2020-12-31", "grundlage": "HSK"}
    response = scenario.client(rolle).post(url, daten)
    assert response.status_code == _erwartet(rolle, HAUSHALT)
    hs.refresh_from_db()
    assert (hs.gueltig_bis is not None) == (rolle in HAUSHALT)


def test_overlapping_consolidation_on_the_page_says_why(scenario):
    Haushaltssicherung.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, gueltig_ab=datetime.date(2019, 1, 1)
    )
    client = scenario.client("koordination")
    url = reverse("foerderung:haushaltssicherung-create", args=[scenario.a1.pk])
    response = client.post(url, {"gueltig_ab": "2020-01-01"}, follow=True)
    assert (
        "Der Zeitraum überschneidet sich mit einer anderen Haushaltssicherung." in response.content.decode()
    )
    assert Haushaltssicherung.objects.count() == 1


# Query counts ----------------------------------------------------------------------------------------------------


def _kommunen(scenario, n):
    for i in range(n):
        kommune = Kommune.objects.create(buendnis=scenario.a, name=f"Teilnahmeort {i}-{n}")
        _beitreten(kommune)
        Haushaltssicherung.objects.create(
            buendnis=scenario.a, kommune=kommune, gueltig_ab=datetime.date(2019, 1, 1)
        )
        Haushaltssicherung.objects.create(
            buendnis=scenario.a,
            kommune=kommune,
            gueltig_ab=datetime.date(2015, 1, 1),
            gueltig_bis=datetime.date(2016, 12, 31),
        )


@pytest.mark.parametrize("rolle", ["koordination", "land"])
def test_participation_list_query_count_does_not_depend_on_the_rows(
    scenario, rolle, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = scenario.client(rolle)
    url = reverse("foerderung:teilnahme-list")
    _kommunen(scenario, 2)
    with CaptureQueriesContext(connection) as wenige:
        assert client.get(url).status_code == 200
    _kommunen(scenario, 30)  # more than one page
    with django_assert_max_num_queries(len(wenige)):
        assert client.get(url + "?page=2").status_code == 200
