from __future__ import annotations

import datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def feld(obj, path: str):
    """Resolve a dotted attribute path for generic tables; calls zero-argument methods (get_x_display)."""
    value = obj
    for part in path.split("."):
        if value is None:
            return ""
        value = getattr(value, part, None)
        if callable(value) and not hasattr(value, "all"):
            value = value()
    if hasattr(value, "all"):
        return ", ".join(str(v) for v in value.all())
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime.datetime | datetime.date):
        return formats.localize(value)
    return "" if value is None else value


@register.simple_tag(takes_context=True)
def url_mit_seite(context, seite: int) -> str:
    """The current query string with another page number (keeps filters while paging)."""
    query = context["request"].GET.copy()
    query["page"] = seite
    return "?" + query.urlencode()


@register.inclusion_tag("includes/history.html")
def aenderungsverlauf(obj, limit: int = 20):
    """Who changed what and when (django-simple-history), newest first, with the changed fields."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    eintraege = []
    for i, record in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            delta = record.diff_against(older)
            for change in delta.changes:
                field = record.instance._meta.get_field(change.field)
                changes.append(
                    {
                        "feld": str(getattr(field, "verbose_name", change.field)),
                        "alt": change.old,
                        "neu": change.new,
                    }
                )
        eintraege.append({"record": record, "changes": changes})
    return {"eintraege": eintraege}


@register.filter
def verbose_name_of(obj) -> str:
    return str(obj._meta.verbose_name)
