from __future__ import annotations

import datetime

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from buendnis import registry

register = template.Library()


def zeitpunkt(value: datetime.date | datetime.datetime) -> str:
    """A date or time as people here read it: an aware time in Europe/Berlin (`TIME_ZONE`), not in UTC.

    Django's templates convert `{{ value }}` themselves; values formatted in Python must do it here."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.localize(value)


@register.inclusion_tag("includes/export_links.html", takes_context=True)
def export_links(context, app_label: str, model_name: str):
    """Export buttons (XLSX, CSV, JSON) for a staff list: `{% export_links "buendnis" "aufgabe" %}`.

    Shown only when the model is registered for export, an app provides the export view and the user may export
    it; the current filter query string is not applied (exports cover the user's whole scope).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    eintrag = registry.export(f"{app_label}.{model_name}".lower())
    ansicht = registry.exportansicht()
    if user is None or eintrag is None or ansicht is None or not eintrag.darf(user):
        return {"eintrag": None}
    url = reverse(ansicht, args=[eintrag.app_label, eintrag.model_name])
    return {
        "eintrag": eintrag,
        "formate": [(fmt.upper(), f"{url}?format={fmt}") for fmt in ("xlsx", "csv", "json")],
    }


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
        return gettext("ja") if value else gettext("nein")
    if isinstance(value, datetime.datetime | datetime.date):
        return zeitpunkt(value)
    return "" if value is None else value


@register.simple_tag(takes_context=True)
def url_mit_seite(context, seite: int) -> str:
    """The current query string with another page number (keeps filters while paging)."""
    query = context["request"].GET.copy()
    query["page"] = seite
    return "?" + query.urlencode()


def _anzeige(field, value) -> str:
    """A history value as a reader knows it: names of related objects, choice labels, ja/nein, dates."""
    if value is None or value == "":
        return ""
    if getattr(field, "many_to_many", False):
        from simple_history.utils import get_m2m_reverse_field_name

        ziel = get_m2m_reverse_field_name(field)
        return ", ".join(str(row.get(ziel, "")) for row in value) if isinstance(value, list) else str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nein")
    if isinstance(value, datetime.datetime | datetime.date):
        return zeitpunkt(value)
    return str(value)


@register.inclusion_tag("includes/history.html")
def aenderungsverlauf(obj, limit: int = 20):
    """Who changed what and when (django-simple-history), newest first, with the changed fields.

    Related objects (foreign keys and tracked many-to-many fields) show by name, choices by their label."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    eintraege = []
    for i, record in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            delta = record.diff_against(older, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = record.instance._meta.get_field(change.field)
                changes.append(
                    {
                        "feld": str(getattr(field, "verbose_name", change.field)),
                        "alt": _anzeige(field, change.old),
                        "neu": _anzeige(field, change.new),
                    }
                )
        eintraege.append({"record": record, "changes": changes})
    return {"eintraege": eintraege}


@register.filter
def verbose_name_of(obj) -> str:
    return str(obj._meta.verbose_name)
