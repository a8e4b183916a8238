"""Sessions end after 30 minutes without a request and 12 hours after sign-in at the latest."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from buendnis.middleware import AUTH_STARTED_SESSION_KEY, SESSION_ERNEUERT_KEY


def login(client, username="koord"):
    response = client.post("/anmelden/", {"username": username, "password": "test-passwort-123"})
    assert response.status_code == 302
    return response


def test_session_settings_are_30_minutes_idle_and_12_hours_absolute():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_ERNEUERN_SEKUNDEN == 60
    assert settings.MIDDLEWARE.index("buendnis.middleware.SessionLeerlaufMiddleware") == (
        settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    )
    assert settings.SESSION_MAX_AGE_ABSOLUTE == 12 * 60 * 60
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert "buendnis.middleware.SessionAbsoluteTimeoutMiddleware" in settings.MIDDLEWARE


def test_session_cookie_is_httponly_samesite_lax_and_renewed_at_most_once_a_minute(scenario, client):
    response = login(client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 30 * 60
    key = cookie.value
    # Within the minute after the last renewal a page view writes nothing and sends no new cookie.
    ablauf = Session.objects.get(session_key=key).expire_date
    response = client.get("/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(session_key=key).expire_date == ablauf
    # A minute later the next request pushes the idle limit 30 minutes further (cookie and stored expiry).
    session = client.session
    session[SESSION_ERNEUERT_KEY] = int(time.time()) - 61
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    response = client.get("/")
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 30 * 60
    neu = Session.objects.get(session_key=key).expire_date
    assert neu > timezone.now() + timedelta(minutes=29)


def test_page_view_without_renewal_runs_no_session_write(scenario, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/aufgaben/").status_code == 200
    schreibend = [
        q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert schreibend == []


def test_session_idle_for_more_than_30_minutes_has_ended(scenario, client):
    login(client)
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # 31 minutes without a request: the stored expiry lies in the past.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get("/aufgaben/")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


def test_active_session_is_ended_12_hours_after_sign_in(scenario, client):
    login(client)
    user = scenario.users["koordination"]
    session = client.session
    session[AUTH_STARTED_SESSION_KEY] = [user.pk, int(time.time()) - 12 * 3600 - 5]
    session.save()
    response = client.get("/aufgaben/")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/?next=%2Faufgaben%2F&grund=abgelaufen")
    # Signed out for good: the next request is anonymous too.
    assert client.get("/aufgaben/").status_code == 302
    # The root is the public start page for a visitor, no longer the dashboard.
    assert "Abmelden" not in client.get("/").content.decode()
    page = client.get(response["Location"])
    assert "Ihre Sitzung ist abgelaufen" in page.content.decode()


def test_session_younger_than_12_hours_stays(scenario, client):
    login(client)
    user = scenario.users["koordination"]
    session = client.session
    session[AUTH_STARTED_SESSION_KEY] = [user.pk, int(time.time()) - 11 * 3600 - 59 * 60]
    session.save()
    assert client.get("/").status_code == 200


def test_sign_in_starts_the_12_hour_clock(scenario, client):
    before = int(time.time())
    login(client)
    client.get("/")
    user_pk, started = client.session[AUTH_STARTED_SESSION_KEY]
    assert user_pk == scenario.users["koordination"].pk
    assert started >= before


def test_the_clock_starts_at_sign_in_itself(scenario, client):
    before = int(time.time())
    login(client)
    # Set by the sign-in (user_logged_in), before any further request.
    user_pk, started = client.session[AUTH_STARTED_SESSION_KEY]
    assert user_pk == scenario.users["koordination"].pk
    assert before <= started <= int(time.time())
