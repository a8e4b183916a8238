"""Object permissions of the offer catalogue.

Which rows: `Angebot.objects.visible_to(user)` / `editable_by(user)`. What a role may do with a row: the
predicates below. Workflow permissions only say *who* may act; whether the current status allows the step is
checked by the service (`angebote.services.TRANSITIONS`), which refuses with a German message.
"""

from __future__ import annotations

from collections.abc import Iterable

import rules

from angebote.models import Angebot, AngebotStatus
from buendnis.models import Kommune
from buendnis.rules import (
    acts_for_traeger,
    has_buendnis,
    is_auswertung,
    is_kommune,
    is_koordination,
    is_land,
    is_mitglied,
    is_superuser,
    reads_alliance,
    runs_reports,
    same_buendnis,
)


def _angebot_of(obj) -> Angebot | None:
    """Zugang and Statuswechsel rows answer for their offer."""
    if obj is None or isinstance(obj, Angebot):
        return obj
    return getattr(obj, "angebot", None)


def kommune_owns(kommune_id: int | None, *, angebot: Angebot, kommunen: Iterable[Kommune]) -> bool:
    """The one rule of ownership: an offer belongs to a Kommune when it runs only there, or kreisweit with a
    Träger from there. `kommunen` are the offer's places, stored or about to be saved."""
    if not kommune_id:
        return False
    if angebot.kreisweit:
        return angebot.traeger_id is not None and angebot.traeger.kommune_id == kommune_id
    return {k.pk for k in kommunen} == {kommune_id}


def may_enter_angebot(user, *, angebot: Angebot, kommunen: Iterable[Kommune]) -> bool:
    """Whether the user may save this offer with these places (form and import alike): the staff of a Kommune
    only an offer of their own Kommune, Träger staff only an offer of their own Akteur (in any Kommune of the
    Bündnis or kreisweit), every other role that may add offers any offer of its Bündnis."""
    if is_superuser(user):
        return True
    if is_mitglied(user):
        return bool(user.akteur_id) and angebot.traeger_id == user.akteur_id
    if not is_kommune(user):
        return True
    return kommune_owns(user.kommune_id, angebot=angebot, kommunen=kommunen)


@rules.predicate
def is_own_kommune_angebot(user, obj) -> bool:
    """The stored offer belongs to the user's Kommune (`kommune_owns`)."""
    angebot = _angebot_of(obj)
    if angebot is None:
        return bool(user.kommune_id)
    if angebot.buendnis_id != user.buendnis_id:
        return False
    kommunen = angebot.kommunen.all() if angebot.pk is not None else ()
    return kommune_owns(user.kommune_id, angebot=angebot, kommunen=kommunen)


@rules.predicate
def is_own_traeger_angebot(user, obj) -> bool:
    """The offer is run by the user's own organisation (its `traeger` is the user's Akteur)."""
    angebot = _angebot_of(obj)
    if not user.akteur_id:
        return False
    if angebot is None:
        return True
    return angebot.buendnis_id == user.buendnis_id and angebot.traeger_id == user.akteur_id


@rules.predicate
def is_entwurf(user, obj) -> bool:
    angebot = _angebot_of(obj)
    return angebot is None or angebot.status == AngebotStatus.ENTWURF


@rules.predicate
def is_archiviert(user, obj) -> bool:
    angebot = _angebot_of(obj)
    return angebot is not None and angebot.status == AngebotStatus.ARCHIVIERT


@rules.predicate
def in_buendnis(user, obj) -> bool:
    angebot = _angebot_of(obj)
    if angebot is None:
        return bool(user.buendnis_id)
    return bool(user.buendnis_id) and angebot.buendnis_id == user.buendnis_id


@rules.predicate
def reads_entwurf(user, obj) -> bool:
    """Drafts: only the Kommunen they concern, the coordination and the evaluation (mirrors `visible_to`)."""
    angebot = _angebot_of(obj)
    if angebot is None or angebot.status != AngebotStatus.ENTWURF:
        return True
    if is_koordination(user) or is_auswertung(user):
        return True
    if is_mitglied(user):
        return bool(user.akteur_id) and angebot.traeger_id == user.akteur_id
    if not (is_kommune(user) and user.kommune_id):
        return False
    if angebot.kreisweit:
        return angebot.traeger.kommune_id == user.kommune_id
    return any(k.pk == user.kommune_id for k in angebot.kommunen.all())


