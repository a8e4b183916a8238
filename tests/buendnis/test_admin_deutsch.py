"""The admin pages of django-axes (sign-in protection) in German: model names, titles, columns, filter, action and
the rows' own names, where axes itself says "access log", "Attempted Access", "Locked Out"."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone

from tests.test_keine_englischen_texte import _Sichtbar, befunde

# What axes' own admin shows where nothing German replaces it.
AXES_ENGLISCH = re.compile(
    r"access (log|attempt|failure)|Attempted Access|Failed access|Locked Out|Attempt Remaining|Clean up expired"
    r"|Not set|Expiration|Zugriffslog|Zugriffsversuch",
    re.IGNORECASE,
)


def _zeile(**felder):
    return {
        "username": "jana",
        "ip_address": "192.0.2.7",
        "user_agent": "Firefox",
        "path_info": "/anmelden/",
        "http_accept": "text/html",
        **felder,
    }


ALT = timezone.make_aware(datetime.datetime(2024, 3, 1, 10, 30))  # 09:30 UTC


def _stempeln(zeile, zeit):
    """Axes stamps a row when it is created; the test sets its own time."""
    type(zeile).objects.filter(pk=zeile.pk).update(attempt_time=zeit)
    zeile.refresh_from_db()
    return zeile


@pytest.fixture
def protokoll(scenario):
    """One row of each axes model: the log rows of 01.03.2024 10:30 Berlin time, the attempt of five minutes ago
    (older ones are past the 15 minutes' cool-off, and axes removes those at every sign-in)."""
    return {
        "accessattempt": _stempeln(
            AccessAttempt.objects.create(**_zeile(), failures_since_start=2, get_data="", post_data=""),
            timezone.now() - datetime.timedelta(minutes=5),
        ),
        "accesslog": _stempeln(AccessLog.objects.create(**_zeile()), ALT),
        "accessfailurelog": _stempeln(AccessFailureLog.objects.create(**_zeile(), locked_out=False), ALT),
    }


def _sichtbar(html: str) -> str:
    seite = _Sichtbar()
    seite.feed(html)
    return "\n".join(seite.texte)


def _h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    "model,mehrzahl,titel",
    [
        ("accesslog", "Anmeldeprotokoll", "Eintrag im Anmeldeprotokoll zur Änderung auswählen"),
        ("accessattempt", "Anmeldeversuche", "Anmeldeversuch zur Änderung auswählen"),
        (
            "accessfailurelog",
            "Fehlgeschlagene Anmeldungen",
            "Fehlgeschlagene Anmeldung zur Änderung auswählen",
        ),
    ],
)
def test_axes_changelists_have_german_titles_and_no_english(scenario, protokoll, model, mehrzahl, titel):
    html = scenario.client("admin").get(reverse(f"admin:axes_{model}_changelist")).content.decode()
    assert _h1(html) == titel
    assert f"› {mehrzahl}" in _sichtbar(html)  # the breadcrumb
    assert AXES_ENGLISCH.findall(_sichtbar(html)) == []
    assert befunde(html) == []


@pytest.mark.parametrize(
    "model,titel",
    [
        ("accesslog", "Anmeldung von jana am 01.03.2024 10:30:00"),
        ("accessattempt", "Anmeldeversuche von jana, zuletzt am {zeit}"),
        (
            "accessfailurelog",
            "Fehlgeschlagene Anmeldung von jana am 01.03.2024 10:30:00 (IP-Adresse 192.0.2.7)",
        ),
    ],
)
def test_axes_rows_are_named_in_german_with_berlin_time(scenario, protokoll, model, titel):
    client = scenario.client("admin")
    zeile = protokoll[model]
    html = client.get(reverse(f"admin:axes_{model}_change", args=[zeile.pk])).content.decode()
    text = _sichtbar(html)
    berlin = timezone.localtime(zeile.attempt_time, ZoneInfo("Europe/Berlin"))
    assert titel.format(zeit=f"{berlin:%d.%m.%Y %H:%M:%S}") in text
    assert AXES_ENGLISCH.findall(text) == []
    assert befunde(html) == []


def test_axes_app_page_lists_the_german_names(scenario, protokoll):
    html = scenario.client("admin").get(reverse("admin:app_list", args=["axes"])).content.decode()
    text = _sichtbar(html)
    for name in ("Anmeldeschutz", "Anmeldeprotokoll", "Anmeldeversuche", "Fehlgeschlagene Anmeldungen"):
        assert name in text
    assert AXES_ENGLISCH.findall(text) == []


def test_attempts_show_what_is_left_before_the_lock_in_german(scenario, protokoll):
    AccessAttempt.objects.create(
        **_zeile(username="gesperrt"), failures_since_start=5, get_data="", post_data=""
    )
    client = scenario.client("admin")
    text = _sichtbar(client.get(reverse("admin:axes_accessattempt_changelist")).content.decode())
    assert "noch 3 Versuche" in text  # limit 5, two failures
    assert "gesperrt" in text.splitlines()  # the locked pair's status cell
    gefiltert = client.get(
        reverse("admin:axes_accessattempt_changelist"), {"locked_out": "yes"}
    ).content.decode()
    assert "gesperrt" in _sichtbar(gefiltert) and "jana" not in _sichtbar(gefiltert)


def test_superuser_removes_expired_attempts_with_a_german_message(scenario, protokoll):
    client = scenario.client("admin")
    _stempeln(
        AccessAttempt.objects.create(
            **_zeile(username="alt"), failures_since_start=1, get_data="", post_data=""
        ),
        ALT,
    )
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "abgelaufene_entfernen", "_selected_action": [protokoll["accessattempt"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 abgelaufener Anmeldeversuch entfernt." in _sichtbar(response.content.decode())
    # The attempt of 01.03.2024 is past the 15 minutes' cool-off; the one of five minutes ago stays.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["jana"]
