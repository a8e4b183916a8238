"""Telling people what needs them: the one entry point `benachrichtigen`, the usual recipients, and the daily run.

A notification is always kept in the person's list ("Benachrichtigungen"). By e-mail it goes at once, in the
daily digest or not at all, as the person chose for its kind (`Benachrichtigungseinstellung`, default: at once).
E-mail leaves through the task queue (`send_mail_task`), never inside the request.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buendnis.choices import Rolle
from buendnis.models import (
    Aufgabe,
    AufgabeStatus,
    Benachrichtigung,
    BenachrichtigungArt,
    Benachrichtigungseinstellung,
    MailStatus,
    Mailversand,
    User,
    Zustellung,
)
from buendnis.registry import taegliche_pruefungen
from buendnis.rules import KEIN_RECHT
from buendnis.tasks import send_mail_task

logger = logging.getLogger(__name__)


def absolute_url(pfad: str) -> str:
    """A link for an e-mail or calendar file: the site's address (`DJANGO_SITE_URL`) and the path."""
    if not pfad or pfad.startswith(("http://", "https://")):
        return pfad
    return settings.SITE_URL + pfad


def mailtext(text: str, link: str = "") -> str:
    teile = [_("Guten Tag,"), "", text.strip()]
    if link:
        teile += ["", absolute_url(link)]
    teile += [
        "",
        "-- ",
        _("Bündnis-Koordination. Welche Nachrichten Sie per E-Mail erhalten, stellen Sie hier ein: %(url)s")
        % {"url": absolute_url("/benachrichtigungen/einstellungen/")},
    ]
    return "\n".join(teile)


def zustellungen(empfaenger: Iterable[User], art: str) -> dict[int, str]:
    """Each person's choice for this kind of notification (one query); at once where nothing was chosen."""
    ids = [u.pk for u in empfaenger]
    gewaehlt = dict(
        Benachrichtigungseinstellung.objects.filter(benutzer_id__in=ids, art=art).values_list(
            "benutzer_id", "zustellung"
        )
    )
    return {pk: gewaehlt.get(pk, Zustellung.SOFORT) for pk in ids}


def benachrichtigen(
    *,
    empfaenger: Iterable[User],
    art: str,
    titel: str,
    text: str = "",
    link: str = "",
    schluessel: str = "",
    ausser: User | None = None,
) -> list[Benachrichtigung]:
    """Notifies each active person once (in the list, and by e-mail as they chose); returns the new rows.

    With a `schluessel`, a person who already has a notification with that key gets none again (the daily run
    may check the same deadline every day). `ausser` is left out: nobody is told what they did themselves."""
    personen = {u.pk: u for u in empfaenger if u is not None and u.is_active and u.pk}
    if ausser is not None:
        personen.pop(ausser.pk, None)
    if not personen:
        return []
    if schluessel:
        schon = set(
            Benachrichtigung.objects.filter(empfaenger_id__in=personen, schluessel=schluessel).values_list(
                "empfaenger_id", flat=True
            )
        )
        for pk in schon:
            personen.pop(pk, None)
    wahl = zustellungen(personen.values(), art)
    jetzt = timezone.now()
    neu = []
    for pk, person in personen.items():
        zustellung = wahl[pk]
        sofort = zustellung == Zustellung.SOFORT and bool(person.email)
        neu.append(
            Benachrichtigung(
                empfaenger=person,
                art=art,
                titel=titel[:300],
                text=text,
                link=link[:500],
                schluessel=schluessel[:200],
                zustellung=zustellung,
                gemailt_am=jetzt if sofort else None,
            )
        )
        if sofort:
            # One message per person: nobody sees the other recipients' addresses.
            # The recipient's Bündnis owns the message: its coordination sees it if it cannot be delivered.
            send_mail_task.enqueue(
                subject=titel[:300],
                body=mailtext(text or titel, link),
                recipients=[person.email],
                buendnis_id=person.buendnis_id,
            )
    Benachrichtigung.objects.bulk_create(neu)
    return neu


# The usual recipients ----------------------------------------------------------------------------------------------


