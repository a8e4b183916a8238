"""Writes of the needs analysis: entering a Kommune's figures, closing a round, reminders, Datenlücken.
Never sees the request."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from bedarf import raster as grid
from bedarf import sperrmuster
from bedarf.models import (
    DATENLUECKE_UEBERGAENGE,
    Bedarfsmeldung,
    Datenluecke,
    DatenlueckeStatus,
    Erhebung,
    ErhebungStatus,
    Meldewert,
    MeldungStatus,
)
from bedarf.rules import enters_figures
from buendnis import benachrichtigungen
from buendnis.choices import Rolle
from buendnis.models import BenachrichtigungArt, Kommune, User
from buendnis.rules import require_perm
from buendnis.versioning import Changes, StaleVersion, bump, check_version


def _aenderungen_seit(
    meldung: Bedarfsmeldung, version: int, changes: Changes, raster: grid.Raster
) -> list[str]:
    """What changed since the user's version, as short German lines ("Schulabschluss: keiner: 4 → 5")."""
    alt = changes.base
    if alt is None:
        stand = {}
        alt_gesamt, alt_notizen = None, ""
    else:
        # The cells of a version are written right after its Meldung row, so the state of version v is the one
        # just before the Meldung row of version v+1 was saved.
        naechste = meldung.history.filter(version=version + 1).order_by("history_date").first()
        bis = (naechste.history_date if naechste else timezone.now()) - datetime.timedelta(microseconds=1)
        stand = {w.schluessel: w.anzahl for w in Meldewert.history.as_of(bis).filter(meldung_id=meldung.pk)}
        alt_gesamt, alt_notizen = alt.gesamt, alt.notizen
    jetzt = grid.werte_laden(meldung)
    zeilen = []
    if alt_gesamt != meldung.gesamt:
        zeilen.append(
            _("Zielgruppe insgesamt: %(a)s → %(n)s")
            % {
                "a": alt_gesamt if alt_gesamt is not None else "–",
                "n": meldung.gesamt if meldung.gesamt is not None else "–",
            }
        )
    for key in sorted(set(stand) | set(jetzt)):
        if stand.get(key, 0) != jetzt.get(key, 0):
            zeilen.append(f"{raster.label(key)}: {stand.get(key, 0)} → {jetzt.get(key, 0)}")
    if alt_notizen != meldung.notizen:
        zeilen.append(_("Anmerkungen wurden geändert."))
    return zeilen


