"""Tasks of the alliance app, run by the worker (`manage.py db_worker`) outside the request."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
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
) -> int:
    """Sends one e-mail and records it as a `Mailversand`; returns the record's id.

    django-tasks 0.12 retries nothing by itself: a failed attempt is recorded and the task enqueues itself again
    after the next pause of `MAIL_WIEDERHOLUNG_SEKUNDEN`; when the pauses are used up the e-mail counts as failed.
    Each failed attempt also raises, so the worker's task result shows the traceback.
    """
    if versand_id is None:
        versand = Mailversand.objects.create(betreff=subject[:300], empfaenger=", ".join(recipients))
    else:
        versand = Mailversand.objects.get(pk=versand_id)
    versand.versuche += 1
    try:
        send_mail(subject=subject, message=body, from_email=from_email, recipient_list=recipients)
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
            erneut.enqueue(subject, body, recipients, from_email, versand_id=versand.pk)
        raise
    versand.status = MailStatus.GESENDET
    versand.gesendet_am = timezone.now()
    versand.naechster_versuch = None
    versand.save(update_fields=["versuche", "status", "gesendet_am", "naechster_versuch", "updated_at"])
    return versand.pk