def koordination(buendnis_id: int | None):
    """The Geschäftsführende Stelle of a Bündnis (its active coordination accounts)."""
    return User.objects.filter(rolle=Rolle.KOORDINATION, buendnis_id=buendnis_id, is_active=True)


def kommune_personal(kommune_id: int | None):
    """The accounts of a Kommune's staff."""
    return User.objects.filter(rolle=Rolle.KOMMUNE, kommune_id=kommune_id, is_active=True)


def akteur_personal(akteur_id: int | None):
    """The accounts of a member organisation's staff (members and Träger staff acting for it)."""
    return User.objects.filter(akteur_id=akteur_id, is_active=True) if akteur_id else User.objects.none()


def land_personal():
    return User.objects.filter(rolle=Rolle.LAND, is_active=True)


# Deadlines of the daily run -----------------------------------------------------------------------------------------

# A deadline is announced this many days ahead ...
VORLAUF_TAGE = 14
# ... and again on the day; a run missed (the worker was down) still catches up within this many days.
NACHHOLEN_TAGE = 7
# Tasks: "due in 7 days", and "overdue" for deadlines passed at most this many days ago. Older ones were overdue
# before the daily run knew them (an import, the first start): they stay on "Meine Aufgaben" without an e-mail.
AUFGABE_VORLAUF_TAGE = 7
AUFGABE_UEBERFAELLIG_HOECHSTENS_TAGE = 30


def fristhinweis(frist: datetime.date | None, heute: datetime.date) -> str | None:
    """Which notice a deadline needs today: "vorab" within the 14 days before it, "faellig" on the day (or a few
    days late, when runs were missed), else none. Used with a `schluessel` naming the stage, each is sent once."""
    if frist is None:
        return None
    if frist - datetime.timedelta(days=VORLAUF_TAGE) <= heute < frist:
        return "vorab"
    if frist <= heute <= frist + datetime.timedelta(days=NACHHOLEN_TAGE):
        return "faellig"
    return None


def datum(tag: datetime.date) -> str:
    return tag.strftime("%d.%m.%Y")


def aufgabe_empfaenger(aufgabe: Aufgabe) -> list[User]:
    """Who answers for a task: the responsible person, else the accounts of the responsible Akteur."""
    if aufgabe.zustaendig_id:
        return [aufgabe.zustaendig]
    return list(akteur_personal(aufgabe.akteur_id))


def _aufgabe_text(aufgabe: Aufgabe) -> str:
    teile = [
        _("Aufgabe: %(t)s") % {"t": aufgabe.titel},
        _("Fällig am: %(d)s") % {"d": datum(aufgabe.faellig_am)},
    ]
    if aufgabe.gremium_id:
        teile.append(_("Gremium: %(g)s") % {"g": aufgabe.gremium})
    if aufgabe.akteur_id:
        teile.append(_("Verantwortlicher Akteur: %(a)s") % {"a": aufgabe.akteur})
    return "\n".join(teile)


def aufgaben_pruefen(heute: datetime.date) -> tuple[int, int]:
    """Notifies about open tasks due within 7 days and about overdue ones, once per task and due date.
    Returns the numbers of notifications (due, overdue)."""
    offen = (
        Aufgabe.objects.exclude(status=AufgabeStatus.ERLEDIGT)
        .filter(faellig_am__isnull=False)
        .select_related("zustaendig", "akteur", "gremium")
        .order_by("faellig_am", "pk")
    )
    # (tasks, kind, title, key prefix): due within the next 7 days, and overdue for at most 30 days.
    stufen = [
        (
            offen.filter(
                faellig_am__gt=heute, faellig_am__lte=heute + datetime.timedelta(days=AUFGABE_VORLAUF_TAGE)
            ),
            BenachrichtigungArt.AUFGABE_FAELLIG,
            _("Aufgabe fällig am %(d)s: %(t)s"),
            "aufgabe_faellig",
        ),
        (
            offen.filter(
                faellig_am__lt=heute,
                faellig_am__gte=heute - datetime.timedelta(days=AUFGABE_UEBERFAELLIG_HOECHSTENS_TAGE),
            ),
            BenachrichtigungArt.AUFGABE_UEBERFAELLIG,
            _("Aufgabe überfällig (seit %(d)s): %(t)s"),
            "aufgabe_ueberfaellig",
        ),
    ]
    anzahlen = []
    for aufgaben, art, titel, praefix in stufen:
        anzahl = 0
        for aufgabe in aufgaben:
            anzahl += len(
                benachrichtigen(
                    empfaenger=aufgabe_empfaenger(aufgabe),
                    art=art,
                    titel=titel % {"d": datum(aufgabe.faellig_am), "t": aufgabe.titel},
                    text=_aufgabe_text(aufgabe),
                    link=aufgabe.get_absolute_url(),
                    schluessel=f"{praefix}:{aufgabe.pk}:{aufgabe.faellig_am}",
                )
            )
        anzahlen.append(anzahl)
    faellig, ueberfaellig = anzahlen
    return faellig, ueberfaellig


