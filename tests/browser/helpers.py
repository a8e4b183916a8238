"""Small helpers shared by the journeys."""

import re


def field(page, label: str):
    """A form field by its label; crispy forms append an asterisk to required fields ("Titel*")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
