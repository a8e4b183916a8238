"""E-mail leaves through the task queue: a failed attempt is recorded and retried, a bounded number of times."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from buendnis.models import MailStatus, Mailversand
from buendnis.tasks import send_mail_task
from tests.worker import DATABASE_TASKS, db_worker_batch


class ErstKaputtBackend(EmailBackend):
    """The mail server refuses the first message it is given, then delivers (into `mail.outbox`)."""

    versuche = 0

    def send_messages(self, messages):
        type(self).versuche += 1
        if type(self).versuche == 1:
            raise smtplib.SMTPServerDisconnected("Verbindung verloren")
        return super().send_messages(messages)


class ImmerKaputtBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"unbekannt")})


@pytest.fixture
def erst_kaputt(settings):
    ErstKaputtBackend.versuche = 0
    settings.EMAIL_BACKEND = "tests.buendnis.test_tasks.ErstKaputtBackend"


def test_mail_is_sent_and_recorded(db, mailoutbox):
    send_mail_task.enqueue("Erinnerung", "Guten Tag", ["a@example.org"])
    assert [(m.subject, m.body, m.to) for m in mailoutbox] == [("Erinnerung", "Guten Tag", ["a@example.org"])]
    versand = Mailversand.objects.get()
    assert (versand.status, versand.versuche, versand.empfaenger) == (MailStatus.GESENDET, 1, "a@example.org")
    assert versand.gesendet_am is not None and versand.letzter_fehler == ""


def test_failing_mail_is_retried_and_the_failure_stays_visible(db, erst_kaputt):
    send_mail_task.enqueue("Erinnerung", "Guten Tag", ["a@example.org"])
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    versand = Mailversand.objects.get()
    assert (versand.status, versand.versuche) == (MailStatus.GESENDET, 2)
    assert versand.letzter_fehler == "SMTPServerDisconnected: Verbindung verloren"


def test_retries_are_bounded_then_the_mail_counts_as_failed(db, settings):
    settings.EMAIL_BACKEND = "tests.buendnis.test_tasks.ImmerKaputtBackend"
    settings.MAIL_WIEDERHOLUNG_SEKUNDEN = [60, 300]
    send_mail_task.enqueue("Erinnerung", "Guten Tag", ["x@example.org"])
    versand = Mailversand.objects.get()
    assert (versand.status, versand.versuche, versand.naechster_versuch) == (
        MailStatus.FEHLGESCHLAGEN,
        3,
        None,
    )
    assert versand.letzter_fehler.startswith("SMTPRecipientsRefused")
    assert mail.outbox == []


def test_worker_retries_a_failed_mail_after_the_pause(referenzdaten, erst_kaputt, settings):
    settings.TASKS = DATABASE_TASKS
    settings.MAIL_WIEDERHOLUNG_SEKUNDEN = [60]
    send_mail_task.enqueue("Erinnerung", "Guten Tag", ["a@example.org"])
    assert mail.outbox == [] and not Mailversand.objects.exists()  # queued, not sent in the request

    db_worker_batch()

    versand = Mailversand.objects.get()
    assert (versand.status, versand.versuche) == (MailStatus.WIEDERHOLUNG, 1)
    assert versand.naechster_versuch - timezone.now() > datetime.timedelta(seconds=50)
    erster, zweiter = DBTaskResult.objects.order_by("enqueued_at")
    assert (
        erster.status == TaskResultStatus.FAILED and "SMTPServerDisconnected" in erster.exception_class_path
    )
    assert zweiter.status == TaskResultStatus.READY and zweiter.run_after == versand.naechster_versuch
    assert mail.outbox == []

    # The pause is over.
    DBTaskResult.objects.filter(pk=zweiter.pk).update(run_after=timezone.now())
    db_worker_batch()

    versand.refresh_from_db()
    assert (versand.status, versand.versuche, versand.naechster_versuch) == (MailStatus.GESENDET, 2, None)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert DBTaskResult.objects.get(pk=zweiter.pk).status == TaskResultStatus.SUCCESSFUL


def test_failed_mails_are_listed_in_the_admin_for_superusers_only(scenario, settings):
    settings.EMAIL_BACKEND = "tests.buendnis.test_tasks.ImmerKaputtBackend"
    settings.MAIL_WIEDERHOLUNG_SEKUNDEN = []
    send_mail_task.enqueue("Erinnerung Erhebung", "Guten Tag", ["x@example.org"])
    url = reverse("admin:buendnis_mailversand_changelist")
    response = scenario.client("admin").get(url, {"status": "fehlgeschlagen"})
    assert response.status_code == 200
    assert "Erinnerung Erhebung" in response.content.decode()
    detail = scenario.client("admin").get(
        reverse("admin:buendnis_mailversand_change", args=[Mailversand.objects.get().pk])
    )
    assert "SMTPRecipientsRefused" in detail.content.decode()
    for role in ("koordination", "land"):
        assert scenario.client(role).get(url).status_code == 403, role