# The daily digest and the daily run ---------------------------------------------------------------------------------


def tageszusammenfassung_versenden(heute: datetime.date) -> int:
    """One e-mail per person with everything they chose to receive daily and have not been sent yet; returns
    the number of e-mails. People without an e-mail address keep their notifications in the list only."""
    offen = (
        Benachrichtigung.objects.filter(
            zustellung=Zustellung.TAEGLICH,
            gemailt_am__isnull=True,
            empfaenger__is_active=True,
        )
        .exclude(empfaenger__email="")
        .select_related("empfaenger")
        .order_by("empfaenger_id", "erstellt_am", "pk")
    )
    je_person: dict[int, list[Benachrichtigung]] = {}
    for b in offen:
        je_person.setdefault(b.empfaenger_id, []).append(b)
    for zeilen in je_person.values():
        person = zeilen[0].empfaenger
        teile = [_("hier sind Ihre Benachrichtigungen vom %(d)s:") % {"d": datum(heute)}]
        for n, b in enumerate(zeilen, start=1):
            eintrag = [f"{n}. {b.titel}"]
            if b.text and b.text.strip() != b.titel:
                eintrag += ["   " + zeile for zeile in b.text.strip().splitlines()]
            if b.link:
                eintrag.append("   " + absolute_url(b.link))
            teile.append("\n".join(eintrag))
        with transaction.atomic():
            send_mail_task.enqueue(
                subject=_("Ihre Benachrichtigungen vom %(d)s") % {"d": datum(heute)},
                body=mailtext("\n\n".join(teile)),
                recipients=[person.email],
                buendnis_id=person.buendnis_id,
            )
            Benachrichtigung.objects.filter(pk__in=[b.pk for b in zeilen]).update(gemailt_am=timezone.now())
    return len(je_person)


def taeglicher_lauf(heute: datetime.date | None = None) -> dict:
    """The daily run (`buendnis.tasks.taeglicher_lauf_task`, `manage.py benachrichtigungen_pruefen`): deadlines
    of tasks, the checks the apps registered (drawdowns, proofs of use, ...), then the daily digest.

    Each step runs in its own transaction; one that fails is logged and the others still run."""
    heute = heute or timezone.localdate()
    ergebnis: dict = {"heute": heute.isoformat(), "fehler": 0}

    def schritt(name, fn):
        try:
            with transaction.atomic():
                ergebnis[name] = fn()
        except Exception:
            logger.exception("Daily run: step %s failed", name)
            ergebnis["fehler"] += 1

    def aufgaben():
        ergebnis["aufgaben_faellig"], ergebnis["aufgaben_ueberfaellig"] = aufgaben_pruefen(heute)
        return ergebnis["aufgaben_faellig"] + ergebnis["aufgaben_ueberfaellig"]

    schritt("aufgaben", aufgaben)
    ergebnis["pruefungen"] = 0
    for pruefung in taegliche_pruefungen():
        name = getattr(pruefung, "__qualname__", repr(pruefung))
        schritt(name, lambda p=pruefung: p(heute))
        ergebnis["pruefungen"] += ergebnis.get(name) or 0
    schritt("zusammenfassungen", lambda: tageszusammenfassung_versenden(heute))
    return ergebnis


# The person's own list and choices ----------------------------------------------------------------------------------

