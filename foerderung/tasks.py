"""Background work of the funding app."""

from __future__ import annotations

from django_tasks import task


@task()
def zahlenmuster_berechnen(antrag_id: int | None = None, stelle_id: int | None = None) -> int:
    """Computes the protected pattern of an application's monitoring or a position's case counts after its
    figures changed (cached by content; a page that finds none computes it itself)."""
    from foerderung import selectors

    return selectors.muster_vorberechnen(antrag_id=antrag_id, stelle_id=stelle_id)
