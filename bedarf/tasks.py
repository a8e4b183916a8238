"""Background work of the needs analysis."""

from __future__ import annotations

from django_tasks import task


@task()
def sperrmuster_erneuern(erhebung_id: int) -> int | None:
    """Renews the audited suppression pattern of a round after its figures changed; returns the pattern's id."""
    from bedarf import sperrmuster

    muster = sperrmuster.erneuern(erhebung_id)
    return muster.pk if muster is not None else None


@task()
def sperrmuster_erneuern_alle(erhebung_ids: list[int]) -> int:
    """Renews the stored patterns of several rounds (those a page found without a current one); a round whose
    pattern became current meanwhile is skipped. Returns the number of patterns computed."""
    from bedarf import sperrmuster
    from bedarf.models import Sperrmuster

    staende = sperrmuster.meldungsstaende(erhebung_ids)
    aktuell = set(
        Sperrmuster.objects.filter(erhebung_id__in=erhebung_ids).values_list("erhebung_id", "stand_meldungen")
    )
    erneuert = 0
    for erhebung_id in erhebung_ids:
        if (erhebung_id, staende[erhebung_id]) not in aktuell and sperrmuster.erneuern(
            erhebung_id
        ) is not None:
            erneuert += 1
    return erneuert
