"""Writes of the alliance that carry a rule or a side effect. Never sees the request."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from buendnis.benachrichtigungen import absolute_url, akteur_personal, benachrichtigen
from buendnis.ics import kalender, sitzung_event
from buendnis.models import (
    Akteur,
    Ansprechperson,
    Aufgabe,
    AufgabeStatus,
    BenachrichtigungArt,
    Beschluss,
    EinladungArt,
    Gremium,
    Sitzung,
    Sitzungseinladung,
    SitzungStatus,
    Tagesordnungspunkt,
    Teilnahme,
    TeilnahmeStatus,
    User,
    Vereinbarungsdokument,
    Verfahrensvereinbarung,
)
from buendnis.rules import require_perm
from buendnis.selectors import darf_protokolle_genehmigen, einladung_empfaenger, verweise_auf_person
from buendnis.tasks import send_mail_task
from buendnis.uploads import pruefe_dokument


@dataclass
class AufgabeEntwurf:
    titel: str
    akteur: Akteur | None = None
    zustaendig: User | None = None
    faellig_am: datetime.date | None = None


@transaction.atomic
def beschluss_fassen(
    *,
    gremium: Gremium,
    text: str,
    datum: datetime.date,
    by: User,
    sitzung: Sitzung | None = None,
    tagesordnungspunkt: Tagesordnungspunkt | None = None,
    kernaufgabe: str = "",
    aufgaben: list[AufgabeEntwurf] | None = None,
) -> Beschluss:
    """Records a decision and the tasks it creates (owner and deadline), linked to the decision's Gremium; each
    task's person (else its organisation's staff) is told. Refused in a cancelled meeting or once the meeting's
    minutes are approved."""
    require_perm(by, "buendnis.add_beschluss", gremium)
    if sitzung is not None:
        gesperrt = _gesperrte_sitzung(sitzung)
        _pruefe_offen(gesperrt)
        _pruefe_nicht_abgesagt(gesperrt)
    _pruefe_top(tagesordnungspunkt, sitzung)
    beschluss = Beschluss(
        buendnis_id=gremium.buendnis_id,
        gremium=gremium,
        sitzung=sitzung,
        tagesordnungspunkt=tagesordnungspunkt,
        text=text,
        datum=datum,
        kernaufgabe=kernaufgabe,
    )
    beschluss.full_clean()
    beschluss.save()
    _aufgaben_aus_beschluss(beschluss, aufgaben or [], by)
    return beschluss


def _pruefe_top(tagesordnungspunkt: Tagesordnungspunkt | None, sitzung: Sitzung | None) -> None:
    if tagesordnungspunkt is not None and (sitzung is None or tagesordnungspunkt.sitzung_id != sitzung.pk):
        raise ValidationError(
            {"tagesordnungspunkt": _("Der Tagesordnungspunkt gehört nicht zur Sitzung des Beschlusses.")}
        )


def _aufgaben_aus_beschluss(beschluss: Beschluss, entwuerfe: list[AufgabeEntwurf], by: User) -> list[Aufgabe]:
    neu = []
    for entwurf in entwuerfe:
        aufgabe = Aufgabe(
            buendnis_id=beschluss.buendnis_id,
            titel=entwurf.titel,
            gremium=beschluss.gremium,
            sitzung=beschluss.sitzung,
            beschluss=beschluss,
            akteur=entwurf.akteur,
            zustaendig=entwurf.zustaendig,
            faellig_am=entwurf.faellig_am,
        )
        aufgabe.full_clean()
        aufgabe.save()
        neu.append(aufgabe)
    for aufgabe in neu:
        _aufgabe_zugewiesen_melden(aufgabe, by)
    return neu


@transaction.atomic
def beschluss_aendern(
    *,
    beschluss: Beschluss,
    text: str,
    datum: datetime.date,
    by: User,
    kernaufgabe: str = "",
    tagesordnungspunkt: Tagesordnungspunkt | None = None,
    aufgaben: list[AufgabeEntwurf] | None = None,
) -> Beschluss:
    """Corrects a decision and adds further tasks to it, as long as the minutes of its meeting are not
    approved."""
    require_perm(by, "buendnis.change_beschluss", beschluss)
    beschluss = (
        Beschluss.objects.select_for_update(of=("self",))
        .select_related("gremium", "sitzung")
        .get(pk=beschluss.pk)
    )
    if beschluss.sitzung_id:
        _pruefe_offen(_gesperrte_sitzung(beschluss.sitzung))
    _pruefe_top(tagesordnungspunkt, beschluss.sitzung)
    beschluss.text, beschluss.datum, beschluss.kernaufgabe = text, datum, kernaufgabe
    beschluss.tagesordnungspunkt = tagesordnungspunkt
    beschluss.full_clean()
    beschluss.save()
    _aufgaben_aus_beschluss(beschluss, aufgaben or [], by)
    return beschluss


ERLAUBTE_STATUSWECHSEL = {
    AufgabeStatus.OFFEN: {AufgabeStatus.IN_ARBEIT, AufgabeStatus.ERLEDIGT},
    AufgabeStatus.IN_ARBEIT: {AufgabeStatus.OFFEN, AufgabeStatus.ERLEDIGT},
    AufgabeStatus.ERLEDIGT: {AufgabeStatus.IN_ARBEIT},
}


@transaction.atomic
def aufgabe_status_setzen(*, aufgabe: Aufgabe, status: str, by: User, notiz: str | None = None) -> Aufgabe:
    """A member reports progress on its own task; the coordination on any task of its Bündnis."""
    require_perm(by, "buendnis.set_status_aufgabe", aufgabe)
    aufgabe = Aufgabe.objects.select_for_update().get(pk=aufgabe.pk)
    if status != aufgabe.status:
        if status not in ERLAUBTE_STATUSWECHSEL.get(aufgabe.status, set()):
            raise ValidationError(
                _("Der Status kann nicht von „%(alt)s“ auf „%(neu)s“ wechseln.")
                % {"alt": aufgabe.get_status_display(), "neu": AufgabeStatus(status).label}
            )
        aufgabe.status = status
        aufgabe.erledigt_am = timezone.localdate() if status == AufgabeStatus.ERLEDIGT else None
    if notiz is not None:
        aufgabe.notiz = notiz
    aufgabe.full_clean()
    aufgabe.save()
    return aufgabe


@transaction.atomic
def tagesordnungspunkt_anfuegen(
    *, sitzung: Sitzung, titel: str, beschreibung: str = "", by: User
) -> Tagesordnungspunkt:
    """Appends an agenda item at the next free position."""
    require_perm(by, "buendnis.change_sitzung", sitzung)
    _pruefe_offen(_gesperrte_sitzung(sitzung))
    position = (sitzung.tagesordnungspunkte.aggregate(m=Max("position"))["m"] or 0) + 1
    top = Tagesordnungspunkt(sitzung=sitzung, position=position, titel=titel, beschreibung=beschreibung)
    top.full_clean()
    top.save()
    return top


# Meetings: agenda, minutes, attendance, invitations, approval ----------------------------------------------------


def _pruefe_offen(sitzung: Sitzung) -> None:
    """Approved minutes are final: nothing recorded for the meeting changes any more."""
    if sitzung.protokoll_gesperrt:
        raise ValidationError(
            _("Das Protokoll dieser Sitzung ist genehmigt; die Sitzung lässt sich nicht mehr ändern.")
        )


def _pruefe_nicht_abgesagt(sitzung: Sitzung) -> None:
    if sitzung.status == SitzungStatus.ABGESAGT:
        raise ValidationError(_("Die Sitzung ist abgesagt."))


def _gesperrte_sitzung(sitzung: Sitzung) -> Sitzung:
    """The meeting row, locked for the rest of the transaction and re-read (another request may have approved
    its minutes meanwhile)."""
    return Sitzung.objects.select_for_update().select_related("gremium").get(pk=sitzung.pk)


@transaction.atomic
def tagesordnungspunkt_aendern(
    *, top: Tagesordnungspunkt, titel: str, beschreibung: str = "", by: User
) -> Tagesordnungspunkt:
    """Changes an agenda item's title and description."""
    require_perm(by, "buendnis.change_tagesordnungspunkt", top)
    _pruefe_offen(_gesperrte_sitzung(top.sitzung))
    top.titel, top.beschreibung = titel, beschreibung
    top.full_clean()
    top.save()
    return top


