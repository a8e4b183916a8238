"""Writes of the offer catalogue: entry by the Kommunen, the review workflow, quality checks, confirmation.

Every write bumps `Angebot.version` (optimistic locking): an edit based on an older version is refused with a
German message listing what changed in between; nothing is silently overwritten.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from angebote.models import (
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Pruefergebnis,
    Statuswechsel,
    Zugang,
    ZugangArt,
)
from buendnis.choices import Rolle
from buendnis.models import Kommune, User
from buendnis.rules import require_perm
from buendnis.versioning import Changes, bump, check_version, lock
from buendnis.workflow import Transition, TransitionTable


S = AngebotStatus
# The review workflow: which step leads from which states to which state, and who may take it.
TRANSITIONS = TransitionTable(
    [
        Transition(
            (S.ENTWURF,),
            S.ZUR_PRUEFUNG,
            "angebote.submit_angebot",
            action="einreichen",
            label=gettext_lazy("Zur Prüfung einreichen"),
        ),
        Transition(
            (S.ENTWURF, S.ZUR_PRUEFUNG),
            S.VEROEFFENTLICHT,
            "angebote.publish_angebot",
            action="veroeffentlichen",
            label=gettext_lazy("Veröffentlichen"),
        ),
        Transition(
            (S.ZUR_PRUEFUNG, S.VEROEFFENTLICHT),
            S.ENTWURF,
            "angebote.return_angebot",
            action="zurueckgeben",
            label=gettext_lazy("Mit Kommentar zurückgeben"),
            comment_required=True,
        ),
        Transition(
            (S.ZUR_PRUEFUNG, S.VEROEFFENTLICHT),
            S.ENTWURF,
            "angebote.withdraw_angebot",
            action="zuruecknehmen",
            label=gettext_lazy("Zur Überarbeitung zurücknehmen"),
        ),
        Transition(
            (S.ENTWURF, S.ZUR_PRUEFUNG, S.VEROEFFENTLICHT),
            S.ARCHIVIERT,
            "angebote.archive_angebot",
            action="archivieren",
            label=gettext_lazy("Archivieren"),
        ),
        Transition(
            (S.ARCHIVIERT,),
            S.ENTWURF,
            "angebote.reactivate_angebot",
            action="reaktivieren",
            label=gettext_lazy("Reaktivieren (als Entwurf)"),
        ),
    ]
)


def moegliche_aktionen(angebot: Angebot, user: User) -> list[Transition]:
    """The workflow steps this user may take on this offer now (for the buttons on the detail page)."""
    return TRANSITIONS.available(angebot, user)


@transaction.atomic
def angebot_transition(*, angebot: Angebot, aktion: str, by: User, kommentar: str = "") -> Angebot:
    """Takes one step of the review workflow and records it (who, when, from, to, comment)."""
    transition = TRANSITIONS.get(aktion)
    if transition is None:
        raise ValidationError(_("Unbekannte Aktion „%(aktion)s“.") % {"aktion": aktion})
    current = lock(angebot)
    require_perm(by, transition.perm, current)
    if current.status not in transition.sources:
        raise ValidationError(
            _("„%(aktion)s“ ist im Status „%(status)s“ nicht möglich.")
            % {"aktion": transition.label, "status": current.get_status_display()}
        )
    kommentar = (kommentar or "").strip()
    if transition.comment_required and not kommentar:
        raise ValidationError(_("Bitte begründen Sie die Rückgabe in einem Kommentar."))
    if transition.target == S.VEROEFFENTLICHT and current.pruefung_ergebnis == Pruefergebnis.NICHT_GEEIGNET:
        raise ValidationError(
            _(
                "Das Angebot wurde in der Qualitätsprüfung als „nicht geeignet“ bewertet und kann nicht veröffentlicht werden."
            )
        )
    von = current.status
    current.status = transition.target
    if transition.target == S.VEROEFFENTLICHT:
        # Publishing after review confirms that the data are current.
        current.bestaetigt_am = timezone.localdate()
        current.rueckmeldung = ""
    if aktion == "zurueckgeben":
        current.rueckmeldung = kommentar
    bump(current)
    current.full_clean()
    current.save()
    Statuswechsel.objects.create(
        angebot=current, aktion=aktion, von=von, nach=current.status, kommentar=kommentar, durch=by
    )
    return current


def angebot_submit(*, angebot: Angebot, by: User) -> Angebot:
    return angebot_transition(angebot=angebot, aktion="einreichen", by=by)


def angebot_publish(*, angebot: Angebot, by: User) -> Angebot:
    return angebot_transition(angebot=angebot, aktion="veroeffentlichen", by=by)


def angebot_return(*, angebot: Angebot, kommentar: str, by: User) -> Angebot:
    return angebot_transition(angebot=angebot, aktion="zurueckgeben", kommentar=kommentar, by=by)


def angebot_withdraw(*, angebot: Angebot, by: User) -> Angebot:
    return angebot_transition(angebot=angebot, aktion="zuruecknehmen", by=by)


def angebot_archive(*, angebot: Angebot, by: User, kommentar: str = "") -> Angebot:
    return angebot_transition(angebot=angebot, aktion="archivieren", kommentar=kommentar, by=by)


def angebot_reactivate(*, angebot: Angebot, by: User) -> Angebot:
    return angebot_transition(angebot=angebot, aktion="reaktivieren", by=by)


@transaction.atomic
def angebot_record_check(
    *, angebot: Angebot, ergebnis: str, notiz: str = "", datum=None, by: User
) -> Angebot:
    """Records the quality check of an offer ("Qualität vorhandener Angebote überprüfen")."""
    current = lock(angebot)
    require_perm(by, "angebote.check_angebot", current)
    if ergebnis not in Pruefergebnis.values:
        raise ValidationError(_("Bitte wählen Sie ein Ergebnis der Qualitätsprüfung."))
    if ergebnis != Pruefergebnis.GEEIGNET and not (notiz or "").strip():
        raise ValidationError(_("Bitte begründen Sie das Ergebnis in der Notiz."))
    current.pruefung_am = datum or timezone.localdate()
    current.pruefung_durch = by
    current.pruefung_ergebnis = ergebnis
    current.pruefung_notiz = (notiz or "").strip()
    bump(current)
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def angebot_confirm(*, angebot: Angebot, by: User) -> Angebot:
    """Confirms that a published offer's data are still current (clears "Aktualität prüfen")."""
    current = lock(angebot)
    require_perm(by, "angebote.confirm_angebot", current)
    if current.status != S.VEROEFFENTLICHT:
        raise ValidationError(_("Nur veröffentlichte Angebote werden auf Aktualität bestätigt."))
    current.bestaetigt_am = timezone.localdate()
    bump(current)
    current.save()
    return current


