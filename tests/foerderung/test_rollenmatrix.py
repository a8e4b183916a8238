"""Role matrix of every write on an application page: who may, who gets 403, who does not even see it (404).

The application belongs to Kommune Aheim (a1) of Bündnis a. A refused request changes nothing.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from foerderung.models import AntragStatus, Foerderantrag, Mittelabruf, MonitoringMeldung, Statuswechsel

from .factories import FoerderantragFactory, TeilhabeStelleFactory

A = AntragStatus
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
# Who may do it; everyone else of Bündnis a (and the state) gets 403, the other Bündnis 404, anonym the login.
KOORDINATION = {"koordination", "admin"}
ANTRAGSTELLER = {"koordination", "admin", "kommune"}


def _erwartet(rolle, erlaubt):
    if rolle == "anonym":
        return 302
    if rolle in erlaubt:
        return 302
    if rolle in ("koordination_b", "kommune_b1"):
        return 404
    return 403


AKTIONEN = {
    "einreichen": (A.ENTWURF, "foerderung:antrag-status", {"nach": "eingereicht"}, ANTRAGSTELLER),
    "zurueckziehen": (A.EINGEREICHT, "foerderung:antrag-status", {"nach": "zurueckgezogen"}, ANTRAGSTELLER),
    "pruefung": (A.EINGEREICHT, "foerderung:antrag-status", {"nach": "in_pruefung"}, KOORDINATION),
    "bewilligen": (
        A.IN_PRUEFUNG,
        "foerderung:antrag-bewilligen",
        {"betrag": "5000.00", "bescheid_datum": "2020-02-01", "bescheid_nummer": "B-1"},
        KOORDINATION,
    ),
    "ablehnen": (A.IN_PRUEFUNG, "foerderung:antrag-ablehnen", {"grund": "Zielgruppe verfehlt"}, KOORDINATION),
    "mittelabruf": (
        A.BEWILLIGT,
        "foerderung:antrag-mittelabruf",
        {"datum": "2020-05-01", "betrag": "1.00"},
        KOORDINATION,
    ),
    "verwendungsnachweis": (
        A.BEWILLIGT,
        "foerderung:antrag-vn",
        # The statement per cost line: `ausgaben_<line>` for the factory's single actual-cost line.
        lambda antrag: {
            "eingereicht_am": "2021-02-01",
            "sachbericht": "Bericht",
            f"ausgaben_{antrag.kostenpositionen.get().pk}": "9000.00",
        },
        KOORDINATION,
    ),
    "monitoring": (
        A.BEWILLIGT,
        "foerderung:antrag-monitoring",
        {
            "jahr": "2020",
            "quartal": "2",
            "eingetreten": "3",
            "aktiv": "3",
            "vorzeitig_beendet": "0",
            "abgeschlossen": "0",
            "uebergang_schulabschluss": "0",
            "uebergang_ausbildung": "0",
            "uebergang_arbeit": "0",
        },
        ANTRAGSTELLER,
    ),
}


def _zustand(antrag):
    antrag.refresh_from_db()
    return (
        antrag.status,
        antrag.version,
        antrag.bewilligt_betrag,
        Statuswechsel.objects.filter(antrag=antrag).count(),
        Mittelabruf.objects.filter(antrag=antrag).count(),
        MonitoringMeldung.objects.filter(antrag=antrag).count(),
    )


@pytest.mark.parametrize("rolle", ROLLEN)
@pytest.mark.parametrize("aktion", list(AKTIONEN))
def test_write_on_application_per_role(scenario, f1, budget_a, zuwendung_a, aktion, rolle):
    status, url_name, daten, erlaubt = AKTIONEN[aktion]
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, status=status)
    if status == A.BEWILLIGT:
        Foerderantrag.objects.filter(pk=antrag.pk).update(
            bewilligt_betrag=Decimal("10000.00"), bescheid_nummer="B-0"
        )
    vorher = _zustand(antrag)
    daten = daten(antrag) if callable(daten) else daten
    response = scenario.client(rolle).post(reverse(url_name, args=[antrag.pk]), daten)
    assert response.status_code == _erwartet(rolle, erlaubt)
    if rolle == "anonym":
        assert "/anmelden/" in response["Location"]
    nachher = _zustand(antrag)
    if rolle in erlaubt:
        assert response["Location"] == antrag.get_absolute_url()
        assert nachher != vorher, "the allowed step must change the application"
    else:
        assert nachher == vorher


@pytest.mark.parametrize("rolle", ROLLEN)
def test_edit_application_per_role(scenario, f1, regeln_f1, rolle):
    from .test_views import _formdaten

    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="Alt")
    daten = _formdaten(f1, titel="Neu", kommune=scenario.a1.pk, version="1")
    response = scenario.client(rolle).post(reverse("foerderung:antrag-update", args=[antrag.pk]), daten)
    assert response.status_code == _erwartet(rolle, ANTRAGSTELLER)
    antrag.refresh_from_db()
    assert antrag.titel == ("Neu" if rolle in ANTRAGSTELLER else "Alt")


@pytest.mark.parametrize("rolle", ROLLEN)
def test_caseload_of_teilhabe_position_per_role(scenario, rolle):
    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    daten = {"jahr": "2020", "quartal": "1", "beratene_personen": "25", "neue_faelle": "5"}
    response = scenario.client(rolle).post(reverse("foerderung:teilhabe-fallzahl", args=[stelle.pk]), daten)
    assert response.status_code == _erwartet(rolle, ANTRAGSTELLER)
    assert stelle.fallzahlen.exists() == (rolle in ANTRAGSTELLER)


@pytest.mark.parametrize("rolle", ["koordination_b", "kommune_b1"])
def test_other_buendnis_gets_404_on_every_page_of_bundnis_a(scenario, f1, rolle):
    from .factories import ProjektideeFactory

    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, in_pruefung=True)
    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    idee = ProjektideeFactory(buendnis=scenario.a)
    client = scenario.client(rolle)
    for url in (
        antrag.get_absolute_url(),
        reverse("foerderung:antrag-update", args=[antrag.pk]),
        reverse("foerderung:antrag-bewilligen", args=[antrag.pk]),
        stelle.get_absolute_url(),
        reverse("foerderung:teilhabe-update", args=[stelle.pk]),
        idee.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url


def test_exports_hold_no_row_of_another_buendnis(scenario, f1, budget_a):
    from .factories import MittelabrufFactory

    eigener = FoerderantragFactory(
        buendnis=scenario.b, kommune=scenario.b1, baustein=f1, titel="Bheim-Antrag"
    )
    MittelabrufFactory(antrag=eigener, betrag=Decimal("12.34"))
    fremder = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True, titel="Aheim-Antrag"
    )
    MittelabrufFactory(antrag=fremder, betrag=Decimal("56.78"))
    client = scenario.client("koordination_b")
    for url_name in ("foerderung:antrag-export", "foerderung:mittelabruf-export"):
        text = client.get(reverse(url_name) + "?format=csv").content.decode("utf-8-sig")
        assert "Bheim-Antrag" in text, url_name
        assert "Aheim-Antrag" not in text and "56.78" not in text, url_name