@transaction.atomic
def tagesordnungspunkt_loeschen(*, top: Tagesordnungspunkt, by: User) -> None:
    """Removes an agenda item; the items after it move up, so the numbers stay without gaps."""
    require_perm(by, "buendnis.delete_tagesordnungspunkt", top)
    sitzung = _gesperrte_sitzung(top.sitzung)
    _pruefe_offen(sitzung)
    position = top.position
    top.delete()
    # One by one in ascending order: each item moves into the place just freed (unique number per meeting).
    for spaeter in sitzung.tagesordnungspunkte.filter(position__gt=position).order_by("position"):
        spaeter.position -= 1
        spaeter.save(update_fields=["position", "updated_at"])


@transaction.atomic
def tagesordnungspunkt_verschieben(*, top: Tagesordnungspunkt, richtung: str, by: User) -> Tagesordnungspunkt:
    """Moves an agenda item one place up ("hoch") or down ("runter"), swapping numbers with its neighbour."""
    require_perm(by, "buendnis.change_sitzung", top.sitzung)
    sitzung = _gesperrte_sitzung(top.sitzung)
    _pruefe_offen(sitzung)
    top = Tagesordnungspunkt.objects.get(pk=top.pk)
    tops = sitzung.tagesordnungspunkte.exclude(pk=top.pk)
    if richtung == "hoch":
        nachbar = tops.filter(position__lt=top.position).order_by("-position").first()
        if nachbar is None:
            raise ValidationError(_("„%(t)s“ steht schon an erster Stelle.") % {"t": top.titel})
    elif richtung == "runter":
        nachbar = tops.filter(position__gt=top.position).order_by("position").first()
        if nachbar is None:
            raise ValidationError(_("„%(t)s“ steht schon an letzter Stelle.") % {"t": top.titel})
    else:
        raise ValidationError(_("Bitte wählen Sie, ob der Punkt nach oben oder nach unten rückt."))
    eigene, andere = top.position, nachbar.position
    # The number is unique per meeting: park the item on a free number while its neighbour takes its place.
    top.position = (sitzung.tagesordnungspunkte.aggregate(m=Max("position"))["m"] or 0) + 1
    top.save(update_fields=["position", "updated_at"])
    nachbar.position = eigene
    nachbar.save(update_fields=["position", "updated_at"])
    top.position = andere
    top.save(update_fields=["position", "updated_at"])
    return top


