"""Object permissions of the needs analysis.

Raw figures of a Bedarfsmeldung are seen and written only by the `kommune` users of that Kommune; everyone else
who runs reports sees figures protected by `bedarf.suppression`.
"""

from __future__ import annotations

import rules

from bedarf.models import ErhebungStatus
from buendnis.rules import (
    is_buendnis_rolle,
    is_kommune,
    is_koordination,
    is_superuser,
    reads_alliance,
    runs_reports,
    same_buendnis,
    same_kommune,
    writes_alliance,
)


@rules.predicate
def erhebung_offen(user, erhebung) -> bool:
    if erhebung is None:
        return True
    return erhebung.status == ErhebungStatus.OFFEN


rules.add_perm("bedarf.view_erhebung", reads_alliance)
rules.add_perm("bedarf.add_erhebung", writes_alliance)
rules.add_perm("bedarf.change_erhebung", writes_alliance & erhebung_offen)
rules.add_perm("bedarf.abschliessen_erhebung", writes_alliance & erhebung_offen)
rules.add_perm("bedarf.erinnern_erhebung", writes_alliance & erhebung_offen)
# Reports over a round (gap analysis, comparison, exports): protected figures only.
rules.add_perm("bedarf.auswerten_erhebung", runs_reports)
# Raw figures: the Kommune that entered them, nobody else (superusers included: `enters_figures` is also asked
# directly, where `has_perm` would let a superuser pass).
enters_figures = is_kommune & same_buendnis & same_kommune
rules.add_perm("bedarf.view_bedarfsmeldung", is_kommune & same_kommune)
rules.add_perm("bedarf.change_bedarfsmeldung", enters_figures)
rules.add_perm("bedarf.view_datenluecke", reads_alliance)
rules.add_perm("bedarf.add_datenluecke", is_buendnis_rolle & same_buendnis)
rules.add_perm("bedarf.change_datenluecke", writes_alliance)
rules.add_perm("bedarf.view_bedarfskategorie", rules.is_authenticated)
# Admin index: superusers and the coordination (lookups, rounds, proposals).
rules.add_perm("bedarf", is_superuser | is_koordination)
