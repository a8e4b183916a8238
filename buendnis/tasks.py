"""Tasks of the alliance app, run by the worker (`manage.py db_worker`) outside the request."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from buendnis.models import MailStatus, Mailversand

logger = logging.getLogger(__name__)


@task()
def send_mail_task(
    subject: str,
    body: str,
    recipients: list[str],
    from_email: str | None = None,
    versand_id: int | None = None,
    kalender: str | None = None,
    kalender_methode: str = "REQUEST",
    buendnis_id: int | None = None,
) -> int:
    """Sends one e-mail and records it as a `Mailversand`; returns the record's id.

    django-tasks 0.12 retries nothing by itself: a failed attempt is recorded and the task enqueues itself again
    after the next pause of `MAIL_WIEDERHOLUNG_SEKUNDEN`; when the pauses are used up the e-mail counts as failed.
    Each failed attempt also raises, so the worker's task result shows the traceback.

    `kalender` is an iCalendar text (an invitation, update or cancellation): it travels both as the message's
    calendar part (`text/calendar; method=...`, which Outlook and Thunderbird offer to accept) and as a
    `sitzung.ics` attachment for every other program.
    """
    if versand_id is None:
        versand = Mailversand.objects.create(
            betreff=subject[:300], empfaenger=", ".join(recipients), buendnis_id=buendnis_id
        )
    else:
        versand = Mailversand.objects.get(pk=versand_id)
    versand.versuche += 1
    try:
        nachricht = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=recipients)
        if kalender:
            nachricht.attach_alternative(kalender, f"text/calendar; method={kalender_methode}; charset=utf-8")
            nachricht.attach("sitzung.ics", kalender, "application/ics")
        nachricht.send()
    except Exception as exc:
        pausen = settings.MAIL_WIEDERHOLUNG_SEKUNDEN
        versand.letzter_fehler = f"{type(exc).__name__}: {exc}"[:2000]
        if versand.versuche <= len(pausen):
            versand.status = MailStatus.WIEDERHOLUNG
            versand.naechster_versuch = timezone.now() + datetime.timedelta(
                seconds=pausen[versand.versuche - 1]
            )
        else:
            versand.status = MailStatus.FEHLGESCHLAGEN
            versand.naechster_versuch = None
            logger.error("E-mail %s failed after %s attempts", versand.pk, versand.versuche)
        versand.save(
            update_fields=["versuche", "letzter_fehler", "status", "naechster_versuch", "updated_at"]
        )
        if versand.status == MailStatus.WIEDERHOLUNG:
            erneut = send_mail_task
            if erneut.get_backend().supports_defer:
                erneut = erneut.using(run_after=versand.naechster_versuch)
            erneut.enqueue(
                subject,
                body,
                recipients,
                from_email,
                versand_id=versand.pk,
                kalender=kalender,
                kalender_methode=kalender_methode,
            )
        raise
    versand.status = MailStatus.GESENDET
    versand.gesendet_am = timezone.now()
    versand.naechster_versuch = None
    versand.save(update_fields=["versuche", "status", "gesendet_am", "naechster_versuch", "updated_at"])
    return versand.pk


# The daily run ------------------------------------------------------------------------------------------------------

# When the daily run (deadlines, the daily digest) starts, in local time.
TAEGLICH_UM = datetime.time(6, 30)


def naechster_termin(jetzt: datetime.datetime | None = None) -> datetime.datetime:
    """The next 06:30 local time after `jetzt` (today's, if it is still ahead)."""
    jetzt = timezone.localtime(jetzt or timezone.now())
    termin = timezone.make_aware(datetime.datetime.combine(jetzt.date(), TAEGLICH_UM))
    if termin <= jetzt:
        termin = timezone.make_aware(
            datetime.datetime.combine(jetzt.date() + datetime.timedelta(days=1), TAEGLICH_UM)
        )
    return termin


def naechsten_lauf_einplanen(jetzt: datetime.datetime | None = None) -> datetime.datetime | None:
    """Makes sure one daily run waits in the queue; returns its time when one was added now.

    Only a queue that runs tasks later (the database backend) can hold it. A run already waiting (also one whose
    time has passed while no worker ran) is enough, so starting the application again adds none."""
    backend = taeglicher_lauf_task.get_backend()
    if not backend.supports_defer:
        return None
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(
        task_path=taeglicher_lauf_task.module_path, status=TaskResultStatus.READY
    ).exists():
        return None
    termin = naechster_termin(jetzt)
    taeglicher_lauf_task.using(run_after=termin).enqueue()
    return termin


@task()
def taeglicher_lauf_task() -> dict:
    """The daily run (`buendnis.benachrichtigungen.taeglicher_lauf`); plans the next one first, so a run that
    fails does not end the daily rhythm."""
    from buendnis.benachrichtigungen import taeglicher_lauf

    naechsten_lauf_einplanen()
    return taeglicher_lauf()