@transaction.atomic
def protokoll_speichern(*, sitzung: Sitzung, texte: dict[int, str], allgemein: str, by: User) -> Sitzung:
    """The minutes of a meeting: a text per agenda item and what belongs to no item."""
    require_perm(by, "buendnis.change_sitzung", sitzung)
    sitzung = _gesperrte_sitzung(sitzung)
    _pruefe_offen(sitzung)
    _pruefe_nicht_abgesagt(sitzung)
    tops = {t.pk: t for t in sitzung.tagesordnungspunkte.all()}
    if set(texte) - set(tops):
        raise ValidationError(_("Ein Tagesordnungspunkt gehört nicht zu dieser Sitzung."))
    for pk, text in texte.items():
        top = tops[pk]
        if top.protokoll != text:
            top.protokoll = text
            top.full_clean()
            top.save(update_fields=["protokoll", "updated_at"])
    if sitzung.protokoll != allgemein:
        sitzung.protokoll = allgemein
        sitzung.full_clean()
        sitzung.save(update_fields=["protokoll", "updated_at"])
    return sitzung


def _pruefe_teilnahme_erfassbar(sitzung: Sitzung) -> None:
    _pruefe_offen(sitzung)
    _pruefe_nicht_abgesagt(sitzung)
    if sitzung.beginn > timezone.now():
        raise ValidationError(_("Die Teilnahme lässt sich erst erfassen, wenn die Sitzung begonnen hat."))


TEILNAHME_DER_MITGLIEDER = {TeilnahmeStatus.ANWESEND, TeilnahmeStatus.ENTSCHULDIGT, TeilnahmeStatus.ABWESEND}


