"""Background work of the needs analysis."""

from __future__ import annotations

from django_tasks import task


@task()
def sperrmuster_erneuern(erhebung_id: int) -> int | None:
    """Renews the audited suppression pattern of a round after its figures changed; returns the pattern's id."""
    from bedarf import sperrmuster

    muster = sperrmuster.erneuern(erhebung_id)
    return muster.pk if muster is not None else None
