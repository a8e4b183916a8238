"""Sections of the Sachstandsbericht that read the domain apps (angebote, bedarf, foerderung).

The domain apps are built alongside this one. A section is offered only when the app's models (and the
selector it needs) exist; until then it is left out of the report rather than breaking it.
"""

from __future__ import annotations

from django.apps import apps


def modell(app_label: str, name: str):
    """The model `app_label.name`, or None while the app does not define it yet."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def abschnittsarten() -> list:
    return []


def exporteintraege() -> list:
    """Export entries of the domain apps' models that exist (see `berichte.registry`)."""
    return []