@transaction.atomic
def teilnahme_erfassen(*, sitzung: Sitzung, eintraege: dict[int, str], by: User) -> list[Teilnahme]:
    """Records for each member of the Gremium whether it was present, excused or absent ("" removes the entry).
    Members not named keep what was recorded."""
    require_perm(by, "buendnis.change_sitzung", sitzung)
    sitzung = _gesperrte_sitzung(sitzung)
    _pruefe_teilnahme_erfassbar(sitzung)
    mitglieder = {
        m.pk: m for m in sitzung.gremium.mitgliedschaften.select_related("akteur", "person", "gremium")
    }
    if set(eintraege) - set(mitglieder):
        raise ValidationError(_("Das Mitglied gehört zu einem anderen Gremium."))
    if any(s and s not in TEILNAHME_DER_MITGLIEDER for s in eintraege.values()):
        raise ValidationError(_("Bitte wählen Sie anwesend, entschuldigt oder nicht anwesend."))
    bisher = {t.mitgliedschaft_id: t for t in sitzung.teilnahmen.filter(mitgliedschaft_id__in=eintraege)}
    ergebnis = []
    for mitglied_id, status in eintraege.items():
        teilnahme = bisher.get(mitglied_id)
        if not status:
            if teilnahme is not None:
                teilnahme.delete()
            continue
        mitglied = mitglieder[mitglied_id]
        if teilnahme is None:
            teilnahme = Teilnahme(sitzung=sitzung, mitgliedschaft=mitglied)
        elif teilnahme.status == status:
            ergebnis.append(teilnahme)
            continue
        teilnahme.status = status
        teilnahme.akteur, teilnahme.person = mitglied.akteur, mitglied.person
        teilnahme.full_clean()
        teilnahme.save()
        ergebnis.append(teilnahme)
    return ergebnis


@transaction.atomic
def gast_hinzufuegen(*, sitzung: Sitzung, name: str, by: User) -> Teilnahme:
    """A guest of the meeting (name and, if wanted, organisation), listed in the minutes."""
    require_perm(by, "buendnis.change_sitzung", sitzung)
    sitzung = _gesperrte_sitzung(sitzung)
    _pruefe_teilnahme_erfassbar(sitzung)
    gast = Teilnahme(sitzung=sitzung, name=name.strip(), status=TeilnahmeStatus.GAST)
    gast.full_clean()
    gast.save()
    return gast


@transaction.atomic
def gast_entfernen(*, sitzung: Sitzung, teilnahme_id: int, by: User) -> None:
    require_perm(by, "buendnis.change_sitzung", sitzung)
    sitzung = _gesperrte_sitzung(sitzung)
    _pruefe_offen(sitzung)
    gast = sitzung.teilnahmen.filter(pk=teilnahme_id, status=TeilnahmeStatus.GAST).first()
    if gast is None:
        raise ValidationError(_("Diesen Gast gibt es in der Sitzung nicht."))
    gast.delete()


def _termin_text(sitzung: Sitzung) -> str:
    """ "Dienstag, 14.05.2025, 14:00–16:00 Uhr" in local time."""
    beginn = timezone.localtime(sitzung.beginn)
    ende = timezone.localtime(sitzung.ende_oder_standard)
    if ende.date() == beginn.date():
        return _("%(tag)s, %(von)s–%(bis)s Uhr") % {
            "tag": dateformat.format(beginn, "l, d.m.Y"),
            "von": f"{beginn:%H:%M}",
            "bis": f"{ende:%H:%M}",
        }
    return _("%(von)s Uhr bis %(bis)s Uhr") % {
        "von": dateformat.format(beginn, "l, d.m.Y, H:i"),
        "bis": dateformat.format(ende, "l, d.m.Y, H:i"),
    }


def _tagesordnung_text(sitzung: Sitzung) -> str:
    zeilen = [_("Tagesordnung:")]
    tops = list(sitzung.tagesordnungspunkte.order_by("position"))
    for top in tops:
        zeilen.append(f"{top.position}. {top.titel}")
        zeilen += [f"   {z}" for z in top.beschreibung.splitlines() if z.strip()]
    if not tops:
        zeilen.append(_("(noch keine Tagesordnungspunkte)"))
    return "\n".join(zeilen)