# Entry and editing -----------------------------------------------------------------------------------------------


@dataclass
class ZugangDaten:
    """Access for one residence status as entered in the form or an import row."""

    status: Aufenthaltsstatus
    art: str  # "" = not recorded
    bedingung: str = ""
    oeffnung_moeglich: bool = False
    oeffnung_hinweis: str = ""


def neue_kennung() -> str:
    return f"A-{secrets.token_hex(4).upper()}"


def pruefe_zustaendigkeit(*, angebot: Angebot, kommunen: list[Kommune], by: User) -> None:
    """A Kommune enters only offers of its own Kommune (kreisweit: only with a Träger from its Kommune)."""
    if by.is_superuser or by.rolle != Rolle.KOMMUNE:
        return
    if angebot.kreisweit:
        if angebot.traeger.kommune_id != by.kommune_id:
            raise ValidationError(
                {
                    "traeger": _(
                        "Kreisweite Angebote kann Ihre Kommune nur für Träger aus der eigenen Kommune eintragen."
                    )
                }
            )
    elif {k.pk for k in kommunen} != {by.kommune_id}:
        raise ValidationError({"kommunen": _("Sie können nur Angebote Ihrer eigenen Kommune eintragen.")})


def _pruefe_ort(*, angebot: Angebot, kommunen: list[Kommune]) -> None:
    if angebot.kreisweit and kommunen:
        raise ValidationError(
            {
                "kommunen": _(
                    "Ein kreisweites Angebot hat keine einzelnen Kommunen. Bitte eines von beiden wählen."
                )
            }
        )
    if not angebot.kreisweit and not kommunen:
        raise ValidationError({"kommunen": _("Bitte wählen Sie mindestens eine Kommune oder „kreisweit“.")})
    fremd = [k.name for k in kommunen if k.buendnis_id != angebot.buendnis_id]
    if fremd:
        raise ValidationError(
            {
                "kommunen": _("Diese Kommunen gehören zu einem anderen Bündnis: %(k)s")
                % {"k": ", ".join(fremd)}
            }
        )


