"""Writes of the offer catalogue: entry by the Kommunen, the review workflow, quality checks, confirmation.

Every write bumps `Angebot.version` (optimistic locking): an edit based on an older version is refused with a
German message listing what changed in between; nothing is silently overwritten.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from angebote.models import (
    UEBERSETZBARE_FELDER,
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Pruefergebnis,
    Statuswechsel,
    Zugang,
    ZugangArt,
)
from angebote.rules import kommune_owns, may_enter_angebot
from buendnis import benachrichtigungen
from buendnis.bulk import Tabelle
from buendnis.cells import fold
from buendnis.models import BenachrichtigungArt, Kommune, User
from buendnis.rules import is_mitglied, require_perm
from buendnis.versioning import Changes, bump, check_version, lock
from buendnis.workflow import Transition, TransitionTable

S = AngebotStatus
# The review workflow: which step leads from which states to which state, and who may take it. The two steps back
# to the draft carry names that cannot be confused: the owner withdraws an offer to go on editing it; the
# coordination sends it back to the Kommune with a comment.
TRANSITIONS = TransitionTable(
    [
        Transition(
            (S.ENTWURF,),
            S.ZUR_PRUEFUNG,
            "angebote.submit_angebot",
            action="einreichen",
            label=gettext_lazy("Zur Prüfung einreichen"),
            success_message=gettext_lazy(
                "„%(obj)s“ ist zur Prüfung eingereicht. Die Koordination wird benachrichtigt und prüft es."
            ),
        ),
        Transition(
            (S.ENTWURF, S.ZUR_PRUEFUNG),
            S.VEROEFFENTLICHT,
            "angebote.publish_angebot",
            action="veroeffentlichen",
            label=gettext_lazy("Veröffentlichen"),
            success_message=gettext_lazy(
                "„%(obj)s“ ist veröffentlicht und im öffentlichen Katalog zu finden."
            ),
        ),
        Transition(
            (S.ZUR_PRUEFUNG, S.VEROEFFENTLICHT),
            S.ENTWURF,
            "angebote.return_angebot",
            action="zurueckgeben",
            label=gettext_lazy("An die Kommune zurückgeben (mit Kommentar)"),
            comment_required=True,
            success_message=gettext_lazy(
                "„%(obj)s“ ist mit Ihrem Kommentar an die Kommune zurückgegeben und wieder ein Entwurf."
            ),
        ),
        Transition(
            (S.ZUR_PRUEFUNG, S.VEROEFFENTLICHT),
            S.ENTWURF,
            "angebote.withdraw_angebot",
            action="zuruecknehmen",
            label=gettext_lazy("Zurückziehen und weiter bearbeiten"),
            success_message=gettext_lazy(
                "„%(obj)s“ ist zurückgezogen und wieder ein Entwurf. Sie können es jetzt bearbeiten und erneut "
                "einreichen."
            ),
        ),
        Transition(
            (S.ENTWURF, S.ZUR_PRUEFUNG, S.VEROEFFENTLICHT),
            S.ARCHIVIERT,
            "angebote.archive_angebot",
            action="archivieren",
            label=gettext_lazy("Archivieren"),
            success_message=gettext_lazy("„%(obj)s“ ist archiviert und erscheint nicht mehr im Katalog."),
        ),
        Transition(
            (S.ARCHIVIERT,),
            S.ENTWURF,
            "angebote.reactivate_angebot",
            action="reaktivieren",
            label=gettext_lazy("Reaktivieren (als Entwurf)"),
            success_message=gettext_lazy("„%(obj)s“ ist wieder ein Entwurf und kann bearbeitet werden."),
        ),
    ]
)
# The main step of an offer's page, in this order of preference: the first one the user may take now is the page's
# one primary button (the coordination publishes what waits for review, the owner submits a draft).
HAUPTAKTIONEN = ("veroeffentlichen", "einreichen", "reaktivieren")
# The steps the offer list offers for many offers at once.
SAMMELAKTIONEN = ("einreichen", "veroeffentlichen")


def pruefe_teilnahmewege(angebot: Angebot) -> None:
    """Refuses publishing an offer that names no way to take part (contact, place, times), listing every gap.

    The one rule for every path that makes or keeps an offer published: the workflow step, an edit or an import
    of a published offer, the admin."""
    fehlt = angebot.fehlende_teilnahmewege()
    if fehlt:
        raise ValidationError(
            _("Das Angebot kann noch nicht veröffentlicht werden: %(fehlt)s") % {"fehlt": " ".join(fehlt)}
        )


def pruefe_veroeffentlichtes(angebot: Angebot, status: str) -> None:
    """A published offer keeps a way to take part: an edit that removes it is refused."""
    if status != S.VEROEFFENTLICHT:
        return
    fehlt = angebot.fehlende_teilnahmewege()
    if fehlt:
        raise ValidationError(
            _(
                "Das Angebot ist veröffentlicht und braucht weiterhin einen Weg zur Teilnahme. "
                "Bitte ergänzen Sie: %(fehlt)s"
            )
            % {"fehlt": " ".join(fehlt)}
        )


def moegliche_aktionen(angebot: Angebot, user: User) -> list[Transition]:
    """The workflow steps this user may take on this offer now (for the buttons on the detail page)."""
    return TRANSITIONS.available(angebot, user)


def hindernis(*, angebot: Angebot, aktion: str, by: User, kommentar: str = "") -> str:
    """Why this user cannot take this step on this offer now, in German; `""` when nothing stands in the way.

    The checks `angebot_transition` applies, read without writing (the confirmation page of a bulk action names
    each row that cannot move and why)."""
    try:
        _pruefe_schritt(angebot, TRANSITIONS.get(aktion), by, kommentar, aktion=aktion)
    except PermissionDenied:
        return _("Dazu fehlt Ihnen bei diesem Angebot das Recht.")
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def _pruefe_schritt(
    current: Angebot, transition: Transition | None, by: User, kommentar: str, *, aktion: str
) -> None:
    if transition is None:
        raise ValidationError(_("Unbekannte Aktion „%(aktion)s“.") % {"aktion": aktion})
    require_perm(by, transition.perm, current)
    if current.status not in transition.sources:
        raise ValidationError(
            _("„%(aktion)s“ ist im Status „%(status)s“ nicht möglich.")
            % {"aktion": transition.label, "status": current.get_status_display()}
        )
    if transition.comment_required and not kommentar:
        raise ValidationError(_("Bitte begründen Sie die Rückgabe in einem Kommentar."))
    if transition.target == S.VEROEFFENTLICHT and current.pruefung_ergebnis == Pruefergebnis.NICHT_GEEIGNET:
        raise ValidationError(
            _(
                "Das Angebot wurde in der Qualitätsprüfung als „nicht geeignet“ bewertet und kann nicht veröffentlicht werden."
            )
        )
    if transition.target == S.VEROEFFENTLICHT:
        pruefe_teilnahmewege(current)


@transaction.atomic
def angebot_transition(*, angebot: Angebot, aktion: str, by: User, kommentar: str = "") -> Angebot:
    """Takes one step of the review workflow and records it (who, when, from, to, comment)."""
    transition = TRANSITIONS.get(aktion)
    if transition is None:
        raise ValidationError(_("Unbekannte Aktion „%(aktion)s“.") % {"aktion": aktion})
    current = lock(angebot)
    kommentar = (kommentar or "").strip()
    _pruefe_schritt(current, transition, by, kommentar, aktion=aktion)
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
    _benachrichtige_statuswechsel(current, aktion, by, kommentar)
    return current


@dataclass
class Sammelergebnis:
    """What a bulk step did: the offers it moved and, per offer it did not move, the reason."""

    erledigt: list[Angebot] = field(default_factory=list)
    abgelehnt: list[tuple[Angebot, str]] = field(default_factory=list)


@transaction.atomic
def angebote_sammelaktion(*, angebote: Iterable[Angebot], aktion: str, by: User) -> Sammelergebnis:
    """Takes one workflow step (`SAMMELAKTIONEN`) on many offers: "Zur Prüfung einreichen" for imported drafts,
    "Veröffentlichen" for the review queue.

    Each offer goes through `angebot_transition` in its own savepoint: an offer that cannot move (no right,
    wrong status, no way to take part) is left as it was and named with its reason, the others move (the
    confirmation page listed both groups). An unexpected error undoes the whole batch."""
    if aktion not in SAMMELAKTIONEN:
        raise ValidationError(_("Diese Aktion gibt es nicht für mehrere Angebote."))
    ergebnis = Sammelergebnis()
    for angebot in angebote:
        try:
            ergebnis.erledigt.append(angebot_transition(angebot=angebot, aktion=aktion, by=by))
        except PermissionDenied:
            ergebnis.abgelehnt.append((angebot, _("Dazu fehlt Ihnen bei diesem Angebot das Recht.")))
        except ValidationError as exc:
            ergebnis.abgelehnt.append((angebot, " ".join(exc.messages)))
    return ergebnis


def _angebot_orte(angebot: Angebot) -> str:
    if angebot.kreisweit:
        return _("kreisweit")
    return ", ".join(sorted(k.name for k in angebot.kommunen.all())) or _("ohne Kommune")


def angebot_verantwortliche(angebot: Angebot) -> list[User]:
    """Who answers for an offer: the staff of the Kommune that owns it (`kommune_owns`), the person who submitted
    it and the staff of its Träger; only those who may see the offer in its current state."""
    kommunen = list(angebot.kommunen.all())
    kandidaten = {angebot.traeger.kommune_id} if angebot.kreisweit else {k.pk for k in kommunen}
    personen = [
        u
        for kommune_id in kandidaten
        if kommune_owns(kommune_id, angebot=angebot, kommunen=kommunen)
        for u in benachrichtigungen.kommune_personal(kommune_id)
    ]
    einreichung = (
        angebot.statuswechsel.filter(aktion="einreichen")
        .select_related("durch")
        .order_by("zeitpunkt", "pk")
        .last()
    )
    if einreichung is not None and einreichung.durch is not None:
        personen.append(einreichung.durch)
    personen += list(benachrichtigungen.akteur_personal(angebot.traeger_id))
    return [
        u
        for u in personen
        if u.buendnis_id == angebot.buendnis_id and u.has_perm("angebote.view_angebot", angebot)
    ]


def _benachrichtige_statuswechsel(angebot: Angebot, aktion: str, by: User, kommentar: str) -> None:
    """Submitted: the coordination reviews it. Sent back or published: those who answer for the offer learn it."""
    werte = {
        "t": angebot.titel,
        "traeger": angebot.traeger,
        "orte": _angebot_orte(angebot),
        "wer": by.anzeigename(),
    }
    if aktion == "einreichen":
        if by.kommune_id:
            werte["wer"] = f"{werte['wer']} ({by.kommune})"
        benachrichtigungen.benachrichtigen(
            empfaenger=benachrichtigungen.koordination(angebot.buendnis_id),
            art=BenachrichtigungArt.ANGEBOT_EINGEREICHT,
            titel=_("Angebot zur Prüfung eingereicht: „%(t)s“") % werte,
            text=_(
                "%(wer)s hat das Angebot „%(t)s“ (Träger: %(traeger)s; %(orte)s) zur Prüfung eingereicht. "
                "Bitte prüfen Sie es und veröffentlichen Sie es oder geben Sie es mit einem Kommentar zurück."
            )
            % werte,
            link=angebot.get_absolute_url(),
            ausser=by,
        )
    elif aktion == "zurueckgeben":
        benachrichtigungen.benachrichtigen(
            empfaenger=angebot_verantwortliche(angebot),
            art=BenachrichtigungArt.ANGEBOT_ZURUECKGEGEBEN,
            titel=_("Angebot zur Überarbeitung zurückgegeben: „%(t)s“") % werte,
            text=_(
                "%(wer)s hat das Angebot „%(t)s“ (Träger: %(traeger)s; %(orte)s) zur Überarbeitung "
                "zurückgegeben.\n\nKommentar: %(kommentar)s"
            )
            % {**werte, "kommentar": kommentar},
            link=angebot.get_absolute_url(),
            ausser=by,
        )
    elif aktion == "veroeffentlichen":
        benachrichtigungen.benachrichtigen(
            empfaenger=angebot_verantwortliche(angebot),
            art=BenachrichtigungArt.ANGEBOT_VEROEFFENTLICHT,
            titel=_("Angebot veröffentlicht: „%(t)s“") % werte,
            text=_(
                "Das Angebot „%(t)s“ (Träger: %(traeger)s; %(orte)s) ist veröffentlicht und steht im "
                "Angebotskatalog."
            )
            % werte,
            link=angebot.get_absolute_url(),
            ausser=by,
        )


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


# Translations of the offer texts ---------------------------------------------------------------------------------

# The languages of the public catalogue an offer's texts are translated into (German is the offer's own text).
UEBERSETZUNGSSPRACHEN: tuple[str, ...] = tuple(
    code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
)


def uebersetzungsfeld(feld: str) -> str:
    """The translated field of a German text field (`titel` -> `titel_uebersetzt`)."""
    return f"{feld}_uebersetzt"


@transaction.atomic
def uebersetzung_speichern(*, angebot: Angebot, sprache: str, daten: dict[str, str], by: User) -> Angebot:
    """Saves the texts of an offer in one language (`daten`: German field name -> translated text).

    The owners of the offer translate it at every stage but archived (`angebote.translate_angebot`). All fields empty removes the language's translation; a
    partial translation is kept as it is (the public catalogue shows German where a text is missing).
    """
    current = lock(angebot)
    require_perm(by, "angebote.translate_angebot", current)
    if sprache not in UEBERSETZUNGSSPRACHEN:
        raise ValidationError(
            _("In die Sprache „%(s)s“ werden Angebote nicht übersetzt.") % {"s": str(sprache)[:20]}
        )
    unbekannt = sorted(set(daten) - set(UEBERSETZBARE_FELDER))
    if unbekannt:
        raise ValidationError(
            _("Diese Felder werden nicht übersetzt: %(f)s.") % {"f": ", ".join(str(f) for f in unbekannt)}
        )
    werte = {uebersetzungsfeld(f): str(daten.get(f) or "").strip() for f in UEBERSETZBARE_FELDER}
    modell = Angebot._parler_meta.root_model
    zeile = modell.objects.filter(master_id=current.pk, language_code=sprache).first()
    if not any(werte.values()):
        if zeile is not None:
            zeile.delete()
        return current
    if zeile is None:
        zeile = modell(master_id=current.pk, language_code=sprache)
    for name, wert in werte.items():
        setattr(zeile, name, wert)
    try:
        zeile.full_clean(exclude=["master"], validate_unique=False)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {name.removesuffix("_uebersetzt"): meldungen for name, meldungen in exc.message_dict.items()}
        ) from None
    zeile.save()
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
    """A Kommune enters only offers of its own Kommune (kreisweit: only with a Träger from its Kommune), Träger
    staff only offers of their own Akteur; the rule is `angebote.rules.may_enter_angebot`."""
    if may_enter_angebot(by, angebot=angebot, kommunen=kommunen):
        return
    if is_mitglied(by):
        raise ValidationError(
            {"traeger": _("Sie können nur Angebote Ihrer eigenen Organisation als Träger eintragen.")}
        )
    if angebot.kreisweit:
        raise ValidationError(
            {
                "traeger": _(
                    "Kreisweite Angebote kann Ihre Kommune nur für Träger aus der eigenen Kommune eintragen."
                )
            }
        )
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
    pruefe_veroeffentlichtes(angebot, current.status)
    _pruefe_anschluss(angebot=angebot, anschlussangebote=anschlussangebote)
    angebot.save()
    if {k.pk for k in kommunen} != set(current.kommunen.values_list("pk", flat=True)):
        angebot.kommunen.set(kommunen)
    if {a.pk for a in anschlussangebote} != set(current.anschlussangebote.values_list("pk", flat=True)):
        angebot.anschlussangebote.set(anschlussangebote)
    _speichere_zugaenge(angebot, list(zugaenge))
    return angebot


# Import of many offers at once ------------------------------------------------------------------------------------

# Lookups with an IN list are split into chunks of this size: old SQLite builds allow only 999 bound parameters.
IN_LISTE_MAX = 900
BATCH = 1000
# Fields an import row may change (the workflow fields never come from a file).
IMPORT_FELDER = [
    "titel",
    "beschreibung",
    "traeger",
    "kreisweit",
    "adresse",
    "plz",
    "ort",
    "online",
    "zeiten",
    "kontakt_name",
    "kontakt_telefon",
    "kontakt_email",
    "anmeldung_url",
    "anmeldung_hinweis",
    "kategorie",
    "foerderbaustein",
    "finanzierung",
    "alter_von",
    "alter_bis",
    "deutsch_voraussetzung",
    "deutsch_ziel",
    "plaetze",
    "freie_plaetze",
    "beginn",
    "ende",
    "laufend",
    "stunden_pro_woche",
    "kosten",
    "kinderbetreuung",
    "ansprechperson",
    "version",
    "updated_at",
]
ZUGANG_FELDER = ("angebot_id", "status_id", "art", "bedingung", "oeffnung_moeglich", "oeffnung_hinweis")
# Foreign keys an import row fills from lookups of the user's Bündnis, so they need no existence query.
GELADENE_FKS = {"buendnis", "traeger", "kategorie", "ansprechperson", "erstellt_von", "pruefung_durch"}


def _chunks(werte: list, groesse: int = IN_LISTE_MAX):
    for i in range(0, len(werte), groesse):
        yield werte[i : i + groesse]


@dataclass
class AngebotZeile:
    """One row of an offer import: the offer with the row's values (a copy of the stored offer, or a new
    draft), its Kommunen, its Anschlussangebote by Kennung and its access per residence status."""

    angebot: Angebot
    original: Angebot | None = None
    kommunen: list[Kommune] = field(default_factory=list)
    anschluss: list[str] = field(default_factory=list)
    zugaenge: list[ZugangDaten] = field(default_factory=list)
    geprueft: bool = False


def _zugaenge_gleich(angebot: Angebot, zugaenge: list[ZugangDaten]) -> bool:
    bestehend = {z.status_id: z for z in angebot.zugaenge.all()}
    for daten in zugaenge:
        z = bestehend.get(daten.status.pk)
        if not daten.art:
            if z is not None:
                return False
            continue
        if z is None or (z.art, z.bedingung, z.oeffnung_moeglich, z.oeffnung_hinweis) != (
            daten.art,
            daten.bedingung if daten.art == ZugangArt.EINGESCHRAENKT else "",
            daten.oeffnung_moeglich,
            daten.oeffnung_hinweis,
        ):
            return False
    return True


class AngeboteImport:
    """Entering and updating many offers at once ("Angebote importieren", the template's rows).

    Each row gets the checks `angebot_create` / `angebot_update` apply one by one: the right to change the
    stored offer in its status, the Kommune's ownership (`angebote.rules.may_enter_angebot`) and the places
    (`_pruefe_ort`), Anschlussangebote of the same Bündnis that the user may see, no new offer with the title
    and Träger of a stored one, the model validation. The checked rows are then written together, each with its history
    rows as the single-row services leave them (bulk statements, COPY for the access rows on PostgreSQL), so
    10,000 rows take seconds, not minutes.

    Use: `zeile(kennung)` per row, fill in the row's values, `pruefen(zeile)` (raises `ValidationError` keyed
    by field), `vormerken(zeile)`; at the end `schreiben()`, inside the caller's transaction. With `sperren` the
    offers the file updates stay locked from loading to writing.
    """

    def __init__(self, *, by: User, kennungen: Iterable[str], sperren: bool) -> None:
        require_perm(by, "angebote.import_angebot")
        if not by.buendnis_id:
            raise ValidationError(_("Importieren kann nur, wer einem Bündnis zugeordnet ist."))
        self.by = by
        self.buendnis_id = by.buendnis_id
        # The Kennungen of the file: an Anschlussangebot may name an offer of a later row.
        self.datei_kennungen = {k for k in kennungen if k}
        self.bestehend: dict[str, int] = {}
        self.titel_traeger: dict[tuple[str, int], str] = {}
        for pk, kennung, titel, traeger_id in Angebot.objects.filter(
            buendnis_id=self.buendnis_id
        ).values_list("pk", "kennung", "titel", "traeger_id"):
            self.bestehend[kennung] = pk
            self.titel_traeger[(fold(titel), traeger_id)] = kennung
        # The offers the file updates, with what comparing and the permission rules need, in a few queries.
        treffer = sorted({self.bestehend[k] for k in self.datei_kennungen if k in self.bestehend})
        self.geladen: dict[str, Angebot] = {}
        self.editierbar: set[int] = set()
        for teil in _chunks(treffer):
            laden = (
                Angebot.objects.filter(pk__in=teil)
                .select_related("traeger")
                .prefetch_related("kommunen", "zugaenge", "anschlussangebote")
            )
            if sperren:
                laden = laden.select_for_update(of=("self",))
            self.geladen.update((a.kennung, a) for a in laden)
            self.editierbar.update(
                Angebot.objects.editable_by(by).filter(pk__in=teil).values_list("pk", flat=True)
            )
        # Anschlussangebote name only offers the user may see (as in the form); links to others stay as they are.
        self.sichtbar = set(
            Angebot.objects.visible_to(by)
            .filter(buendnis_id=self.buendnis_id)
            .values_list("kennung", flat=True)
        )
        self.neu: list[AngebotZeile] = []
        self.geaendert: list[AngebotZeile] = []

    def zeile(self, kennung: str) -> AngebotZeile:
        """The row writing the offer with this Kennung: an update of the stored offer, which must be one the
        user may edit, or a new draft."""
        pk = self.bestehend.get(kennung)
        if pk is None:
            return AngebotZeile(angebot=Angebot(buendnis_id=self.buendnis_id, kennung=kennung))
        if pk not in self.editierbar or kennung not in self.geladen:
            raise ValidationError(
                {
                    "kennung": _(
                        "Das Angebot „%(k)s“ gehört zu einer anderen Kommune; Sie dürfen es nicht ändern."
                    )
                    % {"k": kennung}
                }
            )
        original = self.geladen[kennung]
        # A shallow copy is enough: rows only set plain fields; the related rows stay the original's.
        return AngebotZeile(angebot=copy.copy(original), original=original)

    def _sichtbare_anschluesse(self, angebot: Angebot) -> set[str]:
        return {a.kennung for a in angebot.anschlussangebote.all() if a.kennung in self.sichtbar}

    def unveraendert(self, zeile: AngebotZeile) -> bool:
        """Whether the row leaves its stored offer as it is (such a row is skipped and needs no right)."""
        original = zeile.original
        if original is None:
            return False
        angebot = zeile.angebot
        return (
            all(
                getattr(angebot, f.attname) == getattr(original, f.attname)
                for f in Angebot._meta.concrete_fields
                if f.name not in ("updated_at", "created_at", "version")
            )
            and {k.pk for k in zeile.kommunen} == {k.pk for k in original.kommunen.all()}
            and set(zeile.anschluss) == self._sichtbare_anschluesse(original)
            and _zugaenge_gleich(original, zeile.zugaenge)
        )

    def pruefen(self, zeile: AngebotZeile, *, ohne: Collection[str] = ()) -> None:
        """Checks one row as the single-row services would; raises `ValidationError` keyed by field name.
        `ohne`: fields the caller already found wrong (reading the file), left out here."""
        angebot = zeile.angebot
        fehler: dict[str, list[str]] = {}
        if "kommunen" not in ohne and not (angebot.kreisweit and "traeger" in ohne):
            try:
                _pruefe_ort(angebot=angebot, kommunen=zeile.kommunen)
            except ValidationError as exc:
                for key, meldungen in exc.message_dict.items():
                    fehler.setdefault(key, []).extend(meldungen)
            else:
                if not may_enter_angebot(self.by, angebot=angebot, kommunen=zeile.kommunen):
                    fehler["kommunen"] = [self._fremd(zeile)]
        if angebot.kennung in zeile.anschluss:
            fehler["anschlussangebote"] = [_("Ein Angebot kann nicht sein eigenes Anschlussangebot sein.")]
        else:
            unbekannt = [
                k for k in zeile.anschluss if k not in self.sichtbar and k not in self.datei_kennungen
            ]
            if unbekannt:
                fehler["anschlussangebote"] = [
                    _("Unbekannte Kennungen: %(k)s.") % {"k": ", ".join(unbekannt)}
                ]
        if zeile.original is None and not {"titel", "traeger"} & set(ohne) and angebot.titel:
            andere = self.titel_traeger.get((fold(angebot.titel), angebot.traeger_id))
            if andere and andere != angebot.kennung and andere in self.sichtbar:
                fehler["titel"] = [
                    _("Doppeltes Angebot: „%(t)s“ dieses Trägers gibt es schon unter der Kennung „%(k)s“.")
                    % {"t": angebot.titel, "k": andere}
                ]
            elif andere and andere != angebot.kennung:
                # A draft of another Kommune: refused too, without naming what the user may not see.
                fehler["titel"] = [
                    _(
                        "Doppeltes Angebot: „%(t)s“ dieses Trägers gibt es im Bündnis schon (als Entwurf einer "
                        "anderen Kommune)."
                    )
                    % {"t": angebot.titel}
                ]
        if zeile.original is not None and not self.by.has_perm("angebote.change_angebot", zeile.original):
            fehler["kennung"] = [
                _("Das Angebot „%(k)s“ ist im Status „%(s)s“ und kann von Ihnen nicht geändert werden.")
                % {"k": angebot.kennung, "s": zeile.original.get_status_display()}
            ]
        try:
            # Uniqueness of the Kennung is settled by the lookups above (an existing Kennung updates) and the
            # check constraints are mirrored in `clean()`, so no row needs a query here.
            angebot.full_clean(
                exclude={*ohne, *fehler, *GELADENE_FKS}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for key, meldungen in exc.message_dict.items():
                fehler.setdefault(key, []).extend(meldungen)
        if not fehler and not ohne and zeile.original is not None:
            # An update keeps a published offer reachable (the same rule as the edit form).
            fehlt = angebot.fehlende_teilnahmewege() if zeile.original.status == S.VEROEFFENTLICHT else []
            if fehlt:
                fehler["status"] = [
                    _(
                        "Das Angebot ist veröffentlicht und braucht weiterhin einen Weg zur Teilnahme. "
                        "Bitte ergänzen Sie: %(fehlt)s"
                    )
                    % {"fehlt": " ".join(fehlt)}
                ]
        if fehler:
            raise ValidationError(fehler)
        zeile.geprueft = not ohne

    def _fremd(self, zeile: AngebotZeile) -> str:
        if zeile.angebot.kreisweit:
            return _(
                "Zeile einer anderen Kommune: kreisweite Angebote dürfen Sie nur für Träger Ihrer Kommune importieren."
            )
        fremde = [k.name for k in zeile.kommunen if k.pk != self.by.kommune_id] or [
            k.name for k in zeile.kommunen
        ]
        return _(
            "Zeile einer anderen Kommune (%(k)s): Sie dürfen nur Angebote Ihrer eigenen Kommune importieren."
        ) % {"k": ", ".join(fremde)}

    def vormerken(self, zeile: AngebotZeile) -> None:
        """Takes a checked row into the write: a new offer as a draft of the user, an update as the next
        version of the stored offer (its workflow fields stay as they are)."""
        if not zeile.geprueft:
            raise ValueError(f"Import row {zeile.angebot.kennung} was not checked")
        angebot = zeile.angebot
        if zeile.original is None:
            angebot.status = S.ENTWURF
            angebot.version = 1
            angebot.erstellt_von = self.by
            self.neu.append(zeile)
        else:
            angebot.version = zeile.original.version + 1
            self.geaendert.append(zeile)

    def schreiben(self) -> None:
        """Writes every row taken in: offers, Kommunen, access rows and Anschlussangebote, each with its history
        rows. Refused (nothing written) when another session changed the offers in between."""
        if not (self.neu or self.geaendert):
            return
        try:
            with transaction.atomic():
                self._schreiben()
        except IntegrityError as exc:
            raise ValidationError(
                _(
                    "Die Angebote wurden während des Imports von anderer Seite geändert. Es wurde nichts "
                    "gespeichert; bitte laden Sie die Datei erneut hoch."
                )
            ) from exc

    def _schreiben(self) -> None:
        jetzt = timezone.now()
        by = self.by
        neu = [z.angebot for z in self.neu]
        geaendert = [z.angebot for z in self.geaendert]
        for angebot in neu:
            angebot.created_at = angebot.updated_at = jetzt
        for angebot in geaendert:
            angebot.updated_at = jetzt  # bulk_update does not apply auto_now
        history_id: dict[int, int] = {}
        if neu:
            angelegt = Angebot.objects.bulk_create(neu, batch_size=BATCH)
            historie = Angebot.history.bulk_history_create(
                angelegt, batch_size=BATCH, default_user=by, default_date=jetzt
            )
            history_id.update((a.pk, h.history_id) for a, h in zip(angelegt, historie, strict=True))
        if geaendert:
            Angebot.objects.bulk_update(geaendert, IMPORT_FELDER, batch_size=BATCH)
            historie = Angebot.history.bulk_history_create(
                geaendert, batch_size=BATCH, update=True, default_user=by, default_date=jetzt
            )
            history_id.update((a.pk, h.history_id) for a, h in zip(geaendert, historie, strict=True))

        # Kommunen and Anschlussangebote: new offers get theirs; changed lists are replaced.
        orte = Angebot.kommunen.through
        orte_neu = [
            *self.neu,
            *(
                z
                for z in self.geaendert
                if {k.pk for k in z.kommunen} != {k.pk for k in z.original.kommunen.all()}
            ),
        ]
        for teil in _chunks([z.angebot.pk for z in orte_neu[len(self.neu) :]]):
            orte.objects.filter(angebot_id__in=teil).delete()
        orte.objects.bulk_create(
            [
                orte(angebot_id=z.angebot.pk, kommune_id=k.pk)
                for z in orte_neu
                for k in dict.fromkeys(z.kommunen)
            ],
            batch_size=BATCH,
        )
        benoetigt = sorted({k for z in (*self.neu, *self.geaendert) for k in z.anschluss})
        pks: dict[str, int] = {}
        for teil in _chunks(benoetigt):
            pks.update(
                Angebot.objects.filter(buendnis_id=self.buendnis_id, kennung__in=teil).values_list(
                    "kennung", "pk"
                )
            )
        kanten = Angebot.anschlussangebote.through
        kanten_neu = [
            *self.neu,
            *(z for z in self.geaendert if set(z.anschluss) != self._sichtbare_anschluesse(z.original)),
        ]
        for teil in _chunks([z.angebot.pk for z in kanten_neu[len(self.neu) :]]):
            kanten.objects.filter(from_angebot_id__in=teil).delete()
        kanten.objects.bulk_create(
            [
                *(
                    kanten(from_angebot_id=z.angebot.pk, to_angebot_id=pks[k])
                    for z in kanten_neu
                    for k in dict.fromkeys(z.anschluss)
                    if k in pks
                ),
                # Links the user cannot see (set by the coordination to another Kommune's draft) are kept.
                *(
                    kanten(from_angebot_id=z.angebot.pk, to_angebot_id=x.pk)
                    for z in kanten_neu[len(self.neu) :]
                    for x in z.original.anschlussangebote.all()
                    if x.kennung not in self.sichtbar
                ),
            ],
            batch_size=BATCH,
        )

        # History of the m2m fields: each new history row lists the offer's Kommunen and Anschlussangebote.
        for through, hist_name, spalte in (
            (orte, "HistoricalAngebot_kommunen", "angebot_id"),
            (kanten, "HistoricalAngebot_anschlussangebote", "from_angebot_id"),
        ):
            hist_model = Angebot._meta.apps.get_model("angebote", hist_name)
            spalten = [f.attname for f in through._meta.concrete_fields]
            hist_rows = []
            for teil in _chunks(list(history_id)):
                for row in through.objects.filter(**{f"{spalte}__in": teil}).values(*spalten):
                    hist_rows.append(hist_model(history_id=history_id[row[spalte]], **row))
            hist_model.objects.bulk_create(hist_rows, batch_size=BATCH)

        self._schreibe_zugaenge(jetzt)

    def _schreibe_zugaenge(self, jetzt) -> None:
        """Access rows: created, changed or removed as the status columns of each written row say."""
        anlegen: list[dict] = []  # plain rows for COPY: no model instance for the bulk of an import
        aendern: list[Zugang] = []
        loeschen: list[int] = []
        for zeile in (*self.neu, *self.geaendert):
            bestehend = {z.status_id: z for z in zeile.original.zugaenge.all()} if zeile.original else {}
            for daten in zeile.zugaenge:
                vorhanden = bestehend.get(daten.status.pk)
                if not daten.art:
                    if vorhanden is not None:
                        loeschen.append(vorhanden.pk)
                    continue
                werte = (
                    daten.art,
                    daten.bedingung.strip(),
                    daten.oeffnung_moeglich,
                    daten.oeffnung_hinweis.strip(),
                )
                if vorhanden is None:
                    anlegen.append(
                        dict(zip(ZUGANG_FELDER, (zeile.angebot.pk, daten.status.pk, *werte), strict=True))
                    )
                elif (
                    vorhanden.art,
                    vorhanden.bedingung,
                    vorhanden.oeffnung_moeglich,
                    vorhanden.oeffnung_hinweis,
                ) != werte:
                    (
                        vorhanden.art,
                        vorhanden.bedingung,
                        vorhanden.oeffnung_moeglich,
                        vorhanden.oeffnung_hinweis,
                    ) = werte
                    aendern.append(vorhanden)
        if anlegen:
            # Ten access rows per offer: the bulk of an import. They go in with COPY (PostgreSQL), each with
            # its creation history row.
            Tabelle(Zugang).schreiben(anlegen, historie=None, user_id=self.by.pk, datum=jetzt)
        if aendern:
            Zugang.objects.bulk_update(
                aendern, ["art", "bedingung", "oeffnung_moeglich", "oeffnung_hinweis"], batch_size=BATCH
            )
            Zugang.history.bulk_history_create(
                aendern, batch_size=BATCH, update=True, default_user=self.by, default_date=jetzt
            )
        for teil in _chunks(loeschen):
            # One by one through the ORM, so each removal leaves its history row.
            for zugang in Zugang.objects.filter(pk__in=teil):
                zugang.delete()
