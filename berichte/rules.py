"""Who may generate, read and export reports.

Generating a Sachstandsbericht is the work of the Geschäftsführende Stelle (`koordination`) and of the evaluation
(`auswertung`) of the same Bündnis; a Kommune reads the reports of its Bündnis; the state reads all of them.
Exports follow the shared `runs_reports` predicate (plain members export nothing).
"""

from __future__ import annotations

import rules

from buendnis.rules import (
    is_auswertung,
    is_koordination,
    is_land,
    is_superuser,
    reads_alliance,
    runs_reports,
    same_buendnis,
)


@rules.predicate
def is_own_job(user, auftrag) -> bool:
    if auftrag is None:
        return True
    return auftrag.erstellt_von_id == user.pk


generates_reports = is_superuser | ((is_koordination | is_auswertung) & same_buendnis)
# Figures across Kommunen (and for `land` across Bündnisse) on the dashboard.
sees_cross_figures = is_superuser | is_land | (is_auswertung & same_buendnis)

rules.add_perm("berichte.add_bericht", generates_reports)
rules.add_perm("berichte.view_bericht", runs_reports)
rules.add_perm("berichte.delete_bericht", is_superuser)
rules.add_perm("berichte.export_daten", runs_reports)
rules.add_perm("berichte.view_exportauftrag", is_superuser | (rules.is_authenticated & is_own_job))
# Minutes show what the Sitzung page already shows to everyone in the alliance.
rules.add_perm("berichte.protokoll_sitzung", reads_alliance)
rules.add_perm("berichte.view_kennzahlen", sees_cross_figures)

rules.add_perm("berichte", is_superuser | is_koordination | is_land)