EINLADUNG_BETREFF = {
    EinladungArt.EINLADUNG: gettext_lazy("Einladung: %(titel)s am %(datum)s"),
    EinladungArt.AKTUALISIERUNG: gettext_lazy("Geänderte Einladung: %(titel)s am %(datum)s"),
    EinladungArt.ABSAGE: gettext_lazy("Abgesagt: %(titel)s am %(datum)s"),
}
EINLADUNG_EINLEITUNG = {
    EinladungArt.EINLADUNG: gettext_lazy(
        "hiermit laden wir Sie zur Sitzung „%(titel)s“ des Gremiums %(gremium)s ein."
    ),
    EinladungArt.AKTUALISIERUNG: gettext_lazy(
        "die Sitzung „%(titel)s“ des Gremiums %(gremium)s hat sich geändert. Es gilt die folgende Einladung."
    ),
    EinladungArt.ABSAGE: gettext_lazy("die Sitzung „%(titel)s“ des Gremiums %(gremium)s ist abgesagt."),
}


@transaction.atomic
def sitzung_einladen(
    *, sitzung: Sitzung, by: User, art: str = EinladungArt.EINLADUNG, nachricht: str = ""
) -> Sitzungseinladung:
    """Sends the members of the Gremium the invitation, an update or the cancellation of a meeting: one e-mail
    each (nobody sees the other recipients) with the agenda and a calendar event (.ics). The event keeps its UID;
    every sending after the first raises its SEQUENCE, so calendar programs replace the entry. A cancellation
    marks the meeting as cancelled."""

    require_perm(by, "buendnis.change_sitzung", sitzung)
    sitzung = _gesperrte_sitzung(sitzung)
    _pruefe_offen(sitzung)
    if sitzung.status == SitzungStatus.DURCHGEFUEHRT:
        raise ValidationError(_("Die Sitzung ist schon durchgeführt; dazu wird niemand mehr eingeladen."))
    _pruefe_nicht_abgesagt(sitzung)
    if sitzung.ende_oder_standard < timezone.now():
        raise ValidationError(_("Die Sitzung ist schon vorbei."))
    schon_eingeladen = sitzung.einladungen.exists()
    if art == EinladungArt.EINLADUNG and schon_eingeladen:
        raise ValidationError(
            _("Die Einladung ist schon versendet. Änderungen gehen als Aktualisierung an die Eingeladenen.")
        )
    if art != EinladungArt.EINLADUNG and not schon_eingeladen:
        raise ValidationError(_("Zu dieser Sitzung wurde noch nicht eingeladen."))
    empfaenger = einladung_empfaenger(sitzung)
    if not empfaenger:
        raise ValidationError(
            _(
                "Für dieses Gremium ist keine E-Mail-Adresse hinterlegt. Bitte tragen Sie bei den Mitgliedern "
                "(Akteur oder Person) eine E-Mail-Adresse ein."
            )
        )
    if schon_eingeladen:
        sitzung.ics_sequenz += 1
    if art == EinladungArt.ABSAGE:
        sitzung.status = SitzungStatus.ABGESAGT
    sitzung.eingeladen_am = timezone.now()
    sitzung.full_clean()
    sitzung.save()

    werte = {
        "titel": sitzung.titel,
        "gremium": sitzung.gremium.name,
        "datum": f"{timezone.localtime(sitzung.beginn):%d.%m.%Y}",
    }
    link = absolute_url(sitzung.get_absolute_url())
    tagesordnung = _tagesordnung_text(sitzung)
    teile = [_("Guten Tag,"), "", str(EINLADUNG_EINLEITUNG[art]) % werte]
    if nachricht.strip():
        teile += ["", nachricht.strip()]
    teile += ["", _("Termin: %(termin)s") % {"termin": _termin_text(sitzung)}]
    teile += [_("Ort: %(ort)s") % {"ort": sitzung.ort or "–"}]
    if art != EinladungArt.ABSAGE:
        teile += ["", tagesordnung]
    teile += ["", _("Die Sitzung in der Bündnis-Koordination: %(link)s") % {"link": link}]
    teile += ["", _("Der Termin liegt als Kalenderdatei (sitzung.ics) bei.")]
    body = "\n".join(teile)
    organisator = by.email or sitzung.buendnis.kontakt_email
    event = sitzung_event(
        sitzung,
        beschreibung=f"{tagesordnung}\n\n{link}",
        url=link,
        abgesagt=art == EinladungArt.ABSAGE,
        organisator=organisator,
    )
    methode = "CANCEL" if art == EinladungArt.ABSAGE else "REQUEST"
    ics = kalender([event], methode).decode()
    betreff = str(EINLADUNG_BETREFF[art]) % werte
    for adresse in empfaenger:
        # One message per person: nobody sees the other recipients' addresses.
        send_mail_task.enqueue(
            subject=betreff,
            body=body,
            recipients=[adresse],
            kalender=ics,
            kalender_methode=methode,
            buendnis_id=sitzung.buendnis_id,
        )
    return Sitzungseinladung.objects.create(
        sitzung=sitzung,
        art=art,
        sequenz=sitzung.ics_sequenz,
        empfaenger="\n".join(empfaenger),
        anzahl=len(empfaenger),
        versendet_von=by,
    )