A = BenachrichtigungArt
_AUFGABEN = [A.AUFGABE_ZUGEWIESEN, A.AUFGABE_FAELLIG, A.AUFGABE_UEBERFAELLIG]
_ANGEBOT_EIGENES = [A.ANGEBOT_ZURUECKGEGEBEN, A.ANGEBOT_VEROEFFENTLICHT]
_FOERDERFRISTEN = [A.ANTRAG_ENTSCHIEDEN, A.ABRUF_FAELLIG, A.VERWENDUNGSNACHWEIS_FAELLIG]
# The kinds a role can receive at all (the settings page offers these; a person without a role sees all).
ARTEN_JE_ROLLE = {
    Rolle.KOORDINATION: [
        *_AUFGABEN,
        A.ANGEBOT_EINGEREICHT,
        *_ANGEBOT_EIGENES,
        A.ERHEBUNG_ABGESCHLOSSEN,
        A.ANTRAG_EINGEREICHT,
        *_FOERDERFRISTEN,
        A.TRAEGER_VORGESCHLAGEN,
        A.ZIELSETZUNG_ENTSCHIEDEN,
    ],
    Rolle.KOMMUNE: [
        *_AUFGABEN,
        *_ANGEBOT_EIGENES,
        A.ERHEBUNG_EROEFFNET,
        A.ERHEBUNG_ERINNERUNG,
        A.ERHEBUNG_ABGESCHLOSSEN,
        *_FOERDERFRISTEN,
    ],
    Rolle.MITGLIED: [*_AUFGABEN, *_ANGEBOT_EIGENES],
    Rolle.AUSWERTUNG: _AUFGABEN,
    Rolle.LAND: [A.ANTRAG_EINGEREICHT, A.ANTRAG_ENTSCHIEDEN, A.ZIELSETZUNG_VORGELEGT],
}


def arten_fuer(user: User) -> list[str]:
    """The kinds of notification offered on the person's settings page: those of the role, and any kind the
    person has already received."""
    erhalten = set(Benachrichtigung.objects.filter(empfaenger=user).values_list("art", flat=True).distinct())
    rolle = set(ARTEN_JE_ROLLE.get(user.rolle, BenachrichtigungArt.values))
    return [art for art in BenachrichtigungArt.values if art in rolle or art in erhalten]


@transaction.atomic
def einstellungen_speichern(*, zustellungen: dict[str, str], by: User) -> None:
    """Stores the person's choice per kind; the default (at once) needs no row."""
    for art, zustellung in zustellungen.items():
        if art not in BenachrichtigungArt.values or zustellung not in Zustellung.values:
            continue
        if zustellung == Zustellung.SOFORT:
            Benachrichtigungseinstellung.objects.filter(benutzer=by, art=art).delete()
        else:
            Benachrichtigungseinstellung.objects.update_or_create(
                benutzer=by, art=art, defaults={"zustellung": zustellung}
            )


def benachrichtigung_gelesen(*, benachrichtigung: Benachrichtigung, by: User) -> Benachrichtigung:
    """Marks one of the person's own notifications read (someone else's is refused)."""
    if benachrichtigung.empfaenger_id != by.pk:
        raise PermissionDenied(KEIN_RECHT)
    if benachrichtigung.gelesen_am is None:
        benachrichtigung.gelesen_am = timezone.now()
        benachrichtigung.save(update_fields=["gelesen_am"])
    return benachrichtigung


def alle_gelesen(*, by: User) -> int:
    """Marks all of the person's unread notifications read; returns how many."""
    return Benachrichtigung.objects.visible_to(by).ungelesen().update(gelesen_am=timezone.now())


def unzustellbare_mails(user: User, anzahl: int = 20):
    """For the coordination: the latest e-mails of its Bündnis that could not be delivered (failed, or waiting
    for another attempt); nobody else sees them here."""
    if user.rolle != Rolle.KOORDINATION or not user.buendnis_id or not user.is_active:
        return Mailversand.objects.none()
    return Mailversand.objects.filter(
        buendnis_id=user.buendnis_id, status__in=[MailStatus.FEHLGESCHLAGEN, MailStatus.WIEDERHOLUNG]
    ).order_by("-created_at", "-pk")[:anzahl]
