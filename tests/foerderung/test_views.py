"""Role matrix of the funding pages: login redirect, 404 out of scope, 403 without the right, success."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from buendnis.models import Kommune
from foerderung.models import (
    AntragStatus,
    Foerderantrag,
    Foerderprogramm,
    Mittelabruf,
    Verteilung,
    Verteilungsanteil,
)

from .factories import FoerderantragFactory, TeilhabeStelleFactory, VerteilungFactory

D = Decimal
LESEND = {"koordination": 200, "kommune": 200, "auswertung": 200, "land": 200, "admin": 200, "mitglied": 403}


def _erwartet(role, tabelle):
    return 302 if role == "anonym" else tabelle[role]


@pytest.fixture
def antrag(scenario, f1, budget_a, zuwendung_a):
    return FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="Coaching Aheim")


def test_antrag_list_per_role(role_client, role, antrag):
    response = role_client.get(reverse("foerderung:antrag-list"))
    assert response.status_code == _erwartet(role, LESEND)
    if response.status_code == 302:
        assert "/anmelden/" in response["Location"]
    if response.status_code == 200:
        assert "Coaching Aheim" in response.content.decode()


def test_antrag_detail_per_role(role_client, role, antrag):
    response = role_client.get(antrag.get_absolute_url())
    assert response.status_code == _erwartet(role, LESEND)
    if response.status_code == 200:
        assert "Kostenplan" in response.content.decode()


def test_budgetuebersicht_per_role(role_client, role, antrag):
    response = role_client.get(reverse("foerderung:uebersicht"))
    assert response.status_code == _erwartet(role, LESEND)
    if response.status_code == 200 and role == "kommune":
        # A Kommune sees its own row (its draft counts nowhere yet), not the Bündnis's allocation.
        assert "Aheim" in response.content.decode()
        assert "100.000,00 €" not in response.content.decode()
    elif response.status_code == 200:
        assert "100.000,00 €" in response.content.decode()


def test_koordination_of_other_buendnis_gets_404_for_antrag(scenario, antrag):
    client = scenario.client("koordination_b")
    assert client.get(antrag.get_absolute_url()).status_code == 404
    response = client.post(reverse("foerderung:antrag-status", args=[antrag.pk]), {"nach": "eingereicht"})
    assert response.status_code == 404
    response = client.post(reverse("foerderung:antrag-update", args=[antrag.pk]), {"titel": "gekapert"})
    assert response.status_code == 404
    antrag.refresh_from_db()
    assert (antrag.status, antrag.titel) == (AntragStatus.ENTWURF, "Coaching Aheim")


def _formdaten(f1, **extra):
    daten = {
        "baustein": f1.pk,
        "titel": "Sprachkurs Adorf",
        "beginn": "2020-02-01",
        "ende": "2020-11-30",
        "haushaltsjahr": "2020",
        "drittmittel": "0",
        "teilnehmende_geplant": "12",
        "kosten-TOTAL_FORMS": "2",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "1000",
        "kosten-0-kostenart": "unterrichtsstunde",
        "kosten-0-kategorie": "honorar",
        "kosten-0-bezeichnung": "Kursstunden",
        "kosten-0-einheiten": "100",
        "kosten-0-betrag": "",
        "kosten-1-kategorie": "",
        "kosten-1-bezeichnung": "",
        "kosten-1-betrag": "",
    }
    daten.update(extra)
    return daten


def test_kommune_creates_antrag_for_its_own_kommune_only(scenario, f1, regeln_f1):
    client = scenario.client("kommune")
    response = client.post(reverse("foerderung:antrag-create"), _formdaten(f1, kommune=scenario.a2.pk))
    antrag = Foerderantrag.objects.get()
    assert response.status_code == 302
    assert antrag.kommune == scenario.a1
    # 100 teaching hours × 37.50 EUR of the rule = 3,750.00 EUR, of which 80 % (3,000.00 EUR) is requested.
    assert (antrag.gesamtkosten, antrag.beantragt) == (D("3750.00"), D("3000.00"))
    assert antrag.kostenpositionen.count() == 1


def test_kommune_cannot_edit_antrag_of_other_kommune(scenario, f1):
    fremd = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a2, baustein=f1, titel="Adorf")
    client = scenario.client("kommune")
    url = reverse("foerderung:antrag-update", args=[fremd.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _formdaten(f1, titel="gekapert")).status_code == 403
    fremd.refresh_from_db()
    assert fremd.titel == "Adorf"


def test_stale_edit_via_form_is_refused_with_what_changed(scenario, f1, regeln_f1, antrag):
    url = reverse("foerderung:antrag-update", args=[antrag.pk])
    scenario.client("kommune").post(url, _formdaten(f1, titel="Neuer Titel", version="1"))
    antrag.refresh_from_db()
    assert antrag.titel == "Neuer Titel"
    response = scenario.client("koordination").post(
        url, _formdaten(f1, titel="Anderer Titel", kommune=scenario.a1.pk, version="1")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "inzwischen von kom-a1 geändert" in text
    assert "Neuer Titel" in text
    antrag.refresh_from_db()
    assert antrag.titel == "Neuer Titel"


def test_kommune_submits_and_koordination_approves_via_pages(scenario, antrag):
    status_url = reverse("foerderung:antrag-status", args=[antrag.pk])
    scenario.client("kommune").post(status_url, {"nach": "eingereicht", "kommentar": "bitte prüfen"})
    koord = scenario.client("koordination")
    koord.post(status_url, {"nach": "in_pruefung"})
    bewilligen = reverse("foerderung:antrag-bewilligen", args=[antrag.pk])
    assert scenario.client("kommune").get(bewilligen).status_code == 403
    assert koord.get(bewilligen).status_code == 200
    response = koord.post(
        bewilligen, {"betrag": "9000.00", "bescheid_datum": "2020-02-10", "bescheid_nummer": "RKN-F1-1"}
    )
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert (antrag.status, antrag.bewilligt_betrag) == (AntragStatus.BEWILLIGT, D("9000.00"))
    detail = koord.get(antrag.get_absolute_url()).content.decode()
    assert "bitte prüfen" in detail and "RKN-F1-1" in detail


def test_kommune_cannot_start_review(scenario, antrag):
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=AntragStatus.EINGEREICHT)
    response = scenario.client("kommune").post(
        reverse("foerderung:antrag-status", args=[antrag.pk]), {"nach": "in_pruefung"}
    )
    assert response.status_code == 403
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.EINGEREICHT


def test_invalid_transition_via_page_shows_german_message(scenario, antrag):
    client = scenario.client("koordination")
    response = client.post(
        reverse("foerderung:antrag-status", args=[antrag.pk]), {"nach": "abgeschlossen"}, follow=True
    )
    assert "kann nicht in den Status „abgeschlossen“ wechseln" in response.content.decode()
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.ENTWURF


def test_drawdown_above_rest_is_refused_on_page(scenario, f1, budget_a):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    client = scenario.client("koordination")
    url = reverse("foerderung:antrag-mittelabruf", args=[antrag.pk])
    response = client.post(url, {"datum": "2020-05-01", "betrag": "10000.01"}, follow=True)
    assert "übersteigt die noch verfügbaren bewilligten Mittel" in response.content.decode()
    assert not Mittelabruf.objects.exists()
    client.post(url, {"datum": "2020-05-01", "betrag": "2500.00"})
    assert Mittelabruf.objects.get().betrag == D("2500.00")
    assert (
        scenario.client("auswertung").post(url, {"datum": "2020-05-01", "betrag": "1.00"}).status_code == 403
    )
    assert Mittelabruf.objects.count() == 1


def test_only_land_edits_programme(scenario, programm):
    url = reverse("foerderung:programm-update", args=[programm.pk])
    assert scenario.client("koordination").get(url).status_code == 403
    assert scenario.client("kommune").post(url, {"name": "x"}).status_code == 403
    assert scenario.client("land").get(url).status_code == 200
    response = scenario.client("land").post(
        url,
        {
            "name": programm.name,
            "ministerien": "MAGS, MKFFI",
            "gesamtvolumen": "50000000.00",
            "laufzeit_beginn": "2019-10-01",
            "laufzeit_ende": "2023-06-30",
            "beschreibung": "verlängert",
        },
    )
    assert response.status_code == 302
    assert Foerderprogramm.objects.get().laufzeit_ende == datetime.date(2023, 6, 30)


def test_everyone_signed_in_reads_programme(role_client, role, programm):
    response = role_client.get(programm.get_absolute_url())
    assert response.status_code == (302 if role == "anonym" else 200)


def test_land_computes_distribution_and_koordination_may_not(scenario, programm):
    verteilung = VerteilungFactory(programm=programm, gesamtbetrag=D("100.00"))
    Verteilungsanteil.objects.create(verteilung=verteilung, buendnis=scenario.a, indikatorwert=1)
    Verteilungsanteil.objects.create(verteilung=verteilung, buendnis=scenario.b, indikatorwert=2)
    url = reverse("foerderung:verteilung-berechnen", args=[verteilung.pk])
    assert scenario.client("koordination").post(url).status_code == 403
    assert not Verteilungsanteil.objects.filter(betrag__isnull=False).exists()
    scenario.client("land").post(url)
    betraege = dict(Verteilungsanteil.objects.values_list("buendnis__name", "betrag"))
    assert betraege == {"Rhein-Kreis Test": D("33.33"), "Stadt Anderswo": D("66.67")}
    detail = scenario.client("koordination").get(verteilung.get_absolute_url()).content.decode()
    assert "stimmt mit der Neuberechnung überein" in detail
    Verteilung.objects.filter(pk=verteilung.pk).update(gesamtbetrag=D("101.00"))
    detail = scenario.client("land").get(verteilung.get_absolute_url()).content.decode()
    assert "weichen von der Neuberechnung ab" in detail


def test_antrag_list_query_count_does_not_grow(scenario, f1, django_assert_max_num_queries):
    client = scenario.client("koordination")
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)
    with django_assert_max_num_queries(14) as ctx:
        client.get(reverse("foerderung:antrag-list"))
    wenige = len(ctx.captured_queries)
    for i in range(20):
        k = Kommune.objects.create(buendnis=scenario.a, name=f"K{i}")
        FoerderantragFactory(
            buendnis=scenario.a, kommune=k, baustein=f1, antragsteller_akteur=scenario.akteur_a
        )
    with django_assert_max_num_queries(wenige):
        response = client.get(reverse("foerderung:antrag-list"))
    assert response.status_code == 200


def test_teilhabe_list_and_cross_buendnis(scenario, role_client, role):
    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    fremd = TeilhabeStelleFactory(buendnis=scenario.b, kommune=scenario.b1)
    response = role_client.get(reverse("foerderung:teilhabe-list"))
    assert response.status_code == _erwartet(role, LESEND)
    if response.status_code == 200:
        text = response.content.decode()
        assert stelle.bezeichnung in text
        assert (fremd.bezeichnung in text) == (role in ("land", "admin"))


def test_kommune_reports_caseload_for_own_position_only(scenario):
    eigene = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    fremde = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a2)
    client = scenario.client("kommune")
    daten = {"jahr": "2020", "quartal": "1", "beratene_personen": "25", "neue_faelle": "5"}
    client.post(reverse("foerderung:teilhabe-fallzahl", args=[eigene.pk]), daten)
    assert eigene.fallzahlen.get().beratene_personen == 25
    assert client.post(reverse("foerderung:teilhabe-fallzahl", args=[fremde.pk]), daten).status_code == 403
    assert not fremde.fallzahlen.exists()


def test_dashboard_panel_for_every_role(role_client, role, antrag):
    response = role_client.get("/")
    if role == "anonym":
        # The public start page: no panel of the staff dashboard.
        assert "Fördermittel nach Förderbaustein" not in response.content.decode()
        return
    assert response.status_code == 200
    assert ("Fördermittel nach Förderbaustein" in response.content.decode()) == (role != "mitglied")


def test_dashboard_panel_query_count_is_fixed(scenario, f1, budget_a, rf, django_assert_num_queries):
    from foerderung.templatetags.foerderung_tags import foerderung_dashboard

    # A Kommune's panel holds its own figures: no earmark for it here, so nothing allocated.
    for rolle, erwartet, zugewiesen in (("koordination", 8, D("100000.00")), ("kommune", 8, D("0.00"))):
        request = rf.get("/")
        request.user = scenario.users[rolle]
        FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
        with django_assert_num_queries(erwartet):
            foerderung_dashboard({"request": request})
        for i in range(10):
            k = Kommune.objects.create(buendnis=scenario.a, name=f"{rolle}{i}")
            antrag = FoerderantragFactory(buendnis=scenario.a, kommune=k, baustein=f1, bewilligt=True)
            FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)
            Mittelabruf.objects.create(
                antrag=antrag,
                betrag=D("1.00"),
                datum=datetime.date(2020, 5, 1),
                erfasst_von=scenario.users[rolle],
            )
        with django_assert_num_queries(erwartet):
            daten = foerderung_dashboard({"request": request})
        assert daten["summe"].zugewiesen == zugewiesen


def test_land_creates_distribution_on_page(scenario, programm, f1):
    client = scenario.client("land")
    response = client.post(
        reverse("foerderung:verteilung-create"),
        {
            "programm": programm.pk,
            "baustein": f1.pk,
            "name": "Coaching 2021",
            "jahr": "2021",
            "gesamtbetrag": "4000000.00",
            "sockelbetrag": "20000.00",
            "indikator": "FlüAG-Schlüssel",
        },
    )
    assert response.status_code == 302
    assert Verteilung.objects.get().sockelbetrag == D("20000.00")
    assert scenario.client("koordination").get(reverse("foerderung:verteilung-create")).status_code == 403


def test_land_updates_baustein_rules(scenario, f1):
    url = reverse("foerderung:baustein-update", args=[f1.pk])
    assert scenario.client("koordination").get(url).status_code == 403
    response = scenario.client("land").post(
        url,
        {
            "titel": "Coaching",
            "foerderart": "pauschale_einheit",
            "pauschalbetrag": "",
            "eigenanteil_prozent": "20",
            "richtlinie_status": "erlassen",
        },
    )
    assert response.status_code == 200
    assert "fehlt der Betrag" in response.content.decode()
    f1.refresh_from_db()
    assert f1.foerderart == "budget"


def test_filter_choices_do_not_show_kommunen_of_other_buendnisse(scenario, f1):
    for url in (reverse("foerderung:teilhabe-list"), reverse("foerderung:antrag-list")):
        text = scenario.client("koordination").get(url).content.decode()
        assert "Aheim" in text
        assert "Bheim" not in text


def test_projektidee_moves_idee_antrag_gefoerdert_and_refuses_jumps(scenario):
    from foerderung.models import IdeeStatus, Projektidee

    from .factories import ProjektideeFactory

    idee = ProjektideeFactory(buendnis=scenario.a)
    url = reverse("foerderung:idee-status", args=[idee.pk])
    assert scenario.client("kommune").post(url, {"status": "antrag"}).status_code == 403
    assert scenario.client("koordination_b").post(url, {"status": "antrag"}).status_code == 404
    koord = scenario.client("koordination")
    antwort = koord.post(url, {"status": "gefoerdert"}, follow=True)
    assert "„Idee“ kann nicht in den Status „gefördert“ wechseln" in antwort.content.decode()
    koord.post(url, {"status": "antrag"})
    koord.post(url, {"status": "gefoerdert"})
    assert Projektidee.objects.get().status == IdeeStatus.GEFOERDERT


def test_kommune_may_propose_idea_but_not_create_teilhabe_position(scenario):
    client = scenario.client("kommune")
    assert client.get(reverse("foerderung:teilhabe-create")).status_code == 403
    response = client.post(
        reverse("foerderung:idee-create"),
        {"titel": "Mentoring", "skizze": "Idee", "einreicher": "Stadt Aheim"},
    )
    assert response.status_code == 302


def test_teilhabe_detail_of_other_buendnis_is_404(scenario):
    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    assert scenario.client("koordination_b").get(stelle.get_absolute_url()).status_code == 404
    assert scenario.client("kommune_b1").get(stelle.get_absolute_url()).status_code == 404
    assert scenario.client("land").get(stelle.get_absolute_url()).status_code == 200


def test_antrag_list_counts_all_matching_rows_not_the_page(scenario, f1):
    for _ in range(27):
        FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a2, baustein=f1)
    client = scenario.client("koordination")
    text = client.get(reverse("foerderung:antrag-list")).content.decode()
    assert "28 Anträge" in text  # 25 on this page, 28 in all
    assert "Seite 1 von 2" in text
    seite2 = client.get(reverse("foerderung:antrag-list") + "?page=2").content.decode()
    assert "28 Anträge" in seite2
    gefiltert = client.get(reverse("foerderung:antrag-list") + f"?kommune={scenario.a2.pk}")
    assert "1 Antrag ·" in gefiltert.content.decode()


def _listensummen(client, query: str) -> str:
    import re

    text = client.get(reverse("foerderung:antrag-list") + query).content.decode()
    treffer = re.search(
        r"(?:Antrag|Anträge) · beantragt ([^·]+) · bewilligt ([^·]+) · abgerufen ([^<]+)</p>", text
    )
    return tuple(wert.strip() for wert in treffer.groups())


def test_drill_down_from_overview_shows_the_same_figures(scenario, haushalt, f1, f6):
    # Overview (hand-computed in test_selectors): f1 requested 42,345.67, approved 25,000.00, drawn 12,500.50.
    client = scenario.client("koordination")
    assert _listensummen(client, f"?baustein={f1.pk}&haushaltsjahr=2020") == (
        "42.345,67 €",
        "25.000,00 €",
        "12.500,50 €",
    )
    assert _listensummen(client, "?kreisweit=true&haushaltsjahr=2020") == (
        "20.000,00 €",
        "20.000,00 €",
        "5.000,00 €",
    )
    # The state drills down into one Bündnis; the overview link carries it.
    land = scenario.client("land")
    uebersicht = land.get(reverse("foerderung:uebersicht") + f"?jahr=2020&buendnis={scenario.b.pk}")
    link = f"?baustein={f1.pk}&amp;haushaltsjahr=2020&amp;buendnis={scenario.b.pk}"
    assert link in uebersicht.content.decode()
    assert _listensummen(land, link.replace("&amp;", "&")) == (
        "11.111,11 €",
        "11.111,11 €",
        "0,01 €",
    )


def test_buendnis_filter_only_for_who_sees_all_buendnisse(scenario, f1):
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel="A-Antrag")
    FoerderantragFactory(buendnis=scenario.b, kommune=scenario.b1, baustein=f1, titel="B-Antrag")
    url = reverse("foerderung:antrag-list") + f"?buendnis={scenario.b.pk}"
    text = scenario.client("land").get(url).content.decode()
    assert "B-Antrag" in text and "A-Antrag" not in text
    koord = scenario.client("koordination").get(url).content.decode()
    assert 'name="buendnis"' not in koord
    assert "A-Antrag" in koord and "B-Antrag" not in koord


def test_teilhabe_position_cannot_be_funded_by_another_kommunes_application(scenario, f6):
    fremd = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a2, baustein=f6, titel="TM Adorf")
    kreisweit = FoerderantragFactory(
        buendnis=scenario.a, kommune=None, antragsteller_akteur=scenario.akteur_a, baustein=f6
    )
    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    # Teilhabemanagement only in Kommunen that joined "Gemeinsam klappt's" (test_teilnahme.py).
    from foerderung.models import KommuneTeilnahme

    KommuneTeilnahme.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, beigetreten_am=datetime.date(2019, 6, 27)
    )
    url = reverse("foerderung:teilhabe-update", args=[stelle.pk])
    daten = {
        "kommune": scenario.a1.pk,
        "bezeichnung": stelle.bezeichnung,
        "vze": "1.00",
        "arbeitgeber": "Stadt Aheim",
        "foerderquote_prozent": "80",
    }
    client = scenario.client("kommune")
    response = client.post(url, {**daten, "antrag": fremd.pk})
    assert response.status_code == 200
    assert "gilt nicht für die Kommune Aheim" in response.content.decode()
    stelle.refresh_from_db()
    assert stelle.antrag is None
    assert client.post(url, {**daten, "antrag": kreisweit.pk}).status_code == 302
    stelle.refresh_from_db()
    assert stelle.antrag == kreisweit
    # Named as a further Kommune of the application, the position may draw on it.
    fremd.weitere_kommunen.add(scenario.a1)
    assert client.post(url, {**daten, "antrag": fremd.pk}).status_code == 302


BOESE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_text_is_shown_escaped_everywhere(scenario, f1, regeln_f1, budget_a):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, titel=BOESE)
    kommune, koord = scenario.client("kommune"), scenario.client("koordination")
    status_url = reverse("foerderung:antrag-status", args=[antrag.pk])
    kommune.post(status_url, {"nach": "eingereicht", "kommentar": BOESE})
    koord.post(status_url, {"nach": "in_pruefung", "kommentar": BOESE})
    koord.post(reverse("foerderung:antrag-ablehnen", args=[antrag.pk]), {"grund": BOESE})
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.ABGELEHNT and antrag.ablehnungsgrund == BOESE
    # A stale edit quotes the changed title back in its message.
    Foerderantrag.objects.filter(pk=antrag.pk).update(status=AntragStatus.ENTWURF)
    url = reverse("foerderung:antrag-update", args=[antrag.pk])
    kommune.post(url, _formdaten(f1, titel=BOESE + "2", version=str(antrag.version)))
    veraltet = koord.post(url, _formdaten(f1, titel="x", kommune=scenario.a1.pk, version=str(antrag.version)))
    assert veraltet.status_code == 400
    seiten = [
        koord.get(antrag.get_absolute_url()),
        koord.get(reverse("foerderung:antrag-list")),
        koord.get("/"),
        veraltet,
    ]
    for seite in seiten:
        text = seite.content.decode()
        assert "<script>alert(" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(" in seiten[0].content.decode()
    assert "&lt;script&gt;alert(" in veraltet.content.decode()


def _verteilung_formdaten(verteilung, **extra):
    daten = {
        "programm": verteilung.programm_id,
        "baustein": verteilung.baustein_id or "",
        "name": verteilung.name,
        "jahr": verteilung.jahr or "",
        "gesamtbetrag": str(verteilung.gesamtbetrag),
        "sockelbetrag": str(verteilung.sockelbetrag),
        "indikator": verteilung.indikator,
    }
    daten.update(extra)
    return daten


def test_changing_a_distributions_total_or_base_clears_its_result_until_recomputed(scenario, programm, f1):
    from foerderung import services
    from foerderung.models import Budget

    land = scenario.users["land"]
    verteilung = VerteilungFactory(programm=programm, baustein=f1, gesamtbetrag=D("1000.00"), jahr=2020)
    services.verteilung_indikator_setzen(
        verteilung=verteilung, buendnis=scenario.a, indikatorwert=D(1), by=land
    )
    services.verteilung_indikator_setzen(
        verteilung=verteilung, buendnis=scenario.b, indikatorwert=D(1), sockel=D("50.00"), by=land
    )
    services.verteilung_berechnen(verteilung=verteilung, by=land)
    client = scenario.client("land")
    url = reverse("foerderung:verteilung-update", args=[verteilung.pk])
    response = client.post(url, _verteilung_formdaten(verteilung, sockelbetrag="100.00"))
    assert response.status_code == 302
    anteile = {a.buendnis: a for a in Verteilungsanteil.objects.all()}
    # The default base amount replaces the old default; the individually imported 50.00 stays.
    assert (anteile[scenario.a].sockel, anteile[scenario.b].sockel) == (D("100.00"), D("50.00"))
    assert all(a.betrag is None for a in anteile.values())
    assert "noch nicht berechnet" in client.get(verteilung.get_absolute_url()).content.decode()
    antwort = client.post(
        reverse("foerderung:verteilung-uebernehmen", args=[verteilung.pk]), {"jahr": "2020"}, follow=True
    )
    assert "Die Verteilung ist noch nicht berechnet." in antwort.content.decode()
    assert not Budget.objects.exists()
    client.post(reverse("foerderung:verteilung-berechnen", args=[verteilung.pk]))
    betraege = dict(Verteilungsanteil.objects.values_list("buendnis__name", "betrag"))
    assert betraege == {"Rhein-Kreis Test": D("525.00"), "Stadt Anderswo": D("475.00")}
    # A change of the title alone keeps the result.
    client.post(url, _verteilung_formdaten(verteilung, name="umbenannt", sockelbetrag="100.00"))
    assert not Verteilungsanteil.objects.filter(betrag=None).exists()
    assert scenario.client("koordination").post(url, _verteilung_formdaten(verteilung)).status_code == 403


def test_drawdown_before_the_bescheid_is_refused(scenario, f1, budget_a):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    url = reverse("foerderung:antrag-mittelabruf", args=[antrag.pk])
    antwort = scenario.client("koordination").post(
        url, {"datum": "2020-01-31", "betrag": "10.00"}, follow=True
    )
    assert "nicht vor dem Bescheid vom 01.02.2020" in antwort.content.decode()
    assert not Mittelabruf.objects.exists()


@pytest.mark.parametrize("status", [AntragStatus.ENTWURF, AntragStatus.EINGEREICHT, AntragStatus.BEWILLIGT])
def test_approval_page_outside_review_explains_and_changes_nothing(scenario, f1, budget_a, status):
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, status=status)
    url = reverse("foerderung:antrag-bewilligen", args=[antrag.pk])
    client = scenario.client("koordination")
    antwort = client.get(url, follow=True)
    assert antwort.redirect_chain == [(antrag.get_absolute_url(), 302)]
    assert f"„{antrag.get_status_display()}“ kann nicht in den Status „bewilligt“" in antwort.content.decode()
    client.post(url, {"betrag": "1.00", "bescheid_datum": "2020-02-01", "bescheid_nummer": "X"})
    antrag.refresh_from_db()
    assert antrag.status == status and antrag.bescheid_nummer != "X"


def test_list_totals_cover_exactly_the_listed_rows(scenario, f1):
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, eingereicht=True)
    TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1, vze=D("0.75"))
    client = scenario.client("koordination")
    # An invalid filter value lists nothing, so the totals are nothing too.
    assert _listensummen(client, "?baustein=abc") == ("0,00 €", "0,00 €", "0,00 €")
    assert _listensummen(client, "")[0] == "10.000,00 €"
    teilhabe = client.get(reverse("foerderung:teilhabe-list") + "?kommune=abc").content.decode()
    assert "0 VZÄ insgesamt" in teilhabe
    assert "0,75 VZÄ insgesamt" in client.get(reverse("foerderung:teilhabe-list")).content.decode()