reads_angebot = (
    is_superuser
    | is_land
    | ((is_koordination | is_auswertung | is_kommune | is_mitglied) & in_buendnis & reads_entwurf)
)
koordiniert = is_superuser | (is_koordination & in_buendnis)
# A Kommune edits drafts of its own offers, Träger staff drafts of their own Akteur's offers; the
# coordination edits everything but archived offers.
changes_angebot = (
    is_superuser
    | (is_koordination & in_buendnis & ~is_archiviert)
    | (is_kommune & in_buendnis & is_own_kommune_angebot & is_entwurf)
    | (acts_for_traeger & in_buendnis & is_own_traeger_angebot & is_entwurf)
)
# Acting on an offer as its owner (submit, withdraw, confirm currency) regardless of status.
owns_angebot = (
    koordiniert
    | (is_kommune & in_buendnis & is_own_kommune_angebot)
    | (acts_for_traeger & in_buendnis & is_own_traeger_angebot)
)

rules.add_perm("angebote.view_angebot", reads_angebot)
# Träger staff (a member account with an Akteur) enter their own organisation's offers, reviewed as all others.
rules.add_perm(
    "angebote.add_angebot", is_superuser | ((is_koordination | is_kommune | acts_for_traeger) & has_buendnis)
)
rules.add_perm("angebote.change_angebot", changes_angebot)
# Translations of the public texts: the owners of an offer at any stage but archived (a published offer's German
# text went through review; its translations follow it without sending the offer back to a draft).
rules.add_perm("angebote.translate_angebot", owns_angebot & ~is_archiviert)
rules.add_perm("angebote.delete_angebot", is_superuser | (is_koordination & in_buendnis & is_entwurf))
rules.add_perm("angebote.submit_angebot", owns_angebot)
rules.add_perm("angebote.withdraw_angebot", owns_angebot)
rules.add_perm("angebote.confirm_angebot", owns_angebot)
rules.add_perm("angebote.publish_angebot", koordiniert)
rules.add_perm("angebote.return_angebot", koordiniert)
rules.add_perm("angebote.archive_angebot", koordiniert)
rules.add_perm("angebote.reactivate_angebot", koordiniert)
rules.add_perm("angebote.check_angebot", koordiniert)
# The queue of offers awaiting review: the coordination works it, the state follows it.
rules.add_perm("angebote.view_pruefliste", is_superuser | is_koordination | is_land)
rules.add_perm("angebote.import_angebot", is_superuser | ((is_koordination | is_kommune) & has_buendnis))
rules.add_perm("angebote.export_angebot", runs_reports)
rules.add_perm("angebote.view_zugangsmatrix", reads_alliance)

# Access rows and the workflow log follow their offer (the admin inline asks with the parent offer).
rules.add_perm("angebote.view_zugang", reads_angebot)
rules.add_perm("angebote.add_zugang", changes_angebot)
rules.add_perm("angebote.change_zugang", changes_angebot)
rules.add_perm("angebote.delete_zugang", changes_angebot)
rules.add_perm("angebote.view_statuswechsel", reads_angebot)

# Global lookup tables: everyone reads them; only superusers change them (they apply to every Bündnis).
for _model in ("kategorie", "aufenthaltsstatus"):
    rules.add_perm(f"angebote.view_{_model}", rules.is_authenticated)
    rules.add_perm(f"angebote.add_{_model}", is_superuser)
    rules.add_perm(f"angebote.change_{_model}", is_superuser)
    rules.add_perm(f"angebote.delete_{_model}", is_superuser)

# Admin index of the app.
rules.add_perm("angebote", is_superuser | is_koordination | is_land)

__all__ = [
    "is_own_kommune_angebot",
    "is_own_traeger_angebot",
    "kommune_owns",
    "may_enter_angebot",
    "reads_angebot",
    "same_buendnis",
]
