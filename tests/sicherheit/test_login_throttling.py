"""Login throttling (django-axes): five failures in 15 minutes lock the pair of username and IP address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

PASSWORT = "test-passwort-123"
GESPERRT = "Zu viele fehlgeschlagene Anmeldeversuche"


def client_from(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def anmelden(client, username, password=PASSWORT):
    return client.post("/anmelden/", {"username": username, "password": password})


def fuenf_fehlversuche(client, username="koord"):
    responses = [anmelden(client, username, "falsch") for _ in range(5)]
    return responses


@pytest.fixture
def gesperrt(scenario):
    client = client_from("203.0.113.7")
    responses = fuenf_fehlversuche(client)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    return client, responses[-1]


def test_four_failures_do_not_lock(scenario):
    client = client_from("203.0.113.7")
    for _ in range(4):
        assert anmelden(client, "koord", "falsch").status_code == 200
    assert anmelden(client, "koord").status_code == 302


def test_fifth_failure_locks_the_pair_with_429_and_german_message(gesperrt):
    client, fifth = gesperrt
    assert fifth.status_code == 429
    assert GESPERRT in fifth.content.decode()
    # Even the right password does not get through now.
    response = anmelden(client, "koord")
    assert response.status_code == 429
    assert GESPERRT in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_username_from_same_ip_still_signs_in(gesperrt):
    client, _ = gesperrt
    assert anmelden(client, "mitglied").status_code == 302


def test_same_username_from_other_ip_still_signs_in(gesperrt):
    assert anmelden(client_from("198.51.100.23"), "koord").status_code == 302


def test_lock_ends_after_15_minutes(gesperrt):
    client, _ = gesperrt
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert anmelden(client, "koord").status_code == 302


def test_axes_reset_command_unlocks(gesperrt):
    client, _ = gesperrt
    call_command("axes_reset", verbosity=0)
    assert anmelden(client, "koord").status_code == 302


def test_axes_reset_username_command_unlocks_only_that_user(scenario):
    client = client_from("203.0.113.7")
    fuenf_fehlversuche(client, "koord")
    fuenf_fehlversuche(client, "mitglied")
    call_command("axes_reset_username", "koord", verbosity=0)
    assert anmelden(client, "koord").status_code == 302
    assert anmelden(client_from("203.0.113.7"), "mitglied").status_code == 429


def test_admin_unlocks_in_the_admin(scenario, gesperrt):
    client, _ = gesperrt
    attempt = AccessAttempt.objects.get(username="koord")
    admin = scenario.client("admin")
    liste = admin.get("/admin/axes/accessattempt/")
    assert liste.status_code == 200
    assert "koord" in liste.content.decode()
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert anmelden(client, "koord").status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxy(scenario):
    # A client cannot dodge the lock by inventing X-Forwarded-For addresses.
    for n in range(5):
        Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").post(
            "/anmelden/", {"username": "koord", "password": "falsch"}
        )
    response = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.99").post(
        "/anmelden/", {"username": "koord", "password": PASSWORT}
    )
    assert response.status_code == 429


def test_behind_trusted_proxy_the_client_address_counts(scenario, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.2"
    for _ in range(5):
        Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="forged, 203.0.113.7").post(
            "/anmelden/", {"username": "koord", "password": "falsch"}
        )
    locked = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert anmelden(locked, "koord").status_code == 429
    # Another office behind the same balancer is not affected.
    other = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert anmelden(other, "koord").status_code == 302