@transaction.atomic
def sitzung_absagen(*, sitzung: Sitzung, by: User, nachricht: str = "") -> Sitzung:
    """Cancels a planned meeting: the invited members receive the cancellation (METHOD:CANCEL); a meeting
    nobody was invited to yet is simply marked as cancelled."""
    require_perm(by, "buendnis.change_sitzung", sitzung)
    sitzung = _gesperrte_sitzung(sitzung)
    if sitzung.einladungen.exists():
        sitzung_einladen(sitzung=sitzung, by=by, art=EinladungArt.ABSAGE, nachricht=nachricht)
        sitzung.refresh_from_db()
        return sitzung
    _pruefe_offen(sitzung)
    if sitzung.status != SitzungStatus.GEPLANT:
        raise ValidationError(_("Nur eine geplante Sitzung lässt sich absagen."))
    sitzung.status = SitzungStatus.ABGESAGT
    sitzung.full_clean()
    sitzung.save()
    return sitzung


SITZUNG_STATUSWECHSEL = {
    SitzungStatus.GEPLANT: {SitzungStatus.DURCHGEFUEHRT},
    SitzungStatus.DURCHGEFUEHRT: {SitzungStatus.GEPLANT},
    SitzungStatus.ABGESAGT: set(),
}


@transaction.atomic
def sitzung_status_setzen(*, sitzung: Sitzung, status: str, by: User) -> Sitzung:
    """Marks a meeting as held (only once it has begun) or back as planned. Cancelling goes through
    `sitzung_absagen`, which tells the invited members."""
    require_perm(by, "buendnis.change_sitzung", sitzung)
    sitzung = _gesperrte_sitzung(sitzung)
    _pruefe_offen(sitzung)
    if status == sitzung.status:
        return sitzung
    if status == SitzungStatus.ABGESAGT:
        raise ValidationError(
            _("Bitte sagen Sie die Sitzung mit „Absagen“ ab, damit die Eingeladenen es erfahren.")
        )
    if status not in SITZUNG_STATUSWECHSEL.get(sitzung.status, set()):
        raise ValidationError(
            _("Der Status kann nicht von „%(alt)s“ auf „%(neu)s“ wechseln.")
            % {"alt": sitzung.get_status_display(), "neu": SitzungStatus(status).label}
        )
    sitzung.status = status
    try:
        sitzung.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc
    sitzung.save()
    return sitzung


@transaction.atomic
def sitzung_aendern(*, sitzung: Sitzung, by: User) -> Sitzung:
    """Saves the edited meeting (its form's changes on `sitzung`). Refused once the minutes are approved; a
    meeting the members were invited to is cancelled with `sitzung_absagen`, not by its status field."""
    require_perm(by, "buendnis.change_sitzung", sitzung)
    vorher = _gesperrte_sitzung(sitzung)
    _pruefe_offen(vorher)
    if (
        sitzung.status == SitzungStatus.ABGESAGT
        and vorher.status != SitzungStatus.ABGESAGT
        and vorher.einladungen.exists()
    ):
        raise ValidationError(
            {
                "status": _(
                    "Bitte sagen Sie die Sitzung mit „Absagen“ auf der Seite der Sitzung ab, damit die "
                    "Eingeladenen eine Absage erhalten."
                )
            }
        )
    if sitzung.gremium_id != vorher.gremium_id and (
        vorher.einladungen.exists() or vorher.beschluesse.exists() or vorher.teilnahmen.exists()
    ):
        raise ValidationError(
            {"gremium": _("Nach Einladung, Teilnahme oder Beschlüssen bleibt die Sitzung bei ihrem Gremium.")}
        )
    sitzung.full_clean()
    sitzung.save()
    return sitzung


