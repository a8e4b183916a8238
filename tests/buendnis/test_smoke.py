import pytest


@pytest.mark.django_db
def test_healthz_answers_200_when_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_dashboard_for_every_role(role_client, role):
    response = role_client.get("/")
    if role == "anonym":
        # A visitor gets the public start page at the same address, and the sign-in from there.
        assert response.status_code == 200
        body = response.content.decode()
        assert "Aufgaben der Bündniskerngruppe" not in body
        assert 'href="/anmelden/"' in body
        assert role_client.get("/aufgaben/")["Location"].startswith("/anmelden/")
    else:
        assert response.status_code == 200
        body = response.content.decode()
        if role in ("land", "admin"):
            # The state's dashboard steers all Bündnisse and shows no single Bündnis's work.
            assert "Steuerung aller Bündnisse" in body
            assert "Aufgaben der Bündniskerngruppe" not in body
        else:
            assert "Aufgaben der Bündniskerngruppe" in body


@pytest.mark.parametrize(
    ("role", "sieht_export"),
    [("koordination", True), ("auswertung", True), ("land", True), ("kommune", True), ("mitglied", False)],
)
def test_staff_lists_offer_export_buttons_only_to_roles_that_may_export(scenario, role, sieht_export):
    """Generic lists (Akteure) and the task list link the berichte export of their model for exporting roles."""
    client = scenario.client(role)
    for url, app_model in (("/akteure/", "buendnis/akteur"), ("/aufgaben/", "buendnis/aufgabe")):
        response = client.get(url)
        assert response.status_code == 200
        export_url = f"/berichte/exporte/{app_model}/?format=xlsx"
        assert (export_url in response.content.decode()) is sieht_export, (url, role)


def test_favicon_is_served_from_static(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


@pytest.mark.parametrize("seite", ["99", "abc"])
def test_page_past_the_end_shows_the_last_page(scenario, seite):
    """An old link (?page=99 after rows were removed) or a broken one still shows a list, not a 404."""
    from tests.factories import AkteurFactory

    AkteurFactory.create_batch(30, buendnis=scenario.a)
    response = scenario.client("koordination").get(f"/akteure/?page={seite}")
    assert response.status_code == 200
    seite_obj = response.context["page_obj"]
    assert seite_obj.number == seite_obj.paginator.num_pages == 2