@transaction.atomic
def bedarfsmeldung_speichern(
    *,
    erhebung: Erhebung,
    kommune: Kommune,
    gesamt: int | None,
    werte: dict[grid.Schluessel, int],
    notizen: str = "",
    version: int,
    abgeben: bool = False,
    by: User,
) -> Bedarfsmeldung:
    """Saves a Kommune's aggregate figures for an open round (optimistic locking on `version`).

    `version` is the version the user opened (0 for a Meldung not yet saved); a save on top of someone else's
    newer save is refused with the list of changes. A draft may be inconsistent; a delivered Meldung
    (`abgeben=True`, or one already delivered) must pass every consistency rule.
    """
    erhebung = Erhebung.objects.select_for_update().get(pk=erhebung.pk)
    meldung = Bedarfsmeldung.objects.select_for_update().filter(erhebung=erhebung, kommune=kommune).first()
    probe = meldung or Bedarfsmeldung(erhebung=erhebung, kommune=kommune)
    require_perm(by, "bedarf.change_bedarfsmeldung", probe)
    if not enters_figures(by, probe):
        # Superusers pass every permission; raw figures are still entered only by the Kommune itself.
        raise PermissionDenied(_("Nur die Kommune selbst trägt ihre Zahlen ein."))
    if kommune.buendnis_id != erhebung.buendnis_id:
        raise ValidationError(_("Die Kommune gehört nicht zum Bündnis dieser Erhebung."))
    if erhebung.status != ErhebungStatus.OFFEN:
        raise ValidationError(
            _("Die Erhebung ist abgeschlossen; die Zahlen können nicht mehr geändert werden.")
        )
    raster = grid.raster_fuer(erhebung, werte)
    aktuelle_version = meldung.version if meldung else 0
    if version > aktuelle_version or version < 0:
        # Not a version this Meldung ever had (a tampered form or template): nothing to compare against.
        raise StaleVersion(
            _(
                "Die Versionsangabe %(alt)d passt nicht zur Meldung (aktuell Version %(v)d). Ihre Eingaben wurden "
                "nicht gespeichert, sind aber unten erhalten. Bitte prüfen Sie die Werte und speichern Sie erneut."
            )
            % {"alt": version, "v": aktuelle_version},
            aktuelle_version=aktuelle_version,
        )

    def refusal(changes: Changes) -> str:
        wer = meldung.geaendert_von.anzeigename() if meldung.geaendert_von else "?"
        zeilen = _aenderungen_seit(meldung, version, changes, raster)
        return _(
            "Die Meldung wurde inzwischen von %(wer)s geändert (jetzt Version %(v)d, Ihre Fassung: Version "
            "%(alt)d). Ihre Eingaben wurden nicht gespeichert, sind aber unten erhalten. Geändert wurde: "
            "%(was)s. Bitte prüfen Sie die Werte und speichern Sie erneut."
        ) % {
            "wer": wer,
            "v": aktuelle_version,
            "alt": version,
            "was": "; ".join(zeilen[:15]) + (" …" if len(zeilen) > 15 else "")
            if zeilen
            else _("nichts an den Zahlen"),
        }

    if meldung is not None:
        check_version(meldung, version, refusal=refusal)
    if gesamt is not None and not 0 <= gesamt <= grid.HOECHSTANZAHL:
        raise ValidationError(
            _("Die Zielgruppe insgesamt muss eine ganze Zahl von 0 bis %(max)s sein.") % {"max": "999.999"}
        )
    bereits_abgegeben = meldung is not None and meldung.status == MeldungStatus.ABGEGEBEN
    if abgeben or bereits_abgegeben:
        fehler = grid.pruefe(raster, gesamt, werte)
    else:
        fehler = grid.pruefe_form(raster, werte)
    if fehler:
        raise ValidationError(fehler)

    if meldung is None:
        meldung = Bedarfsmeldung(erhebung=erhebung, kommune=kommune, version=0)
    meldung.gesamt = gesamt
    meldung.notizen = notizen
    bump(meldung)
    meldung.geaendert_von = by
    if abgeben and not bereits_abgegeben:
        meldung.status = MeldungStatus.ABGEGEBEN
        meldung.abgegeben_am = timezone.now()
    meldung.full_clean()
    meldung.save()

    # Only non-zero cells are stored; a cell set to 0 is deleted.
    vorhanden = {w.schluessel: w for w in Meldewert.objects.filter(meldung=meldung)}
    neu, geaendert = [], []
    for key, anzahl in werte.items():
        if key in vorhanden:
            if anzahl == 0:
                continue
            if vorhanden[key].anzahl != anzahl:
                vorhanden[key].anzahl = anzahl
                geaendert.append(vorhanden[key])
        elif anzahl:
            d, s, m, a, g = key
            neu.append(
                Meldewert(
                    meldung=meldung,
                    dimension=d,
                    aufenthaltsstatus=s,
                    merkmal=m,
                    altersband=a,
                    geschlecht=g,
                    anzahl=anzahl,
                )
            )
    weg = [w.pk for key, w in vorhanden.items() if werte.get(key, 0) == 0]
    if weg:
        for w in Meldewert.objects.filter(pk__in=weg):
            w.delete()  # one history row per deleted cell
    if neu:
        bulk_create_with_history(neu, Meldewert, default_user=by)
    if geaendert:
        bulk_update_with_history(geaendert, Meldewert, ["anzahl"], default_user=by)
    if meldung.status == MeldungStatus.ABGEGEBEN:
        # Delivered figures count in the analysis: its audited protection is renewed in the background.
        sperrmuster.erneuern_lassen(erhebung.pk)
    return meldung


def _kommune_personal_im_buendnis(buendnis_id: int):
    """The accounts of the staff of every Kommune of the Bündnis."""
    return User.objects.filter(rolle=Rolle.KOMMUNE, is_active=True, kommune__buendnis_id=buendnis_id)


def _erhebung_werte(erhebung: Erhebung) -> dict:
    return {
        "t": erhebung.titel,
        "s": f"{erhebung.stichtag:%d.%m.%Y}",
        "v": f"{erhebung.eingabe_von:%d.%m.%Y}",
        "b": f"{erhebung.eingabe_bis:%d.%m.%Y}",
    }