@transaction.atomic
def protokoll_genehmigen(*, sitzung: Sitzung, in_sitzung: Sitzung, by: User) -> Sitzung:
    """The minutes of a held meeting are approved in a later meeting of the same Gremium (while it takes place or
    after it was held); from then on the earlier meeting is final."""

    require_perm(by, "buendnis.change_sitzung", sitzung)
    require_perm(by, "buendnis.change_sitzung", in_sitzung)
    sitzung = _gesperrte_sitzung(sitzung)
    in_sitzung = Sitzung.objects.select_for_update().get(pk=in_sitzung.pk)
    if sitzung.protokoll_gesperrt:
        raise ValidationError(_("Das Protokoll dieser Sitzung ist schon genehmigt."))
    if sitzung.status != SitzungStatus.DURCHGEFUEHRT:
        raise ValidationError(_("Nur das Protokoll einer durchgeführten Sitzung lässt sich genehmigen."))
    if in_sitzung.gremium_id != sitzung.gremium_id or in_sitzung.beginn <= sitzung.beginn:
        raise ValidationError(_("Ein Protokoll genehmigt eine spätere Sitzung desselben Gremiums."))
    if in_sitzung.protokoll_gesperrt:
        raise ValidationError(
            _(
                "Das Protokoll der genehmigenden Sitzung ist schon genehmigt; dort lässt sich nichts mehr eintragen."
            )
        )
    if not darf_protokolle_genehmigen(in_sitzung):
        raise ValidationError(
            _("Genehmigt wird in der Sitzung selbst: Sie muss heute stattfinden oder durchgeführt sein.")
        )
    sitzung.protokoll_genehmigt_am = timezone.now()
    sitzung.protokoll_genehmigt_in = in_sitzung
    sitzung.save(update_fields=["protokoll_genehmigt_am", "protokoll_genehmigt_in", "updated_at"])
    return sitzung


# Tasks: who is told ------------------------------------------------------------------------------------------------


def _aufgabe_zugewiesen_melden(aufgabe: Aufgabe, by: User) -> None:
    """Tells the person (else the staff of the organisation) a task was given to; nobody about their own act."""
    if aufgabe.zustaendig_id:
        empfaenger = [aufgabe.zustaendig]
    elif aufgabe.akteur_id:
        empfaenger = list(akteur_personal(aufgabe.akteur_id))
    else:
        return
    zeilen = [_("Ihnen wurde eine Aufgabe übertragen: %(t)s") % {"t": aufgabe.titel}]
    if aufgabe.beschluss_id:
        zeilen.append(_("Beschluss: %(text)s") % {"text": aufgabe.beschluss.text})
    if aufgabe.faellig_am:
        zeilen.append(_("Fällig am: %(d)s") % {"d": f"{aufgabe.faellig_am:%d.%m.%Y}"})
    if aufgabe.gremium_id:
        zeilen.append(_("Gremium: %(g)s") % {"g": aufgabe.gremium.name})
    if aufgabe.akteur_id:
        zeilen.append(_("Verantwortlicher Akteur: %(a)s") % {"a": aufgabe.akteur.name})
    benachrichtigen(
        empfaenger=empfaenger,
        art=BenachrichtigungArt.AUFGABE_ZUGEWIESEN,
        titel=_("Neue Aufgabe: %(t)s") % {"t": aufgabe.titel},
        text="\n".join(zeilen),
        link=aufgabe.get_absolute_url(),
        ausser=by,
    )


# What the approved minutes record about a task: it stays as decided.
AUFGABE_IM_PROTOKOLL = ("titel", "gremium_id", "akteur_id", "zustaendig_id", "faellig_am")


def _aufgabe_gesperrt(aufgabe: Aufgabe) -> bool:
    ids = {aufgabe.sitzung_id, aufgabe.beschluss.sitzung_id if aufgabe.beschluss_id else None} - {None}
    return Sitzung.objects.filter(pk__in=ids, protokoll_genehmigt_am__isnull=False).exists()


@transaction.atomic
def aufgabe_anlegen(*, aufgabe: Aufgabe, by: User) -> Aufgabe:
    """Records a new task (from the task form) and tells the person or organisation it is given to."""
    require_perm(by, "buendnis.add_aufgabe", aufgabe)
    aufgabe.full_clean()
    aufgabe.save()
    _aufgabe_zugewiesen_melden(aufgabe, by)
    return aufgabe


