"""Object permissions of the alliance (the `rules` package) and the shared predicates other apps compose.

Rows a user may see are decided by `visible_to(user)`; these predicates decide what a role may do with a row.
A predicate receives `obj=None` for a model-level check (list pages, create forms).
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from buendnis.choices import Rolle

# The one message for a refused action, wherever it is refused (views, services, imports).
KEIN_RECHT = gettext_lazy("Dafür fehlt Ihnen die Berechtigung.")


def require_perm(user, perm: str, obj=None) -> None:
    """Refuses (PermissionDenied with the German message) unless `user.has_perm(perm, obj)`."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(KEIN_RECHT)


def buendnis_id_of(obj) -> int | None:
    getter = getattr(obj, "get_buendnis_id", None)
    return getter() if getter else getattr(obj, "buendnis_id", None)


def kommune_id_of(obj) -> int | None:
    getter = getattr(obj, "get_kommune_id", None)
    return getter() if getter else getattr(obj, "kommune_id", None)


def _has_role(rolle: str):
    @rules.predicate(name=f"is_{rolle}")
    def predicate(user) -> bool:
        return bool(user.is_authenticated and user.is_active and user.rolle == rolle)

    return predicate


is_koordination = _has_role(Rolle.KOORDINATION)
is_kommune = _has_role(Rolle.KOMMUNE)
is_mitglied = _has_role(Rolle.MITGLIED)
is_auswertung = _has_role(Rolle.AUSWERTUNG)
is_land = _has_role(Rolle.LAND)
is_superuser = rules.is_superuser


@rules.predicate
def has_buendnis(user) -> bool:
    return bool(user.is_authenticated and user.buendnis_id)


@rules.predicate
def has_kommune(user) -> bool:
    return bool(user.is_authenticated and user.kommune_id)


# A Kommune's own account, acting for its Kommune (its offers, figures and applications).
acts_for_kommune = is_kommune & has_kommune


@rules.predicate
def same_buendnis(user, obj) -> bool:
    if obj is None:
        return bool(user.buendnis_id)
    return bool(user.buendnis_id) and buendnis_id_of(obj) == user.buendnis_id


@rules.predicate
def same_kommune(user, obj) -> bool:
    if obj is None:
        return bool(user.kommune_id)
    return bool(user.kommune_id) and kommune_id_of(obj) == user.kommune_id


@rules.predicate
def is_own_aufgabe(user, aufgabe) -> bool:
    if aufgabe is None:
        return True
    if aufgabe.zustaendig_id == user.pk:
        return True
    return bool(user.akteur_id) and aufgabe.akteur_id == user.akteur_id


is_buendnis_rolle = is_koordination | is_kommune | is_mitglied | is_auswertung

# Everyone in an alliance reads it; the state and superusers read all alliances.
reads_alliance = is_superuser | is_land | (is_buendnis_rolle & same_buendnis)
# Only the Geschäftsführende Stelle writes the alliance's own records.
writes_alliance = is_superuser | (is_koordination & same_buendnis)
# Reports and exports: everyone who reads, except plain members.
runs_reports = is_superuser | is_land | ((is_koordination | is_auswertung | is_kommune) & same_buendnis)

ALLIANCE_MODELS = [
    "kommune",
    "akteur",
    "ansprechperson",
    "gremium",
    "mitgliedschaft",
    "sitzung",
    "tagesordnungspunkt",
    "beschluss",
    "aufgabe",
    "prioritaet",
    "verfahrensvereinbarung",
    "vereinbarungsdokument",
]

for _model in ALLIANCE_MODELS:
    rules.add_perm(f"buendnis.view_{_model}", reads_alliance)
    rules.add_perm(f"buendnis.add_{_model}", writes_alliance)
    rules.add_perm(f"buendnis.change_{_model}", writes_alliance)
    rules.add_perm(f"buendnis.delete_{_model}", writes_alliance)

rules.add_perm("buendnis.view_buendnis", reads_alliance)
rules.add_perm("buendnis.change_buendnis", writes_alliance)
rules.add_perm("buendnis.view_bereich", rules.is_authenticated)
# A member updates the status of its own tasks; the coordination updates every task.
rules.add_perm(
    "buendnis.set_status_aufgabe",
    writes_alliance | ((is_mitglied | is_kommune) & same_buendnis & is_own_aufgabe),
)
rules.add_perm("buendnis.run_reports", runs_reports)
# A second factor for the accounts that write most: the coordination, the state and superusers.
rules.add_perm("buendnis.use_otp", is_superuser | is_koordination | is_land)

# Admin index per app: superusers and the coordination (who is staff) see the app's models.
rules.add_perm("buendnis", is_superuser | is_koordination | is_land)


# Accounts by the coordination, Träger staff, proposed Träger ----------------------------------------------------


@rules.predicate
def has_akteur(user) -> bool:
    return bool(user.is_authenticated and user.akteur_id)


# A member account of an organisation (Träger staff): enters and updates the offers of its own Akteur.
acts_for_traeger = is_mitglied & has_akteur


@rules.predicate
def is_verwaltbares_konto(user, konto) -> bool:
    """An account the account pages may change: one of the user's own Bündnis (any Bündnis for superusers),
    never a superuser's or the state's account (those stay in the admin)."""
    if konto is None:
        return True
    if konto.is_superuser or konto.rolle == Rolle.LAND or not konto.buendnis_id:
        return False
    return bool(user.is_superuser or (user.buendnis_id and konto.buendnis_id == user.buendnis_id))


# The Geschäftsführende Stelle invites, changes and deactivates the accounts of its own Bündnis.
rules.add_perm(
    "buendnis.manage_konten", (is_superuser | (is_koordination & has_buendnis)) & is_verwaltbares_konto
)
# The staff of a Kommune propose a missing Träger; the coordination confirms or rejects the proposal.
rules.add_perm("buendnis.propose_akteur", acts_for_kommune & has_buendnis)
rules.add_perm("buendnis.review_akteur", writes_alliance)