def _pruefe_anschluss(*, angebot: Angebot, anschlussangebote: list[Angebot]) -> None:
    for anschluss in anschlussangebote:
        if anschluss.buendnis_id != angebot.buendnis_id:
            raise ValidationError(
                {"anschlussangebote": _("Anschlussangebote müssen aus demselben Bündnis stammen.")}
            )
        if angebot.pk and anschluss.pk == angebot.pk:
            raise ValidationError(
                {"anschlussangebote": _("Ein Angebot kann nicht sein eigenes Anschlussangebot sein.")}
            )


def _speichere_zugaenge(angebot: Angebot, zugaenge: list[ZugangDaten]) -> None:
    bestehend = {z.status_id: z for z in angebot.zugaenge.all()}
    for daten in zugaenge:
        vorhanden = bestehend.get(daten.status.pk)
        if not daten.art:
            if vorhanden:
                vorhanden.delete()
            continue
        zugang = vorhanden or Zugang(angebot=angebot, status=daten.status)
        neu = (daten.art, daten.bedingung.strip(), daten.oeffnung_moeglich, daten.oeffnung_hinweis.strip())
        alt = (zugang.art, zugang.bedingung, zugang.oeffnung_moeglich, zugang.oeffnung_hinweis)
        if vorhanden and neu == alt:
            continue
        zugang.art, zugang.bedingung, zugang.oeffnung_moeglich, zugang.oeffnung_hinweis = neu
        if zugang.art == ZugangArt.OFFEN:
            zugang.bedingung = ""
        try:
            zugang.full_clean(exclude=["angebot"])
        except ValidationError as exc:
            raise ValidationError(
                _("Zugang für „%(status)s“: %(fehler)s")
                % {"status": daten.status, "fehler": " ".join(exc.messages)}
            ) from exc
        zugang.save()


def _zugaenge_seit(angebot: Angebot, changes: Changes) -> list[str]:
    """The access rows changed since the base version (they keep their own history)."""
    if changes.base is None:
        return []
    zugang_history = Zugang.history.filter(angebot_id=angebot.pk, history_date__gt=changes.base.history_date)
    status_ids = sorted({h.status_id for h in zugang_history})
    if not status_ids:
        return []
    namen = Aufenthaltsstatus.objects.filter(pk__in=status_ids).values_list("bezeichnung", flat=True)
    return [_("Zugang für: %(s)s") % {"s": ", ".join(namen)}]