@transaction.atomic
def aufgabe_aendern(*, aufgabe: Aufgabe, by: User) -> Aufgabe:
    """Saves a changed task (its form's changes on `aufgabe`); a new person or organisation is told. What the
    approved minutes of its meeting record (title, owner, deadline) no longer changes."""
    vorher = Aufgabe.objects.select_for_update(of=("self",)).select_related("beschluss").get(pk=aufgabe.pk)
    require_perm(by, "buendnis.change_aufgabe", vorher)
    if any(getattr(aufgabe, f) != getattr(vorher, f) for f in AUFGABE_IM_PROTOKOLL) and _aufgabe_gesperrt(
        vorher
    ):
        raise ValidationError(
            _(
                "Die Aufgabe steht in einem genehmigten Protokoll: Titel, Verantwortliche, Frist und Gremium "
                "bleiben, wie beschlossen. Den Stand melden Sie weiterhin."
            )
        )
    aufgabe.full_clean()
    aufgabe.save()
    neu_zustaendig = aufgabe.zustaendig_id and aufgabe.zustaendig_id != vorher.zustaendig_id
    neuer_akteur = not aufgabe.zustaendig_id and aufgabe.akteur_id and aufgabe.akteur_id != vorher.akteur_id
    if neu_zustaendig or neuer_akteur:
        _aufgabe_zugewiesen_melden(aufgabe, by)
    return aufgabe


ERLAUBTE_DOKUMENTENDUNGEN = {".pdf", ".docx", ".odt", ".doc", ".txt"}


@transaction.atomic
def dokument_hochladen(
    *, vereinbarung: Verfahrensvereinbarung, datei, by: User, kommentar: str = ""
) -> Vereinbarungsdokument:
    """Stores a new version of an agreement's document; earlier versions stay downloadable."""
    require_perm(by, "buendnis.change_verfahrensvereinbarung", vereinbarung)
    pruefe_dokument(
        datei,
        endungen=ERLAUBTE_DOKUMENTENDUNGEN,
        falsche_endung=_("Erlaubt sind nur PDF-, Word-, OpenDocument- und Textdateien."),
    )
    Verfahrensvereinbarung.objects.select_for_update().filter(pk=vereinbarung.pk).first()
    version = (vereinbarung.dokumente.aggregate(m=Max("version"))["m"] or 0) + 1
    dokument = Vereinbarungsdokument(
        vereinbarung=vereinbarung, version=version, datei=datei, kommentar=kommentar, hochgeladen_von=by
    )
    dokument.full_clean()
    dokument.save()
    return dokument


# Contact persons: erasure (DSGVO Art. 17) ---------------------------------------------------------------------------

# Stored as the German msgid in the Akteur's history and translated where the history is shown.
VERMERK_PERSON_GELOESCHT = gettext_noop("Ansprechperson gelöscht")


@transaction.atomic
def ansprechperson_loeschen(*, person: Ansprechperson, by: User) -> Akteur:
    """Erases an Akteur's contact person (who left, or objects under DSGVO Art. 17): the row and every record of
    it in the change history, so that its name, function, e-mail and phone are gone. Offers, forums and
    memberships that named the person keep existing without it and count as changed (open-data and HSDS
    consumers that sync by modification date see the contact gone). The Akteur's history records the erasure by
    whom and when, without the person's data. Returns the Akteur."""
    aktuell = (
        Ansprechperson.objects.select_for_update(of=("self",))
        .select_related("akteur")
        .filter(pk=person.pk)
        .first()
    )
    if aktuell is None:
        raise ValidationError(_("Die Ansprechperson ist bereits gelöscht."))
    require_perm(by, "buendnis.delete_ansprechperson", aktuell)
    akteur, pk = aktuell.akteur, aktuell.pk
    jetzt = timezone.now()
    for feld in verweise_auf_person():
        aenderung = {feld.name: None}
        if any(f.name == "updated_at" for f in feld.model._meta.concrete_fields):
            aenderung["updated_at"] = jetzt
        feld.model._base_manager.filter(**{feld.name: aktuell}).update(**aenderung)
    aktuell.delete()
    # The delete itself wrote one more record with the person's data: remove it with all earlier ones.
    Ansprechperson.history.filter(id=pk).delete()
    Akteur.history.bulk_history_create(
        [akteur], update=True, default_user=by, default_change_reason=VERMERK_PERSON_GELOESCHT
    )
    return akteur
