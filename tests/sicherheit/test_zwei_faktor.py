"""Optional second factor (TOTP) for koordination, land and superusers; tokens computed as the app would."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORT = "test-passwort-123"
SETUP = "/konto/zwei-faktor/"
VERIFY = "/konto/zwei-faktor/bestaetigen/"


def code(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def anmelden(username: str) -> Client:
    client = Client()
    response = client.post("/anmelden/", {"username": username, "password": PASSWORT})
    assert response.status_code == 302
    return client


def geraet_fuer(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=True)


@pytest.mark.parametrize("role", ["koordination", "land", "admin"])
def test_setup_page_shows_secret_and_otpauth_uri(scenario, role):
    response = scenario.client(role).get(SETUP)
    assert response.status_code == 200
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=scenario.users[role])
    assert not device.confirmed
    assert "otpauth://totp/" in body
    assert "secret=" in body
    assert "Bündnis-Koordination" in body or "B%C3%BCndnis-Koordination" in body


@pytest.mark.parametrize("role", ["kommune", "mitglied", "auswertung"])
def test_other_roles_get_no_second_factor(scenario, role):
    assert scenario.client(role).get(SETUP).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_anonymous_is_sent_to_login(scenario):
    response = Client().get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


def test_setup_with_wrong_code_does_not_switch_on(scenario):
    client = scenario.client("koordination")
    client.get(SETUP)
    device = TOTPDevice.objects.get()
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"token": wrong})
    assert response.status_code == 200
    assert "Der Code ist ungültig oder abgelaufen" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_setup_with_computed_code_switches_on(scenario):
    client = scenario.client("koordination")
    client.get(SETUP)
    device = TOTPDevice.objects.get()
    response = client.post(SETUP, {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # The page now offers switching off, the secret is not shown again.
    page = client.get(SETUP).content.decode()
    assert "eingeschaltet" in page
    assert "otpauth://" not in page


def test_user_with_device_must_enter_code_after_password(scenario):
    device = geraet_fuer(scenario.users["koordination"])
    client = anmelden("koord")
    for url in ("/", "/aufgaben/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
    page = client.get(VERIFY)
    assert page.status_code == 200
    response = client.post(VERIFY, {"token": code(device), "next": "/aufgaben/"})
    assert response.status_code == 302
    assert response["Location"] == "/aufgaben/"
    assert client.get("/aufgaben/").status_code == 200


def test_wrong_code_keeps_the_user_out(scenario):
    device = geraet_fuer(scenario.users["koordination"])
    client = anmelden("koord")
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert "Der Code ist ungültig oder abgelaufen" in response.content.decode()
    assert client.get("/").status_code == 302


def test_used_code_cannot_be_replayed(scenario):
    device = geraet_fuer(scenario.users["koordination"])
    token = code(device)
    first = anmelden("koord")
    assert first.post(VERIFY, {"token": token}).status_code == 302
    second = anmelden("koord")
    assert second.post(VERIFY, {"token": token}).status_code == 200
    assert second.get("/").status_code == 302


def test_wrong_codes_are_throttled(scenario):
    device = geraet_fuer(scenario.users["koordination"])
    client = anmelden("koord")
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    client.post(VERIFY, {"token": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # After five failures the wait is 16 seconds; even the right code is refused meanwhile.
    device.throttling_failure_count = 5
    device.save()
    assert client.post(VERIFY, {"token": code(device)}).status_code == 200
    assert client.get("/").status_code == 302


def test_users_without_device_are_not_forced(scenario):
    client = anmelden("koord")
    assert client.get("/").status_code == 200
    assert client.get(VERIFY).status_code == 302


def test_verify_does_not_redirect_to_other_sites(scenario):
    device = geraet_fuer(scenario.users["koordination"])
    client = anmelden("koord")
    response = client.post(VERIFY, {"token": code(device), "next": "https://boese.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_switching_off_needs_a_current_code(scenario):
    device = geraet_fuer(scenario.users["koordination"])
    client = anmelden("koord")
    client.post(VERIFY, {"token": code(device)})
    response = client.post(SETUP, {"token": "000000" if code(device, 1) != "000000" else "111111"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(SETUP, {"token": code(device, 1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()


def test_logout_is_reachable_before_verification(scenario):
    geraet_fuer(scenario.users["koordination"])
    client = anmelden("koord")
    response = client.post("/abmelden/")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


def test_unverified_user_cannot_write_by_posting_elsewhere(scenario):
    """The second factor guards writes too: a POST to any page before the code redirects and writes nothing."""
    from django.test import Client as _Client

    from buendnis.models import Gremium
    from tests.sicherheit.helpers import snapshot

    geraet_fuer(scenario.users["koordination"])
    # Sign in with a CSRF token, as a browser would.
    client = _Client(enforce_csrf_checks=True)
    token = client.get("/anmelden/").context["csrf_token"]
    response = client.post(
        "/anmelden/", {"username": "koord", "password": PASSWORT, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    token = client.cookies["csrftoken"].value
    before = snapshot()
    for url in ("/gremien/neu/", "/admin/buendnis/gremium/add/", "/konto/zwei-faktor/"):
        response = client.post(
            url,
            {
                "csrfmiddlewaretoken": token,
                "art": "forum",
                "name": "Ohne zweiten Faktor",
                "format": "arbeitsgruppe",
                "status": "vorgeschlagen",
                "token": "123456",
            },
        )
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url
    assert snapshot() == before
    assert not Gremium.objects.filter(name="Ohne zweiten Faktor").exists()


def test_unverified_user_cannot_reach_the_setup_page_to_switch_the_factor_off(scenario):
    geraet_fuer(scenario.users["koordination"])
    client = anmelden("koord")
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


@pytest.mark.parametrize(
    ("role", "sichtbar"),
    [("koordination", True), ("land", True), ("admin", True), ("kommune", False), ("mitglied", False)],
)
def test_navigation_links_the_setup_page_for_the_roles_that_may_use_it(scenario, role, sichtbar):
    page = scenario.client(role).get("/")
    assert page.status_code == 200
    assert (f'href="{SETUP}"' in page.content.decode()) is sichtbar


def test_administrator_can_remove_the_device_of_a_user_who_lost_the_phone(scenario):
    device = geraet_fuer(scenario.users["koordination"])
    admin = scenario.client("admin")
    liste = admin.get("/admin/otp_totp/totpdevice/")
    assert liste.status_code == 200
    response = admin.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()
    # The user signs in with the password alone again.
    assert anmelden("koord").get("/").status_code == 200
