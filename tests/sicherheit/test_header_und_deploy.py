"""Production settings, security headers and the Content-Security-Policy."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)


def run_with_production_settings(args, **extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DATABASE_URL": "sqlite:///:memory:"})
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


SECRET = "".join(
    secrets.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%+-") for _ in range(60)
)


def test_check_deploy_reports_nothing():
    result = run_with_production_settings(
        ["manage.py", "check", "--deploy"], DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="example.org"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("env", "meldung"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.org"}, "DJANGO_SECRET_KEY muss gesetzt sein"),
        (
            {"DJANGO_ALLOWED_HOSTS": "example.org", "DJANGO_SECRET_KEY": "kurz"},
            "DJANGO_SECRET_KEY muss gesetzt sein",
        ),
        ({"DJANGO_SECRET_KEY": SECRET}, "DJANGO_ALLOWED_HOSTS muss gesetzt sein"),
        ({"DJANGO_SECRET_KEY": SECRET, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS muss gesetzt sein"),
        pytest.param(
            {"DJANGO_SECRET_KEY": SECRET, "DJANGO_ALLOWED_HOSTS": " , "},
            "DJANGO_ALLOWED_HOSTS muss gesetzt sein",
            id="blank-hosts",
        ),
    ],
)
def test_production_refuses_to_start_without_secret_key_or_allowed_hosts(env, meldung):
    result = run_with_production_settings(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert meldung in result.stderr


def test_production_cookies_are_secure_httponly_lax_and_hsts_is_on():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ['DEBUG', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE',"
        " 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', 'LANGUAGE_COOKIE_SECURE', 'SECURE_SSL_REDIRECT',"
        " 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_AGE']}))"
    )
    result = run_with_production_settings(
        ["-c", script], DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="example.org"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_AGE": 1800,
    }


@pytest.mark.parametrize("url", ["/anmelden/", "/", "/katalog/"])
def test_every_page_sends_a_strict_content_security_policy(scenario, url):
    response = scenario.client("koordination").get(url, follow=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


def test_secure_headers_are_sent(scenario):
    response = scenario.client("koordination").get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_healthz_answers_the_balancer_even_with_an_unknown_host(db):
    client = Client(HTTP_HOST="10.1.2.3")
    assert client.get("/healthz").status_code == 200
    # Every other page still validates the host.
    assert client.get("/anmelden/").status_code == 400


def test_password_validators_refuse_weak_passwords(scenario):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = scenario.users["koordination"]
    user.last_name = "Koordinatorin"
    for weak in ["kurz", "1234567890123", "password123", "qwertzuiop", "Koordinatorin1"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("Streuobstwiese-Neuss-2026", user)
