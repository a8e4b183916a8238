"""The cache as a help, never a dependency (the person's entries, the header's figures, the dashboard's figures):
when it is down or its table is missing (a database cache before `createcachetable`), the caller goes on without it
and the failure is logged."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def versuchen(cache, name: str, operation: str, *args):
    """`cache.<operation>(*args)`, or None when the cache fails; `name` says in the log which cache it was."""
    try:
        return getattr(cache, operation)(*args)
    except Exception:
        logger.warning("%s-Cache nicht erreichbar (%s)", name, operation, exc_info=True)
        return None
