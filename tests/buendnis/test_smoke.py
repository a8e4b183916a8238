import pytest


@pytest.mark.django_db
def test_healthz_answers_200_when_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_dashboard_for_every_role(role_client, role):
    response = role_client.get("/")
    if role == "anonym":
        assert response.status_code == 302
        assert "/anmelden/" in response["Location"]
    else:
        assert response.status_code == 200
        assert "Aufgaben der Bündniskerngruppe".encode() in response.content