@transaction.atomic
def erhebung_eroeffnen(*, erhebung: Erhebung, by: User) -> Erhebung:
    """Opens a new survey round of the Bündnis (saved as entered) and tells the Kommunen to enter their
    figures."""
    require_perm(by, "bedarf.add_erhebung")
    erhebung.status = ErhebungStatus.OFFEN
    erhebung.full_clean()
    erhebung.save()
    werte = _erhebung_werte(erhebung)
    text = (
        _(
            "Die Geschäftsführende Stelle hat die Erhebung „%(t)s“ (Stichtag %(s)s) eröffnet. Bitte tragen Sie "
            "die Zahlen Ihrer Kommune vom %(v)s bis zum %(b)s ein."
        )
        % werte
    )
    if erhebung.hinweise.strip():
        text += "\n\n" + _("Hinweise: %(h)s") % {"h": erhebung.hinweise.strip()}
    benachrichtigungen.benachrichtigen(
        empfaenger=_kommune_personal_im_buendnis(erhebung.buendnis_id),
        art=BenachrichtigungArt.ERHEBUNG_EROEFFNET,
        titel=_("Erhebung eröffnet: „%(t)s“ (Eingabe bis %(b)s)") % werte,
        text=text,
        link=reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk]),
        ausser=by,
    )
    return erhebung


@transaction.atomic
def erhebung_abschliessen(*, erhebung: Erhebung, by: User) -> Erhebung:
    """Closes a round: its figures become read-only and stay comparable with later rounds.
    Drafts that were never delivered do not count in the analysis. The Kommunen and the coordination learn it."""
    erhebung = Erhebung.objects.select_for_update().get(pk=erhebung.pk)
    if erhebung.status != ErhebungStatus.OFFEN:
        raise ValidationError(_("Die Erhebung ist bereits abgeschlossen."))
    require_perm(by, "bedarf.abschliessen_erhebung", erhebung)
    erhebung.status = ErhebungStatus.ABGESCHLOSSEN
    erhebung.abgeschlossen_am = timezone.now()
    erhebung.abgeschlossen_von = by
    erhebung.full_clean()
    erhebung.save()
    abgegeben = erhebung.meldungen.filter(status=MeldungStatus.ABGEGEBEN).count()
    kommunen = Kommune.objects.filter(buendnis_id=erhebung.buendnis_id).count()
    benachrichtigungen.benachrichtigen(
        empfaenger=[
            *_kommune_personal_im_buendnis(erhebung.buendnis_id),
            *benachrichtigungen.koordination(erhebung.buendnis_id),
        ],
        art=BenachrichtigungArt.ERHEBUNG_ABGESCHLOSSEN,
        titel=_("Erhebung abgeschlossen: „%(t)s“") % _erhebung_werte(erhebung),
        text=_(
            "Die Erhebung „%(t)s“ (Stichtag %(s)s) ist abgeschlossen; die Zahlen sind jetzt schreibgeschützt. "
            "%(n)d von %(m)d Kommunen haben ihre Zahlen abgegeben."
        )
        % {**_erhebung_werte(erhebung), "n": abgegeben, "m": kommunen},
        link=erhebung.get_absolute_url(),
        ausser=by,
    )
    return erhebung


def erinnerung_pruefen(*, erhebung: Erhebung, kommunen: Iterable[Kommune]) -> None:
    """Refuses a chosen set of Kommunen for a reminder unless every one belongs to the round's Bündnis and has not
    delivered yet; the whole reminder is refused then, so nobody is reminded on the strength of a wrong choice."""
    kommunen = list(kommunen)
    if not kommunen:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Kommune aus."))
    if any(k.buendnis_id != erhebung.buendnis_id for k in kommunen):
        # Not named: the Kommune belongs to another alliance.
        raise ValidationError(
            _(
                "Mindestens eine der ausgewählten Kommunen gehört nicht zum Bündnis dieser Erhebung. "
                "Es wurde keine Erinnerung verschickt."
            )
        )
    abgegeben = set(
        erhebung.meldungen.filter(
            status=MeldungStatus.ABGEGEBEN, kommune_id__in=[k.pk for k in kommunen]
        ).values_list("kommune_id", flat=True)
    )
    if abgegeben:
        namen = ", ".join(sorted(k.name for k in kommunen if k.pk in abgegeben))
        raise ValidationError(
            ngettext(
                "%(namen)s hat die Zahlen bereits abgegeben und wird nicht erinnert. Es wurde keine Erinnerung "
                "verschickt; bitte wählen Sie erneut aus.",
                "%(namen)s haben die Zahlen bereits abgegeben und werden nicht erinnert. Es wurde keine "
                "Erinnerung verschickt; bitte wählen Sie erneut aus.",
                len(abgegeben),
            )
            % {"namen": namen}
        )


