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
from .zuwendung import entscheidet_land


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
# review_foerderantrag: under "Decisions" at the end (the Land decides the Innovationsfonds, the Kreis the rest).

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


# Decisions -----------------------------------------------------------------------------------------------------
# The Land grants the Kreis its funds (Zuwendungsbescheid) and opens the calls of the Innovationsfonds; the Kreis
# passes funds on within the grant. Applications decided by the Land (Baustein F5) are reviewed by the Land only.


@rules.predicate
def land_entscheidet(user, antrag) -> bool:
    return antrag is not None and entscheidet_land(antrag)


decides_land = is_superuser | is_land
rules.add_perm(
    "foerderung.review_foerderantrag", (coordinates & ~land_entscheidet) | (decides_land & land_entscheidet)
)
rules.add_perm("foerderung.decide_land", decides_land)

rules.add_perm(
    "foerderung.view_zuwendungsbescheid", is_superuser | is_land | (is_koordination & same_buendnis)
)
rules.add_perm("foerderung.add_zuwendungsbescheid", decides_land)
rules.add_perm("foerderung.change_zuwendungsbescheid", is_superuser)
rules.add_perm("foerderung.delete_zuwendungsbescheid", is_superuser)

rules.add_perm("foerderung.view_foerderaufruf", is_signed_in)
rules.add_perm("foerderung.add_foerderaufruf", decides_land)
rules.add_perm("foerderung.change_foerderaufruf", decides_land)
rules.add_perm("foerderung.delete_foerderaufruf", is_superuser)


# Funding rules -------------------------------------------------------------------------------------------------
# Everyone signed in reads the rules; the Land changes one only as a new version from a date (never backwards,
# services.regel_neue_version); rows are created and removed in the admin by superusers.
rules.add_perm("foerderung.view_foerderregel", is_signed_in)
rules.add_perm("foerderung.add_foerderregel", is_superuser)
rules.add_perm("foerderung.change_foerderregel", is_superuser | is_land)
rules.add_perm("foerderung.delete_foerderregel", is_superuser)


# Baustein F6: participation in "Gemeinsam klappt's", budget consolidation, staffing key -----------------------
# The coordination, the Land and superusers record the joining (with its declaration) and the budget
# consolidation; a Kommune reads its own row and records its own expression of interest; auswertung reads.
reads_teilnahme = is_superuser | is_land | ((is_koordination | is_auswertung) & same_buendnis) | own_kommune
records_teilnahme = manages_programm | coordinates
rules.add_perm("foerderung.view_kommuneteilnahme", reads_teilnahme)
rules.add_perm("foerderung.add_kommuneteilnahme", records_teilnahme | own_kommune)
rules.add_perm("foerderung.change_kommuneteilnahme", records_teilnahme | own_kommune)
rules.add_perm("foerderung.beitritt_kommuneteilnahme", records_teilnahme)
rules.add_perm("foerderung.delete_kommuneteilnahme", is_superuser)
rules.add_perm("foerderung.view_haushaltssicherung", reads_teilnahme)
rules.add_perm("foerderung.add_haushaltssicherung", records_teilnahme)
rules.add_perm("foerderung.change_haushaltssicherung", records_teilnahme)
rules.add_perm("foerderung.delete_haushaltssicherung", is_superuser)
# A position at the Kreis's Geschäftsführende Stelle (no Kommune) is the coordination's own.
rules.add_perm("foerderung.kreisstelle_teilhabestelle", coordinates)
rules.add_perm(
    "foerderung.view_stellenschluessel",
    is_superuser | is_land | ((is_koordination | is_auswertung | is_kommune) & same_buendnis),
)
