"""Role matrix of the pages: login redirect, 404 out of scope, 403 without the right, success."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from bedarf.models import Bedarfsmeldung, Datenluecke, DatenlueckeStatus, ErhebungStatus
from tests.bedarf.conftest import deliver, figures
from tests.bedarf.factories import DatenlueckeFactory, ErhebungFactory

REPORT_ROLES = {"koordination", "kommune", "auswertung", "land", "admin"}


def _login_redirect(response):
    return response.status_code == 302 and "/anmelden/" in response["Location"]


def test_erhebung_list_per_role(scenario, erhebung, erhebung_b, role_client, role):
    response = role_client.get(reverse("bedarf:erhebung-list"))
    if role == "anonym":
        assert _login_redirect(response)
        return
    assert response.status_code == 200
    assert b"Erhebung 2019" in response.content
    assert (b"Erhebung B" in response.content) == (role in {"land", "admin"})


def test_erhebung_list_query_count_is_fixed(scenario, django_assert_max_num_queries):
    client = scenario.client("koordination")
    ErhebungFactory(buendnis=scenario.a, titel="X0", status=ErhebungStatus.ABGESCHLOSSEN)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as wenig:
        client.get(reverse("bedarf:erhebung-list"))
    for i in range(30):
        ErhebungFactory(buendnis=scenario.a, titel=f"Y{i}", status=ErhebungStatus.ABGESCHLOSSEN)
    with django_assert_max_num_queries(len(wenig.captured_queries)):
        response = client.get(reverse("bedarf:erhebung-list"))
    assert response.context["paginator"].count == 31


def test_erhebung_detail_per_role(scenario, erhebung, role_client, role):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 2})
    response = role_client.get(erhebung.get_absolute_url())
    if role == "anonym":
        assert _login_redirect(response)
        return
    assert response.status_code == 200
    inhalt = response.content.decode()
    assert ("Lieferstand der Kommunen" in inhalt) == (role in {"koordination", "admin"})
    assert ("Angebotslücken" in inhalt) == (role in REPORT_ROLES)


def test_erhebung_of_other_buendnis_is_404(scenario, erhebung_b):
    for role in ("koordination", "kommune", "auswertung"):
        client = scenario.client(role)
        assert client.get(erhebung_b.get_absolute_url()).status_code == 404
        assert client.get(reverse("bedarf:luecken", args=[erhebung_b.pk])).status_code == 404
        assert client.post(reverse("bedarf:erhebung-abschliessen", args=[erhebung_b.pk])).status_code == 404
    erhebung_b.refresh_from_db()
    assert erhebung_b.status == ErhebungStatus.OFFEN


def test_gap_analysis_page_per_role(scenario, erhebung, role_client, role):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 2})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 7})
    response = role_client.get(reverse("bedarf:luecken", args=[erhebung.pk]))
    if role == "anonym":
        assert _login_redirect(response)
    elif role == "mitglied":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        inhalt = response.content.decode()
        assert 'id="bedarf-chart-daten"' in inhalt and "<caption>" in inhalt
        if role != "kommune":
            assert "„*“" in inhalt


def test_export_applies_small_number_protection_and_escapes_formulas(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 2})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 7})
    response = scenario.client("auswertung").get(reverse("bedarf:export", args=[erhebung.pk, "csv"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Aheim;Deutschförderung;*" in text
    assert "Aheim;Deutschförderung;2" not in text
    # The Kommune's own export is protected too: a file leaves the Kommune.
    eigen = scenario.client("kommune").get(reverse("bedarf:export", args=[erhebung.pk, "csv"]))
    assert "Aheim;Deutschförderung;*" in eigen.content.decode("utf-8-sig")
    xlsx = scenario.client("koordination").get(reverse("bedarf:export", args=[erhebung.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        scenario.client("mitglied").get(reverse("bedarf:export", args=[erhebung.pk, "csv"])).status_code
        == 403
    )


def test_kommune_fills_in_grid_on_one_page(scenario, erhebung):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = {"version": 0, "gesamt": 7, "notizen": "", "abgeben": "1"}
    for key, n in figures({"duldung": 7}).items():
        data["w__" + "__".join(key)] = n
    response = client.post(url, data)
    assert response.status_code == 302
    m = Bedarfsmeldung.objects.get()
    assert m.kommune == scenario.a1 and m.status == "abgegeben"


def test_validation_error_keeps_entered_values(scenario, erhebung):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    data = {"version": 0, "gesamt": 8, "notizen": "Hinweis XYZ", "abgeben": "1"}
    for key, n in figures({"duldung": 7}).items():
        data["w__" + "__".join(key)] = n
    response = client.post(url, data)
    assert response.status_code == 200
    inhalt = response.content.decode()
    assert "ergibt 7 Personen, insgesamt sind 8 angegeben" in inhalt
    assert 'value="8"' in inhalt and "Hinweis XYZ" in inhalt
    assert not Bedarfsmeldung.objects.exists()


@pytest.mark.parametrize(
    "role, status",
    [("koordination", 403), ("auswertung", 403), ("mitglied", 403), ("land", 403), ("admin", 403)],
)
def test_nobody_but_the_kommune_sees_the_raw_grid(scenario, erhebung, role, status):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10})
    assert scenario.client(role).get(
        reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    ).status_code in (status, 404)


def test_closed_round_grid_is_read_only_for_kommune(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10})
    erhebung.status = ErhebungStatus.ABGESCHLOSSEN
    erhebung.save()
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    assert "schreibgeschützt" in client.get(url).content.decode()
    data = {"version": 1, "gesamt": 99}
    client.post(url, data)
    assert Bedarfsmeldung.objects.get().gesamt == 10


def test_koordination_closes_round_and_others_get_403(scenario, erhebung):
    url = reverse("bedarf:erhebung-abschliessen", args=[erhebung.pk])
    for role in ("kommune", "mitglied", "auswertung"):
        assert scenario.client(role).post(url).status_code == 403
    erhebung.refresh_from_db()
    assert erhebung.status == ErhebungStatus.OFFEN
    assert scenario.client("anonym").post(url).status_code == 302
    assert scenario.client("koordination").post(url).status_code == 302
    erhebung.refresh_from_db()
    assert erhebung.status == ErhebungStatus.ABGESCHLOSSEN


def test_comparison_page(scenario, erhebung):
    spaeter = ErhebungFactory(buendnis=scenario.a, titel="2021", status=ErhebungStatus.ABGESCHLOSSEN)
    url = reverse("bedarf:vergleich") + f"?a={erhebung.pk}&b={spaeter.pk}"
    assert scenario.client("auswertung").get(url).status_code == 200
    assert scenario.client("mitglied").get(url).status_code == 403
    assert scenario.client("koordination_b").get(url).status_code == 404


def test_member_proposes_datenluecke_and_koordination_decides(scenario):
    client = scenario.client("mitglied")
    response = client.post(
        reverse("bedarf:datenluecke-create"), {"titel": "Aufenthaltsdauer", "beschreibung": ""}
    )
    assert response.status_code == 302
    luecke = Datenluecke.objects.get()
    assert luecke.buendnis == scenario.a and luecke.vorgeschlagen_von == scenario.users["mitglied"]
    url = reverse("bedarf:datenluecke-status", args=[luecke.pk])
    assert client.post(url, {"status": "abgelehnt"}).status_code == 403
    assert scenario.client("koordination_b").post(url, {"status": "abgelehnt"}).status_code == 404
    luecke.refresh_from_db()
    assert luecke.status == DatenlueckeStatus.VORGESCHLAGEN
    scenario.client("koordination").post(url, {"status": "naechste_erhebung", "entscheidung": "ja"})
    luecke.refresh_from_db()
    assert luecke.status == DatenlueckeStatus.NAECHSTE_ERHEBUNG


def test_datenluecke_list_per_role(scenario, role_client, role):
    DatenlueckeFactory(buendnis=scenario.a, titel="Sichtbar A")
    DatenlueckeFactory(buendnis=scenario.b, titel="Nur B")
    response = role_client.get(reverse("bedarf:datenluecke-list"))
    if role == "anonym":
        assert _login_redirect(response)
        return
    assert response.status_code == 200
    assert ("Nur B" in response.content.decode()) == (role in {"land", "admin"})


def test_dashboard_panel_shows_delivery_status(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10})
    inhalt = scenario.client("koordination").get("/").content.decode()
    assert "1 von 2 Kommunen haben abgegeben" in inhalt
    inhalt = scenario.client("kommune_a2").get("/").content.decode()
    assert "noch nicht begonnen" in inhalt


def test_demo_data_is_idempotent(db):
    from django.core.management import call_command

    from bedarf.models import Erhebung, Meldewert

    call_command("demo_data", "--force", stdout=io.StringIO())
    zahlen = (Erhebung.objects.count(), Bedarfsmeldung.objects.count(), Meldewert.objects.count())
    call_command("demo_data", "--force", stdout=io.StringIO())
    assert (Erhebung.objects.count(), Bedarfsmeldung.objects.count(), Meldewert.objects.count()) == zahlen
    assert Erhebung.objects.filter(status="abgeschlossen", stichtag__year=2019).count() == 1
    assert Bedarfsmeldung.objects.filter(erhebung__stichtag__year=2019, status="abgegeben").count() == 8


def test_stale_save_on_entry_page_keeps_values_and_names_the_change(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 5})
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    # Someone else saves version 2 meanwhile.
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 6})
    data = {"version": 1, "gesamt": 5, "notizen": "meine Notiz", "abgeben": "1"}
    for key, n in figures({"duldung": 5}).items():
        data["w__" + "__".join(key)] = n
    response = client.post(url, data)
    assert response.status_code == 200
    inhalt = response.content.decode()
    assert "inzwischen" in inhalt and "Zielgruppe insgesamt: 5 → 6" in inhalt
    assert "meine Notiz" in inhalt and 'name="version" value="2"' in inhalt
    assert Bedarfsmeldung.objects.get().gesamt == 6
    # A deliberate second save on top of version 2 goes through.
    data["version"] = 2
    assert client.post(url, data).status_code == 302
    assert Bedarfsmeldung.objects.get().gesamt == 5


def test_koordination_creates_round_others_cannot(scenario):
    url = reverse("bedarf:erhebung-create")
    daten = {
        "titel": "Erhebung 2022",
        "stichtag": "2022-03-31",
        "eingabe_von": "2022-04-01",
        "eingabe_bis": "2022-05-31",
    }
    for role in ("kommune", "mitglied", "auswertung"):
        assert scenario.client(role).post(url, daten).status_code == 403
    response = scenario.client("koordination").post(url, daten)
    assert response.status_code == 302
    from bedarf.models import Erhebung

    e = Erhebung.objects.get()
    assert e.buendnis == scenario.a and e.status == ErhebungStatus.OFFEN
    # A second open round is refused with a German message, the first stays alone.
    daten["titel"] = "Noch eine"
    response = scenario.client("koordination").post(url, daten)
    assert response.status_code == 200
    assert "bereits eine offene Erhebung" in response.content.decode()
    assert Erhebung.objects.count() == 1


def test_datenluecke_list_query_count_is_fixed(scenario, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = scenario.client("koordination")
    DatenlueckeFactory(
        buendnis=scenario.a, vorgeschlagen_von=scenario.users["mitglied"], akteur=scenario.akteur_a
    )
    with CaptureQueriesContext(connection) as wenig:
        client.get(reverse("bedarf:datenluecke-list"))
    for _i in range(40):
        DatenlueckeFactory(
            buendnis=scenario.a, vorgeschlagen_von=scenario.users["mitglied"], akteur=scenario.akteur_a
        )
    with django_assert_max_num_queries(len(wenig.captured_queries)):
        response = client.get(reverse("bedarf:datenluecke-list"))
    assert response.context["paginator"].count == 41 and len(response.context["object_list"]) == 25


def test_closing_asks_for_confirmation_naming_missing_kommunen(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 5})
    url = reverse("bedarf:erhebung-abschliessen", args=[erhebung.pk])
    response = scenario.client("koordination").get(url)
    assert response.status_code == 200
    inhalt = response.content.decode()
    assert "Adorf" in inhalt and "Aheim" not in inhalt.split("noch keine abgegebene Meldung")[1]
    erhebung.refresh_from_db()
    assert erhebung.status == ErhebungStatus.OFFEN  # a GET changes nothing
    assert scenario.client("kommune").get(url).status_code == 403


@pytest.mark.parametrize(
    "url", ["/admin/bedarf/erhebung/", "/admin/bedarf/datenluecke/", "/admin/bedarf/bedarfskategorie/"]
)
def test_admin_lists_open_for_koordination_and_scoped(scenario, erhebung, erhebung_b, url):
    response = scenario.client("koordination").get(url)
    assert response.status_code == 200
    assert "Erhebung B" not in response.content.decode()


def test_kommune_of_other_buendnis_gets_404_on_grid_by_get_and_post(scenario, erhebung):
    client = scenario.client("kommune_b1")
    url = reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    assert client.get(url).status_code == 404
    data = {"version": 0, "gesamt": 7, "abgeben": "1"}
    for key, n in figures({"duldung": 7}).items():
        data["w__" + "__".join(key)] = n
    assert client.post(url, data).status_code == 404
    assert not Bedarfsmeldung.objects.exists()


def test_anonymous_is_sent_to_login_everywhere(scenario, erhebung):
    client = scenario.client("anonym")
    for name in (
        "meldung-bearbeiten",
        "luecken",
        "meldung-vorlage",
        "meldung-import",
        "erhebung-abschliessen",
    ):
        assert _login_redirect(client.get(reverse(f"bedarf:{name}", args=[erhebung.pk])))
    assert _login_redirect(client.get(reverse("bedarf:export", args=[erhebung.pk, "csv"])))
    assert _login_redirect(client.get(reverse("bedarf:vergleich")))


@pytest.mark.parametrize(
    "feld, wert, text",
    [
        ("w__schulabschluss____keiner____", str(10**20), "bis höchstens 999.999"),
        ("gesamt", "99999999999", "bis höchstens 999.999"),
        ("w__deutsch____a1____", "-4", "ab 0"),
        ("w__deutsch____a1____", "=1+2", "ganze Zahl"),
        ("w__deutsch____a1____", "<script>alert(1)</script>", "ganze Zahl"),
    ],
)
def test_hostile_numbers_on_entry_page_get_a_german_message_and_nothing_is_written(
    scenario, erhebung, feld, wert, text
):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    data = {"version": 0, "gesamt": "", "notizen": "Notiz bleibt", "zwischenspeichern": "1", feld: wert}
    response = client.post(url, data)
    assert response.status_code == 200
    inhalt = response.content.decode()
    assert text in inhalt and "Notiz bleibt" in inhalt
    assert "<script>alert(1)</script>" not in inhalt
    assert not Bedarfsmeldung.objects.exists()


def test_tampered_version_on_entry_page_keeps_values_and_offers_current_version(scenario, erhebung):
    client = scenario.client("kommune")
    url = reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])
    data = {"version": 5, "gesamt": 7, "notizen": "meine Notiz", "abgeben": "1"}
    for key, n in figures({"duldung": 7}).items():
        data["w__" + "__".join(key)] = n
    response = client.post(url, data)
    assert response.status_code == 200
    inhalt = response.content.decode()
    assert "passt nicht zur Meldung" in inhalt and "meine Notiz" in inhalt
    assert 'name="version" value="0"' in inhalt
    assert not Bedarfsmeldung.objects.exists()


@pytest.mark.parametrize(
    "method, name, extra",
    [
        ("get", "erhebung-detail", ""),
        ("get", "erhebung-update", ""),
        ("post", "erhebung-update", ""),
        ("get", "luecken", ""),
        ("get", "luecke-angebote", "deutsch"),
        ("get", "export", "csv"),
        ("post", "erhebung-erinnern", ""),
        ("get", "erhebung-abschliessen", ""),
        ("post", "erhebung-abschliessen", ""),
        ("get", "meldung-bearbeiten", ""),
        ("get", "meldung-vorlage", ""),
        ("get", "meldung-import", ""),
    ],
)
def test_every_round_url_of_another_buendnis_is_404(scenario, erhebung_b, mailoutbox, method, name, extra):
    from bedarf.models import Erhebung

    args = [erhebung_b.pk] + ([extra] if extra else [])
    url = reverse(f"bedarf:{name}", args=args)
    for role in ("koordination", "kommune", "auswertung", "mitglied"):
        response = getattr(scenario.client(role), method)(
            url, {"titel": "Übernommen"} if method == "post" else {}
        )
        assert response.status_code == 404, (role, name)
    e = Erhebung.objects.get(pk=erhebung_b.pk)
    assert (e.titel, e.status, e.letzte_erinnerung) == ("Erhebung B", ErhebungStatus.OFFEN, None)
    assert mailoutbox == []


def test_drill_down_refuses_kommune_of_other_buendnis_and_unknown_codes(scenario, erhebung):
    client = scenario.client("auswertung")
    url = reverse("bedarf:luecke-angebote", args=[erhebung.pk, "deutsch"])
    assert client.get(url).status_code == 200
    assert client.get(url + f"?kommune={scenario.a1.pk}&status=duldung").status_code == 200
    assert client.get(url + f"?kommune={scenario.b1.pk}").status_code == 404
    assert client.get(url + "?status=erfunden").status_code == 404
    assert client.get(reverse("bedarf:luecke-angebote", args=[erhebung.pk, "erfunden"])).status_code == 404
    assert scenario.client("mitglied").get(url).status_code == 403


@pytest.mark.parametrize(
    "role, status",
    [("koordination", 302), ("kommune", 403), ("mitglied", 403), ("auswertung", 403), ("land", 403)],
)
def test_only_koordination_reminds_missing_kommunen(scenario, erhebung, mailoutbox, role, status):
    scenario.users["kommune_a2"].email = "a2@example.org"
    scenario.users["kommune_a2"].save()
    response = scenario.client(role).post(reverse("bedarf:erhebung-erinnern", args=[erhebung.pk]))
    assert response.status_code == status
    erhebung.refresh_from_db()
    if status == 302:
        assert [m.to for m in mailoutbox] == [["a2@example.org"]] and erhebung.letzte_erinnerung
    else:
        assert mailoutbox == [] and erhebung.letzte_erinnerung is None


def test_closed_round_cannot_be_edited_or_reminded(scenario, erhebung, mailoutbox):
    erhebung.status = ErhebungStatus.ABGESCHLOSSEN
    erhebung.save()
    client = scenario.client("koordination")
    response = client.post(
        reverse("bedarf:erhebung-update", args=[erhebung.pk]),
        {"titel": "Neu", "stichtag": "2019-10-31", "eingabe_von": "2019-11-01", "eingabe_bis": "2019-12-15"},
    )
    assert response.status_code == 403
    client.post(reverse("bedarf:erhebung-erinnern", args=[erhebung.pk]))
    erhebung.refresh_from_db()
    assert erhebung.titel == "Erhebung 2019" and erhebung.letzte_erinnerung is None and mailoutbox == []


def test_chart_data_has_null_for_hidden_need_never_the_number(scenario, erhebung):
    import json

    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 2})
    response = scenario.client("auswertung").get(reverse("bedarf:luecken", args=[erhebung.pk]))
    chart = response.context["chart"]
    i = chart["labels"].index("Deutschförderung")
    assert chart["bedarf"][i] is None
    inhalt = response.content.decode()
    daten = json.loads(
        inhalt.split('id="bedarf-chart-daten" type="application/json">')[1].split("</script>")[0]
    )
    assert daten["bedarf"][i] is None and 2 not in [v for v in daten["bedarf"] if v is not None]


def test_land_cannot_compare_rounds_of_different_buendnisse(scenario, erhebung, erhebung_b):
    url = reverse("bedarf:vergleich") + f"?a={erhebung.pk}&b={erhebung_b.pk}"
    response = scenario.client("land").get(url, follow=True)
    assert response.status_code == 200 and response.context["v"] is None
    assert "desselben Bündnisses" in response.content.decode()


def test_export_neutralises_formulas_in_names(scenario, erhebung):
    scenario.a1.name = '=HYPERLINK("http://evil.example","Klick")'
    scenario.a1.save()
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 8})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 7})
    response = scenario.client("auswertung").get(reverse("bedarf:export", args=[erhebung.pk, "csv"]))
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert not any(zelle.startswith("=") for line in text.splitlines() for zelle in line.split(";"))


def test_template_download_name_is_safe_for_any_kommune_name(scenario, erhebung):
    scenario.a1.name = 'Neuss "Süd"; x=1'
    scenario.a1.save()
    response = scenario.client("kommune").get(reverse("bedarf:meldung-vorlage", args=[erhebung.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="meldung-neuss-sud-x1-2019-10-31.xlsx"'


def test_datenluecke_decision_refuses_bad_transition_and_foreign_round(scenario, erhebung_b):
    luecke = DatenlueckeFactory(buendnis=scenario.a, status=DatenlueckeStatus.ABGELEHNT)
    url = reverse("bedarf:datenluecke-status", args=[luecke.pk])
    client = scenario.client("koordination")
    response = client.post(url, {"status": "naechste_erhebung"}, follow=True)
    assert "kann nicht von „abgelehnt“ auf „in nächster Erhebung“ wechseln" in response.content.decode()
    response = client.post(url, {"status": "vorgeschlagen", "erhebung": erhebung_b.pk}, follow=True)
    assert "Diese Erhebung gibt es in Ihrem Bündnis nicht." in response.content.decode()
    response = client.post(url, {"status": "<script>"}, follow=True)
    assert "Bitte wählen Sie einen gültigen Status." in response.content.decode()
    luecke.refresh_from_db()
    assert luecke.status == DatenlueckeStatus.ABGELEHNT and luecke.erhebung is None


def test_demo_rounds_pass_every_consistency_rule(db):
    from django.core.management import call_command

    from bedarf import raster as grid
    from bedarf.models import Erhebung

    call_command("demo_data", "--force", stdout=io.StringIO())
    assert Erhebung.objects.filter(status="offen").count() == 1
    offen = Erhebung.objects.get(status="offen")
    assert offen.stichtag.year > 2019 and offen.meldungen.filter(status="abgegeben").count() >= 5
    for m in Bedarfsmeldung.objects.filter(status="abgegeben").select_related("erhebung"):
        werte = grid.werte_laden(m)
        assert grid.pruefe(grid.raster_fuer(m.erhebung, werte), m.gesamt, werte) == [], m


def test_gap_page_cells_link_to_the_offers_behind_them(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 8})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 7})
    client = scenario.client("auswertung")
    inhalt = client.get(reverse("bedarf:luecken", args=[erhebung.pk])).content.decode()
    basis = reverse("bedarf:luecke-angebote", args=[erhebung.pk, "deutsch"])
    zelle = f"{basis}?kommune={scenario.a1.pk}&amp;status=duldung"
    assert f'href="{basis}"' in inhalt and f'href="{basis}?kommune={scenario.a1.pk}"' in inhalt
    assert f'href="{zelle}"' in inhalt
    assert client.get(zelle.replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize("role", ["koordination", "kommune", "auswertung", "land"])
def test_round_without_any_delivery_renders_every_report(scenario, erhebung, role):
    client = scenario.client(role)
    for url in (
        erhebung.get_absolute_url(),
        reverse("bedarf:luecken", args=[erhebung.pk]),
        reverse("bedarf:export", args=[erhebung.pk, "csv"]),
        reverse("bedarf:vergleich") + f"?a={erhebung.pk}&b={erhebung.pk}",
    ):
        assert client.get(url).status_code == 200, url


def test_drill_down_is_paginated_not_cut_off(scenario, erhebung):
    from tests.bedarf.test_gap import angebot

    for i in range(30):
        angebot(scenario, f"P{i:02d}", "deutsch", 2, {"duldung": "offen"}, [scenario.a1])
    client = scenario.client("auswertung")
    url = reverse("bedarf:luecke-angebote", args=[erhebung.pk, "deutsch"])
    erste = client.get(url)
    assert len(erste.context["angebote"]) == 25 and erste.context["page_obj"].paginator.count == 30
    assert "Seite 1 von 2" in erste.content.decode()
    assert len(client.get(url + "?page=2").context["angebote"]) == 5
    assert client.get(url + "?page=999").status_code == 200
