"""Object permissions of the funding app.

`land` manages the programme, its modules, distributions and allocations (global rows). Applications belong to a
Bündnis: a `kommune` drafts and submits for its own Kommune, the `koordination` reviews, approves, records
drawdowns and proof of use, `auswertung` reads, `land` reads everything.
"""

from __future__ import annotations

import rules

from buendnis.rules import (
    has_kommune,
    is_auswertung,
    is_kommune,
    is_koordination,
    is_land,
    is_superuser,
    same_buendnis,
    same_kommune,
)

from .models import AntragStatus


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


@rules.predicate
def is_entwurf(user, antrag) -> bool:
    return antrag is None or antrag.status == AntragStatus.ENTWURF


@rules.predicate
def is_in_bearbeitung(user, antrag) -> bool:
    """Application data can change until the decision; afterwards only the workflow moves on."""
    return antrag is None or antrag.status in (
        AntragStatus.ENTWURF,
        AntragStatus.EINGEREICHT,
        AntragStatus.IN_PRUEFUNG,
    )


manages_programm = is_superuser | is_land
reads_finanzen = is_superuser | is_land | ((is_koordination | is_kommune | is_auswertung) & same_buendnis)
coordinates = is_superuser | (is_koordination & same_buendnis)
own_kommune = is_kommune & same_buendnis & same_kommune

# Global programme data: everyone signed in reads, the state writes.
for _model in ("foerderprogramm", "foerderbaustein", "verteilung", "verteilungsanteil"):
    rules.add_perm(f"foerderung.view_{_model}", is_signed_in)
    rules.add_perm(f"foerderung.add_{_model}", manages_programm)
    rules.add_perm(f"foerderung.change_{_model}", manages_programm)
    rules.add_perm(f"foerderung.delete_{_model}", manages_programm)

rules.add_perm("foerderung.view_budget", reads_finanzen)
rules.add_perm("foerderung.add_budget", manages_programm)
rules.add_perm("foerderung.change_budget", manages_programm)
rules.add_perm("foerderung.delete_budget", manages_programm)
rules.add_perm("foerderung.view_budgetkommune", reads_finanzen)
for _action in ("add", "change", "delete"):
    rules.add_perm(f"foerderung.{_action}_budgetkommune", coordinates)

rules.add_perm("foerderung.view_foerderantrag", reads_finanzen)
rules.add_perm("foerderung.add_foerderantrag", is_superuser | is_koordination | (is_kommune & has_kommune))
rules.add_perm(
    "foerderung.change_foerderantrag", (coordinates & is_in_bearbeitung) | (own_kommune & is_entwurf)
)
rules.add_perm("foerderung.delete_foerderantrag", is_superuser)
# Workflow: the applicant side submits and withdraws, the coordination decides and follows up.
rules.add_perm("foerderung.submit_foerderantrag", coordinates | own_kommune)
rules.add_perm("foerderung.withdraw_foerderantrag", coordinates | own_kommune)
rules.add_perm("foerderung.review_foerderantrag", coordinates)
rules.add_perm("foerderung.override_budget", coordinates)

for _model in ("kostenposition", "statuswechsel", "verwendungsnachweis", "mittelabruf", "monitoringmeldung"):
    rules.add_perm(f"foerderung.view_{_model}", reads_finanzen)
rules.add_perm("foerderung.add_mittelabruf", coordinates)
rules.add_perm("foerderung.add_verwendungsnachweis", coordinates)
rules.add_perm("foerderung.add_monitoringmeldung", coordinates | own_kommune)
rules.add_perm("foerderung.change_monitoringmeldung", coordinates | own_kommune)

rules.add_perm("foerderung.view_teilhabestelle", reads_finanzen)
rules.add_perm("foerderung.add_teilhabestelle", is_superuser | is_koordination)
rules.add_perm("foerderung.change_teilhabestelle", coordinates | own_kommune)
rules.add_perm("foerderung.delete_teilhabestelle", coordinates)
rules.add_perm("foerderung.view_teilhabefallzahl", reads_finanzen)
rules.add_perm("foerderung.add_teilhabefallzahl", coordinates | own_kommune)
rules.add_perm("foerderung.change_teilhabefallzahl", coordinates | own_kommune)

rules.add_perm("foerderung.view_projektidee", reads_finanzen)
rules.add_perm("foerderung.add_projektidee", is_superuser | is_koordination | (is_kommune & has_kommune))
rules.add_perm("foerderung.change_projektidee", coordinates)
rules.add_perm("foerderung.set_status_projektidee", coordinates)

rules.add_perm("foerderung.view_budgetuebersicht", reads_finanzen)
rules.add_perm("foerderung.import_export", manages_programm | is_koordination)

# Admin index: the state manages the programme there, the coordination its Bündnis rows.
rules.add_perm("foerderung", is_superuser | is_koordination | is_land)