def pruefe_version(current: Angebot, version: int | None) -> None:
    """Refuses a save based on an older version of the offer, naming who changed what since."""
    if version is None:
        raise ValidationError(_("Die Version des Angebots fehlt; bitte laden Sie das Formular neu."))

    def refusal(changes: Changes) -> str:
        wer = ""
        if changes.latest is not None:
            person = changes.by
            wer = _(" von %(person)s am %(zeit)s") % {
                "person": person.anzeigename() if person else _("System"),
                "zeit": localize(timezone.localtime(changes.latest.history_date)),
            }
        felder = [c.label for c in changes.fields] + _zugaenge_seit(current, changes)
        return _(
            "Das Angebot wurde inzwischen%(wer)s geändert (Ihre Fassung: Version %(alt)d, aktuell: Version "
            "%(neu)d). Geändert wurde: %(felder)s. Ihre Eingaben wurden nicht gespeichert. Bitte laden Sie das "
            "Angebot neu und übernehmen Sie Ihre Änderungen in die aktuelle Fassung."
        ) % {
            "wer": wer,
            "alt": version,
            "neu": current.version,
            "felder": ", ".join(felder) if felder else _("nicht näher bekannt"),
        }

    check_version(current, version, refusal=refusal)


@transaction.atomic
def angebot_create(
    *,
    angebot: Angebot,
    kommunen: list[Kommune],
    anschlussangebote: list[Angebot] = (),
    zugaenge: list[ZugangDaten] = (),
    by: User,
) -> Angebot:
    """Enters a new offer as a draft of the user's Bündnis."""
    require_perm(by, "angebote.add_angebot")
    if not by.is_superuser or not angebot.buendnis_id:
        angebot.buendnis_id = by.buendnis_id
    kommunen, anschlussangebote = list(kommunen), list(anschlussangebote)
    angebot.status = S.ENTWURF
    angebot.version = 1
    angebot.erstellt_von = by
    angebot.kennung = (angebot.kennung or "").strip() or neue_kennung()
    _pruefe_ort(angebot=angebot, kommunen=kommunen)
    angebot.full_clean()
    pruefe_zustaendigkeit(angebot=angebot, kommunen=kommunen, by=by)
    _pruefe_anschluss(angebot=angebot, anschlussangebote=anschlussangebote)
    angebot.save()
    angebot.kommunen.set(kommunen)
    angebot.anschlussangebote.set(anschlussangebote)
    _speichere_zugaenge(angebot, list(zugaenge))
    return angebot


@transaction.atomic
def angebot_update(
    *,
    angebot: Angebot,
    kommunen: list[Kommune],
    anschlussangebote: list[Angebot] = (),
    zugaenge: list[ZugangDaten] = (),
    version: int,
    by: User,
) -> Angebot:
    """Saves an edited offer; refused when the stored version moved on since the form was loaded.

    `angebot` carries the edited values (a form instance); permission is checked against the stored row and
    the Kommune rule against the new values, so a Kommune can neither edit nor move an offer out of its scope.
    """
    current = lock(angebot)
    require_perm(by, "angebote.change_angebot", current)
    pruefe_version(current, version)
    kommunen, anschlussangebote = list(kommunen), list(anschlussangebote)
    # Fields outside the form never come from it.
    for feld in (
        "buendnis_id",
        "status",
        "erstellt_von_id",
        "pruefung_am",
        "pruefung_durch_id",
        "pruefung_ergebnis",
        "pruefung_notiz",
        "bestaetigt_am",
        "rueckmeldung",
        "created_at",
    ):
        setattr(angebot, feld, getattr(current, feld))
    angebot.version = current.version + 1
    _pruefe_ort(angebot=angebot, kommunen=kommunen)
    angebot.full_clean()
    pruefe_zustaendigkeit(angebot=angebot, kommunen=kommunen, by=by)
    _pruefe_anschluss(angebot=angebot, anschlussangebote=anschlussangebote)
    angebot.save()
    if {k.pk for k in kommunen} != set(current.kommunen.values_list("pk", flat=True)):
        angebot.kommunen.set(kommunen)
    if {a.pk for a in anschlussangebote} != set(current.anschlussangebote.values_list("pk", flat=True)):
        angebot.anschlussangebote.set(anschlussangebote)
    _speichere_zugaenge(angebot, list(zugaenge))
    return angebot