def erinnerung_empfaenger(*, erhebung: Erhebung, kommunen: Iterable[Kommune] | None = None) -> QuerySet[User]:
    """Who a reminder of the round reaches: the active staff of the chosen Kommunen (without a choice: of every
    Kommune of the Bündnis that has not delivered yet)."""
    empfaenger = _kommune_personal_im_buendnis(erhebung.buendnis_id)
    if kommunen is not None:
        return empfaenger.filter(kommune_id__in=[k.pk for k in kommunen])
    abgegeben = erhebung.meldungen.filter(status=MeldungStatus.ABGEGEBEN).values("kommune_id")
    return empfaenger.exclude(kommune_id__in=abgegeben)


@transaction.atomic
def erhebung_erinnern(*, erhebung: Erhebung, kommunen: Iterable[Kommune] | None = None, by: User) -> int:
    """Reminds the staff of the Kommunen that have not delivered yet (in their list, and by e-mail as each
    chose); returns the number of people reminded.

    With `kommunen`, only those are reminded; each must belong to the round's Bündnis and must not have delivered,
    else nobody is reminded (`erinnerung_pruefen`). Each person's notification records who was reminded when."""
    erhebung = Erhebung.objects.select_for_update().get(pk=erhebung.pk)
    if erhebung.status != ErhebungStatus.OFFEN:
        raise ValidationError(_("Die Erhebung ist abgeschlossen; eine Erinnerung ist nicht mehr nötig."))
    require_perm(by, "bedarf.erinnern_erhebung", erhebung)
    if kommunen is not None:
        kommunen = list(kommunen)
        erinnerung_pruefen(erhebung=erhebung, kommunen=kommunen)
    werte = _erhebung_werte(erhebung)
    erinnert = benachrichtigungen.benachrichtigen(
        empfaenger=erinnerung_empfaenger(erhebung=erhebung, kommunen=kommunen),
        art=BenachrichtigungArt.ERHEBUNG_ERINNERUNG,
        titel=_("Erinnerung: %(t)s") % werte,
        text=_(
            "Für die Erhebung „%(t)s“ (Stichtag %(s)s) liegt von Ihrer Kommune noch keine abgegebene Meldung "
            "vor. Bitte tragen Sie die Zahlen bis zum %(b)s ein.\n\nIhre Geschäftsführende Stelle"
        )
        % werte,
        link=erinnerung_link(erhebung),
        ausser=by,
    )
    erhebung.letzte_erinnerung = timezone.now()
    erhebung.save(update_fields=["letzte_erinnerung", "updated_at"])
    return len(erinnert)


def erinnerung_link(erhebung: Erhebung) -> str:
    """The link of a reminder: with its kind, it tells the round's reminders apart in the notifications."""
    return reverse("bedarf:meldung-bearbeiten", args=[erhebung.pk])


@transaction.atomic
def datenluecke_vorschlagen(*, titel: str, beschreibung: str = "", by: User) -> Datenluecke:
    """A member proposes a data point that is not collected yet."""
    require_perm(by, "bedarf.add_datenluecke")
    luecke = Datenluecke(
        buendnis_id=by.buendnis_id,
        titel=titel,
        beschreibung=beschreibung,
        vorgeschlagen_von=by,
        akteur_id=by.akteur_id,
    )
    luecke.full_clean()
    luecke.save()
    return luecke


@transaction.atomic
def datenluecke_status_setzen(
    *, luecke: Datenluecke, status: str, entscheidung: str = "", erhebung: Erhebung | None = None, by: User
) -> Datenluecke:
    """The Koordination decides on a proposal: take it into the next round, or reject it."""
    luecke = Datenluecke.objects.select_for_update().get(pk=luecke.pk)
    require_perm(by, "bedarf.change_datenluecke", luecke)
    if DATENLUECKE_UEBERGAENGE.find(luecke.status, status) is None:
        raise ValidationError(
            _("Der Status kann nicht von „%(a)s“ auf „%(n)s“ wechseln.")
            % {"a": luecke.get_status_display(), "n": DatenlueckeStatus(status).label}
        )
    if erhebung is not None and erhebung.buendnis_id != luecke.buendnis_id:
        raise ValidationError(_("Die Erhebung gehört zu einem anderen Bündnis."))
    luecke.status = status
    luecke.entscheidung = entscheidung
    luecke.erhebung = erhebung if status == DatenlueckeStatus.NAECHSTE_ERHEBUNG else None
    luecke.full_clean()
    luecke.save()
    return luecke
