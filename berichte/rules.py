"""Who may generate, read and export reports.

Generating a Sachstandsbericht is the work of the Geschäftsführende Stelle (`koordination`) and of the evaluation
(`auswertung`) of the same Bündnis; a Kommune reads the reports of its Bündnis; the state reads all of them.
Exports follow the shared `runs_reports` predicate (plain members export nothing). Targets (Zielsetzungen) are
read by everyone in their Bündnis and by the Land, drafted by the coordination and agreed by the Land.
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
    writes_alliance,
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

# The Land's steering view of all Bündnisse (table, map, comparison by quarter, export).
rules.add_perm("berichte.view_landsicht", is_superuser | is_land)

# Targets agreed with the Land (Zielsetzungen) and their indicators: everyone in the Bündnis reads its own, the
# Land reads all. The coordination drafts, edits the draft and its indicators, puts it before the Land, enters the
# values it measures by hand and starts a new version of an agreed target; only the Land agrees or sends back.
# Which state allows a step is the workflow's business (berichte.services.ZIEL_TRANSITIONS), not the rule's.
rules.add_perm("berichte.view_zielsetzung", reads_alliance)
rules.add_perm("berichte.add_zielsetzung", writes_alliance)
rules.add_perm("berichte.change_zielsetzung", writes_alliance)
rules.add_perm("berichte.delete_zielsetzung", is_superuser)
rules.add_perm("berichte.vorlegen_zielsetzung", writes_alliance)
rules.add_perm("berichte.neue_fassung_zielsetzung", writes_alliance)
rules.add_perm("berichte.vereinbaren_zielsetzung", is_superuser | is_land)
rules.add_perm("berichte.zurueckgeben_zielsetzung", is_superuser | is_land)
rules.add_perm("berichte.view_indikator", reads_alliance)
rules.add_perm("berichte.add_indikator", writes_alliance)
rules.add_perm("berichte.change_indikator", writes_alliance)
rules.add_perm("berichte.delete_indikator", writes_alliance)
rules.add_perm("berichte.view_indikatorwert", reads_alliance)
rules.add_perm("berichte.add_indikatorwert", writes_alliance)
# Kept values are evidence: nobody changes or removes one in the admin (a wrong manual value is superseded by a
# corrected one on a later date, or removed by a superuser).
rules.add_perm("berichte.change_indikatorwert", is_superuser)
rules.add_perm("berichte.delete_indikatorwert", is_superuser)

rules.add_perm("berichte", is_superuser | is_koordination | is_land)
