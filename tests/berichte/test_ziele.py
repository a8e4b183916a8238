"""Targets (Zielsetzungen) a Bündnis agrees with the Land: the role matrix of every page and action, the workflow
with its versions, the values entered by hand and kept per quarter, on track by the stated rule, the small-number
rule on the target's page, and the dashboards."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from berichte import services, steuerung, tasks
from berichte.models import (
    Indikator,
    IndikatorQuelle,
    Indikatorwert,
    IndikatorwertArt,
    Zielsetzung,
    ZielsetzungStatus,
)
from buendnis import registry
from buendnis.choices import Kernaufgabe
from buendnis.models import Aufgabe, AufgabeStatus, Benachrichtigung
from buendnis.registry import Indikatorquelle, Kernaufgabenstand, Stand
from tests.conftest import ROLES
from tests.factories import AufgabeFactory

ZS = ZielsetzungStatus
LESEN = {"koordination", "kommune", "mitglied", "auswertung", "land", "admin"}


# Fixtures and helpers ---------------------------------------------------------------------------------------------


def aufgaben_faellig(
    buendnis_ids: list[int], stichtag: datetime.date, parameter: str
) -> dict[int, Decimal | None]:
    """Test source: the tasks of each Bündnis due on or before the Stichtag ("erledigt": only the finished)."""
    qs = Aufgabe.objects.filter(buendnis_id__in=buendnis_ids, faellig_am__lte=stichtag)
    if parameter:
        qs = qs.filter(status=parameter)
    gezaehlt = dict(
        qs.values("buendnis_id").annotate(n=Count("pk")).values_list("buendnis_id", "n").order_by()
    )
    return {bid: Decimal(gezaehlt.get(bid, 0)) for bid in buendnis_ids}


PERSONEN: dict[tuple[int, datetime.date], int] = {}


def personen(buendnis_ids, stichtag, parameter):
    """Test source counting people: the latest value set in PERSONEN on or before the Stichtag."""
    ergebnis = {}
    for bid in buendnis_ids:
        tage = sorted(t for (b, t) in PERSONEN if b == bid and t <= stichtag)
        ergebnis[bid] = Decimal(PERSONEN[(bid, tage[-1])]) if tage else None
    return ergebnis


@pytest.fixture
def quellen(monkeypatch):
    """Two test sources in the registry, which is restored after the test."""
    test_quellen = [
        Indikatorquelle(
            key="test.aufgaben",
            label="Fällige Aufgaben",
            einheit="Aufgaben",
            werte=aufgaben_faellig,
            parameter_auswahl=lambda: [("erledigt", "nur erledigte")],
            erklaerung="Aufgaben mit Fälligkeit bis zum Stichtag.",
        ),
        Indikatorquelle(
            key="test.personen",
            label="Begleitete Personen",
            einheit="Personen",
            werte=personen,
            personen=True,
        ),
    ]
    monkeypatch.setattr(
        registry, "_indikatorquellen", {**registry._indikatorquellen, **{q.key: q for q in test_quellen}}
    )
    PERSONEN.clear()
    yield test_quellen
    PERSONEN.clear()


def ziel(buendnis, *, status=ZS.VEREINBART, von=None, bis=None, titel="Ziel", **felder) -> Zielsetzung:
    heute = timezone.localdate()
    return Zielsetzung.objects.create(
        buendnis=buendnis,
        titel=titel,
        zeitraum_von=von or heute - datetime.timedelta(days=180),
        zeitraum_bis=bis or heute + datetime.timedelta(days=180),
        status=status,
        vereinbart_am=heute if status in (ZS.VEREINBART, ZS.ABGELOEST) else None,
        **felder,
    )


def indikator(
    zielsetzung, *, quelle=IndikatorQuelle.MANUELL, ausgangswert=0, zielwert=100, **felder
) -> Indikator:
    felder.setdefault("titel", "Indikator")
    return Indikator.objects.create(
        zielsetzung=zielsetzung,
        quelle=quelle,
        ausgangswert=Decimal(ausgangswert),
        zielwert=Decimal(zielwert),
        **felder,
    )


def wert(ind, stichtag, zahl, art=IndikatorwertArt.ERFASST) -> Indikatorwert:
    return Indikatorwert.objects.create(
        indikator=ind, stichtag=stichtag, wert=Decimal(zahl), art=art, nachweis="Beleg"
    )


def bestand() -> list:
    """Everything a refused request must leave as it was."""
    return [
        list(Zielsetzung.objects.order_by("pk").values_list()),
        list(Indikator.objects.order_by("pk").values_list()),
        list(Indikatorwert.objects.order_by("pk").values_list()),
    ]


def ergebnis(response, erfolg: int = 200) -> str:
    """What a person notices: the login page, not found, not allowed, or the page / the redirect after success."""
    if response.status_code == 302 and "/anmelden/" in response["Location"]:
        return "login"
    return {404: "404", 403: "403", erfolg: "ok"}.get(response.status_code, str(response.status_code))


@pytest.fixture
def entwurf(scenario):
    z = ziel(scenario.a, status=ZS.ENTWURF, titel="Entwurf A")
    indikator(z, titel="Begleitungen")
    return z


@pytest.fixture
def vereinbart(scenario):
    z = ziel(scenario.a, titel="Vereinbart A")
    indikator(z, titel="Begleitungen")
    return z


# Role matrix: pages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_own_targets_and_the_land_all(scenario, role):
    ziel(scenario.a, titel="Ziel von A")
    ziel(scenario.b, titel="Ziel von B")
    response = scenario.client(role).get(reverse("berichte:zielsetzung-list"))
    if role == "anonym":
        assert ergebnis(response) == "login"
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ziel von A" in body
    assert ("Ziel von B" in body) == (role in ("land", "admin"))


@pytest.mark.parametrize("role", ROLES)
def test_detail_of_own_target_for_every_role(scenario, vereinbart, role):
    response = scenario.client(role).get(vereinbart.get_absolute_url())
    assert ergebnis(response) == ("login" if role == "anonym" else "ok")


@pytest.mark.parametrize("role", ["koordination_b", "kommune_b1"])
def test_no_buendnis_user_sees_another_buendnis_targets(scenario, vereinbart, role):
    ind = vereinbart.indikatoren.get()
    client = scenario.client(role)
    assert client.get(vereinbart.get_absolute_url()).status_code == 404
    assert client.get(reverse("berichte:zielsetzung-update", args=[vereinbart.pk])).status_code == 404
    assert client.get(reverse("berichte:indikator-create", args=[vereinbart.pk])).status_code == 404
    assert client.get(reverse("berichte:indikator-update", args=[ind.pk])).status_code == 404
    assert client.get(reverse("berichte:indikatorwert-create", args=[ind.pk])).status_code == 404
    assert "Vereinbart A" not in client.get(reverse("berichte:zielsetzung-list")).content.decode()
    assert "Vereinbart A" not in client.get(reverse("buendnis:dashboard")).content.decode()
    vorher = bestand()
    for url, daten in [
        (reverse("berichte:zielsetzung-update", args=[vereinbart.pk]), {"titel": "gekapert"}),
        (
            reverse("berichte:indikator-create", args=[vereinbart.pk]),
            {"titel": "gekapert", "quelle": "manuell"},
        ),
        (reverse("berichte:indikator-update", args=[ind.pk]), {"titel": "gekapert"}),
        (reverse("berichte:indikator-delete", args=[ind.pk]), {}),
        (reverse("berichte:indikatorwert-create", args=[ind.pk]), {"stichtag": "2026-01-01", "wert": "1"}),
    ]:
        assert client.post(url, daten).status_code == 404, url
    assert bestand() == vorher


@pytest.mark.parametrize("role", ROLES)
def test_create_only_by_the_coordination_in_its_own_buendnis(scenario, role):
    client = scenario.client(role)
    url = reverse("berichte:zielsetzung-create")
    vorher = bestand()
    erwartet = {"anonym": "login", "koordination": "ok"}.get(role, "403")
    assert ergebnis(client.get(url)) == erwartet
    daten = {"titel": "Neues Ziel", "zeitraum_von": "2026-01-01", "zeitraum_bis": "2027-12-31"}
    response = client.post(url, daten)
    assert ergebnis(response, 302) == erwartet
    if role == "koordination":
        z = Zielsetzung.objects.get(titel="Neues Ziel")
        assert (z.buendnis, z.status, z.fassung) == (scenario.a, ZS.ENTWURF, 1)
        assert response["Location"] == z.get_absolute_url()
    else:
        assert bestand() == vorher


def test_create_refuses_a_period_ending_before_it_begins(scenario):
    response = scenario.client("koordination").post(
        reverse("berichte:zielsetzung-create"),
        {"titel": "Rückwärts", "zeitraum_von": "2027-01-01", "zeitraum_bis": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "Das Ende des Zeitraums liegt vor seinem Beginn." in response.content.decode()
    assert not Zielsetzung.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_update_of_a_draft_only_by_the_coordination(scenario, entwurf, role):
    client = scenario.client(role)
    url = reverse("berichte:zielsetzung-update", args=[entwurf.pk])
    vorher = bestand()
    erwartet = {"anonym": "login", "koordination": "ok", "admin": "ok"}.get(role, "403")
    assert ergebnis(client.get(url)) == erwartet
    daten = {"titel": "Geändert", "zeitraum_von": "2026-01-01", "zeitraum_bis": "2027-12-31"}
    assert ergebnis(client.post(url, daten), 302) == erwartet
    if erwartet == "ok":
        assert Zielsetzung.objects.get(pk=entwurf.pk).titel == "Geändert"
    else:
        assert bestand() == vorher


def test_agreed_target_is_not_edited_in_place(scenario, vereinbart):
    client = scenario.client("koordination")
    vorher = bestand()
    url = reverse("berichte:zielsetzung-update", args=[vereinbart.pk])
    response = client.post(
        url, {"titel": "Heimlich", "zeitraum_von": "2026-01-01", "zeitraum_bis": "2027-12-31"}
    )
    assert response.status_code == 302 and response["Location"] == vereinbart.get_absolute_url()
    ind = vereinbart.indikatoren.get()
    assert client.post(reverse("berichte:indikator-delete", args=[ind.pk])).status_code == 302
    assert client.get(reverse("berichte:indikator-create", args=[vereinbart.pk])).status_code == 302
    seite = client.get(vereinbart.get_absolute_url(), follow=True).content.decode()
    assert bestand() == vorher
    with pytest.raises(ValidationError, match="neue Fassung"):
        services.zielsetzung_aendern(zielsetzung=vereinbart, titel="X", by=scenario.users["koordination"])
    assert "Neue Fassung anlegen" in seite


# Role matrix: the workflow's actions -------------------------------------------------------------------------------

AKTIONEN = {
    # action: (state of the target, who may, the state afterwards)
    "vorlegen": (ZS.ENTWURF, {"koordination", "admin"}, ZS.VORGELEGT),
    "vereinbaren": (ZS.VORGELEGT, {"land", "admin"}, ZS.VEREINBART),
    "zurueckgeben": (ZS.VORGELEGT, {"land", "admin"}, ZS.ENTWURF),
    "neue-fassung": (ZS.VEREINBART, {"koordination", "admin"}, ZS.VEREINBART),
}


@pytest.mark.parametrize("aktion", list(AKTIONEN))
@pytest.mark.parametrize("role", ROLES)
def test_workflow_action_role_matrix(scenario, role, aktion):
    status, erlaubt, danach = AKTIONEN[aktion]
    z = ziel(scenario.a, status=status)
    indikator(z)
    vorher = bestand()
    url = reverse("berichte:zielsetzung-aktion", args=[z.pk, aktion])
    response = scenario.client(role).post(url, {"kommentar": "Bitte Zielwert begründen."})
    erwartet = "login" if role == "anonym" else ("ok" if role in erlaubt else "403")
    assert ergebnis(response, 302) == erwartet
    if erwartet != "ok":
        assert bestand() == vorher
        return
    z.refresh_from_db()
    assert z.status == danach
    if aktion == "neue-fassung":
        neu = Zielsetzung.objects.get(vorgaenger=z)
        assert response["Location"] == neu.get_absolute_url()


@pytest.mark.parametrize("aktion", list(AKTIONEN))
def test_actions_on_another_buendnis_target_are_404(scenario, aktion):
    z = ziel(scenario.a, status=AKTIONEN[aktion][0])
    indikator(z)
    vorher = bestand()
    for role in ("koordination_b", "kommune_b1"):
        url = reverse("berichte:zielsetzung-aktion", args=[z.pk, aktion])
        assert scenario.client(role).post(url, {"kommentar": "x"}).status_code == 404
    assert bestand() == vorher


def test_actions_answer_only_post_and_known_names(scenario, entwurf):
    client = scenario.client("koordination")
    assert (
        client.get(reverse("berichte:zielsetzung-aktion", args=[entwurf.pk, "vorlegen"])).status_code == 405
    )
    assert (
        client.post(reverse("berichte:zielsetzung-aktion", args=[entwurf.pk, "loeschen"])).status_code == 404
    )


def test_action_in_the_wrong_state_is_refused_with_a_message(scenario, entwurf):
    vorher = bestand()
    response = scenario.client("land").post(
        reverse("berichte:zielsetzung-aktion", args=[entwurf.pk, "vereinbaren"]), follow=True
    )
    assert "„Vereinbaren“ ist im Status „Entwurf“ nicht möglich." in response.content.decode()
    assert bestand() == vorher


def test_return_needs_a_comment(scenario):
    z = ziel(scenario.a, status=ZS.VORGELEGT)
    indikator(z)
    vorher = bestand()
    response = scenario.client("land").post(
        reverse("berichte:zielsetzung-aktion", args=[z.pk, "zurueckgeben"]), {"kommentar": "  "}, follow=True
    )
    assert "Bitte begründen Sie die Rückgabe in einem Kommentar." in response.content.decode()
    assert bestand() == vorher


def test_submitting_needs_an_indicator(scenario):
    z = ziel(scenario.a, status=ZS.ENTWURF)
    response = scenario.client("koordination").post(
        reverse("berichte:zielsetzung-aktion", args=[z.pk, "vorlegen"]), follow=True
    )
    assert "mindestens einen Indikator" in response.content.decode()
    assert Zielsetzung.objects.get(pk=z.pk).status == ZS.ENTWURF


# Role matrix: indicators and values --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_indicators_of_a_draft_only_by_the_coordination(scenario, entwurf, role, quellen):
    client = scenario.client(role)
    ind = entwurf.indikatoren.get()
    erwartet = {"anonym": "login", "koordination": "ok", "admin": "ok"}.get(role, "403")
    vorher = bestand()
    assert ergebnis(client.get(reverse("berichte:indikator-create", args=[entwurf.pk]))) == erwartet
    assert ergebnis(client.get(reverse("berichte:indikator-update", args=[ind.pk]))) == erwartet
    daten = {
        "titel": "Erledigte Aufgaben",
        "quelle": "test.aufgaben",
        "parameter": "erledigt",
        "einheit": "",
        "ausgangswert": "0",
        "zielwert": "10",
    }
    response = client.post(reverse("berichte:indikator-create", args=[entwurf.pk]), daten)
    assert ergebnis(response, 302) == erwartet
    if erwartet == "ok":
        neu = entwurf.indikatoren.get(titel="Erledigte Aufgaben")
        assert (neu.quelle, neu.parameter, neu.einheit, neu.position) == (
            "test.aufgaben",
            "erledigt",
            "Aufgaben",
            1,
        )
        assert ergebnis(client.post(reverse("berichte:indikator-delete", args=[neu.pk])), 302) == "ok"
        assert not Indikator.objects.filter(pk=neu.pk).exists()
    else:
        assert ergebnis(client.post(reverse("berichte:indikator-delete", args=[ind.pk])), 302) == erwartet
        assert bestand() == vorher


def test_indicator_form_offers_the_sources_by_label_with_their_explanation(scenario, entwurf, quellen):
    body = (
        scenario.client("koordination").get(reverse("berichte:indikator-create", args=[entwurf.pk])).content
    )
    body = body.decode()
    assert "Fällige Aufgaben (Aufgaben)" in body
    assert "Aufgaben mit Fälligkeit bis zum Stichtag." in body
    assert "nur erledigte" in body


def test_indicator_parameter_must_fit_its_source(scenario, entwurf, quellen):
    vorher = bestand()
    response = scenario.client("koordination").post(
        reverse("berichte:indikator-create", args=[entwurf.pk]),
        {
            "titel": "X",
            "quelle": "test.personen",
            "parameter": "erledigt",
            "ausgangswert": "0",
            "zielwert": "5",
        },
    )
    assert response.status_code == 200
    assert "Diese Einschränkung passt nicht zur Quelle" in response.content.decode()
    assert bestand() == vorher


def test_a_source_counting_people_makes_the_indicator_a_count_of_people(scenario, entwurf, quellen):
    ind = services.indikator_anlegen(
        zielsetzung=entwurf,
        titel="Begleitete",
        quelle="test.personen",
        ausgangswert=Decimal(0),
        zielwert=Decimal(20),
        personenzahl=False,
        by=scenario.users["koordination"],
    )
    assert ind.personenzahl is True


@pytest.mark.parametrize("role", ROLES)
def test_manual_values_only_by_the_coordination(scenario, vereinbart, role):
    ind = vereinbart.indikatoren.get()
    client = scenario.client(role)
    url = reverse("berichte:indikatorwert-create", args=[ind.pk])
    erwartet = {"anonym": "login", "koordination": "ok", "admin": "ok"}.get(role, "403")
    vorher = bestand()
    assert ergebnis(client.get(url)) == erwartet
    heute = timezone.localdate()
    response = client.post(url, {"stichtag": heute.isoformat(), "wert": "12", "nachweis": "Protokoll 3/2026"})
    assert ergebnis(response, 302) == erwartet
    if erwartet == "ok":
        w = ind.werte.get()
        assert (w.stichtag, w.wert, w.art, w.nachweis) == (
            heute,
            Decimal(12),
            IndikatorwertArt.ERFASST,
            "Protokoll 3/2026",
        )
        assert w.erfasst_von == scenario.users[role]
    else:
        assert bestand() == vorher


def test_manual_value_needs_evidence_one_per_date_and_no_future(scenario, vereinbart):
    ind = vereinbart.indikatoren.get()
    client = scenario.client("koordination")
    url = reverse("berichte:indikatorwert-create", args=[ind.pk])
    heute = timezone.localdate()
    ohne = client.post(url, {"stichtag": heute.isoformat(), "wert": "3", "nachweis": ""})
    assert "Bitte geben Sie an, woher der Wert stammt (Nachweis)." in ohne.content.decode()
    zukunft = client.post(
        url, {"stichtag": (heute + datetime.timedelta(days=1)).isoformat(), "wert": "3", "nachweis": "x"}
    )
    assert "Der Stichtag liegt in der Zukunft." in zukunft.content.decode()
    assert not ind.werte.exists()
    assert (
        client.post(url, {"stichtag": heute.isoformat(), "wert": "3", "nachweis": "Liste"}).status_code == 302
    )
    doppelt = client.post(url, {"stichtag": heute.isoformat(), "wert": "4", "nachweis": "Liste"})
    assert "Für diesen Stichtag ist schon ein Wert erfasst." in doppelt.content.decode()
    assert list(ind.werte.values_list("wert", flat=True)) == [Decimal(3)]


def test_computed_indicators_take_no_manual_values(scenario, quellen):
    z = ziel(scenario.a)
    ind = indikator(z, quelle="test.aufgaben")
    with pytest.raises(ValidationError, match="berechnet die Software"):
        services.indikatorwert_erfassen(
            indikator=ind,
            stichtag=timezone.localdate(),
            wert=Decimal(1),
            nachweis="x",
            by=scenario.users["koordination"],
        )
    response = scenario.client("koordination").get(reverse("berichte:indikatorwert-create", args=[ind.pk]))
    assert response.status_code == 302
    assert not Indikatorwert.objects.exists()


# The workflow with its versions -------------------------------------------------------------------------------------


def test_workflow_from_draft_to_a_new_agreed_version(scenario, quellen):
    koordination, land = scenario.users["koordination"], scenario.users["land"]
    z = services.zielsetzung_anlegen(
        buendnis=scenario.a,
        titel="Abschlüsse",
        zeitraum_von=datetime.date(2025, 1, 1),
        zeitraum_bis=datetime.date(2026, 12, 31),
        by=koordination,
    )
    services.indikator_anlegen(
        zielsetzung=z,
        titel="Aufgaben",
        quelle="test.aufgaben",
        ausgangswert=Decimal(0),
        zielwert=Decimal(8),
        by=koordination,
    )
    services.indikator_anlegen(
        zielsetzung=z, titel="Patenschaften", ausgangswert=Decimal(10), zielwert=Decimal(40), by=koordination
    )

    services.zielsetzung_vorlegen(zielsetzung=z, by=koordination)
    assert (
        Benachrichtigung.objects.filter(empfaenger=land, art=services.ART_ZIELSETZUNG_VORGELEGT).count() == 1
    )
    assert steuerung.zur_vereinbarung(land).get() == z
    assert steuerung.zur_vereinbarung(koordination).count() == 0

    services.zielsetzung_zurueckgeben(zielsetzung=z, kommentar="Zielwert zu niedrig.", by=land)
    z.refresh_from_db()
    assert z.status == ZS.ENTWURF
    nachricht = Benachrichtigung.objects.get(
        empfaenger=koordination, art=services.ART_ZIELSETZUNG_ENTSCHIEDEN
    )
    assert "Zielwert zu niedrig." in nachricht.text
    assert list(steuerung.zurueckgegebene(koordination)) == [z]
    seite = scenario.client("koordination").get(z.get_absolute_url()).content.decode()
    assert "Vom Land zurückgegeben" in seite and "Zielwert zu niedrig." in seite
    meine = scenario.client("koordination").get(reverse("buendnis:meine-aufgaben")).content.decode()
    assert "Zurückgegebene Zielsetzungen" in meine and "Abschlüsse" in meine

    services.zielsetzung_vorlegen(zielsetzung=z, by=koordination)
    assert list(steuerung.zurueckgegebene(koordination)) == []
    z = services.zielsetzung_vereinbaren(zielsetzung=z, by=land)
    assert (z.status, z.vereinbart_am, z.vereinbart_von) == (ZS.VEREINBART, timezone.localdate(), land)
    assert steuerung.rueckgabe(z) is None

    neu = services.zielsetzung_neue_fassung(zielsetzung=z, by=koordination)
    assert (neu.fassung, neu.vorgaenger, neu.status, neu.buendnis) == (2, z, ZS.ENTWURF, scenario.a)
    assert [(i.titel, i.quelle, i.ausgangswert, i.zielwert) for i in neu.indikatoren.all()] == [
        (i.titel, i.quelle, i.ausgangswert, i.zielwert) for i in z.indikatoren.all()
    ]
    with pytest.raises(ValidationError, match="Von dieser Fassung gibt es schon eine neue Fassung."):
        services.zielsetzung_neue_fassung(zielsetzung=z, by=koordination)
    # Until the new version is agreed, the old one counts.
    assert list(Zielsetzung.objects.gueltig()) == [z]

    services.indikator_aendern(
        indikator=neu.indikatoren.get(titel="Patenschaften"), zielwert=Decimal(60), by=koordination
    )
    services.zielsetzung_vorlegen(zielsetzung=neu, by=koordination)
    services.zielsetzung_vereinbaren(zielsetzung=neu, by=land)
    z.refresh_from_db()
    assert z.status == ZS.ABGELOEST
    assert list(Zielsetzung.objects.gueltig()) == [neu]
    assert z.indikatoren.get(titel="Patenschaften").zielwert == Decimal(40)

    alt = scenario.client("mitglied").get(z.get_absolute_url()).content.decode()
    assert "durch eine neue Fassung abgelöst" in alt
    assert neu.get_absolute_url() in alt
    aktuell = scenario.client("mitglied").get(neu.get_absolute_url()).content.decode()
    assert z.get_absolute_url() in aktuell and "Fassung 1" in aktuell


def test_return_comment_is_kept_in_full_and_limited_to_2000_characters(scenario):
    z = ziel(scenario.a, status=ZS.VORGELEGT)
    with pytest.raises(ValidationError, match="höchstens 2000 Zeichen"):
        services.zielsetzung_zurueckgeben(zielsetzung=z, kommentar="x" * 2001, by=scenario.users["land"])
    assert Zielsetzung.objects.get(pk=z.pk).status == ZS.VORGELEGT
    lang = "Bitte den Indikator zur Ausbildung genauer fassen. " * 8  # ~400 characters
    services.zielsetzung_zurueckgeben(zielsetzung=z, kommentar=lang, by=scenario.users["land"])
    z = Zielsetzung.objects.get(pk=z.pk)
    assert z.status == ZS.ENTWURF
    assert steuerung.rueckgabe(z).kommentar == lang.strip()


# Values: computed, kept per quarter, on track ---------------------------------------------------------------------


@pytest.fixture
def aufgabenziel(scenario, quellen):
    """A target over 2025 measured by the test source, with tasks due in known quarters (hand-computed below)."""
    z = ziel(scenario.a, von=datetime.date(2025, 1, 1), bis=datetime.date(2025, 12, 31))
    alle = indikator(z, titel="Fällige Aufgaben", quelle="test.aufgaben", ausgangswert=0, zielwert=10)
    erledigt = indikator(
        z,
        titel="Erledigte Aufgaben",
        quelle="test.aufgaben",
        parameter="erledigt",
        ausgangswert=0,
        zielwert=4,
        position=1,
    )
    for tag, status in [
        (datetime.date(2025, 2, 1), AufgabeStatus.ERLEDIGT),
        (datetime.date(2025, 3, 31), AufgabeStatus.OFFEN),
        (datetime.date(2025, 5, 10), AufgabeStatus.ERLEDIGT),
        (datetime.date(2025, 8, 1), AufgabeStatus.OFFEN),
        (datetime.date(2025, 8, 2), AufgabeStatus.OFFEN),
        (datetime.date(2025, 11, 30), AufgabeStatus.ERLEDIGT),
    ]:
        AufgabeFactory(buendnis=scenario.a, faellig_am=tag, status=status)
    # Another Bündnis's tasks never count for a.
    AufgabeFactory(buendnis=scenario.b, faellig_am=datetime.date(2025, 1, 5))
    return z, alle, erledigt


def test_quarterly_values_against_hand_computed_fixture(aufgabenziel):
    z, alle, erledigt = aufgabenziel
    gesichert = services.quartalswerte_nachtragen(heute=datetime.date(2026, 1, 15))
    assert gesichert == {
        datetime.date(2025, 3, 31): 2,
        datetime.date(2025, 6, 30): 2,
        datetime.date(2025, 9, 30): 2,
        datetime.date(2025, 12, 31): 2,
    }
    werte = {
        ind.titel: [(w.stichtag.month, w.wert, w.art) for w in ind.werte.order_by("stichtag")]
        for ind in (alle, erledigt)
    }
    b = IndikatorwertArt.BERECHNET
    assert werte == {
        "Fällige Aufgaben": [(3, Decimal(2), b), (6, Decimal(3), b), (9, Decimal(5), b), (12, Decimal(6), b)],
        "Erledigte Aufgaben": [
            (3, Decimal(1), b),
            (6, Decimal(2), b),
            (9, Decimal(2), b),
            (12, Decimal(3), b),
        ],
    }
    # Idempotent: a second run keeps nothing more, and kept values stay even when the data change later.
    Aufgabe.objects.filter(buendnis=z.buendnis).update(faellig_am=datetime.date(2025, 1, 2))
    assert sum(services.quartalswerte_nachtragen(heute=datetime.date(2026, 1, 15)).values()) == 0
    assert alle.werte.get(stichtag=datetime.date(2025, 3, 31)).wert == Decimal(2)


def test_target_page_values_and_progress_at_a_given_date(aufgabenziel):
    z, alle, erledigt = aufgabenziel
    services.quartalswerte_nachtragen(heute=datetime.date(2025, 8, 15))
    stand = steuerung.zielstand(z, heute=datetime.date(2025, 8, 15))
    zeile = {s.indikator.titel: s for s in stand.zeilen}
    # Today (15.08.2025): 5 tasks due so far, 2 of them finished; computed now.
    assert zeile["Fällige Aufgaben"].aktuell.wert == Decimal(5)
    assert zeile["Erledigte Aufgaben"].aktuell.wert == Decimal(2)
    assert [m.text for m in zeile["Fällige Aufgaben"].quartale] == ["2", "3", "5", "–"]
    assert [label for label, _ende in stand.quartale] == ["2025/Q1", "2025/Q2", "2025/Q3", "2025/Q4"]
    # 226 of 364 days passed: 62 %; expected at least 52 % of the way.
    assert zeile["Fällige Aufgaben"].fortschritt_prozent == 50
    assert zeile["Fällige Aufgaben"].im_plan is False
    assert zeile["Erledigte Aufgaben"].fortschritt_prozent == 50
    assert zeile["Erledigte Aufgaben"].im_plan is False
    assert (stand.im_plan, stand.mit_wert) == (0, 2)


def test_on_track_follows_the_stated_rule(scenario):
    """On track: progress from baseline to target at least the share of the period passed, less 10 points."""
    z = ziel(scenario.a, von=datetime.date(2025, 1, 1), bis=datetime.date(2025, 12, 31))  # 364 days
    steigend = indikator(z, titel="steigend", ausgangswert=0, zielwert=100)
    fallend = indikator(z, titel="fallend", ausgangswert=100, zielwert=0, position=1)
    mitte = datetime.date(2025, 7, 2)  # 182 days: half the period, 40 % expected
    assert z.erwarteter_anteil(mitte) == Decimal("0.5")
    wert(steigend, datetime.date(2025, 6, 30), 40)
    wert(fallend, datetime.date(2025, 6, 30), 61)
    zeilen = {s.indikator.titel: s for s in steuerung.zielstand(z, heute=mitte).zeilen}
    assert (zeilen["steigend"].im_plan, zeilen["fallend"].im_plan) == (True, False)
    Indikatorwert.objects.filter(indikator=steigend).update(wert=Decimal(39))
    Indikatorwert.objects.filter(indikator=fallend).update(wert=Decimal(60))
    zeilen = {s.indikator.titel: s for s in steuerung.zielstand(z, heute=mitte).zeilen}
    assert (zeilen["steigend"].im_plan, zeilen["fallend"].im_plan) == (False, True)
    body = scenario.client("kommune").get(z.get_absolute_url()).content.decode()
    assert steuerung.im_plan_regel() in body


def test_quarterly_task_is_idempotent_and_keeps_only_agreed_computed_indicators(aufgabenziel, scenario):
    z, alle, erledigt = aufgabenziel
    manuell = indikator(z, titel="von Hand", position=2)
    entwurf = ziel(scenario.a, status=ZS.ENTWURF, von=z.zeitraum_von, bis=z.zeitraum_bis)
    im_entwurf = indikator(entwurf, quelle="test.aufgaben")
    tasks.quartalswerte_task.enqueue("2025-06-30")
    tasks.quartalswerte_task.enqueue("2025-06-30")
    assert Indikatorwert.objects.count() == 2
    assert {(w.indikator_id, w.wert) for w in Indikatorwert.objects.all()} == {
        (alle.pk, Decimal(3)),
        (erledigt.pk, Decimal(2)),
    }
    assert not manuell.werte.exists() and not im_entwurf.werte.exists()


def test_daily_check_starts_the_quarterly_task_after_a_quarter_ends(aufgabenziel):
    z, alle, erledigt = aufgabenziel
    assert tasks.quartalswerte_pruefen(datetime.date(2025, 10, 3)) == 1
    assert set(Indikatorwert.objects.values_list("stichtag", flat=True)) == {datetime.date(2025, 9, 30)}
    # Kept: nothing more to do; too long after the quarter end: left to the backfill.
    assert tasks.quartalswerte_pruefen(datetime.date(2025, 10, 4)) == 0
    assert tasks.quartalswerte_pruefen(datetime.date(2025, 8, 1)) == 0
    assert Indikatorwert.objects.count() == 2
    assert "berichte.quartalswerte" in {
        k for k, p in registry._taegliche_pruefungen.items() if p is tasks.quartalswerte_pruefen
    }


def test_backfill_command_keeps_every_past_quarter(aufgabenziel):
    call_command("quartalswerte_nachtragen", "--bis", "2026-01-15", stdout=io.StringIO())
    assert Indikatorwert.objects.filter(art=IndikatorwertArt.BERECHNET).count() == 8


def test_agreeing_keeps_the_values_of_the_passed_quarters(scenario, quellen):
    z = ziel(scenario.a, status=ZS.VORGELEGT, von=datetime.date(2025, 1, 1), bis=datetime.date(2025, 12, 31))
    ind = indikator(z, quelle="test.aufgaben")
    services.zielsetzung_vereinbaren(zielsetzung=z, by=scenario.users["land"])
    assert ind.werte.count() == 4


# The small-number rule on the target's page -------------------------------------------------------------------------


def test_small_numbers_are_withheld_on_the_target_page(scenario, settings):
    settings.BEDARF_MIN_COUNT = 5
    z = ziel(scenario.a, von=datetime.date(2025, 1, 1), bis=datetime.date(2025, 12, 31), titel="Begleitung")
    ind = indikator(z, titel="Begleitete", ausgangswert=0, zielwert=50, personenzahl=True, einheit="Personen")
    # Q1 0 shown; Q2 3 withheld (small); Q3 17 shown; Q4 19 withheld (change of 2 against 17).
    for tag, zahl in [((3, 31), 0), ((6, 30), 3), ((9, 30), 17), ((12, 31), 19)]:
        wert(ind, datetime.date(2025, *tag), zahl)
    body = scenario.client("koordination").get(z.get_absolute_url()).content.decode()
    assert "17 Personen" in body and "0 Personen" in body
    assert "3 Personen" not in body and "19 Personen" not in body
    # Today's value is the last one (19): withheld, so is everything derived from it.
    assert "38 %" not in body and 'value="38"' not in body
    assert "nicht angezeigt (Schutz kleiner Fallzahlen)" in body
    assert "weniger als 5 Personen" in body
    zeile = steuerung.zielstand(z).zeilen[0]
    assert [m.text for m in zeile.quartale] == ["0 Personen", "*", "17 Personen", "*"]
    assert zeile.fortschritt is None and zeile.im_plan is None
    assert (steuerung.zielstand(z).mit_wert, steuerung.zielstand(z).im_plan) == (0, 0)


def test_computed_counts_of_people_are_withheld_too(scenario, quellen, settings):
    settings.BEDARF_MIN_COUNT = 3
    z = ziel(scenario.a)
    ind = indikator(z, quelle="test.personen", ausgangswert=0, zielwert=30, einheit="Personen")
    PERSONEN[(scenario.a.pk, z.zeitraum_von)] = 2
    assert steuerung.aktuelle_werte([ind])[ind.pk].gesperrt
    body = scenario.client("auswertung").get(z.get_absolute_url()).content.decode()
    assert "2 Personen" not in body
    PERSONEN[(scenario.a.pk, z.zeitraum_von)] = 12
    assert steuerung.aktuelle_werte([ind])[ind.pk].text == "12 Personen"


# Dashboards ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def messung(monkeypatch):
    """A test measurement of the nine tasks, in a registry restored after the test."""

    def messen(buendnis_ids, stichtag):
        return {
            bid: {
                Kernaufgabe.FOREN.value: Kernaufgabenstand(
                    Stand.ERFUELLT, f"Testbeleg Foren {bid}", "/gremien/"
                ),
                Kernaufgabe.PRIORITAETEN.value: Kernaufgabenstand(Stand.BEGONNEN, "Testbeleg Prioritäten"),
            }
            for bid in buendnis_ids
        }

    monkeypatch.setattr(registry, "_kernaufgabenmessungen", {"test": messen})


@pytest.mark.parametrize("role", ["koordination", "kommune", "mitglied", "auswertung"])
def test_buendnis_dashboard_shows_own_agreed_targets_and_measured_tasks(scenario, messung, role):
    z = ziel(scenario.a, titel="Unser Ziel")
    im_plan = indikator(z, titel="im Plan", zielwert=100)
    hinten = indikator(z, titel="hinten", zielwert=100, position=1)
    indikator(z, titel="ohne Wert", position=2)
    heute = timezone.localdate()
    wert(im_plan, heute, 90)
    wert(hinten, heute, 1)
    ziel(scenario.a, status=ZS.ENTWURF, titel="Noch ein Entwurf")
    ziel(scenario.b, titel="Fremdes Ziel")
    response = scenario.client(role).get(reverse("buendnis:dashboard"))
    body = response.content.decode()
    assert "Unser Ziel" in body and z.get_absolute_url() in body
    assert "1 von 3 Indikatoren im Plan" in body and "(2 mit Wert)" in body
    assert "Noch ein Entwurf" not in body and "Fremdes Ziel" not in body
    staende = {a.kernaufgabe: a for a in response.context["kernaufgaben"]}
    assert len(staende) == 9
    assert staende[Kernaufgabe.FOREN].stand == Stand.ERFUELLT
    assert staende[Kernaufgabe.PRIORITAETEN].stand == Stand.BEGONNEN
    assert staende[Kernaufgabe.LENKUNG].stand == Stand.OFFEN
    assert f"Testbeleg Foren {scenario.a.pk}" in body and f"Testbeleg Foren {scenario.b.pk}" not in body
    assert "1 von 9 Aufgaben erfüllt" in body


def test_land_dashboard_shows_its_own_work_and_no_buendnis_items(scenario, messung):
    ziel(scenario.b, status=ZS.VORGELEGT, titel="Wartet auf das Land")
    ziel(scenario.a, titel="Schon vereinbart")
    AufgabeFactory(buendnis=scenario.a, titel="Aufgabe von A", ueberfaellig=True)
    body = scenario.client("land").get(reverse("buendnis:dashboard")).content.decode()
    assert "Zielsetzungen zur Vereinbarung (1)" in body and "Wartet auf das Land" in body
    assert reverse("berichte:land-uebersicht") in body
    assert "Berichte und Exporte" in body
    for fremd in (
        "Aufgabe von A",
        "Testbeleg Foren",
        "Aufgaben der Bündniskerngruppe",
        "Kommunen (",
        "Aheim",
    ):
        assert fremd not in body, fremd
    meine = scenario.client("land").get(reverse("buendnis:meine-aufgaben")).content.decode()
    assert "Zielsetzungen zur Vereinbarung" in meine and "Wartet auf das Land" in meine


# Query counts ------------------------------------------------------------------------------------------------------


def fuellen(buendnis, n: int) -> None:
    for i in range(n):
        z = ziel(buendnis, titel=f"Ziel {i}", status=ZS.VEREINBART if i % 2 == 0 else ZS.ENTWURF)
        for j in range(3):
            ind = indikator(
                z, titel=f"Indikator {j}", position=j, quelle="test.aufgaben" if j == 0 else "manuell"
            )
            if j:
                wert(ind, z.zeitraum_von + datetime.timedelta(days=10 * j), 5 * j)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("koordination", lambda z: reverse("berichte:zielsetzung-list")),
        ("land", lambda z: reverse("berichte:zielsetzung-list")),
        ("koordination", lambda z: z.get_absolute_url()),
        ("koordination", lambda z: reverse("buendnis:dashboard")),
        ("land", lambda z: reverse("buendnis:dashboard")),
    ],
)
def test_pages_keep_their_query_count_with_more_targets(
    scenario, quellen, role, url, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    z = ziel(scenario.a, titel="Messziel")
    indikator(z, quelle="test.aufgaben", titel="berechnet")
    for j in range(2):
        wert(indikator(z, position=j + 1), z.zeitraum_von, 10)
    client = scenario.client(role)
    fuellen(scenario.a, 2)
    with CaptureQueriesContext(connection) as wenige:
        assert client.get(url(z)).status_code == 200
    fuellen(scenario.a, 12)
    fuellen(scenario.b, 12)
    for i in range(4):
        indikator(z, titel=f"Mehr {i}", position=10 + i, quelle="test.aufgaben" if i % 2 else "manuell")
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        assert client.get(url(z)).status_code == 200


def test_admin_shows_the_targets_of_the_own_buendnis_read_only_once_agreed(scenario, vereinbart):
    ziel(scenario.b, titel="Fremdes Ziel")
    client = scenario.client("koordination")
    liste = client.get(reverse("admin:berichte_zielsetzung_changelist")).content.decode()
    assert "Vereinbart A" in liste and "Fremdes Ziel" not in liste
    response = client.post(
        reverse("admin:berichte_zielsetzung_change", args=[vereinbart.pk]),
        {"titel": "im Admin geändert", "zeitraum_von": "2026-01-01", "zeitraum_bis": "2026-12-31"},
    )
    assert response.status_code in (302, 403)
    assert Zielsetzung.objects.get(pk=vereinbart.pk).titel == "Vereinbart A"


def test_demo_data_agree_targets_with_indicators_and_quarterly_values(db):
    """The demo Bündnisse get two agreed targets each, and every Bündnis of the NRW build at least one."""
    import random

    from demo import ziele as demo_ziele
    from tests.factories import BuendnisFactory, UserFactory

    b1, b2 = BuendnisFactory(), BuendnisFactory()
    UserFactory(rolle="land", buendnis=None)
    assert demo_ziele.build_ziele([b1, b2], random.Random(1)) == 2
    assert demo_ziele.build_ziele([b1, b2], random.Random(1)) == 0
    for b in (b1, b2):
        z = Zielsetzung.objects.get(buendnis=b, status=ZS.VEREINBART)
        assert z.indikatoren.count() >= 2
        assert z.indikatoren.filter(quelle=IndikatorQuelle.MANUELL, personenzahl=True).exists()
        manuell = Indikatorwert.objects.filter(indikator__zielsetzung=z, art=IndikatorwertArt.ERFASST)
        assert manuell.count() == len(steuerung.quartale(z.zeitraum_von, z.zeitraum_bis))
    assert not Zielsetzung.objects.filter(~Q(status=ZS.VEREINBART)).exists()
