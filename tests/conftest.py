"""The root scenario every test builds on: two Bündnisse, two Kommunen each, one user per role.

`scenario.a` is the home Bündnis (Kommunen `a1`, `a2`); `scenario.b` is another Bündnis (`b1`, `b2`).
Users: koordination (a), kommune (a1), kommune_a2, mitglied (a), auswertung (a), land, admin (superuser),
and koordination_b (b) for cross-Bündnis checks.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client

from buendnis.choices import Rolle
from tests.factories import AkteurFactory, BuendnisFactory, KommuneFactory, UserFactory

ROLES = ["anonym", "koordination", "kommune", "mitglied", "auswertung", "land", "admin"]


@pytest.fixture
def referenzdaten(transactional_db):
    """Reference rows from data migrations, for transactional tests.

    pytest-django runs transactional tests last; each one ends with a flush that also removes the rows the
    data migrations wrote (Bereiche, Aufenthaltsstatus, Kategorien, Bedarfskategorien), so the next one
    seeds them again. serialized_rollback is no help: after a plain flush the content types carry new ids
    and the serialized copy no longer fits."""
    from importlib import import_module

    from django.apps import apps

    for module in (
        "buendnis.migrations.0002_bereiche",
        "angebote.migrations.0002_stammdaten",
        "bedarf.migrations.0002_bedarfskategorien",
    ):
        import_module(module).seed(apps, None)


@dataclass
class Scenario:
    a: object
    b: object
    a1: object
    a2: object
    b1: object
    b2: object
    akteur_a: object
    akteur_b: object
    users: dict

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonym":
            client.force_login(self.users[role])
        return client


@pytest.fixture
def scenario(db) -> Scenario:
    a = BuendnisFactory(name="Rhein-Kreis Test", kreisschluessel="05162")
    b = BuendnisFactory(name="Stadt Anderswo", kreisschluessel="05111")
    a1 = KommuneFactory(buendnis=a, name="Aheim")
    a2 = KommuneFactory(buendnis=a, name="Adorf")
    b1 = KommuneFactory(buendnis=b, name="Bheim")
    b2 = KommuneFactory(buendnis=b, name="Bdorf")
    akteur_a = AkteurFactory(buendnis=a, name="Caritas A", kommune=None)
    akteur_b = AkteurFactory(buendnis=b, name="Caritas B", kommune=None)
    users = {
        "koordination": UserFactory(username="koord", rolle=Rolle.KOORDINATION, buendnis=a, is_staff=True),
        "kommune": UserFactory(username="kom-a1", rolle=Rolle.KOMMUNE, buendnis=a, kommune=a1),
        "kommune_a2": UserFactory(username="kom-a2", rolle=Rolle.KOMMUNE, buendnis=a, kommune=a2),
        "mitglied": UserFactory(username="mitglied", rolle=Rolle.MITGLIED, buendnis=a, akteur=akteur_a),
        "auswertung": UserFactory(username="auswertung", rolle=Rolle.AUSWERTUNG, buendnis=a),
        "land": UserFactory(username="land", rolle=Rolle.LAND, buendnis=None, is_staff=True),
        "admin": UserFactory(username="admin", rolle="", is_superuser=True, is_staff=True),
        "koordination_b": UserFactory(
            username="koord-b", rolle=Rolle.KOORDINATION, buendnis=b, is_staff=True
        ),
        "kommune_b1": UserFactory(username="kom-b1", rolle=Rolle.KOMMUNE, buendnis=b, kommune=b1),
    }
    return Scenario(a=a, b=b, a1=a1, a2=a2, b1=b1, b2=b2, akteur_a=akteur_a, akteur_b=akteur_b, users=users)


@pytest.fixture(params=ROLES)
def role(request) -> str:
    return request.param


@pytest.fixture
def role_client(scenario, role) -> Client:
    """A client signed in as `role` (parametrised over every role, Integreat style)."""
    return scenario.client(role)


class SmtpPostfach:
    """What a real SMTP server (aiosmtpd, on a free local port) received: parsed `email.message` objects."""

    def __init__(self):
        self.nachrichten: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler protocol
        import email
        import email.policy

        nachricht = email.message_from_bytes(envelope.content, policy=email.policy.default)
        nachricht.empfaenger = list(envelope.rcpt_tos)
        self.nachrichten.append(nachricht)
        return "250 Message accepted for delivery"

    def an(self, adresse: str) -> list:
        return [n for n in self.nachrichten if adresse in n.empfaenger]

    @staticmethod
    def text(nachricht) -> str:
        return nachricht.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def kalender(nachricht) -> list[bytes]:
        """The iCalendar parts of a message (calendar alternative and .ics attachment)."""
        return [
            teil.get_payload(decode=True)
            for teil in nachricht.walk()
            if teil.get_content_type() in ("text/calendar", "application/ics")
        ]


@pytest.fixture(scope="session")
def _smtp_controller():
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    postfach = SmtpPostfach()
    controller = Controller(postfach, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp_server(_smtp_controller, settings) -> SmtpPostfach:
    """A real SMTP server for the test: mail leaves through Django's SMTP backend and is received here."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _smtp_controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    postfach = _smtp_controller.handler
    postfach.nachrichten.clear()
    return postfach


@pytest.fixture
def heute_je_test(request, monkeypatch):
    """The module's `HEUTE` as of this test, not of the collection: taken once when the module was imported, a run
    across local midnight compared rows created "now" with yesterday (seen in a run that began at 23:59 in Berlin).
    Modules whose `HEUTE` is today use it as `pytestmark = pytest.mark.usefixtures("heute_je_test")`."""
    from django.utils import timezone

    monkeypatch.setattr(request.module, "HEUTE", timezone.localdate())


@pytest.fixture
def mit_cache(monkeypatch, settings):
    """The cache of the figures (dashboard, filter forms) as outside a transaction: tests run inside one, where it
    stays off."""
    from django.core.cache import cache

    from berichte import dashboard

    settings.BERICHTE_DASHBOARD_CACHE_SEKUNDEN = 300
    monkeypatch.setattr(dashboard, "_cache_erlaubt", lambda: True)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def festschreiben(django_capture_on_commit_callbacks):
    """Runs the block as one committed transaction: its commit hooks (the renewed data stamps) run at its end (the
    test's own transaction never commits), and the next block is a new transaction for the once-per-transaction
    bookkeeping of `berichte.dashboard.bei_aenderung`. Yields the captured hooks."""

    @contextlib.contextmanager
    def block():
        connection._berichte_vorgemerkt = None
        with django_capture_on_commit_callbacks(execute=True) as hooks:
            yield hooks
        connection._berichte_vorgemerkt = None

    return block
