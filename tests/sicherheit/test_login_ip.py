"""Login throttling per IP address across user names (issue 12), on top of the lock of user name and IP.

AXES_IP_FAILURE_LIMIT failures from one address within the cool-off window, over any user names, lock every login
from that address (HTTP 429, the same German page); other addresses sign in as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.sicherheit.test_login_throttling import GESPERRT, PASSWORT, anmelden

ANGREIFER = "203.0.113.66"


@pytest.fixture
def ip_limit(settings):
    settings.AXES_IP_FAILURE_LIMIT = 12
    return 12


def streuen(client, anzahl: int) -> list[int]:
    """`anzahl` failed logins, each with another (mostly unknown) user name, at most 4 per name."""
    return [anmelden(client, f"name{n // 3}", "falsch").status_code for n in range(anzahl)]


def test_default_limit_is_configured():
    from django.conf import settings

    assert settings.AXES_IP_FAILURE_LIMIT == 30
    assert settings.AXES_FAILURE_LIMIT < settings.AXES_IP_FAILURE_LIMIT


def test_many_user_names_from_one_ip_get_locked_out(scenario, ip_limit):
    client = Client(REMOTE_ADDR=ANGREIFER)
    codes = streuen(client, ip_limit)
    # No single pair reaches the per-user limit, but the address reaches its cap with the last failure.
    assert codes[:-1] == [200] * (ip_limit - 1)
    assert codes[-1] == 429
    # Now even a real user with the right password is refused from this address, with the German page.
    antwort = anmelden(client, "koord")
    assert antwort.status_code == 429
    assert GESPERRT in antwort.content.decode()
    assert "_auth_user_id" not in client.session
    assert anmelden(client, "neuer-name", "falsch").status_code == 429


def test_another_ip_is_not_locked(scenario, ip_limit):
    streuen(Client(REMOTE_ADDR=ANGREIFER), ip_limit)
    assert anmelden(Client(REMOTE_ADDR=ANGREIFER), "koord").status_code == 429
    andere = Client(REMOTE_ADDR="198.51.100.23")
    assert anmelden(andere, "koord").status_code == 302
    assert anmelden(Client(REMOTE_ADDR="198.51.100.24"), "mitglied", "falsch").status_code == 200


def test_below_the_ip_cap_other_users_from_the_same_ip_still_sign_in(scenario, ip_limit):
    client = Client(REMOTE_ADDR=ANGREIFER)
    assert set(streuen(client, ip_limit - 1)) == {200}
    assert anmelden(client, "koord").status_code == 302


def test_ip_lock_ends_after_the_cool_off_window(scenario, ip_limit):
    client = Client(REMOTE_ADDR=ANGREIFER)
    streuen(client, ip_limit)
    assert anmelden(client, "koord").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert anmelden(client, "koord").status_code == 302


def test_axes_reset_ip_unlocks_the_address(scenario, ip_limit):
    client = Client(REMOTE_ADDR=ANGREIFER)
    streuen(client, ip_limit)
    call_command("axes_reset_ip", ANGREIFER, verbosity=0)
    assert anmelden(client, "koord").status_code == 302


def test_the_default_cap_of_30_locks_an_address(scenario):
    client = Client(REMOTE_ADDR=ANGREIFER)
    codes = [anmelden(client, f"user{n}", "falsch").status_code for n in range(30)]
    assert codes[:29] == [200] * 29 and codes[29] == 429
    assert anmelden(client, "koord", PASSWORT).status_code == 429


def test_no_cap_when_the_setting_is_off(scenario, settings):
    settings.AXES_IP_FAILURE_LIMIT = None
    client = Client(REMOTE_ADDR=ANGREIFER)
    assert set(streuen(client, 40)) == {200}
    assert anmelden(client, "koord").status_code == 302
